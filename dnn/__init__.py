"""Backprop Lab's math: the course notebook's 2-layer network, its forward pass, backprop and SGD, in numpy only.

Read it beside the notebook: ``forward`` and ``backward`` in ``dnn/core.py`` follow its lines; the course's helper
functions are in ``dnn/functions.py`` under their course names.
"""

from . import budget
from .core import Forward, Gradients, backward, exact_loss, forward, loss, numerical_gradient, sgd_step
from .functions import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    OUTPUT_LAYERS,
    OUTPUTS,
    cross_entropy_error,
    d_mean_squared_error,
    d_relu,
    d_sigmoid,
    d_sigmoid_with_loss,
    d_softmax_with_loss,
    mean_squared_error,
    relu,
    sigmoid,
    softmax,
)
from .network import LIMITS, Network, Scenario, ValidationError, random_network, seed_network, seed_scenario
from .printout import notebook_printout
from .training import History, Progress, diverged_at, sweep, train

__all__ = [
    "ACTIVATIONS",
    "HIDDEN_ACTIVATIONS",
    "LIMITS",
    "OUTPUTS",
    "OUTPUT_LAYERS",
    "Forward",
    "Gradients",
    "History",
    "Network",
    "Progress",
    "Scenario",
    "ValidationError",
    "backward",
    "budget",
    "cross_entropy_error",
    "d_mean_squared_error",
    "d_relu",
    "d_sigmoid",
    "d_sigmoid_with_loss",
    "d_softmax_with_loss",
    "diverged_at",
    "exact_loss",
    "forward",
    "loss",
    "mean_squared_error",
    "notebook_printout",
    "numerical_gradient",
    "random_network",
    "relu",
    "seed_network",
    "seed_scenario",
    "sgd_step",
    "sigmoid",
    "softmax",
    "sweep",
    "train",
]
