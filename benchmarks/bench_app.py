"""How long does each screen take on the server? Measured under Streamlit's AppTest, in one process.

For every screen (``app.py`` and each ``pages/*.py``, found on disk) and for three scenarios — the default
(the notebook's, 1,000 steps) and the same at 10,000 and at 100,000 steps (``?steps=`` in the link) — it measures:

- **first view**: the screen opened from a share link with every ``st.cache_data`` cleared, so the training and
  whatever else the screen computes is done in that run;
- **rerun**: one more run of the same session with nothing changed, as after a click that changes no input
  (cached results are reused).

It also reports the size of the plotly figures the Training screen sends to the browser at 100,000 steps (the
JSON of each chart, as Streamlit serialises it). Each time is the median of several runs. From the repository
root::

    python benchmarks/bench_app.py            # a minute or two
    python benchmarks/bench_app.py --quick    # fewer repeats, skips 100,000 steps except on the Training screen

Numbers are server-side only: no browser, no network, no drawing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # the pages find their files (and Streamlit its config) from the app's folder

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from ui.session import training as training_ui  # noqa: E402

SETTINGS: dict[str, dict[str, str]] = {
    "default (1,000 steps)": {},
    "10,000 steps": {"steps": "10000"},
    "100,000 steps": {"steps": "100000"},
}
TRAINING = "pages/3_Training.py"
TIMEOUT = 300  # seconds: AppTest's own limit per run, far above anything expected


def screens() -> list[str]:
    """``app.py`` and every page file, in the order of the sidebar (file names sort as the pages do)."""
    found = ["app.py"] if (ROOT / "app.py").is_file() else []
    return found + [str(p.relative_to(ROOT)) for p in sorted((ROOT / "pages").glob("*.py"))]


@dataclass
class Result:
    """Times of one screen under one setting (seconds), and what went wrong if anything did."""

    first: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    error: str = ""


def clear_caches() -> None:
    """Every cache the screens use: Streamlit's and the server-wide runs and sweeps of ``ui.session.training``."""
    st.cache_data.clear()
    st.cache_resource.clear()
    training_ui.RUNS.clear()
    training_ui.SWEEPS.clear()


def open_screen(path: str, query: dict[str, str]) -> tuple[AppTest, float]:
    """A new session opened from a link with ``query`` on ``path``, with every cache cleared first; returns it and
    the seconds of the run that drew ``path``.

    AppTest must start at the entry script (the pages link to it), so a page is reached by a switch from the home
    screen: the link is read there, the caches are cleared after it, and only the page's own run is timed.
    """
    clear_caches()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    t0 = time.perf_counter()
    at.run()
    if path == "app.py" or at.exception:
        return at, time.perf_counter() - t0
    clear_caches()
    at.switch_page(path)
    t0 = time.perf_counter()
    at.run()
    return at, time.perf_counter() - t0


def measure(path: str, query: dict[str, str], repeats: int) -> Result:
    """First view and rerun times of one screen, ``repeats`` times each."""
    res = Result()
    for _ in range(repeats):
        at, seconds = open_screen(path, query)
        if at.exception:
            res.error = str(at.exception[0].message).splitlines()[0][:120]
            return res
        res.first.append(seconds)
        t0 = time.perf_counter()
        at.run()
        res.rerun.append(time.perf_counter() - t0)
    return res


def chart_sizes(query: dict[str, str]) -> list[tuple[str, int]]:
    """(title or key, bytes of JSON) of every plotly chart on the Training screen."""
    at, _ = open_screen(TRAINING, query)
    sizes = []
    for el in at.get("plotly_chart"):
        spec = el.proto.spec
        fig = json.loads(spec)
        title = fig.get("layout", {}).get("title", {})
        name = (title.get("text") if isinstance(title, dict) else title) or el.proto.id or "chart"
        sizes.append((str(name)[:60], len(spec.encode("utf-8"))))
    return sizes


def fmt(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.3f} s" if seconds else "–"


def fmt_range(seconds: list[float]) -> str:
    """The median and, when there are several runs, the fastest and slowest (this machine's speed drifts)."""
    if len(seconds) < 2:
        return fmt(seconds)
    return f"{fmt(seconds)} ({min(seconds):.3f}–{max(seconds):.3f})"


def main(argv: list[str] | None = None) -> int:
    """Measure every screen, print markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; 100,000 steps on Training only")
    parser.add_argument("--repeats", type=int, default=None, help="runs per screen and setting (default 5, quick 2)")
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    paths = screens()
    if not paths:
        print("no app.py and no pages/*.py: nothing to measure")
        return 1
    # Warm-up: import everything the pages import (a server has done so before its first visitor). Streamlit
    # warns once that it runs without a server; that is expected here.
    with contextlib.redirect_stderr(io.StringIO()):
        for path in paths:
            open_screen(path, {})

    load = os.getloadavg()
    lines = ["| screen | setting | first view (cache cleared): median (range) | rerun |", "|---|---|---:|---:|"]
    for path in paths:
        for setting, query in SETTINGS.items():
            if args.quick and query.get("steps") == "100000" and path != TRAINING:
                continue
            # 100,000-step first views train for about a second each: fewer repeats there.
            n = max(1, repeats - 2) if query.get("steps") == "100000" else repeats
            res = measure(path, query, n)
            if res.error:
                lines.append(f"| {path} | {setting} | error: {res.error} | |")
            else:
                lines.append(f"| {path} | {setting} | {fmt_range(res.first)} | {fmt(res.rerun)} |")
            print(lines[-1], file=sys.stderr)
    text = "\n".join(lines)
    if (ROOT / TRAINING).is_file():
        sizes = chart_sizes(SETTINGS["100,000 steps"])
        text += "\n\n| Training screen at 100,000 steps: chart | JSON size |\n|---|---:|\n"
        text += "\n".join(f"| {name} | {size / 1024:,.0f} KiB |" for name, size in sizes)
        text += f"\n| all charts together | {sum(s for _, s in sizes) / 1024:,.0f} KiB |"
    after = os.getloadavg()
    text += (
        f"\n\nMedian of {repeats} runs ({max(1, repeats - 2)} at 100,000 steps); load average "
        f"{load[0]:.2f} before, {after[0]:.2f} after (1 min, {os.cpu_count()} cores).\n"
    )
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
