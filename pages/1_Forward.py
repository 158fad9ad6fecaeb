"""Forward pass: u1 = x·W1 + b1, z1 = f(u1), u2 = z1·W2 + b2, y and the loss E, each as a formula with the
current numbers; the output over the input plane; the notebook's own printout.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/forward_view.py``
(and the shared printout of ``ui/widgets/explain_view.py``)."""

import dnn
from ui.screens import forward_view as view
from ui.session import state
from ui.text.i18n import current_lang
from ui.widgets import explain_view

state.setup_page("Forward pass", "順伝播", ":material/arrow_forward:")
lang = current_lang()
sc = state.scenario()
net, x, d = sc.network, sc.x, sc.d

fwd = dnn.forward(net, x)
start = dnn.not_finite_at_start(net, x, d)
dead = dnn.dead_units(net, fwd)
held_out = state.held_out()  # drawn over the same part of the plane as on Training

view.intro(len(x), start, lang)
view.steps(net, x, d, fwd, dead, lang)
view.input_space(net, x, d, held_out, lang)
view.tables(fwd)
explain_view.printout(sc, "forward_printout", lang)
