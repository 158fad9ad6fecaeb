"""deploy/'s nginx configuration, run for real: three `streamlit run app.py` processes behind Debian's nginx on local
ports (what deploy/compose.yaml runs in containers), and a learner's journey through it.

The proxy must (1) spread browsers over the processes and keep each browser on one of them — Streamlit keeps a
session in the process that holds its websocket — and (2) pass the websocket through, so that every screen works.
Which process served a request is read from nginx's access log (its ``upstream=`` field), not from the app.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    exceptions,
    go_to,
    launch_server,
    open_app,
    share_link,
    share_params,
    shows_number,
    start_proxy,
    stop_server,
    title,
    wait_healthy,
)
from tests.browser.test_deep_links import PATHS
from tests.browser.test_journeys import SHARED, type_into_last_column
from ui.widgets.pages_nav import PAGES

PROCESSES = 3
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) route=(?P<route>\S+) upstream=(?P<up>\S+)'
)


@pytest.fixture(scope="module")
def proxy() -> Iterator[dict[str, Any]]:
    """Three app processes (started together) and nginx in front of them; every process is stopped afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        logs = [open(workdir / f"streamlit-{i}.log", "wb") for i in range(PROCESSES)]  # noqa: SIM115
        running: list[Any] = []
        try:
            servers = [launch_server(log) for log in logs]
            running += [proc for proc, _ in servers]
            for proc, base in servers:
                wait_healthy(proc, base)
            nginx, base = start_proxy([b for _, b in servers], workdir)
            running.append(nginx)
            yield {"base": base, "backends": [b.removeprefix("http://") for _, b in servers], "dir": workdir}
        finally:
            for proc in reversed(running):
                stop_server(proc)
            for log in logs:
                log.close()


def access_log(proxy: dict[str, Any]) -> list[dict[str, str]]:
    """nginx's access log so far, one dict per request (method, path, status, route, upstream)."""
    time.sleep(0.2)  # nginx writes a line when the request is over: give the last one a moment
    text = (proxy["dir"] / "access.log").read_text()
    return [m.groupdict() for m in LOG_LINE.finditer(text)]


def get(url: str, cookie: str | None = None) -> tuple[bytes, list[str]]:
    """GET ``url`` (with ``lab_route=cookie`` if given); returns the body and the Set-Cookie headers."""
    headers = {"Cookie": f"lab_route={cookie}"} if cookie else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
        return response.read(), response.headers.get_all("Set-Cookie") or []


def upstreams_by_route(proxy: dict[str, Any]) -> dict[str, set[str]]:
    """For each route cookie seen so far, the app processes that served it."""
    seen: dict[str, set[str]] = defaultdict(set)
    for line in access_log(proxy):
        seen[line["route"]].add(line["up"])
    return seen


def test_routes_spread_over_every_process_and_stick(proxy):
    routes = [secrets.token_hex(16) for _ in range(30)]
    for route in routes:
        for _ in range(2):
            body, _cookies = get(proxy["base"] + "/_stcore/health", route)
            assert body == b"ok"
    seen = upstreams_by_route(proxy)
    assert all(len(seen[route]) == 1 for route in routes), "a browser's requests went to more than one process"
    # 30 browsers reach all three processes (and every one of them answers "ok" through nginx): with consistent
    # hashing each process owns about a third of the routes, so missing one has a chance of about 3·(2/3)^30 ≈ 2e-5.
    assert set().union(*(seen[route] for route in routes)) == set(proxy["backends"])

    # A browser without the cookie gets one (32 hex digits), and its first request was routed by that same value.
    _body, cookies = get(proxy["base"] + "/")
    given = [m.group(1) for c in cookies if (m := re.match(r"lab_route=([0-9a-f]{32});", c))]
    assert len(given) == 1 and "HttpOnly" in next(c for c in cookies if c.startswith("lab_route="))
    assert given[0] in upstreams_by_route(proxy)
    # Streamlit's scripts come from nginx's cache after the first request, whichever process would serve them.
    page = get(proxy["base"] + "/")[0].decode()
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', page).group(1)
    statuses = []
    for route in routes[:3]:
        with urllib.request.urlopen(
            urllib.request.Request(f"{proxy['base']}/{script}", headers={"Cookie": f"lab_route={route}"}), timeout=10
        ) as response:
            assert response.read()
            statuses.append(response.headers["X-Cache-Status"])
    assert statuses[0] in ("MISS", "HIT") and statuses[1:] == ["HIT", "HIT"]
    # A share link with 256 samples of 8 inputs (20 KB, past nginx's default 8 KB request line) opens through nginx.
    long_link = "x=" + ";".join(",".join(["-0.123456"] * 8) for _ in range(256))
    assert len(long_link) > 20_000 and get(f"{proxy['base']}/Sweep?{long_link}")[0]
    # A browser that already has a route keeps it: no new cookie; a mangled one is replaced.
    assert not [c for c in get(proxy["base"] + "/", given[0])[1] if c.startswith("lab_route=")]
    assert [c for c in get(proxy["base"] + "/", "not-ours")[1] if c.startswith("lab_route=")]


def requests_of(proxy: dict[str, Any], route: str) -> list[dict[str, str]]:
    """The logged requests of the browser with route cookie ``route``, once its websocket has been logged."""
    deadline = time.time() + 10
    while True:
        mine = [line for line in access_log(proxy) if line["route"] == route]
        if any(line["path"] == "/_stcore/stream" for line in mine) or time.time() > deadline:
            return mine


def route_to_another_process(proxy: dict[str, Any], avoid: str) -> str:
    """A fresh route cookie that nginx sends to a process other than ``avoid`` (found by asking nginx)."""
    for _ in range(50):
        route = secrets.token_hex(16)
        get(proxy["base"] + "/_stcore/health", route)
        if (served := upstreams_by_route(proxy)[route]) and avoid not in served:
            return route
    raise AssertionError("every route went to one process")


def test_a_learner_journey_through_the_proxy(proxy, new_page):
    base = proxy["base"]
    page = new_page(fresh_context=True)  # its own cookie jar: a browser that has not met the proxy yet
    open_app(page, f"{base}/Backprop?{SHARED}")
    assert title(page) == "Backprop" and exceptions(page) == []
    params = share_params(page)
    assert params["W1"] == "0.2,0.3,0.5;0.2,0.4,0.6" and params["x"] == "2,1"
    assert share_link(page).startswith(f"{base}/Backprop?")  # the link names the proxy, which learners can reach

    # An edit on the Scenario screen: W1[x1, h3] 0.5 → 0.75; by hand, u1 of h3 = 2·0.75 + 1·0.6 + 0.3 = 2.4.
    go_to(page, "Scenario", "/")
    type_into_last_column(page.get_by_test_id("stDataFrame").first, row=0, value="0.75", expect_old="0.5")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("W1=0.2,0.3,0.75;")
    edited = share_params(page)
    assert edited == {**params, "W1": "0.2,0.3,0.75;0.2,0.4,0.6"}

    # Every screen, each over the same websocket: right title, no error, the edit kept in the share link.
    for entry in PAGES[1:]:
        go_to(page, entry.en, PATHS[entry.path])
        assert title(page) == entry.en and exceptions(page) == [], entry.en
        assert share_params(page) == edited, entry.en
        assert share_link(page).startswith(f"{base}{PATHS[entry.path]}?")
        if entry.path == "pages/1_Forward.py":
            assert shows_number(page, 2 * 0.75 + 1 * 0.6 + 0.3)
    x, W1 = np.array([2.0, 1.0]), np.array([[0.2, 0.3, 0.75], [0.2, 0.4, 0.6]])
    np.testing.assert_allclose(x @ W1 + [0.1, 0.2, 0.3], [0.7, 1.2, 2.4])  # the by-hand value above

    # Every request of this browser, the websocket included, went to one process. (nginx logs a websocket when it
    # closes: close the tab first.)
    link = share_link(page)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "lab_route")
    page.close()
    mine = requests_of(proxy, cookie)
    assert [line["status"] for line in mine if line["path"] == "/_stcore/stream"] == ["101"]
    served_by = {line["up"] for line in mine} - {"-"}  # "-": a script nginx served from its cache
    assert len(served_by) == 1, f"one browser was served by {served_by}"

    # The share link, opened by another browser that nginx sends to another process, shows the same scenario.
    other = new_page(fresh_context=True)
    route = route_to_another_process(proxy, avoid=next(iter(served_by)))
    other.context.add_cookies([{"name": "lab_route", "value": route, "url": base}])
    open_app(other, link)
    assert title(other) == PAGES[-1].en and exceptions(other) == []  # the screen the link was copied on
    assert share_params(other) == edited and share_link(other) == link
    other.close()
    theirs = requests_of(proxy, route)
    assert [line["status"] for line in theirs if line["path"] == "/_stcore/stream"] == ["101"]
    their_process = {line["up"] for line in theirs} - {"-"}
    assert their_process != served_by and len(their_process) == 1
