"""The network (weights, biases, activations) and the scenario (network + training data + learning rate).

Both are immutable and validated when they are built, so every screen can trust them: a bad value never gets past
the constructor, and the message names the field, the cell and the rule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from .functions import ACTIVATIONS, OUTPUT_LAYERS

LIMITS: dict[str, Any] = {
    "max_inputs": 8,
    "max_hidden": 16,
    "max_outputs": 8,
    "max_samples": 256,
    "max_steps": 100_000,
    "min_lr": 0.0,  # exclusive
    "max_lr": 1e6,
    "max_sweep_runs": 4096,
}

# Each field as the screens name it, for messages: a learner knows "learning rate η", not the link's "lr".
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "W1": ("weight W1", "重み W1"),
    "b1": ("bias b1", "バイアス b1"),
    "W2": ("weight W2", "重み W2"),
    "b2": ("bias b2", "バイアス b2"),
    "x": ("input x", "入力 x"),
    "d": ("target d", "目標出力 d"),
    "lr": ("learning rate η", "学習率 η"),
    "steps": ("training steps", "学習ステップ数"),
    "hidden": ("hidden activation", "中間層の活性化関数"),
    "output": ("output layer", "出力層"),
}


class ValidationError(ValueError):
    """A value that cannot be used, with a message that names the field and what is wrong with it.

    ``field`` is the name as the course's code writes it ("W1", "b2", "x", "d", "lr", ...); ``en`` and ``ja`` are
    the message in English and Japanese, naming the field as the screens do (``FIELD_NAMES``: "learning rate η",
    a cell as "W1[x2, h3]"); ``str(error)`` is the English one.
    """

    def __init__(self, field: str, en: str, ja: str) -> None:
        super().__init__(en)
        self.field = field
        self.en = en
        self.ja = ja


# The output layers' activations in the course's Japanese (docs/glossary.md; the same words as the menus'
# ui.text.i18n.ACTIVATION_LABELS, which a test compares): a message names the layer as the screens do.
_ACTIVATION_JA = {"sigmoid": "シグモイド関数", "identity": "恒等関数"}


def _named(field: str) -> tuple[str, str]:
    """The field as the screens name it, in English and Japanese ("weight W1", "重み W1"); others as they are."""
    return FIELD_NAMES.get(field, (field, field))


def _layer_ja(output: str) -> str:
    """An output layer's activation in the course's Japanese ("sigmoid" → "シグモイド関数"); softmax as it is."""
    return _ACTIVATION_JA.get(output, output)


def _number(value: Any, limit: float | None = None) -> str:
    """A number as a message shows it, never looking equal to the ``limit`` it broke: 6 significant digits or as
    many more as it takes to differ from the limit (1000001 against 1e+06, a sum of 1.000001 against 1); without
    a limit, the shortest text that reads back as exactly the value."""
    value = float(value)
    if limit is not None and value != limit:
        for digits in range(6, 18):
            text = f"{value:.{digits}g}"
            if text != f"{limit:.{digits}g}":
                return text
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def subject_ja(name: str) -> str:
    """``name`` ready for the particle が: a space after a Latin or Greek letter ("学習率 η が"), none after kana,
    kanji or a full-width parenthesis ("クラス数が")."""
    return name if "\u3000" <= name[-1] <= "\uffef" else name + " "


def _shown(value: Any) -> str:
    """A value of any type as a message quotes it, at most 20 characters (a file may hold a huge number)."""
    if isinstance(value, (float, np.floating)):
        text = _number(value)
    elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        text = str(value) if abs(value) < 10**20 else f"a {len(str(abs(value))):,}-digit number"
    else:
        text = repr(value)
    return text if len(text) <= 20 else text[:20] + "…"


# Each array's axes as the screens name them: W1's rows are the inputs x1.., its columns the hidden units h1..; x and
# d have one row per sample.
_AXES: dict[str, tuple[str, ...]] = {
    "W1": ("x", "h"),
    "b1": ("h",),
    "W2": ("h", "y"),
    "b2": ("y",),
    "x": ("sample", "x"),
    "d": ("sample", "y"),
}


def _cell(name: str, index: tuple[int, ...]) -> tuple[str, str]:
    """A cell as the grids name it, counted from 1, in English and Japanese: "W1[x2, h3]", "d[sample 1, y2]"."""
    axes = _AXES.get(name, ("",) * len(index))
    en = [f"sample {i + 1}" if a == "sample" else f"{a}{i + 1}" for a, i in zip(axes, index, strict=True)]
    ja = [f"サンプル{i + 1}" if a == "sample" else f"{a}{i + 1}" for a, i in zip(axes, index, strict=True)]
    return f"{name}[{', '.join(en)}]", f"{name}[{', '.join(ja)}]"


def _as_array(name: str, value: Any, ndim: int) -> np.ndarray:
    """A read-only float64 copy of ``value`` with ``ndim`` dimensions, or a ValidationError naming ``name``."""
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        en, ja = _named(name)
        raise ValidationError(name, f"{en} must hold numbers only", f"{ja} には数値だけを入れてください") from None
    if ndim == 2 and arr.ndim == 1:
        arr = arr.reshape(1, -1)  # a 1-D vector is one sample / one row
    if arr.ndim != ndim:
        kind_en = "a vector" if ndim == 1 else "a matrix"
        kind_ja = "ベクトル" if ndim == 1 else "行列"
        en, ja = _named(name)
        raise ValidationError(
            name,
            f"{en} must be {kind_en}, got {arr.ndim} dimensions",
            f"{ja} は{kind_ja}でなければなりません（次元数 {arr.ndim}）",
        )
    if arr.size == 0:
        en, ja = _named(name)
        raise ValidationError(name, f"{en} is empty", f"{ja} が空です")
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        idx = tuple(int(i) for i in bad[0])
        v = arr[idx]
        cell_en, cell_ja = _cell(name, idx)
        raise ValidationError(
            name,
            f"{cell_en} is {v}; every value must be a finite number",
            f"{cell_ja} が {v} です。すべての値は有限の数でなければなりません",
        )
    arr.setflags(write=False)
    return arr


def _check_count(name: str, what_en: str, what_ja: str, n: int, lo: int, hi: int) -> None:
    if not lo <= n <= hi:
        en, ja = _named(name)
        raise ValidationError(
            name,
            f"{en} gives {n} {what_en}; allowed are {lo} to {hi}",
            f"{ja} の{what_ja}は {n} ですが、{lo}〜{hi} でなければなりません",
        )


def _count(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 unit", "3 units": a count with its noun, for messages."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


@dataclass(frozen=True, eq=False)
class Network:
    """A 2-layer network as in the notebook: u1 = x·W1 + b1, z1 = f(u1), u2 = z1·W2 + b2, y = output(u2).

    W1 is (inputs × hidden units), b1 (hidden units,), W2 (hidden units × outputs), b2 (outputs,). ``hidden`` names
    the hidden activation f (a key of ``ACTIVATIONS``), ``output`` the output layer and with it the loss (a key of
    ``OUTPUT_LAYERS``): "softmax" (cross-entropy), "sigmoid" (binary cross-entropy) or "identity" (squared error).
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    hidden: str = "relu"
    output: str = "softmax"

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: store the validated copies once, here
        # checked against the registries as they are now: an entry added at run time is accepted
        if self.hidden not in ACTIVATIONS:
            raise ValidationError(
                "hidden",
                f"hidden activation {_shown(self.hidden)} is unknown; choose one of {', '.join(ACTIVATIONS)}",
                f"中間層の活性化関数 {_shown(self.hidden)} は使えません（{', '.join(ACTIVATIONS)} から選んでください）",
            )
        if self.output not in OUTPUT_LAYERS:
            raise ValidationError(
                "output",
                f"output layer {_shown(self.output)} is unknown; choose one of {', '.join(OUTPUT_LAYERS)}",
                f"出力層 {_shown(self.output)} は使えません（{', '.join(OUTPUT_LAYERS)} から選んでください）",
            )
        W1 = _as_array("W1", self.W1, 2)
        n_in, n_h = W1.shape
        _check_count("W1", "rows (inputs)", "行数（入力の数）", n_in, 1, LIMITS["max_inputs"])
        _check_count("W1", "columns (hidden units)", "列数（中間層のユニット数）", n_h, 1, LIMITS["max_hidden"])
        b1 = _as_array("b1", self.b1, 1)
        if b1.shape[0] != n_h:
            raise ValidationError(
                "b1",
                f"bias b1 has {_count(b1.shape[0], 'entry', 'entries')} but the hidden layer has {_count(n_h, 'unit')}",
                f"バイアス b1 の要素数は {b1.shape[0]} ですが、中間層のユニット数は {n_h} です",
            )
        W2 = _as_array("W2", self.W2, 2)
        if W2.shape[0] != n_h:
            raise ValidationError(
                "W2",
                f"weight W2 has {_count(W2.shape[0], 'row')} but the hidden layer has {_count(n_h, 'unit')}",
                f"重み W2 の行数は {W2.shape[0]} ですが、中間層のユニット数は {n_h} です",
            )
        n_out = W2.shape[1]
        _check_count("W2", "columns (outputs)", "列数（出力の数）", n_out, 1, LIMITS["max_outputs"])
        min_outputs = OUTPUT_LAYERS[self.output].min_outputs
        if n_out < min_outputs:
            raise ValidationError(
                "W2",
                f"weight W2 has {_count(n_out, 'column')}, but {self.output} needs at least {min_outputs} outputs",
                f"重み W2 の列数は {n_out} ですが、{_layer_ja(self.output)} には {min_outputs} つ以上の出力が必要です",
            )
        b2 = _as_array("b2", self.b2, 1)
        if b2.shape[0] != n_out:
            raise ValidationError(
                "b2",
                f"bias b2 has {_count(b2.shape[0], 'entry', 'entries')} but the output layer has "
                f"{_count(n_out, 'unit')}",
                f"バイアス b2 の要素数は {b2.shape[0]} ですが、出力層のユニット数は {n_out} です",
            )
        set_(self, "W1", W1)
        set_(self, "b1", b1)
        set_(self, "W2", W2)
        set_(self, "b2", b2)

    @property
    def n_in(self) -> int:
        """Number of inputs (rows of W1)."""
        return self.W1.shape[0]

    @property
    def n_hidden(self) -> int:
        """Number of hidden units (columns of W1)."""
        return self.W1.shape[1]

    @property
    def n_out(self) -> int:
        """Number of outputs (columns of W2)."""
        return self.W2.shape[1]

    def params(self) -> dict[str, np.ndarray]:
        """The four parameter arrays by name, in the notebook's order W1, W2, b1, b2."""
        return {"W1": self.W1, "W2": self.W2, "b1": self.b1, "b2": self.b2}

    def replace(self, **changes: Any) -> Network:
        """A new, validated network with some fields changed."""
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.hidden == other.hidden
            and self.output == other.output
            and all(np.array_equal(a, b) for a, b in zip(self.params().values(), other.params().values(), strict=True))
        )

    __hash__ = None  # type: ignore[assignment]


def _check_target(output: str, d: np.ndarray) -> None:
    """The target must be something the output layer can produce (its entry in ``OUTPUT_LAYERS`` says what)."""
    layer = OUTPUT_LAYERS[output]
    if layer.target_range is not None:
        lo, hi = layer.target_range
        bad = np.argwhere((d < lo) | (d > hi))
        if len(bad):
            idx = tuple(int(i) for i in bad[0])
            cell_en, cell_ja = _cell("d", idx)
            raise ValidationError(
                "d",
                f"{cell_en} is {d[idx]}; targets for {output} must be between {lo:g} and {hi:g}",
                f"{cell_ja} が {d[idx]} です。{_layer_ja(output)} の目標出力は {lo:g}〜{hi:g} でなければなりません",
            )
    if layer.targets_sum_to_one:
        sums = d.sum(axis=1)
        bad_rows = np.flatnonzero(np.abs(sums - 1.0) > 1e-6)
        if len(bad_rows):
            r = int(bad_rows[0])
            total = _number(sums[r], 1.0)
            raise ValidationError(
                "d",
                f"d[sample {r + 1}] must sum to 1 for {output} (it sums to {total}): one-hot or probabilities",
                f"d[サンプル{r + 1}] の合計は 1 でなければなりません（合計 {total}）。{_layer_ja(output)} の目標出力は "
                "one-hot か確率にしてください",
            )


@dataclass(frozen=True, eq=False)
class Scenario:
    """One what-if experiment: a network, the training data x (N × inputs) and d (N × outputs), the learning
    rate η, the number of steps to train for and the update rule (``optimizer``: "sgd", the notebook's, unless
    chosen otherwise; ``settings``: its hyperparameters, defaults filled in). Each row of x and d is one sample."""

    network: Network
    x: np.ndarray
    d: np.ndarray
    lr: float = 0.01
    steps: int = 1000
    optimizer: str = "sgd"
    settings: dict[str, float] | None = None

    def __post_init__(self) -> None:
        net = self.network
        if not isinstance(net, Network):
            raise ValidationError("network", "network must be a dnn.Network", "network は dnn.Network が必要です")
        x = _as_array("x", self.x, 2)
        if x.shape[1] != net.n_in:
            raise ValidationError(
                "x",
                f"input x has {_count(x.shape[1], 'column')} but the network has {_count(net.n_in, 'input')}",
                f"入力 x の列数は {x.shape[1]} ですが、ネットワークの入力は {net.n_in} 個です",
            )
        _check_count("x", "samples (rows)", "サンプル数（行数）", x.shape[0], 1, LIMITS["max_samples"])
        d = _as_array("d", self.d, 2)
        if d.shape[1] != net.n_out:
            raise ValidationError(
                "d",
                f"target d has {_count(d.shape[1], 'column')} but the network has {_count(net.n_out, 'output')}",
                f"目標出力 d の列数は {d.shape[1]} ですが、ネットワークの出力は {net.n_out} 個です",
            )
        if d.shape[0] != x.shape[0]:
            raise ValidationError(
                "d",
                f"target d has {_count(d.shape[0], 'row')} but input x has {_count(x.shape[0], 'sample')}",
                f"目標出力 d の行数は {d.shape[0]} ですが、入力 x のサンプル数は {x.shape[0]} です",
            )
        _check_target(net.output, d)
        lr = _check_lr(self.lr)
        steps = _check_steps(self.steps)
        from .optimizers import check_optimizer  # (optimizers imports this module)

        object.__setattr__(self, "settings", check_optimizer(self.optimizer, self.settings))
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "d", d)
        object.__setattr__(self, "lr", lr)
        object.__setattr__(self, "steps", steps)

    def replace(self, **changes: Any) -> Scenario:
        """A new, validated scenario with some fields changed. A new ``optimizer`` without ``settings`` starts from
        its own defaults."""
        if "optimizer" in changes and "settings" not in changes and changes["optimizer"] != self.optimizer:
            changes["settings"] = None
        return dataclasses.replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Scenario):
            return NotImplemented
        return (
            self.network == other.network
            and np.array_equal(self.x, other.x)
            and np.array_equal(self.d, other.d)
            and self.lr == other.lr
            and self.steps == other.steps
            and self.optimizer == other.optimizer
            and self.settings == other.settings
        )

    __hash__ = None  # type: ignore[assignment]


def _check_lr(lr: Any) -> float:
    try:
        value = float(lr)
    except OverflowError:  # a whole number beyond float range: too large, like inf
        value = float("inf")
    except (TypeError, ValueError):
        shown = _shown(lr)
        raise ValidationError(
            "lr", f"learning rate η: {shown} is not a number", f"学習率 η: {shown} は数値ではありません"
        ) from None
    if not np.isfinite(value) or not LIMITS["min_lr"] < value <= LIMITS["max_lr"]:
        shown = _number(value, LIMITS["max_lr"])
        raise ValidationError(
            "lr",
            f"learning rate η is {shown}; it must be greater than 0 and at most {LIMITS['max_lr']:g}",
            f"学習率 η が {shown} です。0 より大きく {LIMITS['max_lr']:g} 以下にしてください",
        )
    return value


def _check_steps(steps: Any) -> int:
    try:
        value = float(steps)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a whole number beyond float range
        value = float("nan")
    if not np.isfinite(value) or value != int(value) or not 1 <= value <= LIMITS["max_steps"]:
        raise ValidationError(
            "steps",
            f"training steps: {_shown(steps)} is not a whole number from 1 to {LIMITS['max_steps']:,}",
            f"学習ステップ数が {_shown(steps)} です。1〜{LIMITS['max_steps']:,} の整数にしてください",
        )
    return int(value)


def seed_network() -> Network:
    """The notebook's network: ``init_network()`` with its W1, W2, b1, b2, ReLU hidden layer and softmax output."""
    return Network(
        W1=[[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]],
        b1=[0.1, 0.2, 0.3],
        W2=[[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]],
        b2=[0.1, 0.2],
        hidden="relu",
        output="softmax",
    )


def seed_scenario() -> Scenario:
    """The notebook's experiment: x = [[1, 5]], d = [[0, 1]], learning rate 0.01 (and 1,000 steps to train)."""
    return Scenario(network=seed_network(), x=[[1.0, 5.0]], d=[[0.0, 1.0]], lr=0.01, steps=1000)


def random_network(
    n_in: int,
    n_hidden: int,
    n_out: int,
    seed: int = 0,
    hidden: str = "relu",
    output: str = "softmax",
    scale: float = 1.0,
) -> Network:
    """A network with weights drawn from N(0, scale²/fan-in) and zero biases, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    return Network(
        W1=rng.standard_normal((n_in, n_hidden)) * scale / np.sqrt(n_in),
        b1=np.zeros(n_hidden),
        W2=rng.standard_normal((n_hidden, n_out)) * scale / np.sqrt(n_hidden),
        b2=np.zeros(n_out),
        hidden=hidden,
        output=output,
    )
