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

import streamlit as st

import dnn
from dnn.core import Reduction

from . import codec
from .i18n import LANGS, Lang, current_lang, tr
from .note import NOTE_PARAM, note_from_query
from .plain import plain

REDUCTIONS = codec.REDUCTIONS
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
_LANG = "lang"
_WIDGET_REQUESTS = "widget_requests"  # widget values to set before the widgets are drawn (request_widget_values)
_QUIZ = "quiz_progress"
_NOTE = "teacher_note"
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
    loaded = codec.read_query(params, dnn.seed_scenario())
    if loaded.lang:
        set_lang(loaded.lang)
    teacher_note, note_problems = note_from_query(params)
    problems = [*loaded.problems, *note_problems]
    ss[_NOTE] = teacher_note
    ss[_SCENARIO] = loaded.scenario
    ss[_REDUCTION] = loaded.reduction or "mean"
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
    _apply_widget_requests()
    st.session_state[_PAGE_PARAMS] = {}  # a page that has link keys of its own sets them again in ``pending``
    if pending is not None:
        pending()
    title = tr(title_en, title_ja)
    st.set_page_config(page_title=f"{title} · Backprop Lab", page_icon=icon, layout="wide")
    sync_query_params()
    from .sidebar import draw_sidebar  # here, not at the top: the sidebar calls back into this module

    draw_sidebar()
    if header:
        st.title(title)
    _show_note()
    _show_messages()


# ---------------------------------------------------------------- the scenario


def _session(session: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """This run's session state, or ``session`` (a test's ``AppTest.session_state``, read after a run)."""
    return st.session_state if session is None else session


def scenario(session: Mapping[str, Any] | None = None) -> dnn.Scenario:
    """The current scenario (network, x, d, learning rate η, steps); of ``session`` when given (tests)."""
    return _session(session)[_SCENARIO]


def set_scenario(sc: dnn.Scenario, record_undo: bool = True, *, refresh_editors: bool = True) -> None:
    """Make ``sc`` the current scenario; the previous one goes on the undo stack unless ``record_undo`` is False.

    ``refresh_editors`` bumps the editor version so every grid redraws from the new values; only an editor's own
    callback passes False (its grid already shows the edit). Call it from a widget callback when you can, so the
    page's whole run and the sidebar's share link see the new scenario.
    """
    ss = st.session_state
    current = ss[_SCENARIO]
    if sc == current:
        return
    if record_undo:
        ss[_UNDO] = [*ss[_UNDO], current][-UNDO_LIMIT:]
    ss[_SCENARIO] = sc
    ss[_LOAD_REPORT] = None  # the user has moved on from what the link or file said
    if refresh_editors:
        bump_editor_version()
    sync_query_params()


def change_scenario(build: Callable[[dnn.Scenario], dnn.Scenario], *, refresh_editors: bool = True) -> bool:
    """Make ``build(current scenario)`` the scenario, or, when it does not validate, say why in a message and redraw
    the inputs from the scenario that stays. Returns whether the change was made. Meant for widget callbacks."""
    try:
        new = build(scenario())
    except dnn.ValidationError as e:
        flash(e.en, e.ja)
        bump_editor_version()
        return False
    set_scenario(new, refresh_editors=refresh_editors)
    return True


def can_undo() -> bool:
    """Whether there is a change to undo."""
    return bool(st.session_state[_UNDO])


def undo() -> bool:
    """Go back to the scenario before the last change; False when there is nothing to undo."""
    ss = st.session_state
    if not ss[_UNDO]:
        return False
    *rest, previous = ss[_UNDO]
    ss[_UNDO] = rest
    ss[_SCENARIO] = previous
    bump_editor_version()
    sync_query_params()
    return True


def reset() -> None:
    """Back to the notebook's scenario (undoable)."""
    set_scenario(dnn.seed_scenario())


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
    if value in REDUCTIONS:
        st.session_state[_REDUCTION] = value
        sync_query_params()


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
            st.caption(tr(":material/sticky_note_2: Note from the link", ":material/sticky_note_2: リンクのメモ"))
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
        lines = "\n".join(f"- {plain(p.text(lang))}" for p in report.problems)  # they quote the link's values
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
    extra = {**({NOTE_PARAM: note()} if note() else {}), **(st.session_state.get(_PAGE_PARAMS) or {})}
    return "&".join(
        q for q in (codec.query_string(scenario(), current_lang(), reduction()), urlencode(extra, safe=",")) if q
    )


def share_url() -> str:
    """The full share link of the current page: the app's own address (``st.context.url``) plus the query."""
    base = st.context.url or ""
    return f"{base}?{share_query()}"


def sync_query_params() -> None:
    """Rewrite the address bar's query parameters from the scenario (only the keys that differ)."""
    teacher_note = {NOTE_PARAM: note()} if note() else {}
    desired = {**codec.scenario_to_query(scenario(), current_lang(), reduction()), **teacher_note, **page_link_params()}
    qp = st.query_params
    changed = {k: v for k, v in desired.items() if qp.get(k) != v}
    own_keys = (*codec.LINK_KEYS, NOTE_PARAM, *st.session_state.get(_PAGE_PARAM_KEYS, ()))
    stale = [k for k in own_keys if k in qp and k not in desired]
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
    """The quiz's progress in this session (a ``ui.quiz.QuizProgress``), or None before the quiz was opened."""
    return st.session_state.get(_QUIZ)


def set_quiz_progress(progress: Any) -> None:
    """Remember the quiz's progress (what is asked, the typed answers, the score) for the rest of the session."""
    st.session_state[_QUIZ] = progress
