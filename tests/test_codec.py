"""The share-link and JSON codec: exact round trips, and every kind of bad value reported with its key."""

import json
from urllib.parse import parse_qs

import numpy as np
import pytest

import dnn
from ui.session import codec, presets
from ui.session.codec import scenario_from_json, scenario_from_query, scenario_to_json, scenario_to_query
from ui.text.link_labels import LABELS

SEED = dnn.seed_scenario()
DESIGN_LINK = (
    "W1=0.1,0.3,0.5;0.2,0.4,0.6&b1=0.1,0.2,0.3&W2=0.1,0.4;0.2,0.5;0.3,0.6&b2=0.1,0.2&x=1,5&d=0,1&lr=0.01"
    "&steps=1000&hidden=relu&output=softmax&lang=ja"
)


def fields(problems):
    return sorted(p.field for p in problems)


def parse(query: str) -> dict[str, list[str]]:
    """A query string as the server hands it to the app (values are lists, as in parse_qs)."""
    return parse_qs(query, keep_blank_values=True)


def random_scenario(seed: int, n_in=3, n_h=5, n_out=4, n=3) -> dnn.Scenario:
    rng = np.random.default_rng(seed)
    net = dnn.Network(
        W1=rng.normal(size=(n_in, n_h)),
        b1=rng.normal(size=n_h),
        W2=rng.normal(size=(n_h, n_out)) * 1e-7,  # tiny values: exponents must survive too
        b2=rng.normal(size=n_out) * 1e5,
        hidden="tanh",
        output="identity",
    )
    return dnn.Scenario(net, x=rng.normal(size=(n, n_in)), d=rng.normal(size=(n, n_out)), lr=1 / 3, steps=777)


# ---------------------------------------------------------------- writing and round trips


def test_the_notebook_scenario_writes_the_design_link():
    assert codec.query_string(SEED, "ja") == DESIGN_LINK


def test_english_adds_no_lang_key():
    assert "lang" not in scenario_to_query(SEED, "en")
    assert scenario_to_query(SEED, "ja")["lang"] == "ja"


def test_numbers_are_short_and_exact():
    assert codec.format_number(0.1) == "0.1"
    assert codec.format_number(5.0) == "5"
    assert codec.format_number(-0.0) == "-0"
    assert codec.format_number(1e-7) == "1e-07"
    for v in (1 / 3, np.pi * 1e-9, -2.5e300, 0.1 + 0.2):
        assert float(codec.format_number(v)) == v


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_link_round_trip_keeps_full_precision(seed):
    sc = random_scenario(seed)
    back, problems = scenario_from_query(parse(codec.query_string(sc)), SEED)
    assert problems == []
    assert back == sc  # Scenario.__eq__ compares every array exactly
    assert back.network.hidden == "tanh" and back.lr == 1 / 3 and back.steps == 777


def test_link_with_several_samples():
    back, problems = scenario_from_query({"x": "1,5;3,1;0,-2", "d": "0,1;1,0;0.25,0.75"}, SEED)
    assert problems == []
    np.testing.assert_array_equal(back.x, [[1, 5], [3, 1], [0, -2]])
    np.testing.assert_array_equal(back.d, [[0, 1], [1, 0], [0.25, 0.75]])
    assert back.network == SEED.network


@pytest.mark.parametrize("preset", presets.PRESETS, ids=lambda p: p.key)
def test_presets_round_trip(preset):
    sc = preset.build()
    assert scenario_from_query(scenario_to_query(sc), SEED) == (sc, [])


def test_missing_keys_keep_the_base():
    base = presets.two_samples()
    back, problems = scenario_from_query({"lr": "0.5"}, base)
    assert problems == []
    assert back == base.replace(lr=0.5)


def test_repeated_key_uses_the_last_value():
    back, _ = scenario_from_query({"lr": ["0.5", "0.25"]}, SEED)
    assert back.lr == 0.25


def test_unknown_keys_are_ignored():
    assert scenario_from_query({"embed": "true", "utm_source": "x"}, SEED) == (SEED, [])


def test_lang_from_query():
    assert codec.lang_from_query({"lang": "ja"}) == "ja"
    assert codec.lang_from_query({"lang": ["en"]}) == "en"
    assert codec.lang_from_query({"lang": "fr"}) is None
    assert codec.lang_from_query({}) is None


# ---------------------------------------------------------------- bad values


def test_the_bad_link_from_the_brief_loads_the_rest():
    query = "W1=abc,1;2&lr=-5&steps=999999999999&d=0,nan"
    back, problems = scenario_from_query(parse(query), SEED)
    assert back == SEED
    assert fields(problems) == ["W1", "d", "lr", "steps"]
    by_field = {p.field: p for p in problems}
    assert "nan" in by_field["d"].en and "nan" in by_field["d"].ja
    assert "-5" in by_field["lr"].en
    assert "999999999999" in by_field["steps"].en
    for p in problems:
        # every message starts with the field's name on screen, never the bare key
        assert p.en.startswith(LABELS[p.field][0]) and p.ja.startswith(LABELS[p.field][1])


def test_good_keys_load_next_to_bad_ones():
    back, problems = scenario_from_query({"W1": "abc", "lr": "0.5", "b2": "1,2"}, SEED)
    assert fields(problems) == ["W1"]
    assert back.lr == 0.5
    np.testing.assert_array_equal(back.network.b2, [1, 2])
    np.testing.assert_array_equal(back.network.W1, SEED.network.W1)


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("W2", "0.1,0.4;0.2,x;0.3,0.6", ["row 2, value 2", "'x'", "not a number"]),
        ("b1", "0.1,,0.3", ["value 2", "empty"]),
        ("b1", "0.1,inf,0.3", ["value 2", "inf", "finite"]),
        ("x", "NaN,5", ["value 1", "NaN", "finite"]),
        ("x", "1,1e999", ["too large"]),
        ("W1", "0.1,0.3;0.2", ["different lengths"]),
        ("b1", "0.1,0.2;0.3,0.4", ["vector"]),
        ("W1", ",".join(["1"] * 17), ["17 values", "at most 16"]),
        ("x", ";".join(["1,5"] * 300), ["300 rows"]),
        ("x", "1," * 40_000 + "1", ["too long"]),
        ("lr", "0", ["greater than 0"]),
        ("lr", "2e6", ["at most"]),
        ("lr", "fast", ["'fast'", "not a number"]),
        ("steps", "0", ["whole number"]),
        ("steps", "1.5", ["whole number"]),
        ("hidden", "swish", ["unknown", "swish", "relu"]),
        ("output", "tanh", ["unknown", "tanh", "softmax"]),
        ("d", "0.5,0.7", ["sum to 1"]),
        ("d", "2,-1", ["between 0 and 1"]),
        ("W1", "1_0,2;3,4", ["not a number"]),  # Python's float() would accept "1_0"
    ],
)
def test_each_bad_value_is_reported_with_its_key(key, value, words):
    back, problems = scenario_from_query({key: value}, SEED)
    assert back == SEED
    assert fields(problems) == [key]
    for word in words:
        assert word in problems[0].en
    assert problems[0].en.startswith(LABELS[key][0]) and problems[0].ja.startswith(LABELS[key][1])


# ---------------------------------------------------------------- shape changes


def test_a_consistent_link_changes_the_hidden_size():
    back, problems = scenario_from_query({"W1": "1,2,3,4;5,6,7,8", "b1": "0,0,0,0.5", "W2": "1,2;3,4;5,6;7,8"}, SEED)
    assert problems == []
    assert back.network.n_hidden == 4
    assert back.network.b1[3] == 0.5


def test_a_lone_shape_change_is_reported_and_the_rest_kept():
    back, problems = scenario_from_query({"W1": "1,2,3,4;5,6,7,8", "lr": "0.2"}, SEED)
    assert fields(problems) == ["W1"]
    assert "does not fit" in problems[0].en and "b1" in problems[0].en
    assert back == SEED.replace(lr=0.2)


def test_the_largest_consistent_set_of_keys_wins():
    # W1 and b1 agree on 4 hidden units but W2 (not given) has 3 rows: only W2 would make them fit, so both are
    # reported; b2 is fine on its own and loads.
    back, problems = scenario_from_query({"W1": "1,2,3,4;5,6,7,8", "b1": "0,0,0,0", "b2": "5,6"}, SEED)
    assert fields(problems) == ["W1", "b1"]
    np.testing.assert_array_equal(back.network.b2, [5, 6])


def test_new_inputs_with_matching_x():
    back, problems = scenario_from_query({"W1": "1,2,3;4,5,6;7,8,9", "x": "1,2,3"}, SEED)
    assert problems == []
    assert back.network.n_in == 3
    np.testing.assert_array_equal(back.x, [[1, 2, 3]])


def test_new_inputs_without_x_keep_the_inputs_that_fit():
    back, problems = scenario_from_query({"W1": "1,2,3;4,5,6;7,8,9"}, SEED)
    assert problems == []
    np.testing.assert_array_equal(back.x, [[1, 5, 0]])


def test_x_that_does_not_fit_the_network_is_reported():
    back, problems = scenario_from_query({"x": "1,2,3"}, SEED)
    assert fields(problems) == ["x"]
    assert "3 columns" in problems[0].en
    assert back == SEED


def test_more_outputs_without_d_get_a_valid_target():
    back, problems = scenario_from_query({"W2": "1,2,3;4,5,6;7,8,9", "b2": "0,0,0"}, SEED)
    assert problems == []
    np.testing.assert_array_equal(back.d, [[0, 1, 0]])


def test_x_with_more_samples_than_d():
    back, problems = scenario_from_query({"x": "1,5;3,1"}, SEED)
    assert problems == []
    assert back.x.shape == (2, 2) and back.d.shape == (2, 2)
    np.testing.assert_array_equal(back.d[0], [0, 1])  # the sample that was there keeps its target
    assert back.d[1].sum() == 1


def test_softmax_target_on_an_identity_link():
    back, problems = scenario_from_query({"output": "identity", "d": "3,7"}, SEED)
    assert problems == []
    assert back.network.output == "identity"
    np.testing.assert_array_equal(back.d, [[3, 7]])


def test_softmax_with_one_output_is_refused():
    back, problems = scenario_from_query({"W2": "1;2;3", "b2": "0"}, SEED)
    assert fields(problems) == ["W2", "b2"]
    assert any("softmax" in p.en for p in problems)
    assert back == SEED


# ---------------------------------------------------------------- JSON


def test_json_round_trip_keeps_full_precision():
    sc = random_scenario(5)
    text = scenario_to_json(sc)
    assert json.loads(text)["format"] == codec.JSON_FORMAT
    assert scenario_from_json(text, SEED) == (sc, [])
    assert scenario_from_json(text.encode(), SEED) == (sc, [])


def test_largest_scenario_fits_in_a_file():
    lim = dnn.LIMITS
    sc = random_scenario(7, lim["max_inputs"], lim["max_hidden"], lim["max_outputs"], lim["max_samples"])
    text = scenario_to_json(sc)
    assert len(text.encode()) <= codec.MAX_JSON_BYTES
    assert scenario_from_json(text, SEED) == (sc, [])
    assert scenario_from_query(scenario_to_query(sc), SEED) == (sc, [])


def test_broken_json_is_one_clear_problem():
    back, problems = scenario_from_json('{"W1": [[1, 2]', SEED)
    assert back == SEED
    assert fields(problems) == ["file"]
    assert "not valid JSON" in problems[0].en and "line 1" in problems[0].en


def test_oversize_json_is_refused_before_parsing():
    back, problems = scenario_from_json(b"{" + b" " * (codec.MAX_JSON_BYTES + 1) + b"}", SEED)
    assert back == SEED
    assert fields(problems) == ["file"] and "too large" in problems[0].en


@pytest.mark.parametrize("text", ["[1, 2]", '"hello"', "3"])
def test_json_that_is_not_an_object(text):
    assert fields(scenario_from_json(text, SEED)[1]) == ["file"]


def test_json_not_utf8():
    assert "UTF-8" in scenario_from_json(b"\xff\xfe\x00", SEED)[1][0].en


def test_json_wrong_shape_and_values_are_reported_per_key():
    doc = {
        "W1": [[1, 2, 3, 4], [5, 6, 7, 8]],  # 4 hidden units next to the base's b1 of 3
        "b2": [0.5, True],
        "lr": float("nan"),
        "x": [[1, 2], [3]],
        "hidden": 3,
        "steps": 50,
    }
    back, problems = scenario_from_json(json.dumps(doc), SEED)
    assert fields(problems) == ["W1", "b2", "hidden", "lr", "x"]
    assert back == SEED  # a file loads whole or not at all (steps 50 was fine on its own)


def test_json_missing_keys_keep_the_base():
    back, problems = scenario_from_json('{"lr": 0.5}', SEED)
    assert problems == []
    assert back == SEED.replace(lr=0.5)


# ---------------------------------------------------------------- the gradient's reduction over samples


def test_the_default_mean_keeps_links_as_designed_and_sum_is_written():
    assert "reduction" not in scenario_to_query(SEED, "ja", "mean")
    query = codec.query_string(SEED, "ja", "sum")
    assert query == DESIGN_LINK.replace("&lang=ja", "&reduction=sum&lang=ja")
    assert codec.read_query(parse(query)).reduction == "sum"
    assert scenario_from_query(parse(query), SEED) == (SEED, [])  # the scenario's keys are untouched by it


@pytest.mark.parametrize(
    "params,expected", [({}, None), ({"reduction": " mean "}, "mean"), ({"reduction": ["mean", "sum"]}, "sum")]
)
def test_reduction_from_a_link(params, expected):
    loaded = codec.read_query(params)
    assert (loaded.reduction, loaded.problems) == (expected, ())


def test_a_bad_reduction_in_a_link_is_named():
    loaded = codec.read_query({"reduction": "avg"})
    assert loaded.reduction is None and fields(loaded.problems) == ["reduction"]
    problem = loaded.problems[0]
    assert "'avg'" in problem.en and "mean" in problem.en and "sum" in problem.en
    assert problem.en.startswith("gradient over samples 'avg' is unknown")
    assert problem.ja.startswith("勾配のまとめ方（サンプル方向） 'avg' は使えません")


def test_json_keeps_the_reduction():
    text = scenario_to_json(SEED, "sum")
    assert json.loads(text)["reduction"] == "sum"
    assert codec.read_json(text).reduction == "sum"
    assert codec.read_json(text.encode()).reduction == "sum"
    assert scenario_from_json(text, SEED) == (SEED, [])


@pytest.mark.parametrize("text", ['{"lr": 0.5}', "{broken", "[1, 2]", b"\xff\xfe"])
def test_json_without_a_reduction_names_none(text):
    # older files have no reduction; broken ones give only the file's own problem
    loaded = codec.read_json(text)
    assert loaded.reduction is None
    assert all(p.field == "file" for p in loaded.problems)


@pytest.mark.parametrize("value", ["avg", 2, None, ["sum"]])
def test_a_bad_reduction_in_json_is_named(value):
    loaded = codec.read_json(json.dumps({"reduction": value}))
    assert loaded.reduction is None and fields(loaded.problems) == ["reduction"]


# ---------------------------------------------------------------- one table of keys


def test_one_table_drives_the_link_the_file_and_both_readers():
    sc = random_scenario(11)
    query = scenario_to_query(sc, "ja", "sum")
    assert list(query) == ["W1", "b1", "W2", "b2", "x", "d", "lr", "steps", "hidden", "output", "reduction", "lang"]
    left_out = (*codec.OPTIMIZER_KEYS, *codec.CLASSROOM_KEYS)  # SGD, and no teacher's or quiz's keys: left out
    assert list(query) == [k for k in codec.LINK_KEYS if k not in left_out]
    loaded = codec.read_query(parse(codec.query_string(sc, "ja", "sum")), SEED)
    assert (loaded.scenario, loaded.reduction, loaded.lang, loaded.problems) == (sc, "sum", "ja", ())

    doc = json.loads(scenario_to_json(sc, "sum"))
    assert list(doc) == ["format", "version", *[k for k in codec.LINK_KEYS if k not in ("lang", *left_out)]]
    assert (doc["format"], doc["version"]) == ("backprop-lab/scenario", 1)
    loaded = codec.read_json(scenario_to_json(sc, "sum"), SEED)
    assert (loaded.scenario, loaded.reduction, loaded.problems) == (sc, "sum", ())


def test_an_activation_registered_at_run_time_is_read_from_a_link(monkeypatch):
    # The table asks dnn for its choices when it reads, so a new entry in the registry is accepted at once.
    monkeypatch.setattr(dnn, "HIDDEN_ACTIVATIONS", (*dnn.HIDDEN_ACTIVATIONS, "softplus"))
    problems = codec.read_query({"hidden": "softplus"}, SEED).problems
    # the link's reader lists it among the choices (dnn, whose registry was not patched, may still refuse it)
    assert not any(p.en.endswith(", ".join(dnn.HIDDEN_ACTIVATIONS)) for p in problems)
