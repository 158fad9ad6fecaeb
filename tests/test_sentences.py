"""Every sentence true: one test per defect of issue 10, each written to fail on the sentence it was about.

Numbers are checked against computations written here (plain numpy, finite differences), never against the text
generator's own arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import dnn
from tests.plotly_json import decode
from tests.test_pages_forward_backprop import chart, open_page
from ui.figures import figures_forward as ff
from ui.figures import figures_training as ft
from ui.session import presets
from ui.text import explain, worked_example

ROOT = Path(__file__).resolve().parent.parent
FORWARD, BACKPROP, TRAINING, COMPARE = (
    "pages/1_Forward.py",
    "pages/2_Backprop.py",
    "pages/3_Training.py",
    "pages/5_Compare.py",
)
TWO = {"x": "1,5;2,-1", "d": "0,1;1,0"}
TWO_X, TWO_D = np.array([[1.0, 5.0], [2.0, -1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])


def all_text(at) -> str:
    """Every string a learner reads on the page: markdown, captions, alerts, metrics, expanders, charts."""
    from docs.text_dump import _element_texts, _walk

    lines = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            if getattr(node, "type", "") == "expander":
                lines.append(node.label)
            else:
                lines.extend(_element_texts(node))
    return "\n".join(lines)


# ---------------------------------------------------------------- 1. what can overflow


def test_softmax_runs_can_overflow_the_counter_example():
    """The Two samples preset with an identity hidden layer at η = 100 overflows at step 66 (softmax output)."""
    sc = presets.two_samples()
    assert sc.network.output == "softmax"
    h = dnn.train(sc.network.replace(hidden="identity"), sc.x, sc.d, lr=100.0, steps=1000)
    assert h.diverged_at == 66


def test_no_text_says_softmax_cannot_overflow():
    """Neither the Training screen (both languages) nor README may claim that a softmax run cannot overflow."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cannot overflow" not in readme
    assert "Softmax + cross-entropy cannot" not in readme
    for lang in ("en", "ja"):
        at = open_page(TRAINING, {**TWO, "lr": "10", "steps": "200", "lang": lang})
        text = all_text(at)
        assert ("The loss went up" in text) if lang == "en" else ("誤差が増えました" in text)  # the message is there
        assert "cannot overflow" not in text
        assert "発散(オーバーフロー)はせず" not in text and "発散（オーバーフロー）はせず" not in text
        assert ("weights can still" in text) if lang == "en" else ("重みは" in text)


# ---------------------------------------------------------------- 2. the sum names what it shows


def test_sum_with_two_samples_names_E_sum_everywhere_on_backprop():
    at = open_page(BACKPROP, {**TWO, "reduction": "sum"})
    assert not at.exception
    for key in ("delta2", "delta1", "grad_W2", "grad_W1", "grad_b2", "grad_b1", "grad_check"):
        spec = str(chart(at, key))
        assert "∂E/∂" not in spec, key
        assert "E_sum" in spec, key
    latex = " ".join(str(e.value) for e in at.latex)
    assert r"\frac{\partial E}{\partial W_1}" not in latex
    assert r"E_{\mathrm{sum}}" in latex
    # and with the mean (or one sample) it is plain E
    at = open_page(BACKPROP, TWO)
    assert "E_sum" not in str(chart(at, "grad_W1"))


def test_sum_with_two_samples_in_the_worked_example():
    sc = dnn.seed_scenario().replace(x=TWO_X, d=TWO_D)
    for lang in ("en", "ja"):
        md = worked_example.worked_example_markdown(sc, "sum", lang)
        assert "∂E/∂W1" not in md and "δ2 = dE/du2" not in md
        assert "∂E_sum/∂W1" in md and "E_sum = Σ" in md
        md = worked_example.worked_example_markdown(sc, "mean", lang)
        assert "E_sum" not in md


def test_gradient_size_chart_names_E_sum():
    fig = ft.gradient_norm_figure(np.ones(5), "en", loss="E_sum").to_plotly_json()
    assert "∂E_sum/∂θ" in str(fig) and "∂E/∂θ" not in str(fig)


def test_training_gradient_chart_with_sum_and_two_samples():
    at = open_page(TRAINING, {**TWO, "reduction": "sum", "steps": "20"})
    spec = str(chart(at, "train_grad_chart"))
    assert "E_sum" in spec and "∂E/∂θ" not in spec


# ---------------------------------------------------------------- 3. the loss named for what it is


@pytest.mark.parametrize("output", ["sigmoid", "identity"])
def test_forward_loss_step_names_the_right_loss(output):
    net = dnn.seed_network().replace(output=output)
    x, d = np.array([[1.0, 5.0]]), np.array([[0.0, 1.0]])
    for lang in ("en", "ja"):
        step = explain.forward_steps(net, x, d, dnn.forward(net, x), lang)[4]
        assert "cross_entropy_error" not in " ".join(step.notes)
    if output == "sigmoid":
        step = explain.forward_steps(net, x, d, dnn.forward(net, x), "en")[4]
        assert step.formula.count("10^{-7}") == 2  # both logs carry the +1e-7 its E includes


# ---------------------------------------------------------------- 4. Σy with several samples


def test_output_sum_note_with_two_samples_matches_np_sum():
    net = dnn.seed_network()
    fwd = dnn.forward(net, TWO_X)
    total = float(np.sum(fwd.y))  # what the notebook's np.sum(y) prints
    for lang in ("en", "ja"):
        note = " ".join(explain.forward_steps(net, TWO_X, TWO_D, fwd, lang)[3].notes)
        assert "Σy = 1.0 (" not in note and "Σy = 1.0(" not in note
        assert f"{total:.6g}" in note or repr(total) in note
        assert "BLAS" in note


# ---------------------------------------------------------------- 5. the step inspector's gradient


def test_step_inspector_in_random_sample_mode_shows_that_samples_gradient():
    at = open_page(TRAINING, {**TWO, "steps": "5"})
    at.toggle(key="train_stochastic").set_value(True).run()
    h = dnn.train(dnn.seed_network(), TWO_X, TWO_D, lr=0.01, steps=5, stochastic=True, seed=0)
    text = all_text(at)
    assert "the gradient of step k + 1" not in text
    at.slider(key="train_step_5").set_value(2).run()
    i = int(h.sample_indices[2])
    net = h.network_at(2)
    expected = dnn.backward(net, TWO_X[i : i + 1], TWO_D[i : i + 1]).W1
    shown = decode(chart(at, "train_grad_W1")["data"][0]["z"])
    np.testing.assert_allclose(np.asarray(shown, dtype=float), expected, rtol=1e-9, atol=1e-15)


# ---------------------------------------------------------------- 6. what ReLU sets to 0


def test_relu_note_says_z1_becomes_0_not_u1():
    net = dnn.seed_network().replace(W1=np.array([[0.1, 0.3, 0.1], [0.2, 0.4, -0.4]]))
    x, d = np.array([[1.0, 5.0]]), np.array([[0.0, 1.0]])
    fwd = dnn.forward(net, x)
    assert fwd.u1[0, 2] < 0
    en = " ".join(explain.forward_steps(net, x, d, fwd, "en")[1].notes)
    assert "become 0" not in en and "z1 = 0" in en


# ---------------------------------------------------------------- 7. one symbol, one quantity


def test_q2_rows_say_y_minus_d_and_in_use_only_for_the_scenarios_own_batch():
    net = dnn.seed_network()
    rows = explain.q2_blocks(net, TWO_X, TWO_D, "mean", "en")
    table = next(b.body for b in rows if b.kind == "table")
    labels = list(table.index)
    assert not any(lab.startswith("#1 δ2") for lab in labels)
    assert any(lab.startswith("#1 y − d") for lab in labels)
    # one sample: the second row is the demo's, so nothing is "in use"
    one = explain.q2_blocks(net, TWO_X[:1], TWO_D[:1], "mean", "en")
    table = next(b.body for b in one if b.kind == "table")
    assert not any("in use" in lab for lab in table.index)


# ---------------------------------------------------------------- 8. what cancels


def test_q1_identity_does_not_claim_a_cancellation_and_softmax_states_sum_d_up_front():
    x, d = np.array([[1.0, 5.0]]), np.array([[0.0, 1.0]])
    for output in ("identity", "softmax", "sigmoid"):
        net = dnn.seed_network().replace(output=output)
        first = explain.q1_blocks(net, dnn.forward(net, x), d, "mean", "en")[0].body
        if output == "identity":
            assert "cancels" not in first and "dy/du2 = 1" in first
        if output == "softmax":
            assert "Σd = 1" in first or "Σₖ dₖ = 1" in first
    md = worked_example.worked_example_markdown(
        dnn.seed_scenario().replace(network=dnn.seed_network().replace(output="identity")), "mean", "en"
    )
    assert "cancels" not in md


# ---------------------------------------------------------------- 9. one rule for the gradient check


def test_gradient_check_caption_and_verdict_state_the_same_rule():
    tol = dnn.claims.GRADIENT_CHECK_TOLERANCE
    for lang in ("en", "ja"):
        caption = explain.gradient_check_intro("mean", 1, lang)
        assert "1e-10" not in caption
        assert "1e-6" in caption
        verdict = explain.gradient_check_verdict(9.9e-10, np.array([[1.0]]), lang, "tanh")
        assert verdict.kind == "success"
        assert explain.gradient_check_verdict(tol * 1.5, np.array([[1.0]]), lang, "tanh").kind != "success"


# ---------------------------------------------------------------- 10. the input plane


def test_input_plane_text_is_true_for_each_output():
    for output in ("softmax", "sigmoid", "identity"):
        net = dnn.seed_network().replace(output=output)
        text = ff.how_to_read(net, "en")
        assert "can only bend" not in text
        assert "changes its mind" not in text
    three = dnn.random_network(2, 3, 3, seed=0)
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [1.0, -1.0]])
    text = ff.how_to_read(three, "en", ff.input_plane_figure(three, x, np.eye(3), "en"))
    assert "boundary" not in text or "two" in text


# ---------------------------------------------------------------- 11. no developer words


def test_no_developer_words_on_the_sweep_and_backprop_screens():
    for page in ("pages/4_Sweep.py", BACKPROP):
        for lang in ("en", "ja"):
            text = all_text(open_page(page, {"lang": lang, "steps": "50"}))
            assert "dnn.sweep" not in text
            assert "guard" not in text and "ガード" not in text


def test_compare_differences_use_words_not_link_keys():
    """The notebook pinned as the baseline, the current scenario with another η and hidden activation."""
    at = open_page(COMPARE, {"lang": "ja", "lr": "0.1", "hidden": "identity", "steps": "50"})
    at.session_state["baseline"] = dnn.seed_scenario().replace(steps=50)
    at.run()
    assert not at.exception
    values = [str(v) for e in at.dataframe for v in e.value.to_numpy().ravel()]
    assert "学習率 η" in values and "恒等関数" in values
    assert not {"lr", "hidden", "identity", "relu", "steps", "output"} & set(values)


def test_japanese_hidden_menu_is_translated():
    at = open_page("app.py", {"lang": "ja"})
    options = [o for s in at.selectbox for o in s.options]
    assert "relu" not in options and "identity" not in options
    assert "恒等関数" in options


def test_home_diagram_names_E_sum_with_the_sum_over_two_samples():
    import json

    at = open_page("app.py", {**TWO, "reduction": "sum"})
    spec = " ".join(str(json.loads(e.proto.spec)) for e in at.get("plotly_chart"))
    assert "∂E_sum/∂W1" in spec and "∂E/∂W1" not in spec


def test_labels_come_from_one_table_with_the_registry_name_as_fallback():
    from ui.text.i18n import activation_label, output_label

    assert activation_label("identity", "ja") == "恒等関数" and activation_label("relu", "en") == "ReLU"
    assert activation_label("softplus", "ja") == "softplus"  # registered later, no translation yet
    assert output_label("identity", "ja") == "恒等関数 + 二乗誤差" and output_label("tanh_out", "en") == "tanh_out"


def test_compare_difference_titles_use_full_width_parentheses_in_japanese():
    fig = ft.difference_figure("W1", np.zeros((2, 3)), "ja").to_plotly_json()
    assert fig["layout"]["title"]["text"].startswith("ΔW1（重み）")
    assert (
        ft.difference_figure("b1", np.zeros(3), "en")
        .to_plotly_json()["layout"]["title"]["text"]
        .startswith("Δb1 (bias)")
    )


# ================================================================ the newest screens (a second read-through)

HIDDEN = ("relu", "sigmoid", "tanh", "identity")
OUTPUTS = ("softmax", "sigmoid", "identity")
REDUCTIONS = ("mean", "sum")


def perfect_network(hidden: str, output: str, n_out: int) -> dnn.Network:
    """A network whose output is exactly the one-hot target "last class": W2 = 0 and b2 = ±800, so that exp and
    the sigmoid round to exactly 0 and 1 (exp(−800) underflows to 0)."""
    b2 = np.full(n_out, -800.0 if output != "softmax" else 0.0)
    b2[-1] = 800.0
    if output == "identity":
        b2 = np.zeros(n_out)
        b2[-1] = 1.0
    return dnn.Network(
        W1=np.full((2, 3), 0.1), b1=np.zeros(3), W2=np.zeros((3, n_out)), b2=b2, hidden=hidden, output=output
    )


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_a_loss_below_zero_is_explained_with_the_number_it_has(hidden, output, reduction, n):
    """Home, Training and Sweep say why E can be below 0; the number they give is the E that dnn reports when every
    output equals its one-hot target exactly (softmax: one log term per sample, sigmoid: one per output)."""
    for n_out in (2, 3):
        net = perfect_network(hidden, output, n_out)
        x = np.tile([[1.0, 5.0]], (n, 1))
        d = np.zeros((n, n_out))
        d[:, -1] = 1.0
        e = dnn.loss(net, x, d)
        log_terms = {"softmax": 1, "sigmoid": n_out, "identity": 0}[output]
        assert e == pytest.approx(-log_terms * np.log(1 + 1e-7), rel=1e-6, abs=1e-300)  # independent: the 1e-7
        for lang in ("en", "ja"):
            note = explain.loss_below_zero_note(output, n_out, lang)
            if output == "identity":
                assert note == "" and e == 0.0
                continue
            assert e < 0
            assert explain.sci(e) in note, (note, e)
            assert "1e-7" in note
            assert "per output" not in note and "出力 1 個あたり" not in note


def test_home_explains_a_loss_of_minus_1e7():
    """y equals the one-hot d exactly: Home shows E = −1e-07 and, beside it, why."""
    link = {"W2": "0,0;0,0;0,0", "b2": "0,800"}
    for lang in ("en", "ja"):
        at = open_page("app.py", {**link, "lang": lang})
        metric = at.metric[0]
        assert float(metric.value) < 0
        shown = " ".join(c.value for c in at.caption)
        assert explain.sci(float(metric.value)) in shown
        assert "1e-7" in metric.proto.help
    at = open_page("app.py", {})  # the notebook's E > 0: no such caption
    assert not any("1e-7" in c.value for c in at.caption)


def test_training_log_scale_note_is_true_for_the_squared_error():
    """A loss of 0 with an identity output has nothing to do with a 1e-7 in a log (the squared error has none)."""
    text = explain.loss_below_zero_note("identity", 2, "en")
    assert "log" not in text
    source = (ROOT / "ui" / "screens" / "training_view.py").read_text(encoding="utf-8")
    assert "each output's term bottoms out" not in source


RULES = ("momentum", "adagrad", "rmsprop", "adam")


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_update_rule_texts_name_the_gradient_they_use(hidden, output, reduction, n):
    """Backprop's "one step of <rule>" and the rule's caption on Scenario/Training call g the gradient of E or of
    E_sum as it is: with the sum over two samples g is N times the mean loss's gradient."""
    from ui.text import optimizer_explain
    from ui.widgets import optimizer_controls

    net = dnn.seed_network().replace(hidden=hidden, output=output)
    x, d = (TWO_X, TWO_D) if n == 2 else (TWO_X[:1], TWO_D[:1])
    if output == "sigmoid":
        d = np.array([[0.0, 1.0], [1.0, 0.0]])[:n]
    g = dnn.backward(net, x, d, reduction)
    mean = dnn.numerical_gradient(net, x, d)  # the mean loss's gradient, by central differences
    ratio = float(np.sum(g.W2 * mean.W2) / np.sum(mean.W2 * mean.W2))
    is_sum = abs(ratio - 1.0) > 1e-3
    assert ratio == pytest.approx(n if reduction == "sum" else 1.0, rel=1e-4)
    named = "∂E_sum/∂W" if is_sum else "∂E/∂W"
    for rule in RULES:
        settings = dnn.optimizers.check_optimizer(rule)
        step = dnn.step_report(net, x, d, g, 0.01, rule, **settings)
        for lang in ("en", "ja"):
            loss = dnn.claims.loss_symbol(reduction, n)
            intro = optimizer_explain.step_blocks(net, g, step, 0.01, settings, lang, loss=loss)[0].body
            assert f"g = {named}" in intro, intro
            assert not is_sum or "g = ∂E/∂W" not in intro
            for raw in ("beta1", "beta2", "momentum =", "decay ="):
                assert raw not in intro, intro
            sc = dnn.Scenario(network=net, x=x, d=d, lr=0.01, steps=10, optimizer=rule)
            caption = optimizer_controls.rule_caption(sc, dnn.claims.loss_symbol(reduction, n), lang)
            assert f"g = {named}" in caption and "）（" not in caption and ")(" not in caption


def test_training_rule_step_in_random_sample_mode_says_whose_loss_it_shows():
    """Training's "step k + 1 of the update rule" with one random sample per step: the loss before the step that it
    shows is the drawn sample's, and the text says so (and which sample)."""
    from ui.text import optimizer_explain

    h = dnn.train(dnn.seed_network(), TWO_X, TWO_D, lr=0.01, steps=5, stochastic=True, seed=0, optimizer="adam")
    k = 2
    i = int(h.sample_indices[k])
    blocks = optimizer_explain.step_of_run(h, k, "en")
    before = next(b for b in blocks if b.kind == "metrics").body[0]
    sample_loss = dnn.loss(h.network_at(k), TWO_X[i : i + 1], TWO_D[i : i + 1])
    assert float(before.value) == pytest.approx(sample_loss, rel=1e-6)
    assert sample_loss != pytest.approx(dnn.loss(h.network_at(k), TWO_X, TWO_D), rel=1e-3)
    assert f"sample #{i + 1} alone" in blocks[0].body


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("output", OUTPUTS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_slow_motion_names_the_step_it_shows(hidden, output, reduction, n):
    """Slow motion draws one SGD step (dnn.sgd_step) of the gradient of E or E_sum; its words say which, also
    when the scenario's own rule is another one."""
    from ui.widgets import slow_motion

    net = dnn.seed_network().replace(hidden=hidden, output=output)
    x, d = TWO_X[:n], TWO_D[:n]
    g = dnn.backward(net, x, d, reduction)
    # the update phase's new b2 is an SGD step of the gradient of the mean loss, times N with the sum
    fig = slow_motion.phase_figure(net, x, d, 0.5, reduction, 3, "en")
    shown_b2 = [float(t.split("b2→")[1]) for tr_ in fig.data if tr_.meta and tr_.meta.get("layer") == "y"
                for t in tr_.text]  # fmt: skip
    grad_mean_b2 = np.sum(dnn.forward(net, x).y - d, axis=0) / n  # every output layer here: δ2 = (y − d)/N
    factor = n if reduction == "sum" else 1
    np.testing.assert_allclose(shown_b2, net.b2 - 0.5 * factor * grad_mean_b2, rtol=1e-3, atol=5e-4)
    named = "E_sum" if reduction == "sum" and n > 1 else "E"
    assert np.allclose(g.b2, (net.b2 - np.array(shown_b2)) / 0.5, rtol=1e-3, atol=1e-3)  # 4 digits shown
    for lang in ("en", "ja"):
        for phase in (1, 3):
            text = slow_motion.phase_text(phase, reduction, n, 0.5, lang, output=output, optimizer="adam")
            assert f"∂{named}/∂" in text
            if named == "E_sum":
                assert "∂E/∂" not in text
        update = slow_motion.phase_text(3, reduction, n, 0.5, lang, output=output, optimizer="adam")
        assert "SGD" in update and "Adam" in update
        assert "sigmoid" not in slow_motion.phase_text(1, reduction, n, 0.5, "ja", output=output)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_quiz_words_not_link_keys_and_the_rule_it_asks(lang):
    """The Quiz names the hidden activation as the menus do, its value menu without the link keys (delta2, gW1),
    counts without "(s)", and says that the new parameters are SGD's step when the scenario's rule is Adam."""
    from ui.text.i18n import activation_label

    at = open_page("pages/6_Quiz.py", {"hidden": "identity", "opt": "adam", "lang": lang})
    assert not at.exception
    text = all_text(at)
    scenario_line = next(c.value for c in at.caption if c.value.startswith(("The current scenario", "現在のシナリオ")))
    assert activation_label("identity", lang) in scenario_line
    assert lang == "en" or "identity" not in scenario_line
    step_note = next(i.value for i in at.info if "SGD" in i.value)  # the step asked is the notebook's SGD step
    assert "Adam" in step_note
    options = next(m.options for m in at.multiselect)
    assert not any(f"({key})" in o for o in options for key in ("delta2", "gW1", "u1", "W1_new"))
    assert "value(s)" not in text


@pytest.mark.parametrize("output", OUTPUTS)
def test_target_help_and_output_messages_use_the_menus_words(output):
    """The d grid's help and the messages after an output change name the output layer as its menu does
    (シグモイド関数, not sigmoid, in Japanese); the bounds they state are the ones dnn enforces."""
    from ui.text.i18n import activation_label
    from ui.widgets import editors

    for lang in ("en", "ja"):
        text = editors.target_help(output, lang)
        assert text.startswith(activation_label(output, lang) if output != "softmax" else "softmax")
        assert lang == "en" or "sigmoid" not in text
    bounds = dnn.OUTPUT_LAYERS[output].target_range
    if output == "sigmoid":
        assert bounds == (0.0, 1.0) and "0 and 1" in editors.target_help(output, "en")
    source = (ROOT / "ui" / "widgets" / "editors.py").read_text(encoding="utf-8")
    assert "{value} needs at least" not in source and "{value} が出せる値" not in source


def test_training_with_held_out_samples_shows_the_training_loss_once():
    """With a held-out share, Training showed the training loss twice ("E after step 300" and "Training loss E",
    the same number); it is shown once, and the held-out loss's help points to it."""
    link = {"data": "xor", "n": "40", "noise": "0.05", "test": "0.2", "steps": "300"}
    for lang in ("en", "ja"):
        at = open_page(TRAINING, {**link, "lang": lang})
        assert not at.exception
        labels = [m.label for m in at.metric]
        assert not any(label in ("Training loss E", "学習用の誤差 E") for label in labels), labels
        after = next(m for m in at.metric if m.label in ("E after step 300", "ステップ 300 の後の誤差 E"))
        held = next(m for m in at.metric if m.label in ("Held-out loss", "テスト用の誤差"))
        assert after.label in held.proto.help


def test_csv_help_says_which_class_a_label_is():
    """The CSV help counts labels from 0, the Data chart names classes from 1: the help says label 0 is class 1
    (y1), which is what parse_csv and the chart do."""
    from dnn import datasets
    from ui.figures.figures_play import samples_figure

    x, d = datasets.parse_csv("x1,x2,label\n0.5,-1,0\n1,2,1\n")
    assert d[0].tolist() == [1.0, 0.0]  # label 0 → target y1
    names = [t.name for t in samples_figure(x[:1], d[:1], "en").data if t.name]
    assert names == ["class 1"]
    at = open_page("app.py", {})
    assert any("label 0 is class 1, the output y1" in c.value for c in at.caption)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_quiz_names_the_summed_gradients_it_asks_for(reduction):
    """With the notebook's sum over two samples the Quiz's δ2 and gradients are N times the mean loss's (checked
    against central differences of the mean loss): every formula, heading, cell label and worksheet calls them
    ∂E_sum/∂…; with the mean, ∂E/∂…."""
    from dnn import quiz
    from ui.text import quiz_sheet

    sc = dnn.seed_scenario().replace(x=TWO_X, d=TWO_D)
    values = quiz.true_values(sc, reduction)
    numeric = dnn.numerical_gradient(sc.network, sc.x, sc.d)  # the mean loss E's gradient
    factor = float(np.sum(values["gW2"] * numeric.W2) / np.sum(numeric.W2 * numeric.W2))
    summed = abs(factor - 1.0) > 1e-3
    assert factor == pytest.approx(2.0 if reduction == "sum" else 1.0, rel=1e-4)
    for name in ("delta2", "gb2", "gW2", "delta1", "gb1", "gW1", "W1_new"):
        for text in quiz.formula(name, sc.network, 2, reduction):
            assert ("∂E_sum/" in text) == summed and ("∂E/" in text) != summed, text
    for lang in ("en", "ja"):
        sheet = quiz_sheet.sheet_markdown([quiz_sheet.SheetSpec(sc, None)], ["delta2", "gW2"], reduction, lang)
        assert ("∂E_sum/∂W2" in sheet) == summed and ("∂E/∂W2" in sheet) != summed
    link = {"x": "1,5;2,-1", "d": "0,1;1,0", "reduction": reduction, "ask": "gW2"}
    at = open_page("pages/6_Quiz.py", link)
    text = all_text(at) + " ".join(t.label for t in at.text_input)
    assert ("∂E_sum/∂W2" in text) == summed and ("∂E/∂W2" in text) != summed
