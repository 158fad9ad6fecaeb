"""The claims catalogue: every sentence that states a fact about the current numbers, checked for every hidden
activation × output layer × reduction, with one and with two samples.

Each claim is checked twice: the value ``dnn`` returns is compared with an independent computation written here
(plain numpy and finite differences, never the code under test), and the sentence on screen is checked to say
what that value says.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

import dnn
from dnn import claims
from ui.text import explain

HIDDEN = ("relu", "sigmoid", "tanh", "identity")
OUTPUT = ("softmax", "sigmoid", "identity")
X = {1: np.array([[1.0, 5.0]]), 2: np.array([[1.0, 5.0], [2.0, -1.0]])}
D = {1: np.array([[0.0, 1.0]]), 2: np.array([[0.0, 1.0], [1.0, 0.0]])}
GRID = list(itertools.product(HIDDEN, OUTPUT, ("mean", "sum"), (1, 2)))


# ---------------------------------------------------------------- an independent forward pass and loss


def act(name: str, u: np.ndarray) -> np.ndarray:
    return {"relu": np.maximum(u, 0), "sigmoid": 1 / (1 + np.exp(-u)), "tanh": np.tanh(u), "identity": u}[name]


def outputs(name: str, u2: np.ndarray) -> np.ndarray:
    if name == "softmax":
        e = np.exp(u2 - u2.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return 1 / (1 + np.exp(-u2)) if name == "sigmoid" else u2


def sample_loss(output: str, u2: np.ndarray, d: np.ndarray, guard: float = 0.0) -> np.ndarray:
    """Each sample's loss from its total input u2 (guard = the course's 1e-7, or 0 for the exact loss)."""
    y = outputs(output, u2)
    if output == "softmax":
        return -np.sum(d * np.log(y + guard), axis=1)
    if output == "sigmoid":
        return -np.sum(d * np.log(y + guard) + (1 - d) * np.log(1 - y + guard), axis=1)
    return 0.5 * np.sum((y - d) ** 2, axis=1)


def total_loss(params: dict, hidden: str, output: str, x: np.ndarray, d: np.ndarray, reduction: str) -> float:
    u2 = act(hidden, x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
    per = sample_loss(output, u2, d)
    return float(per.sum() if reduction == "sum" else per.mean())


def finite_differences(params: dict, *args, h: float = 1e-6) -> dict:
    grads = {}
    for k, v in params.items():
        g = np.zeros_like(v)
        for idx in np.ndindex(v.shape):
            plus = {**params, k: v.copy()}
            minus = {**params, k: v.copy()}
            plus[k][idx] += h
            minus[k][idx] -= h
            g[idx] = (total_loss(plus, *args) - total_loss(minus, *args)) / (2 * h)
        grads[k] = g
    return grads


def case(hidden: str, output: str, n: int):
    net = dnn.seed_network().replace(hidden=hidden, output=output)
    return net, X[n], D[n]


# ---------------------------------------------------------------- the gradient shown, and its name


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_the_gradient_shown_is_of_the_loss_it_is_named_after(hidden, output, reduction, n):
    """ "E" is the mean loss, "E_sum" = Σₙ Eₙ; the gradients backprop shows are those of the loss so named."""
    net, x, d = case(hidden, output, n)
    name = claims.loss_symbol(reduction, n)
    assert name == ("E_sum" if (reduction == "sum" and n > 1) else "E")
    fd = finite_differences(net.params(), hidden, output, x, d, "sum" if name == "E_sum" else "mean")
    g = dnn.backward(net, x, d, reduction=reduction)
    for k, v in fd.items():
        np.testing.assert_allclose(g.params()[k], v, rtol=1e-5, atol=1e-8)
    assert ("E_sum" in explain.reduction_note(reduction, n, "en")) == (name == "E_sum")


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_gradient_check_verdict_follows_the_one_rule(hidden, output, reduction, n):
    """The check agrees (≤ the rule) for every smooth combination, and the verdict says so in both languages."""
    net, x, d = case(hidden, output, n)
    g = dnn.backward(net, x, d, reduction=reduction)
    fd = finite_differences(net.params(), hidden, output, x, d, reduction)
    rel = max(
        float(np.max(np.abs(g.params()[k] - fd[k]) / np.maximum(np.abs(g.params()[k]) + np.abs(fd[k]), 1e-8)))
        for k in fd
    )
    assert claims.gradient_check_agrees(rel) == (rel <= claims.GRADIENT_CHECK_TOLERANCE)
    assert rel <= claims.GRADIENT_CHECK_TOLERANCE  # h = 1e-6 in double precision: far inside the rule
    u1 = dnn.forward(net, x).u1
    verdict = explain.gradient_check_verdict(rel, u1, "en", hidden)
    assert verdict.kind == "success" and "agrees" in verdict.body
    rule = re.search(r"at most (\S+) ", explain.gradient_check_intro(reduction, n, "en", output)).group(1)
    assert float(rule) == claims.GRADIENT_CHECK_TOLERANCE and f"≤ {rule}" in verdict.body
    # at the course's sizes numerical differentiation measures every partial derivative of the loss it is taken of
    checked = dnn.differentiated_loss(net, x, d, reduction)
    assert checked == pytest.approx(total_loss(net.params(), hidden, output, x, d, reduction), rel=1e-12)
    check = dnn.gradient_check(g.params(), dnn.numerical_gradient(net, x, d, reduction=reduction).params(), checked)
    assert check.unmeasured == 0 and check.cells == 17 and check.worst <= claims.GRADIENT_CHECK_TOLERANCE
    assert "cannot measure" not in explain.gradient_check_verdict(check.worst, u1, "en", hidden, check).body


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_gradient_check_at_a_size_where_numerical_differentiation_loses_the_slope(lang):
    """x = 1e300 with a sigmoid output: E ≈ 2.2e299 is kept to 16 digits, so nudging a bias by 1e-5 (slope about
    1) does not change it at all and the central difference is 0. Those cells are named as not measurable, not
    reported as a relative error of 1 (a disagreement); the large slopes (≈ 1e299) are still checked."""
    net, x, d = dnn.seed_network().replace(output="sigmoid"), np.array([[1e300, 5.0]]), D[1]

    def stable_loss(params: dict) -> float:  # binary cross-entropy from u2 without forming y: softplus(±u2)
        u2 = act("relu", x @ params["W1"] + params["b1"]) @ params["W2"] + params["b2"]
        return float(np.sum(d * np.logaddexp(0, -u2) + (1 - d) * np.logaddexp(0, u2)))

    e = stable_loss(net.params())
    for name in ("b1", "b2"):  # an independent central difference of a bias: exactly 0, the change is lost
        for idx in np.ndindex(getattr(net, name).shape):
            params = {k: v.copy() for k, v in net.params().items()}
            params[name][idx] += 1e-5
            plus = stable_loss(params)
            params[name][idx] -= 2e-5
            assert plus - stable_loss(params) == 0.0
    g = dnn.backward(net, x, d)
    numerical = dnn.numerical_gradient(net, x, d).params()
    assert dnn.gradient_check(g.params(), numerical).worst == pytest.approx(1.0)  # what the screen used to say
    check = dnn.gradient_check(g.params(), numerical, dnn.differentiated_loss(net, x, d))
    assert check.loss == pytest.approx(e, rel=1e-12)
    assert check.lost["b1"].all() and check.lost["b2"].flat[0] and not check.lost["W2"].any()
    assert not any(m.any() for m in check.overflowed.values())
    assert check.worst <= claims.GRADIENT_CHECK_TOLERANCE  # the slopes ≈ 1e299 agree
    verdict = explain.gradient_check_verdict(check.worst, dnn.forward(net, x).u1, lang, "relu", check)
    k = check.unmeasured
    assert 5 <= k < 17 and check.cells == 17
    assert (f"cannot measure {k} of the 17" if lang == "en" else f"17 個の偏微分のうち {k} 個") in verdict.body
    assert "2.2e+299" in verdict.body and verdict.kind == "success"
    assert ("1.0" not in verdict.body) and ("disagree" not in verdict.body)


def test_gradient_check_when_the_nudged_loss_overflows():
    """E(w ± h) beyond float64: every numerical slope is inf or nan while backprop's are numbers; nothing to compare,
    and the verdict says so instead of "agrees"."""
    g = {"W1": np.ones((2, 3)), "b1": np.ones((1, 3)), "W2": np.ones((3, 2)), "b2": np.ones((1, 2))}
    numerical = {k: np.full_like(v, np.nan) for k, v in g.items()}
    check = dnn.gradient_check(g, numerical, math.inf)
    assert check.unmeasured == check.cells == 17 and check.finite
    verdict = explain.gradient_check_verdict(check.worst, np.ones((1, 3)), "en", "relu", check)
    assert verdict.kind == "info" and "overflows" in verdict.body and "agrees" not in verdict.body


# ---------------------------------------------------------------- the output delta and what cancels


@pytest.mark.parametrize(("output", "n"), itertools.product(OUTPUT, (1, 2)))
def test_y_minus_d_is_each_output_layers_delta(output, n):
    """Question 1's claim: for each output layer with its loss, ∂Eₙ/∂u2 of one sample is y − d (exact loss)."""
    rng = np.random.default_rng(3)
    u2 = rng.normal(size=(n, 2))
    d = D[n]
    y = outputs(output, u2)
    h = 1e-6
    for i, k in np.ndindex(u2.shape):
        up, down = u2.copy(), u2.copy()
        up[i, k] += h
        down[i, k] -= h
        slope = (sample_loss(output, up, d)[i] - sample_loss(output, down, d)[i]) / (2 * h)
        assert slope == pytest.approx(y[i, k] - d[i, k], abs=1e-7)
    net = dnn.seed_network().replace(output=output)
    first = explain.q1_blocks(net, dnn.forward(net, X[1]), D[1], "mean", "en")[0].body
    assert ("nothing has to cancel" in first) == (output == "identity")
    assert ("Σd = 1" in first) == (output == "softmax")
    assert claims.shortcut_condition(output) in ("cancel", "cancel_if_target_sums_to_1", "nothing_to_cancel")


def test_softmax_targets_must_add_up_to_1():
    """The condition the softmax shortcut needs is one the scenario enforces."""
    with pytest.raises(dnn.ValidationError):
        dnn.Scenario(dnn.seed_network(), [[1.0, 5.0]], [[0.5, 0.2]])


# ---------------------------------------------------------------- Σy, dead units, ReLU's zeros


@pytest.mark.parametrize(("hidden", "n"), itertools.product(HIDDEN, (1, 2)))
def test_output_sum_note_states_np_sum_of_all_samples(hidden, n):
    net, x, d = case(hidden, "softmax", n)
    y = outputs("softmax", act(hidden, x @ net.W1 + net.b1) @ net.W2 + net.b2)
    sums = claims.output_sums(dnn.forward(net, x).y)
    np.testing.assert_allclose(sums.per_sample, np.ones(n), atol=1e-15)
    assert sums.notebook_total == pytest.approx(float(y.sum()), abs=1e-14)
    for lang in ("en", "ja"):
        note = explain.forward_steps(net, x, d, dnn.forward(net, x), lang)[3].notes[0]
        shown = float(re.search(r"(\d\.\d+)", note.split("np.sum" if n > 1 else "Σy = ")[1]).group(1))
        assert shown == pytest.approx(n, abs=1e-12)


@pytest.mark.parametrize(("hidden", "output", "n"), itertools.product(HIDDEN, OUTPUT, (1, 2)))
def test_dead_units_are_exactly_the_units_off_for_every_sample(hidden, output, n):
    net = dnn.seed_network().replace(hidden=hidden, output=output, W1=np.array([[0.1, 0.3, 0.1], [0.2, 0.4, -0.4]]))
    x, d = X[n], D[n]
    u1 = x @ net.W1 + net.b1
    expected = [j for j in range(3) if hidden == "relu" and np.all(u1[:, j] <= 0)]
    fwd = dnn.forward(net, x)
    assert dnn.dead_units(net, fwd) == expected
    g = dnn.backward(net, x, d)
    for j in expected:  # the warning's claim: these gradients are exactly 0
        assert np.all(g.W1[:, j] == 0) and g.b1[j] == 0 and np.all(g.W2[j] == 0)
    off = int(np.sum(u1 <= 0)) if hidden == "relu" else 0
    assert claims.switched_off(hidden, u1) == off
    notes = " ".join(explain.forward_steps(net, x, d, fwd, "en")[1].notes)
    verb = "is" if off == 1 else "are"
    assert (f"{off} of the total inputs u1 {verb} ≤ 0" in notes) == (off > 0)


def test_relu_at_exactly_zero():
    kink = claims.relu_kink()
    assert kink.course_derivative == 0.0  # np.where(x > 0, 1, 0) at 0
    assert kink.central_difference == pytest.approx(0.5)  # (h − 0) / 2h
    net = dnn.seed_network().replace(b1=np.array([-1.1, 0.2, 0.3]))  # u1 of h1 = 1·0.1 + 5·0.2 − 1.1 = 0
    u1 = dnn.forward(net, X[1]).u1
    if u1[0, 0] == 0.0:  # exactly 0 in floating point for these numbers
        assert claims.units_at_kink("relu", u1) == [0]
    assert claims.units_at_kink("tanh", u1) == []


# ---------------------------------------------------------------- the 1e-7 in the log


def test_loss_ceiling_and_floor():
    assert claims.loss_ceiling() == pytest.approx(-np.log(1e-7), rel=1e-12)
    assert claims.loss_ceiling() == pytest.approx(16.118, abs=1e-3)
    assert claims.loss_floor() == pytest.approx(-np.log(1 + 1e-7), rel=1e-9)
    assert -1.1e-7 < claims.loss_floor() < 0
    assert [claims.has_loss_guard(o) for o in OUTPUT] == [True, True, False]


@pytest.mark.parametrize("n", [1, 2])
def test_guarded_delta_is_the_gradient_of_the_loss_with_the_1e7(n):
    rng = np.random.default_rng(n)
    u2 = rng.normal(size=(n, 3))
    d = np.eye(3)[rng.integers(0, 3, n)]
    y = outputs("softmax", u2)
    h = 1e-6
    expected = np.zeros_like(u2)
    for i, k in np.ndindex(u2.shape):
        up, down = u2.copy(), u2.copy()
        up[i, k] += h
        down[i, k] -= h
        expected[i, k] = (sample_loss("softmax", up, d, 1e-7)[i] - sample_loss("softmax", down, d, 1e-7)[i]) / (2 * h)
    np.testing.assert_allclose(claims.guarded_delta(y, d), expected, atol=1e-8)
    gap = np.max(np.abs(claims.guarded_delta(y, d) - (y - d)))
    y_target = np.sum(y * d, axis=1)
    assert 0 < gap <= 1.01e-7 / y_target.min()  # "differs slightly" while the target's y is well above 1e-7
    # ... and completely once the target's y falls near 1e-7: the guarded loss is flat at its ceiling there
    y_wrong = outputs("softmax", np.array([[20.0, 0.0]]))  # y2 ≈ 2e-9 while d asks for y2
    far = claims.guarded_delta(y_wrong, np.array([[0.0, 1.0]]))
    assert abs(far[0, 1]) < 0.05 and (y_wrong - [[0.0, 1.0]])[0, 1] < -0.99


# ---------------------------------------------------------------- one SGD step: predicted and actual ΔE


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_sgd_step_prediction_and_actual_change(hidden, output, reduction, n):
    net, x, d = case(hidden, output, n)
    lr = 1e-3
    g = dnn.backward(net, x, d, reduction=reduction)
    step = dnn.step_report(net, x, d, g, lr)
    grad_mean = finite_differences(net.params(), hidden, output, x, d, "mean")
    predicted = -lr * sum(float(np.sum(grad_mean[k] * g.params()[k])) for k in grad_mean)
    assert step.predicted == pytest.approx(predicted, rel=1e-5, abs=1e-12)
    after = {k: v - lr * g.params()[k] for k, v in net.params().items()}
    guarded = {"softmax": 1e-7, "sigmoid": 1e-7, "identity": 0.0}[output]  # the reported loss keeps the 1e-7

    def reported(p: dict) -> float:
        u2 = act(hidden, x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        return float(sample_loss(output, u2, d, guarded).mean())

    assert step.actual == pytest.approx(reported(after) - reported(net.params()), rel=1e-6, abs=1e-12)
    metrics = next(b.body for b in explain.sgd_blocks(net, g, step, lr, reduction, "en") if b.kind == "metrics")
    assert ("‖g‖²" in metrics[2].label) == (claims.loss_symbol(reduction, n) == "E")


# ---------------------------------------------------------------- what overflows


def test_what_overflows_softmax_weights_can_blow_up():
    """The Training screen's claim: exp cannot overflow (max shift), but the weights can. Trained here in plain
    numpy: the Two samples preset with an identity hidden layer at η = 100 stops being finite at step 66."""
    net = dnn.seed_network()
    W1, b1, W2, b2 = (net.params()[k].copy() for k in ("W1", "b1", "W2", "b2"))
    x, d = np.array([[1.0, 5.0], [3.0, 1.0]]), D[2]  # the Two samples preset
    stopped = None
    with np.errstate(all="ignore"):
        for step in range(1, 200):
            u2 = (x @ W1 + b1) @ W2 + b2
            y = outputs("softmax", u2)
            delta2 = (y - d) / 2
            delta1 = delta2 @ W2.T
            W1, b1, W2, b2 = (
                W1 - 100 * x.T @ delta1,
                b1 - 100 * delta1.sum(0),
                W2 - 100 * (x @ W1 + b1).T @ delta2,
                b2 - 100 * delta2.sum(0),
            )
            loss = -np.sum(d * np.log(outputs("softmax", (x @ W1 + b1) @ W2 + b2) + 1e-7)) / 2
            if not (np.isfinite(loss) and all(np.all(np.isfinite(a)) for a in (W1, b1, W2, b2))):
                stopped = step
                break
    assert stopped == 66
    h = dnn.train(net.replace(hidden="identity"), x, d, lr=100.0, steps=1000)
    assert h.diverged_at == stopped
    assert np.all(np.abs(dnn.softmax(np.array([[1e300, -1e300]]))) <= 1)  # exp itself never overflows


# ---------------------------------------------------------------- the index forms, the bias and the course's delta


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_index_forms_and_bias_sums_hold_for_the_numbers_shown(hidden, output, reduction, n):
    """Question 3's index forms (why the transposes), question 4's ∂E/∂b = Σₙ δ, each recomputed here."""
    net, x, d = case(hidden, output, n)
    fwd = dnn.forward(net, x)
    g = dnn.backward(net, x, d, reduction=reduction)
    z1 = act(hidden, x @ net.W1 + net.b1)
    y = outputs(output, z1 @ net.W2 + net.b2)
    delta2 = (y - d) / (n if reduction == "mean" else 1)
    np.testing.assert_allclose(g.delta2, delta2, rtol=1e-12, atol=1e-15)
    j = 0
    np.testing.assert_allclose(g.dE_dz1[0, j], sum(delta2[0, k] * net.W2[j, k] for k in range(2)), rtol=1e-12)
    np.testing.assert_allclose(g.W2[0, 0], sum(z1[m, 0] * delta2[m, 0] for m in range(n)), rtol=1e-12)
    np.testing.assert_allclose(g.W1[0, 0], sum(x[m, 0] * g.delta1[m, 0] for m in range(n)), rtol=1e-12)
    np.testing.assert_allclose(g.b2, delta2.sum(axis=0), rtol=1e-12)
    loss = claims.loss_symbol(reduction, n)
    latex = " ".join(b.body for b in explain.transpose_blocks(net, x, fwd, g, "en", loss) if b.kind == "latex")
    for value in (g.dE_dz1[0, 0], g.W2[0, 0], g.W1[0, 0]):
        assert f"= {explain.tex_num(value)}" in latex
    table = next(b.body for b in explain.q4_blocks(g, "en", loss) if b.kind == "table")
    np.testing.assert_allclose(table.to_numpy(dtype=float)[0], delta2.sum(axis=0), rtol=1e-7)


@pytest.mark.parametrize(("output", "n"), itertools.product(OUTPUT, (1, 2)))
def test_the_courses_softmax_delta_divides_by_the_batch(output, n):
    """Question 2's table: d_softmax_with_loss is y − d for one sample and (y − d)/N for a batch of N."""
    net, x, d = case("relu", output, n)
    bx, bd, _ = dnn.claims.demo_batch(net, x, d)
    blocks = explain.q2_blocks(net, x, d, "mean", "en")
    table = [b.body for b in blocks if b.kind == "table"][-1]
    y = outputs(output, act("relu", bx @ net.W1 + net.b1) @ net.W2 + net.b2)
    np.testing.assert_allclose(table.to_numpy(dtype=float)[0], y[0] - bd[0], rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(table.to_numpy(dtype=float)[1], (y[0] - bd[0]) / len(bx), rtol=1e-7, atol=1e-12)


# ---------------------------------------------------------------- the ratios the Backprop screen states, from dnn


def delta_by_loop(output: str, u2: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Each sample's ∂Eₙ/∂u2 by central differences of that sample's exact loss (one row per sample)."""
    out = np.zeros_like(u2)
    h = 1e-6
    for i, k in np.ndindex(u2.shape):
        up, down = u2.copy(), u2.copy()
        up[i, k] += h
        down[i, k] -= h
        out[i, k] = (sample_loss(output, up, d)[i] - sample_loss(output, down, d)[i]) / (2 * h)
    return out


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_actual_over_predicted_is_the_ratio_of_the_two_changes(hidden, output, reduction, n):
    """One step's actual ÷ predicted ΔE, both recomputed here (finite differences and the reported loss)."""
    net, x, d = case(hidden, output, n)
    lr = 1e-2
    g = dnn.backward(net, x, d, reduction=reduction)
    step = dnn.step_report(net, x, d, g, lr)
    grad_mean = finite_differences(net.params(), hidden, output, x, d, "mean")
    grad_used = finite_differences(net.params(), hidden, output, x, d, reduction)
    predicted = -lr * sum(float(np.sum(grad_mean[k] * grad_used[k])) for k in grad_mean)
    guard = 0.0 if output == "identity" else 1e-7
    after = {k: v - lr * grad_used[k] for k, v in net.params().items()}

    def reported(p: dict) -> float:
        return float(sample_loss(output, act(hidden, x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"], d, guard).mean())

    actual = reported(after) - reported(net.params())
    assert step.actual_over_predicted == pytest.approx(actual / predicted, rel=1e-4)
    caption = " ".join(b.body for b in explain.sgd_blocks(net, g, step, lr, reduction, "en") if b.kind == "caption")
    assert f"{explain.num(step.actual_over_predicted, 3)} × the prediction" in caption


def test_actual_over_predicted_is_nan_without_a_prediction():
    """At a minimum the prediction is 0: no ratio (the screen then says nothing about it)."""
    net, x, d = case("relu", "identity", 1)
    still = dnn.step_report(net, x, d, dnn.backward(net, x, d), 0.0)
    assert still.predicted == 0 and np.isnan(still.actual_over_predicted)


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_delta_row_sums_are_the_bias_gradients(hidden, output, reduction, n):
    """Question 4: Σₙ δ over the samples, summed here in a loop, is ∂E/∂b by finite differences."""
    net, x, d = case(hidden, output, n)
    g = dnn.backward(net, x, d, reduction=reduction)
    sum2, sum1 = claims.delta_row_sums(g)
    loop2, loop1 = np.zeros(net.n_out), np.zeros(net.n_hidden)
    for m in range(n):
        loop2 += g.delta2[m]
        loop1 += g.delta1[m]
    np.testing.assert_allclose(sum2, loop2, rtol=1e-15)
    np.testing.assert_allclose(sum1, loop1, rtol=1e-15)
    fd = finite_differences(net.params(), hidden, output, x, d, reduction)
    np.testing.assert_allclose(sum2, fd["b2"], rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(sum1, fd["b1"], rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_batch_deltas_sum_each_samples_own_delta(hidden, output, reduction, n):
    """Question 2: each row is one sample's ∂Eₙ/∂u2 (finite differences), the total their sum, the mean ÷ N; the
    total is ∂E_sum/∂b2 and the mean ∂E/∂b2 (finite differences of the summed and the mean loss)."""
    net, x, d = case(hidden, output, n)
    bx, bd, added = claims.demo_batch(net, x, d)
    assert added == (n == 1) and len(bx) >= 2
    deltas = claims.batch_deltas(net, bx, bd)
    u2 = act(hidden, bx @ net.W1 + net.b1) @ net.W2 + net.b2
    np.testing.assert_allclose(deltas.per_sample, delta_by_loop(output, u2, bd), rtol=1e-5, atol=1e-9)
    total = np.zeros(net.n_out)
    for row in deltas.per_sample:
        total += row
    np.testing.assert_allclose(deltas.total, total, rtol=1e-14)
    np.testing.assert_allclose(deltas.mean, total / len(bx), rtol=1e-14)
    for kind, expected in (("sum", deltas.total), ("mean", deltas.mean)):
        fd = finite_differences(net.params(), hidden, output, bx, bd, kind)
        np.testing.assert_allclose(expected, fd["b2"], rtol=1e-5, atol=1e-9)
    table = next(b.body for b in explain.q2_blocks(net, x, d, reduction, "en") if b.kind == "table")
    np.testing.assert_allclose(table.to_numpy(dtype=float)[-1], total / len(bx), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_notebook_derivative_at_z1_against_finite_differences(hidden, output, reduction, n):
    """Question 3: f′ at u1 and at z1 = f(u1) by central differences of f, and σ′ at u1 and at σ(u1)."""
    net, x, _ = case(hidden, output, n)
    u1 = (x @ net.W1 + net.b1)[0]
    z1 = act(hidden, u1[None])[0]
    h = 1e-6

    def slope(name: str, at: np.ndarray) -> np.ndarray:
        return (act(name, (at + h)[None])[0] - act(name, (at - h)[None])[0]) / (2 * h)

    nd = claims.notebook_derivative(hidden, u1)
    np.testing.assert_allclose(nd.at_u, slope(hidden, u1), atol=1e-8)
    np.testing.assert_allclose(nd.at_z, slope(hidden, z1), atol=1e-8)
    np.testing.assert_allclose(nd.at_u, dnn.backward(net, x, D[n], reduction=reduction).dz1_du1[0], rtol=1e-15)
    assert nd.equal == bool(np.allclose(slope(hidden, u1), slope(hidden, z1), atol=1e-8))
    assert nd.equal == (hidden in ("relu", "identity"))  # u1 = [1.1, 2.2, 3.3] > 0 here: z1 = u1 for ReLU
    np.testing.assert_allclose(nd.sigmoid_at_u, slope("sigmoid", u1), atol=1e-8)
    np.testing.assert_allclose(nd.sigmoid_at_z, slope("sigmoid", act("sigmoid", u1[None])[0]), atol=1e-8)
    text = " ".join(
        b.body
        for b in explain.q3_blocks(net, x, dnn.forward(net, x), dnn.backward(net, x, D[n]), "en")
        if isinstance(b.body, str)
    )
    assert ("gives the same numbers" in text) == nd.equal


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_notebook_derivative_near_zero_reads_as_two_different_vectors(lang):
    """tanh at small total inputs (a generated data set's first sample): tanh(u1) ≈ u1, so f′(z1) and f′(u1) agree
    to 4 digits. The sentence says they differ, so it shows them with enough digits to differ and says by how much
    (checked against tanh′ written out here)."""
    net = dnn.seed_network().replace(hidden="tanh", W1=[[0.01, 0.02, -0.003], [0.02, 0.01, 0.004]], b1=[0, 0, 0])
    x, d = np.array([[1.0, 0.5]]), np.array([[0.0, 1.0]])
    u1 = (x @ net.W1 + net.b1)[0]
    at_u, at_z = 1 - np.tanh(u1) ** 2, 1 - np.tanh(np.tanh(u1)) ** 2
    assert [f"{v:.4g}" for v in at_u] == [f"{v:.4g}" for v in at_z]  # what the old 4 digits showed: the same
    nd = claims.notebook_derivative("tanh", u1)
    assert nd.largest_difference == pytest.approx(np.max(np.abs(at_z - at_u)), rel=1e-9)
    text = next(
        b.body
        for b in explain.q3_blocks(net, x, dnn.forward(net, x), dnn.backward(net, x, d), lang)
        if isinstance(b.body, str) and "f′(z1) =" in b.body
    )
    shown = re.findall(r"\[([^\]]+)\]", text.split("f′(z1) =", 1)[1])[:2]
    z_shown, u_shown = ([float(v.replace("−", "-")) for v in s.split(", ")] for s in shown)
    assert z_shown != u_shown
    np.testing.assert_allclose(z_shown, at_z, rtol=1e-4)
    np.testing.assert_allclose(u_shown, at_u, rtol=1e-4)
    assert explain.sci_or_num(nd.largest_difference) in text


@pytest.mark.parametrize(("hidden", "output", "reduction", "n"), GRID)
def test_output_delta_ways_long_way_and_shortcut(hidden, output, reduction, n):
    """Question 1's table for sample #1 of each scenario: the long way ∂E/∂y·∂y/∂u2 and the shortcut y − d both
    equal that sample's delta by finite differences; the difference row is their rounding; and the sample's row of
    backprop's δ2 is that delta (÷ N for the mean)."""
    net, x, d = case(hidden, output, n)
    u2 = act(hidden, x @ net.W1 + net.b1) @ net.W2 + net.b2
    y = outputs(output, u2)
    fd = delta_by_loop(output, u2, d)
    ways = claims.output_delta_ways(output, y[0], d[0])
    for row in (ways.chain, ways.shortcut, ways.registered):
        np.testing.assert_allclose(row, fd[0], atol=1e-7)
    assert np.all(np.abs(ways.difference) < 1e-12) and not ways.long_way_overflows
    shown = dnn.backward(net, x, d, reduction=reduction).delta2[0]
    np.testing.assert_allclose(shown * (n if reduction == "mean" else 1), ways.registered, rtol=1e-12)
    overflowing = claims.output_delta_ways(output, np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert overflowing.long_way_overflows == (output != "identity")


def test_near_relu_kink():
    """The nudge h = 1e-5 reaches h from a bias and h·|x| from a weight; other activations have no kink."""
    assert claims.near_relu_kink("relu", np.array([[0.5, 5e-6]]))  # a bias nudge crosses it
    assert not claims.near_relu_kink("relu", np.array([[0.5, 2e-5]]))
    x = np.array([[1.0, 5.0]])
    assert claims.near_relu_kink("relu", np.array([[0.5, 4e-5]]), x)  # W1[x2, ·] moves u1 by 5 h
    assert not claims.near_relu_kink("relu", np.array([[0.5, 6e-5]]), x)
    assert not claims.near_relu_kink("tanh", np.array([[0.0]]), x)


@pytest.mark.parametrize("u1_of_h1, crosses", [(2e-4, True), (6e-4, False), (-2e-4, True), (-6e-4, False)])
def test_the_kink_is_named_exactly_when_the_nudge_crosses_it(u1_of_h1, crosses):
    """With x2 = 30 a nudge of W1[x2, h1] by h moves u1 of h1 by 3e-4: a kink 2e-4 away is crossed (backprop and
    central differences then disagree, as computed here), one 6e-4 away is not (they agree). The old fixed window
    of 1e-4 called the first no kink at all."""
    net = dnn.seed_scenario().network.replace(output="identity")  # squared error: no log guard to blur the slope
    x = np.array([[0.0, 30.0]])
    b1 = net.b1.copy()
    b1[0] = u1_of_h1 - 30.0 * net.W1[1, 0]  # u1 of h1 = x·W1[:, h1] + b1[h1]
    net = net.replace(b1=b1)
    d = np.array([[0.0, 0.0]])
    u1 = dnn.forward(net, x).u1
    assert u1[0, 0] == pytest.approx(u1_of_h1, abs=1e-12)
    h = 1e-5
    # W1[x2, h1] by central differences, written out here
    plus, minus = net.W1.copy(), net.W1.copy()
    plus[1, 0] += h
    minus[1, 0] -= h
    slope = (dnn.loss(net.replace(W1=plus), x, d) - dnn.loss(net.replace(W1=minus), x, d)) / (2 * h)
    exact = dnn.backward(net, x, d).W1[1, 0]
    disagree = abs(slope - exact) > 1e-3 * max(abs(slope), abs(exact))
    assert disagree == crosses
    assert claims.near_relu_kink("relu", u1, x) == crosses
    verdict = explain.gradient_check_verdict(1.0 if crosses else 0.0, u1, "en", "relu", x=x)
    assert ("kink" in verdict.body) == crosses
