"""Figures made without plotly's checks (``ui.figures.unchecked``) are exactly what plotly's checks accept: each is
made again through every check and must give the same JSON, for every hidden × output layer, both languages, one
sample and several, with and without gradients."""

import itertools
import json

import numpy as np
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
