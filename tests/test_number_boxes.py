"""Every number a learner types is read by the app's parser, not the browser's number box (issue 16, item 5).

Chromium's ``<input type=number>`` dropped what it did not understand: "−0.5" typed with a Japanese keyboard's
minus (U+2212) became 0.5, "0,5" became 5, "1e5" in an integer box became 1, without a word. Each kind of box is
typed into here as a person would: a value refused gives one message starting with the box's name and saying
nothing was changed (both languages), and the value stays; a value written differently is stored as the number it
means, and the share link carries it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.plotly_json import decode
from tests.test_hostile import unescape
from tests.test_pages_training import chart
from ui.session import state
from ui.widgets.number_box import NumberRule, box_text, read_number

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TRAINING, SWEEP = "pages/3_Training.py", "pages/4_Sweep.py"
NOTHING = {"en": "nothing was changed", "ja": "変更していません"}
MINUS = "\u2212"  # the minus sign a Japanese keyboard types


def open_at(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def version(at: AppTest) -> int:
    return state.editor_version(at.session_state)


def scenario(at: AppTest):
    return state.scenario(at.session_state)


def link(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


@dataclass(frozen=True)
class Box:
    """One kind of box: how to open its screen, its widget key now, its name on screen, and the number it holds
    as the app uses it (the scenario's, or what the screen computes with)."""

    name: str
    open: Callable[[str], AppTest]
    key: Callable[[AppTest], str]
    en: str
    ja: str
    value: Callable[[AppTest], float]
    link_key: str | None  # the share link's key for a scenario value


def _sweep(lang: str) -> AppTest:
    return open_at(SWEEP, {"lang": lang, "steps": "20"})


def _compare(lang: str) -> AppTest:
    at = _sweep(lang)
    at.toggle(key="compare_rules_on").set_value(True).run()
    assert not at.exception
    return at


def _compare_key(at: AppTest) -> str:
    return next(t.key for t in at.text_input if t.key.startswith("compare_rule_lr_adam_"))


def _compare_lr(at: AppTest) -> float:
    # the curve of Adam in the comparison is labelled with its η, as the screen computed with it
    names = [t["name"] for t in chart(at, "compare_rules_curves")["data"]]
    adam = next(n for n in names if n.startswith("Adam"))
    return float(re.search(r"η = ([0-9.e+-]+)", adam).group(1))


BOXES = [
    Box(
        "η (Home)",
        lambda lang: open_at(None, {"lang": lang}),
        lambda at: f"lr_v{version(at)}",
        "Learning rate η",
        "学習率 η",
        lambda at: scenario(at).lr,
        "lr",
    ),
    Box(
        "η (Training)",
        lambda lang: open_at(TRAINING, {"lang": lang, "steps": "20"}),
        lambda at: f"train_lr_v{version(at)}",
        "Learning rate η",
        "学習率 η",
        lambda at: scenario(at).lr,
        "lr",
    ),
    Box(
        "steps",
        lambda lang: open_at(None, {"lang": lang}),
        lambda at: f"steps_v{version(at)}",
        "Training steps",
        "学習ステップ数",
        lambda at: scenario(at).steps,
        "steps",
    ),
    Box(
        "momentum α",
        lambda lang: open_at(None, {"lang": lang, "opt": "momentum"}),
        lambda at: f"momentum_v{version(at)}",
        "momentum α",
        "モーメンタム係数 α",
        lambda at: scenario(at).settings["momentum"],
        "momentum",
    ),
    Box(
        "smallest η",
        _sweep,
        lambda at: "sweep_low",
        "Smallest η",
        "最小の η",
        lambda at: min(decode(chart(at, "sweep_final")["data"][0]["x"])),
        None,
    ),
    Box(
        "compare η",
        _compare,
        _compare_key,
        "η: Adam",
        "η: Adam",
        _compare_lr,
        None,
    ),
]
IDS = [b.name for b in BOXES]


def type_into(at: AppTest, box: Box, text: str) -> AppTest:
    at.text_input(key=box.key(at)).input(text).run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest) -> list[str]:
    return [unescape(e.value) for e in at.error]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("box", BOXES, ids=IDS)
def test_a_refused_value_gives_one_message_naming_the_box_and_changes_nothing(box, lang):
    at = box.open(lang)
    before, shown = box.value(at), at.text_input(key=box.key(at)).value
    name = box.en if lang == "en" else box.ja
    for text in (f"{MINUS}0.5", "0,5", "abc", "nan", "inf", "", "1e400"):
        type_into(at, box, text)
        said = messages(at)
        assert len(said) == 1, (text, said)
        assert said[0].startswith(name) and NOTHING[lang] in said[0], (text, said)
        assert box.value(at) == before, text  # not 0.5, not 5
        assert at.text_input(key=box.key(at)).value == shown, text  # the box shows its last good value again
        if text == f"{MINUS}0.5":
            assert "-0.5" in said[0]  # read as minus a half, not as 0.5
        if text == "0,5":
            assert "'0,5'" in said[0]
    if box.link_key:
        assert link(at, box.link_key) in (None, box_text(before))


ACCEPTED = {  # box → (typed, the number it means)
    "η (Home)": [("１．５", 1.5), ("1e-3", 0.001)],
    "η (Training)": [("１．５", 1.5), ("1e-3", 0.001)],
    "steps": [("1e5", 100_000), ("２，５００", 2500)],
    "momentum α": [("０．５", 0.5), ("1e-3", 0.001)],
    "smallest η": [("1e-3", 0.001), ("０．０００５", 0.0005)],
    "compare η": [("1e-3", 0.001), ("１．５", 1.5)],
}


@pytest.mark.parametrize("box", BOXES, ids=IDS)
def test_a_value_written_differently_is_the_number_it_means_shown_normalised(box):
    at = box.open("en")
    for text, number in ACCEPTED[box.name]:
        type_into(at, box, text)
        assert not at.error, messages(at)
        assert box.value(at) == pytest.approx(number, rel=1e-12)
        assert at.text_input(key=box.key(at)).value == box_text(number, isinstance(number, int))
        if box.link_key:
            assert link(at, box.link_key) == box_text(number, isinstance(number, int))  # the share link carries it


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_sweeps_smallest_eta_must_stay_below_the_largest(lang):
    at = _sweep(lang)
    high = float(at.text_input(key="sweep_high").value)
    lrs = decode(chart(at, "sweep_final")["data"][0]["x"])
    type_into(at, BOXES[4], box_text(high * 10))
    said = messages(at)
    assert len(said) == 1 and said[0].startswith("Smallest η" if lang == "en" else "最小の η")
    assert NOTHING[lang] in said[0]
    np.testing.assert_array_equal(decode(chart(at, "sweep_final")["data"][0]["x"]), lrs)
    at.text_input(key="sweep_high").input(box_text(float(at.text_input(key="sweep_low").value))).run()
    assert messages(at)[0].startswith("Largest η" if lang == "en" else "最大の η")


def test_the_sgd_presets_eta_box_refuses_a_negative_and_reads_an_exponent():
    at = open_at(TRAINING)
    at.radio(key="train_source").set_value("sgd").run()
    at.text_input(key="sgd_lr").input(f"{MINUS}0.07").run()
    assert messages(at)[0].startswith("Learning rate η") and "-0.07" in messages(at)[0]
    at.text_input(key="sgd_lr").input("5e-2").run()
    assert not at.error and at.text_input(key="sgd_lr").value == "0.05"
    at.button(key="sgd_adopt").click().run()
    assert scenario(at).lr == 0.05


@pytest.mark.parametrize(
    ("text", "rule", "expected"),
    [
        ("1e5", NumberRule("n", "n", 1, 100_000, whole=True), 100_000),
        ("１２", NumberRule("n", "n", 0, None, whole=True), 12),
        (f"{MINUS}1", NumberRule("a", "a"), -1.0),
        ("10,000", NumberRule("a", "a"), 10_000.0),
        ("0.999", NumberRule("a", "a", 0, 1, hi_open=True), 0.999),
    ],
)
def test_read_number_accepts(text, rule, expected):
    number = read_number(text, rule)
    assert number == expected and type(number) is type(expected)


@pytest.mark.parametrize(
    ("text", "rule", "words"),
    [
        ("1", NumberRule("a", "a", 0, 1, hi_open=True), "less than 1"),
        ("0", NumberRule("η", "η", 0, 10, lo_open=True), "greater than 0"),
        ("2.5", NumberRule("n", "n", 1, 9, whole=True), "2.5 is not a whole number"),
        ("1e5", NumberRule("n", "n", 1, 9999, whole=True), "at most 9999"),
        ("1,5", NumberRule("a", "a"), "'1,5' is not a number"),
    ],
)
def test_read_number_refuses(text, rule, words):
    from ui.session.codec import BadValueError

    with pytest.raises(BadValueError) as e:
        read_number(text, rule)
    assert e.value.en.startswith(rule.en) and words in e.value.en


def test_no_screen_uses_the_browsers_number_box():
    files = [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in files
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if "number_input" in line
    ]
    assert len(files) > 20 and found == []
