"""Explanations with the current numbers filled in, in English and Japanese, for the Forward and Backprop screens.

Each function takes the numbers (network, forward pass, gradients) and ``lang`` and returns ``Block``s: markdown,
LaTeX, a small table or metrics. ``show`` draws a list of blocks with Streamlit; everything else here is plain
Python, so tests can check the texts and numbers without running a page.

The four questions answered here are the ones the notebook's student wrote as 【コメント】 beside the code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

import dnn

from .heatmaps import MAX_SAMPLE_ROWS, num, unit_names
from .i18n import pick

MAX_TEX_ROWS = 4  # rows of a matrix written out in a formula; the rest is "⋮"
MAX_TEX_COLS = 8
CHAR_PX = 10.5  # rough width of one character of a formula (KaTeX in Streamlit)
COL_GAP_PX = 20
SGD_COLS = 6  # columns written out in the update formulas (before and after use 7 digits)
LINE_PX = 820  # width a formula may take before it is broken into lines (the main column at 1366 px)
BlockKind = Literal["markdown", "latex", "table", "caption", "metrics", "success", "info", "warning", "error"]


@dataclass(frozen=True)
class Metric:
    """One number shown with ``st.metric``: label, value and an optional change."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: Literal["normal", "inverse", "off"] = "normal"


@dataclass(frozen=True)
class Block:
    """One piece of an explanation: ``kind`` says how it is drawn; ``body`` is text, a DataFrame or metrics."""

    kind: BlockKind
    body: str | pd.DataFrame | tuple[Metric, ...]


def show(blocks: Sequence[Block]) -> None:
    """Draw ``blocks`` in order with Streamlit."""
    import streamlit as st  # here so that the rest of the module needs no Streamlit

    for b in blocks:
        if b.kind == "latex":
            st.latex(b.body)
        elif b.kind == "table":
            st.table(b.body)
        elif b.kind == "metrics":
            cols = st.columns(len(b.body))
            for col, m in zip(cols, b.body, strict=True):
                col.metric(m.label, m.value, m.delta, help=m.help, delta_color=m.delta_color)
        else:
            getattr(st, b.kind)(b.body)


def notebook_printout_toggle(sc: dnn.Scenario, key: str, lang: str) -> None:
    """A toggle that shows what the notebook prints for ``sc``, in its own format (its summed gradients)."""
    import streamlit as st

    if st.toggle(pick(lang, "Show the notebook's printout", "ノートブックの出力を表示"), key=key):
        st.caption(
            pick(
                lang,
                "What the notebook prints for this scenario, in its format (its summed gradients).",
                "このシナリオでノートブックが表示する内容(ノートブックの形式、合計の勾配)。",
            )
        )
        st.code(dnn.notebook_printout(sc, reduction="sum"), language=None)


# ---------------------------------------------------------------- numbers in formulas


def tex_num(v: float, digits: int = 4) -> str:
    """A number for LaTeX: ``num`` with exponents written as ×10ⁿ ("1e-05" → "1\\times10^{-5}")."""
    s = num(v, digits)
    m = re.fullmatch(r"(-?[\d.]+)e(-?)(\d+)", s)
    if m:
        mant, sign, exp = m.groups()
        return f"{mant}\\times10^{{{sign}{exp}}}"
    return s


def tex_matrix(a: np.ndarray, digits: int = 4, max_rows: int = MAX_TEX_ROWS, max_cols: int = MAX_TEX_COLS) -> str:
    """A vector or matrix as a LaTeX bmatrix with its numbers; rows/columns past the limits become ⋮ / ⋯."""
    return mat(a, digits, max_rows, max_cols).tex


@dataclass(frozen=True)
class Tex:
    """A piece of a LaTeX formula with a rough width in px, so that long formulas can be broken into lines."""

    tex: str
    px: float

    def __add__(self, other: Tex) -> Tex:
        return Tex(f"{self.tex} {other.tex}", self.px + other.px)


def sym(tex: str, chars: float) -> Tex:
    """A short symbolic piece ("= ", r"\frac{∂E}{∂W_1}") about ``chars`` characters wide."""
    return Tex(tex, CHAR_PX * chars)


def mat(
    a: np.ndarray,
    digits: int = 4,
    max_rows: int = MAX_TEX_ROWS,
    max_cols: int = MAX_TEX_COLS,
    name: str | None = None,
) -> Tex:
    """A matrix as a bmatrix ``Tex`` (⋮ / ⋯ past the limits), with its ``name`` written under it if given."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    r, c = a.shape
    cells = [[tex_num(v, digits) for v in a[i, :max_cols]] for i in range(min(r, max_rows))]
    rows = [" & ".join(row + ([r"\cdots"] if c > max_cols else [])) for row in cells]
    if r > max_rows:
        rows.append(" & ".join([r"\vdots"] * (min(c, max_cols) + (c > max_cols))))
    tex = r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"
    # Width: each column as wide as its longest number (in digits and signs), plus the column gap.
    widths = [max(len(row[j].replace("\\times10^{", "e")) for row in cells) for j in range(len(cells[0]))]
    px = sum(w * CHAR_PX + COL_GAP_PX for w in widths) + (30 if c > max_cols else 0) + 16
    if name is not None:
        tex = rf"\underbrace{{{tex}}}_{{{name}}}"
    return Tex(tex, px)


def equation(lhs: Tex, terms: Sequence[Tex], limit: float = LINE_PX) -> str:
    """``lhs`` followed by ``terms`` (each starting with =, + or −), on one line if it fits in ``limit`` px, else
    broken before the terms that would not fit, with the relations aligned."""
    lines: list[list[Tex]] = [[]]
    width = lhs.px
    for term in terms:
        if lines[-1] and width + term.px > limit:
            lines.append([])
            width = lhs.px
        lines[-1].append(term)
        width += term.px
    if len(lines) == 1:
        return " ".join([lhs.tex, *(t.tex for t in lines[0])])
    body = [lhs.tex + " &" + " ".join(t.tex for t in lines[0])]
    for line in lines[1:]:
        # A line that continues a sum or product is indented; one that starts with "=" is aligned with the first.
        indent = "" if line[0].tex.lstrip().startswith("=") else r"\quad "
        body.append("&" + indent + " ".join(t.tex for t in line))
    return r"\begin{aligned}" + r" \\ ".join(body) + r"\end{aligned}"


def _vec_text(v: np.ndarray, digits: int = 4) -> str:
    """A vector as plain text: [0.08707, -0.08707]."""
    return "[" + ", ".join(num(x, digits) for x in np.ravel(v)) + "]"


def _table(rows: dict[str, np.ndarray], columns: Sequence[str], digits: int = 8) -> pd.DataFrame:
    """A small table of vectors (one per row), numbers as text so they show exactly as written."""
    return pd.DataFrame(
        [[num(v, digits) for v in np.ravel(vec)] for vec in rows.values()], index=list(rows), columns=list(columns)
    )


# ---------------------------------------------------------------- the forward pass


@dataclass(frozen=True)
class Step:
    """One step of the forward pass: a title, the formula, the formula with the numbers, and notes (markdown)."""

    title: str
    formula: str
    numbers: str
    notes: tuple[str, ...] = field(default_factory=tuple)


HIDDEN_TEX: dict[str, str] = {
    "relu": r"z_1 = \mathrm{ReLU}(u_1) = \max(0,\, u_1)",
    "sigmoid": r"z_1 = \sigma(u_1) = \frac{1}{1 + e^{-u_1}}",
    "tanh": r"z_1 = \tanh(u_1)",
    "identity": r"z_1 = u_1",
}
OUTPUT_TEX: dict[str, str] = {
    "softmax": r"y_k = \mathrm{softmax}(u_2)_k = \frac{e^{u_{2,k}}}{\sum_j e^{u_{2,j}}}",
    "sigmoid": r"y = \sigma(u_2) = \frac{1}{1 + e^{-u_2}}",
    "identity": r"y = u_2",
}
LOSS_TEX: dict[str, str] = {
    "softmax": r"E = -\frac{1}{N}\sum_{n}\sum_{k} d_{nk}\,\log\left(y_{nk} + 10^{-7}\right)",
    "sigmoid": r"E = -\frac{1}{N}\sum_{n}\sum_{k}\left[d_{nk}\log y_{nk} + (1 - d_{nk})\log(1 - y_{nk})\right]",
    "identity": r"E = \frac{1}{N}\sum_{n}\frac{1}{2}\sum_{k}\left(y_{nk} - d_{nk}\right)^2",
}
LOSS_NAMES: dict[str, tuple[str, str]] = {
    "softmax": ("cross-entropy", "交差エントロピー誤差"),
    "sigmoid": ("binary cross-entropy", "2 値交差エントロピー誤差"),
    "identity": ("squared error", "二乗誤差"),
}


def rows_note(n: int, lang: str) -> str:
    """Why a formula shows only some samples (empty when it shows them all)."""
    if n <= MAX_TEX_ROWS:
        return ""
    return pick(
        lang,
        f"Formulas show the first {MAX_TEX_ROWS} of the {n} samples (one per row); every value is in the tables below.",
        f"式には {n} 個のサンプル(1 行に 1 個)のうち最初の {MAX_TEX_ROWS} 個を表示しています。"
        "すべての値は下の表にあります。",
    )


def _loss_numbers(net: dnn.Network, y: np.ndarray, d: np.ndarray, e: float) -> str:
    """The loss formula with the numbers of one sample written out, or the per-sample losses averaged."""
    if len(y) == 1 and y.shape[1] <= 4:
        terms = []
        for k in range(y.shape[1]):
            yk, dk = tex_num(y[0, k]), tex_num(d[0, k])
            if net.output == "softmax":
                terms.append(Tex(rf"{dk}\cdot\log({yk} + 10^{{-7}})", CHAR_PX * (len(yk) + len(dk) + 12)))
            elif net.output == "sigmoid":
                terms.append(
                    Tex(rf"\left[{dk}\log {yk} + (1 - {dk})\log(1 - {yk})\right]", CHAR_PX * (2 * len(yk + dk) + 20))
                )
            else:
                terms.append(Tex(rf"({yk} - {dk})^2", CHAR_PX * (len(yk) + len(dk) + 6)))
        pre = sym(r"= \tfrac{1}{2}\bigl(" if net.output == "identity" else r"= -\bigl(", 4)
        pieces = [pre + terms[0], *(sym("+", 1) + t for t in terms[1:])]
        pieces[-1] = pieces[-1] + sym(r"\bigr)", 1)
        return equation(sym("E", 1), [*pieces, sym("=", 1) + sym(tex_num(e, 6), 8)])
    per = dnn.sample_losses(net, y, d)
    shown = " + ".join(tex_num(v) for v in per[:MAX_TEX_ROWS]) + (r" + \cdots" if len(per) > MAX_TEX_ROWS else "")
    return rf"E = \frac{{1}}{{{len(per)}}}\left({shown}\right) = {tex_num(e, 6)}"


def forward_steps(net: dnn.Network, x: np.ndarray, d: np.ndarray, fwd: dnn.Forward, lang: str) -> list[Step]:
    """The forward pass in the notebook's order, u1 → z1 → u2 → y → E, each with its formula and numbers."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    n = len(x)
    e = dnn.loss(net, x, d)
    steps = [
        Step(
            pick(lang, "1. Total input of the hidden layer u1", "1. 中間層の総入力 u1(総入力1)"),
            r"u_1 = x \cdot W_1 + b_1",
            equation(
                sym("u_1", 2),
                [
                    sym("=", 1) + mat(x, name="x"),
                    sym(r"\cdot", 1) + mat(net.W1, name="W_1"),
                    sym("+", 1) + mat(net.b1, name="b_1"),
                    sym("=", 1) + mat(fwd.u1),
                ],
            ),
            (
                pick(
                    lang,
                    "Each column of the weight W1 belongs to one hidden unit (h1, h2, …); each row of x is one sample.",
                    "重み W1 の各列が中間層の各ユニット(h1, h2, …)に、x の各行が各サンプルに対応します。",
                ),
            ),
        ),
        Step(
            pick(lang, f"2. Hidden output z1 = f(u1), f = {net.hidden}", f"2. 中間層出力 z1 = f(u1)(f = {net.hidden})"),
            HIDDEN_TEX[net.hidden],
            "z_1 = " + tex_matrix(fwd.z1),
            _hidden_notes(net, fwd, lang),
        ),
        Step(
            pick(lang, "3. Total input of the output layer u2", "3. 出力層の総入力 u2(総入力2)"),
            r"u_2 = z_1 \cdot W_2 + b_2",
            equation(
                sym("u_2", 2),
                [
                    sym("=", 1) + mat(fwd.z1, name="z_1"),
                    sym(r"\cdot", 1) + mat(net.W2, name="W_2"),
                    sym("+", 1) + mat(net.b2, name="b_2"),
                    sym("=", 1) + mat(fwd.u2),
                ],
            ),
        ),
        Step(
            pick(lang, f"4. Output y ({net.output})", f"4. 出力 y({net.output})"),
            OUTPUT_TEX[net.output],
            "y = " + tex_matrix(fwd.y),
            _output_notes(net, fwd, lang),
        ),
        Step(
            pick(
                lang,
                f"5. Loss E ({LOSS_NAMES[net.output][0]}) against the target d",
                f"5. 誤差 E({LOSS_NAMES[net.output][1]}): 目標出力 d との比較",
            ),
            LOSS_TEX[net.output] + r",\qquad d = " + tex_matrix(d),
            _loss_numbers(net, fwd.y, d, e),
            (
                pick(
                    lang,
                    f"The notebook computes this loss (`loss = functions.cross_entropy_error(d, y)`) but never prints "
                    f"it: E = **{num(e, 10)}**." + (f" It is the mean of the {n} samples' losses." if n > 1 else ""),
                    f"ノートブックはこの誤差を計算していますが(`loss = functions.cross_entropy_error(d, y)`)、"
                    f"表示していません: E = **{num(e, 10)}**。"
                    + (f"{n} 個のサンプルの誤差の平均です。" if n > 1 else ""),
                ),
            ),
        ),
    ]
    return steps


def _hidden_notes(net: dnn.Network, fwd: dnn.Forward, lang: str) -> tuple[str, ...]:
    if net.hidden != "relu":
        return ()
    off = int(np.sum(fwd.u1 <= 0))
    if off == 0:
        return (
            pick(
                lang,
                "Every total input u1 is positive, so ReLU passes it unchanged: z1 = u1 (as in the notebook).",
                "総入力 u1 がすべて正なので、ReLU はそのまま通します: z1 = u1(ノートブックと同じ)。",
            ),
        )
    return (
        pick(
            lang,
            f"{off} total input(s) u1 ≤ 0 become 0: ReLU switches those units off for that sample.",
            f"u1 ≤ 0 の総入力 {off} 個は 0 になります: そのサンプルではそのユニットが止まります。",
        ),
    )


def _output_notes(net: dnn.Network, fwd: dnn.Forward, lang: str) -> tuple[str, ...]:
    if net.output != "softmax":
        return ()
    sums = np.sum(fwd.y, axis=1)
    return (
        pick(
            lang,
            f"Σy = {sums[0]!s} (the notebook's 出力合計): softmax outputs are probabilities, so every sample's y adds "
            f"up to 1 (largest deviation over the samples: {num(float(np.max(np.abs(sums - 1))), 2)}).",
            f"Σy = {sums[0]!s}(ノートブックの「出力合計」): softmax の出力は確率なので、どのサンプルでも y の合計は 1 "
            f"です(全サンプルでの 1 からの最大のずれ: {num(float(np.max(np.abs(sums - 1))), 2)})。",
        ),
    )


def forward_tables(fwd: dnn.Forward) -> dict[str, pd.DataFrame]:
    """Every value of the forward pass as a table per quantity, one row per sample (#1, #2, …)."""
    n = len(fwd.u1)
    index = [f"#{i + 1}" for i in range(n)]
    return {
        "u1": pd.DataFrame(fwd.u1, index=index, columns=unit_names("h", fwd.u1.shape[1])),
        "z1": pd.DataFrame(fwd.z1, index=index, columns=unit_names("h", fwd.z1.shape[1])),
        "u2": pd.DataFrame(fwd.u2, index=index, columns=unit_names("y", fwd.u2.shape[1])),
        "y": pd.DataFrame(fwd.y, index=index, columns=unit_names("y", fwd.y.shape[1])),
    }


# ---------------------------------------------------------------- reduction and dead units


def reduction_note(reduction: str, n: int, lang: str) -> str:
    """Which gradient the screen shows: of the mean loss (δ2 = (y − d)/N) or the notebook's sum (δ2 = y − d)."""
    if reduction == "mean":
        text = pick(
            lang,
            f"Gradients of the **mean** loss over the N = {n} sample(s): δ2 = (y − d) / N.",
            f"N = {n} 個のサンプルの**平均**誤差の勾配を表示しています: δ2 = (y − d) / N。",
        )
    else:
        text = pick(
            lang,
            f"The notebook's **summed** gradients over the N = {n} sample(s): δ2 = y − d (not divided by N).",
            f"ノートブックと同じ**合計**の勾配を表示しています(N = {n}): δ2 = y − d(N で割らない)。",
        )
    if n == 1:
        text += pick(
            lang, " With one sample, mean and sum are the same.", "サンプルが 1 個なので、平均と合計は同じです。"
        )
    return text + pick(lang, " Change it in the sidebar.", "サイドバーで切り替えられます。")


def dead_unit_warning(units: Sequence[int], lang: str) -> str:
    """The warning naming dead ReLU units (h2, h3, …) and what it means for their gradients."""
    names = ", ".join(f"h{j + 1}" for j in units)
    return pick(
        lang,
        f"Dead ReLU unit{'s' if len(units) > 1 else ''}: **{names}**. The total input u ≤ 0 for every sample, so "
        "ReLU outputs z = 0 and its derivative f′(u) = 0: δ1, ∂E/∂b1 and the column of ∂E/∂W1 of "
        f"{names} are exactly 0, and so is the row of ∂E/∂W2 (its input z is 0). Gradient descent cannot bring "
        "it back with these samples.",
        f"死んだ ReLU ユニット: **{names}**。どのサンプルでも総入力 u ≤ 0 なので、"
        "ReLU の出力 z = 0、微分 f′(u) = 0 です。"
        f"{names} の δ1・∂E/∂b1・∂E/∂W1 の列はちょうど 0、∂E/∂W2 の行も 0(入力 z が 0)になり、"
        "このサンプルでは勾配降下法で生き返りません。",
    )


# ---------------------------------------------------------------- question 1: why y − d for softmax


def q1_title(lang: str) -> str:
    """The first question in the student's own words."""
    return pick(
        lang,
        "「なんでsoftmaxじゃない?」 (“Why not softmax?”) — why δ2 = y − d is right for softmax + cross-entropy",
        "「なんでsoftmaxじゃない?」 — softmax + 交差エントロピーでも δ2 = y − d でよい理由",
    )


DE_DY = sym(r"\frac{\partial E}{\partial y}", 3)
DY_DU = sym(r"\frac{\partial y}{\partial u_2}", 3)
DE_DU = sym(r"\frac{\partial E}{\partial u_2}", 3)


def q1_blocks(net: dnn.Network, fwd: dnn.Forward, d: np.ndarray, reduction: str, lang: str) -> list[Block]:
    """Question 1 answered with the numbers of sample #1: the chain through the output's Jacobian equals y − d."""
    d = np.atleast_2d(d)
    y0, d0 = fwd.y[0], d[0]
    dE_dy, J, chain = dnn.output_chain(net.output, y0, d0)
    shortcut = y0 - d0
    cols = unit_names("y", len(y0))
    n = len(d)
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "The notebook writes `delta2 = functions.d_sigmoid_with_loss(d, y)`. The name says *sigmoid*, but the "
                "function just returns **y − d**, and y − d is also the output delta of **softmax + cross-entropy** "
                "(and of identity + squared error): in each pair the output's derivative cancels against the loss's. "
                "Here is the long way through the chain rule, ∂E/∂u2 = ∂E/∂y · ∂y/∂u2, with the current numbers"
                + (" (sample #1)" if n > 1 else "")
                + ":",
                "ノートブックは `delta2 = functions.d_sigmoid_with_loss(d, y)` と書いています。"
                "名前は *sigmoid* ですが、中身は **y − d** を返すだけで、y − d は **softmax + 交差エントロピー**"
                "(と恒等関数 + 二乗誤差)の出力層のデルタでもあります。"
                "どの組でも、出力の微分と誤差の微分が打ち消し合うからです。"
                "連鎖律 ∂E/∂u2 = ∂E/∂y · ∂y/∂u2 で遠回りして計算すると、いまの数値で"
                + ("(サンプル #1)" if n > 1 else "")
                + ":",
            ),
        )
    ]
    if net.output == "softmax":
        blocks += [
            Block("latex", equation(DE_DY, [sym(r"= -\frac{d}{y}", 4), sym("=", 1) + mat(dE_dy)])),
            Block(
                "latex",
                equation(DY_DU, [sym(r"= \mathrm{diag}(y) - y^\top y", 11), sym("=", 1) + mat(J, max_rows=8)]),
            ),
            Block(
                "latex",
                equation(
                    DE_DU,
                    [
                        sym(r"= \frac{\partial E}{\partial y}\,\frac{\partial y}{\partial u_2}", 5),
                        sym("=", 1) + mat(chain),
                    ],
                ),
            ),
            Block("latex", equation(sym("y - d", 5), [sym("=", 1) + mat(shortcut)])),
            Block(
                "markdown",
                pick(
                    lang,
                    "Why they are equal (the target adds up to 1, Σₖ dₖ = 1):",
                    "等しくなる理由(目標出力の合計は 1、Σₖ dₖ = 1):",
                ),
            ),
            Block(
                "latex",
                r"\frac{\partial E}{\partial u_j} = \sum_k \Bigl(-\frac{d_k}{y_k}\Bigr)\, y_k\bigl([k = j] - y_j\bigr)"
                r" = -d_j + y_j \sum_k d_k = y_j - d_j",
            ),
        ]
    elif net.output == "sigmoid":
        blocks += [
            Block("latex", equation(DE_DY, [sym(r"= -\frac{d}{y} + \frac{1-d}{1-y}", 9), sym("=", 1) + mat(dE_dy)])),
            Block("latex", equation(DY_DU, [sym("= y(1-y) =", 6) + mat(np.diag(J))])),
            Block(
                "latex",
                equation(
                    DE_DU,
                    [
                        sym(r"= \frac{\partial E}{\partial y} \odot \frac{\partial y}{\partial u_2}", 5),
                        sym("=", 1) + mat(chain),
                    ],
                ),
            ),
            Block("latex", equation(sym("y - d", 5), [sym("=", 1) + mat(shortcut)])),
        ]
    else:
        blocks += [
            Block("latex", equation(DE_DY, [sym("= y - d =", 6) + mat(dE_dy)])),
            Block("latex", r"\frac{\partial y}{\partial u_2} = 1"),
            Block("latex", equation(DE_DU, [sym("=", 1) + mat(chain)])),
        ]
    blocks.append(
        Block(
            "table",
            _table(
                {
                    pick(lang, "long way ∂E/∂y · ∂y/∂u2", "遠回り ∂E/∂y · ∂y/∂u2"): chain,
                    pick(lang, "shortcut y − d", "近道 y − d"): shortcut,
                    pick(lang, "difference (rounding)", "差(丸め誤差)"): chain - shortcut,
                },
                cols,
            ),
        )
    )
    if not np.all(np.isfinite(chain)) and np.all(np.isfinite(y0)):  # (a y that is not finite: the screen says so)
        blocks.append(
            Block(
                "warning",
                pick(
                    lang,
                    "Here the long way breaks down: an output y is so close to 0 or 1 that ∂E/∂y overflows. The "
                    "shortcut y − d never does — one more reason to use it.",
                    "ここでは遠回りの計算が破綻しています: 出力 y が 0 や 1 に近すぎて ∂E/∂y があふれます。"
                    "近道 y − d はあふれません。近道を使うもう一つの理由です。",
                ),
            )
        )
    others = {
        "softmax": pick(
            lang,
            "The same shortcut holds for sigmoid + binary cross-entropy and identity + squared error: δ2 = y − d.",
            "sigmoid + 2 値交差エントロピー、恒等関数 + 二乗誤差でも同じく δ2 = y − d です。",
        ),
        "sigmoid": pick(
            lang,
            "The same shortcut holds for softmax + cross-entropy and identity + squared error: δ2 = y − d.",
            "softmax + 交差エントロピー、恒等関数 + 二乗誤差でも同じく δ2 = y − d です。",
        ),
        "identity": pick(
            lang,
            "The same shortcut holds for softmax + cross-entropy and sigmoid + binary cross-entropy: δ2 = y − d.",
            "softmax + 交差エントロピー、sigmoid + 2 値交差エントロピーでも同じく δ2 = y − d です。",
        ),
    }[net.output]
    if n > 1 and reduction == "mean":
        others += pick(
            lang,
            f" The δ2 on this screen is divided by N = {n} (gradient of the mean loss).",
            f"この画面の δ2 は N = {n} で割ってあります(平均誤差の勾配)。",
        )
    blocks.append(Block("caption", others))
    return blocks


# ---------------------------------------------------------------- question 2: why the bias gradient sums


DEMO_X = (2.0, -1.0)  # the second sample added when the scenario has only one


def demo_batch(net: dnn.Network, x: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """At least two samples for showing the sum over the batch axis: the scenario's own if it has two or more,
    else its sample plus x = [2, −1, …] with the other class as the target (identity output: the first target
    swapped). Returns (x, d, added)."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    if len(x) >= 2:
        return x, d, False
    x2 = np.resize(np.array(DEMO_X), net.n_in)
    if net.output == "softmax":
        d2 = np.zeros(net.n_out)
        d2[(int(np.argmax(d[0])) + 1) % net.n_out] = 1.0
    elif net.output == "sigmoid":
        d2 = 1.0 - d[0]  # the opposite target: for 0/1 targets, the other class
    else:
        d2 = d[0][::-1].copy()  # identity: the first target with its outputs swapped
    return np.vstack([x, x2]), np.vstack([d, d2]), True


def q2_title(lang: str) -> str:
    """The second question in the student's own words."""
    return pick(
        lang,
        "「なんでSUMを取っている?」 (“Why take the SUM?”) — the bias gradient sums δ over the samples (axis 0)",
        "「なんでSUMを取っている?」 — バイアスの偏微分はサンプル方向(axis 0)に δ を足し合わせる",
    )


def q2_blocks(net: dnn.Network, x: np.ndarray, d: np.ndarray, reduction: str, lang: str) -> list[Block]:
    """Question 2: each sample's δ2 row, their sum over axis 0 and the mean, for two or more samples."""
    bx, bd, added = demo_batch(net, x, d)
    n = len(bx)
    per_sample = dnn.backward(net, bx, bd, reduction="sum").delta2  # row n = y_n − d_n, sample n's own δ2
    total = np.sum(per_sample, axis=0)
    shown = min(n, MAX_SAMPLE_ROWS)
    rows: dict[str, np.ndarray] = {}
    for i in range(shown):
        label = f"#{i + 1} δ2: x = {_vec_text(bx[i])}, d = {_vec_text(bd[i])}"
        if added and i == 1:
            label += pick(lang, " — added for this demo", " — 説明用に追加")  # no "](": st.table reads markdown
        rows[label] = per_sample[i]
    in_use = pick(lang, " ← in use", " ← 使用中")
    sum_label = pick(lang, "sum over axis 0 = ∂E/∂b2 (sum)", "axis 0 の合計 = ∂E/∂b2(合計)")
    mean_label = pick(lang, f"÷ N = {n} → ∂E/∂b2 (mean)", f"÷ N = {n} → ∂E/∂b2(平均)")
    rows[sum_label + (in_use if reduction == "sum" else "")] = total
    rows[mean_label + (in_use if reduction == "mean" else "")] = total / n
    intro = pick(
        lang,
        "`delta2` has one row per sample (shape N × outputs); the bias b2 has one value per output. Every sample "
        "pushes on the same b2, so its gradient adds the rows up: `np.sum(delta2, axis=0)` sums over axis 0, the "
        "batch axis. **With one sample** the sum changes nothing but the shape — (1, outputs) becomes (outputs,), "
        "the shape of b2 — so, as the comment says, it equals δ2. **With several samples** it adds their "
        "contributions:",
        "`delta2` はサンプルごとに 1 行(形は N × 出力数)、バイアス b2 は出力ごとに 1 個の値です。"
        "どのサンプルも同じ b2 を動かそうとするので、その偏微分は行を足し合わせたもの: "
        "`np.sum(delta2, axis=0)` は axis 0(バッチ方向)の合計です。"
        "**サンプルが 1 個なら**合計しても形が (1, 出力数) から b2 と同じ (出力数,) に変わるだけで、"
        "コメントのとおり δ2 と同じ値です。**サンプルが複数なら**各サンプルの寄与を足し合わせます:",
    )
    blocks = [Block("markdown", intro)]
    if added:
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"The scenario has one sample, so a second one (x = {_vec_text(bx[1])}, d = {_vec_text(bd[1])}) "
                    "is added here for the demonstration only.",
                    f"シナリオのサンプルが 1 個なので、説明のためだけに 2 個目(x = {_vec_text(bx[1])}、"
                    f"d = {_vec_text(bd[1])})を加えています。",
                ),
            )
        )
    blocks.append(Block("table", _table(rows, unit_names("y", net.n_out))))
    if shown < n:
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"First {shown} of {n} samples listed; the sum is over all {n}.",
                    f"{n} 個のうち最初の {shown} 個を表示。合計は {n} 個すべてについてです。",
                ),
            )
        )
    blocks.append(
        Block(
            "caption",
            pick(
                lang,
                "The same happens for ∂E/∂b1 = Σ δ1 and inside the matrix products ∂E/∂W2 = z1ᵀ·δ2, ∂E/∂W1 = xᵀ·δ1, "
                "which also sum over the samples. Mean or sum: the loss E is the mean over the samples, so its exact "
                "gradient is the mean (sum ÷ N); the notebook's `d_sigmoid_with_loss` does not divide, so its "
                "gradients are the sum, N times larger (a larger effective learning rate).",
                "∂E/∂b1 = Σ δ1 も同じで、行列積 ∂E/∂W2 = z1ᵀ·δ2、∂E/∂W1 = xᵀ·δ1 の中でも"
                "サンプルについて足し合わされます。"
                "平均か合計か: 誤差 E はサンプルの平均なので、そのちょうどの勾配は平均(合計 ÷ N)です。ノートブックの "
                "`d_sigmoid_with_loss` は N で割らないので勾配は合計、N 倍の大きさ(実質的に学習率が大きい)になります。",
            ),
        )
    )
    return blocks


# ---------------------------------------------------------------- question 3: the factors of δ1


def q3_title(lang: str) -> str:
    """The third note in the student's own words."""
    return pick(
        lang,
        "「du2/dz=W2, dz/du1=reluの微分」 (“du2/dz = W2, dz/du1 = ReLU's derivative”) — the chain rule in δ1",
        "「du2/dz=W2, dz/du1=reluの微分」 — δ1 の連鎖律の各因子",
    )


def q3_blocks(net: dnn.Network, fwd: dnn.Forward, g: dnn.Gradients, lang: str) -> list[Block]:
    """Question 3: δ1 = (δ2·W2ᵀ) ⊙ f′(u1) with each factor's numbers, and d_relu(z1) versus f′(u1)."""
    n = len(fwd.u1)
    which = pick(lang, " (sample #1)", "(サンプル #1)") if n > 1 else ""
    cols = unit_names("h", net.n_hidden)
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "The student's note is right. δ1 = ∂E/∂u1 goes back through two steps: u2 = z1·W2 + b2, so "
                "**∂u2/∂z1 = W2** and ∂E/∂z1 = δ2·W2ᵀ; then z1 = f(u1), so **∂z1/∂u1 = f′(u1)**, the activation's "
                "derivative, applied unit by unit (⊙, the elementwise product `*`)" + which + ":",
                "メモのとおりです。δ1 = ∂E/∂u1 は 2 段階さかのぼります: u2 = z1·W2 + b2 なので **∂u2/∂z1 = W2**、"
                "∂E/∂z1 = δ2·W2ᵀ。次に z1 = f(u1) なので **∂z1/∂u1 = f′(u1)**(活性化関数の微分)を"
                "ユニットごとに掛けます(⊙ は要素ごとの積 `*`)" + which + ":",
            ),
        ),
        Block(
            "latex",
            equation(
                sym(r"\delta_1", 2),
                [
                    sym(
                        r"= \underbrace{(\delta_2 W_2^\top)}_{\partial E/\partial z_1} \odot "
                        r"\underbrace{f'(u_1)}_{\partial z_1/\partial u_1}",
                        12,
                    ),
                    sym("=", 1) + mat(g.dE_dz1[0]),
                    sym(r"\odot", 1) + mat(g.dz1_du1[0]),
                    sym("=", 1) + mat(g.delta1[0]),
                ],
            ),
        ),
        Block(
            "table",
            _table(
                {
                    "δ2·W2ᵀ = ∂E/∂z1": g.dE_dz1[0],
                    f"f′(u1) = ∂z1/∂u1 ({net.hidden})": g.dz1_du1[0],
                    "δ1 = ∂E/∂u1": g.delta1[0],
                },
                cols,
            ),
        ),
    ]
    act = dnn.ACTIVATIONS[net.hidden]
    at_z = act.df(fwd.z1[0])
    at_u = g.dz1_du1[0]
    if np.array_equal(at_z, at_u):
        text = pick(
            lang,
            f"The notebook passes z1, not u1, to the derivative (`functions.d_relu(z1)`). For {net.hidden} that gives "
            f"the same numbers here ({_vec_text(at_u)})"
            + (": z1 > 0 exactly where u1 > 0." if net.hidden == "relu" else "."),
            "ノートブックは微分に u1 ではなく z1 を渡しています(`functions.d_relu(z1)`)。"
            f"{net.hidden} ではここで同じ値({_vec_text(at_u)})になります"
            + (": z1 > 0 となるのはちょうど u1 > 0 のときだからです。" if net.hidden == "relu" else "。"),
        )
    else:
        text = pick(
            lang,
            f"The notebook passes z1, not u1, to the derivative (`functions.d_relu(z1)`). For {net.hidden} that is "
            f"wrong: f′(z1) = {_vec_text(at_z)} but f′(u1) = {_vec_text(at_u)}. The derivative must be taken at u1.",
            "ノートブックは微分に u1 ではなく z1 を渡しています(`functions.d_relu(z1)`)。"
            f"{net.hidden} ではこれは誤りです: "
            f"f′(z1) = {_vec_text(at_z)} ですが f′(u1) = {_vec_text(at_u)}。微分は u1 で取る必要があります。",
        )
    blocks.append(Block("markdown", text))
    if net.hidden in ("relu", "identity"):
        sig_u = dnn.d_sigmoid(fwd.u1[0])
        sig_z = dnn.d_sigmoid(dnn.sigmoid(fwd.u1[0]))
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"It would not work for sigmoid: at these u1, σ′(u1) = {_vec_text(sig_u)} but σ′(z1) = σ′(σ(u1)) = "
                    f"{_vec_text(sig_z)}.",
                    f"sigmoid ではうまくいきません: この u1 では σ′(u1) = {_vec_text(sig_u)} ですが、"
                    f"σ′(z1) = σ′(σ(u1)) = {_vec_text(sig_z)} です。",
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- question 4: bias gradient = delta


def q4_title(lang: str) -> str:
    """The fourth note in the student's own words."""
    return pick(
        lang,
        "「バイアスの偏微分はuの偏微分と同じになる」 (“The bias's partial derivative equals u's”) — ∂E/∂b = δ",
        "「バイアスの偏微分はuの偏微分と同じになる」 — ∂E/∂b = δ",
    )


def q4_blocks(g: dnn.Gradients, lang: str) -> list[Block]:
    """Question 4: ∂E/∂b2 next to δ2 and ∂E/∂b1 next to δ1 (for several samples: next to the sum of the rows)."""
    n = len(g.delta2)
    d2 = g.delta2[0] if n == 1 else np.sum(g.delta2, axis=0)
    d1 = g.delta1[0] if n == 1 else np.sum(g.delta1, axis=0)
    tag = "" if n == 1 else pick(lang, " summed over samples", "(サンプルの合計)")
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "Right. The bias is added to the total input unchanged, u2 = z1·W2 + **b2**, so ∂u2/∂b2 = 1 and "
                "∂E/∂b2 = ∂E/∂u2 · 1 = δ2 (likewise ∂E/∂b1 = δ1). Think of the bias as a weight whose input is "
                "always 1: a weight's gradient is (its input) × δ, so the bias's is 1 × δ."
                + (f" With N = {n} samples, ∂E/∂b is the sum of the δ rows." if n > 1 else ""),
                "そのとおりです。バイアスは総入力にそのまま足されるので(u2 = z1·W2 + **b2**)∂u2/∂b2 = 1、"
                "∂E/∂b2 = ∂E/∂u2 · 1 = δ2 です(同様に ∂E/∂b1 = δ1)。バイアスは入力がいつも 1 の重みだと考えられます: "
                "重みの偏微分は(その入力)× δ なので、バイアスの偏微分は 1 × δ です。"
                + (f"N = {n} 個のサンプルがあるときは、∂E/∂b は δ の各行の合計です。" if n > 1 else ""),
            ),
        ),
        Block("table", _table({f"δ2 = ∂E/∂u2{tag}": d2, "∂E/∂b2": g.b2}, unit_names("y", len(g.b2)))),
        Block("table", _table({f"δ1 = ∂E/∂u1{tag}": d1, "∂E/∂b1": g.b1}, unit_names("h", len(g.b1)))),
    ]
    return blocks


# ---------------------------------------------------------------- gradient check


def gradient_check_verdict(max_rel: float, u1: np.ndarray, lang: str, hidden: str = "relu") -> Block:
    """The verdict of the gradient check from the largest relative error, as a success/info/warning/error block.

    A ReLU total input u1 within 1e-4 of 0 sits on the kink, where nudging a weight by h = 1e-5 crosses it: there a
    disagreement is expected and is explained rather than flagged as an error.
    """
    r = f"{max_rel:.1e}" if max_rel > 0 else "0"
    if max_rel <= 1e-6:
        return Block(
            "success",
            pick(
                lang,
                f"Backprop agrees with numerical differentiation: largest relative error {r} (≤ 1e-6).",
                f"誤差逆伝播と数値微分は一致しています: 相対誤差の最大値 {r}(≤ 1e-6)。",
            ),
        )
    kink = hidden == "relu" and bool(np.any(np.abs(u1) < 1e-4))
    reason = (
        pick(
            lang,
            " A total input u1 is within 1e-4 of 0, where ReLU has a kink: the numerical slope mixes both sides.",
            "総入力 u1 が 0 から 1e-4 以内にあり、ReLU の折れ目をまたいで"
            "数値微分の傾きが両側の混ざったものになります。",
        )
        if kink
        else ""
    )
    if max_rel <= 1e-3:
        return Block(
            "info",
            pick(
                lang,
                f"Close: largest relative error {r}. Rounding in tiny gradients or a kink can cause this.{reason}",
                f"ほぼ一致: 相対誤差の最大値 {r}。とても小さな勾配の丸め誤差か折れ目が原因のことがあります。{reason}",
            ),
        )
    return Block(
        "error" if not kink else "warning",
        pick(
            lang,
            f"Backprop and numerical differentiation disagree: largest relative error {r}.{reason}",
            f"誤差逆伝播と数値微分が一致しません: 相対誤差の最大値 {r}。{reason}",
        ),
    )


def gradient_check_intro(reduction: str, n: int, lang: str) -> str:
    """How the numerical gradient is taken and scaled to the screen's reduction."""
    scale = ""
    if reduction == "sum" and n > 1:
        scale = pick(lang, f", times N = {n} to match the summed gradients", f"。合計の勾配と比べるため N = {n} 倍")
    return pick(
        lang,
        "Each parameter w is nudged both ways: ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h with h = 10⁻⁵, on the mean loss E "
        f"(without the 1e-7 guard, which backprop does not differentiate){scale}. Colours show the relative error "
        "|a − b| / (|a| + |b|) per parameter on a log scale: about 1e-10 or less means they agree.",
        "各パラメータ w を両側に少し動かします: ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h、h = 10⁻⁵。平均誤差 E で計算します"
        f"(誤差逆伝播が微分しない 1e-7 のガードは除く){scale}。色はパラメータごとの相対誤差 |a − b| / (|a| + |b|) を"
        "対数目盛で示します。1e-10 程度以下なら一致しています。",
    )


# ---------------------------------------------------------------- one SGD step


def sgd_blocks(
    net: dnn.Network, g: dnn.Gradients, step: dnn.StepReport, lr: float, reduction: str, lang: str
) -> list[Block]:
    """The update of every parameter with numbers, then the loss before/after and the predicted change."""
    eta = tex_num(lr, 6)
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "Every weight and bias moves against its partial derivative, scaled by the learning rate "
                f"η = {num(lr, 6)} (the notebook's `network[key] -= learning_rate * grad[key]`):",
                f"重みとバイアスはそれぞれの偏微分と逆向きに、学習率 η = {num(lr, 6)} 倍だけ動きます"
                "(ノートブックの `network[key] -= learning_rate * grad[key]`):",
            ),
        )
    ]
    for name in ("W1", "b1", "W2", "b2"):
        s = f"{name[0]}_{name[1]}"
        before, grad, after = net.params()[name], g.params()[name], step.params_after[name]
        lhs = sym(rf"{s} \leftarrow {s} - \eta\,\frac{{\partial E}}{{\partial {s}}}", 10)
        terms = [
            sym("=", 1) + mat(before, 7, max_cols=SGD_COLS),
            sym(rf"- {eta}\,", 1 + len(eta)) + mat(grad, max_cols=SGD_COLS),
            sym("=", 1) + mat(after, 7, max_cols=SGD_COLS),
        ]
        blocks.append(Block("latex", equation(lhs, terms)))
    gname = "‖g‖²" if reduction == "mean" else "∇E·g"
    blocks.append(
        Block(
            "metrics",
            (
                Metric(pick(lang, "Loss E before", "更新前の誤差 E"), num(step.loss_before, 8)),
                Metric(
                    pick(lang, "Loss E after one step", "1 ステップ後の誤差 E"),
                    num(step.loss_after, 8),
                    num(step.actual, 4),
                    help=pick(lang, "Change: E after − E before.", "変化: 更新後 − 更新前。"),
                    delta_color="inverse",  # a falling loss is the good direction
                ),
                Metric(
                    pick(lang, f"Predicted ΔE ≈ −η·{gname}", f"予測 ΔE ≈ −η·{gname}"),
                    num(step.predicted, 4),
                    help=pick(
                        lang,
                        "First-order Taylor: ΔE ≈ ∇E·Δθ with Δθ = −η·g. Close to the actual change when η is small.",
                        "1 次のテイラー展開: ΔE ≈ ∇E·Δθ、Δθ = −η·g。η が小さければ実際の変化に近くなります。",
                    ),
                ),
                Metric(pick(lang, "Actual ΔE", "実際の ΔE"), num(step.actual, 4)),
            ),
        )
    )
    ratio = step.actual / step.predicted if step.predicted != 0 else float("nan")
    if np.isfinite(ratio):
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"The actual change is {num(ratio, 3)} × the prediction. Near 1: the step is small enough for the "
                    "straight-line picture of the loss; far from 1 (or a rising loss): η is too large for it.",
                    f"実際の変化は予測の {num(ratio, 3)} 倍です。1 に近ければ誤差を直線で近似できるほど小さなステップ、"
                    "1 から遠い(または誤差が増えた)なら η がその近似には大きすぎます。",
                ),
            )
        )
    return blocks
