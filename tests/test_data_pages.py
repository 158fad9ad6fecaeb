"""Data sets in the app: the recipe in the link and the JSON file, the Data section on Home, the held-out scores
and the film of the run on Training, the surface at the step slider (AppTest and the codec's functions)."""

import json
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import dnn
from dnn import datasets as ds
from tests.plotly_json import decode
from ui.figures.figures_play import SURFACE_LEVELS, WIDTH_LEVELS, make_film, play_figure
from ui.session import codec, data_codec
from ui.text.plain import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TRAINING = "pages/3_Training.py"
SPIRAL = {"data": "spiral", "n": "200", "noise": "0.1", "data_seed": "3", "test": "0.2"}
SPIRAL_RECIPE = ds.Recipe("spiral", n=200, noise=0.1, data_seed=3, test=0.2)


def start(query=None, page=None):
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def link(at) -> dict[str, str]:
    return {k: v for k, v in at.query_params.items()}


def chart(at, key):
    for el in at.get("plotly_chart"):
        if el.proto.id.endswith(f"-{key}"):
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart {key!r}")


# ---------------------------------------------------------------- the recipe in the link and the file


def test_recipe_round_trips_through_the_link_functions():
    for recipe in (SPIRAL_RECIPE, ds.Recipe("blobs", n=77, noise=0.0, data_seed=2**32 - 1, classes=8)):
        query = data_codec.recipe_to_query(recipe)
        assert data_codec.recipe_from_query(query) == (recipe, [])
    assert data_codec.recipe_to_query(SPIRAL_RECIPE) == SPIRAL  # test only when something is held out
    assert "test" not in data_codec.recipe_to_query(ds.Recipe("xor"))


def test_recipe_round_trips_through_the_json_file():
    sc = data_codec.apply_recipe(dnn.seed_scenario(), SPIRAL_RECIPE)
    text = data_codec.with_recipe_json(codec.scenario_to_json(sc), SPIRAL_RECIPE)
    doc = json.loads(text)
    assert "x" not in doc and "d" not in doc and doc["data"]["data"] == "spiral"
    recipe, problems = data_codec.recipe_from_json(text)
    assert recipe == SPIRAL_RECIPE and not problems
    loaded, problems = codec.scenario_from_json(text)
    assert not problems and data_codec.apply_recipe(loaded, recipe) == sc


def test_bad_recipe_values_are_reported_by_key():
    recipe, problems = data_codec.recipe_from_query({"data": "spiral", "n": "999", "noise": "x", "test": "0.7"})
    assert recipe is None
    assert [p.field for p in problems] == ["n", "noise", "test"]
    # named as the Data section names the field ("samples N"), not by the link's key
    assert all(p.en.startswith(ds.FIELD_NAMES[p.field][0]) for p in problems)
    assert all(p.ja.startswith(ds.FIELD_NAMES[p.field][1]) for p in problems)
    assert data_codec.recipe_from_query({"data": "donut"})[1][0].field == "data"
    assert data_codec.recipe_from_query({"n": "5"}) == (None, [])  # no data set named: nothing to generate
    assert data_codec.recipe_from_json('{"data": 5}')[1][0].field == "data"
    assert data_codec.recipe_from_json('{"data": {"data": "moons", "n": true}}')[1][0].field == "n"


def test_a_link_with_a_recipe_generates_the_data_and_keeps_the_link_short():
    at = start({**SPIRAL, "hidden": "tanh"})
    sc = at.session_state["scenario"]
    x, d = ds.generate(SPIRAL_RECIPE).train
    assert np.array_equal(sc.x, x) and np.array_equal(sc.d, d) and len(x) == 160
    assert sc.network.n_in == 2 and sc.network.n_out == 2 and sc.network.hidden == "tanh"
    kept = link(at)
    assert {k: kept[k] for k in SPIRAL} == SPIRAL and "x" not in kept and "d" not in kept
    assert len("&".join(f"{k}={v}" for k, v in kept.items())) < 300
    assert "160 to train on, 40 held out" in " ".join(c.value for c in at.caption)


def test_editing_a_cell_turns_the_recipe_back_into_numbers_and_undo_restores_it():
    at = start(SPIRAL)
    key = f"editor_x_v{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": {0: {"x1": 0.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert at.session_state["scenario"].x[0, 0] == 0.5
    assert "data" not in link(at) and "x" in link(at)
    at.sidebar.button(key="sidebar_undo").click().run()
    assert link(at).get("data") == "spiral" and "x" not in link(at)


def test_bad_recipe_in_a_link_is_reported_and_the_rest_loads():
    at = start({"data": "spiral", "n": "9999", "lr": "0.5"})
    warning = at.warning[0].value
    assert (
        "- samples N (`n` in the link) is " in warning and "9999" in warning and "from 4 to 256" in warning
    )  # (shown as plain text)
    assert at.session_state["scenario"].lr == 0.5
    assert at.session_state["scenario"].x.shape == (1, 2)  # the notebook's x stays


# ---------------------------------------------------------------- the Data section on Home


def test_generate_button_makes_the_recipe_the_data_and_resizes_the_network():
    at = start()
    v = at.session_state["editor_version"]
    at.selectbox(key=f"data_name_v{v}_en").set_value("blobs")
    at.text_input(key=f"data_classes_v{v}").input("4")
    at.text_input(key=f"data_n_v{v}").input("60")
    at.slider(key=f"data_test_v{v}").set_value(25)
    at.button[[b.label for b in at.button].index("Use this data set")].click().run()
    assert not at.exception
    sc = at.session_state["scenario"]
    assert sc.network.n_out == 4 and sc.d.shape == (4 * (15 - 4), 4)  # 25 % of each class of 15: 4 held out
    assert sc.network.W1[0, 0] == 0.1  # the notebook's weights that still fit are kept
    assert link(at)["data"] == "blobs" and link(at)["classes"] == "4" and link(at)["test"] == "0.25"
    said = " ".join(s.value for s in at.success).replace("\\", "")  # shown as plain text: Markdown escaped
    # the data set by its name on screen, not the link's bare "blobs"
    assert "Generated 60 samples of blobs (one cluster per class); the network now has 2 inputs and 4 outputs" in said


def test_csv_paste_loads_the_data_and_a_bad_cell_is_named_with_nothing_lost():
    at = start()
    at.text_area(key="data_csv_text").input("x1,x2,x3,label\n1,2,3,0\n4,5,6,2\n").run()
    at.button(key="data_csv_use").click().run()
    sc = at.session_state["scenario"]
    assert sc.x.shape == (2, 3) and sc.network.n_in == 3 and sc.network.n_out == 3
    assert np.array_equal(sc.d, [[1, 0, 0], [0, 0, 1]])
    at.text_area(key="data_csv_text").input("x1,x2,label\n1,2,0\n4,oops,1\n").run()
    at.button(key="data_csv_use").click().run()
    assert plain("CSV row 3, column x2: 'oops' is not a number") in at.error[0].value  # shown as plain text
    assert at.session_state["scenario"] == sc  # nothing changed
    assert at.text_area(key="data_csv_text").value.endswith("4,oops,1\n")  # the text is still there


def test_japanese_data_section():
    at = start({**SPIRAL, "lang": "ja"})
    assert "学習用 160、テスト用 40" in " ".join(c.value for c in at.caption)
    assert not at.exception


# ---------------------------------------------------------------- Training: held out, the film, the surface


def test_training_shows_held_out_loss_and_accuracy():
    at = start({**SPIRAL, "hidden": "tanh", "lr": "0.5", "steps": "300"}, page=TRAINING)
    labels = [m.label for m in at.metric]
    assert "Held-out loss" in labels and "Held-out accuracy" in labels
    sc = at.session_state["scenario"]
    net = dnn.train(sc.network, sc.x, sc.d, 0.5, 300).network
    test_x, test_d = ds.generate(SPIRAL_RECIPE).test
    held = at.metric[labels.index("Held-out loss")].value
    assert float(held) == pytest.approx(dnn.loss(net, test_x, test_d), rel=1e-3)


def test_training_plays_the_run_from_frames():
    at = start({**SPIRAL, "hidden": "tanh", "lr": "0.5", "steps": "1000"}, page=TRAINING)
    fig = chart(at, "train_play")
    frames = fig["frames"]
    assert 150 <= len(frames) <= 240 and frames[0]["name"] == "0" and frames[-1]["name"] == "1000"
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["▶ 0.25×", "▶ 0.5×", "▶ 1×", "▶ 2×", "▶ 4×", "Pause"]
    # Each speed button plays on from the frame shown, each frame shown 160 ms divided by the speed.
    assert [b["args"][1]["frame"]["duration"] for b in buttons[:5]] == [640, 320, 160, 80, 40]
    assert all(b["args"][0] is None and b["args"][1]["fromcurrent"] for b in buttons[:5])
    assert [s["args"][0] for s in fig["layout"]["sliders"][0]["steps"]] == [[f["name"]] for f in frames]
    moving = [t["meta"]["kind"] for i, t in enumerate(fig["data"]) if i in frames[0]["traces"]]
    assert moving.count("edges") == 2 * WIDTH_LEVELS and "surface" in moving and "marker" in moving
    assert all(len(f["data"]) == len(f["traces"]) for f in frames)
    held = next(t for t in fig["data"] if t.get("meta", {}).get("kind") == "held_out_loss")
    assert len(held["y"]) == len(frames)


def test_film_frames_show_the_weights_and_output_of_their_step():
    # Independent of the figure code: each edge's trace is found from where it is drawn, and compared with the
    # weight after that many repeated sgd_steps; the surface with a forward pass written here.
    data = ds.generate(ds.Recipe("moons", n=30, noise=0.1, data_seed=1))
    net = dnn.random_network(2, 3, 2, seed=4, hidden="tanh")
    h = dnn.train(net, data.x, data.d, 1.0, 120)
    fig = play_figure(make_film(h), "en").to_dict()
    w_max = max(max(np.abs(n.W1).max(), np.abs(n.W2).max()) for n in make_film(h).networks)
    frame = next(f for f in fig["frames"] if f["name"] == "60")
    expected = net
    for _ in range(60):
        expected = dnn.sgd_step(expected, dnn.backward(expected, data.x, data.d), 1.0)
    edge_traces = [t for t in fig["data"] if t.get("meta", {}).get("kind") == "edges"]
    heights = {"x": [1, -1], "h": [2, 0, -2], "y": [1, -1]}  # nodes two units apart, centred on 0
    for i in range(2):
        for j in range(3):
            level = _level_of(frame, edge_traces, (0, heights["x"][i]), (2, heights["h"][j]))
            w = expected.W1[i, j]
            assert level == (w < 0) * WIDTH_LEVELS + min(int(abs(w) / w_max * WIDTH_LEVELS), WIDTH_LEVELS - 1)
    heat = next(t for t in fig["data"] if t.get("meta", {}).get("kind") == "surface")
    n = round(len(heat["x"]) ** 0.5)  # a square grid, drawn row by row (x2 outer, x1 inner)
    gx, gy = heat["x"][:n], heat["y"][::n]
    colours = next(d["marker"]["color"] for d in frame["data"] if "marker" in d)
    surface = np.array(colours).reshape(n, n)
    r, c = 5, 20
    z = np.tanh(np.array([gx[c], gy[r]]) @ expected.W1 + expected.b1)
    u = z @ expected.W2 + expected.b2
    y = np.exp(u) / np.exp(u).sum()
    k = int(np.argmax(data.d[0]))
    assert abs(int(surface[r, c]) - y[k] * SURFACE_LEVELS) <= 1.01


def _level_of(frame, edge_traces, start, end):
    for level, item in enumerate(frame["data"][: len(edge_traces)]):
        xs, ys = item["x"], item["y"]
        for p in range(0, len(xs) - 2, 3):
            if (xs[p], ys[p], xs[p + 1], ys[p + 1]) == (*start, *end):
                return level
    raise AssertionError("edge not drawn")


def test_film_stays_small_at_100000_steps_for_the_largest_network():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2))
    d = np.eye(8)[rng.integers(0, 8, 64)]
    h = dnn.train(dnn.random_network(2, 16, 8, seed=1), x, d, 0.5, 100_000)
    import plotly.io as pio

    text = pio.to_json(play_figure(make_film(h), "en").to_dict(), validate=False)
    assert len(text) < 1_500_000  # measured 1.42 MB (135 frames of a 41 × 41 plane and its line y = 0.5)


def test_step_slider_moves_the_surface():
    at = start({**SPIRAL, "hidden": "tanh", "lr": "0.5", "steps": "200"}, page=TRAINING)
    at.slider(key="train_step_200").set_value(10).run()
    fig = chart(at, "train_surface_at_step")
    assert "after 10 steps" in fig["layout"]["title"]["text"]
    sc = at.session_state["scenario"]
    net = dnn.train(sc.network, sc.x, sc.d, 0.5, 10).network
    heat = next(t for t in fig["data"] if t.get("meta", {}).get("kind") == "output")
    z = decode(heat["z"])
    gx, gy = decode(heat["x"]), decode(heat["y"])
    point = np.array([[gx[7], gy[3]]])
    assert z[3, 7] == pytest.approx(dnn.forward(net, point).y[0, int(np.argmax(sc.d[0]))], rel=1e-9)


def test_share_link_text_carries_the_recipe():
    at = start(SPIRAL)
    text = at.sidebar.code[0].value
    query = parse_qs(text.split("?", 1)[1])
    assert query["data"] == ["spiral"] and query["test"] == ["0.2"] and "x" not in query


def test_a_hostile_file_gives_no_recipe_and_no_crash():
    assert data_codec.recipe_from_json("[" * 100_000 + "]" * 100_000) == (None, [])
    assert data_codec.recipe_from_json('{"data": {"data": "xor", "n": ' + "9" * 5000 + "}}")[0] is None
    assert data_codec.recipe_from_json(b"\xff\xfe") == (None, [])
