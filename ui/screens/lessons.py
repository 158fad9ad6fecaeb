"""The Lessons screen: six short guided steps through the course notebook — forward pass, loss, δ2, the gradients,
one SGD step, many steps. Each has its scenario, what to look at (with that scenario's numbers, computed by
``dnn``), one question to answer in the quiz, and a button that opens the screen (and panel) to look at.

``LESSONS`` is the list; ``look(lesson, reduction, lang)`` writes a step's text from dnn's values; ``draw`` lays
the screen out. Opening a screen or the quiz loads the lesson's scenario first (undoable), unless the teacher's
link locked a value it would change: then the screens keep the teacher's scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import streamlit as st

import dnn
from ui.session import presets, state
from ui.text.i18n import pick, tr
from ui.widgets import teacher_view
from ui.widgets.pages_nav import PAGES, NavEntry


def _n(v: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits; −0 (a gradient through a dead unit) prints as 0."""
    return f"{float(v) + 0.0:.{digits}g}"


def _vec(a: np.ndarray, digits: int = 4) -> str:
    """One sample's values as the screens print them: "[0.1, 0.2]"."""
    return "[" + ", ".join(_n(v, digits) for v in np.ravel(a)) + "]"


def _many_steps() -> dnn.Scenario:
    return dnn.seed_scenario().replace(steps=1000)


@dataclass(frozen=True)
class Lesson:
    """One guided step: titles, the scenario it is about (and its name), the screen and panel to open
    (``panel`` as in ``teacher_view.requested_panel``), the quiz's ``ask`` and the question in both languages."""

    key: str
    en: str
    ja: str
    scenario_en: str
    scenario_ja: str
    build: Callable[[], dnn.Scenario]
    screen: str
    panel: str | None
    ask: tuple[str, ...]
    question_en: str
    question_ja: str


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "forward",
        "Forward pass",
        "順伝播",
        "the notebook's network",
        "ノートブックのネットワーク",
        presets.notebook,
        "forward",
        "printout",
        ("u1",),
        "Compute the total input u1 = x·W1 + b1 by hand.",
        "総入力 u1 = x·W1 + b1 を手で計算しましょう。",
    ),
    Lesson(
        "loss",
        "Loss",
        "誤差",
        "the notebook's network",
        "ノートブックのネットワーク",
        presets.notebook,
        "forward",
        None,
        ("E",),
        "Compute the cross-entropy error E from y and d.",
        "y と d から交差エントロピー誤差 E を計算しましょう。",
    ),
    Lesson(
        "delta2",
        "δ2: the output layer's delta",
        "δ2: 出力層のデルタ",
        "the preset “Confidently wrong”",
        "プリセット「自信満々の誤り」",
        presets.confidently_wrong,
        "backprop",
        "q1",
        ("delta2",),
        "Compute δ2 = y − d.",
        "δ2 = y − d を計算しましょう。",
    ),
    Lesson(
        "gradients",
        "The gradients",
        "勾配（偏微分）",
        "the preset “Dead ReLU unit”",
        "プリセット「死んだ ReLU ユニット」",
        presets.dead_relu,
        "backprop",
        "q3",
        ("gW2",),
        "Compute ∂E/∂W2 = z1ᵀ·δ2.",
        "∂E/∂W2 = z1ᵀ·δ2 を計算しましょう。",
    ),
    Lesson(
        "sgd_step",
        "One SGD step",
        "SGD を 1 ステップ",
        "the notebook's network",
        "ノートブックのネットワーク",
        presets.notebook,
        "backprop",
        "printout",
        ("W2_new",),
        "Compute W2 after one step: W2 − η·∂E/∂W2.",
        "1 ステップ後の W2 = W2 − η·∂E/∂W2 を計算しましょう。",
    ),
    Lesson(
        "many_steps",
        "Many steps",
        "何ステップも学習",
        "the notebook's network, 1,000 steps",
        "ノートブックのネットワーク（1,000 ステップ）",
        _many_steps,
        "training",
        None,
        ("W1_new", "b1_new", "W2_new", "b2_new"),
        "Training repeats one step: compute all four parameters after the first step.",
        "学習は 1 ステップのくり返しです。最初の 1 ステップ後の 4 つのパラメータをすべて計算しましょう。",
    ),
)


def look(lesson: Lesson, reduction: str, lang: str) -> str:
    """What to look at in ``lesson``, with its scenario's numbers (every one computed here by ``dnn``)."""
    sc = lesson.build()
    net, x, d = sc.network, sc.x, sc.d
    fwd = dnn.forward(net, x)
    g = dnn.backward(net, x, d, reduction=reduction, fwd=fwd)
    k = int(np.argmax(d[0]))  # the class the target asks for (one-hot in every lesson's scenario)
    target = f"y{k + 1}"
    if lesson.key == "forward":
        act = "ReLU" if net.hidden == "relu" else net.hidden
        return pick(
            lang,
            f"With x = {_vec(x)}, the total input is u1 = x·W1 + b1 = {_vec(fwd.u1)}; {act} gives the hidden "
            f"output z1 = {_vec(fwd.z1)}; then u2 = z1·W2 + b2 = {_vec(fwd.u2)}, and {net.output} gives the output "
            f"y = {_vec(fwd.y)}. Follow each line on the Forward pass screen.",
            f"x = {_vec(x)} のとき、総入力 u1 = x·W1 + b1 = {_vec(fwd.u1)}。{act} で中間層出力 "
            f"z1 = {_vec(fwd.z1)}。u2 = z1·W2 + b2 = {_vec(fwd.u2)} を {net.output} に通すと出力 "
            f"y = {_vec(fwd.y)}。順伝播の画面で 1 行ずつ確かめましょう。",
        )
    if lesson.key == "loss":
        e = dnn.loss(net, x, d)
        return pick(
            lang,
            f"The target d = {_vec(d)} asks for {target}; the network gives {target} = {fwd.y[0, k]:.4f}. The "
            f"cross-entropy error is E = −Σ d·log y = −log {fwd.y[0, k]:.4f} = {e:.4f}: the closer {target} gets to "
            "1, the closer E gets to 0.",
            f"目標出力 d = {_vec(d)} は {target} を求めています。ネットワークの出力は {target} = {fwd.y[0, k]:.4f}。"
            f"交差エントロピー誤差は E = −Σ d·log y = −log {fwd.y[0, k]:.4f} = {e:.4f}。{target} が 1 に近づくほど "
            "E は 0 に近づきます。",
        )
    if lesson.key == "delta2":
        wrong = int(np.argmax(fwd.y[0]))
        return pick(
            lang,
            f"The target is {target}, but the network puts y{wrong + 1} = {_n(fwd.y[0, wrong])}. The partial "
            f"derivative of E with respect to the output's total input u2 is δ2 = y − d = {_vec(fwd.y)} − {_vec(d)} "
            f"= {_vec(g.delta2)}: large where the output is wrong. The Backprop screen shows it, and why softmax "
            "needs no extra factor.",
            f"目標は {target} なのに、出力は y{wrong + 1} = {_n(fwd.y[0, wrong])}。出力層の総入力 u2 についての "
            f"E の偏微分は δ2 = y − d = {_vec(fwd.y)} − {_vec(d)} = {_vec(g.delta2)}。出力が外れているところほど"
            "大きくなります。誤差逆伝播の画面で、softmax に余分な因子がいらない理由も見られます。",
        )
    if lesson.key == "gradients":
        j = (dnn.dead_units(net, fwd) or [int(np.argmin(fwd.u1[0]))])[0]
        h = f"h{j + 1}"
        others = np.delete(g.W2, j, axis=0)
        alive_en = " The other units' rows of ∂E/∂W2 are not 0." if np.all(np.any(others != 0, axis=1)) else ""
        alive_ja = "ほかのユニットの ∂E/∂W2 の行は 0 ではありません。" if alive_en else ""
        return pick(
            lang,
            f"{h}'s total input is u1 = {_n(fwd.u1[0, j])} ≤ 0, so ReLU gives z1 = {_n(fwd.z1[0, j])} and its "
            f"derivative is 0. ∂E/∂W2 = z1ᵀ·δ2, so {h}'s row of ∂E/∂W2 is {_vec(g.W2[j])}; δ1 = (δ2·W2ᵀ) ⊙ f′(u1) "
            f"gives {h}'s δ1 = {_n(g.delta1[0, j])}, so its column of ∂E/∂W1 is {_vec(g.W1[:, j])} and its "
            f"∂E/∂b1 = {_n(g.b1[j])}.{alive_en}",
            f"{h} の総入力は u1 = {_n(fwd.u1[0, j])} ≤ 0 なので、ReLU の出力は z1 = {_n(fwd.z1[0, j])}、微分も 0。"
            f"∂E/∂W2 = z1ᵀ·δ2 なので、∂E/∂W2 の {h} の行は {_vec(g.W2[j])}。δ1 = (δ2·W2ᵀ) ⊙ f′(u1) で {h} の "
            f"δ1 = {_n(g.delta1[0, j])}、∂E/∂W1 の {h} の列は {_vec(g.W1[:, j])}、∂E/∂b1 = {_n(g.b1[j])}。"
            f"{alive_ja}",
        )
    if lesson.key == "sgd_step":
        step = dnn.step_report(net, x, d, g, sc.lr)
        new_w2 = step.params_after["W2"]
        return pick(
            lang,
            f"With learning rate η = {sc.lr:g}, every parameter moves by −η × its partial derivative: W2 ← W2 − "
            f"η·∂E/∂W2 moves W2's first row from {_vec(net.W2[0], 6)} to {_vec(new_w2[0], 6)}. The loss E goes from "
            f"{step.loss_before:.6f} to {step.loss_after:.6f}.",
            f"学習率 η = {sc.lr:g} で、各パラメータは −η × 偏微分だけ動きます。W2 ← W2 − η·∂E/∂W2 で W2 の 1 行目は "
            f"{_vec(net.W2[0], 6)} から {_vec(new_w2[0], 6)} へ。誤差 E は {step.loss_before:.6f} から "
            f"{step.loss_after:.6f} になります。",
        )
    run = dnn.train(net, x, d, sc.lr, sc.steps, reduction)
    y_end = dnn.forward(run.network, x).y
    went = pick(lang, "falls", "下がり") if run.loss[-1] < run.loss[0] else pick(lang, "goes", "変わり")
    return pick(
        lang,
        f"Training repeats that step. After {run.last_step:,} steps at η = {sc.lr:g}, E {went} from "
        f"{run.loss[0]:.4f} to {run.loss[-1]:.4f}, and {target} goes from {fwd.y[0, k]:.4f} to {y_end[0, k]:.4f}. "
        "The Training screen draws the whole curve.",
        f"学習はこのステップのくり返しです。η = {sc.lr:g} で {run.last_step:,} ステップ学習すると、E は "
        f"{run.loss[0]:.4f} から {run.loss[-1]:.4f} に{went}、{target} は {fwd.y[0, k]:.4f} から "
        f"{y_end[0, k]:.4f} になります。学習の画面で曲線全体を見られます。",
    )


def _entry(screen: str) -> NavEntry:
    return next(p for p in PAGES if p.screen == screen)


def _load(lesson: Lesson) -> bool:
    """Make the lesson's scenario current (undoable). Its buttons are greyed out when that would change a value the
    teacher locked; should a click arrive anyway, ``state.set_scenario`` refuses it with its message and the learner
    stays here (False)."""
    return state.set_scenario(lesson.build())


def _open(lesson: Lesson) -> None:
    if not _load(lesson):
        st.rerun()  # the refusal was flashed for the next run: show it now
    entry = _entry(lesson.screen)
    st.switch_page(entry.path, query_params={teacher_view.PANEL_PARAM: lesson.panel} if lesson.panel else None)


def _quiz(lesson: Lesson) -> None:
    from ui.screens import quiz  # the quiz's progress is its own; only this button needs it

    if not _load(lesson):
        st.rerun()  # the refusal was flashed for the next run: show it now
    quiz.start(lesson.ask)
    st.switch_page(_entry("quiz").path)


# ---------------------------------------------------------------- the screen's sections, top to bottom
# ``pages/7_Lessons.py`` calls them in this order (docs/design.md, "The shape of a screen").


def intro() -> None:
    """What the lessons are, and that a teacher's locks keep the screens on the teacher's numbers."""
    st.caption(
        tr(
            "Six short steps through the course notebook. Each one names its scenario, says what to look at with "
            "its numbers, asks one question for you to compute in the quiz, and opens the screen that shows it.",
            "講座のノートブックを 6 つの短いステップでたどります。各ステップのシナリオ、見るところ（数値つき）、"
            "クイズで手計算する問題、それを見られる画面へのボタンがあります。",
        )
    )
    if any(teacher_view.would_change_locked(lesson.build()) for lesson in LESSONS):
        st.info(
            tr(
                "The teacher locked values of the scenario, so the screens keep the teacher's numbers; the numbers "
                "below are each lesson's own. A step whose scenario would change a locked value has its buttons "
                "switched off.",
                "先生がシナリオの値を固定しているため、各画面は先生の数値のままです。下の数値は各レッスンのシナリオの"
                "ものです。固定された値を変えてしまうステップのボタンは押せません。",
            ),
            icon=":material/lock:",
        )


def _locked_help() -> str:
    """Why a lesson's buttons are off: its scenario would change a value the teacher's link locked."""
    return tr(
        "The teacher fixed the scenario for this class, so this step's scenario cannot be loaded. The screens in the "
        "sidebar show the teacher's numbers.",
        "この授業では先生がシナリオを固定しているため、このステップのシナリオは読み込めません。サイドバーの各画面は"
        "先生の数値を表示します。",
    )


def lesson_block(i: int, lesson: Lesson, what_to_look_at: str, lang: str) -> None:
    """Lesson ``i`` in a bordered block: its scenario, what to look at (``look``'s words around its numbers), its
    question, and buttons that open its screen and the quiz (off when its scenario would change a locked value)."""
    with st.container(border=True, key=f"lesson_{lesson.key}"):
        st.subheader(f"{i}. {pick(lang, lesson.en, lesson.ja)}")
        st.caption(pick(lang, f"Scenario: {lesson.scenario_en}", f"シナリオ: {lesson.scenario_ja}"))
        st.markdown(f"**{tr('What to look at', '見るところ')}** — {what_to_look_at}")
        st.markdown(f"**{tr('Question', '問題')}** — {pick(lang, lesson.question_en, lesson.question_ja)}")
        cols = st.columns(2)
        entry = _entry(lesson.screen)
        fixed = teacher_view.would_change_locked(lesson.build())  # the teacher's lock keeps its scenario out
        why = _locked_help() if fixed else None
        if not state.is_hidden(lesson.screen):
            label = pick(lang, f"Open {entry.en}", f"{entry.ja}の画面を開く")
            if cols[0].button(
                label, icon=entry.icon, key=f"lesson_{lesson.key}_open", width="stretch", disabled=fixed, help=why
            ):
                _open(lesson)
        if not state.is_hidden("quiz"):
            label = tr("Answer it in the quiz", "クイズで答える")
            if cols[1].button(
                label,
                icon=":material/quiz:",
                key=f"lesson_{lesson.key}_quiz",
                width="stretch",
                disabled=fixed,
                help=why,
            ):
                _quiz(lesson)
