"""The Training screen's film of the run (Play / Pause in the browser, frames computed once and cached) and the
output over the input plane at the step slider's step."""

from __future__ import annotations

import numpy as np
import streamlit as st

import dnn
from ui.figures.figures_forward import how_to_read, input_plane_figure
from ui.figures.figures_play import PrebuiltFigure, make_film, play_figure
from ui.session import state
from ui.session.cached import network_cache_key
from ui.session.training import Run
from ui.text.i18n import current_lang, pick, tr

CACHE_FILMS = 8  # a film's figure is at most about 2 MB


def _history_key(h: dnn.History) -> tuple:
    """What makes two runs the same: where they start, the data, η, the steps, the reduction and the samples drawn
    (a History holds arrays, so ``st.cache_data`` is told how to hash it)."""
    drawn = None if h.sample_indices is None else h.sample_indices.tobytes()
    return (network_cache_key(h.start), h.x.tobytes(), h.d.tobytes(), h.lr, h.steps, h.reduction, drawn)


@st.cache_data(max_entries=CACHE_FILMS, show_spinner=False, hash_funcs={dnn.History: _history_key})
def _film_figure(history: dnn.History, held_out: tuple[np.ndarray, np.ndarray] | None, lang: str, log_y: bool) -> dict:
    return play_figure(make_film(history, held_out), lang, log_y=log_y).to_dict()


def film_figure(
    run: Run, held_out: tuple[np.ndarray, np.ndarray] | None, lang: str, log_y: bool = False
) -> PrebuiltFigure:
    """The animated figure of a run (cached by everything that changes it)."""
    return PrebuiltFigure(_film_figure(run.history, held_out, lang, log_y))


def play_section(run: Run, sc: dnn.Scenario, held_out: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """Watch it learn: the network, the output over the input plane and the loss, played step by step in the
    browser."""
    lang = current_lang()
    st.subheader(tr("Watch it learn", "学習の様子を再生"))
    two_inputs = sc.network.n_in == 2
    half = two_inputs and sc.network.output in ("softmax", "sigmoid")  # the film draws y = 0.5 for a probability
    st.caption(
        tr(
            "Press a ▶ button to play the run at that speed (1× shows about 6 frames a second; choose another "
            "speed while it plays and it carries on from there), Pause to stop, or drag the slider to any step. "
            "The edges show the weights after each step (blue positive, orange negative, thicker = larger |w|)"
            + (
                ", the colours behind the samples the output over the input plane (white where it is 0.5, purple "
                "below, green above, as on Forward" + ("; the black line is where it is 0.5)" if half else ")")
                if two_inputs
                else ""
            )
            + ", and the dot on the loss curve marks the step shown.",
            "▶ ボタンを押すと、その速さで学習を再生します（1倍速は 1 秒に約 6 フレーム。再生中に別の速さを選ぶと、"
            "そこから続けます）。一時停止で止まり、スライダーで好きなステップに移れます。辺は各ステップ後の重み"
            "（青は正、オレンジは負、太いほど |w| が大きい）"
            + (
                "、サンプルの後ろの色は入力平面上の出力（0.5 で白、それより小さいと紫、大きいと緑。順伝播ページと同じ"
                + ("。黒い線は出力が 0.5 になる所）" if half else "）")
                if two_inputs
                else ""
            )
            + "、誤差の曲線上の点は表示中のステップを示します。",
        )
    )
    with st.spinner(tr("Preparing the frames…", "フレームを準備しています…")):
        figure = film_figure(run, held_out, lang)
    st.plotly_chart(figure, config={"displayModeBar": False}, key="train_play")


def surface_at_step(net: dnn.Network, sc: dnn.Scenario, k: int) -> None:
    """The output over the input plane with the parameters after k steps, for the step slider: Forward's figure
    and its reading notes, in the same look as the film above."""
    if net.n_in != 2:
        return
    lang = current_lang()
    fig = input_plane_figure(net, sc.x, sc.d, lang, held_out=state.held_out())
    title = pick(lang, f"Output over the input plane after {k:,} steps", f"{k:,} ステップ後の入力平面上の出力")
    fig.update_layout(title={"text": title})
    chart, about = st.columns([3, 2], gap="large")
    chart.plotly_chart(fig, key="train_surface_at_step")
    about.markdown(how_to_read(net, lang, fig))
