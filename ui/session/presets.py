"""Ready-made scenarios that each show one thing about backprop (no Streamlit here).

Each preset starts from the notebook's scenario and changes as little as possible, so the difference to the
notebook is the lesson.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import dnn


def notebook() -> dnn.Scenario:
    """The notebook's network, x = [1, 5], d = [0, 1], η = 0.01."""
    return dnn.seed_scenario()


def dead_relu() -> dnn.Scenario:
    """Hidden unit h3 gets a negative total input: u1 = 1·0.1 + 5·(−0.4) + 0.3 = −1.6 < 0, so ReLU gives z = 0 and
    its derivative is 0 — every gradient through h3 (its W1 column, b1, and its W2 row) is exactly 0."""
    sc = dnn.seed_scenario()
    net = sc.network
    W1 = net.W1.copy()
    W1[:, 2] = [0.1, -0.4]
    return sc.replace(network=net.replace(W1=W1))


def confidently_wrong() -> dnn.Scenario:
    """The target is y2 but the network puts 0.99 on y1: W2's columns swapped and b2 = [2.4, 0.05] make
    u2₁ − u2₂ = 4.6, so y1 = 1/(1 + e^−4.6) ≈ 0.990. The loss is large (≈ 4.6) and δ2 = y − d ≈ [0.99, −0.99]."""
    sc = dnn.seed_scenario()
    net = sc.network
    return sc.replace(network=net.replace(W2=net.W2[:, ::-1], b2=[2.4, 0.05]))


def two_samples() -> dnn.Scenario:
    """A second sample x = [3, 1] with target d = [1, 0]: the bias gradient is the sum over the batch axis (axis 0)
    of each sample's δ, which is why the notebook writes ``np.sum(delta, axis=0)``."""
    sc = dnn.seed_scenario()
    return sc.replace(x=[[1.0, 5.0], [3.0, 1.0]], d=[[0.0, 1.0], [1.0, 0.0]])


def random_weights(sc: dnn.Scenario, seed: int) -> dnn.Scenario:
    """The same sizes, activations, x and d, with weights drawn from ``seed`` (biases 0) by ``dnn.random_network``."""
    net = sc.network
    new = dnn.random_network(net.n_in, net.n_hidden, net.n_out, seed=seed, hidden=net.hidden, output=net.output)
    return sc.replace(network=new)


@dataclass(frozen=True)
class Preset:
    """A named scenario for the preset buttons: label and what to look at, in both languages."""

    key: str
    en: str
    ja: str
    help_en: str
    help_ja: str
    build: Callable[[], dnn.Scenario]


PRESETS: tuple[Preset, ...] = (
    Preset(
        "notebook",
        "Notebook network",
        "ノートブックのネットワーク",
        "The course notebook's 2-3-2 network, x = [1, 5], d = [0, 1], η = 0.01.",
        "講座のノートブックの 2-3-2 ネットワーク（x = [1, 5]、d = [0, 1]、η = 0.01）。",
        notebook,
    ),
    Preset(
        "dead_relu",
        "Dead ReLU unit",
        "死んだ ReLU ユニット",
        "h3's total input u is −1.6 < 0, so ReLU outputs 0 and its derivative is 0: every gradient through h3 is 0.",
        "h3 の総入力 u が −1.6 < 0 なので ReLU の出力も微分も 0。h3 を通る偏微分はすべて 0 になります。",
        dead_relu,
    ),
    Preset(
        "confidently_wrong",
        "Confidently wrong",
        "自信満々の誤り",
        "The target is y2, but the network puts 0.99 on y1: a large loss and a large output delta y − d.",
        "目標は y2 なのに出力は y1 に 0.99。誤差が大きく、出力層のデルタ y − d も大きくなります。",
        confidently_wrong,
    ),
    Preset(
        "two_samples",
        "Two samples",
        "2 サンプル",
        "Adds x = [3, 1] with d = [1, 0]: the bias gradient sums each sample's δ over axis 0 (the batch axis).",
        "x = [3, 1]（d = [1, 0]）を追加。バイアスの偏微分は各サンプルの δ を axis 0（バッチ方向）に足したものです。",
        two_samples,
    ),
)


def preset(key: str) -> Preset:
    """The preset with ``key`` (KeyError if there is none)."""
    for p in PRESETS:
        if p.key == key:
            return p
    raise KeyError(key)
