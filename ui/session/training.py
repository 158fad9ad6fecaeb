"""Training runs for the Training, Sweep and Compare screens: computed by ``dnn``, cached, and summarised.

``compute_run`` and ``compute_sweep`` are plain functions (tests call them directly); ``run_scenario`` and
``sweep_scenario`` put them behind ``dnn.budget`` and a cache. The budget refuses a request past its ceiling before
any work, with a message that says what to reduce; work over about a second runs with a progress bar, whose
updates are also where Streamlit stops a script that a rerun or a closed page has left behind. The cache
(``RUNS``, ``SWEEPS``: server-wide, bounded in bytes) is keyed by the scenario's arrays, η, the number of steps,
the reduction and the sampling, so moving a slider or switching pages never trains again.

Besides what ``dnn.train`` records at every step (the loss 誤差 E and the size of the whole gradient ‖∂E/∂θ‖), a
run evaluates at up to ``PROBES`` evenly spaced steps the outputs y and the size of each parameter's partial
derivatives ‖∂E/∂W1‖ … (``dnn.probes``: one forward and backward pass of the stack of those steps' networks).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

import dnn
from ui.session import fair_share, memory
from ui.session.cached import BytesCache, content_key
from ui.text.i18n import pick, tr

PROBES = dnn.inspect.PROBES  # steps at which the outputs y and each parameter's gradient size are evaluated
# Bytes of cached results, for the whole server: a 100,000-step run holds 1.6 MB of losses and gradient sizes
# (3.2 MB more when stochastic) and up to 4.5 MB of snapshots (8-16-8); a sweep at most SWEEP_BUDGET floats, 16 MB.
CACHE_RUN_BYTES = 48 * 2**20
CACHE_SWEEP_BYTES = 32 * 2**20
PROGRESS_REDRAW = 0.1  # seconds between two redraws of a progress bar
SWEEP_BUDGET = 2_000_000  # runs × (steps + 1) of one sweep at most
MAX_SWEEP_RUNS = 256
MAX_LINES = 5  # output curves drawn one by one at most; more are summarised by their mean


# ---------------------------------------------------------------- one run


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
    jumps: dnn.Jumps
    stochastic: bool
    seed: int
    seconds: float


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
        sc.network,
        sc.x,
        sc.d,
        sc.lr,
        sc.steps,
        reduction,
        stochastic=stochastic,
        seed=seed,
        progress=progress,
        optimizer=sc.optimizer,
        **sc.settings,
    )
    # The size of the whole gradient is recorded by dnn.train at every step; each parameter's share and the outputs
    # are evaluated at the probe steps only.
    looked_at = dnn.probes(h, probes)
    return Run(
        history=h,
        probe_steps=looked_at.steps,
        y=looked_at.y,
        grad_norm=looked_at.grad_norm,
        jumps=dnn.find_jumps(h.loss),
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
    rule = (sc.optimizer, *sorted(sc.settings.items()))  # the update rule and its settings change the run too
    key = content_key(sc.network, sc.x, sc.d, sc.lr, sc.steps, reduction, stochastic, int(seed), rule)
    run = RUNS.get(key)
    if run is not None:
        return run
    request = dnn.budget.train_request(sc.network, len(sc.x), sc.steps, stochastic, sc.optimizer)
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


def _session_id() -> str | None:
    """The browser tab's session on this server (a rerun keeps it), or None outside a running page."""
    ctx = get_script_run_ctx()
    return None if ctx is None else ctx.session_id


@contextmanager
def progress_bar(request: dnn.budget.Request, label: str) -> Iterator[dnn.Progress | None]:
    """A ``progress(done, total)`` for ``dnn.train``/``dnn.sweep`` that draws a bar with the steps done and the time
    left, when the request is estimated to take over ``dnn.budget.PROGRESS_SECONDS``; else a spinner and None.

    Long work takes its turn first (``fair_share.LONG_WORK``: one long request of the server at a time; while it
    waits the page says how many are ahead), and pauses after every chunk (``fair_share.pause_after_chunk``), so
    that the other sessions' work keeps running beside it.

    Each redraw is a Streamlit call, and that is where Streamlit stops a script whose session has rerun or closed:
    the exception it raises there leaves the queue, or the training loop between two chunks of steps, and nothing
    is cached.
    """
    if not dnn.budget.needs_progress(request):
        with st.spinner(label, show_time=True):
            yield None
        return
    slot = st.empty()

    def waiting(ahead: int) -> None:
        en_what = "computation is" if ahead == 1 else "computations are"
        slot.info(
            tr(
                f"Waiting for the server: {ahead} longer {en_what} ahead of this one. It starts by itself: long "
                "computations run one at a time, so that the server stays quick for everyone.",
                f"サーバーの順番待ちです（前に長い計算が {ahead} 件あります）。順番が来ると自動で始まります"
                "（皆のためにサーバーが速く動くよう、長い計算は 1 件ずつ行います）。",
            ),
            icon=":material/hourglass_top:",
        )

    with fair_share.LONG_WORK.turn(waiting, owner=_session_id()):
        bar = slot.progress(0.0, text=label)
        t0 = time.perf_counter()
        last = [t0]
        chunk_start = [t0]

        def report(done: int, total: int) -> None:
            now = time.perf_counter()
            fair_share.pause_after_chunk(now - chunk_start[0])
            if now - last[0] >= PROGRESS_REDRAW and done > 0:
                last[0] = now
                left = (now - t0) * (total - done) / done
                left_en, left_ja = (
                    ("under a second", "1 秒未満") if left < 1 else (f"about {left:.0f} s", f"約 {left:.0f} 秒")
                )
                bar.progress(
                    min(done / max(total, 1), 1.0),
                    text=tr(
                        f"{label} {done:,} of {total:,} steps done, {left_en} left",
                        f"{label}（{total:,} ステップ中 {done:,} ステップ済み、残り{left_ja}）",
                    ),
                )
            chunk_start[0] = time.perf_counter()

        yield report
    slot.empty()
    memory.release_free_memory()  # a long run's temporary arrays are free now: give their pages back


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
    track = dnn.output_track(output, y, d)
    if output == "softmax":
        cls = d.argmax(axis=1)
        if n == 1:
            return OutputLines("probability", {f"y{cls[0] + 1}": track.values[:, 0]}, {})
        if n <= MAX_LINES:
            return OutputLines("probability", {f"#{i + 1}: y{cls[i] + 1}": track.values[:, i] for i in range(n)}, {})
        return OutputLines("probability", {pick(lang, f"mean of {n} samples", f"{n} サンプルの平均"): track.mean}, {})
    # sigmoid and identity: one curve per sample and output, in the order of track.values' columns
    names = [f"y{j + 1}" if n == 1 else f"#{i + 1}: y{j + 1}" for i in range(n) for j in range(n_out)]
    if output == "sigmoid":
        if len(names) <= MAX_LINES:
            return OutputLines("probability", {name: track.values[:, c] for c, name in enumerate(names)}, {})
        mean_name = pick(lang, f"mean of {len(names)} outputs", f"{len(names)} 出力の平均")
        return OutputLines("probability", {mean_name: track.mean}, {})
    if len(names) <= MAX_LINES:
        return OutputLines(
            "output",
            {name: track.values[:, c] for c, name in enumerate(names)},
            {name: float(track.targets[c]) for c, name in enumerate(names)},
        )
    return OutputLines("error", {pick(lang, f"mean over {n} samples", f"{n} サンプルの平均"): track.mean}, {})


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
    ``diverged[r]`` that step or None; ``final[r]`` the last finite loss; ``best`` the run with the lowest final loss
    among those that did not overflow (``dnn.sweep_summary``)."""

    lrs: np.ndarray
    losses: np.ndarray
    diverged: list[int | None]
    final: np.ndarray
    best: int
    seconds: float


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
    losses = dnn.sweep(
        sc.network, sc.x, sc.d, lrs, steps, reduction, progress=progress, optimizer=sc.optimizer, **sc.settings
    )
    summary = dnn.sweep_summary(losses)
    return SweepResult(lrs, losses, summary.diverged, summary.final, summary.best, time.perf_counter() - t0)


SWEEPS: BytesCache[SweepResult] = BytesCache(CACHE_SWEEP_BYTES)


def sweep_scenario(sc: dnn.Scenario, lrs: np.ndarray, steps: int, reduction: str = "mean") -> SweepResult | None:
    """The sweep of the scenario over ``lrs`` for ``steps`` steps: cached, within the budget (None and its refusal
    shown when not), with a progress bar when it takes more than about a second. The scenario's own η is not in
    the key: a sweep does not depend on it."""
    lrs = np.asarray(lrs, dtype=np.float64)
    key = content_key(sc.network, sc.x, sc.d, lrs, int(steps), reduction, (sc.optimizer, *sorted(sc.settings.items())))
    res = SWEEPS.get(key)
    if res is not None:
        return res
    request = dnn.budget.sweep_request(sc.network, len(sc.x), int(steps), len(lrs), sc.optimizer)
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
    """Every weight, bias, input, target and setting that differs (``dnn.scenario_differences``) as text, cells
    counted from 1 as on screen; arrays whose shapes differ are listed once, by shape."""
    out: list[Difference] = []
    for c in dnn.scenario_differences(base, cur):
        if c.shapes is not None:
            out.append(Difference(c.what, "shape", *("×".join(map(str, shape)) for shape in c.shapes)))
        elif c.index is not None:
            cell = "[" + ", ".join(str(i + 1) for i in c.index) + "]"
            out.append(Difference(c.what, cell, _fmt(c.baseline), _fmt(c.current)))
        else:
            text = {"lr": _fmt, "steps": "{:,}".format}.get(c.what, str)
            out.append(Difference(c.what, "", text(c.baseline), text(c.current)))
    return out


# ---------------------------------------------------------------- tables (no NaN: a missing value is "—")


def sweep_table(res: SweepResult, lang: str) -> pd.DataFrame:
    """One row per learning rate: η, the final and the lowest loss, the overflow step, the steps E went up."""
    rows = []
    for lr, row, k, final in zip(res.lrs, res.losses, res.diverged, res.final, strict=True):
        finite = row if k is None else row[:k]  # the steps before the overflow
        lowest = dnn.lowest_loss(finite)
        rows.append(
            {
                pick(lang, "learning rate η", "学習率 η"): f"{lr:.4g}",
                pick(lang, "final E", "最終の誤差 E"): "—" if lowest is None else f"{final:.6g}",
                pick(lang, "lowest E", "最小の誤差 E"): "—" if lowest is None else f"{lowest.loss:.6g}",
                pick(lang, "overflow at step", "オーバーフローのステップ"): "—" if k is None else f"{k:,}",
                pick(lang, "steps where E went up", "E が増えたステップ数"): f"{dnn.find_jumps(finite).rises:,}",
            }
        )
    return pd.DataFrame(rows)


def runs_table(runs: dict[str, tuple[dnn.Scenario, Run]], lang: str) -> pd.DataFrame:
    """A small table of runs side by side (e.g. baseline and current, one column each): η, steps, E at the start
    and the end, the lowest E and the overflow step ("—" when there was none; E is "—" for a run whose loss is not
    finite at step 0)."""
    rows = {}
    for label, (sc, run) in runs.items():
        h = run.history
        lowest = dnn.lowest_loss(h.loss)
        rows[label] = {
            pick(lang, "learning rate η", "学習率 η"): f"{sc.lr:.6g}",
            pick(lang, "steps", "ステップ数"): f"{sc.steps:,}",
            pick(lang, "E at step 0", "ステップ 0 の誤差 E"): "—" if lowest is None else f"{h.loss[0]:.6g}",
            pick(lang, "final E", "最終の誤差 E"): "—" if lowest is None else f"{h.loss[-1]:.6g}",
            pick(lang, "lowest E", "最小の誤差 E"): "—" if lowest is None else f"{lowest.loss:.6g}",
            pick(lang, "overflow at step", "オーバーフローのステップ"): "—"
            if h.diverged_at is None
            else f"{h.diverged_at:,}",
        }
    return pd.DataFrame(rows)  # one column per run: two runs fit beside a narrow table
