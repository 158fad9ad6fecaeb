"""▶ Play of a training run in a real browser, in both languages: the figure animates by itself (no rerun, nothing
sent to the server), each speed button sets the time between frames (measured here against its frame duration),
a speed chosen while playing carries on from the frame shown, Pause stops it, it stops at the end, and the step
slider scrubs."""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from tests.browser.conftest import exceptions, open_app
from ui.figures.figures_play import SPEEDS, frame_ms

LINK = "/Training?data=spiral&n=120&noise=0.05&data_seed=3&test=0.2&hidden=tanh&lr=0.5&steps=1000"
LABELS = {
    "en": {"speeds": ["▶ 0.25×", "▶ 0.5×", "▶ 1×", "▶ 2×", "▶ 4×"], "pause": "Pause", "step": "step"},
    "ja": {
        "speeds": ["▶ 0.25倍速", "▶ 0.5倍速", "▶ 1倍速", "▶ 2倍速", "▶ 4倍速"],
        "pause": "一時停止",
        "step": "ステップ",
    },
}
WATCH_MS = 3_000  # how long the frames are counted at each speed
# Plotly says which frame it draws, and when (plotly_animatingframe): record every one with the page's clock.
RECORD_FRAMES = """root => {
    window.framesDrawn = [];
    root.querySelector('.js-plotly-plot').on('plotly_animatingframe', e => window.framesDrawn.push(
        [performance.now(), Number(e.name), e.animation.frame.duration]));
}"""


def _play_chart(page: Any) -> Any:
    chart = page.locator(".st-key-train_play").get_by_test_id("stPlotlyChart")
    chart.scroll_into_view_if_needed()
    chart.locator(".updatemenu-button").first.wait_for()
    return chart


def _label(chart: Any) -> str:
    return chart.locator(".slider-container .slider-label").first.text_content().strip()


def _step(label: str) -> int:
    return int(re.sub(r"\D", "", label))


def _steps_seen(chart: Any, ms: int) -> list[int]:
    """The steps of the frames drawn during the next ``ms`` milliseconds."""
    t0 = chart.evaluate("() => performance.now()")
    chart.page.wait_for_timeout(ms)
    return [step for t, step, _ in chart.evaluate("() => window.framesDrawn") if t >= t0]


def _click(chart: Any, button: Any) -> float:
    """Click ``button``; returns the page's clock just before."""
    t0 = chart.evaluate("() => performance.now()")
    button.click()
    return t0


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_play_at_each_speed_pause_end_and_scrub_without_the_server(server, new_page, lang):
    words = LABELS[lang]
    page = new_page()
    sent: list[Any] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    open_app(page, f"{server}{LINK}&lang={lang}")
    assert not exceptions(page)
    chart = _play_chart(page)
    buttons = chart.locator(".updatemenu-button")
    assert [t.strip() for t in buttons.all_text_contents()] == [*words["speeds"], words["pause"]]
    assert _label(chart) == f"{words['step']} 0"
    before = chart.screenshot()
    quiet_from = len(sent)  # from here on the browser must ask the server for nothing

    chart.evaluate(RECORD_FRAMES)
    slow_from = _click(chart, buttons.nth(SPEEDS.index(0.25)))
    page.wait_for_timeout(WATCH_MS)
    buttons.nth(SPEEDS.index(4.0)).click()  # while playing: on from the frame shown, 4× as fast
    page.wait_for_timeout(WATCH_MS)
    drawn = chart.evaluate("() => window.framesDrawn")
    # Plotly was told each button's frame duration: 640 ms until the click on 4×, then 40 ms.
    durations = [duration for _, _, duration in drawn]
    switch = durations.index(frame_ms(4.0))
    assert set(durations[:switch]) == {frame_ms(0.25)} and set(durations[switch:]) == {frame_ms(4.0)}
    slow = [frame for frame in drawn[:switch] if frame[0] < slow_from + WATCH_MS]
    fast = [frame for frame in drawn[switch:] if frame[0] < drawn[switch][0] + WATCH_MS]
    # Every frame at 0.25× stayed at least 640 ms (less 10 % for the clock). At 4× the browser shows the next
    # frame as soon as it has drawn one: on a quiet machine many more frames in the same time; on one so loaded
    # that a frame takes as long to draw as 0.25× waits, at least as many.
    slow_gaps = [b[0] - a[0] for a, b in itertools.pairwise(slow)]
    assert len(slow) >= 3 and min(slow_gaps) >= 0.9 * frame_ms(0.25)
    assert len(fast) >= max(len(slow), 3)
    steps = [step for _, step, _ in slow + fast]
    assert steps == sorted(steps) and fast[0][1] > slow[-1][1] > 0  # carried on from the frame shown
    assert chart.screenshot() != before

    buttons.nth(len(SPEEDS)).click()  # Pause
    page.wait_for_timeout(300)
    paused_at, paused = _label(chart), chart.screenshot()
    page.wait_for_timeout(1_200)
    assert _label(chart) == paused_at and chart.screenshot() == paused and _step(paused_at) >= fast[-1][1]

    rail = chart.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.92, rail["y"] + rail["height"] / 2)  # scrub near the end
    page.wait_for_timeout(300)
    scrubbed = _label(chart)
    assert _step(paused_at) < _step(scrubbed) < 1_000
    assert _steps_seen(chart, 600) == [] and _label(chart) == scrubbed  # a scrub does not play

    buttons.nth(SPEEDS.index(4.0)).click()  # on to the end, where it stops
    last = f"{words['step']} 1,000"
    page.wait_for_function(
        "([root, t]) => root.querySelector('.slider-label').textContent.trim() === t",
        arg=[chart.element_handle(), last],
        timeout=90_000,
    )
    assert _steps_seen(chart, 1_000) == [] and _label(chart) == last

    assert len(sent) == quiet_from, "the browser sent the server something while the film played"
    assert page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning"
