"""Resizing a scenario and the instructive presets (plain functions, no Streamlit)."""

import numpy as np
import pytest

import dnn
from ui.session import presets, shapes

SEED = dnn.seed_scenario()


def test_growing_keeps_every_value_and_adds_small_weights():
    sc = shapes.resize_scenario(SEED, n_in=3, n_hidden=5, n_out=3, n_samples=2, seed=1)
    net = sc.network
    np.testing.assert_array_equal(net.W1[:2, :3], SEED.network.W1)
    np.testing.assert_array_equal(net.W2[:3, :2], SEED.network.W2)
    np.testing.assert_array_equal(net.b1, [0.1, 0.2, 0.3, 0, 0])
    np.testing.assert_array_equal(net.b2, [0.1, 0.2, 0])
    new_weights = np.concatenate([net.W1[2], net.W1[:, 3:].ravel(), net.W2[3:].ravel(), net.W2[:, 2]])
    assert np.all(new_weights != 0) and np.all(np.abs(new_weights) < 2)
    np.testing.assert_array_equal(sc.x[0], [1, 5, 0])  # the sample that was there, a 0 for the new input
    np.testing.assert_array_equal(sc.d, [[0, 1, 0], [0, 1, 0]])  # new sample: one-hot, cycling from class 2
    assert sc.lr == SEED.lr and sc.steps == SEED.steps


def test_shrinking_keeps_what_fits_and_mends_the_softmax_target():
    sc = shapes.resize_scenario(presets.two_samples(), n_hidden=2, n_samples=1)
    np.testing.assert_array_equal(sc.network.W1, SEED.network.W1[:, :2])
    np.testing.assert_array_equal(sc.network.W2, SEED.network.W2[:2])
    np.testing.assert_array_equal(sc.x, [[1, 5]])
    grown = shapes.resize_scenario(SEED, n_out=3)
    back = shapes.resize_scenario(grown.replace(d=[[0, 0, 1]]), n_out=2)  # the target class is gone
    np.testing.assert_array_equal(back.d, [[1, 0]])


def test_resize_is_reproducible_from_the_seed():
    a = shapes.resize_scenario(SEED, n_hidden=6, seed=3)
    assert a == shapes.resize_scenario(SEED, n_hidden=6, seed=3)
    assert a != shapes.resize_scenario(SEED, n_hidden=6, seed=4)


def test_resize_to_one_softmax_output_is_refused():
    with pytest.raises(dnn.ValidationError) as e:
        shapes.resize_scenario(SEED, n_out=1)
    assert "softmax" in e.value.en


@pytest.mark.parametrize(
    ("d", "output", "expected"),
    [
        ([[0.5, 1.5]], "identity", [[0.5, 1.5]]),
        ([[-1, 2]], "sigmoid", [[0, 1]]),
        ([[0.2, 0.6]], "softmax", [[0.25, 0.75]]),
        ([[0, 0]], "softmax", [[1, 0]]),
        ([[0.3, 0.7]], "softmax", [[0.3, 0.7]]),
    ],
)
def test_fit_target(d, output, expected):
    np.testing.assert_allclose(shapes.fit_target(np.array(d, dtype=float), output), expected)


def test_set_target_keeps_a_softmax_row_summing_to_one():
    np.testing.assert_array_equal(shapes.set_target(np.array([[0.0, 1.0]]), 0, 0, 1.0, "softmax"), [[1, 0]])
    np.testing.assert_allclose(shapes.set_target(np.array([[0.0, 1.0, 0.0]]), 0, 1, 0.4, "softmax"), [[0.3, 0.4, 0.3]])
    np.testing.assert_array_equal(shapes.set_target(np.array([[0.0, 1.0]]), 0, 0, 5.0, "identity"), [[5, 1]])


def test_dead_relu_preset_silences_h3_only():
    # (that a dead unit's weights get exactly zero gradients is tests/test_dnn_gradients.py's)
    sc = presets.dead_relu()
    f = dnn.forward(sc.network, sc.x)
    assert f.u1[0, 2] == pytest.approx(-1.6) and f.z1[0, 2] == 0
    assert np.all(f.z1[0, :2] > 0)


def test_confidently_wrong_puts_099_on_the_wrong_class():
    sc = presets.confidently_wrong()
    y = dnn.forward(sc.network, sc.x).y
    assert y[0, 0] == pytest.approx(0.99, abs=5e-4) and sc.d[0, 1] == 1
    assert dnn.loss(sc.network, sc.x, sc.d) > 4.5


def test_two_samples_bias_gradient_is_the_batch_sum():
    sc = presets.two_samples()
    g = dnn.backward(sc.network, sc.x, sc.d, reduction="sum")
    np.testing.assert_allclose(g.b2, g.delta2.sum(axis=0))
    assert not np.allclose(g.b2, g.delta2[0])  # with two samples the sum differs from one sample's δ


def test_random_weights_keep_the_rest():
    sc = presets.random_weights(presets.two_samples(), seed=9)
    assert sc.network == dnn.random_network(2, 3, 2, seed=9)
    np.testing.assert_array_equal(sc.x, presets.two_samples().x)
