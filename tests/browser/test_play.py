"""Play / Pause of a training run in a real browser: the figure animates by itself (no rerun), and stops."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import exceptions, open_app

LINK = "/Training?data=spiral&n=120&noise=0.05&data_seed=3&test=0.2&hidden=tanh&lr=0.5&steps=1000"


def _play_chart(page: Any) -> Any:
    chart = page.locator(".st-key-train_play").get_by_test_id("stPlotlyChart")
    if not chart.count():  # without a container key, find it by its buttons
        chart = page.get_by_test_id("stPlotlyChart").filter(has=page.locator(".updatemenu-button"))
    chart.first.scroll_into_view_if_needed()
    chart.first.locator(".updatemenu-button").first.wait_for()
    return chart.first


def _slider_value(chart: Any) -> str:
    return chart.locator(".slider-container .slider-label").first.text_content()


def test_play_changes_the_drawn_frame_and_pause_stops_it(server, new_page):
    page = new_page()
    open_app(page, server + LINK)
    assert not exceptions(page)
    chart = _play_chart(page)
    assert _slider_value(chart).strip() == "step 0"
    before = chart.screenshot()
    buttons = chart.locator(".updatemenu-button")
    buttons.nth(0).click()  # ▶ Play
    page.wait_for_timeout(1500)
    playing = chart.screenshot()
    assert playing != before
    buttons.nth(2).click()  # Pause
    page.wait_for_timeout(300)
    paused_at = _slider_value(chart)
    paused = chart.screenshot()
    page.wait_for_timeout(1200)
    assert _slider_value(chart) == paused_at != "step 0"
    assert chart.screenshot() == paused
    # No rerun while it played: the server was not asked for anything.
    assert page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning"
