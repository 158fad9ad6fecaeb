"""The Compare screen's sections, top to bottom: what to do when nothing is pinned, the actions on the baseline, a
run that cannot start, both loss curves, the final losses beside what differs, the trained parameters' difference.
``pages/5_Compare.py`` reads the baseline and the scenario, calls ``dnn`` (the runs through
``ui.session.training.run_scenario``, cached and within the work budget) and calls these in order (docs/design.md, "The
shape of a screen"); every number drawn here is one ``dnn`` returned. Runs are named by ``"baseline"`` and
``"current"``; the sections translate the names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import dnn
from dnn.optimizers import HYPERPARAMETERS
from ui.figures import figures_training as ft
from ui.session import state
from ui.session.training import Difference, Run, runs_table
from ui.text import not_finite
from ui.text.i18n import activation_label, output_label, pick, tr
from ui.widgets import optimizer_controls, teacher_view


def _label(who: str, lang: str) -> str:
    return pick(lang, "baseline", "基準") if who == "baseline" else pick(lang, "current", "現在")


def nothing_pinned() -> None:
    """What the screen does, and a button to pin the scenario as the baseline."""
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


def actions(base: dnn.Scenario) -> bool:
    """Pin again, load the baseline, unpin, and the log-scale toggle; returns whether the curves use a log scale."""
    cols = st.columns([1.3, 1.3, 1, 1], vertical_alignment="bottom")
    cols[0].button(
        tr("Pin the current scenario instead", "いまのシナリオを基準にし直す"),
        icon=":material/push_pin:",
        on_click=state.pin_baseline,
        key="compare_repin",
    )
    cols[1].button(
        tr("Load the baseline as the scenario", "基準をシナリオに読み込む"),
        icon=":material/restore:",
        on_click=state.set_scenario,
        args=(base,),
        key="compare_load",
        disabled=teacher_view.would_change_locked(base),
        help=tr("Undoable from the sidebar.", "サイドバーで元に戻せます。"),
    )
    cols[2].button(
        tr("Unpin", "固定を解除"), icon=":material/close:", on_click=state.clear_baseline, key="compare_clear"
    )
    return cols[3].toggle(tr("Log scale", "対数目盛"), key="compare_log", persist_state="session")


def not_finite_at_start(stuck: dict[str, dnn.NotFinite], lang: str) -> None:
    """Why a run has no curve and no trained parameters: its loss is not a finite number at step 0."""
    for who, nf in stuck.items():
        whose = (
            pick(lang, "the baseline", "基準")
            if who == "baseline"
            else pick(lang, "the current scenario", "現在のシナリオ")
        )
        st.error(not_finite.start_text(nf, lang, whose), icon=":material/error:")


def curves(trained: dict[str, Run], log_y: bool, lang: str) -> None:
    """Both loss curves, each from its own start; an overflow marked (and drawn on a log scale)."""
    styles = {"baseline": {"color": ft.BASELINE, "dash": "dash"}, "current": {"color": ft.CURRENT}}
    lines = [ft.Curve(_label(who, lang), run.history.loss, **styles[who]) for who, run in trained.items()]
    marks = [
        ft.Mark(run.history.last_step, float(run.history.loss[-1]), ft.BASELINE if who == "baseline" else ft.DIVERGED)
        for who, run in trained.items()
        if run.history.diverged_at is not None
    ]
    if not lines:
        return
    fig = ft.curves_figure(
        lines,
        lang,
        title=pick(
            lang, "Loss E: baseline and current, each from its own start", "誤差 E: 基準と現在（それぞれの初期値から）"
        ),
        y_title=pick(lang, "loss E", "誤差 E"),
        log_y=log_y or bool(marks),  # an overflowing loss needs a log scale
        marks=marks,
    )
    st.plotly_chart(fig, key="compare_curves")


def finals_and_differences(
    base: dnn.Scenario, base_run: Run, cur: dnn.Scenario, cur_run: Run, diffs: list[Difference], lang: str
) -> None:
    """The final losses of both runs beside every value that differs, in the scenario's words."""
    labels = (_label("baseline", lang), _label("current", lang))
    table_col, diff_col = st.columns([1, 1.2])
    with table_col:
        st.markdown(f"**{tr('Final losses', '最終の誤差')}**")
        st.dataframe(runs_table({labels[0]: (base, base_run), labels[1]: (cur, cur_run)}, lang))
    with diff_col:
        st.markdown(f"**{tr('What differs', '違う値')}**")
        if not diffs:
            st.success(
                tr("The current scenario is the same as the baseline.", "現在のシナリオは基準と同じです。"),
                icon=":material/check:",
            )
            return
        # What a learner reads: the scenario's words, not the link's keys (lr, hidden, ...), and the activations'
        # names in the course's words.
        names = {
            "lr": pick(lang, "learning rate η", "学習率 η"),
            "steps": pick(lang, "steps", "ステップ数"),
            "hidden": pick(lang, "hidden activation", "中間層の活性化関数"),
            "output": pick(lang, "output layer / loss", "出力層 / 誤差関数"),
            "x": pick(lang, "input x", "入力 x"),
            "d": pick(lang, "target d", "目標出力 d"),
            "opt": pick(lang, "update rule", "更新則"),
            **{k: pick(lang, hp.en, hp.ja) for k, hp in HYPERPARAMETERS.items()},
        }
        values = {"hidden": activation_label, "output": output_label, "opt": optimizer_controls.name}

        def shown(what: str, value: str) -> str:
            return values[what](value, lang) if what in values else value

        st.dataframe(
            pd.DataFrame(
                [
                    (names.get(d.what, d.what), d.where, shown(d.what, d.baseline), shown(d.what, d.current))
                    for d in diffs
                ],
                columns=[pick(lang, "value", "値"), pick(lang, "cell", "位置"), labels[0], labels[1]],
            ),
            hide_index=True,
        )
        st.caption(
            tr(
                "Cells are counted from 1: W1[1, 2] is row x1, column h2.",
                "位置は 1 から数えます: W1[1, 2] は x1 行 h2 列。",
            )
        )


def trained_parameters(
    param_diffs: dict[str, np.ndarray] | None, base_run: Run, cur_run: Run, both_trained: bool, lang: str
) -> None:
    """current − baseline of every trained parameter as heatmaps, or why there is no such difference."""
    st.subheader(tr("Trained parameters: current − baseline", "学習後のパラメータ: 現在 − 基準"))
    if not both_trained:
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
                f"学習後（基準: {base_run.history.last_step:,} ステップ、"
                f"現在: {cur_run.history.last_step:,} ステップ）。青: 現在の方が大きい、オレンジ: 小さい、白: 同じ。",
            )
        )
        cols = st.columns(2)
        for i, name in enumerate(("W1", "W2", "b1", "b2")):
            cols[i % 2].plotly_chart(ft.difference_figure(name, param_diffs[name], lang), key=f"compare_diff_{name}")
