"""How much work a training request is, before it runs: an estimate in seconds, and a ceiling no request may pass.

One server process is shared by every learner on it, and numpy work cannot be interrupted halfway through a call,
so the app asks here first. A request is ``train`` (one run; ``stochastic`` runs add a one-sample step to every
step) or ``sweep`` (many runs advanced together, one per learning rate η). Its cost is

    seconds ≈ (steps + 1) × step_seconds,

where one step's seconds are a sum of terms, each a count times a constant measured on the machine the tests run on
(2 cores; ``benchmarks/bench_budget.py`` measures a grid of sizes, refits the constants and reports how far the
estimate is from the measured time):

- ``call_<output layer>``: the fixed cost of a step's numpy calls, whatever the sizes (a step of the notebook's
  2-3-2 network is almost only this; the sigmoid output layer makes the most calls);
- ``run``: per run of a sweep, the calls' cost grows with the runs axis even for one sample;
- ``samples``: per sample (and per run): the matrix products over samples start threads once large enough, whose
  cost grows with the rows rather than with the weights;
- ``weights_in`` / ``weights_out``: per sample and per weight of each layer (with its bias), the matrix products
  of the forward pass and of backprop;
- ``hidden_<activation>``: per sample and per hidden unit (the activation f and its derivative f′);
- ``outputs_<output layer>``: per sample and per output, the output layer and its loss (softmax's log-sum-exp
  costs several times the squared error's subtraction);
- ``update_<rule>`` and ``params_<rule>``: what an update rule other than SGD adds to a step (``dnn.optimizers``;
  SGD's ``θ −= η·g`` is in the terms above): its numpy calls, whatever the sizes, and its work per parameter (and
  per run). They do not grow with the samples, so Adam costs about 1.8× SGD on the notebook's network, where a step
  is almost only calls, and a few per cent more on 256 samples.

Every count of a sweep (but the calls) is multiplied by its runs. ``CEILING_SECONDS`` is the most one request may take;
past ``PROGRESS_SECONDS`` the app runs the work in chunks with a progress bar (``report_every`` steps apart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from .network import Network, ValidationError

# The most work one request may take, in estimated seconds on the machine the tests run on. About 20 s: a
# 100,000-step run of the notebook's network (~1 s) or of the largest network on one sample (~5 s) passes; the
# largest network on 256 samples fits about 40,000 steps, and a sweep of 256 learning rates on it about 170.
CEILING_SECONDS = 20.0

# Work estimated above this runs in chunks with a progress bar and an estimate of the time left.
PROGRESS_SECONDS = 1.0

# Between two progress reports, about this much work (the chunk): short enough that a page switch or a rerun stops
# the work soon, long enough that reporting costs nothing measurable.
REPORT_SECONDS = 0.05

Kind = Literal["train", "sweep"]

# Seconds (of CPU) per unit of each count (see the module docstring), from ``benchmarks/bench_budget.py`` on the
# 2-core machine the tests run on: the fastest of three timings at each of 119 (train) and 272 (sweep) points of
# the grid of sizes, samples, runs, activations and output layers. "train" is the refit as printed (every point
# within ×1.6 of its estimate). For "sweep" the refit underestimates the largest sweeps (256 samples × 256 runs, up
# to ×5.5: their arrays leave the caches and the matrix products start threads), so these constants were raised by
# hand until the largest ones are estimated within ×2.3 and a whole sweep at the ceiling within ×1.3; small sweeps
# are then overestimated (up to ×5), which only means a progress bar a little early.
# The update rules' terms (``update_<rule>``, ``params_<rule>``: what a rule adds to SGD's step) come from paired
# timings of each rule and SGD on the same request (``bench_budget.py --rules``; 36 train and 72 sweep points per
# rule, three runs on the shared machine, their refits averaged). For "train" the per-step term is the one the
# longer paired timing of ``benchmarks/bench_math.py`` gives on the notebook's network (a rule's step over SGD's:
# momentum 1.17×, AdaGrad 1.33×, RMSProp 1.57×, Adam 1.79×, times the 11 µs this table gives SGD's step there).
STEP_COST: dict[Kind, dict[str, float]] = {
    "train": {
        "call_softmax": 1.1e-05,
        "call_sigmoid": 1.3e-05,
        "call_identity": 6.8e-06,
        "samples": 4.1e-09,
        "weights_in": 2.7e-10,
        "weights_out": 1.4e-10,
        "hidden_relu": 3.3e-09,
        "hidden_sigmoid": 6.6e-09,
        "hidden_tanh": 5.9e-09,
        "hidden_identity": 0.0,
        "outputs_softmax": 5.3e-08,
        "outputs_sigmoid": 9.7e-09,
        "outputs_identity": 3.4e-09,
        **{"update_momentum": 1.9e-06, "params_momentum": 2e-09},
        **{"update_adagrad": 3.7e-06, "params_adagrad": 3e-09},
        **{"update_rmsprop": 6.3e-06, "params_rmsprop": 4e-09},
        **{"update_adam": 8.8e-06, "params_adam": 5e-09},
    },
    "sweep": {
        "call_softmax": 2.9e-05,
        "call_sigmoid": 3.2e-05,
        "call_identity": 2.5e-05,
        "run": 2e-08,
        "samples": 1e-07,
        "weights_in": 7.4e-10,
        "weights_out": 2.7e-09,
        "hidden_relu": 1e-08,
        "hidden_sigmoid": 2e-08,
        "hidden_tanh": 2e-08,
        "hidden_identity": 5e-09,
        "outputs_softmax": 1.3e-08,
        "outputs_sigmoid": 1.8e-08,
        "outputs_identity": 3.2e-09,
        **{"update_momentum": 2.2e-06, "params_momentum": 2e-09},
        **{"update_adagrad": 3.5e-06, "params_adagrad": 4.3e-09},
        **{"update_rmsprop": 8.3e-06, "params_rmsprop": 4.9e-09},
        **{"update_adam": 1.2e-05, "params_adam": 7.4e-09},
    },
}


@dataclass(frozen=True)
class Request:
    """A training request by its sizes: ``runs`` learning rates (a sweep), ``steps`` steps, ``samples`` rows
    of x, a network of ``inputs``-``hidden``-``outputs`` units with the output layer ``output`` and the hidden
    ``activation``, and the update rule ``optimizer`` ("sgd", "momentum", "adagrad", "rmsprop", "adam")."""

    kind: Kind
    inputs: int
    hidden: int
    outputs: int
    output: str
    samples: int
    steps: int
    runs: int = 1
    stochastic: bool = False
    activation: str = "relu"
    optimizer: str = "sgd"


def train_request(net: Network, samples: int, steps: int, stochastic: bool = False, optimizer: str = "sgd") -> Request:
    """The request ``dnn.train(net, x, d, lr, steps, stochastic=..., optimizer=...)`` makes, for x of ``samples``
    rows."""
    return Request(
        "train", net.n_in, net.n_hidden, net.n_out, net.output, samples, steps, 1, stochastic, net.hidden, optimizer
    )


def sweep_request(net: Network, samples: int, steps: int, runs: int, optimizer: str = "sgd") -> Request:
    """The request ``dnn.sweep(net, x, d, lrs, steps, optimizer=...)`` makes, for ``runs`` learning rates and x of
    ``samples`` rows."""
    return Request(
        "sweep", net.n_in, net.n_hidden, net.n_out, net.output, samples, steps, runs, False, net.hidden, optimizer
    )


def parameters(req: Request) -> int:
    """The network's weights and biases: (inputs + 1) × hidden + (hidden + 1) × outputs."""
    return (req.inputs + 1) * req.hidden + (req.hidden + 1) * req.outputs


def step_counts(req: Request, samples: int | None = None) -> dict[str, float]:
    """The counts that ``STEP_COST`` prices, for one step of ``req`` on ``samples`` samples (default: all)."""
    n = req.samples if samples is None else samples
    per_run = req.runs if req.kind == "sweep" else 1
    counts = {
        f"call_{req.output}": 1.0,
        "samples": per_run * n,
        "weights_in": per_run * n * (req.inputs + 1) * req.hidden,
        "weights_out": per_run * n * (req.hidden + 1) * req.outputs,
        f"hidden_{req.activation}": per_run * n * req.hidden,
        f"outputs_{req.output}": per_run * n * req.outputs,
    }
    if req.kind == "sweep":
        counts["run"] = float(req.runs)
    return counts


def update_counts(req: Request) -> dict[str, float]:
    """The counts that ``STEP_COST`` prices for one update of the parameters by the request's rule beyond SGD's
    (none for SGD): once per step, stochastic or not."""
    if req.optimizer == "sgd":
        return {}
    per_run = req.runs if req.kind == "sweep" else 1
    return {f"update_{req.optimizer}": 1.0, f"params_{req.optimizer}": float(per_run * parameters(req))}


def step_seconds(req: Request) -> float:
    """Estimated seconds of one step of the request (all its runs): the loss and gradient of the batch, the rule's
    update, and for a stochastic step the one sample's gradient as well."""
    cost = STEP_COST[req.kind]
    seconds = sum(cost.get(name, 0.0) * count for name, count in step_counts(req).items())
    if req.stochastic:
        seconds += sum(cost.get(name, 0.0) * count for name, count in step_counts(req, samples=1).items())
    return seconds + sum(cost.get(name, 0.0) * count for name, count in update_counts(req).items())


def estimate_seconds(req: Request) -> float:
    """Estimated seconds of the whole request: the loss is evaluated ``steps + 1`` times, once per step and once
    more after the last."""
    return (req.steps + 1) * step_seconds(req)


def report_every(req: Request) -> int:
    """Steps between two progress reports: about ``REPORT_SECONDS`` of work, at least one step."""
    return max(1, int(REPORT_SECONDS / step_seconds(req)))


def needs_progress(req: Request) -> bool:
    """Whether the request is long enough (over ``PROGRESS_SECONDS``) to run in chunks with a progress bar."""
    return estimate_seconds(req) > PROGRESS_SECONDS


# What a learner can reduce, by name in both languages, with the smallest value it can take.
_REDUCIBLE: dict[str, tuple[str, str, int]] = {
    "steps": ("steps", "ステップ数", 1),
    "runs": ("the number of learning rates", "学習率の数", 2),
    "samples": ("samples", "サンプル数", 1),
    "hidden": ("hidden units", "中間層のユニット数", 1),
}


def _round_down(value: int) -> int:
    """``value`` with all but its first two digits set to 0 (12,345 → 12,000): a limit a person can read."""
    if value < 100:
        return value
    scale = 10 ** (len(str(value)) - 2)
    return value // scale * scale


def largest_within(
    req: Request, field: str, ceiling: float | None = None, steps_for_runs: Callable[[int], int] | None = None
) -> int | None:
    """The largest value of ``field`` (steps, runs, samples or hidden) that brings the request within ``ceiling``
    seconds (default ``CEILING_SECONDS``) with everything else unchanged, rounded down to two digits; None when no
    value below the current one does (or when the request does not have that field: runs of a single run).

    ``steps_for_runs(runs)``: the steps a sweep of that many runs would take, when they depend on the runs (the
    Sweep screen gives fewer runs more steps, up to the scenario's).
    """
    ceiling = CEILING_SECONDS if ceiling is None else ceiling
    if field == "runs" and req.kind != "sweep":
        return None

    def with_value(value: int) -> Request:
        if field == "runs" and steps_for_runs is not None:
            return replace(req, runs=value, steps=steps_for_runs(value))
        return replace(req, **{field: value})

    current = getattr(req, field)
    low = _REDUCIBLE[field][2]
    if field == "runs" and steps_for_runs is not None:
        # Fewer runs may mean more steps, so the cost need not grow with the runs: try each, from the most.
        fits = [r for r in range(current - 1, low - 1, -1) if estimate_seconds(with_value(r)) <= ceiling]
        return _round_down(fits[0]) if fits else None
    if current <= low or estimate_seconds(with_value(low)) > ceiling:
        return None
    # The cost grows with every other field, so the largest value within the ceiling is found by bisection.
    lo, hi = low, current
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if estimate_seconds(with_value(mid)) <= ceiling:
            lo = mid
        else:
            hi = mid
    return _round_down(lo)


class OverBudgetError(ValidationError):
    """A request whose estimated work passes ``CEILING_SECONDS``: refused before it starts. ``limits`` maps each
    value that would bring it within the ceiling on its own (``steps``, ``runs``, ``samples``, ``hidden``) to its
    largest allowed value; ``seconds`` is the estimate."""

    def __init__(self, req: Request, seconds: float, limits: dict[str, int], ceiling: float) -> None:
        self.request, self.seconds, self.limits = req, seconds, limits
        what_en = "sweep" if req.kind == "sweep" else "training run"
        what_ja = "スイープ" if req.kind == "sweep" else "学習"
        en = (
            f"This {what_en} is too much work for the server: about {_seconds_text(seconds)} of computing, and one "
            f"request may take at most about {_number(ceiling)} s, so that the server stays responsive for "
            "everyone. Nothing was computed and the scenario is unchanged."
        )
        ja = (
            f"この{what_ja}はサーバーには重すぎます（計算に約 {_seconds_text(seconds, ja=True)}。"
            f"皆が使えるよう、1 回の計算は約 {_number(ceiling)} 秒までです）。計算はせず、シナリオもそのままです。"
        )
        if limits:
            en += " Reduce " + ", or ".join(f"{_REDUCIBLE[f][0]} to at most {v:,}" for f, v in limits.items()) + "."
            ja += "、または".join(f"{_REDUCIBLE[f][1]}を {v:,} 以下" for f, v in limits.items()) + "にしてください。"
        super().__init__("budget", en, ja)


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def _seconds_text(seconds: float, ja: bool = False) -> str:
    if seconds < 120:
        return f"{_number(seconds)} 秒" if ja else f"{_number(seconds)} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} 分" if ja else f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} 時間" if ja else f"{seconds / 3600:.1f} h"


def check(req: Request, ceiling: float | None = None, steps_for_runs: Callable[[int], int] | None = None) -> float:
    """The request's estimated seconds, or ``OverBudgetError`` (which names what to reduce, and to what) when they
    pass ``ceiling`` (default ``CEILING_SECONDS``); ``steps_for_runs`` as in ``largest_within``."""
    ceiling = CEILING_SECONDS if ceiling is None else ceiling
    seconds = estimate_seconds(req)
    if seconds <= ceiling:
        return seconds
    limits = {f: v for f in _REDUCIBLE if (v := largest_within(req, f, ceiling, steps_for_runs)) is not None}
    raise OverBudgetError(req, seconds, limits, ceiling)


__all__ = [
    "CEILING_SECONDS",
    "PROGRESS_SECONDS",
    "REPORT_SECONDS",
    "STEP_COST",
    "OverBudgetError",
    "Request",
    "check",
    "estimate_seconds",
    "largest_within",
    "needs_progress",
    "parameters",
    "report_every",
    "step_counts",
    "step_seconds",
    "sweep_request",
    "train_request",
    "update_counts",
]
