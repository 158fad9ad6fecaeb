"""Figures made from plain dicts without plotly's property checks, and made into plotly objects only if used as such.

``go.Figure(data=[go.Scatter(...)], ...)`` checks and converts every property of every trace as it is set: for the
network diagram's 18 traces that took 25 ms of the server's CPU. Even unchecked, making plotly's objects copies
every value (a few ms a figure), and ``st.plotly_chart`` then copies the whole figure again (``to_dict``) only to
write it out as JSON. The server draws a dozen such figures for each screen a learner opens, so the builders hand
plain dicts to ``unchecked_figure``, which returns a ``go.Figure`` that keeps those dicts and gives them as they are
to ``to_dict`` (what Streamlit reads). Anything else asked of it (``fig.data``, ``fig.update_layout(...)``, …) first
makes the plotly objects, unchecked, so a builder's caller can still read and restyle it as any figure.

The checks are not lost: ``tests/test_unchecked_figures.py`` draws every chart of every screen again with
``CHECKS = True`` (plotly's own checked figure, as before) and requires the same JSON, and does the same for the
network diagram for every layer kind and language.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

CHECKS = False  # True: plotly's checked figures after all (the tests draw every screen both ways and compare)


def _encoded(value: Any) -> Any:
    """``value`` with its dicts and lists copied and the numpy arrays in them written as plotly.js's typed arrays,
    as ``go.Figure.to_dict`` writes them (plotly's own ``convert_to_base64``, without changing the builder's dicts)."""
    if isinstance(value, dict):
        return {
            k: v if is_skipped_key(k) else to_typed_array_spec(v) if is_homogeneous_array(v) else _encoded(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple) and value and isinstance(value[0], dict | list | tuple):
        return [_encoded(v) for v in value]
    return value


_templates: dict[str, dict[str, Any] | None] = {}


def _default_template() -> dict[str, Any] | None:
    """The layout template go.Figure gives a figure that names none (plotly's default, as JSON), made once."""
    name = str(pio.templates.default)
    if name not in _templates:
        _templates[name] = go.Figure().to_dict()["layout"].get("template")
    return _templates[name]


class _DictFigure(go.Figure):
    """A figure held as the plain dicts plotly.js reads; plotly's objects are made from them on first use."""

    def __init__(self, data: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        # Not go.Figure.__init__ yet: that is what costs. Until then every property and method of plotly's finds
        # its inner attributes missing, and Python asks __getattr__ below, which makes them first.
        self.__dict__["_spec"] = (data, layout)

    def __getattr__(self, name: str) -> Any:
        spec = self.__dict__.pop("_spec", None)
        if spec is None:
            raise AttributeError(name)
        go.Figure.__init__(self, data=spec[0], layout=spec[1], _validate=False)
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """The figure as plotly.js reads it (the builder's dicts themselves while nothing has changed them)."""
        spec = self.__dict__.get("_spec")
        if spec is None:
            return super().to_dict()
        layout = _encoded(spec[1])
        if "template" not in layout and (template := _default_template()) is not None:
            layout["template"] = template  # what go.Figure adds to every figure: plotly's default look
        return {"data": _encoded(spec[0]), "layout": layout}

    def __reduce__(self) -> tuple:
        return go.Figure, (self.to_dict(),)


def unchecked_figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A plotly figure of traces ``data`` and ``layout`` (plain dicts, as plotly.js reads them), without plotly's
    checks: the same JSON as a checked one, and a ``go.Figure`` to any caller that reads or changes it."""
    if CHECKS:
        return go.Figure(data=data, layout=layout)
    return _DictFigure(data, layout)


def checked_copy(fig: go.Figure) -> go.Figure:
    """The same figure made again through every one of plotly's checks (for the tests: a property that plotly would
    refuse or convert shows up as a difference)."""
    return go.Figure(fig.to_dict())
