"""The part of the input plane drawn (dnn.playback.plane_range): it holds every sample with room around it, is
wide enough around a few samples to show where the output changes, and is the same on Forward, in the Training
screen's film and at its step slider."""

import numpy as np
import pytest

import dnn
from dnn import datasets as ds
from dnn import playback as pb
from ui.figures import figures_forward as ff
from ui.figures.figures_play import SURFACE_LEVELS, make_film, play_figure

NOTEBOOK_X = np.array([[1.0, 5.0]])  # the notebook's one sample (tests/data/notebook_output.txt's x)

SAMPLE_SETS = {
    "notebook": NOTEBOOK_X,
    "one far sample": np.array([[10.0, 50.0]]),
    "two close samples": np.array([[0.2, 0.3], [0.25, 0.1]]),
    "spiral": ds.generate(ds.Recipe("spiral", n=120, noise=0.1, data_seed=3)).x,
    "wide own data": np.array([[-4.0, 1.0], [3.0, -2.0], [0.5, 4.0], [2.0, 2.0]]),
    "far own data": np.array([[100.0, 100.0], [110.0, 105.0], [104.0, 101.0]]),
}


@pytest.mark.parametrize("name", SAMPLE_SETS)
def test_the_plane_holds_every_sample_away_from_its_edges(name):
    x = SAMPLE_SETS[name]
    (lo1, hi1), (lo2, hi2) = pb.plane_range(x)
    width = hi1 - lo1
    assert hi2 - lo2 == pytest.approx(width)  # square: a unit's line u = 0 keeps its angle
    room = 0.1 * width  # a sample is never drawn on the plane's edge
    assert (x[:, 0] >= lo1 + room).all() and (x[:, 0] <= hi1 - room).all()
    assert (x[:, 1] >= lo2 + room).all() and (x[:, 1] <= hi2 - room).all()


@pytest.mark.parametrize("x", [NOTEBOOK_X, np.array([[10.0, 50.0]]), np.array([[-0.3, 0.0]])])
def test_one_sample_gets_at_least_the_minimum_span(x):
    assert pb.MIN_SPAN >= 3.0  # around one sample, room for the boundary (weights and biases of order 0.1 to 1)
    for lo, hi in pb.plane_range(x):
        assert hi - lo >= pb.MIN_SPAN


def test_many_samples_fill_the_plane():
    # Samples spread over 7 units of x1 and 6 of x2 (wider than the minimum): the plane is the larger span plus
    # 25 % on each side, no more, centred on the samples.
    x = SAMPLE_SETS["wide own data"]
    (lo1, hi1), (lo2, hi2) = pb.plane_range(x)
    assert hi1 - lo1 == pytest.approx(7.0 * 1.5)
    assert (lo1 + hi1) / 2 == pytest.approx(-0.5) and (lo2 + hi2) / 2 == pytest.approx(1.0)
    # Far from the origin, the origin is not dragged in: the plane stays on the samples.
    (flo1, fhi1), _ = pb.plane_range(SAMPLE_SETS["far own data"])
    assert fhi1 - flo1 == pytest.approx(10.0 * 1.5)


def test_the_notebook_plane_shows_the_origin_and_the_sample():
    # One sample at (1, 5): the plane reaches from the origin (where every hidden unit's u = b) to the sample, so
    # the learner sees where each unit switches on, not a ±0.65 patch around the sample.
    (lo1, hi1), (lo2, hi2) = pb.plane_range(NOTEBOOK_X)
    assert lo1 < 0 < hi1 and lo2 < 0 < hi2
    assert hi2 - lo2 >= 5.0


def _plane_axes_forward(fig):
    heat = next(t for t in fig.data if t.meta == {"kind": "output"})
    return fig.layout.xaxis.range, fig.layout.yaxis.range, np.asarray(heat.x), np.asarray(heat.y)


def _plane_axes_play(fig):
    d = fig.to_dict()
    surface = next(t for t in d["data"] if t.get("meta") == {"kind": "surface"})
    xs, ys = np.unique(surface["x"]), np.unique(surface["y"])
    return d["layout"]["xaxis2"]["range"], d["layout"]["yaxis2"]["range"], xs, ys


def _scenarios():
    moons = ds.generate(ds.Recipe("moons", n=40, noise=0.1, data_seed=2, test=0.25))
    net = dnn.random_network(2, 4, 2, seed=1, hidden="tanh")
    return {
        "notebook": (dnn.seed_scenario().network, NOTEBOOK_X, dnn.seed_scenario().d, None),
        "moons with held-out samples": (net, moons.train[0], moons.train[1], moons.test),
    }


@pytest.mark.parametrize("name", ["notebook", "moons with held-out samples"])
def test_forward_and_play_draw_the_same_part_of_the_plane(name):
    net, x, d, held_out = _scenarios()[name]
    forward = ff.input_plane_figure(net, x, d, "en", held_out=held_out)
    h = dnn.train(net, x, d, 0.1, 50)
    play = play_figure(make_film(h, held_out), "en")
    fx, fy, f1, f2 = _plane_axes_forward(forward)
    px, py, p1, p2 = _plane_axes_play(play)
    np.testing.assert_allclose(fx, px, rtol=1e-12)
    np.testing.assert_allclose(fy, py, rtol=1e-12)
    # The surfaces' grids span exactly that range (Forward draws more grid points than the film).
    for grid in (f1, p1):
        np.testing.assert_allclose([grid[0], grid[-1]], fx, rtol=1e-12)
    for grid in (f2, p2):
        np.testing.assert_allclose([grid[0], grid[-1]], fy, rtol=1e-12)


def test_the_notebook_film_at_step_0_is_not_one_flat_colour():
    # The notebook's network before training, written out here: y2 over the plane goes from softmax(b2)_2 =
    # 0.525 (every ReLU unit off, near the origin's lower left) to above 0.95 towards the sample (1, 5). A plane
    # of ±0.65 around the sample (the old film) saw only 0.87 to 0.94: one colour on the 0-to-1 scale.
    sc = dnn.seed_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, 100)
    fig = play_figure(make_film(h), "en").to_dict()
    surface = next(t for t in fig["data"] if t.get("meta") == {"kind": "surface"})
    xs, ys = np.asarray(surface["x"]), np.asarray(surface["y"])
    net = sc.network
    u1 = np.stack([xs, ys], axis=1) @ net.W1 + net.b1
    u2 = np.maximum(u1, 0) @ net.W2 + net.b2
    y2 = np.exp(u2[:, 1]) / np.exp(u2).sum(axis=1)
    assert np.ptp(y2) > 0.3
    shades = np.asarray(surface["marker"]["color"])  # what the browser colours, 0 to SURFACE_LEVELS over y 0 to 1
    assert np.ptp(shades) > 0.3 * SURFACE_LEVELS
    np.testing.assert_allclose(shades, y2 * SURFACE_LEVELS, atol=1.0)  # the shades are that y2, rounded


def test_the_film_draws_the_line_y_half_in_every_frame():
    """Plotly drops contour traces while it animates, so the film carries y = 0.5 as a scatter line, frame by frame.
    With an identity hidden layer and a sigmoid output, y = 0.5 exactly where u2 = z1·W2 + b2 = 0, a straight line
    (written out here): every point of each frame's line is on it, to well within a grid cell."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 2))
    d = (x[:, :1] + 0.5 * x[:, 1:] > 0).astype(float)
    net = dnn.random_network(2, 3, 1, seed=2, hidden="identity", output="sigmoid")
    h = dnn.train(net, x, d, 0.5, 300)
    fig = play_figure(make_film(h), "en").to_dict()
    index = next(i for i, t in enumerate(fig["data"]) if t.get("meta") == {"kind": "half"})
    surface = next(t for t in fig["data"] if t.get("meta") == {"kind": "surface"})
    cell = float(np.max(np.diff(np.unique(surface["x"]))))
    drawn = 0
    for frame in fig["frames"]:
        at = h.network_at(int(frame["name"]))  # the parameters after that many steps
        line = frame["data"][frame["traces"].index(index)]
        xs = np.array([np.nan if v is None else v for v in line["x"]], dtype=float)
        ys = np.array([np.nan if v is None else v for v in line["y"]], dtype=float)
        w = at.W1 @ at.W2  # identity hidden: u2 = x·(W1·W2) + b1·W2 + b2
        b = float(at.b1 @ at.W2[:, 0] + at.b2[0])
        u2 = xs * w[0, 0] + ys * w[1, 0] + b
        ok = ~np.isnan(xs)
        drawn += int(ok.any())
        assert np.all(np.abs(u2[ok]) / np.hypot(w[0, 0], w[1, 0]) < 0.1 * cell)  # distance to the true line
    assert drawn >= len(fig["frames"]) // 2
    assert fig["data"][index]["name"] == "y1 = 0.5" and fig["data"][index]["mode"] == "lines"


def test_an_identity_output_film_has_no_half_line():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(10, 2))
    h = dnn.train(dnn.random_network(2, 3, 1, output="identity"), x, x[:, :1], 0.05, 50)
    fig = play_figure(make_film(h), "en").to_dict()
    assert not [t for t in fig["data"] if t.get("meta") == {"kind": "half"}]
