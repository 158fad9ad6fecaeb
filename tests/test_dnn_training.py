"""train against repeated sgd_step, sweep against separate runs, and divergence."""

import warnings

import numpy as np
import pytest

import dnn
from tests import notebook


def repeated_steps(net, x, d, lr, steps, reduction="mean"):
    losses, nets = [dnn.loss(net, x, d)], [net]
    for _ in range(steps):
        net = dnn.sgd_step(net, dnn.backward(net, x, d, reduction), lr)
        losses.append(dnn.loss(net, x, d))
        nets.append(net)
    return np.array(losses), nets


@pytest.mark.parametrize("hidden,output", [("relu", "softmax"), ("tanh", "sigmoid"), ("sigmoid", "identity")])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_train_equals_repeated_sgd_step(hidden, output, reduction):
    rng = np.random.default_rng(1)
    net = dnn.random_network(2, 3, 2, seed=5, hidden=hidden, output=output)
    x = rng.normal(size=(3, 2))
    d = np.eye(2)[[0, 1, 1]]
    losses, nets = repeated_steps(net, x, d, 0.1, 60, reduction)
    h = dnn.train(net, x, d, lr=0.1, steps=60, reduction=reduction)
    assert h.loss.shape == (61,) and h.diverged_at is None
    np.testing.assert_allclose(h.loss, losses, rtol=1e-12)
    for k in (0, 1, 17, 60):
        for name, value in nets[k].params().items():
            np.testing.assert_allclose(h.network_at(k).params()[name], value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h.network.W1, nets[-1].W1, rtol=1e-12)
    g = h.gradients_at(17)
    np.testing.assert_allclose(g.W2, dnn.backward(nets[17], x, d, reduction).W2, rtol=1e-12)


@pytest.mark.parametrize(
    "hidden,output,sizes,samples",
    [
        ("relu", "softmax", (3, 5, 4), 7),  # every size different: a transposed array would not fit
        ("tanh", "identity", (4, 2, 3), 6),
        ("identity", "sigmoid", (1, 6, 2), 5),
        ("relu", "identity", (8, 16, 8), 256),  # the largest network and batch (ReLU's f′ on a long array)
        ("sigmoid", "softmax", (2, 8, 3), 200),
    ],
)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_train_equals_repeated_sgd_step_for_other_sizes(hidden, output, sizes, samples, reduction):
    n_in, n_h, n_out = sizes
    rng = np.random.default_rng(n_in * 100 + samples)
    net = dnn.random_network(n_in, n_h, n_out, seed=3, hidden=hidden, output=output)
    x = rng.normal(size=(samples, n_in))
    if output == "softmax":
        d = np.eye(n_out)[rng.integers(0, n_out, size=samples)]
    else:
        d = rng.uniform(0.0, 1.0, size=(samples, n_out))
    lr = 0.05 if reduction == "mean" else 0.05 / samples
    losses, nets = repeated_steps(net, x, d, lr, 12, reduction)
    h = dnn.train(net, x, d, lr=lr, steps=12, reduction=reduction)
    np.testing.assert_allclose(h.loss, losses, rtol=1e-12)
    for name, value in nets[-1].params().items():
        np.testing.assert_allclose(h.network.params()[name], value, rtol=1e-11, atol=1e-14)
    g = dnn.backward(nets[7], x, d, reduction)
    expected = np.sqrt(sum(np.sum(p**2) for p in g.params().values()))
    assert h.grad_norm[7] == pytest.approx(expected, rel=1e-12)


def test_train_seed_scenario_reproduces_the_notebook_step():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=0.01, steps=1000)
    assert h.loss.shape == (1001,)
    before, after = notebook.losses_by_hand()  # the notebook's step, in plain numpy
    assert h.loss[0] == pytest.approx(before, rel=1e-14)
    assert h.loss[1] == pytest.approx(after, rel=1e-14)
    assert np.all(np.diff(h.loss) < 0)  # a small step on one sample only goes down


def test_long_runs_store_bounded_snapshots_and_replay_exactly():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=0.01, steps=20_000)
    assert h.snapshots.shape[0] <= 2001
    assert h.snapshot_every == 10
    start = h.network_at(12_000)
    direct = start
    for _ in range(345):
        direct = dnn.sgd_step(direct, dnn.backward(direct, sc.x, sc.d), 0.01)
    np.testing.assert_allclose(h.network_at(12_345).W1, direct.W1, rtol=1e-12)
    assert dnn.loss(h.network_at(12_345), sc.x, sc.d) == pytest.approx(h.loss[12_345], rel=1e-12)


def test_stochastic_training_uses_one_recorded_sample_per_step():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(20, 2))
    d = (3 * x[:, 0] + 2 * x[:, 1]).reshape(-1, 1)
    net = dnn.random_network(2, 10, 1, seed=0, hidden="relu", output="identity")
    h = dnn.train(net, x, d, lr=0.07, steps=50, stochastic=True, seed=3)
    assert h.sample_indices.shape == (50,) and h.sample_loss.shape == (50,)
    manual = net
    for k in range(50):
        if k == 31:  # any step replays from the stored snapshots to the same parameters
            for name, value in manual.params().items():
                np.testing.assert_allclose(h.network_at(31).params()[name], value, rtol=1e-12, atol=1e-15)
        i = h.sample_indices[k]
        xs, ds = x[i : i + 1], d[i : i + 1]
        assert h.sample_loss[k] == pytest.approx(dnn.loss(manual, xs, ds), rel=1e-12)
        assert h.loss[k] == pytest.approx(dnn.loss(manual, x, d), rel=1e-12)
        manual = dnn.sgd_step(manual, dnn.backward(manual, xs, ds), 0.07)
    np.testing.assert_allclose(h.network.W2, manual.W2, rtol=1e-12)


def diverging_scenario():
    """A run that really overflows: squared error, x = [100, 500], d = [1, 2], lr = 10."""
    net = dnn.seed_network().replace(output="identity")
    return net, np.array([[100.0, 500.0]]), np.array([[1.0, 2.0]])


def test_divergence_stops_cleanly_without_warnings():
    net, x, d = diverging_scenario()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = dnn.train(net, x, d, lr=10, steps=1000)
    assert h.diverged_at is not None and 0 < h.diverged_at < 1000
    assert len(h.loss) == h.diverged_at and np.all(np.isfinite(h.loss))
    for p in h.network.params().values():
        assert np.all(np.isfinite(p))
    # the final network is the last finite one: the parameters after diverged_at − 1 steps
    np.testing.assert_array_equal(h.network.W1, h.network_at(h.diverged_at - 1).W1)
    assert dnn.loss(h.network, x, d) == pytest.approx(h.loss[-1], rel=1e-12)


def test_softmax_with_a_huge_learning_rate_oscillates_but_stays_finite():
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, lr=1e6, steps=200)
    assert h.diverged_at is None and np.all(np.isfinite(h.loss))


def test_sweep_rows_equal_separate_runs():
    sc = dnn.seed_scenario()
    lrs = np.logspace(-3, 1, 7)
    x = np.array([[1.0, 5.0], [2.0, -1.0], [0.5, 0.5]])
    d = np.eye(2)[[1, 0, 0]]
    losses = dnn.sweep(sc.network, x, d, lrs, steps=300)
    assert losses.shape == (7, 301)
    for r, lr in enumerate(lrs):
        np.testing.assert_allclose(losses[r], dnn.train(sc.network, x, d, lr=lr, steps=300).loss, rtol=1e-10)


@pytest.mark.parametrize("hidden,output", [("sigmoid", "sigmoid"), ("tanh", "identity"), ("identity", "softmax")])
def test_sweep_over_starting_networks_equals_separate_runs(hidden, output):
    nets = [dnn.random_network(3, 4, 2, seed=s, hidden=hidden, output=output) for s in range(4)]
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 3))
    d = np.eye(2)[rng.integers(0, 2, 5)]
    lrs = [0.05, 0.1, 0.5, 1.0]
    losses = dnn.sweep(nets, x, d, lrs, steps=100, reduction="sum")
    for r in range(4):
        expected = dnn.train(nets[r], x, d, lr=lrs[r], steps=100, reduction="sum").loss
        np.testing.assert_allclose(losses[r], expected, rtol=1e-10)


def test_sweep_stops_diverging_runs_only():
    net, x, d = diverging_scenario()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        losses = dnn.sweep(net, x, d, [1e-7, 10.0], steps=1000)
    single = dnn.train(net, x, d, lr=10.0, steps=1000)
    assert dnn.diverged_at(losses[0]) is None
    assert dnn.diverged_at(losses[1]) == single.diverged_at
    np.testing.assert_allclose(losses[1, : single.diverged_at], single.loss, rtol=1e-10)
    np.testing.assert_allclose(losses[0], dnn.train(net, x, d, lr=1e-7, steps=1000).loss, rtol=1e-10)


@pytest.mark.parametrize("hidden,output", [("relu", "softmax"), ("tanh", "sigmoid"), ("sigmoid", "identity")])
def test_grad_norm_is_the_length_of_backprops_gradient_at_every_step(hidden, output):
    rng = np.random.default_rng(4)
    net = dnn.random_network(2, 3, 2, seed=1, hidden=hidden, output=output)
    x = rng.normal(size=(4, 2))
    d = np.eye(2)[[0, 1, 1, 0]]
    h = dnn.train(net, x, d, lr=0.2, steps=40)
    assert h.grad_norm.shape == (41,)
    for k in (0, 1, 23, 40):  # 40: the last step has a gradient too, at the final network
        g = dnn.backward(h.network_at(k), x, d)
        expected = np.linalg.norm(np.concatenate([p.ravel() for p in g.params().values()]))
        assert h.grad_norm[k] == pytest.approx(expected, rel=1e-12)


def test_grad_norm_of_stochastic_and_diverged_runs():
    sc = dnn.seed_scenario()
    x = np.array([[1.0, 5.0], [2.0, -1.0], [0.5, 0.5]])
    d = np.eye(2)[[1, 0, 0]]
    h = dnn.train(sc.network, x, d, lr=0.5, steps=30, stochastic=True, seed=2)
    g = h.gradients_at(17)  # all samples, like loss[17], though the step itself used one sample
    expected = np.sqrt(sum(np.sum(p**2) for p in g.params().values()))
    assert h.grad_norm[17] == pytest.approx(expected, rel=1e-12)
    net, x, d = diverging_scenario()
    h = dnn.train(net, x, d, lr=10, steps=1000)
    assert h.grad_norm.shape == h.loss.shape  # both stop at diverged_at


def full_gradient_norm(net, x, d):
    """‖∂E/∂θ‖ over W1, b1, W2, b2 from dnn.backward, the independent reference for History.grad_norm."""
    g = dnn.backward(net, x, d)
    return np.sqrt(sum(np.sum(p**2) for p in g.params().values()))


def test_grad_norm_is_right_across_the_blocks_train_measures_it_in():
    # train measures gradient lengths in blocks of GRADIENT_BLOCK steps: the steps on either side of a block's
    # end, the last step of a run and the last finite step of a diverged run must all be right.
    block = dnn.training.GRADIENT_BLOCK
    sc = dnn.seed_scenario()
    x = np.array([[1.0, 5.0], [2.0, -1.0], [0.5, 0.5]])
    d = np.eye(2)[[1, 0, 0]]
    steps = 2 * block + 37
    for stochastic in (False, True):
        h = dnn.train(sc.network, x, d, lr=0.3, steps=steps, stochastic=stochastic, seed=5)
        assert h.grad_norm.shape == (steps + 1,)
        for k in (block - 1, block, block + 1, 2 * block, steps):
            assert h.grad_norm[k] == pytest.approx(full_gradient_norm(h.network_at(k), x, d), rel=1e-12)
    net, x, d = diverging_scenario()
    h = dnn.train(net, x, d, lr=3, steps=3000)
    assert h.diverged_at is not None and block < h.diverged_at < 2 * block  # it stops inside the second block
    last = h.last_step
    assert h.grad_norm.shape == (last + 1,)
    assert h.grad_norm[last] == pytest.approx(full_gradient_norm(h.network_at(last), x, d), rel=1e-12)
    assert h.grad_norm[block] == pytest.approx(full_gradient_norm(h.network_at(block), x, d), rel=1e-12)


def test_parameters_that_overflow_while_the_loss_stays_finite_stop_the_run():
    # Sigmoid output keeps the loss finite (σ(±∞) is 0 or 1, and the log has its 1e-7), so in this 1-1-1 network
    # the parameters overflow first; sgd_step's Network refuses them at that step.
    net = dnn.Network(W1=[[0.5]], b1=[0.1], W2=[[0.5]], b2=[0.0], hidden="identity", output="sigmoid")
    x, d = np.array([[1.0]]), np.array([[0.5]])
    manual, first_bad = net, None
    with np.errstate(all="ignore"):
        for k in range(1, 1000):
            assert np.isfinite(dnn.loss(manual, x, d))
            try:
                manual = dnn.sgd_step(manual, dnn.backward(manual, x, d), 100.0)
            except dnn.ValidationError:
                first_bad = k
                break
    assert first_bad is not None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = dnn.train(net, x, d, lr=100.0, steps=5000)  # snapshots every 3 steps: found by replay between them
        losses = dnn.sweep(net, x, d, [100.0, 0.01], steps=5000)
    assert h.snapshot_every == 3 and h.diverged_at == first_bad
    assert np.all(np.isfinite(h.loss)) and len(h.loss) == first_bad
    assert dnn.diverged_at(losses[0]) == first_bad and dnn.diverged_at(losses[1]) is None
