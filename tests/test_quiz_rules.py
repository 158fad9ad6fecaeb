"""The quiz asks the notebook's SGD step whatever the scenario's update rule: the Quiz screen and the worksheets say so
(both languages) when the rule is another, and what they say is true for every rule — checked against steps of
each rule taken here by hand (independent of ``dnn.optimizers``)."""

from __future__ import annotations

import html

import numpy as np
import pytest

import dnn
from dnn import quiz
from tests.test_hostile import unescape
from tests.test_quiz_page import open_quiz
from ui.session import codec, state
from ui.text import quiz_sheet

RULES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
EPS = 1e-7
SAYS = {"en": "The values after one step are the notebook's SGD step", "ja": "ノートブックの SGD の 1 ステップ"}
SAME = {"en": "first step is the same one", "ja": "最初のステップもこれと同じです"}
NOT_ITS_OWN = {"en": "'s own step", "ja": "のステップではありません"}


def scenario(rule: str) -> dnn.Scenario:
    """Seed 3's hand-computable scenario (η = 0.5) trained with ``rule`` at its default settings."""
    return quiz.quiz_scenario(3).replace(optimizer=rule)


def first_step_by_hand(rule: str, w: np.ndarray, g: np.ndarray, lr: float) -> np.ndarray:
    """The rule's first step from its zero state, written from the course's formulas (defaults: α = 0.9, ρ = 0.99,
    β1 = 0.9, β2 = 0.999)."""
    if rule == "sgd":
        return w - lr * g
    if rule == "momentum":
        v = 0.9 * 0.0 - lr * g
        return w + v
    if rule == "adagrad":
        return w - lr * g / (np.sqrt(g * g) + EPS)
    if rule == "rmsprop":
        return w - lr * g / (np.sqrt(0.01 * g * g) + EPS)
    m, v = 0.1 * g, 0.001 * g * g
    return w - lr * np.sqrt(1 - 0.999) / (1 - 0.9) * m / (np.sqrt(v) + EPS)


@pytest.mark.parametrize("rule", RULES)
def test_what_the_note_says_is_true_for_each_rule(rule):
    """The quiz's values after one step are SGD's; Momentum's first step equals them, every other rule's does not."""
    sc = scenario(rule)
    values = quiz.true_values(sc)
    g = dnn.backward(sc.network, sc.x, sc.d)
    for param in ("W1", "b1", "W2", "b2"):
        w, grad = getattr(sc.network, param), getattr(g, param)
        assert np.allclose(values[f"{param}_new"], first_step_by_hand("sgd", w, grad, sc.lr), rtol=0, atol=1e-12)
    own = {p: first_step_by_hand(rule, getattr(sc.network, p), getattr(g, p), sc.lr) for p in ("W1", "b1", "W2", "b2")}
    same = all(np.allclose(values[f"{p}_new"], own[p], rtol=0, atol=1e-12) for p in own)
    assert same == (rule in ("sgd", "momentum"))
    if not same:  # not even close: a learner typing the rule's own step would fail the quiz's check
        assert not all(
            quiz.is_right(float(a), float(t))
            for p in own
            for a, t in zip(np.ravel(own[p]), np.ravel(values[f"{p}_new"]), strict=True)
        )


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("rule", RULES)
def test_the_worksheets_say_which_step_they_ask(rule, lang):
    spec = quiz_sheet.SheetSpec(scenario(rule), 3)
    for answers in (False, True):
        for text in (
            quiz_sheet.sheet_markdown([spec], ("gW2", "W2_new"), "mean", lang, answers=answers),
            html.unescape(quiz_sheet.sheet_html([spec], ("gW2", "W2_new"), "mean", lang, answers=answers)),
        ):
            assert (SAYS[lang] in text) == (rule != "sgd")
            assert (SAME[lang] in text) == (rule == "momentum")
            assert (NOT_ITS_OWN[lang] in text) == (rule not in ("sgd", "momentum"))
            if rule != "sgd":
                assert "η = 0.5" in text and quiz_sheet.rule_name(rule, lang) in text
        # a sheet that asks no step has nothing to say about it
        assert SAYS[lang] not in quiz_sheet.sheet_markdown([spec], ("u1", "delta1"), "mean", lang)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("rule", RULES)
def test_the_quiz_screen_says_which_step_it_asks(rule, lang):
    link = codec.scenario_to_query(scenario(rule), lang)  # seed 3's numbers with the rule (quiz_seed= would be SGD's)
    at = open_quiz({**link, "ask": "W2_new"})
    assert not at.exception
    assert state.scenario(at.session_state) == scenario(rule)
    notes = [unescape(i.value) for i in at.info if SAYS[lang] in unescape(i.value)]
    assert len(notes) == (rule != "sgd")
    if notes:
        assert quiz_sheet.rule_name(rule, lang) in notes[0] and "η = 0.5" in notes[0]
        assert (SAME[lang] in notes[0]) == (rule == "momentum")
    other = open_quiz({**link, "ask": "u1"})
    assert not [i for i in other.info if SAYS[lang] in i.value]  # no step asked, nothing said
