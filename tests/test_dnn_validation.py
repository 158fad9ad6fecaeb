"""Every validation rule, with its message: the field, the cell when it is one, and the rule, in both languages."""

import re

import numpy as np
import pytest

import dnn

SEED = dnn.seed_network()
X, D = [[1.0, 5.0]], [[0.0, 1.0]]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji


def net(**changes):
    return SEED.replace(**changes)


def scenario(**changes):
    return dnn.seed_scenario().replace(**changes)


@pytest.mark.parametrize(
    "build,field,message",
    [
        (lambda: net(W2=np.ones((4, 2))), "W2", "W2 has 4 rows but the hidden layer has 3 units"),
        (lambda: net(b1=[0.1, 0.2]), "b1", "b1 has 2 entries but the hidden layer has 3 units"),
        (lambda: net(b2=[0.1, 0.2, 0.3]), "b2", "b2 has 3 entries but the output layer has 2 units"),
        (lambda: net(W1=[[0.1, np.nan, 0.5], [0.2, 0.4, 0.6]]), "W1", "W1[x1, h2] is nan"),
        (lambda: net(b2=[0.1, np.inf]), "b2", "b2[y2] is inf"),
        (lambda: net(W1=[["a", 1, 2], [1, 2, 3]]), "W1", "W1 must hold numbers only"),
        (lambda: net(W1=np.ones((9, 3))), "W1", "W1 gives 9 rows (inputs); allowed are 1 to 8"),
        (lambda: net(W1=np.ones((2, 17)), b1=np.ones(17), W2=np.ones((17, 2))), "W1", "allowed are 1 to 16"),
        (lambda: net(W2=np.ones((3, 9)), b2=np.ones(9)), "W2", "W2 gives 9 columns (outputs); allowed are 1 to 8"),
        (lambda: net(W2=np.ones((3, 1)), b2=[0.0]), "W2", "softmax needs at least 2 outputs"),
        (lambda: net(W1=np.ones((2, 3, 1))), "W1", "W1 must be a matrix"),
        (lambda: net(hidden="swish"), "hidden", "hidden activation 'swish' is unknown"),
        (lambda: net(output="tanh"), "output", "output layer 'tanh' is unknown"),
        (lambda: scenario(x=[[1.0, 5.0, 2.0]]), "x", "x has 3 columns but the network has 2 inputs"),
        (lambda: scenario(x=[[1.0, np.nan]]), "x", "x[sample 1, x2] is nan"),
        (lambda: scenario(x=np.ones((257, 2)), d=np.tile([0.0, 1.0], (257, 1))), "x", "allowed are 1 to 256"),
        (lambda: scenario(d=[[0.0, 1.0], [1.0, 0.0]]), "d", "target d has 2 rows but input x has 1 sample"),
        (lambda: scenario(d=[[0.0, 1.0, 0.0]]), "d", "d has 3 columns but the network has 2 outputs"),
        (lambda: scenario(d=[[0.3, 0.2]]), "d", "d[sample 1] must sum to 1 for softmax"),
        (
            lambda: scenario(d=[[-0.5, 1.5]]),
            "d",
            "d[sample 1, y1] is -0.5; targets for softmax must be between 0 and 1",
        ),
        (
            lambda: dnn.Scenario(net(output="sigmoid"), [[1.0, 5.0]], [[0.0, 2.0]]),
            "d",
            "d[sample 1, y2] is 2.0; targets for sigmoid must be between 0 and 1",
        ),
        (lambda: scenario(lr=-5), "lr", "learning rate η is -5; it must be greater than 0"),
        (lambda: scenario(lr=0), "lr", "greater than 0"),
        (lambda: scenario(lr=float("nan")), "lr", "learning rate η is nan"),
        (lambda: scenario(lr="fast"), "lr", "learning rate η: 'fast' is not a number"),
        (lambda: scenario(steps=999_999_999_999), "steps", "whole number from 1 to 100,000"),
        (lambda: scenario(steps=2.5), "steps", "whole number"),
        (lambda: scenario(steps=0), "steps", "whole number"),
        (lambda: dnn.backward(SEED, X, D, reduction="max"), "reduction", "'mean' or 'sum'"),
        (lambda: dnn.train(SEED, X, D, reduction="max"), "reduction", "'mean' or 'sum'"),
        (lambda: dnn.sweep(SEED, X, D, [0.1], 10, reduction="max"), "reduction", "'mean' or 'sum'"),
        (lambda: dnn.sweep(SEED, X, D, [0.1, -1.0], 10), "lr", "learning rate η is -1"),
        (lambda: dnn.sweep(SEED, X, D, np.ones(4097) * 0.1, 10), "lrs", "at most 4096 runs"),
        (lambda: dnn.sweep(SEED, X, D, [], 10), "lrs", "at least one network and one learning rate"),
        (lambda: dnn.sweep([], X, D, [0.1], 10), "lrs", "at least one network and one learning rate"),
        (lambda: dnn.sweep([SEED] * 3, X, D, [0.1, 0.2], 10), "lrs", "2 learning rates do not pair with 3 networks"),
        (lambda: dnn.sweep([SEED, net(hidden="tanh")], X, D, [0.1], 10), "network", "same sizes and activations"),
        (lambda: dnn.sweep(SEED, X, D, [0.1], 0), "steps", "whole number"),
        (lambda: dnn.train(SEED, X, D, steps=3).network_at(4), "step", "step 4 is outside 0..3"),
        (lambda: dnn.train(SEED, X, D, steps=3).params_at(np.array([0, 5])), "step", "steps must lie in 0..3"),
    ],
)
def test_rule_and_message(build, field, message):
    with pytest.raises(dnn.ValidationError) as info:
        build()
    error = info.value
    assert error.field == field and isinstance(error, ValueError)
    assert message in str(error) and error.en == str(error)
    # the Japanese message is there in its own right: not the English one again, and in Japanese
    assert error.ja != error.en and JAPANESE.search(error.ja), f"no Japanese message: {error.ja!r}"
    assert "(" not in error.ja and ")" not in error.ja, f"half-width parentheses in Japanese: {error.ja!r}"
    # named as the screens name the field: "learning rate η", "training steps", a cell as "W1[x2, h3]"
    if field in ("lr", "steps"):  # the code's names are no words for a learner
        name_en, name_ja = dnn.network.FIELD_NAMES[field]
        assert error.en.startswith(name_en) and error.ja.startswith(name_ja)
        assert not re.search(r"(?<![ \w])(lr|steps)\b", error.en + error.ja), error.en
    elif field in ("hidden", "output"):
        assert dnn.network.FIELD_NAMES[field][1] in error.ja
    elif field in dnn.network.FIELD_NAMES:  # the arrays' own names (W1, x, d) are the course's and the grids'
        assert field in error.en and field in error.ja


def test_a_message_cannot_leave_out_its_japanese():
    with pytest.raises(TypeError):
        dnn.ValidationError("lr", "lr is -5")


def test_japanese_message_names_the_field_and_cell():
    with pytest.raises(dnn.ValidationError) as info:
        net(W1=[[0.1, 0.3, 0.5], [0.2, np.inf, 0.6]])
    assert "W1[x2, h2]" in info.value.ja and "有限" in info.value.ja
    with pytest.raises(dnn.ValidationError) as info:
        scenario(d=[[0.0, 1.0], [1.5, -0.5]], x=[[1.0, 5.0], [2.0, 1.0]])
    assert "d[サンプル2, y1]" in info.value.ja and "d[sample 2, y1]" in info.value.en


def test_valid_inputs_are_accepted_and_frozen():
    sc = scenario(x=[1.0, 5.0], d=[0.2, 0.8])  # a 1-D vector is one sample; probabilities are fine for softmax
    assert sc.x.shape == (1, 2) and sc.d.shape == (1, 2)
    with pytest.raises(ValueError):
        sc.network.W1[0, 0] = 3.0  # read-only: nobody changes a network behind the screens' back
    assert dnn.Scenario(net(output="identity"), [[1.0, 5.0]], [[-3.0, 7.0]]).d[0, 1] == 7.0
    assert scenario() == dnn.seed_scenario() and scenario(lr=0.1) != dnn.seed_scenario()


BAD = [
    (lambda: net(W2=np.ones((4, 2))), "W2"),
    (lambda: net(b1=[0.1]), "b1"),
    (lambda: net(b2=[0.1, 0.2, 0.3]), "b2"),
    (lambda: net(W1=[["a", 1, 2], [1, 2, 3]]), "W1"),
    (lambda: net(W1=np.ones((9, 3))), "W1"),
    (lambda: net(W2=np.ones((3, 1)), b2=[0.0]), "W2"),
    (lambda: net(W2=np.ones((3, 1)), b2=[0.0], output="sigmoid").replace(output="softmax"), "W2"),
    (lambda: net(W1=np.ones((2, 3, 1))), "W1"),
    (lambda: scenario(x=[[1.0, 5.0, 2.0]]), "x"),
    (lambda: scenario(d=[[0.0, 1.0], [1.0, 0.0]]), "d"),
    (lambda: scenario(d=[[0.0, 1.0, 0.0]]), "d"),
    (lambda: scenario(d=[[0.3, 0.2]]), "d"),
    (lambda: dnn.Scenario(net(output="sigmoid"), [[1.0, 5.0]], [[0.0, 2.0]]), "d"),
    (lambda: dnn.Scenario(net(output="identity"), [[1.0, 5.0]], [[0.0, 1.0], [1.0, 0.0]]), "d"),
    (lambda: scenario(lr=0), "lr"),
    (lambda: scenario(steps=0), "steps"),
]


@pytest.mark.parametrize(("build", "field"), BAD)
def test_a_message_starts_with_the_field_as_the_screens_name_it(build, field):
    """docs/design.md's message rule, for dnn's own messages (shown as they are for a grid, a box or a paste): the
    field's on-screen name first ("weight W2", "目標出力 d") or a cell as the grids name it ("d[sample 1, y2]");
    Japanese names the output layer in the course's words, never the code's "sigmoid"/"identity"; counts agree
    with their nouns ("1 sample", not "1 samples")."""
    with pytest.raises(dnn.ValidationError) as info:
        build()
    e = info.value
    name_en, name_ja = dnn.network.FIELD_NAMES[field]
    assert e.field == field
    assert e.en.startswith((name_en, f"{field}[")), e.en
    assert e.ja.startswith((name_ja, f"{field}[")), e.ja
    assert not re.search(r"\bsigmoid\b|\bidentity\b", e.ja), e.ja
    assert not re.search(r"\b1 (rows|columns|samples|entries|units|inputs|outputs)\b", e.en), e.en


def test_the_output_layers_japanese_names_are_the_menus():
    from ui.text.i18n import ACTIVATION_LABELS

    for name, ja in dnn.network._ACTIVATION_JA.items():
        assert ACTIVATION_LABELS[name][1] == ja
