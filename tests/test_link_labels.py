"""Messages about a bad value in a link or a file name the field as the screen does, in both languages.

A learner knows "learning rate η", "samples N", "β2", not the link's "lr", "n", "beta2". For a bad value of every
key a link or a file can hold, the message on screen (AppTest, English and Japanese) has a line that starts with
the field's name, shows the key after it as code only where the rule of docs/design.md wants it, never starts with
the bare key, and quotes the value as inert text.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.test_home import start
from tests.test_hostile import assert_inert, problem_lines, unescape
from tests.test_quiz_page import open_quiz
from ui.session import codec, data_codec
from ui.text.link_labels import LABELS, key_note, report_line

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# A bad value for every key of the link, in groups that can share one link (the recipe's keys are checked only
# when the data set's name is good; your own samples' held-out share only without a data set).
SCENARIO_LINK = {
    "W1": "abc,1;2,3",
    "b1": "0.1,![](http://x.io/a),0.3",
    "W2": "1,2;3,4;5,6;7,8",
    "b2": "1,2,3",
    "x": "1,nan",
    "d": "0.5,0.7",
    "lr": "1000001",
    "steps": "2.5",
    "hidden": "**swish**",
    "output": "tanh",
    "opt": "adam",
    "beta1": "1.5",
    "beta2": "-0.1",
    "momentum": "0.5",  # a setting of another rule
    "decay": "x",
    "reduction": "avg",
    "note": "n" * 600,
    "lock": "foo",
    "hide": "[x](https://x.io)",
    "data": "spiral",
    "n": "1000",
    "noise": "lots",
    "data_seed": "-1",
    "test": "0.9",
    "classes": "99",
}
OTHER_LINK = {"opt": "nesterov", "data": "swirl", "panel": "nope"}
OWN_DATA_LINK = {"test": "0.9", "data_seed": "x"}
QUIZ_LINK = {"ask": "foo", "quiz_seed": "-1"}
LINK_KEYS_CHECKED = {*SCENARIO_LINK, *OTHER_LINK, *OWN_DATA_LINK, *QUIZ_LINK}

# The same for a file; a file loads whole or not at all, and its data set is read only when the rest is good.
SCENARIO_FILE = {
    "W1": [[1, "a", 3], [4, 5, 6]],
    "b1": [0.1, 0.2],
    "W2": "1,2",
    "b2": [1, 2, 3],
    "x": [[1, 1e400]],
    "d": [[0.5, 0.7]],
    "lr": -5,
    "steps": 1.5,
    "hidden": 3,
    "output": "tanh",
    "opt": "adam",
    "beta1": "0.5",
    "beta2": 2,
    "momentum": 0.5,
    "decay": None,
    "reduction": "avg",
    "note": 5,
    "lock": ["foo"],
    "hide": "[x](https://x.io)",
    "ask": ["foo"],
    "quiz_seed": -1,
}
DATA_FILE = {"data": {"data": "spiral", "n": 1000, "noise": "lots", "data_seed": -1, "test": 0.9, "classes": 99}}
HELD_OUT_FILE = {"held_out": "a share"}
FILE_KEYS_CHECKED = {*SCENARIO_FILE, *DATA_FILE["data"], *HELD_OUT_FILE}


def test_every_key_has_a_name_in_both_languages():
    tables = [
        *(key.name for key in codec.TABLE),
        *data_codec.RECIPE_KEYS,
        data_codec.SPLIT_JSON_KEY,
        *codec.OTHER_FILE_KEYS,
    ]
    for key in tables:
        en, ja = LABELS[key]
        assert en.strip() and ja.strip(), key
        assert JAPANESE.search(ja) or key in ("beta1", "beta2"), f"{key}: {ja!r} is not Japanese"
        assert en != ja or key in ("beta1", "beta2"), key
    # a new key in the codec's table cannot be added without one: the label is a required field of Key
    with pytest.raises(TypeError):
        codec.Key("new", "scalar", "training", lambda saved: None)  # type: ignore[call-arg]


def test_every_key_a_reader_reads_is_checked_below():
    link_keys = {*codec.LINK_KEYS, *data_codec.RECIPE_KEYS}
    assert link_keys - {codec.LANG_PARAM} <= LINK_KEYS_CHECKED  # an unknown language is ignored, not reported
    file_keys = {k.name for k in codec.TABLE if k.in_json} | codec.OTHER_FILE_KEYS
    assert file_keys - {"data"} <= FILE_KEYS_CHECKED


def test_the_key_follows_the_name_once_as_code_unless_the_name_shows_it():
    assert key_note("lr", "link", "en") == " (`lr` in the link)"
    assert key_note("lr", "file", "ja") == "（ファイルの `lr`）"
    assert key_note("W1", "link", "en") == "" and key_note("W1", "link", "ja") == ""  # "weight W1" shows it
    assert key_note("steps", "link", "en") == ""  # "training steps"
    assert key_note("steps", "link", "ja") == "（リンクの `steps`）"  # 学習ステップ数 does not
    line = report_line(codec.read_query({"lr": "1000001"}).problems[0], "link", "en")
    expected = "learning rate η (`lr` in the link) is 1000001; it must be greater than 0 and at most 1e+06"
    assert unescape(line) == expected
    line = report_line(codec.read_query({"lr": "1000001"}).problems[0], "link", "ja")
    assert unescape(line) == "学習率 η（リンクの `lr`）が 1000001 です。0 より大きく 1e+06 以下にしてください"


def _lines_by_field(message: str, fields: set[str], lang: str, source: str) -> dict[str, str]:
    """Each line of the message, keyed by the field whose name starts it; every line starts with one."""
    found: dict[str, str] = {}
    for markdown in problem_lines(message):
        assert_inert(markdown)  # values quoted as text; the key's code span is the one exception
        line = unescape(markdown)
        # the longest name that starts the line ("weight W1" before "W1")
        names = sorted(((LABELS[f][lang == "ja"], f) for f in fields), key=lambda nf: -len(nf[0]))
        field = next((f for name, f in names if line.startswith(name)), None)
        assert field is not None, f"no field's name starts {line!r}"
        name = LABELS[field][lang == "ja"]
        where = unescape(key_note(field, source, lang))
        assert line[len(name) :].startswith(where), line  # the key, if any, right after the name, as code
        if not re.match(rf"{re.escape(field)}\b", name):  # "noise", "hidden activation": the screen's words too
            assert not re.match(rf"{re.escape(field)}\b", line), line
        found.setdefault(field, line)
    return found


def _check(message: str, expected: set[str], lang: str, source: str) -> dict[str, str]:
    lines = _lines_by_field(message, set(LABELS), lang, source)
    assert expected <= set(lines), f"not named: {expected - set(lines)}"
    return lines


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_link_names_every_bad_field_as_the_screen_does(lang):
    bad = set(SCENARIO_LINK) - {"opt", "data"}  # Adam and the spiral are good: their settings are not
    lines = _check(start({**SCENARIO_LINK, "lang": lang}).warning[0].value, bad, lang, "link")
    if lang == "en":
        assert lines["lr"].startswith("learning rate η (`lr` in the link) is 1000001")
        assert lines["n"].startswith("samples N (`n` in the link) is '1000'")
        assert lines["beta2"].startswith("β2 (second moment) (`beta2` in the link) is -0.1")
        assert lines["W1"].startswith("weight W1 (row 1, value 1): 'abc' is not a number")
        assert "![](http://x.io/a)" in lines["b1"] and "**swish**" in lines["hidden"]  # quoted as written
    else:
        assert lines["lr"].startswith("学習率 η（リンクの `lr`）が 1000001 です")
        assert lines["n"].startswith("サンプル数 N（リンクの `n`）が '1000' です")
        assert lines["data_seed"].startswith("データのシード（リンクの `data_seed`）が '-1' です")
    _check(start({**OTHER_LINK, "lang": lang}).warning[0].value, set(OTHER_LINK), lang, "link")
    _check(start({**OWN_DATA_LINK, "lang": lang}).warning[0].value, set(OWN_DATA_LINK), lang, "link")
    _check(open_quiz({**QUIZ_LINK, "lang": lang}).warning[0].value, set(QUIZ_LINK), lang, "link")


def _upload(lang: str, doc: dict) -> str:
    at = start({"lang": lang})
    at.sidebar.file_uploader[0].set_value(("f.json", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception
    return at.warning[0].value


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_file_names_every_bad_field_as_the_screen_does(lang):
    lines = _check(_upload(lang, SCENARIO_FILE), set(SCENARIO_FILE) - {"opt"}, lang, "file")
    first = "learning rate η (`lr` in the file) is -5" if lang == "en" else "学習率 η（ファイルの `lr`）が -5 です"
    assert lines["lr"].startswith(first)
    _check(_upload(lang, DATA_FILE), set(DATA_FILE["data"]) - {"data"}, lang, "file")
    _check(_upload(lang, HELD_OUT_FILE), set(HELD_OUT_FILE), lang, "file")
