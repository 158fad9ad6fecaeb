"""A block of numbers pasted as text (from a spreadsheet, a notebook's printout, a hand-typed list) read into one of
the scenario's matrices, all or nothing. No Streamlit here: ``ui.widgets.editors.paste_box`` draws the box.

A grid's own paste cannot do this: Chromium drops the cells past the grid's edge before the app sees them, so a
block of the wrong shape would be cut without a word. Here the shape is checked first, and every unreadable cell
is named by its row and column in the block.
"""

from __future__ import annotations

import re

import numpy as np

from ui.session import codec
from ui.widgets.editors import Grid, cell_text

MAX_CHARS = 20_000  # 256 samples × 8 columns of 9-character numbers is under 20,000: anything longer is no matrix
MAX_NAMED = 5  # unreadable cells named one by one; more are counted

_ROWS = re.compile(r"\r\n|[\n\r;；]")  # newlines (a spreadsheet copy), semicolons (the share link's rows)
_TABS, _COMMAS, _SPACES = re.compile(r"\t"), re.compile(r"[,，]"), re.compile(r"\s+")


class BlockError(ValueError):
    """A pasted block that cannot become the matrix: its shape, or its unreadable cells, in both languages."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en, self.ja = en, ja


def _cells(text: str) -> list[list[str]]:
    """The block's cells as text, row by row: rows split at newlines or semicolons, cells at tabs (what a
    spreadsheet copy gives), else at commas, else at spaces. Blank rows (a trailing newline) are left out."""
    rows = [row for row in _ROWS.split(text) if row.strip()]
    joined = "\n".join(rows)
    # One separator for the whole block: with tabs, a cell may hold "10,000"; with commas, a cell may hold "1e-3 ".
    separator = _TABS if "\t" in joined else _COMMAS if _COMMAS.search(joined) else _SPACES
    return [[cell.strip() for cell in separator.split(row.strip())] for row in rows]


def shape_text(n_rows: int, n_cols: int) -> str:
    """A matrix's shape as the course writes it: "2 × 3"."""
    return f"{n_rows} × {n_cols}"


def read_block(g: Grid, text: str) -> np.ndarray:
    """The values of matrix ``g`` after pasting ``text`` over the whole of it (a new array of g's shape), or
    BlockError: an empty block, rows of different lengths, a shape other than the grid's ("W1 is 2 × 3; the pasted
    block is 3 × 4"), or cells that hold no number (each named by its row and column in the block).

    Each cell is read as a grid cell is (``codec.number_from_typed``: 1e-3, full-width digits, −, 10,000), and a
    cell that repeats the grid's own text keeps the full-precision value behind it."""
    n_rows, n_cols = g.values.shape
    if len(text) > MAX_CHARS:
        raise BlockError(
            f"The pasted text is {len(text):,} characters long; a matrix here is at most {MAX_CHARS:,}. Nothing "
            "changed.",
            f"貼り付けたテキストは {len(text):,} 文字です。行列は {MAX_CHARS:,} 文字までです。何も変更していません。",
        )
    rows = _cells(text)
    if not rows:
        raise BlockError(
            "The pasted block is empty. Nothing changed.", "貼り付けたブロックが空です。何も変更していません。"
        )
    lengths = sorted({len(row) for row in rows})
    if len(lengths) > 1:
        first = next(i for i, row in enumerate(rows) if len(row) != len(rows[0]))
        raise BlockError(
            f"The rows of the pasted block differ in length (row 1 has {len(rows[0])} cells, row {first + 1} has "
            f"{len(rows[first])}); {g.name} is {shape_text(n_rows, n_cols)}. Nothing changed.",
            f"貼り付けたブロックの行の長さがそろっていません（1 行目は {len(rows[0])} 個、{first + 1} 行目は "
            f"{len(rows[first])} 個）。{g.name} は {shape_text(n_rows, n_cols)} です。何も変更していません。",
        )
    if (len(rows), lengths[0]) != (n_rows, n_cols):
        block = shape_text(len(rows), lengths[0])
        raise BlockError(
            f"{g.name} is {shape_text(n_rows, n_cols)}; the pasted block is {block}. Nothing changed.",
            f"{g.name} は {shape_text(n_rows, n_cols)}、貼り付けたブロックは {block} です。何も変更していません。",
        )
    values = g.values.copy()
    errors: list[codec.BadValueError] = []
    for r, row in enumerate(rows):
        for c, typed in enumerate(row):
            current = float(g.values[r, c])
            if typed == cell_text(current):  # the grid's own text copied back: keep the full-precision value
                continue
            where = (f"row {r + 1}, column {c + 1} ({g.cell(r, c)})", f"{r + 1} 行 {c + 1} 列（{g.cell(r, c)}）")
            try:
                values[r, c] = codec.number_from_typed(typed, where)
            except codec.BadValueError as e:
                errors.append(e)
    if errors:
        more = len(errors) - MAX_NAMED
        en = "; ".join(e.en for e in errors[:MAX_NAMED]) + (f"; and {more} more" if more > 0 else "")
        ja = "。".join(e.ja for e in errors[:MAX_NAMED]) + (f"。ほかに {more} 個" if more > 0 else "")
        raise BlockError(f"{en}. Nothing changed.", f"{ja}。何も変更していません。")
    return values
