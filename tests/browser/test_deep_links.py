"""Every screen opened by a deep link, each in a new browser session, on a freshly started server."""

from __future__ import annotations

from tests.browser.conftest import SETTLED, exceptions, expect_nav, nav_labels, share_params, title
from ui.session import codec
from ui.widgets.pages_nav import PAGES

# The URL path Streamlit gives each file: pages/N_Name.py is served at /Name (the number only sorts the pages).
PATHS: dict[str, str] = {
    "app.py": "/",
    "pages/1_Forward.py": "/Forward",
    "pages/2_Backprop.py": "/Backprop",
    "pages/3_Training.py": "/Training",
    "pages/4_Sweep.py": "/Sweep",
    "pages/5_Compare.py": "/Compare",
    "pages/6_Quiz.py": "/Quiz",
    "pages/7_Lessons.py": "/Lessons",
}
# A screen other than Home first: the first request to the fresh server is a deep link, as when a shared link wakes
# a sleeping app on Community Cloud.
ORDER = ["pages/3_Training.py", "pages/2_Backprop.py", "pages/1_Forward.py", "pages/4_Sweep.py", "pages/5_Compare.py",
         "pages/6_Quiz.py", "pages/7_Lessons.py", "app.py"]  # fmt: skip


def test_every_page_file_has_a_path():
    assert sorted(PATHS) == sorted(p.path for p in PAGES) == sorted(ORDER)


def test_deep_links_open_every_screen(server, new_page):
    """All sessions load at once (the browser works on them in parallel); then each screen is checked."""
    pages = {}
    for i, page_file in enumerate(ORDER):
        page = new_page()
        page.goto(server + PATHS[page_file], wait_until="commit")
        if i == 0:  # the first script run of the fresh server is this deep link's: wait until it has drawn
            page.get_by_test_id("stSidebar").get_by_test_id("stCode").first.wait_for()
        pages[page_file] = page

    notebook = codec.scenario_to_query(codec.scenario_from_query({})[0])
    problems: dict[str, list[str]] = {}
    for page_file, page in pages.items():
        entry = next(p for p in PAGES if p.path == page_file)
        page.locator("h1").first.wait_for()
        page.get_by_test_id("stSidebar").get_by_test_id("stCode").first.wait_for()
        page.wait_for_selector(SETTLED)
        expect_nav(page, [p.en for p in PAGES])
        found = []
        if errors := exceptions(page):
            found.append(f"exception: {errors[0][:300]}")
        if title(page) != entry.en:
            found.append(f"title {title(page)!r}, expected {entry.en!r}")
        path = page.url.removeprefix(server).split("?")[0] or "/"
        if path != PATHS[page_file]:
            found.append(f"landed on {path}")
        # The sidebar links to every screen at its path, and the address bar became the notebook's share link.
        links = page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
        hrefs = ["/" + (links.nth(i).get_attribute("href") or "") for i in range(links.count())]
        if hrefs != [PATHS[p.path] for p in PAGES] or nav_labels(page) != [p.en for p in PAGES]:
            found.append(f"navigation {list(zip(nav_labels(page), hrefs, strict=False))}")
        if share_params(page) != notebook:
            found.append(f"share link {share_params(page)}")
        if found:
            problems[PATHS[page_file]] = found
    assert problems == {}
