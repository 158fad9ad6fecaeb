"""Many SGD steps: ``train`` (one run, every step kept for the screens) and ``sweep`` (many runs at once).

The network is tiny, so the cost of a step is the number of numpy calls, not arithmetic. Both loops therefore keep
all parameters in one flat buffer (W1, b1, W2, b2 are views into it), write every intermediate into preallocated
arrays, and update all parameters with one ``θ -= η·g``. ``sweep`` puts the runs on the last, contiguous axis, so
one call serves hundreds of runs. The formulas are those of ``dnn.core.backward``, line for line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .core import Gradients, Reduction, backward
from .functions import ACTIVATIONS, OUTPUT_LAYERS
from .network import LIMITS, Network, ValidationError, _check_lr, _check_steps

# At most this many parameter snapshots are stored per run; any other step is recomputed from the nearest earlier
# snapshot (fewer than ``snapshot_every`` steps of replay). 2,001 × 280 floats (the largest network) ≈ 4.5 MB.
MAX_SNAPSHOTS = 2001


def _layout(net: Network) -> list[tuple[str, tuple[int, ...]]]:
    return [(k, v.shape) for k, v in (("W1", net.W1), ("b1", net.b1), ("W2", net.W2), ("b2", net.b2))]


def _views(flat: np.ndarray, layout: list[tuple[str, tuple[int, ...]]], runs: tuple[int, ...] = ()) -> dict:
    """Named views W1, b1, W2, b2 into one flat buffer (trailing ``runs`` axis for sweeps)."""
    out, start = {}, 0
    for name, shape in layout:
        size = math.prod(shape)
        out[name] = flat[start : start + size].reshape(shape + runs)
        start += size
    return out


def _flatten(net: Network) -> np.ndarray:
    return np.concatenate([net.W1.ravel(), net.b1, net.W2.ravel(), net.b2])


def _network(flat: np.ndarray, like: Network) -> Network:
    v = _views(flat.copy(), _layout(like))
    return like.replace(**v)


@dataclass
class _Loop:
    """The single-run SGD loop on 2-D arrays, with every buffer allocated once."""

    net: Network
    x: np.ndarray
    d: np.ndarray
    lr: float
    reduction: Reduction
    theta: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.layout = _layout(self.net)
        self.theta = _flatten(self.net)
        self.grad = np.empty_like(self.theta)
        self.p = _views(self.theta, self.layout)
        self.g = _views(self.grad, self.layout)
        self.act = ACTIVATIONS[self.net.hidden]
        self.out = OUTPUT_LAYERS[self.net.output]

    def loss_and_step(self, x: np.ndarray, d: np.ndarray, update: bool = True) -> float:
        """The loss at the current parameters on (x, d); then, if ``update``, one SGD step θ ← θ − η·g."""
        p, g = self.p, self.g
        u1 = x @ p["W1"]
        u1 += p["b1"]
        z1 = self.act.f(u1)
        u2 = z1 @ p["W2"]
        u2 += p["b2"]
        y = self.out.f(u2)
        loss = self.out.loss(d, y)
        if update:
            n = x.shape[0] if self.reduction == "mean" else 1
            delta2 = (y - d) / n
            np.matmul(z1.T, delta2, out=g["W2"])
            np.sum(delta2, axis=0, out=g["b2"])
            delta1 = (delta2 @ p["W2"].T) * self.act.df(u1)
            np.matmul(x.T, delta1, out=g["W1"])
            np.sum(delta1, axis=0, out=g["b1"])
            self.theta -= self.lr * self.grad
        return loss

    def run(self, steps: int, indices: np.ndarray | None, snapshots: np.ndarray | None, every: int) -> tuple:
        """Train for ``steps`` steps; returns (losses, sample losses, first non-finite step or None)."""
        losses = np.empty(steps + 1)
        sample_losses = np.empty(steps) if indices is not None else None
        x, d = self.x, self.d
        for k in range(steps + 1):
            # A step counts only while its parameters and its loss are finite.
            if not math.isfinite(float(np.add.reduce(self.theta))):
                return losses[:k], (sample_losses[:k] if sample_losses is not None else None), k
            if snapshots is not None and k % every == 0:
                snapshots[k // every] = self.theta
            last = k == steps
            if indices is None:
                loss = self.loss_and_step(x, d, update=not last)
            else:
                loss = self.loss_and_step(x, d, update=False)
                if not last:
                    i = indices[k]
                    sample_losses[k] = self.loss_and_step(x[i : i + 1], d[i : i + 1])
            if not math.isfinite(loss):
                return losses[:k], (sample_losses[:k] if sample_losses is not None else None), k
            losses[k] = loss
        return losses, sample_losses, None


@dataclass(frozen=True)
class History:
    """The record of a training run.

    loss[k] is the loss after k SGD steps (loss[0] is the scenario's own loss); when the run diverged it holds the
    steps before ``diverged_at`` only. ``network`` is the final network (the last finite one after a divergence).
    ``sample_loss[k]`` (stochastic runs) is the loss on the sample drawn at step k, before that step's update.
    Any step's parameters and gradients are available through ``network_at(k)`` and ``gradients_at(k)``.
    """

    loss: np.ndarray
    network: Network
    diverged_at: int | None
    steps: int
    lr: float
    reduction: Reduction
    x: np.ndarray
    d: np.ndarray
    sample_indices: np.ndarray | None
    sample_loss: np.ndarray | None
    snapshot_every: int
    snapshots: np.ndarray
    start: Network

    @property
    def last_step(self) -> int:
        """The last step whose parameters and loss are finite."""
        return len(self.loss) - 1

    def network_at(self, k: int) -> Network:
        """The parameters after k steps (0 ≤ k ≤ last_step), replayed from the nearest stored snapshot."""
        if not 0 <= k <= self.last_step:
            raise ValidationError(
                "step", f"step {k} is outside 0..{self.last_step}", f"ステップ {k} は 0〜{self.last_step} の範囲外です"
            )
        s = k // self.snapshot_every
        loop = _Loop(_network(self.snapshots[s], self.start), self.x, self.d, self.lr, self.reduction)
        x, d = self.x, self.d
        with np.errstate(all="ignore"):
            for j in range(s * self.snapshot_every, k):
                if self.sample_indices is None:
                    loop.loss_and_step(x, d)
                else:
                    i = self.sample_indices[j]
                    loop.loss_and_step(x[i : i + 1], d[i : i + 1])
        return _network(loop.theta, self.start)

    def gradients_at(self, k: int) -> Gradients:
        """Backprop's gradients of the full-data loss at the parameters after k steps."""
        return backward(self.network_at(k), self.x, self.d, self.reduction)


def train(
    net: Network,
    x: np.ndarray,
    d: np.ndarray,
    lr: float = 0.01,
    steps: int = 1000,
    reduction: Reduction = "mean",
    stochastic: bool = False,
    seed: int = 0,
) -> History:
    """Train with SGD for ``steps`` steps and record the loss after every step (``steps + 1`` values).

    Full batch by default; with ``stochastic=True`` each step uses one sample drawn at random (reproducible from
    ``seed``), as in the course's SGD notebook, and ``loss`` still reports the loss on all samples. A run whose loss
    or parameters stop being finite stops there (``diverged_at``); numpy's overflow warnings are silenced.
    """
    from .network import Scenario  # validates x, d against the network

    sc = Scenario(net, x, d, lr=lr, steps=steps)
    if reduction not in ("mean", "sum"):
        raise ValidationError("reduction", f"reduction must be 'mean' or 'sum', not {reduction!r}")
    every = max(1, math.ceil((sc.steps + 1) / MAX_SNAPSHOTS))
    snapshots = np.empty((sc.steps // every + 1, _flatten(net).size))
    indices = None
    if stochastic:
        indices = np.random.default_rng(seed).integers(0, sc.x.shape[0], size=sc.steps)
    loop = _Loop(net, sc.x, sc.d, sc.lr, reduction)
    with np.errstate(all="ignore"):
        losses, sample_losses, diverged = loop.run(sc.steps, indices, snapshots, every)
    hist = History(
        loss=losses,
        network=net,
        diverged_at=diverged,
        steps=sc.steps,
        lr=sc.lr,
        reduction=reduction,
        x=sc.x,
        d=sc.d,
        sample_indices=indices,
        sample_loss=sample_losses,
        snapshot_every=every,
        snapshots=snapshots,
        start=net,
    )
    if diverged is None:
        final = _network(loop.theta, net)
    elif diverged == 0:
        final = net
    else:
        final = hist.network_at(diverged - 1)
    object.__setattr__(hist, "network", final)
    return hist


def sweep(
    net: Network | list[Network],
    x: np.ndarray,
    d: np.ndarray,
    lrs: np.ndarray | list[float],
    steps: int = 1000,
    reduction: Reduction = "mean",
) -> np.ndarray:
    """Train many runs at once, one per learning rate (and per starting network when a list is given).

    Returns losses of shape (runs, steps + 1), row r equal to ``train(nets[r], x, d, lrs[r], steps).loss``; after a
    run diverges its row is NaN from its ``diverged_at`` on (see ``diverged_at``). The runs lie on the last axis of
    every array, so each numpy call advances all of them by one step.
    """
    from .network import Scenario

    nets = [net] if isinstance(net, Network) else list(net)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=np.float64))
    if not nets or lrs.size == 0:
        raise ValidationError("lrs", "a sweep needs at least one network and one learning rate")
    if len(nets) != 1 and lrs.size != 1 and len(nets) != lrs.size:
        raise ValidationError("lrs", f"{lrs.size} learning rates do not pair with {len(nets)} networks")
    for lr in lrs:
        _check_lr(lr)
    steps = _check_steps(steps)
    first = nets[0]
    for other in nets:
        if _layout(other) != _layout(first) or (other.hidden, other.output) != (first.hidden, first.output):
            raise ValidationError("network", "all networks of a sweep must have the same sizes and activations")
    sc = Scenario(first, x, d, lr=float(lrs[0]), steps=steps)
    runs = max(len(nets), lrs.size)
    if runs > LIMITS["max_sweep_runs"]:
        raise ValidationError("lrs", f"a sweep takes at most {LIMITS['max_sweep_runs']} runs, not {runs}")
    x, d = sc.x, sc.d
    n_samples = x.shape[0]
    layout = _layout(first)
    starts = np.stack([_flatten(n) for n in nets], axis=-1)  # (P, 1 or R)
    theta = np.broadcast_to(starts, (starts.shape[0], runs)).copy()  # C order, writable
    grad = np.empty_like(theta)
    p, g = _views(theta, layout, (runs,)), _views(grad, layout, (runs,))
    lr = np.broadcast_to(lrs, (runs,)).copy()
    act = ACTIVATIONS[first.hidden]
    n_in, n_h = first.W1.shape
    inv_n = 1.0 / n_samples if reduction == "mean" else 1.0
    d3 = d[:, :, None]
    losses = np.empty((runs, steps + 1))
    alive = np.ones(runs, dtype=bool)
    with np.errstate(all="ignore"):
        for k in range(steps + 1):
            u1 = (x @ p["W1"].reshape(n_in, n_h * runs)).reshape(n_samples, n_h, runs)
            u1 += p["b1"]
            z1 = act.f(u1)
            u2 = np.einsum("nhr,hor->nor", z1, p["W2"])
            u2 += p["b2"]
            y = _output_runs(first.output, u2)
            loss = _loss_runs(first.output, d3, y) / n_samples
            # Stop a run when its loss or any of its parameters stops being finite.
            finite = np.isfinite(loss + theta.sum(axis=0))
            if not finite.all():
                newly = alive & ~finite
                alive &= finite
                losses[newly, k:] = np.nan
                lr[newly] = 0.0
                theta[:, newly] = 0.0
            losses[alive, k] = loss[alive]
            if k == steps:
                break
            delta2 = (y - d3) * inv_n
            np.einsum("nhr,nor->hor", z1, delta2, out=g["W2"])
            np.sum(delta2, axis=0, out=g["b2"])
            delta1 = np.einsum("nor,hor->nhr", delta2, p["W2"])
            delta1 *= act.df(u1)
            np.matmul(x.T, delta1.reshape(n_samples, n_h * runs), out=g["W1"].reshape(n_in, n_h * runs))
            np.sum(delta1, axis=0, out=g["b1"])
            grad *= lr
            theta -= grad
    return losses


def _output_runs(output: str, u2: np.ndarray) -> np.ndarray:
    """The output activation on (samples, outputs, runs): softmax runs over axis 1, the outputs."""
    if output == "softmax":
        e = np.exp(u2 - u2.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return OUTPUT_LAYERS[output].f(u2)


def _loss_runs(output: str, d3: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each run's loss summed over samples and outputs (the caller divides by N), same formulas as ``loss``."""
    if output == "softmax":
        return -np.einsum("no,nor->r", d3[:, :, 0], np.log(y + 1e-7))
    if output == "sigmoid":
        return -(d3 * np.log(y + 1e-7) + (1.0 - d3) * np.log(1.0 - y + 1e-7)).sum(axis=(0, 1))
    return 0.5 * np.square(y - d3).sum(axis=(0, 1))


def diverged_at(losses: np.ndarray) -> int | None:
    """The first step whose loss is not finite in a loss curve (a row of ``sweep``), or None if all are finite."""
    bad = np.flatnonzero(~np.isfinite(np.asarray(losses)))
    return int(bad[0]) if bad.size else None
