"""The update rules of dnn.optimizers against an independent implementation written here, from the formulas of the
course's ``common/optimizer.py`` (each as a small class that keeps its state, the way the course writes them)."""

import math

import numpy as np
import pytest

import dnn
from dnn.optimizers import OPTIMIZERS, check_optimizer, initial_state, optimizer_step


class Reference:
    """θ ← rule(θ, g), one class per rule, state in dicts keyed by parameter name; formulas written out afresh."""

    def __init__(self, name, lr, **hp):
        self.name, self.lr, self.hp, self.t = name, lr, hp, 0
        self.a, self.b = {}, {}  # v / h / m and (Adam) v

    def update(self, params, grads):
        self.t += 1
        out = {}
        for k, p in params.items():
            g = grads[k]
            a = self.a.get(k, np.zeros_like(p))
            b = self.b.get(k, np.zeros_like(p))
            if self.name == "sgd":
                out[k] = p - self.lr * g
            elif self.name == "momentum":
                a = self.hp.get("momentum", 0.9) * a - self.lr * g
                out[k] = p + a
            elif self.name == "adagrad":
                a = a + g**2
                out[k] = p - self.lr * g / (np.sqrt(a) + 1e-7)
            elif self.name == "rmsprop":
                rho = self.hp.get("decay", 0.99)
                a = rho * a + (1 - rho) * g**2
                out[k] = p - self.lr * g / (np.sqrt(a) + 1e-7)
            else:  # adam, with the bias correction folded into the step size
                b1, b2 = self.hp.get("beta1", 0.9), self.hp.get("beta2", 0.999)
                a = b1 * a + (1 - b1) * g
                b = b2 * b + (1 - b2) * g**2
                step = self.lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
                out[k] = p - step * a / (np.sqrt(b) + 1e-7)
            self.a[k], self.b[k] = a, b
        return out


SETTINGS = [
    ("sgd", {}),
    ("momentum", {}),
    ("momentum", {"momentum": 0.5}),
    ("adagrad", {}),
    ("rmsprop", {}),
    ("rmsprop", {"decay": 0.9}),
    ("adam", {}),
    ("adam", {"beta1": 0.5, "beta2": 0.9}),
]


@pytest.mark.parametrize("name,hp", SETTINGS)
@pytest.mark.parametrize("hidden,output", [("relu", "softmax"), ("tanh", "sigmoid"), ("sigmoid", "identity")])
def test_readable_step_follows_the_reference_on_random_networks_and_batches(name, hp, hidden, output):
    rng = np.random.default_rng(len(name) * 7 + len(hp))
    net = dnn.random_network(3, 4, 2, seed=rng.integers(1000), hidden=hidden, output=output)
    x = rng.normal(size=(5, 3))
    d = np.eye(2)[rng.integers(0, 2, size=5)] if output == "softmax" else rng.uniform(size=(5, 2))
    ref, state, ref_params = Reference(name, 0.05, **hp), None, dict(net.params())
    for _ in range(15):
        g = dnn.backward(net, x, d)
        net, state = optimizer_step(net, g, 0.05, name, state, **hp)
        ref_params = ref.update(ref_params, {k: v for k, v in g.params().items()})
        for k, v in net.params().items():
            np.testing.assert_allclose(v, ref_params[k], rtol=1e-12, atol=1e-14)
    assert state.t == 15


@pytest.mark.parametrize("name,hp", SETTINGS)
def test_in_place_update_equals_the_readable_rule_for_one_run_and_for_many(name, hp):
    """The flat, in-place form (train's and sweep's) against the reference, with θ of one run and of four runs with
    four learning rates on the last axis."""
    rng = np.random.default_rng(3)
    settings = check_optimizer(name, hp)
    lrs = np.array([0.001, 0.01, 0.1, 1.0])
    theta = rng.normal(size=(12, 4))
    refs = [Reference(name, lr, **hp) for lr in lrs]
    ref_thetas = [{"p": theta[:, r].copy()} for r in range(4)]
    update = OPTIMIZERS[name].make_update(theta, settings)
    for t in range(1, 11):
        grad = rng.normal(size=(12, 4))
        for r in range(4):
            ref_thetas[r] = refs[r].update(ref_thetas[r], {"p": grad[:, r].copy()})
        update(grad.copy(), lrs, t)
        for r in range(4):
            np.testing.assert_allclose(theta[:, r], ref_thetas[r]["p"], rtol=1e-12, atol=1e-15)


def test_sgd_step_is_dnn_sgd_step_and_the_first_adam_step_moves_each_weight_by_about_eta():
    sc = dnn.seed_scenario()
    g = dnn.backward(sc.network, sc.x, sc.d)
    net, state = optimizer_step(sc.network, g, 0.01, "sgd")
    assert net == dnn.sgd_step(sc.network, g, 0.01) and state.slots == {}
    # Adam's first step, worked out by hand: m = (1 − β1)g, v = (1 − β2)g², η_t = η·√(1 − β2)/(1 − β1), so the move
    # is η·g/(|g| + 1e-7/√(1 − β2)): every weight with a gradient moves by almost exactly η, whatever its size.
    net, state = optimizer_step(sc.network, g, 0.001, "adam")
    moved = sc.network.W1 - net.W1
    np.testing.assert_allclose(moved, 0.001 * g.W1 / (np.abs(g.W1) + 1e-7 / math.sqrt(0.001)), rtol=1e-12)
    np.testing.assert_allclose(np.abs(moved), 0.001, rtol=2e-4)
    assert np.all(np.sign(moved) == np.sign(g.W1))
    np.testing.assert_allclose(state.slots["m"]["W1"], 0.1 * g.W1, rtol=1e-12)


def test_initial_state_is_zero_for_every_slot():
    net = dnn.seed_network()
    for name, opt in OPTIMIZERS.items():
        state = initial_state(net, name)
        assert state.t == 0 and set(state.slots) == set(opt.slots)
        for slot in opt.slots:
            assert all(not v.any() and v.shape == net.params()[k].shape for k, v in state.slots[slot].items())


@pytest.mark.parametrize(
    "name,hp,field",
    [
        ("adam", {"beta1": 1.0}, "beta1"),
        ("adam", {"beta2": -0.1}, "beta2"),
        ("adam", {"beta1": float("nan")}, "beta1"),
        ("momentum", {"momentum": float("inf")}, "momentum"),
        ("rmsprop", {"decay": "abc"}, "decay"),
        ("rmsprop", {"decay": 10**400}, "decay"),
        ("sgd", {"momentum": 0.9}, "optimizer"),
        ("nesterov", {}, "optimizer"),
    ],
)
def test_bad_settings_are_refused_in_both_languages(name, hp, field):
    with pytest.raises(dnn.ValidationError) as e:
        check_optimizer(name, hp)
    assert e.value.field == field
    assert e.value.en != e.value.ja and any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in e.value.ja
    )


def test_defaults_are_the_courses():
    assert {k: o.default_lr for k, o in OPTIMIZERS.items()} == {
        "sgd": 0.01,
        "momentum": 0.01,
        "adagrad": 0.01,
        "rmsprop": 0.01,
        "adam": 0.001,
    }
    assert check_optimizer("momentum") == {"momentum": 0.9}
    assert check_optimizer("rmsprop") == {"decay": 0.99}
    assert check_optimizer("adam") == {"beta1": 0.9, "beta2": 0.999}
