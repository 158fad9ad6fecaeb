"""The course's helper functions (``common/functions.py``), under the course's names and argument order ``(d, y)``.

Each activation sits next to its derivative and each loss next to its output delta, so a learner can match them
with the notebook line by line. ``ACTIVATIONS`` and ``OUTPUT_LAYERS`` pick them by name for the network.

Where the course is inconsistent, the docstring says so: its losses are averaged over the batch, but its
``d_sigmoid_with_loss`` (the delta the notebook uses) is not divided by the batch size. ``dnn.backward`` offers both
conventions (``reduction="mean"`` / ``"sum"``); with one sample they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# ---------------------------------------------------------------- hidden-layer activations and their derivatives


def relu(x: Array) -> Array:
    """ReLU: z = max(0, u)."""
    return np.maximum(x, 0.0)


def d_relu(x: Array) -> Array:
    """dz/du of ReLU: 1 where u > 0, else 0 (0 at u = 0, as in the course).

    The notebook passes z1 rather than u1; for ReLU both give the same mask (z > 0 exactly where u > 0), which is
    why that works there, but it would be wrong for sigmoid, whose derivative must be taken at u.
    """
    return np.where(x > 0, 1.0, 0.0)


def sigmoid(x: Array) -> Array:
    """Logistic sigmoid 1 / (1 + e^-u), written so that a large negative u does not overflow."""
    # exp of a non-positive number never overflows: use e^u / (1 + e^u) for u < 0.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def d_sigmoid(x: Array) -> Array:
    """dz/du of the sigmoid at u: σ(u)·(1 − σ(u))."""
    s = sigmoid(x)
    return (1.0 - s) * s


def tanh(x: Array) -> Array:
    """Hyperbolic tangent."""
    return np.tanh(x)


def d_tanh(x: Array) -> Array:
    """dz/du of tanh at u: 1 − tanh(u)²."""
    return 1.0 - np.tanh(x) ** 2


def identity(x: Array) -> Array:
    """The identity (no activation): z = u."""
    return np.asarray(x, dtype=float)


def d_identity(x: Array) -> Array:
    """dz/du of the identity: 1 everywhere."""
    return np.ones_like(x, dtype=float)


# ---------------------------------------------------------------- output layers, losses and their deltas


def softmax(x: Array) -> Array:
    """Softmax over the last axis (the output units), shifted by the max so that exp never overflows."""
    shifted = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(d: Array, y: Array) -> float:
    """The course's cross-entropy: −Σ d·log(y + 1e-7), averaged over the samples (rows).

    The 1e-7 keeps log away from −∞ when y underflows to 0. The course picks the target class by ``argmax`` of a
    one-hot d; summing d·log y gives the same number for one-hot targets and also accepts probability targets.
    """
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return float(-np.sum(d * np.log(y + 1e-7)) / y.shape[0])


def d_softmax_with_loss(d: Array, y: Array) -> Array:
    """dE/du2 for softmax + cross-entropy with the loss averaged over the batch: (y − d) / N."""
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return (y - d) / y.shape[0]


def d_sigmoid_with_loss(d: Array, y: Array) -> Array:
    """The delta the notebook uses: y − d, not divided by the batch size.

    The student asked "なんでsoftmaxじゃない?": y − d is the output delta of sigmoid + binary cross-entropy *and*
    of softmax + cross-entropy — in both, the activation's derivative cancels against the loss's. So the name
    says sigmoid, the value is right for softmax too (per sample; the course's loss is a batch mean, so for N > 1
    this is N times the gradient of that loss).
    """
    return y - d


def binary_cross_entropy_error(d: Array, y: Array) -> float:
    """Binary cross-entropy for sigmoid outputs: −Σ [d·log(y) + (1 − d)·log(1 − y)] (+1e-7 guards), mean over rows."""
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return float(-np.sum(d * np.log(y + 1e-7) + (1.0 - d) * np.log(1.0 - y + 1e-7)) / y.shape[0])


def mean_squared_error(d: Array, y: Array) -> float:
    """The course's mean squared error: mean of (d − y)² over *every* element, halved.

    Note: it averages over the outputs as well as the samples. This app's squared-error loss is
    ``squared_error`` (½·Σ over outputs, mean over samples), whose gradient is the course's
    ``d_mean_squared_error``; the two differ by the factor n_out.
    """
    return float(np.mean(np.square(d - y)) / 2)


def squared_error(d: Array, y: Array) -> float:
    """Squared error ½·Σ(y − d)² summed over outputs, averaged over samples: the loss whose delta is (y − d)/N."""
    d, y = np.atleast_2d(d), np.atleast_2d(y)
    return float(0.5 * np.sum(np.square(y - d)) / y.shape[0])


def d_mean_squared_error(d: Array, y: Array) -> Array:
    """The course's derivative of squared error for identity outputs: (y − d) / N, the gradient of ``squared_error``."""
    if isinstance(d, np.ndarray) and d.ndim == 2:
        return (y - d) / d.shape[0]
    return y - d


# ---------------------------------------------------------------- exact losses, for the gradient check


def _exact_loss(output: str, u2: Array, d: Array) -> float:
    """The loss without the 1e-7 guard, computed stably from the total input u2 (what backprop differentiates)."""
    n = u2.shape[0]
    if output == "softmax":
        shifted = u2 - np.max(u2, axis=-1, keepdims=True)
        log_y = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
        return float(-np.sum(d * log_y) / n)
    if output == "sigmoid":
        # −[d log σ(u) + (1 − d) log(1 − σ(u))] = log(1 + e^u) − d·u
        return float(np.sum(np.logaddexp(0.0, u2) - d * u2) / n)
    return float(0.5 * np.sum(np.square(u2 - d)) / n)


# ---------------------------------------------------------------- registries, chosen by name


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation f and its derivative f′, both taken at the total input u."""

    f: Callable[[Array], Array]
    df: Callable[[Array], Array]


@dataclass(frozen=True)
class OutputLayer:
    """An output activation with the loss it is paired with; its delta dE/du2 per sample is y − d."""

    f: Callable[[Array], Array]
    loss: Callable[[Array, Array], float]
    loss_name: str


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(relu, d_relu),
    "sigmoid": Activation(sigmoid, d_sigmoid),
    "tanh": Activation(tanh, d_tanh),
    "identity": Activation(identity, d_identity),
}

OUTPUT_LAYERS: dict[str, OutputLayer] = {
    "softmax": OutputLayer(softmax, cross_entropy_error, "cross-entropy"),
    "sigmoid": OutputLayer(sigmoid, binary_cross_entropy_error, "binary cross-entropy"),
    "identity": OutputLayer(identity, squared_error, "squared error"),
}

HIDDEN_ACTIVATIONS: tuple[str, ...] = tuple(ACTIVATIONS)
OUTPUTS: tuple[str, ...] = tuple(OUTPUT_LAYERS)
