"""The course's helper functions (``common/functions.py``), under the course's names and argument order ``(d, y)``.

Each activation sits next to its derivative and each loss next to its output delta, so a learner can match them
with the notebook line by line. ``ACTIVATIONS`` and ``OUTPUT_LAYERS`` pick them by name for the network: a new
activation is a function and its derivative, registered in ``ACTIVATIONS``.

Where the course is inconsistent, the docstring says so: its losses are averaged over the batch, but its
``d_sigmoid_with_loss`` (the delta the notebook uses) is not divided by the batch size. ``dnn.backward`` offers both
conventions (``reduction="mean"`` / ``"sum"``); with one sample they agree.
"""

from __future__ import annotations

from collections.abc import Callable, KeysView
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import kernels

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
# The guarded losses again, without the 1e-7 and computed stably from the total input u2: the functions whose exact
# derivative backprop's delta y − d is, which ``dnn.numerical_gradient`` differentiates.


def cross_entropy_of_u2(d: Array, u2: Array) -> float:
    """Cross-entropy of y = softmax(u2), −Σ d·log y averaged over samples, with log y = u2 − log Σ exp u2."""
    d, u2 = np.atleast_2d(d), np.atleast_2d(u2)
    shifted = u2 - np.max(u2, axis=-1, keepdims=True)
    log_y = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return float(-np.sum(d * log_y) / u2.shape[0])


def binary_cross_entropy_of_u2(d: Array, u2: Array) -> float:
    """Binary cross-entropy of y = σ(u2) averaged over samples, as Σ log(1 + e^u2) − d·u2 (the same function)."""
    d, u2 = np.atleast_2d(d), np.atleast_2d(u2)
    return float(np.sum(np.logaddexp(0.0, u2) - d * u2) / u2.shape[0])


# ---------------------------------------------------------------- registries, chosen by name


@dataclass(frozen=True)
class Activation:
    """A hidden-layer activation: f and its derivative f′, elementwise functions of the total input u.

    That is all an entry needs: validation, ``forward``, ``backward``, ``train``, ``sweep``,
    ``numerical_gradient``, the printout and the dashboard's menus all read ``ACTIVATIONS``. Optional, for speed in
    ``train`` and ``sweep`` (see ``dnn/kernels.py``): ``f_into(u, out)`` writes f(u) into ``out``, and
    ``df_into(u, z, out)`` writes f′(u), given z = f(u) too; without them the loops call f and f′. ``df_is_one``
    says f′ ≡ 1 (the identity), so that the loops skip the product δ1 = dE/dz1 ⊙ f′(u1).

    Optional, for the words on the Forward and Backprop screens: ``tex``, the formula z1 = f(u1) in TeX (a plain
    string, e.g. ``r"z_1 = \tanh(u_1)"``); without it the screens write f by the entry's name.
    """

    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    f_into: Callable[[Array, Array], object] | None = None
    df_into: Callable[[Array, Array, Array], object] | None = None
    df_is_one: bool = False
    tex: str | None = None


@dataclass(frozen=True)
class OutputLayer:
    """An output activation y = f(u2) (over the output units, the last axis) with the loss it is paired with.

    ``loss(d, y)`` is the loss the app reports, averaged over samples; ``loss_name`` names it. ``delta(d, y)`` is
    dE/du2 of one sample's loss, y − d for every layer offered here (the activation's derivative cancels against
    the loss's). ``exact_loss(d, u2)`` is the loss as backprop differentiates it, for the gradient check (without
    it, ``loss(d, f(u2))``). The targets d the layer can produce: each in ``target_range`` (None: any number),
    each row summing to 1 if ``targets_sum_to_one``; ``min_outputs`` output units at least. Optional, for speed in
    ``train`` and ``sweep``: ``batch_kernel`` and ``sweep_kernel`` (see ``dnn/kernels.py``); without them the loops
    call f, delta and loss. Optional, for the words on the Forward and Backprop screens: ``tex``, the formula
    y = f(u2) in TeX, and ``loss_tex``, the loss E over the N samples in TeX (plain strings); without them the
    screens write f and the loss by the entry's name and ``loss_name``.
    """

    f: Callable[[Array], Array]
    loss: Callable[[Array, Array], float]
    loss_name: str
    delta: Callable[[Array, Array], Array] = d_sigmoid_with_loss
    exact_loss: Callable[[Array, Array], float] | None = None
    target_range: tuple[float, float] | None = None
    targets_sum_to_one: bool = False
    min_outputs: int = 1
    batch_kernel: Callable[[Any], Callable[[], float]] | None = None
    sweep_kernel: Callable[[Array, Array, Array], Callable[[Array], Array]] | None = None
    tex: str | None = None
    loss_tex: str | None = None

    def loss_of_u2(self, d: Array, u2: Array) -> float:
        """The loss backprop differentiates, as a function of the total input u2 (``exact_loss`` if given)."""
        if self.exact_loss is not None:
            return self.exact_loss(d, u2)
        return self.loss(d, self.f(u2))


# The registries. Add an entry here (or at run time, as tests/test_dnn_registry.py does) and every part of the app
# accepts the new name; mutate these dicts rather than replacing them, as other modules hold them.
ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(
        relu, d_relu, kernels.relu_into, kernels.d_relu_into, tex=r"z_1 = \mathrm{ReLU}(u_1) = \max(0,\, u_1)"
    ),
    "sigmoid": Activation(
        sigmoid,
        d_sigmoid,
        kernels.sigmoid_into,
        kernels.d_sigmoid_into,
        tex=r"z_1 = \sigma(u_1) = \frac{1}{1 + e^{-u_1}}",
    ),
    "tanh": Activation(tanh, d_tanh, kernels.tanh_into, kernels.d_tanh_into, tex=r"z_1 = \tanh(u_1)"),
    "identity": Activation(identity, d_identity, kernels.identity_into, df_is_one=True, tex=r"z_1 = u_1"),
}

OUTPUT_LAYERS: dict[str, OutputLayer] = {
    "softmax": OutputLayer(
        softmax,
        cross_entropy_error,
        "cross-entropy",
        exact_loss=cross_entropy_of_u2,
        target_range=(0.0, 1.0),
        targets_sum_to_one=True,
        min_outputs=2,
        batch_kernel=kernels.softmax_cross_entropy_batch,
        sweep_kernel=kernels.softmax_cross_entropy_sweep,
        tex=r"y_k = \mathrm{softmax}(u_2)_k = \frac{e^{u_{2,k}}}{\sum_j e^{u_{2,j}}}",
        loss_tex=r"E = -\frac{1}{N}\sum_{n}\sum_{k} d_{nk}\,\log\left(y_{nk} + 10^{-7}\right)",
    ),
    "sigmoid": OutputLayer(
        sigmoid,
        binary_cross_entropy_error,
        "binary cross-entropy",
        exact_loss=binary_cross_entropy_of_u2,
        target_range=(0.0, 1.0),
        batch_kernel=kernels.sigmoid_binary_cross_entropy_batch,
        sweep_kernel=kernels.sigmoid_binary_cross_entropy_sweep,
        tex=r"y = \sigma(u_2) = \frac{1}{1 + e^{-u_2}}",
        loss_tex=r"E = -\frac{1}{N}\sum_{n}\sum_{k}\left[d_{nk}\log\left(y_{nk} + 10^{-7}\right) + (1 - d_{nk})"
        r"\log\left(1 - y_{nk} + 10^{-7}\right)\right]",
    ),
    "identity": OutputLayer(
        identity,
        squared_error,
        "squared error",  # unguarded already: it is its own exact loss
        batch_kernel=kernels.identity_squared_error_batch,
        sweep_kernel=kernels.identity_squared_error_sweep,
        tex=r"y = u_2",
        loss_tex=r"E = \frac{1}{N}\sum_{n}\frac{1}{2}\sum_{k}\left(y_{nk} - d_{nk}\right)^2",
    ),
}

# The names, in the registries' order: live views, so they follow an entry added or removed at run time.
HIDDEN_ACTIVATIONS: KeysView[str] = ACTIVATIONS.keys()
OUTPUTS: KeysView[str] = OUTPUT_LAYERS.keys()
