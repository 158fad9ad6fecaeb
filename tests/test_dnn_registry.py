"""A new activation and a new output layer, registered at run time, are accepted everywhere.

softplus (f = log(1 + e^u), f′ = σ(u)) is added to ``dnn.ACTIVATIONS`` as a function and its derivative, with no
in-place kernels; a tanh output with squared error (whose delta (y − d)·(1 − y²) is not y − d) to
``dnn.OUTPUT_LAYERS``. Validation, forward, backward, train, sweep, numerical_gradient, the printout, the link
codec and the dashboard's menus must all take them, with numbers checked against this file's own numpy; and after
the entries are removed, nothing accepts them any more.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from ui.session import codec, shapes
from ui.widgets import editors

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def softplus(u: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, u)


def d_softplus(u: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-u))


def squared_error(d: np.ndarray, y: np.ndarray) -> float:
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return float(0.5 * np.sum((y - d) ** 2) / y.shape[0])


def tanh_squared_error_delta(d: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (y - d) * (1.0 - y**2)  # dE/du2 of ½(tanh(u2) − d)²


def register() -> None:
    """The one line each that the README promises is all it takes."""
    dnn.ACTIVATIONS["softplus"] = dnn.Activation(softplus, d_softplus)
    dnn.OUTPUT_LAYERS["tanh"] = dnn.OutputLayer(
        np.tanh, squared_error, "squared error", delta=tanh_squared_error_delta, target_range=(-1.0, 1.0)
    )


def unregister() -> None:
    del dnn.ACTIVATIONS["softplus"], dnn.OUTPUT_LAYERS["tanh"]


@pytest.fixture(autouse=True)
def new_entries() -> Iterator[None]:
    register()
    try:
        yield
    finally:
        unregister()


# ---------------------------------------------------------------- this file's own forward pass and loss

HIDDEN = {"softplus": softplus, "relu": lambda u: np.maximum(u, 0.0)}


def forward_by_hand(params: dict[str, np.ndarray], hidden: str, output: str, x: np.ndarray) -> tuple:
    u1 = x @ params["W1"] + params["b1"]
    z1 = HIDDEN[hidden](u1)
    u2 = z1 @ params["W2"] + params["b2"]
    if output == "tanh":
        return u1, z1, u2, np.tanh(u2)
    e = np.exp(u2 - u2.max(axis=1, keepdims=True))
    return u1, z1, u2, e / e.sum(axis=1, keepdims=True)


def loss_by_hand(params: dict[str, np.ndarray], hidden: str, output: str, x: np.ndarray, d: np.ndarray) -> float:
    """The mean loss without the 1e-7 guard: the function backprop differentiates."""
    *_, u2, y = forward_by_hand(params, hidden, output, x)
    if output == "tanh":
        return 0.5 * np.sum((y - d) ** 2) / len(x)
    log_y = u2 - np.log(np.exp(u2).sum(axis=1, keepdims=True))
    return -np.sum(d * log_y) / len(x)


def finite_differences(net: dnn.Network, x: np.ndarray, d: np.ndarray, h: float = 1e-6) -> dict[str, np.ndarray]:
    params = {k: v.copy() for k, v in net.params().items()}
    grads = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + h
            plus = loss_by_hand(params, net.hidden, net.output, x, d)
            value[idx] = old - h
            minus = loss_by_hand(params, net.hidden, net.output, x, d)
            value[idx] = old
            g[idx] = (plus - minus) / (2 * h)
        grads[name] = g
    return grads


CASES = [("softplus", "softmax"), ("softplus", "tanh"), ("relu", "tanh")]


def case(hidden: str, output: str, n: int) -> tuple[dnn.Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    net = dnn.random_network(2, 3, 2, seed=n, hidden=hidden, output=output)
    x = rng.uniform(-2, 2, (n, 2))
    d = np.eye(2)[rng.integers(0, 2, n)] if output == "softmax" else rng.uniform(-0.9, 0.9, (n, 2))
    return net, x, d


# ---------------------------------------------------------------- the math


def test_validation_follows_the_registries():
    net = dnn.seed_network().replace(hidden="softplus", output="tanh")
    assert (net.hidden, net.output) == ("softplus", "tanh")
    assert "softplus" in dnn.HIDDEN_ACTIVATIONS and "tanh" in dnn.OUTPUTS
    with pytest.raises(dnn.ValidationError, match="choose one of relu, sigmoid, tanh, identity, softplus"):
        net.replace(hidden="swish")
    with pytest.raises(dnn.ValidationError, match=r"d\[sample 1, y2\] is 1.5; targets for tanh must be between -1"):
        dnn.Scenario(net, [[1.0, 5.0]], [[0.0, 1.5]])
    assert dnn.Scenario(net, [[1.0, 5.0]], [[-1.0, 0.5]]).d[0, 0] == -1.0  # no sum-to-one rule for tanh


def test_removed_entries_are_refused_again():
    unregister()
    try:
        assert "softplus" not in dnn.HIDDEN_ACTIVATIONS and "softplus" not in editors.hidden_menu("en")
        with pytest.raises(dnn.ValidationError, match="hidden activation 'softplus' is unknown"):
            dnn.seed_network().replace(hidden="softplus")
        with pytest.raises(dnn.ValidationError, match="output layer 'tanh' is unknown"):
            dnn.seed_network().replace(output="tanh")
    finally:
        register()  # for the fixture to remove


@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("hidden,output", CASES)
def test_forward_and_backward_against_finite_differences(hidden, output, n):
    net, x, d = case(hidden, output, n)
    f = dnn.forward(net, x)
    for got, expected in zip((f.u1, f.z1, f.u2, f.y), forward_by_hand(net.params(), hidden, output, x), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert dnn.exact_loss(net, x, d) == pytest.approx(loss_by_hand(net.params(), hidden, output, x, d), rel=1e-12)
    by_hand = finite_differences(net, x, d)
    g = dnn.backward(net, x, d)
    g_sum = dnn.backward(net, x, d, reduction="sum")
    numerical = dnn.numerical_gradient(net, x, d)
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(getattr(g, name), by_hand[name], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(getattr(g_sum, name), n * by_hand[name], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(getattr(numerical, name), by_hand[name], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("n", [1, 3])
@pytest.mark.parametrize("hidden,output", CASES)
def test_train_is_repeated_sgd_step_and_sweep_rows_are_train(hidden, output, n, reduction):
    net, x, d = case(hidden, output, n)
    steps, lr = 30, 0.3
    h = dnn.train(net, x, d, lr=lr, steps=steps, reduction=reduction)
    assert h.diverged_at is None and len(h.loss) == steps + 1
    manual = net
    for k in range(steps + 1):
        assert h.loss[k] == pytest.approx(dnn.loss(manual, x, d), rel=1e-12)
        g = dnn.backward(manual, x, d, reduction=reduction)
        norm = np.sqrt(sum(np.sum(v**2) for v in g.params().values()))
        assert h.grad_norm[k] == pytest.approx(norm, rel=1e-10)
        if k < steps:
            manual = dnn.sgd_step(manual, g, lr)
    for name, value in manual.params().items():
        np.testing.assert_allclose(h.network.params()[name], value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h.network_at(17).W1, h.network_at(16).W1 - lr * h.gradients_at(16).W1, rtol=1e-12)
    lrs = [0.01, 0.3, 1.0]
    rows = dnn.sweep(net, x, d, lrs, steps, reduction=reduction)
    for row, rate in zip(rows, lrs, strict=True):
        alone = dnn.train(net, x, d, lr=rate, steps=steps, reduction=reduction)
        np.testing.assert_allclose(row, alone.loss, rtol=1e-10, atol=1e-20)


def test_stochastic_training_with_the_new_entries():
    net, x, d = case("softplus", "tanh", 5)
    h = dnn.train(net, x, d, lr=0.2, steps=20, stochastic=True, seed=4)
    manual = net
    for k, i in enumerate(h.sample_indices):
        assert h.sample_loss[k] == pytest.approx(dnn.loss(manual, x[i : i + 1], d[i : i + 1]), rel=1e-12)
        manual = dnn.sgd_step(manual, dnn.backward(manual, x[i : i + 1], d[i : i + 1]), 0.2)
    np.testing.assert_allclose(h.network.W1, manual.W1, rtol=1e-12)


def test_printout_shows_the_new_activation():
    net, x, d = case("softplus", "tanh", 1)
    text = dnn.notebook_printout(dnn.Scenario(net, x, d))
    u1, z1, _, y = forward_by_hand(net.params(), "softplus", "tanh", x)
    assert f"*** 総入力1 ***\n{u1}\n" in text and f"*** 中間層出力1 ***\n{z1}\n" in text
    assert f"*** 出力1 ***\n{y}\n" in text


# ---------------------------------------------------------------- the dashboard


def test_menus_list_every_registered_name_labelled_by_itself_where_untranslated():
    for lang in ("en", "ja"):
        hidden, outputs = editors.hidden_menu(lang), editors.output_menu(lang)
        assert list(hidden) == ["relu", "sigmoid", "tanh", "identity", "softplus"]
        assert hidden["softplus"] == "softplus"  # no translation: its name
        assert list(outputs) == ["softmax", "sigmoid", "identity", "tanh"] and outputs["tanh"] == "tanh"
    assert editors.hidden_menu("en")["relu"] == "ReLU" and editors.hidden_menu("ja")["identity"] == "恒等関数"
    assert editors.output_menu("ja")["softmax"] == "softmax + 交差エントロピー誤差"
    assert editors.output_menu("en")["identity"] == "identity + squared error"


def test_a_link_and_the_target_fitting_take_the_new_names():
    sc, problems = codec.scenario_from_query({"hidden": "softplus", "output": "tanh", "d": "0.5,-0.5"})
    assert problems == [] and (sc.network.hidden, sc.network.output) == ("softplus", "tanh")
    np.testing.assert_array_equal(shapes.fit_target(np.array([[3.0, -2.0, 0.5]]), "tanh"), [[1.0, -1.0, 0.5]])


def test_home_screen_menus_offer_and_apply_the_new_entries():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    hidden = at.selectbox(key="hidden_en_v0")  # a widget per language: its labels are translated
    assert "softplus" in hidden.options
    hidden.set_value("softplus").run()
    assert not at.exception and at.session_state["scenario"].network.hidden == "softplus"
    v = at.session_state["editor_version"]
    out = at.selectbox(key=f"output_en_v{v}")
    assert "tanh" in out.options and "softmax + cross-entropy" in out.options
    out.set_value("tanh").run()
    assert not at.exception
    sc = at.session_state["scenario"]
    assert sc.network.output == "tanh" and sc.d.min() >= -1 and sc.d.max() <= 1


# ---------------------------------------------------------------- the fast kernels the built-in entries carry


BUILT_IN_ACTIVATIONS = ["relu", "sigmoid", "tanh", "identity"]
BUILT_IN_OUTPUTS = ["softmax", "sigmoid", "identity"]


@pytest.mark.parametrize("name", BUILT_IN_ACTIVATIONS)
@pytest.mark.parametrize("shape", [(3, 1), (16, 8, 256)])  # a run's hidden layer, a large sweep's
def test_activation_kernels_compute_f_and_its_derivative(name, shape):
    act = dnn.ACTIVATIONS[name]
    u = np.random.default_rng(1).normal(scale=3.0, size=shape)
    u.flat[:3] = [0.0, -800.0, 800.0]  # the kink of ReLU, and where e^±u overflows
    z, f_prime = np.empty_like(u), np.empty_like(u)
    with np.errstate(over="ignore"):  # the loops run with warnings silenced: e^800 overflows to inf, z to 0
        act.f_into(u, z)
    np.testing.assert_allclose(z, act.f(u), rtol=1e-15, atol=1e-300)
    if act.df_is_one:
        assert act.df_into is None
        np.testing.assert_array_equal(act.df(u), 1.0)
    else:
        act.df_into(u, z, f_prime)
        np.testing.assert_allclose(f_prime, act.df(u), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("name", BUILT_IN_OUTPUTS)
@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize("one_hot", [True, False])
def test_output_kernels_compute_the_loss_and_delta(name, n, one_hot):
    layer = dnn.OUTPUT_LAYERS[name]
    rng = np.random.default_rng(n)
    u2 = rng.normal(scale=2.0, size=(n, 3))
    d = np.eye(3)[rng.integers(0, 3, n)] if one_hot else rng.dirichlet(np.ones(3), n)
    y = layer.f(u2)
    # one run's batch
    batch = SimpleNamespace(u2=u2, y=np.empty_like(u2), d=d, delta2=np.empty_like(u2), target=None)
    if one_hot and n == 1:
        batch.target = int(d[0].argmax())
    loss = layer.batch_kernel(batch)()
    assert loss == pytest.approx(layer.loss(d, y), rel=1e-13)
    np.testing.assert_allclose(batch.delta2, layer.delta(d, y), rtol=1e-13, atol=1e-16)
    # a sweep's runs: run r has the total input u2 + r
    runs = np.arange(5.0)
    u2_runs = u2[:, :, None] + runs
    out = np.empty(len(runs))
    delta2 = layer.sweep_kernel(u2_runs, np.empty_like(u2_runs), d)(out)
    for r in range(len(runs)):
        y_r = layer.f(u2 + r)
        assert out[r] == pytest.approx(layer.loss(d, y_r), rel=1e-13)
        np.testing.assert_allclose(delta2[:, :, r], layer.delta(d, y_r), rtol=1e-12, atol=1e-15)
