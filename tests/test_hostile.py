"""Hostile input (issue 16): files and links that used to crash the app, values quoted as Markdown, numbers typed
in ways Streamlit's number cells mangled, messages that misreported a value, and links too long to share.

Each case ends in a message naming the field and no change; messages are checked in English and Japanese.
Expected numbers are written by hand (1e-3 is 0.001), never taken from the code under test.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

import dnn
from tests.test_home import edit, scenario, start
from ui.session import codec, state
from ui.text.i18n import pick
from ui.text.link_labels import LABELS
from ui.widgets import editors

SEED = dnn.seed_scenario()
PUNCTUATION = r"[!-/:-@\[-`{-~]"  # ASCII punctuation: every character CommonMark can give a meaning


def unescape(markdown: str) -> str:
    """What a reader sees of Markdown text made inert: without the backslashes and the invisible word joiners."""
    return re.sub(r"\\(" + PUNCTUATION + ")", r"\1", markdown.replace("\u2060", ""))


def assert_inert(line: str) -> None:
    """``line`` (Markdown source) can render only as text: every ASCII punctuation is escaped, and no bare address
    (http://, www., a@b) survives that GitHub's Markdown would turn into a link. The one exception is the key after
    the field's name, as code ("(`lr` in the link)"): one of the tables' own keys, never text from the link."""
    keys = "|".join(re.escape(k) for k in LABELS)
    line = re.sub(rf" \(`(?:{keys})` in the (?:link|file)\)|（(?:リンク|ファイル)の `(?:{keys})`）", "", line, count=1)
    bare = re.sub(r"\\" + PUNCTUATION, "", line)
    assert not re.findall(PUNCTUATION, bare), line
    joined = line.replace("\\", "")  # escapes removed, the word joiners kept
    for address in ("http://", "https://", "www.", "@x"):
        assert address not in joined.lower(), line


def problem_lines(message: str) -> list[str]:
    """The message's list items (one per problem), which quote the link's or file's values."""
    return [line[2:] for line in message.splitlines() if line.startswith("- ")]


# ---------------------------------------------------------------- hostile files: one message, no change

HOSTILE_FILES = [
    # (name, content, field of the problem, words in English, words in Japanese)
    ("nested", b"[" * 10_000 + b"]" * 10_000, "file", "nested too deeply", "入れ子が深すぎます"),
    ("nested object", b'{"W1": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "file", "nested too deeply", "入れ子"),
    ("400 zeros", b'{"lr": 1' + b"0" * 400 + b"}", "lr", "is too large", "大きすぎます"),
    ("5,000 digits", b'{"steps": ' + b"1" * 5_000 + b"}", "steps", "is too large", "大きすぎます"),
    ("1e400", b'{"x": [[1, 1e400]]}', "x", "too large", "大きすぎます"),
    ("not UTF-8", b'{"lr": "\xff\xfe"}', "file", "UTF-8", "UTF-8"),
    ("top-level list", b"[[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]", "file", "JSON object", "JSON オブジェクト"),
    ("NaN literal", b'{"lr": NaN}', "lr", "NaN; only finite numbers", "有限の数"),
    ("Infinity literal", b'{"W1": [[1, 2, -Infinity], [1, 2, 3]]}', "W1", "-Infinity", "有限の数"),
    ("duplicate key", b'{"lr": 0.5, "lr": 0.25}', "file", "'lr' appears more than once", "2 回以上"),
    ("another program", b'{"format": "keras/model", "W1": [[1, 2, 3], [4, 5, 6]]}', "file", "keras", "ではありません"),
    ("later version", b'{"format": "backprop-lab/scenario", "version": 2, "lr": 0.5}', "file", "newer", "新しい"),
    ("bad version", b'{"version": "one", "lr": 0.5}', "file", "not a version number", "バージョン番号"),
    ("no scenario", b'{"name": "my notes", "tags": []}', "file", "no scenario in it", "シナリオが入っていません"),
    ("string number", b'{"lr": "0.5"}', "lr", "not a number", "数値ではありません"),
    ("list of objects", b'{"b1": [{}, {}, {}]}', "b1", "not a number", "数値ではありません"),
    ("huge name", b'{"hidden": "' + b"A" * 90_000 + b'"}', "hidden", "hidden activation 'AAAA", "使えません"),
]


@pytest.mark.parametrize(("name", "data", "field", "en", "ja"), HOSTILE_FILES, ids=[f[0] for f in HOSTILE_FILES])
def test_a_hostile_file_is_one_message_per_key_and_changes_nothing(name, data, field, en, ja):
    base = SEED.replace(lr=0.05)
    loaded = codec.read_json(data, base)
    assert loaded.scenario == base and loaded.reduction is None
    assert [p.field for p in loaded.problems] == [field]
    assert en in loaded.problems[0].en
    assert ja in loaded.problems[0].ja


def test_a_byte_order_mark_is_forgiven():
    text = codec.scenario_to_json(SEED.replace(lr=0.5), "sum")
    loaded = codec.read_json("\ufeff".encode() + text.encode())
    assert loaded.problems == () and loaded.scenario.lr == 0.5 and loaded.reduction == "sum"


def test_a_file_of_this_version_and_a_hand_written_one_load():
    assert codec.read_json('{"format": "backprop-lab/scenario", "version": 1, "lr": 0.5}').scenario.lr == 0.5
    assert codec.read_json('{"steps": 20}').scenario.steps == 20  # format and version may be left out


UPLOADS = [(("en", "ja")[i % 2], *f) for i, f in enumerate(HOSTILE_FILES[:5])]


@pytest.mark.parametrize(
    ("lang", "name", "data", "field", "en", "ja"), UPLOADS, ids=[f"{u[1]}-{u[0]}" for u in UPLOADS]
)
def test_uploading_a_hostile_file_keeps_the_session(lang, name, data, field, en, ja):
    """A hostile file uploaded on the Scenario screen gives one warning and keeps the scenario and the undo history.

    Each of the first five files is uploaded once, the languages taking turns (5 runs, not 10). That keeps coverage:
    the warning is drawn by one line for either language and for links and files alike (ui.session.state._show_messages:
    plain(problem.text(lang))), and each file's English and Japanese words are checked for all 17 files in
    test_a_hostile_file_is_one_message_per_key_and_changes_nothing; what only the screen can get wrong (the session,
    the undo history, one warning in the screen's language) is the same code for every file.
    """
    at = start({"lang": lang, "lr": "0.05"})
    first = scenario(at)
    at.button(key="preset_two_samples").click().run()  # something to undo, which must survive
    before = scenario(at)
    at.sidebar.file_uploader[0].set_value((f"{name}.json", data, "application/json")).run()
    assert not at.exception
    assert scenario(at) == before
    assert len(at.warning) == 1
    message = unescape(at.warning[0].value)
    assert (en if lang == "en" else ja) in message
    # the field as the screen names it ("learning rate η", "input x"), never the bare key first
    name = LABELS[field][lang == "ja"] if field in LABELS else pick(lang, "file:", "ファイル:")
    assert problem_lines(message)[0].startswith(name)
    at.sidebar.button(key="sidebar_undo").click().run()  # the session's history is intact
    assert scenario(at) == first


# ---------------------------------------------------------------- values from links and files stay text

INJECTIONS = ["![](http://x.io/a)", "[x](https://x.io)", "**bold**", ":red[x]", "<b>x</b>", "$x^2$", "www.x.io"]


LINK_INJECTIONS = [(("en", "ja")[i % 2], value) for i, value in enumerate(INJECTIONS)]


@pytest.mark.parametrize(("lang", "value"), LINK_INJECTIONS)
def test_markdown_in_a_link_is_quoted_as_text(lang, value):
    """Markdown in a link's values is shown as text in the warning, value as written.

    Each injection once, the languages taking turns (7 runs, not 14). That keeps coverage: the problem list is quoted
    by one line for either language (ui.session.state._show_messages: plain(problem.text(lang))), so an injection is
    made inert by the same code in both; both languages still run.
    """
    at = start({"lang": lang, "output": value, "hidden": value, "lr": value})
    message = at.warning[0].value
    lines = problem_lines(message)
    assert len(lines) == 3
    for line in lines:
        assert_inert(line)
        assert value[:20] in unescape(line)  # ... and still shows the value as it was written


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_in_a_file_is_quoted_as_text(lang):
    at = start({"lang": lang})
    doc = {"hidden": "[x](https://x.io)", "output": "![](http://x.io/a)", "x": [["**1**", 2]]}
    at.sidebar.file_uploader[0].set_value(("f.json", json.dumps(doc).encode(), "application/json")).run()
    lines = problem_lines(at.warning[0].value)
    assert len(lines) == 3
    for line in lines:
        assert_inert(line)


def test_the_name_of_a_loaded_file_is_shown_as_text():
    at = start()
    text = codec.scenario_to_json(SEED.replace(lr=0.5))
    at.sidebar.file_uploader[0].set_value(("[x](http:x.io).json", text.encode(), "application/json")).run()
    assert scenario(at).lr == 0.5
    message = at.success[0].value
    assert_inert(message.removeprefix("Loaded "))
    assert unescape(message) == "Loaded [x](http:x.io).json."


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_markdown_typed_into_a_grid_is_quoted_as_text(lang):
    at = start({"lang": lang})
    edit(at, "W1", {0: {"h1": "[x](https://x.io)"}})
    assert scenario(at) == SEED
    assert_inert(at.error[0].value)
    assert "[x](https://x.io)" in unescape(at.error[0].value)


# ---------------------------------------------------------------- numbers as people type them


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1e-3", 0.001),
        ("2.5e2", 250.0),
        ("1E5", 100_000.0),
        ("-.5", -0.5),
        ("  7. ", 7.0),
        ("１．５", 1.5),  # full-width digits and point
        ("−0.25", -0.25),  # U+2212 MINUS SIGN
        ("－３", -3.0),  # full-width hyphen-minus
        ("１ｅ－３", 0.001),
        ("10,000", 10_000.0),
        ("１０，０００", 10_000.0),
        ("1,234,567.5", 1_234_567.5),
        ("9007199254740993", 9007199254740992.0),  # above 2**53: kept as the nearest float, not dropped
        ("1e300", 1e300),
    ],
)
def test_typed_numbers(typed, value):
    assert codec.number_from_typed(typed, ("W1[x1, h1]", "W1[x1, h1]")) == value


@pytest.mark.parametrize(
    ("typed", "en", "ja"),
    [
        ("1,5", "write decimals with a point", "小数は点で"),
        ("1,00", "not a number", "数値ではありません"),
        ("1.2.3", "not a number", "数値ではありません"),
        ("0x10", "not a number", "数値ではありません"),
        ("1_000", "not a number", "数値ではありません"),
        ("", "is empty", "が空です"),
        ("nan", "finite", "有限"),
        ("-inf", "finite", "有限"),
        ("1e999", "too large", "大きすぎます"),
    ],
)
def test_typed_text_that_is_no_number_is_refused_with_the_cell(typed, en, ja):
    with pytest.raises(codec.BadValueError) as info:
        codec.number_from_typed(typed, ("W1[x1, h1]", "W1[x1, h1]"))
    assert info.value.en.startswith("W1[x1, h1]") and en in info.value.en
    assert info.value.ja.startswith("W1[x1, h1]") and ja in info.value.ja


def test_a_grid_cell_typed_in_scientific_notation():
    at = start()
    edit(at, "W1", {0: {"h3": "1e-3"}, 1: {"h3": "2.5e2"}})
    np.testing.assert_array_equal(scenario(at).network.W1, [[0.1, 0.3, 0.001], [0.2, 0.4, 250]])
    assert not at.error and not at.warning


def test_a_cell_left_as_shown_keeps_its_full_precision():
    at = start({"W1": "0.123456789,0.3,0.5;0.2,0.4,0.6"})
    edit(at, "W1", {0: {"h1": "0.1235", "h2": "0.75"}})  # h1 as the grid shows it, untouched
    np.testing.assert_array_equal(scenario(at).network.W1[0], [0.123456789, 0.75, 0.5])


def test_grid_text_shows_small_and_large_values():
    assert [editors.cell_text(v) for v in (0.1, -2.0, 0.0, 1e-7, 1.23456e15)] == [
        "0.1000",
        "-2.0000",
        "0.0000",
        "1e-07",
        "1.235e+15",
    ]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_paste_with_unusable_cells_applies_the_rest_and_names_them(lang):
    at = start({"lang": lang})
    edit(at, "W1", {0: {"h1": "1e-3", "h2": "abc"}, 1: {"h1": "9e99", "h3": ""}})
    np.testing.assert_array_equal(scenario(at).network.W1, [[0.001, 0.3, 0.5], [9e99, 0.4, 0.6]])
    assert len(at.warning) == 1
    message = unescape(at.warning[0].value)
    assert "W1[x1, h2]" in message and "'abc'" in message and "W1[x2, h3]" in message
    assert ("other 2 cells were applied" if lang == "en" else "ほかの 2 個のセルは反映しました") in message
    # The grid is redrawn from the scenario, so the refused text does not stay in it.
    version = state.editor_version(at.session_state)
    assert at.data_editor(key=f"editor_W1_v{version}").value.iloc[0, 1] == "0.3000"


def test_a_paste_of_only_unusable_cells_changes_nothing():
    at = start()
    edit(at, "x", {0: {"x1": "one", "x2": "1,5"}})
    assert scenario(at) == SEED
    message = unescape(at.error[0].value)
    assert "x[sample 1, x1]" in message and "x[sample 1, x2]" in message and "not applied" in message


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_fraction_in_the_steps_box_is_refused(lang):
    at = start({"lang": lang})
    at.text_input(key="steps_v0").input("2.5").run()
    assert scenario(at).steps == SEED.steps
    expected = "2.5 is not a whole number" if lang == "en" else "2.5 は整数ではありません"
    assert expected in unescape(at.error[0].value)
    at.text_input(key=f"steps_v{state.editor_version(at.session_state)}").input("1e5").run()
    assert scenario(at).steps == 100_000 and isinstance(scenario(at).steps, int)


# ---------------------------------------------------------------- messages show the value they refuse


@pytest.mark.parametrize(
    ("query", "en", "ja"),
    [
        (
            {"lr": "1000001"},
            "learning rate η (`lr` in the link) is 1000001;",
            "学習率 η（リンクの `lr`）が 1000001 です",
        ),
        ({"lr": "1000000.0000001"}, "learning rate η (`lr` in the link) is 1000000.0000001;", "1000000.0000001"),
        ({"d": "0.5,0.500001"}, "(it sums to 1.000001)", "合計 1.000001"),
        ({"d": "0.3,0.6999"}, "(it sums to 0.9999)", "合計 0.9999"),
    ],
)
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_refused_value_is_shown_with_enough_digits(lang, query, en, ja):
    at = start({**query, "lang": lang})
    message = unescape(at.warning[0].value)
    assert (en if lang == "en" else ja) in message


# ---------------------------------------------------------------- links too long to share


def big_query() -> dict[str, str]:
    """A 256-sample scenario of the largest network, in full precision."""
    lim = dnn.LIMITS
    rng = np.random.default_rng(16)
    n_in, n_h, n_out, n = lim["max_inputs"], lim["max_hidden"], lim["max_outputs"], lim["max_samples"]
    net = dnn.random_network(n_in, n_h, n_out, seed=16, output="identity")
    sc = dnn.Scenario(net, x=rng.normal(size=(n, n_in)), d=rng.normal(size=(n, n_out)))
    return codec.scenario_to_query(sc)


def test_a_long_link_warns_and_offers_the_file():
    at = start(big_query())
    link = at.sidebar.code[0].value
    assert 8_000 < len(link) < 125_000  # by the numbers: 2 × 2,048 values of about 20 characters
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1
    assert f"{len(link):,} characters" in warnings[0] and "Download scenario" in warnings[0]


def test_a_link_the_server_refuses_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(codec, "LINK_SERVER_CHARS", 50_000)  # the real limit needs a longer link than any scenario
    at = start({**big_query(), "lang": "ja"})
    warnings = [w.value for w in at.sidebar.warning]
    assert len(warnings) == 1 and "長すぎて開けません" in warnings[0] and "シナリオをダウンロード" in warnings[0]


def test_a_short_link_has_no_warning():
    at = start()
    assert len(at.sidebar.code[0].value) < 8_000 and not at.sidebar.warning


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_training_screens_steps_box_reads_whole_numbers_only(lang):
    at = start({"lang": lang})
    at.switch_page("pages/3_Training.py").run()
    assert not at.exception
    at.text_input(key="train_steps_v0").input("1.5").run()
    assert scenario(at).steps == SEED.steps
    expected = "1.5 is not a whole number" if lang == "en" else "1.5 は整数ではありません"
    assert expected in unescape(at.error[0].value)
    at.text_input(key=f"train_steps_v{state.editor_version(at.session_state)}").input("300.0").run()
    assert scenario(at).steps == 300 and not at.exception
