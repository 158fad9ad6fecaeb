"""Figures of the Forward screen (plain functions: arrays in, plotly figure out, no Streamlit).

- ``input_plane_figure``: for two inputs, one output y_k (the target class's probability for softmax/sigmoid)
  over the input plane (x1, x2), with each hidden unit's line u = 0 (where its total input changes sign; for ReLU
  the unit is off on one side of it) and the samples marked.
- ``input_line_figure``: the same for one input: every output over x1, with each hidden unit's point u = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

import dnn
from dnn import playback
from ui.figures import plane_style
from ui.figures.unchecked import unchecked_figure
from ui.text.i18n import pick

# Hidden units' lines: colours that stand out on the plane's purple, white and green and on the white legend
# (Okabe-Ito vermillion, pink, sky blue, orange, then dark red and grey), and a dash style per unit, so two units
# never look alike.
UNIT_COLORS: tuple[str, ...] = ("#D55E00", "#CC79A7", "#56B4E9", "#E69F00", "#B2182B", "#7F7F7F")
UNIT_DASHES: tuple[str, ...] = ("dash", "dot", "dashdot", "longdash", "longdashdot")
RESOLUTION = 101  # grid points per axis of the input plane


@dataclass(frozen=True)
class Box:
    """The part of the input plane that is drawn: [x1_lo, x1_hi] × [x2_lo, x2_hi]."""

    x1: tuple[float, float]
    x2: tuple[float, float]


def unit_color(j: int) -> str:
    """The colour of hidden unit h(j+1)'s line."""
    return UNIT_COLORS[j % len(UNIT_COLORS)]


def view_box(x: np.ndarray) -> Box:
    """The square part of the plane drawn for the samples x (``dnn.playback.plane_range``, as on Training)."""
    (lo1, hi1), (lo2, hi2) = playback.plane_range(x)
    return Box((float(lo1), float(hi1)), (float(lo2), float(hi2)))


def shown_output(net: dnn.Network, d: np.ndarray) -> int:
    """The output to draw over the input plane: the first sample's target class (the largest entry of d[0])."""
    return int(np.argmax(np.atleast_2d(d)[0])) if net.n_out > 1 else 0


def output_label(net: dnn.Network, k: int, lang: str) -> str:
    """What the colours mean: the probability of class k for softmax/sigmoid outputs, else the output value."""
    name = f"y{k + 1}"
    if net.output == "softmax":
        return pick(lang, f"{name} = P(class {k + 1})", f"{name}（クラス {k + 1} の確率）")
    if net.output == "sigmoid":
        return pick(lang, f"{name} = P({name} = 1)", f"{name}（{name} = 1 の確率）")
    return pick(lang, f"{name} (output value)", f"{name}（出力の値）")


def zero_line(w: np.ndarray, b: float, box: Box) -> tuple[np.ndarray, np.ndarray] | None:
    """Two points of the line x1·w[0] + x2·w[1] + b = 0 spanning ``box`` (None if w = 0: there is no line).

    The line is solved for the coordinate with the larger weight, so steep and flat lines are both exact.
    """
    w0, w1 = float(w[0]), float(w[1])
    if w0 == 0.0 and w1 == 0.0:
        return None
    with np.errstate(over="ignore", invalid="ignore"):  # weights near the float limit: the line leaves the view
        if abs(w1) >= abs(w0):
            x1 = np.array(box.x1)
            return x1, -(w0 * x1 + b) / w1
        x2 = np.array(box.x2)
        return -(w1 * x2 + b) / w0, x2


def _crosses(line: tuple[np.ndarray, np.ndarray], box: Box) -> bool:
    """Whether the segment (drawn across one axis's full range) passes through the box."""
    (a1, b1), (a2, b2) = line[0], line[1]
    lo1, hi1 = box.x1
    lo2, hi2 = box.x2
    # The segment spans one axis completely, so it misses only if it lies wholly beyond the other axis's range.
    if a1 == lo1 and b1 == hi1:
        return not (max(a2, b2) < lo2 or min(a2, b2) > hi2)
    return not (max(a1, b1) < lo1 or min(a1, b1) > hi1)


def input_plane_figure(
    net: dnn.Network,
    x: np.ndarray,
    d: np.ndarray,
    lang: str,
    k: int | None = None,
    resolution: int = RESOLUTION,
    held_out: tuple[np.ndarray, np.ndarray] | None = None,
) -> go.Figure:
    """Output y_k over the input plane (network with 2 inputs), hidden units' lines u = 0, samples marked, in the
    look of ``ui.figures.plane_style`` (the same as the Training screen's step slider and film).

    The plane drawn holds the samples x and the held-out samples ``held_out`` (x, d; drawn hollow), so it is the
    same part of the plane as the Training screen's film of the run shows. The line y_k = 0.5 is drawn only where
    a probability y_k crosses 0.5 (``layout.meta["crosses_half"]`` says whether it is drawn;
    ``layout.meta["y_range"]`` holds the smallest and largest y_k drawn).

    Traces carry ``meta``: {"kind": "output"} (the heatmap), {"kind": "half"}, {"kind": "zero_line", "unit": j},
    {"kind": "samples"} and {"kind": "held_out"}.
    """
    if net.n_in != 2:
        raise ValueError("the input plane needs a network with 2 inputs")
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    k = shown_output(net, d) if k is None else k
    in_view = x if held_out is None else np.concatenate([x, np.atleast_2d(held_out[0])])
    box = view_box(in_view)
    grid = playback.plane_grid(in_view, resolution)
    g1, g2 = grid.x1, grid.x2
    y = playback.surfaces([net], grid, k)[0]  # row i of the image is x2 = g2[i]
    lo, hi = playback.colour_range(net.output, y)
    # The line y = 0.5 means something for a probability (as likely as not); an identity output has no such level.
    crosses = net.output in ("softmax", "sigmoid") and playback.crosses_half(y)
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "z": y,
            "x": g1,
            "y": g2,
            "colorscale": plane_style.colorscale(),
            "zmin": lo,
            "zmax": hi,
            "colorbar": plane_style.colorbar(output_label(net, k, lang), lo, hi),
            "hovertemplate": f"x1 = %{{x:.3g}}, x2 = %{{y:.3g}}<br>y{k + 1} = %{{z:.4g}}<extra></extra>",
            "meta": {"kind": "output"},
        }
    ]
    if crosses:
        # The level y_k = 0.5: for two softmax classes, the boundary between them.
        traces.append(
            {
                "type": "contour",
                "z": y,
                "x": g1,
                "y": g2,
                "contours": {"start": 0.5, "end": 0.5, "size": 1, "coloring": "none", "showlabels": True},
                "line": plane_style.HALF_LINE,
                "showscale": False,
                "hoverinfo": "skip",
                "name": f"y{k + 1} = 0.5",
                "showlegend": True,
                "meta": {"kind": "half"},
            }
        )
    u_name = pick(lang, "total input", "総入力")
    for j in range(net.n_hidden):
        line = zero_line(net.W1[:, j], float(net.b1[j]), box)
        if line is None:
            continue
        outside = "" if _crosses(line, box) else pick(lang, " (outside the view)", "（表示範囲外）")
        traces.append(
            {
                "type": "scatter",
                "x": line[0],
                "y": line[1],
                "mode": "lines",
                "line": {"color": unit_color(j), "width": 3, "dash": UNIT_DASHES[j % len(UNIT_DASHES)]},
                "name": f"h{j + 1}: u = 0{outside}",
                "hovertemplate": f"h{j + 1}: {u_name} u = 0<extra></extra>",
                "meta": {"kind": "zero_line", "unit": j},
            }
        )
    traces += plane_style.sample_traces(x, d, lang)
    if held_out is not None and len(held_out[0]):
        traces += plane_style.sample_traces(*held_out, lang, held_out=True)
    y_range = list(playback.output_range(y))
    layout = {
        "title": {"text": pick(lang, f"Output y{k + 1} over the input plane", f"入力平面上の出力 y{k + 1}"), "x": 0.0},
        "xaxis": {"title": plane_style.axis_title("x1"), "range": list(box.x1), "constrain": "domain"},
        # Same scale on both axes: a unit's line u = 0 is drawn at its true angle (perpendicular to its weights).
        "yaxis": {
            "title": plane_style.axis_title("x2"),
            "range": list(box.x2),
            "constrain": "domain",
            "scaleanchor": "x",
            "scaleratio": 1,
        },
        "height": 640,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.3, "xanchor": "left", "x": 0.0},
        "plot_bgcolor": "white",
        "meta": {"crosses_half": crosses, "y_range": y_range, "output": k},
    }
    return unchecked_figure(data=traces, layout=layout)


def input_line_figure(net: dnn.Network, x: np.ndarray, d: np.ndarray, lang: str, resolution: int = 201) -> go.Figure:
    """Every output y_k over the input x1 (network with 1 input), each hidden unit's point u = 0, samples marked."""
    if net.n_in != 1:
        raise ValueError("the input line needs a network with 1 input")
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    lo, hi = (float(v) for v in playback.plane_range(x[:, :1])[0])
    g = np.linspace(lo, hi, resolution)
    y = dnn.forward(net, g[:, None]).y
    fig = go.Figure()
    for k in range(net.n_out):
        fig.add_trace(go.Scatter(x=g, y=y[:, k], mode="lines", name=f"y{k + 1}", meta={"kind": "output", "k": k}))
    y_samples = dnn.forward(net, x).y
    target = np.argmax(d, axis=1)
    fig.add_trace(
        go.Scatter(
            x=x[:, 0],
            y=y_samples[np.arange(len(x)), target],
            mode="markers",
            marker={"size": 11, "color": "white", "line": {"color": "black", "width": 2}},
            name=pick(lang, "sample (its target's output)", "サンプル（目標の出力）"),
            meta={"kind": "samples"},
        )
    )
    for j in range(net.n_hidden):
        w = float(net.W1[0, j])
        if w == 0.0:
            continue
        at = -float(net.b1[j]) / w
        if lo <= at <= hi:
            fig.add_vline(
                x=at,
                line={"color": unit_color(j), "dash": UNIT_DASHES[j % len(UNIT_DASHES)]},
                annotation_text=f"h{j + 1}: u = 0",
            )
    y_title = pick(lang, "output y", "出力 y")
    fig.update_layout(
        title={"text": pick(lang, "Outputs over the input x1", "入力 x1 に対する出力"), "x": 0.0},
        xaxis={"title": {"text": "x1"}, "range": [lo, hi]},
        yaxis={"title": {"text": y_title}},
        height=420,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
    )
    return fig


def _y_of_u2(output: str) -> str:
    """The output as a function of u2 in the course's notation: softmax(u2), σ(u2)."""
    return {"sigmoid": "σ(u2)"}.get(output, f"{output}(u2)")


def how_to_read(net: dnn.Network, lang: str, plane: go.Figure | None = None) -> str:
    """How to read the input-space figure (markdown), for the network's number of inputs and its activation.

    With two inputs, ``plane`` is the figure drawn (``input_plane_figure``): the text about the line y = 0.5 says
    what that figure shows (the line, or that y does not cross 0.5 there)."""
    relu = net.hidden == "relu"
    if net.n_in == 2:
        probability = net.output in ("softmax", "sigmoid")
        lines = [
            pick(
                lang,
                "- **Colours**: the output y at every input (x1, x2), computed by the same forward pass: white where "
                "y = 0.5, purple below, green above. "
                + (
                    "The scale runs from 0 to 1 (a probability)."
                    if probability
                    else "The identity output has no bounds: the scale reaches as far from 0.5 as y does on the "
                    "plane, so white is still y = 0.5."
                ),
                "- **色**: あらゆる入力 (x1, x2) での出力 y。同じ順伝播で計算しています。"
                "y = 0.5 で白、それより小さいと紫、大きいと緑。"
                + (
                    "目盛りは 0 から 1 まで（確率）です。"
                    if probability
                    else "恒等関数の出力には上限も下限もないので、目盛りは平面上の y が 0.5 から離れる分だけ"
                    "広げています（白はやはり y = 0.5）。"
                ),
            ),
            pick(
                lang,
                "- **Dashed lines**: where a hidden unit's total input u = x1·W1[x1, h] + x2·W1[x2, h] + b1[h] is 0."
                + (
                    " On one side ReLU switches the unit off (z = 0), so the output layer's total input u2 is linear "
                    "between these lines and bends only on them"
                    + (
                        ": the output y = u2 too."
                        if net.output == "identity"
                        else f"; y = {_y_of_u2(net.output)} then curves it everywhere."
                    )
                    if relu
                    else ""
                ),
                "- **破線**: 中間層ユニットの総入力 u = x1·W1[x1, h] + x2·W1[x2, h] + b1[h] が 0 になる所。"
                + (
                    "片側では ReLU がユニットを止める（z = 0）ので、出力層の総入力 u2 は線と線の間では直線的で、"
                    "この線の上でだけ折れ曲がります"
                    + (
                        "（出力 y = u2 も同じです）。"
                        if net.output == "identity"
                        else f"。出力 y = {_y_of_u2(net.output)} はそれをさらにどこでも曲げます。"
                    )
                    if relu
                    else ""
                ),
            ),
            pick(
                lang,
                "- **Dots**: the samples x, in the colour of their target class (see the legend)"
                + ("; hollow rings are the held-out samples." if _has(plane, "held_out") else "."),
                "- **点**: サンプル x。色は目標のクラス（凡例を参照）"
                + ("。中が白い輪はテスト用のサンプルです。" if _has(plane, "held_out") else "。"),
            ),
        ]
        if probability and plane is not None:
            lines.append(_half_text(net, plane, lang))
    else:
        lines = [
            pick(lang, "- **Curves**: every output y over the input x1.", "- **曲線**: 入力 x1 に対する各出力 y。"),
            pick(
                lang,
                "- **Dashed lines**: where a hidden unit's total input u is 0.",
                "- **破線**: 中間層ユニットの総入力 u が 0 になる所。",
            ),
            pick(
                lang,
                "- **Markers**: the samples, at their target's output.",
                "- **印**: サンプル（目標の出力の値の位置）。",
            ),
        ]
    return "\n".join(lines)


def _has(plane: go.Figure | None, kind: str) -> bool:
    """Whether the figure draws traces of this ``meta`` kind."""
    return plane is not None and any(isinstance(t.meta, dict) and t.meta.get("kind") == kind for t in plane.data)


def same_side_text(value: float, marks: tuple[float, ...] = (0.0, playback.HALF, 1.0)) -> str:
    """``value`` with as few significant digits as keep it on the same side of each of ``marks`` as the value
    itself (4 at least): 0.9996 reads "0.9996", not "1.000"; 0.49996 reads "0.49996", not "0.500"; a value equal
    to a mark reads as the mark."""
    for digits in range(4, 18):
        text = f"{value:.{digits}g}"
        if all(np.sign(float(text) - m) == np.sign(value - m) for m in marks):
            return text
    return repr(float(value))


def _half_text(net: dnn.Network, plane: go.Figure, lang: str) -> str:
    """The line y = 0.5 of the figure drawn: what it means, or, when y does not cross 0.5 on this plane, that there
    is none here and the values y runs between."""
    meta = plane.layout.meta
    if not meta["crosses_half"]:
        lo, hi = (same_side_text(v) for v in meta["y_range"])
        y = f"y{meta['output'] + 1}"
        return pick(
            lang,
            f"- **No line {y} = 0.5 here**: on this part of the plane {y} runs from {lo} to {hi}, so it "
            "does not cross 0.5.",
            f"- **{y} = 0.5 の線はここにはありません**: この範囲では {y} は {lo} から {hi} までで、"
            "0.5 をまたぎません。",
        )
    if net.output == "sigmoid" or net.n_out == 2:
        return pick(
            lang,
            "- **Black line**: y = 0.5. "
            + (
                "With two softmax outputs it is the boundary between the two classes."
                if net.output == "softmax"
                else "This sigmoid output says yes on one side, no on the other."
            ),
            "- **黒い線**: y = 0.5 の線。"
            + (
                "softmax の出力が 2 個なら、2 つのクラスの境界です。"
                if net.output == "softmax"
                else "このシグモイド関数の出力が片側で「はい」、反対側で「いいえ」になります。"
            ),
        )
    return pick(
        lang,
        "- **Black line**: y = 0.5. With more than two classes it is not the boundary of the chosen class: a class "
        "can be the largest output below 0.5.",
        "- **黒い線**: y = 0.5 の線。クラスが 3 つ以上なら選ばれるクラスの境界ではありません: 0.5 未満でも最大の出力に"
        "なることがあります。",
    )
