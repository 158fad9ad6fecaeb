"""dnn against the course notebook: every value it printed, and its printout line by line."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dnn

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_db6f183183162d05.txt"
NOTEBOOK_OUTPUT = Path(__file__).with_name("data") / "notebook_output.txt"


def printed_block() -> str:
    """The notebook's output block, from the seed file when it is there, else from the copy kept with the tests."""
    text = SEED.read_text(encoding="utf-8") if SEED.exists() else NOTEBOOK_OUTPUT.read_text(encoding="utf-8")
    text = "\n" + text
    start = text.index("\n##### ネットワークの初期化 #####\n") + 1  # the printed line, not the code that prints it
    return text[start:].rstrip("\n")


def printed_arrays() -> dict[str, np.ndarray]:
    """Parse every '*** label ***' array of the notebook's output (later labels win: the updated parameters)."""
    out: dict[str, list[np.ndarray]] = {}
    for label, body in re.findall(r"\*\*\* (.+?) \*\*\*\n(.*?)\n\n", printed_block() + "\n\n", re.S):
        numbers = [float(t) for t in re.findall(r"-?\d+\.\d*(?:e-?\d+)?", body)]
        rows = body.count("[") - (1 if body.startswith("[[") else 0)
        arr = np.array(numbers).reshape(rows, -1) if body.startswith("[[") else np.array(numbers)
        out.setdefault(label, []).append(arr)
    return out


@pytest.fixture(scope="module")
def seed():
    return dnn.seed_scenario()


def test_the_copy_kept_with_the_tests_is_the_notebook():
    if SEED.exists():
        copy = NOTEBOOK_OUTPUT.read_text(encoding="utf-8")
        assert copy.rstrip("\n") == printed_block()


def test_forward_matches_printed_values(seed):
    printed = printed_arrays()
    f = dnn.forward(seed.network, seed.x)
    # the notebook prints 8 significant digits
    np.testing.assert_allclose(f.u1, printed["総入力1"][0], atol=5e-9)
    np.testing.assert_allclose(f.z1, printed["中間層出力1"][0], atol=5e-9)
    np.testing.assert_allclose(f.u2, printed["総入力2"][0], atol=5e-9)
    np.testing.assert_allclose(f.y, printed["出力1"][0], atol=5e-9)
    np.testing.assert_allclose(f.y, [[0.08706577244027122, 0.9129342275597289]], rtol=1e-15)
    assert f.y.sum() == pytest.approx(1.0, abs=1e-15)


def test_gradients_match_printed_values(seed):
    printed = printed_arrays()
    g = dnn.backward(seed.network, seed.x, seed.d)
    np.testing.assert_allclose(g.delta2, printed["偏微分_dE/du2"][0], atol=5e-9)
    np.testing.assert_allclose(g.delta1, printed["偏微分_dE/du1"][0], atol=5e-9)
    np.testing.assert_allclose(g.W1, printed["偏微分_重み1"][0], atol=5e-9)
    np.testing.assert_allclose(g.W2, printed["偏微分_重み2"][0], atol=5e-9)
    np.testing.assert_allclose(g.b1, printed["偏微分_バイアス1"][0], atol=5e-9)
    np.testing.assert_allclose(g.b2, printed["偏微分_バイアス2"][0], atol=5e-9)
    # the student's note: a bias's gradient equals its layer's delta (one sample)
    np.testing.assert_array_equal(g.b1, g.delta1[0])
    np.testing.assert_array_equal(g.b2, g.delta2[0])


def test_updated_parameters_match_printed_values(seed):
    printed = printed_arrays()
    g = dnn.backward(seed.network, seed.x, seed.d)
    new = dnn.sgd_step(seed.network, g, seed.lr)
    for label, key in (("重み1", "W1"), ("重み2", "W2"), ("バイアス1", "b1"), ("バイアス2", "b2")):
        before, after = printed[label]
        np.testing.assert_allclose(getattr(seed.network, key), before, atol=5e-9)
        np.testing.assert_allclose(getattr(new, key), after, atol=5e-9)


def test_loss_before_and_after_one_step(seed):
    assert dnn.loss(seed.network, seed.x, seed.d) == pytest.approx(0.09109133135793131, rel=1e-15)
    new = dnn.sgd_step(seed.network, dnn.backward(seed.network, seed.x, seed.d), 0.01)
    assert dnn.loss(new, seed.x, seed.d) == pytest.approx(0.08710960847142761, rel=1e-15)
    # independent: the course's formula written out by hand, −log(y_target + 1e-7)
    u = np.array([1.86, 4.21])
    y = np.exp(u) / np.exp(u).sum()
    assert dnn.loss(seed.network, seed.x, seed.d) == pytest.approx(-np.log(y[1] + 1e-7), rel=1e-12)


def test_python_m_dnn_prints_the_notebook_output_line_by_line():
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "dnn"], cwd=root, capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert result.stdout.rstrip("\n").split("\n") == printed_block().split("\n")


def test_printout_of_another_scenario_changes_with_it(seed):
    other = seed.replace(x=[[2.0, 1.0]])
    text = dnn.notebook_printout(other)
    assert "[[0.5 1.2 1.9]]" in text  # u1 = [2, 1]·W1 + b1 = [0.4, 1.0, 1.6] + [0.1, 0.2, 0.3]
    assert text != dnn.notebook_printout(seed)
