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
# images ([ ] ( ) !), emphasis (* _ ~), code (`), HTML (< >), math ($), Streamlit's :red[...] and :icon: (:), tables
# (|), headings (#) and lists (- + digits followed by . or )), and the autolinks of GitHub's Markdown (http: and
# www. are broken by the escaped ":" and ".").
_ACTIVE = re.compile("([" + re.escape(string.punctuation) + "])")
# Line breaks would start new blocks (a heading, a list); other control characters show as nothing useful.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def plain(text: str) -> str:
    """``text`` escaped so that Markdown shows it literally, on one line: ``plain("**x**") == r"\\*\\*x\\*\\*"``."""
    return _ACTIVE.sub(r"\\\1", _BREAKS.sub(" ", text))
