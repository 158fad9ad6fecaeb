"""Every screen has the one shape docs/design.md describes ("The shape of a screen"): the page reads state, calls
dnn and calls sections; it holds no widget of its own and cites the shape in its docstring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
# Streamlit calls that draw a widget or text of their own: these belong in a section, not in a page.
WIDGETS = {
    "button",
    "checkbox",
    "data_editor",
    "dataframe",
    "download_button",
    "expander",
    "file_uploader",
    "latex",
    "markdown",
    "metric",
    "multiselect",
    "number_input",
    "plotly_chart",
    "radio",
    "selectbox",
    "slider",
    "subheader",
    "text_input",
    "toggle",
    "caption",
    "info",
    "warning",
    "error",
    "success",
}


def test_every_screen_is_listed():
    assert len(SCREENS) == 8 and "pages/3_Training.py" in SCREENS


@pytest.mark.parametrize("path", SCREENS)
def test_a_page_calls_sections_and_draws_nothing_itself(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert "The shape of a screen" in (ast.get_docstring(tree) or "")
    drawn = [
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WIDGETS
    ]
    assert drawn == [], f"{path} draws {drawn} itself: put it in a section of its ui module"
    assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))], "no helpers in a page"
    calls = [n for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    first = calls[0].value.func
    assert isinstance(first, ast.Attribute) and (first.value.id, first.attr) == ("state", "setup_page")
    assert len((ROOT / path).read_text(encoding="utf-8").splitlines()) <= 60
