"""The classroom's keys (note, lock, hide, ask, quiz_seed, panel) are rows of the codec's one table: each goes through
a link and a JSON file and comes back the same, is written as a person would write it, and a hostile value (Markdown,
too long, unknown names, wrong types) is reported by its key while the rest of the link loads (a file: nothing)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

import dnn
from dnn import quiz
from ui.session import codec, teacher
from ui.session.codec import Classroom

SEED = dnn.seed_scenario()
SC = SEED.replace(lr=0.2, steps=30)
MARKDOWN_NOTE = "**bold** [x](javascript:alert(1)) <script>x</script> $x^2$ :red[y] # h\n- item; a&b=c?d"

ROUND_TRIPS = {
    "note, Markdown and link syntax": Classroom(note=MARKDOWN_NOTE),
    "note, Japanese with a line break": Classroom(note="δ2 を手で計算してから\n誤差逆伝播の画面へ（W2 に注目）"),
    "note, 500 characters": Classroom(note="n" * 499 + "。"),
    "lock, all": Classroom(lock=frozenset(teacher.LOCKABLE)),
    "hide, all": Classroom(hide=frozenset(teacher.HIDEABLE)),
    "ask, every quantity backwards": Classroom(ask=tuple(reversed(quiz.ORDER))),
    "quiz_seed 0": Classroom(quiz_seed=0),
    "quiz_seed, the largest": Classroom(quiz_seed=1_000_000),
    "everything": Classroom(
        note="look at h3", lock=frozenset({"W1", "lr"}), hide=frozenset({"sweep"}), ask=("delta1", "u1"), quiz_seed=7
    ),
    **{f"lock {name}": Classroom(lock=frozenset({name})) for name in teacher.LOCKABLE},
    **{f"hide {name}": Classroom(hide=frozenset({name})) for name in teacher.HIDEABLE},
    **{f"ask {name}": Classroom(ask=(name,)) for name in quiz.ORDER},
}


def parsed(query: str) -> dict[str, str]:
    """A query string read as a browser's server reads it (urllib, independent of the codec)."""
    return {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


@pytest.mark.parametrize("keys", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_each_key_goes_through_a_link_and_comes_back(keys):
    query = codec.query_string(SC, "ja", "sum", keys)
    loaded = codec.read_query(parsed(query))
    assert (loaded.scenario, loaded.reduction, loaded.lang, loaded.problems) == (SC, "sum", "ja", ())
    assert loaded.classroom == keys


@pytest.mark.parametrize("keys", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_each_key_goes_through_a_file_and_comes_back(keys):
    text = codec.scenario_to_json(SC, "sum", keys)
    loaded = codec.read_json(text)
    assert (loaded.scenario, loaded.reduction, loaded.problems) == (SC, "sum", ())
    assert loaded.classroom == keys


@pytest.mark.parametrize("panel", teacher.OPENABLE_PANELS)
def test_the_panel_goes_through_a_link_but_not_a_file(panel):
    keys = Classroom(panel=panel)
    assert parsed(codec.query_string(SC, None, "mean", keys))["panel"] == panel
    assert codec.read_query({"panel": panel}).classroom == keys
    assert "panel" not in json.loads(codec.scenario_to_json(SC, "mean", keys))  # one visit's, not the scenario's
    assert codec.read_json(json.dumps({"lr": 0.2, "panel": panel})).classroom == codec.NO_CLASSROOM


def test_the_keys_are_written_as_a_person_writes_them():
    keys = Classroom(
        note="a; b & c", lock=frozenset({"lr", "W1"}), hide=frozenset({"quiz", "sweep"}), ask=("y", "u1"), quiz_seed=4
    )
    query = codec.query_string(SC, None, "mean", keys)
    assert query.endswith("&note=a%3B+b+%26+c&lock=W1,lr&hide=sweep,quiz&ask=y,u1&quiz_seed=4")
    assert codec.classroom_query(Classroom(lock=frozenset(teacher.LOCKABLE))) == {"lock": "all"}
    assert codec.classroom_query(codec.NO_CLASSROOM) == {}  # nothing set, nothing written
    doc = json.loads(codec.scenario_to_json(SC, "mean", keys))
    assert [doc[k] for k in ("note", "lock", "hide", "ask", "quiz_seed")] == [
        "a; b & c",
        ["W1", "lr"],
        ["sweep", "quiz"],
        ["y", "u1"],
        4,
    ]
    assert not {"note", "lock", "hide", "ask", "quiz_seed"} & set(json.loads(codec.scenario_to_json(SC)))


# ---------------------------------------------------------------- hostile values


HOSTILE_LINKS = [
    ("note", "n" * 501, "teacher's note is too long (501 characters; at most 500)", Classroom()),
    ("note", "x" * 70_000, "teacher's note is too long (70,000 characters", Classroom()),
    ("lock", "W1,**b**[x](http://a),nope", "is not a name it knows", Classroom(lock=frozenset({"W1"}))),
    ("lock", "," * 5000, "the list is too long (5,000 characters", Classroom()),
    ("hide", "sweep,<img src=x onerror=alert(1)>", "is not a name it knows", Classroom(hide=frozenset({"sweep"}))),
    ("ask", "delta1,$x^2$,u1", "is not a quantity of the quiz", Classroom(ask=("delta1", "u1"))),
    ("ask", "", "the list is empty", Classroom()),
    ("ask", "u1," * 200, "the list is too long (600 characters", Classroom()),
    ("quiz_seed", "-1", "is not a whole number from 0 to 1,000,000", Classroom()),
    ("quiz_seed", "1000001", "is not a whole number", Classroom()),
    ("quiz_seed", "1e999", "is not a whole number", Classroom()),
    ("quiz_seed", "3.5", "is not a whole number", Classroom()),
    ("panel", "q9", "panel to open 'q9' is unknown", Classroom()),
]


@pytest.mark.parametrize(
    ("key", "value", "says", "keeps"), HOSTILE_LINKS, ids=[f"{k}={v[:12]}" for k, v, *_ in HOSTILE_LINKS]
)
def test_a_hostile_link_value_is_reported_by_key_and_the_rest_loads(key, value, says, keeps):
    loaded = codec.read_query({"lr": "0.2", "note": "kept", key: value} if key != "note" else {"lr": "0.2", key: value})
    assert [p.field for p in loaded.problems] == [key]
    # named as the screen names the field ("quiz scenario number"), not by the bare key
    label_en, label_ja = codec.KEY_BY_NAME[key].label
    assert says in loaded.problems[0].en and loaded.problems[0].en.startswith(label_en)
    assert loaded.problems[0].ja.startswith(label_ja)
    assert loaded.scenario == SEED.replace(lr=0.2)  # the rest loaded
    expected = keeps if key == "note" else keeps._replace(note="kept")
    assert loaded.classroom == expected  # known names of a list still apply


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("note", "n" * 501),
        ("note", ["a list"]),
        ("note", 5),
        ("lock", ["W1", "nope"]),
        ("lock", [1, 2]),
        ("lock", {"W1": True}),
        ("hide", 7),
        ("hide", ["quiz", "**x**"]),
        ("ask", "zz"),
        ("ask", [None]),
        ("quiz_seed", -1),
        ("quiz_seed", 1.5),
        ("quiz_seed", "3"),
        ("quiz_seed", True),
        ("quiz_seed", 10**30),
    ],
)
def test_a_hostile_file_value_is_reported_by_key_and_nothing_loads(key, value):
    doc = json.loads(codec.scenario_to_json(SC, "sum", Classroom(note="kept", lock=frozenset({"lr"}))))
    doc[key] = value
    loaded = codec.read_json(json.dumps(doc), SEED)
    assert [p.field for p in loaded.problems] == [key]
    assert (loaded.scenario, loaded.reduction, loaded.classroom) == (SEED, None, codec.NO_CLASSROOM)


def test_several_bad_keys_are_each_reported_in_link_order():
    loaded = codec.read_query({"quiz_seed": "x", "ask": "nope", "hide": "nope", "lock": "nope", "note": "n" * 600})
    assert [p.field for p in loaded.problems] == ["note", "lock", "hide", "ask", "quiz_seed"]


def test_a_teachers_builder_link_opens_with_its_keys():
    """The link of the sidebar's builder, as a learner's browser sends it back."""
    from ui.widgets.teacher_view import chosen_keys

    keys = chosen_keys("  Look at δ1 **now** <b>\u202e ", ["lr", "W1"], ["gradcheck", "sweep"], ["delta1", "u1"])
    assert keys == Classroom(
        note="Look at δ1 **now** <b>",
        lock=frozenset({"W1", "lr"}),
        hide=frozenset({"sweep", "gradcheck"}),
        ask=("u1", "delta1"),
    )
    url = f"http://localhost:8501/Backprop?{codec.query_string(SC, None, 'mean', keys)}"
    assert codec.read_query(parsed(urlsplit(url).query)).classroom == keys
