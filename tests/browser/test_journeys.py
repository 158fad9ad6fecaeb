"""What a learner does in a real browser: type into a grid, switch screens, open a shared link, switch language,
save the scenario to a file and load it in another session. Each test starts its own session (a new tab).

Expected numbers are worked out here by hand (numpy on the typed values), not by calling the app's code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import numpy as np
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.browser.conftest import (
    act,
    exceptions,
    expect_nav,
    go_to,
    open_app,
    share_link,
    share_params,
    shows_number,
    title,
)

ROW_PX = 35  # a grid row (row 0 is the header)
SHARED = "W1=0.2,0.3,0.5;0.2,0.4,0.6&x=2,1&lang=en"


def _steady_grid_box(grid: Any) -> dict[str, float]:
    """The grid's position and the width of its columns (index column included), once its layout has settled.

    The grid sizes its columns after the fonts have loaded, and the page around it may still shift: poll until the
    position and the width are the same three times running.
    """
    grid.page.evaluate("document.fonts.ready.then(() => true)")
    handle = grid.element_handle()
    grid.page.wait_for_function(
        """el => {
            const r = el.getBoundingClientRect();
            const stack = el.querySelector(".dvn-stack > div");
            const now = stack ? `${r.left},${r.top},${stack.getBoundingClientRect().width}` : "";
            el.__seen = (now && el.__last === now) ? (el.__seen || 0) + 1 : 0;
            el.__last = now;
            return el.__seen >= 2;
        }""",
        arg=handle,
        polling=100,
    )
    box = grid.bounding_box()
    box["content_width"] = grid.locator(".dvn-stack > div").first.bounding_box()["width"]
    return box


def type_into_last_column(grid: Any, row: int, value: str, expect_old: str) -> None:
    """Double-click the cell of data row ``row`` (0-based) in the grid's last column, type ``value``, press Enter.

    ``expect_old`` is the cell's value as the editor shows it when it opens: it proves the right cell was hit. A
    grid that was just redrawn may ignore the first double-click; then the cell is measured and clicked again.
    """
    page = grid.page
    editor = page.get_by_test_id("portal").locator("input, textarea").first
    for attempt in range(3):
        grid.scroll_into_view_if_needed()
        box = _steady_grid_box(grid)
        page.mouse.dblclick(box["x"] + box["content_width"] - 12, box["y"] + ROW_PX * (row + 1.5))
        try:
            editor.wait_for(timeout=3_000 * (attempt + 1))
            break
        except PlaywrightTimeoutError:
            continue
    assert editor.is_visible(), "the grid's cell editor did not open"
    assert float(editor.input_value()) == float(expect_old), "the double-click opened another cell"
    editor.fill(value)
    act(page, lambda: editor.press("Enter"))


def softmax(u: np.ndarray) -> np.ndarray:
    e = np.exp(u - u.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def test_typed_value_survives_a_page_switch(server, new_page):
    page = new_page()
    open_app(page, server + "/")
    w1 = page.get_by_test_id("stDataFrame").first  # the first grid on Home is the weight W1
    expect(page.get_by_text("Weight W1 (inputs × hidden units)")).to_be_visible()

    type_into_last_column(w1, row=0, value="0.7531", expect_old="0.5")  # W1[x1, h3]
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text("W1=0.1,0.3,0.7531;")
    assert share_params(page)["W1"] == "0.1,0.3,0.7531;0.2,0.4,0.6"
    assert exceptions(page) == []

    # u1 = x·W1 + b1 for x = [1, 5], by hand: h3 = 1·0.7531 + 5·0.6 + 0.3 = 4.0531 (was 3.8).
    u1_h3 = 1 * 0.7531 + 5 * 0.6 + 0.3
    go_to(page, "Forward pass", "/Forward")
    assert title(page) == "Forward pass" and exceptions(page) == []
    assert share_params(page)["W1"] == "0.1,0.3,0.7531;0.2,0.4,0.6"
    assert shows_number(page, u1_h3), "the forward pass does not show u1 = 4.0531"

    go_to(page, "Scenario", "/")
    assert title(page) == "Scenario" and exceptions(page) == []
    assert share_params(page)["W1"] == "0.1,0.3,0.7531;0.2,0.4,0.6"
    # The grid itself shows the typed value again (its cell editor opens with it), and typing still works.
    type_into_last_column(page.get_by_test_id("stDataFrame").first, row=0, value="0.65", expect_old="0.7531")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stCode").first).to_contain_text(
        "W1=0.1,0.3,0.65;0.2,0.4,0.6&"
    )
    assert exceptions(page) == [] and not page.get_by_test_id("stAlertContentError").count()


def test_shared_link_opens_backprop_and_survives_page_switches(server, new_page):
    page = new_page()
    open_app(page, f"{server}/Backprop?{SHARED}")
    assert title(page) == "Backprop" and exceptions(page) == []
    params = share_params(page)
    assert params["W1"] == "0.2,0.3,0.5;0.2,0.4,0.6" and params["x"] == "2,1"
    assert (params["b1"], params["W2"], params["d"]) == ("0.1,0.2,0.3", "0.1,0.4;0.2,0.5;0.3,0.6", "0,1")  # defaults

    # By hand: u1 = [2, 1]·W1 + b1 = [0.7, 1.2, 1.9] (all > 0, so z1 = u1); u2 = z1·W2 + b2 = [0.98, 2.22];
    # δ2 = y − d = [y1, y1 − 1] with y1 = softmax(u2)[0] ≈ 0.2244; and the SGD step b2 ← b2 − η·δ2.
    x = np.array([[2.0, 1.0]])
    W1 = np.array([[0.2, 0.3, 0.5], [0.2, 0.4, 0.6]])
    W2, b1, b2 = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), np.array([0.1, 0.2, 0.3]), np.array([0.1, 0.2])
    z1 = np.maximum(x @ W1 + b1, 0)
    np.testing.assert_allclose(z1, [[0.7, 1.2, 1.9]])
    delta2 = softmax(z1 @ W2 + b2) - [[0.0, 1.0]]
    new_b2 = b2 - 0.01 * delta2[0]
    for value in (delta2[0, 0], new_b2[0], new_b2[1]):
        assert shows_number(page, value), f"Backprop does not show {value:.7g}"

    go_to(page, "Forward pass", "/Forward")
    assert exceptions(page) == [] and share_params(page) == params
    assert shows_number(page, 1.9) and shows_number(page, 2.22)  # u1 of h3, u2 of y2
    go_to(page, "Backprop", "/Backprop")
    assert exceptions(page) == [] and share_params(page) == params
    assert shows_number(page, delta2[0, 0])
    assert dict(parse_qsl(urlsplit(page.url).query)) == params  # the address bar carries the scenario too


def test_language_switch_changes_navigation_and_labels(server, new_page):
    page = new_page()
    open_app(page, server + "/?x=1,5;3,1&d=0,1;1,0")  # two samples: Home also offers a choice of sample
    expect_nav(
        page, ["Scenario", "Forward pass", "Backprop", "Training", "Learning-rate sweep", "Compare", "Quiz", "Lessons"]
    )
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Gradient over samples")).to_be_visible()

    act(page, sidebar.get_by_text("日本語", exact=True).click)
    expect(page.locator("h1").first).to_have_text("シナリオ")
    expect_nav(
        page, ["シナリオ", "順伝播", "誤差逆伝播", "学習", "学習率スイープ", "比較", "クイズ（手計算）", "レッスン"]
    )
    expect(sidebar.get_by_text("共有リンク")).to_be_visible()
    expect(page.get_by_text("重み W1（入力 × 中間層）")).to_be_visible()
    # Choices with translated labels keep their value (they used to lose it: the widget remembers the label).
    expect(sidebar.get_by_text("勾配のまとめ方（サンプル方向）")).to_be_visible()
    expect(sidebar.get_by_role("radio", name="平均（表示する誤差の勾配）")).to_be_checked()
    page.get_by_role("tab", name="ネットワーク").click()  # the activation menus are on Home's Network tab
    expect(page.get_by_role("combobox", name="出力層 / 誤差関数")).to_have_value("softmax + 交差エントロピー誤差")
    expect(page.get_by_role("combobox", name="図に表示するサンプル")).to_have_value("サンプル1")
    assert share_params(page)["lang"] == "ja"
    # ... and the next edit is applied (it used to be refused: "出力層 'softmax + cross-entropy' は使えません").
    type_into_last_column(page.get_by_test_id("stDataFrame").first, row=0, value="0.7", expect_old="0.5")
    expect(sidebar.get_by_test_id("stCode").first).to_contain_text("W1=0.1,0.3,0.7;")
    assert page.get_by_test_id("stAlertContentError").all_inner_texts() == [] and exceptions(page) == []

    # The language stays on the next screen, and switching back restores English.
    go_to(page, "順伝播", "/Forward")
    assert title(page) == "順伝播" and exceptions(page) == []
    act(page, sidebar.get_by_text("English", exact=True).click)
    expect(page.locator("h1").first).to_have_text("Forward pass")
    expect_nav(
        page, ["Scenario", "Forward pass", "Backprop", "Training", "Learning-rate sweep", "Compare", "Quiz", "Lessons"]
    )
    assert "lang" not in share_params(page)
    assert share_params(page)["W1"] == "0.1,0.3,0.7;0.2,0.4,0.6"
    expect(sidebar.get_by_role("radio", name="mean (of the reported loss)")).to_be_checked()


def _open_files_expander(page: Any) -> Any:
    sidebar = page.get_by_test_id("stSidebar")
    expander = sidebar.get_by_test_id("stExpander").filter(has_text="Save / load / export")
    expander.locator("summary").click()
    expect(expander.get_by_test_id("stFileUploaderDropzone")).to_be_visible()
    return expander


def test_saved_json_loads_the_same_scenario_in_a_new_session(server, new_page, tmp_path: Path):
    query = "W1=0.25,0.3,-0.5;0.2,0.45,0.6&b2=0.3,-0.1&x=1,5;2,-1&d=0,1;1,0&lr=0.05&steps=250&hidden=tanh"
    query += "&reduction=sum"
    first = new_page()
    open_app(first, f"{server}/Compare?{query}")
    saved = share_params(first)
    assert saved["hidden"] == "tanh" and saved["x"] == "1,5;2,-1" and saved["lr"] == "0.05"
    assert saved["reduction"] == "sum"
    expander = _open_files_expander(first)
    with first.expect_download() as download:
        expander.get_by_role("button", name="Download scenario").click()
    assert download.value.suggested_filename == "backprop-lab-scenario.json"
    path = tmp_path / "scenario.json"
    download.value.save_as(path)
    doc = json.loads(path.read_text())
    assert doc["W1"] == [[0.25, 0.3, -0.5], [0.2, 0.45, 0.6]] and doc["x"] == [[1, 5], [2, -1]]
    assert doc["reduction"] == "sum"

    # The worked example of the same scenario downloads too (built on click), with its numbers.
    with first.expect_download() as worked:
        expander.get_by_role("button", name="Worked example (Markdown)").click()
    assert worked.value.suggested_filename == "backprop-lab-worked-example.md"
    md_path = tmp_path / "worked.md"
    worked.value.save_as(md_path)
    md = md_path.read_text(encoding="utf-8")
    assert md.startswith("# Backprop Lab — worked example") and "| sample 2 | 2 | -1 |" in md
    assert "hidden layer: tanh" in md and "η = 0.05" in md

    second = new_page()
    open_app(second, server + "/Compare")
    assert share_params(second) != saved  # a new session starts from the notebook
    expander = _open_files_expander(second)
    act(second, lambda: expander.locator("input[type='file']").set_input_files(path))
    expect(second.get_by_test_id("stAlertContentSuccess")).to_contain_text("scenario.json")
    assert share_params(second) == saved
    assert share_link(second).split("?")[0] == server + "/Compare"  # the link opens the page it was copied on
    # The file also set the gradient's reduction, and the sidebar's choice shows it and still works.
    sidebar = second.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radio", name="sum (the notebook's)")).to_be_checked()
    act(second, lambda: sidebar.get_by_text("mean (of the reported loss)").click())
    expect(sidebar.get_by_role("radio", name="mean (of the reported loss)")).to_be_checked()
    assert "reduction" not in share_params(second)
    assert exceptions(second) == []
