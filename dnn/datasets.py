"""Data sets for two inputs (xor, circles, moons, spiral, blobs), your own data from CSV, and the held-out share
(of a generated data set, or of your own samples: ``split``).

A ``Recipe`` names a generated data set: which one, how many samples N (サンプル数), the noise, the seed and the
share of samples held out from training. The same recipe gives the same numbers on any machine: every random
number comes from ``np.random.default_rng(data_seed)`` and every coordinate is rounded to ``DECIMALS`` places, so
a last-bit difference of sin/cos between two machines' maths libraries does not show. Classes are balanced (their
sizes differ by at most one) and the target d is one-hot (目標出力: one output per class).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from dataclasses import dataclass

import numpy as np

from .core import forward, loss
from .network import LIMITS, Network, ValidationError, subject_ja

DATASETS: tuple[str, ...] = ("xor", "circles", "moons", "spiral", "blobs")
MULTICLASS: tuple[str, ...] = ("spiral", "blobs")  # the others have exactly two classes
MIN_CLASSES, MAX_CLASSES = 2, 8
MAX_NOISE = 1.0
MAX_TEST = 0.5
# Each field of a recipe as the Data section names it, for messages (the link's keys are no words for a learner).
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "data": ("data set", "データセット"),
    "n": ("samples N", "サンプル数 N"),
    "noise": ("noise", "ノイズ"),
    "data_seed": ("seed of the data", "データのシード"),
    "test": ("share held out for testing", "テスト用に取り分ける割合"),
    "classes": ("classes", "クラス数"),
}
MAX_SEED = 2**32 - 1
DECIMALS = 4
MAX_CSV_BYTES = 100 * 1024  # the same limit as a scenario file


@dataclass(frozen=True)
class Recipe:
    """How to generate a data set: ``data`` (one of DATASETS), ``n`` samples in all (training + held out),
    ``noise`` (standard deviation added to each input, the data lying within about [-1, 1]), ``data_seed``,
    ``test`` (the share held out, 0 to 0.5) and ``classes`` (spiral and blobs: 2 to 8; the others have 2).

    Built validated: a bad value raises a ValidationError naming the field."""

    data: str
    n: int = 200
    noise: float = 0.1
    data_seed: int = 0
    test: float = 0.0
    classes: int = 2

    def __post_init__(self) -> None:
        if self.data not in DATASETS:
            shown = str(self.data)[:20]
            raise ValidationError(
                "data",
                f"data set {shown!r} is unknown; choose one of {', '.join(DATASETS)}",
                f"データセット {shown!r} は使えません（{', '.join(DATASETS)} から選んでください）",
            )
        classes = _whole("classes", self.classes, MIN_CLASSES, MAX_CLASSES)
        if self.data not in MULTICLASS:
            classes = 2
        n = _whole("n", self.n, 2 * classes, LIMITS["max_samples"])
        seed = _whole("data_seed", self.data_seed, 0, MAX_SEED)
        noise = _fraction("noise", self.noise, MAX_NOISE)
        test = _fraction("test", self.test, MAX_TEST)
        for name, value in (("classes", classes), ("n", n), ("data_seed", seed), ("noise", noise), ("test", test)):
            object.__setattr__(self, name, value)


def _whole(field: str, value: object, lo: int, hi: int) -> int:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: a whole number too large for a float
        number = math.nan
    if not math.isfinite(number) or number != int(number) or not lo <= number <= hi:
        raise ValidationError(
            field,
            f"{FIELD_NAMES[field][0]} is {_clipped(repr(value))}; it must be a whole number from {lo} to {hi:,}",
            f"{subject_ja(FIELD_NAMES[field][1])}が {_clipped(repr(value))} です。{lo}〜{hi:,} の整数にしてください",
        )
    return int(number)


def _fraction(field: str, value: object, hi: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: a whole number too large for a float
        number = math.nan
    if not math.isfinite(number) or not 0.0 <= number <= hi:
        raise ValidationError(
            field,
            f"{FIELD_NAMES[field][0]} is {_clipped(repr(value))}; it must be a number from 0 to {hi:g}",
            f"{subject_ja(FIELD_NAMES[field][1])}が {_clipped(repr(value))} です。0〜{hi:g} の数にしてください",
        )
    return number


# ---------------------------------------------------------------- the generators


def class_sizes(n: int, classes: int) -> np.ndarray:
    """How many of ``n`` samples each class gets: as equal as possible, the first classes one more."""
    sizes = np.full(classes, n // classes)
    sizes[: n % classes] += 1
    return sizes


def _xor(rng: np.random.Generator, sizes: np.ndarray) -> list[np.ndarray]:
    # Class 0 in the quadrants where x1 and x2 have the same sign, class 1 where they differ; points keep 0.05
    # away from the axes so that without noise every point is on its class's side.
    out = []
    for c, m in enumerate(sizes):
        corner = rng.integers(0, 2, size=m)  # which of the class's two quadrants
        s1 = np.where(corner == 0, 1.0, -1.0)
        s2 = s1 if c == 0 else -s1
        out.append(np.stack([s1 * rng.uniform(0.05, 1.0, m), s2 * rng.uniform(0.05, 1.0, m)], axis=1))
    return out


def _circles(rng: np.random.Generator, sizes: np.ndarray) -> list[np.ndarray]:
    # Class 0 inside radius 0.5, class 1 on the ring 0.7 to 1.
    out = []
    for (lo, hi), m in zip(((0.0, 0.5), (0.7, 1.0)), sizes, strict=True):
        r, angle = rng.uniform(lo, hi, m), rng.uniform(0.0, 2 * np.pi, m)
        out.append(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
    return out


def _moons(rng: np.random.Generator, sizes: np.ndarray) -> list[np.ndarray]:
    # Two interleaved half circles of radius 1 (the upper one centred on (0, 0), the lower on (1, 0.5)), shifted
    # and scaled by 0.8 to lie around the origin.
    out = []
    for c, m in enumerate(sizes):
        t = rng.uniform(0.0, np.pi, m)
        if c == 0:
            pts = np.stack([np.cos(t), np.sin(t)], axis=1)
        else:
            pts = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
        out.append((pts - [0.5, 0.25]) * 0.8)
    return out


def _spiral(rng: np.random.Generator, sizes: np.ndarray) -> list[np.ndarray]:
    # One arm per class: radius r from 0.1 to 1, angle 4·r (about 1.3 turns) plus the arm's own offset 2π·c/K.
    out = []
    for c, m in enumerate(sizes):
        r = rng.uniform(0.1, 1.0, m)
        angle = 4.0 * r + 2 * np.pi * c / len(sizes)
        out.append(np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1))
    return out


def _blobs(rng: np.random.Generator, sizes: np.ndarray) -> list[np.ndarray]:
    # Blob c around a centre at radius 0.7, angle 2π·c/K, spread 0.1 (the recipe's noise comes on top).
    out = []
    for c, m in enumerate(sizes):
        angle = 2 * np.pi * c / len(sizes)
        centre = np.array([0.7 * np.cos(angle), 0.7 * np.sin(angle)])
        out.append(centre + 0.1 * rng.standard_normal((m, 2)))
    return out


_GENERATORS = {"xor": _xor, "circles": _circles, "moons": _moons, "spiral": _spiral, "blobs": _blobs}


def one_hot(labels: np.ndarray, classes: int) -> np.ndarray:
    """Targets d: row i is 1 at column labels[i] and 0 elsewhere."""
    d = np.zeros((len(labels), classes))
    d[np.arange(len(labels)), labels] = 1.0
    return d


@functools.lru_cache(maxsize=32)
def _generated(recipe: Recipe) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(recipe.data_seed)
    sizes = class_sizes(recipe.n, recipe.classes)
    points = _GENERATORS[recipe.data](rng, sizes)
    x = np.concatenate(points)
    labels = np.repeat(np.arange(recipe.classes), sizes)
    x = x + recipe.noise * rng.standard_normal(x.shape)
    order = rng.permutation(recipe.n)  # mixed classes: the grid on the Home screen reads like a sample
    x, labels = np.round(x[order], DECIMALS) + 0.0, labels[order]  # + 0.0: no -0.0 in the link
    held_out = _held_out(rng, labels, recipe.classes, recipe.test)
    for a in (x, labels, held_out):
        a.setflags(write=False)
    return x, labels, held_out


def _held_out(rng: np.random.Generator, labels: np.ndarray, classes: int, test: float) -> np.ndarray:
    """Which samples are held out: round(test · class size) of every class, chosen at random, at least one of
    every class left for training."""
    mask = np.zeros(len(labels), dtype=bool)
    for c in range(classes):
        members = np.flatnonzero(labels == c)
        take = min(round(test * len(members)), len(members) - 1)
        mask[rng.permutation(members)[:take]] = True
    return mask


@dataclass(frozen=True)
class DataSet:
    """Samples split for training: ``x`` (N × inputs), ``labels`` (class of each sample; None when the targets
    are not classes), ``d`` (targets) and ``held_out`` (True for samples kept out of training); ``train``/``test``
    give the two parts as (x, d)."""

    x: np.ndarray
    labels: np.ndarray | None
    d: np.ndarray
    held_out: np.ndarray

    @property
    def stratified(self) -> bool:
        """Whether the held-out share was taken from every class alike (the targets are classes)."""
        return self.labels is not None

    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        """The training samples (x, d): what the network learns from."""
        return self.x[~self.held_out], self.d[~self.held_out]

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        """The held-out samples (x, d): never trained on, used to see how the network does on new data."""
        return self.x[self.held_out], self.d[self.held_out]


def generate(recipe: Recipe) -> DataSet:
    """The data set a recipe describes, split into training and held-out samples (the same on every call)."""
    x, labels, held_out = _generated(recipe)
    return DataSet(x=x, labels=labels, d=one_hot(labels, recipe.classes), held_out=held_out)


def class_labels(d: np.ndarray) -> np.ndarray | None:
    """The class of each sample when the targets d are classes: one-hot rows over several outputs (the class is
    the output at 1), or one output of 0s and 1s. None for other targets (real values: regression)."""
    d = np.atleast_2d(d)
    if not np.isin(d, (0.0, 1.0)).all():
        return None
    if d.shape[1] == 1:
        return d[:, 0].astype(np.int64)
    if (d.sum(axis=1) == 1.0).all():
        return np.argmax(d, axis=1)
    return None


def split(x: np.ndarray, d: np.ndarray, test: float, data_seed: int = 0) -> DataSet:
    """Your own samples (x, d) with a share ``test`` (0 to 0.5) held out, drawn at random with ``data_seed``.

    When the targets are classes (``class_labels``) the share is stratified: round(test · class size) of every
    class, as for a generated data set. Otherwise round(test · N) samples are drawn from all of them. At least one
    sample of every class (one sample in all, for other targets) stays for training. Raises ValidationError
    naming ``test`` or ``data_seed`` for a bad value."""
    test = _fraction("test", test, MAX_TEST)
    seed = _whole("data_seed", data_seed, 0, MAX_SEED)
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    rng = np.random.default_rng(seed)
    labels = class_labels(d)
    if labels is not None:
        held_out = _held_out(rng, labels, int(labels.max()) + 1, test)
    else:
        held_out = np.zeros(len(x), dtype=bool)
        held_out[rng.permutation(len(x))[: min(round(test * len(x)), len(x) - 1)]] = True
    return DataSet(x=x, labels=labels, d=d, held_out=held_out)


@dataclass(frozen=True, eq=False)
class OwnData:
    """Your own samples (pasted, uploaded, or from a link's x and d), all of them, with the share ``test`` held out
    using ``data_seed``: what a link and a file keep so that the same samples are held out again. Validated."""

    x: np.ndarray
    d: np.ndarray
    test: float
    data_seed: int = 0

    def __post_init__(self) -> None:
        held = split(self.x, self.d, self.test, self.data_seed)
        object.__setattr__(self, "test", float(self.test))
        object.__setattr__(self, "data_seed", int(self.data_seed))
        object.__setattr__(self, "_split", held)

    @property
    def data(self) -> DataSet:
        """The samples split into training and held-out ones (``split``)."""
        return self._split  # type: ignore[attr-defined]


# ---------------------------------------------------------------- how well a network does on some samples


def accuracy(net: Network, x: np.ndarray, d: np.ndarray) -> float | None:
    """Share of samples classified right, for classification outputs; None for other outputs or targets.

    softmax, or sigmoid with one-hot targets: the output with the largest y is the class with the largest d.
    sigmoid with one output and 0/1 targets: y > 0.5 means class 1. Identity outputs (regression) and targets
    that are not classes have no accuracy.
    """
    x, d = np.atleast_2d(x), np.atleast_2d(d)
    if len(x) == 0 or net.output == "identity":
        return None
    y = forward(net, x).y
    if net.n_out == 1:
        if net.output != "sigmoid" or not np.isin(d, (0.0, 1.0)).all():
            return None
        return float(np.mean((y[:, 0] > 0.5) == (d[:, 0] == 1.0)))
    one_hot_rows = np.isin(d, (0.0, 1.0)).all() and (d.sum(axis=1) == 1.0).all()
    if net.output == "sigmoid" and not one_hot_rows:
        return None
    return float(np.mean(np.argmax(y, axis=1) == np.argmax(d, axis=1)))


@dataclass(frozen=True)
class Scores:
    """Loss E (mean over the samples, as ``loss``) and accuracy (None when it has no meaning) of some samples."""

    loss: float
    accuracy: float | None


def scores(net: Network, x: np.ndarray, d: np.ndarray) -> Scores:
    """The loss and the accuracy of ``net`` on the samples (x, d), e.g. the held-out ones."""
    return Scores(loss=float(loss(net, x, d)), accuracy=accuracy(net, x, d))


def loss_at_steps(params: dict[str, np.ndarray], like: Network, x: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The loss on (x, d) at each of several parameter sets (``History.params_at``), e.g. the held-out loss
    along a training run. Non-finite parameters give NaN."""
    out = np.full(len(params["W1"]), np.nan)
    with np.errstate(all="ignore"):
        for k in range(len(out)):
            W1, b1, W2, b2 = (params[name][k] for name in ("W1", "b1", "W2", "b2"))
            if all(np.isfinite(a).all() for a in (W1, b1, W2, b2)):
                out[k] = loss(like.replace(W1=W1, b1=b1, W2=W2, b2=b2), x, d)
    return out


# ---------------------------------------------------------------- your own data


def _clipped(text: str) -> str:
    """A cell or column name as a message quotes it: at most 20 characters (a CSV of 100 KB may be one cell)."""
    return text if len(text) <= 20 else text[:20] + "…"


def _csv_error(row: int, column: str, en: str, ja: str) -> ValidationError:
    column = _clipped(column)
    return ValidationError("csv", f"CSV row {row}, column {column}: {en}", f"CSV の {row} 行目、{column} 列: {ja}")


def _delimiter(text: str) -> str:
    """The CSV's separator, read off its header row: a comma, or the semicolon or tab that spreadsheets set up for
    languages whose decimal separator is the comma write instead."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in header:
        for separator in (";", "\t"):
            if separator in header:
                return separator
    return ","


def parse_csv(text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
    """Samples x and targets d from CSV text with a header row: columns ``x1 … xn`` then ``d1 … dm``, or
    ``x1 … xn`` and one ``label`` column of class indices (0, 1, 2, …; d is then one-hot, one output per class).

    Rows are counted as a spreadsheet shows them (the header is row 1). Raises ValidationError (field "csv")
    naming the row and column of the first problem."""
    if len(text) > MAX_CSV_BYTES:
        raise ValidationError(
            "csv",
            f"CSV: {len(text):,} bytes is too large (at most {MAX_CSV_BYTES // 1024} KB)",
            f"CSV: {len(text):,} バイトは大きすぎます（最大 {MAX_CSV_BYTES // 1024} KB）",
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                "csv", "CSV: not a text file (UTF-8 expected)", "CSV: テキストファイル（UTF-8）ではありません"
            ) from None
    # Line ends as Windows, Unix and old Macs write them, even mixed in one file (csv refuses a lone CR otherwise).
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        rows = [r for r in reader if any(cell.strip() for cell in r)]
    except csv.Error:  # what the csv module still cannot read (the limits above keep its own out of reach)
        raise ValidationError(
            "csv",
            f"CSV row {reader.line_num}: not readable as CSV",
            f"CSV の {reader.line_num} 行目: CSV として読めません",
        ) from None
    if not rows:
        raise ValidationError("csv", "CSV is empty", "CSV が空です")
    header = [h.strip().lower() for h in rows[0]]
    n_in, _, labelled = _columns(header)
    body = rows[1:]
    if not body:
        raise ValidationError(
            "csv", "CSV has a header but no samples", "CSV に見出しはありますが、サンプルがありません"
        )
    if len(body) > LIMITS["max_samples"]:
        raise ValidationError(
            "csv",
            f"CSV has {len(body)} samples; at most {LIMITS['max_samples']} are allowed",
            f"CSV のサンプル数 {len(body)} は多すぎます（最大 {LIMITS['max_samples']}）",
        )
    values = np.empty((len(body), len(header)))
    for i, row in enumerate(body):
        line = i + 2
        if len(row) != len(header):
            raise _csv_error(
                line,
                header[min(len(row), len(header) - 1)],
                f"{len(row)} values where the header has {len(header)}",
                f"値が {len(row)} 個ありますが、見出しは {len(header)} 列です",
            )
        for j, cell in enumerate(row):
            values[i, j] = _csv_number(cell, line, header[j])
    x = values[:, :n_in]
    if not labelled:
        return x, values[:, n_in:]
    labels = values[:, n_in]
    bad = np.flatnonzero((labels != np.round(labels)) | (labels < 0) | (labels >= LIMITS["max_outputs"]))
    if bad.size:
        i = int(bad[0])
        raise _csv_error(
            i + 2,
            "label",
            f"{labels[i]:g} is not a class index (a whole number from 0 to {LIMITS['max_outputs'] - 1})",
            f"{labels[i]:g} はクラス番号ではありません（0〜{LIMITS['max_outputs'] - 1} の整数）",
        )
    classes = max(int(labels.max()) + 1, 2)
    return x, one_hot(labels.astype(np.int64), classes)


def _columns(header: list[str]) -> tuple[int, int, bool]:
    """Number of input columns, of target columns, and whether the targets are one ``label`` column."""
    n_in = 0
    while n_in < len(header) and header[n_in] == f"x{n_in + 1}":
        n_in += 1
    rest = header[n_in:]
    labelled = rest == ["label"]
    n_out = 0
    while not labelled and n_out < len(rest) and rest[n_out] == f"d{n_out + 1}":
        n_out += 1
    if n_in == 0 or not (labelled or (n_out and n_out == len(rest))):
        rule_en = "the header must be x1, x2, … then d1, d2, … (or one label column)"
        rule_ja = "見出しは x1, x2, … のあとに d1, d2, …（または label 列 1 つ）にしてください"
        at = n_in + n_out if n_in else 0  # the first column that breaks the rule
        if at == len(header):  # the columns stop too early (no targets)
            raise ValidationError(
                "csv", f"CSV row 1, after the last column: {rule_en}", f"CSV の 1 行目、最後の列のあと: {rule_ja}"
            )
        if not header[at]:
            raise ValidationError(
                "csv",
                f"CSV row 1, column {at + 1} (no name): {rule_en}",
                f"CSV の 1 行目、{at + 1} 列目（名前なし）: {rule_ja}",
            )
        raise _csv_error(1, header[at], rule_en, rule_ja)
    if n_in > LIMITS["max_inputs"]:
        raise _csv_error(
            1,
            header[LIMITS["max_inputs"]],
            f"at most {LIMITS['max_inputs']} inputs are allowed",
            f"入力は {LIMITS['max_inputs']} 個までです",
        )
    if n_out > LIMITS["max_outputs"]:
        raise _csv_error(
            1,
            rest[LIMITS["max_outputs"]],
            f"at most {LIMITS['max_outputs']} outputs are allowed",
            f"出力は {LIMITS['max_outputs']} 個までです",
        )
    return n_in, n_out, labelled


def _csv_number(cell: str, row: int, column: str) -> float:
    text = cell.strip()
    shown = _clipped(text)
    try:
        if "_" in text:  # Python reads 1_5 as 15; in a CSV it is no number
            raise ValueError(text)
        value = float(text)
    except ValueError:
        hint_en, hint_ja = ("", "")
        if "," in text:  # a decimal comma, in a file whose separator is ; or a tab
            hint_en, hint_ja = " (write decimals with a point: 0.5)", "（小数は点で書いてください: 0.5）"
        raise _csv_error(
            row, column, f"{shown!r} is not a number{hint_en}", f"{shown!r} は数値ではありません{hint_ja}"
        ) from None
    if math.isnan(value) or (math.isinf(value) and not any(ch.isdigit() for ch in text)):  # nan, inf, Infinity
        raise _csv_error(row, column, f"{shown} is not a finite number", f"{shown} は有限の数ではありません")
    if math.isinf(value):  # digits beyond the range of floats: 1e400
        raise _csv_error(
            row,
            column,
            f"{shown} is too large (numbers must stay below about 1.8e308)",
            f"{shown} は大きすぎます（約 1.8e308 未満にしてください）",
        )
    if value == 0.0 and any(ch in "123456789" for ch in re.split("[eE]", text, maxsplit=1)[0]):  # 1e-400
        raise _csv_error(
            row,
            column,
            f"{shown} is too small to hold (a number other than 0 must be at least about 5e-324 in size)",
            f"{shown} は小さすぎて扱えません（0 以外の数は大きさ約 5e-324 以上にしてください）",
        )
    return value
