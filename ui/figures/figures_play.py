"""Figures of a run being played (plain functions: arrays in, plotly figure out, no Streamlit).

- ``play_figure``: one figure that the browser animates on its own (plotly ``frames``, a row of ▶ buttons, one per
  speed, a Pause button and a step slider): the network diagram with every edge's width and colour from the
  weights at step k, the output over the input plane with the samples (two inputs), and a marker moving along the
  loss curve.
- ``samples_figure``: a data set's samples over the input plane, one colour per class.
- ``surface_figure``: the output over the input plane at one step, for the Training screen's step slider.

Every number drawn comes from ``dnn`` (``dnn.playback``): the parameters at each frame's step and the output on
the grid. To keep the animated figure small (< 2 MB at 100,000 steps), the surface is sent as 100 shades over the
output's range and the edges as a few traces, one per sign and width level, whose line segments move between them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

import dnn
from dnn import datasets, playback
from ui.figures import plane_style
from ui.figures.figures_forward import output_label
from ui.figures.figures_network import MAX_WIDTH, MIN_WIDTH, NEGATIVE, NODE_FILL, NODE_LINE, POSITIVE
from ui.figures.figures_training import decimate
from ui.figures.unchecked import unchecked_figure
from ui.text.i18n import pick

WIDTH_LEVELS = 6  # edge widths drawn per sign: each edge is put in the level nearest its |w|
SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 4.0)  # the speed buttons, as multiples of 1×
FRAME_MS_AT_1X = 160  # time each frame is shown while playing at 1× (about 6 frames a second)
LOSS_POINTS = 2_000  # points of the loss curve drawn under the moving marker
FRAME_BYTES = 1_500_000  # the frames' share of the figure's JSON, at most about (the whole stays < 1.5 MB)
PLANE_RESOLUTION = 41  # grid points across the input plane, as on Forward and at the step slider
LINE_POINT_BYTES = 14  # a point of the line y = 0.5 in a frame's JSON: two numbers of 4 digits and their commas
SURFACE_MARKER_PX = 12  # a grid point's square: a little more than a cell of 41 across the plane at 1366 px
PLANE_X = (0.5, 0.94)  # the input plane's share of the figure's width (the network diagram on the left)
SURFACE_LEVELS = 99  # shades of the output over the input plane sent per grid point (see _surface_levels)


class PrebuiltFigure(go.Figure):
    """A figure handed to Streamlit exactly as built here, as plain dicts.

    Plotly checks every trace of every frame when a figure is made (about 3 s for 280 frames of 18 traces); these
    dicts come from the builders below, so the check is skipped: ``to_dict`` returns them as they are, and
    ``st.plotly_chart`` serialises that dict. (The figure object itself stays empty: making plotly's layout object
    from the film's 200-step slider alone took ~10 ms per rerun; read the figure through ``to_dict``.)"""

    def __init__(self, figure: dict[str, Any]) -> None:
        super().__init__(_validate=False)
        self._prebuilt = figure

    def to_dict(self) -> dict[str, Any]:
        """The figure as the dict plotly.js reads (data, layout, frames)."""
        return dict(self._prebuilt)


def _positions(n: int) -> np.ndarray:
    """Heights of n nodes, top to bottom, two units apart: whole numbers, so the frames' JSON stays short."""
    return (n - 1) - 2 * np.arange(n)


@dataclass(frozen=True)
class Film:
    """What the animated figure shows: ``steps`` (frame k shows the parameters after steps[k] SGD steps),
    ``networks`` at those steps, the run's ``loss`` at every step, and, for two inputs, the output ``surfaces``
    (frames, rows, columns) over the grid ``x1`` × ``x2`` of output number ``output``; ``held_out_loss`` at the
    frame steps when some samples are held out; ``half_lines``, for a probability output, the line y = 0.5 of
    each frame's surface (``dnn.playback.level_line``: x1 and x2, pieces separated by NaN)."""

    steps: np.ndarray
    networks: list[dnn.Network]
    loss: np.ndarray
    x: np.ndarray
    d: np.ndarray
    surfaces: np.ndarray | None = None
    x1: np.ndarray | None = None
    x2: np.ndarray | None = None
    output: int = 0
    held_out: tuple[np.ndarray, np.ndarray] | None = None
    held_out_loss: np.ndarray | None = None
    half_lines: list[tuple[np.ndarray, np.ndarray]] | None = None


# ---------------------------------------------------------------- the network's edges, frame by frame


def _edge_ends(net: dnn.Network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Start and end points (x0, y0, x1, y1) of every edge, W1's then W2's, row by row."""
    p_in, p_h, p_out = _positions(net.n_in), _positions(net.n_hidden), _positions(net.n_out)
    i1, j1 = np.meshgrid(np.arange(net.n_in), np.arange(net.n_hidden), indexing="ij")
    i2, j2 = np.meshgrid(np.arange(net.n_hidden), np.arange(net.n_out), indexing="ij")
    x0 = np.concatenate([np.zeros(i1.size, dtype=np.int64), np.full(i2.size, 2)])
    y0 = np.concatenate([p_in[i1.ravel()], p_h[i2.ravel()]])
    y1 = np.concatenate([p_h[j1.ravel()], p_out[j2.ravel()]])
    return x0, y0, x0 + 2, y1


def _weights(net: dnn.Network) -> np.ndarray:
    return np.concatenate([net.W1.ravel(), net.W2.ravel()])


def _levels(w: np.ndarray, w_max: float) -> np.ndarray:
    """Each edge's trace: sign (0 positive, 1 negative) × WIDTH_LEVELS + width level from |w| / w_max."""
    level = np.minimum((np.abs(w) / w_max * WIDTH_LEVELS).astype(np.int64), WIDTH_LEVELS - 1)
    return (w < 0).astype(np.int64) * WIDTH_LEVELS + level


def _level_width(level: int) -> float:
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * (level % WIDTH_LEVELS + 0.5) / WIDTH_LEVELS


def _segments(ends: tuple[np.ndarray, ...]) -> tuple[list[list], list[list]]:
    """For every edge, its x and y as a segment followed by a gap: [x0, x1, None], [y0, y1, None]."""
    x0, y0, x1, y1 = (e.tolist() for e in ends)
    return [[a, b, None] for a, b in zip(x0, x1, strict=True)], [[a, b, None] for a, b in zip(y0, y1, strict=True)]


def _edge_data(net: dnn.Network, segments: tuple[list[list], list[list]], w_max: float) -> list[dict[str, Any]]:
    """The edge traces' x and y for one network: each edge in the trace of its sign and width level."""
    levels = _levels(_weights(net), w_max).tolist()
    xs: list[list] = [[] for _ in range(2 * WIDTH_LEVELS)]
    ys: list[list] = [[] for _ in range(2 * WIDTH_LEVELS)]
    for edge, level in enumerate(levels):
        xs[level] += segments[0][edge]
        ys[level] += segments[1][edge]
    return [{"type": "scatter", "x": x or [None], "y": y or [None]} for x, y in zip(xs, ys, strict=True)]


# ---------------------------------------------------------------- the figure


def _surface_levels(surfaces: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Surfaces as whole shades 0–SURFACE_LEVELS over [lo, hi] (NaN, after an overflow, becomes 0).

    Whole numbers below 100 are at most two characters in the frames' JSON. (plotly.js does not decode numpy's
    binary arrays inside animation frames, so the frames carry plain lists.)"""
    scaled = np.nan_to_num((surfaces - lo) / (hi - lo if hi > lo else 1.0), nan=0.0)
    return np.round(np.clip(scaled, 0.0, 1.0) * SURFACE_LEVELS).astype(np.int64)


def _line_points(values: np.ndarray) -> list[float | None]:
    """A line's coordinates for the frames' JSON: 4 significant digits (well under a grid cell), NaN (between two
    pieces) as null, which plotly draws as a gap."""
    return [None if np.isnan(v) else float(f"{v:.4g}") for v in values]


def play_figure(film: Film, lang: str, *, log_y: bool = False) -> go.Figure:
    """The run as an animation the browser plays by itself: ▶ buttons at 0.25× to 4×, Pause and a step slider.

    Traces that move carry ``meta={"kind": "edges", "level": l}``, ``{"kind": "surface"}`` and
    ``{"kind": "marker"}``; each frame is named after its step."""
    net0 = film.networks[0]
    plane = film.surfaces is not None
    segments = _segments(_edge_ends(net0))
    w_max = max(float(np.max(np.abs(_weights(n)))) for n in film.networks) or 1.0
    diagram_x = [0.0, 0.42] if plane else [0.0, 1.0]
    # With the plane, its x1 axis and colourbar sit under it: the top row ends higher, and the legend goes under
    # the network diagram, clear of the colourbar.
    top = [0.5, 1.0] if plane else [0.44, 1.0]
    layout: dict[str, Any] = {
        "height": 760,
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hovermode": "closest",
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": sum(diagram_x) / 2,
            "xanchor": "center",
            "y": top[0] - 0.04,
            "yanchor": "top",
        },
        "xaxis": {"domain": diagram_x, "visible": False, "range": [-0.6, 4.6], "fixedrange": True},
        "yaxis": {"domain": top, "visible": False, "fixedrange": True},
        "xaxis3": {
            "domain": [0.0, 1.0],
            "anchor": "y3",
            "title": {"text": pick(lang, "step", "ステップ")},
            "range": [0, max(int(film.steps[-1]), 1)],
        },
        "yaxis3": {
            "domain": [0.0, 0.2],
            "anchor": "x3",
            "type": "log" if log_y else "linear",
            "title": {"text": pick(lang, "loss E", "誤差 E")},
        },
    }
    traces: list[dict[str, Any]] = []
    first_edges = _edge_data(net0, segments, w_max)
    for level, data in enumerate(first_edges):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "line": {"color": POSITIVE if level < WIDTH_LEVELS else NEGATIVE, "width": _level_width(level)},
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {"kind": "edges", "level": level},
                **data,
            }
        )
    names = (
        [f"x{i + 1}" for i in range(net0.n_in)],
        [f"h{j + 1}" for j in range(net0.n_hidden)],
        [f"y{k + 1}" for k in range(net0.n_out)],
    )
    node_x = np.concatenate([np.full(len(n), 2 * c) for c, n in enumerate(names)])
    node_y = np.concatenate([_positions(len(n)) for n in names])
    traces.append(
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": node_x.tolist(),
            "y": node_y.tolist(),
            "text": [name for layer in names for name in layer],
            "marker": {"size": 30, "color": NODE_FILL, "line": {"color": NODE_LINE, "width": 1.5}},
            "hoverinfo": "skip",
            "showlegend": False,
            "meta": {"kind": "nodes"},
        }
    )
    n_max = max(len(n) for n in names)
    layout["yaxis"]["range"] = [-n_max - 0.2, n_max + 0.2]
    moving = list(range(2 * WIDTH_LEVELS))
    surface_levels = None
    if plane:
        assert film.surfaces is not None and film.x1 is not None and film.x2 is not None
        # One scale for every frame (an identity output's over all of them), so a colour is the same y throughout.
        lo, hi = playback.colour_range(net0.output, film.surfaces)
        surface_levels = _surface_levels(film.surfaces, lo, hi)
        axes = {"xaxis": "x2", "yaxis": "y2"}
        traces.append(
            {
                # A mosaic of square markers, not a heatmap: plotly.js drops heatmaps (and every trace beside
                # them) from the plot while it plays frames; scatter markers are what it animates.
                "type": "scatter",
                "mode": "markers",
                "x": np.tile(film.x1, len(film.x2)).tolist(),
                "y": np.repeat(film.x2, len(film.x1)).tolist(),
                "marker": {
                    "symbol": "square",
                    "size": SURFACE_MARKER_PX,
                    "color": surface_levels[0].ravel().tolist(),
                    "cmin": 0,
                    "cmax": SURFACE_LEVELS,
                    "colorscale": plane_style.colorscale(),
                    "line": {"width": 0},
                    # Under the plane, centred on it (its square shrinks towards the middle of its domain).
                    "colorbar": plane_style.colorbar(
                        output_label(net0, film.output, lang),
                        lo,
                        hi,
                        x=sum(PLANE_X) / 2,
                        y=top[0] - 0.075,
                        scale=SURFACE_LEVELS / (hi - lo),
                    ),
                },
                "hoverinfo": "skip",
                "showlegend": False,
                "meta": {"kind": "surface"},
                **axes,
            }
        )
        moving.append(len(traces) - 1)
        if film.half_lines is not None:
            # The line y = 0.5 as a scatter line (plotly.js drops contour traces while it plays frames).
            xs, ys = film.half_lines[0]
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "x": _line_points(xs),
                    "y": _line_points(ys),
                    "line": plane_style.HALF_LINE,
                    "hoverinfo": "skip",
                    "name": f"y{film.output + 1} = 0.5",
                    "showlegend": True,
                    "meta": {"kind": "half"},
                    **axes,
                }
            )
            moving.append(len(traces) - 1)
        traces += plane_style.sample_traces(film.x, film.d, lang, axes=axes)
        if film.held_out is not None:
            traces += plane_style.sample_traces(*film.held_out, lang, held_out=True, axes=axes)
        layout["xaxis2"] = {
            "domain": list(PLANE_X),
            "anchor": "y2",
            "range": [float(film.x1[0]), float(film.x1[-1])],
            "title": plane_style.axis_title("x1"),
            "constrain": "domain",
        }
        layout["yaxis2"] = {
            "domain": top,
            "anchor": "x2",
            "range": [float(film.x2[0]), float(film.x2[-1])],
            "title": plane_style.axis_title("x2"),
            "scaleanchor": "x2",
            "constrain": "domain",
        }
    steps_all = decimate(np.arange(len(film.loss)), LOSS_POINTS)
    loss_axes = {"xaxis": "x3", "yaxis": "y3"}
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": steps_all.tolist(),
            "y": film.loss[steps_all].tolist(),
            "line": {"color": "#1F2933", "width": 1.5},
            "name": pick(lang, "training loss E", "学習用の誤差 E"),
            "meta": {"kind": "loss"},
            **loss_axes,
        }
    )
    if film.held_out_loss is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": film.steps.tolist(),
                "y": film.held_out_loss.tolist(),
                "line": {"color": "#D55E00", "width": 1.5, "dash": "dash"},
                "name": pick(lang, "held-out loss", "テスト用の誤差"),
                "meta": {"kind": "held_out_loss"},
                **loss_axes,
            }
        )
    traces.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": [int(film.steps[0])],
            "y": [float(film.loss[film.steps[0]])],
            "marker": {"size": 12, "color": "#D55E00", "line": {"color": "white", "width": 1.5}},
            "name": pick(lang, "shown step", "表示中のステップ"),
            "hovertemplate": pick(lang, "step %{x:,}<br>E = %{y:.4g}", "ステップ %{x:,}<br>E = %{y:.4g}")
            + "<extra></extra>",
            "meta": {"kind": "marker"},
            **loss_axes,
        }
    )
    moving.append(len(traces) - 1)

    frames = []
    for f, (step, net) in enumerate(zip(film.steps.tolist(), film.networks, strict=True)):
        data: list[dict[str, Any]] = _edge_data(net, segments, w_max) if f else list(first_edges)
        if surface_levels is not None:
            data.append({"type": "scatter", "marker": {"color": surface_levels[f].ravel().tolist()}})
        if film.half_lines is not None:
            xs, ys = film.half_lines[f]
            data.append({"type": "scatter", "x": _line_points(xs), "y": _line_points(ys)})
        data.append({"type": "scatter", "x": [step], "y": [float(film.loss[step])]})
        frames.append({"name": str(step), "data": data, "traces": list(moving)})
    layout["sliders"] = [_slider(film.steps, lang)]
    layout["updatemenus"] = [_buttons(lang)]
    return PrebuiltFigure({"data": traces, "layout": layout, "frames": frames})


def frame_ms(speed: float) -> int:
    """How long each frame is shown when playing at ``speed`` (1× = FRAME_MS_AT_1X)."""
    return round(FRAME_MS_AT_1X / speed)


def speed_label(speed: float, lang: str) -> str:
    """A speed button's label: "▶ 0.25×" / "▶ 0.25倍速"."""
    return "▶ " + pick(lang, f"{speed:g}×", f"{speed:g}倍速")


def _frame_args(duration: int) -> dict[str, Any]:
    return {
        # Every moving trace is a scatter, which plotly animates without a full redraw: several times faster.
        "frame": {"duration": duration, "redraw": False},
        "transition": {"duration": 0},
        # "immediate" drops the frames still queued and "fromcurrent" starts after the frame on screen, so a
        # speed chosen while playing carries on from there at the new speed.
        "mode": "immediate",
        "fromcurrent": True,
    }


def _buttons(lang: str) -> dict[str, Any]:
    """One ▶ button per speed, then Pause. A plotly button runs fixed arguments (Streamlit's chart takes no
    JavaScript), so it cannot tell playing from paused: each speed button plays at its speed."""
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "xanchor": "left",
        "y": 1.07,
        "yanchor": "top",
        "pad": {"r": 6, "t": 0},
        "showactive": True,  # the speed playing (or last played) stays marked
        "active": -1,
        "font": {"size": 13, "color": "#1F2933"},
        "bgcolor": "#FFFFFF",
        "bordercolor": "#9AA5B1",
        "buttons": [
            *(
                {"label": speed_label(speed, lang), "method": "animate", "args": [None, _frame_args(frame_ms(speed))]}
                for speed in SPEEDS
            ),
            {
                "label": pick(lang, "Pause", "一時停止"),
                "method": "animate",
                "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
            },
        ],
    }


def _slider(steps: np.ndarray, lang: str) -> dict[str, Any]:
    return {
        "active": 0,
        "x": 0.0,
        "len": 1.0,
        "y": 0.33,
        "yanchor": "top",
        "pad": {"t": 0, "b": 0},
        "currentvalue": {
            "prefix": pick(lang, "step ", "ステップ "),
            "font": {"size": 14, "color": "#1F2933"},
            "xanchor": "left",
        },
        "ticklen": 0,
        "font": {"size": 1, "color": "rgba(0,0,0,0)"},  # one tick a frame: hide their labels, keep the value shown
        "steps": [
            {
                "label": f"{step:,}",
                "method": "animate",
                "args": [[str(step)], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
            }
            for step in steps.tolist()
        ],
    }


# ---------------------------------------------------------------- still figures


def samples_figure(
    x: np.ndarray, d: np.ndarray, lang: str, held_out: tuple[np.ndarray, np.ndarray] | None = None
) -> go.Figure:
    """The samples over the input plane (two inputs), one colour per class; held-out samples hollow."""
    traces = plane_style.sample_traces(x, d, lang)
    if held_out is not None and len(held_out[0]):
        traces += plane_style.sample_traces(*held_out, lang, held_out=True)
    layout = {
        "height": 300,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white",
        "xaxis": {"title": plane_style.axis_title("x1"), "zeroline": True, "gridcolor": "#EEE"},
        "yaxis": {"title": plane_style.axis_title("x2"), "scaleanchor": "x", "zeroline": True, "gridcolor": "#EEE"},
        "legend": {"orientation": "v", "x": 1.02, "y": 1},
    }
    return unchecked_figure(data=traces, layout=layout)


def make_film(
    history: dnn.History, held_out: tuple[np.ndarray, np.ndarray] | None = None, resolution: int = PLANE_RESOLUTION
) -> Film:
    """The frames of a run: their steps (``dnn.playback.frame_steps``: at most 200 evenly spaced, fewer for a big
    network or a long line y = 0.5 so the figure stays under about 1.5 MB, plus the loss's jumps), the networks at
    those steps and, for two inputs, the output over a grid around the samples (the first sample's target output,
    as on Forward) with, for a probability, its line y = 0.5."""
    net = history.start
    x, d = history.x, history.d
    per_frame = 20 * (net.n_in * net.n_hidden + net.n_hidden * net.n_out) + 600  # bytes of a frame's JSON, about
    grid, output, half = None, 0, net.output in ("softmax", "sigmoid")
    if net.n_in == 2:
        output = int(np.argmax(d[0])) if net.n_out > 1 else 0
        both = x if held_out is None or not len(held_out[0]) else np.concatenate([x, held_out[0]])
        grid = playback.plane_grid(both, resolution)
        per_frame += 3 * resolution**2  # the shades
        if half:  # the line y = 0.5: as long as at the start, half way or the end, whichever is longest
            probe = playback.networks_at(history, np.array([0, history.last_step // 2, history.last_step]))
            points = max(
                len(playback.level_line(s, grid.x1, grid.x2)[0]) for s in playback.surfaces(probe, grid, output)
            )
            per_frame += LINE_POINT_BYTES * points
    fit = FRAME_BYTES // per_frame  # frames in all: the evenly spaced ones and two for each jump (a fifth as many)
    even = int(np.clip(fit * 5 // 7, 40, playback.MAX_EVEN_FRAMES))  # a big network or a long line: fewer frames
    steps = playback.frame_steps(history.loss, even, min(playback.MAX_JUMP_FRAMES, even // 5), history.snapshot_every)
    networks = playback.networks_at(history, steps)
    held_loss = None
    if held_out is not None and len(held_out[0]):
        held_loss = datasets.loss_at_steps(history.params_at(steps), history.start, *held_out)
    else:
        held_out = None
    if grid is None:
        return Film(steps, networks, history.loss, x, d, held_out=held_out, held_out_loss=held_loss)
    surfaces = playback.surfaces(networks, grid, output)
    # As on Forward: the line y = 0.5 means something for a probability (as likely as not), not for an identity output
    lines = [playback.level_line(s, grid.x1, grid.x2) for s in surfaces] if half else None
    return Film(
        steps,
        networks,
        history.loss,
        x,
        d,
        surfaces=surfaces,
        x1=grid.x1,
        x2=grid.x2,
        output=output,
        held_out=held_out,
        held_out_loss=held_loss,
        half_lines=lines,
    )
