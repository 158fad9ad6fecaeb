"""English / Japanese text: every call site carries both languages, ``tr("Weight", "重み")``.

There is no central key table on purpose: the two strings sit side by side where they are shown, so they cannot
drift apart. English is the default; Japanese comes from the sidebar switch or ``?lang=ja`` in a link.

The session's language is kept by ``ui.session.state`` (``state.lang``, ``state.set_lang``), like all session state.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")
LANG_NAMES: dict[str, str] = {"en": "English", "ja": "日本語"}

# Names of the registry's activations and output layers as a learner reads them, in the course's words. A name
# missing here (an activation registered later) is shown as its registry name in both languages.
ACTIVATION_LABELS: dict[str, tuple[str, str]] = {
    "relu": ("ReLU", "ReLU"),
    "sigmoid": ("sigmoid", "シグモイド関数"),
    "tanh": ("tanh", "tanh"),
    "identity": ("identity", "恒等関数"),
}
OUTPUT_LABELS: dict[str, tuple[str, str]] = {
    "softmax": ("softmax + cross-entropy", "softmax + 交差エントロピー誤差"),
    "sigmoid": ("sigmoid + binary cross-entropy", "シグモイド関数 + 2値交差エントロピー誤差"),
    "identity": ("identity + squared error", "恒等関数 + 二乗誤差"),
}


def pick(lang: str, en: str, ja: str) -> str:
    """The string for ``lang`` ("ja" gives ``ja``, anything else ``en``). Pure: usable without Streamlit."""
    return ja if lang == "ja" else en


def _latin(ch: str) -> bool:
    """A character of a Latin or Greek symbol (W1, η, y − d, tanh, x²), as opposed to Japanese text."""
    return (ch.isascii() and ch.isalnum()) or "\u0370" <= ch <= "\u03ff" or ch in ")]²ᵀ"


def ja_join(*pieces: str) -> str:
    """Japanese text put together from pieces, with the one space the screens put between a Latin or Greek symbol
    and Japanese (either way round) and none between Japanese pieces: ("学習率 η", "を") → "学習率 η を",
    ("出力層", "を") → "出力層を", ("関数は", "tanh") → "関数は tanh"."""
    out = ""
    for piece in pieces:
        if out and piece and _latin(out[-1]) != _latin(piece[0]):
            left, right = out[-1], piece[0]
            if not (left.isspace() or right.isspace() or left in "（「、。：" or right in "）」、。："):
                out += " "
        out += piece
    return out


def activation_label(name: str, lang: str) -> str:
    """A hidden activation's name for the screen ("identity" → "恒等関数" in Japanese); unknown names as they are."""
    return pick(lang, *ACTIVATION_LABELS.get(name, (name, name)))


def output_label(name: str, lang: str) -> str:
    """An output layer with its loss ("identity" → "恒等関数 + 二乗誤差"); unknown names as they are."""
    return pick(lang, *OUTPUT_LABELS.get(name, (name, name)))


def current_lang() -> Lang:
    """The language of this session ("en" unless the user or the link chose Japanese)."""
    from ui.session.state import lang  # here, not at the top: ui.session.state itself uses tr()

    return lang()


def tr(en: str, ja: str) -> str:
    """The string for the current language: ``st.button(tr("Undo", "元に戻す"))``."""
    return pick(current_lang(), en, ja)
