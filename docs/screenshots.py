"""Screenshots of every screen for the README (and, with --tall, of whole screens for review).

    python docs/screenshots.py [OUT_DIR] [--tall] [--langs en,ja] [--query 'x=2,1'] [--only quiz,forward]

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
from ui.pages_nav import PAGES  # noqa: E402

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs"))
    ap.add_argument("--tall", action="store_true", help="the whole screen, not just the first 900 px")
    ap.add_argument("--langs", default="en")
    ap.add_argument("--query", default="")
    ap.add_argument("--only", default="", help="shoot only these screens (file names: scenario, forward, quiz, ...)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    proc, base = start_server()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            for lang in args.langs.split(","):
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


if __name__ == "__main__":
    main()
