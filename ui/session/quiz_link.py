"""The quiz's own link keys: ``ask=delta1`` (one quantity) or ``ask=u1,y,delta2`` (a sequence) and ``quiz_seed=N``
(a scenario to do by hand). ``ui.session.codec``'s table reads and writes them like every other key
(``codec.Classroom``);
``ui.session.state`` reads them from the link a session opens with, and the quiz page writes them back to the address
bar
so that the share link carries them. A bad value never raises: it becomes a ``codec.Problem`` naming the key, shown
in the link message, where ``ui.text.plain`` makes every quoted value inert text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dnn import quiz
from ui.session.codec import Classroom, Problem, classroom_query, read_query, shortened

ASK_PARAM = "ask"
SEED_PARAM = "quiz_seed"
__all__ = ["ASK_PARAM", "SEED_PARAM", "link_params", "read_link", "shortened"]


def read_link(params: Mapping[str, str | list[str]]) -> tuple[tuple[str, ...] | None, int | None, list[Problem]]:
    """What a link asks of the quiz: the quantities (None: not given or none usable), the seed (None: the link's
    own scenario) and the problems of both keys."""
    loaded = read_query({k: params[k] for k in (ASK_PARAM, SEED_PARAM) if k in params})
    return loaded.classroom.ask, loaded.classroom.quiz_seed, list(loaded.problems)


def link_params(asks: Sequence[str], seed: int | None) -> dict[str, str]:
    """The quiz's keys for the address bar: ``ask`` unless every quantity is asked in order, ``quiz_seed`` when
    the scenario is the seed's."""
    return classroom_query(Classroom(ask=None if tuple(asks) == quiz.ORDER else tuple(asks), quiz_seed=seed))
