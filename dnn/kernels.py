"""In-place versions of the activations and output layers, for the fast path of ``dnn.train`` and ``dnn.sweep``.

They compute the same numbers as ``dnn.functions`` (to the last bit or two), but write into arrays that the
training loops allocate once, and make as few numpy calls as they can: a training step of the notebook's network
costs numpy calls, not arithmetic. ``dnn.functions`` attaches them to the registry's entries; an entry without them
is trained with its plain f and f′ (see ``dnn.training``), correctly but more slowly.

A hidden activation's kernels work elementwise on arrays of any shape (a run's (hidden, N), a sweep's
(N, hidden, runs)):

- ``f_into(u, out)`` writes z = f(u) into ``out``;
- ``df_into(u, z, out)`` writes f′(u) into ``out``, given z = f(u) as well: f′ is often cheaper from z
  (σ′ = (1 − z)·z, tanh′ = 1 − z²).

An output layer's kernels are factories, called once when training starts; each returns the closure called at every
step. Both write the delta of each sample, dE/du2 of that sample's own loss (y − d for every layer here), before any
division by N:

- ``batch_kernel(batch)`` → ``output()``: ``batch`` is one run's batch, whose (N, outputs) arrays ``u2``, ``y``,
  ``d``, ``delta2`` it keeps, and whose ``target`` it reads at every call (the class of a one-sample batch whose
  target is one-hot, else None; it changes as a stochastic run loads its next sample). ``output()`` reads u2,
  writes δ2 (y is its to use, and need not hold y afterwards) and returns the loss averaged over the samples.
- ``sweep_kernel(u2, y, d)`` → ``loss_into(out)``: u2 and y are (N, outputs, runs), d (N, outputs) the targets of
  every run. ``loss_into`` reads u2, writes each run's loss (averaged over the samples) into ``out`` (runs,) and
  returns δ2 (N, outputs, runs), which may be written over y.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

# Constants as 0-d arrays: numpy converts a Python float operand anew on every call, which costs about 0.2 µs, a
# few percent of a whole step of ``train``.
ZERO, ONE, EPS = np.array(0.0), np.array(1.0), np.array(1e-7)


def one_hot_targets(d: np.ndarray) -> np.ndarray | None:
    """The class index of each row of d if every row is one-hot, else None."""
    if np.all((d == 0.0) | (d == 1.0)) and np.all(d.sum(axis=1) == 1.0):
        return d.argmax(axis=1)
    return None


# ---------------------------------------------------------------- hidden activations


def relu_into(u: np.ndarray, out: np.ndarray) -> None:
    """z = max(u, 0)."""
    np.maximum(u, ZERO, out=out)


def d_relu_into(u: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    """f′ = 1 where u > 0, else 0: that is sign(z), as z = max(u, 0) ≥ 0."""
    # sign is numpy's fastest call on a run's few numbers; on a sweep's long rows the comparison z > 0 is
    # vectorised and twice as fast.
    if z.size < 1024:
        np.sign(z, out=out)
    else:
        np.greater(z, ZERO, out=out)


def sigmoid_into(u: np.ndarray, out: np.ndarray) -> None:
    """z = 1 / (1 + e^−u), in four calls rather than ``functions.sigmoid``'s two-branch np.where.

    For u < −709, e^−u overflows to inf and z becomes 0, the right limit; the loops run with numpy's warnings
    silenced.
    """
    np.negative(u, out=out)
    np.exp(out, out=out)
    out += ONE
    np.divide(ONE, out, out=out)


def d_sigmoid_into(u: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    """σ′(u) = (1 − σ(u))·σ(u), from z = σ(u)."""
    np.subtract(ONE, z, out=out)
    out *= z


def tanh_into(u: np.ndarray, out: np.ndarray) -> None:
    """z = tanh(u)."""
    np.tanh(u, out=out)


def d_tanh_into(u: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    """tanh′(u) = 1 − tanh(u)², from z = tanh(u)."""
    np.multiply(z, z, out=out)
    np.subtract(ONE, out, out=out)


def identity_into(u: np.ndarray, out: np.ndarray) -> None:
    """z = u."""
    np.copyto(out, u)


# ---------------------------------------------------------------- output layers: one run's batch


def softmax_cross_entropy_batch(batch: Any) -> Callable[[], float]:
    """Softmax + the course's cross-entropy −Σ d·log(y + 1e-7), mean over samples; δ2 = y − d."""
    u2, y, d, delta2 = batch.u2, batch.y, batch.d, batch.delta2
    n = u2.shape[0]
    work = np.empty_like(y)
    d_flat, work_flat = d.reshape(-1), work.reshape(-1)  # flat views: a sum over everything is one dot product
    subtract, exp, log = np.subtract, np.exp, np.log

    if n == 1:
        u2_flat, lse = u2.reshape(-1), np.empty(())
        py_exp, py_log = math.exp, math.log

        def one_sample() -> float:
            # y = exp(u2 − log Σ exp u2). The log-sum-exp of a handful of numbers is cheaper as Python floats than
            # as a numpy reduction (a reduction call costs more than a whole step's arithmetic); shifted by the
            # largest so that exp never overflows.
            values = u2_flat.tolist()
            top = max(values)
            total = 0.0
            for v in values:
                total += py_exp(v - top)
            lse[()] = top + py_log(total)
            subtract(u2, lse, out=y)
            exp(y, out=y)
            subtract(y, d, out=delta2)
            target = batch.target
            if target is not None:
                # a one-hot target: only its class's term of −Σ d·log(y + 1e-7) is not zero
                return -py_log(y[0, target] + 1e-7)
            np.add(y, EPS, out=work)
            log(work, out=work)
            return -float(d_flat.dot(work_flat))

        return one_sample

    lse = np.empty((n, 1))
    logaddexp_reduce = np.logaddexp.reduce

    def samples() -> float:
        # logaddexp.reduce gives log Σ exp u2 of each sample without overflow. (The sweep shifts by the max
        # instead: on its long rows logaddexp costs more per number than it saves.)
        logaddexp_reduce(u2, axis=1, out=lse[:, 0])
        subtract(u2, lse, out=y)
        exp(y, out=y)
        subtract(y, d, out=delta2)
        np.add(y, EPS, out=work)
        log(work, out=work)
        return -float(d_flat.dot(work_flat)) / n  # cross_entropy_error: −Σ d·log(y + 1e-7) / N

    return samples


def sigmoid_binary_cross_entropy_batch(batch: Any) -> Callable[[], float]:
    """Sigmoid + binary cross-entropy −Σ [d·log(y + 1e-7) + (1 − d)·log(1 − y + 1e-7)], mean over samples."""
    u2, y, d, delta2 = batch.u2, batch.y, batch.d, batch.delta2
    n = u2.shape[0]
    work = np.empty_like(y)
    d_flat, work_flat = d.reshape(-1), work.reshape(-1)

    def sigmoid_output() -> float:
        sigmoid_into(u2, y)
        np.subtract(y, d, out=delta2)
        np.add(y, EPS, out=work)
        np.log(work, out=work)
        loss = -float(d_flat.dot(work_flat))
        np.subtract(ONE, y, out=work)
        np.add(work, EPS, out=work)
        np.log(work, out=work)
        return (loss - float((1.0 - d_flat).dot(work_flat))) / n

    return sigmoid_output


def identity_squared_error_batch(batch: Any) -> Callable[[], float]:
    """Identity output (y = u2) + squared error ½·Σ(y − d)², mean over samples."""
    u2, d, delta2 = batch.u2, batch.d, batch.delta2
    n = u2.shape[0]
    delta2_flat = delta2.reshape(-1)

    def squared_error() -> float:
        np.subtract(u2, d, out=delta2)  # y − d, with y = u2 (y itself is not needed, so it is not written)
        return 0.5 * float(delta2_flat.dot(delta2_flat)) / n

    return squared_error


# ---------------------------------------------------------------- output layers: a sweep's runs


def softmax_cross_entropy_sweep(u2: np.ndarray, y: np.ndarray, d: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Softmax + cross-entropy for every run of a sweep; δ2 = y − d is written over y."""
    n, runs = u2.shape[0], u2.shape[2]
    per_sample = np.empty((n, runs))
    col = per_sample[:, None]  # broadcasts over the outputs
    targets = one_hot_targets(d)
    # where each sample's target class sits in y: a view for one sample, a gather for several
    picked_at = None if targets is None else (0, int(targets[0])) if n == 1 else (np.arange(n), targets)
    d_col = d[:, :, None]

    def loss_into(out: np.ndarray) -> np.ndarray:
        np.maximum.reduce(u2, axis=1, out=per_sample)  # shift by the max so that exp never overflows
        np.subtract(u2, col, out=y)
        np.exp(y, out=y)
        np.add.reduce(y, axis=1, out=per_sample)
        np.divide(ONE, per_sample, out=per_sample)
        np.multiply(y, col, out=y)  # y = e / Σe (one division per run and sample, then products)
        if picked_at is not None:
            # One-hot targets: −Σ d·log(y + 1e-7) has one term per sample, its class's; and y − d is y with 1 taken
            # off at that class.
            picked = y[picked_at]  # (N, runs): a view for one sample, a copy for several
            if n == 1:
                np.add(picked, EPS, out=out)
                np.log(out, out=out)
                np.subtract(picked, ONE, out=picked)
            else:
                np.add(picked, EPS, out=per_sample)
                np.log(per_sample, out=per_sample)
                np.add.reduce(per_sample, axis=0, out=out)
                y[picked_at] = picked - 1.0
            np.negative(out, out=out)
        else:
            np.negative(np.einsum("no,nor->r", d, np.log(y + EPS)), out=out)
            np.subtract(y, d_col, out=y)
        out /= n
        return y

    return loss_into


def sigmoid_binary_cross_entropy_sweep(
    u2: np.ndarray, y: np.ndarray, d: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """Sigmoid + binary cross-entropy for every run of a sweep; δ2 = y − d is written over y."""
    n = u2.shape[0]
    d = d[:, :, None]

    def loss_into(out: np.ndarray) -> np.ndarray:
        sigmoid_into(u2, y)
        np.negative((d * np.log(y + EPS) + (1.0 - d) * np.log(1.0 - y + EPS)).sum(axis=(0, 1)), out=out)
        out /= n
        np.subtract(y, d, out=y)
        return y

    return loss_into


def identity_squared_error_sweep(u2: np.ndarray, y: np.ndarray, d: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Identity output + squared error for every run of a sweep; δ2 = u2 − d is written into y."""
    n = u2.shape[0]
    d = d[:, :, None]

    def loss_into(out: np.ndarray) -> np.ndarray:
        delta2 = np.subtract(u2, d, out=y)
        np.einsum("nor,nor->r", delta2, delta2, out=out)
        out *= 0.5
        out /= n
        return delta2

    return loss_into
