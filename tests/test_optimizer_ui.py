"""Choosing the update rule on the Scenario and Training screens under AppTest: it becomes part of the scenario and
the link, every run trains with it, and a bad setting is refused by name in both languages."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.plotly_json import decode
from tests.test_pages_training import TRAINING, chart, open_page
from ui.session import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def start(query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def version(at) -> int:
    return state.editor_version(at.session_state)


def query(at, key):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def test_choosing_adam_and_its_beta1_on_the_scenario_screen_goes_into_the_scenario_and_the_link():
    at = start()
    assert query(at, "opt") is None  # SGD, the default, is left out of the link
    at.selectbox(key=f"optimizer_en_v{version(at)}").set_value("adam").run()
    sc = state.scenario(at.session_state)
    assert (sc.optimizer, sc.settings) == ("adam", {"beta1": 0.9, "beta2": 0.999})
    assert query(at, "opt") == "adam" and query(at, "beta1") is None
    at.text_input(key=f"beta1_v{version(at)}").input("0.8").run()
    assert state.scenario(at.session_state).settings == {"beta1": 0.8, "beta2": 0.999}
    assert query(at, "beta1") == "0.8"
    assert any("√(1 − β2ᵗ)" in c.value for c in at.caption)  # the rule's formula is shown
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_bad_setting_is_refused_by_name_and_the_scenario_stays(lang):
    at = start({"opt": "momentum", "lang": lang})
    before = state.scenario(at.session_state)
    at.text_input(key=f"momentum_v{version(at)}").input("1.5").run()
    assert state.scenario(at.session_state) == before
    shown = " ".join(e.value for e in (*at.error, *at.warning, *at.toast))
    assert ("momentum α" if lang == "en" else "モーメンタム係数 α") in shown  # the box's own name
    assert ("must be at least 0 and less than 1" in shown) if lang == "en" else ("0 以上 1 未満" in shown)
    assert ("nothing was changed" in shown) if lang == "en" else ("変更していません" in shown)
    assert not at.exception


def test_a_link_with_a_bad_rule_names_the_key():
    at = start({"opt": "adam", "beta2": "2"})
    assert state.scenario(at.session_state).optimizer == "adam"
    message = at.warning[0].value
    assert "- β2 \\(second moment\\) (`beta2` in the link) is 2" in message


def test_the_training_screen_trains_with_the_chosen_rule():
    at = open_page(TRAINING, {"opt": "rmsprop", "decay": "0.9", "lr": "0.01", "steps": "200"})
    assert not at.exception
    sc = state.scenario(at.session_state)
    expected = dnn.train(sc.network, sc.x, sc.d, 0.01, 200, optimizer="rmsprop", decay=0.9).loss
    y = decode(chart(at, "train_loss_chart")["data"][0]["y"])
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # and SGD's curve differs: the rule is not ignored
    assert not np.allclose(y, dnn.train(sc.network, sc.x, sc.d, 0.01, 200).loss)
    # the rule is chosen on this screen too
    at.selectbox(key=f"train_optimizer_en_v{version(at)}").set_value("momentum").run()
    assert state.scenario(at.session_state).optimizer == "momentum"
    y = decode(chart(at, "train_loss_chart")["data"][0]["y"])
    np.testing.assert_allclose(y, dnn.train(sc.network, sc.x, sc.d, 0.01, 200, optimizer="momentum").loss, rtol=1e-12)


BACKPROP = "pages/2_Backprop.py"


def latex(at) -> str:
    return "\n".join(e.value for e in at.latex)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_backprop_shows_one_step_of_adam_with_its_state(lang):
    at = open_page(BACKPROP, {"opt": "adam", "lang": lang})
    assert not at.exception
    heads = [h.value for h in at.subheader]
    assert ("One step of Adam" in heads) if lang == "en" else ("Adam を 1 ステップ" in heads)
    assert not any("SGD" in h for h in heads)
    sc = state.scenario(at.session_state)
    g = dnn.backward(sc.network, sc.x, sc.d)
    # the first step: m = (1 − β1)·g, η_t = η·√(1 − β2)/(1 − β1); their numbers are in the formulas
    tex = latex(at)
    assert r"\eta_t" in tex and "m_{W_1}" in tex and "v_{b_2}" in tex
    eta_t = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    from ui.text.explain import tex_num

    assert tex_num(eta_t, 6) in tex
    assert tex_num(0.1 * g.b2[0], 7) in tex  # m of b2 after the first step
    after = dnn.step_report(sc.network, sc.x, sc.d, g, sc.lr, "adam")
    assert any(m.value == f"{after.loss_after:.8g}" or m.value.startswith(f"{after.loss_after:.6g}") for m in at.metric)


def test_backprop_keeps_the_notebooks_sgd_step_for_sgd():
    at = open_page(BACKPROP)
    assert "One SGD step" in [h.value for h in at.subheader]


def test_the_training_inspector_shows_the_rules_state_at_step_k():
    at = open_page(TRAINING, {"opt": "momentum", "steps": "40"})
    assert not at.exception
    slider = at.slider(key="train_step_40")
    slider.set_value(10).run()
    assert not at.exception
    sc = state.scenario(at.session_state)
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, 40, optimizer="momentum")
    v = h.optimizer_state_at(10).slots["v"]["b2"]  # the velocity after 10 steps, as the step of 11 starts
    from ui.text.explain import tex_num

    tex = latex(at)
    assert "v_{b_2}" in tex and tex_num(v[0], 4) in tex  # (the state before the step, 4 digits)
    assert "t = 11" in " ".join(m.value for m in at.markdown)


SWEEP = "pages/4_Sweep.py"


def test_the_sweep_screen_compares_all_five_rules_with_numbers_from_dnn_sweep():
    at = open_page(SWEEP, {"x": "1,5;3,1", "d": "0,1;1,0", "steps": "300", "opt": "momentum", "lr": "0.05"})
    assert not at.exception
    assert not [el for el in at.get("plotly_chart") if "compare_rules" in el.proto.id]  # off until asked
    at.toggle(key="compare_rules_on").set_value(True).run()
    assert not at.exception
    sc = state.scenario(at.session_state)
    fig = chart(at, "compare_rules_curves")
    assert len(fig["data"]) == 5
    names = [t["name"] for t in fig["data"]]
    assert names[1] == "Momentum, η = 0.05" and names[4] == "Adam, η = 0.001"  # its own η; Adam's default
    expected = dnn.sweep(sc.network, sc.x, sc.d, [0.001], 300, optimizer="adam")[0]
    np.testing.assert_allclose(decode(fig["data"][4]["y"]), expected, rtol=1e-12)
    expected = dnn.sweep(sc.network, sc.x, sc.d, [0.05], 300, optimizer="momentum")[0]
    np.testing.assert_allclose(decode(fig["data"][1]["y"]), expected, rtol=1e-12)
    final = chart(at, "compare_rules_final")
    lrs = np.geomspace(1e-4, 10, 11)
    np.testing.assert_allclose(decode(final["data"][0]["x"]), lrs)
    rows = dnn.sweep(sc.network, sc.x, sc.d, lrs, 300, optimizer="rmsprop")
    summary = dnn.sweep_summary(rows)
    y = np.array(decode(final["data"][3]["customdata"]), dtype=float)  # the values (y: drawn at ≥ 10⁻⁹)
    for r, k in enumerate(summary.diverged):
        if k is None:
            assert y[r] == pytest.approx(summary.final[r], rel=1e-12)
        else:
            assert np.isnan(y[r])
    # the table counts the η whose run ends at or below a tenth of the start, by hand here
    start = rows[0, 0]
    works = sum(1 for r, k in enumerate(summary.diverged) if k is None and summary.final[r] <= 0.1 * start)
    table = at.dataframe[-1].value
    assert table.iloc[3].tolist()[1] == f"{works} / 11"


def test_the_comparison_is_in_japanese_too():
    at = open_page(SWEEP, {"lang": "ja", "steps": "100"})
    at.toggle(key="compare_rules_on").set_value(True).run()
    assert not at.exception
    assert "更新則（最適化手法）を比べる" in [h.value for h in at.subheader]
    assert chart(at, "compare_rules_final")["layout"]["xaxis"]["title"]["text"] == "学習率 η"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_worked_example_stays_sgds_and_says_so_for_another_rule(lang):
    from ui.text.worked_example import worked_example_markdown

    sc = dnn.seed_scenario()
    plain = worked_example_markdown(sc, "mean", lang)
    adam = worked_example_markdown(sc.replace(optimizer="adam"), "mean", lang)
    note = "The update here is SGD's" if lang == "en" else "ここでの更新はノートブックと同じ SGD"
    assert note not in plain and note in adam
    # the numbers are SGD's either way: the document differs only by that note
    assert adam.replace(next(p for p in adam.split("\n\n") if note in p) + "\n\n", "") == plain


def test_the_notebook_printout_says_it_is_sgds_step_when_another_rule_is_chosen():
    at = open_page(BACKPROP, {"opt": "rmsprop"})
    at.toggle(key="backprop_printout").set_value(True).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "SGD's step, not RMSProp's" in captions
    at = open_page(BACKPROP)
    at.toggle(key="backprop_printout").set_value(True).run()
    assert "SGD's step, not" not in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    "lang,expected",
    [("en", ["update rule", "SGD (the notebook's)", "Adam"]), ("ja", ["更新則", "SGD（ノートブックと同じ）", "Adam"])],
)
def test_compare_names_a_changed_update_rule_and_trains_each_side_with_its_own(lang, expected):
    at = open_page("pages/5_Compare.py", {"lang": lang})
    at.button(key="compare_pin").click().run()
    at.switch_page(TRAINING).run()
    at.selectbox(key=f"train_optimizer_{lang}_v{version(at)}").set_value("adam").run()
    at.switch_page("pages/5_Compare.py").run()
    assert not at.exception
    diff = at.dataframe[1].value
    row = diff.iloc[0].tolist()
    assert [row[0], row[2], row[3]] == expected
    sc = dnn.seed_scenario()
    fig = chart(at, "compare_curves")
    cur = next(t for t in fig["data"] if t.get("name") in ("current", "現在"))
    np.testing.assert_allclose(decode(cur["y"]), dnn.train(sc.network, sc.x, sc.d, 0.01, 1000, optimizer="adam").loss)


@pytest.mark.parametrize(
    ("rule", "setting"), [("momentum", "momentum"), ("rmsprop", "decay"), ("adam", "beta1"), ("adam", "beta2")]
)
def test_plus_and_minus_from_each_default_stay_in_the_settings_range(rule, setting):
    """β2 = 0.999 + 0.01 would be 1.009, outside [0, 1): each box's step keeps "+" and "−" inside, twice over."""
    from dnn.optimizers import HYPERPARAMETERS

    hp = HYPERPARAMETERS[setting]
    for press in ("up", "down"):
        at = start({"opt": rule})
        value = hp.default
        for _ in range(2):
            box = at.text_input(key=f"{setting}_v{version(at)}")
            assert float(box.value) == value  # the box shows the scenario's value
            at.button(key=f"{setting}_{press}_v{version(at)}").click().run()
            assert not at.exception and not at.error and not at.warning
            new = state.scenario(at.session_state).settings[setting]
            assert new != value and 0 <= new < 1  # the press was taken, and the value is one the rule accepts
            assert (new > value) == (press == "up")
            assert 0 < abs(new - value) < 1 - value  # one step, less than the room left below 1
            assert query(at, setting) == repr(new)  # the link carries it as a person would write it
            assert len(repr(new)) <= 8  # 0.9991, not 0.9991000000000001
            value = new
