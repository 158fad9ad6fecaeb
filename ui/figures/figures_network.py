"""The network at a glance: a plotly diagram of the layers x → h → y (plain function, no Streamlit).

Nodes show the values of one sample (x_i, z_j, y_k); edges are coloured by the weight's sign and drawn as wide as
its size; hovering an edge shows the weight and its partial derivative ∂E/∂w, hovering a node its total input,
output, bias and the bias's partial derivative.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

import dnn
from ui.figures.unchecked import unchecked_figure
from ui.text.i18n import activation_label, pick

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
POSITIVE = "#0072B2"  # blue
NEGATIVE = "#E69F00"  # orange
ZERO = "#999999"
NODE_FILL = "#F4F6F8"
NODE_LINE = "#3B4252"
MIN_WIDTH, MAX_WIDTH = 1.0, 8.0
HOVER_POINTS = (0.3, 0.5, 0.7)  # where along an edge its hover text sits (plotly hovers on points, not lines)


def edge_color(w: float) -> str:
    """Blue for a positive weight, orange for a negative one, grey for exactly 0."""
    return POSITIVE if w > 0 else NEGATIVE if w < 0 else ZERO


def edge_width(w: float, w_max: float) -> float:
    """Line width in px, proportional to |w| relative to the largest |w| of the network."""
    if w_max <= 0:
        return MIN_WIDTH
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * abs(w) / w_max


def _num(v: float) -> str:
    return f"{v:.6g}"


def _positions(n: int) -> np.ndarray:
    """Vertical positions of n nodes, top to bottom, centred on 0 and one unit apart."""
    return (n - 1) / 2 - np.arange(n)


def network_diagram(
    net: dnn.Network,
    fwd: dnn.Forward,
    grads: dnn.Gradients | None,
    lang: str = "en",
    *,
    x: np.ndarray | None = None,
    sample: int = 0,
    loss: str = "E",
) -> go.Figure:
    """The network as a diagram for one sample (row ``sample`` of ``fwd``; ``x`` labels the input nodes); ``loss``
    names the loss the gradients belong to ("E", or "E_sum" for the notebook's sum over several samples).

    Edge traces carry ``meta={"kind": "edge", "param": "W1", "i": i, "j": j}``; one hover trace
    (``meta={"kind": "edge_hover"}``) holds, for each edge, points along it with the weight and ∂E/∂w.
    """
    n_in, n_h, n_out = net.n_in, net.n_hidden, net.n_out
    cols = (0.0, 1.0, 2.0)
    pos = (_positions(n_in), _positions(n_h), _positions(n_out))
    names = ([f"x{i + 1}" for i in range(n_in)], [f"h{j + 1}" for j in range(n_h)], [f"y{k + 1}" for k in range(n_out)])
    w_max = float(max(np.abs(net.W1).max(), np.abs(net.W2).max()))
    # Plain dicts, made into a figure once without plotly's checks (``unchecked_figure``): the checks took 25 ms of
    # the server's CPU per diagram, drawn on Home and in every phase of Backprop's slow motion.
    traces: list[dict] = []

    hover_x: list[float] = []
    hover_y: list[float] = []
    hover_text: list[str] = []
    for layer, (param, W) in enumerate((("W1", net.W1), ("W2", net.W2))):
        G = None if grads is None else (grads.W1 if param == "W1" else grads.W2)
        src, dst = names[layer], names[layer + 1]
        x0, x1 = cols[layer], cols[layer + 1]
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                y0, y1 = float(pos[layer][i]), float(pos[layer + 1][j])
                traces.append(
                    {
                        "type": "scatter",
                        "x": [x0, x1],
                        "y": [y0, y1],
                        "mode": "lines",
                        "line": {"color": edge_color(w), "width": edge_width(w, w_max)},
                        "hoverinfo": "skip",
                        "showlegend": False,
                        "meta": {"kind": "edge", "param": param, "i": i, "j": j},
                    }
                )
                label = f"{param}[{src[i]}→{dst[j]}]"
                text = f"{pick(lang, 'weight', '重み')} {label} = {_num(w)}"
                if G is not None:
                    text += (
                        f"<br>{pick(lang, 'partial derivative', '偏微分')} ∂{loss}/∂{label} = {_num(float(G[i, j]))}"
                    )
                for t in HOVER_POINTS:
                    hover_x.append(x0 + t * (x1 - x0))
                    hover_y.append(y0 + t * (y1 - y0))
                    hover_text.append(text)
    traces.append(
        {
            "type": "scatter",
            "x": hover_x,
            "y": hover_y,
            "mode": "markers",
            "marker": {"size": 12, "opacity": 0},
            "hovertext": hover_text,
            "hoverinfo": "text",
            "showlegend": False,
            "meta": {"kind": "edge_hover"},
        }
    )

    for layer, (labels, values, hovers) in enumerate(_node_info(net, fwd, grads, lang, x, sample, loss)):
        traces.append(
            {
                "type": "scatter",
                "x": [cols[layer]] * len(labels),
                "y": pos[layer],
                "mode": "markers+text",
                "marker": {"size": 54, "color": NODE_FILL, "line": {"color": NODE_LINE, "width": 1.5}},
                "text": [f"<b>{n}</b><br>{v}" for n, v in zip(labels, values, strict=True)],
                "textfont": {"size": 12, "color": "#1F2933"},
                "hovertext": hovers,
                "hoverinfo": "text",
                "showlegend": False,
                "meta": {"kind": "nodes", "layer": ("x", "h", "y")[layer]},
            }
        )

    for color, en, ja in ((POSITIVE, "positive weight", "正の重み"), (NEGATIVE, "negative weight", "負の重み")):
        traces.append(
            {
                "type": "scatter",
                "x": [None],
                "y": [None],
                "mode": "lines",
                "line": {"color": color, "width": 4},
                "name": pick(lang, en, ja),
                "meta": {"kind": "legend"},
            }
        )

    hidden_name = activation_label(net.hidden, lang)
    titles = (
        pick(lang, "input x", "入力 x"),
        pick(lang, f"hidden z ({hidden_name})", f"中間層出力 z（{hidden_name}）"),
        pick(lang, f"output y ({net.output})", f"出力 y（{activation_label(net.output, lang)}）"),
    )
    top = max(len(p) for p in pos) / 2
    n_max = max(n_in, n_h, n_out)
    layout = {
        "annotations": [
            {"x": col, "y": top + 0.1, "text": f"<b>{title}</b>", "showarrow": False, "yanchor": "bottom"}
            for col, title in zip(cols, titles, strict=True)
        ],
        "height": int(140 + 70 * n_max),
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hovermode": "closest",
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.02, "xanchor": "center", "x": 0.5},
        "xaxis": {"visible": False, "range": [-0.35, 2.35], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-top - 0.2, top + 0.6], "fixedrange": True},
    }
    return unchecked_figure(traces, layout)


def _short(v: float) -> str:
    return f"{v:.4g}"  # inside a node circle: 4 significant digits; hover texts give 6


def _unit_hover(
    lang: str,
    name: str,
    u: float,
    out: float,
    out_name: str,
    bias: tuple[str, float],
    grad_b: float | None,
    delta: float | None,
    loss: str = "E",
) -> str:
    """Hover text of a hidden or output unit, in the course's terms."""
    bname, b = bias
    lines = [
        f"<b>{name}</b>",
        f"{pick(lang, 'total input', '総入力')} u = {_num(u)}",
        f"{out_name} = {_num(out)}",
        f"{pick(lang, 'bias', 'バイアス')} {bname}[{name}] = {_num(b)}",
    ]
    if grad_b is not None and delta is not None:
        grad = pick(lang, "partial derivative", "偏微分")
        lines += [f"{grad} ∂{loss}/∂{bname}[{name}] = {_num(grad_b)}", f"δ = ∂{loss}/∂u = {_num(delta)}"]
    return "<br>".join(lines)


def _node_info(
    net: dnn.Network,
    fwd: dnn.Forward,
    grads: dnn.Gradients | None,
    lang: str,
    x: np.ndarray | None,
    s: int,
    loss: str = "E",
) -> list[tuple[list[str], list[str], list[str]]]:
    """For each layer x, h, y: node names, the value shown inside the node (sample ``s``), and the hover text."""
    layers = []
    xs = [f"x{i + 1}" for i in range(net.n_in)]
    x_row = None if x is None else np.atleast_2d(x)[s]
    x_vals = [""] * len(xs) if x_row is None else [_short(float(v)) for v in x_row]
    x_hover = [name if x_row is None else f"{name} = {_num(float(x_row[i]))}" for i, name in enumerate(xs)]
    layers.append((xs, x_vals, x_hover))
    units = (
        ("h", fwd.u1, fwd.z1, pick(lang, "hidden output z", "中間層出力 z"), "b1", net.b1, "b1", "delta1"),
        ("y", fwd.u2, fwd.y, pick(lang, "output y", "出力 y"), "b2", net.b2, "b2", "delta2"),
    )
    for prefix, u, out, out_name, bname, b, gb_field, delta_field in units:
        gb = None if grads is None else getattr(grads, gb_field)
        delta = None if grads is None else getattr(grads, delta_field)
        names = [f"{prefix}{j + 1}" for j in range(u.shape[1])]
        hovers = [
            _unit_hover(
                lang,
                name,
                float(u[s, j]),
                float(out[s, j]),
                out_name,
                (bname, float(b[j])),
                None if gb is None else float(gb[j]),
                None if delta is None else float(delta[s, j]),
                loss,
            )
            for j, name in enumerate(names)
        ]
        layers.append((names, [_short(float(out[s, j])) for j in range(len(names))], hovers))
    return layers
