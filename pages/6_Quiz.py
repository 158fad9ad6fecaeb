"""Quiz: compute the notebook's values by hand — u1, z1, u2, y, E, δ2, the gradients, the SGD step — one at a time,
checked cell by cell; a link can ask for some of them (``ask=``) on a scenario drawn from a seed (``quiz_seed=``);
printable worksheets with a separate answer key."""

from ui import quiz, state

state.setup_page("Quiz", "クイズ", ":material/quiz:", pending=quiz.prepare)
quiz.draw()
