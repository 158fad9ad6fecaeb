"""Compare the update rules on the current scenario (the Sweep screen's last section): all five rules' loss curves
in one chart, each at its own η, and one learning-rate sweep per rule (final loss against η, a line each). Every
number comes from ``dnn.sweep`` (through the cached ``ui.session.training`` sweeps)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import dnn
from dnn.optimizers import OPTIMIZERS, check_optimizer
from ui.figures import figures_training as ft
from ui.session.training import sweep_scenario, sweep_steps
from ui.text.i18n import current_lang, ja_join, pick, tr
from ui.widgets.editors import kept_number
from ui.widgets.number_box import NumberRule
from ui.widgets.optimizer_controls import name

COLORS = {"sgd": "#1f77b4", "momentum": "#ff7f0e", "adagrad": "#2ca02c", "rmsprop": "#9467bd", "adam": "#d62728"}
SWEEP_LOW, SWEEP_HIGH, SWEEP_COUNT = 1e-4, 10.0, 11  # the η range every rule is swept over: 10⁻⁴ … 10
TOGGLE_KEY = "compare_rules_on"
FRACTION = 0.1  # a run "works" when it ends at or below a tenth of the loss it started from


def rule_scenario(sc: dnn.Scenario, optimizer: str) -> dnn.Scenario:
    """The scenario trained with ``optimizer``: the scenario's own settings for its own rule, else the defaults."""
    return sc if optimizer == sc.optimizer else sc.replace(optimizer=optimizer, settings=check_optimizer(optimizer))


def curves_figure(curves: dict[str, np.ndarray], lrs: dict[str, float], lang: str, log_y: bool) -> go.Figure:
    """One loss curve per rule (a run that overflowed ends at its last finite step)."""
    lines = []
    for rule, row in curves.items():
        finite = np.isfinite(row)
        end = row.size if finite.all() else int(np.argmin(finite))
        lines.append(ft.Curve(f"{name(rule, lang)}, η = {ft.lr_label(lrs[rule])}", row[:end], color=COLORS[rule]))
    return ft.curves_figure(
        lines,
        lang,
        title=pick(lang, "Loss E with each update rule", "更新則ごとの誤差 E"),
        y_title=pick(lang, "loss E", "誤差 E"),
        log_y=log_y,
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
    )


def final_figure(lrs: np.ndarray, finals: dict[str, np.ndarray], lang: str) -> go.Figure:
    """Final loss against η, both on log scales, one line per rule; a run that overflowed is left out (a gap). A
    loss at or below ``ft.LOG_FLOOR`` (the course's cross-entropy reaches −1e-7) is drawn there; hover shows it."""
    fig = go.Figure()
    for rule, final in finals.items():
        fig.add_trace(
            go.Scatter(
                x=lrs,
                y=np.where(final > ft.LOG_FLOOR, final, ft.LOG_FLOOR),
                customdata=final,
                name=name(rule, lang),
                mode="lines+markers",
                line={"color": COLORS[rule], "width": 2},
                hovertemplate=f"{name(rule, lang)}<br>η = %{{x:.3g}}<br>E = %{{customdata:.6g}}<extra></extra>",
            )
        )
    if any(np.any(final <= ft.LOG_FLOOR) for final in finals.values()):
        # Runs that reached the floor are drawn on it: say so on the chart, not only in the caption below it.
        fig.add_hline(y=ft.LOG_FLOOR, line={"color": "#888", "width": 1, "dash": "dot"})
        fig.add_annotation(
            text=pick(lang, "E ≤ 10⁻⁹ is drawn on this line", "E ≤ 10⁻⁹ はこの線上に描きます"),
            xref="paper",
            x=0,
            xanchor="left",
            y=math.log10(ft.LOG_FLOOR),  # a log axis places annotations by the exponent
            yanchor="bottom",
            showarrow=False,
            font={"size": 11, "color": "#555"},
        )
    fig.update_layout(
        title=pick(lang, "Final loss E against the learning rate η", "学習率 η と最終の誤差 E"),
        xaxis={
            "title": pick(lang, "learning rate η", "学習率 η"),
            "type": "log",
            "exponentformat": "power",
            "dtick": 1,
        },
        yaxis={"title": pick(lang, "final loss E", "最終の誤差 E"), "type": "log", "exponentformat": "power"},
        height=ft.CHART_HEIGHT,
        margin={"l": 10, "r": 10, "t": 44, "b": 10},
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        plot_bgcolor="white",
    )
    return fig


def section(sc: dnn.Scenario, reduction: str) -> None:
    """The whole comparison, drawn on the current screen (in a container of its own, ``compare_rules``)."""
    with st.container(key="compare_rules"):
        _section(sc, reduction)


def _section(sc: dnn.Scenario, reduction: str) -> None:
    lang = current_lang()
    st.subheader(tr("Compare the update rules", "更新則（最適化手法）を比べる"))
    shown = st.toggle(
        tr("Train the scenario with all five update rules", "シナリオを 5 つの更新則すべてで学習する"),
        key=TOGGLE_KEY,
        persist_state="session",
        help=tr(
            "Off by default: it trains the scenario about sixty more times (five rules, and eleven learning rates "
            "for each).",
            "既定ではオフです。シナリオをさらに約 60 回学習させます（5 つの更新則と、それぞれ 11 個の学習率）。",
        ),
    )
    if not shown:
        return
    st.caption(
        tr(
            "The same network and data trained with each of the course's update rules. The scenario's own rule, "
            f"{name(sc.optimizer, 'en')}, keeps its η and settings; every other rule starts at the course's "
            "default η and settings. Change any rule's η in its box.",
            ja_join(
                "同じネットワークとデータを、講座の各更新則で学習させます。シナリオの更新則",
                name(sc.optimizer, "ja"),
                "はその η と設定のまま、ほかの更新則は講座の既定の η と設定で始まります。各更新則の η は下の欄で"
                "変えられます。",
            ),
        )
    )
    cols = st.columns(len(OPTIMIZERS), vertical_alignment="bottom")  # a label on two lines keeps the boxes in line
    lrs: dict[str, float] = {}
    for col, rule in zip(cols, OPTIMIZERS, strict=True):
        default = sc.lr if rule == sc.optimizer else OPTIMIZERS[rule].default_lr
        box = NumberRule(f"η: {name(rule, 'en')}", f"η: {name(rule, 'ja')}", lo=1e-8, hi=float(dnn.LIMITS["max_lr"]))
        with col:  # a new scenario η or rule: fresh boxes
            lrs[rule] = kept_number(box, float(default), f"compare_rule_lr_{rule}_{sc.optimizer}_{sc.lr!r}")
    steps = sweep_steps(sc.steps, len(OPTIMIZERS) * SWEEP_COUNT)
    runs = {rule: sweep_scenario(rule_scenario(sc, rule), np.array([lrs[rule]]), sc.steps, reduction) for rule in lrs}
    if any(res is None for res in runs.values()):  # over the budget: its refusal is shown, nothing was trained
        return
    curves = {rule: res.losses[0] for rule, res in runs.items()}
    log_y = not ft.below_log_floor(np.concatenate(list(curves.values())))
    st.plotly_chart(curves_figure(curves, lrs, lang, log_y), key="compare_rules_curves")

    sweep_lrs = dnn.log_spaced(SWEEP_LOW, SWEEP_HIGH, SWEEP_COUNT)
    swept = {rule: sweep_scenario(rule_scenario(sc, rule), sweep_lrs, steps, reduction) for rule in OPTIMIZERS}
    results = {rule: res for rule, res in swept.items() if res is not None}
    if len(results) < len(swept):
        return
    finals = {}
    for rule, res in results.items():
        finals[rule] = np.where([k is None for k in res.diverged], res.final, np.nan)
    st.plotly_chart(final_figure(sweep_lrs, finals, lang), key="compare_rules_final")
    rows = []
    for rule, res in results.items():
        works = dnn.working_rates(res.lrs, res.losses, FRACTION)
        span = "—" if works.count == 0 else f"{ft.lr_label(works.low)} … {ft.lr_label(works.high)}"
        rows.append(
            {
                pick(lang, "update rule", "更新則"): name(rule, lang),
                pick(lang, "η that work", "うまくいく η"): f"{works.count} / {works.total}",
                pick(lang, "from … to", "範囲"): span,
            }
        )
    st.dataframe(rows, hide_index=True)
    target = dnn.working_rates(sweep_lrs, results["sgd"].losses, FRACTION).target
    st.caption(
        tr(
            f"Each rule trained {steps:,} steps with {SWEEP_COUNT} learning rates from {SWEEP_LOW:g} to "
            f"{SWEEP_HIGH:g}. An η “works” when its run ends at or below a tenth of the starting loss "
            f"(E ≤ {target:.4g}) without overflowing; a gap in a line is a run that overflowed, and a loss at or "
            "below 10⁻⁹ is drawn at 10⁻⁹ (hover for the value). The rule that works over the widest range of η is "
            "the least sensitive to it.",
            f"各更新則を {SWEEP_LOW:g} から {SWEEP_HIGH:g} までの {SWEEP_COUNT} 個の学習率で {steps:,} ステップ"
            f"学習させました。オーバーフローせず、最初の誤差の 10 分の 1 以下（E ≤ {target:.4g}）で終わった η を"
            "「うまくいく」としています。線の切れ目はオーバーフローした学習、10⁻⁹ 以下の誤差は 10⁻⁹ の位置に"
            "描いています（値はマウスで表示）。うまくいく η の範囲がいちばん広い更新則が、η の選び方にいちばん"
            "左右されにくい手法です。",
        )
    )
