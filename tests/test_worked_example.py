"""The worked example (Markdown) of one SGD step: the notebook's numbers, the course's terms, the reduction over N.

The expected numbers are the notebook's own printout (tests/data/notebook_output.txt, numpy's 8 decimals); the
notebook never prints its loss, so the two losses are computed by hand in plain numpy (tests/notebook.py).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import dnn
from tests import notebook
from ui.text.worked_example import num, worked_example_markdown

SEED = dnn.seed_scenario()

# The notebook's printout, as printed (vectors as one-row tables, as the document shows them).
_PRINTED_AS = {
    "u1": "総入力1",
    "z1": "中間層出力1",
    "u2": "総入力2",
    "y": "出力1",
    "delta2": "偏微分_dE/du2",
    "delta1": "偏微分_dE/du1",
    "dW1": "偏微分_重み1",
    "dW2": "偏微分_重み2",
    "db1": "偏微分_バイアス1",
    "db2": "偏微分_バイアス2",
}
NOTEBOOK: dict[str, np.ndarray] = {
    **{name: np.atleast_2d(notebook.printed(label)) for name, label in _PRINTED_AS.items()},
    **{name: np.atleast_2d(value) for name, value in notebook.updated_parameters().items()},
}
LOSS_BEFORE, LOSS_AFTER = (f"{loss:.8f}" for loss in notebook.losses_by_hand())  # the notebook's 8 decimals

# Where each quantity's table starts in the English document (the start of its bold label line).
LABELS_EN: dict[str, str] = {
    "u1": "**u1 = x·W1 + b1**",
    "z1": "**z1 = f(u1)**",
    "u2": "**u2 = z1·W2 + b2**",
    "y": "**y = softmax(u2)",
    "delta2": "**δ2 = dE/du2",
    "delta1": "**δ1 = dE/du1",
    "dW1": "**∂E/∂W1 = xᵀ·δ1**",
    "dW2": "**∂E/∂W2 = z1ᵀ·δ2**",
    "db1": "**∂E/∂b1",
    "db2": "**∂E/∂b2",
    "W1": "**Weight W1 after the step**",
    "W2": "**Weight W2 after the step**",
    "b1": "**Bias b1 after the step**",
    "b2": "**Bias b2 after the step**",
}
LABELS_JA: dict[str, str] = {
    **{k: v for k, v in LABELS_EN.items() if k not in ("W1", "W2", "b1", "b2")},
    "W1": "**更新後の重み W1**",
    "W2": "**更新後の重み W2**",
    "b1": "**更新後のバイアス b1**",
    "b2": "**更新後のバイアス b2**",
}


def table_after(md: str, label: str) -> tuple[list[str], list[str], np.ndarray]:
    """The Markdown table that follows the line starting with ``label``: (row names, column names, values)."""
    lines = md.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith(label)]
    assert len(starts) == 1, f"{label!r} starts {len(starts)} lines"
    i = starts[0] + 1
    while not lines[i].startswith("|"):
        assert not lines[i].strip(), f"no table right after {label!r}"
        i += 1
    header = [c.strip() for c in lines[i].strip("|").split("|")]
    assert re.fullmatch(r"\|---\|(---:\|)+", lines[i + 1])
    rows, values = [], []
    for line in lines[i + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append(cells[0])
        values.append([float(c) for c in cells[1:]])
    return rows, header[1:], np.array(values)


def bold_number(md: str, label: str) -> float:
    """The bold number on the line that starts with ``label``: "**Loss E** = … = **0.091091331**"."""
    line = next(line for line in md.splitlines() if line.startswith(label))
    return float(re.search(r"= \*\*([-0-9.e+]+)\*\*", line).group(1))


def by_hand(sc: dnn.Scenario) -> tuple[np.ndarray, np.ndarray]:
    """z1 and y of a ReLU/softmax scenario, computed here with plain numpy (not with dnn)."""
    net = sc.network
    z1 = np.maximum(sc.x @ net.W1 + net.b1, 0)
    u2 = z1 @ net.W2 + net.b2
    e = np.exp(u2 - u2.max(axis=1, keepdims=True))
    return z1, e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(("lang", "labels"), [("en", LABELS_EN), ("ja", LABELS_JA)])
@pytest.mark.parametrize("reduction", ["mean", "sum"])  # one sample: both are the notebook's numbers
def test_seed_has_the_notebooks_numbers(lang, labels, reduction):
    md = worked_example_markdown(SEED, reduction, lang)
    for name, expected in NOTEBOOK.items():
        _, _, values = table_after(md, labels[name])
        # The notebook prints 8 decimals; the document keeps 8 significant digits, so it rounds to the printout.
        np.testing.assert_array_equal(np.round(values, 8), expected, err_msg=name)
    # Literally there, as the notebook printed them (8 significant digits start with the same 8 decimals here).
    for text in ("0.08706577", "-0.02611973", "0.1002612", LOSS_BEFORE):
        assert text in md
    loss_label, after_label = (
        ("**Loss E**", "**Loss E after the step**") if lang == "en" else ("**誤差 E**", "**更新後の誤差 E**")
    )
    assert f"{bold_number(md, loss_label):.8f}" == LOSS_BEFORE
    assert f"{bold_number(md, after_label):.8f}" == LOSS_AFTER


def test_seed_tables_name_the_units_and_samples():
    md = worked_example_markdown(SEED, "mean", "en")
    assert table_after(md, "**Weight W1**")[:2] == (["x1", "x2"], ["h1", "h2", "h3"])
    assert table_after(md, "**Weight W2**")[:2] == (["h1", "h2", "h3"], ["y1", "y2"])
    assert table_after(md, "**Input x**")[:2] == (["sample 1"], ["x1", "x2"])
    assert table_after(md, "**Target d**")[:2] == (["sample 1"], ["y1", "y2"])
    # Σy of softmax, and the inputs η, x, d, in the notebook's order: parameters, data, forward, backprop, update.
    assert table_after(md, "**Σy**")[2].tolist() == [[1.0]]
    assert "**Learning rate η** = 0.01" in md
    order = ["**Weight W1**", "**Weight W2**", "**Bias b1**", "**Bias b2**", "**Input x**", "**Target d**",
             "**Learning rate η**", "**u1 =", "**z1 =", "**u2 =", "**y =", "**Loss E**", "**δ2 =", "**δ1 =",
             "**∂E/∂W1", "**∂E/∂W2", "**∂E/∂b1", "**∂E/∂b2", "**Weight W1 after", "**Loss E after"]  # fmt: skip
    positions = [md.index("\n" + label) for label in order]
    assert positions == sorted(positions)
    # One worked-out line per step, for sample 1 and the first unit.
    assert "sample 1, h1: u1 = 1 × 0.1 + 5 × 0.2 + 0.1 = 1.2" in md
    assert "x1, h1: W1 = 0.1 − 0.01 × (-0.026119732) = 0.1002612" in md


def test_japanese_uses_the_course_terms():
    md = worked_example_markdown(SEED, "mean", "ja")
    for t in ("重み", "バイアス", "総入力", "中間層出力", "出力", "偏微分", "学習率 η", "目標出力 d", "誤差 E"):
        assert t in md, t
    assert md.startswith("# Backprop Lab — 計算の手順")
    for heading in ("## 1. パラメータとデータ", "## 2. 順伝播", "## 3. 誤差逆伝播", "## 4. 更新", "## 5. 更新後の誤差"):
        assert "\n" + heading in md
    assert "サンプル1" in md
    # No English sentence or label left behind.
    for word in ("Weight", "Bias", "sample", "Loss", "Forward", "notebook", " the "):
        assert word not in md, word


def test_two_samples_divide_by_n_in_mean_mode_only():
    sc = SEED.replace(x=np.array([[1.0, 5.0], [2.0, -1.0]]), d=np.array([[0.0, 1.0], [1.0, 0.0]]))
    z1, y = by_hand(sc)
    mean, total = (worked_example_markdown(sc, r, "en") for r in ("mean", "sum"))

    _, _, delta2_mean = table_after(mean, "**δ2 = dE/du2 = (y − d) / N**")
    _, _, delta2_sum = table_after(total, "**δ2 = dE_sum/du2 = y − d**")  # E_sum = Σₙ Eₙ
    np.testing.assert_allclose(delta2_mean, (y - sc.d) / 2, rtol=1e-7)
    np.testing.assert_allclose(delta2_sum, y - sc.d, rtol=1e-7)
    np.testing.assert_allclose(table_after(mean, "**∂E/∂W2")[2], z1.T @ (y - sc.d) / 2, rtol=1e-7)
    np.testing.assert_allclose(table_after(total, "**∂E_sum/∂W2")[2], z1.T @ (y - sc.d), rtol=1e-7)
    np.testing.assert_allclose(table_after(mean, "**∂E/∂b2")[2], [np.sum(y - sc.d, axis=0) / 2], rtol=1e-7)
    np.testing.assert_allclose(table_after(total, "**∂E_sum/∂b2")[2], [np.sum(y - sc.d, axis=0)], rtol=1e-7)
    assert "sample 1, y1: δ2 = (" in mean and " / 2 = " in mean
    assert " / 2 = " not in total
    assert "N = 2 times the gradient of the mean loss" in total
    # The loss is the mean in both modes; the step (and so the loss after it) differs.
    e = -np.mean(np.sum(sc.d * np.log(y + 1e-7), axis=1))
    assert bold_number(mean, "**Loss E**") == bold_number(total, "**Loss E**") == float(num(e))
    assert bold_number(mean, "**Loss E after the step**") != bold_number(total, "**Loss E after the step**")
    assert table_after(mean, "**Input x**")[0] == ["sample 1", "sample 2"]


@pytest.mark.parametrize("hidden", dnn.HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("output", dnn.OUTPUTS)
def test_every_network_kind_is_worked_out(hidden, output):
    net = dnn.random_network(3, 4, 2, seed=1, hidden=hidden, output=output)
    d = np.array([[1.0, 0.0]]) if output != "identity" else np.array([[0.5, -2.0]])
    sc = dnn.Scenario(network=net, x=np.array([[0.5, -1.0, 2.0]]), d=d)
    for lang in ("en", "ja"):
        md = worked_example_markdown(sc, "mean", lang)
        assert "nan" not in md and "inf" not in md
        if lang == "ja":
            for word in ("Weight", "Bias", "sample", "Loss", "notebook", " the ", " of "):
                assert word not in md, (word, hidden, output)
        assert ("Σy" in md) == (output == "softmax")
        # The updated parameters are what dnn's SGD step gives.
        new = dnn.sgd_step(net, dnn.backward(net, sc.x, sc.d), sc.lr)
        label = "**Weight W1 after the step**" if lang == "en" else "**更新後の重み W1**"
        np.testing.assert_allclose(table_after(md, label)[2], new.W1, rtol=1e-7)


def test_large_scenario_shortens_long_sums_but_keeps_every_row():
    net = dnn.random_network(2, 3, 2, seed=0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 2))
    sc = dnn.Scenario(network=net, x=x, d=np.eye(2)[rng.integers(0, 2, 10)])
    md = worked_example_markdown(sc, "mean", "en")
    assert len(table_after(md, "**u1 = x·W1 + b1**")[0]) == 10
    line = next(line for line in md.splitlines() if line.startswith("x1, h1: ∂E/∂W1 ="))
    assert "…" in line and line.count("×") == 5  # 4 terms, "…", the last term


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction"):
        worked_example_markdown(SEED, "median", "en")
