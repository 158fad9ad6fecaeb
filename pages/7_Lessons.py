"""Lessons: six guided steps through the course notebook — forward pass, loss, δ2, the gradients, one SGD step, many
steps — each with its scenario, what to look at, a question for the quiz and the screen that shows it.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/lessons.py``."""

from ui.screens import lessons
from ui.session import state
from ui.text.i18n import current_lang

state.setup_page("Lessons", "レッスン", ":material/school:")
lang = current_lang()
reduction = state.reduction()

# Each lesson's own scenario through dnn: what to look at, with its numbers.
looks = [lessons.look(lesson, reduction, lang) for lesson in lessons.LESSONS]

lessons.intro()
for i, (lesson, look) in enumerate(zip(lessons.LESSONS, looks, strict=True), start=1):
    lessons.lesson_block(i, lesson, look, lang)
