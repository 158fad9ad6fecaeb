"""A held-out share of your own samples (pasted or uploaded CSV, or a link's x and d): the split itself, that the
held-out samples are never trained on, their loss, the link and the file, bad values by field, both languages."""

import json

import numpy as np
import pytest

import dnn
from dnn import datasets as ds
from tests.test_data_pages import TRAINING, link, start
from ui.session import codec, data_codec

# 12 samples of two inputs, three classes of 5, 4 and 3 samples: a link's x and d, in the notebook's 2-?-3 shape.
X = np.array([[i / 4, (-1) ** i * i / 6] for i in range(12)])
LABELS = np.array([0, 1, 2, 0, 1, 2, 0, 1, 0, 1, 0, 2])
D = np.eye(3)[LABELS]
LINK = {
    "W1": "0.1,0.3,0.5;0.2,0.4,0.6",
    "b1": "0.1,0.2,0.3",
    "W2": "0.1,0.4,-0.2;0.2,0.5,0.1;0.3,0.6,-0.3",
    "b2": "0.1,0.2,0",
    "x": codec.format_array(X),
    "d": codec.format_array(D),
    "lr": "0.5",
    "steps": "40",
}


def _rows(a: np.ndarray) -> list[tuple[float, ...]]:
    return [tuple(r) for r in np.atleast_2d(a)]


def _cross_entropy(W1, b1, W2, b2, x, d):
    """The course's mean cross-entropy of a ReLU / softmax network, written out here (not dnn's)."""
    z = np.maximum(x @ W1 + b1, 0.0)
    u = z @ W2 + b2
    y = np.exp(u - u.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    return float(np.mean(-np.sum(d * np.log(y + 1e-7), axis=1)))


# ---------------------------------------------------------------- the split


def test_class_targets_are_held_out_class_by_class():
    data = ds.split(X, D, 0.4, data_seed=7)
    assert data.stratified
    for c, size in enumerate((5, 4, 3)):
        assert data.held_out[c == LABELS].sum() == round(0.4 * size)  # 2, 2 (round half to even: 1.6 → 2), 1
    labels01 = ds.split(X, (LABELS == 1).astype(float)[:, None], 0.5, 1)  # one sigmoid output of 0 and 1
    assert labels01.stratified and labels01.held_out[LABELS == 1].sum() == 2 and labels01.held_out.sum() == 6


def test_real_valued_targets_are_drawn_at_random_and_the_seed_decides_which():
    d = X @ np.array([[3.0], [2.0]])  # the course's f(x) = 3·x1 + 2·x2: not classes
    a, b, c = ds.split(X, d, 0.25, 1), ds.split(X, d, 0.25, 1), ds.split(X, d, 0.25, 2)
    assert not a.stratified and a.held_out.sum() == 3
    assert np.array_equal(a.held_out, b.held_out) and not np.array_equal(a.held_out, c.held_out)
    assert ds.split(X[:1], d[:1], 0.5).held_out.sum() == 0  # one sample: it stays for training
    assert not ds.split(X, D, 0.0).held_out.any()


@pytest.mark.parametrize(
    ("test", "seed", "field"),
    [(0.6, 0, "test"), (-0.1, 0, "test"), ("abc", 0, "test"), (float("nan"), 0, "test"), (0.2, -1, "data_seed"),
     (0.2, 1.5, "data_seed"), (0.2, 2**32, "data_seed")],
)  # fmt: skip
def test_bad_share_or_seed_is_refused_by_field(test, seed, field):
    with pytest.raises(dnn.ValidationError) as e:
        ds.OwnData(X, D, test=test, data_seed=seed)
    name_en, name_ja = ds.FIELD_NAMES[field]  # named as the Data section names it, not by the link's key
    assert e.value.field == field and e.value.en.startswith(name_en) and e.value.ja.startswith(name_ja)


# ---------------------------------------------------------------- held out, never trained on


def test_a_link_holds_out_its_samples_and_training_never_sees_them():
    at = start({**LINK, "test": "0.4", "data_seed": "7"}, page=TRAINING)
    sc = at.session_state["scenario"]
    train, everything = _rows(sc.x), _rows(X)
    held = [r for r in everything if r not in train]
    assert len(train) == 7 and len(held) == 5 and sorted(train + held) == sorted(everything)
    held_x = np.array(held)
    held_d = D[[everything.index(r) for r in held]]
    for c, size in enumerate((5, 4, 3)):  # 2, 2 and 1 of the classes' samples held out
        assert int(held_d[:, c].sum()) == round(0.4 * size)
    # The training loss on screen is the loss on the training samples only, computed here from scratch; the
    # held-out loss is dnn's loss on the held-out samples, with the network trained on the training samples.
    net = dnn.train(sc.network, sc.x, sc.d, 0.5, 40).network
    # the training loss is the summary's "E after step 40" (Training shows it once, beside the held-out loss)
    metrics = {m.label: float(m.value) for m in at.metric if m.label in ("E after step 40", "Held-out loss")}
    on_training = _cross_entropy(net.W1, net.b1, net.W2, net.b2, sc.x, sc.d)
    assert metrics["E after step 40"] == pytest.approx(on_training, rel=1e-3)
    assert metrics["E after step 40"] != pytest.approx(_cross_entropy(net.W1, net.b1, net.W2, net.b2, X, D), rel=1e-3)
    assert metrics["Held-out loss"] == pytest.approx(dnn.loss(net, held_x, held_d), rel=1e-3)
    # The link keeps every sample and the share, so it holds the same samples out again.
    kept = link(at)
    assert kept["x"] == LINK["x"] and kept["d"] == LINK["d"] and kept["test"] == "0.4" and kept["data_seed"] == "7"


def test_the_file_keeps_every_sample_and_the_share():
    own = ds.OwnData(X, D, test=0.4, data_seed=7)
    sc = data_codec.apply_own_data(dnn.seed_scenario(), own)
    text = data_codec.with_own_data_json(codec.scenario_to_json(sc), own)
    doc = json.loads(text)
    assert doc["held_out"] == {"test": 0.4, "data_seed": 7} and np.array_equal(doc["x"], X)
    loaded, problems = codec.scenario_from_json(text)
    again, more = data_codec.own_data_from_json(text, loaded)
    assert not problems and not more and again.test == 0.4 and again.data_seed == 7
    assert data_codec.apply_own_data(loaded, again) == sc
    assert np.array_equal(again.data.held_out, own.data.held_out)


def test_bad_values_in_a_link_or_file_are_reported_by_key_and_every_sample_stays():
    at = start({**LINK, "test": "0.9", "data_seed": "-2"})
    report = at.session_state["load_report"]
    assert sorted(p.field for p in report.problems) == ["data_seed", "test"]
    assert at.session_state["scenario"].x.shape == (12, 2)  # nothing held out, nothing lost
    sc = data_codec.apply_own_data(dnn.seed_scenario(), ds.OwnData(X, D, 0.2))
    for held_out, field in (('{"test": "x"}', "test"), ('{"test": 0.2, "data_seed": true}', "data_seed"),
                            ('[1]', "held_out")):  # fmt: skip
        text = codec.scenario_to_json(sc)[:-3] + f',\n  "held_out": {held_out}\n}}\n'
        own, problems = data_codec.own_data_from_json(text, sc)
        assert own is None and [p.field for p in problems] == [field]


# ---------------------------------------------------------------- pasted CSV, both languages


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pasted_csv_with_a_share_held_out(lang):
    at = start({"lang": lang})
    v = at.session_state["editor_version"]
    rows = "\n".join(f"{a},{b},{c}" for (a, b), c in zip(X, LABELS, strict=True))
    at.text_area(key="data_csv_text").input(f"x1,x2,label\n{rows}\n")
    at.slider(key=f"data_csv_test_v{v}").set_value(40)
    at.text_input(key=f"data_csv_seed_v{v}").input("7")
    at.button(key="data_csv_use").click().run()
    assert not at.exception
    sc = at.session_state["scenario"]
    assert len(sc.x) == 7 and sc.network.n_out == 3
    assert link(at)["test"] == "0.4" and link(at)["data_seed"] == "7" and link(at)["x"] == codec.format_array(X)
    captions = " ".join(c.value for c in at.caption)
    expected = {
        "en": "your own data, 12 samples: 7 to train on, 5 held out (the same share of every class)",
        "ja": "自分のデータ、12 サンプル（学習用 7、テスト用 5。どのクラスからも同じ割合）",
    }
    assert expected[lang] in captions
    # Real-valued targets (an identity output, squared error): drawn at random, and the screen says so.
    at = start({"lang": lang, "output": "identity"})
    v = at.session_state["editor_version"]
    rows = "\n".join(f"{a},{b},{t}" for (a, b), t in zip(X, X @ np.array([3.0, 2.0]), strict=True))
    at.text_area(key="data_csv_text").input(f"x1,x2,d1\n{rows}\n")
    at.slider(key=f"data_csv_test_v{v}").set_value(25)
    at.button(key="data_csv_use").click().run()
    words = {
        "en": "3 held out (drawn at random: the targets are not classes)",
        "ja": "テスト用 3。目標出力がクラスではないので無作為に選択",
    }
    assert len(at.session_state["scenario"].x) == 9 and words[lang] in " ".join(c.value for c in at.caption)


def test_uploading_a_file_with_a_share_holds_the_same_samples_out():
    at = start({**LINK, "test": "0.4", "data_seed": "7"})
    own = ds.OwnData(X, D, test=0.25, data_seed=3)
    sc = data_codec.apply_own_data(dnn.seed_scenario(), own)
    text = data_codec.with_own_data_json(codec.scenario_to_json(sc), own)
    at.sidebar.file_uploader[0].set_value(("mine.json", text.encode(), "application/json")).run()
    assert not at.exception
    held = [r for r in _rows(X) if r not in _rows(at.session_state["scenario"].x)]
    assert held == _rows(own.data.test[0]) and len(held) == 3  # round(0.25 × 5), (× 4), (× 3): 1, 1, 1
    assert link(at)["test"] == "0.25" and link(at)["data_seed"] == "3" and link(at)["x"] == LINK["x"]
