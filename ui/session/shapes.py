"""Changing a scenario's sizes without losing what still fits (no Streamlit here, so tests can call it).

Used by the size controls on the Home page and by the share-link loader when a link changes the network's shape
but not the data (x, d) that has to go with it.
"""

from __future__ import annotations

import numpy as np

import dnn


def fit_matrix(a: np.ndarray, rows: int, cols: int, fill: np.ndarray | float = 0.0) -> np.ndarray:
    """A (rows × cols) copy of ``a``: the top-left block that still fits is kept, new cells come from ``fill``."""
    out = np.array(np.broadcast_to(np.asarray(fill, dtype=np.float64), (rows, cols)))
    r, c = min(rows, a.shape[0]), min(cols, a.shape[1])
    out[:r, :c] = a[:r, :c]
    return out


def one_hot_targets(n_rows: int, n_out: int, start: int = 0) -> np.ndarray:
    """Targets d where row i is the one-hot vector of class (start + i) mod n_out: a valid target for any output."""
    d = np.zeros((n_rows, n_out))
    d[np.arange(n_rows), (start + np.arange(n_rows)) % n_out] = 1.0
    return d


def fit_target(d: np.ndarray, output: str) -> np.ndarray:
    """The target d changed as little as needed so that the output layer can produce it (its registry entry says
    what it can: ``target_range``, ``targets_sum_to_one``).

    identity: anything goes. sigmoid: each value clipped to [0, 1]. softmax: clipped, then each row scaled to sum
    to 1; a row of zeros becomes the one-hot vector of the first class (y1).
    """
    d = np.asarray(d, dtype=np.float64)
    layer = dnn.OUTPUT_LAYERS[output]
    if layer.target_range is None:
        return d.copy()
    d = np.clip(d, *layer.target_range)
    if layer.targets_sum_to_one:
        sums = d.sum(axis=1)
        empty = sums <= 0
        off = ~empty & (np.abs(sums - 1.0) > 1e-9)  # rows already summing to 1 keep their exact values
        d[off] /= sums[off, None]
        d[empty] = np.eye(1, d.shape[1])  # nothing left to scale: ask for the first class
    return d


def fit_data(
    x: np.ndarray, d: np.ndarray, n_samples: int, n_in: int, n_out: int, output: str, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """x and d resized to ``n_samples`` rows and the network's inputs/outputs.

    Kept values stay; new input columns are 0; new samples get small whole-number inputs drawn from ``seed`` and a
    one-hot target (cycling through the classes, so two samples ask for different outputs).
    """
    n_old = min(len(x), len(d))
    rng = np.random.default_rng(seed)
    x_fill = np.zeros((n_samples, n_in))
    x_fill[n_old:] = rng.integers(-5, 6, size=(max(n_samples - n_old, 0), n_in))
    d_fill = np.zeros((n_samples, n_out))
    d_fill[n_old:] = one_hot_targets(max(n_samples - n_old, 0), n_out, start=n_old)
    return fit_matrix(x, n_samples, n_in, x_fill), fit_target(fit_matrix(d, n_samples, n_out, d_fill), output)


def _small_weights(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Small random weights, rounded to 2 decimals so they read like the notebook's."""
    w = np.round(rng.normal(0.0, 0.3, size=shape), 2)
    return np.where(w == 0.0, 0.01, w)  # a zero weight would hide its edge in the diagram


def resize_scenario(
    sc: dnn.Scenario,
    *,
    n_in: int | None = None,
    n_hidden: int | None = None,
    n_out: int | None = None,
    n_samples: int | None = None,
    seed: int = 0,
) -> dnn.Scenario:
    """The scenario with new sizes: every weight, bias, input and target that still fits keeps its value.

    New weights are small random numbers from ``seed``, new biases 0; x and d follow ``fit_data``. Raises
    ``dnn.ValidationError`` when the sizes are not allowed (e.g. softmax with one output).
    """
    net = sc.network
    n_in = net.n_in if n_in is None else n_in
    n_hidden = net.n_hidden if n_hidden is None else n_hidden
    n_out = net.n_out if n_out is None else n_out
    n_samples = len(sc.x) if n_samples is None else n_samples
    rng = np.random.default_rng(seed)
    new_net = net.replace(
        W1=fit_matrix(net.W1, n_in, n_hidden, _small_weights(rng, (n_in, n_hidden))),
        b1=fit_matrix(net.b1[None, :], 1, n_hidden)[0],
        W2=fit_matrix(net.W2, n_hidden, n_out, _small_weights(rng, (n_hidden, n_out))),
        b2=fit_matrix(net.b2[None, :], 1, n_out)[0],
    )
    x, d = fit_data(sc.x, sc.d, n_samples, n_in, n_out, net.output, seed=seed)
    return sc.replace(network=new_net, x=x, d=d)


def set_target(d: np.ndarray, row: int, col: int, value: float, output: str) -> np.ndarray:
    """d with d[row, col] = value; for softmax the row's other targets are rescaled so that it still sums to 1.

    A one-cell edit cannot keep a softmax target valid on its own (typing 1 into [0, 1] would make [1, 1]), so the
    rest of the row takes up the difference: [0, 1] with 1 typed into the first cell becomes [1, 0].
    """
    d = np.array(d, dtype=np.float64)
    d[row, col] = value
    if output != "softmax" or not 0.0 <= value <= 1.0:
        return d  # out-of-range values are left for dnn to refuse with its message
    others = np.arange(d.shape[1]) != col
    rest, want = d[row, others].sum(), 1.0 - value
    if rest > 0:
        d[row, others] *= want / rest
    else:
        d[row, others] = want / others.sum()
    return d


def scenario_with_data(sc: dnn.Scenario, x: np.ndarray, d: np.ndarray, seed: int = 0) -> dnn.Scenario:
    """The scenario trained on new samples x and targets d: the network takes as many inputs as x has columns and
    as many outputs as d, keeping every weight and bias that still fits (``resize_scenario``). Raises
    ``dnn.ValidationError`` when the data does not suit the network (e.g. one target column for softmax)."""
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    resized = resize_scenario(sc, n_in=x.shape[1], n_out=d.shape[1], n_samples=len(x), seed=seed)
    return resized.replace(x=x, d=d)
