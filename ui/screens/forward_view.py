"""The Forward screen's sections, top to bottom: the intro, the forward pass step by step, the output over the input
space, every value as a table (the notebook's printout after them is ``ui/widgets/explain_view.py``'s).
``pages/1_Forward.py`` reads the scenario, calls ``dnn`` and calls these in order (docs/design.md, "The shape of a
screen"); every number drawn here is one ``dnn`` returned."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import streamlit as st

import dnn
from ui.figures import figures_forward as ff
from ui.text import explain, not_finite
from ui.text.i18n import tr


def intro(n: int, start: dnn.NotFinite | None, lang: str) -> None:
    """What the screen shows for the ``n`` samples, and why the loss is not a finite number when it is not."""
    st.caption(
        tr(
            "From the input x to the output y and the loss E, step by step, for "
            + ("the one sample" if n == 1 else f"the {n} samples")
            + ". Every number follows the scenario you set up on the Scenario page.",
            f"入力 x から出力 y と誤差 E まで、{n} 個のサンプルについて順に計算します。数値はすべてシナリオページの"
            "設定に従います。",
        )
    )
    if start:
        st.error(not_finite.start_text(start, lang), icon=":material/error:")


def steps(net: dnn.Network, x: np.ndarray, d: np.ndarray, fwd: dnn.Forward, dead: Sequence[int], lang: str) -> None:
    """u1 → z1 → u2 → y → E, each as its formula and with the numbers filled in; dead ReLU units named."""
    if note := explain.rows_note(len(x), lang):
        st.caption(note)
    for step in explain.forward_steps(net, x, d, fwd, lang):
        st.markdown(f"#### {step.title}")
        st.latex(step.formula)
        st.latex(step.numbers)
        for text in step.notes:
            st.caption(text)
    if dead:
        st.warning(explain.dead_unit_warning(dead, lang), icon=":material/warning:")


def input_space(
    net: dnn.Network, x: np.ndarray, d: np.ndarray, held_out: tuple[np.ndarray, np.ndarray] | None, lang: str
) -> None:
    """For one or two inputs, the output over the whole input space (a line or a plane) and how to read it; the
    plane spans and marks the held-out samples ``held_out`` (x, d) too, as on Training."""
    if net.n_in > 2:
        st.caption(
            tr(
                "With one or two inputs, the output is also drawn over the whole input space.",
                "入力が 1 個か 2 個のときは、入力空間全体での出力も図で表示します。",
            )
        )
        return
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
        plane = ff.input_plane_figure(net, x, d, lang, k, held_out=held_out)
        chart.plotly_chart(plane, key="input_plane")
        about.markdown(ff.how_to_read(net, lang, plane))
    else:
        chart.plotly_chart(ff.input_line_figure(net, x, d, lang), key="input_line")
        about.markdown(ff.how_to_read(net, lang))


def tables(fwd: dnn.Forward) -> None:
    """Every value of the forward pass as a table per quantity, in an expander."""
    with st.expander(tr("Every value as a table", "すべての値を表で見る"), icon=":material/table:"):
        for name, table in explain.forward_tables(fwd).items():
            st.markdown(f"**{name}**")
            st.dataframe(
                table,
                column_config={c: st.column_config.NumberColumn(format="%.8g") for c in table.columns},
                width="content",
            )
