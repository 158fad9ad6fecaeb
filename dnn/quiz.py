"""The quiz: the notebook's values, in the notebook's order, asked one at a time to be computed by hand.

Each ``Quantity`` (u1, z1, u2, y, E, δ2, ∂E/∂b2, ∂E/∂W2, δ1, ∂E/∂b1, ∂E/∂W1 and the four parameters after one SGD
step) has its true value from ``forward``/``backward``/``sgd_step``, the values it is computed from, its formula
and, for every cell, the formula with the numbers filled in (the hint) and the worked line (the answer).

The reduction over samples is the caller's (the app passes the sidebar's): the notebook sums δ2 = y − d over the
samples ("sum"), the app's default divides it by N ("mean"); with one sample, as in every ``quiz_scenario``, they
are the same numbers.

An answer is right when it is within half a unit of the third significant digit of the true value (``is_right``);
``parse_answer`` reads what a learner types, Japanese input habits included.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from .claims import loss_symbol
from .core import Reduction, backward, exact_loss, forward, sgd_step
from .network import Network, Scenario, ValidationError

# ---------------------------------------------------------------- the quantities, in the notebook's order


@dataclass(frozen=True)
class Quantity:
    """One value the quiz asks for.

    ``name`` is its link name (``ask=delta1``); ``symbol_en``/``symbol_ja`` how the screens write it (δ1, ∂E/∂W1);
    ``en``/``ja`` what it is in the course's words; ``needs`` the quantities (and scenario arrays) it is computed
    from directly; ``rows``/``cols`` the kind of units along its axes: "sample", "x", "h", "y" or "" (none).
    """

    name: str
    symbol_en: str
    symbol_ja: str
    en: str
    ja: str
    needs: tuple[str, ...]
    rows: str
    cols: str

    def symbol(self, lang: str) -> str:
        """The symbol in ``lang`` (only the parameters after the step differ: "new W1" / "更新後の W1")."""
        return self.symbol_ja if lang == "ja" else self.symbol_en


def _q(name: str, symbol: str, en: str, ja: str, needs: tuple[str, ...], rows: str, cols: str) -> Quantity:
    return Quantity(name, symbol, symbol, en, ja, needs, rows, cols)


def _new(param: str, grad: str, rows: str, cols: str) -> Quantity:
    kind_en, kind_ja = ("weight", "重み") if param.startswith("W") else ("bias", "バイアス")
    layer = param[1]
    return Quantity(
        f"{param}_new",
        f"new {param}",
        f"更新後の {param}",
        f"{kind_en} {layer} after one SGD step",
        f"SGD 1 ステップ後の{kind_ja}{layer}",
        (param, "lr", grad),
        rows,
        cols,
    )


QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        _q("u1", "u1", "total input 1", "総入力1", ("x", "W1", "b1"), "sample", "h"),
        _q("z1", "z1", "hidden output 1", "中間層出力1", ("u1",), "sample", "h"),
        _q("u2", "u2", "total input 2", "総入力2", ("z1", "W2", "b2"), "sample", "y"),
        _q("y", "y", "output", "出力", ("u2",), "sample", "y"),
        _q("E", "E", "loss", "誤差", ("y", "d"), "", ""),
        _q("delta2", "δ2", "the output layer's delta dE/du2", "出力層のデルタ dE/du2", ("y", "d"), "sample", "y"),
        _q("gb2", "∂E/∂b2", "partial derivative of bias 2", "バイアス2の偏微分", ("delta2",), "", "y"),
        _q("gW2", "∂E/∂W2", "partial derivative of weight 2", "重み2の偏微分", ("z1", "delta2"), "h", "y"),
        _q(
            "delta1",
            "δ1",
            "the hidden layer's delta dE/du1",
            "中間層のデルタ dE/du1",
            ("delta2", "W2", "u1"),
            "sample",
            "h",
        ),
        _q("gb1", "∂E/∂b1", "partial derivative of bias 1", "バイアス1の偏微分", ("delta1",), "", "h"),
        _q("gW1", "∂E/∂W1", "partial derivative of weight 1", "重み1の偏微分", ("x", "delta1"), "x", "h"),
        _new("W1", "gW1", "x", "h"),
        _new("b1", "gb1", "", "h"),
        _new("W2", "gW2", "h", "y"),
        _new("b2", "gb2", "", "y"),
    )
}
ORDER: tuple[str, ...] = tuple(QUANTITIES)  # the notebook's order: forward pass, loss, backprop, the SGD step
MAX_QUIZ_SEED = 1_000_000
QUIZ_LR = 0.5  # large enough that a parameter visibly moves in its first three digits after one step


def before(name: str) -> tuple[str, ...]:
    """The quantities that come before ``name`` in the notebook's order (the screen shows their values)."""
    return ORDER[: ORDER.index(name)]


def true_values(sc: Scenario, reduction: Reduction = "mean") -> dict[str, np.ndarray]:
    """Every quantity's true value for ``sc``, as ``forward``/``backward``/``sgd_step`` compute it.

    E is the loss backprop differentiates (``exact_loss``: the notebook's cross-entropy without its 1e-7 inside
    the log), as a 0-d array; the rest keep their shapes (per-sample values are N × units).
    """
    net, x, d = sc.network, sc.x, sc.d
    f = forward(net, x)
    g = backward(net, x, d, reduction=reduction)
    new = sgd_step(net, g, sc.lr)
    return {
        "u1": f.u1,
        "z1": f.z1,
        "u2": f.u2,
        "y": f.y,
        "E": np.array(exact_loss(net, x, d)),
        "delta2": g.delta2,
        "gb2": g.b2,
        "gW2": g.W2,
        "delta1": g.delta1,
        "gb1": g.b1,
        "gW1": g.W1,
        "W1_new": new.W1,
        "b1_new": new.b1,
        "W2_new": new.W2,
        "b2_new": new.b2,
    }


def as_grid(value: np.ndarray) -> np.ndarray:
    """A value as the 2-D grid of cells the quiz asks for: a vector is one row, the loss E one cell."""
    return np.atleast_2d(np.asarray(value, dtype=np.float64))


def _unit_labels(kind: str, n: int) -> list[str]:
    if kind == "sample":
        return [f"#{i + 1}" for i in range(n)]
    return [f"{kind}{i + 1}" for i in range(n)] if kind else [""] * n


@dataclass(frozen=True)
class Cell:
    """One cell of an asked quantity: its (row, column) in the grid and its label ("δ1 · h2", "∂E/∂W1 · x1, h3")."""

    row: int
    col: int
    label: str


def cells(name: str, shape: tuple[int, ...], lang: str = "en") -> list[Cell]:
    """The cells of quantity ``name`` (of value shape ``shape``) in row-major order, labelled by their units.

    Per-sample values name the sample only when there are several ("δ1 · #2, h3"), as the heatmaps do.
    """
    q = QUANTITIES[name]
    n_rows, n_cols = as_grid(np.zeros(shape)).shape
    rows, cols = _unit_labels(q.rows, n_rows), _unit_labels(q.cols, n_cols)
    out = []
    for r in range(n_rows):
        for c in range(n_cols):
            parts = [cols[c]] if q.rows in ("", "sample") and n_rows == 1 else [rows[r], cols[c]]
            where = ", ".join(p for p in parts if p)
            label = f"{q.symbol(lang)} · {where}" if where else q.symbol(lang)
            out.append(Cell(r, c, label))
    return out


def axis_labels(name: str, shape: tuple[int, ...]) -> tuple[list[str], list[str]]:
    """Row and column labels of the grid of ``name`` (units, or sample numbers #1, #2, …)."""
    q = QUANTITIES[name]
    n_rows, n_cols = as_grid(np.zeros(shape)).shape
    return _unit_labels(q.rows, n_rows), _unit_labels(q.cols, n_cols)


# ---------------------------------------------------------------- the rule


RULE_EN = (
    "An answer is right when it is within half a unit of the third significant digit of the true value "
    "(for a true value of −0.02612: from −0.02617 to −0.02607; 3 significant digits, −0.0261, is right). "
    "Values smaller than 0.0000005 may be answered 0. Keep at least 4 digits in your intermediate steps."
)
RULE_JA = (
    "正しい値の有効数字 3 桁目の半単位以内なら正解です（正しい値が −0.02612 なら −0.02617〜−0.02607。"
    "有効数字 3 桁の −0.0261 は正解）。0.0000005 より小さい値は 0 と答えても正解です。"
    "途中の計算は 4 桁以上で進めてください。"
)
ABS_FLOOR = 5e-7


def tolerance(true: float) -> float:
    """How far an answer may be from ``true``: half a unit of its third significant digit (at least 5e-7)."""
    t = abs(float(true))
    if t == 0.0 or not math.isfinite(t):
        return ABS_FLOOR
    third_digit = 10.0 ** (math.floor(math.log10(t)) - 2)
    return max(0.5 * third_digit, ABS_FLOOR)


def is_right(answer: float, true: float) -> bool:
    """Whether ``answer`` agrees with ``true`` to 3 significant digits (the rule stated on screen, ``RULE_EN``)."""
    # the tiny relative slack keeps an exactly-rounded decimal answer (0.105 for 0.1045) right despite binary floats
    return abs(float(answer) - float(true)) <= tolerance(true) * (1 + 1e-9)


# ---------------------------------------------------------------- reading a typed answer

# Japanese input habits, mapped before parsing (after NFKC has turned full-width digits, ．，－＋ｅ and the
# full-width space into ASCII): the minus sign U+2212 and other dashes, the long-vowel mark ー that a kana-mode
# keyboard types for "-", and 。、 that it types for "." and ",".
_MINUS_SIGNS = "\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe63\u30fc"
_TRANSLATE = str.maketrans({**dict.fromkeys(_MINUS_SIGNS, "-"), "。": ".", "、": ","})
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?")
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d*)?(?:e[+-]?\d+)?")
MAX_ANSWER_CHARS = 40


def parse_answer(text: str, field: str = "answer") -> float:
    """The number a learner typed, or a ``ValidationError`` naming ``field`` and saying how to write it.

    Read as typed with a Japanese keyboard: full-width digits and signs (０．５, －１), the minus sign "−" (U+2212),
    "ー" for a minus, "。" for the decimal point, spaces after the sign. The decimal point is always "." (or "．",
    "。"); a comma (",", "，", "、") is read only as a thousands separator in groups of three (1,234.5 or
    １，２３４．５) — "0,5" and "0,123" are refused rather than guessed. Exponents as 1.2e-3. Invisible characters
    (a zero-width space, a direction mark) are dropped. Empty text, nan, inf, fractions and anything else are
    refused.
    """
    raw = unicodedata.normalize("NFKC", str(text)).translate(_TRANSLATE)
    # invisible characters a copy from a web page or a PDF carries (zero-width space, direction marks, BOM)
    raw = "".join(ch for ch in raw if unicodedata.category(ch) != "Cf").strip().lower()
    raw = re.sub(r"^([+-])\s+", r"\1", raw)  # "- 0.5": a space after the sign
    if not raw:
        raise ValidationError(field, f"{field} is empty: type a number", f"{field} が空です。数値を入力してください")
    if len(raw) > MAX_ANSWER_CHARS:
        raise ValidationError(
            field,
            f"{field}: too long for a number (at most {MAX_ANSWER_CHARS} characters)",
            f"{field}: 数値としては長すぎます（最大 {MAX_ANSWER_CHARS} 文字）",
        )
    if _GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    elif "," in raw:
        raise ValidationError(
            field,
            f'{field}: write the decimal point as "." (a comma is read only between groups of three digits, 1,234.5)',
            f"{field}: 小数点は「.」で書いてください（カンマは 1,234.5 のような 3 桁区切りとしてだけ読みます）",
        )
    if not _PLAIN.fullmatch(raw):
        raise ValidationError(
            field,
            f"{field} is not a number: type it like -0.0261, 0.5 or 1.2e-3",
            f"{field} は数値として読めません。-0.0261、0.5、1.2e-3 のように入力してください",
        )
    value = float(raw)
    if not math.isfinite(value):
        raise ValidationError(field, f"{field}: the number is too large", f"{field}: 数値が大きすぎます")
    return value


# ---------------------------------------------------------------- formulas, hints and worked lines


ROUNDING_NOISE = 1e-12  # smaller values are what is left of a 0 after rounding (0.3·a − 0.3·a): written as 0


def fmt(v: float, digits: int = 6) -> str:
    """A number as the quiz writes it: ``digits`` significant digits, no trailing zeros, "0" for ±0 and for
    rounding noise (|v| < 1e-12)."""
    v = float(v)
    if abs(v) < ROUNDING_NOISE:
        return "0"
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{v:.{digits}g}").replace("e+", "e")


def _p(v: float) -> str:
    """A number as a factor: negative numbers in parentheses, "0.2·(-0.5)"."""
    s = fmt(v)
    return f"({s})" if s.startswith("-") else s


def _sum(terms: list[str]) -> str:
    """Terms joined by " + ", a negative number subtracted: "0.1 - 0.2"; a lone term without parentheses."""
    if len(terms) == 1 and terms[0].startswith("(-") and "·" not in terms[0]:
        return terms[0][1:-1]
    out = terms[0]
    for t in terms[1:]:
        out += f" - {t[2:-1]}" if t.startswith("(-") and t.endswith(")") and "·" not in t else f" + {t}"
    return out


_HIDDEN_FORMULA: dict[str, tuple[str, str]] = {
    "relu": ("f = ReLU: f(u) = max(0, u)", "f = ReLU: f(u) = max(0, u)"),
    "sigmoid": ("f = sigmoid: f(u) = 1 / (1 + exp(-u))", "f = シグモイド: f(u) = 1 / (1 + exp(-u))"),
    "tanh": ("f = tanh", "f = tanh"),
    "identity": ("f = identity: f(u) = u", "f = 恒等関数: f(u) = u"),
}
_HIDDEN_DERIVATIVE: dict[str, tuple[str, str]] = {
    "relu": ("f′(u) = 1 if u > 0, else 0", "f′(u) = u > 0 なら 1、それ以外は 0"),
    "sigmoid": ("f′(u) = z·(1 - z) with z = f(u)", "f′(u) = z·(1 - z)（z = f(u)）"),
    "tanh": ("f′(u) = 1 - z² with z = tanh(u)", "f′(u) = 1 - z²（z = tanh(u)）"),
    "identity": ("f′(u) = 1", "f′(u) = 1"),
}


def loss_named(text: str, reduction: Reduction, n_samples: int) -> str:
    """``text`` with its derivatives of E named for what they are: with the notebook's sum over several samples
    they are those of E_sum = Σₙ Eₙ (∂E/∂W2 → ∂E_sum/∂W2, dE/du2 → dE_sum/du2); otherwise ``text`` unchanged."""
    if loss_symbol(reduction, n_samples) == "E":
        return text
    return text.replace("∂E/", "∂E_sum/").replace("dE/", "dE_sum/")


def formula(name: str, net: Network, n_samples: int, reduction: Reduction) -> tuple[str, str]:
    """The formula of quantity ``name`` in words and symbols, (English, Japanese), without numbers.

    True for every hidden activation, output layer and reduction: it names the ones ``net`` and ``reduction`` use,
    and the gradients of E_sum with the notebook's sum over several samples.
    """
    en, ja = _formula(name, net, n_samples, reduction)
    return loss_named(en, reduction, n_samples), loss_named(ja, reduction, n_samples)


def _formula(name: str, net: Network, n_samples: int, reduction: Reduction) -> tuple[str, str]:
    many = n_samples > 1
    divide = reduction == "mean" and many
    over_en = "summed over the samples" if many else "(one sample: the sum has one term)"
    over_ja = "サンプルについての和" if many else "（サンプルが 1 個なので和は 1 項）"
    if name == "u1":
        return "u1 = x · W1 + b1", "u1 = x · W1 + b1"
    if name == "z1":
        en, ja = _HIDDEN_FORMULA[net.hidden]
        return f"z1 = f(u1), {en}", f"z1 = f(u1)、{ja}"
    if name == "u2":
        return "u2 = z1 · W2 + b2", "u2 = z1 · W2 + b2"
    if name == "y":
        return {
            "softmax": ("y_k = exp(u2_k) / Σ_j exp(u2_j)  (softmax)", "y_k = exp(u2_k) / Σ_j exp(u2_j)（softmax）"),
            "sigmoid": ("y = 1 / (1 + exp(-u2))  (sigmoid)", "y = 1 / (1 + exp(-u2))（シグモイド）"),
            "identity": ("y = u2  (identity)", "y = u2（恒等関数）"),
        }[net.output]
    if name == "E":
        en, ja = {
            "softmax": (
                "E = -Σ_k d_k·log(y_k)  (cross-entropy, natural log)",
                "E = -Σ_k d_k·log(y_k)（交差エントロピー誤差、自然対数）",
            ),
            "sigmoid": (
                "E = -Σ_k [d_k·log(y_k) + (1 - d_k)·log(1 - y_k)]  (binary cross-entropy, natural log)",
                "E = -Σ_k [d_k·log(y_k) + (1 - d_k)·log(1 - y_k)]（2値交差エントロピー誤差、自然対数）",
            ),
            "identity": ("E = ½·Σ_k (y_k - d_k)²  (squared error)", "E = ½·Σ_k (y_k - d_k)²（二乗誤差）"),
        }[net.output]
        if many:
            en, ja = f"{en}, averaged over the {n_samples} samples", f"{ja}、{n_samples} 個のサンプルの平均"
        return en, ja
    if name == "delta2":
        if divide:
            return (
                f"δ2 = ∂E/∂u2 = (y - d) / N, N = {n_samples}  (the gradient of the mean loss; the notebook's sum "
                "leaves out / N)",
                f"δ2 = ∂E/∂u2 = (y - d) / N、N = {n_samples}（平均誤差の勾配。ノートブックの合計方式は / N なし）",
            )
        if many:  # the sum: the gradient of E_sum = Σₙ Eₙ (formula names it so)
            return "δ2 = ∂E/∂u2 = y - d  (E_sum = Σₙ Eₙ)", "δ2 = ∂E/∂u2 = y - d（E_sum = Σₙ Eₙ）"
        return "δ2 = ∂E/∂u2 = y - d", "δ2 = ∂E/∂u2 = y - d"
    if name == "gb2":
        return f"∂E/∂b2 = δ2, {over_en}", f"∂E/∂b2 = δ2 の{over_ja}"
    if name == "gW2":
        return "∂E/∂W2 = z1ᵀ · δ2  (cell h_j, y_k: Σ z1_j·δ2_k)", "∂E/∂W2 = z1ᵀ · δ2（マス h_j, y_k: Σ z1_j·δ2_k）"
    if name == "delta1":
        en, ja = _HIDDEN_DERIVATIVE[net.hidden]
        return f"δ1 = ∂E/∂u1 = (δ2 · W2ᵀ) ⊙ f′(u1), {en}", f"δ1 = ∂E/∂u1 = (δ2 · W2ᵀ) ⊙ f′(u1)、{ja}"
    if name == "gb1":
        return f"∂E/∂b1 = δ1, {over_en}", f"∂E/∂b1 = δ1 の{over_ja}"
    if name == "gW1":
        return "∂E/∂W1 = xᵀ · δ1  (cell x_i, h_j: Σ x_i·δ1_j)", "∂E/∂W1 = xᵀ · δ1（マス x_i, h_j: Σ x_i·δ1_j）"
    param = name.removesuffix("_new")
    return (
        f"new {param} = {param} - η · ∂E/∂{param}  (one SGD step)",
        f"更新後の {param} = {param} - η · ∂E/∂{param}（SGD 1 ステップ）",
    )


def _hidden_value(hidden: str, u: float) -> str:
    return {
        "relu": f"max(0, {fmt(u)})",
        "sigmoid": f"1 / (1 + exp({fmt(-u)}))",
        "tanh": f"tanh({fmt(u)})",
        "identity": fmt(u),
    }[hidden]


def _hidden_slope(hidden: str, u: float, z: float) -> str:
    if hidden == "relu":
        return "1" if u > 0 else "0"
    if hidden == "sigmoid":
        return f"{_p(z)}·(1 - {_p(z)})"
    if hidden == "tanh":
        return f"(1 - {_p(z)}²)"
    return "1"


def _log_terms(output: str, d: np.ndarray, y: np.ndarray) -> str:
    if output == "softmax":
        return "-(" + _sum([f"{_p(dk)}·log({fmt(yk)})" for dk, yk in zip(d, y, strict=True)]) + ")"
    if output == "sigmoid":
        terms = [f"{_p(dk)}·log({fmt(yk)}) + {_p(1 - dk)}·log({fmt(1 - yk)})" for dk, yk in zip(d, y, strict=True)]
        return "-(" + " + ".join(terms) + ")"
    return "½·(" + " + ".join(f"({fmt(yk)} - {_p(dk)})²" for dk, yk in zip(d, y, strict=True)) + ")"


def expression(name: str, sc: Scenario, values: dict[str, np.ndarray], reduction: Reduction, cell: Cell) -> str:
    """The hint for one cell: the formula of ``name`` with the numbers filled in (6 significant digits), no result.

    ``values`` are ``true_values(sc, reduction)``; the numbers in the hint are the earlier values the screen shows.
    """
    net, x, d = sc.network, sc.x, sc.d
    r, c = cell.row, cell.col
    n = x.shape[0]
    if name == "u1":
        return _sum([f"{_p(x[r, i])}·{_p(net.W1[i, c])}" for i in range(net.n_in)] + [_p(net.b1[c])])
    if name == "z1":
        return _hidden_value(net.hidden, values["u1"][r, c])
    if name == "u2":
        z1 = values["z1"]
        return _sum([f"{_p(z1[r, j])}·{_p(net.W2[j, c])}" for j in range(net.n_hidden)] + [_p(net.b2[c])])
    if name == "y":
        u2 = values["u2"][r]
        if net.output == "softmax":
            return f"exp({fmt(u2[c])}) / (" + " + ".join(f"exp({fmt(u)})" for u in u2) + ")"
        if net.output == "sigmoid":
            return f"1 / (1 + exp({fmt(-u2[c])}))"
        return fmt(u2[c])
    if name == "E":
        y = values["y"]
        per_sample = [_log_terms(net.output, d[s], y[s]) for s in range(n)]
        return per_sample[0] if n == 1 else "(" + " + ".join(per_sample) + f") / {n}"
    if name == "delta2":
        text = f"{fmt(values['y'][r, c])} - {_p(d[r, c])}"
        return f"({text}) / {n}" if reduction == "mean" and n > 1 else text
    if name in ("gb2", "gb1"):
        delta = values["delta2" if name == "gb2" else "delta1"]
        return _sum([_p(delta[s, c]) for s in range(n)])
    if name == "gW2":
        z1, delta2 = values["z1"], values["delta2"]
        return _sum([f"{_p(z1[s, r])}·{_p(delta2[s, c])}" for s in range(n)])
    if name == "delta1":
        delta2 = values["delta2"]
        back = _sum([f"{_p(delta2[r, k])}·{_p(net.W2[c, k])}" for k in range(net.n_out)])
        slope = _hidden_slope(net.hidden, values["u1"][r, c], values["z1"][r, c])
        return f"({back})·{slope}"
    if name == "gW1":
        delta1 = values["delta1"]
        return _sum([f"{_p(x[s, r])}·{_p(delta1[s, c])}" for s in range(n)])
    param = name.removesuffix("_new")
    old = as_grid(net.params()[param])[r, c]
    grad = as_grid(values[{"W1": "gW1", "b1": "gb1", "W2": "gW2", "b2": "gb2"}[param]])[r, c]
    return f"{fmt(old)} - {fmt(sc.lr)}·{_p(grad)}"


def worked_line(name: str, sc: Scenario, values: dict[str, np.ndarray], reduction: Reduction, cell: Cell) -> str:
    """The answer for one cell as a worked line: "δ1 · h2 = (…)·1 = -0.0261197"."""
    true = as_grid(values[name])[cell.row, cell.col]
    return f"{cell.label} = {expression(name, sc, values, reduction, cell)} = {fmt(true)}"


# ---------------------------------------------------------------- scenarios to do by hand


def quiz_scenario(seed: int) -> Scenario:
    """A 2-3-2 ReLU/softmax scenario to compute by hand, the same for the same ``seed`` on every machine.

    Weights and biases have one decimal (−0.5 … 0.5 and −0.3 … 0.3), x holds small whole numbers (1 … 5), d is
    one-hot, η = 0.5, one sample. A coin flip per seed gives exactly one dead ReLU unit (u1 < 0, so its δ1 and its
    column of ∂E/∂W1 are 0) or none — 20 of the seeds 1–30 have one; no u1 is exactly 0 (where ReLU has no
    derivative).
    Every number comes from ``numpy.random.default_rng(seed).integers`` (exact integers, divided by 10 at the end),
    so no floating-point library can change them.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed <= MAX_QUIZ_SEED:
        raise ValidationError(
            "quiz_seed",
            f"quiz_seed must be a whole number from 0 to {MAX_QUIZ_SEED:,}",
            f"quiz_seed は 0〜{MAX_QUIZ_SEED:,} の整数でなければなりません",
        )
    rng = np.random.default_rng(int(seed))
    want_dead = int(rng.integers(0, 2))  # 0 or 1 dead hidden unit
    while True:
        W1 = rng.integers(-5, 6, size=(2, 3))  # tenths
        b1 = rng.integers(-3, 4, size=3)
        x = rng.integers(1, 6, size=(1, 2))
        u1_tenths = x @ W1 + b1  # exact integers: 10·u1
        if np.any(u1_tenths == 0) or int(np.sum(u1_tenths < 0)) != want_dead:
            continue
        W2 = rng.integers(-5, 6, size=(3, 2))
        b2 = rng.integers(-3, 4, size=2)
        target = int(rng.integers(0, 2))
        break
    d = np.zeros((1, 2))
    d[0, target] = 1.0
    net = Network(W1=W1 / 10, b1=b1 / 10, W2=W2 / 10, b2=b2 / 10, hidden="relu", output="softmax")
    return Scenario(network=net, x=x.astype(np.float64), d=d, lr=QUIZ_LR, steps=1000)
