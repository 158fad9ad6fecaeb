"""A fair share of one server process for long work: one long request at a time, and that one never holding the
interpreter for more than a third of the time.

Every session of a Streamlit process runs its script in a thread of the same Python interpreter, and numpy's calls on
this app's small arrays hold the interpreter's lock (the GIL) for their whole length. One request at the budget's
ceiling (``dnn.budget.CEILING_SECONDS``, about 20 s of work) used to take that lock for minutes of wall time while
40 learners' page loads and reruns waited behind it (``benchmarks/RESULTS.md``). Two rules, both for *long* work
only (estimated over ``dnn.budget.PROGRESS_SECONDS``, the work that already runs in chunks with a progress bar):

- **Turns** (``LONG_WORK``): at most ``slots`` long requests of the whole process run at once; the others wait in
  order of arrival, and the waiting page says how many are ahead. Short work (a rerun, the default screens) never
  waits.
- **Pauses** (``pause_after_chunk``): between two chunks, long work sleeps twice as long as the chunk took, so it
  holds the interpreter at most about a third of the time and the other sessions' work runs in the rest. (A thread
  switch alone, ``time.sleep(0)``, is not enough: the next chunk takes the lock back at once.)
- **A shorter switch interval** (``share_the_interpreter``): a thread that wants the lock waits until the thread
  holding it has run for ``sys.getswitchinterval()`` (5 ms by default). The server's event loop (page files,
  websockets) needs the lock again after every short step, so behind any busy script it made one step per 5 ms;
  at ``SWITCH_INTERVAL`` (1 ms) it makes five. Measured: 40 learners beside the costliest link, p95 43 s with the
  pauses alone, 19 s with both (``benchmarks/RESULTS.md``).

Waiting is a loop of short waits with a call back (``on_wait``) between them: the page redraws its message there,
and a Streamlit call is where a session that has rerun or left is stopped — the exception ends the wait (the
session's place is kept a moment for its rerun: ``KEEP_PLACE``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Long work sleeps this many times as long as each chunk took: 2.0 gives it at most a third of the wall time.
# Measured with the costliest link beside 40 learners on one process (benchmarks/RESULTS.md): their p95 was
# 3.3-5.0 s at 1.0 and 1.5-4.0 s at 2.0; the long request itself then takes about three times its CPU time.
PAUSE_PER_WORK = 2.0
# Seconds between two redraws of the waiting message (each redraw is where a moved-on session stops waiting).
WAIT_POLL = 0.25
# Seconds a thread may hold the interpreter's lock while another waits for it (Python's default: 0.005).
SWITCH_INTERVAL = 0.001
# Seconds a waiting request's place is kept after its session reruns (a click while waiting), for the rerun's request.
KEEP_PLACE = 10.0


class _Ticket:
    """A place in the queue; ``owner`` is the session that asked (None: a place that is never kept)."""

    __slots__ = ("owner", "parked_at")

    def __init__(self, owner: object | None) -> None:
        self.owner = owner
        self.parked_at: float | None = None  # when its session moved on while it waited (None: waiting now)


class Turns:
    """Turns for long work, server-wide: ``slots`` at a time, the rest first come, first served.

    ``with turns.turn(on_wait, owner): work()`` runs ``work`` when its turn comes. While it waits, ``on_wait(ahead)``
    is called about every ``poll`` seconds with the number of requests ahead of it (running or waiting); an exception
    from ``on_wait`` (Streamlit's stop or rerun) leaves the wait and propagates.

    A learner who clicks while waiting reruns the page, and the rerun asks again: with an ``owner`` (the session),
    the place is kept for ``keep`` seconds, so the rerun goes on from where the learner was instead of joining the
    queue at the back. A kept place holds no one up: the requests behind it may start while its session is away,
    and a session that does not come back (a closed tab) loses it after ``keep`` seconds. Thread-safe."""

    def __init__(self, slots: int = 1, poll: float = WAIT_POLL, keep: float = KEEP_PLACE) -> None:
        self.slots, self.poll, self.keep = slots, poll, keep
        self._changed = threading.Condition()
        self._queue: list[_Ticket] = []  # the requests waiting (or kept for their session), in order of arrival
        self._running = 0

    @property
    def running(self) -> int:
        """Long requests running now."""
        return self._running

    @property
    def waiting(self) -> int:
        """Long requests waiting for their turn now (a place kept for a session that moved on is not counted)."""
        with self._changed:
            self._forget_expired()
            return sum(t.parked_at is None for t in self._queue)

    @property
    def kept(self) -> int:
        """Places kept for sessions that moved on while waiting."""
        with self._changed:
            self._forget_expired()
            return sum(t.parked_at is not None for t in self._queue)

    def _forget_expired(self) -> None:
        now = time.monotonic()
        self._queue = [t for t in self._queue if t.parked_at is None or now - t.parked_at < self.keep]

    def _ahead(self, ticket: _Ticket) -> int:
        position = self._queue.index(ticket)
        return self._running + sum(t.parked_at is None for t in self._queue[:position])

    def _take(self, owner: object | None) -> _Ticket:
        self._forget_expired()
        if owner is not None:
            for ticket in self._queue:
                if ticket.parked_at is not None and ticket.owner == owner:
                    ticket.parked_at = None  # back in the place it had
                    return ticket
        ticket = _Ticket(owner)
        self._queue.append(ticket)
        return ticket

    @contextmanager
    def turn(self, on_wait: Callable[[int], None] = lambda ahead: None, owner: object | None = None) -> Iterator[None]:
        """Wait for a turn (calling ``on_wait(ahead)`` while waiting), hold it for the body, then pass it on.
        ``owner`` (the session) keeps the place for a moment if the wait is left, for the session's next request."""
        with self._changed:
            ticket = self._take(owner)
        try:
            while True:
                with self._changed:
                    self._forget_expired()
                    ahead = self._ahead(ticket)
                    if self._running < self.slots and ahead == self._running:  # first of those waiting now
                        self._queue.remove(ticket)
                        self._running += 1
                        break
                on_wait(ahead)  # outside the lock: it draws, and may raise
                with self._changed:
                    if self._ahead(ticket) == ahead:
                        self._changed.wait(self.poll)
        except BaseException:
            with self._changed:
                if ticket in self._queue:
                    if owner is None:
                        self._queue.remove(ticket)
                    else:
                        ticket.parked_at = time.monotonic()
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()


LONG_WORK = Turns()  # the process's one queue for long training runs and sweeps


def share_the_interpreter() -> None:
    """Let a thread waiting for the interpreter's lock have it after ``SWITCH_INTERVAL`` instead of 5 ms (for the
    whole process: one call at the first page's import)."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def pause_after_chunk(chunk_seconds: float, sleep: Callable[[float], None] = time.sleep) -> None:
    """Let the other sessions run after a chunk of long work that took ``chunk_seconds``: sleep
    ``PAUSE_PER_WORK`` times as long (a sleep releases the interpreter's lock)."""
    if chunk_seconds > 0:
        sleep(chunk_seconds * PAUSE_PER_WORK)


__all__ = [
    "KEEP_PLACE",
    "LONG_WORK",
    "PAUSE_PER_WORK",
    "SWITCH_INTERVAL",
    "WAIT_POLL",
    "Turns",
    "pause_after_chunk",
    "share_the_interpreter",
]
