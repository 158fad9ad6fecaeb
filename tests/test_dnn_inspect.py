"""dnn/inspect.py, the one source of the screens' other numbers, against computations written here: networks stepped
by hand with dnn.sgd_step, norms by np.linalg.norm, losses and derivatives from their formulas or central
differences, summaries by plain loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dnn
from tests.test_dnn_gradients import central_differences

HIDDEN = ["relu", "sigmoid", "tanh", "identity"]
OUTPUT = ["softmax", "sigmoid", "identity"]
PARAMS = ("W1", "b1", "W2", "b2")
HUGE_IDENTITY = dnn.seed_network().replace(W1=[[1e155, 0.3, 0.5], [0.2, 0.4, 0.6]], output="identity")
HUGE_SOFTMAX = dnn.seed_network().replace(W1=[[1e308, 0.3, 0.5], [1e308, 0.4, 0.6]])
X1, D1 = np.array([[1.0, 5.0]]), np.array([[0.0, 1.0]])


def scenario(hidden: str, output: str, samples: int, seed: int = 3) -> tuple[dnn.Network, np.ndarray, np.ndarray]:
    """A random 2-3-2 network with ``samples`` samples whose targets suit ``output``."""
    rng = np.random.default_rng(seed)
    net = dnn.Network(
        W1=rng.normal(size=(2, 3)),
        b1=rng.normal(size=3),
        W2=rng.normal(size=(3, 2)),
        b2=rng.normal(size=2),
        hidden=hidden,
        output=output,
    )
    x = rng.normal(size=(samples, 2))
    d = rng.normal(size=(samples, 2)) if output == "identity" else np.eye(2)[rng.integers(0, 2, size=samples)]
    return net, x, d


# ---------------------------------------------------------------- probes along a run


@pytest.mark.parametrize("samples", [1, 2])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("output", OUTPUT)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_probes_equal_backward_at_networks_stepped_by_hand(hidden, output, reduction, samples):
    net, x, d = scenario(hidden, output, samples)
    lr, steps = 0.05, 30
    h = dnn.train(net, x, d, lr, steps, reduction)
    assert h.diverged_at is None
    p = dnn.probes(h, count=7)
    assert p.steps[0] == 0 and p.steps[-1] == steps and len(p.steps) <= 7
    by_hand = [net]  # the network after k steps, k = 0..steps, from sgd_step alone
    for _ in range(steps):
        by_hand.append(dnn.sgd_step(by_hand[-1], dnn.backward(by_hand[-1], x, d, reduction), lr))
    for i, k in enumerate(p.steps):
        at_k = by_hand[int(k)]
        np.testing.assert_allclose(p.y[i], dnn.forward(at_k, x).y, rtol=1e-9, atol=1e-14)
        g = dnn.backward(at_k, x, d, reduction)
        for name in PARAMS:
            expected = np.linalg.norm(g.params()[name])
            assert p.grad_norm[name][i] == pytest.approx(expected, rel=1e-8, abs=1e-14), (name, k)


def test_probes_of_a_stochastic_run_use_every_sample():
    net, x, d = scenario("relu", "softmax", 3)
    h = dnn.train(net, x, d, 0.1, 25, stochastic=True, seed=4)
    p = dnn.probes(h, count=6)
    at_k = net
    for k in range(26):
        if k in p.steps:
            i = int(np.flatnonzero(p.steps == k)[0])
            g = dnn.backward(at_k, x, d)  # the gradient on all samples, at the parameters of step k
            assert p.grad_norm["W2"][i] == pytest.approx(np.linalg.norm(g.W2), rel=1e-8)
        if k < 25:  # the step itself used one sample, the one drawn
            n = int(h.sample_indices[k])
            at_k = dnn.sgd_step(at_k, dnn.backward(at_k, x[n : n + 1], d[n : n + 1]), 0.1)


def test_a_stack_of_networks_backpropagates_each_network_on_its_own():
    nets = [scenario("tanh", "softmax", 3, seed)[0] for seed in range(4)]
    _, x, d = scenario("tanh", "softmax", 3)
    params = {name: np.stack([n.params()[name] for n in nets]) for name in PARAMS}
    stack = dnn.stacked_network(nets[0], params)
    grads = dnn.backward(stack, x, d, "sum")
    for i, net in enumerate(nets):
        one = dnn.backward(net, x, d, "sum")
        for name in PARAMS:
            np.testing.assert_allclose(grads.params()[name][i], one.params()[name], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(grads.delta1[i], one.delta1, rtol=1e-13, atol=1e-15)


def test_norms_stay_finite_for_huge_values_and_are_nan_where_not_finite():
    a = np.array([[3e200, 4e200], [0.0, 0.0], [np.inf, 1.0]])
    out = dnn.norms(a)
    assert out[0] == pytest.approx(5e200) and out[1] == 0.0 and math.isnan(out[2])
    assert dnn.norms(np.zeros((0, 3))).shape == (0,)


def test_a_run_with_no_finite_step_has_no_probes_and_no_lowest_loss():
    h = dnn.train(HUGE_IDENTITY, X1, D1, 0.01, 100)
    assert h.diverged_at == 0 and h.last_step == -1 and h.loss.size == 0 and h.grad_norm.size == 0
    assert h.network == HUGE_IDENTITY and h.params_at(np.array([], dtype=int))["W1"].shape == (0, 2, 3)
    with pytest.raises(dnn.ValidationError):
        h.network_at(0)
    p = dnn.probes(h)
    assert p.steps.size == 0 and p.y.shape == (0, 1, 2)
    assert all(v.shape == (0,) for v in p.grad_norm.values())
    assert dnn.lowest_loss(h.loss) is None


def test_loss_change_of_the_notebooks_one_step_is_after_minus_before():
    """Training's "E after step k" delta: the notebook's one SGD step, its losses computed by hand in plain numpy."""
    from tests import notebook

    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=notebook.LR, steps=1, reduction="sum")
    before, after = notebook.losses_by_hand()
    assert dnn.loss_change(h.loss) == pytest.approx(after - before, rel=1e-9)
    assert dnn.loss_change(np.array([2.0, 5.0, 1.5])) == -0.5  # the last step's against step 0, not the lowest


def test_lowest_loss_skips_what_is_not_finite():
    low = dnn.lowest_loss(np.array([3.0, 1.0, 2.0, 1.0, np.nan]))
    assert (low.step, low.loss) == (1, 1.0)


def test_output_track_follows_each_targets_probability_or_output():
    rng = np.random.default_rng(0)
    y = rng.uniform(size=(4, 3, 2))
    d = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    soft = dnn.output_track("softmax", y, d)
    for n in range(3):
        np.testing.assert_array_equal(soft.values[:, n], y[:, n, 1 if d[n, 1] == 1 else 0])
    np.testing.assert_allclose(soft.mean, soft.values.sum(axis=1) / 3)
    sig = dnn.output_track("sigmoid", y, d)
    np.testing.assert_array_equal(sig.values[:, 0], 1.0 - y[:, 0, 0])  # d = 0: the probability of 0
    np.testing.assert_array_equal(sig.values[:, 1], y[:, 0, 1])
    ident = dnn.output_track("identity", y, d)
    assert ident.kind == "output" and list(ident.targets) == [0.0, 1.0, 1.0, 0.0, 0.0, 1.0]
    expected = [sum(abs(y[p, n, j] - d[n, j]) for n in range(3) for j in range(2)) / 6 for p in range(4)]
    np.testing.assert_allclose(ident.mean, expected)


def test_jumps_are_found_only_when_the_loss_goes_up():
    assert dnn.find_jumps(np.exp(-np.arange(100.0))).rises == 0
    j = dnn.find_jumps(np.array([1.0, 2.0, 1.5, 3.0, 0.5]))
    assert (j.rises, j.first_rise, j.sign_changes, j.ended_higher) == (2, 1, 3, False)


# ---------------------------------------------------------------- one SGD step


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("output", OUTPUT)
def test_step_report_predicts_the_change_to_first_order(output, reduction):
    net, x, d = scenario("sigmoid", output, 2)
    g = dnn.backward(net, x, d, reduction)
    mean_g = dnn.backward(net, x, d, "mean")
    lr = 1e-5
    r = dnn.step_report(net, x, d, g, lr)
    assert r.overflow is None
    for name in PARAMS:
        np.testing.assert_array_equal(r.after.params()[name], net.params()[name] - lr * g.params()[name])
    assert r.loss_before == dnn.loss(net, x, d) and r.loss_after == dnn.loss(r.after, x, d)
    # ∇E·Δθ with Δθ = −η·g: −η‖g‖² for the mean, −η·N·‖∇E‖² for the sum (g = N·∇E)
    n = len(x) if reduction == "sum" else 1
    squared = sum(float(np.sum(v**2)) for v in mean_g.params().values())
    assert r.predicted == pytest.approx(-lr * n * squared, rel=1e-12)
    assert r.actual == pytest.approx(r.predicted, rel=1e-3)  # the straight-line picture holds for a tiny η


def test_an_overflowing_step_is_reported_not_raised():
    g = dnn.backward(HUGE_IDENTITY, X1, D1)
    assert np.isinf(g.W2[0, 0])
    with pytest.raises(dnn.ValidationError):
        dnn.sgd_step(HUGE_IDENTITY, g, 0.01)
    r = dnn.step_report(HUGE_IDENTITY, X1, D1, g, 0.01)
    assert r.after is None and math.isnan(r.loss_after)
    assert (r.overflow.name, r.overflow.index, r.overflow.value) == ("W2", (0, 0), -math.inf)
    assert r.params_after["W2"][0, 0] == -math.inf
    np.testing.assert_array_equal(r.params_after["W1"], HUGE_IDENTITY.W1 - 0.01 * g.W1)  # what can be shown


# ---------------------------------------------------------------- the output layer, each sample's loss


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_output_chain_factors_equal_central_differences(output):
    u2 = np.array([0.3, -1.2])
    d = np.array([0.0, 1.0])
    f = dnn.OUTPUT_LAYERS[output].f
    y = f(u2[None])[0]
    dE_dy, J, chain = dnn.output_chain(output, y, d)

    def loss_of_y(yy):  # the loss without the 1e-7 guard, as a function of y
        if output == "softmax":
            return -np.sum(d * np.log(yy))
        return -np.sum(d * np.log(yy) + (1 - d) * np.log(1 - yy))

    h = 1e-6
    for k in range(2):
        e = np.eye(2)[k] * h
        assert dE_dy[k] == pytest.approx((loss_of_y(y + e) - loss_of_y(y - e)) / (2 * h), rel=1e-6)
        np.testing.assert_allclose(J[:, k], (f((u2 + e)[None])[0] - f((u2 - e)[None])[0]) / (2 * h), atol=1e-9)
    np.testing.assert_allclose(chain, y - d, atol=1e-15)


def test_sample_losses_are_each_samples_loss_and_average_to_the_loss():
    net, x, d = scenario("relu", "identity", 3)
    y = dnn.forward(net, x).y
    per = dnn.sample_losses(net, y, d)
    np.testing.assert_allclose(per, [0.5 * np.sum((y[n] - d[n]) ** 2) for n in range(3)], rtol=1e-14)
    assert per.mean() == pytest.approx(dnn.loss(net, x, d), rel=1e-14)


# ---------------------------------------------------------------- the gradient check


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_numerical_gradient_of_a_reduction_equals_independent_differences(reduction):
    net, x, d = scenario("tanh", "sigmoid", 3)
    numeric = central_differences(net, x, d)  # of the mean loss
    scale = len(x) if reduction == "sum" else 1
    got = dnn.numerical_gradient(net, x, d, reduction=reduction)
    backprop = dnn.backward(net, x, d, reduction)
    for name in PARAMS:
        np.testing.assert_allclose(got.params()[name], numeric[name] * scale, rtol=1e-6, atol=1e-8)
    check = dnn.gradient_check(backprop.params(), got.params())
    assert check.finite and check.worst < 1e-6
    worst = max(
        float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
        for a, b in ((backprop.params()[k], got.params()[k]) for k in PARAMS)
    )
    assert check.worst == worst == dnn.max_relative_error(backprop.params(), got.params())


def test_relative_error_and_a_check_that_is_not_finite():
    np.testing.assert_allclose(dnn.relative_error([1.0, 0.0, -2.0], [1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
    assert dnn.relative_error(1e-12, 0.0) < 1e-3  # below the floor: rounding noise, not a disagreement
    assert dnn.relative_error(1.5e308, -1.5e308) == 1.0  # finite but huge: no overflow to nan
    grads = dnn.backward(HUGE_SOFTMAX, X1, D1).params()
    assert not dnn.gradient_check(grads, grads).finite


# ---------------------------------------------------------------- two scenarios side by side


def test_parameter_differences_subtract_cell_by_cell_or_refuse_other_sizes():
    a, b = scenario("relu", "softmax", 1, 1)[0], scenario("relu", "softmax", 1, 2)[0]
    diff = dnn.parameter_differences(a, b)
    for name in PARAMS:
        np.testing.assert_array_equal(diff[name], b.params()[name] - a.params()[name])
    wider = dnn.random_network(2, 4, 2, seed=0)
    assert dnn.parameter_differences(a, wider) is None


def test_scenario_differences_name_cells_from_0_settings_and_shapes():
    a = dnn.seed_scenario()
    W1 = a.network.W1.copy()
    W1[1, 2] = 9.0
    b = a.replace(network=a.network.replace(W1=W1, output="identity"), steps=5)
    changes = dnn.scenario_differences(a, b)
    assert [(c.what, c.index, c.baseline, c.current) for c in changes] == [
        ("W1", (1, 2), 0.6, 9.0),
        ("steps", None, 1000, 5),
        ("output", None, "softmax", "identity"),
    ]
    c = a.replace(x=[[1.0, 5.0], [2.0, 2.0]], d=[[0.0, 1.0], [1.0, 0.0]])
    assert [(ch.what, ch.shapes) for ch in dnn.scenario_differences(a, c)] == [
        ("x", ((1, 2), (2, 2))),
        ("d", ((1, 2), (2, 2))),
    ]


# ---------------------------------------------------------------- sweeps


def test_sweep_summary_finds_the_last_finite_losses_and_the_best_steady_run():
    nan = np.nan
    losses = np.array(
        [
            [1.0, 0.8, 0.7, 0.6],
            [1.0, 0.5, 0.1, nan],  # overflowed at step 3: lowest final loss, but not a steady run
            [1.0, 0.4, 0.3, 0.2],
            [nan, nan, nan, nan],  # not finite at step 0
        ]
    )
    s = dnn.sweep_summary(losses)
    assert s.diverged == [None, 3, None, 0]
    np.testing.assert_array_equal(s.final[:3], [0.6, 0.1, 0.2])
    assert math.isnan(s.final[3]) and s.best == 2
    assert dnn.sweep_summary(losses[[1, 3]]).best == 0  # every run overflowed


def test_learning_rates_on_a_log_scale():
    lrs = dnn.log_spaced(10.0, 1e-3, 5)
    np.testing.assert_allclose(lrs, [1e-3, 1e-2, 1e-1, 1.0, 10.0])
    assert dnn.nearest_run(lrs, 0.04) == 2 and dnn.nearest_run(lrs, 0.02) == 1  # log-nearest: 0.02 is nearer 0.01
    assert dnn.sweep_range(0.01) == pytest.approx((1e-4, 1.0))
    assert dnn.sweep_range(1e5) == (1e3, dnn.LIMITS["max_lr"])


# ---------------------------------------------------------------- a loss that is not finite at the start


def test_not_finite_at_start_names_the_stage_and_the_largest_value():
    assert dnn.not_finite_at_start(dnn.seed_network(), X1, D1) is None
    squared = dnn.not_finite_at_start(HUGE_IDENTITY, X1, D1)  # u1 ≈ 1e155 is fine, ½(y − d)² is not
    assert squared.quantity == "E" and squared.largest == dnn.Cell("W1", (0, 0), 1e155)
    forward = dnn.not_finite_at_start(HUGE_SOFTMAX, X1, D1)  # 1·1e308 + 5·1e308 = inf already in u1
    assert forward.quantity == "u1" and forward.largest == dnn.Cell("W1", (0, 0), 1e308)
    big_x = dnn.not_finite_at_start(dnn.seed_network().replace(output="identity"), [[1.0, 1e300]], D1)
    assert big_x.largest == dnn.Cell("x", (0, 1), 1e300)
