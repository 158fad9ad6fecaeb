"""The one box for a number a learner types: a text box read by the app's own parser, never the browser's.

Chromium's number box drops what it does not understand before the app sees it: "−0.5" typed with a Japanese
keyboard's minus became 0.5, "0,5" became 5, and an integer box read "1e5" as 1, all without a word. Here the box
is an ``st.text_input`` whose text ``codec.number_from_typed`` reads (1e-3, full-width digits, −, grouped thousands;
"0,5" is refused). A value refused — not a number, a fraction where a whole number is needed, outside the box's
range, nan, inf, empty — gives one message that starts with the box's name and says that nothing was changed, and
the box shows its last good value again; a value accepted but written differently ("１．５") is stored as the
number it means and shown normalised ("1.5").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from ui.session import codec, state
from ui.text.i18n import pick, tr

_BOXES = "number_boxes"  # session key: {widget key: (NumberRule, the text of the box's last good value)}


@dataclass(frozen=True)
class NumberRule:
    """What a box accepts: its name on screen (English, Japanese), the range (``lo``/``hi``, each included unless
    ``lo_open``/``hi_open``; None for no bound) and whether only whole numbers are allowed."""

    en: str
    ja: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    whole: bool = False

    def range_text(self, lang: str) -> str:
        """The allowed range in words: "greater than 0 and at most 1000000" / "0 より大きく 1000000 以下"."""
        en: list[str] = []
        ja: list[str] = []
        if self.lo is not None:
            lo = box_text(self.lo, self.whole and float(self.lo).is_integer())
            en.append(f"greater than {lo}" if self.lo_open else f"at least {lo}")
            ja.append(f"{lo} より大きく" if self.lo_open else f"{lo} 以上")
        if self.hi is not None:
            hi = box_text(self.hi, self.whole and float(self.hi).is_integer())
            en.append(f"less than {hi}" if self.hi_open else f"at most {hi}")
            ja.append(f"{hi} 未満" if self.hi_open else f"{hi} 以下")
        return pick(lang, " and ".join(en), " ".join(ja))


def box_text(value: float, whole: bool = False) -> str:
    """What a box shows for ``value``: a whole number without a point (100000), any other number with every digit
    it needs to read back exactly (``codec.format_number``: 0.001, 1e-08)."""
    if whole and float(value).is_integer():
        return str(int(value))
    return codec.format_number(value)


def read_number(text: Any, rule: NumberRule) -> float | int:
    """The number ``text`` means under ``rule`` (an int when ``rule.whole``), or ``codec.BadValueError`` whose
    messages start with the box's name and say what is wrong."""
    if text is None:
        text = ""
    number = codec.number_from_typed(str(text), (rule.en, rule.ja))
    shown = codec.format_number(number)
    if rule.whole and not number.is_integer():
        raise codec.BadValueError(
            f"{rule.en}: {shown} is not a whole number", f"{rule.ja}: {shown} は整数ではありません"
        )
    below = rule.lo is not None and (number <= rule.lo if rule.lo_open else number < rule.lo)
    above = rule.hi is not None and (number >= rule.hi if rule.hi_open else number > rule.hi)
    if below or above:
        raise codec.BadValueError(
            f"{rule.en}: {shown} is out of range; it must be {rule.range_text('en')}",
            f"{rule.ja}: {shown} は範囲外です（{rule.range_text('ja')}にしてください）",
        )
    return int(number) if rule.whole else number


def refuse(en: str, ja: str) -> None:
    """Flash a refusal of a typed value: the reason, then that nothing was changed."""
    state.flash(f"{en}; nothing was changed.", f"{ja}。変更していません。")


def _remembered(key: str) -> tuple[NumberRule, str] | None:
    return st.session_state.get(_BOXES, {}).get(key)


def read_box(key: str, *, quiet: bool = False) -> float | int | None:
    """The number in the box ``key`` (drawn with ``number_box``), or None when its text is refused: then, unless
    ``quiet``, a message names the box and the box shows its last good value again. For boxes without a callback
    (inside a form, or read when a button is pressed); call it from a callback, before the box is drawn."""
    remembered = _remembered(key)
    if remembered is None:
        return None
    rule, good = remembered
    try:
        return read_number(state.widget_value(key, good), rule)
    except codec.BadValueError as e:
        if not quiet:
            refuse(e.en, e.ja)
            state.set_widget_value(key, good)
        return None


def _on_typed(key: str, on_number: Callable[..., bool | None], args: tuple[Any, ...]) -> None:
    remembered = _remembered(key)
    if remembered is None:
        return
    rule, good = remembered
    number = read_box(key)
    if number is None:
        return
    accepted = on_number(number, *args)
    # The box shows what was stored, written as the app writes it ("１．５" → "1.5"), or the last good value again.
    state.set_widget_value(key, good if accepted is False else box_text(number, rule.whole))


def number_box(
    rule: NumberRule,
    value: float,
    *,
    key: str,
    on_number: Callable[..., bool | None] | None = None,
    args: tuple[Any, ...] = (),
    help: str | None = None,
    disabled: bool = False,
    persist: bool = False,
    label_visibility: Any = "visible",
) -> None:
    """A text box labelled with ``rule``'s name that holds ``value`` (the number it stands for: the scenario's, or
    the last one the box accepted). When a typed value is accepted, ``on_number(number, *args)`` stores it; it may
    return False when it did not (the box then shows ``value`` again). Without ``on_number``, read the box with
    ``read_box``. ``persist`` keeps the box's text over a visit to another screen."""
    good = box_text(value, rule.whole)
    boxes = st.session_state.setdefault(_BOXES, {})
    if len(boxes) > 100:  # versioned keys pile up over a long session: forget boxes whose widget is gone
        for gone in [k for k in boxes if k not in st.session_state]:
            del boxes[gone]
    boxes[key] = (rule, good)
    state.set_widget_value(key, good, keep_existing=True)
    callback: dict[str, Any] = {}
    if on_number is not None:
        callback = {"on_change": _on_typed, "args": (key, on_number, args)}
    st.text_input(
        tr(rule.en, rule.ja),
        key=key,
        help=help,
        disabled=disabled,
        autocomplete="off",
        label_visibility=label_visibility,
        persist_state="session" if persist else None,
        **callback,
    )
