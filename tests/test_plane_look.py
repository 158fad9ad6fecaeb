"""One look for the output over the input plane: Forward's figure, the Training screen's step-slider figure and its
film draw it with the same colour scale, colourbar, sample markers and axis titles (read from the charts the app
sends, compared with each other), and the reading notes promise the line y = 0.5 only when it is drawn."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.plotly_json import decode

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SPIRAL = {"data": "spiral", "n": "60", "noise": "0.1", "data_seed": "3", "test": "0.2", "steps": "200"}


def _start(query: dict[str, str], page: str):
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _chart(at, key: str) -> dict:
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith(f"-{key}"):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def _kind(fig: dict, kind: str) -> list[dict]:
    return [t for t in fig["data"] if (t.get("meta") or {}).get("kind") == kind]


def _surface(fig: dict) -> tuple[list, dict]:
    """The surface trace's colour scale and colourbar: a heatmap's own (Forward, step slider) or the film's
    square markers'."""
    heat = _kind(fig, "output")
    if heat:
        return heat[0]["colorscale"], heat[0]["colorbar"]
    marker = _kind(fig, "surface")[0]["marker"]
    return marker["colorscale"], marker["colorbar"]


def _samples(fig: dict) -> dict[str, dict]:
    """Every sample trace's legend name and marker (its coordinates left out)."""
    return {t["name"]: t["marker"] for kind in ("samples", "held_out") for t in _kind(fig, kind)}


def _axis_titles(fig: dict) -> tuple[str, str]:
    """The input plane's axis titles (the film's plane is on its second pair of axes)."""
    layout = fig["layout"]
    x, y = ("xaxis2", "yaxis2") if "xaxis2" in layout else ("xaxis", "yaxis")
    return layout[x]["title"]["text"], layout[y]["title"]["text"]


@pytest.fixture(scope="module", params=["softmax", "sigmoid", "identity"])
def figures(request) -> tuple[str, dict, dict, dict]:
    query = {**SPIRAL, "output": request.param}
    training = _start(query, "pages/3_Training.py")
    forward = _start(query, "pages/1_Forward.py")
    return (
        request.param,
        _chart(forward, "input_plane"),
        _chart(training, "train_surface_at_step"),
        _chart(training, "train_play"),
    )


def test_one_colour_scale_and_colourbar_on_every_screen(figures):
    output, forward, slider, film = figures
    scales = [_surface(f)[0] for f in (forward, slider, film)]
    assert scales[0] == scales[1] == scales[2]
    bars = [_surface(f)[1] for f in (forward, slider, film)]
    look = ("orientation", "len", "thickness", "xanchor", "yanchor")
    assert [{k: b.get(k) for k in look} for b in bars[1:]] == [{k: bars[0].get(k) for k in look}] * 2
    assert bars[0]["orientation"] == "h"  # under the plane: no empty band between the square plane and the bar
    for bar in bars:
        ticks = [float(t) for t in bar["ticktext"]]
        # White, the scale's middle, is y = 0.5 for every output; a probability's scale is exactly 0 to 1.
        assert ticks[len(ticks) // 2] == pytest.approx(0.5)
        # (tick labels have 3 significant digits)
        assert ticks[0] + ticks[-1] == pytest.approx(1.0, abs=0.01 * (ticks[-1] - ticks[0]))
        if output != "identity":
            assert ticks == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert dict(scales[0])[0.5].upper() in ("#F7F7F7", "#FFFFFF")  # the middle colour is white


def test_same_sample_markers_and_axes_on_every_screen(figures):
    _, forward, slider, film = figures
    markers = [_samples(f) for f in (forward, slider, film)]
    assert markers[0] == markers[1] == markers[2]
    names = list(markers[0])
    assert any("held out" in n for n in names) and any("held out" not in n for n in names)
    # Held-out samples look different from the training samples of the same class.
    for name in names:
        if "held out" in name:
            assert markers[0][name] != markers[0][name.replace(" (held out)", "")]
    # One colour per class, the same for its training and held-out samples.
    for name, marker in markers[0].items():
        assert marker["color"] == markers[0][name.replace(" (held out)", "")]["color"]
    assert len({m["color"] for m in markers[0].values()}) == 2  # the spiral's two classes
    assert _axis_titles(forward) == _axis_titles(slider) == _axis_titles(film) == ("x1", "x2")


def test_the_half_line_is_drawn_exactly_where_a_probability_crosses_one_half(figures):
    output, forward, slider, _ = figures
    for fig in (forward, slider):
        z = decode(_kind(fig, "output")[0]["z"])
        crosses = z.min() < 0.5 < z.max()
        assert bool(_kind(fig, "half")) == (crosses and output != "identity")


def _notes(at) -> str:
    return "\n".join(m.value for m in at.markdown)


NOTES = [("en", "No line y2 = 0.5", "Black line"), ("ja", "y2 = 0.5 の線はここ", "黒い線")]


@pytest.mark.parametrize(("lang", "no_line", "line"), NOTES)
def test_the_notebook_plane_promises_no_boundary_it_does_not_draw(lang, no_line, line):
    # The notebook's network before training: y2 = P(class 2) is above 0.5 everywhere on the plane drawn
    # (checked here with a forward pass written out), so there is no line y2 = 0.5 and the notes say so.
    at = _start({"lang": lang}, "pages/1_Forward.py")
    fig = _chart(at, "input_plane")
    heat = _kind(fig, "output")[0]
    g1, g2 = decode(heat["x"]), decode(heat["y"])
    net = dnn.seed_scenario().network
    points = np.stack(np.meshgrid(g1, g2), axis=-1).reshape(-1, 2)
    u2 = np.maximum(points @ net.W1 + net.b1, 0.0) @ net.W2 + net.b2
    y2 = np.exp(u2[:, 1]) / np.exp(u2).sum(axis=1)
    assert y2.min() > 0.5
    assert not _kind(fig, "half")
    notes = _notes(at)
    assert no_line in notes and line not in notes
    # the two numbers of the sentence: close to the true range and, read back, still above 0.5 and below 1 (the
    # largest y2 is 0.9996…, which three decimals would have shown as "1.000", a value y2 never takes)
    shown = re.search(r"y2 (?:runs from|は) ([-0-9.e]+) (?:to|から) ([-0-9.e]+)", notes)
    assert shown, notes
    lo, hi = float(shown.group(1)), float(shown.group(2))
    assert lo == pytest.approx(y2.min(), rel=1e-3) and hi == pytest.approx(y2.max(), rel=1e-3)
    assert 0.5 < lo <= hi < 1.0 and y2.max() < 1.0


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(
    ("low", "high"), [(0.55401, 0.99996), (0.0000123, 0.49996), (0.500004, 0.9999999999), (0.3, 0.4999999)]
)
def test_the_range_in_the_no_line_note_stays_on_its_side_of_the_bounds(lang, low, high):
    """Rounded to a fixed number of decimals, 0.99996 reads 1.000 (a probability y never reaches) and 0.49996
    reads 0.500 (as if y touched 0.5): the note's numbers keep the side of 0, 0.5 and 1 the values are on."""
    import plotly.graph_objects as go

    from ui.figures.figures_forward import _half_text

    net = dnn.seed_network()
    plane = go.Figure(layout={"meta": {"crosses_half": False, "y_range": [low, high], "output": 1}})
    note = _half_text(net, plane, lang)
    numbers = [float(t) for t in re.findall(r"\d+\.\d+(?:e-?\d+)?|\d+e-?\d+", note.split(":", 1)[1])]
    numbers = [v for v in numbers if v != 0.5]  # the level named in the sentence
    assert len(numbers) == 2, note
    for shown, true in zip(numbers, (low, high), strict=True):
        assert shown == pytest.approx(true, rel=1e-3)
        for mark in (0.0, 0.5, 1.0):
            assert np.sign(shown - mark) == np.sign(true - mark), (shown, true, note)


def test_a_trained_plane_draws_the_line_and_says_so():
    at = _start({**SPIRAL, "hidden": "tanh", "lr": "0.5"}, "pages/3_Training.py")
    at.slider(key="train_step_200").set_value(200).run()
    fig = _chart(at, "train_surface_at_step")
    z = decode(_kind(fig, "output")[0]["z"])
    assert z.min() < 0.5 < z.max() and _kind(fig, "half")
    assert "Black line" in _notes(at)
