"""Every key of a share link or a scenario file, with the field's name as the screens show it, and the one rule for
showing a problem with a key (no Streamlit here).

Each table of keys carries its labels: ``ui.session.codec.TABLE`` (every ``Key`` has a ``label``: the scenario's keys
and
the classroom's note, lock, hide, ask, quiz_seed, panel) and ``ui.session.data_codec.LABELS`` (the data set's recipe and
held-out share). ``LABELS`` gathers them; a test checks that every key has both languages.

The rule (docs/design.md, "Messages about a link or a file"): a message names the field as the screen does
("learning rate η is 1000001; …"). Shown for a link or a file, the key follows the name once, as code, so that a
teacher can find it in the link: "learning rate η (`lr` in the link) is 1000001; …" — unless the name already
shows it ("weight W1", "input x").
"""

from __future__ import annotations

import re
from typing import Literal

from ui.session import codec, data_codec
from ui.text.plain import plain

LABELS: dict[str, tuple[str, str]] = {**{key.name: key.label for key in codec.TABLE}, **data_codec.LABELS}


def label(key: str, lang: str) -> str:
    """The field a link or file key stands for, as the screens name it ("lr" → "learning rate η" / "学習率 η")."""
    return LABELS[key][1 if lang == "ja" else 0]


def _shows_key(name: str, key: str) -> bool:
    """Whether the learner's name of the field already contains the key as a word ("weight W1" shows "W1")."""
    return re.search(rf"(?<![\w]){re.escape(key)}(?![\w])", name) is not None


def key_note(key: str, source: Literal["link", "file"], lang: str) -> str:
    """Where the key is, as Markdown: " (`lr` in the link)" / "（リンクの `lr`）"; empty when the name shows it."""
    if key not in LABELS or _shows_key(label(key, lang), key):
        return ""
    if lang == "ja":
        return f"（{'リンク' if source == 'link' else 'ファイル'}の `{key}`）"
    return f" (`{key}` in the {source})"


def report_line(problem: codec.Problem, source: Literal["link", "file"], lang: str) -> str:
    """One problem of a link or file as a line of Markdown: the message as plain text (it quotes the link's or
    file's values: ``ui.text.plain``), the field's name first, then the key as code where the rule wants it. The key is
    one of the tables' own names, never text from the link, so the code span is safe."""
    text = problem.text(lang)
    if problem.field not in LABELS:
        return plain(text)
    name = label(problem.field, lang)
    where = key_note(problem.field, source, lang)
    if text.startswith(name):
        rest = text[len(name) :]
        if lang == "ja" and where:
            rest = rest.lstrip()  # "学習率 η（リンクの `lr`）が…": the full-width parenthesis is the space
        return plain(name) + where + plain(rest)
    return plain(name) + where + plain(": " + text)
