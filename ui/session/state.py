"""The one module that owns session state: the current scenario and everything that has to survive reruns and
page switches.

Every page starts with ``setup_page(...)``. Pages read ``scenario()`` and change it only through
``set_scenario(...)`` (best from a widget callback, so the whole run sees the new scenario). Widgets never own
these values: a widget that is not drawn on a page loses its session-state key, so widgets only *edit* the
canonical keys below (a widget not drawn in a run loses its key, and with it the value).

Widgets' own values are read and set here too (``widget_value``, ``set_widget_value``, ``request_widget_values``),
and tests read the canonical values from ``AppTest.session_state`` with the same functions (``scenario(session)``).

The address bar is always a share link: after every change and on every run the query parameters are rewritten
from the scenario (Streamlit clears hand-set query parameters on a page switch). The link is read into state only
on a session's first run, on whichever page the link opens, so rewriting it never clobbers state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import numpy as np
import streamlit as st

import dnn
from dnn import datasets
from dnn.core import Reduction
from ui.session import codec, data_codec, teacher
from ui.text.i18n import LANGS, Lang, current_lang, ja_join, tr
from ui.text.link_labels import report_line
from ui.text.plain import plain

REDUCTIONS = codec.REDUCTIONS
PANEL_PARAM = "panel"  # a lesson's link: which panel of the screen to open (``ui.session.teacher.OPENABLE_PANELS``)
UNDO_LIMIT = 20

# Canonical session-state keys (non-widget, so they survive page switches).
_SCENARIO = "scenario"
_REDUCTION = "reduction"
_UNDO = "undo_stack"
_BASELINE = "baseline"
_VERSION = "editor_version"
_LOAD_REPORT = "load_report"
_FLASHES = "flashes"
_INITIALISED = "state_initialised"
_DATA = "data_recipe"  # a generated data set's recipe, or your own samples with a held-out share (data_recipe)
_SLOW_MOTION = "slow_motion_phase"  # the Backprop screen's step in slow motion: 0 forward … 3 update
_LANG = "lang"
_WIDGET_REQUESTS = "widget_requests"  # widget values to set before the widgets are drawn (request_widget_values)
_QUIZ = "quiz_progress"
_NOTE = "teacher_note"
_LOCK = "teacher_lock"  # the fields the link locked (frozenset of ui.session.teacher.LOCKABLE names)
_HIDE = "teacher_hide"  # the screens and panels the link hid
_TEACHER_SCENARIO = "teacher_scenario"  # (scenario, reduction) the link opened with: where "Reset" goes back to
_OPENING = "opening_classroom"  # the classroom's keys of the link the session opened with (the quiz reads ask later)
_SCREEN = "current_screen"  # this run's screen (a ui.widgets.pages_nav.NavEntry), for links to other screens
_PAGE_PARAMS = "page_link_params"  # this page's own link keys (the quiz's ask, quiz_seed), set on every run
_PAGE_PARAM_KEYS = "page_link_param_keys"  # every such key ever set, so that a dropped one leaves the address bar


@dataclass(frozen=True)
class LoadReport:
    """What could not be used from a link or a file: ``source`` is "link" or "file"."""

    source: Literal["link", "file"]
    problems: tuple[codec.Problem, ...]


@dataclass(frozen=True)
class Flash:
    """A message shown once, at the top of the next run (e.g. an edit that was refused)."""

    kind: Literal["error", "warning", "info", "success"]
    en: str
    ja: str


def _init_once() -> None:
    """Seed the state on a session's first run, reading the link (scenario and ``lang``) exactly then."""
    ss = st.session_state
    if ss.get(_INITIALISED):
        return
    params = st.query_params.to_dict()
    loaded = codec.read_query(params, dnn.seed_scenario())  # the scenario and the classroom's keys, one table
    if loaded.lang:
        set_lang(loaded.lang)
    classroom = loaded.classroom
    teacher_note, lock, hide = classroom.note, classroom.lock, classroom.hide
    every_value = {key: st.query_params.get_all(key) for key in params}
    problems = [
        *loaded.problems,
        *codec.keys_in_another_form(params, data_codec.LABELS),
        *codec.repeated_keys(every_value, data_codec.LABELS),
    ]
    sc = loaded.scenario
    recipe, recipe_problems = data_codec.recipe_from_query(params)
    problems += recipe_problems
    if recipe is not None:
        try:
            sc = data_codec.apply_recipe(sc, recipe)
        except dnn.ValidationError as e:
            problems.append(data_codec.problem("data", e.en, e.ja))
            recipe = None
        else:
            problems += data_codec.replaced_by_recipe(params, recipe)
    own, own_problems = data_codec.own_data_from_query(params, sc)
    problems += own_problems
    if own is not None:
        try:
            sc = data_codec.apply_own_data(sc, own)
        except dnn.ValidationError as e:
            problems.append(data_codec.problem("test", e.en, e.ja))
            own = None
    ss[_DATA] = recipe or own
    ss[_NOTE] = teacher_note
    ss[_LOCK] = lock
    ss[_HIDE] = hide
    ss[_OPENING] = classroom
    ss[_SCENARIO] = sc
    ss[_REDUCTION] = loaded.reduction or "mean"
    teacher_link = bool(lock or hide or teacher_note)
    ss[_TEACHER_SCENARIO] = (loaded.scenario, ss[_REDUCTION]) if teacher_link else None
    ss[_UNDO] = []
    ss[_BASELINE] = None
    ss[_VERSION] = 0
    ss[_LOAD_REPORT] = LoadReport("link", tuple(problems)) if problems else None
    ss[_FLASHES] = []
    ss[_INITIALISED] = True


def setup_page(
    title_en: str,
    title_ja: str,
    icon: str,
    *,
    header: bool = True,
    pending: Callable[[], None] | None = None,
) -> None:
    """THE first call of every page: page config, state, link, sidebar, title and any messages.

    ``icon`` is a ``":material/...:"`` name (also shown in the browser tab). With ``header=True`` the page's
    title is drawn as ``st.title``; pages then start straight with their content. ``pending`` applies edits
    waiting in widget state (the Home grids' deltas) before anything is drawn, so the sidebar's link and the
    messages already reflect them.
    """
    _init_once()
    from ui.widgets.pages_nav import entry_titled  # here: pages_nav is plain, but keep the import beside its one use

    screen = entry_titled(title_en)
    st.session_state[_SCREEN] = screen
    _apply_widget_requests()
    st.session_state[_PAGE_PARAMS] = {}  # a page that has link keys of its own sets them again in ``pending``
    if pending is not None:
        pending()
    title = tr(title_en, title_ja)
    st.set_page_config(page_title=f"{title} · Backprop Lab", page_icon=icon, layout="wide")
    sync_query_params()
    from ui.widgets.sidebar import draw_sidebar  # here, not at the top: the sidebar calls back into this module

    draw_sidebar()
    if header:
        st.title(title)
    _show_note()
    _show_messages()
    if screen is not None and screen.screen and is_hidden(screen.screen):
        st.info(
            tr(
                "The teacher has hidden this screen for this lesson. The other screens are in the sidebar.",
                "この授業では、先生がこの画面を非表示にしています。ほかの画面はサイドバーから開けます。",
            ),
            icon=":material/visibility_off:",
        )
        st.stop()


# ---------------------------------------------------------------- the scenario


def _session(session: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """This run's session state, or ``session`` (a test's ``AppTest.session_state``, read after a run)."""
    return st.session_state if session is None else session


def scenario(session: Mapping[str, Any] | None = None) -> dnn.Scenario:
    """The current scenario (network, x, d, learning rate η, steps); of ``session`` when given (tests)."""
    return _session(session)[_SCENARIO]


def set_scenario(sc: dnn.Scenario, record_undo: bool = True, *, refresh_editors: bool = True) -> bool:
    """Make ``sc`` the current scenario; the previous one goes on the undo stack unless ``record_undo`` is False.
    Returns whether the scenario is now ``sc``.

    ``refresh_editors`` bumps the editor version so every grid redraws from the new values; only an editor's own
    callback passes False (its grid already shows the edit). Call it from a widget callback when you can, so the
    page's whole run and the sidebar's share link see the new scenario.

    THE one gate of the teacher's lock: a scenario that changes a locked value is refused here, with a message
    naming what is locked, whichever widget, preset, upload or button asked for it.
    """
    ss = st.session_state
    current = ss[_SCENARIO]
    if sc == current:
        return True
    if refused := locked_changes(sc):
        _refuse_locked(refused)
        return False
    if record_undo:
        ss[_UNDO] = [*ss[_UNDO], current][-UNDO_LIMIT:]
    ss[_SCENARIO] = sc
    ss[_LOAD_REPORT] = None  # the user has moved on from what the link or file said
    if refresh_editors:
        bump_editor_version()
    sync_query_params()
    return True


def change_scenario(build: Callable[[dnn.Scenario], dnn.Scenario], *, refresh_editors: bool = True) -> bool:
    """Make ``build(current scenario)`` the scenario, or, when it does not validate, say why in a message and redraw
    the inputs from the scenario that stays. Returns whether the change was made. Meant for widget callbacks."""
    try:
        new = build(scenario())
    except dnn.ValidationError as e:
        flash(e.en, e.ja)
        bump_editor_version()
        return False
    return set_scenario(new, refresh_editors=refresh_editors)


def can_undo() -> bool:
    """Whether there is a change to undo."""
    return bool(st.session_state[_UNDO])


def undo() -> bool:
    """Go back to the scenario before the last change; False when there is nothing to undo."""
    ss = st.session_state
    if not ss[_UNDO]:
        return False
    *rest, previous = ss[_UNDO]
    if refused := locked_changes(previous):  # cannot happen (the lock is there from the start); kept as a gate
        _refuse_locked(refused)
        return False
    ss[_UNDO] = rest
    ss[_SCENARIO] = previous
    bump_editor_version()
    sync_query_params()
    return True


def reset() -> None:
    """Back to the teacher's scenario when the session opened a teacher's link (note, lock or hide), else to the
    notebook's (undoable)."""
    opened = teacher_scenario()
    if opened is None:
        set_scenario(dnn.seed_scenario())
        return
    sc, opened_reduction = opened
    set_scenario(sc)
    if opened_reduction != reduction():
        set_reduction(opened_reduction)
        bump_editor_version()


def teacher_scenario() -> tuple[dnn.Scenario, Reduction] | None:
    """The scenario and reduction a teacher's link opened with (what "Reset" returns to), or None."""
    return st.session_state.get(_TEACHER_SCENARIO)


# ---------------------------------------------------------------- the teacher's lock and hidden screens


def locked(session: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The fields the teacher's link locked (``ui.session.teacher.LOCKABLE`` names); of ``session`` when given
    (tests)."""
    return _session(session).get(_LOCK, frozenset())


def is_locked(*fields: str) -> bool:
    """Whether any of ``fields`` is locked."""
    return bool(locked() & set(fields))


def locked_changes(sc: dnn.Scenario) -> list[str]:
    """The locked fields that ``sc`` would change from the current scenario (empty: the change is allowed)."""
    return teacher.changed_locked(scenario(), sc, locked())


def _refuse_locked(fields: list[str]) -> None:
    flash(
        f"The teacher locked the {teacher.field_names(fields, 'en')} for this lesson, so this change was not made.",
        ja_join("この授業では先生が", teacher.field_names(fields, "ja"), "を固定しているため、この変更はできません。"),
        kind="warning",
    )
    bump_editor_version()  # every input redraws from the scenario that stays


def hidden(session: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The screens and panels the teacher's link hid; of ``session`` when given (tests)."""
    return _session(session).get(_HIDE, frozenset())


def is_hidden(name: str) -> bool:
    """Whether the screen or panel ``name`` (``ui.session.teacher.HIDEABLE``) is hidden."""
    return name in hidden()


def classroom(session: Mapping[str, Any] | None = None) -> codec.Classroom:
    """The session's teacher keys: note, lock and hide (the quiz keeps its own ask and seed); of ``session`` when
    given (tests)."""
    ss = _session(session)
    return codec.Classroom(note=ss.get(_NOTE), lock=ss.get(_LOCK, frozenset()), hide=ss.get(_HIDE, frozenset()))


def teacher_params(session: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The teacher's keys as they go into a link: note, lock, hide (each only when set), written by the codec."""
    return codec.classroom_query(classroom(session))


def add_teacher_keys(note_text: str | None, lock: frozenset[str], hide: frozenset[str]) -> None:
    """Take a teacher's keys from a file: locks and hidden screens add to the session's (a file never unlocks), a
    note is taken only when the session has none. The scenario now loaded becomes the one "Reset" returns to."""
    ss = st.session_state
    ss[_LOCK] = locked() | lock
    ss[_HIDE] = hidden() | hide
    if note_text and not ss.get(_NOTE):
        ss[_NOTE] = note_text
    if lock or hide or note_text:
        ss[_TEACHER_SCENARIO] = (scenario(), reduction())
    sync_query_params()


def opening_classroom() -> codec.Classroom:
    """The classroom's keys of the link the session opened with (the quiz reads ``ask`` and ``quiz_seed`` from them
    on its first visit, whichever screen the link opened)."""
    return st.session_state.get(_OPENING) or codec.NO_CLASSROOM


def current_screen() -> Any:
    """This run's screen (a ``ui.widgets.pages_nav.NavEntry``), or None before ``setup_page``."""
    return st.session_state.get(_SCREEN)


def scenario_file(keys: codec.Classroom | None = None) -> str:
    """The current scenario as a JSON file: its keys, a generated data set's recipe or your own data's held-out
    share, and a classroom's keys (a teacher's note, lock, hide, the quiz's ask and seed)."""
    document = codec.scenario_to_json(scenario(), reduction(), keys)
    return data_codec.with_own_data_json(data_codec.with_recipe_json(document, data_recipe()), own_data())


def data_recipe() -> datasets.Recipe | None:
    """The recipe of the generated data set the scenario trains on; None when x and d are not (or, after an edit of
    a cell, no longer) that data set's training samples. Undo brings it back with the data."""
    recipe = st.session_state.get(_DATA)
    if not isinstance(recipe, datasets.Recipe):
        return None
    return recipe if data_codec.recipe_matches(scenario(), recipe) else None


def own_data() -> datasets.OwnData | None:
    """Your own samples (all of them) with the share held out, when the scenario trains on their training part;
    None otherwise (no share, or a cell of x or d edited since)."""
    own = st.session_state.get(_DATA)
    if not isinstance(own, datasets.OwnData):
        return None
    return own if data_codec.own_data_matches(scenario(), own) else None


def set_data_recipe(source: datasets.Recipe | datasets.OwnData | None) -> None:
    """Remember where the data that the next ``set_scenario`` puts in comes from: a generated data set's recipe, or
    your own samples with a held-out share (the link and the file then carry it)."""
    st.session_state[_DATA] = source


def held_out() -> tuple[np.ndarray, np.ndarray] | None:
    """The held-out samples (x, d) of the scenario's data (generated or your own), None when nothing is held
    out."""
    recipe, own = data_recipe(), own_data()
    if recipe is not None and recipe.test:
        return datasets.generate(recipe).test
    if own is not None and own.data.held_out.any():
        return own.data.test
    return None


# ---------------------------------------------------------------- language


def lang(session: Mapping[str, Any] | None = None) -> Lang:
    """The session's language, "en" or "ja" ("en" unless the user or the link chose Japanese); of ``session`` when
    given (tests). ``i18n.current_lang`` and ``tr`` read it."""
    value = _session(session).get(_LANG, "en")
    return value if value in LANGS else "en"


def set_lang(value: str) -> None:
    """Switch the session's language; unknown values fall back to English."""
    st.session_state[_LANG] = value if value in LANGS else "en"


# ---------------------------------------------------------------- baseline, reduction, editors


def pin_baseline(sc: dnn.Scenario | None = None) -> None:
    """Keep ``sc`` (default: the current scenario) as the baseline a Compare screen sets against the current one."""
    st.session_state[_BASELINE] = scenario() if sc is None else sc


def baseline(session: Mapping[str, Any] | None = None) -> dnn.Scenario | None:
    """The pinned baseline scenario, or None when nothing is pinned; of ``session`` when given (tests)."""
    return _session(session).get(_BASELINE)


def clear_baseline() -> None:
    """Forget the pinned baseline."""
    st.session_state[_BASELINE] = None


def reduction(session: Mapping[str, Any] | None = None) -> Reduction:
    """How backprop reduces over samples: "mean" (gradient of the reported mean loss) or "sum" (the notebook); of
    ``session`` when given (tests)."""
    return _session(session)[_REDUCTION]


def set_reduction(value: str) -> None:
    """Choose "mean" or "sum" (anything else is ignored); the share link follows."""
    if value in REDUCTIONS and value != st.session_state[_REDUCTION] and is_locked("reduction"):
        _refuse_locked(["reduction"])
        return
    if value in REDUCTIONS:
        st.session_state[_REDUCTION] = value
        sync_query_params()


def slow_motion_phase() -> int:
    """Which phase of one SGD step the Backprop screen shows: 0 forward, 1 δ2, 2 δ1, 3 the update."""
    return st.session_state.get(_SLOW_MOTION, 0)


def set_slow_motion_phase(phase: int) -> None:
    """Show phase ``phase`` (kept between 0 and 3) of the step in slow motion."""
    st.session_state[_SLOW_MOTION] = min(max(int(phase), 0), 3)


def editor_version(session: Mapping[str, Any] | None = None) -> int:
    """A number to put in every editor widget's key: it changes when the scenario is replaced from outside the
    editor (reset, preset, undo, resize, load), so the widget starts fresh from the scenario's values. Of
    ``session`` when given (tests)."""
    return _session(session)[_VERSION]


def bump_editor_version() -> None:
    """Make every editor widget start fresh on the next run."""
    st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1


def translated_key(name: str) -> str:
    """The key of a choice widget whose option labels are translated: ``f"{name}_{lang}"``, one widget per language.

    A selectbox or radio remembers its choice by the *label* the browser shows (Streamlit 1.67). After a language
    switch under the same key, the old label matches no option: the widget shows no choice and, on the next rerun,
    its ``on_change`` receives the stale label ("softmax + cross-entropy") as the value — the Home page refused the
    next grid edit with "unknown output layer". A key per language makes a fresh widget that starts from the
    canonical state. Use it for every ``st.selectbox`` / ``st.radio`` whose ``format_func`` depends on the language.
    """
    return f"{name}_{current_lang()}"


# ---------------------------------------------------------------- widgets' own values


def widget_value(key: str, default: Any = None) -> Any:
    """What the keyed widget ``key`` holds (read it in the widget's callback, or before it is drawn), or
    ``default`` when it has none."""
    return st.session_state.get(key, default)


def set_widget_value(key: str, value: Any, *, keep_existing: bool = False) -> None:
    """Give the keyed widget ``key`` a value before it is drawn in this run (Streamlit refuses it afterwards);
    with ``keep_existing``, only when it has none yet (a default that a click may later override)."""
    if keep_existing and key in st.session_state:
        return
    st.session_state[key] = value


def request_widget_values(values: Mapping[str, Any]) -> None:
    """Have widgets take ``values`` (by key) at the start of the next run, before they are drawn: for a button or
    callback whose widgets are already on screen. ``setup_page`` applies them."""
    ss = st.session_state
    ss[_WIDGET_REQUESTS] = {**ss.get(_WIDGET_REQUESTS, {}), **values}


def _apply_widget_requests() -> None:
    for key, value in st.session_state.pop(_WIDGET_REQUESTS, {}).items():
        st.session_state[key] = value


# ---------------------------------------------------------------- messages


def load_report() -> LoadReport | None:
    """What the link or the last uploaded file could not use, if anything."""
    return st.session_state.get(_LOAD_REPORT)


def set_load_report(source: Literal["link", "file"], problems: Sequence[codec.Problem]) -> None:
    """Remember problems of a link or file so that the page shows them (one message, one line per key)."""
    st.session_state[_LOAD_REPORT] = LoadReport(source, tuple(problems)) if problems else None


def dismiss_load_report() -> None:
    """Hide the link/file message."""
    st.session_state[_LOAD_REPORT] = None


def flash(en: str, ja: str, kind: Literal["error", "warning", "info", "success"] = "error") -> None:
    """Show a message once, at the top of the next run (use from callbacks, e.g. to refuse an edit).

    The text is shown as written, never as Markdown: it may quote what a user typed or a file's name."""
    st.session_state[_FLASHES] = [*st.session_state.get(_FLASHES, []), Flash(kind, en, ja)]


def note() -> str | None:
    """The teacher's note from the link the session opened with (``note=``), or None."""
    return st.session_state.get(_NOTE)


def _show_note() -> None:
    """The teacher's note, as plain text (``st.text`` parses neither Markdown nor HTML), at the top of the screen."""
    text = note()
    if text:
        with st.container(border=True, key="teacher_note"):
            st.caption(tr(":material/sticky_note_2: Teacher's note", ":material/sticky_note_2: 先生のメモ"))
            st.text(text)


def _show_messages() -> None:
    report = load_report()
    if report:
        lang = current_lang()
        intro = (
            tr("Some values in the link could not be used:", "リンクの一部の値は使えませんでした:")
            if report.source == "link"
            else tr("The file was not loaded; nothing changed:", "ファイルは読み込まれませんでした（変更なし）:")
        )
        lines = "\n".join(f"- {report_line(p, report.source, lang)}" for p in report.problems)
        tail = tr("Everything else was loaded.", "それ以外は読み込みました。") if report.source == "link" else ""
        with st.container(key="load_report"):
            st.warning(f"{intro}\n\n{lines}\n\n{tail}".strip(), icon=":material/link_off:")
            st.button(tr("Dismiss", "閉じる"), on_click=dismiss_load_report, key="dismiss_load_report")
    flashes = st.session_state.get(_FLASHES, [])
    st.session_state[_FLASHES] = []
    for f in flashes:
        getattr(st, f.kind)(plain(tr(f.en, f.ja)))


# ---------------------------------------------------------------- the link


def share_query() -> str:
    """The current scenario (with the reduction and language) as a query string, "W1=...&lr=...", without "?";
    then the page's own keys (``set_page_link_params``)."""
    extra = {**teacher_params(), **(st.session_state.get(_PAGE_PARAMS) or {})}
    return "&".join(q for q in (urlencode(_query(), safe=",;"), urlencode(extra, safe=",")) if q)


def share_url() -> str:
    """The full share link of the current page: the app's own address (``st.context.url``) plus the query."""
    base = st.context.url or ""
    return f"{base}?{share_query()}"


def _query() -> dict[str, str]:
    """The link's parameters: the scenario's, with a generated data set's recipe in place of its x and d."""
    params = codec.scenario_to_query(scenario(), current_lang(), reduction())
    return data_codec.with_own_data_query(data_codec.with_recipe_query(params, data_recipe()), own_data())


def sync_query_params() -> None:
    """Rewrite the address bar's query parameters from the scenario (only the keys that differ)."""
    desired = {**_query(), **teacher_params(), **page_link_params()}
    qp = st.query_params
    changed = {k: v for k, v in desired.items() if qp.get(k) != v}
    own_keys = (
        # every key of the table but the panel a lesson's link opens: the screen reads that one after this
        *(k for k in codec.LINK_KEYS if k != PANEL_PARAM),
        *data_codec.RECIPE_KEYS,
        *st.session_state.get(_PAGE_PARAM_KEYS, ()),
    )
    stale = [k for k in dict.fromkeys(own_keys) if k in qp and k not in desired]  # each once: the quiz owns ask too
    if changed:
        qp.update(changed)
    for k in stale:
        del qp[k]


def page_link_params() -> dict[str, str]:
    """The current page's own link keys (besides the scenario's), e.g. the quiz's ``ask`` and ``quiz_seed``."""
    return dict(st.session_state.get(_PAGE_PARAMS) or {})


def set_page_link_params(params: dict[str, str], owned: tuple[str, ...] = ()) -> None:
    """Keep ``params`` in the address bar and the share link for this run of this page (call it in ``pending``,
    before the sidebar draws the link); the page's other ``owned`` keys (a bad value from a link) leave the
    address bar. Other pages set none, so the keys leave the address bar there."""
    ss = st.session_state
    ss[_PAGE_PARAMS] = dict(params)
    ss[_PAGE_PARAM_KEYS] = tuple(dict.fromkeys((*ss.get(_PAGE_PARAM_KEYS, ()), *params, *owned)))


# ---------------------------------------------------------------- the quiz


def quiz_progress() -> Any:
    """The quiz's progress in this session (a ``ui.screens.quiz.QuizProgress``), or None before the quiz was opened."""
    return st.session_state.get(_QUIZ)


def set_quiz_progress(progress: Any) -> None:
    """Remember the quiz's progress (what is asked, the typed answers, the score) for the rest of the session."""
    st.session_state[_QUIZ] = progress
