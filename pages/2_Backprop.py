"""Backprop: δ2, δ1 and every partial derivative (偏微分) with real numbers, the student's four questions answered,
a gradient check against numerical differentiation and one SGD step.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/backprop_view.py``
(and the shared slow motion and printout)."""

import dnn
from ui.screens import backprop_view as view
from ui.session import cached, state
from ui.text.i18n import current_lang
from ui.widgets import explain_view, slow_motion

state.setup_page("Backprop", "誤差逆伝播", ":material/arrow_back:")
lang = current_lang()
sc = state.scenario()
net, x, d = sc.network, sc.x, sc.d
reduction = state.reduction()

fwd = dnn.forward(net, x)
g = dnn.backward(net, x, d, reduction=reduction, fwd=fwd)
loss = dnn.claims.loss_symbol(reduction, len(x))  # "E", or "E_sum" = Σₙ Eₙ for the notebook's sum over samples
start = dnn.not_finite_at_start(net, x, d)
dead = dnn.dead_units(net, fwd)
numerical = None if state.is_hidden("gradcheck") else cached.numerical_gradient(sc, reduction)  # hidden: not computed
checked = dnn.differentiated_loss(net, x, d, reduction)  # the loss the numerical slopes are taken of
check = None if numerical is None else dnn.gradient_check(g.params(), numerical, checked)
step = dnn.step_report(net, x, d, g, sc.lr, sc.optimizer, **sc.settings)

view.intro(reduction, len(x), start, dead, lang)
slow_motion.slow_motion_section(sc, reduction)
view.deltas(net, g, len(x), loss, lang)
view.gradients(net, x, fwd, g, loss, lang)
view.questions(net, x, d, fwd, g, reduction, loss, lang)
view.gradient_check(check, net, x, fwd.u1, reduction, loss, lang)
view.update_step(sc, g, step, reduction, loss, lang)
explain_view.printout(sc, "backprop_printout", lang)
