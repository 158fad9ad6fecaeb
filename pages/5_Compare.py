"""Compare: the pinned baseline against the current scenario — loss curves, what differs, final parameters."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import figures_training as ft
from ui import state
from ui.heatmaps import signed_heatmap, unit_names
from ui.i18n import current_lang, pick, tr
from ui.training import differences, run_scenario, runs_table

state.setup_page("Compare", "比較", ":material/compare_arrows:")
lang = current_lang()
base, cur = state.baseline(), state.scenario()

if base is None:
    st.info(
        tr(
            "**Nothing is pinned yet.** Pin the scenario as a baseline (here, in the sidebar, or on the Training "
            "screen), then change anything — a weight, x, d, the learning rate η, the steps, an activation. This "
            "screen then sets the two runs side by side: both loss curves, every value that differs, and how "
            "different the trained parameters are.",
            "**まだ基準が固定されていません。** シナリオを基準として固定(ここ、サイドバー、学習の画面で)してから、"
            "重み・x・d・学習率 η・ステップ数・活性化関数などを変えてください。この画面で 2 つの学習を並べて、"
            "誤差の曲線・違う値・学習後のパラメータの差を比べられます。",
        ),
        icon=":material/push_pin:",
    )
    st.button(
        tr("Pin the current scenario as the baseline", "いまのシナリオを基準として固定"),
        icon=":material/push_pin:",
        on_click=state.pin_baseline,
        key="compare_pin",
        type="primary",
    )
    st.stop()

actions = st.columns([1.3, 1.3, 1, 1], vertical_alignment="bottom")
actions[0].button(
    tr("Pin the current scenario instead", "いまのシナリオを基準にし直す"),
    icon=":material/push_pin:",
    on_click=state.pin_baseline,
    key="compare_repin",
)
actions[1].button(
    tr("Load the baseline as the scenario", "基準をシナリオに読み込む"),
    icon=":material/restore:",
    on_click=state.set_scenario,
    args=(base,),
    key="compare_load",
    help=tr("Undoable from the sidebar.", "サイドバーで元に戻せます。"),
)
actions[2].button(
    tr("Unpin", "固定を解除"), icon=":material/close:", on_click=state.clear_baseline, key="compare_clear"
)
log_y = actions[3].toggle(tr("Log scale", "対数目盛"), key="compare_log", persist_state="session")

reduction = state.reduction()
base_run = run_scenario(base, reduction)
cur_run = None if base_run is None else run_scenario(cur, reduction)
if cur_run is None:  # over the work budget (the baseline checked first): its message says what to reduce
    st.stop()
labels = (pick(lang, "baseline", "基準"), pick(lang, "current", "現在"))

curves = [
    ft.Curve(labels[0], base_run.history.loss, color=ft.BASELINE, dash="dash"),
    ft.Curve(labels[1], cur_run.history.loss, color=ft.CURRENT),
]
marks = [
    ft.Mark(run.history.last_step, float(run.history.loss[-1]), color)
    for run, color in ((base_run, ft.BASELINE), (cur_run, ft.DIVERGED))
    if run.history.diverged_at is not None
]
fig = ft.curves_figure(
    curves,
    lang,
    title=pick(
        lang, "Loss E: baseline and current, each from its own start", "誤差 E: 基準と現在(それぞれの初期値から)"
    ),
    y_title=pick(lang, "loss E", "誤差 E"),
    log_y=log_y or bool(marks),  # an overflowing loss needs a log scale
    marks=marks,
)
st.plotly_chart(fig, key="compare_curves")

table_col, diff_col = st.columns([1, 1.2])
with table_col:
    st.markdown(f"**{tr('Final losses', '最終の誤差')}**")
    st.dataframe(runs_table({labels[0]: (base, base_run), labels[1]: (cur, cur_run)}, lang))
with diff_col:
    diffs = differences(base, cur)
    st.markdown(f"**{tr('What differs', '違う値')}**")
    if not diffs:
        st.success(
            tr("The current scenario is the same as the baseline.", "現在のシナリオは基準と同じです。"),
            icon=":material/check:",
        )
    else:
        st.dataframe(
            pd.DataFrame(
                [(d.what, d.where, d.baseline, d.current) for d in diffs],
                columns=[
                    pick(lang, "value", "値"),
                    pick(lang, "cell", "位置"),
                    labels[0],
                    labels[1],
                ],
            ),
            hide_index=True,
        )
        st.caption(
            tr(
                "Cells are counted from 1: W1[1, 2] is row x1, column h2.",
                "位置は 1 から数えます: W1[1, 2] は x1 行 h2 列。",
            )
        )

st.subheader(tr("Trained parameters: current − baseline", "学習後のパラメータ: 現在 − 基準"))
b_net, c_net = base_run.history.network, cur_run.history.network
same_shape = all(a.shape == b.shape for a, b in zip(b_net.params().values(), c_net.params().values(), strict=True))
if not same_shape:
    st.info(
        tr(
            "The two networks have different sizes, so their parameters cannot be subtracted cell by cell.",
            "2 つのネットワークは大きさが違うので、パラメータをセルごとに引き算できません。",
        )
    )
else:
    st.caption(
        tr(
            f"After training (baseline: {base_run.history.last_step:,} steps, current: "
            f"{cur_run.history.last_step:,} steps). Blue: larger now, orange: smaller now, white: the same.",
            f"学習後(基準: {base_run.history.last_step:,} ステップ、現在: {cur_run.history.last_step:,} ステップ)。"
            "青: 現在の方が大きい、オレンジ: 小さい、白: 同じ。",
        )
    )
    axes = {"W1": ("x", "h"), "b1": ("", "h"), "W2": ("h", "y"), "b2": ("", "y")}
    cols = st.columns(2)
    for i, name in enumerate(("W1", "W2", "b1", "b2")):
        rows, columns = axes[name]
        diff = np.atleast_2d(c_net.params()[name] - b_net.params()[name])
        kind = pick(lang, "weight", "重み") if name.startswith("W") else pick(lang, "bias", "バイアス")
        cols[i % 2].plotly_chart(
            signed_heatmap(
                diff,
                unit_names(columns, diff.shape[1]),
                [name] if not rows else unit_names(rows, diff.shape[0]),
                x_title="",
                y_title="",
                title=f"Δ{name} ({kind})",
                colorbar_title=f"Δ{name}",
                hover_name=f"Δ{name}",
            ),
            key=f"compare_diff_{name}",
        )
