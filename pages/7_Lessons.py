"""Lessons: six guided steps through the course notebook — forward pass, loss, δ2, the gradients, one SGD step, many
steps — each with its scenario, what to look at, a question for the quiz and the screen that shows it."""

from ui import lessons, state

state.setup_page("Lessons", "レッスン", ":material/school:")
lessons.draw()
