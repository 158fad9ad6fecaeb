"""Compare: the pinned baseline against the current scenario — loss curves, what differs, final parameters."""

import pandas as pd
import streamlit as st

import dnn
from ui import figures_training as ft
from ui import not_finite, state
from ui.i18n import activation_label, current_lang, output_label, pick, tr
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
            "**まだ基準が固定されていません。** シナリオを基準として固定（ここ、サイドバー、学習の画面で）してから、"
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
# A run whose loss is not a finite number at step 0 has no curve and no trained parameters: say why instead.
trained = {}
for label, whose, sc, run in (
    (labels[0], pick(lang, "the baseline", "基準"), base, base_run),
    (labels[1], pick(lang, "the current scenario", "現在のシナリオ"), cur, cur_run),
):
    if run.history.diverged_at == 0:
        nf = dnn.not_finite_at_start(sc.network, sc.x, sc.d) or dnn.NotFinite("E", dnn.largest_value(sc.network, sc.x))
        st.error(not_finite.start_text(nf, lang, whose), icon=":material/error:")
    else:
        trained[label] = run

styles = {labels[0]: {"color": ft.BASELINE, "dash": "dash"}, labels[1]: {"color": ft.CURRENT}}
curves = [ft.Curve(label, run.history.loss, **styles[label]) for label, run in trained.items()]
marks = [
    ft.Mark(run.history.last_step, float(run.history.loss[-1]), ft.BASELINE if label == labels[0] else ft.DIVERGED)
    for label, run in trained.items()
    if run.history.diverged_at is not None
]
if curves:
    fig = ft.curves_figure(
        curves,
        lang,
        title=pick(
            lang, "Loss E: baseline and current, each from its own start", "誤差 E: 基準と現在（それぞれの初期値から）"
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
        # What a learner reads: the scenario's words, not the link's keys (lr, hidden, ...), and the activations'
        # names in the course's words.
        names = {
            "lr": pick(lang, "learning rate η", "学習率 η"),
            "steps": pick(lang, "steps", "ステップ数"),
            "hidden": pick(lang, "hidden activation", "中間層の活性化関数"),
            "output": pick(lang, "output layer / loss", "出力層 / 誤差関数"),
            "x": pick(lang, "input x", "入力 x"),
            "d": pick(lang, "target d", "目標出力 d"),
        }
        values = {"hidden": activation_label, "output": output_label}

        def shown(what: str, value: str) -> str:
            return values[what](value, lang) if what in values else value

        st.dataframe(
            pd.DataFrame(
                [
                    (names.get(d.what, d.what), d.where, shown(d.what, d.baseline), shown(d.what, d.current))
                    for d in diffs
                ],
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
param_diffs = (
    dnn.parameter_differences(base_run.history.network, cur_run.history.network) if len(trained) == 2 else None
)
if len(trained) < 2:
    st.info(
        tr(
            "Shown once both runs start from a finite loss.",
            "両方の学習が有限の誤差から始まると表示します。",
        )
    )
elif param_diffs is None:
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
            f"学習後（基準: {base_run.history.last_step:,} ステップ、現在: {cur_run.history.last_step:,} ステップ）。"
            "青: 現在の方が大きい、オレンジ: 小さい、白: 同じ。",
        )
    )
    cols = st.columns(2)
    for i, name in enumerate(("W1", "W2", "b1", "b2")):
        cols[i % 2].plotly_chart(ft.difference_figure(name, param_diffs[name], lang), key=f"compare_diff_{name}")
