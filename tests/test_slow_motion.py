"""One SGD step in slow motion on the Backprop screen: each phase's numbers against the notebook and a hand
computation, Next / Back through ui.session.state."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from ui.widgets.slow_motion import phase_figure

APP = str(Path(__file__).resolve().parent.parent / "app.py")
BACKPROP = "pages/2_Backprop.py"


def nodes(fig, layer):
    return next(t for t in fig.data if t.meta and t.meta.get("kind") == "nodes" and t.meta["layer"] == layer)


def shown(texts, prefix):
    return [float(t.split(prefix)[1]) for t in texts]


def by_hand():
    """The notebook's step written out: x = [1, 5], d = [0, 1], ReLU, softmax."""
    W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    b1, W2, b2 = np.array([0.1, 0.2, 0.3]), np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), np.array([0.1, 0.2])
    x, d = np.array([1.0, 5.0]), np.array([0.0, 1.0])
    u1 = x @ W1 + b1
    z1 = np.maximum(u1, 0)
    u2 = z1 @ W2 + b2
    y = np.exp(u2) / np.exp(u2).sum()
    delta2 = y - d
    delta1 = (delta2 @ W2.T) * (u1 > 0)
    return dict(y=y, delta2=delta2, delta1=delta1, gW2=np.outer(z1, delta2), b2_new=b2 - 0.01 * delta2)


@pytest.mark.parametrize("phase", range(4))
def test_each_phase_shows_its_numbers(phase):
    sc = dnn.seed_scenario()
    fig = phase_figure(sc.network, sc.x, sc.d, sc.lr, "mean", phase, "en")
    want = by_hand()
    if phase == 0:
        np.testing.assert_allclose(shown(nodes(fig, "y").text, "<br>"), want["y"], rtol=1e-3)
    if phase == 1:
        np.testing.assert_allclose(shown(nodes(fig, "y").text, "δ2="), want["delta2"], rtol=1e-3)
    if phase == 2:
        np.testing.assert_allclose(shown(nodes(fig, "h").text, "δ1="), want["delta1"], rtol=1e-3)
        assert all(t.line.dash == "dot" for t in fig.data if t.meta and t.meta.get("param") == "W2")
    if phase == 3:
        np.testing.assert_allclose(shown(nodes(fig, "y").text, "b2→"), want["b2_new"], rtol=1e-3)
        edges = {(t.meta["param"], t.meta["i"], t.meta["j"]): t for t in fig.data if t.meta and "param" in t.meta}
        widths = {k: edges[("W2", *k)].line.width for k in np.ndindex(3, 2)}
        biggest = max(np.ndindex(3, 2), key=lambda k: abs(want["gW2"][k]))
        assert widths[biggest] == pytest.approx(max(widths.values()), rel=1e-9)  # ties differ in the last bit by BLAS
        hover = next(t for t in fig.data if t.meta and t.meta.get("kind") == "edge_hover")
        assert "w − η·∂E/∂w" in hover.hovertext[0]


def test_mean_divides_delta2_by_the_number_of_samples():
    sc = dnn.seed_scenario().replace(x=[[1.0, 5.0], [2.0, -1.0]], d=[[0.0, 1.0], [1.0, 0.0]])
    y = dnn.forward(sc.network, sc.x).y
    for reduction, n in (("mean", 2), ("sum", 1)):
        fig = phase_figure(sc.network, sc.x, sc.d, sc.lr, reduction, 1, "en", sample=1)
        np.testing.assert_allclose(shown(nodes(fig, "y").text, "δ2="), (y[1] - sc.d[1]) / n, rtol=1e-3)


def test_next_and_back_walk_through_the_phases():
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(BACKPROP).run()
    assert not at.exception
    assert at.button(key="slowmo_back").disabled
    for expected in (1, 2, 3):
        at.button(key="slowmo_next").click().run()
        assert at.session_state["slow_motion_phase"] == expected
    assert at.button(key="slowmo_next").disabled
    assert "∂E/∂W2 = z1ᵀ·δ2" in " ".join(c.value for c in at.caption)
    at.button(key="slowmo_back").click().run()
    assert at.session_state["slow_motion_phase"] == 2
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("-slowmo_diagram"))
    assert any("δ1=" in t for tr in spec["data"] if tr.get("meta", {}).get("layer") == "h" for t in tr["text"])
    at.switch_page("app.py").run()
    at.switch_page(BACKPROP).run()
    assert at.session_state["slow_motion_phase"] == 2  # kept across a page switch
