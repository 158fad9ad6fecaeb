"""Hostile input in a real browser, where AppTest cannot go: typing into a grid cell and a number box, uploading a
file, and what a message quoting a link's value renders to (no image, no link, no bold).

Expected values are written here by hand (1e-3 is 0.001), not taken from the app's code.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import act, exceptions, open_app, share_params
from tests.browser.test_journeys import ROW_PX, _open_files_expander, _steady_grid_box, type_into_last_column


def _alert_texts(page) -> list[str]:
    return page.get_by_test_id("stAlert").all_inner_texts()


def test_scientific_notation_typed_into_a_grid_is_read_as_a_number(server, new_page):
    page = new_page()
    open_app(page, server + "/")
    w1 = page.get_by_test_id("stDataFrame").first  # the weight W1; its last column is h3
    type_into_last_column(w1, row=0, value="1e-3", expect_old="0.5")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("W1=0.1,0.3,0.001;")
    # Streamlit's number cells turned 2.5e2 into 2.52; a text cell read by the app gives 250.
    type_into_last_column(w1, row=1, value="2.5e2", expect_old="0.6")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text(
        "W1=0.1,0.3,0.001;0.2,0.4,250&"
    )
    # A Japanese keyboard's full-width digits and minus sign.
    type_into_last_column(w1, row=0, value="－０．２５", expect_old="0.001")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("W1=0.1,0.3,-0.25;")
    assert exceptions(page) == []
    assert page.get_by_test_id("stAlertContentError").count() == 0


def test_an_unusable_grid_cell_is_refused_with_its_name_and_the_scenario_stays(server, new_page):
    page = new_page()
    open_app(page, server + "/?lang=ja")
    w1 = page.get_by_test_id("stDataFrame").first
    type_into_last_column(w1, row=0, value="1,5", expect_old="0.5")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("W1[x1, h3]")
    expect(error).to_contain_text("'1,5' は数値ではありません")
    assert share_params(page)["W1"] == "0.1,0.3,0.5;0.2,0.4,0.6"
    assert exceptions(page) == []


def test_a_paste_with_an_unusable_cell_applies_the_rest_and_names_it(server, new_page):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_app(page, server + "/")
    w1 = page.get_by_test_id("stDataFrame").first
    w1.scroll_into_view_if_needed()  # the click below goes to screen coordinates: the grid must be in view
    box = _steady_grid_box(w1)
    # A 2 × 3 block over the whole of W1: exponents, a value above 2**53 (number cells dropped it) and one word.
    page.evaluate("text => navigator.clipboard.writeText(text)", "1e-3\t2.5e2\t7\nabc\t1e16\t5")
    column = box["content_width"] / 4  # the index column and h1, h2, h3 are about as wide
    page.mouse.click(box["x"] + column * 1.5, box["y"] + ROW_PX * 1.5)  # W1[x1, h1]
    act(page, lambda: page.keyboard.press("Control+v"))
    warning = page.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("W1[x2, h1]")
    expect(warning).to_contain_text("'abc' is not a number")
    expect(warning).to_contain_text("The other 5 cells were applied")
    assert share_params(page)["W1"] == "0.001,250,7;0.2,1e+16,5"
    assert exceptions(page) == []


def test_scientific_notation_in_the_steps_box(server, new_page):
    page = new_page()
    open_app(page, server + "/")
    box = page.get_by_role("textbox", name="Training steps")
    box.click()
    box.press("Control+a")
    box.press_sequentially("1e5", delay=30)  # typed key by key, as a person does (an integer box made it 1)
    act(page, lambda: box.press("Enter"))
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("&steps=100000&")
    expect(box).to_have_value("100000")

    box.click()
    box.press("Control+a")
    box.press_sequentially("2.5", delay=30)
    act(page, lambda: box.press("Enter"))
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("2.5 is not a whole number")
    assert share_params(page)["steps"] == "100000"  # refused, with a message
    assert exceptions(page) == []


def test_a_japanese_minus_and_an_exponent_typed_into_eta(server, new_page):
    """The browser's number box made "−0.5" (a Japanese keyboard's minus, U+2212) into 0.5 without a word; the text
    box is read by the app: refused by η's lower bound with a message naming the box, and 1e-3 is 0.001."""
    page = new_page()
    open_app(page, server + "/")
    box = page.get_by_role("textbox", name="Learning rate η")
    box.click()
    box.press("Control+a")
    box.press_sequentially("\u22120.5", delay=30)
    act(page, lambda: box.press("Enter"))
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("Learning rate η")
    expect(error).to_contain_text("-0.5 is out of range")
    expect(error).to_contain_text("nothing was changed")
    expect(box).to_have_value("0.01")  # the scenario's η again
    assert share_params(page).get("lr") in (None, "0.01")  # still the notebook's η

    box = page.get_by_role("textbox", name="Learning rate η")
    box.click()
    box.press("Control+a")
    box.press_sequentially("1e-3", delay=30)
    act(page, lambda: box.press("Enter"))
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("lr=0.001")
    expect(page.get_by_role("textbox", name="Learning rate η")).to_have_value("0.001")
    assert share_params(page)["lr"] == "0.001"
    assert exceptions(page) == []


def test_a_hostile_file_ends_in_a_message_and_changes_nothing(server, new_page, tmp_path: Path):
    page = new_page()
    open_app(page, server + "/?lr=0.05")
    before = share_params(page)
    expander = _open_files_expander(page)
    uploader = expander.locator("input[type='file']")
    files = {
        "nested.json": "[" * 10_000 + "]" * 10_000,
        "overflow.json": '{"lr": 1' + "0" * 400 + "}",
        "digits.json": '{"steps": ' + "1" * 5_000 + "}",
        "other.json": '{"format": "someone-else/model", "W1": [[1, 2, 3], [4, 5, 6]]}',
    }
    expected = {
        "nested.json": "nested too deeply",
        "overflow.json": "too large",
        "digits.json": "is too large",
        "other.json": "not a Backprop Lab scenario",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text)
        act(page, lambda path=path: uploader.set_input_files(path))
        expect(page.get_by_test_id("stAlert").first).to_contain_text(expected[name])
        assert exceptions(page) == [], name
        assert share_params(page) == before, name


def test_markdown_in_a_link_value_is_shown_as_text(server, new_page):
    page = new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # In values that the message quotes: an image from an address the link chose, a link, bold text, bare
    # addresses that Markdown would turn into links, an emoji shortcode.
    values = {
        "output": "![](http://x.io/a)",
        "hidden": "[x](https://x.io)",
        "steps": "**9**",
        "x": "www.x.io",
        "d": "a@x.io",
        "lr": ":smile:",
    }
    open_app(page, server + "/?" + "&".join(f"{k}={v}" for k, v in values.items()))
    alert = page.get_by_test_id("stAlert").first
    alert.wait_for()
    shown = alert.inner_text().replace("\u2060", "")  # the invisible word joiners that break autolinks
    for value in ("![](http://x.io/a)", "[x](https://x.io)", "**9**", "www.x.io", "a@x.io", ":smile:"):
        assert value in shown, value
    assert alert.locator("img").count() == 0
    assert alert.locator("a").count() == 0
    assert alert.locator("strong").count() == 0
    assert "😄" not in shown
    assert not [url for url in requested if urlsplit(url).hostname == "x.io"]
    assert exceptions(page) == []
