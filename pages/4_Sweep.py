"""Learning-rate sweep: the scenario trained with many learning rates η at once (one ``dnn.sweep`` call)."""

import streamlit as st

import dnn
from ui import explain, not_finite, optimizer_compare, state, teacher_view
from ui import figures_training as ft
from ui.i18n import current_lang, pick, tr
from ui.training import MAX_SWEEP_RUNS, sweep_scenario, sweep_steps, sweep_table

state.setup_page("Learning-rate sweep", "学習率スイープ", ":material/stacked_line_chart:")
sc = state.scenario()
lang = current_lang()
st.caption(
    tr(
        "The same network and data trained with many learning rates η, spaced evenly on a log scale, all at once. "
        "Too small an η barely moves; too large a one jumps or overflows. Pick the one you like for the scenario.",
        "同じネットワークとデータを、対数目盛で等間隔に並べた多くの学習率 η で同時に学習させます。η が小さすぎると"
        "ほとんど進まず、大きすぎると跳ねたりオーバーフローしたりします。気に入った η をシナリオに使えます。",
    )
)

if start := dnn.not_finite_at_start(sc.network, sc.x, sc.d):  # every run would stop before its first step
    st.error(not_finite.start_text(start, lang), icon=":material/error:")
    st.stop()

lo_col, hi_col, n_col, log_col = st.columns([1, 1, 1.4, 0.8], vertical_alignment="bottom")
max_lr = dnn.LIMITS["max_lr"]
default_low, default_high = dnn.sweep_range(sc.lr)  # the scenario's own run in the middle of the sweep
low = lo_col.number_input(
    tr("Smallest η", "最小の η"),
    min_value=1e-8,
    max_value=max_lr,
    value=default_low,
    format="%.4g",
    key="sweep_low",
    persist_state="session",
)
high = hi_col.number_input(
    tr("Largest η", "最大の η"),
    min_value=1e-8,
    max_value=max_lr,
    value=default_high,
    format="%.4g",
    key="sweep_high",
    persist_state="session",
)
count = n_col.slider(
    tr("Number of learning rates", "学習率の数"), 2, MAX_SWEEP_RUNS, 9, key="sweep_count", persist_state="session"
)
log_y = log_col.toggle(tr("Log scale", "対数目盛"), value=True, key="sweep_log", persist_state="session")

lrs = dnn.log_spaced(low, high, count)
steps = sweep_steps(sc.steps, count)
if steps < sc.steps:
    st.info(
        tr(
            f"Each run trains {steps:,} of the scenario's {sc.steps:,} steps, so that {count} runs stay light; "
            "fewer learning rates allow longer runs.",
            f"{count} 本の学習を軽く保つため、各学習はシナリオの {sc.steps:,} ステップのうち {steps:,} ステップです。"
            "学習率を減らすと長く学習できます。",
        )
    )
res = sweep_scenario(sc, lrs, steps, state.reduction())
if res is None:  # over the work budget: its message says what to reduce
    st.stop()

if count <= 16:
    st.plotly_chart(ft.sweep_curves_figure(res.lrs, res.losses, lang, log_y=log_y), key="sweep_curves")
else:
    st.plotly_chart(ft.sweep_heatmap_figure(res.lrs, res.losses, lang), key="sweep_heatmap")
    st.caption(
        tr(
            "Each row is one learning rate, each column a range of steps coloured by the largest loss in it (so no "
            "spike hides). Empty cells: the run had overflowed.",
            "各行が 1 つの学習率、各列がステップの区間で、その中の最大の誤差で色を付けています（跳ねも隠れません）。"
            "空白はオーバーフローした後です。",
        )
    )

if ft.below_log_floor(res.losses):
    below_zero = explain.loss_below_zero_note(sc.network.output, sc.network.n_out, lang)
    st.caption(
        tr(
            "Some losses fall to 10⁻⁹ or below"
            + (f". {below_zero}" if below_zero else ": the squared error reaches 0 when the output equals d.")
            + " The heatmap and the final-loss chart draw such losses at 10⁻⁹ (hover for the value); the curves "
            "leave out those a log scale cannot show.",
            "誤差が 10⁻⁹ 以下になる学習があります"
            + (f"。{below_zero}" if below_zero else "。二乗誤差は出力が d に一致すると 0 になります。")
            + "ヒートマップと最終誤差のグラフでは 10⁻⁹ の位置に描き（値はマウスで表示）、曲線では対数目盛で"
            "表せないものを省いています。",
        )
    )

clicked = st.plotly_chart(
    ft.final_loss_figure(res.lrs, res.final, res.diverged, lang, current_lr=sc.lr),
    key="sweep_final",
    on_select="rerun",
    selection_mode="points",
)
st.caption(
    tr(
        "Click a point to choose its learning rate below. × marks runs that overflowed (drawn at the top).",
        "点をクリックすると、その学習率を下で選べます。× はオーバーフローした学習（上端に表示）です。",
    )
)

# The best run by default (the lowest final loss among those that did not overflow), or the one clicked.
pick_key = f"sweep_pick_{count}_{low:.6g}_{high:.6g}"
state.set_widget_value(pick_key, res.best, keep_existing=True)  # not index=: a click below may set it too
points = clicked.selection.points if clicked and clicked.selection else []
if points:
    state.set_widget_value(pick_key, dnn.nearest_run(res.lrs, float(points[0]["x"])))


def _describe(i: int) -> str:
    k = res.diverged[i]
    tail = (
        pick(lang, f"overflowed at step {k:,}", f"ステップ {k:,} でオーバーフロー")
        if k is not None
        else pick(lang, f"final E = {res.final[i]:.4g}", f"最終の誤差 E = {res.final[i]:.4g}")
    )
    return f"η = {res.lrs[i]:.4g} — {tail}"


choice_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
chosen = choice_col.selectbox(
    tr("Learning rate for the scenario", "シナリオに使う学習率"),
    range(len(res.lrs)),
    format_func=_describe,
    key=pick_key,
)
button_col.button(
    tr(f"Use η = {res.lrs[chosen]:.4g}", f"η = {res.lrs[chosen]:.4g} を使う"),
    icon=":material/check:",
    on_click=state.set_scenario,
    args=(sc.replace(lr=float(res.lrs[chosen])),),
    key="sweep_use",
    type="primary",
    disabled=state.is_locked("lr"),
)
teacher_view.locked_caption("lr")
with st.expander(tr("Every run as a table", "すべての学習を表で")):
    st.dataframe(sweep_table(res, lang), hide_index=True)
st.caption(
    tr(
        f"{count} runs × {steps:,} steps trained together in {res.seconds:.2f} s.",
        f"{count} 本 × {steps:,} ステップをまとめて同時に学習しました（{res.seconds:.2f} 秒）。",
    )
)

st.divider()
optimizer_compare.section(sc, state.reduction())
