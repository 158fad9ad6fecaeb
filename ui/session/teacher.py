"""A teacher's link keys beside the scenario: ``lock=`` (values the learner sees but cannot change) and ``hide=``
(screens and panels left out). Plain functions, no Streamlit: ``ui.session.state`` reads them once, when a session opens
its first link, keeps them for the session, refuses every change to a locked value, and writes them back into the
address bar, the share link and the JSON file.

The keys are read and written by ``ui.session.codec``'s one table (``codec.Classroom``), like every other key: a bad
value
never raises, unknown names become a ``codec.Problem`` for the key, and the known names in the same value still
apply. This module says what the names are and what a lock keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

import dnn
from ui.session.codec import Classroom, Problem, classroom_query
from ui.text.i18n import ja_join

LOCK_PARAM = "lock"
HIDE_PARAM = "hide"
ALL = "all"

# What can be locked, in link order, with the words a learner reads (never the raw key): a scenario field's name
# is dnn's (``dnn.FIELD_NAMES``, the same words its messages use); sizes and reduction are the app's own.
_SCENARIO_NAMES = dnn.network.FIELD_NAMES
LOCKABLE: dict[str, tuple[str, str]] = {
    **{key: _SCENARIO_NAMES[key] for key in ("W1", "b1", "W2", "b2", "x", "d", "lr", "steps")},
    "sizes": ("sizes (units and samples)", "サイズ（ユニット数とサンプル数）"),
    **{key: _SCENARIO_NAMES[key] for key in ("hidden", "output")},
    "reduction": ("gradient over samples", "勾配のまとめ方（サンプル方向）"),
}
PARAMETERS: tuple[str, ...] = ("W1", "b1", "W2", "b2")

# What can be hidden: screens (named as in ``ui.widgets.pages_nav``) and panels of a screen.
SCREENS: tuple[str, ...] = ("forward", "backprop", "training", "sweep", "compare", "quiz")
PANELS: dict[str, tuple[str, str]] = {
    "printout": ("the notebook's printout", "ノートブックの出力"),
    "gradcheck": ("the gradient check", "勾配チェック"),
    "questions": ("the notebook's questions", "ノートブックの疑問"),
}
HIDEABLE: tuple[str, ...] = (*SCREENS, *PANELS)
# What a lesson's link can open on its screen (``panel=``): the notebook's printout, or one of the notebook's four
# questions on Backprop.
OPENABLE_PANELS: tuple[str, ...] = ("printout", "q1", "q2", "q3", "q4")


def lock_text(lock: Iterable[str]) -> str:
    """``lock`` as a link writes it (``ui.session.codec``'s table): the names in link order, or ``all`` for every
    one."""
    return classroom_query(Classroom(lock=frozenset(lock))).get(LOCK_PARAM, "")


def hide_text(hide: Iterable[str]) -> str:
    """``hide`` as a link writes it: the names in link order."""
    return classroom_query(Classroom(hide=frozenset(hide))).get(HIDE_PARAM, "")


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
    """One Problem per locked field a file or request would change, named as the screens name it."""
    return [
        Problem(
            name,
            f"{LOCKABLE[name][0]}: the teacher locked it; {source_en} would change it",
            f"{LOCKABLE[name][1]}: " + ja_join("先生が固定しています。", source_ja, "はそれを変えてしまいます"),
        )
        for name in names
    ]
