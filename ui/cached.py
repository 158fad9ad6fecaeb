"""Cached computations for the pages: results that cost more than a rerun should (the only Streamlit in here is
``st.cache_data``)."""

from __future__ import annotations

import numpy as np
import streamlit as st

import dnn


def network_cache_key(net: dnn.Network) -> tuple:
    """What makes two networks compute the same: each parameter array by shape and content, and the layer kinds.
    (A Network is not hashable, being made of arrays; ``st.cache_data`` uses this for it through ``NETWORK_HASH``.)"""
    params = (net.W1, net.b1, net.W2, net.b2)
    return (*(p.shape for p in params), *(p.tobytes() for p in params), net.hidden, net.output)


NETWORK_HASH = {dnn.Network: network_cache_key}  # hash_funcs for st.cache_data functions that take a Network


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=NETWORK_HASH)
def _numerical(net: dnn.Network, x: np.ndarray, d: np.ndarray, reduction: str) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):  # a loss that overflows gives inf/nan differences, which the check reports
        return dnn.numerical_gradient(net, x, d, reduction=reduction).params()


def numerical_gradient(sc: dnn.Scenario, reduction: str = "mean") -> dict[str, np.ndarray]:
    """数値微分 for every parameter (W1, W2, b1, b2) of the mean loss, or of the summed loss for ``reduction="sum"``
    (N times larger), cached: one forward pass per nudge adds up for the largest networks (280 parameters × 2
    nudges)."""
    return _numerical(sc.network, sc.x, sc.d, reduction)
