"""A fair share of the server for long work (``ui.session.fair_share``): one long request at a time in order of arrival,
a waiting request stops waiting when its session reruns or leaves (a rerun gets its place back), and long work pauses
between chunks.

Ordering is checked with threads and events, never with times: each wait on an event has a generous timeout only so
that a bug fails the test instead of hanging it.
"""

import threading
from pathlib import Path

import pytest
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.testing.v1 import AppTest

import dnn
from dnn import budget
from ui.session import codec, fair_share
from ui.session import training as training_ui

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAINING = "pages/3_Training.py"
SAFETY = 30  # seconds before a missing event fails the test (never reached when the code is right)


class MovedOnError(Exception):
    """Stands for Streamlit's stop/rerun exception, raised at a Streamlit call (the waiting message's redraw)."""


class Holder:
    """A thread that takes a turn of ``turns`` and keeps it until ``release()``."""

    def __init__(self, turns: fair_share.Turns, on_wait=lambda ahead: None, owner=None) -> None:
        self.started, self.released, self.ran = threading.Event(), threading.Event(), threading.Event()
        self.error: BaseException | None = None

        def hold() -> None:
            try:
                with turns.turn(on_wait, owner=owner):
                    self.ran.set()
                    self.started.set()
                    assert self.released.wait(SAFETY)
            except BaseException as e:  # recorded for the test to look at
                self.error = e
                self.started.set()

        self.thread = threading.Thread(target=hold, daemon=True)
        self.thread.start()

    def release(self) -> None:
        self.released.set()
        self.thread.join(SAFETY)
        assert not self.thread.is_alive()


class Waiter:
    """What a waiting request sees: every ``ahead`` it was shown, and an event for each distinct one."""

    def __init__(self, leave_when=None) -> None:
        self.seen: list[int] = []
        self.first = threading.Event()
        self.leave = threading.Event() if leave_when is None else leave_when

    def __call__(self, ahead: int) -> None:
        self.seen.append(ahead)
        self.first.set()
        if self.leave.is_set():
            raise MovedOnError


def test_a_long_request_waits_while_another_runs_and_proceeds_after():
    turns = fair_share.Turns(poll=0.01)
    first = Holder(turns)
    assert first.started.wait(SAFETY) and turns.running == 1
    waiter = Waiter()
    second = Holder(turns, waiter)
    assert waiter.first.wait(SAFETY)
    assert not second.ran.is_set()  # it waits while the first runs
    assert turns.waiting == 1 and set(waiter.seen) == {1}  # "1 ahead"
    first.release()
    assert second.started.wait(SAFETY) and second.ran.is_set()
    second.release()
    assert turns.running == 0 and turns.waiting == 0
    assert first.error is None and second.error is None


def test_short_waits_do_not_happen_when_the_server_is_free():
    turns = fair_share.Turns(poll=0.01)
    seen = []
    with turns.turn(seen.append):
        assert turns.running == 1
    assert seen == [] and turns.running == 0  # no waiting message at all


def test_a_waiting_request_that_moves_on_gives_its_place_to_the_next():
    turns = fair_share.Turns(poll=0.01)
    first = Holder(turns)
    assert first.started.wait(SAFETY)
    leaver = Waiter()
    second = Holder(turns, leaver)
    assert leaver.first.wait(SAFETY)
    third_waiter = Waiter()
    third = Holder(turns, third_waiter)
    assert third_waiter.first.wait(SAFETY)
    assert turns.waiting == 2 and 2 in third_waiter.seen  # behind the running one and the waiting one
    leaver.leave.set()  # the second session reruns or closes: its next redraw raises
    second.thread.join(SAFETY)
    assert isinstance(second.error, MovedOnError) and not second.ran.is_set()
    assert turns.waiting == 1
    first.release()
    assert third.started.wait(SAFETY) and third.ran.is_set() and third.error is None
    third.release()
    assert turns.running == 0 and turns.waiting == 0


def test_two_slots_let_two_run_and_the_third_wait():
    turns = fair_share.Turns(slots=2, poll=0.01)
    a, b = Holder(turns), Holder(turns)
    assert a.started.wait(SAFETY) and b.started.wait(SAFETY) and turns.running == 2
    waiter = Waiter()
    c = Holder(turns, waiter)
    assert waiter.first.wait(SAFETY) and not c.ran.is_set() and set(waiter.seen) == {2}
    a.release()
    assert c.started.wait(SAFETY)
    b.release()
    c.release()
    assert turns.running == 0


def test_an_error_in_the_work_passes_the_turn_on():
    turns = fair_share.Turns(poll=0.01)
    with pytest.raises(ZeroDivisionError), turns.turn():
        1 / 0  # noqa: B018
    assert turns.running == 0
    with turns.turn():
        assert turns.running == 1


def test_long_work_pauses_as_long_as_each_chunk_took(monkeypatch):
    slept = []
    fair_share.pause_after_chunk(0.04, sleep=slept.append)
    fair_share.pause_after_chunk(0.0, sleep=slept.append)
    assert slept == [pytest.approx(0.04 * fair_share.PAUSE_PER_WORK)]
    assert fair_share.PAUSE_PER_WORK >= 1.0  # the others get at least half of the time


def test_every_chunk_of_a_long_run_pauses(monkeypatch):
    """The progress hook of a long run sleeps after each chunk (the sleeps are counted, not timed)."""
    monkeypatch.setattr(budget, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(budget, "REPORT_SECONDS", 0.0)  # a chunk is one step
    pauses = []
    monkeypatch.setattr(fair_share, "pause_after_chunk", lambda seconds: pauses.append(seconds))
    training_ui.RUNS.clear()
    at = open_training(dnn.seed_scenario().replace(steps=300))
    assert not at.exception and at.get("plotly_chart")
    assert len(pauses) == 300 and all(s >= 0 for s in pauses)


# ---------------------------------------------------------------- on the Training screen


def open_training(sc, lang=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in codec.scenario_to_query(sc, lang).items():
        at.query_params[k] = v
    at.switch_page(TRAINING)
    return at.run()


@pytest.fixture
def long_runs(monkeypatch):
    """Every run is long (a turn, a progress bar); the process's queue starts empty and is left empty."""
    monkeypatch.setattr(budget, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(fair_share.LONG_WORK, "poll", 0.01)
    training_ui.RUNS.clear()
    assert fair_share.LONG_WORK.running == 0 and fair_share.LONG_WORK.waiting == 0 and fair_share.LONG_WORK.kept == 0
    yield
    training_ui.RUNS.clear()
    monkeypatch.setattr(fair_share.LONG_WORK, "keep", 0.0)  # a closed tab's kept place: expire it for the next test
    assert fair_share.LONG_WORK.kept == 0


def waiting_messages(monkeypatch, then):
    """Spy on the page's info boxes: record each waiting message's text and call ``then(count)`` after it."""
    texts = []
    original = DeltaGenerator.info

    def spy(self, body, *args, **kwargs):
        out = original(self, body, *args, **kwargs)
        if "Waiting for the server" in body or "順番待ち" in body:
            texts.append(body)
            then(len(texts))
        return out

    monkeypatch.setattr(DeltaGenerator, "info", spy)
    return texts


@pytest.mark.parametrize("lang", [None, "ja"])
def test_a_long_run_waits_for_its_turn_and_a_closed_tab_stops_waiting(long_runs, monkeypatch, lang):
    calls = []
    monkeypatch.setattr(dnn, "train", lambda *a, **k: calls.append(1) or pytest.fail("trained before its turn"))
    holder = Holder(fair_share.LONG_WORK)  # another session's long run
    assert holder.started.wait(SAFETY)
    try:
        texts = waiting_messages(monkeypatch, lambda n: get_script_run_ctx().script_requests.request_stop())
        at = open_training(dnn.seed_scenario().replace(steps=3000), lang)
        assert texts, "no waiting message"
        if lang == "ja":
            assert "前に長い計算が 1 件あります" in texts[0]
        else:
            assert "1 longer computation is ahead of this one" in texts[0]
        assert calls == []  # the session left while waiting: nothing trained
        assert not at.get("plotly_chart")
        assert fair_share.LONG_WORK.waiting == 0  # it no longer waits
        assert fair_share.LONG_WORK.kept == 1  # its place is kept a moment, in case the session reruns
        assert fair_share.LONG_WORK.running == 1  # the other run goes on
    finally:
        holder.release()
    assert fair_share.LONG_WORK.running == 0


def test_a_waiting_session_that_reruns_keeps_its_place_and_its_rerun_trains(long_runs, monkeypatch):
    holder = Holder(fair_share.LONG_WORK)
    assert holder.started.wait(SAFETY)

    def rerun_then_free(count):
        if count == 1:  # the learner clicks while waiting; meanwhile the other run ends
            ctx = get_script_run_ctx()
            ctx.script_requests.request_rerun(
                RerunData(query_string=ctx.query_string, page_script_hash=ctx.page_script_hash)
            )
            holder.release()

    try:
        texts = waiting_messages(monkeypatch, rerun_then_free)
        at = open_training(dnn.seed_scenario().replace(steps=3000))
    finally:
        holder.release()
    assert len(texts) == 1
    assert not at.exception and at.get("plotly_chart")  # the rerun had the turn and trained
    assert fair_share.LONG_WORK.running == 0 and fair_share.LONG_WORK.waiting == 0 and fair_share.LONG_WORK.kept == 0


def test_the_pages_shorten_the_switch_interval():
    import sys

    import ui.session.cached  # noqa: F401 — what every page imports

    assert fair_share.SWITCH_INTERVAL < 0.005  # shorter than Python's default
    assert sys.getswitchinterval() == pytest.approx(fair_share.SWITCH_INTERVAL)


def test_a_session_that_reruns_while_waiting_keeps_its_place():
    """A click while waiting reruns the page: the rerun's request goes back to the place the learner had, ahead of
    requests that came after it, instead of joining the queue at the back."""
    turns = fair_share.Turns(poll=0.01, keep=SAFETY)
    running = Holder(turns)
    assert running.started.wait(SAFETY)
    clicker = Waiter()
    first_ask = Holder(turns, clicker, owner="tab-A")
    assert clicker.first.wait(SAFETY)
    later = Waiter()
    behind = Holder(turns, later)  # another learner's long request, after tab A's
    assert later.first.wait(SAFETY) and 2 in later.seen
    clicker.leave.set()  # tab A's learner clicks: its wait ends with Streamlit's rerun exception
    first_ask.thread.join(SAFETY)
    assert isinstance(first_ask.error, MovedOnError) and not first_ask.ran.is_set()
    assert turns.kept == 1 and turns.waiting == 1

    back = Waiter()
    rerun = Holder(turns, back, owner="tab-A")  # the rerun asks again
    assert back.first.wait(SAFETY)
    assert set(back.seen) == {1}  # only the running request is ahead of it again: its place was kept
    assert turns.kept == 0 and turns.waiting == 2
    running.release()
    assert rerun.started.wait(SAFETY) and rerun.error is None
    assert not behind.ran.is_set()  # it runs before the request that came after it
    rerun.release()
    assert behind.started.wait(SAFETY)
    behind.release()
    assert turns.running == 0 and turns.waiting == 0 and turns.kept == 0


def test_a_kept_place_holds_no_one_up_and_expires():
    turns = fair_share.Turns(poll=0.01, keep=SAFETY)
    running = Holder(turns)
    assert running.started.wait(SAFETY)
    leaver = Waiter()

    def ask_and_leave() -> None:
        with pytest.raises(MovedOnError), turns.turn(leaver, owner="closed-tab"):
            pytest.fail("ran while another request held the turn")

    leaving = threading.Thread(target=ask_and_leave, daemon=True)
    leaving.start()
    assert leaver.first.wait(SAFETY)
    leaver.leave.set()
    leaving.join(SAFETY)
    later = Waiter()
    behind = Holder(turns, later)
    assert later.first.wait(SAFETY)
    assert set(later.seen) == {1}  # the closed tab's kept place is not counted ahead of it
    running.release()
    assert behind.started.wait(SAFETY)  # and does not hold it up
    behind.release()
    assert turns.kept == 1
    turns.keep = 0.0  # the tab never came back: after ``keep`` seconds the place is gone
    assert turns.kept == 0 and turns.waiting == 0
