"""The update rule in links and files: opt and its hyperparameters, defaults left out, bad values named by key."""

import json
from urllib.parse import parse_qsl

import pytest

import dnn
from ui.session import codec
from ui.text.link_labels import LABELS

SEED = dnn.seed_scenario()


def parse(query: str) -> dict[str, str]:
    return dict(parse_qsl(query, keep_blank_values=True))


@pytest.mark.parametrize(
    "optimizer,settings,expected",
    [
        ("sgd", {}, ""),
        ("momentum", {}, "opt=momentum"),
        ("momentum", {"momentum": 0.5}, "opt=momentum&momentum=0.5"),
        ("adagrad", {}, "opt=adagrad"),
        ("rmsprop", {"decay": 0.9}, "opt=rmsprop&decay=0.9"),
        ("adam", {"beta2": 0.99}, "opt=adam&beta2=0.99"),
        ("adam", {"beta1": 0.8, "beta2": 0.9}, "opt=adam&beta1=0.8&beta2=0.9"),
    ],
)
def test_the_link_and_the_file_carry_the_rule_and_leave_defaults_out(optimizer, settings, expected):
    sc = SEED.replace(optimizer=optimizer, settings=settings)
    query = codec.query_string(sc)
    tail = query.split("&output=softmax")[1].lstrip("&")
    assert tail == expected
    loaded = codec.read_query(parse(query), SEED)
    assert (loaded.scenario, loaded.problems) == (sc, ())
    assert loaded.scenario.optimizer == optimizer and loaded.scenario.settings == sc.settings
    doc = json.loads(codec.scenario_to_json(sc))
    in_file = {k: v if k == "opt" else repr(v) for k, v in doc.items() if k in codec.OPTIMIZER_KEYS}
    assert in_file == dict(parse(expected))
    # a file without "opt" is SGD's, even read onto a scenario that uses another rule
    other = SEED.replace(optimizer="rmsprop", settings={"decay": 0.5})
    loaded = codec.read_json(codec.scenario_to_json(sc), other)
    assert (loaded.scenario.optimizer, loaded.scenario.settings, loaded.problems) == (optimizer, sc.settings, ())


def test_json_holds_the_settings_as_numbers():
    doc = json.loads(codec.scenario_to_json(SEED.replace(optimizer="adam", settings={"beta1": 0.8})))
    assert doc["opt"] == "adam" and doc["beta1"] == 0.8 and "beta2" not in doc


@pytest.mark.parametrize(
    "params,field,en,ja",
    [
        (
            {"opt": "nesterov"},
            "opt",
            "update rule (optimizer) 'nesterov' is unknown",
            "最適化手法（パラメータの更新則） 'nesterov' は使えません",
        ),
        (
            {"opt": "adam", "beta1": "1"},
            "beta1",
            "β1 (first moment) is 1.0; it must be a number from 0",
            "β1（1 次モーメント）",
        ),
        ({"opt": "adam", "beta2": "-0.1"}, "beta2", "up to (not including) 1", "0 以上 1 未満"),
        ({"opt": "rmsprop", "decay": "nan"}, "decay", "only finite numbers", "有限の数"),
        ({"opt": "momentum", "momentum": "abc"}, "momentum", "is not a number", "数値ではありません"),
        (
            {"beta1": "0.5"},
            "beta1",
            "β1 (first moment) is a setting of adam, and the update rule here is sgd",
            "adam の設定です",
        ),
        ({"opt": "momentum", "decay": "0.5"}, "decay", "setting of rmsprop", "rmsprop の設定です"),
    ],
)
def test_bad_optimizer_keys_are_named_in_both_languages_and_the_rest_loads(params, field, en, ja):
    loaded = codec.read_query({**parse(codec.query_string(SEED.replace(lr=0.5))), **params}, SEED)
    assert [p.field for p in loaded.problems] == [field]
    assert en in loaded.problems[0].en and ja in loaded.problems[0].ja
    # named as the screen names the field (the key alone is no word for a learner)
    assert loaded.problems[0].en.startswith(LABELS[field][0]) and loaded.problems[0].ja.startswith(LABELS[field][1])
    assert loaded.scenario.lr == 0.5  # the other keys still load
    # the rule itself loads when only its setting is bad; an unknown rule leaves SGD
    expected = params.get("opt", "sgd") if field != "opt" else "sgd"
    assert loaded.scenario.optimizer == expected
    assert loaded.scenario.settings == dnn.optimizers.check_optimizer(expected)


def test_a_file_with_a_bad_setting_changes_nothing():
    base = SEED.replace(lr=0.3)
    doc = json.loads(codec.scenario_to_json(SEED.replace(optimizer="adam")))
    doc["beta2"] = 1.5
    loaded = codec.read_json(json.dumps(doc), base)
    assert loaded.scenario == base and [p.field for p in loaded.problems] == ["beta2"]
