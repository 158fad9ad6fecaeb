"""The film of a run (dnn/playback.py): its steps, each frame's parameters against repeated sgd_step, and the
surface over the input plane against a forward pass written here."""

import numpy as np
import pytest

import dnn
from dnn import datasets as ds
from dnn import playback as pb


def test_frame_steps_are_even_and_include_both_ends():
    steps = pb.frame_steps(np.linspace(1, 0, 100_001))  # a falling loss: no jumps
    assert steps[0] == 0 and steps[-1] == 100_000 and len(steps) == pb.MAX_EVEN_FRAMES
    assert np.ptp(np.diff(steps)) <= 1  # evenly spaced (up to rounding)
    short = pb.frame_steps(np.linspace(1, 0, 31))
    np.testing.assert_array_equal(short, np.arange(31))


def test_frame_steps_add_the_largest_jumps():
    loss = np.linspace(2.0, 1.0, 10_001)
    loss[5_003] = 3.0  # E jumps at step 5,003 and falls back at 5,004
    loss[7_777] = loss[7_776] * 1.01
    loss[1_234] = loss[1_233] * 1.0001  # below the 0.1 % threshold: not a jump
    steps = pb.frame_steps(loss)
    assert {5_002, 5_003, 7_776, 7_777} <= set(steps.tolist()) and 1_234 not in steps
    assert len(pb.frame_steps(loss, jumps=1)) == len(steps) - 2  # only the largest one


def repeated_steps(net, x, d, lr, steps):
    nets = [net]
    for _ in range(steps):
        net = dnn.sgd_step(net, dnn.backward(net, x, d), lr)
        nets.append(net)
    return nets


@pytest.mark.parametrize(("steps", "lr"), [(600, 0.5), (4_500, 3.0)])  # 4,500: snapshots every 3 steps, so replays
def test_each_frames_parameters_are_those_of_repeated_sgd_steps(steps, lr):
    data = ds.generate(ds.Recipe("spiral", n=40, noise=0.05, data_seed=3))
    net = dnn.random_network(2, 5, 2, seed=2, hidden="tanh")
    h = dnn.train(net, data.x, data.d, lr, steps)
    frame = pb.frame_steps(h.loss)
    assert h.snapshot_every == (1 if steps == 600 else 3)
    if steps == 4_500:
        assert (frame % 3 != 0).any()  # some frames are not snapshots
    expected = repeated_steps(net, data.x, data.d, lr, steps)
    for k, got in zip(frame, pb.networks_at(h, frame), strict=True):
        for name, value in expected[k].params().items():
            np.testing.assert_allclose(got.params()[name], value, rtol=1e-9, atol=1e-12, err_msg=f"{name} at {k}")


def test_surface_is_the_forward_pass_over_the_grid():
    net = dnn.Network(
        W1=[[1.0, -2.0, 0.5], [0.3, 1.0, -1.0]], b1=[0.1, 0.0, -0.2], W2=[[1, -1], [2, 0.5], [-1, 1]], b2=[0, 0.3]
    )
    x = np.array([[-1.0, 0.5], [2.0, -1.5]])
    grid = pb.plane_grid(x, resolution=7)
    assert grid.x1[0] < -1 and grid.x1[-1] > 2 and np.isclose(np.ptp(grid.x1), np.ptp(grid.x2))
    surface = pb.surfaces([net], grid, output=1)[0]
    for i, j in ((0, 0), (3, 5), (6, 2)):
        point = np.array([grid.x1[j], grid.x2[i]])  # row i is x2, column j is x1
        z = np.maximum(point @ net.W1 + net.b1, 0)
        u = z @ net.W2 + net.b2
        assert surface[i, j] == pytest.approx(np.exp(u[1]) / np.exp(u).sum(), rel=1e-12)


def test_held_out_loss_along_a_run():
    data = ds.generate(ds.Recipe("moons", n=60, noise=0.1, data_seed=1, test=0.25))
    (x, d), (xt, dt) = data.train, data.test
    h = dnn.train(dnn.random_network(2, 6, 2, seed=1), x, d, 0.3, 200)
    steps = np.array([0, 50, 200])
    got = ds.loss_at_steps(h.params_at(steps), h.start, xt, dt)
    want = [dnn.loss(h.network_at(int(k)), xt, dt) for k in steps]
    np.testing.assert_allclose(got, want, rtol=1e-12)


def test_evenly_spaced_frames_fall_on_snapshots():
    steps = pb.frame_steps(np.linspace(1, 0, 100_001), every=50)
    assert steps[-1] == 100_000 and (steps % 50 == 0).all() and 190 <= len(steps) <= 200
    odd = pb.frame_steps(np.linspace(1, 0, 1_002), every=7)
    assert odd[-1] == 1_001 and (odd[:-1] % 7 == 0).all()


# ---------------------------------------------------------------- the line y = 0.5 (marching squares)


def test_level_line_of_a_linear_function_lies_exactly_on_its_line():
    """y = 0.3·x1 − 0.7·x2 + 1.1 is 0.5 on a straight line; linear interpolation along each cell edge is exact for
    it, so every point found is on that line, as one polyline from border to border."""
    x1, x2 = np.linspace(-2.0, 3.0, 41), np.linspace(-1.0, 4.0, 37)
    g1, g2 = np.meshgrid(x1, x2)
    xs, ys = pb.level_line(0.3 * g1 - 0.7 * g2 + 1.1, x1, x2)
    assert len(xs) > 20 and not np.isnan(xs).any()  # one piece
    np.testing.assert_allclose(0.3 * xs - 0.7 * ys + 1.1, 0.5, atol=1e-12)
    on_border = lambda px, py: np.isclose(px, x1[[0, -1]]).any() or np.isclose(py, x2[[0, -1]]).any()  # noqa: E731
    assert on_border(xs[0], ys[0]) and on_border(xs[-1], ys[-1])
    assert np.all(np.diff(xs) >= 0) or np.all(np.diff(xs) <= 0)  # in order along the line, no jumps back


def test_level_line_of_two_circles_gives_two_closed_loops():
    x1 = x2 = np.linspace(-3.0, 3.0, 61)
    g1, g2 = np.meshgrid(x1, x2)
    r = np.minimum(np.hypot(g1 + 1.5, g2), np.hypot(g1 - 1.5, g2 - 0.5))
    xs, ys = pb.level_line(r, x1, x2, level=1.0)
    pieces = np.split(np.arange(len(xs)), np.flatnonzero(np.isnan(xs)))
    pieces = [p[~np.isnan(xs[p])] for p in pieces]
    assert len(pieces) == 2
    for p in pieces:
        assert (xs[p[0]], ys[p[0]]) == (xs[p[-1]], ys[p[-1]])  # closed
    dist = np.minimum(np.hypot(xs + 1.5, ys), np.hypot(xs - 1.5, ys - 0.5))
    np.testing.assert_allclose(dist[~np.isnan(xs)], 1.0, atol=0.01)  # within a tenth of a cell of the circles


def test_level_line_without_a_crossing_or_with_nan_cells():
    x1 = x2 = np.linspace(0.0, 1.0, 5)
    assert len(pb.level_line(np.full((5, 5), 0.7), x1, x2)[0]) == 0
    values = np.tile(np.linspace(0.0, 1.0, 5), (5, 1))  # 0.5 on the column x1 = 0.5
    values[2, :] = np.nan  # a row lost to an overflow: its cells are left out, the line breaks there
    xs, ys = pb.level_line(values, x1, x2)
    np.testing.assert_allclose(xs[~np.isnan(xs)], 0.5)
    assert np.isnan(xs).sum() == 1 and not ((ys > 0.25) & (ys < 0.75)).any()


def test_level_line_splits_a_saddle_by_the_mean_of_its_corners():
    x1 = x2 = np.array([0.0, 1.0])
    high_centre = np.array([[1.0, 0.0], [0.2, 1.0]])  # above at (0,0) and (1,1), mean 0.55 > 0.5: they join
    xs, ys = pb.level_line(high_centre, x1, x2)
    pieces = np.flatnonzero(np.isnan(xs))
    assert len(pieces) == 1 and len(xs) == 5
    # the two pieces cut off the corners below: (x1=1, x2=0) and (x1=0, x2=1)
    # (edges interpolated by hand: left 1.0 → 0.2 crosses at x2 = 0.625, top 0.2 → 1.0 at x1 = 0.375)
    cut = np.flatnonzero(np.isnan(xs))[0]
    first = {(round(float(a), 3), round(float(b), 3)) for a, b in zip(xs[:cut], ys[:cut], strict=True)}
    second = {(round(float(a), 3), round(float(b), 3)) for a, b in zip(xs[cut + 1 :], ys[cut + 1 :], strict=True)}
    assert {frozenset(first), frozenset(second)} == {
        frozenset({(0.5, 0.0), (1.0, 0.5)}),
        frozenset({(0.0, 0.625), (0.375, 1.0)}),
    }
    low_centre = np.array([[1.0, 0.0], [0.0, 1.0]]) - np.array([[0.0, 0.0], [0.0, 0.1]])  # mean 0.475: apart
    xs, ys = pb.level_line(low_centre, x1, x2)
    cut = np.flatnonzero(np.isnan(xs))[0]
    first = {(round(float(a), 3), round(float(b), 3)) for a, b in zip(xs[:cut], ys[:cut], strict=True)}
    assert first in ({(0.0, 0.5), (0.5, 0.0)}, {(1.0, 0.556), (0.556, 1.0)})  # the corners above cut off
