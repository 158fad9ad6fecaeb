"""Forward pass: u1 = x·W1 + b1, z1 = f(u1), u2 = z1·W2 + b2, y and the loss E, each as a formula with the
current numbers; the output over the input plane; the notebook's own printout."""

import streamlit as st

import dnn
from ui import explain, explain_view, not_finite, state, teacher_view
from ui import figures_forward as ff
from ui.i18n import current_lang, tr

state.setup_page("Forward pass", "順伝播", ":material/arrow_forward:")
lang = current_lang()
sc = state.scenario()
net, x, d = sc.network, sc.x, sc.d
fwd = dnn.forward(net, x)

st.caption(
    tr(
        "From the input x to the output y and the loss E, step by step, for "
        + ("the one sample" if len(x) == 1 else f"the {len(x)} samples")
        + ". Every number follows the scenario you set up on the Scenario page.",
        f"入力 x から出力 y と誤差 E まで、{len(x)} 個のサンプルについて順に計算します。数値はすべてシナリオページの"
        "設定に従います。",
    )
)
if start := dnn.not_finite_at_start(net, x, d):
    st.error(not_finite.start_text(start, lang), icon=":material/error:")
if note := explain.rows_note(len(x), lang):
    st.caption(note)
for step in explain.forward_steps(net, x, d, fwd, lang):
    st.markdown(f"#### {step.title}")
    st.latex(step.formula)
    st.latex(step.numbers)
    for text in step.notes:
        st.caption(text)
if dead := dnn.dead_units(net, fwd):
    st.warning(explain.dead_unit_warning(dead, lang), icon=":material/warning:")

if net.n_in <= 2:
    st.subheader(tr("The output over the input space", "入力空間での出力"))
    chart, about = st.columns([3, 2], gap="large")
    if net.n_in == 2:
        k = ff.shown_output(net, d)
        if net.n_out > 1:
            k = about.selectbox(
                tr("Output shown", "表示する出力"),
                range(net.n_out),
                index=k,
                format_func=lambda j: ff.output_label(net, j, lang),
                key="forward_plane_output",
            )
        held_out = state.held_out()  # drawn over the same part of the plane as on Training
        plane = ff.input_plane_figure(net, x, d, lang, k, held_out=held_out)
        chart.plotly_chart(plane, key="input_plane")
        about.markdown(ff.how_to_read(net, lang, plane))
    else:
        chart.plotly_chart(ff.input_line_figure(net, x, d, lang), key="input_line")
        about.markdown(ff.how_to_read(net, lang))
else:
    st.caption(
        tr(
            "With one or two inputs, the output is also drawn over the whole input space.",
            "入力が 1 個か 2 個のときは、入力空間全体での出力も図で表示します。",
        )
    )

with st.expander(tr("Every value as a table", "すべての値を表で見る"), icon=":material/table:"):
    for name, table in explain.forward_tables(fwd).items():
        st.markdown(f"**{name}**")
        st.dataframe(
            table,
            column_config={c: st.column_config.NumberColumn(format="%.8g") for c in table.columns},
            width="content",
        )

if not state.is_hidden("printout"):
    if teacher_view.requested_panel() == "printout":
        state.set_widget_value("forward_printout", True, keep_existing=True)
    explain_view.notebook_printout_toggle(sc, "forward_printout", lang)
