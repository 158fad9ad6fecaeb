"""Reading plotly figures back from their JSON in tests (AppTest hands charts over as JSON)."""

import base64

import numpy as np


def decode(v: object) -> np.ndarray:
    """A plotly array from a figure's JSON: plotly >= 6 ships numpy arrays as base64 ``bdata``."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        shape = v.get("shape")
        if isinstance(shape, str):  # "2, 3" in a figure's JSON
            shape = [int(n) for n in shape.split(",")]
        return a.reshape(shape) if shape else a
    return np.asarray(v)
