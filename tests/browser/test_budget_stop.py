"""A long training run in a real browser: it shows a progress bar, and leaving the screen stops it.

Whether the run stopped is read from what the learner sees, with no timing: a run that went on to its end would be
in the server's cache, so coming back to the screen would show the result at once; a run that stopped has to train
again, with its progress bar.
"""

from __future__ import annotations

import re

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import dnn
from dnn import budget
from tests.browser.conftest import SETTLED, exceptions, go_to, title
from ui.session import codec

PROGRESS = "[data-testid='stProgress']"


def long_link() -> str:
    """The largest network on 64 samples, with steps for about 8 s of work by ``dnn.budget``'s estimate (over its
    progress threshold, under its ceiling)."""
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(64, 8)), 3)
    d = np.eye(8)[rng.integers(0, 8, 64)]
    net = dnn.random_network(8, 16, 8, seed=2)
    step = budget.step_seconds(budget.train_request(net, 64, 1))
    steps = min(int(8.0 / step), dnn.LIMITS["max_steps"])
    assert budget.estimate_seconds(budget.train_request(net, 64, steps)) > budget.PROGRESS_SECONDS
    assert budget.estimate_seconds(budget.train_request(net, 64, steps)) < budget.CEILING_SECONDS
    return codec.query_string(dnn.Scenario(net, x, d, lr=0.01, steps=steps))


def test_leaving_a_long_run_stops_it(server, new_page):
    page = new_page()
    page.goto(f"{server}/Training?{long_link()}", wait_until="commit")
    page.wait_for_selector(PROGRESS)  # the run shows its progress
    go_to(page, "Forward pass", "/Forward")  # leave while it trains
    assert title(page) == "Forward pass" and not exceptions(page)
    # Back to Training: the run that was left did not go on to its end behind the learner's back (it would be
    # cached and drawn at once), so it trains again, with its bar, and this time to its end.
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    links.filter(has_text=re.compile(r"Training\s*$")).click()
    try:
        page.wait_for_selector(PROGRESS, timeout=30_000)
    except PlaywrightTimeoutError:
        raise AssertionError("no progress bar: the run that was left had gone on and been cached") from None
    page.wait_for_selector(SETTLED)
    page.get_by_text("E before training").wait_for()  # the run's results
    assert page.locator(PROGRESS).count() == 0 and not exceptions(page)
