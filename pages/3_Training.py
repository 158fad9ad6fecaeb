"""Training: the loss over many SGD steps, what goes wrong (overflow, a jumpy loss), and any step up close."""

import streamlit as st

from ui import state, training_view
from ui.i18n import tr
from ui.training import run_scenario

state.setup_page("Training", "学習", ":material/show_chart:")
st.caption(
    tr(
        "Train the scenario with SGD for many steps and watch the loss E fall. Steps and the learning rate η are "
        "part of the scenario (and of the share link); every change trains again at once.",
        "シナリオを SGD で何ステップも学習させ、誤差 E が下がる様子を見ます。ステップ数と学習率 η はシナリオ"
        "（共有リンク）の一部で、変えるとすぐに学習し直します。",
    )
)

source = training_view.source_choice()
if source == "sgd":
    choice = training_view.sgd_controls()
    sc, stochastic, seed = choice.scenario, choice.settings.stochastic, choice.settings.seed
else:
    sc = state.scenario()
    stochastic, seed = training_view.scenario_controls(sc)

run = run_scenario(sc, state.reduction(), stochastic, seed)
if run is None:  # over the work budget: its message says what to reduce
    st.stop()
if run.history.diverged_at == 0:  # not even the loss at step 0 is a finite number: there is no curve to draw
    training_view.not_finite_at_start(sc)
    st.stop()
baseline = training_view.baseline_run(state.reduction()) if source == "scenario" else None

training_view.summary(run)
log_y = training_view.log_toggle(source)
training_view.messages(run, sc, log_y)
training_view.charts(run, sc, log_y, baseline)
csv_col, pin_col, _ = st.columns([1.5, 1, 1.5])
with csv_col:
    training_view.downloads(run)
with pin_col:
    if source == "scenario":
        training_view.pin_button()
st.divider()
training_view.step_inspector(run, sc)
