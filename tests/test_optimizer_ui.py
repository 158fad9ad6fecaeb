"""Choosing the update rule on the Scenario and Training screens under AppTest: it becomes part of the scenario and
the link, every run trains with it, and a bad setting is refused by name in both languages."""

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from tests.plotly_json import decode
from tests.test_pages_training import TRAINING, chart, open_page
from ui import state

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def start(query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def version(at) -> int:
    return state.editor_version(at.session_state)


def query(at, key):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def test_choosing_adam_and_its_beta1_on_the_scenario_screen_goes_into_the_scenario_and_the_link():
    at = start()
    assert query(at, "opt") is None  # SGD, the default, is left out of the link
    at.selectbox(key=f"optimizer_en_v{version(at)}").set_value("adam").run()
    sc = state.scenario(at.session_state)
    assert (sc.optimizer, sc.settings) == ("adam", {"beta1": 0.9, "beta2": 0.999})
    assert query(at, "opt") == "adam" and query(at, "beta1") is None
    at.number_input(key=f"beta1_v{version(at)}").set_value(0.8).run()
    assert state.scenario(at.session_state).settings == {"beta1": 0.8, "beta2": 0.999}
    assert query(at, "beta1") == "0.8"
    assert any("√(1 − β2ᵗ)" in c.value for c in at.caption)  # the rule's formula is shown
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_bad_setting_is_refused_by_name_and_the_scenario_stays(lang):
    at = start({"opt": "momentum", "lang": lang})
    before = state.scenario(at.session_state)
    at.number_input(key=f"momentum_v{version(at)}").set_value(1.5).run()
    assert state.scenario(at.session_state) == before
    shown = " ".join(e.value for e in (*at.error, *at.warning, *at.toast))
    assert "momentum" in shown
    assert ("must be a number from 0" in shown) if lang == "en" else ("0 以上 1 未満" in shown)
    assert not at.exception


def test_a_link_with_a_bad_rule_names_the_key():
    at = start({"opt": "adam", "beta2": "2"})
    assert state.scenario(at.session_state).optimizer == "adam"
    message = at.warning[0].value
    assert "- beta2" in message


def test_the_training_screen_trains_with_the_chosen_rule():
    at = open_page(TRAINING, {"opt": "rmsprop", "decay": "0.9", "lr": "0.01", "steps": "200"})
    assert not at.exception
    sc = state.scenario(at.session_state)
    expected = dnn.train(sc.network, sc.x, sc.d, 0.01, 200, optimizer="rmsprop", decay=0.9).loss
    y = decode(chart(at, "train_loss_chart")["data"][0]["y"])
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # and SGD's curve differs: the rule is not ignored
    assert not np.allclose(y, dnn.train(sc.network, sc.x, sc.d, 0.01, 200).loss)
    # the rule is chosen on this screen too
    at.selectbox(key=f"train_optimizer_en_v{version(at)}").set_value("momentum").run()
    assert state.scenario(at.session_state).optimizer == "momentum"
    y = decode(chart(at, "train_loss_chart")["data"][0]["y"])
    np.testing.assert_allclose(y, dnn.train(sc.network, sc.x, sc.d, 0.01, 200, optimizer="momentum").loss, rtol=1e-12)
