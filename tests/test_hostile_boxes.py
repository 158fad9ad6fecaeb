"""Whole-number boxes that are not part of the scenario (seeds, numbers of samples and steps to generate): each is
a text box read by the app, so that 1e5 is 100000 (Streamlit's integer box turned it into 1 without a word), and
a fraction is refused with a message naming the box, in English and Japanese, keeping its last whole number.

What typing "1e2" into the browser gives is checked in tests/browser/test_hostile_boxes.py; here the boxes are
checked to be text boxes (the browser passes their text on as typed) and their refusals and accepted values.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.plotly_json import decode
from tests.test_home import APP, scenario, start
from tests.test_hostile import unescape
from tests.test_pages_training import chart
from ui.session import sgd_preset, state
from ui.text import quiz_sheet

TRAINING, QUIZ = "pages/3_Training.py", "pages/6_Quiz.py"
TWO_SAMPLES = {"x": "1,5;3,1", "d": "0,1;1,0"}
WORDS = {"en": "is not a whole number", "ja": "は整数ではありません"}


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def sgd_screen(lang: str) -> AppTest:
    at = open_page(TRAINING, {"lang": lang})
    at.radio(key="train_source").set_value("sgd").run()
    assert not at.exception
    return at


def stochastic_screen(lang: str) -> AppTest:
    at = open_page(TRAINING, {**TWO_SAMPLES, "lang": lang})
    at.toggle(key="train_stochastic").set_value(True).run()
    assert not at.exception
    return at


def quiz_sheets(lang: str) -> AppTest:
    at = open_page(QUIZ, {"lang": lang})
    at.radio(key=f"w_quiz_sheet_scope_{lang}").set_value("seeds").run()
    assert not at.exception
    return at


def home(lang: str) -> AppTest:
    return start({"lang": lang})


# (screen, widget key, English label, Japanese label): every whole-number box that is not a scenario value
BOXES = [
    (stochastic_screen, "train_seed", "Seed", "シード"),
    (sgd_screen, "sgd_samples", "Samples generated", "生成するサンプル数"),
    (sgd_screen, "sgd_seed", "Seed", "シード"),
    (sgd_screen, "sgd_steps", "Steps", "ステップ数"),
    (quiz_sheets, "w_quiz_sheet_from", "First seed", "最初のシード"),
    (quiz_sheets, "w_quiz_sheet_to", "Last seed", "最後のシード"),
]
IDS = [b[1] for b in BOXES]


def error_text(at: AppTest) -> str:
    return " ".join(unescape(e.value) for e in at.error)


@pytest.mark.parametrize(("screen", "key", "en", "ja"), BOXES, ids=IDS)
def test_the_box_is_a_text_box_that_reads_exponents(screen, key, en, ja):
    at = screen("en")
    assert not at.number_input  # the browser's number box reads "1e5" in an integer box with parseInt: 1
    box = at.text_input(key=key)
    assert box.label == en
    box.input("1e1").run()
    assert not at.error and at.text_input(key=key).value == "10"  # stored as the number it means, shown so


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(("screen", "key", "en", "ja"), BOXES, ids=IDS)
def test_a_fraction_is_refused_by_the_boxs_name_and_the_box_keeps_its_number(screen, key, en, ja, lang):
    at = screen(lang)
    before = at.text_input(key=key).value
    at.text_input(key=key).input("2.5").run()
    assert not at.exception
    label = en if lang == "en" else ja
    assert f"{label}: 2.5 {WORDS[lang]}" in error_text(at)
    assert at.text_input(key=key).value == before


def test_the_sgd_presets_whole_numbers_are_what_the_scenario_gets():
    at = sgd_screen("en")
    at.text_input(key="sgd_samples").input("1e2").run()
    at.text_input(key="sgd_seed").input("７").run()  # a full-width digit
    at.text_input(key="sgd_steps").input("1e5").run()
    at.text_input(key="sgd_steps").input("2.5").run()  # refused: the 100,000 stays
    at.button(key="sgd_adopt").click().run()
    assert not at.exception
    sc = scenario(at)
    settings = sgd_preset.SgdSettings(n_samples=100, seed=7, steps=100_000)
    x, d = sgd_preset.course_data(100, 7)
    assert sc.steps == 100_000 and len(sc.x) == 100
    np.testing.assert_array_equal(sc.x, x)
    np.testing.assert_array_equal(sc.d, d)
    assert sc == sgd_preset.course_scenario(settings)


def test_the_sgd_presets_numbers_survive_a_visit_to_another_screen():
    at = sgd_screen("en")
    at.text_input(key="sgd_samples").input("100.0").run()
    assert at.text_input(key="sgd_samples").value == "100"
    at.switch_page("app.py").run()
    at.switch_page(TRAINING).run()
    at.radio(key="train_source").set_value("sgd").run()
    assert at.text_input(key="sgd_samples").value == "100"


def test_the_random_sample_seed_is_the_runs_seed():
    at = stochastic_screen("en")
    at.text_input(key="train_seed").input("3.0").run()
    at.text_input(key="train_seed").input("0.5").run()  # refused: seed 3 stays
    assert not at.exception
    sc = scenario(at)
    drawn = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=3).sample_loss
    other = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=0).sample_loss
    assert not np.array_equal(drawn, other)  # the seed matters, so the check below can fail
    np.testing.assert_array_equal(decode(chart(at, "train_loss_chart")["data"][0]["y"]), drawn)


def test_the_worksheets_seed_range_is_the_boxes_whole_numbers():
    at = quiz_sheets("en")
    many = f"At most {quiz_sheet.MAX_SHEETS} sheets"
    at.text_input(key="w_quiz_sheet_to").input(f"{quiz_sheet.MAX_SHEETS + 10:.0e}").run()  # an exponent: "7e+01"
    assert many in " ".join(c.value for c in at.caption)
    at.text_input(key="w_quiz_sheet_to").input("5.5").run()  # refused: the range stays 1 … 40
    assert many in " ".join(c.value for c in at.caption)
    at.text_input(key="w_quiz_sheet_to").input("5.0").run()
    assert many not in " ".join(c.value for c in at.caption) and not at.exception


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_quiz_seed_box_refuses_a_fraction_and_draws_a_whole_seed(lang):
    at = open_page(QUIZ, {"lang": lang})
    box = next(n for n in at.text_input if n.key.startswith("w_quiz_seed"))
    box.input("2.5")
    draw = "Draw a scenario to do by hand" if lang == "en" else "手計算用のシナリオを作る"
    at = next(b for b in at.button if b.label == draw).click().run()
    label = "Scenario seed" if lang == "en" else "シナリオのシード"
    assert f"{label}: 2.5 {WORDS[lang]}" in error_text(at)
    assert scenario(at) == dnn.seed_scenario() and "quiz_seed" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_data_forms_boxes_refuse_a_fraction_by_name(lang):
    at = home(lang)
    v = state.editor_version(at.session_state)
    assert not at.number_input
    at.text_input(key=f"data_n_v{v}").input("60.5")
    use = "Use this data set" if lang == "en" else "このデータセットを使う"
    at.button[[b.label for b in at.button].index(use)].click().run()
    assert not at.exception
    label = "Samples N (training + held out)" if lang == "en" else "サンプル数 N（学習用 + テスト用）"
    assert f"{label}: 60.5 {WORDS[lang]}" in error_text(at)
    assert scenario(at) == dnn.seed_scenario()


def test_the_data_form_reads_a_whole_number_given_as_a_float():
    at = home("en")
    v = state.editor_version(at.session_state)
    at.text_input(key=f"data_n_v{v}").input("1e2")
    at.text_input(key=f"data_seed_v{v}").input("3.0")
    at.button[[b.label for b in at.button].index("Use this data set")].click().run()
    assert not at.exception
    assert at.query_params["n"] == "100" and at.query_params["data_seed"] == "3"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_csv_draws_seed_box_refuses_a_fraction_by_name(lang):
    at = home(lang)
    v = state.editor_version(at.session_state)
    box = at.text_input(key=f"data_csv_seed_v{v}")
    at.text_area(key="data_csv_text").input("x1,x2,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    box.input("1.5")
    at.button(key="data_csv_use").click().run()
    assert not at.exception
    label = "Seed of the draw" if lang == "en" else "選び方のシード"
    assert f"{label}: 1.5 {WORDS[lang]}" in error_text(at)
    assert scenario(at) == dnn.seed_scenario()
    at.text_input(key=f"data_csv_seed_v{state.editor_version(at.session_state)}").input("1e2")
    at.button(key="data_csv_use").click().run()
    assert not at.exception and scenario(at).x.shape == (4, 2)
