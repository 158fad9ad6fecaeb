"""Text from outside the app (a link, a file, a grid cell) shown inside Markdown as exactly that text.

Streamlit renders every message (``st.warning``, ``st.error``, ...) as Markdown, with GitHub's extensions, math,
coloured text and icons. A value quoted in a message — ``output=![](http://example.com/a)`` in a link — would be
rendered: an image fetched from an address chosen by whoever wrote the link, a clickable link, bold text. Every
message that may quote such a value goes through ``plain`` before it is shown.
"""

from __future__ import annotations

import re
import string

# CommonMark lets a backslash escape any ASCII punctuation, which then stands for itself: this covers links and
# images ([ ] ( ) !), emphasis (* _ ~), code (`), HTML (< >), math ($), Streamlit's :red[...] (:), tables (|),
# headings (#) and lists (- + digits followed by . or )).
_ACTIVE = re.compile("([" + re.escape(string.punctuation) + "])")
# Escapes do not stop what works on the text after parsing: GitHub's autolinks (http://x.io, www.x.io, a@x.io)
# and Streamlit's :emoji: and :material/icon: shortcodes. An invisible word joiner after ":" and "@", and between
# "www" and its ".", breaks every one of those patterns (checked in Chromium, tests/browser/test_hostile.py) and
# changes nothing on screen.
_JOINER = "\u2060"
_PATTERN_BREAKS = re.compile(r"([:@])")
_WWW = re.compile(r"(www)(?=\\\.)", re.IGNORECASE)
# Line breaks would start new blocks (a heading, a list); other control characters show as nothing useful.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def plain(text: str) -> str:
    """``text`` made inert for Markdown, on one line: every ASCII punctuation escaped with a backslash, a word
    joiner (U+2060, invisible) after each ":" and "@" and after "www"; shown, it reads exactly as ``text``."""
    escaped = _ACTIVE.sub(r"\\\1", _BREAKS.sub(" ", text))
    return _WWW.sub(r"\1" + _JOINER, _PATTERN_BREAKS.sub(r"\1" + _JOINER, escaped))
