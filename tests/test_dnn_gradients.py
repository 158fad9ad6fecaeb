"""backward against central finite differences written here, independently of dnn.numerical_gradient."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dnn

HIDDEN = ["relu", "sigmoid", "tanh", "identity"]
OUTPUT = ["softmax", "sigmoid", "identity"]


def exact_loss_by_hand(W1, b1, W2, b2, hidden, output, x, d):
    """The loss written out from the formulas, without the 1e-7 guard (what backprop differentiates)."""
    u1 = x @ W1 + b1
    z1 = {"relu": np.maximum(u1, 0), "sigmoid": 1 / (1 + np.exp(-u1)), "tanh": np.tanh(u1), "identity": u1}[hidden]
    u2 = z1 @ W2 + b2
    n = x.shape[0]
    if output == "softmax":
        log_y = u2 - u2.max(axis=1, keepdims=True)
        log_y -= np.log(np.exp(log_y).sum(axis=1, keepdims=True))
        return -(d * log_y).sum() / n
    if output == "sigmoid":
        # log σ(u) = −log(1 + e^−u) and log(1 − σ(u)) = −log(1 + e^u), without cancellation near y = 1
        return ((d * np.logaddexp(0, -u2)) + (1 - d) * np.logaddexp(0, u2)).sum() / n
    return 0.5 * ((u2 - d) ** 2).sum() / n


def central_differences(net, x, d, h=1e-6):
    params = {k: v.copy() for k, v in net.params().items()}
    out = {}
    for name, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + h
            plus = exact_loss_by_hand(**params, hidden=net.hidden, output=net.output, x=x, d=d)
            value[idx] = old - h
            minus = exact_loss_by_hand(**params, hidden=net.hidden, output=net.output, x=x, d=d)
            value[idx] = old
            g[idx] = (plus - minus) / (2 * h)
        out[name] = g
    return out


@st.composite
def cases(draw):
    hidden = draw(st.sampled_from(HIDDEN))
    output = draw(st.sampled_from(OUTPUT))
    n_in = draw(st.integers(1, 4))
    n_h = draw(st.integers(1, 5))
    n_out = draw(st.integers(2 if output == "softmax" else 1, 4))
    n = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    net = dnn.Network(
        W1=rng.normal(size=(n_in, n_h)),
        b1=rng.normal(size=n_h),
        W2=rng.normal(size=(n_h, n_out)),
        b2=rng.normal(size=n_out),
        hidden=hidden,
        output=output,
    )
    x = rng.normal(size=(n, n_in)) * 2
    if output == "softmax":
        d = rng.dirichlet(np.ones(n_out), size=n)
        if draw(st.booleans()):
            d = np.eye(n_out)[rng.integers(0, n_out, size=n)]
    elif output == "sigmoid":
        d = rng.uniform(0, 1, size=(n, n_out))
    else:
        d = rng.normal(size=(n, n_out))
    return net, x, d


def assert_close_to_differences(grads, numeric):
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(getattr(grads, name), numeric[name], rtol=1e-5, atol=1e-7, err_msg=name)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_backward_equals_finite_differences(case):
    net, x, d = case
    # central differences are wrong across a ReLU kink: keep every u1 clear of 0
    assume(np.abs(x @ net.W1 + net.b1).min() > 1e-3)
    numeric = central_differences(net, x, d)
    assert_close_to_differences(dnn.backward(net, x, d), numeric)
    # the notebook's convention is N times the gradient of the mean loss
    summed = dnn.backward(net, x, d, reduction="sum")
    assert_close_to_differences(summed, {k: v * x.shape[0] for k, v in numeric.items()})


@settings(max_examples=40, deadline=None)
@given(cases())
def test_numerical_gradient_equals_independent_differences(case):
    net, x, d = case
    assume(np.abs(x @ net.W1 + net.b1).min() > 1e-3)
    assert_close_to_differences(dnn.numerical_gradient(net, x, d), central_differences(net, x, d))


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output", OUTPUT)
def test_every_activation_and_output_on_a_fixed_case(hidden, output):
    rng = np.random.default_rng(7)
    n_out = 3
    net = dnn.random_network(3, 4, n_out, seed=3, hidden=hidden, output=output)
    net = net.replace(b1=rng.normal(size=4))
    x = rng.normal(size=(6, 3))
    d = np.eye(n_out)[rng.integers(0, n_out, size=6)]
    assert np.abs(x @ net.W1 + net.b1).min() > 1e-3  # the fixed case stays clear of ReLU kinks
    assert_close_to_differences(dnn.backward(net, x, d), central_differences(net, x, d))


def test_bias_gradient_sums_the_samples_contributions():
    sc = dnn.seed_scenario()
    x = np.array([[1.0, 5.0], [2.0, -1.0]])
    d = np.array([[0.0, 1.0], [1.0, 0.0]])
    g = dnn.backward(sc.network, x, d, reduction="sum")
    per_sample = [dnn.backward(sc.network, x[i : i + 1], d[i : i + 1]) for i in range(2)]
    np.testing.assert_allclose(g.b2, per_sample[0].b2 + per_sample[1].b2, rtol=1e-14)
    np.testing.assert_allclose(g.b1, per_sample[0].b1 + per_sample[1].b1, rtol=1e-14)
    mean = dnn.backward(sc.network, x, d)
    np.testing.assert_allclose(mean.W1 * 2, g.W1, rtol=1e-14)


def test_delta2_is_y_minus_d_and_the_softmax_jacobian_chain_agrees():
    sc = dnn.seed_scenario()
    f = dnn.forward(sc.network, sc.x)
    g = dnn.backward(sc.network, sc.x, sc.d)
    y, d = f.y[0], sc.d[0]
    # long way: dE/dy = −d / y, dy/du = diag(y) − y yᵀ
    jacobian = np.diag(y) - np.outer(y, y)
    np.testing.assert_allclose((-d / y) @ jacobian, g.delta2[0], rtol=1e-12)
    # the course's helpers give the same delta
    np.testing.assert_allclose(dnn.d_sigmoid_with_loss(sc.d, f.y), g.delta2, rtol=1e-15)
    np.testing.assert_allclose(dnn.d_softmax_with_loss(sc.d, f.y), g.delta2, rtol=1e-15)


def test_dead_relu_unit_has_exactly_zero_gradients():
    sc = dnn.seed_scenario()
    net = sc.network.replace(b1=[0.1, -10.0, 0.3])  # u1 of unit 2 = 2.2 − 10.2 < 0
    g = dnn.backward(net, sc.x, sc.d)
    assert np.all(g.W1[:, 1] == 0) and g.b1[1] == 0 and np.all(g.W2[1, :] == 0)
    assert np.all(g.W1[:, [0, 2]] != 0) and np.all(g.W2[[0, 2], :] != 0)  # the living units still learn


def test_course_helpers_have_the_course_meanings():
    d = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[0.2, 0.8], [0.6, 0.4]])
    assert dnn.cross_entropy_error(d, y) == pytest.approx(-(np.log(0.8 + 1e-7) + np.log(0.6 + 1e-7)) / 2)
    assert dnn.mean_squared_error(d, y) == pytest.approx(np.mean((d - y) ** 2) / 2)
    np.testing.assert_allclose(dnn.d_mean_squared_error(d, y), (y - d) / 2)
    np.testing.assert_allclose(dnn.d_softmax_with_loss(d, y), (y - d) / 2)
    np.testing.assert_allclose(dnn.d_sigmoid_with_loss(d, y), y - d)
    np.testing.assert_allclose(dnn.softmax(np.array([1000.0, 1001.0])), [1 / (1 + np.e), np.e / (1 + np.e)])
    np.testing.assert_allclose(dnn.sigmoid(np.array([-800.0, 0.0, 800.0])), [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(dnn.d_relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])
    s = dnn.sigmoid(np.array([0.3]))
    np.testing.assert_allclose(dnn.d_sigmoid(np.array([0.3])), s * (1 - s))
