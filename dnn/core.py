"""Forward pass, loss, backpropagation and one SGD step — laid out like the notebook's ``forward`` and ``backward``.

Shapes: x is (N, inputs), one sample per row; u1, z1 are (N, hidden); u2, y, d are (N, outputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .functions import ACTIVATIONS, OUTPUT_LAYERS
from .network import Network, ValidationError

Reduction = Literal["mean", "sum"]


@dataclass(frozen=True)
class Forward:
    """The forward pass: u1 (総入力1), z1 (中間層出力1), u2 (総入力2), y (出力)."""

    u1: np.ndarray
    z1: np.ndarray
    u2: np.ndarray
    y: np.ndarray


@dataclass(frozen=True)
class Gradients:
    """Backprop's results, each named for what it is the derivative of (偏微分).

    delta2 = dE/du2 (the output layer's delta), dE_dz1 = dE/dz1 = δ2·W2ᵀ, dz1_du1 = f′(u1) (the hidden
    activation's derivative), delta1 = dE/du1 = dE/dz1 ⊙ f′(u1); W1, b1, W2, b2 = dE/dW1, dE/db1, dE/dW2, dE/db2.
    """

    delta2: np.ndarray
    dE_dz1: np.ndarray
    dz1_du1: np.ndarray
    delta1: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def params(self) -> dict[str, np.ndarray]:
        """The parameter gradients by name, in the notebook's order W1, W2, b1, b2."""
        return {"W1": self.W1, "W2": self.W2, "b1": self.b1, "b2": self.b2}


def _as_batch(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return x.reshape(1, -1) if x.ndim == 1 else x


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum"):
        raise ValidationError(
            "reduction",
            f"reduction must be 'mean' or 'sum', not {reduction!r}",
            f"reduction は 'mean'（平均）か 'sum'（合計）です（{reduction!r} は使えません）",
        )


# Values so large that they overflow become inf or nan, which the screens report (``dnn.not_finite_at_start``,
# ``dnn.step_report``): numpy's warnings about them are silenced here, as in ``train``.
QUIET = np.errstate(all="ignore")
NUDGE = 1e-5  # h of the central differences: exact to about h² while E(w ± h) still differ in their digits


@QUIET
def forward(net: Network, x: np.ndarray) -> Forward:
    """順伝播: the notebook's ``forward`` for any hidden activation and output layer."""
    x = _as_batch(x)
    u1 = x @ net.W1 + net.b1  # 総入力1
    z1 = ACTIVATIONS[net.hidden].f(u1)  # 中間層出力1
    u2 = z1 @ net.W2 + net.b2  # 総入力2
    y = OUTPUT_LAYERS[net.output].f(u2)  # 出力1
    return Forward(u1=u1, z1=z1, u2=u2, y=y)


@QUIET
def loss(net: Network, x: np.ndarray, d: np.ndarray) -> float:
    """The loss the app reports (誤差): the output layer's loss summed over outputs, averaged over samples.

    softmax: the course's ``cross_entropy_error`` (with its +1e-7 inside the log); sigmoid: binary cross-entropy;
    identity: ½·Σ(y − d)².
    """
    y = forward(net, x).y
    return OUTPUT_LAYERS[net.output].loss(_as_batch(d), y)


@QUIET
def backward(
    net: Network, x: np.ndarray, d: np.ndarray, reduction: Reduction = "mean", *, fwd: Forward | None = None
) -> Gradients:
    """誤差逆伝播: the notebook's ``backward``, for any hidden activation and output layer.

    The output layer's entry gives the delta of a sample: y − d for every output layer offered here (the
    activation's derivative cancels against the loss's; the 1e-7 guard of the loss is not differentiated). The
    hidden activation's entry gives f′. ``reduction="mean"`` divides the delta by N,
    giving the true gradient of the reported (batch-mean) loss; ``reduction="sum"`` is the notebook's convention
    (``d_sigmoid_with_loss``: no division), N times larger. With one sample they are equal. ``fwd``: this
    network's forward pass on x, when the caller has it already.
    """
    _check_reduction(reduction)
    x, d = _as_batch(x), _as_batch(d)
    f = forward(net, x) if fwd is None else fwd
    n = x.shape[0] if reduction == "mean" else 1
    # Written for one network, where the samples are axis 0, and equally for a stack of networks (``dnn.probes``:
    # arrays with a leading axis of networks): the samples are axis −2 and ``.mT`` transposes the last two axes.
    delta2 = OUTPUT_LAYERS[net.output].delta(d, f.y) / n  # 出力層でのデルタ dE/du2 (y − d)
    grad_b2 = np.sum(delta2, axis=-2)  # the notebook's axis=0, the samples: each sample adds its own contribution
    grad_W2 = f.z1.mT @ delta2  # dE/dW2 = z1ᵀ·δ2
    dE_dz1 = delta2 @ net.W2.mT  # du2/dz1 = W2
    dz1_du1 = ACTIVATIONS[net.hidden].df(f.u1)  # dz1/du1 = f′(u1)
    delta1 = dE_dz1 * dz1_du1  # 中間層でのデルタ dE/du1
    grad_b1 = np.sum(delta1, axis=-2)
    grad_W1 = x.T @ delta1  # dE/dW1 = xᵀ·δ1
    return Gradients(
        delta2=delta2, dE_dz1=dE_dz1, dz1_du1=dz1_du1, delta1=delta1, W1=grad_W1, b1=grad_b1, W2=grad_W2, b2=grad_b2
    )


def sgd_step(net: Network, grads: Gradients, lr: float) -> Network:
    """One step of gradient descent: every parameter moves by −η·(its gradient). Returns a new network.

    Raises ``ValidationError`` when a parameter leaves the finite numbers; ``dnn.step_report`` says which instead.
    """
    return net.replace(**stepped_params(net, grads, lr))


def stepped_params(net: Network, grads: Gradients, lr: float) -> dict[str, np.ndarray]:
    """The parameters after one step W ← W − η·∂E/∂W, as plain arrays (inf or nan where the step overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return {
            "W1": net.W1 - lr * grads.W1,
            "b1": net.b1 - lr * grads.b1,
            "W2": net.W2 - lr * grads.W2,
            "b2": net.b2 - lr * grads.b2,
        }


def exact_loss(net: Network, x: np.ndarray, d: np.ndarray) -> float:
    """The loss without the 1e-7 guard, computed stably from u2: the function ``backward`` differentiates."""
    return OUTPUT_LAYERS[net.output].loss_of_u2(_as_batch(d), forward(net, x).u2)


def differentiated_loss(net: Network, x: np.ndarray, d: np.ndarray, reduction: Reduction = "mean") -> float:
    """The loss ``numerical_gradient`` takes central differences of: E without the 1e-7 guard, or with
    ``reduction="sum"`` the summed loss E_sum = N·E."""
    _check_reduction(reduction)
    x = _as_batch(x)
    with np.errstate(all="ignore"):  # a loss too large for float64 is inf here, not a warning
        e = exact_loss(net, x, d)
        return float(e if reduction == "mean" else e * x.shape[0])


def numerical_gradient(
    net: Network, x: np.ndarray, d: np.ndarray, h: float = NUDGE, reduction: Reduction = "mean"
) -> Gradients:
    """数値微分: central differences (E(w + h) − E(w − h)) / 2h of the loss for every parameter.

    It differentiates ``exact_loss`` (the loss without the 1e-7 guard), the function whose gradient backprop
    computes, so the two agree to about h²; the deltas are taken from ``backward`` for completeness. E is the mean
    over the samples; ``reduction="sum"`` differentiates their sum, N·E, to compare with the notebook's gradients.
    """
    x, d = _as_batch(x), _as_batch(d)
    loss_of_u2 = OUTPUT_LAYERS[net.output].loss_of_u2
    grads = {}
    params = {k: v.copy() for k, v in net.params().items()}
    for name, value in params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + h
            plus = loss_of_u2(d, forward(_unchecked(net, params), x).u2)
            value[idx] = old - h
            minus = loss_of_u2(d, forward(_unchecked(net, params), x).u2)
            value[idx] = old
            g[idx] = (plus - minus) / (2 * h)
        grads[name] = g if reduction == "mean" else g * x.shape[0]  # the summed loss is N times the mean one
    bp = backward(net, x, d, reduction)
    return Gradients(delta2=bp.delta2, dE_dz1=bp.dE_dz1, dz1_du1=bp.dz1_du1, delta1=bp.delta1, **grads)


def _unchecked(net: Network, params: dict[str, np.ndarray]) -> Network:
    """A network with the given arrays, skipping validation (the arrays come from a valid network)."""
    out = object.__new__(Network)
    for k, v in params.items():
        object.__setattr__(out, k, v)
    object.__setattr__(out, "hidden", net.hidden)
    object.__setattr__(out, "output", net.output)
    return out
