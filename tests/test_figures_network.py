"""The network diagram builder, called without Streamlit: edges, colours, widths, hover texts, node values."""

import numpy as np
import pytest

import dnn
from ui.figures import figures_network as fn
from ui.session.presets import dead_relu, two_samples


def build(sc: dnn.Scenario, lang: str = "en", sample: int = 0):
    net = sc.network
    fwd = dnn.forward(net, sc.x)
    grads = dnn.backward(net, sc.x, sc.d)
    return fn.network_diagram(net, fwd, grads, lang, x=sc.x, sample=sample), fwd, grads


def traces(fig, kind):
    return [t for t in fig.data if t.meta and t.meta.get("kind") == kind]


def mixed_scenario() -> dnn.Scenario:
    """A 3-5-4 network with weights of both signs and one exact zero."""
    net = dnn.random_network(3, 5, 4, seed=11)
    W1 = net.W1.copy()
    W1[0, 0] = 0.0
    net = net.replace(W1=W1)
    return dnn.Scenario(net, x=[[1.0, -2.0, 0.5]], d=[[0, 0, 1, 0]])


@pytest.mark.parametrize("sc", [dnn.seed_scenario(), mixed_scenario()], ids=["notebook", "3-5-4"])
def test_one_edge_per_weight(sc):
    fig, _, _ = build(sc)
    net = sc.network
    edges = traces(fig, "edge")
    assert len(edges) == net.n_in * net.n_hidden + net.n_hidden * net.n_out
    seen = {(t.meta["param"], t.meta["i"], t.meta["j"]) for t in edges}
    assert seen == {("W1", i, j) for i in range(net.n_in) for j in range(net.n_hidden)} | {
        ("W2", j, k) for j in range(net.n_hidden) for k in range(net.n_out)
    }


def test_edges_coloured_by_sign_and_wide_by_size():
    sc = mixed_scenario()
    W1 = sc.network.W1.copy()
    W1[1, 1] = -W1[1, 0]  # one size with both signs
    sc = sc.replace(network=sc.network.replace(W1=W1))
    fig, _, _ = build(sc)
    net = sc.network
    edges = [
        (getattr(net, t.meta["param"])[t.meta["i"], t.meta["j"]], t.line.color, t.line.width)
        for t in traces(fig, "edge")
    ]
    weights = np.array([w for w, _, _ in edges])
    widths = np.array([width for _, _, width in edges])
    # colour: the legend's colour for the weight's sign, and one more for an exact zero
    legend = {t.name: t.line.color for t in traces(fig, "legend")}
    for w, colour, _ in edges:
        if w != 0:
            assert colour == legend["positive weight" if w > 0 else "negative weight"]
    zero_colours = {colour for w, colour, _ in edges if w == 0}
    assert len(zero_colours) == 1 and zero_colours.isdisjoint(legend.values())
    assert len(set(legend.values())) == 2
    # width: grows with |w| whatever the sign, from the thinnest at w = 0 to the widest at the largest |w|
    sizes = np.abs(weights)
    order = np.argsort(sizes, kind="stable")
    steps = np.diff(widths[order])
    assert np.all(steps[np.diff(sizes[order]) > 0] > 0) and np.all(steps[np.diff(sizes[order]) == 0] == 0)
    assert widths[sizes == 0].max() == widths.min() and widths[np.argmax(sizes)] == widths.max()
    # in proportion: the widths are an affine function of |w| (equal steps in |w|, equal steps in width)
    np.testing.assert_allclose(np.polyval(np.polyfit(sizes, widths, 1), sizes), widths, rtol=1e-12)


def test_edges_join_the_right_nodes():
    fig, _, _ = build(dnn.seed_scenario())
    nodes = {t.meta["layer"]: t for t in traces(fig, "nodes")}
    for t in traces(fig, "edge"):
        src, dst = ("x", "h") if t.meta["param"] == "W1" else ("h", "y")
        assert (t.x[0], t.y[0]) == (nodes[src].x[t.meta["i"]], nodes[src].y[t.meta["i"]])
        assert (t.x[1], t.y[1]) == (nodes[dst].x[t.meta["j"]], nodes[dst].y[t.meta["j"]])


def test_hover_shows_each_weight_and_its_gradient():
    sc = mixed_scenario()
    fig, _, grads = build(sc)
    (hover,) = traces(fig, "edge_hover")
    n_edges = len(traces(fig, "edge"))
    assert len(hover.x) == len(hover.hovertext) == n_edges * len(fn.HOVER_POINTS)
    assert hover.marker.opacity == 0  # invisible, only there to carry the text
    texts = set(hover.hovertext)
    net = sc.network
    for param, W, G, src, dst in (("W1", net.W1, grads.W1, "x", "h"), ("W2", net.W2, grads.W2, "h", "y")):
        for i, j in np.ndindex(W.shape):
            label = f"{param}[{src}{i + 1}→{dst}{j + 1}]"
            text = next(t for t in texts if label + " =" in t)
            assert f"= {W[i, j]:.6g}" in text
            assert f"∂E/∂{label} = {G[i, j]:.6g}" in text


def test_hover_points_lie_on_their_edge():
    fig, _, _ = build(dnn.seed_scenario())
    (hover,) = traces(fig, "edge_hover")
    for n, t in enumerate(traces(fig, "edge")):
        for m, frac in enumerate(fn.HOVER_POINTS):
            k = n * len(fn.HOVER_POINTS) + m
            assert hover.x[k] == pytest.approx(t.x[0] + frac * (t.x[1] - t.x[0]))
            assert hover.y[k] == pytest.approx(t.y[0] + frac * (t.y[1] - t.y[0]))


def test_nodes_show_the_notebook_values():
    fig, _, _ = build(dnn.seed_scenario())
    nodes = {t.meta["layer"]: t for t in traces(fig, "nodes")}
    assert nodes["x"].text == ("<b>x1</b><br>1", "<b>x2</b><br>5")
    assert [s.split("<br>")[1] for s in nodes["h"].text] == ["1.2", "2.5", "3.8"]  # z1 of the notebook
    assert [s.split("<br>")[1] for s in nodes["y"].text] == ["0.08707", "0.9129"]
    assert "∂E/∂b1[h1] = -0.0261197" in nodes["h"].hovertext[0]  # the notebook's 偏微分_バイアス1
    assert "δ = ∂E/∂u = 0.0870658" in nodes["y"].hovertext[0]  # the notebook's 偏微分_dE/du2


def test_dead_relu_unit_shows_zero_output_and_zero_gradients():
    fig, _, _ = build(dead_relu())
    nodes = {t.meta["layer"]: t for t in traces(fig, "nodes")}
    assert nodes["h"].text[2] == "<b>h3</b><br>0"
    assert "u = -1.6" in nodes["h"].hovertext[2]
    (hover,) = traces(fig, "edge_hover")
    h3_edges = [t for t in hover.hovertext if "→h3]" in t or "[h3→" in t]
    assert h3_edges and all(t.endswith(" = 0") for t in h3_edges)


def test_second_sample():
    fig, fwd, _ = build(two_samples(), sample=1)
    nodes = {t.meta["layer"]: t for t in traces(fig, "nodes")}
    assert nodes["x"].text == ("<b>x1</b><br>3", "<b>x2</b><br>1")
    assert nodes["h"].text[0] == f"<b>h1</b><br>{fwd.z1[1, 0]:.4g}"


def test_japanese_labels_use_the_course_terms():
    fig, _, _ = build(dnn.seed_scenario(), lang="ja")
    (hover,) = traces(fig, "edge_hover")
    assert hover.hovertext[0].startswith("重み W1[x1→h1]") and "偏微分" in hover.hovertext[0]
    nodes = {t.meta["layer"]: t for t in traces(fig, "nodes")}
    assert "総入力 u" in nodes["h"].hovertext[0] and "中間層出力 z" in nodes["h"].hovertext[0]
    assert "バイアス" in nodes["y"].hovertext[0] and "出力 y" in nodes["y"].hovertext[0]
    assert {t.name for t in traces(fig, "legend")} == {"正の重み", "負の重み"}


def test_without_gradients_the_hover_has_only_weights():
    sc = dnn.seed_scenario()
    fig = fn.network_diagram(sc.network, dnn.forward(sc.network, sc.x), None)
    (hover,) = traces(fig, "edge_hover")
    assert all("∂E" not in t for t in hover.hovertext)
