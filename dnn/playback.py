"""A training run as a film: which steps to show, the parameters at those steps, and the output over the input
plane at each of them (the "decision surface" moving as the network learns)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .core import forward
from .network import Network
from .training import History

MAX_EVEN_FRAMES = 200  # evenly spaced steps at most
MAX_JUMP_FRAMES = 40  # steps where the loss jumps, at most (the largest jumps)
JUMP = 1e-3  # a step where the loss E grows by more than 0.1 % of its size is a jump


def frame_steps(
    loss: np.ndarray, even: int = MAX_EVEN_FRAMES, jumps: int = MAX_JUMP_FRAMES, every: int = 1
) -> np.ndarray:
    """The steps a film of the run shows: ``even`` evenly spaced steps from 0 to the last (all of them for a
    shorter run), plus, for up to ``jumps`` of the largest rises of E, the step before and the step of the rise.

    ``loss[k]`` is E after k steps (``History.loss``); the result is sorted and without repeats. The evenly spaced
    steps are rounded down to multiples of ``every`` (``History.snapshot_every``: those need no replay), the last step
    kept as it is."""
    loss = np.asarray(loss, dtype=np.float64)
    last = len(loss) - 1
    spaced = np.linspace(0, last, min(even, last // every + 1))
    # Rounded down: rounded to the nearest, the last spaced step could land past the run (2,999 steps, every 2).
    steps = np.unique(np.append(np.floor(spaced / every).astype(np.int64) * every, last))
    if last >= 1 and jumps > 0:
        with np.errstate(all="ignore"):
            rise = np.diff(loss) / np.maximum(np.abs(loss[:-1]), 1e-12)
        up = np.flatnonzero(rise > JUMP)
        if up.size:
            biggest = up[np.argsort(-rise[up], kind="stable")[:jumps]] + 1  # step k where E[k] > E[k − 1]
            steps = np.unique(np.concatenate([steps, biggest - 1, biggest]))
    return steps


@dataclass(frozen=True)
class Grid:
    """Points of the input plane: ``x1`` (columns) and ``x2`` (rows) values; ``points`` lists them row by row
    (x2 outer, x1 inner), as an image of ``len(x2)`` rows."""

    x1: np.ndarray
    x2: np.ndarray

    @property
    def points(self) -> np.ndarray:
        """Every grid point as a row [x1, x2], row by row of the image."""
        return np.stack(np.meshgrid(self.x1, self.x2), axis=-1).reshape(-1, 2)


MIN_SPAN = 3.0  # the plane drawn is at least this wide: around one or two samples, room for the boundary
MARGIN = 0.25  # room on every side, as a share of the samples' span (the origin, too, away from the edge)
ORIGIN_REACH = 4.0  # the origin is drawn too when that makes the plane at most this many times wider


def plane_range(x: np.ndarray) -> np.ndarray:
    """The part of the input space drawn for the samples ``x`` (their first one or two inputs): rows [lo, hi] per
    input, the same width for each (a square plane, so a hidden unit's line u = 0 keeps its true angle).

    It holds every sample with ``MARGIN`` of their span on every side, and is at least ``MIN_SPAN`` wide around its
    centre: for few samples (the notebook's one sample) the samples alone do not show where the output changes, so
    the plane around them does. It also holds the origin (where every u = b) when that widens it at most
    ``ORIGIN_REACH`` times; many samples fill the plane, fitted to the data. Forward, Play and the step slider all
    draw this part of the plane."""
    pts = np.atleast_2d(np.asarray(x, dtype=np.float64))[:, :2]
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts) == 0:
        pts = np.zeros((1, max(np.atleast_2d(x).shape[1], 1)))[:, :2]

    def fitted(points: np.ndarray) -> tuple[np.ndarray, float]:
        lo, hi = points.min(axis=0), points.max(axis=0)
        return (lo + hi) / 2, max(float(np.max(hi - lo)) * (1 + 2 * MARGIN), MIN_SPAN)

    centre, span = fitted(pts)
    with_origin = fitted(np.vstack([pts, np.zeros(pts.shape[1])]))
    if with_origin[1] <= ORIGIN_REACH * span:
        centre, span = with_origin
    return np.stack([centre - span / 2, centre + span / 2], axis=1)


def plane_grid(x: np.ndarray, resolution: int = 41) -> Grid:
    """A ``resolution`` × ``resolution`` grid over ``plane_range(x)`` (two inputs)."""
    (lo1, hi1), (lo2, hi2) = plane_range(x)
    return Grid(x1=np.linspace(lo1, hi1, resolution), x2=np.linspace(lo2, hi2, resolution))


def networks_at(history: History, steps: np.ndarray) -> list[Network]:
    """The network after each of ``steps`` steps of the run (from ``History.params_at``)."""
    params = history.params_at(steps)
    like = history.start
    return [
        like.replace(W1=params["W1"][i], b1=params["b1"][i], W2=params["W2"][i], b2=params["b2"][i])
        for i in range(len(steps))
    ]


def surfaces(networks: list[Network], grid: Grid, output: int) -> np.ndarray:
    """Output y_output over the grid for each network: (networks, len(x2), len(x1)), from ``forward``."""
    points = grid.points
    out = np.empty((len(networks), len(grid.x2), len(grid.x1)))
    with np.errstate(all="ignore"):
        for i, net in enumerate(networks):
            out[i] = forward(net, points).y[:, output].reshape(len(grid.x2), len(grid.x1))
    return out


HALF = 0.5  # the level y = 0.5: for a probability, where the shown class is as likely as not


def colour_range(output: str, values: np.ndarray) -> tuple[float, float]:
    """The values of y_k the colour scale of the input plane runs over, with y = 0.5 always at its middle.

    A probability (``output`` softmax or sigmoid) runs over [0, 1]. An identity output is unbounded: the range is
    0.5 ± the farthest finite value's distance from 0.5, at least ± 0.5, so every value drawn is on the scale and
    a colour means the same value of y as for a probability wherever both are in [0, 1]."""
    if output in ("softmax", "sigmoid"):
        return 0.0, 1.0
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    reach = max(float(np.max(np.abs(finite - HALF))) if finite.size else 0.0, HALF)
    return HALF - reach, HALF + reach


def output_range(values: np.ndarray) -> tuple[float, float]:
    """The smallest and largest finite y over the plane drawn (NaN, NaN when none is finite)."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return (float(finite.min()), float(finite.max())) if finite.size else (float("nan"), float("nan"))


def crosses_half(values: np.ndarray) -> bool:
    """Whether y crosses 0.5 on the plane drawn (some values below, some above), i.e. whether the line y = 0.5
    is there to draw; NaN values are left out."""
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    return bool(finite.size) and float(finite.min()) < HALF < float(finite.max())


def level_line(
    values: np.ndarray, x1: np.ndarray, x2: np.ndarray, level: float = HALF
) -> tuple[np.ndarray, np.ndarray]:
    """Where ``values`` (len(x2) rows × len(x1) columns, row i at x2[i]) crosses ``level``, by marching squares:
    the x1 and x2 of polylines, one after another, separated by NaN (empty arrays when it does not cross).

    In each grid cell whose corners lie on both sides of the level, the crossing on an edge is placed by linear
    interpolation between the edge's two corners (exact where the values are linear, e.g. y = 0.5 of a linear
    output); a cell with two crossings on each side (a saddle) is split by the mean of its corners. Cells with a NaN
    corner (an overflow) are left out. Neighbouring cells share the crossing on their common edge, so the pieces
    are joined into as few polylines as the level set has."""
    v = np.asarray(values, dtype=np.float64)
    x1, x2 = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    if v.shape[0] < 2 or v.shape[1] < 2:
        return np.empty(0), np.empty(0)
    above = v > level
    corners = (above[:-1, :-1], above[:-1, 1:], above[1:, 1:], above[1:, :-1])  # counter-clockwise from (i, j)
    case = corners[0] * 1 + corners[1] * 2 + corners[2] * 4 + corners[3] * 8
    finite = np.isfinite(v)
    whole = finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, 1:] & finite[1:, :-1]
    # A cell's edges by name: "b" (bottom, row i), "r" (right, column j + 1), "t" (top, row i + 1), "l" (left).
    edge_pairs = {
        1: (("l", "b"),), 2: (("b", "r"),), 3: (("l", "r"),), 4: (("r", "t"),), 6: (("b", "t"),),
        7: (("l", "t"),), 8: (("t", "l"),), 9: (("t", "b"),), 11: (("t", "r"),), 12: (("r", "l"),),
        13: (("r", "b"),), 14: (("b", "l"),),
    }  # fmt: skip

    def key(i: int, j: int, edge: str) -> tuple[str, int, int]:
        """An edge of the grid, the same for both cells that share it: horizontal (row, column) or vertical."""
        return {"b": ("h", i, j), "t": ("h", i + 1, j), "l": ("v", i, j), "r": ("v", i, j + 1)}[edge]

    def point(k: tuple[str, int, int]) -> tuple[float, float]:
        kind, i, j = k
        a, b = (v[i, j], v[i, j + 1]) if kind == "h" else (v[i, j], v[i + 1, j])
        t = (level - a) / (b - a)
        return (x1[j] + t * (x1[j + 1] - x1[j]), x2[i]) if kind == "h" else (x1[j], x2[i] + t * (x2[i + 1] - x2[i]))

    links: dict[tuple[str, int, int], list[tuple[str, int, int]]] = {}
    for i, j in zip(*np.nonzero(whole & (case != 0) & (case != 15)), strict=True):
        c = int(case[i, j])
        if c in (5, 10):  # a saddle: the mean of the corners says which two corners are joined
            centre_above = v[i : i + 2, j : j + 2].mean() > level
            pairs = (("l", "b"), ("r", "t")) if (c == 5) != centre_above else (("b", "r"), ("t", "l"))
        else:
            pairs = edge_pairs[c]
        for e, f in pairs:
            a, b = key(int(i), int(j), e), key(int(i), int(j), f)
            links.setdefault(a, []).append(b)
            links.setdefault(b, []).append(a)
    xs: list[float] = []
    ys: list[float] = []
    seen: set[tuple[str, int, int]] = set()
    # Open lines first (from an end on the plane's border), then closed loops.
    starts = [k for k, n in links.items() if len(n) == 1] + list(links)
    for start in starts:
        if start in seen:
            continue
        line, here, before = [start], start, None
        seen.add(start)
        while True:
            ahead = [n for n in links[here] if n != before and n not in seen]
            if not ahead:
                if start in links[here] and len(line) > 2:
                    line.append(start)  # a closed loop
                break
            before, here = here, ahead[0]
            seen.add(here)
            line.append(here)
        if xs:
            xs.append(np.nan)
            ys.append(np.nan)
        for k in line:
            px, py = point(k)
            xs.append(float(px))
            ys.append(float(py))
    return np.array(xs), np.array(ys)
