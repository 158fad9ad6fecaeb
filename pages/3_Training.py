"""Training: the loss over many SGD steps, what goes wrong (overflow, a jumpy loss), and any step up close.

Shape (docs/design.md, "The shape of a screen"): state → dnn (the run through ``ui.session.training.run_scenario``,
cached and within the work budget) → the sections of ``ui/screens/training_view.py`` (and the shared ▶ Play and
held-out scores)."""

import streamlit as st

from ui.screens import training_view
from ui.session import state
from ui.session.training import run_scenario
from ui.widgets import data_view, play_view

state.setup_page("Training", "学習", ":material/show_chart:")
training_view.intro()

source = training_view.source_choice()
if source == "sgd":
    choice = training_view.sgd_controls()
    sc, stochastic, seed = choice.scenario, choice.settings.stochastic, choice.settings.seed
else:
    sc = state.scenario()
    stochastic, seed = training_view.scenario_controls(sc)

reduction = state.reduction()
run = run_scenario(sc, reduction, stochastic, seed)
if run is None:  # over the work budget: its message says what to reduce
    st.stop()
if run.history.diverged_at == 0:  # not even the loss at step 0 is a finite number: there is no curve to draw
    training_view.not_finite_at_start(sc)
    st.stop()
baseline = training_view.baseline_run(reduction) if source == "scenario" else None
held_out = state.held_out() if source == "scenario" else None

training_view.summary(run)
if source == "scenario":
    data_view.held_out_scores(run.history)
log_y = training_view.log_toggle(source)
training_view.messages(run, sc, log_y)
training_view.charts(run, sc, log_y, baseline)
csv_col, pin_col, _ = st.columns([1.5, 1, 1.5])
with csv_col:
    training_view.downloads(run)
with pin_col:
    if source == "scenario":
        training_view.pin_button()
play_view.play_section(run, sc, held_out)
st.divider()
training_view.step_inspector(run, sc)
