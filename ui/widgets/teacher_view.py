"""The teacher's side on screen: the "Teacher link" builder in the sidebar, the lock mark and caption beside a
locked control, and the panel a lesson's link asks a screen to open (``panel=``).

The rules themselves are elsewhere: ``ui.session.teacher`` reads and writes the keys, ``ui.session.state`` keeps them
and refuses
every change to a locked value (``set_scenario``); this module only lays out.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dnn import quiz
from dnn.network import subject_ja
from ui.session import codec, state, teacher
from ui.session.note import MAX_NOTE_CHARS
from ui.text.i18n import current_lang, ja_join, pick, tr
from ui.widgets.pages_nav import NavEntry, entry_of_screen, existing_pages

PANEL_PARAM = state.PANEL_PARAM  # a lesson's link: which panel of the screen to open (printout, q1 … q4)
LOCK_MARK = ":material/lock:"
_W_NOTE = "w_teacher_note"
_W_LOCK = "w_teacher_lock"
_W_HIDE = "w_teacher_hide"
_W_ASK = "w_teacher_ask"
_W_OPENS = "w_teacher_opens"


# ---------------------------------------------------------------- locked controls


def locked_caption(*fields: str) -> bool:
    """When any of ``fields`` is locked, say so under the control (and return True: draw it disabled)."""
    names = [f for f in teacher.LOCKABLE if f in state.locked() and f in fields]
    if not names:
        return False
    lang = current_lang()
    st.caption(
        pick(
            lang,
            f"{LOCK_MARK} The teacher locked the {teacher.field_names(names, 'en')} for this lesson.",
            f"{LOCK_MARK} " + ja_join("この授業では先生が", teacher.field_names(names, "ja"), "を固定しています。"),
        )
    )
    return True


def would_change_locked(sc: Any) -> bool:
    """Whether making ``sc`` the scenario would be refused (a button that does it is drawn disabled)."""
    return bool(state.locked_changes(sc))


# ---------------------------------------------------------------- a lesson's panel


def requested_panel() -> str | None:
    """The panel the address asks this screen to open (``panel=printout``, ``q1`` … ``q4``), or None (a bad value in
    the link a session opened with was reported then, with the link's other keys)."""
    value = st.query_params.get(PANEL_PARAM)
    return None if value is None else codec.read_query({PANEL_PARAM: value}).classroom.panel


# ---------------------------------------------------------------- the builder


def _screen_label(name: str, lang: str) -> str:
    if name in teacher.PANELS:
        en, ja = teacher.PANELS[name]
        return pick(lang, f"{en} (panel)", f"パネル「{ja}」")
    entry = entry_of_screen(name)
    return pick(lang, f"{entry.en} (screen)", f"画面「{entry.ja}」")  # 「」: the screen's name may hold （）


def _app_root() -> str:
    """The app's own address without the current screen's path (links to other screens start from it)."""
    url = (st.context.url or "").split("?", 1)[0].rstrip("/")
    screen = state.current_screen()
    if isinstance(screen, NavEntry) and screen.url_path and url.endswith("/" + screen.url_path):
        url = url[: -len(screen.url_path) - 1]
    return url


def chosen_keys(note: str, lock: list[str], hide: list[str], ask: list[str]) -> codec.Classroom:
    """What the builder's boxes say, as the classroom's keys (the quantities asked in the notebook's order)."""
    return codec.Classroom(
        note=codec.clean_text(note) or None,
        lock=frozenset(lock),
        hide=frozenset(hide),
        ask=tuple(n for n in quiz.ORDER if n in ask) or None,
    )


def teacher_link(entry: NavEntry, note: str, lock: list[str], hide: list[str], ask: list[str]) -> str:
    """The link that opens ``entry`` on the current scenario with a teacher's note, lock, hide and ask."""
    keys = chosen_keys(note, lock, hide, ask)
    query = codec.query_string(state.scenario(), current_lang(), state.reduction(), keys)
    path = f"/{entry.url_path}" if entry.url_path else "/"
    return f"{_app_root()}{path}?{query}"


def link_summary(entry: NavEntry, note: str, lock: list[str], hide: list[str], ask: list[str], lang: str) -> str:
    """What the builder's link does, in full words (the sidebar's chips cut long names short)."""
    keys = chosen_keys(note, lock, hide, ask)
    screen = pick(lang, entry.en, entry.ja)
    locked = [n for n in teacher.LOCKABLE if n in keys.lock]
    hidden = [n for n in teacher.HIDEABLE if n in keys.hide]
    if lang == "ja":
        sentences = [f"このリンクは、このシナリオで「{screen}」の画面を開きます。"]
        if keys.note:
            sentences.append("各画面の上にメモを表示します。")
        if locked:
            sentences.append(f"{subject_ja(teacher.field_names(locked, 'ja'))}を固定します。")  # "学習率 η を"
        if hidden:
            sentences.append("・".join(_screen_label(n, "ja") for n in hidden) + "を非表示にします。")
        if keys.ask:
            sentences.append(
                "クイズでは " + "・".join(quiz.QUANTITIES[n].symbol("ja") for n in keys.ask) + " を聞きます。"
            )
        return "".join(sentences)
    sentences = [f"This link opens {screen} on this scenario."]
    if keys.note:
        sentences.append("It shows the note at the top of every screen.")
    if locked:
        sentences.append(f"It locks the {teacher.field_names(locked, 'en')}.")
    if hidden:
        sentences.append("It hides " + ", ".join(_screen_label(n, "en") for n in hidden) + ".")
    if keys.ask:
        sentences.append("The quiz asks " + ", ".join(quiz.QUANTITIES[n].symbol("en") for n in keys.ask) + ".")
    return " ".join(sentences)


def link_builder() -> None:
    """The sidebar's "Teacher link" expander: note, lock, hide and ask for the current scenario, and the link."""
    lang = current_lang()
    with st.expander(tr("Teacher link", "授業用リンク"), icon=":material/school:", key="teacher_link_builder"):
        st.caption(
            tr(
                "Build a link for your class: this scenario, a note on every screen, values the learners see but "
                "cannot change, screens and panels left out, and what the quiz asks.",
                "授業用のリンクを作ります: このシナリオ、各画面のメモ、見えるが変えられない値、"
                "表示しない画面とパネル、クイズで聞く値。",
            )
        )
        note = st.text_area(
            tr("Note (plain text)", "メモ（プレーンテキスト）"),
            value=state.note() or "",
            max_chars=MAX_NOTE_CHARS,
            key=_W_NOTE,
            persist_state="session",
        )
        lock = st.multiselect(
            tr("Lock (seen, not editable)", "固定（見えるが変えられない）"),
            list(teacher.LOCKABLE),
            default=[n for n in teacher.LOCKABLE if n in state.locked()],
            format_func=lambda n: pick(lang, *teacher.LOCKABLE[n]),
            key=state.translated_key(_W_LOCK),
            persist_state="session",
        )
        hide = st.multiselect(
            tr("Hide (screens and panels)", "非表示（画面とパネル）"),
            list(teacher.HIDEABLE),
            default=[n for n in teacher.HIDEABLE if n in state.hidden()],
            format_func=lambda n: _screen_label(n, lang),
            key=state.translated_key(_W_HIDE),
            persist_state="session",
        )
        reduction, n_samples = state.reduction(), len(state.scenario().x)  # the gradients' names: E or E_sum
        ask = st.multiselect(
            tr("Quiz asks (in the notebook's order)", "クイズで聞く値（ノートブックの順）"),
            list(quiz.ORDER),
            format_func=lambda n: quiz.loss_named(quiz.QUANTITIES[n].symbol(lang), reduction, n_samples),  # short chips
            key=state.translated_key(_W_ASK),
            persist_state="session",
        )
        pages = [p for p in existing_pages() if not (p.screen and p.screen in hide)]
        here = state.current_screen()
        opens = st.selectbox(
            tr("Opens on", "開く画面"),
            range(len(pages)),
            index=next((i for i, p in enumerate(pages) if p == here), 0),
            format_func=lambda i: pick(lang, pages[i].en, pages[i].ja),
            key=state.translated_key(_W_OPENS),
        )
        st.caption(link_summary(pages[opens], note or "", lock, hide, ask, lang))
        st.code(teacher_link(pages[opens], note or "", lock, hide, ask), language=None, wrap_lines=True)
        st.download_button(
            tr("Download it as a scenario file", "シナリオファイルとしてダウンロード"),
            data=state.scenario_file(chosen_keys(note or "", lock, hide, ask)),
            file_name="backprop-lab-lesson.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            key="teacher_download",
            width="stretch",
        )
        st.caption(
            tr(
                "Copy it (icon at the top right of the box). The scenario file (Save) carries the same keys.",
                "右上のアイコンでコピー。シナリオファイル（保存）にも同じ内容が入ります。",
            )
        )


def json_keys() -> codec.Classroom:
    """The session's classroom keys for the scenario file: note, lock, hide, and the quiz's ask and seed."""
    from ui.screens.quiz import (  # here: ui.screens.quiz imports this module; import it only when saving
        asked,
        drawn_seed,
    )

    return state.classroom()._replace(ask=asked(), quiz_seed=drawn_seed())
