"""Hostile input, round three (issue 16 continued): the kinds of bad input no earlier test tried — escapes that are
no character, numbers of other scripts, keys in another letter case, parser messages in the wrong language, files
whose data set or held-out share was dropped without a word.

Each case ends in a message naming the field and no change, in English and Japanese; expected values are written by
hand, never taken from the code under test.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import dnn
from dnn import quiz
from tests.test_home import APP, scenario, start
from tests.test_hostile import problem_lines, unescape
from ui.session import codec, data_codec

SEED = dnn.seed_scenario()


def upload(at, data: bytes, name: str = "f.json"):
    at.sidebar.file_uploader[0].set_value((name, data, "application/json")).run()
    assert not at.exception, at.exception
    return at


# ---------------------------------------------------------------- files: escapes that are no character


@pytest.mark.parametrize(
    "data",
    [
        b'{"note": "\\ud800 hello"}',  # a lone high surrogate: Python's json reads it, no text encoding can write it
        b'{"note": "x\\udfff"}',  # a lone low surrogate
        b'{"lr": 0.5, "hidden": "\\ud83d"}',
        b'{"\\udc00": 1, "lr": 0.5}',  # in a key
    ],
)
def test_a_lone_surrogate_escape_is_refused_as_a_whole_file(data):
    base = SEED.replace(lr=0.05)
    loaded = codec.read_json(data, base)
    assert loaded.scenario == base and loaded.classroom.note is None
    assert [p.field for p in loaded.problems] == ["file"]
    assert "\\u" in loaded.problems[0].en and "\\u" in loaded.problems[0].ja
    assert "character" in loaded.problems[0].en and "文字" in loaded.problems[0].ja


def test_an_escaped_emoji_pair_is_a_character_and_loads():
    loaded = codec.read_json(b'{"note": "ok \\ud83d\\ude00", "lr": 0.5}')
    assert loaded.problems == () and loaded.classroom.note == "ok \U0001f600" and loaded.scenario.lr == 0.5


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_uploading_a_note_with_a_lone_surrogate_keeps_the_session(lang):
    """It used to end every later run of the session in UnicodeEncodeError (the note went into the address bar)."""
    at = start({"lang": lang, "lr": "0.05"})
    before = scenario(at)
    upload(at, b'{"note": "\\ud800 hello", "lr": 0.5}')
    assert scenario(at) == before
    assert len(at.warning) == 1 and "\\ud800" in unescape(at.warning[0].value)
    at.run()  # and the next run too
    assert not at.exception and scenario(at) == before


# ---------------------------------------------------------------- files: a data set or held-out share dropped silently

TWO = {"x": [[1, 5], [2, 3], [0, 1], [4, 4]], "d": [[0, 1], [1, 0], [0, 1], [1, 0]]}
DATA_FILES = [
    # (name, file, the field named, words in English, words in Japanese)
    ("n of 5,000 digits", b'{"data": {"data": "xor", "n": ' + b"1" * 5_000 + b"}}", "n", "11111111", "11111111"),
    ("n of 1e400", b'{"data": {"data": "xor", "n": 1e400}}', "n", "1e400", "1e400"),
    ("noise of NaN", b'{"data": {"data": "xor", "noise": NaN}}', "noise", "NaN", "NaN"),
    ("n as text", b'{"data": {"data": "xor", "n": "40"}}', "n", "'40' is text, not a number", "数値ではありません"),
    ("test as text", json.dumps({**TWO, "held_out": {"test": "0.2"}}).encode(), "test", "text, not a number", "数値"),
    (
        "seed as text",
        json.dumps({**TWO, "held_out": {"test": 0.5, "data_seed": "3"}}).encode(),
        "data_seed",
        "text",
        "数値",
    ),
    (
        "test of 1e999",
        b'{"x": [[1, 5], [2, 3]], "d": [[0, 1], [1, 0]], "held_out": {"test": 1e999}}',
        "test",
        "1e999",
        "1e999",
    ),
]


@pytest.mark.parametrize(("name", "data", "field", "en", "ja"), DATA_FILES, ids=[f[0] for f in DATA_FILES])
def test_a_bad_number_in_a_files_data_set_or_held_out_share_is_named(name, data, field, en, ja):
    """Read with the scenario's own JSON rules: a number too large or written as text is named, never dropped or
    shown as "inf"."""
    base = SEED
    recipe, recipe_problems = data_codec.recipe_from_json(data)
    own, own_problems = data_codec.own_data_from_json(data, codec.read_json(data, base).scenario)
    problems = recipe_problems + own_problems
    assert recipe is None and own is None
    assert [p.field for p in problems] == [field]
    assert en in problems[0].en and ja in problems[0].ja
    assert "inf" not in problems[0].en.replace("1e999", "")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_uploading_a_data_set_of_5000_digits_says_so_and_changes_nothing(lang):
    """It used to say "Loaded" and keep the notebook's one sample: the data set was dropped without a word."""
    at = start({"lang": lang})
    upload(at, DATA_FILES[0][1])
    assert scenario(at) == SEED and not at.success
    assert len(at.warning) == 1
    line = unescape(problem_lines(at.warning[0].value)[0])
    assert line.startswith("samples N" if lang == "en" else "サンプル数 N")


# ---------------------------------------------------------------- files: the JSON parser's words, in the right language

BROKEN_JSON = [
    # (file, words of the English reason, words of the Japanese reason)
    (b'{"lr": 0.5,}', "key in double quotes", "キー"),
    (b'{"lr": }', "value is missing", "値がない"),
    (b"{'lr': 0.5}", "key in double quotes", "二重引用符"),
    (b'{"lr" 0.5}', "colon", "コロン"),
    (b'{"lr": 0.5 "steps": 3}', "comma is missing", "カンマ"),
    (b'{"lr": 0.5} x', "after the end", "余分な文字"),
    (b'{"note": "abc', "not closed", "閉じられていません"),
    (b'{"note": "a\nb"}', "line break", "改行"),
    (b'{"note": "\\q"}', "escape", "エスケープ"),
    (b'{"note": "\\u12"}', "escape", "エスケープ"),
    ("\ufeff\ufeff".encode() + b'{"lr": 0.5}', "byte order mark", "BOM"),
    (b"", "value is missing", "値がない"),
]


@pytest.mark.parametrize(("data", "en", "ja"), BROKEN_JSON)
def test_a_broken_file_is_explained_in_the_learners_words_and_language(data, en, ja):
    """The reason used to be Python's own English ("Expecting property name enclosed in double quotes", "decode
    using utf-8-sig") in both languages."""
    (problem,) = codec.read_json(data).problems
    assert problem.field == "file"
    assert en in problem.en and ja in problem.ja
    for python_words in ("Expecting", "delimiter", "utf-8-sig", "Extra data", "Unterminated", "Invalid"):
        assert python_words not in problem.en and python_words not in problem.ja
    assert "line 1" in problem.en and "1 行" in problem.ja  # where it is stays


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_file_saved_as_utf16_or_utf32_with_its_byte_order_mark_loads(encoding):
    """Windows Notepad's "Unicode" is UTF-16 with a byte order mark; it used to be "not a text file"."""
    text = "\ufeff" + codec.scenario_to_json(SEED.replace(lr=0.5), "sum", codec.Classroom(note="メモ"))
    # "utf-16" and "utf-32" write their own byte order mark; "utf-16-be" writes the one in the text
    data = text.encode(encoding) if encoding == "utf-16-be" else text[1:].encode(encoding)
    loaded = codec.read_json(data)
    assert loaded.problems == ()
    assert loaded.scenario.lr == 0.5 and loaded.reduction == "sum" and loaded.classroom.note == "メモ"


def test_utf16_without_a_byte_order_mark_is_still_refused_by_name():
    (problem,) = codec.read_json('{"lr": 0.5}'.encode("utf-16-le")).problems
    assert problem.field == "file" and "UTF-8" in problem.en and "UTF-8" in problem.ja


def test_a_version_written_as_1_0_is_version_1():
    """It used to be refused with a message that contradicted itself: "its version 1 is not a version number (this
    app writes 1)"."""
    loaded = codec.read_json(b'{"format": "backprop-lab/scenario", "version": 1.0, "lr": 0.5}')
    assert loaded.problems == () and loaded.scenario.lr == 0.5
    (newer,) = codec.read_json(b'{"version": 2.0, "lr": 0.5}').problems
    assert "newer" in newer.en and "version 2;" in newer.en and "新しい" in newer.ja
    (odd,) = codec.read_json(b'{"version": 1.5, "lr": 0.5}').problems
    assert "1.5 is not a version number" in odd.en and "1.5" in odd.ja


# ---------------------------------------------------------------- numbers too small for a float


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_learning_rate_too_small_for_a_float_is_quoted_as_written(lang):
    """``lr=1e-400`` used to be reported as "learning rate η is 0": not what the link says."""
    at = start({"lang": lang, "lr": "1e-400"})
    assert scenario(at).lr == SEED.lr
    (line,) = problem_lines(unescape(at.warning[0].value))
    assert "1e-400" in line and " 0;" not in line and " 0 です" not in line
    assert ("too small" if lang == "en" else "小さすぎ") in line


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ({"W1": "1e-400,0.3,0.5;0.2,0.4,0.6"}, "row 1, value 1"),
        ({"x": "1,-2.5e-999"}, "value 2"),
    ],
)
def test_a_weight_too_small_for_a_float_is_not_silently_zero(source, where):
    loaded = codec.read_query(source, SEED)
    assert loaded.scenario == SEED
    (problem,) = loaded.problems
    assert where in problem.en and "too small" in problem.en and "小さすぎ" in problem.ja


def test_a_file_number_too_small_for_a_float_is_quoted_as_written():
    (problem,) = codec.read_json(b'{"lr": 1e-400}', SEED).problems
    assert problem.field == "lr" and "1e-400" in problem.en and "1e-400" in problem.ja and "too small" in problem.en


def test_a_zero_written_with_an_exponent_is_zero():
    assert codec.read_query({"b2": "0.1,0e-999"}, SEED).scenario.network.b2.tolist() == [0.1, 0.0]
    assert codec.read_json(b'{"b2": [0.1, 0.0e-999]}', SEED).scenario.network.b2.tolist() == [0.1, 0.0]
    assert codec.number_from_typed("-0.000e-5000", ("cell", "セル")) == 0.0


# ---------------------------------------------------------------- links: a key written in another form


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_key_in_capitals_or_with_an_invisible_character_is_named_not_ignored(lang):
    """``LR=0.5`` or ``Lock=all`` used to be dropped without a word: a teacher's lock that silently does not lock."""
    at = start({"lang": lang, "LR": "0.5", "Lock": "all", "l\u200br": "0.7", "ｓｔｅｐｓ": "5", "utm_source": "mail"})
    assert scenario(at) == SEED and not at.session_state["teacher_lock"]
    lines = [unescape(line) for line in problem_lines(at.warning[0].value)]
    assert len(lines) == 4  # utm_source is no key of ours in any form: left alone
    for key, written in (("lr", "'LR'"), ("lock", "'Lock'"), ("lr", "'l?r'"), ("steps", "'ｓｔｅｐｓ'")):
        # each line names the field and its key, then the key as written (an invisible character as "?")
        assert any(key in line.split(":")[0] and written in line for line in lines), (key, written, lines)
    words = "was not used" if lang == "en" else "使っていません"
    assert all(words in line for line in lines)


# ---------------------------------------------------------------- CSV


def paste_csv(at, text: str):
    at.text_area(key="data_csv_text").input(text).run()
    at.button(key="data_csv_use").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_csv_with_mixed_line_endings_loads(lang):
    """An old Mac line end (a lone CR) among Windows and Unix ones used to end in "_csv.Error: new-line character
    seen in unquoted field" on the screen."""
    at = paste_csv(start({"lang": lang}), "x1,x2,label\r\n1,2,0\r3,4,1\n5,6,0\n")
    sc = scenario(at)
    assert sc.x.tolist() == [[1, 2], [3, 4], [5, 6]] and sc.d.tolist() == [[1, 0], [0, 1], [1, 0]]


def test_a_csv_with_a_stray_carriage_return_in_a_quoted_cell_is_named():
    with pytest.raises(dnn.ValidationError) as e:
        dnn.datasets.parse_csv('x1,x2,label\n"1\r2",3,0\n')
    assert "row 2" in e.value.en and "2 行目" in e.value.ja


@pytest.mark.parametrize(
    ("text", "en", "ja"),
    [
        ("x1\n1\n2\n", "after the last column", "最後の列のあと"),
        ("x1,x2\n1,2\n", "after the last column", "最後の列のあと"),
        ("x1,,label\n1,2,0\n", "column 2 (no name)", "2 列目（名前なし）"),
    ],
)
def test_a_csv_header_problem_is_placed_in_the_learners_language(text, en, ja):
    """The Japanese message used to say "(end) 列" and "(empty) 列"."""
    with pytest.raises(dnn.ValidationError) as e:
        dnn.datasets.parse_csv(text)
    assert en in e.value.en and ja in e.value.ja
    assert "(end)" not in e.value.ja and "(empty)" not in e.value.ja


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_held_out_share_that_holds_out_no_sample_says_so(lang):
    """Two samples of two classes with 50 % held out: each class has one sample, so none is held out. The screen used
    to say only "Loaded 2 samples", as if the share had been applied."""
    at = start({"lang": lang})
    at.text_area(key="data_csv_text").input("x1,x2,label\n1,2,0\n3,4,1\n").run()
    at.slider(key=f"data_csv_test_v{at.session_state['editor_version']}").set_value(50).run()
    at.button(key="data_csv_use").click().run()
    assert scenario(at).x.tolist() == [[1, 2], [3, 4]]  # every sample trains
    (message,) = [unescape(m.value) for m in (*at.warning, *at.info)]
    assert ("no sample is held out" if lang == "en" else "テスト用に取り分けたサンプルはありません") in message
    assert "50" in message


def test_one_sample_is_said_in_the_singular():
    at = start()
    at.text_area(key="data_csv_text").input("x1,x2,label\n1,2,0\n").run()
    at.button(key="data_csv_use").click().run()
    assert unescape(at.success[0].value).startswith("Loaded 1 sample with 2 inputs")


# ---------------------------------------------------------------- typed numbers with invisible characters

INVISIBLE = ["0.\u200b5", "\u200e0.5", "\u202e0.5\u202c", "\ufeff0.5", "0\u20605", "\u200f-\u200f0.5"]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_a_quiz_answer_pasted_with_invisible_characters_is_read(typed):
    """Copied from a web page or a PDF, a number can carry a zero-width space or a direction mark: invisible on
    screen, it used to make a right answer "not a number"."""
    expected = -0.5 if "-" in typed else (5.0 if typed == "0\u20605" else 0.5)
    assert quiz.parse_answer(typed) == expected


@pytest.mark.parametrize("typed", INVISIBLE)
def test_a_grid_cell_typed_with_invisible_characters_is_read(typed):
    expected = -0.5 if "-" in typed else (5.0 if typed == "0\u20605" else 0.5)
    assert codec.number_from_typed(typed, ("cell", "セル")) == expected


# ---------------------------------------------------------------- a whole network that cannot be, from a link

ONE_ONE_ONE = {"W1": "0.5", "b1": "0.1", "W2": "0.3", "b2": "0.2", "x": "2", "d": "1"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_consistent_1_1_1_link_with_softmax_names_the_real_reason(lang):
    """A 1-1-1 network with softmax (the default output) is refused because softmax needs two outputs. The link's
    sizes agree with each other, yet the warning used to list only "b1 has 1 entries but the hidden layer has 3
    units" and five more such lines, each measured against the notebook's network, never the reason."""
    at = start({**ONE_ONE_ONE, "lang": lang})
    assert scenario(at) == SEED
    lines = [unescape(line) for line in problem_lines(at.warning[0].value)]
    reason = "softmax needs at least 2 outputs" if lang == "en" else "softmax には 2 つ以上の出力が必要です"
    (line,) = [line for line in lines if reason in line]
    assert line.startswith("weight W2" if lang == "en" else "重み W2")
    assert ("taken together" if lang == "en" else "まとめて") in line


def test_the_same_network_with_an_identity_output_loads():
    loaded = codec.read_query({**ONE_ONE_ONE, "output": "identity"}, SEED)
    assert loaded.problems == () and loaded.scenario.network.W1.shape == (1, 1)


@pytest.mark.parametrize(
    ("query", "en"),
    [
        ({"b1": "0.1"}, "b1 has 1 entry but the hidden layer has 3 units"),
        ({"W2": "0.3,0.1"}, "W2 has 1 row but the hidden layer has 3 units"),
        ({"x": "2"}, "x has 1 column but the network has 2 inputs"),
    ],
)
def test_a_count_of_one_is_said_in_the_singular(query, en):
    (problem,) = codec.read_query(query, SEED).problems
    assert en in problem.en


# ---------------------------------------------------------------- links: a key given twice


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_key_given_twice_with_different_values_is_named(lang):
    """``lock=W1&lock=lr`` used to lock only lr without a word (Streamlit keeps a repeated key's last value)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["lock"] = ["W1", "lr"]
    at.query_params["lr"] = ["0.5", "0.7"]
    at.query_params["steps"] = ["30", "30"]  # the same value twice says nothing new: no message
    at.query_params["data"] = ["xor", "spiral"]
    at.run()
    assert not at.exception
    assert at.session_state["teacher_lock"] == {"lr"} and scenario(at).lr == 0.7  # the last, as before
    lines = [unescape(line) for line in problem_lines(at.warning[0].value)]
    assert len(lines) == 3
    words = ("2 times", "the last") if lang == "en" else ("2 回", "最後")
    for key, last in (("lock", "'lr'"), ("lr", "'0.7'"), ("data", "'spiral'")):
        (line,) = [line for line in lines if f"`{key}`" in line or line.startswith(key)]
        assert last in line and all(w in line for w in words), line


@pytest.mark.parametrize(
    ("cell", "en", "ja"),
    [
        ("1e-400", "1e-400 is too small to hold", "1e-400 は小さすぎて"),
        ("-2.5e-999", "-2.5e-999 is too small to hold", "小さすぎて"),
        ("1e400", "1e400 is too large", "1e400 は大きすぎます"),
        ("nan", "nan is not a finite number", "nan は有限の数ではありません"),
    ],
)
def test_a_csv_number_beyond_floats_is_quoted_as_written(cell, en, ja):
    """1e-400 used to become 0 without a word; 1e400 was "not a finite number", which it is."""
    with pytest.raises(dnn.ValidationError) as e:
        dnn.datasets.parse_csv(f"x1,x2,label\n{cell},2,0\n")
    assert "row 2, column x1" in e.value.en and en in e.value.en and ja in e.value.ja


def test_a_csv_zero_written_with_an_exponent_is_zero():
    x, _ = dnn.datasets.parse_csv("x1,x2,label\n0e-999,-0.0E-5000,0\n")
    assert x.tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_link_with_a_data_set_and_its_own_x_and_d_says_which_is_used(lang):
    """``data=xor&x=…&d=…``: the generated samples replace x and d; the link's own x and d used to vanish without a
    word."""
    at = start({"lang": lang, "data": "xor", "n": "8", "x": "1,5;2,2", "d": "0,1;1,0"})
    assert scenario(at).x.shape == (8, 2)  # the data set's samples
    lines = [unescape(line) for line in problem_lines(at.warning[0].value)]
    assert len(lines) == 2
    for key in ("x", "d"):
        (line,) = [line for line in lines if f"`{key}`" in line or f" {key} " in line.split(":")[0] + " "]
        assert ("generated data set" if lang == "en" else "生成したデータセット") in line
