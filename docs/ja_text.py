"""The Japanese strings of the screens (ui/, pages/, app.py), found in the source, and a fixer for their parentheses.

A Japanese string is every string literal with Japanese in it, except the English argument of ``tr(en, ja)`` /
``pick(lang, en, ja)`` / the worked example's ``t``/``para``/``heading`` (which may quote a Japanese name, as in
"notebook: 重み1") and docstrings; an f-string's placeholders read as "X". ``tests/test_japanese.py`` checks them
against docs/glossary.md; this script rewrites half-width parentheses around Japanese as full-width ones::

    python docs/ja_text.py --fix ui/session/codec.py ui/widgets/editors.py   # rewrite in place
    python docs/ja_text.py ui/*/*.py pages/*.py app.py         # list what would change
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

KANA_KANJI = r"\u3040-\u30ff\u3400-\u9fff"
JA = re.compile(rf"[{KANA_KANJI}\u3000-\u303f\uff01-\uff5e【】]")
EN_ARGUMENT = {"tr": 0, "pick": 1}  # position of the English text; the Japanese follows it
DOCUMENT_METHODS = {"t", "para", "heading"}  # the worked example's (en, ja) methods
HALF_WIDTH_GROUP = re.compile(r"\(([^()]*)\)")
SPACE_BETWEEN = re.compile(rf"[{KANA_KANJI}。、「」（）：] +[{KANA_KANJI}]|[。、] ")


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes that are not Japanese screen text: English arguments, docstrings, the parts of f-strings."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            index = None
            if name in EN_ARGUMENT and len(node.args) > EN_ARGUMENT[name] + 1:
                index = EN_ARGUMENT[name]
            elif name in DOCUMENT_METHODS and len(node.args) >= 2:
                index = len(node.args) - 2
            if index is not None:
                out |= {id(sub) for sub in ast.walk(node.args[index])}
        if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            out |= {id(sub) for sub in ast.walk(node.value)}
        if isinstance(node, ast.JoinedStr):
            out |= {id(v) for v in node.values}  # read as part of the f-string
    return out


def _text(node: ast.AST) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
    return node.value  # type: ignore[attr-defined]


def japanese_nodes(source: str) -> list[ast.AST]:
    """The string literals (plain or f-strings) of ``source`` that are Japanese screen text."""
    tree = ast.parse(source)
    skipped = _skipped(tree)
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        is_str = isinstance(node, ast.Constant) and isinstance(node.value, str)
        if (is_str or isinstance(node, ast.JoinedStr)) and JA.search(_text(node)):
            out.append(node)
    return out


def japanese_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every Japanese string literal in ``path``."""
    return [(n.lineno, _text(n)) for n in japanese_nodes(path.read_text(encoding="utf-8"))]


def half_width_japanese(text: str) -> list[str]:
    """Half-width parenthesised groups that hold Japanese or follow Japanese directly."""
    bad = [m.group(0) for m in HALF_WIDTH_GROUP.finditer(text) if JA.search(m.group(1))]
    bad += re.findall(rf"[{KANA_KANJI}]\([^()]*\)", text)
    bad += re.findall(rf"\([^()]*\)(?=[{KANA_KANJI}])", text)  # a group read as part of the sentence after it
    return bad


def to_full_width(text: str) -> str:
    """``text`` with every half-width group that ``half_width_japanese`` reports made full-width (innermost first)."""
    while True:
        new = HALF_WIDTH_GROUP.sub(lambda m: f"（{m.group(1)}）" if JA.search(m.group(1)) else m.group(0), text)
        new = re.sub(rf"(?<=[{KANA_KANJI}])\(([^()]*)\)", r"（\1）", new)
        new = re.sub(rf"\(([^()]*)\)(?=[{KANA_KANJI}])", r"（\1）", new)
        if new == text:
            return new
        text = new


def _fix_literal(segment: str, is_fstring: bool) -> str:
    """One literal's source with full-width parentheses; an f-string's placeholders are left as they are."""
    holes: list[str] = []

    def hide(m: re.Match) -> str:
        holes.append(m.group(0))
        return f"\x00{len(holes) - 1}\x00"

    text = re.sub(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", hide, segment) if is_fstring else segment
    return re.sub(r"\x00(\d+)\x00", lambda m: holes[int(m.group(1))], to_full_width(text))


def fix(path: Path) -> int:
    """Rewrite ``path`` with full-width parentheses in its Japanese strings; returns how many literals changed."""
    data = path.read_bytes()
    starts = [0]
    for line in data.split(b"\n"):
        starts.append(starts[-1] + len(line) + 1)
    edits = []
    for node in japanese_nodes(data.decode("utf-8")):
        a = starts[node.lineno - 1] + node.col_offset  # AST offsets count UTF-8 bytes
        b = starts[node.end_lineno - 1] + node.end_col_offset  # type: ignore[operator]
        segment = data[a:b].decode("utf-8")
        new = _fix_literal(segment, isinstance(node, ast.JoinedStr))
        if new != segment:
            edits.append((a, b, new.encode("utf-8")))
    for a, b, new in sorted(edits, reverse=True):
        data = data[:a] + new + data[b:]
    path.write_bytes(data)
    return len(edits)


def main(argv: list[str] | None = None) -> None:
    """Command line: list (or with --fix, rewrite) half-width parentheses in the Japanese strings of the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--fix", action="store_true", help="rewrite the files in place")
    args = parser.parse_args(argv)
    for path in args.files:
        if args.fix:
            print(f"{path}: {fix(path)} string(s) rewritten")
        else:
            for line, text in japanese_strings(path):
                for group in half_width_japanese(text):
                    print(f"{path}:{line}: {group}")


if __name__ == "__main__":
    main()
