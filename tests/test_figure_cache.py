"""Figures drawn on every rerun are built once per scenario: Backprop's slow-motion diagram comes from a cache keyed
by everything that changes it, and is the same figure ``phase_figure`` builds."""

import json
import sys

import numpy as np
import plotly.io as pio

import dnn
from ui.session.cached import python_bytes
from ui.widgets import slow_motion


def test_the_slow_motion_diagram_is_built_once_per_scenario_and_phase(monkeypatch):
    built = []
    original = slow_motion.phase_figure
    monkeypatch.setattr(slow_motion, "phase_figure", lambda *a, **k: built.append(a[5]) or original(*a, **k))
    monkeypatch.setattr(slow_motion, "_PHASES_DRAWN", type(slow_motion._PHASES_DRAWN)())
    sc = dnn.seed_scenario()
    args = (sc.network, sc.x, sc.d, sc.lr, "mean")
    first = slow_motion._drawn_phase(*args, 2, "en", 0)
    again = slow_motion._drawn_phase(*args, 2, "en", 0)
    assert built == [2]  # the rerun reused it
    same = json.loads(original(*args, 2, "en", 0).to_json())
    assert json.loads(pio.to_json(first.to_dict())) == same == json.loads(pio.to_json(again.to_dict()))
    slow_motion._drawn_phase(*args, 3, "en", 0)
    slow_motion._drawn_phase(*args, 2, "ja", 0)
    slow_motion._drawn_phase(sc.network, sc.x, sc.d, sc.lr * 2, "mean", 2, "en", 0)
    assert built == [2, 3, 2, 2]  # another phase, language or learning rate: built anew


def test_the_cache_keeps_a_bounded_number_of_figures(monkeypatch):
    monkeypatch.setattr(slow_motion, "_PHASES_DRAWN", type(slow_motion._PHASES_DRAWN)())
    monkeypatch.setattr(slow_motion, "_PHASES_KEPT", 3)
    sc = dnn.seed_scenario()
    for k in range(5):
        slow_motion._drawn_phase(sc.network, sc.x, sc.d, 0.1 * (k + 1), "mean", 0, "en", 0)
    assert len(slow_motion._PHASES_DRAWN) == 3


def test_the_cache_keeps_a_bounded_number_of_bytes(monkeypatch):
    """An 8-16-8 network's diagram is ~0.4 MB of Python objects: the cache drops the oldest past its byte bound."""
    built = []
    original = slow_motion.phase_figure
    monkeypatch.setattr(slow_motion, "phase_figure", lambda *a, **k: built.append(a[3]) or original(*a, **k))
    monkeypatch.setattr(slow_motion, "_PHASES_DRAWN", type(slow_motion._PHASES_DRAWN)())
    monkeypatch.setattr(slow_motion, "_PHASES_BYTES", 2**20)
    rng = np.random.default_rng(0)
    x, d = rng.normal(size=(16, 8)), np.eye(8)[rng.integers(0, 8, 16)]
    net = dnn.random_network(8, 16, 8, seed=3)
    lrs = [0.01 * (k + 1) for k in range(6)]
    for lr in lrs:
        slow_motion._drawn_phase(net, x, d, lr, "mean", 0, "en", 0)
    kept = [figure for figure, _ in slow_motion._PHASES_DRAWN.values()]
    assert 1 <= len(kept) < len(lrs)
    assert sum(python_bytes(figure) for figure in kept) <= 2**20
    # the measure is not an undercount: the figure's JSON text alone is smaller than its Python objects
    assert all(python_bytes(figure) > len(pio.to_json(figure)) for figure in kept)
    slow_motion._drawn_phase(net, x, d, lrs[-1], "mean", 0, "en", 0)  # the newest is still there
    assert built == lrs


def test_python_bytes_counts_what_containers_hold_once():
    numbers = [float(k) + 0.5 for k in range(1000)]
    assert python_bytes(numbers) == sys.getsizeof(numbers) + 1000 * sys.getsizeof(0.5)
    twice = {"a": numbers, "b": numbers}
    assert python_bytes(twice) == sys.getsizeof(twice) + 2 * sys.getsizeof("a") + python_bytes(numbers)
    array = np.zeros(10_000)
    assert python_bytes((array,)) >= array.nbytes
