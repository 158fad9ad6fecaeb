"""The Backprop screen's sections, top to bottom: the intro, the deltas, the partial derivatives of the weights and
biases, the notebook's questions, the gradient check, one step of the update rule (slow motion, between the intro and
the deltas, is ``ui/widgets/slow_motion.py``'s; the printout at the end ``ui/widgets/explain_view.py``'s).
``pages/2_Backprop.py`` reads the scenario, calls ``dnn`` and calls these in order (docs/design.md, "The shape of a
screen"); every number drawn here is one ``dnn`` returned."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

import dnn
from ui.figures import figures_backprop as fb
from ui.session import state
from ui.text import explain, not_finite, optimizer_explain
from ui.text.i18n import tr
from ui.widgets import explain_view, optimizer_controls, teacher_view


def intro(reduction: str, n: int, start: dnn.NotFinite | None, dead: Sequence[int], lang: str) -> None:
    """Which gradient the screen shows (mean or sum over the ``n`` samples), a loss that is not finite, dead units."""
    st.caption(explain.reduction_note(reduction, n, lang))
    if start:
        st.error(not_finite.start_text(start, lang), icon=":material/error:")
    if dead:
        st.warning(explain.dead_unit_warning(dead, lang), icon=":material/warning:")


def _side_by_side(wide: bool) -> tuple:
    """Two places for two figures: side by side while the matrices are small, one under the other once their cells
    would get too narrow to read."""
    return (st.container(), st.container()) if wide else tuple(st.columns(2))


def _wide(net: dnn.Network, n: int) -> bool:
    return max(net.n_in, net.n_hidden, net.n_out, min(n, fb.MAX_SAMPLE_ROWS)) > 5


def deltas(net: dnn.Network, g: dnn.Gradients, n: int, loss: str, lang: str) -> None:
    """δ2 and δ1 as heatmaps; ``loss`` names the loss differentiated ("E" or "E_sum")."""
    st.subheader(tr("Deltas: the error signal at each layer's total input", "デルタ: 各層の総入力についての偏微分"))
    st.caption(
        tr(
            "Backprop runs from the output back: first δ2 at the output layer, then δ1 at the hidden layer. Blue cells "
            "are positive, orange negative, white 0; every cell shows its value (hover for all digits).",
            "誤差逆伝播は出力側から戻ります: まず出力層の δ2、次に中間層の δ1。青は正、オレンジは負、白は 0。"
            "各マスに値を表示しています（全桁はマウスを重ねると表示）。",
        )
    )
    left, right = _side_by_side(_wide(net, n))
    left.plotly_chart(fb.delta_figure(g.delta2, 2, lang, loss=loss), key="delta2")
    right.plotly_chart(fb.delta_figure(g.delta1, 1, lang, loss=loss), key="delta1")


def gradients(net: dnn.Network, x: np.ndarray, fwd: dnn.Forward, g: dnn.Gradients, loss: str, lang: str) -> None:
    """∂E/∂W2 = z1ᵀ·δ2 and ∂E/∂W1 = xᵀ·δ1 laid out as the products, and ∂E/∂b2, ∂E/∂b1."""
    st.subheader(tr("Partial derivatives of the weights and biases", "重みとバイアスの偏微分"))
    left, right = _side_by_side(_wide(net, len(x)))
    left.plotly_chart(fb.weight_gradient_figure(fwd.z1, g.delta2, g.W2, "W2", lang, loss=loss), key="grad_W2")
    right.plotly_chart(fb.weight_gradient_figure(x, g.delta1, g.W1, "W1", lang, loss=loss), key="grad_W1")
    left.plotly_chart(fb.gradient_figure(g.b2, "b2", lang, loss=loss), key="grad_b2")
    right.plotly_chart(fb.gradient_figure(g.b1, "b1", lang, loss=loss), key="grad_b1")


def questions(
    net: dnn.Network,
    x: np.ndarray,
    d: np.ndarray,
    fwd: dnn.Forward,
    g: dnn.Gradients,
    reduction: str,
    loss: str,
    lang: str,
) -> None:
    """The notebook's four questions and the course's two conventions, answered with these numbers, one expander
    each (a lesson's link opens the one it is about; a teacher can hide them)."""
    if state.is_hidden("questions"):
        return
    st.subheader(tr("The notebook's questions, answered with these numbers", "ノートブックの疑問に、この数値で答える"))
    answers = (
        (explain.q1_title(lang), explain.q1_blocks(net, fwd, d, reduction, lang)),
        (explain.q2_title(lang), explain.q2_blocks(net, x, d, reduction, lang)),
        (explain.q3_title(lang), explain.q3_blocks(net, x, fwd, g, lang, loss=loss)),
        (explain.q4_title(lang), explain.q4_blocks(g, lang, loss=loss)),
        (explain.conventions_title(lang), explain.conventions_blocks(net, fwd, d, lang)),
    )
    opened = teacher_view.requested_panel()
    for i, (title, blocks) in enumerate(answers, start=1):
        with st.expander(title, icon=":material/help:", expanded=opened == f"q{i}"):
            explain_view.show(blocks)


def gradient_check(
    check: dnn.GradientCheck | None,
    net: dnn.Network,
    x: np.ndarray,
    u1: np.ndarray,
    reduction: str,
    loss: str,
    lang: str,
) -> None:
    """Backprop against numerical differentiation under the one rule; ``check`` is None when a teacher hid it."""
    if check is None:
        return
    st.subheader(
        tr("Gradient check: backprop against numerical differentiation", "勾配チェック: 誤差逆伝播 vs 数値微分")
    )
    st.caption(explain.gradient_check_intro(reduction, len(x), lang, net.output))
    if check.finite:
        explain_view.show([explain.gradient_check_verdict(check.worst, u1, lang, net.hidden, check, loss, x)])
        figure = fb.gradient_check_figure(check.relative, lang, loss=loss, unmeasurable=check.unmeasurable)
        st.plotly_chart(figure, key="grad_check")
    else:
        st.info(not_finite.check_text(lang), icon=":material/block:")


def update_step(sc: dnn.Scenario, g: dnn.Gradients, step: dnn.StepReport, reduction: str, loss: str, lang: str) -> None:
    """One step of the scenario's update rule with every number filled in: SGD's before/after and predicted vs
    actual change, or another rule's state before and after."""
    if sc.optimizer == "sgd":
        st.subheader(tr("One SGD step", "SGD を 1 ステップ"))
    else:
        rule = optimizer_controls.name(sc.optimizer, lang)
        st.subheader(tr(f"One step of {rule}", f"{rule}{'' if rule.endswith('）') else ' '}を 1 ステップ"))
    if step.overflow:
        st.warning(not_finite.step_text(step, lang), icon=":material/warning:")
    if sc.optimizer == "sgd":
        explain_view.show(explain.sgd_blocks(sc.network, g, step, sc.lr, reduction, lang))
    else:
        explain_view.show(optimizer_explain.step_blocks(sc.network, g, step, sc.lr, sc.settings, lang, loss=loss))
