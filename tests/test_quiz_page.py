"""The Quiz screen under AppTest, used as a learner and a teacher would: typing the true values (computed by the
re-implementation in tests/test_quiz.py, in English and Japanese input habits) is right for every quantity of
several scenarios, a change in the third significant digit is wrong; hints, answers, score, sequences from a link,
the address bar, hostile link values, worksheets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from dnn import quiz
from tests.test_hostile import unescape
from tests.test_quiz import reference, two_sample
from ui.session import codec

APP = str(Path(__file__).resolve().parent.parent / "app.py")
QUIZ = "pages/6_Quiz.py"
_FULL_WIDTH = str.maketrans({**{str(i): chr(0xFF10 + i) for i in range(10)}, ".": "．", "-": "−", "e": "ｅ"})


def open_quiz(query: dict[str, str] | None = None) -> AppTest:
    """The app opened by a link straight to the Quiz page (see tests/test_pages_forward_backprop.py)."""
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.switch_page(QUIZ)
    return at.run()


def answers(at: AppTest) -> list:
    """The answer boxes (the scenario seed's box and the worksheets' seed boxes are text boxes too)."""
    return [t for t in at.text_input if not (t.key or "").startswith("w_quiz_")]


def marks(at: AppTest) -> list[str]:
    """Each cell's mark under its input, in order: right, wrong, empty or unreadable."""
    icons = (("check_circle", "right"), ("cancel", "wrong"), ("remove", "empty"), ("error", "unreadable"))
    out = []
    for md in at.markdown:
        v = str(md.value)
        for icon, status in icons:
            if f":material/{icon}:" in v:
                out.append(status)
    return out


def click(at: AppTest, *labels: str) -> AppTest:
    button = next(b for b in at.button if b.label in labels)
    return button.click().run()


def quiz_codes(at: AppTest) -> list[str]:
    """The hint and answer blocks (the sidebar's share link is a code block too)."""
    return [c.value for c in at.code if "W1=" not in c.value]


def typed_en(v: float) -> str:
    return f"{v:.4g}"


def typed_ja(v: float) -> str:
    return f"{v:.3g}".translate(_FULL_WIDTH)  # full-width digits, "．" and the minus sign U+2212


def third_digit_changed(t: float) -> float:
    return t + 10.0 ** (math.floor(math.log10(abs(t))) - 2)


# (link, scenario, reduction, typing, the quantities walked through: None = every one, in the notebook's order)
WALKS = {
    "notebook, en": ({}, dnn.seed_scenario(), "mean", typed_en, None),
    "seed 3 (a dead unit), ja": ({"quiz_seed": "3", "lang": "ja"}, quiz.quiz_scenario(3), "mean", typed_ja, None),
    "sigmoid/sigmoid, 2 samples, sum": (
        None,
        two_sample("sigmoid", "sigmoid"),
        "sum",
        typed_en,
        ("y", "E", "delta2", "gW2", "delta1", "gW1", "W2_new"),
    ),
    "tanh/identity, 2 samples, mean, ja": (
        None,
        two_sample("tanh", "identity"),
        "mean",
        typed_ja,
        ("y", "E", "delta2", "gb2", "delta1", "gb1", "b1_new"),
    ),
}


@pytest.mark.parametrize("label", list(WALKS))
def test_every_quantity_true_values_pass_and_a_third_digit_change_fails(label):
    """Typing each true value is right, changing its third significant digit is wrong, and the score counts each once.

    The two one-sample walks go through every quantity, one in each language (every cell's label and typing habit on
    screen). The two-sample walks ask (``ask=`` in the link) only the quantities whose value depends on what they
    add: y and E (the output and its loss), δ2 and the gradients (N = 2 and the reduction), δ1 (the hidden
    activation's derivative) and one update. That keeps coverage: the screen computes nothing itself, it shows
    quiz.true_values(scenario, reduction), which tests/test_quiz.py checks for every quantity of these scenarios,
    both reductions, against the re-implementation there; what only the screen can get wrong (the link's scenario and
    reduction reaching it, labels, Check, Next, score) is the same code for every quantity and is walked here in
    full twice.
    """
    query, sc, reduction, typing, asked = WALKS[label]
    names = quiz.ORDER if asked is None else asked
    if query is None:  # the link's own scenario
        query = codec.scenario_to_query(sc, "ja" if "ja" in label else None, reduction)
    if asked is not None:
        query = {**query, "ask": ",".join(asked)}
    at = open_quiz(query)
    assert not at.exception
    want = reference(sc, reduction)
    check = "チェック" if "ja" in label else "Check"
    for i, name in enumerate(names):
        grid = quiz.as_grid(want[name])
        inputs = answers(at)
        assert len(inputs) == grid.size, name
        lang = "ja" if "ja" in label else "en"
        cells = quiz.cells(name, np.shape(want[name]), lang)  # named ∂E_sum/… with the sum over several samples
        assert [t.label for t in inputs] == [quiz.loss_named(c.label, reduction, len(sc.x)) for c in cells]
        for t, v in zip(inputs, grid.ravel(), strict=True):
            t.input(typing(v))
        at = click(at, check)
        assert not at.exception
        assert marks(at) == ["right"] * grid.size, (label, name)
        nonzero = np.abs(grid.ravel()) > 1e-6
        for t, v, nz in zip(answers(at), grid.ravel(), nonzero, strict=True):
            t.input(typing(third_digit_changed(v)) if nz else typing(v))
        at = click(at, check)
        assert marks(at) == ["wrong" if nz else "right" for nz in nonzero], (label, name)
        if i < len(names) - 1:
            at = at.button(key="quiz_next").click().run()
    assert at.button(key="quiz_next").disabled
    right, total = at.metric[0].value.split(" / ")
    assert (int(right), int(total)) == (len(names), len(names))  # each counted once, right at first check


def test_a_dead_unit_is_asked_and_its_delta_is_zero():
    at = open_quiz({"quiz_seed": "3", "ask": "delta1"})
    v = reference(quiz.quiz_scenario(3), "mean")
    assert v["u1"][0, 0] < 0 and v["delta1"][0, 0] == 0
    for t, value in zip(answers(at), v["delta1"][0], strict=True):
        t.input(f"{value:.4g}")
    at = click(at, "Check")
    assert marks(at) == ["right"] * 3
    assert "f′(u) = 1 if u > 0, else 0" in " ".join(str(m.value) for m in at.markdown)


def test_hint_shows_the_numbers_show_answer_the_result_and_the_score_counts_it():
    at = open_quiz({"ask": "delta1,gW1"})
    assert [t.label for t in answers(at)] == ["δ1 · h1", "δ1 · h2", "δ1 · h3"]
    at = click(at, "Hint")
    (hint,) = quiz_codes(at)
    assert hint.splitlines()[0] == "δ1 · h1 = (0.0870658·0.1 + (-0.0870658)·0.4)·1"
    assert "-0.0261197" not in hint  # the hint has no result
    at = click(at, "Show answer")
    hint_again, answer = quiz_codes(at)
    assert hint_again == hint
    assert answer.splitlines()[0] == "δ1 · h1 = (0.0870658·0.1 + (-0.0870658)·0.4)·1 = -0.0261197"
    assert at.metric[0].value == "0 / 1"  # the answer was seen before a right check
    for t in answers(at):
        t.input("-0.0261")
    at = click(at, "Check")
    assert marks(at) == ["right"] * 3
    assert at.metric[0].value == "0 / 1"
    at = at.button(key="quiz_next").click().run()
    assert [t.label for t in answers(at)][:2] == ["∂E/∂W1 · x1, h1", "∂E/∂W1 · x1, h2"]
    for t, v in zip(answers(at), [-0.0261197] * 3 + [-0.130599] * 3, strict=True):
        t.input(str(v))
    at = click(at, "Check")
    assert at.metric[0].value == "1 / 2"


def test_unreadable_and_empty_cells_are_marked_and_not_scored():
    at = open_quiz({"ask": "u1", "lang": "ja"})
    inputs = answers(at)
    inputs[0].input("１．２")
    inputs[1].input("0,5")
    at = click(at, "チェック")
    assert marks(at) == ["right", "unreadable", "empty"]
    body = " ".join(str(m.value) for m in at.markdown)
    assert "u1 · h2: 小数点は「.」で書いてください" in body
    assert at.metric[0].value == "0 / 0"
    assert not at.exception


def test_a_sequence_from_the_link_and_the_address_bar_keeps_it():
    at = open_quiz({"ask": "u1,y,delta2", "quiz_seed": "7"})
    assert not at.exception and not at.warning
    assert [o.split(" — ")[0] for o in at.selectbox[0].options] == ["1 / 3 · u1", "2 / 3 · y", "3 / 3 · δ2"]
    assert at.query_params["ask"] == "u1,y,delta2" and at.query_params["quiz_seed"] == "7"
    share = next(c.value for c in at.code if "W1=" in c.value)
    assert "ask=u1,y,delta2" in share and "quiz_seed=7" in share
    assert codec.scenario_from_query(at.query_params, None)[0] == quiz.quiz_scenario(7)
    labels = []
    for _ in range(3):
        labels.append(answers(at)[0].label)
        if not at.button(key="quiz_next").disabled:
            at = at.button(key="quiz_next").click().run()
    assert labels == ["u1 · h1", "y · y1", "δ2 · y1"]
    assert at.button(key="quiz_next").disabled
    # the learner changes the scenario: the quiz asks theirs, and the seed leaves the link
    at = next(b for b in at.button if b.label == "Reset to notebook").click().run()
    assert "quiz_seed" not in at.query_params and at.query_params["ask"] == "u1,y,delta2"
    assert answers(at)[0].label == "δ2 · y1"


def test_drawing_a_seed_replaces_the_scenario():
    at = open_quiz()
    next(n for n in at.text_input if n.label == "Scenario seed").input("12")
    at = click(at, "Draw a scenario to do by hand")
    assert not at.exception
    assert at.query_params["quiz_seed"] == "12"
    assert codec.scenario_from_query(at.query_params, None)[0] == quiz.quiz_scenario(12)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"ask": "foo"}, "ask"),
        ({"quiz_seed": "-1"}, "quiz_seed"),
        ({"quiz_seed": "1e999"}, "quiz_seed"),
        ({"quiz_seed": "3.5"}, "quiz_seed"),
        ({"ask": "**bold** [x](javascript:alert(1)) <b>hi</b> $x^2$ :red[red]"}, "ask"),
        ({"ask": "," * 3000}, "ask"),
    ],
)
def test_hostile_link_values_give_a_message_and_no_crash(query, key):
    at = open_quiz({**query, "lr": "0.2"})
    assert not at.exception
    source = " ".join(str(w.value) for w in at.warning)  # Markdown made inert by ui.text.plain
    warning = unescape(source)
    assert f"- {codec.KEY_BY_NAME[key].label[0]} (`{key}` in the link): " in warning  # named as a teacher reads it
    assert dnn.seed_scenario().replace(lr=0.2) == codec.scenario_from_query(at.query_params, None)[0]  # rest loaded
    assert answers(at)[0].label == "u1 · h1"  # the quiz starts at the beginning
    if "bold" in query.get("ask", ""):
        shown = source.split("“", 1)[1].split("”", 1)[0]
        for ch in "*[]()<>$:":
            assert all(shown[i - 1] == "\\" for i, c in enumerate(shown) if c == ch), ch
    if key == "quiz_seed":
        assert "quiz_seed" not in at.query_params  # a bad seed is not written back


def test_link_problems_of_the_scenario_and_the_quiz_are_reported_together():
    at = open_quiz({"W1": "abc", "ask": "nope,delta2", "quiz_seed": "-5", "lang": "ja"})
    warning = unescape(at.warning[0].value)
    assert "- 重み W1 の" in warning
    assert "- クイズで問う値（リンクの `ask`）:" in warning
    assert "- クイズのシナリオ番号（リンクの `quiz_seed`）:" in warning
    assert "クイズの値ではありません" in warning
    assert answers(at)[0].label == "δ2 · y1"


def test_the_quiz_is_in_the_navigation_in_both_languages():
    at = open_quiz()
    assert at.title[0].value == "Quiz"
    at = open_quiz({"lang": "ja"})
    assert at.title[0].value == "クイズ"
    assert any(getattr(el.proto, "label", "") == "クイズ（手計算）" for el in at.get("page_link"))


def test_worksheet_downloads_are_offered():
    at = open_quiz({"lang": "ja"})
    labels = [el.proto.label for el in at.get("download_button")]
    assert {"演習シート（HTML）", "演習シート（Markdown）", "解答（HTML）", "解答（Markdown）"} <= set(labels)
    at.radio(key="w_quiz_sheet_scope_ja").set_value("seeds").run()
    assert not at.exception
    assert [n.value for n in at.text_input if n.key in ("w_quiz_sheet_from", "w_quiz_sheet_to")] == ["1", "30"]
