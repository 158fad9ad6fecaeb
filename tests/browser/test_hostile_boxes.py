"""A whole-number box outside the scenario typed into in a real browser: the SGD preset's "Samples generated" reads
1e2 as 100 (Streamlit's integer box parsed the text with parseInt, so 1e2 became 1), and a fraction is refused
with a message naming the box while the box keeps its number. The AppTest side is tests/test_hostile_boxes.py.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import act, exceptions, open_app, share_params


def _type(page, box, text: str) -> None:
    box.click()
    box.press("Control+a")
    box.press_sequentially(text, delay=30)  # key by key, as a person types
    act(page, lambda: box.press("Enter"))


def test_the_sgd_presets_samples_box_reads_an_exponent_and_refuses_a_fraction(server, new_page):
    page = new_page()
    open_app(page, server + "/Training")
    act(page, lambda: page.get_by_text("The course's SGD notebook", exact=False).first.click())
    box = page.get_by_role("textbox", name="Samples generated")
    _type(page, box, "1e2")
    expect(box).to_have_value("100")
    _type(page, box, "2.5")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("2.5 is not a whole number")
    expect(error).to_contain_text("Samples generated")  # (followed by an invisible word joiner and ":")
    expect(box).to_have_value("100")
    act(page, lambda: page.get_by_role("button", name="Use this data and network as the scenario").click())
    assert share_params(page)["x"].count(";") == 99  # 100 samples, one row each
    assert exceptions(page) == []
