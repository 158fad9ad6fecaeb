"""Quiz: compute the notebook's values by hand — u1, z1, u2, y, E, δ2, the gradients, the SGD step — one at a time,
checked cell by cell; a link can ask for some of them (``ask=``) on a scenario drawn from a seed (``quiz_seed=``);
printable worksheets with a separate answer key.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/quiz.py``."""

import streamlit as st

import dnn
from dnn import quiz as dnn_quiz
from ui.screens import quiz
from ui.session import state
from ui.text.i18n import current_lang

state.setup_page("Quiz", "クイズ", ":material/quiz:", pending=quiz.prepare)
lang = current_lang()
sc = state.scenario()
reduction = state.reduction()
progress = quiz.progress()  # what is asked, the typed answers, the score

start = dnn.not_finite_at_start(sc.network, sc.x, sc.d)  # no value to ask when the forward pass overflows
grads = None if start else dnn.backward(sc.network, sc.x, sc.d, reduction=reduction)
step = None if grads is None else dnn.step_report(sc.network, sc.x, sc.d, grads, sc.lr)  # the quiz's SGD step
if start or step.overflow:
    quiz.cannot_ask(start, step, lang)
    st.stop()
values = dnn_quiz.true_values(sc, reduction)  # every value of the notebook's order, for this scenario

quiz.intro()
score_slot = quiz.header(progress, lang)
quiz.scenario(sc, progress, reduction, lang)
quiz.earlier_values(progress.name, values, lang)
quiz.question(progress, sc, values, reduction, lang)
quiz.score(score_slot, progress)
st.divider()
quiz.choose(progress, lang)
quiz.worksheet(progress, sc, reduction, lang)
