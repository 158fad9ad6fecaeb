"""The Lessons screen under AppTest: six steps in both languages, their numbers checked against the notebook's
printout and computations written here, each question opening the quiz on its quantity, each button opening its
screen (and panel), and a teacher's lock or hide respected."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from dnn import quiz
from ui.screens import lessons
from ui.session import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")
LESSONS = "pages/7_Lessons.py"

# The notebook's network written out here (independent of dnn.seed_scenario).
X = np.array([1.0, 5.0])
W1 = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
B1 = np.array([0.1, 0.2, 0.3])
W2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
B2 = np.array([0.1, 0.2])
D = np.array([0.0, 1.0])


def by_hand() -> dict[str, np.ndarray | float]:
    u1 = X @ W1 + B1
    z1 = np.maximum(u1, 0)
    u2 = z1 @ W2 + B2
    y = np.exp(u2) / np.exp(u2).sum()
    delta2 = y - D
    return {"u1": u1, "u2": u2, "y": y, "E": -np.log(y[1] + 1e-7), "W2_new": W2 - 0.01 * np.outer(z1, delta2)}


def open_lessons(lang: str = "en", **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in {"lang": lang, **query}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(LESSONS).run()
    assert not at.exception, at.exception
    return at


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text.replace(",", " ").replace("−", "-"))]


def has(text: str, value: float, rel: float = 5e-4) -> bool:
    return any(abs(v - value) <= rel * max(1.0, abs(value)) for v in numbers(text))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_six_steps_with_the_notebooks_numbers(lang):
    at = open_lessons(lang)
    looks = [m.value for m in at.markdown if m.value.startswith(("**What to look at**", "**見るところ**"))]
    assert len(looks) == 6 and len(at.subheader) == 6
    hand = by_hand()
    forward, loss, _, _, sgd, many = looks
    assert all(has(forward, v) for v in (*hand["u1"], *hand["u2"], *hand["y"]))
    assert has(loss, hand["E"]) and has(loss, hand["y"][1])
    assert all(has(sgd, v, 1e-6) for v in hand["W2_new"][0])
    run = dnn.train(dnn.seed_scenario().network, X[None], D[None], 0.01, 1000)
    assert has(many, float(run.loss[-1]), 5e-3)
    words = ("総入力", "中間層出力", "出力", "誤差", "偏微分", "学習率") if lang == "ja" else ("total input", "output")
    assert all(any(w in t for t in looks) for w in words)


def test_delta2_and_the_dead_unit_by_hand():
    looks = [m.value for m in open_lessons().markdown if m.value.startswith("**What to look at**")]
    W2c = W2[:, ::-1]
    u1 = X @ W1 + B1
    u2 = u1 @ W2c + np.array([2.4, 0.05])
    y = np.exp(u2) / np.exp(u2).sum()
    assert all(has(looks[2], v) for v in (*(y - D),))
    assert "h3" in looks[3] and has(looks[3], 1 * 0.1 + 5 * -0.4 + 0.3)  # the dead unit's total input −1.6


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.key)
def test_each_question_opens_the_quiz_on_its_quantity(lesson):
    at = open_lessons()
    at.button(key=f"lesson_{lesson.key}_quiz").click().run()
    assert not at.exception
    assert at.query_params.get("ask") == ",".join(lesson.ask)
    first = quiz.QUANTITIES[lesson.ask[0]]
    assert any(first.en in s.value for s in at.subheader)
    assert state.scenario(at.session_state) == lesson.build()


@pytest.mark.parametrize("lesson", lessons.LESSONS, ids=lambda lesson: lesson.key)
def test_each_lesson_opens_its_screen_with_its_panel(lesson):
    at = open_lessons()
    at.button(key=f"lesson_{lesson.key}_open").click().run()
    assert not at.exception
    titles = {"forward": "Forward pass", "backprop": "Backprop", "training": "Training"}
    assert at.title[0].value == titles[lesson.screen]
    assert state.scenario(at.session_state) == lesson.build()
    if lesson.panel == "printout":
        assert any(t.value for t in at.toggle)  # the notebook's printout is open
    elif lesson.panel:
        opened = [e for e in at.expander if e.proto.expanded]
        assert len(opened) == 1 and f"q{[e.label for e in at.expander].index(opened[0].label) + 1}" == lesson.panel


def test_a_teachers_lock_and_hide_are_kept():
    at = open_lessons(lock="lr", hide="quiz,training", lr="0.05")
    assert any("locked" in i.value for i in at.info)
    keys = [b.key for b in at.button]
    assert "lesson_forward_quiz" not in keys and "lesson_many_steps_open" not in keys
    button = at.button(key="lesson_sgd_step_open")
    assert button.disabled and "teacher fixed the scenario" in button.help  # greyed out, and it says why
    button.proto.disabled = False  # a crafted client's click: Streamlit drops a disabled widget's value
    button.click().run()
    assert not at.exception
    assert at.title[0].value == "Lessons" and state.scenario(at.session_state).lr == 0.05  # the teacher's stays


def _open_anyway_script() -> None:
    """A button that opens the "one SGD step" lesson whatever the lock says (the Lessons screen greys it out)."""
    import streamlit as st

    from ui.screens import lessons
    from ui.session import state

    state._init_once()
    state._show_messages()
    if st.button("open", key="open_anyway"):
        lessons._open(lessons.LESSONS[4])


def test_a_lessons_scenario_that_changes_a_locked_value_is_still_refused_by_the_state():
    at = AppTest.from_function(_open_anyway_script, default_timeout=60)
    for k, v in {"lock": "lr", "lr": "0.05"}.items():
        at.query_params[k] = v
    at.run()
    at.button(key="open_anyway").click().run()
    assert not at.exception
    assert any("The teacher locked the learning rate η" in w.value for w in at.warning)  # said at once
    assert state.scenario(at.session_state).lr == 0.05


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_under_a_lock_only_the_steps_whose_scenario_keeps_the_locked_values_stay_usable(lang):
    """lock=W1 on the notebook's W1: the steps that keep it stay usable; the dead-ReLU preset's step changes it."""
    at = open_lessons(lang, lock="W1")
    says = "先生がシナリオを固定" if lang == "ja" else "teacher fixed the scenario"
    for lesson in lessons.LESSONS:
        changes_w1 = not np.array_equal(lesson.build().network.W1, W1)
        for kind in ("open", "quiz"):
            button = at.button(key=f"lesson_{lesson.key}_{kind}")
            assert button.disabled == changes_w1, (lesson.key, kind)
            assert (says in (button.help or "")) == changes_w1
    assert {le.key for le in lessons.LESSONS if not np.array_equal(le.build().network.W1, W1)} == {"gradients"}
    at.button(key="lesson_forward_quiz").click().run()  # a step that keeps W1 still opens the quiz
    assert not at.exception and at.query_params.get("ask") == "u1"
