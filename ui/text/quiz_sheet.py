"""Printable worksheets for the quiz and their answer keys, as Markdown and as HTML that prints cleanly (plain
functions, no Streamlit calls; every number comes from ``dnn.quiz``).

A sheet gives the scenario, the checking rule and, for each asked quantity, its formula and one blank per cell,
labelled as the screens label units. The values that come before the first asked quantity are given (a value
between two asked ones could give an answer away: ∂E/∂b2 is δ2 summed over the samples). The answer key is a
separate document with the worked line and the value of every cell; one sheet per scenario (per seed for a class).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import dnn
from dnn import quiz
from dnn.core import Reduction
from ui.text.i18n import OUTPUT_LABELS, ja_join, pick
from ui.widgets.optimizer_controls import name as rule_name

MAX_SHEETS = 60
MAX_SHEET_CELLS = 48  # cells of one quantity on paper (and on screen): the first ones in row-major order


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: its scenario and, when it was drawn from one, its seed."""

    scenario: dnn.Scenario
    seed: int | None = None


def seed_sheets(first: int, last: int) -> list[SheetSpec]:
    """One sheet per seed from ``first`` to ``last`` (at most 60 sheets)."""
    lo, hi = min(first, last), max(first, last)
    return [SheetSpec(quiz.quiz_scenario(s), s) for s in range(lo, min(hi, lo + MAX_SHEETS - 1) + 1)]


@dataclass(frozen=True)
class _Part:
    """One asked quantity on one sheet: its title, formula and (label, worked line without the label, value) per
    cell."""

    name: str
    title: str
    formula: str
    cells: list[tuple[str, str, str]]
    more_cells: int


STEP_QUANTITIES: tuple[str, ...] = tuple(n for n in quiz.ORDER if n.endswith("_new"))


def sgd_step_note(sc: dnn.Scenario, asks: Sequence[str], lang: str) -> str | None:
    """What the quiz and the sheets say when they ask a value after one step but the scenario trains with another
    update rule: the step asked is the notebook's SGD step (``dnn.quiz.true_values``), not the rule's. None when no
    step is asked or the rule is SGD. Momentum's first step from v = 0 is SGD's own (v = −η·g, W + v = W − η·g): said
    so, and held to ``dnn.optimizer_step`` by the tests."""
    if sc.optimizer == "sgd" or not any(n in STEP_QUANTITIES for n in asks):
        return None
    rule, short = rule_name(sc.optimizer, lang), rule_name(sc.optimizer, "en")  # "Momentum（モーメンタム）", "Momentum"
    lr = quiz.fmt(sc.lr)
    if sc.optimizer == "momentum":
        return pick(
            lang,
            f"This scenario trains with {rule}. The values after one step are the notebook's SGD step, "
            f"W − η·∂E/∂W with η = {lr}; {short}'s first step is the same one (its velocity starts at 0, so "
            "v = −η·∂E/∂W), its later steps are not.",
            ja_join("このシナリオの最適化手法は", rule, "です。")
            + "1 ステップ後の値は、ノートブックの SGD の 1 ステップ"
            f"（W − η·∂E/∂W、η = {lr}）です。{short} の最初のステップもこれと同じです（速度 v は 0 から始まるので "
            "v = −η·∂E/∂W）。2 ステップ目からは違います。",
        )
    return pick(
        lang,
        f"This scenario trains with {rule}. The values after one step are the notebook's SGD step, W − η·∂E/∂W "
        f"with η = {lr}, not {short}'s own step.",
        ja_join("このシナリオの最適化手法は", rule, "です。") + "1 ステップ後の値は、ノートブックの SGD の 1 ステップ"
        f"（W − η·∂E/∂W、η = {lr}）で、{short} のステップではありません。",
    )


def _title(spec: SheetSpec, lang: str, answers: bool) -> str:
    what = pick(lang, "answer key", "解答") if answers else pick(lang, "worksheet", "演習シート")
    which = (
        pick(lang, f"seed {spec.seed}", f"シード {spec.seed}")
        if spec.seed is not None
        else pick(lang, "this scenario", "このシナリオ")
    )
    return f"Backprop Lab — {what} ({which})"


def _network_line(sc: dnn.Scenario, reduction: Reduction, lang: str) -> str:
    net, n = sc.network, len(sc.x)
    out_en, out_ja = OUTPUT_LABELS[net.output]
    red = (
        pick(lang, "mean over the samples (δ2 divided by N)", "サンプルの平均（δ2 を N で割る）")
        if reduction == "mean"
        else pick(lang, "sum over the samples (the notebook's)", "サンプルの合計（ノートブックの方式）")
    )
    if n == 1:
        red = pick(lang, "one sample", "サンプル 1 個")
    return pick(
        lang,
        f"{net.n_in} inputs, {net.n_hidden} hidden units ({net.hidden}), {net.n_out} outputs ({out_en}); "
        f"learning rate η = {quiz.fmt(sc.lr)}; {red}.",
        f"入力 {net.n_in} 個、中間層のユニット {net.n_hidden} 個（{net.hidden}）、出力 {net.n_out} 個（{out_ja}）。"
        f"学習率 η = {quiz.fmt(sc.lr)}。{red}。",
    )


def _scenario_arrays(sc: dnn.Scenario) -> list[tuple[str, np.ndarray, list[str], list[str]]]:
    net = sc.network
    xs = [f"x{i + 1}" for i in range(net.n_in)]
    hs = [f"h{i + 1}" for i in range(net.n_hidden)]
    ys = [f"y{i + 1}" for i in range(net.n_out)]
    samples = [f"#{i + 1}" for i in range(len(sc.x))]
    return [
        ("W1", net.W1, xs, hs),
        ("b1", net.b1[None, :], [""], hs),
        ("W2", net.W2, hs, ys),
        ("b2", net.b2[None, :], [""], ys),
        ("x", sc.x, samples, xs),
        ("d", sc.d, samples, ys),
    ]


def _given(
    sc: dnn.Scenario, values: dict[str, np.ndarray], asks: Sequence[str]
) -> list[tuple[str, np.ndarray, list[str], list[str]]]:
    first = min(quiz.ORDER.index(a) for a in asks)
    out = []
    for name in quiz.ORDER[:first]:
        rows, cols = quiz.axis_labels(name, values[name].shape)
        out.append((quiz.QUANTITIES[name].symbol_en, quiz.as_grid(values[name]), rows, cols))
    return out


def _parts(spec: SheetSpec, asks: Sequence[str], reduction: Reduction, lang: str) -> list[_Part]:
    sc = spec.scenario
    values = quiz.true_values(sc, reduction)
    parts = []
    for name in asks:
        q = quiz.QUANTITIES[name]
        all_cells = quiz.cells(name, values[name].shape, lang)
        shown = all_cells[:MAX_SHEET_CELLS]
        grid = quiz.as_grid(values[name])
        rows = [
            (
                quiz.loss_named(c.label, reduction, len(sc.x)),
                f"{quiz.expression(name, sc, values, reduction, c)} = {quiz.fmt(grid[c.row, c.col])}",
                quiz.fmt(grid[c.row, c.col]),
            )
            for c in shown
        ]
        f_en, f_ja = quiz.formula(name, sc.network, len(sc.x), reduction)
        parts.append(
            _Part(
                name,
                quiz.loss_named(f"{q.symbol(lang)} — {pick(lang, q.en, q.ja)}", reduction, len(sc.x)),
                pick(lang, f_en, f_ja),
                rows,
                len(all_cells),
            )
        )
    return parts


def _rule(lang: str) -> str:
    return pick(lang, quiz.RULE_EN, quiz.RULE_JA)


def _more_note(part: _Part, lang: str) -> str:
    if part.more_cells <= len(part.cells):
        return ""
    return pick(
        lang,
        f"(the first {len(part.cells)} of {part.more_cells} cells)",
        f"（{part.more_cells} マスのうち最初の {len(part.cells)} マス）",
    )


# ---------------------------------------------------------------- Markdown


def _md_matrix(name: str, a: np.ndarray, rows: list[str], cols: list[str]) -> str:
    head = f"| {name} | " + " | ".join(cols) + " |"
    rule = "|---|" + "---|" * len(cols)
    body = [f"| {r} | " + " | ".join(quiz.fmt(v) for v in row) + " |" for r, row in zip(rows, a, strict=True)]
    return "\n".join([head, rule, *body])


def sheet_markdown(
    specs: Sequence[SheetSpec], asks: Sequence[str], reduction: Reduction, lang: str, answers: bool = False
) -> str:
    """The worksheets (``answers=False``) or their answer key as one Markdown document, sheets separated by ---."""
    docs = []
    for spec in specs:
        sc = spec.scenario
        values = quiz.true_values(sc, reduction)
        lines = [f"# {_title(spec, lang, answers)}", ""]
        if not answers:
            lines += [pick(lang, "Name: ____________________", "名前: ____________________"), ""]
        lines += [_network_line(sc, reduction, lang), ""]
        if note := sgd_step_note(sc, asks, lang):
            lines += [f"**{note}**", ""]
        for name, a, rows, cols in _scenario_arrays(sc):
            lines += [_md_matrix(name, a, rows, cols), ""]
        given = [] if answers else _given(sc, values, asks)
        if given:
            lines += [f"**{pick(lang, 'Values you may use', '使ってよい値')}**", ""]
            for name, a, rows, cols in given:
                lines += [_md_matrix(name, a, rows, cols), ""]
        lines += [f"*{_rule(lang)}*", ""]
        for i, part in enumerate(_parts(spec, asks, reduction, lang), start=1):
            lines += [f"## {i}. {part.title}", "", f"`{part.formula}` {_more_note(part, lang)}".rstrip(), ""]
            if answers:
                lines += [f"| {pick(lang, 'cell', 'マス')} | {pick(lang, 'worked line', '計算')} |", "|---|---|"]
                lines += [f"| {label} | `{line}` |" for label, line, _ in part.cells]
            else:
                lines += [f"| {pick(lang, 'cell', 'マス')} | {pick(lang, 'your answer', '答え')} |", "|---|---|"]
                lines += [f"| {label} | &nbsp; |" for label, _, _ in part.cells]
            lines.append("")
        docs.append("\n".join(lines))
    return "\n---\n\n".join(docs)


# ---------------------------------------------------------------- HTML

_CSS = """
body { font-family: "Noto Sans", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif; margin: 2em;
       color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0.3em; }
h2 { font-size: 1.1em; margin: 1.2em 0 0.3em; }
table { border-collapse: collapse; margin: 0.3em 1.2em 0.6em 0; display: inline-table; vertical-align: top; }
th, td { border: 1px solid #888; padding: 0.25em 0.6em; text-align: right; }
th { background: #f0f0f0; }
td.blank { width: 12em; height: 1.8em; }
code, td.line { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; text-align: left; }
.rule { font-size: 0.9em; font-style: italic; }
.name { margin: 0.5em 0 1em; }
.part { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { margin: 0; }
  .sheet { break-after: page; page-break-after: always; }
  .sheet:last-child { break-after: auto; page-break-after: auto; }
  th { background: none; }
}
"""


def _html_matrix(name: str, a: np.ndarray, rows: list[str], cols: list[str]) -> str:
    e = html.escape
    head = f"<tr><th>{e(name)}</th>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>"
    body = "".join(
        f"<tr><th>{e(r)}</th>" + "".join(f"<td>{e(quiz.fmt(v))}</td>" for v in row) + "</tr>"
        for r, row in zip(rows, a, strict=True)
    )
    return f"<table>{head}{body}</table>"


def sheet_html(
    specs: Sequence[SheetSpec], asks: Sequence[str], reduction: Reduction, lang: str, answers: bool = False
) -> str:
    """The worksheets or their answer key as one HTML page: one printed page per sheet (``@media print``)."""
    e = html.escape
    sheets = []
    head_cell = pick(lang, "cell", "マス")
    head_answer = pick(lang, "worked line", "計算") if answers else pick(lang, "your answer", "答え")
    for spec in specs:
        sc = spec.scenario
        values = quiz.true_values(sc, reduction)
        out = [f'<section class="sheet"><h1>{e(_title(spec, lang, answers))}</h1>']
        if not answers:
            out.append(f'<p class="name">{e(pick(lang, "Name:", "名前:"))} ____________________</p>')
        out.append(f"<p>{e(_network_line(sc, reduction, lang))}</p>")
        if note := sgd_step_note(sc, asks, lang):
            out.append(f'<p class="step-note"><strong>{e(note)}</strong></p>')
        out.append("<div>")
        out += [_html_matrix(*m) for m in _scenario_arrays(sc)]
        out.append("</div>")
        given = [] if answers else _given(sc, values, asks)
        if given:
            out.append(f"<p><strong>{e(pick(lang, 'Values you may use', '使ってよい値'))}</strong></p><div>")
            out += [_html_matrix(*m) for m in given]
            out.append("</div>")
        out.append(f'<p class="rule">{e(_rule(lang))}</p>')
        for i, part in enumerate(_parts(spec, asks, reduction, lang), start=1):
            out.append(f'<div class="part"><h2>{i}. {e(part.title)}</h2>')
            out.append(f"<p><code>{e(part.formula)}</code> {e(_more_note(part, lang))}</p><table>")
            out.append(f"<tr><th>{e(head_cell)}</th><th>{e(head_answer)}</th></tr>")
            if answers:
                out += [f'<tr><th>{e(label)}</th><td class="line">{e(line)}</td></tr>' for label, line, _ in part.cells]
            else:
                out += [f'<tr><th>{e(label)}</th><td class="blank"></td></tr>' for label, _, _ in part.cells]
            out.append("</table></div>")
        out.append("</section>")
        sheets.append("".join(out))
    title = e(_title(specs[0], lang, answers)) if specs else "Backprop Lab"
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(sheets) + "\n</body></html>\n"
    )
