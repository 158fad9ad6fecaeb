"""train and sweep with every update rule: against repeated readable steps (``optimizer_step``, itself held to the
course's formulas in test_dnn_optimizers.py), replay from snapshots, and sweep rows against separate runs."""

import warnings

import numpy as np
import pytest

import dnn
from dnn.optimizers import OPTIMIZERS, optimizer_step

SETTINGS = [
    ("sgd", {}),
    ("momentum", {}),
    ("momentum", {"momentum": 0.5}),
    ("adagrad", {}),
    ("rmsprop", {"decay": 0.9}),
    ("adam", {}),
    ("adam", {"beta1": 0.5, "beta2": 0.9}),
]


def repeated_steps(net, x, d, lr, steps, name, hp, reduction="mean", draws=None):
    """The networks, losses and states after 0..steps readable steps (on sample draws[k] at step k if given)."""
    nets, states, losses, state = [net], [None], [dnn.loss(net, x, d)], None
    for k in range(steps):
        xs, ds = (x, d) if draws is None else (x[draws[k] : draws[k] + 1], d[draws[k] : draws[k] + 1])
        net, state = optimizer_step(net, dnn.backward(net, xs, ds, reduction), lr, name, state, **hp)
        nets.append(net)
        states.append(state)
        losses.append(dnn.loss(net, x, d))
    return nets, states, np.array(losses)


def assert_same_network(a, b):
    for key, value in a.params().items():
        np.testing.assert_allclose(value, b.params()[key], rtol=1e-12, atol=1e-14)


def problem(hidden, output, sizes, samples, seed):
    rng = np.random.default_rng(seed)
    n_in, n_h, n_out = sizes
    net = dnn.random_network(n_in, n_h, n_out, seed=seed, hidden=hidden, output=output)
    x = rng.normal(size=(samples, n_in))
    if output == "softmax":
        d = np.eye(n_out)[rng.integers(0, n_out, size=samples)]
    else:
        d = rng.uniform(size=(samples, n_out))
    return net, x, d


@pytest.mark.parametrize("name,hp", SETTINGS)
@pytest.mark.parametrize(
    "hidden,output,sizes,samples,reduction",
    [
        ("relu", "softmax", (2, 3, 2), 3, "mean"),
        ("tanh", "sigmoid", (3, 5, 2), 4, "sum"),
        ("sigmoid", "identity", (2, 4, 1), 1, "mean"),
        ("identity", "softmax", (4, 2, 3), 6, "sum"),
    ],
)
def test_train_equals_repeated_readable_steps(name, hp, hidden, output, sizes, samples, reduction):
    net, x, d = problem(hidden, output, sizes, samples, seed=len(name) + samples)
    # a small η: near a minimum the gradient is a difference of nearly equal terms, and a rule that divides by its
    # size (RMSProp, Adam) would magnify rounding into the comparison
    lr = 0.01 if reduction == "mean" else 0.01 / samples
    nets, states, losses = repeated_steps(net, x, d, lr, 40, name, hp, reduction)
    h = dnn.train(net, x, d, lr=lr, steps=40, reduction=reduction, optimizer=name, **hp)
    assert h.diverged_at is None and h.optimizer == name
    # (atol: a loss near 0 is ½(y − d)² or −log(y + 1e-7) with y near 1, whose last bits cancel)
    np.testing.assert_allclose(h.loss, losses, rtol=1e-12, atol=1e-14)
    assert_same_network(h.network, nets[-1])
    stacked = h.params_at(np.arange(41))
    for k in (1, 17, 40):
        for key, value in nets[k].params().items():
            np.testing.assert_allclose(stacked[key][k], value, rtol=1e-12, atol=1e-14)
    state = h.optimizer_state_at(23)
    assert state.t == 23 and set(state.slots) == set(OPTIMIZERS[name].slots)
    for slot, arrays in state.slots.items():
        for key, value in arrays.items():
            np.testing.assert_allclose(value, states[23].slots[slot][key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name,hp", SETTINGS)
def test_stochastic_training_with_each_rule_uses_the_recorded_samples(name, hp):
    net, x, d = problem("relu", "identity", (2, 6, 1), 10, seed=4)
    h = dnn.train(net, x, d, lr=0.02, steps=30, stochastic=True, seed=3, optimizer=name, **hp)
    nets, _states, losses = repeated_steps(net, x, d, 0.02, 30, name, hp, draws=h.sample_indices)
    np.testing.assert_allclose(h.loss, losses, rtol=1e-12, atol=1e-14)
    assert_same_network(h.network_at(19), nets[19])
    assert_same_network(h.network, nets[30])


@pytest.mark.parametrize("name", ["momentum", "adam"])
def test_long_runs_keep_the_rules_state_with_each_snapshot_and_replay_exactly(name):
    """A stateful rule keeps fewer snapshots (θ and its state share the memory); replay from the snapshot before
    step k, with the stored state, gives the same network and state as the steps taken one by one."""
    sc = dnn.seed_scenario()
    steps = 3000
    h = dnn.train(sc.network, sc.x, sc.d, lr=0.01, steps=steps, optimizer=name)
    slots = len(OPTIMIZERS[name].slots)
    assert h.snapshot_every > 1
    assert h.snapshots.size + h.state_snapshots.size <= 2001 * h.snapshots.shape[1]
    assert h.state_snapshots.shape == (h.snapshots.shape[0], slots, h.snapshots.shape[1])
    k = 2 * h.snapshot_every + 1  # not on a snapshot: replayed from the one before, with its state
    nets, states, _losses = repeated_steps(sc.network, sc.x, sc.d, 0.01, k, name, {})
    assert_same_network(h.network_at(k), nets[k])
    for slot, arrays in h.optimizer_state_at(k).slots.items():
        for key, value in arrays.items():
            np.testing.assert_allclose(value, states[k].slots[slot][key], rtol=1e-12, atol=1e-14)
    assert dnn.loss(h.network_at(k), sc.x, sc.d) == pytest.approx(h.loss[k], rel=1e-12)


def test_sgds_state_is_empty_and_its_snapshots_are_as_before():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=0.01, steps=20_000)
    assert h.snapshot_every == 10 and h.state_snapshots is None
    state = h.optimizer_state_at(5)
    assert state.t == 5 and state.slots == {}


@pytest.mark.parametrize("name,hp", SETTINGS)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_sweep_rows_equal_train_for_every_rule(name, hp, reduction):
    net, x, d = problem("tanh", "softmax", (3, 4, 2), 5, seed=7)
    lrs = np.array([0.001, 0.003, 0.01, 0.03])
    losses = dnn.sweep(net, x, d, lrs, steps=60, reduction=reduction, optimizer=name, **hp)
    for r, lr in enumerate(lrs):
        expected = dnn.train(net, x, d, lr=lr, steps=60, reduction=reduction, optimizer=name, **hp).loss
        np.testing.assert_allclose(losses[r], expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_sweep_over_starting_networks_with_each_rule(name):
    nets = [dnn.random_network(2, 3, 1, seed=s, hidden="sigmoid", output="identity") for s in range(3)]
    x = np.array([[0.5, -1.0]])
    d = np.array([[0.3]])
    lrs = [0.003, 0.01, 0.03]
    losses = dnn.sweep(nets, x, d, lrs, steps=60, optimizer=name)
    for r, lr in enumerate(lrs):
        expected = dnn.train(nets[r], x, d, lr=lr, steps=60, optimizer=name).loss
        np.testing.assert_allclose(losses[r], expected, rtol=1e-10, atol=1e-14)


def diverging_scenario():
    """Squared error with large inputs: a large η overflows within a few hundred steps."""
    net = dnn.seed_network().replace(output="identity")
    return net, np.array([[100.0, 500.0]]), np.array([[1.0, 2.0]])


@pytest.mark.parametrize("name", ["momentum", "adagrad", "rmsprop", "adam"])
def test_divergence_with_each_rule_stops_cleanly_in_train_and_sweep(name):
    net, x, d = diverging_scenario()
    lr = 1e6 if name != "momentum" else 10.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = dnn.train(net, x, d, lr=lr, steps=300, optimizer=name)
        losses = dnn.sweep(net, x, d, [1e-7, lr], steps=300, optimizer=name)
    assert np.all(np.isfinite(h.loss))
    for p in h.network.params().values():
        assert np.all(np.isfinite(p))
    assert dnn.diverged_at(losses[1]) == h.diverged_at
    np.testing.assert_allclose(losses[1, : len(h.loss)], h.loss, rtol=1e-10)
    assert dnn.diverged_at(losses[0]) is None
    np.testing.assert_allclose(losses[0], dnn.train(net, x, d, lr=1e-7, steps=300, optimizer=name).loss, rtol=1e-10)
    if name == "momentum":  # (the adaptive rules move each weight by about η a step: huge, yet finite here)
        assert h.diverged_at is not None and len(h.loss) == h.diverged_at
        np.testing.assert_array_equal(h.network.W1, h.network_at(h.diverged_at - 1).W1)


def test_bad_settings_are_refused_by_name():
    sc = dnn.seed_scenario()
    with pytest.raises(dnn.ValidationError) as err:
        dnn.train(sc.network, sc.x, sc.d, optimizer="adam", beta1=1.0)
    assert err.value.field == "beta1"
    with pytest.raises(dnn.ValidationError) as err:
        dnn.sweep(sc.network, sc.x, sc.d, [0.1], steps=5, optimizer="rmsprop", momentum=0.9)
    assert err.value.field == "optimizer"


# ---------------------------------------------------------------- one step up close (Backprop, Training's inspector)


@pytest.mark.parametrize("name,hp", SETTINGS)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_step_report_of_each_rule_follows_the_reference_from_any_state(name, hp, reduction):
    """Step 3 of a run (state from two earlier steps): the new parameters and state against the test's own rule; the
    prediction against ∇E·Δθ computed here; step size × direction gives the move."""
    from tests.test_dnn_optimizers import Reference

    net, x, d = problem("tanh", "softmax", (3, 4, 2), 4, seed=9)
    ref, params = Reference(name, 0.05, **hp), dict(net.params())
    state = None
    for _ in range(2):
        g = dnn.backward(net, x, d, reduction)
        params = ref.update(params, g.params())
        net, state = optimizer_step(net, g, 0.05, name, state, **hp)
    g = dnn.backward(net, x, d, reduction)
    report = dnn.step_report(net, x, d, g, 0.05, name, state, **hp)
    expected = ref.update(params, g.params())
    assert report.optimizer == name and report.state_after.t == 3 and report.state_before is state
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(report.params_after[k], expected[k], rtol=1e-12, atol=1e-15)
        move = report.params_after[k] - net.params()[k]
        sign = 1.0 if name == "momentum" else -report.step_size
        np.testing.assert_allclose(sign * report.direction[k], move, rtol=1e-9, atol=1e-15)
    if name in ("momentum", "adagrad", "rmsprop"):
        slot = "v" if name == "momentum" else "h"
        np.testing.assert_allclose(report.state_after.slots[slot]["W2"], ref.a["W2"], rtol=1e-12, atol=1e-15)
    if name == "adam":
        b1, b2 = hp.get("beta1", 0.9), hp.get("beta2", 0.999)
        assert report.step_size == pytest.approx(0.05 * np.sqrt(1 - b2**3) / (1 - b1**3), rel=1e-14)
        np.testing.assert_allclose(report.state_after.slots["v"]["b1"], ref.b["b1"], rtol=1e-12, atol=1e-15)
    mean_grad = dnn.backward(net, x, d, "mean").params()
    predicted = sum(np.sum(mean_grad[k] * (expected[k] - net.params()[k])) for k in mean_grad)
    assert report.predicted == pytest.approx(predicted, rel=1e-9, abs=1e-15)
    assert report.loss_after == pytest.approx(dnn.loss(net.replace(**expected), x, d), rel=1e-12)


def test_the_first_step_of_adam_starts_from_zero_state():
    sc = dnn.seed_scenario()
    g = dnn.backward(sc.network, sc.x, sc.d)
    report = dnn.step_report(sc.network, sc.x, sc.d, g, 0.001, "adam")
    assert report.state_before.t == 0
    assert all(np.all(a == 0) for arrays in report.state_before.slots.values() for a in arrays.values())
    # m = (1 − β1)·g and v = (1 − β2)·g² after one step
    np.testing.assert_allclose(report.state_after.slots["m"]["W1"], 0.1 * g.W1, rtol=1e-12)
    np.testing.assert_allclose(report.state_after.slots["v"]["W1"], 0.001 * g.W1**2, rtol=1e-12)


def test_the_state_at_step_k_of_a_run_makes_the_report_of_step_k_plus_1():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=0.01, steps=50, optimizer="rmsprop", decay=0.9)
    k = 20
    net = h.network_at(k)
    report = dnn.step_report(net, sc.x, sc.d, h.gradients_at(k), 0.01, "rmsprop", h.optimizer_state_at(k), decay=0.9)
    for key in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(report.params_after[key], h.network_at(k + 1).params()[key], rtol=1e-12)
    assert report.loss_after == pytest.approx(h.loss[k + 1], rel=1e-12)


def test_progress_reports_do_not_change_a_run_with_another_rule():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, 0.01, 3000, optimizer="adam", progress=lambda k, n: None)
    plain = dnn.train(sc.network, sc.x, sc.d, 0.01, 3000, optimizer="adam")
    np.testing.assert_array_equal(h.loss, plain.loss)
    reported = dnn.sweep(sc.network, sc.x, sc.d, [0.01, 0.1], 3000, optimizer="adam", progress=lambda k, n: None)
    np.testing.assert_array_equal(reported, dnn.sweep(sc.network, sc.x, sc.d, [0.01, 0.1], 3000, optimizer="adam"))


def test_scenario_differences_name_the_update_rule_and_its_changed_settings():
    sgd = dnn.seed_scenario()
    adam = sgd.replace(optimizer="adam", settings={"beta1": 0.8})
    changes = [(c.what, c.baseline, c.current) for c in dnn.scenario_differences(sgd, adam)]
    assert changes == [("opt", "sgd", "adam")]
    other = adam.replace(settings={"beta1": 0.5})
    changes = [(c.what, c.baseline, c.current) for c in dnn.scenario_differences(adam, other)]
    assert changes == [("beta1", 0.8, 0.5)]
    assert dnn.scenario_differences(adam, adam.replace()) == []
