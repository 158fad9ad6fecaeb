"""The Training, Learning-rate sweep and Compare screens under AppTest, acting as a learner would."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.plotly_json import decode
from ui.session import codec, state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAINING, SWEEP, COMPARE = "pages/3_Training.py", "pages/4_Sweep.py", "pages/5_Compare.py"
OVERFLOW_LINK = {"output": "identity", "x": "100,500", "d": "1,2", "lr": "10"}  # a run that really diverges
BAD_LINK = {"W1": "abc,1;2", "lr": "-5", "steps": "999999999999", "d": "0,nan"}
TWO_SAMPLES = {"x": "1,5;3,1", "d": "0,1;1,0"}


def open_page(page, query=None):
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page)
    return at.run()


def chart(at, key):
    """The plotly figure drawn with ``key``, as a dict."""
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith(f"-{key}"):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}; charts: {[el.proto.id for el in at.get('plotly_chart')]}")


def trace(fig, name):
    return next(t for t in fig["data"] if t.get("name") == name)


def texts(elements):
    return " ".join(e.value for e in elements)


# ---------------------------------------------------------------- every screen, every way in


@pytest.mark.parametrize("page", [TRAINING, SWEEP, COMPARE])
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"lang": "ja"},
        {**TWO_SAMPLES, "lr": "0.5", "steps": "300", "hidden": "tanh"},
        BAD_LINK,
    ],
    ids=["default", "ja", "link", "bad-link"],
)
def test_screen_runs_without_exception(page, query):
    at = open_page(page, query)
    assert not at.exception
    if query == BAD_LINK:
        assert "lr" in texts(at.warning)  # the link's problems are reported, the rest loads
    if query.get("lang") == "ja":
        assert at.title[0].value in ("学習", "学習率スイープ", "比較")


# ---------------------------------------------------------------- Training


def test_curve_starts_at_the_scenarios_loss_and_spans_the_steps():
    at = open_page(TRAINING, {**TWO_SAMPLES, "steps": "250"})
    sc = state.scenario(at.session_state)
    fig = chart(at, "train_loss_chart")
    x, y = decode(fig["data"][0]["x"]), decode(fig["data"][0]["y"])
    assert x[0] == 0 and x[-1] == 250
    assert y[0] == pytest.approx(dnn.loss(sc.network, sc.x, sc.d), rel=1e-15)
    assert at.metric[0].value == f"{dnn.loss(sc.network, sc.x, sc.d):.6g}"


def test_steps_and_learning_rate_are_edited_into_the_scenario_and_link():
    at = open_page(TRAINING)
    at.text_input(key="train_steps_v0").input("300").run()
    assert state.scenario(at.session_state).steps == 300
    assert at.query_params["steps"] in ("300", ["300"])
    assert decode(chart(at, "train_loss_chart")["data"][0]["x"])[-1] == 300
    at.button(key="train_lr_mul10").click().run()
    assert state.scenario(at.session_state).lr == pytest.approx(0.1)
    assert not at.exception


def test_step_slider_shows_that_steps_parameters():
    at = open_page(TRAINING)
    sc = state.scenario(at.session_state)
    at.slider(key="train_step_1000").set_value(137).run()
    expected = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps).network_at(137)
    tables = at.dataframe[-4:]  # the step's parameters, in the notebook's order W1, W2, b1, b2
    for df, (name, value) in zip(tables, expected.params().items(), strict=True):
        assert df.value.index[0] in ("x1", "h1", name)
        np.testing.assert_allclose(df.value.to_numpy(), np.atleast_2d(value), rtol=1e-12)
    grads = dnn.backward(expected, sc.x, sc.d)
    heat = chart(at, "train_grad_W1")["data"][0]
    np.testing.assert_allclose(decode(heat["z"]), grads.W1, rtol=1e-12)
    assert at.metric[3].value == f"{dnn.loss(expected, sc.x, sc.d):.6g}"


def test_continue_from_a_step_makes_its_parameters_the_network():
    at = open_page(TRAINING)
    sc = state.scenario(at.session_state)
    at.slider(key="train_step_1000").set_value(400).run()
    at.button(key="train_continue").click().run()
    expected = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps).network_at(400)
    assert state.scenario(at.session_state).network == expected
    loss = decode(chart(at, "train_loss_chart")["data"][0]["y"])
    assert loss[0] == pytest.approx(dnn.loss(expected, sc.x, sc.d), rel=1e-14)  # the new run starts there


def test_divergence_warns_marks_the_last_finite_step_and_rewinds():
    at = open_page(TRAINING, OVERFLOW_LINK)
    assert not at.exception
    sc = state.scenario(at.session_state)
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps)
    assert h.diverged_at is not None
    assert f"step {h.diverged_at:,}" in texts(at.warning) and "smaller" in texts(at.warning)
    fig = chart(at, "train_loss_chart")
    curve = fig["data"][0]
    assert decode(curve["x"])[-1] == h.last_step
    assert np.isfinite(decode(curve["y"])).all()
    assert decode(fig["data"][-1]["x"])[0] == h.last_step  # the × marker
    for df in at.dataframe:
        assert np.isfinite(df.value.to_numpy(dtype=float)).all()
    at.button(key="train_rewind").click().run()
    assert state.scenario(at.session_state).network == h.network
    assert not at.exception


def test_a_jumping_softmax_run_is_pointed_out_not_an_error():
    at = open_page(TRAINING, {**TWO_SAMPLES, "lr": "10"})
    assert not at.exception and not at.warning
    assert "jumps" in texts(at.info)


def test_pinned_baseline_is_drawn_faintly():
    at = open_page(TRAINING)
    at.button(key="train_pin").click().run()
    at.button(key="train_lr_mul10").click().run()
    fig = chart(at, "train_loss_chart")
    base = trace(fig, "baseline")
    sc = dnn.seed_scenario()
    np.testing.assert_allclose(decode(base["y"]), dnn.train(sc.network, sc.x, sc.d, 0.01, 1000).loss)
    assert base["opacity"] < 1


def test_sgd_notebook_preset_draws_sample_losses_and_becomes_the_scenario():
    at = open_page(TRAINING)
    at.radio(key="train_source").set_value("sgd").run()
    assert not at.exception
    fig = chart(at, "train_loss_chart")
    assert fig["data"][0]["mode"] == "markers" and len(decode(fig["data"][0]["x"])) == 1000
    assert "memorises" in texts(at.info)
    at.button(key="sgd_adopt").click().run()
    sc = state.scenario(at.session_state)
    assert (sc.network.n_in, sc.network.n_hidden, sc.network.n_out) == (2, 10, 1)
    assert sc.network.output == "identity" and len(sc.x) == 64 and sc.lr == 0.07
    np.testing.assert_allclose(sc.d[:, 0], 3 * sc.x[:, 0] + 2 * sc.x[:, 1])
    assert at.radio(key="train_source").value == "scenario"
    assert at.toggle(key="train_stochastic").value is True
    assert not at.exception


def test_one_random_sample_per_step_draws_the_sample_losses():
    at = open_page(TRAINING, TWO_SAMPLES)
    at.toggle(key="train_stochastic").set_value(True).run()
    assert not at.exception
    sc = state.scenario(at.session_state)
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=0)
    fig = chart(at, "train_loss_chart")
    dots = fig["data"][0]
    assert dots["mode"] == "markers"
    np.testing.assert_array_equal(decode(dots["y"]), h.sample_loss)
    np.testing.assert_array_equal(decode(fig["data"][-1]["y"]), h.loss)


def test_a_refused_learning_rate_leaves_the_scenario_alone():
    at = open_page(TRAINING)
    at.text_input(key="train_lr_v0").input("0.0").run()
    assert not at.exception
    assert state.scenario(at.session_state).lr == 0.01
    assert "Learning rate η" in texts(at.error) and "0 is out of range" in texts(at.error)  # named as the box is


def test_japanese_screen_keeps_working_after_a_change():
    at = open_page(TRAINING, {**TWO_SAMPLES, "lr": "10", "lang": "ja"})
    assert "跳ねて" in texts(at.info)
    at.button(key="train_lr_div10").click().run()
    assert not at.exception and state.scenario(at.session_state).lr == pytest.approx(1.0)
    at.switch_page(SWEEP).run()
    at.slider(key="sweep_count").set_value(20).run()
    assert not at.exception and chart(at, "sweep_heatmap")


def test_csv_download_is_offered():
    at = open_page(TRAINING)
    (button,) = [b for b in at.get("download_button") if b.proto.id.endswith("-train_csv")]
    assert "CSV" in button.proto.label


def test_chart_data_stays_small_at_100000_steps():
    at = open_page(TRAINING, {"steps": "100000"})
    assert not at.exception
    charts = {el.proto.id.rsplit("-", 1)[-1]: len(el.proto.spec) for el in at.get("plotly_chart")}
    play = charts.pop("train_play")  # the animated figure has its own budget (issue 13: < 2 MB)
    assert sum(charts.values()) < 1_000_000 and play < 2_000_000
    x = decode(chart(at, "train_loss_chart")["data"][0]["x"])
    assert x[-1] == 100_000 and len(x) <= 4000


# ---------------------------------------------------------------- Learning-rate sweep


def test_sweep_curves_equal_single_runs_and_a_rate_can_be_chosen():
    at = open_page(SWEEP, TWO_SAMPLES)
    sc = state.scenario(at.session_state)
    fig = chart(at, "sweep_curves")
    lrs = np.geomspace(sc.lr / 100, sc.lr * 100, 9)
    for lr, t in zip(lrs, fig["data"][:9], strict=True):
        assert t["name"] == f"η = {lr:.3g}"
        single = dnn.train(sc.network, sc.x, sc.d, lr, sc.steps).loss
        x = decode(t["x"])
        assert x[0] == 0 and x[-1] == sc.steps
        np.testing.assert_allclose(decode(t["y"]), single[x], rtol=1e-10)
    pick = next(s for s in at.selectbox if s.proto.id.split("-")[-1].startswith("sweep_pick"))
    pick.set_value(2).run()
    at.button(key="sweep_use").click().run()
    assert state.scenario(at.session_state).lr == pytest.approx(lrs[2], rel=1e-12)
    assert not at.exception


def test_many_learning_rates_are_drawn_as_a_heatmap():
    at = open_page(SWEEP)
    at.slider(key="sweep_count").set_value(64).run()
    assert not at.exception
    heat = chart(at, "sweep_heatmap")["data"][0]
    assert heat["type"] == "heatmap" and len(decode(heat["y"])) == 64
    final = chart(at, "sweep_final")
    assert final["layout"]["xaxis"]["type"] == "log"


# ---------------------------------------------------------------- Compare


def test_compare_explains_pinning_then_overlays_both_runs():
    at = open_page(COMPARE)
    assert "pin" in texts(at.info).lower()
    at.button(key="compare_pin").click().run()
    at.switch_page(TRAINING).run()
    at.button(key="train_lr_mul10").click().run()
    at.switch_page(COMPARE).run()
    assert not at.exception
    fig = chart(at, "compare_curves")
    sc = dnn.seed_scenario()
    base, cur = trace(fig, "baseline"), trace(fig, "current")
    np.testing.assert_allclose(decode(base["y"]), dnn.train(sc.network, sc.x, sc.d, 0.01, 1000).loss)
    np.testing.assert_allclose(decode(cur["y"]), dnn.train(sc.network, sc.x, sc.d, 0.1, 1000).loss)
    diff = at.dataframe[1].value
    assert diff.iloc[:, 0].tolist() == ["learning rate η"]  # the scenario's words, not the link key
    losses = at.dataframe[0].value
    assert "—" in losses.to_numpy().ravel().tolist()  # no NaN for "did not overflow"
    h = chart(at, "compare_diff_W1")["data"][0]
    b = dnn.train(sc.network, sc.x, sc.d, 0.01, 1000).network
    c = dnn.train(sc.network, sc.x, sc.d, 0.1, 1000).network
    np.testing.assert_allclose(decode(h["z"]), c.W1 - b.W1, rtol=1e-10)


def test_compare_link_query_keeps_working_after_pinning():
    query = codec.scenario_to_query(dnn.seed_scenario().replace(lr=0.3))
    at = open_page(COMPARE, query)
    at.button(key="compare_pin").click().run()
    assert not at.exception and chart(at, "compare_curves")
    assert state.baseline(at.session_state).lr == 0.3
