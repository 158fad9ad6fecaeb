"""The Quiz in a real browser: a teacher's link (ask, quiz_seed) opens it, a learner types in Japanese input habits
and checks, leaves for another screen and comes back — the answers, the marks and the link's keys are still there
(AppTest does not clean up page switches as the browser does)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from dnn import quiz
from tests.browser.conftest import act, exceptions, go_to, open_app, share_params
from ui.session import codec


def address(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def marks(page) -> list[str]:
    """The icons of the marks under the cells (right: check_circle, wrong: cancel)."""
    icons = page.get_by_test_id("stMain").locator(".stMarkdownColoredText span[role='img']")
    return [t.strip() for t in icons.all_inner_texts() if t.strip() in ("check_circle", "cancel", "error")]


def test_a_teachers_link_survives_a_page_switch(server, new_page):
    page = new_page()
    open_app(page, f"{server}/Quiz?ask=u1,delta1&quiz_seed=5&lang=ja")
    assert address(page)["ask"] == ["u1,delta1"] and address(page)["quiz_seed"] == ["5"]
    u1 = quiz.true_values(quiz.quiz_scenario(5))["u1"][0]
    boxes = [page.get_by_label(f"u1 · h{i + 1}", exact=True) for i in range(3)]
    typed = [f"{v:.3g}".translate(str.maketrans("0123456789.-", "０１２３４５６７８９．−")) for v in u1]
    typed[2] = f"{u1[2] + 0.1:.3g}"  # one wrong
    for box, text in zip(boxes, typed, strict=True):
        box.fill(text)
        act(page, lambda box=box: box.press("Enter"))
    act(page, page.get_by_role("button", name="チェック", exact=True).click)
    assert marks(page) == ["check_circle", "check_circle", "cancel"]

    go_to(page, "誤差逆伝播", "/Backprop")
    assert "ask" not in address(page) and "quiz_seed" not in address(page)
    assert codec.scenario_from_query(share_params(page))[0] == quiz.quiz_scenario(5)  # the seed's scenario stays

    go_to(page, "クイズ（手計算）", "/Quiz")
    assert address(page)["ask"] == ["u1,delta1"] and address(page)["quiz_seed"] == ["5"]
    assert [box.input_value() for box in boxes] == typed
    assert marks(page) == ["check_circle", "check_circle", "cancel"]
    assert share_params(page)["ask"] == "u1,delta1" and share_params(page)["quiz_seed"] == "5"
    assert not exceptions(page)
