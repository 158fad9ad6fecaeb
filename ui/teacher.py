"""A teacher's link keys beside the scenario: ``lock=`` (values the learner sees but cannot change) and ``hide=``
(screens and panels left out). Plain functions, no Streamlit: ``ui.state`` reads them once, when a session opens
its first link, keeps them for the session, refuses every change to a locked value, and writes them back into the
address bar, the share link and the JSON file.

A bad value never raises: unknown names become a ``codec.Problem`` for the key, quoted with every Markdown
character escaped (``quiz_link.plain``), and the known names in the same value still apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

import dnn

from .codec import MAX_JSON_BYTES, Problem
from .i18n import ja_join
from .quiz_link import shortened

LOCK_PARAM = "lock"
HIDE_PARAM = "hide"
ALL = "all"
MAX_LIST_CHARS = 400  # every name listed once is under 100 characters; more is not a list a teacher wrote

# What can be locked, in link order, with the words a learner reads (never the raw key).
LOCKABLE: dict[str, tuple[str, str]] = {
    "W1": ("weight W1", "重み W1"),
    "b1": ("bias b1", "バイアス b1"),
    "W2": ("weight W2", "重み W2"),
    "b2": ("bias b2", "バイアス b2"),
    "x": ("input x", "入力 x"),
    "d": ("target d", "目標出力 d"),
    "lr": ("learning rate η", "学習率 η"),
    "steps": ("training steps", "学習ステップ数"),
    "sizes": ("sizes (units and samples)", "サイズ（ユニット数とサンプル数）"),
    "hidden": ("hidden activation", "中間層の活性化関数"),
    "output": ("output layer", "出力層"),
    "reduction": ("gradient over samples", "勾配のまとめ方（サンプル方向）"),
}
PARAMETERS: tuple[str, ...] = ("W1", "b1", "W2", "b2")

# What can be hidden: screens (named as in ``ui.pages_nav``) and panels of a screen.
SCREENS: tuple[str, ...] = ("forward", "backprop", "training", "sweep", "compare", "quiz")
PANELS: dict[str, tuple[str, str]] = {
    "printout": ("the notebook's printout", "ノートブックの出力"),
    "gradcheck": ("the gradient check", "勾配チェック"),
    "questions": ("the notebook's questions", "ノートブックの疑問"),
}
HIDEABLE: tuple[str, ...] = (*SCREENS, *PANELS)


def names_from_value(
    key: str, value: Any, allowed: Iterable[str], *, allow_all: bool = False
) -> tuple[frozenset[str], list[Problem]]:
    """The names a ``lock``/``hide`` value lists (text "a,b" from a link, or a JSON list of strings), and one
    Problem for the key naming what is unknown. Letter case is ignored; ``all`` (lock only) means every name."""
    allowed = tuple(allowed)
    listed = ", ".join((*allowed, ALL) if allow_all else allowed)
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            return frozenset(), [Problem(key, f"{key}: expected a list of names", f"{key}: 名前のリストが必要です")]
        text = ",".join(value)
    elif isinstance(value, str):
        text = value
    else:
        shown = shortened(json.dumps(value))
        return frozenset(), [
            Problem(key, f"{key}: {shown} is not a list of names", f"{key}: {shown} は名前のリストではありません")
        ]
    if len(text) > MAX_LIST_CHARS:
        return frozenset(), [
            Problem(
                key,
                f"{key} is too long ({len(text):,} characters; at most {MAX_LIST_CHARS}), so it is not used",
                f"{key} が長すぎるため使いません（{len(text):,} 文字、最大 {MAX_LIST_CHARS} 文字）",
            )
        ]
    by_lower = {name.lower(): name for name in allowed}
    found: set[str] = set()
    unknown: list[str] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if allow_all and token.lower() == ALL:
            found.update(allowed)
        elif token.lower() in by_lower:
            found.add(by_lower[token.lower()])
        elif token not in unknown:
            unknown.append(token)
    if not unknown:
        return frozenset(found), []
    shown = ", ".join(f"“{shortened(t)}”" for t in unknown[:3]) + (" …" if len(unknown) > 3 else "")
    return frozenset(found), [
        Problem(
            key,
            f"{key}: {shown} is not a name it knows; the names are {listed}",
            f"{key}: {shown} は使えない名前です。使える名前: {listed}",
        )
    ]


def read_teacher(params: Mapping[str, Any]) -> tuple[frozenset[str], frozenset[str], list[Problem]]:
    """What a link (``st.query_params.to_dict()``: text) or a JSON document (text or a list of names) locks and
    hides, and the problems of both keys (never raises)."""
    lock: frozenset[str] = frozenset()
    hide: frozenset[str] = frozenset()
    problems: list[Problem] = []
    if (value := params.get(LOCK_PARAM)) is not None:
        lock, more = names_from_value(LOCK_PARAM, value, LOCKABLE, allow_all=True)
        problems += more
    if (value := params.get(HIDE_PARAM)) is not None:
        hide, more = names_from_value(HIDE_PARAM, value, HIDEABLE)
        problems += more
    return lock, hide, problems


def lock_text(lock: Iterable[str]) -> str:
    """``lock`` for a link: the names in link order, or ``all`` when every value is locked."""
    chosen = set(lock)
    if chosen >= set(LOCKABLE):
        return ALL
    return ",".join(name for name in LOCKABLE if name in chosen)


def hide_text(hide: Iterable[str]) -> str:
    """``hide`` for a link: the names in link order."""
    chosen = set(hide)
    return ",".join(name for name in HIDEABLE if name in chosen)


def sizes(sc: dnn.Scenario) -> tuple[int, int, int, int]:
    """(inputs, hidden units, outputs, samples): what ``lock=sizes`` keeps."""
    net = sc.network
    return net.n_in, net.n_hidden, net.n_out, len(sc.x)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and bool(np.array_equal(a, b))
    return a == b


def field_value(sc: dnn.Scenario, name: str) -> Any:
    """The scenario's value of a lockable field (not ``reduction``, which the session keeps beside it)."""
    if name in PARAMETERS or name in ("hidden", "output"):
        return getattr(sc.network, name)
    if name == "sizes":
        return sizes(sc)
    return getattr(sc, name)


def changed_locked(old: dnn.Scenario, new: dnn.Scenario, lock: Iterable[str]) -> list[str]:
    """The locked fields (in link order) whose value ``new`` changes from ``old``."""
    chosen = set(lock)
    return [
        name
        for name in LOCKABLE
        if name in chosen and name != "reduction" and not _same(field_value(old, name), field_value(new, name))
    ]


def field_names(names: Iterable[str], lang: str) -> str:
    """The fields as a learner reads them: "weight W1, learning rate η" / "重み W1・学習率 η"."""
    chosen = list(names)
    if lang == "ja":
        return "・".join(LOCKABLE[n][1] for n in chosen)
    return ", ".join(LOCKABLE[n][0] for n in chosen)


def locked_problems(names: Iterable[str], source_en: str, source_ja: str) -> list[Problem]:
    """One Problem per locked field a file or request would change, named by its key."""
    return [
        Problem(
            name,
            f"{name}: the teacher locked the {LOCKABLE[name][0]}; {source_en} would change it",
            ja_join(f"{name}: 先生が", LOCKABLE[name][1], "を固定しています。", source_ja, "はそれを変えてしまいます"),
        )
        for name in names
    ]


def teacher_from_json(
    data: str | bytes,
) -> tuple[str | None, frozenset[str], frozenset[str], tuple[str, ...] | None, list[Problem]]:
    """A scenario file's teacher keys: note, lock, hide and the quiz's ask (None/empty when absent), and a
    Problem for each bad one. A file ``scenario_from_json`` refuses gives nothing here. Never raises."""
    from .note import NOTE_PARAM, note_from_query
    from .quiz_link import ASK_PARAM, asks_from_text

    if len(data) > MAX_JSON_BYTES:
        return None, frozenset(), frozenset(), None, []  # the scenario's reader has refused the file already
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # broken, or built to hurt (deep nesting, huge integers)
        return None, frozenset(), frozenset(), None, []
    if not isinstance(doc, dict):
        return None, frozenset(), frozenset(), None, []
    problems: list[Problem] = []
    note = None
    if NOTE_PARAM in doc:
        if isinstance(doc[NOTE_PARAM], str):
            note, more = note_from_query({NOTE_PARAM: doc[NOTE_PARAM]})
            problems += more
        else:
            problems.append(Problem(NOTE_PARAM, "note: expected text", "note: 文字列が必要です"))
    lock, hide, more = read_teacher(doc)
    problems += more
    asks = None
    if ASK_PARAM in doc:
        value = doc[ASK_PARAM]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if isinstance(value, str):
            asks, more = asks_from_text(value)
            problems += more
        else:
            problems.append(Problem(ASK_PARAM, "ask: expected a list of names", "ask: 名前のリストが必要です"))
    return note, lock, hide, asks, problems
