"""Scenarios whose numbers leave the finite floats, opened on every screen that trains or steps (issue 16, items 2
and 3): each screen says what is wrong, in both languages, names what to change, and raises nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn

APP = str(Path(__file__).resolve().parent.parent / "app.py")
HOME, FORWARD, BACKPROP = "app.py", "pages/1_Forward.py", "pages/2_Backprop.py"
TRAINING, SWEEP, COMPARE = "pages/3_Training.py", "pages/4_Sweep.py", "pages/5_Compare.py"
# E = ½·Σ(y − d)² with y ≈ 1e155 overflows; so does the gradient ∂E/∂W2 = z1ᵀ·δ2 ≈ 1e155 · 1e155.
HUGE_IDENTITY = {"W1": "1e155,0.3,0.5;0.2,0.4,0.6", "output": "identity"}
# u1 = 1·1e308 + 5·1e308 overflows to inf already in the forward pass (softmax output).
HUGE_SOFTMAX = {"W1": "1e308,0.3,0.5;1e308,0.4,0.6"}
NOT_FINITE = {"en": "not a finite number", "ja": "有限の数ではありません"}
OVERFLOWS = {"en": "overflows", "ja": "オーバーフロー"}


def open_page(page: str, query: dict[str, str], lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    for k, v in {**query, "lang": lang}.items():
        at.query_params[k] = v
    if page != HOME:
        at.switch_page(page)
    return at.run()


def messages(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in (at.error, at.warning, at.info) for e in kind)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("query", [HUGE_IDENTITY, HUGE_SOFTMAX], ids=["identity-1e155", "softmax-1e308"])
def test_training_says_the_loss_is_not_finite_at_the_start(query, lang):
    at = open_page(TRAINING, query, lang)
    assert not at.exception
    text = messages(at)
    assert NOT_FINITE[lang] in text
    assert "W1" in text  # names the parameter to change: W1[1, 1], the weight from x1 to h1
    assert "1e+155" in text or "1e+308" in text
    assert not at.get("plotly_chart")  # no empty charts of a run that has no finite step


def compare_with_pinned(query: dict[str, str], lang: str) -> AppTest:
    """Compare opened on ``query``, the scenario pinned as the baseline from there."""
    at = open_page(COMPARE, query, lang)
    assert not at.exception
    at.button(key="compare_pin").click().run()
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("query", [HUGE_IDENTITY, HUGE_SOFTMAX], ids=["identity-1e155", "softmax-1e308"])
def test_compare_with_such_a_baseline_and_scenario_says_so(query, lang):
    at = compare_with_pinned(query, lang)
    assert not at.exception
    assert NOT_FINITE[lang] in messages(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_compare_after_loading_a_good_scenario_still_draws_the_current_run(lang):
    at = compare_with_pinned(HUGE_IDENTITY, lang)
    at.sidebar.button(key="sidebar_reset").click().run()  # back to the notebook; the bad baseline stays pinned
    assert not at.exception
    assert NOT_FINITE[lang] in messages(at)
    curves = [el for el in at.get("plotly_chart") if el.proto.id.endswith("-compare_curves")]
    assert len(curves) == 1  # the current run is drawn alone
    at.switch_page(TRAINING).run()  # the baseline has no curve: none is drawn or mentioned there
    assert not at.exception
    captions = " ".join(str(c.value) for c in at.caption)
    assert "baseline" not in captions and "基準" not in captions
    at.switch_page(COMPARE).run()
    # and back: the good baseline against the bad scenario
    at.button(key="compare_repin").click().run()
    at.button(key="compare_load").click().run()  # loads the (good) baseline: nothing to report
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_backprop_says_the_sgd_step_overflows_and_names_the_parameter(lang):
    at = open_page(BACKPROP, HUGE_IDENTITY, lang)
    assert not at.exception
    text = messages(at)
    assert OVERFLOWS[lang] in text
    assert "W2" in text  # ∂E/∂W2 is −inf: W2 − η·∂E/∂W2 is the first parameter to leave the finite numbers


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_backprop_with_an_overflowing_forward_pass_raises_nothing(lang):
    at = open_page(BACKPROP, HUGE_SOFTMAX, lang)
    assert not at.exception
    assert NOT_FINITE[lang] in messages(at)


PAIRWISE = [
    (HOME, HUGE_IDENTITY, "en"),
    (HOME, HUGE_SOFTMAX, "ja"),
    (FORWARD, HUGE_IDENTITY, "ja"),
    (FORWARD, HUGE_SOFTMAX, "en"),
    (SWEEP, HUGE_IDENTITY, "en"),
    (SWEEP, HUGE_SOFTMAX, "ja"),
]


@pytest.mark.parametrize(
    ("page", "query", "lang"),
    PAIRWISE,
    ids=[f"{p}-{'identity' if q is HUGE_IDENTITY else 'softmax'}-{lang}" for p, q, lang in PAIRWISE],
)
def test_the_other_screens_say_so_too(page, query, lang):
    """Home, Forward and Sweep say the loss is not a finite number and name W1[1, 1], in the page's language.

    Run pairwise (each page × scenario, page × language and scenario × language pair once: 6 runs, not 12). That
    keeps coverage: a page shows the message with one call, not_finite.start_text(start, lang), whatever made the
    numbers leave the floats, so no page has a path of its own for one scenario in one language; the message's wording
    for each scenario in each language is still checked on screen.
    """
    at = open_page(page, query, lang)
    assert not at.exception
    assert NOT_FINITE[lang] in messages(at) and "W1[1, 1]" in messages(at)


def test_the_scenarios_really_are_not_finite():
    # the cases above are what they claim: the loss at the start is not a finite number
    for query in (HUGE_IDENTITY, HUGE_SOFTMAX):
        w1 = np.array([[float(v) for v in row.split(",")] for row in query["W1"].split(";")])
        net = dnn.seed_network().replace(W1=w1, output=query.get("output", "softmax"))
        with np.errstate(all="ignore"):
            assert not np.isfinite(dnn.loss(net, [[1.0, 5.0]], [[0.0, 1.0]]))


def test_cells_are_named_as_on_the_scenario_screen_counted_from_1():
    from ui.text import not_finite

    names = {
        ("W1", (0, 2)): ("W1[1, 3] (x1 → h3)", "W1[1, 3]（x1 → h3）"),
        ("W2", (2, 1)): ("W2[3, 2] (h3 → y2)", "W2[3, 2]（h3 → y2）"),
        ("b1", (1,)): ("b1[2] (h2)", "b1[2]（h2）"),
        ("b2", (0,)): ("b2[1] (y1)", "b2[1]（y1）"),
        ("x", (1, 0)): ("x[2, 1] (sample #2, x1)", "x[2, 1]（サンプル #2、x1）"),
    }
    for (name, index), (en, ja) in names.items():
        cell = dnn.Cell(name, index, 1.0)
        assert (not_finite.cell_name(cell, "en"), not_finite.cell_name(cell, "ja")) == (en, ja)
