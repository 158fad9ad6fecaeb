"""Figures of the Backprop screen (plain functions: arrays in, plotly figure out, no Streamlit).

- ``delta_figure``: δ2 = ∂E/∂u2 or δ1 = ∂E/∂u1, one row per sample.
- ``gradient_figure``: a parameter's partial derivative ∂E/∂W1, ∂E/∂b1, ∂E/∂W2 or ∂E/∂b2.
- ``weight_gradient_figure``: ∂E/∂W2 = z1ᵀ·δ2 (or ∂E/∂W1 = xᵀ·δ1) laid out like a matrix product, so the shapes
  explain themselves: the factor z1ᵀ on the left, δ2 on top, their product in the corner.
- ``gradient_check_figure``: backprop against numerical differentiation, relative error per parameter on a log scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from ui.figures.heatmaps import (
    MAX_SAMPLE_ROWS,
    grid_domains,
    matrix_axes,
    panel_title,
    sample_names,
    signed_heatmap,
    signed_heatmap_trace,
    unit_names,
)
from ui.figures.unchecked import unchecked_figure
from ui.text.i18n import pick

PARAMS: tuple[str, ...] = ("W1", "b1", "W2", "b2")
MAX_FACTOR_SAMPLES = 4  # samples drawn in the factors of ∂E/∂W = aᵀ·δ (the product always uses all of them)
LOG_FLOOR = -16.0  # log10 of the smallest relative error drawn (float64 rounding is about 1e-16)


def _sample_axis(lang: str) -> str:
    return pick(lang, "sample", "サンプル")


def _unit_axis(prefix: str, lang: str) -> str:
    """Axis title of a layer's units in the course's terms."""
    return {
        "x": pick(lang, "input x", "入力 x"),
        "h": pick(lang, "hidden unit h", "中間層ユニット h"),
        "y": pick(lang, "output unit y", "出力ユニット y"),
    }[prefix]


def shown_rows_note(n_total: int, n_shown: int, lang: str, summed: bool = False) -> str:
    """'first 16 of 200 samples shown' when rows were cut, else ''; ``summed`` adds that a product uses them all."""
    if n_shown >= n_total:
        return ""
    if summed:
        return pick(
            lang,
            f"factors: first {n_shown} of {n_total} samples shown; the product sums all {n_total}",
            f"因子は全 {n_total} サンプルのうち最初の {n_shown} 個を表示。積は {n_total} 個すべての和",
        )
    return pick(
        lang, f"first {n_shown} of {n_total} samples shown", f"全 {n_total} サンプルのうち最初の {n_shown} 個を表示"
    )


def delta_figure(
    delta: np.ndarray, layer: Literal[1, 2], lang: str, max_rows: int = MAX_SAMPLE_ROWS, loss: str = "E"
) -> go.Figure:
    """δ2 = ∂E/∂u2 (columns y1…) or δ1 = ∂E/∂u1 (columns h1…): one row per sample, at most ``max_rows`` rows.

    ``loss`` names the loss differentiated: "E" (the mean loss) or "E_sum" (Σₙ Eₙ, the notebook's sum)."""
    delta = np.atleast_2d(delta)
    shown = delta[:max_rows]
    prefix, u = ("y", "u2") if layer == 2 else ("h", "u1")
    title = f"δ{layer} = ∂{loss}/∂{u}"
    return signed_heatmap(
        shown,
        unit_names(prefix, delta.shape[1]),
        sample_names(len(shown)),
        x_title=_unit_axis(prefix, lang),
        y_title=_sample_axis(lang),
        title=title
        + pick(lang, f" (partial derivative of {loss} with respect to {u})", f"（{u} についての {loss} の偏微分）"),
        colorbar_title=f"δ{layer}",
        hover_name=f"δ{layer}",
        note=shown_rows_note(len(delta), len(shown), lang),
    )


def _param_axes(name: str) -> tuple[str, str]:
    """(row prefix, column prefix) of a parameter's matrix: W1 is x × h, W2 is h × y; biases are one row."""
    return {"W1": ("x", "h"), "W2": ("h", "y"), "b1": ("", "h"), "b2": ("", "y")}[name]


def gradient_figure(grad: np.ndarray, name: str, lang: str, loss: str = "E") -> go.Figure:
    """The partial derivative ∂E/∂``name`` (``name`` in W1, b1, W2, b2) with rows and columns named by unit;
    ``loss`` names the loss ("E" or "E_sum")."""
    grad = np.atleast_2d(grad)
    rows, cols = _param_axes(name)
    is_bias = not rows
    kind = pick(lang, "bias", "バイアス") if is_bias else pick(lang, "weight", "重み")
    return signed_heatmap(
        grad,
        unit_names(cols, grad.shape[1]),
        [name] if is_bias else unit_names(rows, grad.shape[0]),
        x_title=_unit_axis(cols, lang),
        y_title="" if is_bias else _unit_axis(rows, lang),
        title=f"∂{loss}/∂{name}" + pick(lang, f" (partial derivative of {kind} {name})", f"（{kind} {name} の偏微分）"),
        colorbar_title=f"∂{loss}/∂{name}",
        hover_name=f"∂{loss}/∂{name}",
    )


def weight_gradient_figure(
    a: np.ndarray, delta: np.ndarray, grad: np.ndarray, name: Literal["W1", "W2"], lang: str, loss: str = "E"
) -> go.Figure:
    """∂E/∂W = aᵀ·δ drawn as a matrix product: aᵀ on the left, δ on top, the product ``grad`` (from ``dnn.backward``)
    below δ; ``loss`` names the loss ("E" or "E_sum").

    For W2, ``a`` is z1 (中間層出力) and ``delta`` is δ2; for W1, ``a`` is x and ``delta`` is δ1. With one sample aᵀ
    is a column and δ a row, so the product is their outer product: cell (i, j) = a_i·δ_j. With several samples
    the product adds one such outer product per sample (the sum over the batch axis). The factors show at most
    ``MAX_FACTOR_SAMPLES`` samples (enough to see the shapes); the product always sums all of them.
    Traces: δ (panel 2), aᵀ (panel 3), the product (panel 4), with ``meta["role"]`` "delta", "input", "product".
    """
    a, delta, product = np.atleast_2d(a), np.atleast_2d(delta), np.atleast_2d(grad)
    n = len(a)
    k = min(n, MAX_FACTOR_SAMPLES)
    a_prefix, d_prefix = ("h", "y") if name == "W2" else ("x", "h")
    a_name, d_name = ("z1", "δ2") if name == "W2" else ("x", "δ1")
    a_units, d_units = unit_names(a_prefix, a.shape[1]), unit_names(d_prefix, delta.shape[1])
    samples = sample_names(k)
    n_rows, n_cols = product.shape
    # Panel sizes follow the matrices' shapes (the left column as wide as the samples shown, the top row as tall),
    # with a floor so that a single sample's column stays wide enough for its numbers.
    # Panel sizes follow the matrices' shapes (the left column as wide as the samples shown, the top row as tall),
    # with a floor so that a single sample's column stays wide enough for its numbers. Gaps are fixed in px.
    cell = 28 if k + n_rows > 12 else 36
    top_rows, main_rows = max(k, 0.3 * n_rows, 1.0), n_rows
    plot_px = cell * (top_rows + main_rows) + 60
    dom = grid_domains([max(k, 0.25 * n_cols, 1.2), n_cols], [top_rows, main_rows], 0.1, 60 / plot_px)
    (_, top), (left, main) = dom
    traces = [
        signed_heatmap_trace(delta[:k], d_units, samples, showscale=False, hover_name=d_name, axes=2),
        signed_heatmap_trace(a[:k].T, samples, a_units, showscale=False, hover_name=f"{a_name}ᵀ", axes=3),
        signed_heatmap_trace(product, d_units, a_units, showscale=False, hover_name=f"∂{loss}/∂{name}", axes=4),
    ]
    for trace, role in zip(traces, ("delta", "input", "product"), strict=True):
        trace["meta"] = {"role": role}
    sample_axis = _sample_axis(lang)
    note = shown_rows_note(n, k, lang, summed=True)
    title = pick(
        lang,
        f"∂{loss}/∂{name} = {a_name}ᵀ·{d_name}: ({n_rows}×{n}) · ({n}×{n_cols}) → {n_rows}×{n_cols}, the shape of "
        f"{name}",
        f"∂{loss}/∂{name} = {a_name}ᵀ·{d_name}: ({n_rows}×{n})·({n}×{n_cols}) → {n_rows}×{n_cols}（{name} と同じ形）",
    )
    margin_top = (56 if note else 40) + 56  # the figure's title, then δ's column names and title above its panel
    layout = {
        "title": {
            "text": title + (f"<br><sup>{note}</sup>" if note else ""),
            "x": 0.0,
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 8},
            "font": {"size": 14},
        },
        "height": int(plot_px + margin_top + 70),
        "margin": {"l": 10, "r": 10, "t": margin_top, "b": 70},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "xaxis2": matrix_axes("", domain=top[0], anchor="y2", side="top"),
        "yaxis2": matrix_axes(sample_axis, domain=top[1], anchor="x2", autorange="reversed"),
        "xaxis3": matrix_axes(sample_axis, domain=left[0], anchor="y3"),
        "yaxis3": matrix_axes(_unit_axis(a_prefix, lang), domain=left[1], anchor="x3", autorange="reversed"),
        "xaxis4": matrix_axes(_unit_axis(d_prefix, lang), domain=main[0], anchor="y4"),
        "yaxis4": matrix_axes("", domain=main[1], anchor="x4", autorange="reversed"),
        "annotations": [
            panel_title(f"{d_name} = ∂{loss}/∂{'u2' if name == 'W2' else 'u1'}", top[0], top[1], yshift=34),
            panel_title(f"{a_name}ᵀ", left[0], left[1]),
            panel_title(f"∂{loss}/∂{name}", main[0], main[1]),
        ],
    }
    return unchecked_figure(data=traces, layout=layout)


def gradient_check_figure(
    relative: Mapping[str, np.ndarray],
    lang: str,
    loss: str = "E",
    unmeasurable: Mapping[str, np.ndarray] | None = None,
) -> go.Figure:
    """Relative error between backprop's and the numerical partial derivatives of W1, b1, W2, b2 (log10 colours),
    as ``dnn.gradient_check`` computes it; ``loss`` names the loss ("E" or "E_sum"). Cells that numerical
    differentiation cannot measure at this size (``dnn.GradientCheck.unmeasurable``) are left blank, marked "—".

    Panels: W1 and b1 on the first row, W2 and b2 on the second. Each cell is labelled with the relative error
    ("3e-11"); the shared colour bar runs from 1e-16 (rounding) to 1 (unrelated numbers). Each trace's
    ``customdata`` holds the relative errors, ``meta["param"]`` the parameter.
    """
    shapes = {p: np.atleast_2d(relative[p]).shape for p in PARAMS}
    n_rows = shapes["W1"][0] + shapes["W2"][0] + 1
    plot_px = 30 * n_rows + 70
    dom = grid_domains(
        [max(shapes["W1"][1], shapes["W2"][1]), max(shapes["b1"][1], shapes["b2"][1])],
        [shapes["W1"][0] + 0.5, shapes["W2"][0] + 0.5],
        hgap=0.1,
        vgap=70 / plot_px,  # room for the upper panels' column names and the lower panels' titles
    )
    rel_name = pick(lang, "relative error", "相対誤差")
    not_measured = pick(
        lang, "numerical differentiation cannot measure it at this size", "この大きさでは数値微分で測れません"
    )
    traces: list[dict[str, Any]] = []
    layout: dict[str, Any] = {"annotations": []}
    for idx, p in enumerate(PARAMS):
        rel = np.atleast_2d(relative[p])
        blank = np.zeros(rel.shape, dtype=bool) if unmeasurable is None else np.atleast_2d(unmeasurable[p])
        with np.errstate(divide="ignore"):
            z = np.where(blank, np.nan, np.maximum(np.log10(rel), LOG_FLOOR))  # log10(0) = -inf: at the floor
        hover = [
            [not_measured if b else f"{rel_name} {v:.3g}" for v, b in zip(row, brow, strict=True)]
            for row, brow in zip(rel, blank, strict=True)
        ]
        rows, cols = _param_axes(p)
        ax = idx + 1
        xd, yd = dom[idx // 2][idx % 2]
        traces.append(
            {
                "type": "heatmap",
                "z": z,
                "x": unit_names(cols, rel.shape[1]),
                "y": [p] if not rows else unit_names(rows, rel.shape[0]),
                "customdata": rel,
                "text": [
                    ["—" if b else _rel_text(v) for v, b in zip(row, brow, strict=True)]
                    for row, brow in zip(rel, blank, strict=True)
                ],
                "hovertext": hover,
                "texttemplate": "%{text}",
                "textfont": {"size": 11 if rel.shape[1] <= 8 else 9},
                "coloraxis": "coloraxis",
                "xgap": 1,
                "ygap": 1,
                "hovertemplate": f"∂{loss}/∂{p}[%{{y}}, %{{x}}]: %{{hovertext}}<extra></extra>",
                "xaxis": "x" if ax == 1 else f"x{ax}",
                "yaxis": "y" if ax == 1 else f"y{ax}",
                "meta": {"param": p},
            }
        )
        suffix = "" if ax == 1 else str(ax)
        layout[f"xaxis{suffix}"] = matrix_axes("", domain=xd, anchor=f"y{suffix}")
        layout[f"yaxis{suffix}"] = matrix_axes("", domain=yd, anchor=f"x{suffix}", autorange="reversed")
        layout["annotations"].append(panel_title(f"∂{loss}/∂{p}", xd, yd))
    ticks = list(range(int(LOG_FLOOR), 1, 4))
    layout |= {
        "coloraxis": {
            "colorscale": get_colorscale("Cividis"),  # as plotly's checks write the name out
            "cmin": LOG_FLOOR,
            "cmax": 0.0,
            "colorbar": {
                "title": {"text": rel_name, "side": "right"},
                "tickvals": ticks,
                "ticktext": [f"1e{t}" if t else "1" for t in ticks],
                "thickness": 12,
            },
        },
        "height": int(plot_px + 30 + 40),
        "margin": {"l": 10, "r": 10, "t": 30, "b": 40},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }
    return unchecked_figure(data=traces, layout=layout)


def _rel_text(v: float) -> str:
    """A relative error in a cell: "0" or one significant digit with its exponent ("3e-11")."""
    return "0" if v == 0 else f"{v:.0e}".replace("e-0", "e-").replace("e+00", "")
