"""The benchmarks keep measuring the work the app does: their workloads compute the notebook's numbers, and the
screen benchmark still opens every screen. No time is asserted here; speed lives in ``benchmarks/``."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from tests import notebook

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def load(name: str) -> ModuleType:
    """A script of benchmarks/ as a module (registered first: its dataclasses look themselves up there)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_math_benchmarks_workloads_compute_the_notebooks_losses():
    bench = load("bench_math")
    losses = bench.plain_loop(2)
    # the notebook's loss before and after its one SGD step, computed by hand from its printout (tests/notebook.py)
    np.testing.assert_allclose(losses, notebook.losses_by_hand(), rtol=1e-12)
    # dnn.train, dnn.sweep and (when installed) PyTorch against that loop, over 200 steps
    bench.check_same_numbers(with_torch=bench.torch is not None)


def test_the_screen_benchmark_finds_and_opens_every_screen():
    bench = load("bench_app")
    pages = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
    assert bench.screens() == ["app.py", *pages]
    result = bench.measure("pages/3_Training.py", {"steps": "50"}, repeats=1)
    assert result.error == ""
    assert len(result.first) == 1 and len(result.rerun) == 1
    assert result.first[0] > 0 and result.rerun[0] > 0


@pytest.mark.parametrize("seconds,expected", [([1.25], "1.250 s"), ([1.0, 2.0, 1.5], "1.500 s (1.000–2.000)")])
def test_the_screen_table_shows_the_median_and_the_range(seconds, expected):
    assert load("bench_app").fmt_range(seconds) == expected


def test_the_browser_class_uploads_a_csv_the_app_reads_as_the_teachers_network_shape():
    """``bench_memory.py --only browsers``: each learner's CSV must load (8 inputs, the 8 classes of the teacher's
    8-16-8 network), or its journey would measure an error message instead of a new data set."""
    from dnn import datasets

    bench = load("bench_memory")
    x, d = datasets.parse_csv(bench.class_csv(128, seed=3))
    assert x.shape == (128, 8) and d.shape == (128, 8)
    np.testing.assert_array_equal(d.sum(axis=0), np.full(8, 16.0))  # every class, one-hot
    sc = bench.teacher_scenario(128, 2000)
    assert (sc.network.n_in, sc.network.W1.shape[1], sc.network.n_out, len(sc.x)) == (8, 16, 8, 128)
