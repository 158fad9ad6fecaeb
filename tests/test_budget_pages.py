"""The work budget on the Training, Sweep and Compare screens under AppTest: a request over the ceiling is refused
before any training (the trainer is replaced by one that fails if called), by a link and by a click, in both
languages, with the scenario kept; a long run draws a progress bar that advances, and stops when the session moves
on.

The ceiling is set per test relative to ``dnn.budget``'s own estimate, so that the tests do not depend on the
calibrated constants; one test keeps the real ceiling for the issue's own sweep (hours of work).
"""

import itertools
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest

import dnn
from dnn import budget
from ui.session import codec
from ui.session import training as training_ui

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAINING, SWEEP, COMPARE = "pages/3_Training.py", "pages/4_Sweep.py", "pages/5_Compare.py"


def largest_scenario(steps: int) -> dnn.Scenario:
    """The largest network (8-16-8) on 256 samples with one-hot targets."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8))
    d = np.eye(8)[rng.integers(0, 8, 256)]
    return dnn.Scenario(dnn.random_network(8, 16, 8, seed=1), x, d, lr=0.01, steps=steps)


def open_page(page, sc, lang=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in codec.scenario_to_query(sc, lang).items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


@pytest.fixture
def trainer_calls(monkeypatch):
    """Replace dnn.train and dnn.sweep by functions that record the call and fail: a refused request never calls
    them (a call shows as an exception on the page, and in the list)."""
    calls = []

    def refuse(name):
        def trainer(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"dnn.{name} was called for a request over the ceiling")

        return trainer

    monkeypatch.setattr(dnn, "train", refuse("train"))
    monkeypatch.setattr(dnn, "sweep", refuse("sweep"))
    training_ui.RUNS.clear()
    training_ui.SWEEPS.clear()
    return calls


def set_ceiling(monkeypatch, seconds):
    monkeypatch.setattr(budget, "CEILING_SECONDS", seconds)


def refusal(at):
    """The budget's message (the only error on these screens here)."""
    assert not at.exception, at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    return at.error[0].value


def assert_scenario_kept(at, sc):
    kept = at.session_state["scenario"]
    assert kept.steps == sc.steps and kept.lr == sc.lr
    np.testing.assert_array_equal(kept.x, sc.x)
    np.testing.assert_array_equal(kept.network.W1, sc.network.W1)
    assert at.query_params["steps"] == str(sc.steps)  # the address bar is still the whole scenario


# ---------------------------------------------------------------- refused by a link


@pytest.mark.parametrize("lang", [None, "ja"])
@pytest.mark.parametrize("page", [TRAINING, SWEEP])
def test_a_link_over_the_ceiling_is_refused_before_any_training(monkeypatch, trainer_calls, page, lang):
    sc = largest_scenario(100_000)
    request = (
        budget.train_request(sc.network, 256, sc.steps)
        if page == TRAINING
        else budget.sweep_request(sc.network, 256, sc.steps, 9)  # the sweep's default: 9 learning rates
    )
    set_ceiling(monkeypatch, budget.estimate_seconds(request) / 5)
    at = open_page(page, sc, lang)
    text = refusal(at)
    steps = budget.largest_within(request, "steps")
    samples = budget.largest_within(request, "samples")
    if lang == "ja":
        assert f"ステップ数を {steps:,} 以下" in text and f"サンプル数を {samples:,} 以下" in text
    else:
        assert f"steps to at most {steps:,}" in text and f"samples to at most {samples:,}" in text
    assert trainer_calls == []
    assert not at.get("plotly_chart")  # nothing drawn from a run that did not happen
    assert_scenario_kept(at, sc)


def test_the_issue_s_sweep_link_is_refused_at_the_real_ceiling(trainer_calls):
    # 8-16-8, 256 samples, steps=100000 on the Sweep screen: 2.2 hours of CPU in the issue (with 256 η)
    at = open_page(SWEEP, largest_scenario(100_000))
    assert "steps to at most" in refusal(at)
    assert trainer_calls == []


# ---------------------------------------------------------------- refused by a click


@pytest.mark.parametrize("lang", [None, "ja"])
def test_typing_too_many_steps_is_refused_and_kept(monkeypatch, lang):
    sc = largest_scenario(20)
    set_ceiling(monkeypatch, budget.estimate_seconds(budget.train_request(sc.network, 256, 20_000)))
    at = open_page(TRAINING, sc, lang)  # 20 steps: trained for real
    assert not at.exception and not at.error and at.get("plotly_chart")
    calls = []
    monkeypatch.setattr(dnn, "train", lambda *a, **k: calls.append(1) or pytest.fail("trained"))
    at.text_input(key="train_steps_v0").input("100000").run()
    text = refusal(at)
    limit = budget.largest_within(budget.train_request(sc.network, 256, 100_000), "steps")
    assert (f"ステップ数を {limit:,} 以下" if lang else f"steps to at most {limit:,}") in text
    assert calls == []
    assert_scenario_kept(at, replace(sc, steps=100_000))  # the edit is the scenario; only its training waits


@pytest.mark.parametrize("lang", [None, "ja"])
def test_choosing_too_many_learning_rates_is_refused(monkeypatch, lang):
    sc = largest_scenario(20)
    few, many = (budget.estimate_seconds(budget.sweep_request(sc.network, 256, 20, r)) for r in (9, 256))
    set_ceiling(monkeypatch, (few * many) ** 0.5)
    at = open_page(SWEEP, sc, lang)  # 9 learning rates × 20 steps: trained for real
    assert not at.exception and not at.error
    calls = []
    monkeypatch.setattr(dnn, "sweep", lambda *a, **k: calls.append(1) or pytest.fail("trained"))
    at.slider(key="sweep_count").set_value(256).run()
    text = refusal(at)
    runs = budget.largest_within(budget.sweep_request(sc.network, 256, 20, 256), "runs")
    assert runs is not None and 9 <= runs < 256
    assert (f"学習率の数を {runs:,} 以下" if lang else f"the number of learning rates to at most {runs:,}") in text
    assert calls == []
    assert_scenario_kept(at, sc)


def test_compare_refuses_a_pinned_run_over_the_ceiling(monkeypatch, trainer_calls):
    sc = largest_scenario(100_000)
    set_ceiling(monkeypatch, budget.estimate_seconds(budget.train_request(sc.network, 256, sc.steps)) / 5)
    at = open_page(COMPARE, sc)
    at.button(key="compare_pin").click().run()
    assert "steps to at most" in refusal(at)
    assert trainer_calls == []
    assert_scenario_kept(at, sc)


# ---------------------------------------------------------------- progress, and stopping when the session moves on


@pytest.fixture
def progress_values(monkeypatch):
    """Every value drawn into a progress bar (Streamlit's own element, spied on): a report at every step, a
    redraw at every report, and any run long enough for a bar."""
    monkeypatch.setattr(budget, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(budget, "REPORT_SECONDS", 0.0)
    monkeypatch.setattr(training_ui, "PROGRESS_REDRAW", 0.0)
    training_ui.RUNS.clear()
    training_ui.SWEEPS.clear()
    drawn = []
    original = DeltaGenerator.progress

    def spy(self, value, text=None, **kwargs):
        drawn.append((value, text))
        return original(self, value, text=text, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "progress", spy)
    return drawn


@pytest.mark.parametrize("lang", [None, "ja"])
def test_a_long_run_shows_its_progress_then_the_charts(progress_values, lang):
    at = open_page(TRAINING, dnn.seed_scenario().replace(steps=3000), lang)
    assert not at.exception
    values = [v for v, _ in progress_values]
    assert len(values) > 10 and values[0] == 0.0
    assert all(a < b for a, b in itertools.pairwise(values)) and 0 < values[-1] <= 1
    done = round(values[-1] * 3000)
    expected = f"{done:,} of 3,000 steps done" if lang is None else f"3,000 ステップ中 {done:,} ステップ済み"
    assert expected in progress_values[-1][1]
    assert not at.get("progress")  # the bar is gone once the run is done
    assert at.get("plotly_chart")


def test_a_sweep_shows_its_progress(progress_values):
    at = open_page(SWEEP, dnn.seed_scenario().replace(steps=500))
    assert not at.exception
    values = [v for v, _ in progress_values]
    assert len(values) > 10 and all(a < b for a, b in itertools.pairwise(values))


def moving_on_at(monkeypatch, step, how):
    """Replace dnn.train by the real one whose first run, at ``step``, gets what a session moving on sends: a rerun
    request (a click, a page switch) or a stop (the tab closed). Returns the progress reports, as (run, steps)."""
    reports = []
    original_train = dnn.train

    def train(*args, progress=None, **kwargs):
        number = len({n for n, _ in reports})

        def report(done, total):
            reports.append((number, done))
            if number == 0 and done == step:
                ctx = get_script_run_ctx()
                if how == "rerun":
                    ctx.script_requests.request_rerun(
                        RerunData(query_string=ctx.query_string, page_script_hash=ctx.page_script_hash)
                    )
                else:
                    ctx.script_requests.request_stop()
            progress(done, total)

        return original_train(*args, progress=report, **kwargs)

    monkeypatch.setattr(dnn, "train", train)
    return reports


def test_a_rerun_stops_the_training_at_the_next_chunk(progress_values, monkeypatch):
    """The rerun is served at the next progress redraw: that run stops there, and the rerun trains anew to the end."""
    reports = moving_on_at(monkeypatch, 50, "rerun")
    at = open_page(TRAINING, dnn.seed_scenario().replace(steps=3000))
    assert not at.exception
    assert max(done for n, done in reports if n == 0) == 50  # no step after the request's chunk
    assert max(done for n, done in reports if n == 1) == 3000
    assert at.get("plotly_chart")


def test_a_closed_session_stops_the_training_at_the_next_chunk(progress_values, monkeypatch):
    reports = moving_on_at(monkeypatch, 50, "stop")
    at = open_page(TRAINING, dnn.seed_scenario().replace(steps=3000))
    assert {n for n, _ in reports} == {0} and max(done for _, done in reports) == 50
    assert not at.get("plotly_chart")  # the script ended there
    assert len(training_ui.RUNS) == 0  # and nothing half-trained was kept


# ---------------------------------------------------------------- the update rule counts


@pytest.mark.parametrize("lang", [None, "ja"])
def test_a_link_that_fits_with_sgd_is_refused_with_adam(monkeypatch, lang):
    sgd = dnn.seed_scenario().replace(steps=50_000)
    adam = sgd.replace(optimizer="adam")
    costs = [
        budget.estimate_seconds(budget.train_request(sc.network, 1, sc.steps, optimizer=sc.optimizer))
        for sc in (sgd, adam)
    ]
    set_ceiling(monkeypatch, sum(costs) / 2)  # between SGD's estimate and Adam's
    calls = []
    original = dnn.train
    monkeypatch.setattr(dnn, "train", lambda *a, **k: calls.append(k["optimizer"]) or original(*a, **k))
    training_ui.RUNS.clear()
    at = open_page(TRAINING, adam, lang)
    text = refusal(at)
    limit = budget.largest_within(budget.train_request(adam.network, 1, adam.steps, optimizer="adam"), "steps")
    assert (f"ステップ数を {limit:,} 以下" if lang else f"steps to at most {limit:,}") in text
    assert calls == []
    assert at.session_state["scenario"].optimizer == "adam"  # the scenario is kept, rule and all
    assert_scenario_kept(at, adam)
    # The same link with SGD is within the ceiling: it goes to the trainer
    at = open_page(TRAINING, sgd, lang)
    assert not at.exception and not at.error and calls == ["sgd"] and at.get("plotly_chart")
