"""dnn against the course notebook: every value it printed, and its printout line by line."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dnn
from tests import notebook as nb


@pytest.fixture(scope="module")
def seed():
    return dnn.seed_scenario()


def test_the_printout_kept_with_the_tests_is_the_notebooks_arithmetic():
    # The reference itself can be checked: its numbers must agree with each other as the notebook computes them
    # (a damaged or edited copy fails here, before any test compares dnn with it).
    start, grads, after = nb.initial_parameters(), nb.printed_gradients(), nb.updated_parameters()
    by_hand = nb.notebook_numbers(**start)
    for label, key in (("総入力1", "u1"), ("中間層出力1", "z1"), ("総入力2", "u2"), ("出力1", "y")):
        np.testing.assert_allclose(nb.printed(label), by_hand[key], atol=nb.PRINTED_ATOL)
    for key, value in grads.items():
        np.testing.assert_allclose(value, np.reshape(by_hand[key], value.shape), atol=nb.PRINTED_ATOL)
    for key, value in start.items():
        np.testing.assert_allclose(after[key], value - nb.LR * by_hand[key], atol=nb.PRINTED_ATOL)


def test_the_seed_scenario_is_the_notebooks(seed):
    for key, value in nb.initial_parameters().items():
        np.testing.assert_array_equal(getattr(seed.network, key), value)
    np.testing.assert_array_equal(seed.x, nb.X)
    np.testing.assert_array_equal(seed.d, nb.D)
    assert seed.lr == nb.LR and (seed.network.hidden, seed.network.output) == ("relu", "softmax")


def test_forward_matches_printed_values(seed):
    f = dnn.forward(seed.network, seed.x)
    for label, value in (("総入力1", f.u1), ("中間層出力1", f.z1), ("総入力2", f.u2), ("出力1", f.y)):
        np.testing.assert_allclose(value, nb.printed(label), atol=nb.PRINTED_ATOL)
    # beyond the printed digits: softmax of the printed u2 (exact decimals 1.86, 4.21) written out by hand
    u2 = nb.printed("総入力2")
    np.testing.assert_allclose(f.y, np.exp(u2) / np.exp(u2).sum(), rtol=1e-14)
    assert nb.within_ulps(float(f.y.sum()), 1.0)


def test_gradients_match_printed_values(seed):
    g = dnn.backward(seed.network, seed.x, seed.d)
    for key, value in nb.printed_gradients().items():
        np.testing.assert_allclose(getattr(g, key), value, atol=nb.PRINTED_ATOL)
    # the student's note: a bias's gradient equals its layer's delta (one sample)
    np.testing.assert_array_equal(g.b1, g.delta1[0])
    np.testing.assert_array_equal(g.b2, g.delta2[0])


def test_updated_parameters_match_printed_values(seed):
    new = dnn.sgd_step(seed.network, dnn.backward(seed.network, seed.x, seed.d), seed.lr)
    for key, value in nb.updated_parameters().items():
        np.testing.assert_allclose(getattr(new, key), value, atol=nb.PRINTED_ATOL)


def test_loss_before_and_after_one_step(seed):
    before, after = nb.losses_by_hand()  # the notebook computes them but never prints them
    assert dnn.loss(seed.network, seed.x, seed.d) == pytest.approx(before, rel=1e-14)
    new = dnn.sgd_step(seed.network, dnn.backward(seed.network, seed.x, seed.d), seed.lr)
    assert dnn.loss(new, seed.x, seed.d) == pytest.approx(after, rel=1e-14)
    # the course's formula for a one-hot target, −log(y_target + 1e-7), from the printed u2
    u = nb.printed("総入力2")[0]
    assert before == pytest.approx(-np.log(np.exp(u[1]) / np.exp(u).sum() + 1e-7), rel=1e-14)


def test_python_m_dnn_prints_the_notebook_output_line_by_line():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "dnn"], cwd=root, capture_output=True, text=True, encoding="utf-8", check=True
    )
    nb.assert_printout_matches(result.stdout)


def test_printout_check_sees_a_changed_line_and_allows_only_ulps_in_sigma_y():
    text = nb.printed_block()
    nb.assert_printout_matches(text.replace("出力合計: 1.0", "出力合計: 0.9999999999999999"))
    nb.assert_printout_matches(text + "\n")  # print's own newline at the end is not compared
    for broken in (
        text.replace("出力合計: 1.0", "出力合計: 0.99999"),
        text.replace("[[1.86 4.21]]", "[[1.86 4.22]]"),
        text.replace("*** 重み2 ***", "*** 重み 2 ***", 1),
        text.replace("出力合計: 1.0\n", ""),
    ):
        with pytest.raises(AssertionError):
            nb.assert_printout_matches(broken)


def test_printout_of_another_scenario_changes_with_it(seed):
    other = seed.replace(x=[[2.0, 1.0]])
    text = dnn.notebook_printout(other)
    assert "[[0.5 1.2 1.9]]" in text  # u1 = [2, 1]·W1 + b1 = [0.4, 1.0, 1.6] + [0.1, 0.2, 0.3]
    assert text != dnn.notebook_printout(seed)
