"""What the screens show about a network besides its forward pass and gradients, computed here and nowhere else.

- along a training run: the outputs y and each parameter's gradient size at evenly spaced steps (``probes``), the
  steps where the loss went up (``find_jumps``);
- one SGD step and what it does to the loss, overflow included (``step_report``);
- the long way to the output delta, ∂E/∂y · ∂y/∂u2 (``output_chain``), each sample's loss (``sample_losses``),
  dead ReLU units (``dead_units``);
- the gradient check's relative errors and the partial derivatives it cannot measure (``gradient_check``);
- what differs between two scenarios and between two trained networks (``scenario_differences``,
  ``parameter_differences``);
- a learning-rate sweep's final losses and best run (``sweep_summary``, ``log_spaced``, ``nearest_run``);
- why a scenario's loss is not a finite number at the start (``not_finite_at_start``).

Every gradient here comes from ``dnn.backward`` (the probes pass it a stack of networks at once), so the chain rule
is written once, in ``dnn/core.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .core import NUDGE, Forward, Gradients, _unchecked, backward, forward, loss, stepped_params
from .functions import OUTPUT_LAYERS
from .network import LIMITS, Network, Scenario
from .optimizers import OptimizerState, check_optimizer, direction, initial_state, step_size, stepped
from .training import History, diverged_at

PARAMS: tuple[str, ...] = ("W1", "b1", "W2", "b2")
PROBES = 200  # steps of a run at which the outputs y and each parameter's gradient size are evaluated, at most
RISE = 1e-3  # a step "raises" the loss when E grows by more than 0.1 % of its size
TINY = 1e-8  # denominator floor of the relative error: gradients below it count as 0 (rounding noise)
# The one rule of the gradient check (the caption states it, the verdict applies it, dnn.claims re-exports it):
# backprop and central differences agree when the largest relative error |a − b| / (|a| + |b|) is at most this.
# Central differences with h = 1e-5 are exact to about h² = 1e-10 relative, so smooth activations land near 1e-10
# and never near 1e-6; a ReLU kink crossed by the nudge gives about 1e-1.
GRADIENT_CHECK_TOLERANCE = 1e-6


# ---------------------------------------------------------------- along a run


def probe_steps(last_step: int, every: int, probes: int = PROBES) -> np.ndarray:
    """Up to ``probes`` evenly spaced steps from 0 to ``last_step``, on multiples of the snapshot interval ``every``
    where possible (those need no replay), always including the first and the last step; none when the run has no
    finite step (``last_step`` = −1)."""
    if last_step < 0:
        return np.zeros(0, dtype=np.int64)
    snapshot_steps = np.arange(0, last_step + 1, every)
    stride = max(1, math.ceil(len(snapshot_steps) / (probes - 1)))
    return np.unique(np.append(snapshot_steps[::stride], last_step)).astype(np.int64)


def norms(a: np.ndarray) -> np.ndarray:
    """The Euclidean length ‖a[i]‖ over all other axes, for each i; NaN where a[i] is not finite.

    Each row is scaled by its largest value first, so that squaring huge values just before an overflow stays
    finite.
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return np.zeros(len(a))
    a = a.reshape(len(a), -1)
    with np.errstate(all="ignore"):
        m = np.max(np.abs(a), axis=1)
        safe = np.where(np.isfinite(m) & (m > 0.0), m, 1.0)[:, None]
        out = m * np.sqrt(np.sum(np.square(a / safe), axis=1))
    out[m == 0.0] = 0.0
    out[~np.isfinite(m)] = np.nan
    return out


@dataclass(frozen=True)
class Probes:
    """A run looked at closely at some of its steps: ``steps`` (P,), the outputs ``y`` (P, N, outputs; NaN where
    not finite) and ``grad_norm``, the size ‖∂E/∂W1‖ … of each parameter's partial derivatives (P,) by name."""

    steps: np.ndarray
    y: np.ndarray
    grad_norm: dict[str, np.ndarray]


def stacked_network(like: Network, params: Mapping[str, np.ndarray]) -> Network:
    """A stack of P networks with ``like``'s layers, for ``dnn.forward`` and ``dnn.backward`` to treat at once.

    ``params`` holds W1 (P, inputs, hidden), b1 (P, hidden), W2, b2 as from ``History.params_at``. The biases get a
    samples axis, (P, 1, hidden), so that x·W1 + b1 adds each network's own bias to each of its samples.
    """
    return _unchecked(
        like,
        {
            "W1": params["W1"],
            "b1": params["b1"][:, None, :],
            "W2": params["W2"],
            "b2": params["b2"][:, None, :],
        },
    )


def probes(history: History, count: int = PROBES) -> Probes:
    """y and each ‖∂E/∂W‖ at up to ``count`` evenly spaced steps of a run: one ``forward`` and one ``backward`` of
    the stack of the networks at those steps (read from the run's snapshots), with the run's reduction."""
    steps = probe_steps(history.last_step, history.snapshot_every, count)
    stack = stacked_network(history.start, history.params_at(steps))
    with np.errstate(all="ignore"):  # just before an overflow the values are huge; non-finite ones become NaN
        f = forward(stack, history.x)
        grads = backward(stack, history.x, history.d, history.reduction, fwd=f)
    y = f.y  # (P, N, outputs), a new array of this forward pass: marked in place
    y[~np.isfinite(y)] = np.nan
    return Probes(steps=steps, y=y, grad_norm={name: norms(grads.params()[name]) for name in PARAMS})


@dataclass(frozen=True)
class OutputTrack:
    """What the Training screen follows of the outputs y (P probes, N samples, outputs) along a run.

    ``kind`` "probability" (softmax, sigmoid): ``values[:, k]`` is the probability the network gives to target k
    — for softmax, y of the class d marks, one per sample (k = n); for sigmoid, y where d = 1 and 1 − y where d = 0,
    one per sample and output (k = n·outputs + j); ``mean`` their mean. ``kind`` "output" (identity): ``values`` is
    y itself, one per sample and output, ``targets`` the matching d, and ``mean`` the mean |y − d|.
    """

    kind: str
    values: np.ndarray
    targets: np.ndarray
    mean: np.ndarray


def output_track(output: str, y: np.ndarray, d: np.ndarray) -> OutputTrack:
    """The outputs' curves along a run's probes (``Probes.y``) for the output layer ``output`` and targets d."""
    y, d = np.asarray(y, dtype=np.float64), np.atleast_2d(np.asarray(d, dtype=np.float64))
    probes, n = len(y), len(d)
    if output == "softmax":
        p = y[:, np.arange(n), d.argmax(axis=1)]  # (probes, N): y of each sample's target class
        return OutputTrack("probability", p, np.ones(n), p.mean(axis=1))
    if output == "sigmoid":
        p = np.where(d[None] >= 0.5, y, 1.0 - y).reshape(probes, -1)  # the probability given to each target
        return OutputTrack("probability", p, np.ones(p.shape[1]), p.mean(axis=1))
    values = y.reshape(probes, -1)
    return OutputTrack("output", values, d.ravel(), np.abs(values - d.ravel()).mean(axis=1))


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
class Lowest:
    """The lowest loss of a run and the step where it was reached (the first such step)."""

    step: int
    loss: float


def loss_change(loss: np.ndarray) -> float:
    """How much a run changed the loss: E after its last step − E at step 0 (negative when training lowered it)."""
    loss = np.asarray(loss, dtype=np.float64)
    return float(loss[-1] - loss[0])


def lowest_loss(loss: np.ndarray) -> Lowest | None:
    """The lowest finite loss E of a loss curve and its step, or None when no step has a finite loss."""
    loss = np.asarray(loss, dtype=np.float64)
    finite = np.isfinite(loss)
    if not finite.any():
        return None
    k = int(np.argmin(np.where(finite, loss, np.inf)))
    return Lowest(k, float(loss[k]))


# ---------------------------------------------------------------- one SGD step


@dataclass(frozen=True)
class Cell:
    """One value of a scenario: ``name`` ("W1", "b2", "x", ...), its ``index`` (counted from 0) and ``value``."""

    name: str
    index: tuple[int, ...]
    value: float


def _first_not_finite(arrays: Mapping[str, np.ndarray]) -> Cell | None:
    for name, a in arrays.items():
        bad = np.argwhere(~np.isfinite(np.atleast_1d(a)))
        if len(bad):
            index = tuple(int(i) for i in bad[0])
            return Cell(name, index, float(np.atleast_1d(a)[index]))
    return None


@dataclass(frozen=True)
class StepReport:
    """One SGD step W ← W − η·∂E/∂W and what it did to the loss.

    ``params_after``: the new parameters by name (inf or nan where the step overflowed); ``after``: the new
    network, or None when ``overflow`` names the first parameter cell that left the finite numbers (W1, b1, W2, b2
    in that order). ``loss_before`` / ``loss_after`` (NaN after an overflow): the reported loss E; ``predicted``:
    the first-order change ∇E·Δθ = −η·∇E·g, with ∇E the gradient of the mean loss and g the gradient used (so
    −η‖g‖² for the mean reduction, −η·N·‖∇E‖² for the sum).
    """

    params_after: dict[str, np.ndarray]
    after: Network | None
    overflow: Cell | None
    loss_before: float
    loss_after: float
    predicted: float
    # The update rule (SGD unless another was chosen): its state before and after the step (the book's v, h, m
    # per parameter; t counts steps), the number the step multiplies by (η, Adam's η_t) and, per parameter, the
    # direction it moves along (``dnn.optimizers.direction``).
    optimizer: str = "sgd"
    state_before: OptimizerState | None = None
    state_after: OptimizerState | None = None
    step_size: float = math.nan
    direction: dict[str, np.ndarray] | None = None

    @property
    def actual(self) -> float:
        """The actual change of the loss, E_after − E_before."""
        return self.loss_after - self.loss_before

    @property
    def actual_over_predicted(self) -> float:
        """The actual change ÷ the first-order prediction: near 1 when η is small enough for the straight-line
        picture of the loss; NaN when the prediction is 0 or the ratio is not a finite number."""
        ratio = self.actual / self.predicted if self.predicted != 0 else math.nan
        return ratio if math.isfinite(ratio) else math.nan


def step_report(
    net: Network,
    x: np.ndarray,
    d: np.ndarray,
    grads: Gradients,
    lr: float,
    optimizer: str = "sgd",
    state: OptimizerState | None = None,
    **settings: float,
) -> StepReport:
    """Take one step of the update rule ``optimizer`` (SGD by default) with the gradients ``grads``, from the rule's
    ``state`` (zero, before the first step, when None), and compare the loss change with its first-order
    prediction ∇E·Δθ (for SGD −η·∇E·g).

    Never raises for numbers that leave the floats: an overflowing step is reported in ``overflow``.
    """
    hp = check_optimizer(optimizer, settings)
    state = state or initial_state(net, optimizer)
    with np.errstate(all="ignore"):
        if optimizer == "sgd":
            new, state_after = stepped_params(net, grads, lr), OptimizerState(state.t + 1, {})
        else:
            new, state_after = stepped(net, grads, lr, optimizer, state, hp)
    overflow = _first_not_finite(new)
    with np.errstate(all="ignore"):
        true_grad = backward(net, x, d, reduction="mean")  # ∇E of the reported (mean) loss
        if optimizer == "sgd":
            predicted = -lr * sum(float(np.sum(true_grad.params()[k] * grads.params()[k])) for k in PARAMS)
        else:  # ∇E·Δθ, Δθ the rule's own move
            moved = net.params()
            predicted = sum(float(np.sum(true_grad.params()[k] * (new[k] - moved[k]))) for k in PARAMS)
        before = loss(net, x, d)
        after = None if overflow else net.replace(**new)
        after_loss = math.nan if after is None else loss(after, x, d)
        slots = {k: {s: state_after.slots[s][k] for s in state_after.slots} for k in PARAMS}
        directions = {k: direction(optimizer, grads.params()[k], slots[k]) for k in PARAMS}
    return StepReport(
        new,
        after,
        overflow,
        before,
        after_loss,
        predicted,
        optimizer,
        state,
        state_after,
        step_size(optimizer, lr, state_after.t, hp),
        directions,
    )


# ---------------------------------------------------------------- the output layer the long way, each sample's loss


def output_chain(output: str, y: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The long way to dE/du2 for one sample: (∂E/∂y, ∂y/∂u2 as a Jacobian, their product ∂E/∂u2).

    softmax + cross-entropy: ∂E/∂y = −d/y and J = diag(y) − y·yᵀ; sigmoid + binary cross-entropy:
    ∂E/∂y = −d/y + (1 − d)/(1 − y) and J = diag(y(1 − y)); identity + squared error: ∂E/∂y = y − d, J = I.
    The 1e-7 guard of the course's loss is left out (backprop does not differentiate it). A y that underflowed to 0
    or 1 makes ∂E/∂y infinite: the product is then nan/inf, which is exactly why the shortcut y − d is used.
    """
    y, d = np.ravel(y).astype(np.float64), np.ravel(d).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if output == "softmax":
            dE_dy = -d / y
            J = np.diag(y) - np.outer(y, y)
        elif output == "sigmoid":
            dE_dy = -d / y + (1 - d) / (1 - y)
            J = np.diag(y * (1 - y))
        else:
            dE_dy = y - d
            J = np.eye(len(y))
        # ∂E/∂u_j = Σ_k ∂E/∂y_k · ∂y_k/∂u_j; J is symmetric, J[k, j] = ∂y_k/∂u_j.
        chain = dE_dy @ J
    return dE_dy, J, chain


def sample_losses(net: Network, y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Each sample's loss E_n from its outputs y and targets d (the reported loss E is their mean)."""
    layer = OUTPUT_LAYERS[net.output]
    y, d = np.atleast_2d(y), np.atleast_2d(d)
    with np.errstate(all="ignore"):
        return np.array([layer.loss(d[i : i + 1], y[i : i + 1]) for i in range(len(y))])


def dead_units(net: Network, fwd: Forward) -> list[int]:
    """Hidden ReLU units whose total input u1 ≤ 0 for every sample: z = 0 and f′(u) = 0, so their gradients are 0."""
    if net.hidden != "relu":
        return []
    return [int(j) for j in np.flatnonzero(np.all(fwd.u1 <= 0, axis=0))]


# ---------------------------------------------------------------- the gradient check


def relative_error(a: np.ndarray, b: np.ndarray, tiny: float = TINY) -> np.ndarray:
    """|a − b| / max(|a| + |b|, tiny), elementwise: 0 when equal, about 1 when unrelated (NaN where not finite)."""
    # halved first, so that two huge finite gradients (near 1e308) do not overflow their sum or difference
    a, b = np.asarray(a, dtype=np.float64) / 2, np.asarray(b, dtype=np.float64) / 2
    with np.errstate(all="ignore"):
        return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), tiny / 2)


def max_relative_error(backprop: Mapping[str, np.ndarray], numerical: Mapping[str, np.ndarray]) -> float:
    """The largest relative error over every parameter (0.0 when backprop and the numbers agree exactly; NaN when a
    gradient is not a finite number)."""
    return gradient_check(backprop, numerical).worst


@dataclass(frozen=True)
class GradientCheck:
    """Backprop's partial derivatives against numerical ones: ``relative`` error per cell of W1, b1, W2, b2, and the
    ``worst`` (largest) of them over the cells that numerical differentiation could measure (0.0 when it measured
    none), NaN when a gradient is not a finite number.

    Where the central difference cannot be taken at this size the cell is marked instead of compared: ``lost`` where
    the nudge changes E by less than E's own rounding (E ≈ 1e299 is kept to 16 digits, so E(w + h) − E(w − h) is 0
    or a multiple of a huge step) and the two disagree; ``overflowed`` where E(w ± h) is too large for float64 (the
    numerical slope is inf or nan while backprop's is a number). ``loss`` is the E (or E_sum) the slopes were taken
    of, NaN when not given.
    """

    relative: dict[str, np.ndarray]
    worst: float
    lost: dict[str, np.ndarray] = field(default_factory=dict)
    overflowed: dict[str, np.ndarray] = field(default_factory=dict)
    loss: float = math.nan

    @property
    def finite(self) -> bool:
        """Whether every relative error is a number: both gradients were finite wherever they were compared."""
        return math.isfinite(self.worst)

    @property
    def unmeasurable(self) -> dict[str, np.ndarray]:
        """The cells numerical differentiation could not measure at this size (lost in rounding or overflowed)."""
        return {p: self.lost[p] | self.overflowed[p] for p in self.lost}

    @property
    def unmeasured(self) -> int:
        """How many partial derivatives numerical differentiation could not measure."""
        return int(sum(int(np.count_nonzero(m)) for m in self.unmeasurable.values()))

    @property
    def cells(self) -> int:
        """How many partial derivatives there are to compare (every cell of W1, b1, W2, b2)."""
        return int(sum(r.size for r in self.relative.values()))


def slope_resolution(loss: float, h: float = NUDGE) -> float:
    """The smallest slope a central difference (E(w + h) − E(w − h)) / 2h can tell from 0 at a loss of this size:
    E and E(w ± h) are each rounded to about ε·|E| (ε = 2.2e-16, float64), so a slope below ε·|E| / h is lost."""
    return float(np.finfo(np.float64).eps * abs(loss) / h)


def gradient_check(
    backprop: Mapping[str, np.ndarray],
    numerical: Mapping[str, np.ndarray],
    loss: float | None = None,
    h: float = NUDGE,
) -> GradientCheck:
    """Compare backprop's gradients with numerical ones (``numerical_gradient`` with the same reduction).

    With ``loss`` (the E or E_sum the numerical slopes were taken of, ``differentiated_loss``) the cells that a
    central difference with nudge ``h`` cannot measure at that size are set apart (``GradientCheck.unmeasurable``)
    and left out of ``worst``; without it every cell counts.
    """
    relative = {p: relative_error(backprop[p], numerical[p]) for p in PARAMS}
    lost = {p: np.zeros(np.shape(relative[p]), dtype=bool) for p in PARAMS}
    overflowed = {p: np.zeros(np.shape(relative[p]), dtype=bool) for p in PARAMS}
    if loss is not None:
        resolution = slope_resolution(loss, h) if math.isfinite(loss) else math.inf
        for p in PARAMS:
            a, b = np.asarray(backprop[p], dtype=np.float64), np.asarray(numerical[p], dtype=np.float64)
            overflowed[p] = np.isfinite(a) & ~np.isfinite(b)
            disagree = relative[p] > GRADIENT_CHECK_TOLERANCE
            lost[p] = np.isfinite(a) & np.isfinite(b) & (np.abs(a) <= resolution) & disagree
    measured = [r[~(lost[p] | overflowed[p])] for p, r in relative.items()]
    worst = max((float(np.max(r)) for r in measured if r.size), default=0.0)
    return GradientCheck(relative, worst, lost, overflowed, math.nan if loss is None else float(loss))


# ---------------------------------------------------------------- two scenarios side by side


def parameter_differences(base: Network, current: Network) -> dict[str, np.ndarray] | None:
    """current − base for W1, W2, b1, b2 (the notebook's order), or None when the networks' sizes differ."""
    b, c = base.params(), current.params()
    if any(b[k].shape != c[k].shape for k in b):
        return None
    with np.errstate(all="ignore"):
        return {k: c[k] - b[k] for k in b}


@dataclass(frozen=True)
class Change:
    """One value that differs between two scenarios: ``what`` ("W1", "x", "lr", "hidden", ...); for an array,
    ``index`` of the cell (counted from 0) or ``shapes`` when the arrays' shapes differ; the two values."""

    what: str
    index: tuple[int, ...] | None
    shapes: tuple[tuple[int, ...], tuple[int, ...]] | None
    baseline: float | int | str | None
    current: float | int | str | None


def scenario_differences(base: Scenario, current: Scenario) -> list[Change]:
    """Every weight, bias, input, target and setting that differs, cell by cell; arrays whose shapes differ are
    listed once, by shape."""
    out: list[Change] = []
    arrays = [(k, base.network.params()[k], current.network.params()[k]) for k in PARAMS]
    arrays += [("x", base.x, current.x), ("d", base.d, current.d)]
    for what, a, b in arrays:
        if a.shape != b.shape:
            out.append(Change(what, None, (a.shape, b.shape), None, None))
            continue
        for idx in np.argwhere(a != b):
            index = tuple(int(i) for i in idx)
            out.append(Change(what, index, None, float(a[index]), float(b[index])))
    for what, a, b in (
        ("lr", base.lr, current.lr),
        ("steps", base.steps, current.steps),
        ("hidden", base.network.hidden, current.network.hidden),
        ("output", base.network.output, current.network.output),
        ("opt", base.optimizer, current.optimizer),  # the update rule, by its link key
        *((k, base.settings.get(k), current.settings.get(k)) for k in current.settings if k in base.settings),
    ):
        if a != b:
            out.append(Change(what, None, None, a, b))
    return out


# ---------------------------------------------------------------- learning-rate sweeps


def sweep_range(lr: float, decades: float = 2.0) -> tuple[float, float]:
    """Learning rates ``decades`` powers of ten either side of ``lr`` (within 1e-8 and the largest allowed η), so
    that a sweep over them has the scenario's own run in the middle."""
    low, high = 1e-8, float(LIMITS["max_lr"])
    factor = 10.0**decades
    return float(np.clip(lr / factor, low, high)), float(np.clip(lr * factor, low, high))


def log_spaced(low: float, high: float, count: int) -> np.ndarray:
    """``count`` learning rates evenly spaced on a log scale from ``low`` to ``high`` (both included)."""
    low, high = sorted((float(low), float(high)))
    return np.geomspace(low, high, int(count)) if count > 1 else np.array([low])


@dataclass(frozen=True)
class SweepSummary:
    """Per run of a sweep: ``diverged[r]``, the step whose loss was not finite (None if none); ``final[r]``, the
    last finite loss (NaN if even step 0's was not); ``best``, the run with the lowest final loss among those that
    did not overflow (the first run when all did)."""

    diverged: list[int | None]
    final: np.ndarray
    best: int


def sweep_summary(losses: np.ndarray) -> SweepSummary:
    """Summarise ``dnn.sweep``'s losses (runs, steps + 1), each row NaN from its overflow on."""
    diverged = [diverged_at(row) for row in losses]
    final = np.array(
        [row[-1] if k is None else (row[k - 1] if k > 0 else np.nan) for row, k in zip(losses, diverged, strict=True)]
    )
    steady = [r for r, k in enumerate(diverged) if k is None]
    best = min(steady, key=lambda r: final[r]) if steady else 0
    return SweepSummary(diverged, final, int(best))


def nearest_run(lrs: np.ndarray, lr: float) -> int:
    """The run whose learning rate is nearest ``lr`` on a log scale (where a sweep's rates are evenly spaced)."""
    return int(np.argmin(np.abs(np.log(np.asarray(lrs, dtype=np.float64)) - math.log(lr))))


# ---------------------------------------------------------------- a loss that is not finite at the start


@dataclass(frozen=True)
class NotFinite:
    """Why a scenario's loss is not a finite number before any step: ``quantity``, the first of u1, z1, u2, y and
    E (the loss) that is not finite, and ``largest``, the value of the largest size among W1, b1, W2, b2 and x —
    the one to make smaller."""

    quantity: str
    largest: Cell


def not_finite_at_start(net: Network, x: np.ndarray, d: np.ndarray) -> NotFinite | None:
    """None when the loss E at the scenario's own parameters is a finite number; else where the forward pass left
    the finite numbers and which value is the largest."""
    with np.errstate(all="ignore"):
        f = forward(net, x)
        e = loss(net, x, d)
    if math.isfinite(e):
        return None
    stages = {"u1": f.u1, "z1": f.z1, "u2": f.u2, "y": f.y}
    quantity = next((name for name, a in stages.items() if not np.all(np.isfinite(a))), "E")
    return NotFinite(quantity, largest_value(net, x))


def largest_value(net: Network, x: np.ndarray) -> Cell:
    """The value of the largest size among the weights, biases and inputs (the first of them in the order W1, b1,
    W2, b2, x, row by row): where a forward pass that overflows is best made smaller."""
    values = {**net.params(), "x": np.atleast_2d(np.asarray(x, dtype=np.float64))}
    name = max(values, key=lambda k: float(np.max(np.abs(values[k]))))  # max keeps the first of equal sizes
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(values[name]))), values[name].shape))
    return Cell(name, index, float(values[name][index]))


# ---------------------------------------------------------------- how much of a sweep's η range works


@dataclass(frozen=True)
class WorkingRates:
    """The learning rates of a sweep whose run ended with a loss at most ``target`` without overflowing: how many
    (``count`` of ``total``) and the smallest and largest of them (NaN when none)."""

    count: int
    total: int
    low: float
    high: float
    target: float


def working_rates(lrs: np.ndarray, losses: np.ndarray, fraction: float = 0.1) -> WorkingRates:
    """Which rows of ``dnn.sweep``'s losses (one per η in ``lrs``) end at or below ``fraction`` × the loss at step 0
    (the same start for every row) and never overflowed: a measure of how sensitive a rule is to η."""
    summary = sweep_summary(losses)
    target = fraction * float(losses[0, 0])
    ok = [r for r, k in enumerate(summary.diverged) if k is None and summary.final[r] <= target]
    chosen = np.asarray(lrs, dtype=np.float64)[ok]
    low, high = (float(chosen.min()), float(chosen.max())) if ok else (math.nan, math.nan)
    return WorkingRates(len(ok), len(lrs), low, high, target)
