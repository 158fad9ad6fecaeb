"""Real-browser fixtures: a freshly started `streamlit run app.py` and Debian's Chromium driven by Playwright.

Besides the fixtures, the helpers at the bottom (``settle``, ``share_params``, ``go_to`` …) are what the tests use
to act like a person and wait for the app: never a fixed sleep as synchronisation, always a condition.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The app has finished its run when stApp says so; waiting for this, not for fixed sleeps, keeps the tests robust.
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"
TIMEOUT_MS = 60_000


FAILURE_SHOTS = ROOT / "screenshots" / "browser-failures"  # screenshots/ is git-ignored


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so that fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(log: Any = subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free local port and wait until it answers; returns (process, base URL).

    Its output goes to ``log`` (a file: a pipe nobody reads would block the server once full).
    """
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not start within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by ``start_server``."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A freshly started server for each test module, so deep links hit a server that has run nothing yet.

    The end of its log is shown when it does not start.
    """
    with tempfile.TemporaryFile() as log:
        try:
            proc, base = start_server(log)
        except RuntimeError as error:
            log.seek(0)
            pytest.fail(f"{error}:\n" + log.read().decode(errors="replace")[-2000:])
        try:
            yield base
        finally:
            stop_server(proc)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium (Playwright cannot download its own browser here)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="module")
def shared_context(browser: Any) -> Iterator[Any]:
    """One browser context per test module: its tabs share the HTTP cache, so each loads the app's scripts faster."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def new_page(request: pytest.FixtureRequest, browser: Any, shared_context: Any) -> Iterator[Callable[..., Any]]:
    """Make a page that starts a new Streamlit session, 1366×900 like a laptop.

    Streamlit keeps a session per tab (per websocket), not per cookie jar, so a new tab is a new session; it opens
    in the module's shared context unless ``fresh_context`` asks for a context of its own (new cache and cookies).
    When the test fails, a screenshot of each of its pages goes to ``screenshots/browser-failures/``.
    """
    contexts, pages = [], []

    def make(accept_downloads: bool = True, fresh_context: bool = False) -> Any:
        ctx = shared_context
        if fresh_context or not accept_downloads:
            ctx = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=accept_downloads)
            contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        _watch_stream(page)
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURE_SHOTS.mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(pages):
            try:
                page.screenshot(path=FAILURE_SHOTS / f"{request.node.name}-{i}.png", full_page=True)
            except Exception as e:  # a crashed page must not hide the test's own failure
                print(f"no screenshot of page {i}: {e}")
    for page in pages:
        page.close()
    for ctx in contexts:
        ctx.close()


# ---------------------------------------------------------------- helpers for the tests


def settle(page: Any) -> None:
    """Wait until the script run triggered by the last action has finished (a guess: ``act`` knows).

    A run may start a moment after the action, so wait a little before trusting "notRunning".
    """
    page.wait_for_timeout(300)  # give the rerun time to start before waiting for it to finish
    page.wait_for_selector(SETTLED, timeout=TIMEOUT_MS)


# The app's websocket per page (the latest one: a reload opens a new one), for ``act``.
_STREAMS: dict[Any, Any] = {}


def _watch_stream(page: Any) -> None:
    """Remember the page's Streamlit websocket (``/_stcore/stream``) whenever it opens one."""

    def on_websocket(ws: Any) -> None:
        if ws.url.endswith("/_stcore/stream"):
            _STREAMS[page] = ws

    page.on("websocket", on_websocket)
    page.on("close", lambda _page: _STREAMS.pop(page, None))


def _is_run_end(payload: str | bytes) -> bool:
    """Whether a frame from the server says a script run is over (not one cut short for a rerun that follows)."""
    if not isinstance(payload, bytes):
        return False
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # not a ForwardMsg: not the end of a run
        return False
    return msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN


def act(page: Any, action: Callable[[], Any]) -> Any:
    """Do ``action`` (which must make the app rerun) and wait until that run is over and drawn.

    The server's own word ends the wait: its "script finished" message on the websocket. (The page's "running"
    state is not enough: a fast run can start and end within one render, so the page never shows it.) Then the
    page gets a moment to apply the last messages, and must be idle. Returns what ``action`` returns.
    """
    ws = _STREAMS.get(page)
    assert ws is not None, "open the page with open_app first"
    with ws.expect_event("framereceived", predicate=_is_run_end, timeout=TIMEOUT_MS):
        result = action()
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
    page.wait_for_selector(SETTLED)
    return result


def open_app(page: Any, url: str) -> None:
    """Load ``url`` in ``page`` and wait for its first run to finish (share link and title drawn, run over)."""
    page.goto(url, wait_until="commit")
    # The share link, drawn by the run: it has started (the first code box; the teacher's link builder has one too)
    page.get_by_test_id("stSidebar").get_by_test_id("stCode").first.wait_for()
    page.locator("h1").first.wait_for()
    page.wait_for_selector(SETTLED)


def share_link(page: Any) -> str:
    """The share link the sidebar shows (its first ``st.code``; the teacher's link builder below has another)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stCode").first.inner_text().strip()


def share_params(page: Any) -> dict[str, str]:
    """The share link's query parameters."""
    return dict(parse_qsl(urlsplit(share_link(page)).query, keep_blank_values=True))


def nav_labels(page: Any) -> list[str]:
    """The labels of the sidebar's page links, in order (without their icons' names)."""
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]


def expect_nav(page: Any, labels: list[str]) -> None:
    """Wait until the sidebar's page links read ``labels`` in order (the sidebar may still be redrawing)."""
    from playwright.sync_api import expect

    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    # Each link's text is its icon's name followed by the label: match the end.
    expect(links).to_have_text([re.compile(rf"{re.escape(label)}\s*$") for label in labels])


def go_to(page: Any, label: str, path: str) -> None:
    """Switch pages as a person does, by the sidebar's link ``label``; wait for ``path`` and the new page's run."""
    links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    # The link's text is its icon's name followed by the label ("arrow_forwardForward pass"): match the end.
    link = links.filter(has_text=re.compile(rf"{re.escape(label)}\s*$"))
    act(page, link.click)
    page.wait_for_url(re.compile(rf"^[^?]*{re.escape(path)}(\?.*)?$"))


def title(page: Any) -> str:
    """The page's title (its ``st.title``)."""
    return page.locator("h1").first.inner_text().strip()


def exceptions(page: Any) -> list[str]:
    """The texts of every uncaught exception Streamlit shows on the page."""
    return page.get_by_test_id("stException").all_inner_texts()


def main_numbers(page: Any) -> list[float]:
    """Every unsigned decimal number in the main area's text (tables on canvases are not text)."""
    return [float(m) for m in re.findall(r"\d+\.\d+", page.get_by_test_id("stMain").inner_text())]


def shows_number(page: Any, value: float, rel: float = 5e-4) -> bool:
    """Whether the main area shows ``value`` (to 4 significant digits or better; the sign is not checked)."""
    return any(abs(v - abs(value)) <= rel * abs(value) for v in main_numbers(page))
