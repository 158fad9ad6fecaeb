"""Cached computations for the pages: results that cost more than a rerun should (the only Streamlit in here is
``st.cache_data``), and ``BytesCache``, the server-wide cache of training runs bounded in bytes."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

import numpy as np
import streamlit as st

import dnn
from ui.session import fair_share, memory

V = TypeVar("V")

# Once per server process, at the first page's import: a shorter switch interval, so that the server's event loop
# and short reruns get the interpreter soon beside long work (``ui.session.fair_share``); fewer malloc arenas, and the
# janitor that drops expired closed sessions and returns freed memory to the system (``ui.session.memory``).
fair_share.share_the_interpreter()
memory.limit_arenas()
memory.start_janitor()


def nbytes(obj: Any) -> int:
    """The bytes held by the numpy arrays in ``obj``, following dataclass fields, dicts, lists and tuples (other
    values count for nothing: a run's few numbers and strings are small beside its arrays)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(nbytes(getattr(obj, f.name)) for f in dataclasses.fields(obj))
    if isinstance(obj, dict):
        return sum(nbytes(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(nbytes(v) for v in obj)
    return 0


def python_bytes(obj: Any) -> int:
    """The memory of ``obj`` and of everything its dicts, lists and tuples hold, each object counted once: what a
    value built of plain Python objects (a figure as plotly.js's JSON) keeps alive. Arrays count their own data."""
    seen: set[int] = set()
    todo = [obj]
    total = 0
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return total


def content_key(*parts: Any) -> str:
    """A short key for values that compute the same result: arrays by shape and content, Networks by
    ``network_cache_key``, anything else by ``repr``."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, dnn.Network):
            part = network_cache_key(part)
        for item in part if isinstance(part, tuple) else (part,):
            if isinstance(item, np.ndarray):
                h.update(repr((item.dtype.str, item.shape)).encode())
                h.update(np.ascontiguousarray(item).tobytes())
            elif isinstance(item, bytes):
                h.update(item)
            else:
                h.update(repr(item).encode())
            h.update(b"|")
    return h.hexdigest()


class BytesCache(Generic[V]):
    """Results shared by every session of the server process, bounded by the bytes of their arrays: when a new
    result would pass ``max_bytes``, the least recently used ones are dropped first. (``st.cache_data`` bounds
    entries only, and it replays what a cached function drew, such as a progress bar.) Thread-safe: each session
    runs its script in a thread of its own."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        """The result stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key: str, value: V) -> None:
        """Store ``value`` under ``key``; a value larger than the whole cache is not stored."""
        size = nbytes(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            if size > self.max_bytes:
                return
            while self._items and self._bytes + size > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped
            self._items[key] = (value, size)
            self._bytes += size

    @property
    def nbytes(self) -> int:
        """Bytes held now (at most ``max_bytes``)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0


def network_cache_key(net: dnn.Network) -> tuple:
    """What makes two networks compute the same: each parameter array by shape and content, and the layer kinds.
    (A Network is not hashable, being made of arrays; ``st.cache_data`` uses this for it through ``NETWORK_HASH``.)"""
    params = (net.W1, net.b1, net.W2, net.b2)
    return (*(p.shape for p in params), *(p.tobytes() for p in params), net.hidden, net.output)


NETWORK_HASH = {dnn.Network: network_cache_key}  # hash_funcs for st.cache_data functions that take a Network


# Each entry is the four gradient arrays (at most 280 numbers, 2.2 KB) under a hashed key: at most ~0.2 MB.
@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=NETWORK_HASH)
def _numerical(net: dnn.Network, x: np.ndarray, d: np.ndarray, reduction: str) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):  # a loss that overflows gives inf/nan differences, which the check reports
        return dnn.numerical_gradient(net, x, d, reduction=reduction).params()


def numerical_gradient(sc: dnn.Scenario, reduction: str = "mean") -> dict[str, np.ndarray]:
    """数値微分 for every parameter (W1, W2, b1, b2) of the mean loss, or of the summed loss for ``reduction="sum"``
    (N times larger), cached: one forward pass per nudge adds up for the largest networks (280 parameters × 2
    nudges)."""
    return _numerical(sc.network, sc.x, sc.d, reduction)
