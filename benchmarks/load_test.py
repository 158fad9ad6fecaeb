"""How many learners does one server hold? N simulated learners in real browser sessions against a local server.

Each learner is its own headless Chromium context (its own cookies, one tab, one Streamlit websocket session) in one
browser. Like a class told to open the teacher's link, every learner, with a few seconds of thinking between steps:

1. opens the teacher's link (the Scenario screen);
2. types a value of its own into a weight cell of the grid (so no two learners share a cached training run);
3. opens Training (the scenario's 1,000 steps), then Backprop, then the Learning-rate sweep (its default).

For every action the time from the action (the click, the Enter key, the page load) to the end of the rerun it
caused is recorded: the server's "script finished" message on the websocket, then the page's
``[data-testid='stApp'][data-test-script-state='notRunning']``. An action fails when it takes longer than a minute,
or the screen shows an exception or an error message. The server's memory (resident set of the streamlit
processes) is sampled throughout; the CPU time of the server and of the browser (the simulated learners themselves,
on the same machine) is reported, because on a small machine the browser can be the bottleneck.

Runs (each on freshly started servers, local addresses only, bounded in learners and in time)::

    python benchmarks/load_test.py                       # 10, 20, 40 learners on one process
    python benchmarks/load_test.py --hog                 # the same, while one more session opens the costliest link
    python benchmarks/load_test.py --processes 3         # three processes behind deploy/'s nginx configuration
    python benchmarks/load_test.py --learners 5 --quick  # a smoke run

Needs Debian's chromium (and nginx for ``--processes 3``), as the browser tests do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def costliest_link() -> str:
    """The most expensive link the app accepts: the largest network (8 inputs, 16 hidden, 8 outputs), 256 samples
    and the most steps, opened on the Learning-rate sweep (its default number of runs: a link cannot set it)."""
    from dnn import LIMITS

    rng = np.random.default_rng(0)
    n_in, n_h, n_out, n = LIMITS["max_inputs"], LIMITS["max_hidden"], LIMITS["max_outputs"], LIMITS["max_samples"]

    def matrix(a: np.ndarray) -> str:
        return ";".join(",".join(f"{v:.3g}" for v in row) for row in np.atleast_2d(a))

    d = np.eye(n_out)[rng.integers(0, n_out, n)]
    parts = {
        "W1": matrix(rng.normal(0, 0.3, (n_in, n_h))),
        "b1": matrix(np.zeros(n_h)),
        "W2": matrix(rng.normal(0, 0.3, (n_h, n_out))),
        "b2": matrix(np.zeros(n_out)),
        "x": matrix(rng.normal(0, 1, (n, n_in))),
        "d": matrix(d),
        "lr": "0.01",
        "steps": str(LIMITS["max_steps"]),
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


@dataclass
class Learner:
    """A learner's browser tab and what it measured."""

    index: int
    page: Any = None
    stream: Any = None
    actions: list[Action] = field(default_factory=list)


async def until_run_ends(learner: Learner, action: Any) -> tuple[float, float]:
    """Do ``action`` (a coroutine function) and wait until the rerun it caused is over and drawn (as ``act`` in
    tests/browser/conftest.py: the server's "script finished" message, then the page idle).

    Returns the seconds from the action to the drawn page, and to the server's message (the part the browser's
    own drawing does not add to)."""
    t0 = time.perf_counter()
    async with learner.stream.expect_event("framereceived", predicate=is_run_end, timeout=ACTION_LIMIT_MS):
        await action()
    finished = time.perf_counter() - t0
    await learner.page.wait_for_selector(SETTLED, timeout=ACTION_LIMIT_MS)
    return time.perf_counter() - t0, finished


async def problems_on_screen(page: Any) -> str:
    """An exception or error message the screen shows, if any."""
    for test_id in ("stException", "stAlertContentError"):
        texts = await page.get_by_test_id(test_id).all_inner_texts()
        if texts:
            return f"{test_id}: {texts[0][:120]}"
    return ""


async def timed(learner: Learner, name: str, step: Any) -> bool:
    """Run ``step`` (a coroutine function that returns the seconds to the drawn page and to the server's message,
    or None for the latter) and record it; False if it failed."""
    finished = None
    try:
        seconds, finished = await step()
        error = await problems_on_screen(learner.page)
    except Exception as e:  # a timeout or a crashed tab is an error of the run, not of the load test
        seconds, error = None, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"
    learner.actions.append(Action(learner.index, name, seconds, error, finished))
    return not error


async def open_link(learner: Learner, url: str, limit_s: float = ACTION_LIMIT_MS / 1000) -> tuple[float, None]:
    """Load ``url`` and wait (at most ``limit_s``) for its first run to be over; the time from the request to the
    drawn page."""
    page = learner.page
    t0 = time.perf_counter()
    await page.goto(url, wait_until="commit", timeout=ACTION_LIMIT_MS)
    await page.get_by_test_id("stSidebar").get_by_test_id("stCode").wait_for(timeout=limit_s * 1000)
    await page.wait_for_selector(SETTLED, timeout=limit_s * 1000)
    return time.perf_counter() - t0, None


async def edit_cell(learner: Learner, value: str) -> tuple[float, float]:
    """Type ``value`` into W1's last cell of the first row (a double-click on the grid's canvas opens the cell's
    editor); the time from the Enter key to the end of the rerun."""
    page = learner.page
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
    times = await until_run_ends(learner, lambda: editor.press("Enter"))
    code = await page.get_by_test_id("stSidebar").get_by_test_id("stCode").inner_text()
    if f"W1=0.2,0.3,{value};" not in code:
        raise AssertionError(f"the share link does not carry the typed {value}")
    return times


async def open_screen(learner: Learner, label: str, path: str) -> tuple[float, float]:
    """Click the sidebar's link ``label``; the time from the click to the end of the new screen's run."""
    page = learner.page
    link = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
    link = link.filter(has_text=re.compile(rf"{re.escape(label)}\s*$"))
    times = await until_run_ends(learner, link.click)
    if not re.match(rf"^[^?]*{re.escape(path)}(\?.*)?$", page.url):
        raise AssertionError(f"landed on {page.url}")
    return times


async def learner_session(learner: Learner, base: str, think: tuple[float, float], rng: random.Random) -> None:
    """One learner's visit: open the teacher's link, edit a cell, open three screens, thinking in between."""
    if not await timed(learner, "open link", lambda: open_link(learner, base + TEACHER)):
        return
    value = f"{0.5 + (learner.index + 1) / 1000:.3f}"  # each learner a different weight: no shared cache entry
    await asyncio.sleep(rng.uniform(*think))
    if not await timed(learner, "edit cell", lambda: edit_cell(learner, value)):
        return
    for label, path in SCREENS:
        await asyncio.sleep(rng.uniform(*think))
        if not await timed(learner, label, lambda label=label, path=path: open_screen(learner, label, path)):
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
    actions: list[Action]
    wall: float
    rss_peak: float
    rss_after: float
    rss_start: float
    server_cpu: float
    client_cpu: float
    machine_cpu: float
    load: tuple[float, float]
    hog_note: str = ""


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, by linear interpolation."""
    return float(np.quantile(np.array(values), q)) if values else float("nan")


async def run(
    learners: int, processes: int, hog: bool, think: tuple[float, float], seed: int, after_s: float, light: bool
) -> RunResult:
    """Start the servers (and nginx for several processes), let ``learners`` learners visit, measure, stop all."""
    from playwright.async_api import async_playwright

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

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-sync",
                      "--disable-component-update", "--no-first-run", "--disable-renderer-backgrounding",
                      "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"],
            )  # fmt: skip
            rng = random.Random(seed)

            async def new_learner(index: int) -> Learner:
                learner = Learner(index)
                ctx = await browser.new_context(viewport={"width": 1366, "height": 900})

                async def block(route: Any) -> None:
                    if route.request.resource_type in BLOCKED:
                        await route.abort()
                    else:
                        await route.continue_()

                if light:
                    await ctx.route("**/*", block)
                learner.page = await ctx.new_page()

                def on_websocket(ws: Any) -> None:
                    if ws.url.endswith("/_stcore/stream"):
                        learner.stream = ws

                learner.page.on("websocket", on_websocket)
                return learner

            # A warm-up visit first (not measured): the server has imported everything and drawn each screen once,
            # as a server that has been up before the class starts.
            warm = await new_learner(-1)
            await learner_session(warm, base, (0.0, 0.0), rng)
            await warm.page.context.close()

            client_pids = lambda: [p for p in process_tree(os.getpid()) if p not in set(server_pids())]  # noqa: E731
            rss_start = rss_mb(server_pids())
            cpu0 = (cpu_seconds(server_pids()), cpu_seconds(client_pids()), machine_busy())
            sampler = asyncio.create_task(sample_memory())
            t0 = time.perf_counter()
            hog_task, hog_learner, hog_note = None, None, ""
            if hog:
                hog_learner = await new_learner(10_000)
                hog_task = asyncio.create_task(
                    timed(
                        hog_learner,
                        "costliest link",
                        lambda: open_link(hog_learner, base + costliest_link(), RUN_LIMIT_S),
                    )
                )
                await asyncio.sleep(2)  # the costly run has started before the class arrives
            crowd = [await new_learner(i) for i in range(learners)]
            # A class opens the link within a few seconds of being told to.
            sessions = [
                asyncio.create_task(
                    _after(rng.uniform(0, 3), learner_session(learner, base, think, random.Random(seed + i)))
                )
                for i, learner in enumerate(crowd)
            ]
            await asyncio.wait_for(asyncio.gather(*sessions), timeout=RUN_LIMIT_S)
            wall = time.perf_counter() - t0
            cpu1 = (cpu_seconds(server_pids()), cpu_seconds(client_pids()), machine_busy())
            if hog_task is not None:
                if hog_task.done() and hog_learner.actions:
                    a = hog_learner.actions[0]
                    hog_note = f"the costly link finished in {a.seconds:.1f} s" if a.seconds else a.error
                else:
                    hog_note = f"the costly link was still running when the class had finished ({wall:.0f} s)"
                    hog_task.cancel()
            for learner in crowd + ([hog_learner] if hog_learner else []):
                await learner.page.context.close()
            await asyncio.sleep(after_s)
            stop.set()
            await sampler
            rss_after = rss_mb(server_pids())
            await browser.close()
        busy = (cpu1[2][0] - cpu0[2][0]) / max(1e-9, cpu1[2][1] - cpu0[2][1]) * os.cpu_count()
        return RunResult(
            learners=learners,
            processes=processes,
            hog=hog,
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
    "| learners | processes | costly link | actions | to drawn: median / p95 / max | to server's end of run: "
    "median / p95 | errors | server RSS start / peak / after | server CPU | browser CPU | machine busy | load |\n"
    "|---:|---:|---|---:|---|---|---:|---|---:|---:|---:|---|"
)


def _stats(values: list[float], with_max: bool = False) -> str:
    if not values:
        return "–"
    text = f"{statistics.median(values):.2f} / {percentile(values, 0.95):.2f}"
    return text + (f" / {max(values):.2f} s" if with_max else " s")


def row(r: RunResult) -> str:
    """One line of the results table."""
    done = [a for a in r.actions if a.seconds is not None and not a.error]
    errors = [a for a in r.actions if a.error]
    expected = r.learners * (2 + len(SCREENS))
    missing = expected - len(r.actions)
    unreached = f" (+{missing} not reached)" if missing else ""
    return (
        f"| {r.learners} | {r.processes} | {'yes' if r.hog else 'no'} | {len(done)}/{expected} "
        f"| {_stats([a.seconds for a in done], with_max=True)} "
        f"| {_stats([a.finished for a in done if a.finished is not None])} "
        f"| {len(errors)}{unreached} | {r.rss_start:.0f} / {r.rss_peak:.0f} / {r.rss_after:.0f} MB "
        f"| {r.server_cpu:.2f} cores | {r.client_cpu:.2f} cores | {r.machine_cpu:.2f} of {os.cpu_count()} cores "
        f"| {r.load[0]:.1f}, {r.load[1]:.1f} |"
    )


def per_action(r: RunResult) -> str:
    """Median / p95 to the drawn page by action, one line."""
    parts = []
    for name in ["open link", "edit cell", *(label for label, _ in SCREENS)]:
        times = [a.seconds for a in r.actions if a.name == name and a.seconds is not None and not a.error]
        if times:
            parts.append(f"{name} {_stats(times)}")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs="+", default=[10, 20, 40], help=f"at most {MAX_LEARNERS}")
    parser.add_argument("--processes", type=int, default=1, help="app processes (several: behind deploy/'s nginx)")
    parser.add_argument("--hog", action="store_true", help="one more session opens the costliest link first")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0], help="think time between actions (s)")
    parser.add_argument("--after", type=float, default=10.0, help="seconds after the tabs close to read the memory")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--light", action="store_true", help="learners' tabs download no images, fonts or media")
    parser.add_argument("--quick", action="store_true", help="short think times (a smoke run)")
    args = parser.parse_args()
    if args.processes > 1 and args.processes != 3:
        parser.error("deploy/upstreams.conf lists three processes: --processes is 1 or 3")
    think = (0.5, 1.0) if args.quick else tuple(args.think)
    print(f"load average before: {', '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    results = []
    for n in args.learners:
        r = asyncio.run(run(n, args.processes, args.hog, think, args.seed, args.after, args.light))
        results.append(r)
        print(row(r), flush=True)
        print(f"  by action (median/p95): {per_action(r)}", flush=True)
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
