"""Home: the scenario editor. Every weight, bias, input, target and the learning rate of the course notebook's
network, editable, with the network, its output y and the loss at a glance.

Shape (docs/design.md, "The shape of a screen"): state → dnn → the sections of ``ui/screens/home_view.py``."""

import streamlit as st

import dnn
from ui.screens import home_view as view
from ui.session import state
from ui.text.i18n import current_lang
from ui.widgets import editors

state.setup_page("Scenario", "シナリオ", ":material/tune:", pending=editors.apply_pending_edits)
sc = state.scenario()
net = sc.network
lang = current_lang()
reduction = state.reduction()

fwd = dnn.forward(net, sc.x)
grads = dnn.backward(net, sc.x, sc.d, reduction=reduction, fwd=fwd)
loss = dnn.loss(net, sc.x, sc.d)
start = dnn.not_finite_at_start(net, sc.x, sc.d)

view.intro()
edit, glance = st.columns([3, 2], gap="large")
with edit:
    view.edit(sc)
with glance:
    view.glance(sc, fwd, grads, loss, start, dnn.claims.loss_symbol(reduction, len(sc.x)), lang)
