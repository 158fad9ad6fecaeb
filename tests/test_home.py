"""The Home page (scenario editor) and the shared set-up (state, link, sidebar) under Streamlit's AppTest."""

import json
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from ui.session import codec, presets, state
from ui.text.link_labels import LABELS, key_note
from ui.text.plain import plain
from ui.widgets.pages_nav import PAGES

APP = str(Path(__file__).resolve().parent.parent / "app.py")
FORWARD = "pages/1_Forward.py"
SEED = dnn.seed_scenario()


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def scenario(at: AppTest) -> dnn.Scenario:
    return state.scenario(at.session_state)


def reduction_radio(at: AppTest, lang: str = "en"):
    """The sidebar's choice of the gradient's reduction (keyed per editor version and language)."""
    return at.sidebar.radio(key=f"w_sidebar_reduction_v{state.editor_version(at.session_state)}_{lang}")


def edit(at: AppTest, name: str, edited_rows: dict) -> AppTest:
    """Type into a grid as the browser would report it: the delta under the editor's key (column names as keys)."""
    key = f"editor_{name}_v{state.editor_version(at.session_state)}"
    at.session_state[key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    return at


def texts(elements) -> list[str]:
    return [e.value for e in elements]


@pytest.fixture
def at() -> AppTest:
    return start()


def test_default_run_shows_the_notebook(at):
    assert at.title[0].value == "Scenario"
    assert scenario(at) == SEED
    assert at.metric[0].value == "0.0910913"  # the notebook's loss, which it never prints
    assert not at.warning and not at.error
    # The address bar is the share link of the notebook scenario.
    assert dict(at.query_params) == codec.scenario_to_query(SEED)
    # Six grids, keyed with the editor version.
    assert [e.key for e in at.data_editor] == [f"editor_{m}_v0" for m in ("W1", "b1", "W2", "b2", "x", "d")]
    w1 = at.data_editor(key="editor_W1_v0").value
    assert list(w1.columns) == ["h1", "h2", "h3"] and list(w1.index) == ["x1", "x2"]
    # Text cells (the app parses what is typed) showing 4 decimals; the scenario keeps full precision.
    assert w1.to_numpy().tolist() == [["0.1000", "0.3000", "0.5000"], ["0.2000", "0.4000", "0.6000"]]


def test_sidebar_links_only_to_existing_pages(at):
    labels = [e.proto.label for e in at.sidebar.get("page_link")]
    expected = [p.en for p in PAGES if (Path(APP).parent / p.path).is_file()]
    assert labels == expected
    assert labels[:2] == ["Scenario", "Forward pass"]


def test_lang_ja_shows_japanese():
    at = start({"lang": "ja"})
    assert at.title[0].value == "シナリオ"
    labels = [b.label for b in at.sidebar.button]
    assert "元に戻す" in labels and "ノートブックの値に戻す" in labels
    assert "学習率 η" in [n.label for n in at.text_input]
    assert at.sidebar.radio(key="w_sidebar_lang").value == "ja"
    assert at.query_params["lang"] == "ja"


def test_language_switch_survives_a_page_switch(at):
    at.sidebar.radio(key="w_sidebar_lang").set_value("ja").run()
    assert at.title[0].value == "シナリオ"
    at.switch_page(FORWARD).run()
    assert not at.exception
    assert at.title[0].value == "順伝播"
    at.switch_page("app.py").run()
    assert at.title[0].value == "シナリオ"


def test_choices_with_translated_labels_keep_their_value_after_a_language_switch():
    """Choice widgets with translated labels are keyed per language (``state.translated_key``) and start from the
    canonical state. In the browser, one key across languages lost the choice (the widget remembers the shown
    label) and refused the next edit; AppTest does not show that, tests/browser/test_journeys.py does."""
    at = start({"x": "1,5;3,1", "d": "0,1;1,0"})
    reduction_radio(at).set_value("sum").run()
    at.sidebar.radio(key="w_sidebar_lang").set_value("ja").run()
    assert reduction_radio(at, "ja").value == "sum"
    assert at.selectbox(key="output_ja_v0").value == "softmax"
    assert at.selectbox(key="home_diagram_sample_2_ja").value == 0
    edit(at, "W1", {0: {"h3": 0.7}})
    assert not at.error, [e.value for e in at.error]
    assert scenario(at).network.W1[0, 2] == 0.7
    assert scenario(at).network.output == "softmax" and state.reduction(at.session_state) == "sum"


def test_a_link_sets_the_scenario():
    at = start({"W1": "1,2,3;4,5,6", "lr": "0.5", "x": "2,1", "hidden": "tanh"})
    sc = scenario(at)
    np.testing.assert_array_equal(sc.network.W1, [[1, 2, 3], [4, 5, 6]])
    assert (sc.lr, sc.network.hidden) == (0.5, "tanh")
    np.testing.assert_array_equal(sc.x, [[2, 1]])
    assert not at.warning
    assert at.text_input(key="lr_v0").value == "0.5"


def test_the_bad_link_shows_one_message_and_loads_the_rest():
    at = start({"W1": "abc,1;2", "lr": "-5", "steps": "999999999999", "d": "0,nan"})
    assert scenario(at) == SEED
    assert len(at.warning) == 1
    message = at.warning[0].value
    for key in ("W1", "lr", "steps", "d"):  # each named as the screen names it: "- learning rate η (`lr` in the link)"
        assert f"- {LABELS[key][0]}{key_note(key, 'link', 'en')}" in message
    assert "999999999999" in message and "nan" in message
    # The address bar now carries the scenario that was loaded, not the bad values.
    assert at.query_params["lr"] == "0.01"
    # The message goes once the user dismisses it.
    at.button(key="dismiss_load_report").click().run()
    assert not at.warning


def test_a_page_opened_first_by_link_reads_it():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lr"] = "0.25"
    at.switch_page(FORWARD).run()  # the deep link runs the page file, not app.py
    assert not at.exception
    assert scenario(at).lr == 0.25


def test_an_edit_changes_the_scenario_and_survives_a_page_switch(at):
    edit(at, "W1", {0: {"h2": 0.7}})
    assert scenario(at).network.W1[0, 1] == 0.7
    assert at.query_params["W1"] == "0.1,0.7,0.5;0.2,0.4,0.6"
    assert at.metric[0].value != "0.0910913"  # the loss follows the edit
    at.switch_page(FORWARD).run()
    assert not at.exception
    assert scenario(at).network.W1[0, 1] == 0.7
    assert at.query_params["W1"] == "0.1,0.7,0.5;0.2,0.4,0.6"  # re-written after the page switch
    at.switch_page("app.py").run()
    assert scenario(at).network.W1[0, 1] == 0.7
    loss = dnn.loss(scenario(at).network, SEED.x, SEED.d)
    assert at.metric[0].value == f"{loss:.6g}"


def test_full_precision_edit_is_kept(at):
    edit(at, "b2", {0: {"y2": 0.987654321}})
    assert scenario(at).network.b2[1] == 0.987654321


def test_a_nan_edit_is_refused_with_the_cell_named(at):
    edit(at, "W1", {1: {"h3": float("nan")}})
    assert scenario(at) == SEED
    assert len(at.error) == 1
    assert plain("W1[x2, h3]") in at.error[0].value and "nan" in at.error[0].value
    assert state.editor_version(at.session_state) == 1  # the grid is redrawn from the last good scenario
    at.run()
    assert not at.error  # shown once


def test_an_emptied_cell_is_refused(at):
    edit(at, "x", {0: {"x2": None}})  # what the browser sends when a cell is cleared
    assert scenario(at) == SEED
    assert plain("x[sample 1, x2] is empty") in at.error[0].value


def test_a_target_softmax_cannot_produce_is_refused(at):
    edit(at, "d", {0: {"y1": 2.0}})
    assert scenario(at) == SEED
    assert plain("d[sample 1, y1]") in at.error[0].value


def test_a_softmax_target_edit_keeps_the_row_summing_to_one(at):
    edit(at, "d", {0: {"y1": 1.0}})
    np.testing.assert_array_equal(scenario(at).d, [[1, 0]])


def test_presets_undo_and_reset(at):
    at.button(key="preset_dead_relu").click().run()
    assert scenario(at) == presets.dead_relu()
    at.button(key="preset_two_samples").click().run()
    assert scenario(at) == presets.two_samples()
    x_grid = at.data_editor(key=f"editor_x_v{state.editor_version(at.session_state)}").value
    assert list(x_grid.index) == ["sample 1", "sample 2"]
    at.sidebar.button(key="sidebar_undo").click().run()
    assert scenario(at) == presets.dead_relu()
    at.sidebar.button(key="sidebar_reset").click().run()
    assert scenario(at) == SEED
    at.sidebar.button(key="sidebar_undo").click().run()
    assert scenario(at) == presets.dead_relu()
    at.sidebar.button(key="sidebar_undo").click().run()
    assert scenario(at) == SEED
    assert at.sidebar.button(key="sidebar_undo").disabled


def test_preset_after_an_edit_redraws_the_grids(at):
    edit(at, "W1", {0: {"h1": 9.0}})
    at.button(key="preset_confidently_wrong").click().run()
    version = state.editor_version(at.session_state)
    assert version > 0
    assert scenario(at) == presets.confidently_wrong()  # the old edit is not re-applied on top
    y = dnn.forward(scenario(at).network, scenario(at).x).y
    assert y[0, 0] == pytest.approx(0.99, abs=0.001)


def test_random_weights_from_a_seed(at):
    at.text_input(key="preset_seed").input("42").run()
    at.button(key="preset_random").click().run()
    assert scenario(at).network == dnn.random_network(2, 3, 2, seed=42)
    np.testing.assert_array_equal(scenario(at).x, SEED.x)


def test_resizing_keeps_what_fits(at):
    at.text_input(key="size_n_hidden_v0").input("4").run()
    net = scenario(at).network
    assert net.W1.shape == (2, 4) and net.W2.shape == (4, 2)
    np.testing.assert_array_equal(net.W1[:, :3], SEED.network.W1)
    assert net.b1[3] == 0
    v = state.editor_version(at.session_state)
    at.text_input(key=f"size_n_samples_v{v}").input("3").run()
    sc = scenario(at)
    assert sc.x.shape == (3, 2) and sc.d.shape == (3, 2)
    np.testing.assert_array_equal(sc.d.sum(axis=1), [1, 1, 1])
    edit(at, "W1", {0: {"h4": 0.25}})  # the grid has the new column
    assert scenario(at).network.W1[0, 3] == 0.25


def test_output_and_activation_choices(at):
    at.selectbox(key="output_en_v0").set_value("identity").run()
    assert scenario(at).network.output == "identity"
    v = state.editor_version(at.session_state)
    at.text_input(key=f"size_n_out_v{v}").input("1").run()
    assert scenario(at).network.n_out == 1
    v = state.editor_version(at.session_state)
    at.selectbox(key=f"output_en_v{v}").set_value("softmax").run()  # softmax needs 2 outputs: one is added
    assert scenario(at).network.n_out == 2 and scenario(at).network.output == "softmax"
    assert any("y2" in i.value for i in at.info)
    v = state.editor_version(at.session_state)
    at.selectbox(key=f"hidden_en_v{v}").set_value("sigmoid").run()  # a widget per language
    assert scenario(at).network.hidden == "sigmoid"


def test_learning_rate_and_steps(at):
    at.button(key="lr_mul10").click().run()
    assert scenario(at).lr == pytest.approx(0.1)
    v = state.editor_version(at.session_state)
    at.text_input(key=f"lr_v{v}").input("0.003").run()
    assert scenario(at).lr == 0.003
    at.text_input(key=f"lr_v{state.editor_version(at.session_state)}").input("-1.0").run()
    assert scenario(at).lr == 0.003
    assert "greater than 0" in at.error[0].value
    at.text_input(key=f"steps_v{state.editor_version(at.session_state)}").input("5000").run()
    assert scenario(at).steps == 5000


def test_reduction_choice(at):
    assert state.reduction(at.session_state) == "mean"
    reduction_radio(at).set_value("sum").run()
    assert state.reduction(at.session_state) == "sum"
    at.switch_page(FORWARD).run()
    assert state.reduction(at.session_state) == "sum"


def test_the_reduction_travels_in_the_link():
    two = presets.two_samples()
    at = start({**codec.scenario_to_query(two), "reduction": "sum"})
    assert state.reduction(at.session_state) == "sum"
    assert reduction_radio(at).value == "sum"
    assert at.query_params["reduction"] == "sum"
    assert "reduction=sum" in at.sidebar.code[0].value
    reduction_radio(at).set_value("mean").run()
    assert "reduction" not in at.query_params  # the default is left out of the link
    assert "reduction" not in at.sidebar.code[0].value


def test_a_bad_reduction_in_the_link_is_reported_and_the_rest_loads():
    at = start({"reduction": "avg", "lr": "0.25"})
    assert state.reduction(at.session_state) == "mean" and scenario(at).lr == 0.25
    assert len(at.warning) == 1 and "reduction" in at.warning[0].value and plain("'avg'") in at.warning[0].value


def test_a_file_sets_the_reduction_and_the_sidebar_shows_it(at):
    reduction_radio(at).run()  # the widget exists with "mean" before the file comes
    text = codec.scenario_to_json(presets.two_samples(), "sum")
    at.sidebar.file_uploader[0].set_value(("s.json", text.encode(), "application/json")).run()
    assert not at.exception
    assert scenario(at) == presets.two_samples() and state.reduction(at.session_state) == "sum"
    assert reduction_radio(at).value == "sum"
    assert at.query_params["reduction"] == "sum"


def test_a_file_with_a_bad_reduction_changes_nothing(at):
    doc = json.loads(codec.scenario_to_json(presets.two_samples()))
    doc["reduction"] = "median"
    at.sidebar.file_uploader[0].set_value(("r.json", json.dumps(doc).encode(), "application/json")).run()
    assert scenario(at) == SEED and state.reduction(at.session_state) == "mean"
    assert len(at.warning) == 1 and "reduction" in at.warning[0].value and "not loaded" in at.warning[0].value


def test_pin_baseline(at):
    assert state.baseline(at.session_state) is None
    at.sidebar.button(key="sidebar_pin").click().run()
    at.button(key="preset_dead_relu").click().run()
    assert state.baseline(at.session_state) == SEED
    assert scenario(at) == presets.dead_relu()


def test_share_link_in_the_sidebar(at):
    at.button(key="preset_two_samples").click().run()
    code = at.sidebar.code[0].value
    assert code.endswith("?" + codec.query_string(presets.two_samples()))
    assert codec.scenario_from_query(parse_qs(code.split("?", 1)[1])) == (presets.two_samples(), [])


def test_json_download_and_upload(at):
    at.button(key="preset_confidently_wrong").click().run()
    download, worked = at.sidebar.get("download_button")[-2:]  # the teacher-link builder has one above them
    assert download.proto.label == "Download scenario"  # its content is codec.scenario_to_json (test_codec)
    assert worked.proto.label == "Worked example (Markdown)"  # its content: tests/test_worked_example.py
    text = codec.scenario_to_json(presets.two_samples())
    at.sidebar.file_uploader[0].set_value(("s.json", text.encode(), "application/json")).run()
    assert not at.exception
    assert scenario(at) == presets.two_samples()
    assert any(plain("s.json") in s.value for s in at.success)


def test_a_bad_upload_changes_nothing(at):
    bad = json.dumps({"W1": [[1, 2]], "lr": 0.5}).encode()  # W1 of 2 hidden units does not fit b1
    at.sidebar.file_uploader[0].set_value(("bad.json", bad, "application/json")).run()
    assert not at.exception
    assert scenario(at) == SEED  # lr 0.5 was fine, but a file loads whole or not at all
    assert len(at.warning) == 1 and "W1" in at.warning[0].value and "not loaded" in at.warning[0].value
    at.sidebar.file_uploader[0].set_value(("big.json", b" " * 200_000, "application/json")).run()
    assert scenario(at) == SEED and "too large" in at.warning[0].value
