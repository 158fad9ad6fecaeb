"""A teacher's note in a link (``note=``): shown at the top of every screen as plain text, whatever it contains;
kept in the address bar and the share link; a note over 500 characters is reported by key and the rest loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.test_hostile import unescape
from ui.session import codec
from ui.session.note import MAX_NOTE_CHARS, clean_note, note_from_query
from ui.widgets.pages_nav import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOSTILE = "**Read δ1 first** <script>alert(1)</script> <b>x</b> [click](javascript:alert(1)) $x^2$ :red[red] # h"


def open_at(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    if page != "app.py":
        at.switch_page(page)
    return at.run()


def note_texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_note_is_plain_text_on_every_screen_and_stays_in_the_link():
    at = open_at("pages/2_Backprop.py", {"note": HOSTILE, "lr": "0.2"})
    for entry in PAGES:
        if entry.path != "pages/2_Backprop.py":
            at = at.switch_page(entry.path).run()
        assert not at.exception, entry.path
        assert note_texts(at) == [HOSTILE], entry.path  # st.text: neither Markdown nor HTML is parsed
        assert not any("Read δ1 first" in str(m.value) for m in at.markdown), entry.path
        assert at.query_params["note"] == HOSTILE
        share = next(c.value for c in at.code if "W1=" in c.value)
        assert codec.scenario_from_query({"lr": "0.2"})[0] == codec.scenario_from_query(at.query_params)[0]
        assert "note=" in share
    assert any("Teacher's note" in str(c.value) for c in at.caption)


def test_note_in_japanese_and_with_line_breaks():
    at = open_at("app.py", {"note": "δ2 を手で計算してから\n誤差逆伝播の画面へ", "lang": "ja"})
    assert note_texts(at) == ["δ2 を手で計算してから\n誤差逆伝播の画面へ"]
    assert any("先生のメモ" in str(c.value) for c in at.caption)


@pytest.mark.parametrize("length", [MAX_NOTE_CHARS + 1, 5000])
def test_a_too_long_note_is_reported_by_key_and_the_rest_loads(length):
    at = open_at("pages/1_Forward.py", {"note": "n" * length, "lr": "0.2"})
    assert not at.exception
    assert note_texts(at) == []
    warning = unescape(at.warning[0].value)
    assert "- teacher's note is too long" in warning and f"{length:,} characters" in warning
    assert "note" not in at.query_params
    assert codec.scenario_from_query(at.query_params)[0] == dnn.seed_scenario().replace(lr=0.2)


def test_no_note_no_box():
    at = open_at("app.py", {})
    assert note_texts(at) == [] and "note" not in at.query_params


def test_clean_note():
    assert clean_note("a\x00b\u202ec\x1b[31md\r\ne\tf ") == "abc[31md\ne\tf"
    assert note_from_query({"note": "x" * MAX_NOTE_CHARS}) == ("x" * MAX_NOTE_CHARS, [])
    assert note_from_query({"note": "  \n "}) == (None, [])
    assert note_from_query({"note": ["first", "last"]}) == ("last", [])
    note, problems = note_from_query({"note": "x" * (MAX_NOTE_CHARS + 1)})
    assert note is None and problems[0].field == "note" and "501" in problems[0].ja
