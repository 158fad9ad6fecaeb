"""One look for "the output y_k over the input plane", wherever it is drawn: Forward, the Training screen's step
slider and its film (plain functions and constants, no Streamlit).

- The colour scale: purple below y = 0.5, white at 0.5, green above (ColorBrewer's PRGn, colour-blind safe, in
  hues no class colour uses), over ``dnn.playback.colour_range``: 0 to 1 for a probability, 0.5 ± as far as the
  output reaches for an identity output. White is always y = 0.5.
- A compact horizontal colourbar under the plane, centred on it, with five ticks.
- The samples: filled circles in their target class's colour (Okabe-Ito), held-out samples hollow rings.
- The line y = 0.5 in black, and the axis titles x1, x2.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ui.text.i18n import pick

SURFACE_SCALE: tuple[tuple[float, str], ...] = (
    (0.0, "#9970AB"),
    (0.25, "#C2A5CF"),
    (0.5, "#F7F7F7"),
    (0.75, "#A6DBA0"),
    (1.0, "#5AAE61"),
)
CLASS_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
SAMPLE_SIZE = 10
SAMPLE_EDGE = "#1F2933"  # a dark ring: a sample stands out on white, purple and green alike
HALF_LINE: dict[str, Any] = {"color": "black", "width": 2}
TICKS = 5  # colourbar ticks: both ends, 0.5 in the middle, and halfway between


def colorscale() -> list[list]:
    """The colour scale of y_k over the input plane, as plotly reads it."""
    return [[at, color] for at, color in SURFACE_SCALE]


def class_color(c: int) -> str:
    """The colour of class c's samples (Okabe-Ito, as elsewhere in the app)."""
    return CLASS_COLORS[c % len(CLASS_COLORS)]


def tick_values(lo: float, hi: float) -> list[float]:
    """The values of y the colourbar marks: lo, hi, their middle (0.5) and halfway between."""
    return np.linspace(lo, hi, TICKS).tolist()


def colorbar(title: str, lo: float, hi: float, *, x: float = 0.5, y: float = -0.12, scale: float = 1.0) -> dict:
    """A short horizontal colourbar under the plane, centred at paper position ``x``; its ticks are the values of y
    in ``tick_values(lo, hi)``, placed at ``(value - lo) * scale`` on the trace's colour axis (scale ≠ 1 when the
    trace's colours are whole shades, as in the film)."""
    values = tick_values(lo, hi)
    return {
        "title": {"text": title, "side": "top"},
        "orientation": "h",
        "x": x,
        "xanchor": "center",
        "y": y,
        "yanchor": "top",
        "len": 0.4,
        "thickness": 10,
        "tickvals": [(v - lo) * scale if scale != 1.0 else v for v in values],
        "ticktext": [f"{v:.3g}" for v in values],
        "outlinewidth": 0,
    }


def axis_title(name: str) -> dict[str, str]:
    """An input axis's title: "x1" or "x2"."""
    return {"text": name}


def sample_marker(c: int, held_out: bool) -> dict[str, Any]:
    """A sample's marker: a circle in its class's colour with a dark ring; held out, a hollow ring of that colour."""
    if held_out:
        return {"symbol": "circle-open", "size": SAMPLE_SIZE, "color": class_color(c), "line": {"width": 2.5}}
    ring = {"color": SAMPLE_EDGE, "width": 1}
    return {"symbol": "circle", "size": SAMPLE_SIZE, "color": class_color(c), "line": ring}


def sample_classes(d: np.ndarray) -> tuple[np.ndarray, list[str], list[str]]:
    """Each sample's class for colouring (the largest target output, or d ≥ 0.5 for one output) and the legend's
    name of every class, in English and Japanese."""
    d = np.atleast_2d(d)
    if d.shape[1] == 1:
        return (d[:, 0] >= 0.5).astype(np.int64), ["d < 0.5", "d ≥ 0.5"], ["d < 0.5", "d ≥ 0.5"]
    one_hot = bool(np.all((d == 0) | (d == 1)) and np.all(d.sum(axis=1) == 1))
    n = d.shape[1]
    if one_hot:
        return np.argmax(d, axis=1), [f"class {c + 1}" for c in range(n)], [f"クラス {c + 1}" for c in range(n)]
    return (
        np.argmax(d, axis=1),
        [f"largest target d{c + 1}" for c in range(n)],
        [f"目標出力 d{c + 1} が最大" for c in range(n)],
    )


def sample_traces(
    x: np.ndarray, d: np.ndarray, lang: str, *, held_out: bool = False, axes: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """The samples over the input plane, one trace per class (meta kind "samples", or "held_out"); hovering a
    sample shows its number, x and d."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    classes, en, ja = sample_classes(d)
    traces = []
    for c in np.unique(classes).tolist():
        idx = np.flatnonzero(classes == c)
        name = pick(lang, en[c], ja[c]) + (pick(lang, " (held out)", "（テスト用）") if held_out else "")
        hover = [
            f"{name}<br>#{i + 1}: x = [{x[i, 0]:.4g}, {x[i, 1]:.4g}]<br>d = [{', '.join(f'{v:.4g}' for v in d[i])}]"
            for i in idx.tolist()
        ]
        traces.append(
            {
                "type": "scatter",
                "x": x[idx, 0].tolist(),
                "y": x[idx, 1].tolist(),
                "mode": "markers",
                "marker": sample_marker(c, held_out),
                "name": name,
                "hovertext": hover,
                "hoverinfo": "text",
                "meta": {"kind": "held_out" if held_out else "samples"},
                **(axes or {}),
            }
        )
    return traces
