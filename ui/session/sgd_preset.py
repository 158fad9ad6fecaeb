"""The course's SGD notebook as a preset (no Streamlit here): learn f(x) = 3·x1 + 2·x2 with a 2-10-1 network.

The notebook: ``init_network`` draws W1 (2 × 10), W2 (10 × 1), b1 and b2 from the standard normal distribution;
the hidden layer is ReLU, the output the identity with squared error ``mean_squared_error``; samples x are drawn
uniformly from [0, 1)² with target d = f(x); each of 1,000 steps picks one random sample and updates with
learning rate 0.07. Its "try it" cell draws x from [−5, 5) instead — at the same learning rate that overflows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import dnn

LR = 0.07  # 学習率 of the notebook
STEPS = 1000  # the notebook's number of random draws (epoch)
HIDDEN_UNITS = 10  # nodesNum
DEFAULT_SAMPLES = 64  # the notebook draws from 100,000; a scenario holds at most dnn.LIMITS["max_samples"]
INPUT_RANGES: dict[str, tuple[float, float]] = {"unit": (0.0, 1.0), "wide": (-5.0, 5.0)}


def target_function(x: np.ndarray) -> np.ndarray:
    """The notebook's ``f``: d = 3·x1 + 2·x2 for each row of x, as an (N, 1) target."""
    x = np.atleast_2d(x)
    return (3.0 * x[:, 0] + 2.0 * x[:, 1])[:, None]


def course_data(
    n_samples: int = DEFAULT_SAMPLES, seed: int = 0, input_range: str = "unit"
) -> tuple[np.ndarray, np.ndarray]:
    """``n_samples`` inputs x drawn uniformly from the range (``"unit"`` [0, 1)², ``"wide"`` [−5, 5)²) and their
    targets d = f(x), reproducible from ``seed``."""
    low, high = INPUT_RANGES[input_range]
    rng = np.random.default_rng([seed, 1])  # its own stream: the data does not change with the weights' seed
    x = rng.uniform(low, high, size=(n_samples, 2))
    return x, target_function(x)


def course_network(seed: int = 0) -> dnn.Network:
    """The notebook's ``init_network``: every weight and bias drawn from N(0, 1); ReLU hidden, identity output."""
    rng = np.random.default_rng([seed, 0])
    return dnn.Network(
        W1=rng.standard_normal((2, HIDDEN_UNITS)),
        b1=rng.standard_normal(HIDDEN_UNITS),
        W2=rng.standard_normal((HIDDEN_UNITS, 1)),
        b2=rng.standard_normal(1),
        hidden="relu",
        output="identity",
    )


@dataclass(frozen=True)
class SgdSettings:
    """What the preset's controls choose: how many samples, the seed, the input range, one sample per step."""

    n_samples: int = DEFAULT_SAMPLES
    seed: int = 0
    input_range: str = "unit"
    stochastic: bool = True
    lr: float = LR
    steps: int = STEPS


def course_scenario(settings: SgdSettings = SgdSettings()) -> dnn.Scenario:
    """The preset as a scenario (network, generated x and d, η = 0.07, 1,000 steps) for every screen to use."""
    x, d = course_data(settings.n_samples, settings.seed, settings.input_range)
    return dnn.Scenario(course_network(settings.seed), x, d, lr=settings.lr, steps=settings.steps)
