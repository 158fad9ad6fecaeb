"""How many learners does one server hold? N simulated learners, each a real Streamlit session, against local servers.

Like a class told to open the teacher's link, every learner, with a few seconds of thinking between steps:

1. opens the teacher's link (the Scenario screen);
2. types a value of its own into a weight cell of the grid (so no two learners share a cached training run);
3. opens Training (the scenario's 1,000 steps), then Backprop, then the Learning-rate sweep (its default).

Two kinds of learner (``--client``):

- ``socket`` (default): the page's HTTP request, then the app's websocket, sending the messages the page sends (run
  this link; the grid's edit; this page) and reading the replies until the server's "script finished". The server
  does the same work as for a browser; the learner costs the machine almost nothing, so 40 of them measure the
  server, not the client.
- ``browser``: a tab of headless Chromium in a context of its own, one browser for all, every chart and grid drawn;
  the time runs to ``[data-testid='stApp'][data-test-script-state='notRunning']`` after the server's message. Each
  tab costs a browser's work on this same machine, so at a few dozen learners the browser is the bottleneck: the
  CPU of both sides is reported to tell which.

For every action the time from the action (the page request, the edit, the click) to the end of the run it caused is
recorded. An action fails when it takes over a minute, or the run draws an exception or an error message, or the
screen is not the one asked for, or the share link misses the learner's edit. The server's memory (resident set of
the streamlit processes) is sampled throughout, and read again ``--after`` seconds after the learners leave
(Streamlit keeps a closed session for ``server.disconnectedSessionTTL``, 120 s by default).

Runs (each on freshly started servers, local addresses only, bounded in learners and in time)::

    python benchmarks/load_test.py                       # 10, 20, 40 learners on one process
    python benchmarks/load_test.py --hog                 # the same, while one more session opens the costliest link
    python benchmarks/load_test.py --processes 3         # three processes behind deploy/'s nginx configuration
    python benchmarks/load_test.py --client browser --learners 10
    python benchmarks/load_test.py --learners 5 --quick  # a smoke run

``--client browser`` needs Debian's chromium and ``--processes 3`` Debian's nginx, as the browser tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    SETTLED,
    is_run_end,
    launch_server,
    start_proxy,
    stop_server,
    wait_healthy,
)

MAX_LEARNERS = 60  # the machine's limit as much as the test's: each learner is a browser tab
RUN_LIMIT_S = 600  # a whole run (one N) is cut off after this long
ACTION_LIMIT_MS = 60_000
TEACHER = "/?W1=0.2,0.3,0.5;0.2,0.4,0.6&x=2,1&lang=en"  # a teacher's link: the notebook's network, another input
SCREENS = [("Training", "/Training"), ("Backprop", "/Backprop"), ("Learning-rate sweep", "/Sweep")]
ROW_PX = 35  # a grid row on screen (row 0 is the header)
BLOCKED = {"image", "font", "media"}  # what a learner's tab need not download (--light: lighter clients)


SWEEP_DEFAULT_RUNS = 9  # the Learning-rate sweep's default number of learning rates (a link cannot set it)


def costliest_link() -> str:
    """The most expensive link the app accepts, opened on the Learning-rate sweep: the largest network (8 inputs,
    16 hidden, 8 outputs), 256 samples and the most steps — all a link allows, or, where the app has a work budget
    (``dnn.budget``), the most steps within its ceiling."""
    import dnn

    rng = np.random.default_rng(0)
    limits = dnn.LIMITS
    n_in, n_h, n_out, n = limits["max_inputs"], limits["max_hidden"], limits["max_outputs"], limits["max_samples"]
    net = dnn.Network(
        W1=rng.normal(0, 0.3, (n_in, n_h)),
        b1=np.zeros(n_h),
        W2=rng.normal(0, 0.3, (n_h, n_out)),
        b2=np.zeros(n_out),
        hidden="relu",
        output="softmax",
    )
    steps = limits["max_steps"]
    try:
        from dnn import budget
    except ImportError:  # no work budget in this version of the app: a link may ask for the most steps
        budget = None
    if budget is not None:
        request = budget.sweep_request(net, n, steps, SWEEP_DEFAULT_RUNS)
        steps = min(steps, budget.largest_within(request, "steps") or 1)

    def matrix(a: np.ndarray) -> str:
        return ";".join(",".join(f"{v:.3g}" for v in row) for row in np.atleast_2d(a))

    parts = {
        "W1": matrix(net.W1),
        "b1": matrix(net.b1),
        "W2": matrix(net.W2),
        "b2": matrix(net.b2),
        "x": matrix(rng.normal(0, 1, (n, n_in))),
        "d": matrix(np.eye(n_out)[rng.integers(0, n_out, n)]),
        "lr": "0.01",
        "steps": str(steps),
        "lang": "en",
    }
    return "/Sweep?" + "&".join(f"{k}={v}" for k, v in parts.items())


# ---------------------------------------------------------------- one learner, as a person would act


@dataclass
class Action:
    """One action of one learner: its name, how long until its rerun was over (s), and what went wrong."""

    learner: int
    name: str
    seconds: float | None
    error: str = ""
    finished: float | None = None  # when the server's "script finished" message arrived (s after the action)


class BrowserLearner:
    """A learner as a tab of headless Chromium in a context of its own (cookies, cache): the real thing, with the
    page's scripts, charts and grids drawn, so it costs the machine a browser's work per learner."""

    def __init__(self, index: int, page: Any) -> None:
        self.index, self.page, self.stream = index, page, None
        self.actions: list[Action] = []

        def on_websocket(ws: Any) -> None:
            if ws.url.endswith("/_stcore/stream"):
                self.stream = ws

        page.on("websocket", on_websocket)

    async def _until_run_ends(self, action: Any) -> tuple[float, float]:
        """Do ``action`` (a coroutine function) and wait until the rerun it caused is over and drawn (as ``act`` in
        tests/browser/conftest.py: the server's "script finished" message, then the page idle). Returns the seconds
        from the action to the drawn page, and to the server's message (what the browser's drawing does not add)."""
        t0 = time.perf_counter()
        async with self.stream.expect_event("framereceived", predicate=is_run_end, timeout=ACTION_LIMIT_MS):
            await action()
        finished = time.perf_counter() - t0
        await self.page.wait_for_selector(SETTLED, timeout=ACTION_LIMIT_MS)
        return time.perf_counter() - t0, finished

    async def problems(self) -> str:
        """An exception or error message the screen shows, if any."""
        for test_id in ("stException", "stAlertContentError"):
            texts = await self.page.get_by_test_id(test_id).all_inner_texts()
            if texts:
                return f"{test_id}: {texts[0][:120]}"
        return ""

    async def open_link(self, url: str, limit_s: float = ACTION_LIMIT_MS / 1000) -> tuple[float, None]:
        """Load ``url`` and wait (at most ``limit_s``) for its first run to be drawn; the seconds that took."""
        t0 = time.perf_counter()
        await self.page.goto(url, wait_until="commit", timeout=ACTION_LIMIT_MS)
        await self.page.get_by_test_id("stSidebar").get_by_test_id("stCode").wait_for(timeout=limit_s * 1000)
        await self.page.wait_for_selector(SETTLED, timeout=limit_s * 1000)
        return time.perf_counter() - t0, None

    async def edit_cell(self, value: str) -> tuple[float, float]:
        """Type ``value`` into W1's last cell of the first row (a double-click on the grid's canvas opens the
        cell's editor); the seconds from the Enter key to the end of the rerun."""
        page = self.page
        grid = page.get_by_test_id("stDataFrame").first
        editor = page.get_by_test_id("portal").locator("input, textarea").first
        await page.evaluate("document.fonts.ready.then(() => true)")
        for attempt in range(4):
            await grid.scroll_into_view_if_needed()
            await page.wait_for_timeout(300)  # the grid sizes its columns once drawn
            box = await grid.bounding_box()
            content = await grid.locator(".dvn-stack > div").first.bounding_box()
            await page.mouse.dblclick(box["x"] + content["width"] - 12, box["y"] + ROW_PX * 1.5)
            try:
                await editor.wait_for(timeout=3_000 * (attempt + 1))
                break
            except Exception:
                continue
        await editor.fill(value)
        times = await self._until_run_ends(lambda: editor.press("Enter"))
        code = await page.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
        if f"W1=0.2,0.3,{value};" not in code:
            raise AssertionError(f"the share link does not carry the typed {value}")
        return times

    async def open_screen(self, label: str, path: str) -> tuple[float, float]:
        """Click the sidebar's link ``label``; the seconds from the click to the end of the new screen's run."""
        link = self.page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
        link = link.filter(has_text=re.compile(rf"{re.escape(label)}\s*$"))
        times = await self._until_run_ends(link.click)
        if not re.match(rf"^[^?]*{re.escape(path)}(\?.*)?$", self.page.url):
            raise AssertionError(f"landed on {self.page.url}")
        return times

    async def close(self) -> None:
        await self.page.context.close()


class SocketLearner:
    """A learner as a bare Streamlit session: the HTTP request for the page (which also picks up the proxy's route
    cookie), then the app's websocket (``/_stcore/stream``), sending the messages the page sends — run the script
    with this link, with this cell edited, on this page — and reading the server's replies until "script finished".
    The server does exactly the work a browser's session causes; nothing is drawn, so it costs the machine little."""

    def __init__(self, index: int, base: str) -> None:
        self.index, self.base = index, base
        self.actions: list[Action] = []
        self.ws: Any = None
        self.cookie = ""
        self.query = ""
        self.pages: dict[str, str] = {}  # URL path ("" for Home) → the page's script hash
        self.elements: list[tuple[str, Any]] = []  # the last run's elements: (type, proto)

    async def _run(
        self, path: str, query: str, widgets: list[Any] = (), limit_s: float = ACTION_LIMIT_MS / 1000
    ) -> float:
        """Ask for a run of the page at ``path`` with ``query`` (and ``widgets``' states); read until it is over."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_script_hash = self.pages.get(path.strip("/"), "")
        state.page_name = path.strip("/")  # the first run knows no page hashes yet: the server goes by the name
        state.context_info.url = self.base + path  # st.context.url: what the share link is built on
        state.widget_states.widgets.extend(widgets)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.elements = []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=limit_s))
            kind = reply.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in reply.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query = reply.page_info_changed.query_string
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                what = element.WhichOneof("type")
                self.elements.append((what, getattr(element, what)))
            elif kind == "script_finished" and reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter() - t0

    def _first(self, what: str) -> Any:
        return next((e for w, e in self.elements if w == what), None)

    async def problems(self) -> str:
        """An exception or error message the last run drew, if any."""
        for what, element in self.elements:
            if what == "exception":
                return f"exception: {element.message[:120]}"
            if what == "alert" and element.format == 1:  # Alert.ERROR
                return f"error message: {element.body[:120]}"
        return ""

    async def open_link(self, url: str, limit_s: float = ACTION_LIMIT_MS / 1000) -> tuple[float, float]:
        """Load ``url``'s page as a browser does (keeping the proxy's route cookie), open the websocket, run it."""
        import websockets

        t0 = time.perf_counter()
        cookies = await asyncio.to_thread(_load_page, url)
        self.cookie = "; ".join(cookies)
        parts = urlsplit(url)
        self.ws = await websockets.connect(
            self.base.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            open_timeout=limit_s,
        )
        await self._run(parts.path, parts.query, limit_s=limit_s)
        seconds = time.perf_counter() - t0
        return seconds, seconds

    async def edit_cell(self, value: str) -> tuple[float, float]:
        """Send W1's editor the edit a browser sends after a value is typed into its first row's last cell."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        editor = next(e.id for _, e in self.elements if "editor_W1" in getattr(e, "id", ""))
        edit = {"edited_rows": {"0": {"h3": float(value)}}, "added_rows": [], "deleted_rows": []}
        seconds = await self._run("/", self.query, [WidgetState(id=editor, string_value=json.dumps(edit))])
        code = self._first("code")
        if code is None or f"W1=0.2,0.3,{value};" not in code.code_text:
            raise AssertionError(f"the share link does not carry the typed {value}")
        return seconds, seconds

    async def open_screen(self, label: str, path: str) -> tuple[float, float]:
        """Ask for the page at ``path`` as the sidebar's link does; check that its title is ``label``."""
        seconds = await self._run(path, self.query)
        heading = self._first("heading")
        if heading is None or heading.body != label:
            raise AssertionError(f"{path} drew {heading.body if heading else 'no title'!r}")
        return seconds, seconds

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _load_page(url: str) -> list[str]:
    """What a browser with an empty cache fetches before it opens the websocket: the page, the scripts and styles
    it names, the server's health and configuration. Returns the ``name=value`` of each cookie set on the way (the
    proxy's route cookie among them), which go with every later request as a browser's would. (The scripts the page
    loads later, on demand — the charts', the grids' — are not fetched: a lower bound of the server's file work.)"""
    cookies: dict[str, str] = {}

    def get(address: str) -> bytes:
        header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        request = urllib.request.Request(address, headers=header)
        with urllib.request.urlopen(request, timeout=ACTION_LIMIT_MS / 1000) as response:
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                cookies[name] = value
            return response.read()

    page = get(url).decode(errors="replace")
    root = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    for asset in re.findall(r'(?:src|href)="\.?/?(static/[^"]+\.(?:js|css))"', page):
        get(f"{root}/{asset}")
    for endpoint in ("/_stcore/health", "/_stcore/host-config"):
        get(root + endpoint)
    return [f"{k}={v}" for k, v in cookies.items()]


async def timed(learner: Any, name: str, step: Any) -> bool:
    """Run ``step`` (a coroutine function that returns the seconds to the drawn page and to the server's message,
    or None for the latter) and record it; False if it failed."""
    finished = None
    try:
        seconds, finished = await step()
        error = await learner.problems()
    except Exception as e:  # a timeout or a lost connection is an error of the run, not of the load test
        seconds, error = None, f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:120]}"
    learner.actions.append(Action(learner.index, name, seconds, error, finished))
    return not error


async def learner_session(learner: Any, base: str, think: tuple[float, float], rng: random.Random) -> None:
    """One learner's visit: open the teacher's link, edit a cell, open three screens, thinking in between."""
    if not await timed(learner, "open link", lambda: learner.open_link(base + TEACHER)):
        return
    value = f"{0.5 + (learner.index + 1) / 1000:g}"  # each learner a different weight: no shared cache entry
    await asyncio.sleep(rng.uniform(*think))
    if not await timed(learner, "edit cell", lambda: learner.edit_cell(value)):
        return
    for label, path in SCREENS:
        await asyncio.sleep(rng.uniform(*think))
        if not await timed(learner, label, lambda label=label, path=path: learner.open_screen(label, path)):
            return


# ---------------------------------------------------------------- the server's memory and everyone's CPU


def _children() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            found.setdefault(parent, []).append(int(entry))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    children, tree, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def rss_mb(pids: list[int]) -> float:
    """The resident memory of the processes ``pids`` (MB)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        total += int(m.group(1)) if m else 0
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes ``pids`` have used so far (s)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def cpu_by_program(pids: list[int]) -> dict[str, float]:
    """CPU time used so far by ``pids``, summed by program name (chromium, node, python …)."""
    found: dict[str, float] = {}
    for pid in pids:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        found[name] = found.get(name, 0.0) + cpu_seconds([pid])
    return found


def machine_busy() -> tuple[float, float]:
    """The whole machine's (busy, total) CPU time from /proc/stat (all cores, s)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


# ---------------------------------------------------------------- a run


@dataclass
class RunResult:
    """What one run measured."""

    learners: int
    processes: int
    hog: bool
    client: str
    actions: list[Action]
    wall: float
    rss_peak: float
    rss_after: list[float]  # at each of the ``after`` times
    rss_start: float
    server_cpu: float
    client_cpu: float
    machine_cpu: float
    load: tuple[float, float]
    hog_note: str = ""
    client_programs: dict[str, float] = field(default_factory=dict)  # cores used, by program


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, by linear interpolation."""
    return float(np.quantile(np.array(values), q)) if values else float("nan")


async def run(
    learners: int,
    processes: int,
    hog: bool,
    think: tuple[float, float],
    arrival: float,
    seed: int,
    after_s: list[float],
    client: str = "socket",
    light: bool = False,
) -> RunResult:
    """Start the servers (and nginx for several processes), let ``learners`` learners visit, measure, stop all."""
    learners = min(learners, MAX_LEARNERS)
    tmp = tempfile.TemporaryDirectory()
    workdir = Path(tmp.name)
    logs = [open(workdir / f"streamlit-{i}.log", "wb") for i in range(processes)]  # noqa: SIM115
    running = []
    try:
        servers = [launch_server(log) for log in logs]
        running += [proc for proc, _ in servers]
        for proc, url in servers:
            wait_healthy(proc, url)
        base = servers[0][1]
        if processes > 1:
            nginx, base = start_proxy([url for _, url in servers], workdir)
            running.append(nginx)
        server_pids = lambda: [p for proc, _ in servers for p in process_tree(proc.pid)]  # noqa: E731
        sampled = {"peak": 0.0}
        stop = asyncio.Event()

        async def sample_memory() -> None:
            while not stop.is_set():
                sampled["peak"] = max(sampled["peak"], rss_mb(server_pids()))
                await asyncio.sleep(0.25)

        async with contextlib.AsyncExitStack() as stack:
            browser = None
            if client == "browser":
                from playwright.async_api import async_playwright

                pw = await stack.enter_async_context(async_playwright())
                browser = await pw.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
                          "--disable-component-update", "--no-first-run", "--disable-renderer-backgrounding",
                          "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"],
                )  # fmt: skip
                stack.push_async_callback(browser.close)
            rng = random.Random(seed)

            async def new_learner(index: int) -> Any:
                if browser is None:
                    return SocketLearner(index, base)
                ctx = await browser.new_context(viewport={"width": 1366, "height": 900})

                async def block(route: Any) -> None:
                    if route.request.resource_type in BLOCKED:
                        await route.abort()
                    else:
                        await route.continue_()

                if light:
                    await ctx.route("**/*", block)
                return BrowserLearner(index, await ctx.new_page())

            # A warm-up visit first (not measured): the server has imported everything and run each screen once,
            # as a server that has been up before the class starts.
            # Each process directly (behind the proxy a learner reaches only one of them).
            for _proc, server in servers:
                warm = SocketLearner(-1, server)
                await learner_session(warm, server, (0.0, 0.0), rng)
                await warm.close()

            client_pids = lambda: [p for p in process_tree(os.getpid()) if p not in set(server_pids())]  # noqa: E731
            rss_start = rss_mb(server_pids())
            cpu0 = (cpu_seconds(server_pids()), cpu_seconds(client_pids()), machine_busy())
            programs0 = cpu_by_program(client_pids())
            sampler = asyncio.create_task(sample_memory())
            t0 = time.perf_counter()
            hog_task, hog_learner, hog_note = None, None, ""
            if hog:
                hog_learner = await new_learner(10_000)
                link = base + costliest_link()
                hog_task = asyncio.create_task(
                    timed(hog_learner, "costliest link", lambda: hog_learner.open_link(link, RUN_LIMIT_S))
                )
                await asyncio.sleep(2)  # the costly run has started before the class arrives
            crowd = [await new_learner(i) for i in range(learners)]
            # A class opens the link within ``arrival`` seconds of being told to.
            sessions = [
                asyncio.create_task(
                    _after(rng.uniform(0, arrival), learner_session(learner, base, think, random.Random(seed + i)))
                )
                for i, learner in enumerate(crowd)
            ]
            _done, late = await asyncio.wait(sessions, timeout=RUN_LIMIT_S)
            for task in late:  # cut off: their missing actions count as not reached
                task.cancel()
            wall = time.perf_counter() - t0
            cpu1 = (cpu_seconds(server_pids()), cpu_seconds(client_pids()), machine_busy())
            programs = {k: (v - programs0.get(k, 0.0)) / wall for k, v in cpu_by_program(client_pids()).items()}
            if hog_task is not None:
                if hog_task.done() and hog_learner.actions:
                    a = hog_learner.actions[0]
                    hog_note = f"the costly link finished in {a.seconds:.1f} s" if a.seconds else a.error
                else:
                    hog_note = f"the costly link was still running when the class had finished ({wall:.0f} s)"
                    hog_task.cancel()
            for learner in crowd + ([hog_learner] if hog_learner else []):
                with contextlib.suppress(Exception):
                    await learner.close()
            left = time.perf_counter()
            rss_after = []
            for seconds in sorted(after_s):
                await asyncio.sleep(max(0.0, left + seconds - time.perf_counter()))
                rss_after.append(rss_mb(server_pids()))
            stop.set()
            await sampler
        busy = (cpu1[2][0] - cpu0[2][0]) / max(1e-9, cpu1[2][1] - cpu0[2][1]) * os.cpu_count()
        return RunResult(
            learners=learners,
            processes=processes,
            hog=hog,
            client=client,
            actions=[a for learner in crowd for a in learner.actions],
            wall=wall,
            rss_peak=sampled["peak"],
            rss_after=rss_after,
            rss_start=rss_start,
            server_cpu=(cpu1[0] - cpu0[0]) / wall,
            client_cpu=(cpu1[1] - cpu0[1]) / wall,
            machine_cpu=busy,
            load=os.getloadavg()[:2],
            hog_note=hog_note,
            client_programs=programs,
        )
    finally:
        for proc in reversed(running):
            stop_server(proc)
        for log in logs:
            log.close()
        tmp.cleanup()


async def _after(seconds: float, coro: Any) -> None:
    await asyncio.sleep(seconds)
    await coro


# ---------------------------------------------------------------- the report


HEADER = (
    "| learners | processes | client | costly link | actions done | action → run over: median / p95 / max "
    "| errors | server memory: start / peak / after | server CPU (per action) | client CPU | machine busy "
    "| load 1 / 5 min |\n"
    "|---:|---:|---|---|---:|---|---:|---|---:|---:|---:|---|"
)


def _stats(values: list[float], with_max: bool = False) -> str:
    if not values:
        return "–"
    text = f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f}"
    return text + (f" / {max(values):.2f} s" if with_max else " s")


def row(r: RunResult) -> str:
    """One line of the results table (a browser's time is to the drawn page)."""
    done = [a for a in r.actions if a.seconds is not None and not a.error]
    errors = [a for a in r.actions if a.error]
    expected = r.learners * (2 + len(SCREENS))
    missing = expected - len(r.actions)
    unreached = f" (+{missing} not reached)" if missing else ""
    after = " → ".join(f"{v:.0f}" for v in r.rss_after)
    return (
        f"| {r.learners} | {r.processes} | {r.client} | {'yes' if r.hog else 'no'} | {len(done)}/{expected} "
        f"| {_stats([a.seconds for a in done], with_max=True)} "
        f"| {len(errors)}{unreached} | {r.rss_start:.0f} / {r.rss_peak:.0f} / {after} MB "
        f"| {r.server_cpu:.2f} cores ({r.server_cpu * r.wall / max(1, len(r.actions)):.2f} s) "
        f"| {r.client_cpu:.2f} cores | {r.machine_cpu:.2f} of {os.cpu_count()} "
        f"| {r.load[0]:.1f} / {r.load[1]:.1f} |"
    )


def per_action(r: RunResult) -> str:
    """Median / p95 to the drawn page by action, one line."""
    parts = []
    for name in ["open link", "edit cell", *(label for label, _ in SCREENS)]:
        times = [a.seconds for a in r.actions if a.name == name and a.seconds is not None and not a.error]
        if times:
            parts.append(f"{name} {_stats(times)}")
    finished = [a.finished for a in r.actions if a.finished is not None and not a.error and a.name != "open link"]
    if r.client == "browser" and finished:
        parts.append(f"reruns to the server's message (not drawn yet) {_stats(finished)}")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 20, 40], help=f"at most {MAX_LEARNERS}")
    parser.add_argument("--processes", type=int, default=1, help="app processes (several: behind deploy/'s nginx)")
    parser.add_argument("--hog", action="store_true", help="one more session opens the costliest link first")
    parser.add_argument("--think", type=float, nargs=2, default=[5.0, 15.0], help="think time between actions (s)")
    parser.add_argument("--arrival", type=float, default=10.0, help="the learners arrive within this many seconds")
    parser.add_argument(
        "--after", type=float, nargs="+", default=[10.0], help="seconds after the learners leave to read the memory"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--client", choices=["socket", "browser"], default="socket", help="bare websocket sessions or Chromium tabs"
    )
    parser.add_argument("--light", action="store_true", help="browser tabs download no images, fonts or media")
    parser.add_argument("--quick", action="store_true", help="short think times (a smoke run)")
    args = parser.parse_args()
    if args.processes > 1 and args.processes != 3:
        parser.error("deploy/upstreams.conf lists three processes: --processes is 1 or 3")
    think = (0.5, 1.0) if args.quick else tuple(args.think)
    arrival = 2.0 if args.quick else args.arrival
    print(f"think time {think[0]:g}-{think[1]:g} s, arrivals within {arrival:g} s", flush=True)
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    results = []
    for n in args.learners:
        r = asyncio.run(
            run(n, args.processes, args.hog, think, arrival, args.seed, args.after, args.client, args.light)
        )
        results.append(r)
        print(row(r), flush=True)
        print(f"  by action (median/p95): {per_action(r)}", flush=True)
        top = sorted(r.client_programs.items(), key=lambda kv: -kv[1])[:4]
        print("  client side by program: " + ", ".join(f"{k} {v:.2f} cores" for k, v in top), flush=True)
        if r.hog_note:
            print(f"  {r.hog_note}", flush=True)
        for a in [a for a in r.actions if a.error][:5]:
            print(f"  error: learner {a.learner}, {a.name}: {a.error}", flush=True)
    print()
    print(HEADER)
    for r in results:
        print(row(r))


if __name__ == "__main__":
    main()
