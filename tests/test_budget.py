"""``dnn.budget`` (the estimate, the ceiling and its message) and the progress hook of ``dnn.train``/``dnn.sweep``.

How close the estimate is to measured time is a benchmark's question (``benchmarks/bench_budget.py``); here: the
logic around it, checked without any timing.
"""

from dataclasses import replace

import numpy as np
import pytest

import dnn
from dnn import budget

LARGEST = budget.Request("train", 8, 16, 8, "softmax", 256, 100_000)  # the issue's Training request
ISSUE_SWEEP = budget.Request("sweep", 8, 16, 8, "softmax", 256, 100_000, 256)  # the issue's 2.2 h sweep


def over(req: budget.Request, factor: float = 5.0) -> budget.Request:
    """``req`` with enough steps to be ``factor`` times the ceiling (whatever the calibrated constants)."""
    return replace(req, steps=int(factor * budget.CEILING_SECONDS / budget.step_seconds(req)))


def next_readable(v: int) -> int:
    """The next value after ``v`` at ``largest_within``'s rounding: one more in the second digit (or one more)."""
    return v + (10 ** (len(str(v)) - 2) if v >= 100 else 1)


def test_estimate_grows_with_every_size():
    base = budget.Request("sweep", 2, 3, 2, "softmax", 4, 1000, 8)
    for field in ("inputs", "hidden", "outputs", "samples", "steps", "runs"):
        bigger = replace(base, **{field: getattr(base, field) * 2})
        assert budget.estimate_seconds(bigger) > budget.estimate_seconds(base), field
    assert budget.estimate_seconds(replace(LARGEST, stochastic=True)) > budget.estimate_seconds(LARGEST)


def test_the_notebook_is_light_and_the_issue_s_requests_are_refused():
    notebook = budget.train_request(dnn.seed_network(), 1, 1000)
    assert not budget.needs_progress(notebook)  # the default Training screen draws no progress bar
    assert budget.check(budget.train_request(dnn.seed_network(), 1, 100_000)) <= budget.CEILING_SECONDS
    with pytest.raises(budget.OverBudgetError):
        budget.check(ISSUE_SWEEP)


@pytest.mark.parametrize(
    "req", [over(LARGEST), ISSUE_SWEEP, over(replace(LARGEST, stochastic=True, output="identity", activation="tanh"))]
)
def test_each_suggested_limit_is_within_the_ceiling_and_tight(req):
    with pytest.raises(budget.OverBudgetError) as refused:
        budget.check(req)
    limits = refused.value.limits
    assert "steps" in limits
    assert ("runs" in limits) == (req.kind == "sweep" and budget.largest_within(req, "runs") is not None)
    for field, value in limits.items():
        assert value < getattr(req, field)
        assert budget.estimate_seconds(replace(req, **{field: value})) <= budget.CEILING_SECONDS
        # the next readable value would not fit (or is no reduction at all)
        bigger = next_readable(value)
        assert bigger >= getattr(req, field) or budget.estimate_seconds(replace(req, **{field: bigger})) > (
            budget.CEILING_SECONDS
        )


def test_refusal_names_what_to_reduce_in_both_languages():
    with pytest.raises(budget.OverBudgetError) as refused:
        budget.check(ISSUE_SWEEP)
    e = refused.value
    assert isinstance(e, dnn.ValidationError) and e.field == "budget"
    steps = e.limits["steps"]
    assert f"steps to at most {steps:,}" in e.en
    assert f"ステップ数を {steps:,} 以下" in e.ja
    assert e.ja.endswith("にしてください。") and "（" in e.ja and "(" not in e.ja
    if "runs" in e.limits:
        assert f"the number of learning rates to at most {e.limits['runs']:,}" in e.en
        assert f"学習率の数を {e.limits['runs']:,} 以下" in e.ja


def test_a_request_no_reduction_can_save_names_nothing():
    # one step of everything at once: steps cannot go lower, and no other value alone brings it down enough
    req = budget.Request("sweep", 8, 16, 8, "softmax", 256, 1, 256)
    assert budget.check(req, ceiling=budget.estimate_seconds(req) * 2) > 0
    with pytest.raises(budget.OverBudgetError) as refused:
        budget.check(req, ceiling=budget.estimate_seconds(replace(req, runs=1)) / 10)
    assert refused.value.limits == {}
    assert "Reduce" not in refused.value.en


# ---------------------------------------------------------------- the progress hook


def problem(samples=8, output="softmax"):
    net = dnn.random_network(3, 5, 2, seed=3, output=output)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(samples, 3))
    d = np.eye(2)[rng.integers(0, 2, samples)]
    return net, x, d


@pytest.mark.parametrize("stochastic", [False, True])
def test_train_reports_increasing_progress_and_computes_the_same(monkeypatch, stochastic):
    monkeypatch.setattr(budget, "REPORT_SECONDS", 0.0)  # a report every step
    net, x, d = problem()
    calls = []
    h = dnn.train(net, x, d, 0.1, 500, stochastic=stochastic, seed=4, progress=lambda k, n: calls.append((k, n)))
    plain = dnn.train(net, x, d, 0.1, 500, stochastic=stochastic, seed=4)
    assert [k for k, _ in calls] == list(range(1, 501)) and {n for _, n in calls} == {500}
    np.testing.assert_array_equal(h.loss, plain.loss)
    np.testing.assert_array_equal(h.grad_norm, plain.grad_norm)


def test_progress_comes_in_chunks_of_the_budget_s_size():
    net, x, d = problem()
    calls = []
    dnn.train(net, x, d, 0.1, 20_000, progress=lambda k, n: calls.append(k))
    every = budget.report_every(budget.train_request(net, len(x), 20_000))
    assert calls == list(range(every, 20_001, every))


def test_sweep_reports_progress_and_computes_the_same(monkeypatch):
    monkeypatch.setattr(budget, "REPORT_SECONDS", 0.0)
    net, x, d = problem()
    lrs = np.geomspace(0.01, 10, 6)
    calls = []
    losses = dnn.sweep(net, x, d, lrs, 300, progress=lambda k, n: calls.append((k, n)))
    assert [k for k, _ in calls] == list(range(1, 301)) and {n for _, n in calls} == {300}
    np.testing.assert_array_equal(losses, dnn.sweep(net, x, d, lrs, 300))


class MovedOnError(Exception):
    """Stands for Streamlit's stop/rerun exception raised at a Streamlit call."""


@pytest.mark.parametrize("kind", ["train", "sweep"])
def test_an_exception_from_progress_stops_the_work_at_once(monkeypatch, kind):
    monkeypatch.setattr(budget, "REPORT_SECONDS", 0.0)
    net, x, d = problem()
    calls = []

    def progress(k, n):
        calls.append(k)
        if k == 7:
            raise MovedOnError

    with pytest.raises(MovedOnError):
        if kind == "train":
            dnn.train(net, x, d, 0.1, 100_000, progress=progress)
        else:
            dnn.sweep(net, x, d, [0.1, 1.0], 100_000, progress=progress)
    assert calls == list(range(1, 8))  # not called again: no step after the 7th was taken


def test_fewer_runs_with_more_steps_are_suggested_only_when_they_fit():
    # The Sweep screen caps runs × steps: fewer learning rates get more steps, up to the scenario's 100,000.
    def steps_for(runs):
        return min(100_000, 2_000_000 // runs - 1)

    req = budget.Request("sweep", 8, 16, 8, "softmax", 64, steps_for(256), 256)
    ceiling = budget.estimate_seconds(req) / 4
    with pytest.raises(budget.OverBudgetError) as refused:
        budget.check(req, ceiling=ceiling, steps_for_runs=steps_for)
    runs = refused.value.limits.get("runs")
    if runs is not None:  # whatever it names fits once its own steps are counted
        assert budget.estimate_seconds(replace(req, runs=runs, steps=steps_for(runs))) <= ceiling
    # counted without the steps that come with fewer runs, a suggestion would not fit
    naive = budget.largest_within(req, "runs", ceiling)
    assert naive is not None
    assert budget.estimate_seconds(replace(req, runs=naive, steps=steps_for(naive))) > ceiling
