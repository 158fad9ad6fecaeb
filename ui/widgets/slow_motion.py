"""One SGD step in slow motion on the network diagram (Backprop screen): the forward values, then δ2, then δ1, then
the update, one phase at a time with Next / Back. Every number comes from ``dnn`` (forward, backward, sgd_step);
the phase is kept by ``ui.session.state``."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import plotly.graph_objects as go
import streamlit as st

import dnn
from ui.figures.figures_network import NEGATIVE, POSITIVE, ZERO, edge_width, network_diagram
from ui.figures.figures_play import PrebuiltFigure
from ui.session import state
from ui.session.cached import content_key
from ui.text.i18n import current_lang, ja_join, output_label, pick, tr

PHASES: tuple[tuple[str, str], ...] = (
    ("1. Forward pass", "1. 順伝播"),
    ("2. δ2 at the output layer", "2. 出力層の δ2"),
    ("3. δ1 at the hidden layer", "3. 中間層の δ1"),
    ("4. The update", "4. 更新"),
)
DIM = "#D5DBE1"  # edges that take no part in a phase
BACK = "#CC79A7"  # edges that carry δ2 back to the hidden layer


def _short(v: float) -> str:
    return f"{v:.4g}"


def phase_figure(
    net: dnn.Network,
    x: np.ndarray,
    d: np.ndarray,
    lr: float,
    reduction: str,
    phase: int,
    lang: str,
    sample: int = 0,
) -> go.Figure:
    """The network diagram at one phase of an SGD step, for sample ``sample``'s values.

    0: the forward pass (nodes x, z1, y; edges the weights). 1: output nodes show δ2 = ∂E/∂u2, the W2 edges lead
    to them. 2: hidden nodes show δ1 = ∂E/∂u1, δ2 travels back along W2. 3: every edge as wide as its partial
    derivative ∂E/∂w, coloured by the direction the step moves the weight; hover gives w, ∂E/∂w and the new w."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    fwd = dnn.forward(net, x)
    grads = dnn.backward(net, x, d, reduction)
    loss = dnn.claims.loss_symbol(reduction, len(x))  # the gradients drawn are those of E or of E_sum
    fig = network_diagram(net, fwd, grads, lang, x=x, sample=sample, loss=loss)
    nodes = {t.meta["layer"]: t for t in fig.data if t.meta and t.meta.get("kind") == "nodes"}
    edges = [t for t in fig.data if t.meta and t.meta.get("kind") == "edge"]
    if phase == 1 or phase == 2:
        out_text = [f"<b>y{k + 1}</b><br>δ2={_short(v)}" for k, v in enumerate(grads.delta2[sample])]
        nodes["y"].text = out_text
    if phase == 2:
        nodes["h"].text = [f"<b>h{j + 1}</b><br>δ1={_short(v)}" for j, v in enumerate(grads.delta1[sample])]
    if phase in (1, 2):
        for t in edges:
            on = t.meta["param"] == "W2"
            t.line.color = (BACK if phase == 2 else t.line.color) if on else DIM
            if phase == 2 and on:
                t.line.dash = "dot"
    if phase == 3:
        new = dnn.sgd_step(net, grads, lr)
        g_max = float(max(np.abs(grads.W1).max(), np.abs(grads.W2).max()))
        for t in edges:
            p, i, j = t.meta["param"], t.meta["i"], t.meta["j"]
            g = float(getattr(grads, p)[i, j])
            t.line.color = POSITIVE if g < 0 else NEGATIVE if g > 0 else ZERO  # the step moves w by −η·g
            t.line.width = edge_width(g, g_max)
        nodes["h"].text = [f"<b>h{j + 1}</b><br>b1→{_short(v)}" for j, v in enumerate(new.b1)]
        nodes["y"].text = [f"<b>y{k + 1}</b><br>b2→{_short(v)}" for k, v in enumerate(new.b2)]
        hover = next(t for t in fig.data if t.meta and t.meta.get("kind") == "edge_hover")
        texts = []
        for p, W in (("W1", net.W1), ("W2", net.W2)):
            G, N = getattr(grads, p), getattr(new, p)
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    text = (
                        f"{p}[{i + 1},{j + 1}]: {pick(lang, 'weight', '重み')} {W[i, j]:.6g}"
                        f"<br>∂{loss}/∂w = {G[i, j]:.6g}<br>w − η·∂{loss}/∂w = {N[i, j]:.6g}"
                    )
                    texts += [text] * 3  # the hover trace has three points per edge
        hover.hovertext = texts
    fig.update_layout(showlegend=phase in (0, 3))
    if phase == 3:
        for t, (en, ja) in zip(
            (t for t in fig.data if t.meta and t.meta.get("kind") == "legend"),
            (
                (f"w grows (∂{loss}/∂w < 0)", f"w が増える（∂{loss}/∂w < 0）"),
                (f"w shrinks (∂{loss}/∂w > 0)", f"w が減る（∂{loss}/∂w > 0）"),
            ),
            strict=True,
        ):
            t.name = pick(lang, en, ja)
    return fig


def phase_text(
    phase: int, reduction: str, n: int, lr: float, lang: str, output: str = "softmax", optimizer: str = "sgd"
) -> str:
    """What the phase computes, in the course's notation (true for every hidden activation and output layer): the
    gradient of E, or of E_sum = Σₙ Eₙ with the notebook's sum over several samples; the update is SGD's, which the
    text says when the scenario's own rule (``optimizer``) is another."""
    from ui.widgets.optimizer_controls import name as rule_name

    loss = dnn.claims.loss_symbol(reduction, n)
    per = (
        pick(lang, f", divided by N = {n} (mean)", f" を N = {n} で割ったもの（平均）")
        if reduction == "mean" and n > 1
        else ""
    )
    y_of_u2 = {"softmax": "softmax(u2)", "sigmoid": "σ(u2)", "identity": "u2"}.get(output, f"{output}(u2)")
    rule_en = rule_ja = ""
    if optimizer != "sgd":
        rule = rule_name(optimizer, lang)
        rule_en = f" This is SGD's step, the notebook's; the scenario's own rule, {rule}, is written out below."
        rule_ja = ja_join(
            "これはノートブックと同じ SGD のステップです。シナリオの更新則", rule, "は下で式を書き出しています。"
        )
    texts = (
        pick(
            lang,
            f"u1 = x·W1 + b1, z1 = f(u1), u2 = z1·W2 + b2, y = {y_of_u2}. Each node shows its output for this "
            "sample; each edge its weight (blue positive, orange negative, thicker = larger |w|).",
            f"u1 = x·W1 + b1、z1 = f(u1)、u2 = z1·W2 + b2、y = {y_of_u2}。ノードはこのサンプルの出力、辺は重み"
            "（青は正、オレンジは負、太いほど |w| が大きい）。",
        ),
        delta_text(loss, per, output, lang),
        pick(
            lang,
            "δ1 = (δ2·W2ᵀ) ⊙ f′(u1): δ2 travels back along the W2 edges (dotted), each hidden unit adds up what "
            "reaches it and multiplies by the slope of its activation function at its total input.",
            "δ1 = (δ2·W2ᵀ) ⊙ f′(u1): δ2 が W2 の辺（点線）を逆向きにたどり、各中間層ユニットは届いた値を足し合わせて、"
            "総入力での活性化関数の傾きを掛けます。",
        ),
        pick(
            lang,
            f"∂{loss}/∂W2 = z1ᵀ·δ2, ∂{loss}/∂W1 = xᵀ·δ1 (over all samples), ∂{loss}/∂b = the sum of δ over the "
            f"samples; then every parameter moves by −η·∂{loss}/∂w with η = {lr:g}. Edge width: |∂{loss}/∂w|; "
            f"blue: the weight grows, orange: it shrinks. Nodes show the new biases; hover an edge for w, ∂{loss}/∂w "
            f"and the new w.{rule_en}",
            f"∂{loss}/∂W2 = z1ᵀ·δ2、∂{loss}/∂W1 = xᵀ·δ1（全サンプル）、∂{loss}/∂b は δ のサンプルについての和。"
            f"各パラメータは −η·∂{loss}/∂w だけ動きます（η = {lr:g}）。辺の太さは |∂{loss}/∂w|、青は重みが増え、"
            f"オレンジは減ります。ノードは新しいバイアス。辺にマウスを乗せると w・∂{loss}/∂w・新しい w が"
            f"見られます。{rule_ja}",
        ),
    )
    return texts[phase]


def delta_text(loss: str, per: str, output: str, lang: str) -> str:
    """Phase 2's sentence: δ2 = y − d (``per``: its division by N) for the three output layers whose activation and
    loss combine into y − d (``dnn.claims.shortcut_condition``); for an output layer registered at run time, the
    general ∂E/∂u2 and the delta registered with the entry, which need not be y − d."""
    if dnn.claims.shortcut_condition(output) == "registered":
        name = output_label(output, lang)
        return pick(
            lang,
            f"δ2 = ∂{loss}/∂u2{per}: how the loss changes with each output unit's total input. This output layer, "
            f"{name}, was registered with its own delta ∂E_n/∂u2 = ∂E_n/∂y · ∂y/∂u2 for one sample, and backprop "
            "uses that one: it need not be y − d.",
            f"δ2 = ∂{loss}/∂u2{per}: 各出力ユニットの総入力が変わると誤差がどう変わるか。この出力層「{name}」は"
            "1 サンプルのデルタ ∂E_n/∂u2 = ∂E_n/∂y · ∂y/∂u2 とともに登録されていて、誤差逆伝播はそれを使います。"
            "y − d になるとは限りません。",
        )
    return pick(
        lang,
        f"δ2 = ∂{loss}/∂u2 = y − d{per}: how the loss changes with each output unit's total input. For every "
        "output layer offered here (softmax, sigmoid, identity with its own loss) the derivative of the "
        "activation and of the loss combine into y − d.",
        f"δ2 = ∂{loss}/∂u2 = y − d{per}: 各出力ユニットの総入力が変わると誤差がどう変わるか。ここで選べる出力層"
        "（softmax・シグモイド関数・恒等関数とそれぞれの誤差関数）では、活性化関数と誤差関数の微分を合わせると"
        " y − d になります。",
    )


def slow_motion_section(sc: dnn.Scenario, reduction: str) -> None:
    """One SGD step of the scenario, phase by phase, with Next / Back."""
    lang = current_lang()
    phase = state.slow_motion_phase()
    st.subheader(tr("One step in slow motion", "1 ステップをスローモーションで"))
    back, label, forward = st.columns([1, 3, 1], vertical_alignment="center")
    back.button(
        tr("Back", "戻る"),
        icon=":material/skip_previous:",
        key="slowmo_back",
        disabled=phase == 0,
        on_click=state.set_slow_motion_phase,
        args=(phase - 1,),
        width="stretch",
    )
    label.markdown(f"**{pick(lang, *PHASES[phase])}**")
    forward.button(
        tr("Next", "次へ"),
        icon=":material/skip_next:",
        key="slowmo_next",
        disabled=phase == len(PHASES) - 1,
        on_click=state.set_slow_motion_phase,
        args=(phase + 1,),
        width="stretch",
    )
    sample = 0
    if len(sc.x) > 1:
        sample = st.selectbox(
            tr("Sample shown on the nodes", "ノードに表示するサンプル"),
            range(len(sc.x)),
            format_func=lambda i: pick(lang, f"sample {i + 1}", f"サンプル{i + 1}"),
            key=state.translated_key(f"slowmo_sample_{len(sc.x)}"),
        )
    st.caption(phase_text(phase, reduction, len(sc.x), sc.lr, lang, sc.network.output, sc.optimizer))
    fig = _drawn_phase(sc.network, sc.x, sc.d, sc.lr, reduction, phase, lang, sample)
    st.plotly_chart(fig, config={"displayModeBar": False}, key="slowmo_diagram")


# Phase figures as plotly.js reads them, by everything that changes them: Backprop draws one on every rerun, and
# building it (30-40 ms of plotly's checks) was a tenth of the screen's server time. ~20 KB each.
_PHASES_DRAWN: OrderedDict[str, dict] = OrderedDict()
_PHASES_KEPT = 256
_phases_lock = threading.Lock()


def _drawn_phase(
    net: dnn.Network, x: np.ndarray, d: np.ndarray, lr: float, reduction: str, phase: int, lang: str, sample: int
) -> PrebuiltFigure:
    """``phase_figure``, built once per scenario, phase, language and sample, and handed to Streamlit as is."""
    key = content_key(net, x, d, lr, reduction, phase, lang, sample)
    with _phases_lock:
        drawn = _PHASES_DRAWN.get(key)
        if drawn is not None:
            _PHASES_DRAWN.move_to_end(key)
    if drawn is None:
        drawn = phase_figure(net, x, d, lr, reduction, phase, lang, sample).to_plotly_json()
        with _phases_lock:
            _PHASES_DRAWN[key] = drawn
            while len(_PHASES_DRAWN) > _PHASES_KEPT:
                _PHASES_DRAWN.popitem(last=False)
    return PrebuiltFigure(drawn)
