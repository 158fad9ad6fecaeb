"""One step of an update rule other than SGD, with its numbers: the rule's state (Momentum's v, AdaGrad's and
RMSProp's h, Adam's m and v) before and after, and the move of every parameter. The numbers are
``dnn.step_report``'s; SGD's own step is ``explain.sgd_blocks`` (the notebook's line)."""

from __future__ import annotations

import numpy as np

import dnn
from ui.figures.heatmaps import num
from ui.text.explain import Block, Metric, loss_change_metrics
from ui.text.i18n import pick
from ui.text.tex import SGD_COLS, equation, mat, sym, tex_num

PARAMS = ("W1", "b1", "W2", "b2")

_SYMBOL_TEX = {"momentum": r"\alpha", "decay": r"\rho", "beta1": r"\beta_1", "beta2": r"\beta_2"}
SYMBOLS = {"momentum": "α", "decay": "ρ", "beta1": "β1", "beta2": "β2"}  # the settings as the course writes them


def _intro(
    step: dnn.StepReport,
    lr: float,
    settings: dict[str, float],
    lang: str,
    k: int | None,
    loss: str = "E",
    sample: int | None = None,
) -> str:
    name = {"momentum": "Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}[step.optimizer]
    shown = ", ".join(f"{SYMBOLS.get(s, s)} = {num(v, 6)}" for s, v in settings.items())
    t = step.state_after.t
    when_en = (
        "This is the first step (t = 1): the rule's state starts at 0."
        if k is None or t == 1
        else f"This is step t = {t:,} of the run, from the rule's state after {t - 1:,} steps."
    )
    when_ja = (
        "これは最初のステップ（t = 1）で、状態は 0 から始まります。"
        if k is None or t == 1
        else f"これは学習のステップ t = {t:,} で、{t - 1:,} ステップ後の状態から進みます。"
    )
    settings_en = f" ({shown})" if shown else ""
    settings_ja = f"（{shown}）" if shown else ""
    drawn_en = drawn_ja = ""
    if sample is not None:  # one random sample per step: this step learns from that sample alone
        drawn_en = f" This step learns from sample #{sample + 1} alone: g and the loss E below are that sample's."
        drawn_ja = f"このステップはサンプル #{sample + 1} だけから学習します: g と下の誤差 E はそのサンプルのものです。"
    return pick(
        lang,
        f"**{name}**{settings_en}, learning rate η = {num(lr, 6)}. Each parameter W keeps its own state and moves "
        f"by the rule below, where g = ∂{loss}/∂W is its partial derivative from backprop. {when_en}{drawn_en}",
        f"**{name}**{settings_ja}、学習率 η = {num(lr, 6)}。各パラメータ W はそれぞれ自分の状態を持ち、下の式で"
        f"動きます（g = ∂{loss}/∂W は誤差逆伝播で求めた偏微分）。{when_ja}{drawn_ja}",
    )


def _slot_lines(step: dnn.StepReport, key: str, s: str, g: np.ndarray, settings: dict[str, float]) -> list[str]:
    """The update of the rule's state of parameter ``key`` (LaTeX ``s``), with its numbers."""
    before, after = step.state_before.slots, step.state_after.slots
    grad = mat(g, max_cols=SGD_COLS)
    lines = []
    if step.optimizer == "momentum":
        a = tex_num(settings["momentum"], 6)
        lhs = sym(rf"v_{{{s}}} \leftarrow \alpha\,v_{{{s}}} - \eta\,g", 12)
        terms = [
            sym(f"= {a}", 1 + len(a)) + mat(before["v"][key], max_cols=SGD_COLS),
            sym(rf"- {tex_num(step.step_size, 6)}\,", 8) + grad,
            sym("=", 1) + mat(after["v"][key], 7, max_cols=SGD_COLS),
        ]
        lines.append(equation(lhs, terms))
    elif step.optimizer == "adagrad":
        lhs = sym(rf"h_{{{s}}} \leftarrow h_{{{s}}} + g \odot g", 12)
        terms = [
            sym("=", 1) + mat(before["h"][key], max_cols=SGD_COLS),
            sym("+", 1) + grad + sym(r"^{\odot 2}", 2),
            sym("=", 1) + mat(after["h"][key], 7, max_cols=SGD_COLS),
        ]
        lines.append(equation(lhs, terms))
    elif step.optimizer == "rmsprop":
        rho = settings["decay"]
        lhs = sym(rf"h_{{{s}}} \leftarrow \rho\,h_{{{s}}} + (1-\rho)\,g \odot g", 18)
        terms = [
            sym(f"= {tex_num(rho, 6)}", 7) + mat(before["h"][key], max_cols=SGD_COLS),
            sym(f"+ {tex_num(1 - rho, 6)}", 7) + grad + sym(r"^{\odot 2}", 2),
            sym("=", 1) + mat(after["h"][key], 7, max_cols=SGD_COLS),
        ]
        lines.append(equation(lhs, terms))
    else:  # adam
        for slot, beta, power in (("m", "beta1", ""), ("v", "beta2", r"^{\odot 2}")):
            b = settings[beta]
            g_term = r"g \odot g" if power else "g"
            lhs = sym(
                rf"{slot}_{{{s}}} \leftarrow {_SYMBOL_TEX[beta]}\,{slot}_{{{s}}} + (1-{_SYMBOL_TEX[beta]})\,{g_term}",
                20,
            )
            terms = [
                sym(f"= {tex_num(b, 6)}", 7) + mat(before[slot][key], max_cols=SGD_COLS),
                sym(f"+ {tex_num(1 - b, 6)}", 7) + grad + sym(power, 2 if power else 0),
                sym("=", 1) + mat(after[slot][key], 7, max_cols=SGD_COLS),
            ]
            lines.append(equation(lhs, terms))
    return lines


def _move_line(step: dnn.StepReport, key: str, s: str, w: np.ndarray) -> str:
    """The move of parameter ``key`` itself, with its numbers."""
    after = mat(step.params_after[key], 7, max_cols=SGD_COLS)
    direction = mat(step.direction[key], max_cols=SGD_COLS)
    if step.optimizer == "momentum":
        lhs = sym(rf"{s} \leftarrow {s} + v_{{{s}}}", 9)
        terms = [sym("=", 1) + mat(w, 7, max_cols=SGD_COLS), sym("+", 1) + direction, sym("=", 1) + after]
        return equation(lhs, terms)
    if step.optimizer == "adam":
        lhs = sym(rf"{s} \leftarrow {s} - \eta_t\,\frac{{m_{{{s}}}}}{{\sqrt{{v_{{{s}}}}} + 10^{{-7}}}}", 16)
    else:
        lhs = sym(rf"{s} \leftarrow {s} - \eta\,\frac{{g}}{{\sqrt{{h_{{{s}}}}} + 10^{{-7}}}}", 16)
    size = tex_num(step.step_size, 6)
    terms = [sym("=", 1) + mat(w, 7, max_cols=SGD_COLS), sym(rf"- {size}\,", 1 + len(size)) + direction]
    return equation(lhs, [*terms, sym("=", 1) + after])


def step_blocks(
    net: dnn.Network,
    g: dnn.Gradients,
    step: dnn.StepReport,
    lr: float,
    settings: dict[str, float],
    lang: str,
    k: int | None = None,
    loss: str = "E",
    sample: int | None = None,
) -> list[Block]:
    """One step of ``step.optimizer`` with every number: the state's update and the move of W1, b1, W2, b2, then
    the loss before/after and the first-order prediction ∇E·Δθ. ``k``: the run's step this follows (Training);
    ``loss``: "E" or "E_sum", whose gradient g is (``dnn.claims.loss_symbol``); ``sample``: the one sample a
    stochastic run's step learns from."""
    blocks = [Block("markdown", _intro(step, lr, settings, lang, k, loss, sample))]
    if step.optimizer == "adam":
        t = step.state_after.t
        b1, b2 = settings["beta1"], settings["beta2"]
        blocks.append(
            Block(
                "latex",
                rf"\eta_t = \eta\,\frac{{\sqrt{{1-\beta_2^{{\,t}}}}}}{{1-\beta_1^{{\,t}}}} = {tex_num(lr, 6)}\,"
                rf"\frac{{\sqrt{{1-{tex_num(b2, 6)}^{{{t}}}}}}}{{1-{tex_num(b1, 6)}^{{{t}}}}}"
                rf" = {tex_num(step.step_size, 6)}",
            )
        )
    for key in PARAMS:
        s = f"{key[0]}_{key[1]}"
        for line in _slot_lines(step, key, s, g.params()[key], settings):
            blocks.append(Block("latex", line))
        blocks.append(Block("latex", _move_line(step, key, s, net.params()[key])))
    predicted = Metric(
        pick(lang, "Predicted ΔE ≈ ∇E·Δθ", "予測 ΔE ≈ ∇E·Δθ"),
        num(step.predicted, 4),
        help=pick(
            lang,
            "First-order Taylor: ΔE ≈ ∇E·Δθ, with Δθ the move this rule made. Close to the actual "
            "change when the move is small.",
            "1 次のテイラー展開: ΔE ≈ ∇E·Δθ（Δθ はこの手法での移動）。移動が小さければ実際の変化に近くなります。",
        ),
    )
    blocks.append(loss_change_metrics(step, predicted, lang))
    return blocks


def step_of_run(h: dnn.History, k: int, lang: str) -> list[Block]:
    """Step k + 1 of a run with another rule than SGD: from the parameters and the rule's state after k steps
    (``History.optimizer_state_at``), with the gradient that step uses (one drawn sample's in a stochastic run)."""
    net = h.network_at(k)
    x, d = h.x, h.d
    i = None
    if h.sample_indices is not None:
        i = int(h.sample_indices[k])
        x, d = x[i : i + 1], d[i : i + 1]
    g = dnn.backward(net, x, d, h.reduction)
    step = dnn.step_report(net, x, d, g, h.lr, h.optimizer, h.optimizer_state_at(k), **h.settings)
    loss = dnn.claims.loss_symbol(h.reduction, len(x))
    return step_blocks(net, g, step, h.lr, h.settings, lang, k, loss, i)
