"""The Training/Sweep/Compare helpers without Streamlit: thinning, runs, CSV, sweeps, differences, the SGD preset."""

import csv
import gc
import io
import json
import weakref

import numpy as np
import pytest

import dnn
from tests.plotly_json import decode
from ui.figures import figures_training as ft
from ui.session import sgd_preset
from ui.session import training as tu


def traces(fig):
    return json.loads(fig.to_json())["data"]


def overflow_scenario(lr=10.0, steps=1000):
    """A run that really diverges: the notebook's network with identity output, x = [100, 500], d = [1, 2]."""
    net = dnn.seed_network().replace(output="identity")
    return dnn.Scenario(net, [[100.0, 500.0]], [[1.0, 2.0]], lr=lr, steps=steps)


# ---------------------------------------------------------------- thinning


def test_decimate_keeps_short_curves_whole():
    np.testing.assert_array_equal(ft.decimate(np.arange(10.0), 4000), np.arange(10))


@pytest.mark.parametrize("n", [4001, 10_001, 100_001])
def test_decimate_bounds_points_and_keeps_every_buckets_extremes(n):
    rng = np.random.default_rng(n)
    v = np.cumsum(rng.normal(size=n))
    spikes = rng.choice(n, 25, replace=False)
    v[spikes] += 1e3 * rng.choice([-1, 1], 25)  # single-step spikes up and down
    idx = ft.decimate(v, 4000)
    assert len(idx) <= 4000
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)
    assert set(spikes) <= set(idx.tolist())
    buckets = (4000 - 2) // 2
    size = -(-n // buckets)
    kept = set(idx.tolist())
    for start in range(0, n, size):
        chunk = v[start : start + size]
        assert start + int(np.argmax(chunk)) in kept
        assert start + int(np.argmin(chunk)) in kept


def test_moving_average_is_the_trailing_mean():
    v = np.arange(10.0)
    np.testing.assert_allclose(ft.moving_average(v, 4), [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5])


# ---------------------------------------------------------------- one run


def test_run_curve_starts_at_the_scenarios_loss_and_spans_the_steps():
    sc = dnn.seed_scenario().replace(steps=700)
    run = tu.compute_run(sc)
    fig = ft.loss_figure(run.history.loss, "en")
    (trace,) = traces(fig)
    x, y = decode(trace["x"]), decode(trace["y"])
    assert x[0] == 0 and x[-1] == 700 and len(x) == 701
    assert y[0] == pytest.approx(dnn.loss(sc.network, sc.x, sc.d), rel=1e-15)
    np.testing.assert_array_equal(y, dnn.train(sc.network, sc.x, sc.d, sc.lr, 700).loss)


def test_long_run_chart_is_thinned_but_keeps_both_ends():
    loss = np.exp(-np.arange(100_001) / 3e4)
    loss[55_555] = 10.0  # one spike
    fig = ft.loss_figure(loss, "ja", log_y=True)
    (trace,) = traces(fig)
    x, y = decode(trace["x"]), decode(trace["y"])
    assert len(x) <= ft.MAX_POINTS
    assert x[0] == 0 and x[-1] == 100_000
    assert 55_555 in x and y.max() == 10.0
    assert len(fig.to_json()) < 200_000


def test_probe_values_match_dnn_at_those_steps():
    sc = dnn.seed_scenario().replace(x=[[1.0, 5.0], [3.0, 1.0]], d=[[0.0, 1.0], [1.0, 0.0]], lr=0.1, steps=300)
    run = tu.compute_run(sc, probes=20)
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps)
    assert run.probe_steps[0] == 0 and run.probe_steps[-1] == 300 and len(run.probe_steps) <= 20
    for i, k in enumerate(run.probe_steps):
        net = h.network_at(int(k))
        np.testing.assert_allclose(run.y[i], dnn.forward(net, sc.x).y, rtol=1e-12)
        g = dnn.backward(net, sc.x, sc.d)
        flat = np.concatenate([v.ravel() for v in g.params().values()])
        assert run.history.grad_norm[k] == pytest.approx(np.linalg.norm(flat), rel=1e-10)
        assert run.grad_norm["W1"][i] == pytest.approx(np.linalg.norm(g.W1), rel=1e-12)
        assert run.grad_norm["b2"][i] == pytest.approx(np.linalg.norm(g.b2), rel=1e-12)
    lines = tu.output_lines(run.y, sc.d, "softmax", "en")
    assert lines.kind == "probability"
    np.testing.assert_allclose(lines.lines["#1: y2"], run.y[:, 0, 1])
    np.testing.assert_allclose(lines.lines["#2: y1"], run.y[:, 1, 0])


def test_output_lines_for_squared_error_show_y_against_d_or_the_mean_error():
    y = np.random.default_rng(0).normal(size=(5, 1, 2))
    one = tu.output_lines(y, np.array([[1.0, 2.0]]), "identity", "en")
    assert one.kind == "output" and one.targets == {"y1": 1.0, "y2": 2.0}
    many = tu.output_lines(np.zeros((5, 64, 1)), np.ones((64, 1)), "identity", "ja")
    assert many.kind == "error"
    np.testing.assert_allclose(next(iter(many.lines.values())), 1.0)


def test_divergence_stops_at_the_last_finite_step_without_nan():
    sc = overflow_scenario()
    run = tu.compute_run(sc)
    h = run.history
    assert h.diverged_at is not None and h.diverged_at < 1000
    assert np.isfinite(h.loss).all() and len(h.loss) == h.diverged_at
    assert np.isfinite(run.y).all()
    assert np.isfinite(run.grad_norm["W1"]).all()  # scaled norm: no overflow from squaring
    fig = ft.gradient_norm_figure(h.grad_norm, "en", probe_steps=run.probe_steps, per_param=run.grad_norm)
    assert len(traces(fig)) == 5
    assert fig.layout.yaxis.range is None or fig.layout.yaxis.range[1] <= 308
    fig = ft.loss_figure(h.loss, "en", log_y=True, diverged_at=h.diverged_at)
    marker = traces(fig)[-1]
    assert decode(marker["x"])[0] == h.last_step
    top = fig.layout.yaxis.range[1]
    assert top <= 308  # no "Infinity" tick on the axis


def test_jumps_are_found_only_when_the_loss_goes_up():
    assert dnn.find_jumps(np.exp(-np.arange(100.0))).rises == 0
    smooth = tu.compute_run(dnn.seed_scenario()).jumps
    assert not smooth.jumpy and smooth.rises == 0
    sc = dnn.seed_scenario().replace(x=[[1.0, 5.0], [3.0, 1.0]], d=[[0.0, 1.0], [1.0, 0.0]], lr=10.0)
    jumpy = tu.compute_run(sc).jumps
    assert jumpy.jumpy and jumpy.rises >= 3 and jumpy.first_rise == 1 and jumpy.sign_changes >= 3


# ---------------------------------------------------------------- CSV


def test_csv_holds_every_step_of_the_run():
    sc = overflow_scenario()
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps)
    rows = list(csv.reader(io.StringIO(tu.history_csv(h))))
    assert rows[0] == ["step", "loss"]
    assert [int(r[0]) for r in rows[1:]] == list(range(len(h.loss)))
    np.testing.assert_array_equal([float(r[1]) for r in rows[1:]], h.loss)  # full precision


def test_csv_of_a_stochastic_run_has_the_sample_losses():
    sc = sgd_preset.course_scenario(sgd_preset.SgdSettings(n_samples=16, steps=50))
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=3)
    rows = list(csv.DictReader(io.StringIO(tu.history_csv(h))))
    assert len(rows) == 51
    np.testing.assert_array_equal([float(r["loss"]) for r in rows], h.loss)
    np.testing.assert_array_equal([float(r["sample_loss"]) for r in rows[:-1]], h.sample_loss)
    assert rows[-1]["sample_loss"] == ""


def test_csv_download_keeps_the_loss_curves_and_lets_the_run_go():
    """Streamlit keeps a page's download callables as long as the session (and a closed tab's until it expires):
    the callable must not keep the run's parameter snapshots alive, only the losses it writes."""
    sc = sgd_preset.course_scenario(sgd_preset.SgdSettings(n_samples=16, steps=50))
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=3)
    loss, sample_loss = h.loss.copy(), h.sample_loss.copy()
    make = tu.csv_maker(h)
    run, snapshots = weakref.ref(h), weakref.ref(h.snapshots)
    del h
    gc.collect()
    assert run() is None and snapshots() is None
    rows = list(csv.DictReader(io.StringIO(make())))
    np.testing.assert_array_equal([float(r["loss"]) for r in rows], loss)
    np.testing.assert_array_equal([float(r["sample_loss"]) for r in rows[:-1]], sample_loss)


# ---------------------------------------------------------------- sweeps


def test_sweep_curves_equal_single_runs():
    sc = dnn.seed_scenario().replace(x=[[1.0, 5.0], [3.0, 1.0]], d=[[0.0, 1.0], [1.0, 0.0]])
    lrs = dnn.log_spaced(1e-3, 30.0, 7)
    res = tu.compute_sweep(sc, lrs, 200)
    assert res.losses.shape == (7, 201)
    for lr, row, final in zip(lrs, res.losses, res.final, strict=True):
        h = dnn.train(sc.network, sc.x, sc.d, lr, 200)
        np.testing.assert_allclose(row, h.loss, rtol=1e-10, atol=1e-15)
        assert final == pytest.approx(h.loss[-1], rel=1e-10)
    fig = ft.sweep_curves_figure(res.lrs, res.losses, "en")
    for trace, row in zip(traces(fig), res.losses, strict=True):
        np.testing.assert_allclose(decode(trace["y"]), row, rtol=1e-12)


def test_sweep_with_overflowing_runs_reports_their_steps():
    sc = overflow_scenario()
    lrs = np.array([1e-6, 1e-3, 10.0])
    res = tu.compute_sweep(sc, lrs, 400)
    h = dnn.train(sc.network, sc.x, sc.d, 10.0, 400)
    assert res.diverged[:2] == [None, None] and res.diverged[2] == h.diverged_at
    assert res.final[2] == h.loss[-1]  # the last finite loss, not NaN
    table = tu.sweep_table(res, "en")
    assert not table.isna().any().any()
    _, z = ft.bucket_max(res.losses, columns=50)
    assert np.isnan(z[2, -1]) and np.isfinite(z[0]).all()
    fig = ft.final_loss_figure(res.lrs, res.final, res.diverged, "ja", current_lr=10.0)
    assert len(traces(fig)) == 2  # finished runs and overflowed ones


def test_heatmap_keeps_the_largest_loss_of_each_column():
    losses = np.ones((3, 1001))
    losses[1, 517] = 1e4
    starts, z = ft.bucket_max(losses, columns=100)
    assert z.shape[1] <= 100 and starts[0] == 0
    assert z[1].max() == 1e4
    losses[2, 900:] = np.nan  # a run that overflowed at step 900
    (heat,) = traces(ft.sweep_heatmap_figure(np.array([0.1, 1.0, 10.0]), losses, "en"))
    x, logz = decode(heat["x"]), decode(heat["z"])
    assert x[0] == 0 and len(x) == logz.shape[1] and decode(heat["y"]).tolist() == [0.1, 1.0, 10.0]
    assert logz[1].max() == pytest.approx(4.0) and np.all(logz[0] == 0.0)  # log₁₀ of the spike, of a loss of 1
    ends = np.append(x[1:], 1001)  # each column holds steps x[c] .. ends[c] − 1
    assert np.isnan(logz[2, x >= 900]).all() and np.isfinite(logz[2, ends <= 900]).all()  # empty after overflow


def test_sweep_steps_stay_within_the_budget():
    assert tu.sweep_steps(1000, 9) == 1000
    assert tu.sweep_steps(100_000, 256) * 256 <= tu.SWEEP_BUDGET


# ---------------------------------------------------------------- compare


def test_differences_list_cells_settings_and_shapes():
    a = dnn.seed_scenario()
    W1 = a.network.W1.copy()
    W1[1, 2] = 9.0
    b = a.replace(network=a.network.replace(W1=W1, hidden="tanh"), lr=0.5)
    diffs = tu.differences(a, b)
    assert [(d.what, d.where) for d in diffs] == [("W1", "[2, 3]"), ("lr", ""), ("hidden", "")]
    assert diffs[0].baseline == "0.6" and diffs[0].current == "9"
    c = a.replace(x=[[1.0, 5.0], [2.0, 2.0]], d=[[0.0, 1.0], [1.0, 0.0]])
    assert [(d.what, d.where) for d in tu.differences(a, c)] == [("x", "shape"), ("d", "shape")]
    assert tu.differences(a, a) == []


# ---------------------------------------------------------------- the course's SGD notebook


def test_sgd_preset_is_the_notebooks_setup():
    x, d = sgd_preset.course_data(100, seed=1)
    assert x.shape == (100, 2) and (x >= 0).all() and (x < 1).all()
    np.testing.assert_allclose(d[:, 0], 3 * x[:, 0] + 2 * x[:, 1])
    wide, _ = sgd_preset.course_data(100, seed=1, input_range="wide")
    assert wide.min() < -1 and wide.max() > 1
    sc = sgd_preset.course_scenario()
    net = sc.network
    assert (net.n_in, net.n_hidden, net.n_out) == (2, 10, 1)
    assert (net.hidden, net.output) == ("relu", "identity")
    assert sc.lr == 0.07 and sc.steps == 1000 and len(sc.x) == 64


def test_sgd_preset_run_is_dnn_train_with_one_sample_per_step():
    sc = sgd_preset.course_scenario(sgd_preset.SgdSettings(steps=300))
    run = tu.compute_run(sc, stochastic=True, seed=5)
    h = dnn.train(sc.network, sc.x, sc.d, sc.lr, sc.steps, stochastic=True, seed=5)
    np.testing.assert_array_equal(run.history.loss, h.loss)
    np.testing.assert_array_equal(run.history.sample_loss, h.sample_loss)
    assert run.stochastic and run.history.loss[-1] < run.history.loss[0] / 10  # it learns f
    fig = ft.loss_figure(h.loss, "en", sample_loss=h.sample_loss)
    dots, average, full = traces(fig)
    np.testing.assert_array_equal(decode(full["y"]), h.loss)
    assert dots["mode"] == "markers" and len(decode(dots["x"])) == 300
    w = ft.default_window(300)
    np.testing.assert_allclose(decode(average["y"]), ft.moving_average(h.sample_loss, w))
    assert decode(average["x"])[0] == w - 1


def test_sgd_preset_wide_inputs_overflow_as_the_notebook_warns():
    sc = sgd_preset.course_scenario(sgd_preset.SgdSettings(input_range="wide"))
    run = tu.compute_run(sc, stochastic=True, seed=0)
    assert run.history.diverged_at is not None
