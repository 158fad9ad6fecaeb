"""The Learning-rate sweep screen's sections, top to bottom: the intro, the sweep's controls, the curves or the
heatmap, the final loss against η with the choice of an η for the scenario, every run as a table (the update rules
compared after them are ``ui/widgets/optimizer_compare.py``'s). ``pages/4_Sweep.py`` reads the scenario, calls ``dnn``
(through ``ui.session.training.sweep_scenario``, cached and within the work budget) and calls these in order
(docs/design.md, "The shape of a screen"); every number drawn here is one ``dnn`` returned."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import dnn
from ui.figures import figures_training as ft
from ui.session import state
from ui.session.training import MAX_SWEEP_RUNS, SweepResult, sweep_table
from ui.text import explain, not_finite
from ui.text.i18n import pick, tr
from ui.widgets import teacher_view
from ui.widgets.editors import kept_number, kept_value
from ui.widgets.number_box import NumberRule, box_text

_LOW, _HIGH = "sweep_low", "sweep_high"  # the range's boxes, kept for the session


def intro(start: dnn.NotFinite | None, lang: str) -> None:
    """What a sweep is, and why there is none when the loss is not finite at the start."""
    st.caption(
        tr(
            "The same network and data trained with many learning rates η, spaced evenly on a log scale, all at "
            "once. Too small an η barely moves; too large a one jumps or overflows. Pick the one you like for the "
            "scenario.",
            "同じネットワークとデータを、対数目盛で等間隔に並べた多くの学習率 η で同時に学習させます。η が小さすぎると"
            "ほとんど進まず、大きすぎると跳ねたりオーバーフローしたりします。気に入った η をシナリオに使えます。",
        )
    )
    if start:  # every run would stop before its first step
        st.error(not_finite.start_text(start, lang), icon=":material/error:")


@dataclass(frozen=True)
class Controls:
    """What the learner chose: the smallest and largest η, how many, and a log scale for the curves."""

    low: float
    high: float
    count: int
    log_y: bool


def controls(default_low: float, default_high: float) -> Controls:
    """The range of η (defaults: ``default_low``, ``default_high``), the number of runs and the log-scale toggle,
    kept for the session."""
    lo_col, hi_col, n_col, log_col = st.columns([1, 1, 1.4, 0.8], vertical_alignment="bottom")
    max_lr = float(dnn.LIMITS["max_lr"])
    low_rule = NumberRule("Smallest η", "最小の η", lo=1e-8, hi=max_lr)
    high_rule = NumberRule("Largest η", "最大の η", lo=1e-8, hi=max_lr)

    def below_high(low: float) -> tuple[str, str] | None:
        high = kept_value(_HIGH, default_high)
        if low < high:
            return None
        shown, limit = box_text(low), box_text(high)
        return (
            f"Smallest η: {shown} is not below the largest η, {limit}",
            f"最小の η: {shown} は最大の η（{limit}）より小さくしてください",
        )

    def above_low(high: float) -> tuple[str, str] | None:
        low = kept_value(_LOW, default_low)
        if high > low:
            return None
        shown, limit = box_text(high), box_text(low)
        return (
            f"Largest η: {shown} is not above the smallest η, {limit}",
            f"最大の η: {shown} は最小の η（{limit}）より大きくしてください",
        )

    with lo_col:
        low = kept_number(low_rule, default_low, _LOW, check=below_high)
    with hi_col:
        high = kept_number(high_rule, default_high, _HIGH, check=above_low)
    count = n_col.slider(
        tr("Number of learning rates", "学習率の数"), 2, MAX_SWEEP_RUNS, 9, key="sweep_count", persist_state="session"
    )
    log_y = log_col.toggle(tr("Log scale", "対数目盛"), value=True, key="sweep_log", persist_state="session")
    return Controls(low, high, count, log_y)


def shortened(steps: int, scenario_steps: int, count: int) -> None:
    """Say so when each run trains fewer steps than the scenario's, to keep ``count`` runs light."""
    if steps < scenario_steps:
        st.info(
            tr(
                f"Each run trains {steps:,} of the scenario's {scenario_steps:,} steps, so that {count} runs stay "
                "light; fewer learning rates allow longer runs.",
                f"{count} 本の学習を軽く保つため、各学習はシナリオの {scenario_steps:,} ステップのうち {steps:,} "
                "ステップです。学習率を減らすと長く学習できます。",
            )
        )


def curves(res: SweepResult, count: int, log_y: bool, output: str, n_out: int, lang: str) -> None:
    """Every run's loss curve (up to 16 runs) or a step × η heatmap, and what happens to losses a log scale cannot
    show."""
    if count <= 16:
        st.plotly_chart(ft.sweep_curves_figure(res.lrs, res.losses, lang, log_y=log_y), key="sweep_curves")
    else:
        st.plotly_chart(ft.sweep_heatmap_figure(res.lrs, res.losses, lang), key="sweep_heatmap")
        st.caption(
            tr(
                "Each row is one learning rate, each column a range of steps coloured by the largest loss in it (so "
                "no spike hides). Empty cells: the run had overflowed.",
                "各行が 1 つの学習率、各列がステップの区間で、その中の最大の誤差で色を付けています"
                "（跳ねも隠れません）。空白はオーバーフローした後です。",
            )
        )
    if ft.below_log_floor(res.losses):
        below_zero = explain.loss_below_zero_note(output, n_out, lang)
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


def final_losses(res: SweepResult, sc: dnn.Scenario, chosen: Controls, lang: str) -> None:
    """The final loss against η; a click on a point, or the menu under it, picks an η (the best run by default:
    the lowest final loss among those that did not overflow) and a button makes it the scenario's."""
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
    pick_key = f"sweep_pick_{chosen.count}_{chosen.low:.6g}_{chosen.high:.6g}"
    state.set_widget_value(pick_key, res.best, keep_existing=True)  # not index=: a click below may set it too
    points = clicked.selection.points if clicked and clicked.selection else []
    if points:
        state.set_widget_value(pick_key, dnn.nearest_run(res.lrs, float(points[0]["x"])))

    def describe(i: int) -> str:
        k = res.diverged[i]
        tail = (
            pick(lang, f"overflowed at step {k:,}", f"ステップ {k:,} でオーバーフロー")
            if k is not None
            else pick(lang, f"final E = {res.final[i]:.4g}", f"最終の誤差 E = {res.final[i]:.4g}")
        )
        return f"η = {res.lrs[i]:.4g} — {tail}"

    choice_col, button_col = st.columns([2, 1], vertical_alignment="bottom")
    run = choice_col.selectbox(
        tr("Learning rate for the scenario", "シナリオに使う学習率"),
        range(len(res.lrs)),
        format_func=describe,
        key=pick_key,
    )
    button_col.button(
        tr(f"Use η = {res.lrs[run]:.4g}", f"η = {res.lrs[run]:.4g} を使う"),
        icon=":material/check:",
        on_click=state.set_scenario,
        args=(sc.replace(lr=float(res.lrs[run])),),
        key="sweep_use",
        type="primary",
        disabled=state.is_locked("lr"),
    )
    teacher_view.locked_caption("lr")


def runs_table(res: SweepResult, count: int, steps: int, lang: str) -> None:
    """Every run as a table, and how long the whole sweep took."""
    with st.expander(tr("Every run as a table", "すべての学習を表で")):
        st.dataframe(sweep_table(res, lang), hide_index=True)
    st.caption(
        tr(
            f"{count} runs × {steps:,} steps trained together in {res.seconds:.2f} s.",
            f"{count} 本 × {steps:,} ステップをまとめて同時に学習しました（{res.seconds:.2f} 秒）。",
        )
    )
