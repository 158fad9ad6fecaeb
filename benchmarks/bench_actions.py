"""How much of the server's CPU does each learner action cost? One real server, learners one after another.

The load test's p95 depends on the machine's load; the server's CPU time per action does not (much). This plays
the load test's learner (``benchmarks/load_test.py``: a bare Streamlit session over the app's websocket) against one
freshly started ``streamlit run app.py``, **one learner at a time**, and reads the server process's CPU time
(user + system, from ``/proc``) around each step:

- **page and files**: the page and the ~60 scripts and styles it names, health, host configuration (HTTP only);
- **open link**: the websocket and the first run of the teacher's link (the Scenario screen);
- **edit cell**, **Training** (1,000 steps), **Backprop**, **Learning-rate sweep**: one run each.

Each learner types a different weight, so no run is served from another learner's cache (as in the load test). A
warm-up learner goes first (imports, first runs). CPU time is counted in the kernel's ticks (10 ms), so each figure
is the mean over ``--learners`` learners. From the repository root::

    python benchmarks/bench_actions.py                 # 12 learners, about a minute
    python benchmarks/bench_actions.py --learners 20

Compare two versions of the app by running each one's copy of this script (``git archive`` a snapshot) back to
back: the figures are CPU time, so the machine's load changes them less than it changes wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load_test import (  # noqa: E402
    SCREENS,
    TEACHER,
    SocketLearner,
    _load_page,
    cpu_seconds,
    process_tree,
)
from tests.browser.conftest import launch_server, stop_server, wait_healthy  # noqa: E402

STEPS = ["page and files", "open link", "edit cell"] + [label for label, _ in SCREENS]
SETTLE_S = 0.3  # after a step, what the server still does for it (sending the last messages) is counted too


async def one_learner(index: int, base: str, server_pid: int) -> dict[str, float]:
    """One learner's visit, step by step; the server's CPU seconds for each step."""
    cpu = {}

    def used() -> float:
        return cpu_seconds(process_tree(server_pid))

    learner = SocketLearner(index, base)
    before = used()
    cookies = await asyncio.to_thread(_load_page, base + TEACHER)
    await asyncio.sleep(SETTLE_S)
    cpu["page and files"] = used() - before
    learner.cookie = "; ".join(cookies)

    import websockets

    before = used()
    learner.ws = await websockets.connect(
        base.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None
    )
    path, _, query = TEACHER.partition("?")
    await learner._run(path, query)
    await asyncio.sleep(SETTLE_S)
    cpu["open link"] = used() - before

    before = used()
    await learner.edit_cell(f"{0.5 + (index + 1) / 1000:g}")
    await asyncio.sleep(SETTLE_S)
    cpu["edit cell"] = used() - before
    for label, screen in SCREENS:
        before = used()
        await learner.open_screen(label, screen)
        await asyncio.sleep(SETTLE_S)
        cpu[label] = used() - before
    await learner.close()
    return cpu


async def run(learners: int) -> dict[str, list[float]]:
    """Start a server, send a warm-up learner then ``learners`` learners one at a time, stop the server."""
    with tempfile.TemporaryFile() as log:
        proc, base = launch_server(log)
        try:
            wait_healthy(proc, base)
            await one_learner(-1, base, proc.pid)  # warm-up: imports and first runs, not counted
            found: dict[str, list[float]] = {step: [] for step in STEPS}
            for i in range(learners):
                for step, seconds in (await one_learner(i, base, proc.pid)).items():
                    found[step].append(seconds)
            return found
        finally:
            stop_server(proc)


def main() -> None:
    """Measure and print a markdown table of the server's CPU per action."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=12)
    args = parser.parse_args()
    t0 = time.time()
    found = asyncio.run(run(args.learners))
    print(f"server CPU per step, mean over {args.learners} learners (seconds; {time.time() - t0:.0f} s wall)\n")
    print("| step | server CPU (mean) | median |\n|---|---:|---:|")
    for step, values in found.items():
        print(f"| {step} | {statistics.mean(values):.3f} s | {statistics.median(values):.3f} s |")
    actions = [statistics.mean(found[s]) for s in STEPS]
    per_action = sum(actions) / 5  # the page and its files are part of opening the link
    print(f"| **per action** (a learner's 5, the page and files counted with the opening) | {per_action:.3f} s | |")


if __name__ == "__main__":
    main()
