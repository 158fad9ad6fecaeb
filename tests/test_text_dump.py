"""docs/text_dump.py runs on a small grid: every screen, both languages, no exception, and the words it collects
are the screen's (titles, alerts, metrics, chart titles, Japanese as well as English)."""

from __future__ import annotations

from pathlib import Path

from docs import text_dump


def test_text_dump_covers_every_screen_in_both_languages(tmp_path: Path):
    out = tmp_path / "dump.txt"
    n = text_dump.dump(text_dump.grid(quick=True), out)
    text = out.read_text(encoding="utf-8")
    assert n > 200
    headers = [line for line in text.splitlines() if line.startswith("====")]
    assert len(headers) == 2 * 2 * len(text_dump.PAGES)  # two scenarios × two languages × every screen
    for words in (
        "[title] Backprop",
        "[title] 誤差逆伝播",
        "[chart] δ2 = ∂E/∂u2",
        "[chart] δ2 = ∂E_sum/∂u2",  # the second scenario takes the notebook's sum over two samples
        "[metric] Loss E before",
        "[expander]",
        "[success]",
        "[axis xaxis] step",
    ):
        assert words in text, words
