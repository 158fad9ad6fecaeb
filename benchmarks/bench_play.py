"""How long does the Training screen take to prepare the film of a run (Play / Pause), and how big is it?

Server time only, in one process: from a finished run (``dnn.train``) to the JSON that Streamlit sends (the frame
steps, the networks at those steps, the output over the input plane on every frame, the held-out loss, the plotly
figure and its serialisation). Playing it costs the server nothing: the browser animates the frames itself.
Each time is the median of several runs, taken in turns. From the repository root::

    python benchmarks/bench_play.py            # about half a minute
    python benchmarks/bench_play.py --quick    # fewer repeats
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.io as pio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dnn
from dnn import datasets
from ui.figures.figures_play import make_film, play_figure

TARGET_SECONDS = 0.5  # frames of a 1,000-step run (the target)
TARGET_BYTES = 2_000_000  # the animated figure at 100,000 steps


@dataclass(frozen=True)
class Case:
    """One run to film: a spiral data set (20 % held out) on a network of ``hidden`` units and ``outputs``."""

    name: str
    steps: int
    hidden: int = 8
    classes: int = 2


CASES = (
    Case("spiral, 2-8-2, 1,000 steps", 1_000),
    Case("spiral, 2-8-2, 100,000 steps", 100_000),
    Case("spiral (8 arms), 2-16-8, 100,000 steps", 100_000, hidden=16, classes=8),
)


def history_of(case: Case) -> tuple[dnn.History, tuple[np.ndarray, np.ndarray]]:
    """The case's training run and its held-out samples."""
    data = datasets.generate(datasets.Recipe("spiral", n=200, noise=0.05, data_seed=3, test=0.2, classes=case.classes))
    x, d = data.train
    net = dnn.random_network(2, case.hidden, case.classes, seed=1, hidden="tanh")
    return dnn.train(net, x, d, 0.5, case.steps), data.test


def film_json(history: dnn.History, held_out: tuple[np.ndarray, np.ndarray]) -> str:
    """Everything the server does for the film, as Streamlit's ``st.plotly_chart`` serialises it."""
    return pio.to_json(play_figure(make_film(history, held_out), "en").to_dict(), validate=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    runs = {case: history_of(case) for case in CASES}
    times: dict[Case, list[float]] = {case: [] for case in CASES}
    sizes: dict[Case, int] = {}
    for _ in range(repeats):
        for case, (history, held_out) in runs.items():
            t0 = time.perf_counter()
            text = film_json(history, held_out)
            times[case].append(time.perf_counter() - t0)
            sizes[case] = len(text.encode())
    print("| run | frames | server time: median (range) | figure size |")
    print("|---|---:|---:|---:|")
    for case in CASES:
        history, held_out = runs[case]
        frames = len(make_film(history, held_out).steps)
        t = times[case]
        print(
            f"| {case.name} | {frames} | {statistics.median(t):.3f} s ({min(t):.3f}–{max(t):.3f}) "
            f"| {sizes[case] / 1e6:.2f} MB |"
        )
    print(f"\ntargets: 1,000 steps ≤ {TARGET_SECONDS} s; 100,000 steps < {TARGET_BYTES / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
