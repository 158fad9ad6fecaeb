"""Screenshots of every screen for the README (and, with --tall, of whole screens for review).

    python docs/screenshots.py [OUT_DIR] [--tall] [--langs en,ja] [--query 'x=2,1'] [--only quiz,forward]
    python docs/screenshots.py --spiral --langs en,ja    # a spiral being learned: before and after Play
    python docs/screenshots.py --sections --langs en,ja  # Sweep's "compare the update rules" (its switch turned
                                                         # on) and the sidebar's Teacher link builder, in use
    python docs/screenshots.py --only scenario --tab 2   # Home with its third tab (Data sets) open

Starts `streamlit run app.py` on a free port, opens each screen by its URL in a new browser session (Debian's
Chromium, as in the browser tests) and waits until the script has finished *and* the page has drawn every element:
Streamlit loads charts and grids lazily, so for a few seconds after a run the page still shows grey placeholders.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import SETTLED, start_server, stop_server  # noqa: E402
from ui.widgets.pages_nav import PAGES  # noqa: E402

# The Quiz screen is shot in use: a hand-computable scenario (seed 3 has a dead ReLU unit), δ1 asked, two cells
# typed right (one in Japanese input habits), one wrong, Check and Hint pressed.
QUIZ_QUERY = "quiz_seed=3&ask=delta1,gW1"
QUIZ_TYPING = {"δ1 · h1": "0", "δ1 · h2": "−０．１６８", "δ1 · h3": "0.281"}


def use_quiz(page: Any, lang: str) -> None:
    """Type the answers, then press Check and Hint, waiting for each run to finish."""
    for label, text in QUIZ_TYPING.items():
        box = page.get_by_label(label, exact=True)
        box.fill(text)
        box.press("Enter")
        page.wait_for_selector(SETTLED, timeout=60_000)
    for en, ja in (("Check", "チェック"), ("Hint", "ヒント")):
        page.get_by_role("button", name=ja if lang == "ja" else en, exact=True).click()
        page.wait_for_timeout(300)
        page.wait_for_selector(SETTLED, timeout=60_000)


def open_tab(page: Any, index: int) -> None:
    """Click the ``index``-th tab of the main area's first tab bar and wait for what it shows."""
    page.get_by_test_id("stMain").get_by_role("tab").nth(index).click()
    page.wait_for_timeout(500)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=60_000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs"))
    ap.add_argument("--tall", action="store_true", help="the whole screen, not just the first 900 px")
    ap.add_argument("--langs", default="en")
    ap.add_argument("--query", default="")
    ap.add_argument("--spiral", action="store_true", help="only the spiral data set, before and after ▶ Play")
    ap.add_argument("--only", default="", help="shoot only these screens (file names: scenario, forward, quiz, ...)")
    ap.add_argument(
        "--sections",
        action="store_true",
        help="only the sections behind a switch or an expander: sweep-rules, teacher-link",
    )
    ap.add_argument("--tab", type=int, default=None, help="open the main area's first tab bar at this tab (0, 1, …)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    proc, base = start_server()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for lang in args.langs.split(","):
                if args.spiral:
                    spiral_shots(browser, base, out, lang)
                    continue
                if args.sections:
                    rules_shot(browser, base, out, lang)
                    builder_shot(browser, base, out, lang)
                    continue
                for entry in PAGES:
                    name = "scenario" if entry.path == "app.py" else Path(entry.path).stem.split("_", 1)[1].lower()
                    url_path = "" if entry.path == "app.py" else Path(entry.path).stem.split("_", 1)[1]
                    if args.only and name not in args.only.split(","):
                        continue
                    own = QUIZ_QUERY if name == "quiz" else ""
                    query = "&".join(q for q in (f"lang={lang}" if lang != "en" else "", own, args.query) if q)
                    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
                    page = ctx.new_page()
                    page.goto(f"{base}/{url_path}?{query}")
                    page.wait_for_selector(SETTLED, timeout=120_000)
                    # lazily loaded elements (charts, grids) show skeletons until their code has loaded
                    page.wait_for_function(
                        "document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=60_000
                    )
                    page.wait_for_timeout(800)  # plotly's first layout pass
                    if name == "quiz":
                        use_quiz(page, lang)
                    if args.tab is not None:
                        open_tab(page, args.tab)
                    if args.tall:
                        height = page.evaluate("document.querySelector(\"[data-testid='stMain']\").scrollHeight")
                        page.set_viewport_size({"width": 1366, "height": min(int(height) + 50, 12_000)})
                        page.wait_for_timeout(800)
                    suffix = "" if lang == "en" else f"-{lang}"
                    file = out / f"{name}{suffix}.png"
                    page.screenshot(path=str(file))
                    errors = page.get_by_test_id("stException").count()
                    print(f"{file}{'  EXCEPTION' if errors else ''}")
                    ctx.close()
            browser.close()
    finally:
        stop_server(proc)


def _open(browser: object, url: str, height: int = 900) -> tuple[Any, Any]:
    """A new browser session on ``url``, once the run has finished and every lazily loaded element has drawn."""
    ctx = browser.new_context(viewport={"width": 1366, "height": height})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(url)
    _settle(page)
    return ctx, page


def _settle(page: Any) -> None:
    page.wait_for_timeout(300)  # a click's rerun may not have started yet
    page.wait_for_selector(SETTLED, timeout=180_000)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=60_000)
    page.wait_for_timeout(800)  # plotly's first layout pass


def rules_shot(browser: object, base: str, out: Path, lang: str) -> None:
    """Sweep's "compare the update rules" section with its switch turned on (off by default: it trains ~60 runs)."""
    suffix = "" if lang == "en" else f"-{lang}"
    ctx, page = _open(browser, f"{base}/Sweep?lang={lang}", height=2600)  # tall: the section is below the sweep
    section = page.locator(".st-key-compare_rules")
    section.scroll_into_view_if_needed()
    label = (
        "シナリオを 5 つの更新則すべてで学習する" if lang == "ja" else "Train the scenario with all five update rules"
    )
    section.get_by_text(label).click()
    section.get_by_test_id("stPlotlyChart").nth(1).wait_for(timeout=180_000)
    _settle(page)
    section.screenshot(path=str(out / f"sweep-rules{suffix}.png"))
    print(out / f"sweep-rules{suffix}.png")
    ctx.close()


# The builder is shot in use: a link that locked W1 and η and hid the Sweep screen and the gradient check (the
# builder starts from what the session's link says), a note typed in, and two quantities chosen for the quiz.
BUILDER_QUERY = "lock=W1,lr&hide=sweep,gradcheck"
BUILDER_NOTE = {
    "en": "Compute δ1 by hand first, then check it on the Backprop screen.",
    "ja": "まず δ1 を手で計算してから、誤差逆伝播の画面で確かめましょう。",
}


def builder_shot(browser: object, base: str, out: Path, lang: str) -> None:
    """The sidebar's Teacher link builder, opened and filled in, on the Backprop screen."""
    suffix = "" if lang == "en" else f"-{lang}"
    ctx, page = _open(browser, f"{base}/Backprop?lang={lang}&{BUILDER_QUERY}", height=2400)  # the whole sidebar
    builder = page.locator(".st-key-teacher_link_builder")
    builder.scroll_into_view_if_needed()
    builder.get_by_text("授業用リンク" if lang == "ja" else "Teacher link", exact=True).click()
    note = builder.locator("textarea")
    note.fill(BUILDER_NOTE[lang])
    note.press("Control+Enter")
    _settle(page)
    asks = builder.get_by_test_id("stMultiSelect").nth(2)
    for symbol in ("δ1", "u1"):  # typed into the box's filter; Enter takes the first match
        asks.locator("input").click()
        page.keyboard.type(symbol, delay=50)
        page.keyboard.press("Enter")
        _settle(page)
    page.keyboard.press("Escape")
    _settle(page)
    builder.scroll_into_view_if_needed()
    builder.screenshot(path=str(out / f"teacher-link{suffix}.png"))
    print(out / f"teacher-link{suffix}.png")
    ctx.close()


def spiral_query() -> str:
    """A spiral data set (the recipe) and a 2-8-2 tanh network with small random weights (8 hidden units: the
    notebook's 3 can only cut the plane with three lines), η = 0.5, 2,000 steps."""
    import numpy as np

    from ui.session.codec import format_array

    rng = np.random.default_rng(7)
    weights = {
        "W1": np.round(rng.normal(0, 1.0, (2, 8)), 2),
        "b1": np.zeros(8),
        "W2": np.round(rng.normal(0, 0.5, (8, 2)), 2),
        "b2": np.zeros(2),
    }
    params = "&".join(f"{k}={format_array(v)}" for k, v in weights.items())
    return f"data=spiral&n=200&noise=0.05&data_seed=3&test=0.2&hidden=tanh&lr=0.5&steps=2000&{params}"


def spiral_shots(browser: object, base: str, out: Path, lang: str) -> None:
    """The Training screen's film of a spiral data set: step 0 (before) and the last step (after),
    plus the Data section of the Scenario screen with that data set."""
    suffix = "" if lang == "en" else f"-{lang}"
    query = f"{spiral_query()}&lang={lang}"
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.set_default_timeout(120_000)  # a loaded machine takes a while to train 2,000 steps and draw the film
    page.goto(f"{base}/?{query}")
    page.wait_for_selector(SETTLED, timeout=120_000)
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0", timeout=60_000)
    open_tab(page, 2)  # Home's Data sets tab
    section = page.locator(".st-key-data_samples")
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / f"data{suffix}.png"))
    print(out / f"data{suffix}.png")
    page.goto(f"{base}/Training?{query}")
    page.wait_for_selector(SETTLED, timeout=120_000)
    chart = page.locator(".st-key-train_play").get_by_test_id("stPlotlyChart")
    chart.scroll_into_view_if_needed()
    chart.locator(".updatemenu-button").first.wait_for()
    page.wait_for_timeout(800)
    chart.screenshot(path=str(out / f"spiral-before{suffix}.png"))
    rail = chart.locator(".slider-rail-rect").first.bounding_box()
    # The last frame, by the slider (playing there takes minutes on a loaded machine)
    page.mouse.click(rail["x"] + rail["width"] - 2, rail["y"] + rail["height"] / 2)
    last = "step 2,000" if lang == "en" else "ステップ 2,000"
    page.wait_for_function(
        "t => Array.from(document.querySelectorAll('.slider-label')).some(e => e.textContent.trim() === t)",
        arg=last,
        timeout=120_000,
    )
    page.wait_for_timeout(800)
    chart.screenshot(path=str(out / f"spiral-after{suffix}.png"))
    print(out / f"spiral-before{suffix}.png", out / f"spiral-after{suffix}.png")
    ctx.close()


if __name__ == "__main__":
    main()
