"""A generated data set's recipe in the share link and the JSON file (no Streamlit here; the keys beside
``ui.session.codec``'s, in a module of their own).

In a link the recipe travels instead of the numbers: ``data=spiral&n=200&noise=0.1&data_seed=3&test=0.2``
(``classes=`` for spiral and blobs with more than two classes; ``test`` left out when nothing is held out), and x
and d are left out, so the link stays short. In a JSON file the recipe is one object under ``"data"``. Reading
never raises: a bad value becomes a ``codec.Problem`` for its key, and the rest still loads.

Your own samples (pasted or uploaded CSV, or any x and d) with a share held out travel as all their samples plus
the share: ``x=…&d=…&test=0.2`` (``data_seed=`` when the draw's seed is not 0); in a JSON file x and d hold every
sample and ``"held_out": {"test": 0.2, "data_seed": 0}`` the share. Reading them holds the same samples out again
(``dnn.datasets.split``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

import dnn
from dnn.datasets import FIELD_NAMES, OwnData, Recipe, generate
from dnn.network import subject_ja
from ui.session import codec
from ui.session.codec import Problem, format_array, format_number, named
from ui.session.shapes import scenario_with_data

RECIPE_KEYS: tuple[str, ...] = ("data", "n", "noise", "data_seed", "test", "classes")  # in link order
JSON_KEY = "data"
SPLIT_KEYS: tuple[str, ...] = ("test", "data_seed")  # your own samples' held-out share, in a link
SPLIT_JSON_KEY = "held_out"
MAX_CHARS = 32  # a recipe value is a name or a number: anything longer is refused before it is read
# Each key as the Data section names the field, for messages (``ui.text.link_labels`` collects every key's label).
LABELS: dict[str, tuple[str, str]] = {
    **{key: FIELD_NAMES[key] for key in RECIPE_KEYS},
    SPLIT_JSON_KEY: ("samples held out for testing", "テスト用に取り分けるサンプル"),
}


def recipe_to_query(recipe: Recipe) -> dict[str, str]:
    """The link's keys for a recipe (``test`` only when something is held out, ``classes`` only above two)."""
    params = {
        "data": recipe.data,
        "n": str(recipe.n),
        "noise": format_number(recipe.noise),
        "data_seed": str(recipe.data_seed),
    }
    if recipe.test:
        params["test"] = format_number(recipe.test)
    if recipe.classes != 2:
        params["classes"] = str(recipe.classes)
    return params


def recipe_to_dict(recipe: Recipe) -> dict[str, Any]:
    """The recipe as the JSON file's ``"data"`` object (every field)."""
    return {
        "data": recipe.data,
        "n": recipe.n,
        "noise": recipe.noise,
        "data_seed": recipe.data_seed,
        "test": recipe.test,
        "classes": recipe.classes,
    }


def problem(key: str, en: str, ja: str) -> Problem:
    """A Problem for one of the data keys, its messages naming the field as the Data section does."""
    return named(key, LABELS[key], en, ja)


def _problem(e: dnn.ValidationError) -> Problem:
    return problem(e.field, e.en, e.ja)


def _too_long(key: str) -> Problem:
    name_en, name_ja = LABELS[key]
    return problem(key, f"{name_en} is too long", f"{subject_ja(name_ja)}が長すぎます")


def _text_in_a_file(key: str, value: str) -> Problem:
    shown = repr(codec.shortened(value))
    name_en, name_ja = LABELS[key]
    return problem(
        key, f"{name_en}: {shown} is text, not a number", f"{name_ja}: {shown} は文字列で、数値ではありません"
    )


def _from_file(key: str, value: Any, problems: list[Problem]) -> Any:
    """A file's number as the recipe and the share read it: one no float holds as its text ("1e400"), a number
    written as text ("0.2") reported (a file's numbers are JSON numbers, as for every other key); None when
    reported."""
    if codec.written_number(value):
        return str(value)
    if key != "data" and isinstance(value, str):
        problems.append(_text_in_a_file(key, value))
        return None
    return value


def _raw_fields(
    values: Mapping[str, Any], keys: Sequence[str], *, from_file: bool = False
) -> tuple[dict[str, Any], list[Problem], list[Problem]]:
    """The ``keys`` that ``values`` holds, as link or file gave them: text stripped (too long: a problem for its
    key), true/false as text, so that a number check refuses it. From a file, a number written as text is a problem
    of its own (the third list: named beside the other fields' problems)."""
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    as_text: list[Problem] = []
    for key in keys:
        if key not in values:
            continue
        value = values[key]
        if from_file:
            value = _from_file(key, value, as_text)
            if value is None:
                continue
        if isinstance(value, str) and not (from_file and key != "data"):
            value = value.strip()
            if len(value) > MAX_CHARS:
                problems.append(_too_long(key))
                continue
        if isinstance(value, bool):
            value = repr(value)  # true/false in a JSON file is not a number
        fields[key] = value
    return fields, problems, as_text


def _recipe(values: Mapping[str, Any], *, from_file: bool = False) -> tuple[Recipe | None, list[Problem]]:
    """A recipe from raw values by key; a bad value is reported for its key and the recipe is not used."""
    fields, problems, as_text = _raw_fields(values, RECIPE_KEYS, from_file=from_file)
    if problems:
        return None, problems
    problems = as_text
    # Each field alone first, so that every bad one is named (the recipe's own check stops at the first).
    for key, value in fields.items():
        if key == "data":
            continue
        try:
            Recipe(data="blobs", **{key: value, **({"n": 256} if key == "classes" else {})})
        except dnn.ValidationError as e:
            problems.append(_problem(e))
    if problems:
        return None, sorted(problems, key=lambda p: RECIPE_KEYS.index(p.field))
    try:
        return Recipe(**fields), []
    except dnn.ValidationError as e:
        return None, [_problem(e)]


def recipe_from_query(params: Mapping[str, str | list[str]]) -> tuple[Recipe | None, list[Problem]]:
    """The recipe a link names, None when it names no data set (the other recipe keys are then ignored)."""
    values: dict[str, str] = {}
    for key in RECIPE_KEYS:
        value = params.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if value is not None:
            values[key] = str(value)
    if "data" not in values:
        return None, []
    return _recipe(values)


def replaced_by_recipe(values: Mapping[str, Any], recipe: Recipe) -> list[Problem]:
    """A Problem for x and d given beside a data set's recipe: the generated samples replace them (the app's own
    links and files never hold both)."""
    return [
        codec.named(
            key,
            codec.KEY_BY_NAME[key].label,
            f"not used: the generated data set ({recipe.data}) gives the samples",
            f"使っていません: サンプルは生成したデータセット（{recipe.data}）のものです",
        )
        for key in ("x", "d")
        if key in values
    ]


def recipe_from_json(data: str | bytes) -> tuple[Recipe | None, list[Problem]]:
    """The recipe a scenario file holds under ``"data"``, None when it holds none; never raises."""
    doc = codec.json_document(data)  # None: codec.read_json reports the file (too large, broken, nested too deep, ...)
    if doc is None or JSON_KEY not in doc:
        return None, []
    value = doc[JSON_KEY]
    if not isinstance(value, dict):
        return None, [problem("data", "expected an object {...}", "オブジェクト {...} が必要です")]
    if "data" not in value:
        return None, [problem("data", "the data set's name is missing", "データセットの名前がありません")]
    return _recipe(value, from_file=True)


def _query_with(params: dict[str, str], samples: dict[str, str] | None) -> dict[str, str]:
    """A link's parameters with x and d replaced by ``samples``' keys (unchanged when None)."""
    if samples is None:
        return params
    out = {k: v for k, v in params.items() if k not in ("x", "d")}
    out.update(samples)
    return out


def _json_with(document: str, changes: dict[str, Any] | None) -> str:
    """A scenario file (``codec.scenario_to_json``, one key per line) with ``changes`` made: a key set to its
    value, or removed where the value is None (unchanged when there are no changes)."""
    if changes is None:
        return document
    doc = json.loads(document)
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'), allow_nan=False)}" for k, v in doc.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def with_recipe_query(params: dict[str, str], recipe: Recipe | None) -> dict[str, str]:
    """A link's parameters with the recipe in place of x and d (unchanged when there is no recipe)."""
    return _query_with(params, None if recipe is None else recipe_to_query(recipe))


def with_recipe_json(document: str, recipe: Recipe | None) -> str:
    """A scenario file (``codec.scenario_to_json``) with the recipe under ``"data"`` in place of x and d."""
    return _json_with(document, None if recipe is None else {"x": None, "d": None, JSON_KEY: recipe_to_dict(recipe)})


def apply_recipe(sc: dnn.Scenario, recipe: Recipe) -> dnn.Scenario:
    """The scenario trained on the recipe's training samples, its network resized to their inputs and classes."""
    x, d = generate(recipe).train
    return scenario_with_data(sc, x, d)


def recipe_matches(sc: dnn.Scenario, recipe: Recipe | None) -> bool:
    """Whether the scenario's x and d are still the recipe's training samples (an edit of a cell breaks it)."""
    if recipe is None:
        return False
    x, d = generate(recipe).train
    return x.shape == sc.x.shape and d.shape == sc.d.shape and np.array_equal(x, sc.x) and np.array_equal(d, sc.d)


# ---------------------------------------------------------------- your own samples with a held-out share


def own_data_to_query(own: OwnData) -> dict[str, str]:
    """The link's keys for your own samples with a share held out: every sample, the share and (when not 0) the
    seed of the draw."""
    params = {"x": format_array(own.x), "d": format_array(own.d), "test": format_number(own.test)}
    if own.data_seed:
        params["data_seed"] = str(own.data_seed)
    return params


def with_own_data_query(params: dict[str, str], own: OwnData | None) -> dict[str, str]:
    """A link's parameters with every sample in x and d and the held-out share (unchanged without one)."""
    return _query_with(params, None if own is None else own_data_to_query(own))


def with_own_data_json(document: str, own: OwnData | None) -> str:
    """A scenario file with every sample in x and d and the share under ``"held_out"`` (unchanged without one)."""
    if own is None:
        return document
    share = {"test": own.test, "data_seed": own.data_seed}
    return _json_with(document, {"x": own.x.tolist(), "d": own.d.tolist(), SPLIT_JSON_KEY: share})


def _own_data(
    sc: dnn.Scenario, values: Mapping[str, Any], *, from_file: bool = False
) -> tuple[OwnData | None, list[Problem]]:
    """The scenario's samples (all of them) with the share ``values`` names; each bad value reported by key."""
    raw, problems, as_text = _raw_fields(values, SPLIT_KEYS, from_file=from_file)
    problems += as_text
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            dnn.datasets.split(sc.x[:1], sc.d[:1], **{"test": 0.0, key: value})  # each alone: every bad one named
        except dnn.ValidationError as e:
            problems.append(_problem(e))
            continue
        fields[key] = value
    if problems or not float(fields.get("test", 0)):
        return None, problems
    return OwnData(sc.x, sc.d, **fields), []


def own_data_from_query(
    params: Mapping[str, str | list[str]], sc: dnn.Scenario
) -> tuple[OwnData | None, list[Problem]]:
    """The held-out share a link asks of its own samples (``sc``'s x and d, every sample): None when the link
    names a generated data set (its recipe holds the share) or no share."""
    if "data" in params or "test" not in params:
        return None, []
    values = {}
    for key in SPLIT_KEYS:
        value = params.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if value is not None:
            values[key] = str(value)
    return _own_data(sc, values)


def own_data_from_json(data: str | bytes, sc: dnn.Scenario) -> tuple[OwnData | None, list[Problem]]:
    """The held-out share a scenario file keeps under ``"held_out"`` for its own samples (``sc``'s x and d), None
    when it keeps none; never raises."""
    doc = codec.json_document(data)
    if doc is None or SPLIT_JSON_KEY not in doc:
        return None, []
    value = doc[SPLIT_JSON_KEY]
    if not isinstance(value, dict):
        return None, [problem(SPLIT_JSON_KEY, "expected an object {...}", "オブジェクト {...} が必要です")]
    return _own_data(sc, value, from_file=True)


def apply_own_data(sc: dnn.Scenario, own: OwnData) -> dnn.Scenario:
    """The scenario trained on your own samples' training part (the held-out ones left out)."""
    x, d = own.data.train
    return scenario_with_data(sc, x, d)


def own_data_matches(sc: dnn.Scenario, own: OwnData | None) -> bool:
    """Whether the scenario's x and d are still the training part of ``own`` (an edit of a cell breaks it)."""
    if own is None:
        return False
    x, d = own.data.train
    return x.shape == sc.x.shape and d.shape == sc.d.shape and np.array_equal(x, sc.x) and np.array_equal(d, sc.d)
