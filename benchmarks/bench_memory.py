"""The server's memory under many sessions and after they leave, measured on a real ``streamlit run app.py``.

Sessions are real Streamlit sessions over the app's websocket (``/_stcore/stream``), driven by a small client that
sends what a browser sends (a ``rerun_script`` message with the link's query string and the page's name) and waits
for the server's "script finished": every script run, state and cache of the server is the real one, without
the cost of a browser per learner. Two measurements, the server's resident memory (RSS, from /proc) after each:

- ``scenarios``: ``--scenarios`` sessions (default 200), each opening the Training screen with a different scenario
  (random sizes up to 8-16-8, 1-64 samples, 500-5,000 steps) and every tenth the Sweep too, ``--parallel`` at a
  time; each session closes after its runs. The caches of runs are bounded in bytes, so memory levels off.
- ``class``: ``--class-size`` learners (default 30) open a teacher's link (8-16-8, 64 samples) on Training, then
  Backprop and Sweep, all open together; then all close, and memory is read every ``--every`` seconds for
  ``--linger`` seconds (Streamlit keeps a closed session for ``server.disconnectedSessionTTL``, 120 s, in case it
  reconnects). Finally one more learner comes and goes.
- ``browsers`` (only with ``--only browsers``; needs Debian's chromium): ``--class-size`` learners as tabs of headless
  Chromium, ``--tabs`` at a time (at most 5), each in a context of its own doing a whole visit (a typed cell, a CSV
  uploaded, every download button, ▶ Play, slow motion, the Sweep, Compare's pin and load, the Quiz) and closing its
  tab; the server runs with ``server_probe.py`` inside, so the table says what it holds as well as its RSS.

Run from the repository root (local addresses only; the server is started and stopped here)::

    python benchmarks/bench_memory.py                     # both, about 10 minutes
    python benchmarks/bench_memory.py --only class --linger 200
    python benchmarks/bench_memory.py --only browsers --server-option server.disconnectedSessionTTL=120
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import dnn  # noqa: E402
from ui.session import codec  # noqa: E402

TIMEOUT = 300.0  # seconds a single script run may take before the client gives up


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


APP_DIR = ROOT  # --app-dir: another checkout of the app, e.g. to measure before a change
SERVER_OPTIONS: list[str] = []  # --server-option: more `streamlit run` options, e.g. server.disconnectedSessionTTL=10
PROBE: list[Path] = []  # a file for server_probe.py's samples: the server then runs with the probe inside
PROBE_SECONDS = 5.0


@contextmanager
def server() -> Iterator[tuple[int, int]]:
    """A fresh ``streamlit run app.py`` (of ``APP_DIR``) on a free local port; yields (port, pid)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        start = [sys.executable, "-m", "streamlit"]
        if PROBE:
            probe = ROOT / "benchmarks" / "server_probe.py"
            start = [sys.executable, str(probe), str(PROBE[0]), str(PROBE_SECONDS), "--"]
        proc = subprocess.Popen(
            [*start, "run", "app.py", "--server.headless=true", f"--server.port={port}",
             "--server.address=127.0.0.1", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
             *(f"--{option}" for option in SERVER_OPTIONS)],
            cwd=APP_DIR, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.time() + 60
            while not _healthy(port):
                if time.time() > deadline or proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError("server did not start:\n" + log.read().decode(errors="replace")[-2000:])
                time.sleep(0.2)
            yield port, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _healthy(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok"
    except OSError:
        return False


def rss_mb(pid: int) -> float:
    """The process's resident memory in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Session:
    """One learner's Streamlit session over the websocket, as a browser tab holds it."""

    def __init__(self, port: int) -> None:
        from websockets.sync.client import connect

        self.ws = connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
            open_timeout=60,
        ).__enter__()  # held open across calls, closed by ``close``

    def open(self, page: str, query: str) -> None:
        """Run ``page`` ("" for Home, "Training", ...) with the link's ``query``, as a click or a link does; return
        when the run is over."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        self.ws.send(msg.SerializeToString())
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            data = self.ws.recv(timeout=TIMEOUT)
            if not isinstance(data, bytes):
                continue
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            finished = fwd.WhichOneof("type") == "script_finished"
            if finished and fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return
        raise TimeoutError(f"{page} did not finish in {TIMEOUT} s")

    def close(self) -> None:
        self.ws.close()


def random_scenario(rng: np.random.Generator) -> dnn.Scenario:
    """A scenario as a learner might make one: random sizes, samples, targets, η and steps."""
    n_in, n_h, n_out = int(rng.integers(1, 9)), int(rng.integers(1, 17)), int(rng.integers(2, 9))
    n = int(rng.integers(1, 65))
    net = dnn.random_network(n_in, n_h, n_out, seed=int(rng.integers(1 << 30)))
    x = np.round(rng.normal(size=(n, n_in)), 3)
    d = np.eye(n_out)[rng.integers(0, n_out, n)]
    return dnn.Scenario(
        net, x, d, lr=float(np.round(10 ** rng.uniform(-3, -0.5), 4)), steps=int(rng.integers(5, 51)) * 100
    )


def teacher_scenario(samples: int = 64, steps: int = 5000) -> dnn.Scenario:
    """A teacher's link for the class: the largest network (8-16-8), ``samples`` samples, ``steps`` steps."""
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(samples, 8)), 3)
    d = np.eye(8)[rng.integers(0, 8, samples)]
    return dnn.Scenario(dnn.random_network(8, 16, 8, seed=3), x, d, lr=0.05, steps=steps)


def scenarios_run(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(0)
    links = [codec.query_string(random_scenario(rng)) for _ in range(args.scenarios)]
    with server() as (port, pid):
        print(f"\n### {args.scenarios} different scenarios, {args.parallel} sessions at a time\n")
        print(f"| sessions done | server RSS |\n|---:|---:|\n| 0 | {rss_mb(pid):.0f} MB |")
        done = [0]
        lock = threading.Lock()

        def learner(i: int) -> None:
            s = Session(port)
            try:
                s.open("Training", links[i])
                if i % 10 == 0:
                    s.open("Sweep", links[i])
            finally:
                s.close()
            with lock:
                done[0] += 1
                if done[0] % 20 == 0:
                    print(f"| {done[0]} | {rss_mb(pid):.0f} MB |", flush=True)

        t0 = time.time()
        with ThreadPoolExecutor(args.parallel) as pool:
            list(pool.map(learner, range(args.scenarios)))
        print(f"\n{args.scenarios} sessions in {time.time() - t0:.0f} s; RSS now {rss_mb(pid):.0f} MB")


def class_run(args: argparse.Namespace) -> None:
    link = codec.query_string(teacher_scenario())
    with server() as (port, pid):
        print(f"\n### a class of {args.class_size}: teacher's link, Training, Backprop, Sweep; then all leave\n")
        before = rss_mb(pid)
        sessions: list[Session] = []

        def learner(_: int) -> Session:
            s = Session(port)
            for page in ("", "Training", "Backprop", "Sweep"):
                s.open(page, link)
            return s

        with ThreadPoolExecutor(args.parallel) as pool:
            sessions = list(pool.map(learner, range(args.class_size)))
        print(f"| moment | server RSS |\n|---|---:|\n| before | {before:.0f} MB |")
        print(f"| {args.class_size} sessions open | {rss_mb(pid):.0f} MB |", flush=True)
        for s in sessions:
            s.close()
        t0 = time.time()
        while (elapsed := time.time() - t0) <= args.linger:
            print(f"| all closed, {elapsed:.0f} s later | {rss_mb(pid):.0f} MB |", flush=True)
            time.sleep(args.every)
        learner(0).close()
        time.sleep(2)
        print(f"| one more learner came and went | {rss_mb(pid):.0f} MB |")


# ---------------------------------------------------------------- a class of real browsers (``--only browsers``)

VERBOSE = bool(os.environ.get("BENCH_VERBOSE"))  # each browser step's time on stderr
BROWSER_STEPS = 2000  # the teacher's link's steps: each tab's Sweep then takes about a minute on this machine
ACTION_MS = 120_000  # one action's limit (the machine's 2 cores run the server and five tabs)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--no-first-run", "--disable-renderer-backgrounding",
                "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]  # fmt: skip


def class_csv(samples: int, seed: int) -> str:
    """A learner's own data: 8 inputs and a label column of the 8 classes (every class present), as a CSV file."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=(samples, 8)), 3)
    labels = np.arange(samples) % 8
    rows = (",".join(f"{v:g}" for v in row) + f",{label}" for row, label in zip(x, labels, strict=True))
    return "x1,x2,x3,x4,x5,x6,x7,x8,label\n" + "\n".join(rows) + "\n"


class BrowserJourney:
    """One learner's whole visit in a tab of headless Chromium (a context of its own: cookies, cache, downloads):
    every screen, every kind of request a browser makes (page, scripts, images, media files of the download buttons,
    an upload, widget states). A step that fails is recorded and the journey goes on."""

    def __init__(self, index: int, page: Any, base: str, workdir: Path) -> None:
        self.index, self.page, self.base, self.workdir = index, page, base, workdir
        self.stream: Any = None
        self.failed: list[str] = []
        self.seconds: dict[str, float] = {}  # by step
        self.downloads = 0

        def on_websocket(ws: Any) -> None:
            if ws.url.endswith("/_stcore/stream"):
                self.stream = ws

        page.on("websocket", on_websocket)

    async def _rerun(self, action: Any) -> None:
        """Do ``action`` (a coroutine function that makes the app rerun) and wait until the run is over and drawn."""
        from tests.browser.conftest import SETTLED, is_run_end

        async with self.stream.expect_event("framereceived", predicate=is_run_end, timeout=ACTION_MS):
            await action()
        await self.page.wait_for_selector(SETTLED, timeout=ACTION_MS)

    async def _download(self, button: Any) -> None:
        async with self.page.expect_download(timeout=ACTION_MS) as info:
            await button.click()
        download = await info.value
        await download.path()  # the whole file has arrived
        self.downloads += 1

    async def _step(self, name: str, action: Any) -> None:
        t0 = time.time()
        try:
            await action()
        except Exception as e:  # a learner's step that fails is counted, the visit goes on
            self.failed.append(f"{name}: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
        self.seconds[name] = self.seconds.get(name, 0.0) + time.time() - t0
        if VERBOSE:
            print(f"  learner {self.index}: {name} {time.time() - t0:.1f} s", file=sys.stderr, flush=True)

    async def _screen(self, label: str) -> None:
        link = self.page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
        await self._rerun(link.filter(has_text=re.compile(rf"{re.escape(label)}\s*$")).click)

    async def _key(self, key: str) -> Any:
        """The button of the widget with ``key`` (Streamlit marks its container with ``st-key-<key>``)."""
        button = self.page.locator(f".st-key-{key} button").first
        await button.scroll_into_view_if_needed(timeout=ACTION_MS)
        return button

    async def visit(self, link: str) -> None:
        from tests.browser.conftest import SETTLED

        page = self.page
        await page.goto(self.base + link, wait_until="commit", timeout=ACTION_MS)
        await page.get_by_test_id("stSidebar").get_by_test_id("stCode").first.wait_for(timeout=ACTION_MS)
        await page.wait_for_selector(SETTLED, timeout=ACTION_MS)
        await self._step("edit a cell", self._edit_cell)
        await self._step("data: CSV upload", self._upload_csv)
        await self._step("sidebar downloads", self._sidebar_downloads)
        await self._step("Training", lambda: self._screen("Training"))
        await self._step("Training: play", self._play)
        await self._step("Training: CSV", lambda: self._then_download("train_csv"))
        await self._step("Training: pin", lambda: self._then_click("train_pin"))
        await self._step("Backprop", lambda: self._screen("Backprop"))
        for _ in range(2):
            await self._step("Backprop: next", lambda: self._then_click("slowmo_next"))
        await self._step("Sweep", lambda: self._screen("Learning-rate sweep"))
        await self._step("Compare", lambda: self._screen("Compare"))
        await self._step("Compare: pin", lambda: self._then_click("compare_repin"))
        await self._step("Compare: load", lambda: self._then_click("compare_load"))
        await self._step("Quiz", lambda: self._screen("Quiz"))
        await self._step("Quiz: check", self._quiz_check)
        await self._step("Quiz: worksheet", self._worksheet)

    async def _then_click(self, key: str) -> None:
        button = await self._key(key)
        await self._rerun(button.click)

    async def _then_download(self, key: str) -> None:
        await self._download(await self._key(key))

    async def _edit_cell(self) -> None:
        """Type a value of the learner's own into W1's first row (so no two learners share a training run)."""
        page = self.page
        grid = page.get_by_test_id("stDataFrame").first
        editor = page.get_by_test_id("portal").locator("input, textarea").first
        await page.evaluate("document.fonts.ready.then(() => true)")
        for attempt in range(4):
            await grid.scroll_into_view_if_needed()
            await page.wait_for_timeout(500)  # the grid sizes its columns once drawn
            box = await grid.bounding_box()
            await page.mouse.dblclick(box["x"] + 120, box["y"] + 35 * 1.5)
            try:
                await editor.wait_for(timeout=3_000 * (attempt + 1))
                break
            except Exception:
                continue
        await editor.fill(f"0.{self.index + 11:03d}")
        await self._rerun(lambda: editor.press("Enter"))

    async def _upload_csv(self) -> None:
        page = self.page
        await page.get_by_role("tab", name="Data sets").click()
        await page.get_by_role("tab", name="Your own data (CSV)").click()
        path = self.workdir / f"learner-{self.index}.csv"
        path.write_text(class_csv(128, self.index))
        uploader = page.locator("input[type='file'][accept*='.csv']").first
        await self._rerun(lambda: uploader.set_input_files(path))
        await self._then_click("data_csv_use")

    async def _sidebar_downloads(self) -> None:
        sidebar = self.page.get_by_test_id("stSidebar")
        await sidebar.locator("summary").filter(has_text="Save / load / export").first.click()
        await self._download(await self._key("sidebar_download"))
        await self._download(await self._key("sidebar_worked_example"))  # made on the click (a callable)

    async def _play(self) -> None:
        """▶ 4× on the film: the browser animates it (nothing asked of the server); watch it for 3 s."""
        chart = self.page.locator(".st-key-train_play").get_by_test_id("stPlotlyChart")
        await chart.scroll_into_view_if_needed(timeout=ACTION_MS)
        await chart.locator(".updatemenu-button").nth(4).click(timeout=ACTION_MS)
        await self.page.wait_for_timeout(3_000)

    async def _worksheet(self) -> None:
        await self.page.get_by_text("Worksheet to print").click()
        await self._then_download("quiz_sheet_html_0")  # made on the click (a callable)

    async def _quiz_check(self) -> None:
        await self._rerun(self.page.get_by_role("button", name="Check").first.click)


def probe_samples() -> list[dict[str, Any]]:
    """The server probe's samples so far."""
    if not PROBE or not PROBE[0].exists():
        return []
    return [json.loads(line) for line in PROBE[0].read_text().splitlines() if line.strip()]


def probe_row(moment: str, pid: int) -> str:
    """One line of the table: the moment, RSS now, and what the server's latest probe sample says it holds."""
    samples = probe_samples()
    last = samples[-1] if samples else {}
    mb = lambda key: f"{last.get('bytes', {}).get(key, 0) / 2**20:.1f}"  # noqa: E731
    app = last.get("app", {})
    caches = sum(c.get("bytes", 0) for c in app.values()) / 2**20
    objects = next((s["objects"] for s in reversed(samples) if "objects" in s), 0)
    return (
        f"| {moment} | {rss_mb(pid):.0f} MB | {last.get('sessions', '?')} ({last.get('active', '?')} connected) | "
        f"{last.get('media_files', '?')} / {mb('st_memory_media_file_storage')} MB | "
        f"{mb('session_state_arrays')} MB | "
        f"{mb('st_cache_data')} MB | {caches:.1f} MB | {objects / 1e6:.2f} M |"
    )


def browsers_run(args: argparse.Namespace) -> None:
    """A class of ``--class-size`` browser learners, ``--tabs`` at a time, each closing its tab when done; then
    nobody, for ``--linger`` seconds; then one more learner."""
    import asyncio

    from playwright.async_api import async_playwright

    from tests.browser.conftest import CHROMIUM

    link = "/?" + codec.query_string(teacher_scenario(args.samples, BROWSER_STEPS))
    ttl = next((o.split("=", 1)[1] for o in SERVER_OPTIONS if o.startswith("server.disconnectedSessionTTL=")), None)
    print(f"\n### {args.class_size} browser learners, {args.tabs} tabs at a time, closed tab kept for "
          f"{ttl or 'the configured'} s\n")  # fmt: skip
    print(f"Teacher's link: 8-16-8, {args.samples} samples, {BROWSER_STEPS:,} steps, {len(link):,} characters.\n")
    header = ("| moment | RSS | sessions kept | media files / MB | arrays in session states | st.cache_data "
              "| runs + sweeps | Python objects |\n|---|---:|---:|---:|---:|---:|---:|---:|")  # fmt: skip

    async def run(port: int, pid: int, workdir: Path) -> None:
        base = f"http://127.0.0.1:{port}"
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            try:

                async def learner(index: int) -> BrowserJourney:
                    ctx = await browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
                    page = await ctx.new_page()
                    page.set_default_timeout(ACTION_MS)
                    journey = BrowserJourney(index, page, base, workdir)
                    try:
                        await journey.visit(link)
                    except Exception as e:
                        journey.failed.append(f"page: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
                    finally:
                        await ctx.close()
                    return journey

                print(header)
                print(probe_row("before any learner", pid), flush=True)
                peak = 0.0
                journeys: list[BrowserJourney] = []
                t0 = time.time()
                for start in range(0, args.class_size, args.tabs):
                    batch = range(start, min(start + args.tabs, args.class_size))
                    journeys += await asyncio.gather(*(learner(i) for i in batch))
                    peak = max([peak] + [s["rss_mb"] for s in probe_samples()])
                    print(probe_row(f"{batch.stop} learners done (last tab closed)", pid), flush=True)
                print(f"| (peak RSS while the class worked) | {peak:.0f} MB | | | | | | |")
                closed = time.time()
                while (elapsed := time.time() - closed) <= args.linger:
                    print(probe_row(f"all closed, {elapsed:.0f} s later", pid), flush=True)
                    await asyncio.sleep(args.every)
                await learner(args.class_size)
                await asyncio.sleep(PROBE_SECONDS + 1)
                print(probe_row("one more learner came and went", pid), flush=True)
                await asyncio.sleep(args.every)
                print(probe_row(f"… {args.every:.0f} s later", pid), flush=True)
                steps = sum(1 for j in journeys for _ in j.failed)
                print(f"\nThe class took {closed - t0:.0f} s; {sum(j.downloads for j in journeys)} files downloaded; "
                      f"{steps} steps failed.")  # fmt: skip
                for j in journeys:
                    for failure in j.failed:
                        print(f"- learner {j.index}: {failure}")
            finally:
                await browser.close()

    with tempfile.TemporaryDirectory() as tmp:
        PROBE[:] = [Path(tmp) / "probe.jsonl"]
        with server() as (port, pid):
            asyncio.run(run(port, pid, Path(tmp)))
            samples = probe_samples()
        if args.probe_log is not None:
            args.probe_log.write_text("".join(json.dumps(s) + "\n" for s in samples))
        if samples:
            last_types = next((s["types"] for s in reversed(samples) if "types" in s), {})
            print("\nMost numerous live Python objects at the end: " + ", ".join(
                f"{name} {count:,}" for name, count in list(last_types.items())[:8]))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["scenarios", "class", "browsers"], default=None)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--parallel", type=int, default=4, help="sessions running at once")
    parser.add_argument("--tabs", type=int, default=5, help="browsers: tabs open at once (at most 5)")
    parser.add_argument("--samples", type=int, default=128, help="browsers: the teacher's link's samples")
    parser.add_argument("--probe-log", type=Path, default=None, help="browsers: keep the server probe's samples")
    parser.add_argument("--linger", type=float, default=150.0, help="seconds to watch memory after the class left")
    parser.add_argument("--every", type=float, default=30.0)
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the checkout whose app.py is served")
    parser.add_argument("--server-option", action="append", default=[], help="KEY=VALUE for `streamlit run`")
    args = parser.parse_args()
    SERVER_OPTIONS.extend(args.server_option)
    global APP_DIR
    APP_DIR = args.app_dir.resolve()
    options = " ".join(SERVER_OPTIONS) or "none"
    print(f"## Server memory (Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    print(f"\nApp in {APP_DIR.name}/; server options: {options}")
    if args.only in (None, "scenarios"):
        scenarios_run(args)
    if args.only in (None, "class"):
        class_run(args)
    if args.only == "browsers":  # not in the default run: it needs Chromium and about 15 minutes
        args.tabs = max(1, min(args.tabs, 5))
        args.class_size = max(1, min(args.class_size, 60))
        browsers_run(args)


if __name__ == "__main__":
    main()
