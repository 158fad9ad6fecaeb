"""Giving the server's memory back to the system after a class leaves.

Three things kept a server's resident memory (RSS) up after every learner had gone (``benchmarks/RESULTS.md``):

- **Closed sessions.** Streamlit keeps a closed tab's session for a reconnect (``server.disconnectedSessionTTL``)
  and removes the expired ones only when another session disconnects: after the last learner of a class, nobody
  does. ``expire_closed_sessions`` asks Streamlit's store of closed sessions to drop the expired ones.
- **glibc's arenas.** Each thread that allocates gets a malloc arena of its own (up to 8 per core), and every
  session runs its script in a new thread. ``limit_arenas`` caps them at ``ARENAS`` for arenas made from now on
  (the same as ``MALLOC_ARENA_MAX=2``, which the Dockerfile sets before the process starts; on Community Cloud,
  where the environment cannot be set, this call at import does it).
- **Cyclic garbage.** Streamlit's full collection after every script run is switched off
  (``runner.postScriptGC = false`` in ``.streamlit/config.toml``: it cost 0.08-0.12 s of CPU per run); besides
  Python's own collector, the janitor collects once a round instead, for the same memory at a fraction of the cost.
- **Freed memory kept by malloc.** Memory Python and numpy free goes back to malloc, which keeps it for the next
  allocation instead of returning it to the system. ``release_free_memory`` calls glibc's ``malloc_trim(0)``,
  which returns every free page of every arena.

``start_janitor`` runs the first, a collection and the last every ``JANITOR_SECONDS`` in one daemon thread per
process; long training runs call ``release_free_memory`` when they end. Each is a no-op where there is no glibc (macOS,
Windows, musl) or no Streamlit server (tests).
"""

from __future__ import annotations

import ctypes
import gc
import platform
import threading
import time
from typing import Any

ARENAS = 2  # malloc arenas at most (glibc's default is 8 per core)
JANITOR_SECONDS = 20.0  # between two rounds of the janitor
TRIM_AT_MOST_EVERY = 1.0  # seconds: release_free_memory is cheap, but not free (it walks the heap)
_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def _glibc() -> Any | None:
    """glibc's C library, or None on any other system."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None


_LIBC = _glibc()
_lock = threading.Lock()
_last_trim = [0.0]
_janitor: list[threading.Thread] = []


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas made from now on at ``arenas``; False where there is no glibc."""
    return _LIBC is not None and bool(_LIBC.mallopt(_M_ARENA_MAX, arenas))


def release_free_memory(force: bool = False) -> bool:
    """Return the free memory malloc holds to the system (``malloc_trim(0)``), at most once every
    ``TRIM_AT_MOST_EVERY`` seconds unless ``force``; True if it was called."""
    if _LIBC is None:
        return False
    with _lock:
        now = time.monotonic()
        if not force and now - _last_trim[0] < TRIM_AT_MOST_EVERY:
            return False
        _last_trim[0] = now
    _LIBC.malloc_trim(0)
    return True


def _closed_session_store() -> tuple[Any, Any] | None:
    """Streamlit's cache of closed sessions and the server's event loop (the only thread that may touch it), or
    None when Streamlit runs no server here or its internals are not the ones this was written for (1.67)."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return None
        runtime = Runtime.instance()
        cache = runtime._session_mgr._session_storage._cache
        loop = runtime._get_async_objs().eventloop
    except (AttributeError, RuntimeError, ImportError):
        return None
    return (cache, loop) if hasattr(cache, "expire") else None


def expire_closed_sessions() -> bool:
    """Ask Streamlit to drop the closed sessions whose time to live has passed (run on the server's event loop,
    the thread that owns them); False when there is no such store here."""
    found = _closed_session_store()
    if found is None:
        return False
    cache, loop = found
    loop.call_soon_threadsafe(cache.expire)
    return True


def _janitor_round() -> None:
    try:
        expire_closed_sessions()
    except RuntimeError:  # the event loop closed: the server is stopping
        return
    time.sleep(1.0)  # let the event loop drop them first
    gc.collect()  # the cycles the runs left (Streamlit's collection after every run is off: config.toml)
    release_free_memory(force=True)


def start_janitor() -> bool:
    """Start the process's janitor thread (once; only inside a Streamlit server); True if it runs."""
    with _lock:
        if _janitor:
            return True
        if _closed_session_store() is None:
            return False

        def loop() -> None:
            while True:
                time.sleep(JANITOR_SECONDS)
                _janitor_round()

        thread = threading.Thread(target=loop, name="backprop-lab-memory", daemon=True)
        _janitor.append(thread)
    thread.start()
    return True


__all__ = [
    "ARENAS",
    "JANITOR_SECONDS",
    "expire_closed_sessions",
    "limit_arenas",
    "release_free_memory",
    "start_janitor",
]
