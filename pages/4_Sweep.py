"""Learning-rate sweep: the scenario trained with many learning rates η at once (one ``dnn.sweep`` call), and the
update rules compared.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/sweep_view.py`` (and the
shared comparison of the update rules)."""

import streamlit as st

import dnn
from ui.screens import sweep_view as view
from ui.session import state
from ui.session.training import sweep_scenario, sweep_steps
from ui.text.i18n import current_lang
from ui.widgets import optimizer_compare

state.setup_page("Learning-rate sweep", "学習率スイープ", ":material/stacked_line_chart:")
sc = state.scenario()
lang = current_lang()
reduction = state.reduction()

start = dnn.not_finite_at_start(sc.network, sc.x, sc.d)
view.intro(start, lang)
if start:
    st.stop()

chosen = view.controls(*dnn.sweep_range(sc.lr))  # the scenario's own run in the middle of the sweep by default
lrs = dnn.log_spaced(chosen.low, chosen.high, chosen.count)
steps = sweep_steps(sc.steps, chosen.count)
view.shortened(steps, sc.steps, chosen.count)
res = sweep_scenario(sc, lrs, steps, reduction)
if res is None:  # over the work budget: its message says what to reduce
    st.stop()

view.curves(res, chosen.count, chosen.log_y, sc.network.output, sc.network.n_out, lang)
view.final_losses(res, sc, chosen, lang)
view.runs_table(res, chosen.count, steps, lang)
st.divider()
optimizer_compare.section(sc, reduction)
