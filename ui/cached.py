"""Cached computations for the pages: results that cost more than a rerun should (the only Streamlit in here is
``st.cache_data``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import dnn


@st.cache_data(max_entries=64, show_spinner=False)
def _numerical(
    W1: np.ndarray,
    b1: np.ndarray,
    W2: np.ndarray,
    b2: np.ndarray,
    hidden: str,
    output: str,
    x: np.ndarray,
    d: np.ndarray,
) -> dict[str, np.ndarray]:
    # Arrays and names in, so that st.cache_data can hash the arguments (a Network is not hashable).
    net = dnn.Network(W1=W1, b1=b1, W2=W2, b2=b2, hidden=hidden, output=output)
    return dnn.numerical_gradient(net, x, d).params()


def numerical_gradient(sc: dnn.Scenario) -> dict[str, np.ndarray]:
    """数値微分 of the mean loss for every parameter (W1, W2, b1, b2), cached: one forward pass per nudge adds up
    for the largest networks (280 parameters × 2 nudges)."""
    net = sc.network
    return _numerical(net.W1, net.b1, net.W2, net.b2, net.hidden, net.output, sc.x, sc.d)
