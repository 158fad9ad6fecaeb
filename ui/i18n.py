"""English / Japanese text: every call site carries both languages, ``tr("Weight", "重み")``.

There is no central key table on purpose: the two strings sit side by side where they are shown, so they cannot
drift apart. English is the default; Japanese comes from the sidebar switch or ``?lang=ja`` in a link.

The session's language is kept by ``ui.state`` (``state.lang``, ``state.set_lang``), like all session state.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")
LANG_NAMES: dict[str, str] = {"en": "English", "ja": "日本語"}

# The course's vocabulary, for call sites that build labels from parts (figures, table headers).
TERMS: dict[str, tuple[str, str]] = {
    "weight": ("weight", "重み"),
    "bias": ("bias", "バイアス"),
    "u": ("total input u", "総入力 u"),
    "z": ("hidden output z", "中間層出力 z"),
    "y": ("output y", "出力 y"),
    "grad": ("partial derivative", "偏微分"),
    "lr": ("learning rate η", "学習率 η"),
    "d": ("target d", "目標出力 d"),
    "loss": ("loss E", "誤差 E"),
}


def pick(lang: str, en: str, ja: str) -> str:
    """The string for ``lang`` ("ja" gives ``ja``, anything else ``en``). Pure: usable without Streamlit."""
    return ja if lang == "ja" else en


def term(name: str, lang: str) -> str:
    """A course term from ``TERMS`` in ``lang``, e.g. ``term("u", "ja") == "総入力 u"``."""
    en, ja = TERMS[name]
    return pick(lang, en, ja)


def current_lang() -> Lang:
    """The language of this session ("en" unless the user or the link chose Japanese)."""
    from .state import lang  # here, not at the top: ui.state itself uses tr()

    return lang()


def tr(en: str, ja: str) -> str:
    """The string for the current language: ``st.button(tr("Undo", "元に戻す"))``."""
    return pick(current_lang(), en, ja)
