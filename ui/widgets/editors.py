"""The scenario editor: grids for W1, b1, W2, b2, x, d, and controls for sizes, activations, η, steps and presets.

Every widget only *edits* the scenario in ``ui.session.state``: its callback (for the grids, ``apply_pending_edits`` at
the start of the run) builds a new ``dnn.Scenario`` and hands it to ``state.set_scenario``. A value the scenario
refuses (nan, a target softmax cannot produce, ...) is reported with the matrix and the cell, and the last good
scenario stays. Widget keys carry ``state.editor_version()`` so that a
reset, preset, undo or resize redraws every grid from the scenario (see streamlit-notes.md, data_editor).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

import dnn
from ui.session import codec, presets, shapes, state
from ui.text.i18n import ACTIVATION_LABELS, OUTPUT_LABELS, activation_label, current_lang, pick, tr
from ui.widgets import teacher_view
from ui.widgets.number_box import NumberRule, number_box, read_box, refuse

MATRICES: tuple[str, ...] = ("W1", "b1", "W2", "b2", "x", "d")
# Labels of the activation menus (English, Japanese), by the registries' names: the one table in ui.text.i18n. A name
# without one (an entry added to dnn.ACTIVATIONS or dnn.OUTPUT_LAYERS) is labelled with the name itself.
HIDDEN_LABELS: dict[str, tuple[str, str]] = ACTIVATION_LABELS


def menu(names: Iterable[str], labels: Mapping[str, tuple[str, str]], lang: str) -> dict[str, str]:
    """Each name in ``names`` (in order) with its label in ``lang``; the name itself where ``labels`` has none."""
    return {name: pick(lang, *labels[name]) if name in labels else name for name in names}


def hidden_menu(lang: str) -> dict[str, str]:
    """The hidden-activation menu: every name in ``dnn.ACTIVATIONS`` as it is now, with its label."""
    return menu(dnn.ACTIVATIONS, HIDDEN_LABELS, lang)


def output_menu(lang: str) -> dict[str, str]:
    """The output-layer menu: every name in ``dnn.OUTPUT_LAYERS`` as it is now, with its label (output + loss)."""
    return menu(dnn.OUTPUT_LAYERS, OUTPUT_LABELS, lang)


class CellError(ValueError):
    """An edited cell that is not a finite number; ``cell`` names it like "W1[x2, h3]"."""

    def __init__(self, cell: str, value: Any, en: str | None = None, ja: str | None = None) -> None:
        if en is not None:
            self.en, self.ja = en, ja or en
        elif value is None or (isinstance(value, str) and not value.strip()):  # a cell that was emptied
            self.en, self.ja = f"{cell} is empty; type a number", f"{cell} が空です。数値を入力してください"
        else:
            self.en, self.ja = f"{cell}: {value} is not a number", f"{cell}: {value} は数値ではありません"
        super().__init__(self.en)
        self.cell, self.value = cell, value


def cell_text(value: float) -> str:
    """A grid cell's text: 4 decimals, as the grids have always shown them; very small or very large values in
    exponent form so that they do not read as 0.0000 or fill the cell (1e-07, 1.235e+15)."""
    if value == 0 or 1e-4 <= abs(value) < 1e7:
        return f"{value:.4f}"
    return f"{value:.4g}"


def cell_value(text_or_number: Any, current: float, cell: str) -> float:
    """The number a grid cell holds after an edit; CellError when it holds none.

    The grids are text cells read by the app's own parser (``codec.number_from_typed``): Streamlit's number cells
    drop what they do not understand, so that 1e-3 arrived as -13 and 2.5e2 as 2.52. Text the grid already showed
    for the cell (its 4 decimals) keeps the full-precision value; numbers (tests, older sessions) are taken as
    they are.
    """
    value = text_or_number
    if isinstance(value, str):
        if value.strip() == cell_text(current):
            return current
        if not value.strip():
            raise CellError(cell, None)
        try:
            return codec.number_from_typed(value, (cell, cell))
        except codec.BadValueError as e:
            raise CellError(cell, value, e.en, e.ja) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CellError(cell, value)
    return float(value)


def units(prefix: str, n: int) -> list[str]:
    """Unit names as the course draws them: units("h", 3) == ["h1", "h2", "h3"]."""
    return [f"{prefix}{i + 1}" for i in range(n)]


@dataclass(frozen=True)
class Grid:
    """A matrix of the scenario as the editor shows it: 2-D values, row labels and column names (unit names)."""

    name: str
    values: np.ndarray
    rows: list[str]
    columns: list[str]

    def cell(self, r: int, c: int) -> str:
        """The cell's name in messages: "W1[x2, h3]", "b1[h3]", "x[sample 1, x2]"."""
        if self.name in ("b1", "b2"):
            return f"{self.name}[{self.columns[c]}]"
        return f"{self.name}[{self.rows[r]}, {self.columns[c]}]"


def grid(sc: dnn.Scenario, name: str) -> Grid:
    """The grid for one of W1, b1, W2, b2, x, d: W1's rows are the inputs x1.., its columns the hidden units h1..;
    x and d have one row per sample."""
    net = sc.network
    xs, hs, ys = units("x", net.n_in), units("h", net.n_hidden), units("y", net.n_out)
    samples = [tr(f"sample {i + 1}", f"サンプル{i + 1}") for i in range(len(sc.x))]
    layout: dict[str, tuple[np.ndarray, list[str], list[str]]] = {
        "W1": (net.W1, xs, hs),
        "b1": (net.b1[None, :], ["b1"], hs),
        "W2": (net.W2, hs, ys),
        "b2": (net.b2[None, :], ["b2"], ys),
        "x": (sc.x, samples, xs),
        "d": (sc.d, samples, ys),
    }
    values, rows, columns = layout[name]
    return Grid(name, np.array(values, dtype=np.float64), rows, columns)


def read_edits(g: Grid, edited_rows: dict[Any, dict[Any, Any]]) -> tuple[list[tuple[int, int, float]], list[CellError]]:
    """The cells a data_editor delta changes, as (row, column, value), and a CellError for each cell that holds
    no usable number (a paste may bring both).

    Columns are keyed by name ("h2"); a position ("1") is accepted too.
    """
    cells, errors = [], []
    n_rows, n_cols = g.values.shape
    for row, changes in edited_rows.items():
        r = int(row)
        for col, value in changes.items():
            c = g.columns.index(col) if col in g.columns else int(col) if str(col).isdigit() else -1
            if not (0 <= r < n_rows and 0 <= c < n_cols):
                continue  # not a cell of this grid (cannot come from the versioned key; ignore rather than crash)
            try:
                cells.append((r, c, cell_value(value, float(g.values[r, c]), g.cell(r, c))))
            except CellError as e:
                errors.append(e)
    return cells, errors


def apply_edits(g: Grid, edited_rows: dict[Any, dict[Any, Any]]) -> list[tuple[int, int, float]]:
    """The cells a data_editor delta changes, as (row, column, value); raises the first CellError, if any."""
    cells, errors = read_edits(g, edited_rows)
    if errors:
        raise errors[0]
    return cells


def with_matrix(sc: dnn.Scenario, name: str, values: np.ndarray) -> dnn.Scenario:
    """The scenario with one matrix replaced (validated by dnn)."""
    if name in ("W1", "b1", "W2", "b2"):
        value = values[0] if name in ("b1", "b2") else values
        return sc.replace(network=sc.network.replace(**{name: value}))
    return sc.replace(**{name: values})


def editor_key(name: str) -> str:
    """The widget key of a matrix's grid: ``f"editor_{name}_v{version}"``, e.g. "editor_W1_v0"."""
    return f"editor_{name}_v{state.editor_version()}"


def _refuse(en: str, ja: str) -> None:
    """Report a refused edit and redraw the grids from the last good scenario."""
    state.flash(en, ja)
    state.bump_editor_version()


def _apply_grid_delta(name: str, delta: dict[str, Any]) -> None:
    """Apply a grid's whole edit delta to the scenario, or refuse it (message names the cell; scenario unchanged).

    The delta is cumulative (every edit since the grid was drawn with this key), so applying it again is a no-op.
    """
    sc = state.scenario()
    g = grid(sc, name)
    cells, errors = read_edits(g, delta.get("edited_rows", {}))
    if errors and not cells:
        en = "; ".join(e.en for e in errors)
        ja = "。".join(e.ja for e in errors)
        _refuse(f"{en}; the edit was not applied.", f"{ja}。変更は反映されませんでした。")
        return
    values = g.values.copy()
    rebalanced = False
    for r, c, v in cells:
        if name == "d" and sc.network.output == "softmax" and v != values[r, c]:
            values = shapes.set_target(values, r, c, v, "softmax")  # keep the row summing to 1
            rebalanced = True
        else:
            values[r, c] = v
    try:
        new = with_matrix(sc, name, values)
    except dnn.ValidationError as e:
        where = ", ".join(g.cell(r, c) for r, c, _ in cells)
        also_en = "".join(f" {c.en}." for c in errors)
        also_ja = "".join(f"{c.ja}。" for c in errors)
        _refuse(
            f"{where}: {e.en}.{also_en} The edit was not applied.",
            f"{where}: {e.ja}。{also_ja}変更は反映されませんでした。",
        )
        return
    # A grid that shows exactly the new values keeps its key (a new key would redraw it and drop the focus); one
    # whose other cells were rescaled, or that shows refused text, must be redrawn.
    state.set_scenario(new, refresh_editors=rebalanced or bool(errors))
    if errors:
        n = len(cells)
        state.flash(
            "Not applied: " + "; ".join(e.en for e in errors) + f". The other {n} cell{'s' * (n != 1)} were applied.",
            "反映されなかったセル: " + "。".join(e.ja for e in errors) + f"。ほかの {n} 個のセルは反映しました。",
            kind="warning",
        )
        state.bump_editor_version()


def apply_pending_edits() -> None:
    """Apply edits waiting in the grids' session-state deltas. Call before anything is drawn (``setup_page``'s
    ``pending=``), so that the whole run — sidebar link included — sees the edited scenario.

    Why not ``on_change``: a callback does not run when a test sets the delta directly, and reading the deltas
    at the start of the run gives the same result in the browser.
    """
    for name in MATRICES:
        delta = state.widget_value(editor_key(name))
        if delta and delta.get("edited_rows"):
            _apply_grid_delta(name, delta)


def matrix_editor(sc: dnn.Scenario, name: str, title: str, help_text: str | None = None) -> None:
    """One keyed ``st.data_editor`` for matrix ``name``; its edits are applied by ``apply_pending_edits``."""
    g = grid(sc, name)
    # Text cells, right-aligned like numbers: the app reads what was typed (see ``cell_value``).
    frame = pd.DataFrame([[cell_text(v) for v in row] for row in g.values], index=g.rows, columns=g.columns)
    locked = state.is_locked(name)  # shown, read-only, with a lock mark (the teacher's link locked it)
    st.markdown(f"{teacher_view.LOCK_MARK + ' ' if locked else ''}**{title}**", help=help_text)
    st.data_editor(
        frame,
        key=editor_key(name),
        num_rows="fixed",
        disabled=locked,
        column_config={c: st.column_config.TextColumn(c, alignment="right") for c in g.columns},
    )
    if locked:
        teacher_view.locked_caption(name)


_PASTE_NAME, _PASTE_TEXT = "paste_block_name", "paste_block_text"


def _on_paste_block() -> None:
    from ui.widgets.paste_block import BlockError, read_block  # it imports this module's Grid and cell_text

    name = state.widget_value(_PASTE_NAME)
    if name not in MATRICES or state.is_locked(name):
        return  # the menu offers only unlocked matrices; set_scenario would refuse a locked one anyway
    sc = state.scenario()
    g = grid(sc, name)
    try:
        new = with_matrix(sc, name, read_block(g, state.widget_value(_PASTE_TEXT) or ""))
    except (BlockError, dnn.ValidationError) as e:
        state.flash(e.en, e.ja)  # the scenario stays, and so does the pasted text, to be corrected
        return
    if state.set_scenario(new):
        shape = " × ".join(map(str, g.values.shape))
        state.flash(
            f"{name} now holds the pasted {shape} block.",
            f"{name} に貼り付けた {shape} のブロックを入れました。",
            kind="success",
        )
        state.set_widget_value(_PASTE_TEXT, "")


def paste_box(sc: dnn.Scenario) -> None:
    """Paste a whole matrix as text (a spreadsheet's copy, rows on lines or separated by ;): applied only when its
    shape is the matrix's, every cell read as a grid cell is. A grid drops the cells of a larger paste silently."""
    names = [n for n in MATRICES if not state.is_locked(n)]
    with st.expander(tr("Paste a matrix", "行列を貼り付け"), icon=":material/content_paste:"):
        if not names:
            st.caption(tr("The teacher locked every matrix.", "先生がすべての行列を固定しています。"))
            return
        menu_col, shape_col = st.columns([1, 2], vertical_alignment="bottom")
        name = menu_col.selectbox(tr("Matrix", "行列"), names, key=_PASTE_NAME)
        rows, cols = grid(sc, name).values.shape
        shape_col.caption(
            tr(
                f"{name} is {rows} × {cols}: paste {rows} row{'s' * (rows != 1)} of {cols} number{'s' * (cols != 1)}.",
                f"{name} は {rows} × {cols}: {cols} 個の数を {rows} 行貼り付けてください。",
            )
        )
        st.text_area(
            tr(
                "Rows on separate lines (or separated by ;), numbers by tabs, commas or spaces",
                "行は改行（または ;）で、数はタブ・カンマ・空白で区切ります",
            ),
            key=_PASTE_TEXT,
            height=100,
            placeholder="0.1, 0.3, 0.5\n0.2, 0.4, 0.6",
        )
        st.button(tr("Apply to the matrix", "行列に反映"), key="paste_block_apply", on_click=_on_paste_block)


def parameter_editors(sc: dnn.Scenario) -> None:
    """The six grids, laid out as the network: layer 1 (W1, b1), layer 2 (W2, b2), then the data (x, d)."""
    full = tr(
        "Full precision is kept; the grid shows 4 decimals. Type 0.001 or 1e-3 (full-width digits work too). "
        "A block pasted into the grid loses the cells beyond its edges: paste a whole matrix under "
        "“Paste a matrix” below, which checks its size.",
        "値は全桁保持し、表示は小数 4 桁です。0.001 や 1e-3 のように入力できます（全角数字も可）。"
        "表に貼り付けると、表からはみ出したセルは使われません。行列全体は下の「行列を貼り付け」で"
        "貼り付けると、大きさを確かめて反映します。",
    )
    layer1, layer2 = st.columns(2)
    with layer1:
        matrix_editor(sc, "W1", tr("Weight W1 (inputs × hidden units)", "重み W1（入力 × 中間層）"), full)
        matrix_editor(sc, "b1", tr("Bias b1", "バイアス b1"))
    with layer2:
        matrix_editor(sc, "W2", tr("Weight W2 (hidden units × outputs)", "重み W2（中間層 × 出力）"), full)
        matrix_editor(sc, "b2", tr("Bias b2", "バイアス b2"))
    data_x, data_d = st.columns(2)
    with data_x:
        matrix_editor(sc, "x", tr("Input x (one row per sample)", "入力 x（1 行 = 1 サンプル）"))
    with data_d:
        d_title = tr("Target d (one row per sample)", "目標出力 d（教師データ、1 行 = 1 サンプル）")
        matrix_editor(sc, "d", d_title, target_help(sc.network.output, current_lang()))
    paste_box(sc)


def target_help(output: str, lang: str) -> str:
    """The targets d that ``output`` accepts, in the words of the output menu (the registry's ``target_range``)."""
    label = activation_label(output, lang)
    if output == "softmax":
        return pick(
            lang,
            "softmax: each row is a probability vector (one-hot for a class). Typing one cell rescales the others so "
            "the row still sums to 1.",
            "softmax: 各行は確率（クラスなら one-hot）。1 つのセルを変えると、"
            "行の合計が 1 になるよう残りを調整します。",
        )
    bounds = dnn.OUTPUT_LAYERS[output].target_range
    if bounds is None:
        return pick(lang, f"{label}: any numbers.", f"{label}: 任意の数。")
    lo, hi = bounds
    return pick(lang, f"{label}: each target between {lo:g} and {hi:g}.", f"{label}: 各目標出力は {lo:g}〜{hi:g}。")


# ---------------------------------------------------------------- structure: sizes, activations, η, steps


def _widget_key(what: str) -> str:
    return f"{what}_v{state.editor_version()}"


def whole_number_box(
    labels: tuple[str, str],
    lo: int,
    hi: int,
    value: int,
    *,
    key: str,
    on_number: Callable[..., bool | None] | None = None,
    args: tuple[Any, ...] = (),
    **kwargs: Any,
) -> None:
    """A box for a whole number from ``lo`` to ``hi`` named ``labels`` (English, Japanese), read by the app's
    parser (``number_box``): 1e5 is 100000, a fraction or a number out of range is refused with a message naming
    the box. Without ``on_number``, read it with ``number_box.read_box(key)``."""
    rule = NumberRule(*labels, lo=lo, hi=hi, whole=True)
    number_box(rule, value, key=key, on_number=on_number, args=args, **kwargs)


def _kept_key(key: str) -> str:
    return f"{key}__kept"


def _keep(number: float, key: str, check: Callable[[float], tuple[str, str] | None] | None) -> bool:
    problem = check(number) if check is not None else None
    if problem is not None:
        refuse(*problem)
        return False
    state.set_widget_value(_kept_key(key), number)
    return True


def kept_value(key: str, default: float) -> float:
    """The number the ``kept_number`` box ``key`` holds (``default`` before it is first drawn)."""
    return state.widget_value(_kept_key(key), default)


def kept_number(
    rule: NumberRule,
    default: float,
    key: str,
    check: Callable[[float], tuple[str, str] | None] | None = None,
    **kwargs: Any,
) -> float:
    """A number box that is not part of the scenario (a seed, the SGD preset's η, a number of samples to
    generate), read by the app's parser; a refused value gives a message naming the box, which then shows its last
    good number again. ``check(number)``, when given, may refuse a number the rule accepts by returning the reason
    (English, Japanese; it starts with the box's name). The value survives a visit to another screen; returns it."""
    state.set_widget_value(_kept_key(key), default, keep_existing=True)  # the box's first value, kept from now on
    kept = kept_value(key, default)
    number_box(rule, kept, key=key, on_number=_keep, args=(key, check), persist=True, **kwargs)
    return kept


def kept_whole_number(label_en: str, label_ja: str, lo: int, hi: int, default: int, key: str, **kwargs: Any) -> int:
    """``kept_number`` for a whole number from ``lo`` to ``hi`` (1e5 is 100000; a fraction is refused)."""
    kwargs.pop("step", None)  # a text box has no stepper
    return int(kept_number(NumberRule(label_en, label_ja, lo=lo, hi=hi, whole=True), default, key, **kwargs))


def _on_size(n: int, what: str) -> bool:
    return state.change_scenario(lambda sc: shapes.resize_scenario(sc, **{what: n}))


def _on_hidden(key: str) -> None:
    value = state.widget_value(key)
    state.change_scenario(lambda sc: sc.replace(network=sc.network.replace(hidden=value)))


def _on_output(key: str) -> None:
    value = state.widget_value(key)
    name_en, name_ja = activation_label(value, "en"), activation_label(value, "ja")  # the output function's name

    def build(sc: dnn.Scenario) -> dnn.Scenario:
        least, n_out = dnn.OUTPUT_LAYERS[value].min_outputs, sc.network.n_out  # softmax: two outputs to compare
        if n_out < least:
            sc = shapes.resize_scenario(sc, n_out=least)
            added = ", ".join(units("y", least)[n_out:])
            state.flash(
                f"{name_en} needs at least {least} outputs, so {added} {'was' if least - n_out == 1 else 'were'} "
                "added.",
                f"{name_ja}には {least} つ以上の出力が必要なので、{added} を追加しました。",
                kind="info",
            )
        d = shapes.fit_target(sc.d, value)
        if not np.array_equal(d, sc.d):
            state.flash(
                f"The targets d were adjusted to what the {name_en} output can produce.",
                f"目標出力 d を{name_ja}が出せる値に合わせました。",
                kind="info",
            )
        return sc.replace(network=sc.network.replace(output=value), d=d)

    state.change_scenario(build)


def on_number(number: float, field: str) -> bool:
    """Callback of a number box for a scalar of the scenario (``lr``, ``steps``): the scenario with ``number``."""
    return state.change_scenario(lambda sc: sc.replace(**{field: number}), refresh_editors=False)


def scale_lr(factor: float) -> None:
    """Callback of the ÷10 / ×10 buttons: the learning rate η moves by a power of ten."""
    state.change_scenario(lambda sc: sc.replace(lr=sc.lr * factor))


# η's box: the range the scenario accepts (greater than 0, at most 10⁶), so that "−0.5" is refused by the box's name.
LR_RULE = NumberRule("Learning rate η", "学習率 η", lo=dnn.LIMITS["min_lr"], hi=dnn.LIMITS["max_lr"], lo_open=True)


def lr_controls(sc: dnn.Scenario, prefix: str = "") -> None:
    """The learning rate η's box with its ÷10 / ×10 buttons beside it (Home and Training draw the same controls;
    ``prefix`` keeps each screen's widgets apart)."""
    locked = state.is_locked("lr")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="small", wrap=False):
        key = f"{prefix}lr_v{state.editor_version()}"
        number_box(
            LR_RULE,
            sc.lr,
            key=key,
            on_number=on_number,
            args=("lr",),
            disabled=locked,
            help=tr(
                "With SGD, each step moves every parameter by −η × its partial derivative; the other update rules "
                "scale their own steps by η. Type 0.001 or 1e-3; use ÷10 / ×10 to move on a log scale.",
                "SGD では各ステップで各パラメータが −η × 偏微分だけ動きます。ほかの更新則も η で歩幅を決めます。"
                "0.001 や 1e-3 のように入力できます。÷10 / ×10 で桁ごとに変えられます。",
            ),
        )
        st.button("÷10", key=f"{prefix}lr_div10", on_click=scale_lr, args=(0.1,), disabled=locked)
        st.button("×10", key=f"{prefix}lr_mul10", on_click=scale_lr, args=(10.0,), disabled=locked)
    teacher_view.locked_caption("lr")


def size_controls(sc: dnn.Scenario) -> None:
    """The sizes: inputs, hidden units, outputs, samples (resizing keeps what fits)."""
    net = sc.network
    lim = dnn.LIMITS
    sizes = (
        ("n_in", ("Inputs", "入力の数"), net.n_in, 1, lim["max_inputs"]),
        ("n_hidden", ("Hidden units", "中間層のユニット数"), net.n_hidden, 1, lim["max_hidden"]),
        ("n_out", ("Outputs", "出力の数"), net.n_out, dnn.OUTPUT_LAYERS[net.output].min_outputs, lim["max_outputs"]),
        ("n_samples", ("Samples", "サンプル数"), len(sc.x), 1, lim["max_samples"]),
    )
    # Resizing changes these matrices too: locked, they keep the size (so the size cannot change).
    resizes = {"n_in": ("W1", "x"), "n_hidden": ("W1", "b1", "W2"), "n_out": ("W2", "b2", "d"), "n_samples": ("x", "d")}
    for col, (what, labels, value, lo, hi) in zip(st.columns(4), sizes, strict=True):
        key = _widget_key(f"size_{what}")
        locked = state.is_locked("sizes", *resizes[what])
        with col:
            whole_number_box(labels, lo, hi, value, key=key, on_number=_on_size, args=(what,), disabled=locked)
    teacher_view.locked_caption("sizes")
    st.caption(
        tr(
            "Resizing keeps every value that still fits; new weights are small random numbers, new biases 0, new "
            "samples get a one-hot target.",
            "サイズを変えても収まる値はそのまま。新しい重みは小さな乱数、バイアスは 0、"
            "新しいサンプルの目標は one-hot です。",
        )
    )


def activation_controls(sc: dnn.Scenario) -> None:
    """The hidden activation and the output layer with its loss (two menus)."""
    net = sc.network
    act, out = st.columns(2)
    lang = current_lang()  # format_func runs later too: give it the language now, not the session's at call time
    hidden, outputs = hidden_menu(lang), output_menu(lang)
    key = _widget_key(state.translated_key("hidden"))  # its labels are translated: a widget per language
    act.selectbox(
        tr("Hidden activation", "中間層の活性化関数"),
        list(hidden),
        index=list(hidden).index(net.hidden),
        format_func=lambda name: hidden[name],
        key=key,
        on_change=_on_hidden,
        args=(key,),
        disabled=state.is_locked("hidden"),
    )
    key = _widget_key(state.translated_key("output"))  # its labels are translated: a widget per language
    out.selectbox(
        tr("Output layer / loss", "出力層 / 誤差関数"),
        list(outputs),
        index=list(outputs).index(net.output),
        format_func=lambda name: outputs[name],
        key=key,
        on_change=_on_output,
        args=(key,),
        disabled=state.is_locked("output"),
    )
    with act:
        teacher_view.locked_caption("hidden")
    with out:
        teacher_view.locked_caption("output")


def learning_controls(sc: dnn.Scenario) -> None:
    """The learning rate η (with ÷10 / ×10) and the number of training steps."""
    lr, steps = st.columns(2, vertical_alignment="bottom")
    with lr:
        lr_controls(sc)
    with steps:
        steps_box(sc, ("Training steps", "学習ステップ数"), f"steps_v{state.editor_version()}")


def steps_box(sc: dnn.Scenario, labels: tuple[str, str], key: str, help: str | None = None) -> None:
    """The scenario's number of training steps (a whole number, 1 to the largest allowed), with the lock caption."""
    whole_number_box(
        labels,
        1,
        dnn.LIMITS["max_steps"],
        int(sc.steps),
        key=key,
        on_number=on_number,
        args=("steps",),
        disabled=state.is_locked("steps"),
        help=help,
    )
    teacher_view.locked_caption("steps")


# ---------------------------------------------------------------- presets


def _on_preset(key: str) -> None:
    state.change_scenario(lambda _sc: presets.preset(key).build())


def _on_random(seed_key: str) -> None:
    seed = read_box(seed_key)
    if seed is not None:
        state.change_scenario(lambda sc: presets.random_weights(sc, seed))


def preset_bar() -> None:
    """Buttons for the ready-made scenarios, and random weights from a seed the user types."""
    with st.container(horizontal=True):
        for p in presets.PRESETS:
            st.button(
                tr(p.en, p.ja),
                key=f"preset_{p.key}",
                on_click=_on_preset,
                args=(p.key,),
                help=tr(p.help_en, p.help_ja),
                disabled=teacher_view.would_change_locked(p.build()),
            )
    if any(teacher_view.would_change_locked(p.build()) for p in presets.PRESETS):
        st.caption(
            tr(
                f"{teacher_view.LOCK_MARK} Presets that would change what the teacher locked are switched off.",
                f"{teacher_view.LOCK_MARK} 先生が固定した値を変えてしまうプリセットは使えません。",
            )
        )
    seed_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
    seed_key = "preset_seed"
    with seed_col:
        whole_number_box(("Seed", "シード"), 0, 2**31 - 1, 0, key=seed_key)
    button_col.button(
        tr("Random weights from this seed", "このシードで重みをランダムに"),
        key="preset_random",
        icon=":material/casino:",
        on_click=_on_random,
        args=(seed_key,),
        disabled=state.is_locked("W1", "b1", "W2", "b2"),
        help=tr(
            "Same sizes, activations, x and d; weights drawn from a normal distribution with mean 0 and variance "
            "1 / (the number of inputs of the layer), biases 0.",
            "サイズ・活性化関数・x・d はそのまま。重みは平均 0、分散 1/入力数の正規分布から、バイアスは 0。",
        ),
    )
