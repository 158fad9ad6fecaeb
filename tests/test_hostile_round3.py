"""Hostile input, round three (issue 16 continued): the kinds of bad input no earlier test tried — escapes that are
no character, numbers of other scripts, keys in another letter case, parser messages in the wrong language, files
whose data set or held-out share was dropped without a word.

Each case ends in a message naming the field and no change, in English and Japanese; expected values are written by
hand, never taken from the code under test.
"""

from __future__ import annotations

import pytest

import dnn
from tests.test_home import scenario, start
from tests.test_hostile import unescape
from ui.session import codec

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
