"""Compare: the pinned baseline against the current scenario — loss curves, what differs, final parameters.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/compare_view.py``."""

import streamlit as st

import dnn
from ui.screens import compare_view as view
from ui.session import state
from ui.session.training import differences, run_scenario
from ui.text.i18n import current_lang

state.setup_page("Compare", "比較", ":material/compare_arrows:")
lang = current_lang()
base, cur = state.baseline(), state.scenario()
reduction = state.reduction()

if base is None:
    view.nothing_pinned()
    st.stop()
log_y = view.actions(base)

base_run = run_scenario(base, reduction)
cur_run = None if base_run is None else run_scenario(cur, reduction)
if cur_run is None:  # over the work budget (the baseline checked first): its message says what to reduce
    st.stop()
# A run whose loss is not a finite number at step 0 has no curve and no trained parameters: say why instead.
stuck = {
    who: dnn.not_finite_at_start(sc.network, sc.x, sc.d) or dnn.NotFinite("E", dnn.largest_value(sc.network, sc.x))
    for who, sc, run in (("baseline", base, base_run), ("current", cur, cur_run))
    if run.history.diverged_at == 0
}
trained = {who: run for who, run in (("baseline", base_run), ("current", cur_run)) if who not in stuck}
both = len(trained) == 2
param_diffs = dnn.parameter_differences(base_run.history.network, cur_run.history.network) if both else None

view.not_finite_at_start(stuck, lang)
view.curves(trained, log_y, lang)
view.finals_and_differences(base, base_run, cur, cur_run, differences(base, cur), lang)
view.trained_parameters(param_diffs, base_run, cur_run, both, lang)
