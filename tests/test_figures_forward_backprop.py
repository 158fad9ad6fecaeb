"""The Forward and Backprop screens' builders, without Streamlit: figures hold the right numbers, explanations
answer the notebook's questions with numbers that match an independent calculation."""

from __future__ import annotations

import numpy as np
import pytest

import dnn
from tests import notebook
from ui.figures import figures_backprop as fb
from ui.figures import figures_forward as ff
from ui.figures.heatmaps import DIVERGING, MAX_SAMPLE_ROWS, grid_domains, num
from ui.session import presets, shapes
from ui.text import explain

# The notebook's printed numbers (tests/data/notebook_output.txt): nothing here is computed by dnn.
NB_DELTA2 = notebook.printed("偏微分_dE/du2")
NB_DELTA1 = notebook.printed("偏微分_dE/du1")
NB_GRAD_W1 = notebook.printed("偏微分_重み1")
NB_GRAD_W2 = notebook.printed("偏微分_重み2")


@pytest.fixture
def seed() -> dnn.Scenario:
    return dnn.seed_scenario()


def _grads(sc: dnn.Scenario, reduction: str = "mean") -> tuple[dnn.Forward, dnn.Gradients]:
    return dnn.forward(sc.network, sc.x), dnn.backward(sc.network, sc.x, sc.d, reduction=reduction)


def _many_samples(n: int = 40) -> dnn.Scenario:
    return shapes.resize_scenario(dnn.seed_scenario(), n_samples=n)


# ---------------------------------------------------------------- heatmaps of deltas and gradients


def test_delta_heatmaps_hold_the_notebooks_deltas(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    for layer, expected, units in ((2, NB_DELTA2, ["y1", "y2"]), (1, NB_DELTA1, ["h1", "h2", "h3"])):
        fig = fb.delta_figure(g.delta2 if layer == 2 else g.delta1, layer, "en")
        trace = fig.data[0]
        np.testing.assert_allclose(trace.z, expected, atol=5e-9)
        assert list(trace.x) == units and list(trace.y) == ["#1"]
        assert trace.zmid == 0 and trace.zmin == -trace.zmax  # zero-centred, symmetric
        assert [c for _, c in trace.colorscale] == [c for _, c in DIVERGING]  # orange – white – blue
        assert trace.texttemplate == "%{text}"
        assert [list(r) for r in trace.text] == [[num(v) for v in row] for row in trace.z]
        assert fig.layout.xaxis.title.text in ("output unit y", "hidden unit h")
        assert fig.layout.yaxis.title.text == "sample"
        assert fig.layout.yaxis.autorange == "reversed"  # row 1 on top, as a matrix is written


def test_gradient_heatmaps_equal_the_gradients_and_name_their_axes(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    expected = {"W1": NB_GRAD_W1, "W2": NB_GRAD_W2, "b1": NB_DELTA1, "b2": NB_DELTA2}
    axes = {"W1": ("x", "h"), "W2": ("h", "y"), "b1": (None, "h"), "b2": (None, "y")}
    for name, value in g.params().items():
        fig = fb.gradient_figure(value, name, "en")
        trace = fig.data[0]
        np.testing.assert_allclose(trace.z, expected[name], atol=5e-9)
        rows, cols = axes[name]
        assert list(trace.x) == [f"{cols}{j + 1}" for j in range(trace.z.shape[1])]
        assert list(trace.y) == ([name] if rows is None else [f"{rows}{i + 1}" for i in range(trace.z.shape[0])])
        assert trace.zmid == 0 and trace.zmin == -trace.zmax
        assert f"∂E/∂{name}" in fig.layout.title.text


def test_all_zero_gradient_still_has_a_symmetric_range() -> None:
    fig = fb.gradient_figure(np.zeros((2, 3)), "W1", "en")
    assert fig.data[0].zmin == -1.0 and fig.data[0].zmax == 1.0
    assert {t for row in fig.data[0].text for t in row} == {"0"}


def test_outer_product_figure_cells_equal_z1_transposed_times_delta2(seed: dnn.Scenario) -> None:
    f, g = _grads(seed)
    fig = fb.weight_gradient_figure(f.z1, g.delta2, g.W2, "W2", "en")
    by_role = {t.meta["role"]: t for t in fig.data}
    np.testing.assert_allclose(by_role["input"].z, f.z1.T)  # the z1ᵀ column
    np.testing.assert_allclose(by_role["delta"].z, g.delta2)  # the δ2 row
    np.testing.assert_allclose(by_role["product"].z, np.outer(f.z1[0], g.delta2[0]))
    np.testing.assert_allclose(by_role["product"].z, NB_GRAD_W2, atol=5e-9)
    assert list(by_role["product"].x) == ["y1", "y2"] and list(by_role["product"].y) == ["h1", "h2", "h3"]
    assert "(3×1) · (1×2) → 3×2" in fig.layout.title.text
    fig1 = fb.weight_gradient_figure(seed.x, g.delta1, g.W1, "W1", "en")
    product = next(t for t in fig1.data if t.meta["role"] == "product")
    np.testing.assert_allclose(product.z, NB_GRAD_W1, atol=5e-9)


def test_many_samples_cap_the_rows_drawn_but_not_the_sums() -> None:
    sc = _many_samples(40)
    f, g = _grads(sc)
    delta_fig = fb.delta_figure(g.delta2, 2, "en")
    assert delta_fig.data[0].z.shape == (MAX_SAMPLE_ROWS, 2)
    assert "first 16 of 40" in delta_fig.layout.title.text
    fig = fb.weight_gradient_figure(f.z1, g.delta2, g.W2, "W2", "ja")
    by_role = {t.meta["role"]: t for t in fig.data}
    assert by_role["input"].z.shape == (3, fb.MAX_FACTOR_SAMPLES)  # the factors show a few samples…
    np.testing.assert_allclose(by_role["product"].z, g.W2)  # …the product sums all 40
    assert "全 40 サンプル" in fig.layout.title.text and "40 個すべての和" in fig.layout.title.text


def test_grid_domains_stay_inside_the_figure() -> None:
    for cols, rows in (([1.2, 2], [1, 3]), ([16, 8], [16, 16]), ([1, 1, 1], [0.5])):
        for row in grid_domains(cols, rows, 0.1, 0.2):
            for xd, yd in row:
                assert 0 <= xd[0] < xd[1] <= 1 and 0 <= yd[0] < yd[1] <= 1


# ---------------------------------------------------------------- gradient check


def test_relative_error() -> None:
    np.testing.assert_allclose(dnn.relative_error([1.0, 0.0, -2.0], [1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])
    assert dnn.relative_error(1e-12, 0.0) < 1e-3  # below the floor: rounding noise, not a disagreement


def test_gradient_check_is_tiny_for_the_seed(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    numerical = dnn.numerical_gradient(seed.network, seed.x, seed.d).params()
    assert dnn.max_relative_error(g.params(), numerical) < 1e-7
    fig = fb.gradient_check_figure(dnn.gradient_check(g.params(), numerical).relative, "en")
    assert [t.meta["param"] for t in fig.data] == ["W1", "b1", "W2", "b2"]
    for t in fig.data:
        assert np.all(t.customdata < 1e-7)
        assert np.all(t.z <= -7) and np.all(t.z >= fb.LOG_FLOOR)
    assert fig.layout.coloraxis.colorbar.title.text == "relative error"
    block = explain.gradient_check_verdict(
        dnn.max_relative_error(g.params(), numerical), dnn.forward(seed.network, seed.x).u1, "en"
    )
    assert block.kind == "success"


def test_gradient_check_flags_a_wrong_gradient(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    wrong = dict(g.params())
    wrong["W2"] = -wrong["W2"]
    numerical = dnn.numerical_gradient(seed.network, seed.x, seed.d).params()
    worst = dnn.max_relative_error(wrong, numerical)
    assert worst == pytest.approx(1.0)
    assert explain.gradient_check_verdict(worst, np.ones((1, 3)), "ja").kind == "error"


# ---------------------------------------------------------------- the input plane


def test_input_plane_lines_are_where_u_is_zero(seed: dnn.Scenario) -> None:
    net = seed.network
    fig = ff.input_plane_figure(net, seed.x, seed.d, "en")
    lines = [t for t in fig.data if t.meta["kind"] == "zero_line"]
    assert [t.meta["unit"] for t in lines] == [0, 1, 2]
    for t in lines:
        j = t.meta["unit"]
        pts = np.column_stack([t.x, t.y])
        np.testing.assert_allclose(pts @ net.W1[:, j] + net.b1[j], 0.0, atol=1e-12)
        assert t.name.startswith(f"h{j + 1}: u = 0")
    assert fig.layout.xaxis.title.text == "x1" and fig.layout.yaxis.title.text == "x2"


def test_input_plane_colours_are_the_target_class_probability(seed: dnn.Scenario) -> None:
    net = seed.network
    fig = ff.input_plane_figure(net, seed.x, seed.d, "en")
    out = next(t for t in fig.data if t.meta["kind"] == "output")
    assert out.colorbar.title.text == "y2 = P(class 2)"  # d = [0, 1]: the target class is y2
    assert out.zmin == 0 and out.zmax == 1
    i, j = 7, 30  # any grid point: its colour is the forward pass's y2 there
    point = np.array([[out.x[j], out.y[i]]])
    assert out.z[i, j] == pytest.approx(dnn.forward(net, point).y[0, 1])
    samples = [t for t in fig.data if t.meta["kind"] == "samples"]
    assert sum(len(t.x) for t in samples) == 1 and (samples[0].x[0], samples[0].y[0]) == (1.0, 5.0)
    # the view holds the sample
    assert fig.layout.xaxis.range[0] < 1.0 < fig.layout.xaxis.range[1]
    assert fig.layout.yaxis.range[0] < 5.0 < fig.layout.yaxis.range[1]


def test_input_plane_for_identity_output_and_another_output() -> None:
    sc = dnn.seed_scenario()
    net = sc.network.replace(output="identity")
    fig = ff.input_plane_figure(net, sc.x, sc.d, "ja", k=0)
    out = fig.data[0]
    assert out.colorbar.title.text == "y1（出力の値）"
    # An unbounded output: the scale reaches exactly as far from 0.5 as y1 does on the plane, so white is y1 = 0.5
    z = np.asarray(out.z)
    reach = np.max(np.abs(z - 0.5))
    assert reach > 0.5  # y1 reaches beyond [0, 1] here, so this is not the probability's scale
    assert (out.zmin, out.zmax) == pytest.approx((0.5 - reach, 0.5 + reach))
    assert not any(t.meta["kind"] == "half" for t in fig.data)  # no probability, no y = 0.5 line


def test_zero_line_handles_steep_flat_and_missing_lines() -> None:
    box = ff.Box((-2.0, 2.0), (-3.0, 3.0))
    assert ff.zero_line(np.array([0.0, 0.0]), 1.0, box) is None
    x1, x2 = ff.zero_line(np.array([1.0, 0.0]), -0.5, box)  # vertical line x1 = 0.5
    np.testing.assert_allclose(x1, 0.5)
    x1, x2 = ff.zero_line(np.array([0.0, 2.0]), 1.0, box)  # horizontal line x2 = -0.5
    np.testing.assert_allclose(x2, -0.5)


def test_input_line_for_one_input() -> None:
    sc = shapes.resize_scenario(dnn.seed_scenario(), n_in=1)
    fig = ff.input_line_figure(sc.network, sc.x, sc.d, "en")
    assert [t.meta["kind"] for t in fig.data].count("output") == 2
    assert fig.layout.xaxis.title.text == "x1"


# ---------------------------------------------------------------- explanations


def test_forward_steps_show_the_notebooks_numbers(seed: dnn.Scenario) -> None:
    f = dnn.forward(seed.network, seed.x)
    steps = explain.forward_steps(seed.network, seed.x, seed.d, f, "en")
    assert len(steps) == 5
    text = " ".join(s.numbers for s in steps)
    for expected in ("1.2 & 2.5 & 3.8", "1.86 & 4.21", "0.08707 & 0.9129", "0.0910913"):
        assert expected in text
    assert "0.09109133136" in steps[-1].notes[0]  # the loss the notebook never prints
    sums = [notebook.sigma_y(n) for n in steps[3].notes if "Σy" in n]
    assert len(sums) == 1 and notebook.within_ulps(sums[0], 1.0)  # its last bit is the BLAS kernel's
    ja = explain.forward_steps(seed.network, seed.x, seed.d, f, "ja")
    assert "総入力" in ja[0].title and "中間層出力" in ja[1].title and "誤差 E" in ja[4].title


def test_long_formulas_break_into_aligned_lines() -> None:
    sc = shapes.resize_scenario(dnn.seed_scenario(), n_in=8, n_hidden=16, n_samples=10)
    f = dnn.forward(sc.network, sc.x)
    numbers = explain.forward_steps(sc.network, sc.x, sc.d, f, "en")[0].numbers
    assert numbers.startswith(r"\begin{aligned}") and r"\cdots" in numbers and r"\vdots" in numbers


def test_tex_num_writes_exponents_as_powers_of_ten() -> None:
    assert explain.tex_num(1.5e-5) == r"1.5\times10^{-5}"
    assert explain.tex_num(-0.02611973) == "-0.02612"
    assert explain.tex_num(-0.0) == "0"


@pytest.mark.parametrize("output", ["softmax", "sigmoid", "identity"])
def test_q1_long_chain_equals_y_minus_d(output: str) -> None:
    sc = dnn.seed_scenario()
    net = sc.network.replace(output=output)
    f = dnn.forward(net, sc.x)
    _, _, chain = dnn.output_chain(output, f.y[0], sc.d[0])
    np.testing.assert_allclose(chain, f.y[0] - sc.d[0], atol=1e-15)
    blocks = explain.q1_blocks(net, f, sc.d, "mean", "en")
    table = next(b.body for b in blocks if b.kind == "table")
    assert list(table.columns) == ["y1", "y2"]
    assert table.iloc[0, 0] == table.iloc[1, 0]


def test_q1_softmax_jacobian_and_overflow_warning() -> None:
    y = notebook.notebook_numbers(**notebook.initial_parameters())["y"][0]
    _, J, _ = dnn.output_chain("softmax", y, np.array([0.0, 1.0]))
    np.testing.assert_allclose(J, np.diag(y) - np.outer(y, y))
    sc = dnn.seed_scenario()
    net = sc.network.replace(b2=[800.0, 0.0])  # y2 underflows to 0 while d asks for it
    f = dnn.forward(net, sc.x)
    blocks = explain.q1_blocks(net, f, sc.d, "mean", "en")
    assert any(b.kind == "warning" for b in blocks)


def test_q2_sums_each_samples_delta_over_axis_0(seed: dnn.Scenario) -> None:
    bx, bd, added = dnn.claims.demo_batch(seed.network, seed.x, seed.d)
    assert added and bx.tolist() == [[1.0, 5.0], [2.0, -1.0]] and bd.tolist() == [[0, 1], [1, 0]]
    table = next(b.body for b in explain.q2_blocks(seed.network, seed.x, seed.d, "mean", "en") if b.kind == "table")
    rows = table.to_numpy(dtype=float)
    np.testing.assert_allclose(rows[2], rows[0] + rows[1], rtol=1e-7)  # the sum over axis 0
    np.testing.assert_allclose(rows[3], rows[2] / 2, rtol=1e-7)  # the mean
    np.testing.assert_allclose(rows[0], NB_DELTA2[0], atol=5e-9)
    assert not any("on this screen" in r for r in table.index)  # a demo batch is not the screen's
    two = presets.two_samples()
    assert dnn.claims.demo_batch(two.network, two.x, two.d)[2] is False  # the scenario's own samples


def test_q3_factors_multiply_to_delta1(seed: dnn.Scenario) -> None:
    f, g = _grads(seed)
    table = next(b.body for b in explain.q3_blocks(seed.network, seed.x, f, g, "en") if b.kind == "table")
    rows = table.to_numpy(dtype=float)
    np.testing.assert_allclose(rows[0] * rows[1], rows[2], rtol=1e-7)
    np.testing.assert_allclose(rows[2], NB_DELTA1[0], atol=5e-9)
    sig = seed.network.replace(hidden="sigmoid")
    fs, gs = dnn.forward(sig, seed.x), dnn.backward(sig, seed.x, seed.d)
    text = " ".join(b.body for b in explain.q3_blocks(sig, seed.x, fs, gs, "en") if b.kind == "markdown")
    assert "wrong" in text  # d_sigmoid(z1) ≠ d_sigmoid(u1)


def test_q4_bias_gradient_equals_delta(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    tables = [b.body for b in explain.q4_blocks(g, "ja") if b.kind == "table"]
    for t in tables:
        assert t.iloc[0].tolist() == t.iloc[1].tolist()


def test_dead_relu_units_are_named() -> None:
    sc = presets.dead_relu()
    f = dnn.forward(sc.network, sc.x)
    assert dnn.dead_units(sc.network, f) == [2]
    assert "h3" in explain.dead_unit_warning([2], "en") and "h3" in explain.dead_unit_warning([2], "ja")
    assert dnn.dead_units(dnn.seed_network(), dnn.forward(dnn.seed_network(), [[1.0, 5.0]])) == []


def test_one_sgd_step_matches_the_notebook_and_the_first_order_prediction(seed: dnn.Scenario) -> None:
    _, g = _grads(seed)
    step = dnn.step_report(seed.network, seed.x, seed.d, g, seed.lr)
    before, after = notebook.losses_by_hand()
    assert step.loss_before == pytest.approx(before, rel=1e-12)
    assert step.loss_after == pytest.approx(after, rel=1e-12)
    norm2 = sum(float(np.sum(v**2)) for v in g.params().values())
    assert step.predicted == pytest.approx(-seed.lr * norm2)
    assert step.actual == pytest.approx(step.predicted, rel=0.05)
    np.testing.assert_allclose(step.after.b2, notebook.printed("バイアス2", 1), atol=notebook.PRINTED_ATOL)
    blocks = explain.sgd_blocks(seed.network, g, step, seed.lr, "mean", "en")
    metrics = next(b.body for b in blocks if b.kind == "metrics")
    assert metrics[0].value == f"{before:.8g}" and metrics[1].delta_color == "inverse"


def test_reduction_note_names_the_reduction() -> None:
    assert "mean" in explain.reduction_note("mean", 3, "en")
    assert "合計" in explain.reduction_note("sum", 3, "ja")


def test_gradient_check_explains_a_relu_kink() -> None:
    # x = [0, 0] and b1[h1] = 0 put u1 of h1 exactly on ReLU's kink: backprop takes the slope 0 there, central
    # differences see half of it, so the two disagree; the verdict says why instead of calling backprop wrong.
    sc = dnn.seed_scenario()
    sc = sc.replace(network=sc.network.replace(b1=[0.0, 0.2, 0.3]), x=[[0.0, 0.0]])
    g = dnn.backward(sc.network, sc.x, sc.d)
    numerical = dnn.numerical_gradient(sc.network, sc.x, sc.d).params()
    worst = dnn.max_relative_error(g.params(), numerical)
    assert worst > 1e-3
    block = explain.gradient_check_verdict(worst, dnn.forward(sc.network, sc.x).u1, "en", "relu")
    assert block.kind == "warning" and "kink" in block.body
