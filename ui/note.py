"""A teacher's note in a link (``note=``): at most 500 characters, shown at the top of every screen as plain text.

Plain functions, no Streamlit: ``ui.state`` reads the note once, when a session opens its first link, keeps it for
the session and writes it back into the address bar and the share link. The screen draws it with ``st.text``,
which parses neither Markdown nor HTML, so whatever the note contains is shown as typed. Control characters
(other than line breaks and tabs) and the invisible characters that reorder text are removed, so a note cannot
hide or disguise part of itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from .codec import Problem, named

NOTE_PARAM = "note"
NOTE_LABEL = ("note from the link", "リンクのメモ")  # as the note's box is captioned on screen
MAX_NOTE_CHARS = 500
# Bidirectional overrides and isolates: they make text read in another order than it is stored.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def clean_note(text: str) -> str:
    """``text`` without control characters (line breaks and tabs kept) and text-reordering marks, trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return _REORDERING.sub("", kept).strip()


def note_from_query(params: Mapping[str, str | list[str]]) -> tuple[str | None, list[Problem]]:
    """The note a link carries (None when it has none, or an empty one), or a Problem when it is too long.

    A note over 500 characters is not shortened: cut at 500 it could say something else, so it is left out and
    reported, and the rest of the link loads.
    """
    value = params.get(NOTE_PARAM)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    if value is None:
        return None, []
    note = clean_note(str(value))
    if len(note) > MAX_NOTE_CHARS:
        return None, [
            named(
                NOTE_PARAM,
                NOTE_LABEL,
                f"note from the link is too long ({len(note):,} characters; at most {MAX_NOTE_CHARS}), so it is not "
                "shown",
                f"リンクのメモが長すぎるため表示しません（{len(note):,} 文字、最大 {MAX_NOTE_CHARS} 文字）",
            )
        ]
    return (note or None), []
