"""The course notebook as the tests' reference: its printout parsed, and its step written again in plain numpy.

``tests/data/notebook_output.txt`` is the notebook's output as it ran (copied from the course's notebook, and the
only copy the tests read). Every number the tests take from the notebook comes from here, never typed in again and
never computed by ``dnn``. The notebook prints 8 significant digits (``PRINTED_ATOL``), and x, d and η are in its
code, not its output.

Σy (出力合計) is the one printed number that depends on the last bit of a BLAS result: the same machine prints 1.0
with one OpenBLAS kernel and 0.9999999999999999 with another (``OPENBLAS_CORETYPE=Zen``). Tests compare it to within
a few ulp (``assert_printout_matches``, ``sigma_y``), everything else exactly.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np

NOTEBOOK_OUTPUT = Path(__file__).with_name("data") / "notebook_output.txt"
PRINTED_ATOL = 5e-9  # half a unit in the 8th decimal
SUM_LABEL = "出力合計: "

# the notebook's inputs, from its code
X = np.array([[1.0, 5.0]])
D = np.array([[0.0, 1.0]])
LR = 0.01

# the printout's labels of the parameters and their gradients, by the course's names
PARAMS = {"W1": "重み1", "W2": "重み2", "b1": "バイアス1", "b2": "バイアス2"}


def printed_block() -> str:
    """The notebook's output, from its first printed line to its last."""
    text = "\n" + NOTEBOOK_OUTPUT.read_text(encoding="utf-8")
    start = text.index("\n##### ネットワークの初期化 #####\n") + 1
    return text[start:].rstrip("\n")


@functools.cache
def _arrays() -> dict[str, tuple[np.ndarray, ...]]:
    out: dict[str, list[np.ndarray]] = {}
    for label, body in re.findall(r"\*\*\* (.+?) \*\*\*\n(.*?)\n\n", printed_block() + "\n\n", re.S):
        numbers = [float(t) for t in re.findall(r"-?\d+\.\d*(?:e-?\d+)?", body)]
        shape = (body.count("[") - 1, -1) if body.startswith("[[") else (-1,)  # a matrix: one "[" per row + 1
        arr = np.array(numbers).reshape(shape)
        arr.setflags(write=False)
        out.setdefault(label, []).append(arr)
    return {label: tuple(arrays) for label, arrays in out.items()}


def printed(label: str, which: int = 0) -> np.ndarray:
    """The array printed under ``*** label ***`` (``which=1``: its second printing, the parameters after the step)."""
    return _arrays()[label][which]


def initial_parameters() -> dict[str, np.ndarray]:
    """W1, b1, W2, b2 as the notebook printed them before its step (exact: 0.1, 0.2, ...)."""
    return {name: printed(label) for name, label in PARAMS.items()}


def updated_parameters() -> dict[str, np.ndarray]:
    """W1, b1, W2, b2 as the notebook printed them after its step (8 digits)."""
    return {name: printed(label, 1) for name, label in PARAMS.items()}


def printed_gradients() -> dict[str, np.ndarray]:
    """偏微分 of W1, b1, W2, b2 and the deltas dE/du2, dE/du1, as printed (8 digits)."""
    grads = {name: printed("偏微分_" + label) for name, label in PARAMS.items()}
    return {**grads, "delta2": printed("偏微分_dE/du2"), "delta1": printed("偏微分_dE/du1")}


def notebook_numbers(
    W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, x: np.ndarray = X, d: np.ndarray = D
) -> dict[str, np.ndarray | float]:
    """The notebook's forward and backward pass (ReLU, softmax, cross-entropy, δ2 = y − d), in plain numpy."""
    u1 = x @ W1 + b1
    z1 = np.maximum(u1, 0)
    u2 = z1 @ W2 + b2
    e = np.exp(u2 - u2.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    delta2 = y - d
    delta1 = (delta2 @ W2.T) * (z1 > 0)
    loss = -np.sum(d * np.log(y + 1e-7)) / len(x)
    return {
        "u1": u1,
        "z1": z1,
        "u2": u2,
        "y": y,
        "delta2": delta2,
        "delta1": delta1,
        "W1": x.T @ delta1,
        "W2": z1.T @ delta2,
        "b1": delta1.sum(axis=0),
        "b2": delta2.sum(axis=0),
        "E": loss,
    }


def losses_by_hand() -> tuple[float, float]:
    """The loss before and after the notebook's one SGD step (it computes them but never prints them)."""
    start = initial_parameters()
    before = notebook_numbers(**start)
    after = notebook_numbers(**{k: v - LR * before[k] for k, v in start.items()})
    return float(before["E"]), float(after["E"])


def within_ulps(value: float, expected: float, ulps: int = 4) -> bool:
    """``value`` is ``expected`` up to a few units in the last place (what another BLAS kernel may change)."""
    return abs(value - expected) <= ulps * np.spacing(abs(expected))


def sigma_y(text: str) -> float:
    """The Σy a screen states ("Σy = 1.0"), as a number."""
    match = re.search(r"Σy = ([-+0-9.e]+)", text)
    assert match, f"no Σy in {text!r}"
    return float(match.group(1))


def assert_printout_matches(text: str) -> None:
    """``text`` is the notebook's output line by line, exactly, except that Σy (出力合計) may differ by a few ulp."""
    got, want = text.strip("\n").split("\n"), printed_block().split("\n")
    sums = [(g, w) for g, w in zip(got, want, strict=False) if w.startswith(SUM_LABEL) and g.startswith(SUM_LABEL)]
    assert len(sums) == 1, "the 出力合計 line is missing or moved"
    mask = [SUM_LABEL + "…" if line.startswith(SUM_LABEL) else line for line in got]
    assert mask == [SUM_LABEL + "…" if line.startswith(SUM_LABEL) else line for line in want]
    (g, w), n = sums[0], len(SUM_LABEL)
    assert within_ulps(float(g[n:]), float(w[n:])), f"{g} is not the notebook's {w}"
