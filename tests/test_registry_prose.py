"""The Forward and Backprop screens' words for registry entries added at run time (docs/design.md, "Where to add").

softplus (f = log(1 + e^u), f′ = σ(u)) is registered as a function and its derivative only, with no TeX: both
screens must open in both languages without an exception and name softplus in their prose. A tanh output layer with
squared error (its delta (y − d)·(1 − y²) is not y − d) must open both screens too, named by its own name. The
built-in entries carry their own formulas, which the screens show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from ui.text import explain

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FORWARD, BACKPROP = "pages/1_Forward.py", "pages/2_Backprop.py"


def softplus(u: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, u)


def d_softplus(u: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-u))


def squared_error(d: np.ndarray, y: np.ndarray) -> float:
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return float(0.5 * np.sum((y - d) ** 2) / y.shape[0])


@pytest.fixture(autouse=True)
def new_entries() -> Iterator[None]:
    dnn.ACTIVATIONS["softplus"] = dnn.Activation(softplus, d_softplus)
    dnn.OUTPUT_LAYERS["tanh"] = dnn.OutputLayer(
        np.tanh,
        squared_error,
        "squared error",
        delta=lambda d, y: (y - d) * (1.0 - y**2),
        target_range=(-1.0, 1.0),
    )
    try:
        yield
    finally:
        del dnn.ACTIVATIONS["softplus"], dnn.OUTPUT_LAYERS["tanh"]


def open_page(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def prose(at: AppTest) -> str:
    """Every text, caption, formula and expander label on the screen."""
    parts = [
        str(e.value) for kind in ("markdown", "caption", "latex", "info", "warning", "success") for e in at.get(kind)
    ]
    return " ".join(parts + [e.label for e in at.expander])


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("page", [FORWARD, BACKPROP])
def test_a_registered_activation_without_tex_is_named_on_both_screens(page, lang):
    at = open_page(page, {"hidden": "softplus", "lang": lang})
    assert not at.exception
    assert at.session_state["scenario"].network.hidden == "softplus"  # the link was taken, not refused
    text = prose(at)
    assert "softplus" in text
    if page == FORWARD:
        assert r"\mathrm{softplus}(u_1)" in text  # the generic formula z1 = f(u1) = softplus(u1)
        assert ("registered" if lang == "en" else "登録された") in text  # f′ is the registered derivative


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("page", [FORWARD, BACKPROP])
def test_a_registered_output_layer_without_tex_opens_both_screens(page, lang):
    at = open_page(page, {"hidden": "softplus", "output": "tanh", "d": "0.5,-0.5", "lang": lang})
    assert not at.exception
    assert at.session_state["scenario"].network.output == "tanh"
    text = prose(at)
    assert "tanh" in text
    if page == FORWARD:
        assert r"\mathrm{tanh}(u_2)" in text and "squared error" in text


def test_built_in_entries_carry_their_own_formulas():
    for name, act in dnn.ACTIVATIONS.items():
        if name != "softplus":
            assert act.tex and explain.hidden_tex(name) == act.tex
    for name, layer in dnn.OUTPUT_LAYERS.items():
        if name != "tanh":
            assert layer.tex and explain.output_tex(name) == layer.tex
            assert layer.loss_tex and explain.loss_formula_tex(name) == layer.loss_tex
    assert explain.hidden_tex("softplus") == r"z_1 = f(u_1) = \mathrm{softplus}(u_1)"
    assert explain.loss_name("tanh") == ("squared error", "squared error")
    assert explain.loss_name("identity") == ("squared error", "二乗誤差")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_worked_example_names_a_registered_activation(lang):
    """The sidebar's worked example writes f and f′ of an activation registered without words by its name."""
    from ui.text.worked_example import worked_example_markdown

    sc = dnn.seed_scenario()
    text = worked_example_markdown(sc.replace(network=sc.network.replace(hidden="softplus")), "mean", lang)
    assert "f = softplus(u1)" in text and "softplus′(u1)" in text


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_worked_example_of_a_registered_output_layer_does_not_call_its_delta_y_minus_d(lang, reduction):
    """tanh's delta (y − d)·(1 − y²) is not y − d: the worked example names it ∂E_n/∂u2, the registered one, and
    its δ2 table holds that delta (checked here against (y − d)·(1 − y²) written out)."""
    from ui.text.worked_example import worked_example_markdown

    sc = dnn.Scenario(dnn.seed_network().replace(output="tanh"), [[1.0, 5.0], [2.0, -1.0]], [[0.5, -0.5]] * 2)
    text = worked_example_markdown(sc, reduction, lang)
    assert "δ2 = dE" in text and "/du2 = ∂E_n/∂u2" in text
    assert "/du2 = y − d" not in text and "/du2 = (y − d) / N" not in text
    assert "y1: δ2 = " not in text  # no y − d written out for it
    y = dnn.forward(sc.network, sc.x).y
    delta = (y - sc.d) * (1.0 - y**2) / (2 if reduction == "mean" else 1)
    assert f"{delta[0, 0]:.8f}"[:8] in text.replace("−", "-")


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(("reduction", "n"), [("mean", 1), ("mean", 2), ("sum", 2)])
def test_slow_motion_does_not_call_a_registered_output_delta_y_minus_d(lang, reduction, n):
    """Slow motion's phase 2 for the tanh output layer (delta (y − d)·(1 − y²)): the general ∂E/∂u2 and the
    registered delta, never "δ2 = y − d"; the built-in layers keep their y − d."""
    from ui.widgets import slow_motion

    text = slow_motion.phase_text(1, reduction, n, 0.5, lang, output="tanh")
    assert "= y − d" not in text and "∂E_n/∂u2" in text and "tanh" in text
    assert ("need not be y − d" if lang == "en" else "y − d になるとは限りません") in text
    net = dnn.seed_network().replace(output="tanh")
    x, d = np.array([[1.0, 5.0], [2.0, -1.0]]), np.array([[0.5, -0.5], [0.5, -0.5]])
    y = dnn.forward(net, x).y
    assert not np.allclose(dnn.backward(net, x, d, "sum").delta2, y - d)  # the sentence would have been false
    for output in ("softmax", "sigmoid", "identity"):
        assert "= y − d" in slow_motion.phase_text(1, reduction, n, 0.5, lang, output=output)
