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


def launch_server(log: Any = subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free local port without waiting for it; returns (process, base URL).

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
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, base: str, seconds: float = 60) -> None:
    """Wait until the server at ``base`` answers "ok" on ``/_stcore/health``; kill it if it does not in time."""
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(base + "/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start within {seconds:.0f} s")


def start_server(log: Any = subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free local port and wait until it answers; returns (process, base URL)."""
    proc, base = launch_server(log)
    wait_healthy(proc, base)
    return proc, base


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by ``start_server``."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's package puts it in /usr/sbin, often not on PATH
DEPLOY = ROOT / "deploy"


def render_proxy_config(backends: list[str], port: int, workdir: Path) -> Path:
    """Write deploy/'s nginx configuration for local processes into ``workdir``; returns the main file to run.

    The site is ``deploy/nginx.conf.template`` as it is, with ``${LISTEN_PORT}`` and ``${CACHE_DIR}`` filled in as
    the official nginx image fills them in; the upstream list is ``deploy/upstreams.conf`` with each ``appN:8501``
    replaced by a local ``host:port`` of ``backends`` (every other parameter of the line kept). The main file around
    them holds only what the nginx image's own nginx.conf holds (events, http), with its paths in ``workdir``.
    """
    site = (DEPLOY / "nginx.conf.template").read_text().replace("${LISTEN_PORT}", f"127.0.0.1:{port}")
    site = site.replace("${CACHE_DIR}", str(workdir / "static-cache"))
    assert "${" not in site, "the template has a variable the test does not fill in"
    lines = (DEPLOY / "upstreams.conf").read_text().splitlines()
    servers = [i for i, line in enumerate(lines) if re.match(r"server app\d+:8501\b", line)]
    assert len(servers) == len(backends), f"deploy/upstreams.conf lists {len(servers)} processes, not {len(backends)}"
    for i, backend in zip(servers, backends, strict=True):
        lines[i] = re.sub(r"app\d+:8501", urlsplit(backend).netloc, lines[i], count=1)
    (workdir / "backprop-upstreams.conf").write_text("\n".join(lines) + "\n")
    (workdir / "site.conf").write_text(site)
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (workdir / temp).mkdir(exist_ok=True)
    # As root, nginx's workers would switch to an unprivileged user that cannot write here: keep them as root.
    user = "user root;" if os.geteuid() == 0 else ""
    main = workdir / "nginx.conf"
    main.write_text(
        f"""{user}
daemon off;
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include site.conf;
}}
"""
    )
    return main


def start_proxy(backends: list[str], workdir: Path) -> tuple[subprocess.Popen, str]:
    """Run Debian's nginx with deploy/'s configuration in front of ``backends`` on a free local port.

    Returns (process, base URL) once nginx answers through to an app process. Its access log (one line per request,
    with the route and the upstream that served it) is ``workdir / "access.log"``, its errors ``error.log``.
    """
    if not Path(NGINX).exists():
        pytest.fail("Debian's nginx is not installed (apt-get install nginx); .ci/run installs it")
    port = _free_port()
    conf = render_proxy_config(backends, port, workdir)
    with open(workdir / "access.log", "ab") as access:
        proc = subprocess.Popen(
            [NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")],
            stdout=access,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, base, seconds=20)
    except RuntimeError:
        errors = (workdir / "error.log").read_text(errors="replace") if (workdir / "error.log").exists() else ""
        raise RuntimeError(f"nginx did not answer within 20 s:\n{errors[-2000:]}") from None
    return proc, base


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


def is_run_end(payload: str | bytes) -> bool:
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
    with ws.expect_event("framereceived", predicate=is_run_end, timeout=TIMEOUT_MS):
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
