"""Figures made without plotly's checks (``ui.figures.unchecked``) are exactly what plotly's checks accept: each is
made again through every check and must give the same JSON, for every hidden × output layer, both languages, one
sample and several, with and without gradients."""

import itertools
import json
from pathlib import Path

import numpy as np
import plotly.io as pio
import pytest

import dnn
from ui.figures.figures_network import network_diagram
from ui.figures.unchecked import checked_copy
from ui.widgets.slow_motion import phase_figure

HIDDEN = ("relu", "sigmoid", "tanh", "identity")
OUTPUT = ("softmax", "sigmoid", "identity")


def _same_after_checks(fig) -> None:
    unchecked = json.loads(fig.to_json())
    checked = json.loads(checked_copy(fig).to_json())
    assert unchecked == checked
    assert unchecked["data"]  # not vacuously equal


def _scenario(hidden: str, output: str, n: int):
    rng = np.random.default_rng(len(hidden) * 7 + len(output) + n)
    net = dnn.Network(
        W1=rng.normal(size=(3, 4)), b1=rng.normal(size=4), W2=rng.normal(size=(4, 2)), b2=rng.normal(size=2),
        hidden=hidden, output=output,
    )  # fmt: skip
    x = rng.normal(size=(n, 3))
    d = np.eye(2)[rng.integers(0, 2, size=n)]
    return net, x, d


@pytest.mark.parametrize(("hidden", "output"), list(itertools.product(HIDDEN, OUTPUT)))
@pytest.mark.parametrize("n", [1, 3])
def test_network_diagram_passes_plotlys_checks_unchanged(hidden, output, n):
    net, x, d = _scenario(hidden, output, n)
    fwd = dnn.forward(net, x)
    for lang in ("en", "ja"):
        _same_after_checks(network_diagram(net, fwd, dnn.backward(net, x, d), lang, x=x, sample=n - 1))
        _same_after_checks(network_diagram(net, fwd, None, lang))


@pytest.mark.parametrize("phase", range(4))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_every_slow_motion_phase_passes_plotlys_checks_unchanged(phase, reduction):
    net, x, d = _scenario("relu", "softmax", 2)
    for lang in ("en", "ja"):
        _same_after_checks(phase_figure(net, x, d, 0.1, reduction, phase, lang, sample=1))


def test_a_property_plotly_refuses_is_caught_by_the_check():
    from ui.figures.unchecked import unchecked_figure

    fig = unchecked_figure([{"type": "scatter", "x": [1], "y": [2], "mode": "lines", "colour": "red"}], {})
    with pytest.raises(ValueError):
        checked_copy(fig)


PAGES = ["app.py", "pages/1_Forward.py", "pages/2_Backprop.py", "pages/3_Training.py", "pages/4_Sweep.py",
         "pages/5_Compare.py"]  # fmt: skip
LINKS = {
    "the notebook's, in Japanese": {"lang": "ja"},
    "two samples, tanh and sigmoid, summed": {
        "x": "1,5;3,1", "d": "0,1;1,0", "hidden": "tanh", "output": "sigmoid", "reduction": "sum", "steps": "300",
    },
    "one input, identity output": {"x": "0.5;-1;2", "d": "1;0;0.5", "W1": "0.3,-0.2,0.5", "output": "identity"},
}  # fmt: skip


def _every_chart(query: dict[str, str]) -> list[dict]:
    """Every plotly chart of every screen for the link ``query``, as the JSON the browser gets (caches emptied
    first, so that each figure is built in this pass)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ui.widgets import slow_motion

    st.cache_data.clear()
    slow_motion._PHASES_DRAWN.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    charts = []
    for page in PAGES:
        if page != "app.py":
            at.switch_page(page).run()
        assert not at.exception, at.exception
        for el in at.get("plotly_chart"):
            charts.append({"page": page, "key": el.proto.id.rsplit("-", 1)[-1], **json.loads(el.proto.spec)})
    return charts


@pytest.mark.parametrize("link", LINKS)
def test_every_chart_on_every_screen_is_what_plotlys_checks_make(link, monkeypatch):
    from ui.figures import unchecked

    drawn = _every_chart(LINKS[link])
    monkeypatch.setattr(unchecked, "CHECKS", True)
    checked = _every_chart(LINKS[link])
    assert len(drawn) >= 8  # the screens' charts were found (not vacuously equal)
    assert [c["key"] for c in drawn] == [c["key"] for c in checked]
    for a, b in zip(drawn, checked, strict=True):
        assert a == b, (a["page"], a["key"])


def test_a_figure_read_or_changed_after_it_is_built_is_plotlys_own():
    """A caller that restyles a built figure (as the slow motion does) sees and changes a real plotly figure, and
    what is drawn then carries the change."""
    from ui.figures.unchecked import unchecked_figure

    fig = unchecked_figure([{"type": "scatter", "x": [1, 2], "y": [3, 4], "meta": {"kind": "a"}}], {"height": 300})
    assert fig.data[0].meta == {"kind": "a"} and fig.layout.height == 300
    fig.update_layout(height=200)
    fig.data[0].line.color = "#123456"
    drawn = json.loads(pio.to_json(fig.to_dict(), validate=False))
    assert drawn["layout"]["height"] == 200 and drawn["data"][0]["line"]["color"] == "#123456"
    assert drawn == json.loads(checked_copy(fig).to_json())


def test_numpy_arrays_are_written_as_plotly_writes_them():
    from ui.figures.unchecked import unchecked_figure

    z = np.array([[1.5, -2.0], [0.25, 3.0]])
    fig = unchecked_figure([{"type": "heatmap", "z": z}], {"yaxis": {"range": np.array([0.0, 1.0])}})
    assert json.loads(pio.to_json(fig.to_dict(), validate=False)) == json.loads(checked_copy(fig).to_json())
    assert isinstance(z, np.ndarray) and fig.to_dict()["data"][0]["z"]["dtype"] == "f8"  # the builder's array kept
