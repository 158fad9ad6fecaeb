"""The Quiz screen's layout: the scenario, the values before the asked one, its formula, one input per cell, and
Check / Hint / Show answer / Next; choosing what to ask; the printable worksheet.

Every number comes from ``dnn.quiz``; the progress (what is asked, the typed answers, the score) is kept through
``ui.session.state`` (``quiz_progress``/``set_quiz_progress``). The link's ``ask``/``quiz_seed`` are read once, when a
session first opens the quiz (``prepare``), and written back to the address bar on every run.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

import dnn
from dnn import quiz
from ui.figures.heatmaps import MAX_SAMPLE_ROWS
from ui.session import codec, quiz_link, state
from ui.text import not_finite, quiz_sheet
from ui.text.i18n import OUTPUT_LABELS, activation_label, ja_join, pick, tr
from ui.widgets import teacher_view
from ui.widgets.editors import kept_whole_number, whole_number_box
from ui.widgets.number_box import read_box

COLS_PER_ROW = 6  # inputs side by side; a wider grid continues on the next line
_W_PICK = "w_quiz_pick"
_W_ASKS = "w_quiz_asks"
_W_SEED = "w_quiz_seed"
_W_SHEET_SCOPE = "w_quiz_sheet_scope"
_W_SHEET_FROM = "w_quiz_sheet_from"
_W_SHEET_TO = "w_quiz_sheet_to"


@dataclass
class QuizProgress:
    """Where the learner is: the asked quantities and the current one, the scenario's seed (None: the link's or the
    learner's own scenario), the typed answers and what has been checked, hinted or shown for this scenario, and
    the score (one entry per scenario and quantity: right at its first complete check)."""

    asks: tuple[str, ...] = quiz.ORDER
    position: int = 0
    seed: int | None = None
    scenario_key: str = ""
    version: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)
    hints: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    results: dict[str, bool] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The quantity asked now (its link name)."""
        return self.asks[min(self.position, len(self.asks) - 1)]

    def score(self) -> tuple[int, int]:
        """(quantities right at their first complete check, quantities checked or shown)."""
        return sum(self.results.values()), len(self.results)


def _scenario_key() -> str:
    return codec.query_string(state.scenario(), None, state.reduction())


def _progress() -> QuizProgress:
    progress = state.quiz_progress()
    return progress if isinstance(progress, QuizProgress) else QuizProgress()


def _save(progress: QuizProgress) -> None:
    state.set_quiz_progress(progress)


def prepare() -> None:
    """Before the page draws (``setup_page(pending=...)``): on the session's first visit read ``ask``/``quiz_seed``
    from the link (bad values reported by key with the link's other problems); keep the answers only while the
    scenario is the one they were typed for; put ``ask``/``quiz_seed`` in the address bar and the share link."""
    progress = state.quiz_progress()
    if not isinstance(progress, QuizProgress):
        # The link the session opened with (a teacher's link may open another screen and still ask); its bad
        # values were reported then, with the link's other keys.
        opening = state.opening_classroom()
        earlier = state.load_report()
        progress = QuizProgress(asks=opening.ask or quiz.ORDER)
        if opening.quiz_seed is not None:
            # undoable; it also clears the link message, which is put back below
            state.set_scenario(quiz.quiz_scenario(opening.quiz_seed))
            progress.seed = opening.quiz_seed
        if earlier is not None:
            state.set_load_report(earlier.source, list(earlier.problems))
    if progress.seed is not None and state.scenario() != quiz.quiz_scenario(progress.seed):
        progress.seed = None  # the learner has changed the scenario since: the quiz asks theirs
    key = _scenario_key()
    if key != progress.scenario_key:
        progress = dataclasses.replace(
            progress,
            scenario_key=key,
            version=progress.version + 1,
            answers={},
            checked=set(),
            hints=set(),
            shown=set(),
        )
    _save(progress)
    state.set_page_link_params(
        quiz_link.link_params(progress.asks, progress.seed), owned=(quiz_link.ASK_PARAM, quiz_link.SEED_PARAM)
    )


def start(asks: tuple[str, ...] | list[str], seed: int | None = None) -> None:
    """Make the quiz ask ``asks`` (link names, in that order) from the first one on: a lesson's question or a
    file's ``ask``. ``seed``: a file's ``quiz_seed``, the seed whose scenario the file holds (the quiz forgets it
    when the scenario is not that seed's)."""
    chosen = tuple(n for n in asks if n in quiz.QUANTITIES) or quiz.ORDER
    progress = _progress()
    progress.asks, progress.position = chosen, 0
    if seed is not None:
        progress.seed = seed
    _save(progress)


def drawn_seed() -> int | None:
    """The seed whose scenario the quiz asks (None: the link's or the learner's own scenario)."""
    progress = state.quiz_progress()
    return progress.seed if isinstance(progress, QuizProgress) else None


def asked() -> tuple[str, ...] | None:
    """What the quiz asks in this session (None: the quiz was not opened, or it asks everything in order)."""
    progress = state.quiz_progress()
    if not isinstance(progress, QuizProgress) or progress.asks == quiz.ORDER:
        return None
    return progress.asks


# ---------------------------------------------------------------- callbacks


def _go(position: int) -> None:
    progress = _progress()
    progress.position = max(0, min(position, len(progress.asks) - 1))
    _save(progress)


def _pick(key: str) -> None:
    _go(int(state.widget_value(key)))


def _set_asks(key: str) -> None:
    chosen = [n for n in quiz.ORDER if n in (state.widget_value(key) or [])]
    progress = _progress()
    current = progress.name
    progress.asks = tuple(chosen) or quiz.ORDER
    progress.position = progress.asks.index(current) if current in progress.asks else 0
    _save(progress)


def _draw_seed(key: str) -> None:
    seed = read_box(key)
    if seed is None:  # refused with a message naming the box, which shows the quiz's seed again
        return
    if not state.set_scenario(quiz.quiz_scenario(seed)):
        return  # the teacher locked a value the seed's scenario changes
    progress = _progress()
    progress.seed = seed
    _save(progress)


def _cell_key(name: str, cell: quiz.Cell) -> str:
    return f"{name}/{cell.row}/{cell.col}"


# ---------------------------------------------------------------- drawing


def _table(a: np.ndarray, rows: list[str], cols: list[str]) -> pd.DataFrame:
    """A small table of numbers as the quiz writes them (6 significant digits), labelled by units; at most
    ``MAX_SAMPLE_ROWS`` rows (the first samples), so that a 256-sample scenario stays readable and quick."""
    grid = quiz.as_grid(a)[:MAX_SAMPLE_ROWS]
    return pd.DataFrame(
        [[quiz.fmt(v) for v in row] for row in grid],
        index=[r or " " for r in rows[:MAX_SAMPLE_ROWS]],
        columns=[c or " " for c in cols],
    )


def _rows_note(n_rows: int) -> None:
    if n_rows > MAX_SAMPLE_ROWS:
        st.caption(
            tr(f"The first {MAX_SAMPLE_ROWS} of {n_rows} samples.", f"{n_rows} サンプル中最初の {MAX_SAMPLE_ROWS} 個。")
        )


def _scenario_tables(sc: dnn.Scenario) -> None:
    net = sc.network
    xs = [f"x{i + 1}" for i in range(net.n_in)]
    hs = [f"h{i + 1}" for i in range(net.n_hidden)]
    ys = [f"y{i + 1}" for i in range(net.n_out)]
    samples = [f"#{i + 1}" for i in range(len(sc.x))]
    arrays = [
        (tr("weight W1", "重み W1"), net.W1, xs, hs),
        (tr("bias b1", "バイアス b1"), net.b1, ["b1"], hs),
        (tr("weight W2", "重み W2"), net.W2, hs, ys),
        (tr("bias b2", "バイアス b2"), net.b2, ["b2"], ys),
        (tr("input x", "入力 x"), sc.x, samples, xs),
        (tr("target d", "目標出力 d"), sc.d, samples, ys),
    ]
    for col, (title, a, rows, cols) in zip(st.columns([3, 3, 2, 2, 2, 2]), arrays, strict=True):
        with col:
            st.markdown(f"**{title}**")
            st.table(_table(a, rows, cols))
            _rows_note(len(rows))


def _scenario_line(sc: dnn.Scenario, seed: int | None, reduction: str) -> str:
    net, n = sc.network, len(sc.x)
    out_en, out_ja = OUTPUT_LABELS[net.output]
    source = (
        tr(f"Scenario of seed {seed}", f"シード {seed} のシナリオ")
        if seed is not None
        else tr("The current scenario", "現在のシナリオ")
    )
    if n == 1:
        red_en, red_ja = "one sample, so the mean and the sum over samples agree", "サンプル 1 個（平均と合計は同じ）"
    elif reduction == "mean":
        red_en = f"{n} samples; the gradient is the mean's (δ2 divided by N, as in the sidebar)"
        red_ja = f"サンプル {n} 個。勾配は平均の勾配（δ2 を N で割る、サイドバーの設定）"
    else:
        red_en = f"{n} samples; the gradient is the notebook's sum (δ2 not divided by N, as in the sidebar)"
        red_ja = f"サンプル {n} 個。勾配はノートブックの合計方式（δ2 を N で割らない、サイドバーの設定）"
    hidden_en, hidden_ja = activation_label(net.hidden, "en"), activation_label(net.hidden, "ja")
    return tr(
        f"{source}: hidden activation {hidden_en}, output {out_en}, learning rate η = {quiz.fmt(sc.lr)}; {red_en}.",
        ja_join(f"{source}: 中間層の活性化関数は", hidden_ja, "、出力層は", out_ja, f"、学習率 η = {quiz.fmt(sc.lr)}。")
        + f"{red_ja}。",
    )


def _value_tables(names: list[str], values: dict[str, np.ndarray], lang: str) -> None:
    if not names:
        return
    reduction, n = state.reduction(), len(state.scenario().x)  # the gradients' names: E or E_sum
    for col, name in zip(st.columns(min(len(names), 4)) * ((len(names) + 3) // 4), names, strict=False):
        q = quiz.QUANTITIES[name]
        rows, cols = quiz.axis_labels(name, values[name].shape)
        with col:
            st.markdown(quiz.loss_named(f"**{q.symbol(lang)}** · {pick(lang, q.en, q.ja)}", reduction, n))
            st.table(_table(values[name], rows, cols))
            _rows_note(len(rows))


def header(progress: QuizProgress, lang: str) -> st.delta_generator.DeltaGenerator:
    """The choice of the value to compute, and a slot for the score (filled once this run's Check is counted)."""
    left, mid = st.columns([5, 2], vertical_alignment="bottom")
    reduction, n = state.reduction(), len(state.scenario().x)  # the gradients' names: E or E_sum
    key = state.translated_key(f"{_W_PICK}_v{progress.version}_{progress.position}_{len(progress.asks)}")
    left.selectbox(
        tr("Value to compute", "計算する値"),
        range(len(progress.asks)),
        index=progress.position,
        format_func=lambda i: (
            f"{i + 1} / {len(progress.asks)} · "
            + quiz.loss_named(
                f"{quiz.QUANTITIES[progress.asks[i]].symbol(lang)} — "
                f"{pick(lang, quiz.QUANTITIES[progress.asks[i]].en, quiz.QUANTITIES[progress.asks[i]].ja)}",
                reduction,
                n,
            )
        ),
        key=key,
        on_change=_pick,
        args=(key,),
    )
    return mid.empty()


def _mark(status: str, message: str = "") -> str:
    if status == "right":
        return tr(":green[:material/check_circle: right]", ":green[:material/check_circle: 正解]")
    if status == "wrong":
        return tr(":red[:material/cancel: wrong]", ":red[:material/cancel: 不正解]")
    if status == "empty":
        return tr(":gray[:material/remove: empty]", ":gray[:material/remove: 未入力]")
    return f":orange[:material/error: {message}]"


def _inputs(
    progress: QuizProgress, name: str, shown_cells: list[quiz.Cell], n_cols: int, lang: str
) -> dict[str, st.delta_generator.DeltaGenerator]:
    """One text input per cell, row-major, labelled by its units; returns a slot under each for its mark."""
    per_row = min(n_cols, COLS_PER_ROW)
    slots = {}
    for start in range(0, len(shown_cells), per_row):
        row_cells = shown_cells[start : start + per_row]
        for col, cell in zip(st.columns(per_row), row_cells, strict=False):
            k = _cell_key(name, cell)
            with col:
                typed = st.text_input(
                    quiz.loss_named(cell.label, state.reduction(), len(state.scenario().x)),
                    value=progress.answers.get(k, ""),
                    key=f"quiz_in_v{progress.version}_{k}",
                    placeholder=tr("your answer", "答え"),
                )
                progress.answers[k] = typed
                slots[k] = st.empty()
    return slots


def _check(progress: QuizProgress, name: str, shown_cells: list[quiz.Cell], grid: np.ndarray, lang: str) -> dict:
    """Each cell's status (right, wrong, empty or the parser's message) for the typed answers."""
    marks = {}
    for cell in shown_cells:
        text = progress.answers.get(_cell_key(name, cell), "")
        if not text.strip():
            marks[_cell_key(name, cell)] = ("empty", "")
            continue
        try:
            value = quiz.parse_answer(text, cell.label)
        except dnn.ValidationError as e:
            marks[_cell_key(name, cell)] = ("unreadable", pick(lang, e.en, e.ja))
            continue
        status = "right" if quiz.is_right(value, grid[cell.row, cell.col]) else "wrong"
        marks[_cell_key(name, cell)] = (status, "")
    return marks


def _overflow_text(step: dnn.StepReport, lang: str) -> str:
    """The quiz asks for the parameters after one SGD step: that step leaves the finite numbers."""
    cell = step.overflow
    assert cell is not None
    name = not_finite.cell_name(cell, lang)
    return pick(
        lang,
        f"**One SGD step of this scenario overflows:** {name} would become {cell.value}, which is not a finite "
        "number, and the quiz asks for the parameters after that step. Make the learning rate η or the largest "
        "values smaller on the Scenario screen, or undo the last change in the sidebar.",
        f"**この 1 ステップの SGD はオーバーフローします:** {name} が {cell.value} になり、有限の数ではなくなります。"
        "クイズは更新後のパラメータも尋ねるので、シナリオの画面で学習率 η かいちばん大きな値を小さくするか、"
        "サイドバーで直前の変更を元に戻してください。",
    )


def progress() -> QuizProgress:
    """The learner's progress in the quiz, as kept in ``ui.session.state`` (a fresh one before the first visit)."""
    return _progress()


# ---------------------------------------------------------------- the screen's sections, top to bottom
# ``pages/6_Quiz.py`` calls them in this order (docs/design.md, "The shape of a screen").


def cannot_ask(start: dnn.NotFinite | None, step: dnn.StepReport | None, lang: str) -> None:
    """Why there is nothing to ask: the forward pass is not finite (``start``), or the one SGD step whose
    parameters the quiz asks for overflows (``step``)."""
    if start:
        st.error(not_finite.start_text(start, lang), icon=":material/error:")
    elif step is not None and step.overflow:
        st.warning(_overflow_text(step, lang), icon=":material/warning:")


def intro() -> None:
    """How the quiz works."""
    st.caption(
        tr(
            "Compute the value by hand, in the notebook's order (a calculator helps for exp and log), type it into "
            "each cell and press Check. Hint fills the numbers into the formula; Show answer gives the worked line.",
            "ノートブックの順に値を手で計算し（exp や log には電卓を）、各マスに入力して「チェック」を押してください。"
            "「ヒント」は式に数値を入れて表示し、「答えを表示」は計算の過程と答えを表示します。",
        )
    )


def scenario(sc: dnn.Scenario, progress: QuizProgress, reduction: str, lang: str) -> None:
    """The scenario the values are computed for: its settings in a line, which step is asked when the scenario's
    update rule is not SGD, its arrays as tables."""
    st.subheader(tr("The scenario", "シナリオ"))
    st.caption(_scenario_line(sc, progress.seed, reduction))
    if step_note := quiz_sheet.sgd_step_note(sc, progress.asks, lang):
        st.info(step_note, icon=":material/info:")
    _scenario_tables(sc)


def earlier_values(name: str, values: dict[str, np.ndarray], lang: str) -> None:
    """The values before ``name`` in the notebook's order: those it is computed from, and the rest folded away."""
    q = quiz.QUANTITIES[name]
    earlier = [n for n in quiz.before(name)]
    needed = [n for n in q.needs if n in quiz.QUANTITIES]
    if earlier:
        st.subheader(tr("Values before it", "それまでの値"))
        if needed:
            st.caption(tr("Computed from these (and the scenario):", "これらの値とシナリオから計算します:"))
            _value_tables(needed, values, lang)
        rest = [n for n in earlier if n not in needed]
        if rest:
            with st.expander(tr("Every earlier value", "それ以前のすべての値"), icon=":material/list:"):
                _value_tables(rest, values, lang)


def question(
    progress: QuizProgress, sc: dnn.Scenario, values: dict[str, np.ndarray], reduction: str, lang: str
) -> None:
    """The value asked: its formula, one input per cell, Check / Hint / Show answer / Next, the marks, the hint and
    the worked answer; the progress (answers, checks, score) is saved."""
    name = progress.name
    q = quiz.QUANTITIES[name]
    st.subheader(
        quiz.loss_named(
            tr(f"Compute {q.symbol(lang)}: {q.en}", f"{q.symbol(lang)} を計算: {q.ja}"), reduction, len(sc.x)
        )
    )
    f_en, f_ja = quiz.formula(name, sc.network, len(sc.x), reduction)
    st.markdown(f"{tr('Formula', '式')}: `{pick(lang, f_en, f_ja)}`")

    grid = quiz.as_grid(values[name])
    all_cells = quiz.cells(name, values[name].shape, lang)
    shown_cells = all_cells[: quiz_sheet.MAX_SHEET_CELLS]
    if len(all_cells) > len(shown_cells):
        st.caption(
            tr(
                f"The first {len(shown_cells)} of its {len(all_cells)} cells are asked (row by row).",
                f"{len(all_cells)} マスのうち最初の {len(shown_cells)} マスを出題します（行ごとに）。",
            )
        )
    slots = _inputs(progress, name, shown_cells, grid.shape[1], lang)
    st.caption(pick(lang, quiz.RULE_EN, quiz.RULE_JA))

    b_check, b_hint, b_answer, b_next = st.columns(4)
    check = b_check.button(tr("Check", "チェック"), icon=":material/done_all:", type="primary", width="stretch")
    hint = b_hint.button(tr("Hint", "ヒント"), icon=":material/lightbulb:", width="stretch")
    answer = b_answer.button(tr("Show answer", "答えを表示"), icon=":material/visibility:", width="stretch")
    last = progress.position >= len(progress.asks) - 1
    b_next.button(
        tr("Next", "次へ"),
        icon=":material/arrow_forward:",
        on_click=_go,
        args=(progress.position + 1,),
        disabled=last,
        key="quiz_next",
        width="stretch",
    )
    score_key = f"{progress.scenario_key}|{name}"
    if check:
        progress.checked.add(name)
    if hint:
        progress.hints.add(name)
    if answer:
        progress.shown.add(name)
        progress.results.setdefault(score_key, False)  # seen before being checked right: not counted as right

    if name in progress.checked:
        marks = _check(progress, name, shown_cells, grid, lang)
        for k, (status, message) in marks.items():
            slots[k].markdown(_mark(status, message))
        statuses = [s for s, _ in marks.values()]
        n_right = statuses.count("right")
        complete = all(s in ("right", "wrong") for s in statuses)
        if check and complete:
            progress.results.setdefault(score_key, n_right == len(statuses))
        summary_en = f"{n_right} of {len(statuses)} cells right."
        summary_ja = f"{len(statuses)} マス中 {n_right} マス正解。"
        if n_right == len(statuses):
            st.success(tr(summary_en, summary_ja), icon=":material/celebration:")
        elif complete:
            st.warning(tr(summary_en, summary_ja))
        else:
            st.info(
                tr(
                    f"{summary_en} Fill in every cell to have the value counted in the score.",
                    f"{summary_ja}すべてのマスを入力すると得点に数えます。",
                )
            )
    if name in progress.hints or name in progress.shown:
        st.markdown(f"**{tr('Hint: the formula with the numbers', 'ヒント: 数値を入れた式')}**")
        st.code(
            "\n".join(
                f"{quiz.loss_named(c.label, reduction, len(sc.x))} = {quiz.expression(name, sc, values, reduction, c)}"
                for c in shown_cells
            ),
            language=None,
            wrap_lines=True,
        )
    if name in progress.shown:
        st.markdown(f"**{tr('Answer: the worked line', '答え: 計算の過程')}**")
        st.code(
            "\n".join(quiz.worked_line(name, sc, values, reduction, c) for c in shown_cells),
            language=None,
            wrap_lines=True,
        )
    if last and progress.results:
        right_n, total = progress.score()
        st.info(
            tr(
                f"This is the last value asked. Score so far: {right_n} of {total}.",
                f"これが最後の値です。ここまでの得点: {total} 中 {right_n}。",
            ),
            icon=":material/flag:",
        )
    _save(progress)


def score(slot: st.delta_generator.DeltaGenerator, progress: QuizProgress) -> None:
    """The score so far, in the header's slot (filled after this run's Check is counted)."""
    right_n, total = progress.score()
    slot.metric(
        tr("Score", "得点"),
        f"{right_n} / {total}",
        help=tr(
            "Values right at their first check with every cell filled in, out of the values checked (a value whose "
            "answer was shown before that counts as not right).",
            "全マスを入力して最初にチェックしたときに正解だった値の数 / チェックした値の数（先に答えを表示した値は"
            "不正解として数えます）。",
        ),
    )


def choose(progress: QuizProgress, lang: str) -> None:
    with st.expander(tr("Choose what to ask and the scenario", "出題する値とシナリオを選ぶ"), icon=":material/tune:"):
        key = state.translated_key(f"{_W_ASKS}_v{progress.version}")
        reduction, n_samples = state.reduction(), len(state.scenario().x)  # the gradients' names: E or E_sum
        st.multiselect(
            tr("Values to ask, in the notebook's order", "出題する値（ノートブックの順）"),
            quiz.ORDER,
            default=list(progress.asks),
            format_func=lambda n: quiz.loss_named(
                f"{quiz.QUANTITIES[n].symbol(lang)} — {pick(lang, quiz.QUANTITIES[n].en, quiz.QUANTITIES[n].ja)}",
                reduction,
                n_samples,
            ),
            key=key,
            on_change=_set_asks,
            args=(key,),
            help=tr("None chosen: every value.", "何も選ばないと、すべての値を出題します。"),
        )
        left, right = st.columns([2, 3], vertical_alignment="bottom")
        seed_key = f"{_W_SEED}_v{progress.version}"
        with left:  # a box that reads 1e1 as 10 (Streamlit's integer box made it 1)
            whole_number_box(
                ("Scenario seed", "シナリオのシード"),
                0,
                quiz.MAX_QUIZ_SEED,
                progress.seed if progress.seed is not None else 1,
                key=seed_key,
            )
        # Greyed out when the seed's scenario would change a value the teacher locked (``_draw_seed`` is refused by
        # the state's lock all the same, should a click arrive). A fraction typed in the box is refused on the click.
        seed = read_box(seed_key, quiet=True)  # what the box holds now; refused text is reported on the click
        shown_seed = int(seed) if seed is not None else 1
        fixed = teacher_view.would_change_locked(quiz.quiz_scenario(shown_seed))
        right.button(
            tr("Draw a scenario to do by hand", "手計算用のシナリオを作る"),
            icon=":material/casino:",
            on_click=_draw_seed,
            args=(seed_key,),
            disabled=fixed,
            help=tr(
                "The teacher fixed the scenario for this class, so the quiz asks about the teacher's numbers: a "
                "seed's scenario would change values the teacher locked.",
                "この授業では先生がシナリオを固定しているため、クイズは先生の数値で出題します。シードのシナリオは"
                "先生が固定した値を変えてしまいます。",
            )
            if fixed
            else tr(
                "A 2-3-2 ReLU/softmax network with one-decimal weights, small whole-number inputs and η = 0.5; the "
                "same seed always gives the same numbers (replaces the scenario; undoable).",
                "重みは小数 1 桁、入力は小さな整数、η = 0.5 の 2-3-2 ReLU/softmax ネットワーク。同じシードなら"
                "いつも同じ数値です（シナリオを置き換えます。元に戻せます）。",
            ),
        )
        st.caption(
            tr(
                "The share link in the sidebar carries the values asked and the seed: send it to a class.",
                "サイドバーの共有リンクには出題する値とシードが入ります。クラスに送れます。",
            )
        )


def worksheet(progress: QuizProgress, sc: dnn.Scenario, reduction: str, lang: str) -> None:
    with st.expander(tr("Worksheet to print", "印刷用の演習シート"), icon=":material/print:"):
        scope_key = state.translated_key(_W_SHEET_SCOPE)
        scope = st.radio(
            tr("Sheets for", "シートの対象"),
            ("current", "seeds"),
            format_func=lambda s: {
                "current": pick(lang, "this scenario", "このシナリオ"),
                "seeds": pick(lang, "a range of seeds (one sheet each)", "シードの範囲（シードごとに 1 枚）"),
            }[s],
            horizontal=True,
            key=scope_key,
        )
        if scope == "seeds":
            left, right = st.columns(2)
            with left:
                first = kept_whole_number("First seed", "最初のシード", 0, quiz.MAX_QUIZ_SEED, 1, _W_SHEET_FROM)
            with right:
                last = kept_whole_number("Last seed", "最後のシード", 0, quiz.MAX_QUIZ_SEED, 30, _W_SHEET_TO)
            if abs(int(last) - int(first)) >= quiz_sheet.MAX_SHEETS:
                st.caption(
                    tr(
                        f"At most {quiz_sheet.MAX_SHEETS} sheets: the first {quiz_sheet.MAX_SHEETS} seeds.",
                        f"最大 {quiz_sheet.MAX_SHEETS} 枚: 最初の {quiz_sheet.MAX_SHEETS} シードです。",
                    )
                )
            specs = partial(quiz_sheet.seed_sheets, int(first), int(last))
            stem = f"quiz-seeds-{min(first, last)}-{max(first, last)}"
        else:
            specs = partial(lambda: [quiz_sheet.SheetSpec(sc, progress.seed)])
            stem = f"quiz-seed-{progress.seed}" if progress.seed is not None else "quiz"
        asks = progress.asks
        n_sheet = len(sc.x) if scope == "current" else 1  # the seeds' scenarios have one sample each
        symbols = quiz.loss_named(", ".join(quiz.QUANTITIES[n].symbol(lang) for n in asks), reduction, n_sheet)
        st.caption(
            tr(
                f"Blanks for {len(asks)} value{'s' * (len(asks) != 1)}: {symbols}. "
                "The HTML prints one sheet per page; the answer key is a separate file.",
                f"{len(asks)} 個の値の空欄: {symbols}。HTML は 1 ページに 1 枚ずつ印刷されます。解答は別ファイルです。",
            )
        )

        def build(kind: str, answers: bool) -> str:
            maker = quiz_sheet.sheet_html if kind == "html" else quiz_sheet.sheet_markdown
            return maker(specs(), asks, reduction, lang, answers=answers)

        suffix = "" if lang == "en" else "-ja"
        cols = st.columns(4)
        for col, (kind, answers, label) in zip(
            cols,
            (
                ("html", False, tr("Worksheet (HTML)", "演習シート（HTML）")),
                ("md", False, tr("Worksheet (Markdown)", "演習シート（Markdown）")),
                ("html", True, tr("Answer key (HTML)", "解答（HTML）")),
                ("md", True, tr("Answer key (Markdown)", "解答（Markdown）")),
            ),
            strict=True,
        ):
            col.download_button(
                label,
                data=partial(build, kind, answers),
                file_name=f"{stem}{'-answers' if answers else ''}{suffix}.{kind}",
                mime="text/html" if kind == "html" else "text/markdown",
                icon=":material/download:",
                key=f"quiz_sheet_{kind}_{int(answers)}",
                width="stretch",
            )
