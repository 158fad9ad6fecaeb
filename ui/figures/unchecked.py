"""Figures made from plain dicts without plotly's property checks.

``go.Figure(data=[go.Scatter(...)], ...)`` checks and converts every property of every trace as it is set: for the
network diagram's 18 traces that took 25 ms of the server's CPU, against 2 ms for the same figure made from dicts
with the checks off. The server draws such figures on every screen a learner opens, so the builders that draw most
hand plain dicts to ``unchecked_figure``. The checks are not lost: ``tests/test_unchecked_figures.py`` builds these
figures again through plotly's checks and requires the same JSON: the network diagram for every layer kind and
language, and every chart of every screen for several scenarios.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

CHECKS = False  # True: through plotly's checks after all (the tests draw every screen both ways and compare)


def unchecked_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A plotly figure of traces ``data`` and ``layout`` (plain dicts, as plotly.js reads them), made without
    plotly's checks: the same object and the same JSON as a checked one, 10× faster to make."""
    return go.Figure(data=data, layout=layout, _validate=CHECKS)


def checked_copy(fig: go.Figure) -> go.Figure:
    """The same figure made again through every one of plotly's checks (for the tests: a property that plotly would
    refuse or convert shows up as a difference)."""
    return go.Figure(fig.to_dict())
