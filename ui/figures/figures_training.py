"""Charts of training runs: loss curves, the target's probability, gradient norms, learning-rate sweeps.

Plain functions (no Streamlit): arrays in, a plotly figure out, ``lang`` picks the labels. Long runs are thinned
with ``decimate`` before drawing — per bucket of steps the smallest and the largest value are kept, so a single
spike of the loss (誤差 E) is never smoothed away while a 100,000-step curve stays under 4,000 points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui.figures.figures_network import NEGATIVE, POSITIVE
from ui.figures.heatmaps import signed_heatmap, unit_names
from ui.figures.unchecked import unchecked_figure
from ui.text.i18n import pick

MAX_POINTS = 4000  # points per drawn curve at most (the CSV download keeps every step)
HEATMAP_COLUMNS = 240  # step columns of the sweep heatmap at most
CURRENT = POSITIVE  # the current scenario's colour (Okabe-Ito blue, as in the network diagram)
BASELINE = "#7F7F7F"  # a pinned baseline: faint grey
SAMPLE = "#56B4E9"  # per-sample losses of a stochastic run (Okabe-Ito sky blue dots)
DIVERGED = "#D55E00"  # Okabe-Ito vermillion: where a run stopped being finite
TARGET = "#009E73"  # Okabe-Ito green: target values d
PARAM_COLORS = {"W1": "#0072B2", "b1": "#56B4E9", "W2": "#E69F00", "b2": "#CC79A7"}
CHART_HEIGHT = 330
# Losses at or below this are drawn at it on log scales: cross-entropy with the course's +1e-7 inside the log
# bottoms out at −log(1 + 1e-7) ≈ −1e-7 when y reaches d, which a log axis cannot show.
LOG_FLOOR = 1e-9
# For the half-width charts: a legend beside the title would cover it, so it goes under the plot.
LEGEND_BELOW: dict = {
    "height": CHART_HEIGHT + 40,
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.25, "xanchor": "left", "x": 0.0},
}


# ---------------------------------------------------------------- thinning long curves


def decimate(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Indices of the points to draw: all of them when there are at most ``max_points``, otherwise the first,
    the last, and the minimum and the maximum of each of ``(max_points - 2) // 2`` equal buckets of steps.

    Keeping both extremes of every bucket keeps every spike (up or down), which a plain "every n-th step" would
    miss. Non-finite values never win a bucket.
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, (max_points - 2) // 2)
    size = -(-n // buckets)  # ceil: every step falls in a bucket
    hi = np.full(buckets * size, -np.inf)
    lo = np.full(buckets * size, np.inf)
    finite = np.isfinite(v)
    hi[:n] = np.where(finite, v, -np.inf)
    lo[:n] = np.where(finite, v, np.inf)
    offsets = np.arange(buckets) * size
    keep = np.concatenate(([0, n - 1], hi.reshape(buckets, size).argmax(1) + offsets))
    keep = np.concatenate((keep, lo.reshape(buckets, size).argmin(1) + offsets))
    keep = np.unique(keep)
    return keep[keep < n]  # trailing buckets may lie wholly past the end


def moving_average(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over ``window`` values: entry i is the mean of values[i : i + window] (len − window + 1)."""
    v = np.asarray(values, dtype=np.float64)
    window = max(1, min(int(window), v.size))
    c = np.concatenate(([0.0], np.cumsum(v)))
    return (c[window:] - c[:-window]) / window


def default_window(n: int) -> int:
    """A moving-average window that smooths a stochastic run without hiding its trend: about 2 % of the steps."""
    return int(min(max(5, n // 50), 1000))


# ---------------------------------------------------------------- generic curves


@dataclass(frozen=True)
class Curve:
    """One line (or cloud of dots) over steps: ``values[i]`` belongs to step ``first_step + i``."""

    label: str
    values: np.ndarray
    color: str = CURRENT
    first_step: int = 0
    dots: bool = False
    faint: bool = False
    dash: str | None = None
    visible: bool | str = True
    hover_name: str = "E"


def _xy(curve: Curve, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """The thinned points of a curve (steps as int32 so that plotly ships them compactly)."""
    idx = decimate(curve.values, max_points)
    steps = (idx + curve.first_step).astype(np.int32)
    return steps, np.asarray(curve.values, dtype=np.float64)[idx]


def _trace(curve: Curve, lang: str, max_points: int) -> dict:
    x, y = _xy(curve, max_points)
    step = pick(lang, "step", "ステップ")
    if curve.dots:
        style: dict = {"mode": "markers", "marker": {"size": 4, "color": curve.color, "opacity": 0.6}}
    else:
        style = {
            "mode": "lines",
            "line": {"color": curve.color, "width": 1.5 if curve.faint else 2.2}
            | ({"dash": curve.dash} if curve.dash else {}),
            "opacity": 0.45 if curve.faint else 1.0,
        }
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": curve.label,
        "visible": curve.visible,
        "hovertemplate": f"{curve.label}<br>{step} %{{x:,}}<br>{curve.hover_name} = %{{y:.6g}}<extra></extra>",
        **style,
    }


def _layout(lang: str, *, title: str, y_title: str, log_y: bool, x_title: str | None = None, **extra: object) -> dict:
    """The charts' common layout as one dict: building a figure from it in one go is several times faster than
    plotly's ``update_layout`` / ``update_xaxes`` calls, which matters for a screen that redraws on every edit."""
    grid = {"showgrid": True, "gridcolor": "#EEEEEE", "zeroline": False}
    layout: dict = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}},
        "height": CHART_HEIGHT,
        "margin": {"l": 10, "r": 10, "t": 44, "b": 10},
        "xaxis": {"title": {"text": x_title or pick(lang, "step", "ステップ")}, "rangemode": "tozero", **grid},
        "yaxis": {"title": {"text": y_title}, "type": "log" if log_y else "linear", "exponentformat": "power", **grid},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        "hovermode": "closest",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
    }
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def below_log_floor(losses: np.ndarray) -> bool:
    """Whether any finite loss is at or below ``LOG_FLOOR``, where a log scale cannot place it (the course's
    cross-entropy reaches −1e-7 when y equals d)."""
    losses = np.asarray(losses, dtype=np.float64)
    return bool(np.any(losses[np.isfinite(losses)] <= LOG_FLOOR))


def huge_log_range(arrays: Sequence[np.ndarray]) -> list[float] | None:
    """An explicit log-axis range when values approach the float limit (~1.8e308), else None: plotly's automatic
    range pads beyond it and labels the top tick "Infinity"."""
    positive = [a[np.isfinite(a) & (a > 0)] for a in (np.asarray(v, dtype=np.float64) for v in arrays)]
    positive = [a for a in positive if a.size]
    if not positive:
        return None
    hi = max(float(a.max()) for a in positive)
    if hi < 1e250:
        return None
    lo = math.log10(min(float(a.min()) for a in positive))
    top = math.log10(hi)
    return [lo - 0.05 * (top - lo), min(top + 2.0, 307.5)]


@dataclass(frozen=True)
class Mark:
    """The last finite step of a run that overflowed right after it: drawn as × with a dotted vertical line."""

    step: int
    value: float
    color: str = DIVERGED


def _mark_trace(mark: Mark, lang: str) -> dict:
    return {
        "type": "scatter",
        "x": [mark.step],
        "y": [mark.value],
        "mode": "markers",
        "marker": {"symbol": "x", "size": 13, "color": mark.color, "line": {"width": 2, "color": mark.color}},
        "name": pick(lang, f"last finite step ({mark.step:,})", f"最後の有限なステップ（{mark.step:,}）"),
        "hovertemplate": pick(
            lang,
            "last finite step %{x:,}<br>E = %{y:.6g}<br>the next step overflows<extra></extra>",
            "最後の有限なステップ %{x:,}<br>E = %{y:.6g}<br>次のステップでオーバーフロー<extra></extra>",
        ),
    }


def _vline(x: float, color: str) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": color, "dash": "dot", "width": 1},
    }


def curves_figure(
    curves: Sequence[Curve],
    lang: str,
    *,
    title: str,
    y_title: str,
    log_y: bool = False,
    max_points: int = MAX_POINTS,
    marks: Sequence[Mark] = (),
    **layout: object,
) -> go.Figure:
    """Several curves over steps on one chart, each thinned to at most ``max_points`` points; ``marks`` flag the
    last finite step of runs that overflowed."""
    data = [_trace(c, lang, max_points) for c in curves] + [_mark_trace(m, lang) for m in marks]
    extra: dict = dict(layout)
    if marks:
        extra["shapes"] = [_vline(m.step, m.color) for m in marks]
    if log_y and (rng := huge_log_range([c.values for c in curves])):
        extra["yaxis"] = {**extra.get("yaxis", {}), "range": rng}  # type: ignore[dict-item]
    return unchecked_figure(data=data, layout=_layout(lang, title=title, y_title=y_title, log_y=log_y, **extra))


# ---------------------------------------------------------------- the Training screen


def loss_figure(
    loss: np.ndarray,
    lang: str,
    *,
    log_y: bool = False,
    diverged_at: int | None = None,
    sample_loss: np.ndarray | None = None,
    window: int | None = None,
    baseline: np.ndarray | None = None,
    max_points: int = MAX_POINTS,
) -> go.Figure:
    """The loss E after each step (``loss[k]`` after k steps), thinned but with every spike.

    ``diverged_at``: the run overflowed at that step; the curve ends at the step before, which is marked.
    ``sample_loss`` (stochastic runs): the loss of the one sample drawn at each step, as dots with a moving average
    over ``window`` steps — what the course's SGD notebook plots. ``baseline``: a pinned run, drawn faint.
    """
    curves: list[Curve] = []
    if baseline is not None and len(baseline):
        curves.append(Curve(pick(lang, "baseline", "基準"), baseline, color=BASELINE, faint=True, dash="dash"))
    if sample_loss is not None and len(sample_loss):
        w = window or default_window(len(sample_loss))
        curves.append(
            Curve(
                pick(lang, "E of the step's sample", "そのステップのサンプルの誤差 E"), sample_loss, SAMPLE, dots=True
            )
        )
        curves.append(
            Curve(
                pick(lang, f"moving average ({w} steps)", f"移動平均（{w} ステップ）"),
                moving_average(sample_loss, w),
                color=NEGATIVE,
                first_step=w - 1,
            )
        )
    if sample_loss is not None:
        label = pick(lang, "E on all samples", "全サンプルの誤差 E")
    else:
        label = pick(lang, "current E", "現在の誤差 E") if baseline is not None else "E"
    curves.append(Curve(label, loss, CURRENT))
    marks = [Mark(len(loss) - 1, float(loss[-1]))] if diverged_at is not None and len(loss) else []
    return curves_figure(
        curves,
        lang,
        title=pick(lang, "Loss E over the steps", "ステップごとの誤差 E"),
        y_title=pick(lang, "loss E", "誤差 E"),
        log_y=log_y,
        max_points=max_points,
        marks=marks,
        showlegend=len(curves) + len(marks) > 1,
    )


def output_figure(
    steps: np.ndarray,
    lines: dict[str, np.ndarray],
    lang: str,
    *,
    kind: str,
    targets: dict[str, float] | None = None,
) -> go.Figure:
    """What the network outputs over the steps, at the evaluated ``steps``.

    ``kind`` "probability": the probability y of the target class (softmax: y of the class d marks; sigmoid: y
    when d = 1, 1 − y when d = 0), on [0, 1]. "output": y against the target d (dashed, same colour) for squared
    error. "error": the mean |y − d| when there are too many outputs to draw one by one.
    """
    palette = [CURRENT, NEGATIVE, TARGET, "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    step = pick(lang, "step", "ステップ")
    x = np.asarray(steps, dtype=np.int32)
    data, shapes, notes = [], [], []
    for i, (label, values) in enumerate(lines.items()):
        color = palette[i % len(palette)]
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": np.asarray(values, dtype=np.float64),
                "mode": "lines",
                "name": label,
                "line": {"color": color, "width": 2},
                "hovertemplate": f"{label}<br>{step} %{{x:,}}<br>%{{y:.6g}}<extra></extra>",
            }
        )
        if targets and label in targets:  # the target d as a dashed line in the output's colour
            d = targets[label]
            line = {"color": color, "dash": "dash", "width": 1}
            shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": d, "y1": d, "line": line})
            notes.append(
                {
                    "xref": "paper",
                    "x": 0.0,
                    "y": d,
                    "text": f"d = {d:.4g}",
                    "showarrow": False,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "font": {"color": color, "size": 11},
                }
            )
    titles = {
        "probability": (
            pick(lang, "Probability of the target class", "目標クラスの確率"),
            pick(lang, "output y of the target", "目標の出力 y"),
        ),
        "output": (pick(lang, "Output y and target d", "出力 y と目標出力 d"), pick(lang, "output y", "出力 y")),
        "error": (
            pick(lang, "Mean distance |y − d| to the target", "目標との平均の差 |y − d|"),
            pick(lang, "mean |y − d|", "平均 |y − d|"),
        ),
    }
    title, y_title = titles[kind]
    extra: dict = {"showlegend": True, **LEGEND_BELOW}
    extra |= ({"shapes": shapes} if shapes else {}) | ({"annotations": notes} if notes else {})  # none: no key
    if kind == "probability":
        extra["yaxis"] = {"range": [-0.02, 1.02]}
    return unchecked_figure(data=data, layout=_layout(lang, title=title, y_title=y_title, log_y=False, **extra))


def gradient_norm_figure(
    total: np.ndarray,
    lang: str,
    *,
    probe_steps: np.ndarray | None = None,
    per_param: dict[str, np.ndarray] | None = None,
    log_y: bool = True,
    loss: str = "E",
) -> go.Figure:
    """The size of the gradient ‖∂E/∂θ‖ after each step (``total[k]``, all parameters together, thinned like the
    loss), and each parameter's ‖∂E/∂W1‖ ... at ``probe_steps`` (hidden until picked in the legend).

    A gradient that shrinks towards 0 means the run has settled; one that grows means every step gets bigger.
    ``loss`` names the loss differentiated: "E" (the mean loss) or "E_sum" (Σₙ Eₙ, the notebook's sum).
    """
    total = np.where(np.isfinite(total), total, np.nan)  # an overflowing square is drawn as a gap, not as inf
    label = pick(lang, f"‖∂{loss}/∂θ‖ (all parameters)", f"‖∂{loss}/∂θ‖（全パラメータ）")
    step = pick(lang, "step", "ステップ")
    data = [_trace(Curve(label, total, CURRENT, hover_name=f"‖∂{loss}/∂θ‖"), lang, MAX_POINTS)]
    for name, values in (per_param or {}).items():
        data.append(
            {
                "type": "scatter",
                "x": np.asarray(probe_steps, dtype=np.int32),
                "y": np.asarray(values, dtype=np.float64),
                "mode": "lines",
                "name": f"‖∂{loss}/∂{name}‖",
                "line": {"color": PARAM_COLORS.get(name, BASELINE), "width": 1.4},
                "visible": "legendonly",
                "hovertemplate": f"‖∂{loss}/∂{name}‖<br>{step} %{{x:,}}<br>%{{y:.4g}}<extra></extra>",
            }
        )
    extra: dict = {"showlegend": True, **LEGEND_BELOW}
    if log_y and (rng := huge_log_range([total, *(per_param or {}).values()])):
        extra["yaxis"] = {"range": rng}
    return unchecked_figure(
        data=data,
        layout=_layout(
            lang,
            title=pick(lang, f"Gradient size ‖∂{loss}/∂θ‖", f"勾配の大きさ ‖∂{loss}/∂θ‖（偏微分のノルム）"),
            y_title=f"‖∂{loss}/∂θ‖",
            log_y=log_y,
            **extra,
        ),
    )


# ---------------------------------------------------------------- the learning-rate sweep


def lr_label(lr: float) -> str:
    """A learning rate as people write it: 0.01, 3e-05, 1,000."""
    return f"{lr:.3g}"


def _lr_colors(n: int) -> list[str]:
    """One colour per learning rate, from small (dark blue) to large (yellow), so order reads at a glance."""
    from plotly.colors import sample_colorscale

    return sample_colorscale("Viridis", list(np.linspace(0.0, 0.9, n))) if n > 1 else [CURRENT]


def sweep_curves_figure(lrs: np.ndarray, losses: np.ndarray, lang: str, *, log_y: bool = True) -> go.Figure:
    """One loss curve per learning rate (rows of ``dnn.sweep``); a diverged run ends at its last finite step (×)."""
    colors = _lr_colors(len(lrs))
    per_curve = max(1000, 12 * MAX_POINTS // max(1, len(lrs)))  # ≤ 16 curves: at most ~50,000 points in all
    curves, marks = [], []
    for lr, row, color in zip(lrs, losses, colors, strict=True):
        finite = np.isfinite(row)
        end = row.size if finite.all() else int(np.argmin(finite))
        curves.append(Curve(f"η = {lr_label(lr)}", row[:end], color=color))
        if end < row.size and end > 0:
            marks.append(Mark(end - 1, float(row[end - 1]), color=DIVERGED))
    fig = curves_figure(
        curves,
        lang,
        title=pick(lang, "Loss E for each learning rate η", "学習率 η ごとの誤差 E"),
        y_title=pick(lang, "loss E", "誤差 E"),
        log_y=log_y,
        max_points=per_curve,
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
    )
    # The overflow marks go on top, without a legend entry each (the hover names the step).
    for m in marks:
        small = {"symbol": "x", "size": 10, "color": DIVERGED}
        fig.add_trace({**_mark_trace(m, lang), "showlegend": False, "marker": small})
    return fig


def bucket_max(losses: np.ndarray, columns: int = HEATMAP_COLUMNS) -> tuple[np.ndarray, np.ndarray]:
    """(first step of each column, the largest finite loss per run and column): at most ``columns`` columns.

    The maximum keeps spikes visible. A column where a run is no longer finite is NaN (drawn empty).
    """
    runs, n = losses.shape
    size = max(1, -(-n // columns))
    cols = -(-n // size)
    padded = np.full((runs, cols * size), -np.inf)
    padded[:, :n] = np.where(np.isfinite(losses), losses, -np.inf)
    z = padded.reshape(runs, cols, size).max(axis=2)
    z[~np.isfinite(z)] = np.nan
    return np.arange(cols) * size, z


def sweep_heatmap_figure(lrs: np.ndarray, losses: np.ndarray, lang: str) -> go.Figure:
    """Step × learning rate, coloured by log₁₀ of the loss: every run of a large sweep in one picture."""
    starts, z = bucket_max(losses)
    logz = np.log10(np.maximum(z, LOG_FLOOR), where=np.isfinite(z), out=np.full(z.shape, np.nan))
    step = pick(lang, "step", "ステップ")
    heat = {
        "type": "heatmap",
        "x": starts.astype(np.int32),
        "y": np.asarray(lrs, dtype=np.float64),
        "z": logz.astype(np.float32),  # colours need no more: halves what the browser receives
        "colorscale": "Viridis",
        "colorbar": {"title": {"text": "log₁₀ E", "side": "right"}, "thickness": 12},
        "hovertemplate": f"η = %{{y:.3g}}<br>{step} %{{x:,}}<br>log₁₀ E = %{{z:.3f}}<extra></extra>",
    }
    if np.nanmin(logz, initial=0.0) <= math.log10(LOG_FLOOR):
        heat["zmin"] = math.log10(LOG_FLOOR)
    title = pick(
        lang,
        "Loss E by step and learning rate η (empty: overflowed)",
        "ステップ × 学習率 η の誤差 E（空白: オーバーフロー）",
    )
    layout = _layout(lang, title=title, y_title=pick(lang, "learning rate η", "学習率 η"), log_y=True, height=420)
    return unchecked_figure(data=[heat], layout=layout)


def final_loss_figure(
    lrs: np.ndarray,
    final: np.ndarray,
    diverged: Sequence[int | None],
    lang: str,
    *,
    current_lr: float | None = None,
) -> go.Figure:
    """The loss after the last step against the learning rate (log–log); overflowed runs as × at the top."""
    lrs = np.asarray(lrs, dtype=np.float64)
    final = np.asarray(final, dtype=np.float64)
    bad = np.array([d is not None for d in diverged], dtype=bool)
    data: list[dict] = [
        {
            "type": "scatter",
            "x": lrs[~bad],
            "y": np.maximum(final[~bad], LOG_FLOOR),
            "customdata": final[~bad],  # the true value for the hover, also where it is drawn at the floor
            "mode": "lines+markers",
            "marker": {"size": 5, "color": CURRENT},
            "line": {"color": CURRENT, "width": 1.5},
            "name": pick(lang, "final E", "最終の誤差 E"),
            "hovertemplate": "η = %{x:.4g}<br>E = %{customdata:.6g}<extra></extra>",
        }
    ]
    if bad.any():
        top = float(np.nanmax(np.maximum(final[~bad], LOG_FLOOR))) if (~bad).any() else 1.0
        data.append(
            {
                "type": "scatter",
                "x": lrs[bad],
                "y": np.full(int(bad.sum()), top),
                "mode": "markers",
                "marker": {"symbol": "x", "size": 10, "color": DIVERGED},
                "customdata": np.asarray([d for d in diverged if d is not None], dtype=np.int32),
                "name": pick(lang, "overflowed", "オーバーフロー"),
                "hovertemplate": pick(
                    lang,
                    "η = %{x:.4g}<br>overflow at step %{customdata:,}<extra></extra>",
                    "η = %{x:.4g}<br>ステップ %{customdata:,} でオーバーフロー<extra></extra>",
                ),
            }
        )
    extra: dict = {
        "showlegend": bool(bad.any()),
        "xaxis": {"type": "log", "rangemode": "normal", "exponentformat": "power"},
    }
    if current_lr is not None:
        extra["shapes"] = [_vline(current_lr, BASELINE)]
        # Annotations on a log axis take log10 of the value (shapes take the value itself).
        extra["annotations"] = [
            {
                "x": math.log10(current_lr),
                "xref": "x",
                "y": 1.0,
                "yref": "paper",
                "text": pick(lang, "scenario's η", "シナリオの η"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 11, "color": BASELINE},
            }
        ]
    layout = _layout(
        lang,
        title=pick(lang, "Final loss E against the learning rate η", "学習率 η と最終の誤差 E"),
        y_title=pick(lang, "final loss E", "最終の誤差 E"),
        log_y=True,
        x_title=pick(lang, "learning rate η", "学習率 η"),
        **extra,
    )
    return unchecked_figure(data=data, layout=layout)


# ---------------------------------------------------------------- Compare: trained parameters, current − baseline

_PARAM_AXES = {"W1": ("x", "h"), "b1": ("", "h"), "W2": ("h", "y"), "b2": ("", "y")}


def difference_figure(name: str, diff: np.ndarray, lang: str) -> go.Figure:
    """ΔW = current − baseline for parameter ``name`` (W1, b1, W2, b2) as a signed heatmap, rows and columns named
    by unit (from ``dnn.parameter_differences``)."""
    rows, columns = _PARAM_AXES[name]
    diff = np.atleast_2d(diff)
    kind = pick(lang, "weight", "重み") if name.startswith("W") else pick(lang, "bias", "バイアス")
    return signed_heatmap(
        diff,
        unit_names(columns, diff.shape[1]),
        [name] if not rows else unit_names(rows, diff.shape[0]),
        x_title="",
        y_title="",
        title=f"Δ{name}" + pick(lang, f" ({kind})", f"（{kind}）"),
        colorbar_title=f"Δ{name}",
        hover_name=f"Δ{name}",
    )
