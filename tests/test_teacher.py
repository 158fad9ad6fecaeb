"""Teacher links under AppTest: ``lock=`` (locked values cannot be changed by any widget, preset, reset or undo),
``hide=`` (screens and panels gone), the builder's link, the keys in the JSON file, hostile values."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from dnn import quiz
from tests.test_hostile import unescape
from ui.session import codec, state, teacher
from ui.widgets.pages_nav import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# The teacher's scenario, written as a teacher would type it (not the notebook's: Reset must come back here).
LINK = {
    "W1": "0.5,-0.2,0.1;0.3,0.8,-0.4",
    "b1": "0,0.1,-0.1",
    "W2": "0.2,-0.3;0.6,0.1;-0.5,0.4",
    "b2": "0.05,-0.05",
    "x": "2,1",
    "d": "1,0",
    "lr": "0.2",
    "steps": "50",
    "hidden": "tanh",
    "output": "softmax",
}


def rows(text: str) -> np.ndarray:
    """A link's matrix read by hand (independent of the codec)."""
    return np.array([[float(v) for v in r.split(",")] for r in text.split(";")])


TEACHER = dnn.Scenario(
    dnn.Network(
        W1=rows(LINK["W1"]), b1=rows(LINK["b1"])[0], W2=rows(LINK["W2"]), b2=rows(LINK["b2"])[0], hidden="tanh"
    ),
    rows(LINK["x"]),
    rows(LINK["d"]),
    lr=0.2,
    steps=50,
)


def open_at(page: str = "app.py", **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in {**LINK, **query}.items():
        at.query_params[k] = v
    if page != "app.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def sc(at: AppTest) -> dnn.Scenario:
    return state.scenario(at.session_state)


def version(at: AppTest) -> int:
    return state.editor_version(at.session_state)


def refused(at: AppTest) -> bool:
    """The run shows the lock's refusal."""
    return any("The teacher locked" in w.value and "not made" in w.value for w in at.warning)


def forced(widget):
    """The widget as a crafted client would send it: AppTest refuses to touch a disabled widget, so lift the flag
    on the test's copy of it (Streamlit then keeps the widget's old value; the scenario must not move either)."""
    assert widget.disabled
    widget.proto.disabled = False
    return widget


def test_the_link_is_the_teachers_scenario():
    assert sc(open_at()) == TEACHER


# ---------------------------------------------------------------- each lockable field, through its own widget


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2", "x", "d"])
def test_a_locked_grid_is_read_only_and_its_edits_are_refused(name):
    at = open_at(lock=name)
    key = f"editor_{name}_v{version(at)}"
    column = "y2" if name in ("W2", "b2", "d") else "h1" if name in ("W1", "b1") else "x2"
    at.session_state[key] = {"edited_rows": {0: {column: 0.75}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert sc(at) == TEACHER
    assert refused(at)
    lock_captions = [c.value for c in at.caption if c.value.startswith(":material/lock: The teacher locked")]
    assert len(lock_captions) == 1 and teacher.LOCKABLE[name][0] in lock_captions[0]


def test_an_unlocked_grid_still_edits_beside_a_locked_one():
    at = open_at(lock="W1")
    at.session_state[f"editor_b1_v{version(at)}"] = {
        "edited_rows": {0: {"h1": 0.75}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert sc(at).network.b1[0] == 0.75 and np.array_equal(sc(at).network.W1, TEACHER.network.W1)
    assert not refused(at)


@pytest.mark.parametrize(
    ("lock", "widget", "value"),
    [
        ("lr", "lr", 0.5),
        ("steps", "steps", 900),
        ("sizes", "size_n_hidden", 5),
        ("sizes", "size_n_samples", 3),
        ("W2", "size_n_out", 3),  # resizing would change the locked W2
        ("x", "size_n_in", 3),
    ],
)
def test_locked_number_inputs_are_disabled_and_refused(lock, widget, value):
    at = open_at(lock=lock)
    forced(at.text_input(key=f"{widget}_v{version(at)}")).input(str(value)).run()
    assert sc(at) == TEACHER


def test_locked_activation_and_output_choices_are_refused():
    at = open_at(lock="hidden,output")
    forced(at.selectbox(key=f"hidden_en_v{version(at)}")).set_value("relu").run()
    assert sc(at) == TEACHER
    forced(at.selectbox(key=f"output_en_v{version(at)}")).set_value("identity").run()
    assert sc(at) == TEACHER


def test_a_locked_reduction_cannot_change():
    at = open_at(lock="reduction", reduction="sum")
    forced(at.sidebar.radio(key=f"w_sidebar_reduction_v{version(at)}_en")).set_value("mean").run()
    assert state.reduction(at.session_state) == "sum"


def test_lr_buttons_presets_and_random_weights_are_disabled_and_refused():
    at = open_at(lock="lr,W1")
    for key in ("lr_div10", "lr_mul10", "preset_random", "preset_notebook", "preset_dead_relu", "preset_two_samples"):
        forced(at.button(key=key)).click().run()
        assert sc(at) == TEACHER, key
    assert any("Presets that would change" in c.value for c in at.caption)


def test_a_preset_that_keeps_the_locked_values_stays_usable():
    at = open_at(lock="steps")  # every preset carries the notebook's 1,000 steps, not the teacher's 50
    assert at.button(key="preset_notebook").disabled
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lock"] = "lr"  # the notebook's own scenario with η locked: every preset keeps η = 0.01
    at.run()
    assert not at.button(key="preset_dead_relu").disabled
    at.button(key="preset_dead_relu").click().run()
    assert sc(at).network.W1[1, 2] == -0.4 and not refused(at)


def test_training_and_sweep_controls_of_a_locked_lr_and_steps():
    at = open_at("pages/3_Training.py", lock="lr,steps")
    for key in ("train_lr_div10", "train_lr_mul10"):
        forced(at.button(key=key)).click().run()
        assert sc(at) == TEACHER
    forced(at.text_input(key=f"train_lr_v{version(at)}")).input("0.9").run()
    assert sc(at) == TEACHER
    forced(at.text_input(key=f"train_steps_v{version(at)}")).input("10").run()
    assert sc(at) == TEACHER
    at.switch_page("pages/4_Sweep.py").run()
    forced(at.button(key="sweep_use")).click().run()
    assert sc(at).lr == 0.2


def test_reset_returns_to_the_teachers_scenario_and_undo_never_passes_the_lock():
    at = open_at(lock="W1")
    at.text_input(key=f"lr_v{version(at)}").input("0.03").run()
    assert sc(at).lr == 0.03
    assert at.sidebar.button(key="sidebar_reset").label == "Reset to the teacher's scenario"
    at.sidebar.button(key="sidebar_reset").click().run()
    assert sc(at) == TEACHER  # not the notebook's
    at.sidebar.button(key="sidebar_undo").click().run()
    assert sc(at).lr == 0.03 and np.array_equal(sc(at).network.W1, TEACHER.network.W1)
    at.sidebar.button(key="sidebar_undo").click().run()
    assert sc(at) == TEACHER


def test_without_a_teachers_link_reset_is_the_notebooks():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lr"] = "0.5"
    at.run()
    assert at.sidebar.button(key="sidebar_reset").label == "Reset to notebook"
    at.sidebar.button(key="sidebar_reset").click().run()
    assert sc(at) == dnn.seed_scenario()


def test_lock_all_refuses_the_quiz_seed_and_keeps_everything():
    at = open_at("pages/6_Quiz.py", lock="all", quiz_seed="3")
    assert sc(at) == TEACHER and refused(at)
    assert state.locked(at.session_state) == frozenset(teacher.LOCKABLE)
    assert at.query_params["lock"] == "all"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_under_a_lock_the_quizs_draw_a_seed_is_greyed_out_and_says_why(lang):
    at = open_at("pages/6_Quiz.py", lock="W1", lang=lang)
    draw = next(b for b in at.button if b.label in ("Draw a scenario to do by hand", "手計算用のシナリオを作る"))
    assert draw.disabled
    assert ("先生がシナリオを固定" if lang == "ja" else "The teacher fixed the scenario") in draw.help
    draw.proto.disabled = False  # a crafted client's click changes nothing either
    draw.click().run()
    assert not at.exception and sc(at) == TEACHER and "quiz_seed" not in at.query_params


def test_a_lock_the_seeds_scenario_keeps_leaves_draw_a_seed_usable():
    at = open_at("pages/6_Quiz.py", lock="reduction")  # a seed's scenario never changes the reduction
    draw = next(b for b in at.button if b.label == "Draw a scenario to do by hand")
    assert not draw.disabled and "one-decimal weights" in draw.help
    draw.click().run()
    assert not at.exception and sc(at) == quiz.quiz_scenario(1) and at.query_params["quiz_seed"] == "1"


def _gate_script() -> None:
    """A screen with an enabled button per lockable field that asks ``ui.session.state`` for exactly that change."""
    import numpy as np
    import streamlit as st

    from ui.session import state, teacher

    state._init_once()  # setup_page without the sidebar (its page links need the app's own pages)
    state._show_messages()
    sc = state.scenario()
    net = sc.network
    changes = {
        "W1": lambda: sc.replace(network=net.replace(W1=net.W1 + 1)),
        "b1": lambda: sc.replace(network=net.replace(b1=net.b1 + 1)),
        "W2": lambda: sc.replace(network=net.replace(W2=net.W2 + 1)),
        "b2": lambda: sc.replace(network=net.replace(b2=net.b2 + 1)),
        "x": lambda: sc.replace(x=sc.x + 1),
        "d": lambda: sc.replace(d=sc.d[:, ::-1]),
        "lr": lambda: sc.replace(lr=0.7),
        "steps": lambda: sc.replace(steps=7),
        "sizes": lambda: sc.replace(x=np.vstack([sc.x, sc.x]), d=np.vstack([sc.d, sc.d])),
        "hidden": lambda: sc.replace(network=net.replace(hidden="relu")),
        "output": lambda: sc.replace(network=net.replace(output="sigmoid")),
    }
    for name in teacher.LOCKABLE:
        if name == "reduction":
            st.button(name, key=f"gate_{name}", on_click=state.set_reduction, args=("mean",))
        else:
            st.button(
                name, key=f"gate_{name}", on_click=lambda build=changes[name]: state.change_scenario(lambda _: build())
            )


@pytest.mark.parametrize("name", list(teacher.LOCKABLE))
def test_the_state_refuses_every_locked_field_whoever_asks(name):
    at = AppTest.from_function(_gate_script, default_timeout=60)
    for k, v in {**LINK, "reduction": "sum", "lock": name}.items():
        at.query_params[k] = v
    at.run()
    at.button(key=f"gate_{name}").click().run()
    assert not at.exception
    assert sc(at) == TEACHER and state.reduction(at.session_state) == "sum" and refused(at)
    other = "lr" if name != "lr" else "steps"  # the same request on another field goes through
    at.button(key=f"gate_{other}").click().run()
    assert sc(at) != TEACHER and not refused(at)


# ---------------------------------------------------------------- hide


def test_hidden_screens_leave_the_navigation_and_say_so_when_opened():
    at = open_at("pages/4_Sweep.py", hide="sweep,quiz")
    assert any("hidden this screen" in i.value for i in at.info)
    assert not at.get("plotly_chart")  # nothing of the screen is drawn
    labels = [e.proto.label for e in at.sidebar.get("page_link")]
    assert labels == ["Scenario", "Forward pass", "Backprop", "Training", "Compare", "Lessons"]
    assert at.query_params["hide"] == "sweep,quiz"


def test_hidden_panels_are_not_drawn():
    full = open_at("pages/2_Backprop.py")
    assert any("Gradient check" in s.value for s in full.subheader) and len(full.expander) >= 4
    at = open_at("pages/2_Backprop.py", hide="questions,gradcheck,printout")
    subheaders = [s.value for s in at.subheader]
    assert not any("Gradient check" in s or "notebook's questions" in s for s in subheaders)
    assert not [e for e in at.expander if "「" in e.label]
    assert not at.toggle
    at.switch_page("pages/1_Forward.py").run()
    assert not at.toggle


# ---------------------------------------------------------------- hostile values


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("lock", "foo", "“foo” is not a name it knows"),
        ("hide", "[x](http://a)", "is not a name it knows"),
        ("lock", "," * 5000, "the list is too long (5,000 characters"),
        ("hide", "," * 5000, "the list is too long (5,000 characters"),
        ("lock", "<script>alert(1)</script>,W1", "is not a name it knows"),
    ],
)
def test_hostile_values_are_reported_by_key_and_the_rest_loads(key, value, says):
    at = open_at(**{key: value})
    source = at.warning[0].value
    warning = unescape(source)  # what a reader sees
    # named as a teacher reads it, the key after the name as code
    assert f"- {codec.KEY_BY_NAME[key].label[0]} (`{key}` in the link): " in warning and says in warning
    assert sc(at) == TEACHER
    assert "](http" not in source and "<script>" not in source  # escaped: shown as text, never a link or tag
    if value.endswith(",W1"):
        assert state.locked(at.session_state) == {"W1"}  # the known name still applies


# ---------------------------------------------------------------- the builder and the file


def test_the_builder_composes_a_link_that_opens_exactly_that():
    at = open_at("pages/2_Backprop.py")
    at.sidebar.text_area(key="w_teacher_note").input("Look at δ1 **now** <b>")
    at.sidebar.multiselect(key="w_teacher_lock_en").set_value(["W1", "lr"])
    at.sidebar.multiselect(key="w_teacher_hide_en").set_value(["sweep", "gradcheck"])
    at.sidebar.multiselect(key="w_teacher_ask_en").set_value(["delta1", "u1"])
    at.run()
    said = [c.value for c in at.sidebar.caption if c.value.startswith("This link opens")]
    assert said == [
        "This link opens Backprop on this scenario. It shows the note at the top of every screen. It locks the "
        "weight W1, learning rate η. It hides Learning-rate sweep (screen), the gradient check (panel). The quiz "
        "asks u1, δ1."
    ]
    link = next(c.value for c in at.sidebar.code if "lock=" in c.value)
    parts = urlsplit(link)
    assert parts.path.endswith("/Backprop")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    assert query["lock"] == "W1,lr" and query["hide"] == "sweep,gradcheck" and query["ask"] == "u1,delta1"
    assert query["note"] == "Look at δ1 **now** <b>"
    assert codec.scenario_from_query(query)[0] == TEACHER

    learner = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        learner.query_params[k] = v
    learner.switch_page("pages/2_Backprop.py").run()
    assert not learner.exception and not learner.warning
    assert [t.value for t in learner.text] == ["Look at δ1 **now** <b>"]
    assert state.locked(learner.session_state) == {"W1", "lr"}
    assert state.hidden(learner.session_state) == {"sweep", "gradcheck"}
    assert not any("Gradient check" in s.value for s in learner.subheader)
    learner.switch_page("pages/6_Quiz.py").run()  # ask= was read from the link the session opened with
    assert quiz.QUANTITIES["u1"].en in " ".join(s.value for s in learner.subheader)
    assert learner.query_params["ask"] == "u1,delta1"


JAPANESE_NOTE = "授業メモ: h3 を見よう（δ1）& 100% + #2; a=b 全角\u3000スペース"


def test_the_builder_shows_a_japanese_note_readable_and_the_link_round_trips():
    """The shown link keeps the note's Japanese as it is (browsers send it as UTF-8), encodes only what a link
    value must not hold (& # % + ; = space, the ideographic space), and reads back to the same note through the
    server's parser and the codec."""
    at = open_at("pages/2_Backprop.py", lang="ja")
    at.sidebar.text_area(key="w_teacher_note").input(JAPANESE_NOTE)
    at.run()
    link = next(c.value for c in at.sidebar.code if "note=" in c.value)
    shown = link.split("note=", 1)[1].split("&", 1)[0]
    assert shown.startswith("授業メモ:+h3+を見よう（δ1）%26+100%25+%2B+%232%3B+a%3Db+全角%E3%80%80スペース"), shown
    assert "%E6" not in link  # no Japanese character percent-encoded
    query = {k: v[-1] for k, v in parse_qs(urlsplit(link).query).items()}
    assert query["note"] == JAPANESE_NOTE
    loaded = codec.read_query(query)
    assert loaded.classroom.note == JAPANESE_NOTE and loaded.problems == ()
    assert loaded.scenario == sc(at) and loaded.lang == "ja"


def test_teacher_keys_travel_in_the_json_file():
    keys = codec.Classroom(note="n <b>", lock=frozenset({"W1", "lr"}), hide=frozenset({"quiz"}), ask=("delta2",))
    text = codec.scenario_to_json(TEACHER, "sum", keys)
    assert codec.scenario_from_json(text)[0] == TEACHER
    loaded = codec.read_json(text)
    assert (loaded.classroom, loaded.problems) == (keys, ())
    assert json.loads(text)["lock"] == ["W1", "lr"]  # a file writes lists as lists
    doc = json.loads(text)
    doc.update(lock=["W1", "nope"], hide=7, note=["x"], ask="zz")
    loaded = codec.read_json(json.dumps(doc))
    assert [p.field for p in loaded.problems] == ["note", "lock", "hide", "ask"]
    assert loaded.classroom == codec.NO_CLASSROOM and loaded.scenario == dnn.seed_scenario()  # nothing loads


def test_an_upload_that_changes_a_locked_value_is_refused_by_key():
    at = open_at(lock="W1,lr")
    other = codec.scenario_to_json(TEACHER.replace(lr=0.5, steps=7))
    at.sidebar.file_uploader[0].set_value(("s.json", other.encode(), "application/json")).run()
    assert not at.exception and sc(at) == TEACHER
    report = unescape(at.warning[0].value)
    assert (
        "The file was not loaded" in report and "- learning rate η (`lr` in the file): the teacher locked it" in report
    )
    assert "- W1" not in report  # W1 is the same in the file: only what it would change is named
    same = codec.scenario_to_json(
        TEACHER.replace(steps=7), "mean", codec.Classroom(lock=frozenset({"steps"}), hide=frozenset({"quiz"}))
    )
    at.sidebar.file_uploader[0].set_value(("t.json", same.encode(), "application/json")).run()
    assert sc(at) == TEACHER.replace(steps=7)
    assert state.locked(at.session_state) == {"W1", "lr", "steps"}  # a file adds locks, never removes them
    assert state.hidden(at.session_state) == {"quiz"}


def test_lock_names_for_the_link():
    assert teacher.lock_text(teacher.LOCKABLE) == "all"
    assert teacher.lock_text(["lr", "W1"]) == "W1,lr"
    assert codec.read_query({"lock": "w1, LR ,all"}).classroom.lock == set(teacher.LOCKABLE)
    assert teacher.changed_locked(TEACHER, TEACHER.replace(lr=0.3), ["W1"]) == []
    assert teacher.changed_locked(TEACHER, TEACHER.replace(lr=0.3), ["lr", "W1"]) == ["lr"]
    bigger = TEACHER.replace(x=[[2.0, 1.0], [1.0, 1.0]], d=[[1.0, 0.0], [0.0, 1.0]])
    assert teacher.changed_locked(TEACHER, bigger, teacher.LOCKABLE) == ["x", "d", "sizes"]


def test_every_screen_runs_under_a_full_lock_and_hide():
    at = open_at(lock="all", hide="printout,gradcheck,questions")
    for entry in PAGES:
        at.switch_page(entry.path).run()
        assert not at.exception, entry.path
        assert sc(at) == TEACHER, entry.path


def test_a_file_with_the_quizs_ask_and_seed_opens_the_quiz_on_them():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    keys = codec.Classroom(note="seed 3 today", ask=("delta1", "u1"), quiz_seed=3)
    text = codec.scenario_to_json(quiz.quiz_scenario(3), "mean", keys)
    at.sidebar.file_uploader[0].set_value(("q.json", text.encode(), "application/json")).run()
    assert not at.exception and sc(at) == quiz.quiz_scenario(3)
    at.switch_page("pages/6_Quiz.py").run()
    assert any(c.value.startswith("Scenario of seed 3") for c in at.caption)
    assert at.query_params["ask"] == "delta1,u1" and at.query_params["quiz_seed"] == "3"
    assert [t.value for t in at.text] == ["seed 3 today"]


def test_the_japanese_summary_spaces_a_latin_name_from_its_particle():
    """「重み W1・学習率 η を固定します」: a space between the Greek η and を, as everywhere else in Japanese text,
    none after a kana ending (「出力層を固定します」)."""
    from ui.widgets.pages_nav import PAGES
    from ui.widgets.teacher_view import link_summary

    entry = PAGES[0]
    assert "重み W1・学習率 η を固定します。" in link_summary(entry, "", ["W1", "lr"], [], [], "ja")
    assert "出力層を固定します。" in link_summary(entry, "", ["output"], [], [], "ja")
