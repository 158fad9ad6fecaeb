"""The Forward and Backprop screens under AppTest, opened as a learner would: by default, in Japanese, from a share
link, from a broken link. Numbers on screen are checked against the notebook's printout and plain numpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests import notebook
from tests.plotly_json import decode
from ui.session import codec, shapes, state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FORWARD, BACKPROP = "pages/1_Forward.py", "pages/2_Backprop.py"
BAD_LINK = {"W1": "abc,1;2", "lr": "-5", "steps": "999999999999", "d": "0,nan"}
DEAD_H3 = {"W1": "0.1,0.3,0.1;0.2,0.4,-0.4"}  # h3: u = 1·0.1 + 5·(−0.4) + 0.3 = −1.6 < 0


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """The app opened by a link straight to ``page`` (with ``query`` in the address).

    ``app.py`` is the entry script and the page is switched to before the first run, as the browser does for a deep
    link (``AppTest.from_file("pages/…")`` would make the page the entry script, and the sidebar's link to
    ``app.py`` would not exist).
    """
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure drawn with ``key``, as a dict."""
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith(f"-{key}"):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


notebook_numbers = notebook.notebook_numbers  # the notebook's step in plain numpy (independent of dnn)
SEED = {**notebook.initial_parameters(), "x": notebook.X, "d": notebook.D}
NB_DELTA1 = notebook.printed("偏微分_dE/du1")  # the notebook's printed 偏微分_dE/du1


# ---------------------------------------------------------------- Backprop


def test_backprop_default_shows_the_notebooks_gradients():
    at = open_page(BACKPROP)
    assert not at.exception
    delta1 = decode(chart(at, "delta1")["data"][0]["z"])
    np.testing.assert_allclose(delta1, NB_DELTA1, atol=notebook.PRINTED_ATOL)
    assert chart(at, "delta1")["data"][0]["text"] == [["-0.02612"] * 3]
    w2 = chart(at, "grad_W2")
    product = next(t for t in w2["data"] if t["meta"]["role"] == "product")
    nb = notebook_numbers(**SEED)
    np.testing.assert_allclose(decode(product["z"]), nb["W2"], rtol=1e-12)
    check = chart(at, "grad_check")
    assert all(decode(t["customdata"]).max() < 1e-7 for t in check["data"])
    assert "agrees" in texts(at.success)
    before, after = notebook.losses_by_hand()
    assert [m.value for m in at.metric][:2] == [f"{before:.8g}", f"{after:.8g}"]  # loss before / after one step
    labels = [e.label for e in at.expander]
    for words in (
        "なんでsoftmaxじゃない?",
        "なんでSUMを取っている?",
        "du2/dz=W2, dz/du1=reluの微分",
        "バイアスの偏微分はuの偏微分と同じになる",
    ):
        assert any(words in label for label in labels)
    assert "mean" in texts(at.caption)
    assert not at.warning  # no dead unit in the notebook's network


def test_backprop_in_japanese():
    at = open_page(BACKPROP, {"lang": "ja"})
    assert not at.exception
    assert at.title[0].value == "誤差逆伝播"
    assert "重みとバイアスの偏微分" in texts(at.subheader)
    assert any(e.label.startswith("「なんでsoftmaxじゃない?」 —") for e in at.expander)
    assert "誤差逆伝播と数値微分は一致" in texts(at.success)
    assert chart(at, "delta2")["layout"]["xaxis"]["title"]["text"] == "出力ユニット y"


def test_backprop_follows_a_share_link():
    link = {"W1": "0.5,-0.2,0.1;0.3,0.8,-0.6", "b2": "0,0.5", "x": "2,1", "d": "1,0"}
    at = open_page(BACKPROP, link)
    assert not at.exception
    nb = notebook_numbers(
        W1=np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]]),
        b1=SEED["b1"],
        W2=SEED["W2"],
        b2=np.array([0.0, 0.5]),
        x=np.array([[2.0, 1.0]]),
        d=np.array([[1.0, 0.0]]),
    )
    np.testing.assert_allclose(decode(chart(at, "delta2")["data"][0]["z"]), nb["delta2"], rtol=1e-12)
    np.testing.assert_allclose(decode(chart(at, "delta1")["data"][0]["z"]), nb["delta1"], rtol=1e-12, atol=1e-15)
    product = next(t for t in chart(at, "grad_W1")["data"] if t["meta"]["role"] == "product")
    np.testing.assert_allclose(decode(product["z"]), nb["W1"], rtol=1e-12, atol=1e-15)
    assert at.metric[0].value == f"{nb['E']:.8g}"


def test_backprop_survives_the_bad_link():
    at = open_page(BACKPROP, BAD_LINK)
    assert not at.exception
    report = texts(at.warning)
    for key in ("W1", "lr", "steps", "d"):
        assert key in report
    np.testing.assert_allclose(decode(chart(at, "delta1")["data"][0]["z"]), NB_DELTA1, atol=notebook.PRINTED_ATOL)


def test_backprop_warns_about_a_dead_relu_unit():
    at = open_page(BACKPROP, DEAD_H3)
    assert not at.exception
    warning = texts(at.warning)
    assert "Dead ReLU" in warning and "h3" in warning and "h1" not in warning
    delta1 = decode(chart(at, "delta1")["data"][0]["z"])
    assert delta1[0, 2] == 0.0


def test_backprop_sum_reduction_with_two_samples():
    at = open_page(BACKPROP, {"x": "1,5;3,1", "d": "0,1;1,0"})
    y = dnn.forward(dnn.seed_network(), [[1.0, 5.0], [3.0, 1.0]]).y
    mean = decode(chart(at, "delta2")["data"][0]["z"])
    np.testing.assert_allclose(mean, (y - [[0, 1], [1, 0]]) / 2)
    at.sidebar.radio(key=f"w_sidebar_reduction_v{state.editor_version(at.session_state)}_en").set_value("sum").run()
    assert not at.exception
    np.testing.assert_allclose(decode(chart(at, "delta2")["data"][0]["z"]), y - [[0, 1], [1, 0]])
    assert "summed" in texts(at.caption)
    assert "agrees" in texts(at.success)  # the numerical gradient is scaled by N too
    q2 = next(t.value for t in at.table if any("axis 0" in str(i) for i in t.value.index))
    assert any("on this screen" in str(i) and "E_sum" in str(i) for i in q2.index)


def test_backprop_notebook_printout_toggle():
    at = open_page(BACKPROP)
    at.toggle(key="backprop_printout").set_value(True).run()
    assert at.main.code[-1].value == dnn.notebook_printout(dnn.seed_scenario())
    assert "-0.02611973" in at.main.code[-1].value


@pytest.mark.parametrize(
    "link",
    [
        {"hidden": "sigmoid", "output": "sigmoid"},
        {"hidden": "tanh", "output": "identity", "d": "0.5,-2"},
        {"W1": "0.1;0.2;0.3;0.4;0.5;0.6;0.7;0.8", "b1": "0.1", "W2": "0.1,0.4", "x": "1,2,3,4,5,6,7,8"},  # 8-1-2
        "largest",
    ],
)
def test_backprop_other_layers_and_sizes(link):
    if link == "largest":  # 8 inputs, 16 hidden units, 8 outputs, 256 samples
        big = shapes.resize_scenario(dnn.seed_scenario(), n_in=8, n_hidden=16, n_out=8, n_samples=256)
        link = codec.scenario_to_query(big, "en")
    at = open_page(BACKPROP, link)
    assert not at.exception, at.exception
    assert not [w for w in at.warning if "could not be used" in str(w.value)]
    assert len(at.get("plotly_chart")) == 8  # the step in slow motion, δ2, δ1, four gradients, the check
    assert len(decode(chart(at, "delta1")["data"][0]["z"])) <= 16  # rows capped for readability


# ---------------------------------------------------------------- Forward


def test_forward_default_shows_every_step_and_the_loss():
    at = open_page(FORWARD)
    assert not at.exception
    latex = texts(at.latex)
    for expected in ("1.2 & 2.5 & 3.8", "1.86 & 4.21", "0.08707 & 0.9129"):
        assert expected in latex
    nb = notebook_numbers(**SEED)
    assert f"{nb['E']:.10g}" in texts(at.caption)  # the loss the notebook computes but never prints
    assert notebook.within_ulps(notebook.sigma_y(texts(at.caption)), 1.0)  # its last bit is the BLAS kernel's
    plane = chart(at, "input_plane")
    lines = [t for t in plane["data"] if t["meta"]["kind"] == "zero_line"]
    assert len(lines) == 3
    for t in lines:
        j = t["meta"]["unit"]
        pts = np.column_stack([decode(t["x"]), decode(t["y"])])
        np.testing.assert_allclose(pts @ SEED["W1"][:, j] + SEED["b1"][j], 0.0, atol=1e-12)
    assert plane["layout"]["xaxis"]["title"]["text"] == "x1"
    assert plane["data"][0]["colorbar"]["title"]["text"] == "y2 = P(class 2)"


def test_forward_printout_toggle_matches_the_notebook():
    at = open_page(FORWARD)
    at.toggle(key="forward_printout").set_value(True).run()
    notebook.assert_printout_matches(at.main.code[-1].value)


def test_forward_in_japanese_and_from_a_link():
    at = open_page(FORWARD, {"lang": "ja", "x": "2,-1", "d": "1,0"})
    assert not at.exception
    assert at.title[0].value == "順伝播"
    assert any("中間層出力" in m.value for m in at.markdown)
    u1 = np.array([[2.0, -1.0]]) @ SEED["W1"] + SEED["b1"]  # [0.1, 0.4, 0.7]
    assert " & ".join(f"{v:.4g}" for v in u1[0]) in texts(at.latex)
    assert chart(at, "input_plane")["data"][0]["colorbar"]["title"]["text"] == "y1（クラス 1 の確率）"


def test_forward_bad_link_and_other_sizes():
    assert not open_page(FORWARD, BAD_LINK).exception
    one_input = open_page(FORWARD, {"W1": "0.1,0.3,0.5", "x": "2"})
    assert not one_input.exception and chart(one_input, "input_line")
    three_inputs = open_page(FORWARD, {"W1": "0.1,0.3,0.5;0.2,0.4,0.6;1,1,1", "x": "1,5,1"})
    assert not three_inputs.exception and not three_inputs.get("plotly_chart")


def test_forward_many_samples_keep_formulas_short():
    xs = ";".join(f"{i % 5},{i % 3}" for i in range(20))
    ds = ";".join("0,1" if i % 2 else "1,0" for i in range(20))
    at = open_page(FORWARD, {"x": xs, "d": ds})
    assert not at.exception
    assert r"\vdots" in texts(at.latex)
    assert "first 4 of the 20 samples" in texts(at.caption)
    assert len(at.dataframe) == 4 and at.dataframe[0].value.shape == (20, 3)


def test_forward_output_choice_redraws_the_plane_in_japanese():
    at = open_page(FORWARD, {"lang": "ja"})
    at.selectbox(key="forward_plane_output").set_value(0).run()
    assert not at.exception
    plane = chart(at, "input_plane")
    assert plane["data"][0]["colorbar"]["title"]["text"] == "y1（クラス 1 の確率）"
    y1 = decode(plane["data"][0]["z"])
    assert y1.min() >= 0 and y1.max() <= 1
