"""Numbers and matrices written as LaTeX for ``st.latex``, with a rough width in pixels so that a long formula
breaks into aligned lines instead of running off the screen. Layout only: no words, no math.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ui.figures.heatmaps import num

MAX_TEX_ROWS = 4  # rows of a matrix written out in a formula; the rest is "⋮"
MAX_TEX_COLS = 8
CHAR_PX = 10.5  # rough width of one character of a formula (KaTeX in Streamlit)
COL_GAP_PX = 20
SGD_COLS = 6  # columns written out in the update formulas (before and after use 7 digits)
LINE_PX = 820  # width a formula may take before it is broken into lines (the main column at 1366 px)


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
