"""Hostile input, round three: the newest features (CSV data, generated data, the quiz, teacher keys, update rules)
fed what a hostile user would. Each test reproduces a crash, an injection or a silent change that was found, and
checks the fix: a message naming the field, in English and Japanese, and nothing changed.

Expected values are written by hand, never taken from the code under test.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import dnn
from dnn import datasets
from tests.test_home import scenario, start
from ui.session import data_codec

# ---------------------------------------------------------------- CSV


def test_a_semicolon_csv_from_a_european_spreadsheet_is_read():
    x, d = datasets.parse_csv("x1;x2;label\r\n1;2;0\r\n3.5;4;1\r\n")
    np.testing.assert_array_equal(x, [[1, 2], [3.5, 4]])
    np.testing.assert_array_equal(d, [[1, 0], [0, 1]])


def test_a_tab_separated_csv_is_read():
    x, d = datasets.parse_csv("x1\tx2\td1\n1\t2\t0.5\n")
    np.testing.assert_array_equal(x, [[1, 2]])
    np.testing.assert_array_equal(d, [[0.5]])


def test_a_decimal_comma_in_a_semicolon_csv_is_refused_with_a_hint():
    with pytest.raises(dnn.ValidationError) as caught:
        datasets.parse_csv("x1;x2;label\n0,5;2;0\n")
    assert "CSV row 2, column x1: '0,5' is not a number (write decimals with a point" in caught.value.en
    assert "小数は点で" in caught.value.ja


@pytest.mark.parametrize("cell", ["1_5", "1_000"])
def test_an_underscore_in_a_number_is_refused_not_read_as_digits(cell):
    # Python's float() reads "1_5" as 15: a silent change of what the file says.
    with pytest.raises(dnn.ValidationError) as caught:
        datasets.parse_csv(f"x1,label\n{cell},0\n2,1\n")
    assert f"'{cell}' is not a number" in caught.value.en and "数値ではありません" in caught.value.ja


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("x1,label\n" + "1" * 90_000 + ",0\n", "11111111111111111111…"),  # 90,000 digits: float() gives inf
        ("x1,label\n" + "a" * 90_000 + ",0\n", "'aaaaaaaaaaaaaaaaaaaa…'"),
        ("b" * 90_000 + ",label\n1,0\n", "bbbbbbbbbbbbbbbbbbbb…"),  # a header cell
    ],
    ids=["digits", "letters", "header"],
)
def test_a_huge_cell_is_quoted_short(text, quoted):
    with pytest.raises(dnn.ValidationError) as caught:
        datasets.parse_csv(text)
    assert quoted in caught.value.en and quoted in caught.value.ja
    assert len(caught.value.en) < 200 and len(caught.value.ja) < 200


# ---------------------------------------------------------------- generated data in a file


@pytest.mark.parametrize(
    ("value", "shown"),
    [(list(range(5_000)), "[0, 1, 2, 3, 4, 5, 6…"), ({"a": "x" * 50_000}, "{'a': 'xxxxxxxxxxxxx…")],
    ids=["list", "object"],
)
def test_a_recipe_value_that_is_a_long_list_is_quoted_short(value, shown):
    data = json.dumps({"lr": 0.5, "data": {"data": "spiral", "n": value}})
    recipe, problems = data_codec.recipe_from_json(data)
    assert recipe is None and [p.field for p in problems] == ["n"]
    assert shown in problems[0].en and shown in problems[0].ja
    assert len(problems[0].en) < 120 and len(problems[0].ja) < 120


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_hand_written_file_with_only_a_recipe_loads_it(lang):
    at = start({"lang": lang})
    data = json.dumps({"data": {"data": "xor", "n": 40, "data_seed": 2}}).encode()
    at.sidebar.file_uploader[0].set_value(("xor.json", data, "application/json")).run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.query_params["data"] == "xor" and at.query_params["n"] == "40"
    assert scenario(at).x.shape == (40, 2)  # nothing held out: all 40 samples train


# ---------------------------------------------------------------- the quiz on numbers that leave the floats

QUIZ = "pages/6_Quiz.py"


def open_quiz(query: dict[str, str]):
    from streamlit.testing.v1 import AppTest

    from tests.test_home import APP

    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(QUIZ).run()
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize(
    "query",
    [
        {"W1": "1e155,0.3,0.5;0.2,0.4,0.6", "output": "identity"},  # the loss overflows: E = ½·(1e155·…)² = inf
        {"W1": "1e308,0.3,0.5;1e308,0.4,0.6"},  # u1 = 1e308 + 5e308 overflows
    ],
    ids=["loss", "u1"],
)
def test_the_quiz_on_a_loss_that_is_not_finite_says_so(query, lang):
    at = open_quiz({**query, "lang": lang})
    assert not at.exception, at.exception
    words = "is not a finite number at the start" if lang == "en" else "最初（ステップ 0）から有限の数ではありません"
    assert any(words in e.value for e in at.error)
    assert "W1[1, 1]" in " ".join(e.value for e in at.error)  # the value to make smaller


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_quiz_on_a_step_that_overflows_says_which_parameter(lang):
    # x = 1e152 gives a finite loss (about 1e303) but ∂E/∂W2 ≈ 1e303, and η = 10⁶ takes W2 past 1.8e308.
    query = {"x": "1e152,1e152", "output": "identity", "d": "0,0", "lr": "1000000", "lang": lang}
    sc = codec_scenario(query)
    g = dnn.backward(sc.network, sc.x, sc.d)
    assert np.isfinite(dnn.loss(sc.network, sc.x, sc.d))
    with np.errstate(over="ignore"):
        stepped = [getattr(sc.network, p) - sc.lr * getattr(g, p) for p in ("W1", "b1", "W2", "b2")]
    assert not all(np.all(np.isfinite(a)) for a in stepped)  # the step does overflow
    at = open_quiz(query)
    assert not at.exception, at.exception
    words = "One SGD step of this scenario overflows" if lang == "en" else "SGD はオーバーフローします"
    assert any(words in w.value for w in at.warning)


def codec_scenario(query: dict[str, str]) -> dnn.Scenario:
    from ui.session import codec

    loaded = codec.read_query(query)
    assert not loaded.problems
    return loaded.scenario


# ---------------------------------------------------------------- ▶ Play's frames


@pytest.mark.parametrize("every", [2, 3, 7, 150])
def test_the_films_steps_never_pass_the_last_step(every):
    from dnn import playback

    for last in range(1, 700):
        steps = playback.frame_steps(np.zeros(last + 1), every=every)
        assert steps.min() == 0 and steps.max() == last, (last, every)


@pytest.mark.parametrize(
    "query",
    [{"steps": "2999"}, {"opt": "adam", "steps": "99999"}],  # 2,999 / 2 rounds to 1,500 snapshots: step 3,000
    ids=["sgd", "adam"],
)
def test_training_with_a_step_count_that_is_no_multiple_of_the_snapshots_runs(query):
    from streamlit.testing.v1 import AppTest

    from tests.test_home import APP

    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page("pages/3_Training.py").run()
    assert not at.exception, at.exception
