"""Generated data sets, the held-out share, accuracy and CSV parsing (dnn/datasets.py)."""

import numpy as np
import pytest

import dnn
from dnn import datasets as ds

# ---------------------------------------------------------------- the generators


@pytest.mark.parametrize("name", ds.DATASETS)
def test_same_seed_same_numbers_other_seed_other_numbers(name):
    a = ds.generate(ds.Recipe(name, n=150, noise=0.2, data_seed=7, test=0.3, classes=3))
    b = ds.generate(ds.Recipe(name, n=150, noise=0.2, data_seed=7, test=0.3, classes=3))
    c = ds.generate(ds.Recipe(name, n=150, noise=0.2, data_seed=8, test=0.3, classes=3))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.d, b.d) and np.array_equal(a.held_out, b.held_out)
    assert not np.array_equal(a.x, c.x)


def test_xor_is_reproducible_to_the_bit_from_integer_and_uniform_draws():
    # xor uses no sin/cos: its numbers can be rebuilt here from the seed, draw by draw, in the documented order.
    recipe = ds.Recipe("xor", n=6, noise=0.0, data_seed=11)
    rng = np.random.default_rng(11)
    rows = []
    for c in (0, 1):
        corner = rng.integers(0, 2, size=3)
        s1 = np.where(corner == 0, 1.0, -1.0)
        s2 = s1 if c == 0 else -s1
        rows.append(np.stack([s1 * rng.uniform(0.05, 1.0, 3), s2 * rng.uniform(0.05, 1.0, 3)], axis=1))
    x = np.concatenate(rows)
    rng.standard_normal(x.shape)  # the noise draw (times 0 here)
    order = rng.permutation(6)
    expected = np.round(x[order], 4)
    assert np.array_equal(ds.generate(recipe).x, expected)


@pytest.mark.parametrize(("name", "classes"), [("xor", 2), ("circles", 2), ("moons", 2), ("spiral", 5), ("blobs", 8)])
@pytest.mark.parametrize("n", [16, 101, 256])
def test_classes_are_balanced_and_targets_one_hot(name, classes, n):
    data = ds.generate(ds.Recipe(name, n=n, noise=0.1, data_seed=1, classes=classes))
    counts = np.bincount(data.labels, minlength=classes)
    assert counts.sum() == n and counts.max() - counts.min() <= 1
    assert data.x.shape == (n, 2) and data.d.shape == (n, classes)
    assert np.array_equal(data.d.sum(axis=1), np.ones(n)) and set(np.unique(data.d)) == {0.0, 1.0}
    assert np.array_equal(np.argmax(data.d, axis=1), data.labels)


def test_without_noise_every_point_lies_where_its_class_says():
    xor = ds.generate(ds.Recipe("xor", n=100, noise=0.0, data_seed=2))
    same_sign = xor.x[:, 0] * xor.x[:, 1] > 0
    assert np.array_equal(same_sign, xor.labels == 0)

    circles = ds.generate(ds.Recipe("circles", n=100, noise=0.0, data_seed=2))
    r = np.hypot(circles.x[:, 0], circles.x[:, 1])
    assert (r[circles.labels == 0] <= 0.5 + 1e-4).all() and (r[circles.labels == 1] >= 0.7 - 1e-4).all()

    moons = ds.generate(ds.Recipe("moons", n=100, noise=0.0, data_seed=2))
    raw = moons.x / 0.8 + [0.5, 0.25]  # undo the documented shift and scale
    centres = np.where(moons.labels[:, None] == 0, [0.0, 0.0], [1.0, 0.5])
    np.testing.assert_allclose(np.hypot(*(raw - centres).T), 1.0, atol=1e-3)
    upper = raw[:, 1] >= -1e-3
    assert upper[moons.labels == 0].all() and (raw[moons.labels == 1, 1] <= 0.5 + 1e-3).all()

    spiral = ds.generate(ds.Recipe("spiral", n=90, noise=0.0, data_seed=2, classes=3))
    r = np.hypot(spiral.x[:, 0], spiral.x[:, 1])
    angle = np.arctan2(spiral.x[:, 1], spiral.x[:, 0])
    expected = 4 * r + 2 * np.pi * spiral.labels / 3
    off = np.angle(np.exp(1j * (angle - expected)))  # the difference taken round the circle
    assert (r >= 0.1 - 1e-4).all() and (r <= 1 + 1e-4).all() and np.abs(off).max() < 2e-3

    blobs = ds.generate(ds.Recipe("blobs", n=200, noise=0.0, data_seed=2, classes=4))
    centres = 0.7 * np.stack([np.cos(np.pi / 2 * blobs.labels), np.sin(np.pi / 2 * blobs.labels)], axis=1)
    assert np.hypot(*(blobs.x - centres).T).max() < 0.6  # 0.1 spread: 6 standard deviations


def test_noise_moves_points_by_its_size():
    calm = ds.generate(ds.Recipe("circles", n=256, noise=0.0, data_seed=4))
    noisy = ds.generate(ds.Recipe("circles", n=256, noise=0.3, data_seed=4))
    # Same seed: the same points before the noise, then N(0, 0.3²) added to each coordinate.
    shift = (noisy.x - calm.x).ravel()
    assert 0.25 < shift.std() < 0.35 and np.array_equal(calm.labels, noisy.labels)


def test_held_out_share_is_taken_from_every_class():
    data = ds.generate(ds.Recipe("blobs", n=100, noise=0.1, data_seed=5, test=0.2, classes=4))
    for c in range(4):
        members = data.labels == c
        assert data.held_out[members].sum() == round(0.2 * members.sum())
    x_train, _ = data.train
    x_test, d_test = data.test
    assert len(x_train) + len(x_test) == 100 and len(x_test) == 20
    assert not (set(map(tuple, x_train)) & set(map(tuple, x_test)))
    assert d_test.shape == (20, 4)
    # Half held out from two-sample classes still leaves one of each class to learn from.
    small = ds.generate(ds.Recipe("blobs", n=16, noise=0.1, data_seed=5, test=0.5, classes=8))
    assert set(np.argmax(small.train[1], axis=1)) == set(range(8))


def test_no_held_out_share_trains_on_everything():
    data = ds.generate(ds.Recipe("moons", n=40, data_seed=1))
    assert not data.held_out.any() and len(data.test[0]) == 0


# ---------------------------------------------------------------- the recipe's validation


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"data": "swirl"}, "data"),
        ({"n": 300}, "n"),
        ({"n": 3}, "n"),
        ({"n": 12.5}, "n"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "lots"}, "noise"),
        ({"data_seed": -1}, "data_seed"),
        ({"test": 0.6}, "test"),
        ({"classes": 9, "data": "blobs"}, "classes"),
        ({"classes": 1, "data": "spiral"}, "classes"),
        ({"classes": 8, "data": "blobs", "n": 12}, "n"),  # fewer than two samples a class
    ],
)
def test_bad_recipe_names_its_field_in_both_languages(changes, field):
    fields = {"data": "spiral", "n": 100, "noise": 0.1, "data_seed": 0, "test": 0.2, "classes": 2} | changes
    with pytest.raises(dnn.ValidationError) as err:
        ds.Recipe(**fields)
    assert err.value.field == field
    # named as the Data section names the field ("samples N", not the link's "n")
    name_en, name_ja = ds.FIELD_NAMES[field]
    assert err.value.en.startswith(name_en) and err.value.ja.startswith(name_ja)


def test_two_class_sets_ignore_the_number_of_classes():
    assert ds.Recipe("moons", classes=5).classes == 2
    assert ds.generate(ds.Recipe("moons", n=20, classes=5)).d.shape == (20, 2)


# ---------------------------------------------------------------- how well a network does


def test_accuracy_and_held_out_loss_against_a_hand_computation():
    net = dnn.Network(W1=[[1.0, -1.0], [0.5, 2.0]], b1=[0.0, 0.1], W2=[[1.0, -1.0], [-2.0, 1.0]], b2=[0.0, 0.0])
    x = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [2.0, 1.0]])
    d = np.eye(2)[[0, 1, 1, 1]]
    z = np.maximum(x @ np.array([[1.0, -1.0], [0.5, 2.0]]) + [0.0, 0.1], 0)
    u = z @ np.array([[1.0, -1.0], [-2.0, 1.0]])
    y = np.exp(u) / np.exp(u).sum(axis=1, keepdims=True)
    right = np.argmax(y, axis=1) == np.array([0, 1, 1, 1])
    got = ds.scores(net, x, d)
    assert got.accuracy == pytest.approx(right.mean())
    assert got.loss == pytest.approx(-np.mean(np.log(y[np.arange(4), [0, 1, 1, 1]] + 1e-7)), rel=1e-12)


def test_accuracy_only_for_classes():
    x = np.array([[0.0, 1.0], [1.0, 0.0]])
    one = dnn.Network(W1=[[1.0], [-1.0]], b1=[0.0], W2=[[3.0]], b2=[0.0], output="sigmoid")
    # sigmoid of 3·relu(x1 − x2): 0.5 for the first sample (not > 0.5, so class 0), 0.95 for the second
    assert ds.accuracy(one, x, [[0.0], [1.0]]) == 1.0
    assert ds.accuracy(one, x, [[1.0], [1.0]]) == 0.5
    assert ds.accuracy(one, x, [[0.3], [1.0]]) is None  # not classes
    assert ds.accuracy(one.replace(output="identity"), x, [[0.0], [1.0]]) is None


# ---------------------------------------------------------------- your own data


def test_csv_with_targets_and_with_labels():
    x, d = ds.parse_csv("x1,x2,d1,d2\n1,5,0,1\n-2.5,0.25,1,0\n")
    np.testing.assert_array_equal(x, [[1, 5], [-2.5, 0.25]])
    np.testing.assert_array_equal(d, [[0, 1], [1, 0]])
    x, d = ds.parse_csv(b"\xef\xbb\xbfX1, x2, x3, label\r\n0,0,1,2\r\n1,1,0,0\r\n\r\n")  # BOM, spaces, CRLF
    assert x.shape == (2, 3)
    np.testing.assert_array_equal(d, [[0, 0, 1], [1, 0, 0]])
    _, d = ds.parse_csv("x1,label\n0,0\n1,0\n")  # one class seen: still two outputs (softmax needs them)
    assert d.shape == (2, 2)


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("x1,x2,d1\n1,2,0\n3,abc,1\n", 3, "x2"),
        ("x1,x2,d1\n1,2,0\n3,4\n", 3, "d1"),
        ("x1,x2,d1\n1,2,nan\n", 2, "d1"),
        ("x1,y,d1\n1,2,3\n", 1, "y"),
        ("a,b\n1,2\n", 1, "a"),
        ("x1,x2,label\n1,2,0\n1,2,1.5\n1,2,1\n", 3, "label"),
        ("x1,x2,label\n1,2,8\n", 2, "label"),
        ("x1,x2,label\n1,2,-1\n", 2, "label"),
        ("x1,x2,x3,x4,x5,x6,x7,x8,x9,d1\n" + "1," * 9 + "0\n", 1, "x9"),
    ],
)
def test_csv_errors_name_row_and_column(text, row, column):
    with pytest.raises(dnn.ValidationError) as err:
        ds.parse_csv(text)
    assert err.value.field == "csv"
    assert f"row {row}, column {column}" in err.value.en
    assert f"{row} 行目、{column} 列" in err.value.ja


def test_csv_limits():
    with pytest.raises(dnn.ValidationError, match="at most 256"):
        ds.parse_csv("x1,d1\n" + "1,0\n" * 257)
    with pytest.raises(dnn.ValidationError, match="too large"):
        ds.parse_csv("x1,d1\n" + "1.000000000,0\n" * 20_000)
    with pytest.raises(dnn.ValidationError, match="no samples"):
        ds.parse_csv("x1,d1\n")
    with pytest.raises(dnn.ValidationError, match="empty"):
        ds.parse_csv("\n \n")
    with pytest.raises(dnn.ValidationError, match="UTF-8"):
        ds.parse_csv(b"x1,d1\n\xff,0\n")
