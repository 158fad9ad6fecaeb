"""Figures drawn on every rerun are built once per scenario: Backprop's slow-motion diagram comes from a cache keyed
by everything that changes it, and is the same figure ``phase_figure`` builds."""

import json

import plotly.io as pio

import dnn
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
