"""Many SGD steps: ``train`` (one run, every step kept for the screens) and ``sweep`` (many runs at once).

The network is tiny (2-3-2 in the notebook, 8-16-8 at most), so a step costs numpy calls, not arithmetic: a
notebook-style step makes about 40 calls and allocates every intermediate. Here a step of ``train`` makes about 13
calls into arrays allocated once, and a step of ``sweep`` about 25 calls that advance all of its runs together.
Three choices of layout make that possible (``benchmarks/`` measures the result):

- All parameters live in one flat buffer θ = [W1, b1, W2, b2]; the named arrays are views into it. The update is
  one ``θ −= η·g``; ``train`` also keeps each step's g in a row of a block, whose lengths it measures together.
- In that order, [W1; b1] is one (inputs + 1) × hidden matrix A1 and [W2; b2] one (hidden + 1) × outputs matrix A2.
  With a column of ones appended to x (and to z1), a layer is one matrix product, x·W1 + b1 = [x, 1]·A1, and so is
  its gradient: [x, 1]ᵀ·δ1 stacks dE/dW1 = xᵀ·δ1 on dE/db1 = Σ_n δ1. (The bias is a weight on a constant input 1;
  that is also why its gradient sums over the batch axis.)
- ``sweep`` puts the runs on the last, contiguous axis of every array, so one call serves all runs.

The formulas are those of ``dnn.core.backward``; the tests hold ``train`` to repeated ``sgd_step`` (1e-12) and every
row of ``sweep`` to ``train`` (1e-10). The activation and the output layer are the registries' entries: their in-place
kernels (``dnn/kernels.py``) where they have them, else their plain f, f′, delta and loss. No name of an activation
appears here, so an entry added to ``ACTIVATIONS`` or ``OUTPUT_LAYERS`` trains like the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import budget
from .core import Gradients, Reduction, _check_reduction, backward
from .functions import ACTIVATIONS, OUTPUT_LAYERS
from .kernels import one_hot_targets
from .network import LIMITS, Network, ValidationError, _check_lr, _check_steps
from .optimizers import OPTIMIZERS, OptimizerState, check_optimizer

# At most this many parameter snapshots are stored per run; any other step is recomputed from the nearest earlier
# snapshot (fewer than ``snapshot_every`` steps of replay). 2,001 × 280 floats (the largest network) ≈ 4.5 MB.
# An optimizer with state (Momentum's v, AdaGrad's and RMSProp's h, Adam's m and v) stores that state with θ, so it
# keeps MAX_SNAPSHOTS / (1 + slots) snapshots (a third for Adam): the same memory, up to three times the replay.
MAX_SNAPSHOTS = 2001

# A progress report: ``progress(done, total)`` with the steps done so far and the steps of the whole request.
Progress = Callable[[int, int], None]

# ``train`` keeps the gradients of this many consecutive steps to measure their lengths together (at most 280
# floats each: 0.6 MB).
GRADIENT_BLOCK = 256


def _flatten(net: Network) -> np.ndarray:
    return np.concatenate([net.W1.ravel(), net.b1, net.W2.ravel(), net.b2])


def _augmented(flat: np.ndarray, net: Network) -> tuple[np.ndarray, np.ndarray]:
    """A1 = [W1; b1] and A2 = [W2; b2] as views into a flat buffer (with a trailing runs axis for sweeps)."""
    n_in, n_h, n_out = net.n_in, net.n_hidden, net.n_out
    runs = flat.shape[1:]
    k = (n_in + 1) * n_h
    return flat[:k].reshape((n_in + 1, n_h, *runs)), flat[k:].reshape((n_h + 1, n_out, *runs))


def _network(flat: np.ndarray, like: Network) -> Network:
    A1, A2 = _augmented(flat.copy(), like)
    return like.replace(W1=A1[:-1], b1=A1[-1], W2=A2[:-1], b2=A2[-1])


# ---------------------------------------------------------------- the registry's entries, in place
# The loops call each entry's in-place kernels (dnn/kernels.py); an entry without them is served by its plain f, f′,
# delta and loss, through the adapters below. Either way the loops hold no name of an activation or output layer.


def _hidden_kernels(net: Network) -> tuple[Callable, Callable | None]:
    """The hidden activation as (f_into(u, out), df_into(u, z, out) or None where f′ ≡ 1)."""
    act = ACTIVATIONS[net.hidden]
    f_into, df_into = act.f_into, act.df_into
    if f_into is None:
        f = act.f

        def f_into(u: np.ndarray, out: np.ndarray) -> None:
            np.copyto(out, f(u))

    if act.df_is_one:
        return f_into, None
    if df_into is None:
        df = act.df

        def df_into(u: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
            np.copyto(out, df(u))

    return f_into, df_into


def _batch_output(net: Network, batch: _Batch) -> Callable[[], float]:
    """The output layer's step for one run's batch: writes δ2 per sample, returns the mean loss (see kernels.py)."""
    layer = OUTPUT_LAYERS[net.output]
    if layer.batch_kernel is not None:
        return layer.batch_kernel(batch)
    u2, y, d, delta2 = batch.u2, batch.y, batch.d, batch.delta2
    f, delta, loss = layer.f, layer.delta, layer.loss

    def output() -> float:
        np.copyto(y, f(u2))
        np.copyto(delta2, delta(d, y))
        return loss(d, y)

    return output


def _sweep_output(net: Network, u2: np.ndarray, y: np.ndarray, d: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """The output layer's step for a sweep: each run's mean loss into ``out``, returns δ2 (see kernels.py)."""
    layer = OUTPUT_LAYERS[net.output]
    if layer.sweep_kernel is not None:
        return layer.sweep_kernel(u2, y, d)
    f, delta, loss = layer.f, layer.delta, layer.loss
    # (runs, N, outputs) views: f acts on the last axis, the output units, and each run is one (N, outputs) batch
    u2_runs, y_runs = u2.transpose(2, 0, 1), y.transpose(2, 0, 1)

    def loss_into(out: np.ndarray) -> np.ndarray:
        np.copyto(y_runs, f(u2_runs))
        for r, y_run in enumerate(y_runs):
            out[r] = loss(d, y_run)
        np.copyto(y_runs, delta(d, y_runs))
        return y

    return loss_into


# ---------------------------------------------------------------- one run


class _Batch:
    """The loss on one batch (x, d) at the parameters θ, and its gradient written into ``grad``.

    Every intermediate lives in an array allocated here once; ``loss_and_grad`` then only calls numpy into them.
    The arrays are the notebook's u1, z1, u2, y, δ2, δ1, with x and z1 widened by a column of ones for the biases
    (see the module docstring). The output layer's have one row per sample, as in the notebook; the hidden layer's
    are kept transposed, one row per hidden unit (u1ᵀ, z1ᵀ, δ1ᵀ), so that z1ᵀ is a contiguous block of [z1, 1]ᵀ:
    z1 as columns of [z1, 1] would be strided, and numpy's elementwise calls (f, f′) are several times slower on a
    strided batch.
    """

    def __init__(
        self, net: Network, theta: np.ndarray, grad: np.ndarray, x: np.ndarray, d: np.ndarray, reduction: Reduction
    ) -> None:
        n, n_in = x.shape
        n_h, n_out = net.n_hidden, net.n_out
        self.A1, self.A2 = _augmented(theta, net)
        self.gA1, self.gA2 = _augmented(grad, net)
        self.A1T, self.W2 = self.A1.T, self.A2[:n_h]  # views: they follow θ as θ is updated
        self.xa = np.ones((n, n_in + 1))  # [x, 1]
        self.xa[:, :n_in] = x
        self.d = np.array(d, dtype=np.float64)
        self.zaT = np.ones((n_h + 1, n))  # [z1, 1]ᵀ
        self.z1T = self.zaT[:n_h]
        self.xaT, self.za = self.xa.T, self.zaT.T
        self.u1T, self.f_primeT, self.delta1T = (np.empty((n_h, n)) for _ in range(3))
        self.u2, self.y, self.delta2 = (np.empty((n, n_out)) for _ in range(3))
        self.n = n
        # reduction "mean": δ2 = (y − d) / N, the gradient of the batch-mean loss; "sum": the notebook's y − d.
        self.divisor = np.array(float(n)) if reduction == "mean" and n > 1 else None
        self.f, self.df = _hidden_kernels(net)
        targets = one_hot_targets(self.d)
        self.target = int(targets[0]) if targets is not None and n == 1 else None  # read by the output's kernel
        self.output = _batch_output(net, self)
        self.loss_and_grad = self._loss_and_grad()

    def load(self, x_row: np.ndarray, d_row: np.ndarray, target: int | None) -> None:
        """Make this one-sample batch the sample (x_row, d_row); ``target`` is its class if d_row is one-hot."""
        self.xa[0, :-1] = x_row
        self.d[0] = d_row
        self.target = target

    def _loss_and_grad(self) -> Callable[..., float]:
        """``loss_and_grad()``, 順伝播 then 誤差逆伝播: returns the loss and writes dE/dθ into ``grad``.

        ``loss_and_grad(gA1, gA2)`` writes the gradient into other (inputs + 1, hidden) and (hidden + 1, outputs)
        arrays instead, such as views into a row of ``_Run.run``'s block of gradients.

        Built once as a closure over this batch's arrays. A step is a dozen numpy calls on a few numbers each, so
        Python's own work counts: the closure reads its arrays from local cells instead of looking up some twenty
        attributes per step, and the choices (divisor, activation) are made here once. Products are written
        ``a.dot(b, out=c)``: the method skips the ``__array_function__`` dispatch that ``np.dot`` does first, about
        0.2 µs a call.
        """
        xaT, A1T, u1T, z1T = self.xaT, self.A1T, self.u1T, self.z1T
        za, zaT, A2, W2, u2 = self.za, self.zaT, self.A2, self.W2, self.u2
        delta1T, delta2, f_primeT = self.delta1T, self.delta2, self.f_primeT
        delta1, delta2T = delta1T.T, delta2.T  # views made once (``.T`` makes a new view object at every call)
        f, df, output, divisor = self.f, self.df, self.output, self.divisor
        divide, multiply = np.divide, np.multiply

        def loss_and_grad(gA1: np.ndarray = self.gA1, gA2: np.ndarray = self.gA2) -> float:
            A1T.dot(xaT, out=u1T)  # u1 = x·W1 + b1, transposed: u1ᵀ = [W1; b1]ᵀ·[x, 1]ᵀ
            f(u1T, z1T)  # z1 = f(u1)
            za.dot(A2, out=u2)  # u2 = z1·W2 + b2
            loss = output()  # y, the loss (mean over samples) and δ2 = dE/du2 per sample (y − d)
            if divisor is not None:
                divide(delta2, divisor, out=delta2)
            zaT.dot(delta2, out=gA2)  # [dE/dW2; dE/db2] = [z1, 1]ᵀ·δ2
            W2.dot(delta2T, out=delta1T)  # dE/dz1 = δ2·W2ᵀ, transposed
            if df is not None:
                df(u1T, z1T, f_primeT)
                multiply(delta1T, f_primeT, out=delta1T)  # δ1 = dE/dz1 ⊙ f′(u1)
            xaT.dot(delta1, out=gA1)  # [dE/dW1; dE/db1] = [x, 1]ᵀ·δ1
            return loss

        return loss_and_grad


class _Run:
    """One run: θ and its gradient in flat buffers, the batch (all samples) and, for stochastic runs, the
    one-sample batch whose gradient makes the step. The update rule's state (its slots stacked, zero at the start
    unless ``state`` is given) is the flat buffer ``state``, shape (slots, parameters)."""

    def __init__(
        self,
        net: Network,
        x: np.ndarray,
        d: np.ndarray,
        lr: float,
        reduction: Reduction,
        stochastic: bool = False,
        optimizer: str = "sgd",
        settings: dict[str, float] | None = None,
        state: np.ndarray | None = None,
    ) -> None:
        self.theta = _flatten(net)
        self.grad = np.empty_like(self.theta)
        self.lr = np.array(lr)
        self.optimizer, self.settings = optimizer, settings or {}
        self.state = np.zeros((len(OPTIMIZERS[optimizer].slots), self.theta.size))
        if state is not None:
            self.state[...] = state
        # None for SGD: the loop keeps its own two calls θ −= η·g (no function call per step)
        self.update = (
            None if optimizer == "sgd" else OPTIMIZERS[optimizer].make_update(self.theta, self.settings, self.state)
        )
        self.net, self.x, self.d, self.reduction = net, x, d, reduction
        self.full = _Batch(net, self.theta, self.grad, x, d, reduction)
        self.sample: _Batch | None = None
        if stochastic:
            self.sample_grad = np.empty_like(self.theta)
            self.sample = _Batch(net, self.theta, self.sample_grad, x[:1], d[:1], reduction)
            targets = one_hot_targets(d)
            self.targets = [None] * len(x) if targets is None else [int(t) for t in targets]

    def sample_step(self, i: int, t: int) -> float:
        """Step t (1, 2, ...) on sample i alone; returns that sample's loss before the step."""
        assert self.sample is not None
        self.sample.load(self.x[i], self.d[i], self.targets[i])
        loss = self.sample.loss_and_grad()
        if self.update is None:
            np.multiply(self.sample_grad, self.lr, out=self.sample_grad)
            self.theta -= self.sample_grad
        else:
            self.update(self.sample_grad, self.lr, t)
        return loss

    def replay(self, steps: int, indices: np.ndarray | None, start: int) -> None:
        """Take the steps start, start + 1, ..., start + steps − 1 (no record)."""
        for k in range(start, start + steps):
            if indices is None:
                self.full.loss_and_grad()
                if self.update is None:
                    np.multiply(self.grad, self.lr, out=self.grad)
                    self.theta -= self.grad
                else:
                    self.update(self.grad, self.lr, k + 1)
            else:
                self.sample_step(int(indices[k]), k + 1)

    def run(
        self,
        steps: int,
        indices: np.ndarray | None,
        snapshots: np.ndarray,
        every: int,
        progress: Progress | None = None,
        report_every: int = 1,
        state_snapshots: np.ndarray | None = None,
    ) -> tuple:
        """Train for ``steps`` steps, keeping θ every ``every`` steps in ``snapshots`` (and the update rule's state
        in ``state_snapshots``, for a rule that has one); ``progress(k, steps)`` is called before step k for
        k = ``report_every``, 2·``report_every``, ... (and may raise to stop the run).

        Returns (losses, squared gradient norms, sample losses, the first step that is not finite or None). Step k
        records the loss and gradient at the parameters after k steps, on all samples. A step counts only while
        its loss and its parameters are finite.
        """
        # Everything the loop uses is a local name: with a step of a few microseconds, attribute and global
        # look-ups would cost a few percent of it.
        theta, lr, eta_grad = self.theta, self.lr, self.grad  # eta_grad: η·∂E/∂θ
        update, state = self.update, self.state
        loss_and_grad, sample_step = self.full.loss_and_grad, self.sample_step
        multiply, isfinite = np.multiply, math.isfinite
        losses, sq_norms = np.empty(steps + 1), np.empty(steps + 1)
        sample_losses = np.empty(steps) if indices is not None else None
        draws = indices.tolist() if indices is not None else None  # Python ints: no numpy scalar per step
        # Each step's gradient is written into the next row of ``block``, and the squared lengths of a full block
        # are computed in one call: cheaper than a dot product per step. ``rows`` holds each row's A1- and
        # A2-shaped views, made once.
        block = np.empty((min(GRADIENT_BLOCK, steps + 1), theta.size))
        rows = [(*_augmented(row, self.net), row) for row in block]
        block_rows = len(rows)
        done = 0  # steps whose gradient lengths are in sq_norms
        j = 0  # the row of ``block`` for step k
        stop = None
        next_snapshot = 0  # the next step whose θ is kept: counting is cheaper than k % every at every step
        next_report = report_every if progress is not None else -1  # -1: never
        for k in range(steps + 1):
            if k == next_snapshot:
                snapshots[k // every] = theta
                if state_snapshots is not None:
                    state_snapshots[k // every] = state
                next_snapshot += every
            if k == next_report:
                progress(k, steps)
                next_report += report_every
            gA1, gA2, grad = rows[j]
            loss = loss_and_grad(gA1, gA2)
            if not isfinite(loss):
                stop = k
                break
            losses[k] = loss
            j += 1
            if j == block_rows:
                np.einsum("ij,ij->i", block, block, out=sq_norms[done : done + j])
                done, j = done + j, 0
            if k == steps:
                break
            if draws is None:
                if update is None:
                    multiply(grad, lr, out=eta_grad)
                    theta -= eta_grad  # θ ← θ − η·∂E/∂θ
                else:
                    update(grad, lr, k + 1)  # the optimizer's step k + 1, from this step's gradient
            else:
                sample_losses[k] = sample_step(draws[k], k + 1)
        if j:
            np.einsum("ij,ij->i", block[:j], block[:j], out=sq_norms[done : done + j])
        # The parameters are checked once, here, not at every step: an inf or nan stays one under θ ← θ − η·g
        # (inf − x is inf or nan, nan − x is nan), so θ is finite now only if it was finite at every step.
        if not np.isfinite(theta).all():
            stop = self.first_nonfinite_step(snapshots, every, k, indices, state_snapshots)
        if stop is None:
            return losses, sq_norms, sample_losses, None
        return losses[:stop], sq_norms[:stop], (sample_losses[:stop] if indices is not None else None), stop

    def first_nonfinite_step(
        self,
        snapshots: np.ndarray,
        every: int,
        last: int,
        indices: np.ndarray | None,
        state_snapshots: np.ndarray | None = None,
    ) -> int:
        """The first step k ≤ ``last`` whose parameters are not all finite, given that those at ``last`` are not.

        Found from the snapshots (the first one that is not finite comes after it) and a replay of the steps from
        the snapshot before, with the same arithmetic as the run.
        """
        finite = np.isfinite(snapshots[: last // every + 1]).all(axis=1)
        s = len(finite) if finite.all() else int(np.argmin(finite))  # snapshot 0, the start, is finite: s ≥ 1
        k = (s - 1) * every
        start = _network(snapshots[s - 1], self.net)
        replay = _Run(
            start,
            self.x,
            self.d,
            float(self.lr),
            self.reduction,
            indices is not None,
            self.optimizer,
            self.settings,
            None if state_snapshots is None else state_snapshots[s - 1],
        )
        while np.isfinite(replay.theta).all():
            replay.replay(1, indices, k)
            k += 1
        return k


@dataclass(frozen=True)
class History:
    """The record of a training run.

    loss[k] is the loss after k SGD steps (loss[0] is the scenario's own loss); when the run diverged it holds the
    steps before ``diverged_at`` only. grad_norm[k] is ‖∂E/∂θ‖, the length of the gradient of that loss over all
    parameters W1, b1, W2, b2 together, at the same parameters (same length as ``loss``; inf if its square
    overflows). ``network`` is the final network (the last finite one after a divergence). ``sample_loss[k]``
    (stochastic runs) is the loss on the sample drawn at step k, before that step's update. Any step's parameters
    and gradients are available through ``network_at(k)`` and ``gradients_at(k)``.

    When not even the loss at step 0 is a finite number, ``diverged_at`` is 0, ``loss`` and ``grad_norm`` are empty,
    ``last_step`` is −1 and ``network`` is the start: there is no step to show (``dnn.not_finite_at_start`` says
    why).
    """

    loss: np.ndarray
    grad_norm: np.ndarray
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
    optimizer: str = "sgd"
    settings: dict[str, float] = field(default_factory=dict)
    # the update rule's state (slots, parameters) at each snapshot's step; None for SGD, which has none
    state_snapshots: np.ndarray | None = None

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
        return _network(self._replayed(k).theta, self.start)

    def _replayed(self, k: int) -> _Run:
        """A run brought to step k: from the nearest snapshot at or before k (θ and the rule's state), replayed."""
        s = k // self.snapshot_every
        run = _Run(
            _network(self.snapshots[s], self.start),
            self.x,
            self.d,
            self.lr,
            self.reduction,
            self.sample_indices is not None,
            self.optimizer,
            self.settings,
            None if self.state_snapshots is None else self.state_snapshots[s],
        )
        with np.errstate(all="ignore"):
            run.replay(k - s * self.snapshot_every, self.sample_indices, s * self.snapshot_every)
        return run

    def optimizer_state_at(self, k: int) -> OptimizerState:
        """The update rule's state after k steps (the book's v, h, m per parameter; t = k), as
        ``dnn.optimizers.optimizer_step`` keeps it; empty slots for SGD."""
        self.network_at(k)  # checks k
        run = self._replayed(k)
        slots = {}
        for name, flat in zip(OPTIMIZERS[self.optimizer].slots, run.state, strict=True):
            A1, A2 = _augmented(flat.copy(), self.start)
            slots[name] = {"W1": A1[:-1], "b1": A1[-1], "W2": A2[:-1], "b2": A2[-1]}
        return OptimizerState(k, slots)

    def params_at(self, steps: np.ndarray) -> dict[str, np.ndarray]:
        """The parameters after each of ``steps`` steps, stacked: W1 (len(steps), inputs, hidden), b1, W2, b2.

        Steps on multiples of ``snapshot_every`` are read from the snapshots, any other replayed (``network_at``).
        """
        steps = np.asarray(steps, dtype=np.int64)
        if steps.size and not (steps.min() >= 0 and steps.max() <= self.last_step):
            raise ValidationError(
                "step", f"steps must lie in 0..{self.last_step}", f"ステップは 0〜{self.last_step} です"
            )
        on_snapshot = steps % self.snapshot_every == 0
        flat = self.snapshots[steps // self.snapshot_every]  # (len(steps), parameters), a copy
        for i in np.flatnonzero(~on_snapshot):
            flat[i] = _flatten(self.network_at(int(steps[i])))
        A1, A2 = _augmented(flat.T, self.start)  # (inputs + 1, hidden, len(steps)), (hidden + 1, outputs, ...)
        return {
            "W1": A1[:-1].transpose(2, 0, 1),
            "b1": A1[-1].T,
            "W2": A2[:-1].transpose(2, 0, 1),
            "b2": A2[-1].T,
        }

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
    progress: Progress | None = None,
    optimizer: str = "sgd",
    **hyperparameters: float,
) -> History:
    """Train for ``steps`` steps and record the loss and gradient norm after every step (``steps + 1``).

    The update rule is ``optimizer`` (``dnn.optimizers.OPTIMIZERS``: "sgd", the notebook's, by default; "momentum",
    "adagrad", "rmsprop", "adam"), with its ``hyperparameters`` (momentum, decay, beta1, beta2; defaults filled in).

    Full batch by default; with ``stochastic=True`` each step uses one sample drawn at random (reproducible from
    ``seed``), as in the course's SGD notebook, and ``loss`` and ``grad_norm`` still report all samples. A run whose
    loss or parameters stop being finite stops there (``diverged_at``); numpy's overflow warnings are silenced.

    ``progress(done, steps)``, if given, is called about every ``budget.REPORT_SECONDS`` of estimated work; an
    exception it raises stops the run and propagates (a Streamlit page that moved on stops it this way).
    """
    from .network import Scenario  # validates x, d against the network

    sc = Scenario(net, x, d, lr=lr, steps=steps)
    _check_reduction(reduction)
    settings = check_optimizer(optimizer, hyperparameters)
    n_slots = len(OPTIMIZERS[optimizer].slots)
    every = max(1, math.ceil((sc.steps + 1) / (MAX_SNAPSHOTS // (1 + n_slots))))
    snapshots = np.empty((sc.steps // every + 1, _flatten(net).size))
    state_snapshots = np.empty((len(snapshots), n_slots, snapshots.shape[1])) if n_slots else None
    indices = None
    if stochastic:
        indices = np.random.default_rng(seed).integers(0, sc.x.shape[0], size=sc.steps)
    run = _Run(net, sc.x, sc.d, sc.lr, reduction, stochastic, optimizer, settings)
    chunk = budget.report_every(budget.train_request(net, len(sc.x), sc.steps, stochastic, optimizer))
    with np.errstate(all="ignore"):
        losses, sq_norms, sample_losses, diverged = run.run(
            sc.steps, indices, snapshots, every, progress, chunk, state_snapshots
        )
        grad_norm = np.sqrt(sq_norms)
    hist = History(
        loss=losses,
        grad_norm=grad_norm,
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
        optimizer=optimizer,
        settings=settings,
        state_snapshots=state_snapshots,
    )
    if diverged is None:
        final = _network(run.theta, net)
    elif diverged == 0:
        final = net
    else:
        final = hist.network_at(diverged - 1)
    object.__setattr__(hist, "network", final)
    return hist


# ---------------------------------------------------------------- many runs at once


def sweep(
    net: Network | list[Network],
    x: np.ndarray,
    d: np.ndarray,
    lrs: np.ndarray | list[float],
    steps: int = 1000,
    reduction: Reduction = "mean",
    progress: Progress | None = None,
    optimizer: str = "sgd",
    **hyperparameters: float,
) -> np.ndarray:
    """Train many runs at once, one per learning rate (and per starting network when a list is given).

    Every run uses the update rule ``optimizer`` with the same ``hyperparameters`` (see ``train``). Returns losses
    of shape (runs, steps + 1), row r equal to ``train(nets[r], x, d, lrs[r], steps, optimizer=...).loss``; after a
    run diverges its row is NaN from its ``diverged_at`` on (see ``diverged_at``). The runs lie on the last axis of
    every array, so each numpy call advances all of them by one step. ``progress`` as in ``train``.
    """
    from .network import Scenario

    nets = [net] if isinstance(net, Network) else list(net)
    lrs = np.atleast_1d(np.asarray(lrs, dtype=np.float64))
    if not nets or lrs.size == 0:
        raise ValidationError(
            "lrs",
            "a sweep needs at least one network and one learning rate",
            "スイープには少なくとも 1 つのネットワークと 1 つの学習率が必要です",
        )
    if len(nets) != 1 and lrs.size != 1 and len(nets) != lrs.size:
        raise ValidationError(
            "lrs",
            f"{lrs.size} learning rates do not pair with {len(nets)} networks",
            f"学習率 {lrs.size} 個とネットワーク {len(nets)} 個は組にできません",
        )
    for lr in lrs:
        _check_lr(lr)
    steps = _check_steps(steps)
    _check_reduction(reduction)
    settings = check_optimizer(optimizer, hyperparameters)
    first = nets[0]
    for other in nets:
        same_sizes = (other.n_in, other.n_hidden, other.n_out) == (first.n_in, first.n_hidden, first.n_out)
        if not same_sizes or (other.hidden, other.output) != (first.hidden, first.output):
            raise ValidationError(
                "network",
                "all networks of a sweep must have the same sizes and activations",
                "スイープのネットワークはすべて同じサイズと同じ活性化関数でなければなりません",
            )
    sc = Scenario(first, x, d, lr=float(lrs[0]), steps=steps)
    runs = max(len(nets), lrs.size)
    if runs > LIMITS["max_sweep_runs"]:
        raise ValidationError(
            "lrs",
            f"a sweep takes at most {LIMITS['max_sweep_runs']} runs, not {runs}",
            f"スイープで一度に学習できるのは {LIMITS['max_sweep_runs']} 通りまでです（学習率 学習率が {runs} 通り）",
        )
    starts = np.stack([_flatten(n) for n in nets], axis=-1)  # (parameters, 1 or runs)
    theta = np.broadcast_to(starts, (starts.shape[0], runs)).copy()  # C order, writable
    lrs = np.broadcast_to(lrs, (runs,)).copy()
    chunk = budget.report_every(budget.sweep_request(first, len(sc.x), steps, runs, optimizer))
    with np.errstate(all="ignore"):
        losses, overflowed = _Sweep(first, theta, sc.x, sc.d, lrs, reduction, optimizer, settings).run(
            steps, progress, chunk
        )
    # A run whose parameters overflowed while its loss stayed finite (rare: say W1 → −∞ behind a ReLU that then
    # outputs 0) is trained again alone, which finds the step where that happened.
    for r in np.flatnonzero(overflowed):
        h = train(nets[r % len(nets)], sc.x, sc.d, lrs[r], steps, reduction, optimizer=optimizer, **settings)
        losses[r, : len(h.loss)] = h.loss
        losses[r, len(h.loss) :] = np.nan
    return losses


class _Sweep:
    """The SGD loop of ``sweep``: the arrays of ``_Batch`` with a last axis of runs, so each call serves all runs.

    The products over samples stay 2-D matrix products ([x, 1] is the same for every run); the ones within a run
    (over hidden units or outputs) become einsums over arrays whose contiguous last axis is the runs axis.
    """

    def __init__(
        self,
        net: Network,
        theta: np.ndarray,
        x: np.ndarray,
        d: np.ndarray,
        lr: np.ndarray,
        reduction: Reduction,
        optimizer: str = "sgd",
        settings: dict[str, float] | None = None,
    ) -> None:
        n, n_in = x.shape
        n_h, n_out = net.n_hidden, net.n_out
        runs = theta.shape[1]
        self.theta, self.grad = theta, np.empty_like(theta)
        # SGD: η/N for every run (η alone for the notebook's summed gradient), 0 for a run that has stopped. Stored
        # at the shape of δ2: numpy multiplies arrays of one shape faster than it broadcasts a row over them.
        # Any other rule is not linear in g: δ2 is scaled by 1/N (or 1) only, and the rule applies η per run
        # (``self.lr``), from its own state (slots, parameters, runs).
        self.update = None
        if optimizer != "sgd":
            self.lr = lr.copy()
            self.state = np.zeros((len(OPTIMIZERS[optimizer].slots), *theta.shape))
            self.update = OPTIMIZERS[optimizer].make_update(theta, settings or {}, self.state)
            lr = np.ones(runs)
        step = lr / n if reduction == "mean" else lr
        self.step_size = np.broadcast_to(step, (n, n_out, runs)).copy()
        A1, self.A2 = _augmented(theta, net)
        gA1, self.gA2 = _augmented(self.grad, net)
        self.A1_2d, self.gA1_2d = A1.reshape(n_in + 1, -1), gA1.reshape(n_in + 1, -1)  # (inputs + 1, hidden·runs)
        self.W2 = self.A2[:n_h]
        self.xa = np.ones((n, n_in + 1))
        self.xa[:, :n_in] = x
        self.xaT = self.xa.T
        self.za = np.ones((n, n_h + 1, runs))  # [z1, 1] for every run
        self.z1 = self.za[:, :n_h]
        self.u1, self.f_prime, self.delta1 = (np.empty((n, n_h, runs)) for _ in range(3))
        self.u1_2d, self.delta1_2d = self.u1.reshape(n, -1), self.delta1.reshape(n, -1)
        self.u2, self.y = np.empty((n, n_out, runs)), np.empty((n, n_out, runs))
        self.n = n
        self.f, self.df = _hidden_kernels(net)
        self.output = _sweep_output(net, self.u2, self.y, d)

    def loss_into(self, out: np.ndarray) -> np.ndarray:
        """Forward pass of every run: writes each run's loss into ``out`` and returns δ2 = y − d (N, outputs, runs)."""
        np.matmul(self.xa, self.A1_2d, out=self.u1_2d)  # u1 = [x, 1]·A1, all runs in one product
        self.f(self.u1, self.z1)  # z1 = f(u1)
        np.einsum("nhr,hor->nor", self.za, self.A2, out=self.u2)  # u2 = [z1, 1]·A2, run by run
        return self.output(out)  # y, each run's loss (mean over samples) and δ2

    def step(self, delta2: np.ndarray, t: int) -> None:
        """Step t (1, 2, ...) of every run, from δ2 = y − d."""
        delta1 = self.delta1
        # Scale δ2 by η/N (η per run) rather than the gradient: every gradient is linear in δ2, and δ2 is the
        # smallest array, so the SGD update below is a plain θ −= η·g. (Other rules: by 1/N, see __init__.)
        np.multiply(delta2, self.step_size, out=delta2)
        np.einsum("nor,hor->nhr", delta2, self.W2, out=delta1)  # dE/dz1 = δ2·W2ᵀ
        np.einsum("nhr,nor->hor", self.za, delta2, out=self.gA2)  # [dE/dW2; dE/db2] = [z1, 1]ᵀ·δ2
        if self.df is not None:
            self.df(self.u1, self.z1, self.f_prime)
            delta1 *= self.f_prime  # δ1 = dE/dz1 ⊙ f′(u1)
        # [dE/dW1; dE/db1] = [x, 1]ᵀ·δ1; for one sample an outer product, which a broadcast multiply does
        # faster than a matrix product
        if self.n == 1:
            np.multiply(self.xaT, self.delta1_2d, out=self.gA1_2d)
        else:
            self.xaT.dot(self.delta1_2d, out=self.gA1_2d)
        if self.update is None:
            self.theta -= self.grad
        else:
            self.update(self.grad, self.lr, t)

    def run(self, steps: int, progress: Progress | None = None, report_every: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Train every run for ``steps`` steps, calling ``progress(k, steps)`` every ``report_every`` steps.

        Returns the losses (runs, steps + 1), NaN from the step at which a run's loss stopped being finite, and the
        runs whose parameters stopped being finite (overflowed) before their loss did.
        """
        theta = self.theta
        runs = theta.shape[1]
        losses = np.empty((steps + 1, runs))  # row k: every run's loss after k steps, contiguous
        died = np.full(runs, steps + 1)  # the step at which each run's loss stopped being finite (steps + 1: never)
        overflowed = np.zeros(runs, dtype=bool)
        for k in range(steps + 1):
            if progress is not None and k and k % report_every == 0:
                progress(k, steps)
            delta2 = self.loss_into(losses[k])
            if not math.isfinite(np.add.reduce(losses[k])):  # one sum tells whether any run's loss is inf or nan
                newly = ~np.isfinite(losses[k]) & (died > steps)
                if newly.any():  # (else the finite losses only overflowed their sum)
                    died[newly] = k
                    overflowed[newly] = ~np.isfinite(theta[:, newly]).all(axis=0)
                    # A stopped run is parked at θ = 0 with η = 0: finite, so that it trips no check again. The
                    # forward pass is redone so that its intermediates are finite too (the others' are unchanged).
                    self.step_size[..., newly] = 0.0
                    theta[:, newly] = 0.0
                    if self.update is not None:  # and its rule's state at 0 with η = 0: it stays at θ = 0
                        self.lr[newly] = 0.0
                        self.state[..., newly] = 0.0
                    delta2 = self.loss_into(np.empty(runs))
            if k < steps:
                self.step(delta2, k + 1)
        # The parameters are checked once, here, as in ``train``: an inf or nan stays one under θ ← θ − η·g.
        overflowed |= ~np.isfinite(theta).all(axis=0)
        for r in np.flatnonzero(died <= steps):
            losses[died[r] :, r] = np.nan
        return losses.T, overflowed  # (runs, steps + 1) as a view: no copy of what may be millions of numbers


def diverged_at(losses: np.ndarray) -> int | None:
    """The first step whose loss is not finite in a loss curve (a row of ``sweep``), or None if all are finite."""
    bad = np.flatnonzero(~np.isfinite(np.asarray(losses)))
    return int(bad[0]) if bad.size else None
