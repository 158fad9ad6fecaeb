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


# ---------------------------------------------------------------- the update rule


RULES = ["momentum", "adagrad", "rmsprop", "adam"]


def weights_and_biases(req: budget.Request) -> int:
    """Counted here again from the sizes: W1 and b1, W2 and b2."""
    return req.inputs * req.hidden + req.hidden + req.hidden * req.outputs + req.outputs


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize(
    "req",
    [
        budget.Request("train", 2, 3, 2, "softmax", 1, 1000),
        budget.Request("train", 8, 16, 8, "sigmoid", 256, 1000, 1, True, "tanh"),
        budget.Request("sweep", 8, 16, 8, "softmax", 64, 1000, 256),
    ],
)
def test_the_estimate_adds_what_the_measured_constants_say_a_rule_costs(req, rule):
    sgd = budget.estimate_seconds(req)
    with_rule = budget.estimate_seconds(replace(req, optimizer=rule))
    cost = budget.STEP_COST[req.kind]
    runs = req.runs if req.kind == "sweep" else 1
    per_step = cost[f"update_{rule}"] + cost[f"params_{rule}"] * weights_and_biases(req) * runs
    assert with_rule - sgd == pytest.approx((req.steps + 1) * per_step, rel=1e-12)
    assert with_rule > sgd  # every rule's update costs something: none of its constants was measured at zero


def test_adam_costs_the_most_and_momentum_the_least_of_the_rules():
    req = budget.Request("train", 2, 3, 2, "softmax", 1, 1000)  # the notebook's step: almost only calls
    seconds = {rule: budget.estimate_seconds(replace(req, optimizer=rule)) for rule in ["sgd", *RULES]}
    assert seconds["sgd"] < seconds["momentum"] < seconds["adam"]
    assert max(seconds, key=seconds.get) == "adam"


def test_train_and_sweep_requests_carry_the_rule():
    net = dnn.seed_network()
    assert budget.train_request(net, 1, 100, optimizer="adam").optimizer == "adam"
    assert budget.sweep_request(net, 1, 100, 9, "rmsprop").optimizer == "rmsprop"
    assert budget.train_request(net, 1, 100).optimizer == "sgd"


@pytest.mark.parametrize("kind", ["train", "sweep"])
def test_a_request_that_fits_for_sgd_is_refused_for_adam_naming_what_to_reduce(kind):
    sgd = budget.Request(kind, 2, 3, 2, "softmax", 1, 50_000, 9 if kind == "sweep" else 1)
    adam = replace(sgd, optimizer="adam")
    ceiling = (budget.estimate_seconds(sgd) + budget.estimate_seconds(adam)) / 2  # between the two
    assert budget.check(sgd, ceiling=ceiling) <= ceiling
    with pytest.raises(budget.OverBudgetError) as refused:
        budget.check(adam, ceiling=ceiling)
    e = refused.value
    steps = e.limits["steps"]
    assert steps < adam.steps and budget.estimate_seconds(replace(adam, steps=steps)) <= ceiling
    assert budget.estimate_seconds(replace(adam, steps=next_readable(steps))) > ceiling
    assert f"steps to at most {steps:,}" in e.en
    assert f"ステップ数を {steps:,} 以下" in e.ja


def test_the_rule_sets_the_chunk_of_progress_reports():
    net, x, d = problem()
    calls = []
    dnn.train(net, x, d, 0.01, 20_000, progress=lambda k, n: calls.append(k), optimizer="adam")
    every = budget.report_every(budget.train_request(net, len(x), 20_000, optimizer="adam"))
    assert every < budget.report_every(budget.train_request(net, len(x), 20_000))  # a costlier step: fewer a chunk
    assert calls == list(range(every, 20_001, every))
