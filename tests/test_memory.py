"""``ui.session.memory``: giving memory back after a class leaves. What it returns to the system is measured by the
benchmarks (``benchmarks/load_test.py``, ``bench_memory.py``); here: that each piece does what it says, and that the
Streamlit internals it reaches for are still where it looks for them (an upgrade that moves them fails here, not
silently on a server)."""

import inspect
import platform
from types import SimpleNamespace

from streamlit.runtime import Runtime
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui.session import memory

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


class FakeLibc:
    def __init__(self):
        self.trims, self.options = 0, []

    def malloc_trim(self, pad):
        assert pad == 0
        self.trims += 1
        return 1

    def mallopt(self, option, value):
        self.options.append((option, value))
        return 1


def test_trimming_is_rate_limited_unless_forced(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_LIBC", libc)
    monkeypatch.setattr(memory, "_last_trim", [0.0])
    monkeypatch.setattr(memory, "TRIM_AT_MOST_EVERY", 3600.0)
    assert memory.release_free_memory() is True
    assert memory.release_free_memory() is False  # within the hour: skipped
    assert memory.release_free_memory(force=True) is True
    assert libc.trims == 2


def test_arenas_are_capped_through_mallopt(monkeypatch):
    libc = FakeLibc()
    monkeypatch.setattr(memory, "_LIBC", libc)
    assert memory.limit_arenas() is True
    assert libc.options == [(-8, memory.ARENAS)]  # M_ARENA_MAX in glibc's malloc.h


def test_without_glibc_everything_is_a_no_op(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", None)
    assert memory.release_free_memory(force=True) is False
    assert memory.limit_arenas() is False


def test_glibc_is_found_where_there_is_one_and_trimming_works():
    assert (memory._LIBC is not None) == GLIBC
    assert memory.release_free_memory(force=True) is GLIBC


def test_no_janitor_without_a_streamlit_server():
    assert not Runtime.exists() or memory._closed_session_store() is None
    assert memory.expire_closed_sessions() is False


def test_expired_closed_sessions_are_dropped_on_the_event_loop(monkeypatch):
    scheduled = []
    cache = SimpleNamespace(expire=lambda: "expired")
    loop = SimpleNamespace(call_soon_threadsafe=scheduled.append)
    monkeypatch.setattr(memory, "_closed_session_store", lambda: (cache, loop))
    assert memory.expire_closed_sessions() is True
    assert scheduled == [cache.expire]  # not called from this thread: handed to the loop that owns the store


def test_streamlit_keeps_closed_sessions_where_the_janitor_looks():
    # Runtime._session_mgr._session_storage._cache.expire and Runtime._get_async_objs().eventloop (streamlit 1.67)
    assert "self._session_mgr" in inspect.getsource(Runtime.__init__)
    assert hasattr(Runtime, "_get_async_objs")
    assert "self._session_storage" in inspect.getsource(WebsocketSessionManager.__init__)
    storage = MemorySessionStorage(maxsize=4, ttl_seconds=1)
    assert callable(storage._cache.expire)


def test_the_janitor_collects_the_cycles_the_runs_left(monkeypatch):
    """Streamlit's collection after every run is off (config.toml), so the janitor's round must free cycles."""
    import gc
    import weakref

    class Node:
        pass

    monkeypatch.setattr(memory, "expire_closed_sessions", lambda: True)
    monkeypatch.setattr(memory.time, "sleep", lambda s: None)
    was_enabled = gc.isenabled()
    gc.disable()  # only the janitor may collect it
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
        assert alive() is not None  # a cycle: reference counting alone does not free it
        memory._janitor_round()
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()


def test_streamlit_runs_no_full_collection_after_every_script_run():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
