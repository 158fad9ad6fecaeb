"""Calibrate and check ``dnn.budget``: the estimated seconds of a training request against the measured ones.

``dnn.budget`` prices one SGD step as a sum of counts (numpy calls, runs, weights × samples, hidden units ×
samples, outputs × samples for each output layer) times constants (``STEP_COST``). This script

1. times ``dnn.train`` (full batch and stochastic) and ``dnn.sweep`` over a grid of network sizes (2-3-2 … 8-16-8),
   samples (1 … 256), learning rates (1 … 256 runs), hidden activations and all three output layers, the fastest
   of ``--repeats`` timings at each point, taken in turns;
2. fits the constants anew: least squares on the relative error (each point's estimate over its time), with no
   negative constant, and prints them ready to paste into ``dnn/budget.py``;
3. reports, for the constants in ``dnn/budget.py`` and for the refitted ones, the ratio measured / estimated at
   every point (smallest, median, largest) and whether all lie within ``FACTOR``;
4. with ``--requests``, times whole requests near the ceiling (a few seconds to ~20 s each) against their estimate;
5. with ``--rules``, times each update rule (Momentum, AdaGrad, RMSProp, Adam) against SGD on the same request, in
   turns, over a smaller grid, fits what each rule adds to a step (``update_<rule>`` per step, ``params_<rule>`` per
   parameter and run) from those paired differences, and reports measured / estimated for every rule's points.

Run from the repository root on a quiet machine (other work on the cores makes every step slower)::

    python benchmarks/bench_budget.py             # a minute or two
    python benchmarks/bench_budget.py --quick     # part of the grid, a few seconds
    python benchmarks/bench_budget.py --requests  # also whole requests up to the ceiling (a minute more)
    python benchmarks/bench_budget.py --rules-only  # only the update rules' constants (a minute or two)
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dnn
from dnn import budget

# Every point of the grid is estimated within this factor of its measured time (on a quiet machine).
FACTOR = 2.0
HEAVY = 1e-3  # seconds per step from which a point weighs more in the fit (see ``fit``)

SIZES = [(2, 3, 2), (8, 16, 8), (2, 10, 1), (4, 8, 4), (8, 3, 2), (2, 16, 8)]
OUTPUTS = ["softmax", "sigmoid", "identity"]
HIDDEN = ["relu", "sigmoid", "tanh", "identity"]


@dataclass(frozen=True)
class Point:
    """One timed workload: the request, and the seconds per step measured (the fastest of the repeats)."""

    req: budget.Request
    seconds: float = float("inf")


def network(req: budget.Request, rng: np.random.Generator) -> tuple[dnn.Network, np.ndarray, np.ndarray]:
    """A random network of the request's sizes, with samples x and targets d that its output layer accepts."""
    net = dnn.Network(
        W1=rng.normal(0, 0.3, (req.inputs, req.hidden)),
        b1=np.zeros(req.hidden),
        W2=rng.normal(0, 0.3, (req.hidden, req.outputs)),
        b2=np.zeros(req.outputs),
        hidden=req.activation,
        output=req.output,
    )
    x = rng.normal(size=(req.samples, req.inputs))
    if req.output == "softmax":
        d = np.eye(req.outputs)[rng.integers(0, req.outputs, req.samples)]
    elif req.output == "sigmoid":
        d = rng.integers(0, 2, (req.samples, req.outputs)).astype(float)
    else:
        d = rng.normal(size=(req.samples, req.outputs))
    return net, x, d


def run_request(req: budget.Request, seed: int = 0) -> float:
    """CPU seconds ``dnn.train`` or ``dnn.sweep`` takes for the request (a small η, so that no run overflows).

    CPU time rather than wall time: other processes on the cores stretch wall time far more than CPU time, and the
    budget is about the CPU one request takes from the others."""
    net, x, d = network(req, np.random.default_rng(seed))
    t0 = time.process_time()
    if req.kind == "train":
        dnn.train(net, x, d, 1e-3, req.steps, stochastic=req.stochastic, optimizer=req.optimizer)
    else:
        dnn.sweep(net, x, d, np.geomspace(1e-4, 1e-3, req.runs), req.steps, optimizer=req.optimizer)
    return time.process_time() - t0


def grid(quick: bool) -> list[Point]:
    """The workloads: every size × samples × output layer (× stochastic, × runs for sweeps), with enough steps for
    about ``target`` seconds each by the current estimate."""
    sizes = SIZES[:3] if quick else SIZES
    samples = [1, 16, 256] if quick else [1, 16, 64, 256]
    points = []
    hidden_cycle = itertools.cycle(HIDDEN)
    for (n_in, n_h, n_out), n, output in itertools.product(sizes, samples, OUTPUTS):
        if output == "softmax" and n_out < 2:
            continue
        for stochastic in (False, True) if n > 1 else (False,):
            req = budget.Request("train", n_in, n_h, n_out, output, n, 1, 1, stochastic, next(hidden_cycle))
            points.append(Point(req))
        for runs in (1, 16, 64, 256):
            req = budget.Request("sweep", n_in, n_h, n_out, output, n, 1, runs, False, next(hidden_cycle))
            points.append(Point(req))
    target = 0.02 if quick else 0.05
    return [
        replace(p, req=replace(p.req, steps=int(np.clip(target / budget.step_seconds(p.req), 3, 20_000))))
        for p in points
    ]


def measure(points: list[Point], repeats: int) -> list[Point]:
    """Time every point ``repeats`` times, in turns; keep the fastest (seconds per evaluated step)."""
    best = [float("inf")] * len(points)
    for _ in range(repeats):
        for i, p in enumerate(points):
            best[i] = min(best[i], run_request(p.req) / (p.req.steps + 1))
    return [replace(p, seconds=s) for p, s in zip(points, best, strict=True)]


def counts_row(req: budget.Request, names: list[str]) -> np.ndarray:
    """The counts one step of ``req`` pays for (a stochastic step: the batch's and one sample's; a rule other than
    SGD: its update's)."""
    c = budget.step_counts(req)
    if req.stochastic:
        one = budget.step_counts(req, samples=1)
        c = {k: c.get(k, 0.0) + one.get(k, 0.0) for k in set(c) | set(one)}
    c.update(budget.update_counts(req))
    return np.array([c.get(name, 0.0) for name in names])


RULES = [name for name in dnn.optimizers.OPTIMIZERS if name != "sgd"]


def rule_grid(quick: bool) -> list[Point]:
    """SGD and every other rule on the same requests: the notebook's to the largest network, 1 to 256 samples, one
    run and sweeps of 16 and 256 runs (softmax, ReLU: the rule's update does not depend on the layers)."""
    sizes = [(2, 3, 2), (8, 16, 8)] if quick else [(2, 3, 2), (4, 8, 4), (8, 16, 8)]
    samples = [1, 256] if quick else [1, 64, 256]
    points = []
    for (n_in, n_h, n_out), n in itertools.product(sizes, samples):
        bases = [budget.Request("train", n_in, n_h, n_out, "softmax", n, 1)]
        bases += [budget.Request("sweep", n_in, n_h, n_out, "softmax", n, 1, runs) for runs in (16, 256)]
        for base in bases:
            steps = int(np.clip((0.02 if quick else 0.05) / budget.step_seconds(base), 3, 20_000))
            points += [Point(replace(base, steps=steps, optimizer=rule)) for rule in ["sgd", *RULES]]
    return points


def fit_rules(points: list[Point], kind: budget.Kind) -> dict[str, float]:
    """Each rule's ``update_<rule>`` and ``params_<rule>`` from the paired points: the seconds a step of the rule
    takes beyond the same step of SGD ≈ update + params × (parameters × runs), least squares relative to the rule's
    whole step, no constant negative."""
    sgd = {replace(p.req, optimizer="sgd"): p.seconds for p in points if p.req.optimizer == "sgd"}
    out = {}
    for rule in RULES:
        rows = [p for p in points if p.req.kind == kind and p.req.optimizer == rule]
        extra = np.array([p.seconds - sgd[replace(p.req, optimizer="sgd")] for p in rows])
        scale = np.array([p.seconds for p in rows])
        A = np.array([[1.0, budget.update_counts(p.req)[f"params_{rule}"]] for p in rows]) / scale[:, None]
        b = extra / scale
        coef, *_ = np.linalg.lstsq(A, b, rcond=None)
        if coef.min() < 0:  # drop the negative one and fit the other alone
            keep = int(np.argmax(coef))
            only, *_ = np.linalg.lstsq(A[:, [keep]], b, rcond=None)
            coef = np.zeros(2)
            coef[keep] = max(0.0, float(only[0]))
        out[f"update_{rule}"], out[f"params_{rule}"] = (float(f"{c:.2g}") for c in coef)
    return out


def report_rules(points: list[Point]) -> None:
    """The rules' constants refitted, and measured / estimated at every rule's point with dnn/budget.py's."""
    print("### update rules (paired with SGD on the same requests)\n")
    for kind in ("train", "sweep"):
        names = list(budget.STEP_COST[kind])
        fitted = {**budget.STEP_COST[kind], **fit_rules(points, kind)}
        rows = [p for p in points if p.req.kind == kind and p.req.optimizer != "sgd"]
        pairs = (("constants in dnn/budget.py", budget.STEP_COST[kind]), ("refitted rule constants", fitted))
        for label, cost in pairs:
            coef = np.array([cost[n] for n in names])
            r = np.array([p.seconds / float(counts_row(p.req, names) @ coef) for p in rows])
            print(f"- {kind}, {label}: {describe(r)}")
        print(f"- {kind}, refitted: {fit_rules(points, kind)!r}")
        sgd = {replace(p.req, optimizer="sgd"): p.seconds for p in points if p.req.optimizer == "sgd"}
        print(f"- {kind}, a step of each rule over the same step of SGD (smallest … largest):")
        for rule in RULES:
            times = [(p.seconds / sgd[replace(p.req, optimizer="sgd")], p.req) for p in rows if p.req.optimizer == rule]
            low, high = min(times, key=lambda t: t[0]), max(times, key=lambda t: t[0])
            print(
                f"  - {rule}: ×{low[0]:.2f} ({low[1].inputs}-{low[1].hidden}-{low[1].outputs}, {low[1].samples} "
                f"samples, {low[1].runs} runs) … ×{high[0]:.2f} ({high[1].inputs}-{high[1].hidden}-{high[1].outputs}, "
                f"{high[1].samples} samples, {high[1].runs} runs)"
            )
    print()


def fit(points: list[Point], kind: budget.Kind) -> dict[str, float]:
    """Constants for ``kind`` minimising Σ wᵢ·(estimateᵢ / measuredᵢ − 1)², none negative (a constant that would be
    negative is dropped and the rest refitted). The weight wᵢ = 1 + measuredᵢ / ``HEAVY`` makes the long steps
    count most: the ceiling is about them, and a step of a few microseconds is fast whatever its estimate."""
    names = list(budget.STEP_COST[kind])
    rows = [p for p in points if p.req.kind == kind]
    weight = np.sqrt([1 + p.seconds / HEAVY for p in rows])
    A = np.array([counts_row(p.req, names) / p.seconds for p in rows]) * weight[:, None]
    active = list(range(len(names)))
    while True:
        coef, *_ = np.linalg.lstsq(A[:, active], weight, rcond=None)
        if (coef >= 0).all():
            break
        del active[int(np.argmin(coef))]
    out = dict.fromkeys(names, 0.0)
    for i, c in zip(active, coef, strict=True):
        out[names[i]] = float(f"{c:.2g}")
    return out


def ratios(points: list[Point], kind: budget.Kind, cost: dict[str, float]) -> np.ndarray:
    """Measured / estimated seconds per step at every point of ``kind``."""
    names = list(cost)
    coef = np.array([cost[n] for n in names])
    return np.array([p.seconds / float(counts_row(p.req, names) @ coef) for p in points if p.req.kind == kind])


def describe(r: np.ndarray) -> str:
    within = bool(np.all((r <= FACTOR) & (r >= 1 / FACTOR)))
    return (
        f"{len(r)} points: measured / estimated {r.min():.2f} … {statistics.median(r):.2f} (median) … {r.max():.2f}"
        f" — {'all' if within else 'NOT all'} within ×{FACTOR:g}"
    )


def requests_near_ceiling() -> list[tuple[str, budget.Request]]:
    """Whole requests an app screen may make, with the steps cut to what the ceiling allows."""

    def request(*args: object) -> budget.Request:
        return budget.Request(*args)  # type: ignore[arg-type]

    cases = [
        ("Training, 8-16-8, 256 samples, softmax", request("train", 8, 16, 8, "softmax", 256, 100_000)),
        ("Training, 8-16-8, 256 samples, SGD", request("train", 8, 16, 8, "identity", 256, 100_000, 1, True, "tanh")),
        ("Training, notebook 2-3-2, 1 sample", request("train", 2, 3, 2, "softmax", 1, 100_000)),
        ("Sweep, 8-16-8, 256 samples, 256 η", request("sweep", 8, 16, 8, "softmax", 256, 100_000, 256)),
        ("Sweep, 2-3-2, 1 sample, 256 η", request("sweep", 2, 3, 2, "softmax", 1, 7_811, 256)),
        ("Sweep, 4-8-4, 64 samples, 16 η", request("sweep", 4, 8, 4, "sigmoid", 64, 100_000, 16, False, "sigmoid")),
    ]
    out = []
    for name, req in cases:
        allowed = budget.largest_within(req, "steps") if budget.estimate_seconds(req) > budget.CEILING_SECONDS else None
        out.append((name, req if allowed is None else replace(req, steps=allowed)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="part of the grid, shorter timings")
    parser.add_argument("--repeats", type=int, default=None, help="timings per point (default 3, quick 2)")
    parser.add_argument("--requests", action="store_true", help="also time whole requests up to the ceiling")
    parser.add_argument("--rules", action="store_true", help="also the update rules against SGD")
    parser.add_argument("--rules-only", action="store_true", help="only the update rules against SGD")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    repeats = args.repeats or (2 if args.quick else 3)
    print("## dnn.budget: estimated against measured seconds per step\n")
    if args.rules or args.rules_only:
        report_rules(measure(rule_grid(args.quick), repeats))
    points = [] if args.rules_only else measure(grid(args.quick), repeats)
    for kind in ("train", "sweep") if points else ():
        fitted = fit(points, kind)
        print(f"### {kind}\n")
        print(f"- constants in dnn/budget.py: {describe(ratios(points, kind, budget.STEP_COST[kind]))}")
        print(f"- refitted constants:         {describe(ratios(points, kind, fitted))}")
        print(f"- refitted: {fitted!r}")
        r = ratios(points, kind, fitted)
        kind_points = [p for p in points if p.req.kind == kind]
        for i in np.argsort(r)[[0, 1, -2, -1]]:
            q = kind_points[i]
            print(f"  - {r[i]:.2f}: {q.req}")
        print()
    if args.requests:
        print("### whole requests at the ceiling (or under it)\n")
        print("| request | steps | estimated | measured | measured / estimated |\n|---|---:|---:|---:|---:|")
        for name, req in requests_near_ceiling():
            estimated, measured = budget.estimate_seconds(req), run_request(req)
            print(f"| {name} | {req.steps:,} | {estimated:.1f} s | {measured:.1f} s | {measured / estimated:.2f} |")
        print()
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores; ceiling "
        f"{budget.CEILING_SECONDS:g} s; load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
        "(1 minute): a loaded machine measures slower than the constants, which describe a quiet one."
    )


if __name__ == "__main__":
    main()
