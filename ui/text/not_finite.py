"""What the screens say when the numbers leave the finite floats: a loss that is not finite before any step
(``dnn.not_finite_at_start``) and an SGD step that overflows (``dnn.StepReport.overflow``). Plain text, no
Streamlit: the pages draw it."""

from __future__ import annotations

import dnn
from ui.text.i18n import pick

# The forward pass's values in the course's words, for "… overflows".
_QUANTITY = {
    "u1": ("the total input u1 of the hidden layer", "中間層の総入力 u1"),
    "z1": ("the hidden layer's output z1", "中間層出力 z1"),
    "u2": ("the total input u2 of the output layer", "出力層の総入力 u2"),
    "y": ("the output y", "出力 y"),
    "E": ("the loss E itself", "誤差 E そのもの"),
}


def cell_name(cell: dnn.Cell, lang: str) -> str:
    """A value of the scenario named as on the Scenario screen, counted from 1: "W1[1, 2] (x1 → h2)",
    "b2[1] (y1)", "x[2, 1] (sample #2, x1)"."""
    at = ", ".join(str(i + 1) for i in cell.index)
    i = [k + 1 for k in cell.index]
    where = {
        "W1": lambda: f"x{i[0]} → h{i[1]}",
        "W2": lambda: f"h{i[0]} → y{i[1]}",
        "b1": lambda: f"h{i[-1]}",
        "b2": lambda: f"y{i[-1]}",
        "x": lambda: pick(lang, f"sample #{i[0]}, x{i[1]}", f"サンプル #{i[0]}、x{i[1]}"),
    }[cell.name]()
    return pick(lang, f"{cell.name}[{at}] ({where})", f"{cell.name}[{at}]（{where}）")


def start_text(nf: dnn.NotFinite, lang: str, whose: str | None = None) -> str:
    """The scenario's loss is not a finite number at step 0: what overflows, and the value to make smaller.

    ``whose`` names the scenario when a screen shows two ("the baseline").
    """
    quantity_en, quantity_ja = _QUANTITY[nf.quantity]
    cell, value = cell_name(nf.largest, lang), f"{nf.largest.value:.3g}"
    subject_en = f"The loss E of {whose}" if whose else "The scenario's loss E"
    subject_ja = f"{whose}の誤差 E" if whose else "シナリオの誤差 E"
    return pick(
        lang,
        f"**{subject_en} is not a finite number at the start (step 0):** {quantity_en} overflows. The largest "
        f"value is {cell} = {value}: make it (and any other very large weight, bias or input) smaller on the "
        "Scenario screen, or undo the last change in the sidebar.",
        f"**{subject_ja} が最初（ステップ 0）から有限の数ではありません:** {quantity_ja}がオーバーフローしています。"
        f"いちばん大きな値は {cell} = {value} です。シナリオの画面でこの値（とほかのとても大きな重み・バイアス・"
        "入力）を小さくするか、サイドバーで直前の変更を元に戻してください。",
    )


def check_text(lang: str) -> str:
    """The gradient check cannot compare numbers that are not finite."""
    return pick(
        lang,
        "The gradient check needs finite numbers: here a partial derivative (or the loss it is taken of) is inf or "
        "nan, so backprop and numerical differentiation cannot be compared.",
        "勾配チェックには有限の数が必要です。ここでは偏微分（またはその元の誤差）が inf か nan なので、"
        "誤差逆伝播と数値微分を比べられません。",
    )


def step_text(report: dnn.StepReport, lang: str) -> str:
    """One step (of any update rule) overflows: which parameter leaves the finite numbers, and what is shown."""
    cell = report.overflow
    assert cell is not None
    name, value = cell_name(cell, lang), f"{cell.value}"
    return pick(
        lang,
        f"**This step overflows:** {name} would become {value}, which is not a finite number, so there is no "
        "network after the step and no loss after it. The update formulas below show what the step computes; make "
        "the learning rate η or the largest values smaller to take a real step.",
        f"**この 1 ステップはオーバーフローします:** {name} が {value} になり、有限の数ではなくなるため、"
        "更新後のネットワークも更新後の誤差もありません。下の更新式はこのステップが計算する値です。"
        "学習率 η かいちばん大きな値を小さくすると、実際に更新できます。",
    )
