"""Training runs for the Training, Sweep and Compare screens: computed by ``dnn``, cached, and summarised.

``compute_run`` and ``compute_sweep`` are plain functions (tests call them directly); ``run_scenario`` and
``sweep_scenario`` put them behind ``dnn.budget`` and a cache. The budget refuses a request past its ceiling before
any work, with a message that says what to reduce; work over about a second runs with a progress bar, whose
updates are also where Streamlit stops a script that a rerun or a closed page has left behind. The cache
(``RUNS``, ``SWEEPS``: server-wide, bounded in bytes) is keyed by the scenario's arrays, η, the number of steps,
the reduction and the sampling, so moving a slider or switching pages never trains again.

Besides what ``dnn.train`` records at every step (the loss 誤差 E and the size of the whole gradient ‖∂E/∂θ‖), a
run evaluates at up to ``PROBES`` evenly spaced steps the outputs y and the size of each parameter's partial
derivatives ‖∂E/∂W1‖ …. Those come from the run's own parameter snapshots (``History.params_at``: a snapshot step
needs no replay) and are evaluated for all probe steps at once, one batched forward/backward pass, not another run.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import dnn

from .cached import BytesCache, content_key
from .i18n import pick, tr

PROBES = 200  # steps at which the outputs y and each parameter's gradient size are evaluated, at most
# Bytes of cached results, for the whole server: a 100,000-step run holds 1.6 MB of losses and gradient sizes
# (3.2 MB more when stochastic) and up to 4.5 MB of snapshots (8-16-8); a sweep at most SWEEP_BUDGET floats, 16 MB.
CACHE_RUN_BYTES = 48 * 2**20
CACHE_SWEEP_BYTES = 32 * 2**20
PROGRESS_REDRAW = 0.1  # seconds between two redraws of a progress bar
SWEEP_BUDGET = 2_000_000  # runs × (steps + 1) of one sweep at most
MAX_SWEEP_RUNS = 256
MAX_LINES = 5  # output curves drawn one by one at most; more are summarised by their mean
RISE = 1e-3  # a step "raises" the loss when E grows by more than 0.1 % of its size


# ---------------------------------------------------------------- one run


@dataclass(frozen=True)
class Jumps:
    """How often the loss went up in a run: with full-batch SGD and a small enough η it only goes down.

    ``rises``: steps k with E[k] noticeably above E[k − 1]; ``first_rise``: the first such k; ``sign_changes``:
    how often ΔE flipped between falling and rising; ``ended_higher``: E after the last step is above E[0].
    """

    rises: int
    first_rise: int | None
    sign_changes: int
    ended_higher: bool

    @property
    def jumpy(self) -> bool:
        """Many rises (or ending above the start): η is too large for a steady descent."""
        return self.rises >= 3 or self.ended_higher


def find_jumps(loss: np.ndarray) -> Jumps:
    """Count the steps where the loss E went up (by more than 0.1 % of its size) and the flips of ΔE."""
    loss = np.asarray(loss, dtype=np.float64)
    if loss.size < 2:
        return Jumps(0, None, 0, False)
    delta = np.diff(loss)
    scale = np.maximum(np.abs(loss[:-1]), 1e-9)
    up = delta > RISE * scale
    down = delta < -RISE * scale
    moves = np.where(up, 1, np.where(down, -1, 0))
    moves = moves[moves != 0]
    ups = np.flatnonzero(up)
    return Jumps(
        rises=int(ups.size),
        first_rise=int(ups[0]) + 1 if ups.size else None,
        sign_changes=int(np.count_nonzero(moves[1:] != moves[:-1])),
        ended_higher=bool(loss[-1] > loss[0] + RISE * max(abs(loss[0]), 1e-9)),
    )


@dataclass(frozen=True)
class Run:
    """A training run and what the Training screen draws from it.

    ``probe_steps``: the steps at which ``y`` (outputs, shape (probes, N, outputs)) and ``grad_norm`` (the size
    of each parameter's partial derivatives, ‖∂E/∂W1‖ ...) were evaluated (the whole gradient's size at every step
    is ``history.grad_norm``); ``stochastic``/``seed``: how the samples were drawn; ``seconds``: time
    the run took to compute.
    """

    history: dnn.History
    probe_steps: np.ndarray
    y: np.ndarray
    grad_norm: dict[str, np.ndarray]
    jumps: Jumps
    stochastic: bool
    seed: int
    seconds: float


def norm(a: np.ndarray) -> float:
    """The Euclidean norm ‖a‖, scaled first so that squaring huge values (just before an overflow) stays finite;
    NaN when ``a`` itself is not finite."""
    a = np.asarray(a, dtype=np.float64).ravel()
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if not math.isfinite(m):
        return math.nan
    return 0.0 if m == 0.0 else m * math.sqrt(float(np.sum(np.square(a / m))))


def probe_steps(last_step: int, every: int, probes: int = PROBES) -> np.ndarray:
    """Up to ``probes`` evenly spaced steps from 0 to ``last_step``, on multiples of the snapshot interval
    ``every`` where possible (those need no replay), always including the first and the last step."""
    snapshot_steps = np.arange(0, last_step + 1, every)
    stride = max(1, math.ceil(len(snapshot_steps) / (probes - 1)))
    steps = np.unique(np.append(snapshot_steps[::stride], last_step))
    return steps.astype(np.int64)


def norms_of(a: np.ndarray) -> np.ndarray:
    """``norm`` of each a[i] (over all its other axes) at once: the same scaled formula, NaN where not finite."""
    a = np.asarray(a, dtype=np.float64).reshape(len(a), -1)
    if a.shape[1] == 0:
        return np.zeros(len(a))
    m = np.max(np.abs(a), axis=1)
    safe = np.where(np.isfinite(m) & (m > 0.0), m, 1.0)[:, None]
    out = m * np.sqrt(np.sum(np.square(a / safe), axis=1))
    out[m == 0.0] = 0.0
    out[~np.isfinite(m)] = np.nan
    return out


def probe_values(
    params: dict[str, np.ndarray], net: dnn.Network, x: np.ndarray, d: np.ndarray, reduction: str = "mean"
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``dnn.forward``'s y and ``dnn.backward``'s parameter gradients for a stack of parameters at once.

    ``params`` holds W1 (P, inputs, hidden), b1, W2, b2 as from ``History.params_at``; returns y (P, N, outputs)
    and the gradients by name, each with a leading axis of P. The formulas are those of ``dnn.core`` with the
    stack as a batch axis of numpy's matmul: one call per layer for all probes instead of a forward and a backward
    pass (and a validated Network) per probe.
    """
    x, d = np.atleast_2d(np.asarray(x, dtype=np.float64)), np.atleast_2d(np.asarray(d, dtype=np.float64))
    act = dnn.ACTIVATIONS[net.hidden]
    u1 = x @ params["W1"] + params["b1"][:, None, :]  # (P, N, hidden)
    z1 = act.f(u1)
    y = dnn.OUTPUT_LAYERS[net.output].f(z1 @ params["W2"] + params["b2"][:, None, :])  # (P, N, outputs)
    delta2 = (y - d) / (x.shape[0] if reduction == "mean" else 1)
    delta1 = (delta2 @ params["W2"].transpose(0, 2, 1)) * act.df(u1)
    grads = {  # in the order the charts list them
        "W1": x.T @ delta1,
        "b1": np.sum(delta1, axis=1),
        "W2": z1.transpose(0, 2, 1) @ delta2,
        "b2": np.sum(delta2, axis=1),
    }
    return y, grads


def compute_run(
    sc: dnn.Scenario,
    reduction: str = "mean",
    stochastic: bool = False,
    seed: int = 0,
    probes: int = PROBES,
    progress: dnn.Progress | None = None,
) -> Run:
    """Train the scenario for its number of steps with its η, then evaluate y and each ‖∂E/∂W‖ at ``probes``
    steps. ``progress`` goes to ``dnn.train``."""
    t0 = time.perf_counter()
    stochastic = stochastic and len(sc.x) > 1  # one sample: "one random sample per step" is the full batch
    h = dnn.train(
        sc.network, sc.x, sc.d, sc.lr, sc.steps, reduction, stochastic=stochastic, seed=seed, progress=progress
    )
    steps = probe_steps(h.last_step, h.snapshot_every, probes)
    # The size of the whole gradient is recorded by dnn.train at every step; each parameter's share is
    # evaluated here, at the probe steps only.
    with np.errstate(all="ignore"):  # just before an overflow the values are huge; non-finite ones become NaN
        y, grads = probe_values(h.params_at(steps), sc.network, sc.x, sc.d, reduction)
        norms = {name: norms_of(g) for name, g in grads.items()}
    y[~np.isfinite(y)] = np.nan
    return Run(
        history=h,
        probe_steps=steps,
        y=y,
        grad_norm=norms,
        jumps=find_jumps(h.loss),
        stochastic=stochastic,
        seed=seed,
        seconds=time.perf_counter() - t0,
    )


RUNS: BytesCache[Run] = BytesCache(CACHE_RUN_BYTES)


def run_scenario(
    sc: dnn.Scenario, reduction: str = "mean", stochastic: bool = False, seed: int = 0, *, quiet: bool = False
) -> Run | None:
    """The scenario's run: from the cache when it was computed before, else trained (with a progress bar when it
    takes more than about a second). None when the budget refuses it: the refusal is shown (unless ``quiet``) and
    nothing is trained."""
    stochastic = bool(stochastic) and len(sc.x) > 1
    key = content_key(sc.network, sc.x, sc.d, sc.lr, sc.steps, reduction, stochastic, int(seed))
    run = RUNS.get(key)
    if run is not None:
        return run
    request = dnn.budget.train_request(sc.network, len(sc.x), sc.steps, stochastic)
    if not within_budget(request, quiet):
        return None
    with progress_bar(request, tr(f"Training {sc.steps:,} steps…", f"{sc.steps:,} ステップ学習しています…")) as report:
        run = compute_run(sc, reduction, stochastic, int(seed), progress=report)
    RUNS.put(key, run)
    return run


def within_budget(
    request: dnn.budget.Request, quiet: bool = False, steps_for_runs: Callable[[int], int] | None = None
) -> bool:
    """Whether ``dnn.budget`` lets the request run; if not, its refusal (what to reduce, in both languages) is
    shown as an error unless ``quiet``."""
    try:
        dnn.budget.check(request, steps_for_runs=steps_for_runs)
    except dnn.budget.OverBudgetError as refusal:
        if not quiet:
            st.error(tr(refusal.en, refusal.ja), icon=":material/hourglass_disabled:")
        return False
    return True


@contextmanager
def progress_bar(request: dnn.budget.Request, label: str) -> Iterator[dnn.Progress | None]:
    """A ``progress(done, total)`` for ``dnn.train``/``dnn.sweep`` that draws a bar with the steps done and the time
    left, when the request is estimated to take over ``dnn.budget.PROGRESS_SECONDS``; else a spinner and None.

    Each redraw is a Streamlit call, and that is where Streamlit stops a script whose session has rerun or closed:
    the exception it raises there leaves the training loop between two chunks of steps, and nothing is cached.
    """
    if not dnn.budget.needs_progress(request):
        with st.spinner(label, show_time=True):
            yield None
        return
    slot = st.empty()
    bar = slot.progress(0.0, text=label)
    t0 = time.perf_counter()
    last = [t0]

    def report(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] < PROGRESS_REDRAW or done <= 0:
            return
        last[0] = now
        left = (now - t0) * (total - done) / done
        left_en, left_ja = ("under a second", "1 秒未満") if left < 1 else (f"about {left:.0f} s", f"約 {left:.0f} 秒")
        bar.progress(
            min(done / max(total, 1), 1.0),
            text=tr(
                f"{label} {done:,} of {total:,} steps done, {left_en} left",
                f"{label}（{total:,} ステップ中 {done:,} ステップ済み、残り{left_ja}）",
            ),
        )

    yield report
    slot.empty()


# ---------------------------------------------------------------- what the output does over the steps


@dataclass(frozen=True)
class OutputLines:
    """Curves of the outputs at the probe steps: ``kind`` is "probability", "output" or "error" (see
    ``figures_training.output_figure``); ``targets`` holds d for "output" curves."""

    kind: str
    lines: dict[str, np.ndarray]
    targets: dict[str, float]


def output_lines(y: np.ndarray, d: np.ndarray, output: str, lang: str) -> OutputLines:
    """Turn outputs y (probes, N, outputs) into the curves a learner reads.

    softmax: y of the target class (the one d marks) for each sample; sigmoid: the probability given to each
    target (y when d = 1, 1 − y when d = 0); identity: y with its target d. More than ``MAX_LINES`` curves are
    summarised: the mean probability of the target, or the mean |y − d|.
    """
    n, n_out = d.shape
    if output == "softmax":
        cls = d.argmax(axis=1)
        p = y[:, np.arange(n), cls]  # (probes, N)
        if n == 1:
            return OutputLines("probability", {f"y{cls[0] + 1}": p[:, 0]}, {})
        if n <= MAX_LINES:
            return OutputLines("probability", {f"#{i + 1}: y{cls[i] + 1}": p[:, i] for i in range(n)}, {})
        return OutputLines("probability", {pick(lang, f"mean of {n} samples", f"{n} サンプルの平均"): p.mean(1)}, {})
    pairs = [(i, j) for i in range(n) for j in range(n_out)]

    def name(i: int, j: int) -> str:
        return f"y{j + 1}" if n == 1 else f"#{i + 1}: y{j + 1}"

    if output == "sigmoid":
        p = np.where(d[None] >= 0.5, y, 1.0 - y)  # the probability the network gives to the target
        if len(pairs) <= MAX_LINES:
            return OutputLines("probability", {name(i, j): p[:, i, j] for i, j in pairs}, {})
        mean = p.reshape(len(p), -1).mean(1)
        return OutputLines(
            "probability", {pick(lang, f"mean of {len(pairs)} outputs", f"{len(pairs)} 出力の平均"): mean}, {}
        )
    if len(pairs) <= MAX_LINES:
        return OutputLines(
            "output", {name(i, j): y[:, i, j] for i, j in pairs}, {name(i, j): float(d[i, j]) for i, j in pairs}
        )
    err = np.abs(y - d[None]).reshape(len(y), -1).mean(1)
    return OutputLines("error", {pick(lang, f"mean over {n} samples", f"{n} サンプルの平均"): err}, {})


# ---------------------------------------------------------------- the loss history as a file


def history_csv(h: dnn.History) -> str:
    """Every step of the run as CSV: step, loss (E after that many steps) and, for a stochastic run, sample_loss
    (E of the sample drawn at that step, before its update; empty on the last row, where no step follows).

    Numbers are written with full precision (shortest text that reads back exactly).
    """
    buf = io.StringIO()
    steps = np.arange(len(h.loss))
    if h.sample_loss is None:
        buf.write("step,loss\n")
        buf.writelines(f"{k},{v!r}\n" for k, v in zip(steps.tolist(), h.loss.tolist(), strict=True))
    else:
        sample = h.sample_loss.tolist() + [None] * (len(h.loss) - len(h.sample_loss))
        buf.write("step,loss,sample_loss\n")
        buf.writelines(
            f"{k},{v!r},{'' if s is None else repr(s)}\n"
            for k, v, s in zip(steps.tolist(), h.loss.tolist(), sample, strict=True)
        )
    return buf.getvalue()


def csv_maker(h: dnn.History) -> Callable[[], str]:
    """A callable for ``st.download_button(data=...)``: the CSV is written only when the user asks for it."""
    return lambda: history_csv(h)


# ---------------------------------------------------------------- learning-rate sweeps


@dataclass(frozen=True)
class SweepResult:
    """``losses[r]`` is the loss curve of learning rate ``lrs[r]`` (NaN from the step where it overflowed);
    ``diverged[r]`` that step or None; ``final[r]`` the last finite loss."""

    lrs: np.ndarray
    losses: np.ndarray
    diverged: list[int | None]
    final: np.ndarray
    seconds: float


def log_lrs(low: float, high: float, count: int) -> np.ndarray:
    """``count`` learning rates evenly spaced on a log scale from ``low`` to ``high`` (both included)."""
    low, high = sorted((float(low), float(high)))
    return np.geomspace(low, high, int(count)) if count > 1 else np.array([low])


def sweep_steps(steps: int, runs: int) -> int:
    """The steps a sweep of ``runs`` runs can afford: the scenario's, capped so that the losses stay within
    ``SWEEP_BUDGET`` numbers (16 MB)."""
    return int(max(1, min(steps, SWEEP_BUDGET // max(1, runs) - 1)))


def compute_sweep(
    sc: dnn.Scenario, lrs: np.ndarray, steps: int, reduction: str = "mean", progress: dnn.Progress | None = None
) -> SweepResult:
    """All learning rates trained together by one ``dnn.sweep`` call, from the scenario's network and data."""
    t0 = time.perf_counter()
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = dnn.sweep(sc.network, sc.x, sc.d, lrs, steps, reduction, progress=progress)
    diverged = [dnn.diverged_at(row) for row in losses]
    final = np.array(
        [row[-1] if k is None else (row[k - 1] if k > 0 else np.nan) for row, k in zip(losses, diverged, strict=True)]
    )
    return SweepResult(lrs, losses, diverged, final, time.perf_counter() - t0)


SWEEPS: BytesCache[SweepResult] = BytesCache(CACHE_SWEEP_BYTES)


def sweep_scenario(sc: dnn.Scenario, lrs: np.ndarray, steps: int, reduction: str = "mean") -> SweepResult | None:
    """The sweep of the scenario over ``lrs`` for ``steps`` steps: cached, within the budget (None and its refusal
    shown when not), with a progress bar when it takes more than about a second. The scenario's own η is not in
    the key: a sweep does not depend on it."""
    lrs = np.asarray(lrs, dtype=np.float64)
    key = content_key(sc.network, sc.x, sc.d, lrs, int(steps), reduction)
    res = SWEEPS.get(key)
    if res is not None:
        return res
    request = dnn.budget.sweep_request(sc.network, len(sc.x), int(steps), len(lrs))
    # Fewer learning rates give each run more steps, up to the scenario's (see ``sweep_steps``).
    if not within_budget(request, steps_for_runs=lambda runs: sweep_steps(sc.steps, runs)):
        return None
    label = tr(f"Training {len(lrs)} runs of {steps:,} steps…", f"{len(lrs)} 本 × {steps:,} ステップを学習中…")
    with progress_bar(request, label) as report:
        res = compute_sweep(sc, lrs, int(steps), reduction, progress=report)
    SWEEPS.put(key, res)
    return res


# ---------------------------------------------------------------- what differs between two scenarios


@dataclass(frozen=True)
class Difference:
    """One value that differs between the baseline and the current scenario: ``what`` ("W1", "lr", ...),
    ``where`` (the cell, e.g. "[1, 2]", or "" for a single value), and the two values as text."""

    what: str
    where: str
    baseline: str
    current: str


def _fmt(v: float) -> str:
    return f"{float(v):.6g}"


def differences(base: dnn.Scenario, cur: dnn.Scenario) -> list[Difference]:
    """Every weight, bias, input, target and setting that differs, cell by cell (counted from 1 as on screen).

    Arrays whose shapes differ are listed once, by shape.
    """
    out: list[Difference] = []
    arrays = [(k, base.network.params()[k], cur.network.params()[k]) for k in ("W1", "b1", "W2", "b2")]
    arrays += [("x", base.x, cur.x), ("d", base.d, cur.d)]
    for what, a, b in arrays:
        if a.shape != b.shape:
            out.append(Difference(what, "shape", "×".join(map(str, a.shape)), "×".join(map(str, b.shape))))
            continue
        for idx in np.argwhere(a != b):
            cell = "[" + ", ".join(str(int(i) + 1) for i in idx) + "]"
            out.append(Difference(what, cell, _fmt(a[tuple(idx)]), _fmt(b[tuple(idx)])))
    for what, a, b, text in (
        ("lr", base.lr, cur.lr, _fmt),
        ("steps", base.steps, cur.steps, "{:,}".format),
        ("hidden", base.network.hidden, cur.network.hidden, str),
        ("output", base.network.output, cur.network.output, str),
    ):
        if a != b:
            out.append(Difference(what, "", text(a), text(b)))
    return out


# ---------------------------------------------------------------- tables (no NaN: a missing value is "—")


def sweep_table(res: SweepResult, lang: str) -> pd.DataFrame:
    """One row per learning rate: η, the final and the lowest loss, the overflow step, the steps E went up."""
    rows = []
    for lr, row, k, final in zip(res.lrs, res.losses, res.diverged, res.final, strict=True):
        finite = row[np.isfinite(row)]
        rows.append(
            {
                pick(lang, "learning rate η", "学習率 η"): f"{lr:.4g}",
                pick(lang, "final E", "最終の誤差 E"): f"{final:.6g}" if np.isfinite(final) else "—",
                pick(lang, "lowest E", "最小の誤差 E"): f"{finite.min():.6g}" if finite.size else "—",
                pick(lang, "overflow at step", "オーバーフローのステップ"): "—" if k is None else f"{k:,}",
                pick(lang, "steps where E went up", "E が増えたステップ数"): f"{find_jumps(finite).rises:,}",
            }
        )
    return pd.DataFrame(rows)


def runs_table(runs: dict[str, tuple[dnn.Scenario, Run]], lang: str) -> pd.DataFrame:
    """A small table of runs side by side (e.g. baseline and current, one column each): η, steps, E at the start
    and the end, the lowest E and the overflow step ("—" when there was none)."""
    rows = {}
    for label, (sc, run) in runs.items():
        h = run.history
        rows[label] = {
            pick(lang, "learning rate η", "学習率 η"): f"{sc.lr:.6g}",
            pick(lang, "steps", "ステップ数"): f"{sc.steps:,}",
            pick(lang, "E at step 0", "ステップ 0 の誤差 E"): f"{h.loss[0]:.6g}",
            pick(lang, "final E", "最終の誤差 E"): f"{h.loss[-1]:.6g}",
            pick(lang, "lowest E", "最小の誤差 E"): f"{h.loss.min():.6g}",
            pick(lang, "overflow at step", "オーバーフローのステップ"): "—"
            if h.diverged_at is None
            else f"{h.diverged_at:,}",
        }
    return pd.DataFrame(rows)  # one column per run: two runs fit beside a narrow table
