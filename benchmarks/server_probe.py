"""``streamlit run`` with a probe inside: what the server process holds, written as one JSON line every few seconds.

Used by ``bench_memory.py --only browsers`` to tell *what* holds memory, not only how much (RSS): the sessions
Streamlit keeps (connected, and closed but kept for a reconnect), the bytes of Streamlit's own stores (media files
of download buttons and images, uploaded files, ``st.cache_data``, session state), the app's caches of runs and
sweeps, and the live Python objects (the most numerous types, every ``--types-every``-th sample). Nothing in the app
changes: this file starts the same server the command line does, plus one daemon thread that only reads.

    python benchmarks/server_probe.py OUT.jsonl SECONDS -- run app.py --server.port=8501 ...
"""

from __future__ import annotations

import collections
import gc
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

TYPES_EVERY = 4  # count live objects by type every this many samples (a walk of the whole heap, ~0.3 s)
TOP_TYPES = 15


def rss_mb() -> float:
    """This process's resident memory in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _streamlit_side() -> dict[str, Any]:
    """Sessions and the bytes of Streamlit's stores, by category (as its /_stcore/metrics reports them)."""
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return {}
    runtime = Runtime.instance()
    manager = runtime._session_mgr
    out: dict[str, Any] = {
        "sessions": len(manager.list_sessions()),
        "active": len(manager.list_active_sessions()),
    }
    media = runtime.media_file_mgr
    out["media_files"] = len(media._file_metadata)
    out["deferred_downloads"] = len(getattr(media, "_deferred_callables", {}))
    by_category: dict[str, int] = collections.Counter()
    for stats in runtime.stats_mgr.get_stats().values():
        for stat in stats:
            name = getattr(stat, "category_name", None)
            if name is not None:
                by_category[name] += int(stat.byte_length)
    # Streamlit counts the session state of connected sessions only, and shallowly: count the arrays in every
    # kept session's state (the app's scenarios, undo stack, baseline) with the app's own measure.
    cached = sys.modules.get("ui.session.cached")
    if cached is not None:
        by_category["session_state_arrays"] = sum(
            cached.nbytes(info.session.session_state.filtered_state) for info in manager.list_sessions()
        )
    out["bytes"] = dict(by_category)
    return out


def _app_side() -> dict[str, Any]:
    """The app's caches of runs and sweeps (bounded in bytes), if the app has loaded them."""
    training = sys.modules.get("ui.session.training")
    if training is None:
        return {}
    return {
        name: {"entries": len(cache), "bytes": cache.nbytes}
        for name in ("RUNS", "SWEEPS")
        if (cache := getattr(training, name, None)) is not None
    }


def _types() -> dict[str, int]:
    counts = collections.Counter(type(o).__name__ for o in gc.get_objects())
    return dict(counts.most_common(TOP_TYPES))


def probe(out: Path, seconds: float) -> None:
    """Append one JSON line to ``out`` every ``seconds``, for as long as the process lives."""
    n = 0
    t0 = time.time()
    while True:
        sample: dict[str, Any] = {"t": round(time.time() - t0, 1), "rss_mb": round(rss_mb(), 1)}
        try:
            sample |= _streamlit_side()
            sample["app"] = _app_side()
            if n % TYPES_EVERY == 0:
                sample["objects"] = len(gc.get_objects())
                sample["types"] = _types()
        except Exception as e:  # a probe must never take the server down; say what failed instead
            sample["error"] = repr(e)
        with out.open("a") as f:
            f.write(json.dumps(sample) + "\n")
        n += 1
        time.sleep(seconds)


def main() -> None:
    out, seconds, dashes, *streamlit_args = sys.argv[1:]
    assert dashes == "--", __doc__
    from streamlit.web import cli  # before the probe's thread starts: both would import Streamlit at once

    threading.Thread(target=probe, args=(Path(out), float(seconds)), name="memory-probe", daemon=True).start()

    sys.argv = ["streamlit", *streamlit_args]
    cli.main()


if __name__ == "__main__":
    main()
