"""Teacher links in a real browser: a locked grid ignores typing, hide removes screens and panels, the note is
text, hostile lock/hide values are named and inert, and the journey of a teacher who builds a link in the sidebar
and a learner who opens it in a new browser context and sees exactly that."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import act, exceptions, nav_labels, open_app, share_params, title
from tests.browser.test_journeys import ROW_PX, _steady_grid_box, type_into_last_column

TEACHER = "W1=0.5,-0.2,0.1;0.3,0.8,-0.4&lr=0.2&steps=50"


GRIDS = ("W1", "b1", "W2", "b2", "x", "d")  # the Scenario screen's grids, in the page's order


def grid_of(page: Any, name: str) -> Any:
    """The Scenario screen's grid of ``name``."""
    return page.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(GRIDS.index(name))


def test_typing_into_a_locked_grid_changes_nothing(server, new_page):
    page = new_page()
    open_app(page, f"{server}/?{TEACHER}&lock=W1")
    expect(page.get_by_test_id("stMain")).to_contain_text("The teacher locked the weight W1 for this lesson.")
    grid = grid_of(page, "W1")
    grid.scroll_into_view_if_needed()
    box = _steady_grid_box(grid)
    page.mouse.dblclick(box["x"] + box["content_width"] - 12, box["y"] + ROW_PX * 1.5)
    page.keyboard.type("9.75")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)  # time for an edit to reach the server, if the grid had let one through
    assert page.get_by_test_id("portal").locator("input, textarea").count() == 0  # no cell editor opened
    assert share_params(page)["W1"] == "0.5,-0.2,0.1;0.3,0.8,-0.4"
    # A grid that is not locked still takes what is typed.
    type_into_last_column(grid_of(page, "b1"), 0, "0.375", "0.3")
    assert share_params(page)["b1"].endswith(",0.375") and share_params(page)["W1"] == "0.5,-0.2,0.1;0.3,0.8,-0.4"
    assert not exceptions(page)


def test_hide_removes_screens_and_panels(server, new_page):
    page = new_page()
    open_app(page, f"{server}/Backprop?hide=sweep,quiz,gradcheck,questions,printout")
    assert nav_labels(page) == ["Scenario", "Forward pass", "Backprop", "Training", "Compare", "Lessons"]
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("One SGD step")
    assert "Gradient check" not in main.inner_text() and "notebook's questions" not in main.inner_text()
    assert page.get_by_role("checkbox", name="Show the notebook's printout").count() == 0
    hidden = new_page()
    open_app(hidden, f"{server}/Sweep?hide=sweep")
    expect(hidden.get_by_test_id("stMain")).to_contain_text("The teacher has hidden this screen")
    assert hidden.get_by_test_id("stPlotlyChart").count() == 0


def test_note_is_text_and_hostile_lock_and_hide_are_named(server, new_page):
    page = new_page()
    hostile = "[x](http://a)"
    open_app(page, f"{server}/?note=**bold**%20%3Cb%3Ehi%3C/b%3E&lock=foo,lr&hide={hostile}")
    note = page.get_by_test_id("stText").first
    expect(note).to_have_text("**bold** <b>hi</b>")
    warning = page.get_by_test_id("stAlertContentWarning").first
    expect(warning).to_contain_text("is not a name it knows")
    seen = warning.inner_text().replace("\u2060", "")  # the invisible word joiners that keep ":" inert
    # each problem starts with the field's name on screen, the link's key after it (docs/design.md, "Messages ...")
    assert "(lock in the link): “foo” is not a name it knows" in seen
    assert "(hide in the link): “[x](http://a)” is not a name it knows" in seen
    assert warning.locator("a").count() == 0  # shown as text, not a link
    assert page.get_by_test_id("stMain").locator("b").filter(has_text="hi").count() == 0
    assert share_params(page)["lock"] == "lr"

    commas = new_page()
    open_app(commas, f"{server}/Training?lock={',' * 5000}&hide={',' * 5000}&lr=0.2")
    warning = commas.get_by_test_id("stAlertContentWarning").first
    expect(warning).to_contain_text("the list is too long (5,000 characters; at most 400)")
    text = warning.inner_text().replace("\u2060", "")
    assert "(lock in the link): the list is too long" in text and "(hide in the link): the list is too long" in text
    expect(commas.get_by_test_id("stMain").get_by_test_id("stPlotlyChart")).not_to_have_count(0)  # still trains
    assert share_params(commas)["lr"] == "0.2" and "lock" not in share_params(commas)
    assert not exceptions(page) and not exceptions(commas)


def _choose(page: Any, label: str, options: list[str]) -> None:
    """Pick ``options`` in the sidebar's multiselect ``label`` as a person does: type, then Enter."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=label)
    for option in options:
        box.locator("input").click()
        box.locator("input").fill(option)
        act(page, lambda: page.keyboard.press("Enter"))
    page.keyboard.press("Escape")


def test_a_teacher_builds_a_link_and_a_learner_sees_exactly_that(server, browser, new_page):
    teacher = new_page()
    open_app(teacher, f"{server}/Backprop?{TEACHER}")
    sidebar = teacher.get_by_test_id("stSidebar")
    builder = sidebar.get_by_test_id("stExpander").filter(has_text="Teacher link")
    builder.locator("summary").click()
    note = builder.get_by_role("textbox", name="Note (plain text)")
    note.fill("Compute δ1 first <i>then</i> check")
    act(teacher, lambda: note.press("Control+Enter"))
    _choose(teacher, "Lock", ["weight W1", "learning rate"])
    _choose(teacher, "Hide", ["Learning-rate sweep", "gradient check"])
    _choose(teacher, "Quiz asks", ["δ1"])
    link = builder.get_by_test_id("stCode").inner_text().strip()
    assert re.match(rf"^{re.escape(server)}/Backprop\?", link)
    assert "lock=W1%2Clr" in link or "lock=W1,lr" in link
    assert "hide=sweep,gradcheck" in link and "ask=delta1" in link

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        learner = context.new_page()
        learner.set_default_timeout(60_000)
        from tests.browser.conftest import _watch_stream

        _watch_stream(learner)
        open_app(learner, link)
        assert title(learner) == "Backprop"
        expect(learner.get_by_test_id("stText").first).to_have_text("Compute δ1 first <i>then</i> check")
        assert "Learning-rate sweep" not in nav_labels(learner)
        assert "Gradient check" not in learner.get_by_test_id("stMain").inner_text()
        params = share_params(learner)
        assert params["lock"] == "W1,lr" and params["hide"] == "sweep,gradcheck" and params["W1"].startswith("0.5,")
        links = learner.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")
        act(learner, links.filter(has_text=re.compile(r"Scenario\s*$")).click)
        main = learner.get_by_test_id("stMain")
        expect(main).to_contain_text("The teacher locked the weight W1 for this lesson.")
        expect(main.get_by_role("textbox", name="Learning rate η")).to_be_disabled()
        expect(learner.get_by_role("button", name="Reset to the teacher's scenario")).to_be_visible()
        act(learner, links.filter(has_text=re.compile(r"Quiz\s*$")).click)
        expect(learner.get_by_test_id("stMain")).to_contain_text("Compute δ1")
        assert not exceptions(learner)
    finally:
        context.close()
