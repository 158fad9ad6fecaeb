"""A teacher's note in a link (``note=``): at most 500 characters, shown at the top of every screen as plain text.

The key is read and written by ``ui.session.codec``'s table like every other key (its kind "text": control characters
other than line breaks and tabs, and the invisible characters that reorder text, are removed, so a note cannot hide
or disguise part of itself). ``ui.session.state`` keeps the note for the session and writes it back into the address bar
and the share link. The screen draws it with ``st.text``, which parses neither Markdown nor HTML, so whatever the
note contains is shown as typed.
"""

from __future__ import annotations

from collections.abc import Mapping

from ui.session.codec import MAX_NOTE_CHARS, Problem, clean_text, read_query

NOTE_PARAM = "note"
__all__ = ["MAX_NOTE_CHARS", "NOTE_PARAM", "clean_note", "note_from_query"]


def clean_note(text: str) -> str:
    """``text`` without control characters (line breaks and tabs kept) and text-reordering marks, trimmed."""
    return clean_text(text)


def note_from_query(params: Mapping[str, str | list[str]]) -> tuple[str | None, list[Problem]]:
    """The note a link carries (None when it has none, or an empty one), or a Problem when it is too long.

    A note over 500 characters is not shortened: cut at 500 it could say something else, so it is left out and
    reported, and the rest of the link loads.
    """
    if NOTE_PARAM not in params:
        return None, []
    loaded = read_query({NOTE_PARAM: params[NOTE_PARAM]})
    return loaded.classroom.note, list(loaded.problems)
