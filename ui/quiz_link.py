"""The quiz's own link keys: ``ask=delta1`` (one quantity) or ``ask=u1,y,delta2`` (a sequence) and ``quiz_seed=N``
(a scenario to do by hand). Plain functions, no Streamlit: the quiz page reads them once, when a session first
opens it, and writes them back to the address bar so that the share link carries them.

Kept apart from ``ui.codec`` (the scenario's keys) on purpose: these keys belong to one page. A bad value never
raises: it becomes a ``codec.Problem`` naming the key, shown in the page's link message, where ``ui.plain`` makes
every quoted value inert text (the one place that escapes link and file values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dnn import quiz

from .codec import Problem, named

ASK_PARAM = "ask"
SEED_PARAM = "quiz_seed"
# The quiz's keys as a message names them (``ui.link_labels`` collects every key's label).
LABELS: dict[str, tuple[str, str]] = {
    ASK_PARAM: ("quantities the quiz asks", "クイズで問う値"),
    SEED_PARAM: ("quiz scenario number", "クイズのシナリオ番号"),
}
MAX_ASK_CHARS = 400
MAX_SHOWN_CHARS = 24
_BY_LOWER_NAME = {name.lower(): name for name in quiz.ORDER}


def shortened(text: str) -> str:
    """``text`` cut to 24 characters, unprintable characters as "?": a quoted value stays short and visible (the
    message it goes into is made plain text by ``ui.plain``)."""
    shown = text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "…"
    return "".join(ch if ch.isprintable() else "?" for ch in shown)


def _last(params: Mapping[str, str | list[str]], key: str) -> str | None:
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return None if value is None else str(value)


def asks_from_text(text: str) -> tuple[tuple[str, ...] | None, list[Problem]]:
    """The quantities an ``ask`` value names, in its order (repeats dropped), and a Problem for anything else.

    Names are the link names (u1 … b2_new), in any letter case. None when no name is usable.
    """
    names = quiz.ORDER
    listed = ", ".join(names)
    if len(text) > MAX_ASK_CHARS:
        return None, [
            named(
                ASK_PARAM,
                LABELS[ASK_PARAM],
                f"the list is too long ({len(text):,} characters; at most {MAX_ASK_CHARS})",
                f"リストが長すぎます（{len(text):,} 文字、最大 {MAX_ASK_CHARS}）",
            )
        ]
    tokens = [t.strip() for t in text.split(",")]
    found: list[str] = []
    unknown: list[str] = []
    for token in tokens:
        name = _BY_LOWER_NAME.get(token.lower())
        if name is None:
            if token:
                unknown.append(token)
        elif name not in found:
            found.append(name)
    problems = []
    if unknown:
        shown = ", ".join(f"“{shortened(t)}”" for t in unknown[:3]) + (" …" if len(unknown) > 3 else "")
        problems.append(
            named(
                ASK_PARAM,
                LABELS[ASK_PARAM],
                f"{shown} is not a quantity of the quiz; the quantities are {listed}",
                f"{shown} はクイズの値ではありません。使える名前: {listed}",
            )
        )
    elif not found:
        problems.append(
            named(
                ASK_PARAM,
                LABELS[ASK_PARAM],
                f"the list is empty; the quantities are {listed}",
                f"リストが空です。使える名前: {listed}",
            )
        )
    return (tuple(found) or None), problems


def seed_from_text(text: str) -> tuple[int | None, list[Problem]]:
    """The scenario seed a ``quiz_seed`` value gives (a whole number 0 … 1,000,000), or a Problem saying why not."""
    stripped = text.strip()
    if re.fullmatch(r"\d{1,7}", stripped) and int(stripped) <= quiz.MAX_QUIZ_SEED:
        return int(stripped), []
    return None, [
        named(
            SEED_PARAM,
            LABELS[SEED_PARAM],
            f"“{shortened(stripped)}” is not a whole number from 0 to {quiz.MAX_QUIZ_SEED:,}",
            f"“{shortened(stripped)}” は 0〜{quiz.MAX_QUIZ_SEED:,} の整数ではありません",
        )
    ]


def read_link(params: Mapping[str, str | list[str]]) -> tuple[tuple[str, ...] | None, int | None, list[Problem]]:
    """What a link asks of the quiz: the quantities (None: not given or none usable), the seed (None: the link's
    own scenario) and the problems of both keys."""
    asks, seed, problems = None, None, []
    ask_text = _last(params, ASK_PARAM)
    if ask_text is not None:
        asks, more = asks_from_text(ask_text)
        problems += more
    seed_text = _last(params, SEED_PARAM)
    if seed_text is not None:
        seed, more = seed_from_text(seed_text)
        problems += more
    return asks, seed, problems


def link_params(asks: Sequence[str], seed: int | None) -> dict[str, str]:
    """The quiz's keys for the address bar: ``ask`` unless every quantity is asked in order, ``quiz_seed`` when
    the scenario is the seed's."""
    params = {}
    if tuple(asks) != quiz.ORDER:
        params[ASK_PARAM] = ",".join(asks)
    if seed is not None:
        params[SEED_PARAM] = str(seed)
    return params
