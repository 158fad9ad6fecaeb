"""How fast is ``dnn``? Measured in one process, as ratios against a plain notebook-style numpy loop.

The reference is the course notebook's step written the way the notebook writes it (a dict of parameters, the
course's helper functions, fresh arrays every step) and looped, recording the loss at every step. Against it:

- ``dnn.train`` on the notebook's network (time per step);
- ``dnn.sweep`` with 16, 256 and 4,096 learning rates (time per run and step);
- ``dnn.train`` and ``dnn.sweep`` (256 learning rates) with each of the other update rules (Momentum, AdaGrad,
  RMSProp, Adam), against the same plain loop and, for ``train``, against SGD's ``train`` in the same turns;
- when PyTorch is installed (it is never a dependency of the app): the same loop in PyTorch with hand-written
  backprop, with autograd and ``torch.optim.SGD``, and a sweep batched over runs.

Every case is repeated, round-robin so that a burst of load from elsewhere hits all of them alike, and the median
is reported. Times are CPU time of this process (``time.process_time``), not wall-clock time: on a shared, loaded
machine the wall clock also counts the time other processes held the core. Run from the repository root::

    python benchmarks/bench_math.py            # about a minute
    python benchmarks/bench_math.py --quick    # a few seconds, fewer steps and repeats

It prints a markdown table (``--out FILE`` also writes it to a file).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dnn

try:  # PyTorch is measured when it is there; the app never needs it
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

# ---------------------------------------------------------------- the notebook's step, written as the notebook does
# The course's helpers (common/functions.py), as the notebook calls them: (d, y) argument order, one-hot targets
# turned into class indices, softmax transposed for batches.


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(0, x)


def d_relu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, 1, 0)


def softmax(x: np.ndarray) -> np.ndarray:
    if x.ndim == 2:
        x = x.T
        x = x - np.max(x, axis=0)
        y = np.exp(x) / np.sum(np.exp(x), axis=0)
        return y.T
    x = x - np.max(x)
    return np.exp(x) / np.sum(np.exp(x))


def cross_entropy_error(d: np.ndarray, y: np.ndarray) -> float:
    if y.ndim == 1:
        d = d.reshape(1, d.size)
        y = y.reshape(1, y.size)
    if d.size == y.size:  # one-hot targets → class indices
        d = d.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), d] + 1e-7)) / batch_size


def d_sigmoid_with_loss(d: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y - d


def init_network() -> dict[str, np.ndarray]:
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "b2": np.array([0.1, 0.2]),
    }


def forward(network: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    W1, W2 = network["W1"], network["W2"]
    b1, b2 = network["b1"], network["b2"]
    u1 = np.dot(x, W1) + b1
    z1 = relu(u1)
    u2 = np.dot(z1, W2) + b2
    y = softmax(u2)
    return y, z1


def backward(network: dict[str, np.ndarray], x: np.ndarray, d: np.ndarray, z1: np.ndarray, y: np.ndarray) -> dict:
    grad = {}
    W2 = network["W2"]
    delta2 = d_sigmoid_with_loss(d, y)
    grad["b2"] = np.sum(delta2, axis=0)
    grad["W2"] = np.dot(z1.T, delta2)
    delta1 = np.dot(delta2, W2.T) * d_relu(z1)
    grad["b1"] = np.sum(delta1, axis=0)
    grad["W1"] = np.dot(x.T, delta1)
    return grad


def plain_loop(steps: int) -> np.ndarray:
    """The notebook's forward, loss, backward and update, looped; the loss is recorded at every step."""
    x = np.array([[1.0, 5.0]])
    d = np.array([[0, 1]])
    learning_rate = 0.01
    network = init_network()
    losses = []
    for _ in range(steps):
        y, z1 = forward(network, x)
        losses.append(cross_entropy_error(d, y))
        grad = backward(network, x, d, z1, y)
        for key in ("W1", "W2", "b1", "b2"):
            network[key] -= learning_rate * grad[key]
    return np.array(losses)


# ---------------------------------------------------------------- dnn

SC = dnn.seed_scenario()


def dnn_train(steps: int, optimizer: str = "sgd") -> np.ndarray:
    return dnn.train(SC.network, SC.x, SC.d, lr=0.01, steps=steps, optimizer=optimizer).loss


def sweep_lrs(runs: int) -> np.ndarray:
    return np.logspace(-3, 0, runs)


def dnn_sweep(runs: int, steps: int, optimizer: str = "sgd") -> np.ndarray:
    return dnn.sweep(SC.network, SC.x, SC.d, sweep_lrs(runs), steps=steps, optimizer=optimizer)


OTHER_RULES = ("momentum", "adagrad", "rmsprop", "adam")


# ---------------------------------------------------------------- PyTorch (float64, like numpy)


def torch_manual(steps: int) -> np.ndarray:
    """The notebook's loop with torch tensors and hand-written backprop."""
    t = torch.tensor
    x, d = t([[1.0, 5.0]], dtype=torch.float64), t([[0.0, 1.0]], dtype=torch.float64)
    p = {k: t(v) for k, v in init_network().items()}
    losses = []
    for _ in range(steps):
        u1 = x @ p["W1"] + p["b1"]
        z1 = torch.relu(u1)
        u2 = z1 @ p["W2"] + p["b2"]
        y = torch.softmax(u2, dim=1)
        losses.append(float(-(d * torch.log(y + 1e-7)).sum()))
        delta2 = y - d
        g = {"b2": delta2.sum(0), "W2": z1.T @ delta2}
        delta1 = (delta2 @ p["W2"].T) * (z1 > 0)
        g["b1"], g["W1"] = delta1.sum(0), x.T @ delta1
        for k in p:
            p[k] -= 0.01 * g[k]
    return np.array(losses)


def torch_autograd(steps: int) -> np.ndarray:
    """The same network with autograd and torch.optim.SGD: what a PyTorch user would write."""
    t = torch.tensor
    x, d = t([[1.0, 5.0]], dtype=torch.float64), t([[0.0, 1.0]], dtype=torch.float64)
    p = {k: t(v, requires_grad=True) for k, v in init_network().items()}
    opt = torch.optim.SGD(p.values(), lr=0.01)
    losses = []
    for _ in range(steps):
        y = torch.softmax(torch.relu(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"], dim=1)
        loss = -(d * torch.log(y + 1e-7)).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def torch_sweep(runs: int, steps: int) -> np.ndarray:
    """Many runs at once in PyTorch, as it is usually written: runs first, batched matrix products (bmm)."""
    t = lambda a: torch.tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    net = init_network()
    rep = lambda a: t(a).expand(runs, *a.shape).clone()  # noqa: E731
    W1, b1, W2, b2 = rep(net["W1"]), rep(net["b1"][None]), rep(net["W2"]), rep(net["b2"][None])
    x = t([[1.0, 5.0]]).expand(runs, 1, 2)
    d = t([[0.0, 1.0]]).expand(runs, 1, 2)
    lr = t(sweep_lrs(runs)).view(runs, 1, 1)
    losses = torch.empty(steps + 1, runs, dtype=torch.float64)
    for k in range(steps + 1):
        u1 = torch.baddbmm(b1, x, W1)
        z1 = torch.relu(u1)
        y = torch.softmax(torch.baddbmm(b2, z1, W2), dim=2)
        losses[k] = -(d * torch.log(y + 1e-7)).sum(dim=(1, 2))
        if k == steps:
            break
        delta2 = (y - d) * lr  # η folded into δ2, as dnn.sweep does
        delta1 = torch.bmm(delta2, W2.transpose(1, 2)) * (z1 > 0)
        W2 -= torch.bmm(z1.transpose(1, 2), delta2)
        b2 -= delta2
        W1 -= torch.bmm(x.transpose(1, 2), delta1)
        b1 -= delta1
    return losses.T.numpy()


# ---------------------------------------------------------------- measuring


@dataclass
class Case:
    """One measured workload: ``work()`` runs ``steps`` steps of ``runs`` runs."""

    name: str
    work: Callable[[], np.ndarray]
    steps: int
    runs: int = 1
    target: str = ""
    seconds: list[float] | None = None

    def per_run_step(self) -> float:
        """Median seconds per step of one run."""
        return statistics.median(self.seconds) / (self.steps * self.runs)

    def speedup_over(self, ref: Case) -> float:
        """How many times less time per run-step than ``ref``: the median of the ratios within each round.

        Each round runs every case once, so the two sides of each ratio met about the same load from elsewhere;
        that makes this steadier on a shared machine than the ratio of the two medians.
        """
        scale = (self.steps * self.runs) / (ref.steps * ref.runs)
        return statistics.median(r / c * scale for r, c in zip(ref.seconds, self.seconds, strict=True))


def build_cases(quick: bool, with_torch: bool) -> list[Case]:
    steps = 2_000 if quick else 10_000
    sweep_steps = {16: 500, 256: 500, 4096: 100} if quick else {16: 2_000, 256: 2_000, 4096: 1_000}
    cases = [
        Case("plain notebook-style numpy loop", lambda: plain_loop(steps), steps, target="reference"),
        Case("dnn.train (notebook's network)", lambda: dnn_train(steps), steps, target="≥ 3× and faster than PyTorch"),
    ]
    targets = {16: "", 256: "≥ 100×", 4096: "≤ 60 ns per run-step"}
    for runs, s in sweep_steps.items():
        cases.append(
            Case(
                f"dnn.sweep, {runs:,} learning rates",
                lambda r=runs, s=s: dnn_sweep(r, s),
                s,
                runs,
                target=targets[runs],
            )
        )
    for rule in OTHER_RULES:
        target = "≤ 2× dnn.train's SGD step" if rule == "adam" else ""
        cases.append(Case(f"dnn.train, {rule}", lambda r=rule: dnn_train(steps, r), steps, target=target))
    for rule in OTHER_RULES:
        s = sweep_steps[256]
        cases.append(
            Case(
                f"dnn.sweep, 256 learning rates, {rule}",
                lambda r=rule, s=s: dnn_sweep(256, s, r),
                s,
                256,
                target="≥ 100×",
            )
        )
    if with_torch:
        cases.append(Case("PyTorch, hand-written backprop", lambda: torch_manual(steps), steps))
        cases.append(Case("PyTorch, autograd + optim.SGD", lambda: torch_autograd(steps), steps))
        for runs, s in sweep_steps.items():
            cases.append(Case(f"PyTorch sweep (bmm), {runs:,} runs", lambda r=runs, s=s: torch_sweep(r, s), s, runs))
    return cases


def check_same_numbers(with_torch: bool) -> None:
    """Every implementation must compute the same losses, or the comparison would mean nothing."""
    ref = plain_loop(200)
    np.testing.assert_allclose(dnn_train(200)[:200], ref, rtol=1e-10)
    sweep = dnn_sweep(16, 200)
    np.testing.assert_allclose(sweep[0], dnn.train(SC.network, SC.x, SC.d, sweep_lrs(16)[0], 200).loss, rtol=1e-10)
    for rule in OTHER_RULES:  # the other rules' rows: what their runs compute, whatever their speed
        rows = dnn_sweep(16, 200, rule)
        np.testing.assert_allclose(
            rows[3], dnn.train(SC.network, SC.x, SC.d, sweep_lrs(16)[3], 200, optimizer=rule).loss, rtol=1e-10
        )
    if with_torch:
        np.testing.assert_allclose(torch_manual(200), ref, rtol=1e-10)
        # autograd also differentiates the 1e-7 inside the log, which backprop (y − d) leaves out: ~1e-7 apart
        np.testing.assert_allclose(torch_autograd(200), ref, rtol=1e-6)
        np.testing.assert_allclose(torch_sweep(16, 200), sweep, rtol=1e-9)


def measure(cases: list[Case], repeats: int) -> None:
    """Run every case ``repeats`` times, round-robin, after one warm-up run each."""
    for case in cases:
        case.work()
        case.seconds = []
    for _ in range(repeats):
        for case in cases:
            t0 = time.process_time()
            case.work()
            case.seconds.append(time.process_time() - t0)


def fmt_time(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.2f} µs"
    return f"{seconds * 1e9:.1f} ns"


def table(cases: list[Case]) -> str:
    """The markdown table: median times, and the speed-up over the plain loop (first case) round by round."""
    rows = [
        "| workload | steps × runs | per step | per run-step | vs plain loop | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for c in cases:
        per_step = statistics.median(c.seconds) / c.steps
        ratio = c.speedup_over(cases[0])
        rows.append(
            f"| {c.name} | {c.steps:,} × {c.runs:,} | {fmt_time(per_step)} | {fmt_time(c.per_run_step())} "
            f"| {ratio:,.1f}× | {c.target} |"
        )
    return "\n".join(rows)


def environment(with_torch: bool) -> str:
    """Versions and the machine, for the line under the table."""
    if with_torch:
        about_torch = f"PyTorch {torch.__version__} (1 thread)"
    else:
        about_torch = "PyTorch not measured" if torch is not None else "PyTorch not installed (its rows skipped)"
    parts = [
        f"Python {platform.python_version()}, numpy {np.__version__}",
        about_torch,
        f"{os.cpu_count()} cores",
    ]
    return ", ".join(parts)


def load_average() -> float:
    """The 1-minute load average: how busy the machine was (other processes make every number larger)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, check the targets (a report, not a test: noisy machines miss them sometimes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats (a few seconds)")
    parser.add_argument("--repeats", type=int, default=None, help="runs per case (default 9, quick 3)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even when it is installed")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 9)
    with_torch = torch is not None and not args.no_torch
    if with_torch:
        torch.set_num_threads(1)  # the runs are tiny; a second thread only adds hand-off cost
    check_same_numbers(with_torch)
    cases = build_cases(args.quick, with_torch)
    before = load_average()
    measure(cases, repeats)
    text = (
        f"{table(cases)}\n\n{environment(with_torch)}; CPU time, median of {repeats} runs of each workload, taken in "
        f"turns (speed-ups: the median of the ratios within each turn); load average {before:.2f} before and "
        f"{load_average():.2f} after (1 minute).\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    per = {c.name: c.per_run_step() for c in cases}
    speedup = {c.name: c.speedup_over(cases[0]) for c in cases}
    train = per["dnn.train (notebook's network)"]
    checks = {
        "dnn.train ≥ 3× faster than the plain loop": speedup["dnn.train (notebook's network)"] >= 3,
        "dnn.sweep at 256 runs ≥ 100× less per run-step": speedup["dnn.sweep, 256 learning rates"] >= 100,
        "dnn.sweep at 4,096 runs ≤ 60 ns per run-step": per["dnn.sweep, 4,096 learning rates"] <= 60e-9,
    }
    sgd_train = next(c for c in cases if c.name == "dnn.train (notebook's network)")
    adam_vs_sgd = 1 / next(c for c in cases if c.name == "dnn.train, adam").speedup_over(sgd_train)
    print(f"        a step of Adam in dnn.train costs {adam_vs_sgd:.2f}× a step of SGD (median of paired turns)")
    checks["dnn.train: a step of Adam ≤ 2× a step of SGD"] = adam_vs_sgd <= 2
    for rule in OTHER_RULES:
        checks[f"dnn.sweep at 256 runs with {rule} ≥ 100× less per run-step"] = (
            speedup[f"dnn.sweep, 256 learning rates, {rule}"] >= 100
        )
    if with_torch:
        torch_best = min(per["PyTorch, hand-written backprop"], per["PyTorch, autograd + optim.SGD"])
        checks["dnn.train faster than PyTorch (hand-written and autograd)"] = train < torch_best
    for what, ok in checks.items():
        print(f"{'met   ' if ok else 'MISSED'}  {what}")
    # The one target in absolute time is the one load from other processes moves most: show the best run too.
    big = next(c for c in cases if c.name == "dnn.sweep, 4,096 learning rates")
    best = min(big.seconds) / (big.steps * big.runs)
    print(f"        dnn.sweep at 4,096 runs, fastest of {len(big.seconds)} runs: {best * 1e9:.1f} ns per run-step")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
