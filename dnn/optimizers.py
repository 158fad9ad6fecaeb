"""The course's update rules after plain SGD: Momentum, AdaGrad, RMSProp and Adam (``common/optimizer.py`` of
*Deep Learning from Scratch*, the course's lineage), with the same default hyperparameters.

Each rule is written twice, on purpose:

- ``optimizer_step`` is the readable one, parameter by parameter like the book's ``update(params, grads)``: a
  learner lays it beside the lesson's code. It returns the new network and the optimizer's new state (velocity v,
  accumulated squares h, moments m and v), so a screen can show one step with its numbers.
- ``OPTIMIZERS[name].make_update`` works in place on one flat parameter buffer θ (and on a sweep's θ with a last axis of
  runs), for ``dnn.train`` and ``dnn.sweep``. The tests hold ``train`` to repeated ``optimizer_step``.

Conventions, stated because other texts differ:
- AdaGrad and RMSProp add 1e-7 to √h (outside the square root), as the course does: θ ← θ − η·g / (√h + 1e-7).
- Adam folds the bias correction into the step size, as the course does: η_t = η·√(1 − β2^t) / (1 − β1^t), then
  θ ← θ − η_t·m / (√v + 1e-7), where m and v are the uncorrected moving averages. (The Adam paper corrects m and v
  themselves and adds ε to √v̂; the two differ only in where ε sits.)
- Momentum keeps a velocity v ← α·v − η·g and moves θ ← θ + v (the course's sign convention).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .network import Network, ValidationError, subject_ja

EPSILON = 1e-7  # the course's constant in AdaGrad, RMSProp and Adam


@dataclass(frozen=True)
class Hyperparameter:
    """One setting of an update rule besides η: its default and the open/closed range it must lie in."""

    name: str
    default: float
    low: float
    high: float
    en: str  # what it is, in a learner's words
    ja: str


@dataclass(frozen=True)
class OptimizerState:
    """What an update rule remembers between steps: ``t`` steps taken and, per slot ("v", "h", "m"), an array for
    each parameter W1, b1, W2, b2 (the book's ``self.v[key]``, ``self.h[key]``, ``self.m[key]``)."""

    t: int = 0
    slots: Mapping[str, Mapping[str, np.ndarray]] = field(default_factory=dict)


# ---------------------------------------------------------------- the readable rules, one parameter at a time
# ``rule(param, grad, slots, lr, hp, t)`` returns the new parameter and its new slots; ``t`` counts this step (1, 2...).


def _sgd(p: np.ndarray, g: np.ndarray, s: dict, lr: float, hp: Mapping[str, float], t: int) -> tuple:
    return p - lr * g, {}


def _momentum(p: np.ndarray, g: np.ndarray, s: dict, lr: float, hp: Mapping[str, float], t: int) -> tuple:
    v = hp["momentum"] * s["v"] - lr * g  # v ← α·v − η·g
    return p + v, {"v": v}


def _adagrad(p: np.ndarray, g: np.ndarray, s: dict, lr: float, hp: Mapping[str, float], t: int) -> tuple:
    h = s["h"] + g * g  # h ← h + g²
    return p - lr * g / (np.sqrt(h) + EPSILON), {"h": h}


def _rmsprop(p: np.ndarray, g: np.ndarray, s: dict, lr: float, hp: Mapping[str, float], t: int) -> tuple:
    rho = hp["decay"]
    h = rho * s["h"] + (1 - rho) * g * g  # h ← ρ·h + (1 − ρ)·g²
    return p - lr * g / (np.sqrt(h) + EPSILON), {"h": h}


def _adam(p: np.ndarray, g: np.ndarray, s: dict, lr: float, hp: Mapping[str, float], t: int) -> tuple:
    b1, b2 = hp["beta1"], hp["beta2"]
    lr_t = lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)  # bias correction folded into the step size
    m = s["m"] + (1 - b1) * (g - s["m"])  # m ← m + (1 − β1)(g − m) = β1·m + (1 − β1)·g
    v = s["v"] + (1 - b2) * (g * g - s["v"])  # v ← β2·v + (1 − β2)·g²
    return p - lr_t * m / (np.sqrt(v) + EPSILON), {"m": m, "v": v}


# ---------------------------------------------------------------- the same rules in place on a flat buffer θ
# ``make_update(theta, hp, state)`` returns ``update(grad, lr, t)``: θ and ``state`` change in place, ``grad`` does
# not. ``state`` holds the rule's slots stacked, shape (len(slots), *θ.shape), zero before the first step; the
# caller owns it, so that ``dnn.train`` can store it beside θ and start again from it. ``lr`` is a number or, for a
# sweep, an array of one η per run (the last axis of θ). ``t`` counts this step (1, 2, ...). Each rule uses one
# work buffer and no temporary arrays.

UpdateFactory = Callable[..., Callable[[np.ndarray, Any, int], None]]


def _sgd_update(theta: np.ndarray, hp: Mapping[str, float], state: np.ndarray | None = None) -> Callable:
    work = np.empty_like(theta)

    def update(grad: np.ndarray, lr: Any, t: int) -> None:
        np.multiply(grad, lr, out=work)
        np.subtract(theta, work, out=theta)  # θ ← θ − η·g

    return update


def _momentum_update(theta: np.ndarray, hp: Mapping[str, float], state: np.ndarray | None = None) -> Callable:
    v = (np.zeros((1, *theta.shape)) if state is None else state)[0]
    work, alpha = np.empty_like(theta), np.array(hp["momentum"])

    def update(grad: np.ndarray, lr: Any, t: int) -> None:
        np.multiply(v, alpha, out=v)
        np.multiply(grad, lr, out=work)
        np.subtract(v, work, out=v)  # v ← α·v − η·g
        np.add(theta, v, out=theta)  # θ ← θ + v

    return update


def _scaled_by_root(theta: np.ndarray, decay: float | None, state: np.ndarray | None) -> Callable:
    """AdaGrad (decay None: h accumulates) and RMSProp (h decays by ρ): θ ← θ − η·g / (√h + 1e-7)."""
    h = (np.zeros((1, *theta.shape)) if state is None else state)[0]
    work, eps = np.empty_like(theta), np.array(EPSILON)
    rho, one_minus_rho = (None, None) if decay is None else (np.array(decay), np.array(1 - decay))

    def update(grad: np.ndarray, lr: Any, t: int) -> None:
        np.multiply(grad, grad, out=work)
        if rho is not None:
            np.multiply(h, rho, out=h)
            np.multiply(work, one_minus_rho, out=work)
        np.add(h, work, out=h)  # h ← h + g²  or  h ← ρ·h + (1 − ρ)·g²
        np.sqrt(h, out=work)
        np.add(work, eps, out=work)
        np.divide(grad, work, out=work)
        np.multiply(work, lr, out=work)
        np.subtract(theta, work, out=theta)  # θ ← θ − η·g / (√h + 1e-7)

    return update


def _adagrad_update(theta: np.ndarray, hp: Mapping[str, float], state: np.ndarray | None = None) -> Callable:
    return _scaled_by_root(theta, None, state)


def _rmsprop_update(theta: np.ndarray, hp: Mapping[str, float], state: np.ndarray | None = None) -> Callable:
    return _scaled_by_root(theta, hp["decay"], state)


def _adam_update(theta: np.ndarray, hp: Mapping[str, float], state: np.ndarray | None = None) -> Callable:
    state = np.zeros((2, *theta.shape)) if state is None else state
    m, v = state
    # m and v are updated together, as the stack [m, v] moving towards [g, g²] by [1 − β1, 1 − β2]: three calls
    # instead of six; ``pair`` then serves as the work buffer.
    pair = np.empty_like(state)
    g_copy, work = pair  # work: [g, g²]'s first row, free again once the moments are updated
    g_sq = pair[1]
    rates = np.array([1 - hp["beta1"], 1 - hp["beta2"]]).reshape((2,) + (1,) * theta.ndim)
    eps = np.array(EPSILON)
    b1, b2 = hp["beta1"], hp["beta2"]
    sqrt = math.sqrt

    def update(grad: np.ndarray, lr: Any, t: int) -> None:
        np.copyto(g_copy, grad)
        np.multiply(grad, grad, out=g_sq)
        np.subtract(pair, state, out=pair)
        np.multiply(pair, rates, out=pair)
        np.add(state, pair, out=state)  # m ← m + (1 − β1)(g − m), v ← v + (1 − β2)(g² − v)
        np.sqrt(v, out=work)
        np.add(work, eps, out=work)
        np.divide(m, work, out=work)
        np.multiply(work, np.multiply(lr, sqrt(1.0 - b2**t) / (1.0 - b1**t)), out=work)  # η_t·m / (√v + 1e-7)
        np.subtract(theta, work, out=theta)

    return update


@dataclass(frozen=True)
class Optimizer:
    """An update rule: its readable per-parameter form, its in-place form, its state slots and settings."""

    rule: Callable[..., tuple]
    make_update: UpdateFactory
    slots: tuple[str, ...]
    default_lr: float
    hyperparameters: tuple[Hyperparameter, ...] = ()


_UNIT = (0.0, 1.0)  # momentum, decay and β lie in [0, 1)

OPTIMIZERS: dict[str, Optimizer] = {
    "sgd": Optimizer(_sgd, _sgd_update, (), 0.01),
    "momentum": Optimizer(
        _momentum,
        _momentum_update,
        ("v",),
        0.01,
        (Hyperparameter("momentum", 0.9, *_UNIT, "momentum α", "モーメンタム係数 α"),),
    ),
    "adagrad": Optimizer(_adagrad, _adagrad_update, ("h",), 0.01),
    "rmsprop": Optimizer(
        _rmsprop,
        _rmsprop_update,
        ("h",),
        0.01,
        (Hyperparameter("decay", 0.99, *_UNIT, "decay rate ρ", "減衰率 ρ"),),
    ),
    "adam": Optimizer(
        _adam,
        _adam_update,
        ("m", "v"),
        0.001,
        (
            Hyperparameter("beta1", 0.9, *_UNIT, "β1 (first moment)", "β1（1 次モーメント）"),
            Hyperparameter("beta2", 0.999, *_UNIT, "β2 (second moment)", "β2（2 次モーメント）"),
        ),
    ),
}


HYPERPARAMETERS: dict[str, Hyperparameter] = {
    hp.name: hp for opt in OPTIMIZERS.values() for hp in opt.hyperparameters
}  # every rule's settings by name (momentum, decay, beta1, beta2): one name, one meaning


def owner_of(setting: str) -> str:
    """The update rule a hyperparameter belongs to ("beta1" → "adam")."""
    return next(name for name, opt in OPTIMIZERS.items() if any(hp.name == setting for hp in opt.hyperparameters))


def check_hyperparameter(name: str, raw: Any) -> float:
    """One hyperparameter as a float, or a ValidationError naming it: a finite number in its range [low, high)."""
    hp = HYPERPARAMETERS[name]
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        value = math.nan
    if not (math.isfinite(value) and hp.low <= value < hp.high):
        raise ValidationError(
            hp.name,
            f"{hp.en} is {raw!r}; it must be a number from {hp.low:g} up to (not including) {hp.high:g}",
            f"{subject_ja(hp.ja)}が {raw!r} です。{hp.low:g} 以上 {hp.high:g} 未満の数にしてください",
        )
    return value


def check_optimizer(name: str, hyperparameters: Mapping[str, Any] | None = None) -> dict[str, float]:
    """The optimizer's full settings (defaults filled in), or a ValidationError naming the field and the rule.

    Every hyperparameter must be a finite number in [0, 1); unknown names are refused.
    """
    if name not in OPTIMIZERS:
        raise ValidationError(
            "optimizer",
            f"optimizer {name!r} is unknown; choose one of {', '.join(OPTIMIZERS)}",
            f"最適化手法 {name!r} は使えません（{', '.join(OPTIMIZERS)} から選んでください）",
        )
    given = dict(hyperparameters or {})
    settings: dict[str, float] = {}
    for hp in OPTIMIZERS[name].hyperparameters:
        settings[hp.name] = check_hyperparameter(hp.name, given.pop(hp.name, hp.default))
    if given:
        extra = ", ".join(sorted(given))
        raise ValidationError(
            "optimizer",
            f"{name} has no setting {extra}",
            f"{name} には設定 {extra} がありません",
        )
    return settings


def initial_state(net: Network, name: str = "sgd") -> OptimizerState:
    """The state before the first step: every slot of every parameter is zero, t = 0 (as the book's first call)."""
    slots = {slot: {k: np.zeros_like(v) for k, v in net.params().items()} for slot in OPTIMIZERS[name].slots}
    return OptimizerState(0, slots)


def optimizer_step(
    net: Network,
    grads: Mapping[str, np.ndarray] | Any,
    lr: float,
    name: str = "sgd",
    state: OptimizerState | None = None,
    **hyperparameters: float,
) -> tuple[Network, OptimizerState]:
    """One step of the update rule ``name``, parameter by parameter (W1, b1, W2, b2), readable beside the course.

    ``grads`` is a ``dnn.Gradients`` or a mapping of parameter name → gradient. Returns the new network and the
    optimizer's state after the step (for "sgd" there is none to keep). With ``name="sgd"`` this is
    ``dnn.sgd_step``.
    """
    settings = check_optimizer(name, hyperparameters)
    new_params, new_state = stepped(net, grads, lr, name, state, settings)
    return net.replace(**new_params), new_state


def stepped(
    net: Network,
    grads: Mapping[str, np.ndarray] | Any,
    lr: float,
    name: str,
    state: OptimizerState | None,
    settings: Mapping[str, float],
) -> tuple[dict[str, np.ndarray], OptimizerState]:
    """``optimizer_step``'s new parameters as a dict (not validated: they may hold inf or nan after an overflow) and
    the new state; ``settings`` complete (``check_optimizer``)."""
    opt = OPTIMIZERS[name]
    state = state or initial_state(net, name)
    t = state.t + 1
    g = grads.params() if hasattr(grads, "params") else grads
    new_params, new_slots = {}, {slot: {} for slot in opt.slots}
    for key, value in net.params().items():
        own = {slot: state.slots[slot][key] for slot in opt.slots}
        new_params[key], updated = opt.rule(value, np.asarray(g[key], dtype=float), own, lr, settings, t)
        for slot, array in updated.items():
            new_slots[slot][key] = array
    return new_params, OptimizerState(t, new_slots)


def step_size(name: str, lr: float, t: int, settings: Mapping[str, float]) -> float:
    """What step t multiplies its direction by: η, except Adam's η_t = η·√(1 − β2^t) / (1 − β1^t)."""
    if name == "adam":
        return lr * math.sqrt(1.0 - settings["beta2"] ** t) / (1.0 - settings["beta1"] ** t)
    return lr


def direction(name: str, grad: np.ndarray, slots_after: Mapping[str, np.ndarray]) -> np.ndarray:
    """The array a step moves a parameter along, given its gradient g and the rule's slots after the step:
    W ← W − step_size·direction, with direction g (SGD), g / (√h + 1e-7) (AdaGrad, RMSProp), m / (√v + 1e-7)
    (Adam); for Momentum, W ← W + v, the direction is the velocity v itself."""
    with np.errstate(all="ignore"):
        if name == "momentum":
            return np.asarray(slots_after["v"])
        if name in ("adagrad", "rmsprop"):
            return grad / (np.sqrt(slots_after["h"]) + EPSILON)
        if name == "adam":
            return slots_after["m"] / (np.sqrt(slots_after["v"]) + EPSILON)
        return np.asarray(grad)
