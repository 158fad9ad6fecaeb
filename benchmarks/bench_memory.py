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

Run from the repository root (local addresses only; the server is started and stopped here)::

    python benchmarks/bench_memory.py                     # both, about 10 minutes
    python benchmarks/bench_memory.py --only class --linger 200
"""

from __future__ import annotations

import argparse
import os
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


@contextmanager
def server() -> Iterator[tuple[int, int]]:
    """A fresh ``streamlit run app.py`` (of ``APP_DIR``) on a free local port; yields (port, pid)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true", f"--server.port={port}",
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


def teacher_scenario() -> dnn.Scenario:
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(size=(64, 8)), 3)
    d = np.eye(8)[rng.integers(0, 8, 64)]
    return dnn.Scenario(dnn.random_network(8, 16, 8, seed=3), x, d, lr=0.05, steps=5000)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["scenarios", "class"], default=None)
    parser.add_argument("--scenarios", type=int, default=200)
    parser.add_argument("--class-size", type=int, default=30)
    parser.add_argument("--parallel", type=int, default=4, help="sessions running at once")
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


if __name__ == "__main__":
    main()
