"""Explanations with the current numbers filled in, in English and Japanese, for the Forward and Backprop screens.

Each function takes the numbers (network, forward pass, gradients) and ``lang`` and returns ``Block``s: markdown,
LaTeX, a small table or metrics. The module is plain Python (no Streamlit), so tests can check the texts without
running a page: ``ui.widgets.explain_view.show`` draws the blocks, ``ui.text.tex`` writes the numbers as LaTeX, and
every number
comes from ``dnn``.

The four questions answered here are the ones the notebook's student wrote as 【コメント】 beside the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

import dnn
from ui.figures.heatmaps import MAX_SAMPLE_ROWS, num, unit_names
from ui.text.i18n import activation_label, output_label, pick
from ui.text.tex import CHAR_PX, MAX_TEX_ROWS, SGD_COLS, Tex, equation, mat, sym, tex_matrix, tex_num

BlockKind = Literal["markdown", "latex", "table", "caption", "metrics", "success", "info", "warning", "error"]


@dataclass(frozen=True)
class Metric:
    """One number shown with ``st.metric``: label, value and an optional change."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: Literal["normal", "inverse", "off"] = "normal"


@dataclass(frozen=True)
class Block:
    """One piece of an explanation: ``kind`` says how it is drawn; ``body`` is text, a DataFrame or metrics."""

    kind: BlockKind
    body: str | pd.DataFrame | tuple[Metric, ...]


def sci_or_num(v: float) -> str:
    """A difference as written on screen: 4 significant digits, with an exponent below 0.001 ("3.1e-5")."""
    return num(v, 2) if 0 < abs(v) < 1e-3 else num(v)


def _vec_text(v: np.ndarray, digits: int = 4) -> str:
    """A vector as plain text: [0.08707, -0.08707]."""
    return "[" + ", ".join(num(x, digits) for x in np.ravel(v)) + "]"


def _table(rows: dict[str, np.ndarray], columns: Sequence[str], digits: int = 8) -> pd.DataFrame:
    """A small table of vectors (one per row), numbers as text so they show exactly as written."""
    return pd.DataFrame(
        [[num(v, digits) for v in np.ravel(vec)] for vec in rows.values()], index=list(rows), columns=list(columns)
    )


# ---------------------------------------------------------------- the forward pass


@dataclass(frozen=True)
class Step:
    """One step of the forward pass: a title, the formula, the formula with the numbers, and notes (markdown)."""

    title: str
    formula: str
    numbers: str
    notes: tuple[str, ...] = field(default_factory=tuple)


# The loss's name in Japanese by output layer (an entry registered at run time shows its ``loss_name``).
LOSS_NAMES: dict[str, tuple[str, str]] = {
    "softmax": ("cross-entropy", "交差エントロピー誤差"),
    "sigmoid": ("binary cross-entropy", "2値交差エントロピー誤差"),
    "identity": ("squared error", "二乗誤差"),
}


def _tex_name(name: str) -> str:
    r"""A registry name as upright TeX text: ``softplus`` → ``\mathrm{softplus}`` (underscores escaped)."""
    return r"\mathrm{" + name.replace("_", r"\_") + "}"


def hidden_tex(hidden: str) -> str:
    """z1 = f(u1) in TeX: the registry entry's own formula, or f by its name for an entry registered without one."""
    return dnn.ACTIVATIONS[hidden].tex or rf"z_1 = f(u_1) = {_tex_name(hidden)}(u_1)"


def output_tex(output: str) -> str:
    """y = f(u2) in TeX: the registry entry's own formula, or f by its name."""
    return dnn.OUTPUT_LAYERS[output].tex or rf"y = f(u_2) = {_tex_name(output)}(u_2)"


def loss_formula_tex(output: str) -> str:
    """The loss E over the N samples in TeX: the registry entry's own formula, or the mean of the per-sample losses
    under the loss's name."""
    layer = dnn.OUTPUT_LAYERS[output]
    name = layer.loss_name.replace("_", r"\_")
    return layer.loss_tex or rf"E = \frac{{1}}{{N}}\sum_{{n}} \text{{{name}}}(d_n,\, y_n)"


def loss_name(output: str) -> tuple[str, str]:
    """The loss's name in English and Japanese (the registry's ``loss_name`` for an entry without a translation)."""
    name = dnn.OUTPUT_LAYERS[output].loss_name
    return LOSS_NAMES.get(output, (name, name))


def hidden_note(hidden: str, lang: str) -> tuple[str, ...]:
    """For an activation registered without a formula: that f and its derivative f′ are its registered ones."""
    if dnn.ACTIVATIONS[hidden].tex is not None:
        return ()
    return (
        pick(
            lang,
            f"f is the activation {hidden} as registered; backprop uses f′, the derivative registered with it.",
            f"f は登録された活性化関数 {hidden} です。誤差逆伝播では、それとともに登録された微分 f′ を使います。",
        ),
    )


def rows_note(n: int, lang: str) -> str:
    """Why a formula shows only some samples (empty when it shows them all)."""
    if n <= MAX_TEX_ROWS:
        return ""
    return pick(
        lang,
        f"Formulas show the first {MAX_TEX_ROWS} of the {n} samples (one per row); every value is in the tables below.",
        f"式には {n} 個のサンプル（1 行に 1 個）のうち最初の {MAX_TEX_ROWS} 個を表示しています。"
        "すべての値は下の表にあります。",
    )


def _loss_numbers(net: dnn.Network, y: np.ndarray, d: np.ndarray, e: float) -> str:
    """The loss formula with the numbers of one sample written out, or the per-sample losses averaged."""
    if len(y) == 1 and y.shape[1] <= 4 and net.output in LOSS_NAMES:  # a built-in loss, written term by term
        terms = []
        for k in range(y.shape[1]):
            yk, dk = tex_num(y[0, k]), tex_num(d[0, k])
            if net.output == "softmax":
                terms.append(Tex(rf"{dk}\cdot\log({yk} + 10^{{-7}})", CHAR_PX * (len(yk) + len(dk) + 12)))
            elif net.output == "sigmoid":
                terms.append(
                    Tex(
                        rf"\left[{dk}\log({yk} + 10^{{-7}}) + (1 - {dk})\log(1 - {yk} + 10^{{-7}})\right]",
                        CHAR_PX * (2 * len(yk + dk) + 32),
                    )
                )
            else:
                terms.append(Tex(rf"({yk} - {dk})^2", CHAR_PX * (len(yk) + len(dk) + 6)))
        pre = sym(r"= \tfrac{1}{2}\bigl(" if net.output == "identity" else r"= -\bigl(", 4)
        pieces = [pre + terms[0], *(sym("+", 1) + t for t in terms[1:])]
        pieces[-1] = pieces[-1] + sym(r"\bigr)", 1)
        return equation(sym("E", 1), [*pieces, sym("=", 1) + sym(tex_num(e, 6), 8)])
    per = dnn.sample_losses(net, y, d)
    shown = " + ".join(tex_num(v) for v in per[:MAX_TEX_ROWS]) + (r" + \cdots" if len(per) > MAX_TEX_ROWS else "")
    return rf"E = \frac{{1}}{{{len(per)}}}\left({shown}\right) = {tex_num(e, 6)}"


def forward_steps(net: dnn.Network, x: np.ndarray, d: np.ndarray, fwd: dnn.Forward, lang: str) -> list[Step]:
    """The forward pass in the notebook's order, u1 → z1 → u2 → y → E, each with its formula and numbers."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    n = len(x)
    e = dnn.loss(net, x, d)
    steps = [
        Step(
            pick(lang, "1. Total input of the hidden layer u1", "1. 中間層の総入力 u1（総入力1）"),
            r"u_1 = x \cdot W_1 + b_1",
            equation(
                sym("u_1", 2),
                [
                    sym("=", 1) + mat(x, name="x"),
                    sym(r"\cdot", 1) + mat(net.W1, name="W_1"),
                    sym("+", 1) + mat(net.b1, name="b_1"),
                    sym("=", 1) + mat(fwd.u1),
                ],
            ),
            (
                pick(
                    lang,
                    "Each column of the weight W1 belongs to one hidden unit (h1, h2, …); each row of x is one sample.",
                    "重み W1 の各列が中間層の各ユニット（h1, h2, …）に、x の各行が各サンプルに対応します。",
                ),
            ),
        ),
        Step(
            pick(
                lang,
                f"2. Hidden output z1 = f(u1), f = {activation_label(net.hidden, lang)}",
                f"2. 中間層出力 z1 = f(u1)（f = {activation_label(net.hidden, lang)}）",
            ),
            hidden_tex(net.hidden),
            "z_1 = " + tex_matrix(fwd.z1),
            hidden_note(net.hidden, lang) + _hidden_notes(net, fwd, lang),
        ),
        Step(
            pick(lang, "3. Total input of the output layer u2", "3. 出力層の総入力 u2（総入力2）"),
            r"u_2 = z_1 \cdot W_2 + b_2",
            equation(
                sym("u_2", 2),
                [
                    sym("=", 1) + mat(fwd.z1, name="z_1"),
                    sym(r"\cdot", 1) + mat(net.W2, name="W_2"),
                    sym("+", 1) + mat(net.b2, name="b_2"),
                    sym("=", 1) + mat(fwd.u2),
                ],
            ),
        ),
        Step(
            pick(lang, f"4. Output y ({net.output})", f"4. 出力 y（{activation_label(net.output, lang)}）"),
            output_tex(net.output),
            "y = " + tex_matrix(fwd.y),
            _output_notes(net, fwd, lang),
        ),
        Step(
            pick(
                lang,
                f"5. Loss E ({loss_name(net.output)[0]}) against the target d",
                f"5. 誤差 E（{loss_name(net.output)[1]}）: 目標出力 d との比較",
            ),
            loss_formula_tex(net.output) + r",\qquad d = " + tex_matrix(d),
            _loss_numbers(net, fwd.y, d, e),
            (_loss_note(net, e, n, lang),),
        ),
    ]
    return steps


def _loss_note(net: dnn.Network, e: float, n: int, lang: str) -> str:
    """Which loss E is (the notebook's own only for softmax), its value, and that it is a mean over samples."""
    mean = (
        pick(lang, f" It is the mean of the {n} samples' losses.", f"{n} 個のサンプルの誤差の平均です。")
        if n > 1
        else ""
    )
    value = f"E = **{num(e, 10)}**"
    if net.output == "softmax":
        return pick(
            lang,
            f"The notebook computes this loss (`loss = functions.cross_entropy_error(d, y)`) but never prints it: "
            f"{value}.{mean}",
            f"ノートブックはこの誤差を計算していますが（`loss = functions.cross_entropy_error(d, y)`）、表示して"
            f"いません: {value}。{mean}",
        )
    if net.output == "sigmoid":
        return pick(
            lang,
            "With sigmoid outputs the loss is the binary cross-entropy, each output a yes/no probability; like the "
            f"course's cross-entropy it adds 1e-7 inside each log, so that log(0) never happens: {value}.{mean}",
            "出力がシグモイド関数のときの誤差は 2値交差エントロピー誤差で、各出力を「はい／いいえ」の確率とみなします。"
            f"講座の交差エントロピー誤差と同じく、log(0) を避けるために各 log の中に 1e-7 を足します: {value}。{mean}",
        )
    if net.output not in LOSS_NAMES:  # an output layer registered at run time
        name = dnn.OUTPUT_LAYERS[net.output].loss_name
        return pick(
            lang,
            f"The output layer {net.output} is paired with its registered loss ({name}), averaged over the samples: "
            f"{value}.{mean}",
            f"出力層「{net.output}」は登録された誤差関数（{name}）と組み合わされ、サンプルについて平均します: "
            f"{value}。{mean}",
        )
    return pick(
        lang,
        "With an identity output the loss is the squared error ½·Σₖ(yₖ − dₖ)², summed over the outputs and averaged "
        "over the samples (the course's mean_squared_error also averages over the outputs, which divides it by the "
        f"number of outputs): {value}.{mean}",
        "出力が恒等関数のときの誤差は二乗誤差 ½·Σₖ(yₖ − dₖ)² で、出力について合計し、サンプルについて平均します"
        "（講座の mean_squared_error は出力についても平均するので、出力の数で割った値になります）: "
        f"{value}。{mean}",
    )


def _hidden_notes(net: dnn.Network, fwd: dnn.Forward, lang: str) -> tuple[str, ...]:
    off = dnn.claims.switched_off(net.hidden, fwd.u1)
    if net.hidden != "relu":
        return ()
    if off == 0:
        return (
            pick(
                lang,
                "Every total input u1 is positive, so ReLU passes it unchanged: z1 = u1 (as in the notebook).",
                "総入力 u1 がすべて正なので、ReLU はそのまま通します: z1 = u1（ノートブックと同じ）。",
            ),
        )
    notes = [
        pick(
            lang,
            f"{off} of the total inputs u1 {'is' if off == 1 else 'are'} ≤ 0: there ReLU outputs z1 = 0 (u1 itself "
            "keeps its value), so that unit is switched off for that sample.",
            f"総入力 u1 のうち {off} 個が 0 以下です。そこでは ReLU の出力が z1 = 0 になり（u1 自体の値は"
            "そのまま）、そのサンプルではそのユニットが止まります。",
        )
    ]
    if kinked := dnn.claims.units_at_kink(net.hidden, fwd.u1):
        names = ", ".join(f"h{j + 1}" for j in kinked)
        notes.append(
            pick(
                lang,
                f"u1 is exactly 0 at {names}: the course's derivative of ReLU there is 0, so it counts as switched "
                "off.",
                f"{names} では u1 がちょうど 0 です。講座の ReLU の微分はそこで 0 なので、止まっているとみなします。",
            )
        )
    return tuple(notes)


def _output_notes(net: dnn.Network, fwd: dnn.Forward, lang: str) -> tuple[str, ...]:
    if net.output != "softmax":
        return ()
    sums = dnn.claims.output_sums(fwd.y)
    n = len(sums.per_sample)
    total = repr(sums.notebook_total)
    dev = num(sums.max_deviation, 2)
    if n == 1:
        return (
            pick(
                lang,
                f"Σy = {total} (the notebook's 出力合計, `np.sum(y)`): softmax outputs are probabilities, so they add "
                f"up to 1 (deviation {dev}). The last digit depends on the CPU's BLAS kernel: 1.0 where the notebook "
                "ran, 0.9999999999999999 on some machines.",
                f"Σy = {total}（ノートブックの「出力合計」、`np.sum(y)`）: softmax の出力は確率なので合計は 1 です"
                f"（1 からのずれ {dev}）。最後の桁は CPU の BLAS カーネルによって変わります（ノートブックを実行した"
                "環境では 1.0、別の環境では 0.9999999999999999）。",
            ),
        )
    return (
        pick(
            lang,
            f"Each sample's outputs add up to 1 (softmax outputs are probabilities; largest deviation {dev}). The "
            f"notebook's 出力合計 `np.sum(y)` adds every sample, so it prints {total} for these {n} samples (its last "
            "digit depends on the CPU's BLAS kernel).",
            f"各サンプルの出力の合計は 1 です（softmax の出力は確率。1 からの最大のずれ {dev}）。ノートブックの"
            f"「出力合計」`np.sum(y)` はすべてのサンプルを足すので、この {n} 個のサンプルでは {total} と表示されます"
            "（最後の桁は CPU の BLAS カーネルによって変わります）。",
        ),
    )


def forward_tables(fwd: dnn.Forward) -> dict[str, pd.DataFrame]:
    """Every value of the forward pass as a table per quantity, one row per sample (#1, #2, …)."""
    n = len(fwd.u1)
    index = [f"#{i + 1}" for i in range(n)]
    return {
        "u1": pd.DataFrame(fwd.u1, index=index, columns=unit_names("h", fwd.u1.shape[1])),
        "z1": pd.DataFrame(fwd.z1, index=index, columns=unit_names("h", fwd.z1.shape[1])),
        "u2": pd.DataFrame(fwd.u2, index=index, columns=unit_names("y", fwd.u2.shape[1])),
        "y": pd.DataFrame(fwd.y, index=index, columns=unit_names("y", fwd.y.shape[1])),
    }


# ---------------------------------------------------------------- reduction and dead units


def loss_tex(loss: str) -> str:
    r"""The loss's symbol in LaTeX: "E" or E_{\mathrm{sum}}."""
    return r"E_{\mathrm{sum}}" if loss == "E_sum" else "E"


def reduction_note(reduction: str, n: int, lang: str) -> str:
    """Which gradient the screen shows: of the mean loss E (δ2 = (y − d)/N) or of the notebook's sum E_sum = Σₙ Eₙ
    (δ2 = y − d), and under which name."""
    if n == 1:
        text = pick(
            lang,
            "Gradients of the loss E of the one sample: δ2 = y − d, as in the notebook (with one sample the mean and "
            "the sum over samples are the same).",
            "1 個のサンプルの誤差 E の勾配です: δ2 = y − d（ノートブックと同じ。サンプルが 1 個なら、サンプルについての"
            "平均と合計は同じです）。",
        )
    elif reduction == "mean":
        text = pick(
            lang,
            f"Gradients of the **mean** loss E = (1/N)·Σₙ Eₙ over the N = {n} samples: δ2 = (y − d) / N.",
            f"N = {n} 個のサンプルの**平均**の誤差 E = (1/N)·Σₙ Eₙ の勾配です: δ2 = (y − d) / N。",
        )
    else:
        text = pick(
            lang,
            f"The notebook's **summed** gradients: the gradients of E_sum = Σₙ Eₙ = N·E over the N = {n} samples, "
            "written ∂E_sum/∂W on this screen: δ2 = y − d (not divided by N).",
            f"ノートブックと同じ**合計**の勾配です: N = {n} 個のサンプルの E_sum = Σₙ Eₙ = N·E の勾配で、この画面では "
            "∂E_sum/∂W と書きます: δ2 = y − d（N で割らない）。",
        )
    return text + pick(lang, " Change it in the sidebar.", "サイドバーで切り替えられます。")


def dead_unit_warning(units: Sequence[int], lang: str) -> str:
    """The warning naming dead ReLU units (h2, h3, …) and what it means for their gradients."""
    names = ", ".join(f"h{j + 1}" for j in units)
    return pick(
        lang,
        f"Dead ReLU unit{'s' if len(units) > 1 else ''}: **{names}**. The total input u ≤ 0 for every sample, so "
        "ReLU outputs z = 0 and its derivative f′(u) = 0: δ1, ∂E/∂b1 and the column of ∂E/∂W1 of "
        f"{names} are exactly 0, and so is the row of ∂E/∂W2 (its input z is 0). Gradient descent cannot bring "
        "it back with these samples.",
        f"死んだ ReLU ユニット: **{names}**。どのサンプルでも総入力 u ≤ 0 なので、"
        "ReLU の出力 z = 0、微分 f′(u) = 0 です。"
        f"{names} の δ1・∂E/∂b1・∂E/∂W1 の列はちょうど 0、∂E/∂W2 の行も 0（入力 z が 0）になり、"
        "このサンプルでは勾配降下法で生き返りません。",
    )


# ---------------------------------------------------------------- question 1: why y − d for softmax


def q1_title(lang: str) -> str:
    """The first question in the student's own words."""
    return pick(
        lang,
        "「なんでsoftmaxじゃない?」 (“Why not softmax?”) — why δ2 = y − d is right for softmax + cross-entropy",
        "「なんでsoftmaxじゃない?」 — softmax + 交差エントロピー誤差でも δ2 = y − d でよい理由",
    )


DE_DY = sym(r"\frac{\partial E}{\partial y}", 3)
DY_DU = sym(r"\frac{\partial y}{\partial u_2}", 3)
DE_DU = sym(r"\frac{\partial E}{\partial u_2}", 3)


def q1_blocks(net: dnn.Network, fwd: dnn.Forward, d: np.ndarray, reduction: str, lang: str) -> list[Block]:
    """Question 1 answered with the numbers of sample #1: the chain through the output's Jacobian equals y − d."""
    d = np.atleast_2d(d)
    ways = dnn.claims.output_delta_ways(net.output, fwd.y[0], d[0])
    dE_dy, J, chain, shortcut = ways.dE_dy, ways.jacobian, ways.chain, ways.shortcut
    cols = unit_names("y", net.n_out)
    n = len(d)
    which = pick(lang, " (sample #1)", "（サンプル #1）") if n > 1 else ""
    if chain is None:  # an output layer registered at run time: its own delta, no long way written out here
        return _registered_delta_blocks(net, ways, which, lang)
    why = {
        "softmax": pick(
            lang,
            "For softmax + cross-entropy the chain rule gives y − d because the target adds up to 1 (Σd = 1, which "
            "the scenario requires of a softmax target): the Jacobian's cross terms leave −d + y·Σd = y − d.",
            "softmax + 交差エントロピー誤差では、目標出力の合計が 1（Σd = 1。softmax の目標出力はそうでなければ"
            "なりません）なので、連鎖律のヤコビ行列の交差項が −d + y·Σd = y − d にまとまります。",
        ),
        "sigmoid": pick(
            lang,
            "For sigmoid + binary cross-entropy the sigmoid's derivative y(1 − y) cancels the loss's denominator: "
            "(−d/y + (1 − d)/(1 − y))·y(1 − y) = y − d.",
            "シグモイド関数 + 2値交差エントロピー誤差では、シグモイド関数の微分 y(1 − y) が誤差の微分の分母と"
            "打ち消し合います: (−d/y + (1 − d)/(1 − y))·y(1 − y) = y − d。",
        ),
        "identity": pick(
            lang,
            "For identity + squared error nothing has to cancel: dy/du2 = 1, and the loss ½·Σ(y − d)² already has "
            "∂E/∂y = y − d.",
            "恒等関数 + 二乗誤差では打ち消し合うものはありません: dy/du2 = 1 で、誤差 ½·Σ(y − d)² の微分がそのまま "
            "∂E/∂y = y − d です。",
        ),
    }[net.output]
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "The notebook writes `delta2 = functions.d_sigmoid_with_loss(d, y)`. The name says *sigmoid*, but the "
                "function just returns **y − d**, and y − d is the output delta of each output layer offered here "
                f"(softmax, sigmoid and identity, each with its loss). {why} Here is the long way through the chain "
                f"rule, ∂E/∂u2 = ∂E/∂y · ∂y/∂u2, with the current numbers{which}:",
                "ノートブックは `delta2 = functions.d_sigmoid_with_loss(d, y)` と書いています。名前は *sigmoid* "
                "ですが、中身は **y − d** を返すだけで、y − d はここで選べるどの出力層（softmax、シグモイド関数、"
                f"恒等関数と、それぞれの誤差関数）でも出力層のデルタです。{why}連鎖律 ∂E/∂u2 = ∂E/∂y · ∂y/∂u2 で"
                f"遠回りして計算すると、いまの数値で{which}:",
            ),
        )
    ]
    if net.output == "softmax":
        blocks += [
            Block("latex", equation(DE_DY, [sym(r"= -\frac{d}{y}", 4), sym("=", 1) + mat(dE_dy)])),
            Block(
                "latex",
                equation(DY_DU, [sym(r"= \mathrm{diag}(y) - y^\top y", 11), sym("=", 1) + mat(J, max_rows=8)]),
            ),
            Block(
                "latex",
                equation(
                    DE_DU,
                    [
                        sym(r"= \frac{\partial E}{\partial y}\,\frac{\partial y}{\partial u_2}", 5),
                        sym("=", 1) + mat(chain),
                    ],
                ),
            ),
            Block("latex", equation(sym("y - d", 5), [sym("=", 1) + mat(shortcut)])),
            Block(
                "markdown",
                pick(
                    lang,
                    "Why they are equal, written out (Σₖ dₖ = 1):",
                    "等しくなる理由を書き出すと（Σₖ dₖ = 1）:",
                ),
            ),
            Block(
                "latex",
                r"\frac{\partial E}{\partial u_j} = \sum_k \Bigl(-\frac{d_k}{y_k}\Bigr)\, y_k\bigl([k = j] - y_j\bigr)"
                r" = -d_j + y_j \sum_k d_k = y_j - d_j",
            ),
        ]
    elif net.output == "sigmoid":
        blocks += [
            Block("latex", equation(DE_DY, [sym(r"= -\frac{d}{y} + \frac{1-d}{1-y}", 9), sym("=", 1) + mat(dE_dy)])),
            Block("latex", equation(DY_DU, [sym("= y(1-y) =", 6) + mat(np.diag(J))])),
            Block(
                "latex",
                equation(
                    DE_DU,
                    [
                        sym(r"= \frac{\partial E}{\partial y} \odot \frac{\partial y}{\partial u_2}", 5),
                        sym("=", 1) + mat(chain),
                    ],
                ),
            ),
            Block("latex", equation(sym("y - d", 5), [sym("=", 1) + mat(shortcut)])),
        ]
    else:
        blocks += [
            Block("latex", equation(DE_DY, [sym("= y - d =", 6) + mat(dE_dy)])),
            Block("latex", r"\frac{\partial y}{\partial u_2} = 1"),
            Block("latex", equation(DE_DU, [sym("=", 1) + mat(chain)])),
        ]
    blocks.append(
        Block(
            "table",
            _table(
                {
                    pick(lang, "long way ∂E/∂y · ∂y/∂u2", "遠回り ∂E/∂y · ∂y/∂u2"): chain,
                    pick(lang, "shortcut y − d", "近道 y − d"): shortcut,
                    pick(lang, "difference (rounding)", "差（丸め誤差）"): ways.difference,
                },
                cols,
            ),
        )
    )
    if ways.long_way_overflows and np.all(np.isfinite(fwd.y[0])):  # (a y that is not finite: the screen says so)
        blocks.append(
            Block(
                "warning",
                pick(
                    lang,
                    "Here the long way breaks down: an output y is so close to 0 or 1 that ∂E/∂y overflows. The "
                    "shortcut y − d never does — one more reason to use it.",
                    "ここでは遠回りの計算が破綻しています: 出力 y が 0 や 1 に近すぎて ∂E/∂y があふれます。"
                    "近道 y − d はあふれません。近道を使うもう一つの理由です。",
                ),
            )
        )
    others = pick(
        lang,
        "Question 2 below shows the course's own softmax delta, `d_softmax_with_loss`, which divides y − d by the "
        "number of samples.",
        "下の 2 つ目の疑問で、講座自身の softmax のデルタ `d_softmax_with_loss`（y − d をサンプル数で割る）を見ます。",
    )
    if n > 1 and reduction == "mean":
        others += pick(
            lang,
            f" The δ2 heatmap on this screen is divided by N = {n}: it is the gradient of the mean loss.",
            f"この画面の δ2 のヒートマップは N = {n} で割ってあります（平均の誤差の勾配）。",
        )
    blocks.append(Block("caption", others))
    return blocks


def _registered_delta_blocks(net: dnn.Network, ways: dnn.claims.OutputDeltaWays, which: str, lang: str) -> list[Block]:
    """Question 1 for an output layer registered at run time: backprop uses the delta registered with it, shown
    next to the notebook's y − d."""
    name = output_label(net.output, lang)
    return [
        Block(
            "markdown",
            pick(
                lang,
                "The notebook writes `delta2 = functions.d_sigmoid_with_loss(d, y)`, which returns **y − d**: the "
                "output delta of softmax, sigmoid and identity, each with its loss. This scenario's output layer, "
                f"{name}, was registered with its own delta, and backprop uses that one. With the current "
                f"numbers{which}:",
                "ノートブックは `delta2 = functions.d_sigmoid_with_loss(d, y)` と書いていて、これは **y − d** を"
                "返します。y − d は softmax、シグモイド関数、恒等関数（それぞれの誤差関数と組み合わせたとき）の"
                f"出力層のデルタです。このシナリオの出力層「{name}」は独自のデルタとともに登録されていて、"
                f"誤差逆伝播はそれを使います。いまの数値で{which}:",
            ),
        ),
        Block(
            "table",
            _table(
                {
                    pick(lang, f"δ2 of {name}", f"{name} の δ2"): ways.registered,
                    "y − d": ways.shortcut,
                },
                unit_names("y", net.n_out),
            ),
        ),
    ]


# ---------------------------------------------------------------- question 2: why the bias gradient sums


def q2_title(lang: str) -> str:
    """The second question in the student's own words."""
    return pick(
        lang,
        "「なんでSUMを取っている?」 (“Why take the SUM?”) — the bias gradient sums δ over the samples (axis 0)",
        "「なんでSUMを取っている?」 — バイアスの偏微分はサンプル方向（axis 0）に δ を足し合わせる",
    )


def q2_blocks(net: dnn.Network, x: np.ndarray, d: np.ndarray, reduction: str, lang: str) -> list[Block]:
    """Question 2: each sample's y − d, their sum over axis 0 and the mean, for two or more samples; then the
    course's own softmax delta ``d_softmax_with_loss`` = (y − d)/batch_size, which ties questions 1 and 2."""
    bx, bd, added = dnn.claims.demo_batch(net, x, d)
    n = len(bx)
    deltas = dnn.claims.batch_deltas(net, bx, bd)  # row n = y_n − d_n, sample n's own delta; their sum; ÷ N
    shown = min(n, MAX_SAMPLE_ROWS)
    # The built-in output layers' delta is y − d; one registered at run time has its own, named δ2.
    own = "δ2" if dnn.claims.shortcut_condition(net.output) == "registered" else "y − d"
    rows: dict[str, np.ndarray] = {}
    for i in range(shown):
        label = f"#{i + 1} {own}: x = {_vec_text(bx[i])}, d = {_vec_text(bd[i])}"
        if added and i == 1:
            label += pick(lang, " — added for this demo", " — 説明用に追加")  # no "](": st.table reads markdown
        rows[label] = deltas.per_sample[i]
    # "in use" marks the row the screen's heatmaps show; a demo batch is not the scenario's, so nothing is in use.
    in_use = "" if added else pick(lang, " ← on this screen", " ← この画面の値")
    sum_label = pick(lang, "sum over axis 0 = ∂E_sum/∂b2", "axis 0 の合計 = ∂E_sum/∂b2")
    mean_label = pick(lang, f"÷ N = {n} → ∂E/∂b2 (mean loss E)", f"÷ N = {n} → ∂E/∂b2（平均の誤差 E）")
    rows[sum_label + (in_use if reduction == "sum" else "")] = deltas.total
    rows[mean_label + (in_use if reduction == "mean" else "")] = deltas.mean
    intro = pick(
        lang,
        "`delta2` has one row per sample (shape N × outputs); the bias b2 has one value per output. Every sample "
        "pushes on the same b2, so its gradient adds the rows up: `np.sum(delta2, axis=0)` sums over axis 0, the "
        "batch axis. **With one sample** the sum changes nothing but the shape — (1, outputs) becomes (outputs,), "
        "the shape of b2 — so, as the 【コメント】 says, it equals δ2. **With several samples** it adds their "
        f"contributions (each row below is one sample's {own}; the last two rows are the gradient of the summed loss "
        "E_sum = Σₙ Eₙ and of the mean loss E):",
        "`delta2` はサンプルごとに 1 行（形は N × 出力数）、バイアス b2 は出力ごとに 1 個の値です。"
        "どのサンプルも同じ b2 を動かそうとするので、その偏微分は行を足し合わせたもの: "
        "`np.sum(delta2, axis=0)` は axis 0（バッチ方向）の合計です。"
        "**サンプルが 1 個なら**合計しても形が「1 × 出力数」から b2 と同じ「出力数」に変わるだけで、"
        "【コメント】のとおり δ2 と同じ値です。**サンプルが複数なら**各サンプルの寄与を足し合わせます"
        f"（下の各行は 1 個のサンプルの {own}、最後の 2 行は合計の誤差 E_sum = Σₙ Eₙ と平均の誤差 E の勾配）:",
    )
    blocks = [Block("markdown", intro)]
    if added:
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"The scenario has one sample, so a second one (x = {_vec_text(bx[1])}, d = {_vec_text(bd[1])}) "
                    "is added here for the demonstration only; with your one sample mean and sum are the same.",
                    f"シナリオのサンプルが 1 個なので、説明のためだけに 2 個目（x = {_vec_text(bx[1])}、"
                    f"d = {_vec_text(bd[1])}）を加えています。シナリオの 1 個のサンプルでは平均と合計は同じです。",
                ),
            )
        )
    blocks.append(Block("table", _table(rows, unit_names("y", net.n_out))))
    if shown < n:
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"First {shown} of {n} samples listed; the sum is over all {n}.",
                    f"{n} 個のうち最初の {shown} 個を表示。合計は {n} 個すべてについてです。",
                ),
            )
        )
    blocks.append(
        Block(
            "caption",
            pick(
                lang,
                "The same happens for ∂E/∂b1 = Σ δ1 and inside the matrix products ∂E/∂W2 = z1ᵀ·δ2, ∂E/∂W1 = xᵀ·δ1, "
                "which also sum over the samples.",
                "∂E/∂b1 = Σ δ1 も同じで、行列積 ∂E/∂W2 = z1ᵀ·δ2、∂E/∂W1 = xᵀ·δ1 の中でもサンプルについて"
                "足し合わされます。",
            ),
        )
    )
    blocks += _course_softmax_delta_blocks(net, bx, bd, lang)
    return blocks


def _course_softmax_delta_blocks(net: dnn.Network, x: np.ndarray, d: np.ndarray, lang: str) -> list[Block]:
    """The course's ``d_softmax_with_loss`` = (y − d)/batch_size on the same batch: y − d of question 1 for one
    sample, the mean's ÷N of question 2 for several."""
    y = dnn.forward(net, x).y
    one = dnn.d_softmax_with_loss(d[:1], y[:1])
    batch = dnn.d_softmax_with_loss(d, y)
    n = len(x)
    text = pick(
        lang,
        "**Mean or sum, in the course's own code.** The course's `common/functions.py` also has "
        "`d_softmax_with_loss(d, y)`, which returns **(y − d) / batch_size**. For one sample that is exactly y − d, "
        "the notebook's δ2 (question 1). For a batch it divides by N: it is the delta of the *mean* loss E, the "
        "loss `cross_entropy_error` reports. The notebook's `d_sigmoid_with_loss` does not divide, so its gradients "
        "are those of the sum E_sum = Σₙ Eₙ = N·E, N times larger — a larger effective learning rate. The sidebar's "
        "choice between mean and sum is this choice. On this batch:",
        "**平均か合計か: 講座自身のコードでは。** 講座の `common/functions.py` には `d_softmax_with_loss(d, y)` も"
        "あり、**(y − d) / batch_size** を返します。サンプルが 1 個ならちょうど y − d、ノートブックの δ2 です"
        "（1 つ目の疑問）。バッチでは N で割ります: `cross_entropy_error` が返す*平均*の誤差 E のデルタです。"
        "ノートブックの `d_sigmoid_with_loss` は割らないので、その勾配は合計 E_sum = Σₙ Eₙ = N·E の勾配で、N 倍の"
        "大きさ（実質的に大きな学習率）になります。サイドバーの「平均／合計」はこの選択です。このバッチでは:",
    )
    rows = {
        pick(lang, "d_softmax_with_loss, sample #1 alone", "d_softmax_with_loss、サンプル #1 だけ"): one[0],
        pick(lang, f"d_softmax_with_loss, #1 of the batch of {n}", f"d_softmax_with_loss、{n} 個のバッチの #1"): batch[
            0
        ],
    }
    blocks = [Block("markdown", text), Block("table", _table(rows, unit_names("y", net.n_out)))]
    if dnn.claims.shortcut_condition(net.output) == "registered":
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    "The scenario's output is not softmax; the course's function is applied to its y all the same, "
                    "to show the division by N (its own delta is another: question 1).",
                    "シナリオの出力は softmax ではありませんが、N で割る様子を見るために講座の関数をその y に"
                    "使っています（この出力層のデルタは別のものです: 1 つ目の疑問）。",
                ),
            )
        )
    elif net.output != "softmax":
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    "The scenario's output is not softmax; the course's function is applied to its y all the same, "
                    "since its delta y − d has the same form.",
                    "シナリオの出力は softmax ではありませんが、デルタ y − d は同じ形なので、講座の関数をそのまま"
                    "その y に使っています。",
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- question 3: the factors of δ1


def q3_title(lang: str) -> str:
    """The third note in the student's own words."""
    return pick(
        lang,
        "「du2/dz=W2, dz/du1=reluの微分」 (“du2/dz = W2, dz/du1 = ReLU's derivative”) — the chain rule in δ1",
        "「du2/dz=W2, dz/du1=reluの微分」 — δ1 の連鎖律の各因子",
    )


def q3_blocks(
    net: dnn.Network, x: np.ndarray, fwd: dnn.Forward, g: dnn.Gradients, lang: str, loss: str = "E"
) -> list[Block]:
    """Question 3: δ1 = (δ2·W2ᵀ) ⊙ f′(u1) with each factor's numbers, why the transposes, and d_relu(z1) versus
    f′(u1). ``loss`` names the loss differentiated ("E" or "E_sum")."""
    n = len(fwd.u1)
    which = pick(lang, " (sample #1)", "（サンプル #1）") if n > 1 else ""
    hidden = activation_label(net.hidden, lang)
    cols = unit_names("h", net.n_hidden)
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                f"The student's note is right. δ1 = ∂{loss}/∂u1 goes back through two steps: u2 = z1·W2 + b2, so "
                f"**∂u2/∂z1 = W2** and ∂{loss}/∂z1 = δ2·W2ᵀ (why the transpose: below); then z1 = f(u1), so "
                "**∂z1/∂u1 = f′(u1)**, the activation's derivative, applied unit by unit (⊙, the elementwise product "
                f"`*`){which}:",
                f"【コメント】のとおりです。δ1 = ∂{loss}/∂u1 は 2 段階さかのぼります: u2 = z1·W2 + b2 なので "
                f"**∂u2/∂z1 = W2**、∂{loss}/∂z1 = δ2·W2ᵀ（転置になる理由は下に）。次に z1 = f(u1) なので "
                f"**∂z1/∂u1 = f′(u1)**（活性化関数の微分）をユニットごとに掛けます（⊙ は要素ごとの積 `*`）{which}:",
            ),
        ),
        Block(
            "latex",
            equation(
                sym(r"\delta_1", 2),
                [
                    sym(
                        rf"= \underbrace{{(\delta_2 W_2^\top)}}_{{\partial {loss_tex(loss)}/\partial z_1}} \odot "
                        r"\underbrace{f'(u_1)}_{\partial z_1/\partial u_1}",
                        12,
                    ),
                    sym("=", 1) + mat(g.dE_dz1[0]),
                    sym(r"\odot", 1) + mat(g.dz1_du1[0]),
                    sym("=", 1) + mat(g.delta1[0]),
                ],
            ),
        ),
        Block(
            "table",
            _table(
                {
                    f"δ2·W2ᵀ = ∂{loss}/∂z1": g.dE_dz1[0],
                    "f′(u1) = ∂z1/∂u1" + pick(lang, f" ({hidden})", f"（{hidden}）"): g.dz1_du1[0],
                    f"δ1 = ∂{loss}/∂u1": g.delta1[0],
                },
                cols,
            ),
        ),
        *transpose_blocks(net, x, fwd, g, lang, loss),
    ]
    derivative = dnn.claims.notebook_derivative(net.hidden, fwd.u1[0])
    at_z, at_u = derivative.at_z, derivative.at_u
    if derivative.equal:
        text = pick(
            lang,
            f"The notebook passes z1, not u1, to the derivative (`functions.d_relu(z1)`). For {hidden} that gives "
            f"the same numbers here ({_vec_text(at_u)})"
            + (": z1 > 0 exactly where u1 > 0." if net.hidden == "relu" else "."),
            "ノートブックは微分に u1 ではなく z1 を渡しています（`functions.d_relu(z1)`）。"
            f"「{hidden}」ではここで同じ値（{_vec_text(at_u)}）になります"
            + (": z1 > 0 となるのはちょうど u1 > 0 のときだからです。" if net.hidden == "relu" else "。"),
        )
    else:
        # as many digits as it takes for the two to read differently (near u1 = 0, tanh(u1) ≈ u1 and they are close)
        digits = next((k for k in range(4, 16) if _vec_text(at_z, k) != _vec_text(at_u, k)), 16)
        shown_z, shown_u = _vec_text(at_z, digits), _vec_text(at_u, digits)
        apart = sci_or_num(derivative.largest_difference)
        text = pick(
            lang,
            f"The notebook passes z1, not u1, to the derivative (`functions.d_relu(z1)`). For {hidden} that is "
            f"wrong: f′(z1) = {shown_z} but f′(u1) = {shown_u} (apart by up to {apart} here). The derivative must "
            "be taken at u1.",
            "ノートブックは微分に u1 ではなく z1 を渡しています（`functions.d_relu(z1)`）。"
            f"「{hidden}」ではこれは誤りです: f′(z1) = {shown_z} ですが f′(u1) = {shown_u}（ここでは差は最大 "
            f"{apart}）。微分は u1 で取る必要があります。",
        )
    blocks.append(Block("markdown", text))
    if net.hidden in ("relu", "identity"):
        sig_u, sig_z = derivative.sigmoid_at_u, derivative.sigmoid_at_z
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"It would not work for sigmoid: at these u1, σ′(u1) = {_vec_text(sig_u)} but σ′(z1) = σ′(σ(u1)) = "
                    f"{_vec_text(sig_z)}.",
                    f"シグモイド関数ではうまくいきません: この u1 では σ′(u1) = {_vec_text(sig_u)} ですが、"
                    f"σ′(z1) = σ′(σ(u1)) = {_vec_text(sig_z)} です。",
                ),
            )
        )
    return blocks


def transpose_blocks(
    net: dnn.Network, x: np.ndarray, fwd: dnn.Forward, g: dnn.Gradients, lang: str, loss: str
) -> list[Block]:
    """Why the code has ``W2.T``, ``z1.T`` and ``x.T`` although the note says du2/dz1 = W2: the three products in
    index form, each with one entry's terms written out from the current numbers (sample #1, units h1, y1, x1)."""
    e = loss_tex(loss)
    n = min(len(fwd.u1), MAX_TEX_ROWS)

    def f(v: float) -> str:  # a factor of a written-out product: negatives in parentheses
        t = tex_num(v)
        return f"({t})" if t.startswith("-") else t

    d2, w2 = g.delta2[0], net.W2[0]
    dz = " + ".join(rf"{f(d2[k])}\cdot {f(w2[k])}" for k in range(min(net.n_out, 4)))
    dz += r" + \cdots" if net.n_out > 4 else ""
    dw2 = " + ".join(rf"{f(fwd.z1[i, 0])}\cdot {f(g.delta2[i, 0])}" for i in range(n))
    x = np.atleast_2d(x)
    dw1 = " + ".join(rf"{f(x[i, 0])}\cdot {f(g.delta1[i, 0])}" for i in range(n))
    more = r" + \cdots" if len(fwd.u1) > n else ""
    return [
        Block(
            "markdown",
            pick(
                lang,
                "**Why the transposes.** In u2 = z1·W2 the weight W2[j, k] links hidden unit j to output k: "
                "u2ₖ = Σⱼ z1ⱼ·W2[j, k]. Going back, hidden unit j collects from every output k it feeds, so the sum "
                "runs over W2's *second* index — that is a product with W2ᵀ:",
                "**転置になる理由。** u2 = z1·W2 の重み W2[j, k] は中間層ユニット j と出力 k をつなぎます: "
                "u2ₖ = Σⱼ z1ⱼ·W2[j, k]。逆にたどると、中間層ユニット j は自分がつながるすべての出力 k から集めるので、"
                "和は W2 の *2 つ目* の添字について取ります。これが W2ᵀ との積です:",
            ),
        ),
        Block(
            "latex",
            rf"\frac{{\partial {e}}}{{\partial z_{{1,j}}}} = \sum_k \delta_{{2,k}}\,W_2[j,k] = (\delta_2 W_2^\top)_j"
            rf",\qquad j = 1:\; {dz} = {tex_num(g.dE_dz1[0, 0])}",
        ),
        Block(
            "markdown",
            pick(
                lang,
                "Likewise for the weights: a weight's gradient is its input times the delta it feeds, summed over "
                "the samples n, so the samples' index is contracted — the input matrix goes in transposed:",
                "重みも同じです: 重みの偏微分は「その入力 × その先のデルタ」をサンプル n について足したもので、"
                "サンプルの添字について和を取るため、入力の行列が転置で入ります:",
            ),
        ),
        Block(
            "latex",
            rf"\frac{{\partial {e}}}{{\partial W_2[j,k]}} = \sum_n z_1[n,j]\,\delta_2[n,k] = (z_1^\top\delta_2)[j,k]"
            rf",\qquad j = k = 1:\; {dw2}{more} = {tex_num(g.W2[0, 0])}",
        ),
        Block(
            "latex",
            rf"\frac{{\partial {e}}}{{\partial W_1[i,j]}} = \sum_n x[n,i]\,\delta_1[n,j] = (x^\top\delta_1)[i,j]"
            rf",\qquad i = j = 1:\; {dw1}{more} = {tex_num(g.W1[0, 0])}",
        ),
    ]


# ---------------------------------------------------------------- question 4: bias gradient = delta


def q4_title(lang: str) -> str:
    """The fourth note in the student's own words."""
    return pick(
        lang,
        "「バイアスの偏微分はuの偏微分と同じになる」 (“The bias's partial derivative equals u's”) — ∂E/∂b = δ",
        "「バイアスの偏微分はuの偏微分と同じになる」 — ∂E/∂b = δ",
    )


def q4_blocks(g: dnn.Gradients, lang: str, loss: str = "E") -> list[Block]:
    """Question 4: ∂E/∂b2 next to δ2 and ∂E/∂b1 next to δ1 (for several samples: next to the sum of the rows).
    ``loss`` names the loss differentiated ("E" or "E_sum")."""
    n = len(g.delta2)
    d2, d1 = dnn.claims.delta_row_sums(g)  # for one sample, its one row
    tag = "" if n == 1 else pick(lang, " summed over samples", "（サンプルの合計）")
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "Right. The bias is added to the total input unchanged, u2 = z1·W2 + **b2**, so ∂u2/∂b2 = 1 and "
                f"∂{loss}/∂b2 = ∂{loss}/∂u2 · 1 = δ2 (likewise ∂{loss}/∂b1 = δ1). Think of the bias as a weight whose "
                "input is always 1: a weight's gradient is (its input) × δ, so the bias's is 1 × δ."
                + (f" With N = {n} samples, ∂{loss}/∂b is the sum of the δ rows." if n > 1 else ""),
                "そのとおりです。バイアスは総入力にそのまま足されるので（u2 = z1·W2 + **b2**）∂u2/∂b2 = 1、"
                f"∂{loss}/∂b2 = ∂{loss}/∂u2 · 1 = δ2 です（同様に ∂{loss}/∂b1 = δ1）。バイアスは入力がいつも 1 の"
                "重みだと考えられます: 重みの偏微分は（その入力）× δ なので、バイアスの偏微分は 1 × δ です。"
                + (f"N = {n} 個のサンプルがあるときは、∂{loss}/∂b は δ の各行の合計です。" if n > 1 else ""),
            ),
        ),
        Block("table", _table({f"δ2 = ∂{loss}/∂u2{tag}": d2, f"∂{loss}/∂b2": g.b2}, unit_names("y", len(g.b2)))),
        Block("table", _table({f"δ1 = ∂{loss}/∂u1{tag}": d1, f"∂{loss}/∂b1": g.b1}, unit_names("h", len(g.b1)))),
    ]
    return blocks


# ---------------------------------------------------------------- two conventions of the course


def conventions_title(lang: str) -> str:
    """The expander of the two conventions a careful learner trips over."""
    return pick(
        lang,
        "Two conventions: the 1e-7 in the log, and ReLU's derivative at u = 0",
        "2 つの約束事: log の中の 1e-7 と、u = 0 での ReLU の微分",
    )


def conventions_blocks(net: dnn.Network, fwd: dnn.Forward, d: np.ndarray, lang: str) -> list[Block]:
    """Why the course adds 1e-7 inside the log and what it changes (the loss's ceiling and floor, a gradient
    slightly off y − d), and why a ReLU unit at exactly u = 0 counts as switched off; every number from dnn."""
    claims = dnn.claims
    top, bottom = claims.loss_ceiling(), claims.loss_floor()
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "**The 1e-7 in the log.** The course's `cross_entropy_error` computes −Σ d·log(y + 1e-7). Without "
                "the 1e-7, an output y that rounds to 0 for the target class would give log(0) = −∞ and an infinite "
                f"loss. With it, one sample's loss tops out at −log(1e-7) = {num(top, 6)}, and a perfect output "
                f"y = 1 scores −log(1 + 1e-7) = {sci(bottom)}: the loss can dip slightly below 0. Backprop "
                "uses y − d, the gradient of the loss *without* the 1e-7. The loss with it has a slightly different "
                "gradient while the target's y is well above 1e-7, and a very different one once y falls near "
                "1e-7: there it flattens out at its ceiling.",
                "**log の中の 1e-7。** 講座の `cross_entropy_error` は −Σ d·log(y + 1e-7) を計算します。1e-7 が"
                "なければ、目標のクラスの出力 y が丸められて 0 になったとき log(0) = −∞ となり、誤差が無限大に"
                f"なります。1e-7 があるので、1 個のサンプルの誤差は最大でも −log(1e-7) = {num(top, 6)}、完全な出力 "
                f"y = 1 では −log(1 + 1e-7) = {sci(bottom)} と、0 をわずかに下回ることがあります。誤差逆伝播が"
                "使う y − d は 1e-7 を*除いた*誤差の勾配です。1e-7 を含む誤差の勾配は、目標の y が 1e-7 より十分"
                "大きければわずかに違うだけですが、y が 1e-7 近くまで下がると大きく違います（誤差は最大値で"
                "平らになります）。",
            ),
        )
    ]
    if net.output == "softmax":
        y0, d0 = fwd.y[:1], np.atleast_2d(d)[:1]
        guarded = claims.guarded_delta(y0, d0)[0]
        blocks.append(
            Block(
                "table",
                _table(
                    {
                        pick(
                            lang, "y − d (what backprop uses)", "y − d（誤差逆伝播が使う値）"
                        ): dnn.d_sigmoid_with_loss(d0, y0)[0],
                        pick(lang, "gradient of the loss with the 1e-7", "1e-7 を含む誤差の勾配"): guarded,
                    },
                    unit_names("y", net.n_out),
                    digits=12,
                ),
            )
        )
    elif net.output == "identity":
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    "This scenario's identity output uses the squared error, which has no log and no 1e-7.",
                    "このシナリオの出力は恒等関数で、誤差は二乗誤差なので log も 1e-7 もありません。",
                ),
            )
        )
    kink = claims.relu_kink()
    at_zero = claims.units_at_kink(net.hidden, fwd.u1)
    blocks.append(
        Block(
            "markdown",
            pick(
                lang,
                "**ReLU's derivative at u = 0.** ReLU has a corner at 0, where the slope is not defined. The course's "
                f"`d_relu` is `np.where(x > 0, 1, 0)`, which picks {num(kink.course_derivative)} there: a unit whose "
                "total input is exactly 0 counts as switched off (dead, if that holds for every sample). A central "
                f"difference sees the average of both sides there, (relu(h) − relu(−h)) / 2h = "
                f"{num(kink.central_difference)}, so the gradient check can disagree at such a unit.",
                "**u = 0 での ReLU の微分。** ReLU は 0 に角があり、そこでの傾きは決まりません。講座の `d_relu` は "
                f"`np.where(x > 0, 1, 0)` で、そこでは {num(kink.course_derivative)} を選びます: 総入力がちょうど 0 の"
                "ユニットは止まっているとみなされます（すべてのサンプルでそうなら死んだユニット）。中心差分はそこで"
                f"両側の平均 (relu(h) − relu(−h)) / 2h = {num(kink.central_difference)} を見るので、そのような"
                "ユニットでは勾配チェックが一致しないことがあります。",
            ),
        )
    )
    if at_zero:
        names = ", ".join(f"h{j + 1}" for j in at_zero)
        blocks.append(
            Block(
                "info",
                pick(
                    lang,
                    f"In this scenario u1 is exactly 0 at {names}.",
                    f"このシナリオでは {names} で u1 がちょうど 0 です。",
                ),
            )
        )
    return blocks


# ---------------------------------------------------------------- gradient check


def sci(v: float) -> str:
    """A small number as written on screen, one digit and its exponent: 1e-06 → "1e-6", -1e-07 → "−1e-7"."""
    return f"{v:.0e}".replace("e-0", "e-").replace("e+00", "").replace("-", "−", 1 if v < 0 else 0)


def loss_below_zero_note(output: str, n_out: int, lang: str) -> str:
    """Why the loss can be slightly below 0, with the number a perfect output scores under ``output``'s loss
    (``dnn.claims.perfect_output_loss``); "" for a loss without a log (the squared error is never below 0)."""
    if not dnn.claims.has_loss_guard(output):
        return ""
    floor = sci(dnn.claims.perfect_output_loss(output, n_out))
    return pick(
        lang,
        "The course adds 1e-7 inside each log so that log(0) never happens. So a sample whose output y equals its "
        f"one-hot target d exactly scores E = {floor} instead of 0, and E can be slightly below 0.",
        "講座は log(0) を避けるために各 log の中に 1e-7 を足します。そのため、出力 y が one-hot の目標出力 d に"
        f"ちょうど一致するサンプルの誤差は 0 ではなく E = {floor} になり、E は 0 をわずかに下回ることがあります。",
    )


def gradient_check_unmeasured(check: dnn.GradientCheck, lang: str, loss: str = "E") -> str:
    """Which partial derivatives numerical differentiation cannot measure at this size and why (``check.lost``: the
    nudge's change of the loss is below its rounding; ``check.overflowed``: E(w ± h) overflows); "" when it measured
    every one."""
    k, cells = check.unmeasured, check.cells
    if not k:
        return ""
    reasons_en, reasons_ja = [], []
    if any(m.any() for m in check.lost.values()):
        size = f"{check.loss:.2g}"
        reasons_en.append(
            f"nudging a parameter by h = 10⁻⁵ changes {loss} ≈ {size} by less than the rounding of {loss} itself "
            f"(a float64 number keeps about 16 digits), so {loss}(w + h) − {loss}(w − h) does not show the slope"
        )
        reasons_ja.append(
            f"パラメータを h = 10⁻⁵ 動かしたときの {loss} ≈ {size} の変化が {loss} 自身の丸め（float64 は約 16 桁）"
            f"より小さく、{loss}(w + h) − {loss}(w − h) に傾きが現れません"
        )
    if any(m.any() for m in check.overflowed.values()):
        reasons_en.append(f"{loss}(w ± h) is too large for a float64 number (it overflows)")
        reasons_ja.append(f"{loss}(w ± h) が float64 で表せないほど大きくなります（オーバーフロー）")
    return pick(
        lang,
        f"Numerical differentiation cannot measure {k} of the {cells} partial derivatives at this size (— in the "
        f"chart): {'; '.join(reasons_en)}.",
        f"この大きさでは {cells} 個の偏微分のうち {k} 個を数値微分で測れません（図では —）: {'。'.join(reasons_ja)}。",
    )


def gradient_check_verdict(
    max_rel: float,
    u1: np.ndarray,
    lang: str,
    hidden: str = "relu",
    check: dnn.GradientCheck | None = None,
    loss: str = "E",
    x: np.ndarray | None = None,
) -> Block:
    """The verdict of the gradient check from the largest relative error, under the one rule
    ``dnn.claims.GRADIENT_CHECK_TOLERANCE`` that ``gradient_check_intro`` states.

    A ReLU total input u1 that the nudge h = 1e-5 can carry across 0 (``dnn.claims.near_relu_kink``, with the inputs
    ``x``) sits on the kink: there a
    disagreement is expected and is explained rather than flagged as an error. With ``check``, the partial
    derivatives numerical differentiation cannot measure are named first and the verdict is about the others.
    """
    unmeasured = "" if check is None else gradient_check_unmeasured(check, lang, loss)
    if check is not None and unmeasured and check.unmeasured == check.cells:
        return Block(
            "info",
            unmeasured
            + pick(
                lang,
                " So there is nothing to compare here; with smaller inputs or weights the check can be taken.",
                "そのためここでは比べられません。入力か重みを小さくすると勾配チェックができます。",
            ),
        )
    if unmeasured:
        block = gradient_check_verdict(max_rel, u1, lang, hidden, x=x)
        rest = check.cells - check.unmeasured if check is not None else 0
        other = pick(lang, f" On the other {rest}: ", f"残りの {rest} 個では、")
        return Block(block.kind, unmeasured + other + str(block.body))
    r = f"{max_rel:.1e}" if max_rel > 0 else "0"
    tol = sci(dnn.claims.GRADIENT_CHECK_TOLERANCE)
    if dnn.claims.gradient_check_agrees(max_rel):
        return Block(
            "success",
            pick(
                lang,
                f"Backprop agrees with numerical differentiation: largest relative error {r} (≤ {tol}).",
                f"誤差逆伝播と数値微分は一致しています: 相対誤差の最大値 {r}（{tol} 以下）。",
            ),
        )
    kink = dnn.claims.near_relu_kink(hidden, u1, x)
    reason = (
        pick(
            lang,
            " A total input u1 is so close to 0, where ReLU has a kink, that the nudge of h = 1e-5 carries it across: "
            "the numerical slope mixes both sides.",
            "総入力 u1 が ReLU の折れ目 0 にとても近く、h = 1e-5 のずらしで折れ目をまたぐため、数値微分の傾きが"
            "両側の混ざったものになります。",
        )
        if kink
        else ""
    )
    if max_rel <= dnn.claims.GRADIENT_CHECK_CLOSE:
        return Block(
            "info",
            pick(
                lang,
                f"Not within the rule, but close: largest relative error {r} (> {tol}). Rounding in tiny gradients "
                f"or a kink can cause this.{reason}",
                f"基準には入りませんが近い値です: 相対誤差の最大値 {r}（{tol} より大きい）。とても小さな勾配の"
                f"丸め誤差か折れ目が原因のことがあります。{reason}",
            ),
        )
    return Block(
        "error" if not kink else "warning",
        pick(
            lang,
            f"Backprop and numerical differentiation disagree: largest relative error {r}.{reason}",
            f"誤差逆伝播と数値微分が一致しません: 相対誤差の最大値 {r}。{reason}",
        ),
    )


def gradient_check_intro(reduction: str, n: int, lang: str, output: str = "softmax") -> str:
    """How the numerical gradient is taken and scaled to the screen's reduction, and the one rule for agreement."""
    scale = ""
    if reduction == "sum" and n > 1:
        scale = pick(lang, f", times N = {n} to compare with ∂E_sum/∂w", f"。∂E_sum/∂w と比べるため N = {n} 倍します")
    guard = ""
    if dnn.claims.has_loss_guard(output):
        guard = pick(
            lang,
            " without the 1e-7 that the loss adds inside its log (backprop's y − d is the gradient of the loss "
            "without it)",
            "（誤差が log の中に足す 1e-7 は除きます。誤差逆伝播の y − d はそれを除いた誤差の勾配です）",
        )
    tol = sci(dnn.claims.GRADIENT_CHECK_TOLERANCE)
    return pick(
        lang,
        "Each parameter w is nudged both ways: ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h with h = 10⁻⁵, on the mean loss E"
        f"{guard}{scale}. Colours show the relative error |a − b| / (|a| + |b|) per parameter on a log scale. "
        f"The rule: they agree when the largest relative error is at most {tol} (central differences are accurate "
        "to about h², so a correct backprop lands far below it).",
        "各パラメータ w を両側に少し動かします: ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h、h = 10⁻⁵。平均の誤差 E で"
        f"計算します{guard}{scale}。色はパラメータごとの相対誤差 |a − b| / (|a| + |b|) を対数目盛で示します。"
        f"基準: 相対誤差の最大値が {tol} 以下なら一致とします（中心差分の精度は h² 程度なので、正しい"
        "誤差逆伝播ならずっと小さな値になります）。",
    )


# ---------------------------------------------------------------- one SGD step


def sgd_blocks(
    net: dnn.Network, g: dnn.Gradients, step: dnn.StepReport, lr: float, reduction: str, lang: str
) -> list[Block]:
    """The update of every parameter with numbers, then the loss before/after and the predicted change.

    With the notebook's sum over N > 1 samples the partial derivatives are those of E_sum = Σₙ Eₙ, and the formulas
    say so; the loss before and after is the reported mean E either way."""
    eta = tex_num(lr, 6)
    loss = dnn.claims.loss_symbol(reduction, len(g.delta2))
    e = loss_tex(loss)
    blocks = [
        Block(
            "markdown",
            pick(
                lang,
                "Every weight and bias moves against its partial derivative, scaled by the learning rate "
                f"η = {num(lr, 6)} (the notebook's `network[key] -= learning_rate * grad[key]`):",
                f"重みとバイアスは、それぞれの偏微分に学習率 η = {num(lr, 6)} を掛けた分だけ逆向きに動きます"
                "（ノートブックの `network[key] -= learning_rate * grad[key]`）:",
            ),
        )
    ]
    for name in ("W1", "b1", "W2", "b2"):
        s = f"{name[0]}_{name[1]}"
        before, grad, after = net.params()[name], g.params()[name], step.params_after[name]
        lhs = sym(rf"{s} \leftarrow {s} - \eta\,\frac{{\partial {e}}}{{\partial {s}}}", 10 + 2 * (loss != "E"))
        terms = [
            sym("=", 1) + mat(before, 7, max_cols=SGD_COLS),
            sym(rf"- {eta}\,", 1 + len(eta)) + mat(grad, max_cols=SGD_COLS),
            sym("=", 1) + mat(after, 7, max_cols=SGD_COLS),
        ]
        blocks.append(Block("latex", equation(lhs, terms)))
    gname = "‖g‖²" if loss == "E" else "∇E·g"
    blocks.append(
        loss_change_metrics(
            step,
            Metric(
                pick(lang, f"Predicted ΔE ≈ −η·{gname}", f"予測 ΔE ≈ −η·{gname}"),
                num(step.predicted, 4),
                help=pick(
                    lang,
                    f"First-order Taylor: ΔE ≈ ∇E·Δθ with Δθ = −η·g, g = ∂{loss}/∂θ the gradient used"
                    + (f" (N·∇E with the sum over N = {len(g.delta2)} samples)" if loss != "E" else "")
                    + ". Close to the actual change when η is small.",
                    f"1 次のテイラー展開: ΔE ≈ ∇E·Δθ、Δθ = −η·g（g = ∂{loss}/∂θ は更新に使った勾配"
                    + (f"。N = {len(g.delta2)} 個のサンプルの合計なので N·∇E" if loss != "E" else "")
                    + "）。η が小さければ実際の変化に近くなります。",
                ),
            ),
            lang,
        )
    )
    ratio = step.actual_over_predicted
    if np.isfinite(ratio):
        blocks.append(
            Block(
                "caption",
                pick(
                    lang,
                    f"The actual change is {num(ratio, 3)} × the prediction. Near 1: the step is small enough for the "
                    "straight-line picture of the loss; far from 1 (or a rising loss): η is too large for it.",
                    f"実際の変化は予測の {num(ratio, 3)} 倍です。1 に近ければ誤差を直線で近似できるほど小さなステップ、"
                    "1 から遠い（または誤差が増えた）なら η がその近似には大きすぎます。",
                ),
            )
        )
    return blocks


def loss_change_metrics(step: dnn.StepReport, predicted: Metric, lang: str) -> Block:
    """One update's loss before and after, its first-order prediction (``predicted``: how the rule words it) and
    the actual change, as one row of metrics; ``step`` is a ``dnn.inspect.StepReport``."""
    return Block(
        "metrics",
        (
            Metric(pick(lang, "Loss E before", "更新前の誤差 E"), num(step.loss_before, 8)),
            Metric(
                pick(lang, "Loss E after one step", "1 ステップ後の誤差 E"),
                num(step.loss_after, 8),
                num(step.actual, 4),
                help=pick(lang, "Change: E after − E before.", "変化: 更新後 − 更新前。"),
                delta_color="inverse",  # a falling loss is the good direction
            ),
            predicted,
            Metric(pick(lang, "Actual ΔE", "実際の ΔE"), num(step.actual, 4)),
        ),
    )
