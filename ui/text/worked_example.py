"""A worked example of one SGD step as a Markdown document (no Streamlit here: plain functions, tested alone).

The document follows the course notebook's order — parameters, forward pass, backprop, update — and writes every
quantity as a table with the course's unit names (x1 x2 / h1 h2 h3 / y1 y2), every heading and sentence in the
chosen language. For the first sample and the first unit each step is also written out term by term, so a learner
can redo it by hand. The sidebar offers it as a download ("Worked example (Markdown)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import dnn
from ui.text.i18n import activation_label, output_label, pick

DIGITS = 8  # significant digits of every number (the notebook prints 8 decimals)
MAX_TERMS = 6  # terms of a sum written out; longer sums show the first ones, "…" and the last one

_HIDDEN: dict[str, tuple[str, str, str]] = {
    # name: (z1 = f(u1) as written, f′(u1) as written (en), f′(u1) as written (ja))
    "relu": (
        "relu(u1) = max(0, u1)",
        "relu′(u1) = 1 where u1 > 0, else 0",
        "relu′(u1) = u1 > 0 なら 1、それ以外は 0",
    ),
    "sigmoid": (
        "sigmoid(u1) = 1 / (1 + exp(−u1))",
        "sigmoid′(u1) = sigmoid(u1)·(1 − sigmoid(u1))",
        "sigmoid′(u1) = sigmoid(u1)·(1 − sigmoid(u1))",
    ),
    "tanh": ("tanh(u1)", "tanh′(u1) = 1 − tanh(u1)²", "tanh′(u1) = 1 − tanh(u1)²"),
    "identity": ("identity(u1) = u1", "identity′(u1) = 1", "identity′(u1) = 1（恒等関数）"),
}


def _hidden_words(hidden: str) -> tuple[str, str, str]:
    """f and f′ as written for ``hidden``; an activation registered at run time is written by its name."""
    return _HIDDEN.get(
        hidden,
        (
            f"{hidden}(u1)",
            f"{hidden}′(u1), the derivative registered with it",
            f"{hidden}′(u1)（ともに登録された微分）",
        ),
    )


def _output_words(output: str) -> tuple[str, str, str, str]:
    """y = g(u2), the loss's name (en, ja) and one sample's loss as written; an output layer registered at run time
    is written by its name and its loss's name."""
    name = dnn.OUTPUT_LAYERS[output].loss_name
    return _OUTPUT.get(output, (f"{output}(u2)", name, name, f"{name}(d_n, y_n)"))


_OUTPUT: dict[str, tuple[str, str, str, str]] = {
    # name: (y = g(u2) as written, loss name (en), loss name (ja), loss of one sample as written)
    "softmax": (
        "softmax(u2): y_k = exp(u2_k) / Σ_j exp(u2_j)",
        "cross-entropy",
        "交差エントロピー誤差",
        "−Σ_k d_k·log(y_k + 1e-7)",
    ),
    "sigmoid": (
        "sigmoid(u2) = 1 / (1 + exp(−u2))",
        "binary cross-entropy",
        "2値交差エントロピー誤差",
        "−Σ_k [d_k·log(y_k + 1e-7) + (1 − d_k)·log(1 − y_k + 1e-7)]",
    ),
    "identity": ("identity(u2) = u2", "squared error", "二乗誤差", "½·Σ_k (y_k − d_k)²"),
}


# ---------------------------------------------------------------- numbers and tables


def num(v: float) -> str:
    """A number with ``DIGITS`` significant digits: "0.087065772", "-0.026119734", "1.2" (and never "-0")."""
    v = float(v)
    return "0" if v == 0.0 else f"{v:.{DIGITS}g}"


def _term(v: float) -> str:
    """A number as a factor in a written-out formula: negatives in parentheses, "(-0.5)"."""
    s = num(v)
    return f"({s})" if s.startswith("-") else s


def _sum(terms: Sequence[str]) -> str:
    """Terms joined by " + ", shortened to the first few, "…" and the last one when there are many."""
    if len(terms) > MAX_TERMS:
        terms = [*terms[: MAX_TERMS - 2], "…", terms[-1]]
    return " + ".join(terms)


def units(prefix: str, n: int) -> list[str]:
    """Unit names as the course draws them: units("h", 3) == ["h1", "h2", "h3"]."""
    return [f"{prefix}{i + 1}" for i in range(n)]


def samples(n: int, lang: str) -> list[str]:
    """Row names of per-sample matrices, as the scenario editor shows them: "sample 1" / "サンプル1"."""
    return [pick(lang, f"sample {i + 1}", f"サンプル{i + 1}") for i in range(n)]


def table(values: np.ndarray, rows: Sequence[str], columns: Sequence[str]) -> str:
    """A matrix (or a vector, as one row) as a Markdown table with row and column names."""
    a = np.atleast_2d(np.asarray(values, dtype=np.float64))
    lines = [
        "| | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
        *("| " + r + " | " + " | ".join(num(v) for v in row) + " |" for r, row in zip(rows, a, strict=True)),
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- the document


class _Doc:
    """Markdown under construction: headings, paragraphs and labelled tables, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.parts: list[str] = []

    def t(self, en: str, ja: str) -> str:
        """The text in the document's language."""
        return pick(self.lang, en, ja)

    def heading(self, level: int, en: str, ja: str) -> None:
        """A heading of ``level`` (1 = "#")."""
        self.parts.append("#" * level + " " + self.t(en, ja))

    def para(self, en: str, ja: str) -> None:
        """A paragraph."""
        self.parts.append(self.t(en, ja))

    def matrix(self, label: str, values: np.ndarray, rows: Sequence[str], columns: Sequence[str]) -> None:
        """A bold label line (e.g. "**u1 = x·W1 + b1** — total input") followed by the table."""
        self.parts.append(label + "\n\n" + table(values, rows, columns))

    def text(self) -> str:
        """The whole document, blocks separated by blank lines."""
        return "\n\n".join(self.parts) + "\n"


@dataclass(frozen=True)
class _Step:
    """Everything the sections need: the scenario, its forward pass, gradients, updated network and names."""

    sc: dnn.Scenario
    reduction: str
    f: dnn.Forward
    g: dnn.Gradients
    new: dnn.Network
    e_before: float
    e_after: float
    e_change: float  # e_after − e_before, from dnn.step_report
    loss: str  # "E", or "E_sum" = Σₙ Eₙ when the notebook's sum is taken over N > 1 samples
    rows: list[str]

    @property
    def net(self) -> dnn.Network:
        return self.sc.network

    @property
    def n(self) -> int:
        return len(self.sc.x)


def worked_example_markdown(sc: dnn.Scenario, reduction: str, lang: str) -> str:
    """One SGD step of ``sc`` worked out as Markdown in ``lang`` ("en" or "ja"), in the notebook's order.

    ``reduction`` is "mean" (δ2 = (y − d) / N, the gradient of the reported mean loss) or "sum" (the notebook's
    δ2 = y − d, the gradient of E_sum = Σₙ Eₙ); they agree for one sample.
    """
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', not {reduction!r}")
    net, x, d = sc.network, sc.x, sc.d
    g = dnn.backward(net, x, d, reduction="mean" if reduction == "mean" else "sum")
    new = dnn.sgd_step(net, g, sc.lr)
    report = dnn.step_report(net, x, d, g, sc.lr)  # the same step: the loss before, after, and its change
    step = _Step(
        sc,
        reduction,
        dnn.forward(net, x),
        g,
        new,
        report.loss_before,
        report.loss_after,
        report.actual,
        dnn.claims.loss_symbol(reduction, len(x)),
        samples(len(x), lang),
    )
    doc = _Doc(lang)
    for section in (_summary, _parameters, _forward, _backprop, _update, _after):
        section(doc, step)
    return doc.text()


def _summary(doc: _Doc, s: _Step) -> None:
    """Title, the network and settings in one sentence, how numbers are written."""
    net, n = s.net, s.n
    doc.heading(1, "Backprop Lab — worked example: one SGD step", "Backprop Lab — 計算の手順: SGD 1 ステップ")
    size = f"{net.n_in}-{net.n_hidden}-{net.n_out}"
    if s.reduction == "mean":
        red_en, red_ja = "mean (gradient of the reported mean loss E)", "平均（表示する平均の誤差 E の勾配）"
    else:
        red_en, red_ja = "sum (the notebook's)", "合計（ノートブックの方式）"
    hidden_en, hidden_ja = activation_label(net.hidden, "en"), activation_label(net.hidden, "ja")
    doc.para(
        f"Network {size} (hidden layer: {hidden_en}, output layer: {output_label(net.output, 'en')}), "
        f"N = {n} sample(s), learning rate η = {num(s.sc.lr)}, gradient over the samples: {red_en}.",
        f"ネットワーク {size}（中間層: {hidden_ja}、出力層: {output_label(net.output, 'ja')}）、"
        f"サンプル数 N = {n}、学習率 η = {num(s.sc.lr)}、勾配のまとめ方（サンプル方向）: {red_ja}。",
    )
    if s.loss == "E_sum":
        doc.para(
            f"With the sum over the N = {n} samples every gradient below is that of **E_sum = Σ_n E_n** = N·E, "
            "written ∂E_sum/∂W; the loss E reported before and after the step is the mean.",
            f"N = {n} 個のサンプルについて合計するので、下の勾配はすべて **E_sum = Σ_n E_n** = N·E の勾配で、"
            "∂E_sum/∂W と書きます。更新前後に示す誤差 E は平均です。",
        )
    doc.para(
        f"Every number is computed in float64 and written with {DIGITS} significant digits. The steps follow the "
        "course notebook: parameters, forward pass, backprop, update. One row per sample; the columns are the "
        "units x1, x2, … (inputs), h1, h2, … (hidden layer) and y1, y2, … (outputs).",
        f"数値はすべて float64 で計算し、有効数字 {DIGITS} 桁で書いています。順序は講座のノートブックと同じ"
        "（パラメータ → 順伝播 → 誤差逆伝播 → 更新）です。1 行が 1 サンプル、列はユニット x1, x2, …（入力）、"
        "h1, h2, …（中間層）、y1, y2, …（出力）です。",
    )

    if s.sc.optimizer != "sgd":
        rule = {"momentum": "Momentum", "adagrad": "AdaGrad", "rmsprop": "RMSProp", "adam": "Adam"}[s.sc.optimizer]
        doc.para(
            f"The update here is SGD's, the notebook's: W ← W − η·∂E/∂W. The scenario's update rule is {rule}; "
            "its step, with its state, is on the Backprop screen.",
            f"ここでの更新はノートブックと同じ SGD（W ← W − η·∂E/∂W）です。シナリオの更新則は {rule} で、"
            "その 1 ステップ（状態つき）は誤差逆伝播の画面にあります。",
        )


def _parameters(doc: _Doc, s: _Step) -> None:
    """1. The weights, biases, x, d and η, as the notebook sets them up."""
    net, t = s.net, doc.t
    xs, hs, ys = units("x", net.n_in), units("h", net.n_hidden), units("y", net.n_out)
    doc.heading(2, "1. Parameters and data", "1. パラメータとデータ")
    doc.matrix(
        t(
            "**Weight W1** (inputs × hidden units; notebook: 重み1)",
            "**重み W1**（入力 × 中間層ユニット、ノートブックの「重み1」）",
        ),
        net.W1,
        xs,
        hs,
    )
    doc.matrix(
        t(
            "**Weight W2** (hidden units × outputs; notebook: 重み2)",
            "**重み W2**（中間層ユニット × 出力、ノートブックの「重み2」）",
        ),
        net.W2,
        hs,
        ys,
    )
    doc.matrix(
        t("**Bias b1** (notebook: バイアス1)", "**バイアス b1**（ノートブックの「バイアス1」）"), net.b1, ["b1"], hs
    )
    doc.matrix(
        t("**Bias b2** (notebook: バイアス2)", "**バイアス b2**（ノートブックの「バイアス2」）"), net.b2, ["b2"], ys
    )
    doc.matrix(t("**Input x**", "**入力 x**"), s.sc.x, s.rows, xs)
    doc.matrix(t("**Target d**", "**目標出力 d**（教師データ）"), s.sc.d, s.rows, ys)
    doc.para(f"**Learning rate η** = {num(s.sc.lr)}", f"**学習率 η** = {num(s.sc.lr)}")


def _forward(doc: _Doc, s: _Step) -> None:
    """2. u1, z1, u2, y, Σy and the loss, each with one entry written out term by term."""
    net, f, t, x, d = s.net, s.f, doc.t, s.sc.x, s.sc.d
    hs, ys = units("h", net.n_hidden), units("y", net.n_out)
    rows, s1 = s.rows, s.rows[0]
    hidden_f = _hidden_words(net.hidden)[0]
    out_f, loss_en, loss_ja, loss_one = _output_words(net.output)
    doc.heading(2, "2. Forward pass", "2. 順伝播")
    doc.matrix(
        t(
            "**u1 = x·W1 + b1** — total input of the hidden layer (notebook: 総入力1)",
            "**u1 = x·W1 + b1** — 中間層の総入力（ノートブックの「総入力1」）",
        ),
        f.u1,
        rows,
        hs,
    )
    terms = [f"{_term(x[0, i])} × {_term(net.W1[i, 0])}" for i in range(net.n_in)]
    doc.para(
        f"{s1}, h1: u1 = {_sum([*terms, _term(net.b1[0])])} = {num(f.u1[0, 0])}",
        f"{s1}、h1: u1 = {_sum([*terms, _term(net.b1[0])])} = {num(f.u1[0, 0])}",
    )
    doc.matrix(
        t(
            f"**z1 = f(u1)** — output of the hidden layer, f = {hidden_f} (notebook: 中間層出力1)",
            f"**z1 = f(u1)** — 中間層出力、f = {hidden_f}（ノートブックの「中間層出力1」）",
        ),
        f.z1,
        rows,
        hs,
    )
    doc.matrix(
        t(
            "**u2 = z1·W2 + b2** — total input of the output layer (notebook: 総入力2)",
            "**u2 = z1·W2 + b2** — 出力層の総入力（ノートブックの「総入力2」）",
        ),
        f.u2,
        rows,
        ys,
    )
    terms = [f"{_term(f.z1[0, j])} × {_term(net.W2[j, 0])}" for j in range(net.n_hidden)]
    doc.para(
        f"{s1}, y1: u2 = {_sum([*terms, _term(net.b2[0])])} = {num(f.u2[0, 0])}",
        f"{s1}、y1: u2 = {_sum([*terms, _term(net.b2[0])])} = {num(f.u2[0, 0])}",
    )
    doc.matrix(
        t(f"**y = {out_f}** — output (notebook: 出力1)", f"**y = {out_f}** — 出力（ノートブックの「出力1」）"),
        f.y,
        rows,
        ys,
    )
    if net.output == "softmax":
        exps = [f"exp({num(f.u2[0, k])})" for k in range(net.n_out)]
        doc.para(
            f"{s1}, y1 = {exps[0]} / ({_sum(exps)}) = {num(f.y[0, 0])}",
            f"{s1}、y1 = {exps[0]} / ({_sum(exps)}) = {num(f.y[0, 0])}",
        )
        sums = dnn.claims.output_sums(f.y)
        doc.matrix(
            t(
                "**Σy** — sum of the outputs of each sample: softmax makes it 1 (the notebook's 出力合計 `np.sum(y)` "
                f"adds every sample: {sums.notebook_total!r}; its last digit depends on the CPU's BLAS kernel)",
                "**Σy** — 各サンプルの出力の合計。softmax なので 1 になります（ノートブックの「出力合計」"
                f"`np.sum(y)` はすべてのサンプルを足します: {sums.notebook_total!r}。最後の桁は CPU の BLAS "
                "カーネルによって変わります）",
            ),
            sums.per_sample[:, None],
            rows,
            ["Σy"],
        )
    per_sample = dnn.sample_losses(net, f.y, d)
    doc.matrix(
        t(
            f"**Loss E of each sample** — {loss_en}: E_n = {loss_one}",
            f"**サンプルごとの誤差 E** — {loss_ja}: E_n = {loss_one}",
        ),
        per_sample[:, None],
        rows,
        ["E"],
    )
    told = net.output == "softmax"  # the notebook's own loss is the softmax cross-entropy
    doc.para(
        f"**Loss E** = (1/N)·Σ_n E_n (mean over the N = {s.n} sample(s)) = **{num(s.e_before)}**."
        + (" The notebook computes this loss but never prints it." if told else ""),
        f"**誤差 E** = (1/N)·Σ_n E_n（N = {s.n} 個のサンプルの平均）= **{num(s.e_before)}**。"
        + ("ノートブックはこの誤差を計算していますが、表示はしていません。" if told else ""),
    )


_WHY_Y_MINUS_D: dict[str, tuple[str, str]] = {
    "softmax": (
        "the chain rule through softmax leaves −d + y·Σd, which is y − d because the target adds up to 1",
        "softmax を通る連鎖律は −d + y·Σd になり、目標出力の合計が 1 なので y − d になります",
    ),
    "sigmoid": (
        "the sigmoid's derivative y(1 − y) cancels the loss's denominator",
        "シグモイド関数の微分 y(1 − y) が誤差の微分の分母と打ち消し合います",
    ),
    "identity": (
        "nothing has to cancel: dy/du2 = 1 and the squared error's derivative is already y − d",
        "打ち消し合うものはありません: dy/du2 = 1 で、二乗誤差の微分がそのまま y − d です",
    ),
}


def _backprop(doc: _Doc, s: _Step) -> None:
    """3. δ2, the chain rule's factors, δ1 and the four partial derivatives, one entry of each written out."""
    net, f, g, t, x, d, n = s.net, s.f, s.g, doc.t, s.sc.x, s.sc.d, s.n
    xs, hs, ys = units("x", net.n_in), units("h", net.n_hidden), units("y", net.n_out)
    rows, s1, e = s.rows, s.rows[0], s.loss
    _, hidden_df_en, hidden_df_ja = _hidden_words(net.hidden)
    _, loss_en, _, _ = _output_words(net.output)
    doc.heading(2, "3. Backprop", "3. 誤差逆伝播")
    if net.output not in _WHY_Y_MINUS_D:  # registered at run time: its own delta, not necessarily y − d
        divided = s.reduction == "mean" and n > 1
        formula = "∂E_n/∂u2 / N" if divided else "∂E_n/∂u2"
        doc.para(
            f"For {net.output} + {loss_en} the delta of one sample, ∂E_n/∂u2, is the one registered with the output "
            "layer (it need not be y − d)"
            + (f"; because E is the mean over the N = {n} samples, δ2 is divided by N." if divided else "."),
            f"「{output_label(net.output, 'ja')}」の 1 サンプルのデルタ ∂E_n/∂u2 は、出力層とともに登録されたものです"
            "（y − d とは限りません）"
            + (f"。E は N = {n} 個のサンプルの平均なので、δ2 を N で割ります。" if divided else "。"),
        )
    elif s.reduction == "mean":
        why_en, why_ja = _WHY_Y_MINUS_D[net.output]
        formula = "(y − d) / N" if n > 1 else "y − d"
        doc.para(
            f"For {net.output} + {loss_en} the delta of one sample is y − d: {why_en}. Because E is the mean over "
            f"the N = {n} sample(s), δ2 is divided by N"
            + (" (with one sample it is just y − d, as in the notebook)." if n == 1 else "."),
            f"「{output_label(net.output, 'ja')}」では 1 サンプルのデルタは y − d です: {why_ja}。E は N = {n} 個の"
            "サンプルの平均なので、δ2 を N で割ります"
            + ("（サンプルが 1 個なら y − d のままで、ノートブックと同じです）。" if n == 1 else "。"),
        )
    else:
        why_en, why_ja = _WHY_Y_MINUS_D[net.output]
        formula = "y − d"
        doc.para(
            f"For {net.output} + {loss_en} the delta of one sample is y − d: {why_en}. The notebook's convention "
            "(`d_sigmoid_with_loss`) does not divide it by N"
            + (
                f", so these are the gradients of E_sum = Σ_n E_n, N = {n} times the gradient of the mean loss E."
                if n > 1
                else " (with one sample that makes no difference)."
            ),
            f"「{output_label(net.output, 'ja')}」では 1 サンプルのデルタは y − d です: {why_ja}。ノートブックの方式"
            "（`d_sigmoid_with_loss`）は N で割りません"
            + (
                f"。そのためこれは E_sum = Σ_n E_n の勾配で、平均の誤差 E の勾配の N = {n} 倍です。"
                if n > 1
                else "が、サンプルが 1 個なので平均の勾配と同じです。"
            ),
        )
    doc.matrix(
        t(
            f"**δ2 = d{e}/du2 = {formula}** — delta of the output layer (notebook: 偏微分_dE/du2)",
            f"**δ2 = d{e}/du2 = {formula}** — 出力層のデルタ、総入力 u2 についての {e} の偏微分"
            "（ノートブックの「偏微分_dE/du2」）",
        ),
        g.delta2,
        rows,
        ys,
    )
    div = f" / {n}" if s.reduction == "mean" and n > 1 else ""
    open_, close = ("(", ")") if div else ("", "")
    if net.output in _WHY_Y_MINUS_D:  # y − d written out (a registered layer's own delta has no such form here)
        doc.para(
            f"{s1}, y1: δ2 = {open_}{_term(f.y[0, 0])} − {_term(d[0, 0])}{close}{div} = {num(g.delta2[0, 0])}",
            f"{s1}、y1: δ2 = {open_}{_term(f.y[0, 0])} − {_term(d[0, 0])}{close}{div} = {num(g.delta2[0, 0])}",
        )
    doc.matrix(
        t(
            f"**d{e}/dz1 = δ2·W2ᵀ** — the chain rule's first factor: du2/dz1 = W2",
            f"**d{e}/dz1 = δ2·W2ᵀ** — 連鎖律の 1 つ目の因子: du2/dz1 = W2",
        ),
        g.dE_dz1,
        rows,
        hs,
    )
    doc.matrix(
        t(
            f"**f′(u1) = dz1/du1** — the chain rule's second factor: {hidden_df_en}",
            f"**f′(u1) = dz1/du1** — 連鎖律の 2 つ目の因子: {hidden_df_ja}",
        ),
        g.dz1_du1,
        rows,
        hs,
    )
    if net.hidden == "relu":
        doc.para(
            "The notebook passes z1 to `d_relu`; for ReLU that gives the same mask as u1 (z1 > 0 exactly where "
            "u1 > 0), but other activations need their derivative at u1.",
            "ノートブックは `d_relu` に z1 を渡しています。ReLU では u1 と同じ結果（u1 > 0 のところでちょうど "
            "z1 > 0）になりますが、ほかの活性化関数では u1 での微分が必要です。",
        )
    doc.matrix(
        t(
            f"**δ1 = d{e}/du1 = (δ2·W2ᵀ) ⊙ f′(u1)** — delta of the hidden layer, ⊙ = element by element "
            "(notebook: 偏微分_dE/du1)",
            f"**δ1 = d{e}/du1 = (δ2·W2ᵀ) ⊙ f′(u1)** — 中間層のデルタ、⊙ は要素ごとの積（ノートブックの"
            "「偏微分_dE/du1」）",
        ),
        g.delta1,
        rows,
        hs,
    )
    terms = [f"{_term(g.delta2[0, k])} × {_term(net.W2[0, k])}" for k in range(net.n_out)]
    doc.para(
        f"{s1}, h1: δ1 = ({_sum(terms)}) × {_term(g.dz1_du1[0, 0])} = {num(g.delta1[0, 0])}",
        f"{s1}、h1: δ1 = ({_sum(terms)}) × {_term(g.dz1_du1[0, 0])} = {num(g.delta1[0, 0])}",
    )
    doc.matrix(
        t(
            f"**∂{e}/∂W1 = xᵀ·δ1** — partial derivative of {e} with respect to weight W1 (notebook: 偏微分_重み1)",
            f"**∂{e}/∂W1 = xᵀ·δ1** — 重み W1 についての {e} の偏微分（ノートブックの「偏微分_重み1」）",
        ),
        g.W1,
        xs,
        hs,
    )
    terms = [f"{_term(x[k, 0])} × {_term(g.delta1[k, 0])}" for k in range(n)]
    doc.para(
        f"x1, h1: ∂{e}/∂W1 = {_sum(terms)} = {num(g.W1[0, 0])}" + (" (one term per sample)" if n > 1 else ""),
        f"x1、h1: ∂{e}/∂W1 = {_sum(terms)} = {num(g.W1[0, 0])}" + ("（サンプルごとに 1 項）" if n > 1 else ""),
    )
    doc.matrix(
        t(
            f"**∂{e}/∂W2 = z1ᵀ·δ2** — partial derivative of {e} with respect to weight W2 (notebook: 偏微分_重み2)",
            f"**∂{e}/∂W2 = z1ᵀ·δ2** — 重み W2 についての {e} の偏微分（ノートブックの「偏微分_重み2」）",
        ),
        g.W2,
        hs,
        ys,
    )
    terms = [f"{_term(f.z1[k, 0])} × {_term(g.delta2[k, 0])}" for k in range(n)]
    doc.para(
        f"h1, y1: ∂{e}/∂W2 = {_sum(terms)} = {num(g.W2[0, 0])}",
        f"h1、y1: ∂{e}/∂W2 = {_sum(terms)} = {num(g.W2[0, 0])}",
    )
    doc.matrix(
        t(
            f"**∂{e}/∂b1 = Σ over samples of δ1** (`np.sum(delta1, axis=0)`; notebook: 偏微分_バイアス1)",
            f"**∂{e}/∂b1 = δ1 のサンプルについての和**（`np.sum(delta1, axis=0)`、ノートブックの「偏微分_バイアス1」）",
        ),
        g.b1,
        [f"∂{e}/∂b1"],
        hs,
    )
    doc.matrix(
        t(
            f"**∂{e}/∂b2 = Σ over samples of δ2** (`np.sum(delta2, axis=0)`; notebook: 偏微分_バイアス2)",
            f"**∂{e}/∂b2 = δ2 のサンプルについての和**（`np.sum(delta2, axis=0)`、ノートブックの「偏微分_バイアス2」）",
        ),
        g.b2,
        [f"∂{e}/∂b2"],
        ys,
    )
    if n == 1:
        doc.para(
            "With one sample the sum over axis 0 (the batch axis) has one term: a bias's partial derivative equals "
            "the delta of its layer (∂E/∂b1 = δ1, ∂E/∂b2 = δ2).",
            "サンプルが 1 個なので axis 0（バッチの軸）についての和は 1 項だけで、バイアスの偏微分はその層のデルタ"
            "（総入力 u についての偏微分）と同じになります（∂E/∂b1 = δ1、∂E/∂b2 = δ2）。",
        )
    else:
        doc.para(
            f"The sum over axis 0 (the batch axis) adds the contributions of the N = {n} samples: a bias's partial "
            "derivative is the sum of its layer's deltas.",
            f"axis 0（バッチの軸）についての和で、N = {n} 個のサンプルの寄与を足し合わせます。"
            "バイアスの偏微分はその層のデルタの和です。",
        )


def _update(doc: _Doc, s: _Step) -> None:
    """4. W ← W − η·∂E/∂W for every parameter, the first entry of each written out."""
    net, g, new, t, e, lr = s.net, s.g, s.new, doc.t, s.loss, s.sc.lr
    xs, hs, ys = units("x", net.n_in), units("h", net.n_hidden), units("y", net.n_out)
    doc.heading(2, f"4. Update: W ← W − η·∂{e}/∂W", f"4. 更新: W ← W − η·∂{e}/∂W")
    doc.para(
        f"Every parameter moves by −η times its partial derivative, with learning rate η = {num(lr)} "
        "(notebook: 更新後パラメータ).",
        f"各パラメータは、偏微分に学習率 η = {num(lr)} を掛けた分だけ逆向きに動きます"
        "（ノートブックの「更新後パラメータ」）。",
    )
    updates = (
        ("W1", t("Weight", "重み"), net.W1, g.W1, new.W1, xs, hs),
        ("W2", t("Weight", "重み"), net.W2, g.W2, new.W2, hs, ys),
        ("b1", t("Bias", "バイアス"), net.b1, g.b1, new.b1, ["b1"], hs),
        ("b2", t("Bias", "バイアス"), net.b2, g.b2, new.b2, ["b2"], ys),
    )
    for name, kind, old, grad, updated, r, c in updates:
        doc.matrix(
            t(f"**{kind} {name} after the step**", f"**更新後の{kind} {name}**"),
            updated,
            r,
            c,
        )
        o, gr, nw = (np.atleast_2d(a)[0, 0] for a in (old, grad, updated))
        doc.para(
            f"{c[0] if name.startswith('b') else f'{r[0]}, {c[0]}'}: "
            f"{name} = {num(o)} − {_term(lr)} × {_term(gr)} = {num(nw)}",
            f"{c[0] if name.startswith('b') else f'{r[0]}、{c[0]}'}: "
            f"{name} = {num(o)} − {_term(lr)} × {_term(gr)} = {num(nw)}",
        )


def _after(doc: _Doc, s: _Step) -> None:
    """5. The loss after the step and its change."""
    doc.heading(2, "5. Loss after the step", "5. 更新後の誤差")
    change = s.e_change
    doc.para(
        f"**Loss E after the step** = **{num(s.e_after)}** (before: {num(s.e_before)}, change: {num(change)}).",
        f"**更新後の誤差 E** = **{num(s.e_after)}**（更新前: {num(s.e_before)}、変化: {num(change)}）。",
    )
