"""The facts the screens state in words, computed here so that every sentence about the numbers is true.

A sentence such as "Σy = 1 for every sample", "the gradient check agrees" or "the loss can dip to about −1e-7" is
only as true as the number behind it. Each function below returns that number (or the rule), computed from the
course's own helpers in ``dnn.functions``; ``ui`` only puts it into words. ``tests/test_claims.py`` checks every
claim for each hidden activation × output layer × reduction, with one and with two samples.

The catalogue (claim on screen — where — the number behind it):

- the gradients shown are those of E (the mean) or of E_sum = Σₙ Eₙ — Backprop, Training, Home, worked example —
  ``loss_symbol`` with ``backward``
- backprop agrees with numerical differentiation (≤ 1e-6) — Backprop — ``GRADIENT_CHECK_TOLERANCE``,
  ``gradient_check_agrees``, ``dnn.gradient_check``
- one sample's output delta is y − d, and why (cancels / needs Σd = 1 / nothing to cancel) — Backprop question 1,
  worked example — ``shortcut_condition``, ``output_delta_ways`` (with ``dnn.output_chain``)
- Σy = 1 per sample; the notebook's 出力合計 adds every sample — Forward, worked example — ``output_sums``
- k total inputs u1 ≤ 0 give z1 = 0; a unit at exactly u1 = 0 counts as off — Forward — ``switched_off``,
  ``units_at_kink``; dead units and their zero gradients — Forward, Backprop — ``dnn.dead_units``
- the index forms of δ2·W2ᵀ, z1ᵀ·δ2, xᵀ·δ1 and ∂E/∂b = Σₙ δ — Backprop questions 3 and 4 — ``backward``,
  ``delta_row_sums``
- the bias gradient sums each sample's y − d over axis 0; ÷ N for the mean loss — Backprop question 2 —
  ``demo_batch``, ``batch_deltas``
- the notebook's d_relu(z1) equals f′(u1) for ReLU and identity, not for sigmoid — Backprop question 3 —
  ``notebook_derivative``
- d_softmax_with_loss = (y − d)/N — Backprop question 2 — ``dnn.d_softmax_with_loss``
- the 1e-7 in the log: ceiling ≈ 16.12, floor ≈ −1e-7, a gradient slightly off y − d — Backprop, Training,
  Sweep — ``loss_ceiling``, ``loss_floor``, ``guarded_delta``, ``has_loss_guard``; the loss of an output equal to
  its one-hot target (−1e-7 for softmax, −1e-7 per output for sigmoid) — Home, Training, Sweep —
  ``perfect_output_loss``
- ReLU's derivative at 0 is 0, a central difference sees 1/2 — Backprop — ``relu_kink``
- predicted vs actual ΔE of one SGD step, and their ratio — Backprop — ``dnn.step_report``
  (``StepReport.actual_over_predicted``)
- a total input u1 within the nudge's reach of ReLU's kink (h·max(1, |x|)) explains a gradient-check
  disagreement — Backprop —
  ``near_relu_kink``
- a run overflows at step k (softmax included: the weights can blow up) — Training, README — ``History.diverged_at``
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import NUDGE, Gradients, backward
from .functions import ACTIVATIONS, OUTPUT_LAYERS, cross_entropy_error, d_relu, d_sigmoid, relu, sigmoid
from .inspect import GRADIENT_CHECK_TOLERANCE, output_chain
from .network import Network

GRADIENT_CHECK_CLOSE = 1e-3  # up to here "close" (rounding of tiny gradients); beyond it, a disagreement

LOG_GUARD = 1e-7  # the course's cross_entropy_error adds this inside the log so that log(0) never happens


def loss_symbol(reduction: str, n: int) -> str:
    """The name of the loss whose gradient is shown: "E" (the mean loss) or "E_sum" = Σₙ Eₙ.

    With the notebook's sum and several samples the gradients are those of Σₙ Eₙ = N·E, not of the mean loss E;
    with one sample the two are the same function.
    """
    return "E_sum" if reduction == "sum" and n > 1 else "E"


def gradient_check_agrees(max_relative_error: float) -> bool:
    """Whether backprop and numerical differentiation agree under the one rule (``GRADIENT_CHECK_TOLERANCE``)."""
    return bool(max_relative_error <= GRADIENT_CHECK_TOLERANCE)


@dataclass(frozen=True)
class OutputSums:
    """Σy of softmax outputs: ``per_sample`` (each row's sum, 1 up to rounding), ``notebook_total`` (the notebook's
    出力合計 ``np.sum(y)``, which adds every sample: N up to rounding), and the largest deviation of a row from 1."""

    per_sample: np.ndarray
    notebook_total: float
    max_deviation: float


def output_sums(y: np.ndarray) -> OutputSums:
    """Σy per sample and the notebook's 出力合計 (``np.sum(y)`` over all samples) for outputs ``y`` (N × outputs)."""
    y = np.atleast_2d(np.asarray(y, dtype=np.float64))
    rows = np.sum(y, axis=1)
    return OutputSums(rows, float(np.sum(y)), float(np.max(np.abs(rows - 1.0))))


SHORTCUTS: dict[str, str] = {
    "softmax": "cancel_if_target_sums_to_1",
    "sigmoid": "cancel",
    "identity": "nothing_to_cancel",
}


def shortcut_condition(output: str) -> str:
    """Why the output delta of one sample is y − d for ``output`` with its paired loss.

    "cancel": sigmoid + binary cross-entropy, the sigmoid's derivative y(1 − y) cancels the loss's denominator;
    "cancel_if_target_sums_to_1": softmax + cross-entropy, the Jacobian's cross terms leave −d + y·Σd, which is y − d
    because Σd = 1 (the scenario enforces it); "nothing_to_cancel": identity + squared error, dy/du = 1 and
    ∂E/∂y = y − d already; "registered": an output layer registered at run time, whose delta is its entry's own
    (not necessarily y − d).
    """
    return SHORTCUTS.get(output, "registered")


@dataclass(frozen=True)
class OutputDeltaWays:
    """Question 1 for one sample: the long way ∂E/∂u2 = ∂E/∂y · ∂y/∂u2 (``dE_dy``, ``jacobian``, ``chain``; None for
    an output layer registered at run time, which has no closed form here), the notebook's shortcut y − d
    (``shortcut``, its ``d_sigmoid_with_loss``), the rounding between them (``difference``, chain − shortcut), and the
    output layer's own delta (``registered``, what backprop uses)."""

    dE_dy: np.ndarray | None
    jacobian: np.ndarray | None
    chain: np.ndarray | None
    shortcut: np.ndarray
    difference: np.ndarray | None
    registered: np.ndarray

    @property
    def long_way_overflows(self) -> bool:
        """The long way left the finite numbers (an output y so close to 0 or 1 that ∂E/∂y overflows) while y
        itself is finite: then only the shortcut gives the delta."""
        return self.chain is not None and not bool(np.all(np.isfinite(self.chain)))


def output_delta_ways(output: str, y: np.ndarray, d: np.ndarray) -> OutputDeltaWays:
    """The long way and the shortcut to one sample's output delta, for outputs ``y`` and targets ``d`` (vectors)."""
    y, d = np.ravel(y).astype(np.float64), np.ravel(d).astype(np.float64)
    shortcut = y - d  # the notebook's d_sigmoid_with_loss(d, y)
    with np.errstate(all="ignore"):
        registered = np.ravel(OUTPUT_LAYERS[output].delta(d[None], y[None]))
        if output not in SHORTCUTS:
            return OutputDeltaWays(None, None, None, shortcut, None, registered)
        dE_dy, jacobian, chain = output_chain(output, y, d)
        return OutputDeltaWays(dE_dy, jacobian, chain, shortcut, chain - shortcut, registered)


def loss_ceiling() -> float:
    """The largest loss one sample can have under the course's cross-entropy: −log(0 + 1e-7) ≈ 16.12, reached when
    the target class gets probability 0."""
    return cross_entropy_error(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))


def loss_floor() -> float:
    """The smallest: −log(1 + 1e-7) ≈ −1e-7, slightly below 0, when the target class gets probability 1."""
    return cross_entropy_error(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]]))


def guarded_delta(y: np.ndarray, d: np.ndarray) -> np.ndarray:
    """∂/∂u2 of one sample's guarded loss −Σₖ dₖ·log(yₖ + 1e-7) for softmax outputs (what backprop does not use).

    Through softmax's Jacobian ∂yₖ/∂uⱼ = yₖ([k = j] − yⱼ): ∂E/∂uⱼ = −Σₖ dₖ·yₖ/(yₖ + 1e-7)·([k = j] − yⱼ), which
    differs from y − d slightly while the target's y is well above 1e-7, and goes to 0 (the loss flattens at its
    ceiling) once that y falls near 1e-7, where y − d is about −1.
    """
    y, d = np.atleast_2d(y).astype(np.float64), np.atleast_2d(d).astype(np.float64)
    w = d * y / (y + LOG_GUARD)  # dₖ·yₖ/(yₖ + ε) per sample and output
    return -w + y * np.sum(w, axis=1, keepdims=True)


@dataclass(frozen=True)
class ReluKink:
    """ReLU at u = 0: the course's derivative (``np.where(x > 0, 1, 0)`` gives 0) and what a central difference
    with step ``h`` measures there ((relu(h) − relu(−h)) / 2h = 1/2)."""

    course_derivative: float
    central_difference: float
    h: float


def relu_kink(h: float = 1e-5) -> ReluKink:
    """The two slopes of ReLU at exactly u = 0, from the course's ``relu`` and ``d_relu``."""
    zero = np.array([0.0])
    central = (relu(zero + h) - relu(zero - h)) / (2 * h)
    return ReluKink(float(d_relu(zero)[0]), float(central[0]), h)


def units_at_kink(hidden: str, u1: np.ndarray) -> list[int]:
    """Hidden ReLU units whose total input is exactly 0 for some sample (the course counts them as switched off)."""
    if hidden != "relu":
        return []
    return [int(j) for j in np.flatnonzero(np.any(np.atleast_2d(u1) == 0.0, axis=0))]


def switched_off(hidden: str, u1: np.ndarray) -> int:
    """How many total inputs u1 (over samples and units) ReLU maps to z1 = 0 (u1 ≤ 0; u1 itself is unchanged)."""
    return int(np.sum(np.atleast_2d(u1) <= 0)) if hidden == "relu" else 0


def has_loss_guard(output: str) -> bool:
    """Whether the output's loss adds 1e-7 inside its log (the cross-entropies do): then a perfect output y = d
    scores slightly below 0, −log(1 + 1e-7), instead of exactly 0."""
    d = np.array([[0.0, 1.0]])
    return bool(OUTPUT_LAYERS[output].loss(d, d.copy()) < 0)


def near_relu_kink(hidden: str, u1: np.ndarray, x: np.ndarray | None = None, h: float = NUDGE) -> bool:
    """Whether the gradient check's nudge can carry a ReLU total input u1 across the kink at 0, where backprop's
    slope and the numerical one may then disagree.

    Nudging b1 by h moves u1 by h; nudging W1[i, j] by h moves u1 of sample n by h·x[n, i]. So u1[n, j] can cross
    0 when |u1[n, j]| < h·max(1, maxᵢ |x[n, i]|) (without ``x``: the bias's reach h). W2 and b2 do not move u1."""
    if hidden != "relu":
        return False
    u1 = np.atleast_2d(np.asarray(u1, dtype=np.float64))
    reach = np.full((u1.shape[0], 1), h)
    if x is not None:
        reach = h * np.maximum(1.0, np.max(np.abs(np.atleast_2d(np.asarray(x, dtype=np.float64))), axis=1))[:, None]
    return bool(np.any(np.abs(u1) < reach))


# ---------------------------------------------------------------- the notebook's questions 2 to 4

DEMO_X = (2.0, -1.0)  # the second sample added when the scenario has only one


def demo_batch(net: Network, x: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """At least two samples for showing the sum over the batch axis: the scenario's own if it has two or more,
    else its sample plus x = [2, −1, …] with the other class as the target (softmax: the next class; sigmoid: 1 − d;
    any other output: the first target with its outputs swapped). Returns (x, d, added)."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    if len(x) >= 2:
        return x, d, False
    x2 = np.resize(np.array(DEMO_X), net.n_in)
    if net.output == "softmax":
        d2 = np.zeros(net.n_out)
        d2[(int(np.argmax(d[0])) + 1) % net.n_out] = 1.0
    elif net.output == "sigmoid":
        d2 = 1.0 - d[0]  # the opposite target: for 0/1 targets, the other class
    else:
        d2 = d[0][::-1].copy()  # the first target with its outputs swapped (stays in any range the layer allows)
    return np.vstack([x, x2]), np.vstack([d, d2]), True


@dataclass(frozen=True)
class BatchDeltas:
    """Question 2: each sample's own output delta (``per_sample``, row n = y_n − d_n for the built-in layers), their
    sum over axis 0 (``total`` = ∂E_sum/∂b2) and that sum ÷ N (``mean`` = ∂E/∂b2 of the mean loss E)."""

    per_sample: np.ndarray
    total: np.ndarray
    mean: np.ndarray


def batch_deltas(net: Network, x: np.ndarray, d: np.ndarray) -> BatchDeltas:
    """The bias gradient of b2 built up from the samples' deltas, for the samples x and targets d."""
    per_sample = backward(net, x, d, reduction="sum").delta2  # the sum's delta: each sample's own, undivided
    total = np.sum(per_sample, axis=0)
    return BatchDeltas(per_sample, total, total / len(per_sample))


def delta_row_sums(grads: Gradients) -> tuple[np.ndarray, np.ndarray]:
    """Question 4: (Σₙ δ2[n], Σₙ δ1[n]), the deltas summed over the samples, which ∂E/∂b2 and ∂E/∂b1 equal (for one
    sample, the delta's one row)."""
    return np.sum(grads.delta2, axis=0), np.sum(grads.delta1, axis=0)


@dataclass(frozen=True)
class NotebookDerivative:
    """Question 3 for one sample: the hidden activation's derivative at u1 (``at_u``, what backprop needs) and at
    z1 = f(u1) (``at_z``, what the notebook's ``d_relu(z1)`` computes), whether they are ``equal``, and the
    sigmoid's two for the same u1 (``sigmoid_at_u``, ``sigmoid_at_z`` = σ′(σ(u1))), where they differ."""

    at_u: np.ndarray
    at_z: np.ndarray
    equal: bool
    sigmoid_at_u: np.ndarray
    sigmoid_at_z: np.ndarray

    @property
    def largest_difference(self) -> float:
        """max |f′(z1) − f′(u1)| over the hidden units: how far the notebook's shortcut is off for this sample."""
        with np.errstate(all="ignore"):
            return float(np.max(np.abs(self.at_z - self.at_u)))


def notebook_derivative(hidden: str, u1: np.ndarray) -> NotebookDerivative:
    """f′(u1) against f′(z1) for the activation ``hidden`` at the total inputs ``u1`` of one sample."""
    act = ACTIVATIONS[hidden]
    u1 = np.asarray(u1, dtype=np.float64)
    with np.errstate(all="ignore"):
        at_u, at_z = act.df(u1), act.df(act.f(u1))
        return NotebookDerivative(at_u, at_z, bool(np.array_equal(at_u, at_z)), d_sigmoid(u1), d_sigmoid(sigmoid(u1)))


def perfect_output_loss(output: str, n_out: int) -> float:
    """The loss E of samples whose output y equals their one-hot target d exactly, under ``output``'s loss.

    The cross-entropies add 1e-7 inside each log, so this is slightly below 0 rather than 0: softmax's loss keeps
    one log term per sample (the target's), −log(1 + 1e-7) ≈ −1e-7; the binary cross-entropy keeps one per output,
    about −1e-7 × n_out. The squared error has no log: 0.
    """
    d = np.zeros((1, n_out))
    d[0, -1] = 1.0
    return float(OUTPUT_LAYERS[output].loss(d, d.copy()))
