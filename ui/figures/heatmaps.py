"""Value-labelled heatmaps of the network's matrices (plain functions, no Streamlit): shared by the Forward and
Backprop screens.

Signed quantities (deltas, gradients) use one zero-centred diverging scale whose colours match the network
diagram: blue for positive, orange for negative (Okabe-Ito hues, readable with the common colour-vision
deficiencies), white for 0. Every cell carries its value as text, so nothing depends on reading a colour.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ui.figures.figures_network import NEGATIVE, POSITIVE
from ui.figures.unchecked import unchecked_figure

# Orange (negative) → white (0) → blue (positive): the same hues as the network diagram's edges.
DIVERGING: list[list[float | str]] = [
    [0.0, "#8F4E00"],
    [0.25, NEGATIVE],
    [0.5, "#F7F7F7"],
    [0.75, "#56B4E9"],
    [1.0, POSITIVE],
]
MAX_SAMPLE_ROWS = 16  # rows of a per-sample matrix drawn at most; more would make the cells unreadable
CELL_PX = 34  # height of one heatmap row


def num(v: float, digits: int = 4) -> str:
    """A number with ``digits`` significant digits, as it appears in cells and formulas ("-0.02612", "1.2")."""
    v = float(v)
    if v == 0.0:
        return "0"  # also turns -0.0 into 0
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{v:.{digits}g}").replace("e+", "e")  # 9.57e-05 → 9.57e-5


def unit_names(prefix: str, n: int) -> list[str]:
    """Names of a layer's units in the course's order: x1, x2, … / h1, h2, … / y1, y2, …"""
    return [f"{prefix}{i + 1}" for i in range(n)]


def sample_names(n: int) -> list[str]:
    """Row names of per-sample matrices: #1, #2, …"""
    return [f"#{i + 1}" for i in range(n)]


def symmetric_range(*arrays: np.ndarray) -> float:
    """The largest |value| over ``arrays`` (1 if they are all 0), so that colour ranges are ±it around 0."""
    m = max((float(np.max(np.abs(a))) for a in arrays if np.size(a)), default=0.0)
    return m if m > 0 and np.isfinite(m) else 1.0


def text_size(n_cols: int) -> int:
    """Cell text size in px: smaller when many columns share the width."""
    return 13 if n_cols <= 4 else 12 if n_cols <= 8 else 10 if n_cols <= 12 else 9


def cell_digits(n_cols: int) -> int:
    """Significant digits in a cell: 4, fewer when many columns share the width (hover shows every digit)."""
    return 4 if n_cols <= 8 else 3 if n_cols <= 12 else 2


def signed_heatmap_trace(
    z: np.ndarray,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    *,
    zmax: float | None = None,
    digits: int | None = None,
    showscale: bool = True,
    colorbar_title: str = "",
    hover_name: str = "",
    axes: int = 1,
) -> dict[str, Any]:
    """One zero-centred heatmap trace (as a dict): each cell coloured by its sign and size, labelled with its value.

    ``axes`` picks the subplot (its x/y axis pair ``x{axes}``/``y{axes}``), for figures with several panels.
    """
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    zmax = symmetric_range(z) if zmax is None else zmax
    digits = cell_digits(z.shape[1]) if digits is None else digits
    return {
        "type": "heatmap",
        "z": z,
        "x": list(x_labels),
        "y": list(y_labels),
        "text": [[num(v, digits) for v in row] for row in z],
        "texttemplate": "%{text}",
        "textfont": {"size": text_size(z.shape[1])},
        "colorscale": DIVERGING,
        "zmid": 0.0,
        "zmin": -zmax,
        "zmax": zmax,
        "xgap": 1,
        "ygap": 1,
        "showscale": showscale,
        "colorbar": {"title": {"text": colorbar_title, "side": "right"}, "thickness": 12},
        "hovertemplate": f"{hover_name}[%{{y}}, %{{x}}] = %{{z:.10g}}<extra></extra>",
        "xaxis": "x" if axes == 1 else f"x{axes}",
        "yaxis": "y" if axes == 1 else f"y{axes}",
    }


def matrix_axes(title: str = "", **extra: Any) -> dict[str, Any]:
    """Axis settings of a matrix panel: named categories, no zooming; extra keys are added (e.g. domain)."""
    return {"title": {"text": title}, "type": "category", "fixedrange": True, **extra}


def signed_heatmap(
    z: np.ndarray,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    title: str = "",
    colorbar_title: str = "",
    hover_name: str = "",
    note: str = "",
) -> go.Figure:
    """A matrix as a heatmap in matrix layout (row 1 on top): zero-centred colours, values in the cells.

    ``note`` is a small line under the title (e.g. "first 16 of 200 samples").
    """
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    trace = signed_heatmap_trace(z, x_labels, y_labels, colorbar_title=colorbar_title, hover_name=hover_name)
    full_title = title if not note else f"{title}<br><sup>{note}</sup>"
    layout = {
        "title": {"text": full_title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "height": heatmap_height(z.shape[0], with_title=bool(title)) + (14 if note else 0),
        "margin": {"l": 10, "r": 10, "t": (58 if note else 44) if title else 10, "b": 10},
        "xaxis": matrix_axes(x_title),
        "yaxis": matrix_axes(y_title, autorange="reversed"),
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }
    # One constructor call with plain dicts, without plotly's checks (the tests make it again with them).
    return unchecked_figure(data=[trace], layout=layout)


def heatmap_height(n_rows: int, with_title: bool = True) -> int:
    """Figure height in px for ``n_rows`` rows: room for the axis titles and, if any, a title."""
    return int(CELL_PX * n_rows + 70 + (40 if with_title else 0))


def grid_domains(
    col_widths: Sequence[float], row_heights: Sequence[float], hgap: float = 0.08, vgap: float = 0.1
) -> list[list[tuple[list[float], list[float]]]]:
    """Paper-coordinate domains (x range, y range) of a grid of panels, row 0 on top; widths/heights are relative."""
    cw = np.asarray(col_widths, dtype=float)
    rh = np.asarray(row_heights, dtype=float)
    free_x = 1.0 - hgap * (len(cw) - 1)
    free_y = 1.0 - vgap * (len(rh) - 1)
    xs = cw / cw.sum() * free_x
    ys = rh / rh.sum() * free_y
    out = []
    top = 1.0
    for h in ys:
        row = []
        left = 0.0
        for w in xs:
            # Clipped: rounding can leave -1e-16, which plotly refuses as a domain.
            row.append(([max(left, 0.0), min(left + w, 1.0)], [max(top - h, 0.0), min(top, 1.0)]))
            left += w + hgap
        out.append(row)
        top -= h + vgap
    return out


def panel_title(text: str, x_domain: Sequence[float], y_domain: Sequence[float], yshift: int = 0) -> dict[str, Any]:
    """An annotation centred above a panel, like a subplot title (``yshift`` px higher, e.g. above column names)."""
    return {
        "yshift": yshift,
        "text": text,
        "x": (x_domain[0] + x_domain[1]) / 2,
        "y": y_domain[1],
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 14},
    }
