"""Backprop: δ2, δ1 and every partial derivative (偏微分) with real numbers, the student's four questions answered,
a gradient check against numerical differentiation and one SGD step."""

import streamlit as st

import dnn
from ui import (
    cached,
    explain,
    explain_view,
    not_finite,
    optimizer_controls,
    optimizer_explain,
    slow_motion,
    state,
    teacher_view,
)
from ui import figures_backprop as fb
from ui.i18n import current_lang, tr

state.setup_page("Backprop", "誤差逆伝播", ":material/arrow_back:")
lang = current_lang()
sc = state.scenario()
net, x, d = sc.network, sc.x, sc.d
reduction = state.reduction()
fwd = dnn.forward(net, x)
g = dnn.backward(net, x, d, reduction=reduction, fwd=fwd)
loss = dnn.claims.loss_symbol(reduction, len(x))  # "E", or "E_sum" = Σₙ Eₙ for the notebook's sum over samples

st.caption(explain.reduction_note(reduction, len(x), lang))
if start := dnn.not_finite_at_start(net, x, d):
    st.error(not_finite.start_text(start, lang), icon=":material/error:")
if dead := dnn.dead_units(net, fwd):
    st.warning(explain.dead_unit_warning(dead, lang), icon=":material/warning:")

slow_motion.slow_motion_section(sc, reduction)

st.subheader(tr("Deltas: the error signal at each layer's total input", "デルタ: 各層の総入力についての偏微分"))
st.caption(
    tr(
        "Backprop runs from the output back: first δ2 at the output layer, then δ1 at the hidden layer. Blue cells are "
        "positive, orange negative, white 0; every cell shows its value (hover for all digits).",
        "誤差逆伝播は出力側から戻ります: まず出力層の δ2、次に中間層の δ1。青は正、オレンジは負、白は 0。"
        "各マスに値を表示しています（全桁はマウスを重ねると表示）。",
    )
)
# Side by side while the matrices are small; one under the other once their cells would get too narrow to read.
wide = max(net.n_in, net.n_hidden, net.n_out, min(len(x), fb.MAX_SAMPLE_ROWS)) > 5
left, right = (st.container(), st.container()) if wide else st.columns(2)
left.plotly_chart(fb.delta_figure(g.delta2, 2, lang, loss=loss), key="delta2")
right.plotly_chart(fb.delta_figure(g.delta1, 1, lang, loss=loss), key="delta1")

st.subheader(tr("Partial derivatives of the weights and biases", "重みとバイアスの偏微分"))
left, right = (st.container(), st.container()) if wide else st.columns(2)
left.plotly_chart(fb.weight_gradient_figure(fwd.z1, g.delta2, g.W2, "W2", lang, loss=loss), key="grad_W2")
right.plotly_chart(fb.weight_gradient_figure(x, g.delta1, g.W1, "W1", lang, loss=loss), key="grad_W1")
left.plotly_chart(fb.gradient_figure(g.b2, "b2", lang, loss=loss), key="grad_b2")
right.plotly_chart(fb.gradient_figure(g.b1, "b1", lang, loss=loss), key="grad_b1")

if not state.is_hidden("questions"):
    st.subheader(tr("The notebook's questions, answered with these numbers", "ノートブックの疑問に、この数値で答える"))
    questions = (
        (explain.q1_title(lang), explain.q1_blocks(net, fwd, d, reduction, lang)),
        (explain.q2_title(lang), explain.q2_blocks(net, x, d, reduction, lang)),
        (explain.q3_title(lang), explain.q3_blocks(net, x, fwd, g, lang, loss=loss)),
        (explain.q4_title(lang), explain.q4_blocks(g, lang, loss=loss)),
        (explain.conventions_title(lang), explain.conventions_blocks(net, fwd, d, lang)),
    )
    opened = teacher_view.requested_panel()  # a lesson's link opens the question it is about
    for i, (title, blocks) in enumerate(questions, start=1):
        with st.expander(title, icon=":material/help:", expanded=opened == f"q{i}"):
            explain_view.show(blocks)

if not state.is_hidden("gradcheck"):
    st.subheader(
        tr("Gradient check: backprop against numerical differentiation", "勾配チェック: 誤差逆伝播 vs 数値微分")
    )
    numerical = cached.numerical_gradient(sc, reduction)
    st.caption(explain.gradient_check_intro(reduction, len(x), lang, net.output))
    check = dnn.gradient_check(g.params(), numerical)
    if check.finite:
        explain_view.show([explain.gradient_check_verdict(check.worst, fwd.u1, lang, net.hidden)])
        st.plotly_chart(fb.gradient_check_figure(check.relative, lang, loss=loss), key="grad_check")
    else:
        st.info(not_finite.check_text(lang), icon=":material/block:")

if sc.optimizer == "sgd":
    st.subheader(tr("One SGD step", "SGD を 1 ステップ"))
else:
    rule = optimizer_controls.name(sc.optimizer, lang)
    st.subheader(tr(f"One step of {rule}", f"{rule}{'' if rule.endswith('）') else ' '}を 1 ステップ"))
step = dnn.step_report(net, x, d, g, sc.lr, sc.optimizer, **sc.settings)
if step.overflow:
    st.warning(not_finite.step_text(step, lang), icon=":material/warning:")
if sc.optimizer == "sgd":
    explain_view.show(explain.sgd_blocks(net, g, step, sc.lr, reduction, lang))
else:
    explain_view.show(optimizer_explain.step_blocks(net, g, step, sc.lr, sc.settings, lang, loss=loss))

if not state.is_hidden("printout"):
    if teacher_view.requested_panel() == "printout":
        state.set_widget_value("backprop_printout", True, keep_existing=True)
    explain_view.notebook_printout_toggle(sc, "backprop_printout", lang)
