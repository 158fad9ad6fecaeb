"""The notebook's printout for any scenario: its labels, its order and numpy's own formatting.

``python -m dnn`` prints it for the notebook's scenario, so a learner can hold the two side by side.
"""

from __future__ import annotations

import numpy as np

from .core import Reduction, backward, forward, sgd_step
from .network import Scenario


def _vec(text: str, vec: np.ndarray) -> list[str]:
    # The notebook's print_vec: a title line, numpy's str of the array, an empty line.
    return [f"*** {text} ***", str(vec), ""]


def notebook_printout(scenario: Scenario, reduction: Reduction = "sum") -> str:
    """What the notebook prints for ``scenario``: parameters, forward pass, backprop, one SGD step, new parameters.

    The notebook's own convention is ``reduction="sum"`` (its delta y − d is not divided by the batch size); for
    one sample both conventions print the same numbers.
    """
    net, x, d = scenario.network, scenario.x, scenario.d
    f = forward(net, x)
    g = backward(net, x, d, reduction=reduction)
    new = sgd_step(net, g, scenario.lr)
    lines = ["##### ネットワークの初期化 #####"]
    for label, value in (("重み1", net.W1), ("重み2", net.W2), ("バイアス1", net.b1), ("バイアス2", net.b2)):
        lines += _vec(label, value)
    lines.append("##### 順伝播開始 #####")
    for label, value in (("総入力1", f.u1), ("中間層出力1", f.z1), ("総入力2", f.u2), ("出力1", f.y)):
        lines += _vec(label, value)
    lines.append("出力合計: " + str(np.sum(f.y)))
    lines += ["", "##### 誤差逆伝播開始 #####"]
    lines += _vec("偏微分_dE/du2", g.delta2)
    lines += _vec("偏微分_dE/du1", g.delta1)
    for label, key in (("重み1", "W1"), ("重み2", "W2"), ("バイアス1", "b1"), ("バイアス2", "b2")):
        lines += _vec("偏微分_" + label, getattr(g, key))
    lines += ["##### 結果表示 #####", "##### 更新後パラメータ #####"]
    for label, value in (("重み1", new.W1), ("重み2", new.W2), ("バイアス1", new.b1), ("バイアス2", new.b2)):
        lines += _vec(label, value)
    return "\n".join(lines[:-1])  # the notebook's output ends right after the last array
