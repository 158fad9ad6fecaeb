"""Draws the explanations of ``ui.text.explain`` with Streamlit (that module builds them as plain ``Block``s)."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import dnn
from ui.session import state
from ui.text.explain import Block
from ui.text.i18n import pick
from ui.widgets import teacher_view


def show(blocks: Sequence[Block]) -> None:
    """Draw ``blocks`` in order with Streamlit."""
    for b in blocks:
        if b.kind == "latex":
            st.latex(b.body)
        elif b.kind == "table":
            st.table(b.body)
        elif b.kind == "metrics":
            cols = st.columns(len(b.body))
            for col, m in zip(cols, b.body, strict=True):
                col.metric(m.label, m.value, m.delta, help=m.help, delta_color=m.delta_color)
        else:
            getattr(st, b.kind)(b.body)


def notebook_printout_toggle(sc: dnn.Scenario, key: str, lang: str) -> None:
    """A toggle that shows what the notebook prints for ``sc``, in its own format (its summed gradients)."""
    if st.toggle(pick(lang, "Show the notebook's printout", "ノートブックの出力を表示"), key=key):
        st.caption(
            pick(
                lang,
                "What the notebook prints for this scenario, in its format (its summed gradients). Its 出力合計 is "
                "np.sum(y) over every sample; its last digit depends on the CPU's BLAS kernel.",
                "このシナリオでノートブックが表示する内容（ノートブックの形式、合計の勾配）。"
                "「出力合計」は全サンプルの np.sum(y) で、最後の桁は CPU の BLAS カーネルによって変わります。",
            )
        )
        st.code(dnn.notebook_printout(sc, reduction="sum"), language=None)
        if sc.optimizer != "sgd":
            from ui.widgets.optimizer_controls import name

            rule = name(sc.optimizer, lang)
            st.caption(
                pick(
                    lang,
                    f"The notebook updates with SGD, so its updated parameters above are SGD's step, not {rule}'s "
                    "(the scenario's update rule).",
                    f"ノートブックは SGD で更新するので、上の更新後パラメータは SGD の 1 ステップです"
                    f"（シナリオの更新則 {rule} のものではありません）。",
                )
            )


def printout(sc: dnn.Scenario, key: str, lang: str) -> None:
    """The section with the notebook's own printout for ``sc`` behind a toggle keyed ``key`` (a lesson's link opens
    it; a teacher can hide it)."""
    if state.is_hidden("printout"):
        return
    if teacher_view.requested_panel() == "printout":
        state.set_widget_value(key, True, keep_existing=True)
    notebook_printout_toggle(sc, key, lang)
