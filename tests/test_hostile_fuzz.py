"""Fuzzing the codec (Hypothesis): any JSON value, any bytes, any link gives a scenario or a message — never an
exception — and a file with any problem changes nothing. Bounded to a few seconds (200 examples each).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dnn
from ui.session import codec

BASE = dnn.seed_scenario().replace(lr=0.05, steps=20)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Values of every JSON type, numbers near and beyond the limits of floats included.
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["relu", "softmax", "sum", "mean", "identity", "backprop-lab/scenario", "1e-3", "0,1"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
numbers = st.floats(min_value=-10, max_value=10, allow_nan=False) | st.integers(-3, 3)
matrices = st.lists(st.lists(numbers, min_size=1, max_size=4), min_size=1, max_size=4)
vectors = st.lists(numbers, min_size=1, max_size=4)
key_names = st.sampled_from([*codec.LINK_KEYS, "format", "version"])
# Documents with the scenario's keys, holding plausible values (shapes that may or may not fit) or anything at all.
documents = st.dictionaries(key_names, matrices | vectors | numbers | json_values, max_size=8)


def check_file(data: str | bytes) -> None:
    loaded = codec.read_json(data, BASE)  # must not raise
    assert isinstance(loaded.scenario, dnn.Scenario)
    for problem in loaded.problems:
        assert problem.en and problem.ja and problem.field
    if loaded.problems:
        assert loaded.scenario == BASE and loaded.reduction is None  # a refused file changes nothing
    else:
        assert loaded.reduction in (None, "mean", "sum")


@FUZZ
@given(documents)
def test_any_document_of_scenario_keys(doc):
    check_file(json.dumps(doc))


@FUZZ
@given(json_values)
def test_any_json_value(value):
    check_file(json.dumps(value))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_any_bytes_or_text(data):
    check_file(data)


link_values = st.text(max_size=40) | st.lists(
    st.sampled_from(["1", "-0.5", "1e-3", "nan", "", "x", ",", ";", "2e308", "０"]), max_size=12
).map("".join)


@FUZZ
@given(st.dictionaries(key_names, link_values, max_size=8))
def test_any_link_parameters(params):
    for query in (params, parse_qs(urlencode(params), keep_blank_values=True)):
        loaded = codec.read_query(query, BASE)  # must not raise
        assert isinstance(loaded.scenario, dnn.Scenario)
        assert loaded.reduction in (None, "mean", "sum") and loaded.lang in (None, "en", "ja")
        assert {p.field for p in loaded.problems} <= set(codec.LINK_KEYS)
        if not loaded.problems:  # everything it named was used: reading the link written back gives the same
            again = codec.read_query(codec.scenario_to_query(loaded.scenario), BASE)
            assert again.scenario == loaded.scenario and again.problems == ()


@FUZZ
@given(st.text(max_size=200))
def test_any_query_string(text):
    loaded = codec.read_query(parse_qs(text, keep_blank_values=True), BASE)
    assert isinstance(loaded.scenario, dnn.Scenario)


@FUZZ
@given(st.text(max_size=30))
def test_any_typed_cell_is_a_finite_number_or_a_message(text):
    try:
        value = codec.number_from_typed(text, ("W1[x1, h1]", "W1[x1, h1]"))
    except codec.BadValueError as e:
        assert e.en.startswith("W1[x1, h1]") and e.ja.startswith("W1[x1, h1]")
    else:
        assert abs(value) < float("inf")
