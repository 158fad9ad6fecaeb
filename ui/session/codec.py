"""Share links and JSON files for a scenario (no Streamlit here: the codec is plain functions, tested alone).

Link format, every key optional::

    ?W1=0.1,0.3,0.5;0.2,0.4,0.6&b1=0.1,0.2,0.3&W2=0.1,0.4;0.2,0.5;0.3,0.6&b2=0.1,0.2&x=1,5&d=0,1
     &lr=0.01&steps=1000&hidden=relu&output=softmax&lang=ja

plus ``reduction=sum`` when the gradient over the samples is the notebook's sum rather than the default mean
(without it a shared link would show a different gradient than its sender saw), and the update rule when it is not
the notebook's SGD: ``opt=adam&beta1=0.8``, ``opt=momentum&momentum=0.5``, ``opt=rmsprop&decay=0.9`` (link and file
leave out ``opt=sgd`` and every hyperparameter at its default; absent, they are SGD and the defaults, whatever the
current scenario uses). One table, ``TABLE``, lists every
key with how it is read and written; the link writer, the JSON writer and both readers walk it.

The classroom's keys are in the same table: a teacher's ``note=`` (plain text, at most 500 characters), ``lock=``
and ``hide=`` (lists of names), the quiz's ``ask=`` (quantities, in the order asked) and ``quiz_seed=`` (a whole
number), and ``panel=`` (the panel a lesson's link opens; link only). A link writes a list as ``W1,lr``, a file as
``["W1", "lr"]``; an unknown name is reported by key and the known names in the same value still apply.

Rows are separated by ``;``, values by ``,``; several samples in x and d are several rows. Numbers are written
with Python's shortest round-trip ``repr`` (0.1 stays "0.1" and reads back as exactly the same float).

Loading never raises: each bad key becomes a ``Problem`` for the key, its message naming the field as the screens
do (``Key.label``: "learning rate η", never the bare "lr") and the reason, and everything else still loads. When
the keys are fine one by one but do not fit together (a W1 with 4 hidden units next to a b1 with 3), the largest set
of keys that validates as a whole is loaded and the others are reported. A JSON file is read once (``read_json``)
for the scenario and the reduction together; a file with any problem changes nothing.

Messages quote values from the link or file as they are; ``ui.text.plain.plain`` makes them inert before display.
"""

from __future__ import annotations

import codecs
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple
from urllib.parse import quote, urlencode

import numpy as np

import dnn
from dnn import quiz as dnn_quiz
from dnn.core import Reduction
from dnn.network import FIELD_NAMES, subject_ja
from dnn.optimizers import HYPERPARAMETERS, OPTIMIZERS, check_hyperparameter, owner_of
from ui.session.shapes import fit_data
from ui.text.i18n import pick

LANG_PARAM = "lang"
REDUCTION_PARAM = "reduction"
REDUCTIONS: tuple[Reduction, ...] = ("mean", "sum")  # the gradient of the mean loss (default), the notebook's sum
LANGS: tuple[str, ...] = ("en", "ja")

# Size guards, checked before any number is parsed so an absurd link costs nothing.
MAX_ROWS: int = max(dnn.LIMITS["max_samples"], dnn.LIMITS["max_hidden"])
MAX_COLS: int = max(dnn.LIMITS["max_inputs"], dnn.LIMITS["max_hidden"], dnn.LIMITS["max_outputs"])
MAX_VALUE_CHARS = 64_000  # a full-precision 256 × 8 x is about 45,000 characters
MAX_SCALAR_CHARS = 64
MAX_JSON_BYTES = 100 * 1024
JSON_FORMAT = "backprop-lab/scenario"
# A file's keys read outside this table: the data set's recipe and your own data's held-out share
# (ui.session.data_codec).
OTHER_FILE_KEYS = frozenset({"data", "held_out"})
JSON_VERSION = 1  # files name the version that wrote them; a later one may mean keys this version cannot read
SHOWN_CHARS = 20  # a quoted value is cut to this many characters in a message
MAX_NOTE_CHARS = 500  # a teacher's note
MAX_LIST_CHARS = 400  # lock, hide, ask: every name listed once is under 400 characters; more is not a teacher's list
MAX_QUOTED_CHARS = 24  # an unknown name quoted in a message
# Share links longer than this may be cut by browsers, chat apps, mail clients and proxies (about 8 KB is what
# they reliably pass on); longer than LINK_SERVER_CHARS, Streamlit's server answers with a bare HTTP 400
# (measured with streamlit 1.67: a 125,000-character address opens, 128,000 does not).
LINK_RELIABLE_CHARS = 8_000
LINK_SERVER_CHARS = 125_000

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
# Thousands grouped with commas, as a person may type a step count: "10,000" (a comma anywhere else is refused).
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Dashes a Japanese keyboard or a copied text may give for a minus sign (after NFKC, which maps "－" to "-").
_MINUSES = str.maketrans(dict.fromkeys("\u2212\u2010\u2011\u2012\u2013\ufe63", "-"))
# Bidirectional overrides and isolates: they make text read in another order than it is stored.
_REORDERING = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_WHOLE = re.compile(r"\d{1,7}")
_SURROGATE = re.compile("[\ud800-\udfff]")  # half of a UTF-16 pair alone: no text encoding can write it


class Classroom(NamedTuple):
    """The keys beside the scenario that a teacher and the quiz use (empty or None: not set): the ``note`` shown on
    every screen, the fields the learner sees but cannot change (``lock``, ``ui.session.teacher.LOCKABLE`` names), the
    screens and panels left out (``hide``), the quiz's quantities in the order asked (``ask``, ``dnn.quiz`` names)
    and its hand-computable scenario (``quiz_seed``), and the panel a lesson's link opens (``panel``)."""

    note: str | None = None
    lock: frozenset[str] = frozenset()
    hide: frozenset[str] = frozenset()
    ask: tuple[str, ...] | None = None
    quiz_seed: int | None = None
    panel: str | None = None


NO_CLASSROOM = Classroom()


class Saved(NamedTuple):
    """What a link or file carries: the scenario, the gradient's reduction over samples and the language."""

    scenario: dnn.Scenario
    reduction: Reduction = "mean"
    lang: str = "en"
    classroom: Classroom = NO_CLASSROOM


@dataclass(frozen=True)
class Key:
    """One key of the share link and the JSON file.

    ``label`` is the field as the screens name it, in English and Japanese ("learning rate η", "学習率 η"): every
    message about the key names the field by it (a learner never reads the raw key alone; see ``ui.text.link_labels``).
    ``kind`` says how its text is read and written: "array" (rows of numbers, ``ndim`` 1 or 2), "scalar" (one
    number checked by dnn's rule for the field), "choice" (one of ``choices()``), "names"
    (a list of ``choices()``: ``W1,lr`` in a link, ``["W1", "lr"]`` in a file; ``every`` is a word for all of them,
    ``ordered`` keeps the order given, else the table's; ``what`` says what an unknown one is not), "text" (plain
    text, at most ``limit`` characters once cleaned) or "whole" (a whole number from 0 to ``limit``). ``part``
    says where the value goes: the network, the data (x, d), training (lr, steps), a setting beside the scenario,
    or the classroom (``Classroom``).
    ``default``: a link leaves the key out when the value equals it (None: always written). ``in_json``: whether
    the JSON file keeps it. ``optional``: the file too leaves it out at its default (or when it has no value, as a
    hyperparameter of another update rule), and a reader that does not find it takes the default.
    """

    name: str
    kind: Literal["array", "scalar", "choice", "names", "text", "whole"]
    part: Literal["network", "data", "training", "setting", "classroom"]
    value_of: Callable[[Saved], Any]
    label: tuple[str, str]
    ndim: int = 0
    choices: Callable[[], Sequence[str]] = tuple
    what: tuple[str, str] = ("", "")
    default: Any = None
    in_json: bool = True
    optional: bool = False
    every: str = ""
    ordered: bool = False
    limit: int = 0


def _of_network(attr: str) -> Callable[[Saved], Any]:
    return lambda saved: getattr(saved.scenario.network, attr)


def _of_scenario(attr: str) -> Callable[[Saved], Any]:
    return lambda saved: getattr(saved.scenario, attr)


def _of_settings(name: str) -> Callable[[Saved], Any]:
    """A hyperparameter of the scenario's update rule, None when the rule has no such setting."""
    return lambda saved: saved.scenario.settings.get(name)


OPTIMIZER_PARAM = "opt"


def _of_classroom(name: str) -> Callable[[Saved], Any]:
    return lambda saved: getattr(saved.classroom, name)


def _lockable() -> tuple[str, ...]:
    from ui.session.teacher import (
        LOCKABLE,  # here: ui.session.teacher reads this module's Problem; its names are needed only now
    )

    return tuple(LOCKABLE)


def _hideable() -> tuple[str, ...]:
    from ui.session.teacher import HIDEABLE

    return HIDEABLE


def _openable() -> tuple[str, ...]:
    from ui.session.teacher import OPENABLE_PANELS

    return OPENABLE_PANELS


_UNKNOWN_NAME = ("is not a name it knows", "は使えない名前です")


# Every key, in link order. Choices are looked up when needed, so an activation registered at run time is accepted.
TABLE: tuple[Key, ...] = (
    Key("W1", "array", "network", _of_network("W1"), FIELD_NAMES["W1"], ndim=2),
    Key("b1", "array", "network", _of_network("b1"), FIELD_NAMES["b1"], ndim=1),
    Key("W2", "array", "network", _of_network("W2"), FIELD_NAMES["W2"], ndim=2),
    Key("b2", "array", "network", _of_network("b2"), FIELD_NAMES["b2"], ndim=1),
    Key("x", "array", "data", _of_scenario("x"), FIELD_NAMES["x"], ndim=2),
    Key("d", "array", "data", _of_scenario("d"), FIELD_NAMES["d"], ndim=2),
    Key("lr", "scalar", "training", _of_scenario("lr"), FIELD_NAMES["lr"]),
    Key("steps", "scalar", "training", _of_scenario("steps"), FIELD_NAMES["steps"]),
    Key(
        "hidden",
        "choice",
        "network",
        _of_network("hidden"),
        FIELD_NAMES["hidden"],
        choices=lambda: dnn.HIDDEN_ACTIVATIONS,
    ),
    Key(
        "output",
        "choice",
        "network",
        _of_network("output"),
        FIELD_NAMES["output"],
        choices=lambda: dnn.OUTPUTS,
    ),
    Key(
        OPTIMIZER_PARAM,
        "choice",
        "training",
        _of_scenario("optimizer"),
        ("update rule (optimizer)", "最適化手法（パラメータの更新則）"),
        choices=lambda: tuple(OPTIMIZERS),
        default="sgd",
        optional=True,
    ),
    *(
        Key(hp.name, "scalar", "training", _of_settings(hp.name), (hp.en, hp.ja), default=hp.default, optional=True)
        for hp in HYPERPARAMETERS.values()
    ),
    Key(
        REDUCTION_PARAM,
        "choice",
        "setting",
        lambda saved: saved.reduction,
        ("gradient over samples", "勾配のまとめ方（サンプル方向）"),
        choices=lambda: REDUCTIONS,
        default="mean",
    ),
    Key(
        LANG_PARAM,
        "choice",
        "setting",
        lambda saved: saved.lang,
        ("language", "言語"),
        choices=lambda: LANGS,
        default="en",
        in_json=False,
    ),
    Key(
        "note",
        "text",
        "classroom",
        _of_classroom("note"),
        ("teacher's note", "先生のメモ"),  # as the note's box is captioned on screen
        optional=True,
        limit=MAX_NOTE_CHARS,
    ),
    Key(
        "lock",
        "names",
        "classroom",
        _of_classroom("lock"),
        ("values the teacher locked", "先生が固定した値"),
        choices=_lockable,
        what=_UNKNOWN_NAME,
        default=frozenset(),
        optional=True,
        every="all",
        limit=MAX_LIST_CHARS,
    ),
    Key(
        "hide",
        "names",
        "classroom",
        _of_classroom("hide"),
        ("screens and panels the teacher hid", "先生が隠した画面とパネル"),
        choices=_hideable,
        what=_UNKNOWN_NAME,
        default=frozenset(),
        optional=True,
        limit=MAX_LIST_CHARS,
    ),
    Key(
        "ask",
        "names",
        "classroom",
        _of_classroom("ask"),
        ("quantities the quiz asks", "クイズで問う値"),
        choices=lambda: dnn_quiz.ORDER,
        what=("is not a quantity of the quiz", "はクイズの値ではありません"),
        optional=True,
        ordered=True,
        limit=MAX_LIST_CHARS,
    ),
    Key(
        "quiz_seed",
        "whole",
        "classroom",
        _of_classroom("quiz_seed"),
        ("quiz scenario number", "クイズのシナリオ番号"),
        optional=True,
        limit=dnn_quiz.MAX_QUIZ_SEED,
    ),
    # The panel a lesson's link opens on its screen: it belongs to that one visit, so a file does not keep it.
    Key(
        "panel",
        "choice",
        "classroom",
        _of_classroom("panel"),
        ("panel to open", "開くパネル"),
        choices=_openable,
        in_json=False,
    ),
)
KEY_BY_NAME: dict[str, Key] = {k.name: k for k in TABLE}
LINK_KEYS: tuple[str, ...] = tuple(k.name for k in TABLE)
KEYS: tuple[str, ...] = tuple(k.name for k in TABLE if k.part not in ("setting", "classroom"))  # the scenario's
CLASSROOM_KEYS: tuple[str, ...] = tuple(k.name for k in TABLE if k.part == "classroom")
OPTIMIZER_KEYS: tuple[str, ...] = (OPTIMIZER_PARAM, *HYPERPARAMETERS)
NETWORK_KEYS: tuple[str, ...] = tuple(k.name for k in TABLE if k.part == "network")
DATA_KEYS: tuple[str, ...] = tuple(k.name for k in TABLE if k.part == "data")
ARRAY_KEYS: dict[str, int] = {k.name: k.ndim for k in TABLE if k.kind == "array"}


@dataclass(frozen=True)
class Problem:
    """Why one key of a link or file was not used: ``field`` is the key ("W1", "lr", ... or "file"); ``en`` and
    ``ja`` start with the field's name on screen (``named``). ``ui.text.link_labels.report_line`` shows it."""

    field: str
    en: str
    ja: str

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return pick(lang, self.en, self.ja)


class BadValueError(ValueError):
    """One value that cannot be used, with the reason in English (``en``) and Japanese (``ja``)."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en, self.ja = en, ja


def named(key: str, label: tuple[str, str], en: str, ja: str) -> Problem:
    """A Problem for ``key`` whose messages start with the field's name as the screens show it (``label``): kept
    when they already do, the key replaced by the name when they start with it ("b1 has 4 entries" → "bias b1
    has 4 entries", "W1[x1, h2] is nan" → "weight W1[x1, h2] is nan"), else the name put in front ("name: …")."""

    def lead(text: str, name: str) -> str:
        if text.startswith(name):
            return text
        if name.endswith(f" {key}") and re.match(rf"{re.escape(key)}(?![\w])", text):
            return name + text[len(key) :]
        return f"{name}: {text}"

    return Problem(key, lead(en, label[0]), lead(ja, label[1]))


def _problem(key: str, en: str, ja: str) -> Problem:
    """A Problem for one of ``TABLE``'s keys, named by its label (``named``)."""
    return named(key, KEY_BY_NAME[key].label, en, ja)


def _file_problem(en: str, ja: str) -> Problem:
    return Problem("file", f"file: {en}", f"ファイル: {ja}")


def _clip(text: str) -> str:
    """``text`` cut to SHOWN_CHARS characters (with "…" when cut), for quoting in a message."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


# ---------------------------------------------------------------- writing


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly ``value``: repr(float), with "1.0" shortened to "1"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def format_array(a: np.ndarray) -> str:
    """A vector as "v,v,v"; a matrix as rows joined by ";"."""
    rows = np.atleast_2d(a)
    return ";".join(",".join(format_number(v) for v in row) for row in rows)


def _listed(key: Key, value: Any) -> list[str]:
    """A "names" key's value as a list: in the order given (``ask``) or in the table's order (``lock``, ``hide``)."""
    return list(value) if key.ordered else [name for name in key.choices() if name in value]


def _as_text(key: Key, value: Any) -> str:
    """A key's value as link text: arrays and floats in full precision, lists as "a,b" (``every`` when they hold
    every name), whole numbers and names as they are."""
    if key.kind == "names":
        if key.every and set(value) >= set(key.choices()):
            return key.every
        return ",".join(_listed(key, value))
    if isinstance(value, np.ndarray):
        return format_array(value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _as_json(key: Key, value: Any) -> Any:
    if key.kind == "names":
        return _listed(key, value)
    return value.tolist() if isinstance(value, np.ndarray) else value


def _written(key: Key, value: Any) -> bool:
    """Whether a link writes the key: it has a value and the value is not the key's default."""
    return value is not None and (key.default is None or value != key.default)


def scenario_to_query(
    sc: dnn.Scenario, lang: str | None = None, reduction: Reduction = "mean", classroom: Classroom | None = None
) -> dict[str, str]:
    """The share link's parameters for a scenario (and a classroom's keys), in link order; keys whose value is their
    default (the mean reduction, English, no note ...) are left out."""
    saved = Saved(sc, reduction, lang or "en", classroom or NO_CLASSROOM)
    return {key.name: _as_text(key, value) for key in TABLE if _written(key, value := key.value_of(saved))}


def classroom_query(classroom: Classroom) -> dict[str, str]:
    """Only the classroom's keys of a link (note, lock, hide, ask, quiz_seed, panel), in link order, those set."""
    return {
        key.name: _as_text(key, value)
        for key in TABLE
        if key.part == "classroom" and _written(key, value := getattr(classroom, key.name))
    }


def query_string(
    sc: dnn.Scenario, lang: str | None = None, reduction: Reduction = "mean", classroom: Classroom | None = None
) -> str:
    """The link's query string without "?", with ";" and "," left readable: ``W1=0.1,0.3;...&lr=0.01...``; a
    classroom's keys follow, with only "," readable (a note's ";" is encoded, as it is text)."""
    params = scenario_to_query(sc, lang, reduction, classroom)
    own = {k: v for k, v in params.items() if k not in CLASSROOM_KEYS}
    extra = {k: v for k, v in params.items() if k in CLASSROOM_KEYS}
    readable = "&".join(f"{k}={readable_value(v)}" for k, v in extra.items())
    return "&".join(q for q in (urlencode(own, safe=",;"), readable) if q)


# Characters a link's value must not hold as they are: the query's own separators (& = ; #), the escape and space
# characters (% +, a space), and those that end or break a link when it is pasted (quotes, <>, `, {}, |, \, ^).
_MUST_ENCODE = frozenset('&=;#%+ "<>`{}|\\^')


def readable_value(text: str) -> str:
    """A link value with only what must be encoded percent-encoded (``_MUST_ENCODE``, control and invisible
    characters: categories C* and Z*), a space as "+": a teacher's Japanese note stays readable in the link it is
    shown (browsers send UTF-8 in a query, and the server decodes it), "," stays as the list separator."""
    out = []
    for ch in text:
        if ch == " ":
            out.append("+")
        elif ch in _MUST_ENCODE or unicodedata.category(ch)[0] in "CZ" or (ch.isascii() and not ch.isprintable()):
            out.append(quote(ch, safe=""))
        else:
            out.append(ch)
    return "".join(out)


def scenario_to_json(sc: dnn.Scenario, reduction: Reduction = "mean", classroom: Classroom | None = None) -> str:
    """The scenario (and the gradient's reduction over samples, and a classroom's keys: note, lock, hide, ask,
    quiz_seed) as a JSON document, one key per line; numbers keep full precision."""
    saved = Saved(sc, reduction, classroom=classroom or NO_CLASSROOM)
    doc: dict[str, Any] = {"format": JSON_FORMAT, "version": JSON_VERSION}
    for key in TABLE:
        value = key.value_of(saved)
        if key.in_json and not (key.optional and (value is None or value == key.default)):
            doc[key.name] = _as_json(key, value)
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'), allow_nan=False)}" for k, v in doc.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


# ---------------------------------------------------------------- reading one value


Where = tuple[str, str]  # a value's place, in English and Japanese: ("W1 (row 1, value 2)", "W1 の 1 行 2 番目の値")


def _not_finite(where: Where, shown: str) -> BadValueError:
    return BadValueError(
        f"{where[0]} is {shown}; only finite numbers are allowed (no nan or inf)",
        f"{subject_ja(where[1])}が {shown} です。有限の数だけが使えます（nan や inf は不可）",
    )


def _too_large(where: Where, shown: str) -> BadValueError:
    return BadValueError(
        f"{where[0]}: {shown} is too large (numbers must stay below about 1.8e308)",
        f"{where[1]}: {shown} は大きすぎます（約 1.8e308 未満にしてください）",
    )


def _too_small(where: Where, shown: str) -> BadValueError:
    return BadValueError(
        f"{where[0]}: {shown} is too small to hold (a number other than 0 must be at least about 5e-324 in size)",
        f"{where[1]}: {shown} は小さすぎて扱えません（0 以外の数は大きさ約 5e-324 以上にしてください）",
    )


def _underflows(text: str, value: float) -> bool:
    """Whether ``text`` writes a number other than 0 that the nearest float makes 0 (1e-400)."""
    mantissa = re.split("[eE]", text, maxsplit=1)[0]
    return value == 0.0 and any(ch in "123456789" for ch in mantissa)


def _number_from_text(token: str, where: Where) -> float:
    """A finite float from link text, or BadValueError saying what the text is instead."""
    token = token.strip()
    if not token:
        raise BadValueError(f"{where[0]} is empty", f"{subject_ja(where[1])}が空です")
    if _NON_FINITE.fullmatch(token):
        raise _not_finite(where, token)
    if not _NUMBER.fullmatch(token):
        hint_en, hint_ja = ("", "")
        if "," in token:
            hint_en, hint_ja = " (write decimals with a point: 0.5)", "（小数は点で書いてください: 0.5）"
        raise BadValueError(
            f"{where[0]}: {_clip(token)!r} is not a number{hint_en}",
            f"{where[1]}: {_clip(token)!r} は数値ではありません{hint_ja}",
        )
    value = float(token)
    if not np.isfinite(value):
        raise _too_large(where, _clip(token))
    if _underflows(token, value):
        raise _too_small(where, _clip(token))
    return value


def number_from_typed(text: str, where: Where) -> float:
    """A finite float from what a person typed into a grid cell or a box, or BadValueError naming ``where``.

    Accepted: what a link accepts (``-0.5``, ``.5``, ``1e-3``, ``2.5E2``) and the habits of a Japanese keyboard:
    full-width digits, signs, point and ``ｅ`` (``１．５`` is 1.5), the minus signs ``−`` and ``‐``, thousands
    grouped by commas (``10,000`` or ``１０，０００``); invisible characters (a zero-width space, a direction mark)
    are dropped. A comma elsewhere (``1,5``) is refused: the decimal
    separator is the point, as in the course.
    """
    token = unicodedata.normalize("NFKC", text).translate(_MINUSES)
    # invisible characters a copy from a web page or a PDF carries (zero-width space, direction marks, BOM)
    token = "".join(ch for ch in token if unicodedata.category(ch) != "Cf").strip()
    if _GROUPED.fullmatch(token):
        token = token.replace(",", "")
    return _number_from_text(token, where)


class _JsonConstant(str):
    """NaN, Infinity or -Infinity as written in a JSON file (Python's json accepts them; the codec refuses them)."""


class _JsonOverflow(str):
    """A number in a JSON file beyond the range of floats (1e400, or a whole number of 400 digits), as written."""


class _JsonUnderflow(str):
    """A number in a JSON file other than 0 but too small for a float (1e-400), as written."""


def _json_float(text: str) -> float | str:
    value = float(text)
    if not np.isfinite(value):
        return _JsonOverflow(text)
    return _JsonUnderflow(text) if _underflows(text, value) else value


def _json_int(text: str) -> int | float | str:
    # A whole number with more digits than any count needs is read as a float, so that thousands of digits cost
    # nothing and are "too large" rather than an error of Python's int conversion.
    return int(text) if len(text) <= 18 else _json_float(text)


def _shown_json(value: Any) -> str:
    """A JSON value as a message quotes it, without walking into nested lists or objects."""
    if isinstance(value, (_JsonConstant, _JsonOverflow, _JsonUnderflow)):
        return _clip(value)
    if isinstance(value, str):
        return repr(_clip(value))
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return _clip(format_number(value) if isinstance(value, float) else str(value))
    return "[…]" if isinstance(value, list) else "{…}"


def _number_from_json(value: Any, where: Where) -> float:
    """A finite float from a JSON value (true/false and strings are not numbers here)."""
    if isinstance(value, _JsonConstant):
        raise _not_finite(where, str(value))
    if isinstance(value, _JsonOverflow):
        raise _too_large(where, _clip(value))
    if isinstance(value, _JsonUnderflow):
        raise _too_small(where, _clip(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = _shown_json(value)
        raise BadValueError(f"{where[0]}: {shown} is not a number", f"{where[1]}: {shown} は数値ではありません")
    return float(value)


def _place(label: tuple[str, str], i: int, j: int, n_rows: int) -> Where:
    """Where a value sits, counted from 1 as a person reads the link: "weight W1 (row 2, value 3)"."""
    if n_rows == 1:
        return f"{label[0]} (value {j + 1})", f"{label[1]} の {j + 1} 番目の値"
    return f"{label[0]} (row {i + 1}, value {j + 1})", f"{label[1]} の {i + 1} 行 {j + 1} 番目の値"


def _array(key: Key, rows: Sequence[Sequence[Any]], convert: Callable[[Any, Where], float]) -> np.ndarray:
    """Rows of raw cells → a float array of ``key.ndim`` dimensions; checks the shape before the numbers."""
    name, name_ja = key.label
    if not rows or (len(rows) == 1 and len(rows[0]) == 0):
        raise BadValueError(f"{name} is empty", f"{subject_ja(name_ja)}が空です")
    if key.ndim == 1 and len(rows) > 1:
        raise BadValueError(
            f"{name} is a vector: one row of values separated by ',' (it has {len(rows)} rows)",
            f"{name_ja} はベクトルです。',' で区切った 1 行にしてください（{len(rows)} 行あります）",
        )
    if len(rows) > MAX_ROWS:
        raise BadValueError(
            f"{name} has {len(rows)} rows; at most {MAX_ROWS} are allowed",
            f"{name_ja} の行数 {len(rows)} は多すぎます（最大 {MAX_ROWS}）",
        )
    widths = sorted({len(r) for r in rows})
    if widths[-1] > MAX_COLS:
        raise BadValueError(
            f"{name} has {widths[-1]} values in a row; at most {MAX_COLS} are allowed",
            f"{name_ja} の 1 行の値の数 {widths[-1]} は多すぎます（最大 {MAX_COLS}）",
        )
    if len(widths) > 1:
        lengths = ", ".join(map(str, widths))
        raise BadValueError(
            f"{name} has rows of different lengths ({lengths}); every row needs the same number of values",
            f"{name_ja} の行の長さがそろっていません（{lengths}）。どの行も同じ数の値にしてください",
        )
    values = [
        [convert(cell, _place(key.label, i, j, len(rows))) for j, cell in enumerate(r)] for i, r in enumerate(rows)
    ]
    arr = np.array(values, dtype=np.float64)
    return arr[0] if key.ndim == 1 else arr


def _rows_from_text(text: str) -> list[list[str]]:
    """ "a,b;c,d" → [["a", "b"], ["c", "d"]]; a trailing ";" is forgiven."""
    text = text.strip()
    if not text:
        return []
    rows = text.split(";")
    if len(rows) > 1 and not rows[-1].strip():
        rows.pop()
    return [r.split(",") for r in rows]


def _rows_from_json(value: Any) -> list[list[Any]]:
    """A JSON list (one row) or list of lists (rows) → rows."""
    if not isinstance(value, list):
        raise BadValueError(
            "must be a list of numbers or a list of rows", "は数値のリストか、行のリストでなければなりません"
        )
    if value and all(isinstance(r, list) for r in value):
        return value
    if any(isinstance(r, list) for r in value):
        raise BadValueError("mixes numbers and rows", "に数値と行が混ざっています")
    return [value]


def _name_from_json(value: Any) -> str:
    if not isinstance(value, str):
        shown = _shown_json(value)
        raise BadValueError(f"{shown} is not a name", f"{shown} は名前ではありません")
    return value


def shortened(text: str) -> str:
    """``text`` cut to 24 characters, unprintable characters as "?": a quoted name stays short and visible (the
    message it goes into is made plain text by ``ui.text.plain``)."""
    shown = text if len(text) <= MAX_QUOTED_CHARS else text[:MAX_QUOTED_CHARS] + "…"
    return "".join(ch if ch.isprintable() else "?" for ch in shown)


def clean_text(text: str) -> str:
    """``text`` without control characters (line breaks and tabs kept) and text-reordering marks, trimmed: a note
    cannot hide or disguise part of itself."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return _REORDERING.sub("", kept).strip()


def _text(key: Key, text: str) -> str | None:
    """A "text" key's value: cleaned, None when nothing is left. Too long is refused, not cut: cut, it could say
    something else."""
    cleaned = clean_text(text)
    if len(cleaned) > key.limit:
        raise BadValueError(
            f"{key.label[0]} is too long ({len(cleaned):,} characters; at most {key.limit}), so it is not shown",
            f"{subject_ja(key.label[1])}が長すぎるため表示しません（{len(cleaned):,} 文字、最大 {key.limit} 文字）",
        )
    return cleaned or None


def _names(key: Key, tokens: list[str]) -> tuple[Any, BadValueError | None]:
    """A "names" key's value from its names (letter case ignored, repeats dropped) and what is wrong with them: the
    known names still apply when others are unknown. ``lock``/``hide`` give a frozenset, ``ask`` a tuple in the
    order given (None when no name is usable)."""
    choices = tuple(key.choices())
    listed = ", ".join((*choices, key.every) if key.every else choices)
    if len(",".join(tokens)) > key.limit:
        length = len(",".join(tokens))
        return None, BadValueError(
            f"{key.label[0]}: the list is too long ({length:,} characters; at most {key.limit}), so it is not used",
            f"{key.label[1]}: リストが長すぎるため使いません（{length:,} 文字、最大 {key.limit} 文字）",
        )
    by_lower = {name.lower(): name for name in choices}
    found: list[str] = []
    unknown: list[str] = []
    for token in (t.strip() for t in tokens):
        names = choices if key.every and token.lower() == key.every else (by_lower.get(token.lower()),)
        if names == (None,):
            if token and token not in unknown:
                unknown.append(token)
            continue
        found += [n for n in names if n not in found]
    value: Any = (tuple(found) or None) if key.ordered else frozenset(found)
    if unknown:
        what_en, what_ja = key.what
        shown = ", ".join(f"“{shortened(t)}”" for t in unknown[:3]) + (" …" if len(unknown) > 3 else "")
        return value, BadValueError(
            f"{shown} {what_en}; the names are {listed}", f"{shown} {what_ja}。使える名前: {listed}"
        )
    if key.ordered and not found:  # "ask=" names nothing to ask
        return None, BadValueError(
            f"{key.label[0]}: the list is empty; the names are {listed}",
            f"{key.label[1]}: リストが空です。使える名前: {listed}",
        )
    return value, None


def _not_whole(key: Key, shown: str) -> BadValueError:
    return BadValueError(
        f"“{shown}” is not a whole number from 0 to {key.limit:,}",
        f"“{shown}” は 0〜{key.limit:,} の整数ではありません",
    )


def _whole_from_text(key: Key, text: str) -> int:
    stripped = text.strip()
    if _WHOLE.fullmatch(stripped) and int(stripped) <= key.limit:
        return int(stripped)
    raise _not_whole(key, shortened(stripped))


def _whole_from_json(key: Key, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= key.limit:
        return value
    raise _not_whole(key, _shown_json(value))


def _names_from_json(value: Any) -> list[str]:
    """A JSON list of names (or one text "a,b", as a link writes it)."""
    if isinstance(value, str):
        return value.split(",")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    shown = _shown_json(value)
    raise BadValueError(f"{shown} is not a list of names", f"{shown} は名前のリストではありません")


def _text_from_json(value: Any) -> str:
    if not isinstance(value, str):
        shown = _shown_json(value)
        raise BadValueError(f"expected text, not {shown}", f"文字列が必要です（{shown} ではなく）")
    return value


def _text_value(params: Mapping[str, str | list[str]], key: str) -> str | None:
    """The last value given for ``key`` (as Streamlit reads repeated keys), or None."""
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return None if value is None else str(value)


def _check_choice(key: Key, value: str) -> str:
    choices = tuple(key.choices())
    if value not in choices:
        shown = repr(_clip(value))
        raise BadValueError(
            f"{key.label[0]} {shown} is unknown; choose one of {', '.join(choices)}",
            f"{key.label[1]} {shown} は使えません（{', '.join(choices)} から選んでください）",
        )
    return value


def _check_scalar(name: str, value: float, base: dnn.Scenario) -> float | int:
    """lr and steps are checked by dnn's own rules (range, whole number), independent of the network; so is an
    update rule's hyperparameter (its range)."""
    if name in HYPERPARAMETERS:
        try:
            return check_hyperparameter(name, value)
        except dnn.ValidationError as e:
            raise BadValueError(e.en, e.ja) from None
    if name == "steps" and value.is_integer() and abs(value) < 1e18:
        value = int(value)  # so a message shows 999999999999, not 999999999999.0
    try:
        return getattr(base.replace(**{name: value}), name)
    except dnn.ValidationError as e:
        raise BadValueError(e.en, e.ja) from None


# ---------------------------------------------------------------- putting a scenario together


def _network(parsed: dict[str, Any], keys: Sequence[str], base: dnn.Network) -> dnn.Network:
    return base.replace(**{k: parsed[k] for k in keys})


def _scenario(parsed: dict[str, Any], keys: Sequence[str], net: dnn.Network, base: dnn.Scenario) -> dnn.Scenario:
    """The scenario with ``keys`` of x/d from ``parsed``; the others are the base's, fitted to the network."""
    x = parsed["x"] if "x" in keys else base.x
    d = parsed["d"] if "d" in keys else base.d
    n = len(x) if "x" in keys else len(d) if "d" in keys else len(base.x)
    fit_x, fit_d = fit_data(base.x, base.d, n, net.n_in, net.n_out, net.output)
    return base.replace(
        network=net,
        x=x if "x" in keys else fit_x,
        d=d if "d" in keys else fit_d,
        lr=parsed["lr"],
        steps=parsed["steps"],
    )


def _largest_valid(keys: Sequence[str], build: Callable[[Sequence[str]], Any]) -> tuple[Any, tuple[str, ...]]:
    """The result of ``build`` for the largest subset of ``keys`` that validates (earlier keys win ties)."""
    for size in range(len(keys), -1, -1):
        for subset in itertools.combinations(keys, size):
            try:
                return build(subset), subset
            except dnn.ValidationError:
                continue
    raise AssertionError("the empty subset is the base and always validates")


def _report_dropped(
    dropped: Sequence[str], kept: tuple[str, ...], build: Callable[[Sequence[str]], Any], problems: list[Problem]
) -> None:
    """Say for each dropped key why it does not fit together with the keys that were loaded."""
    for key in dropped:
        try:
            build((*kept, key))
        except dnn.ValidationError as e:
            if e.field == key:
                problems.append(_problem(key, e.en, e.ja))
            else:
                problems.append(
                    _problem(key, f"does not fit the rest of the scenario: {e.en}", f"ほかの値と合いません: {e.ja}")
                )


def _report_together(
    keys: Sequence[str], kept: tuple[str, ...], build: Callable[[Sequence[str]], Any], problems: list[Problem]
) -> None:
    """Say why every key together does not validate when that reason is none of the dropped keys' own (a 1-1-1
    network whose sizes agree, refused only because softmax needs two outputs): each dropped key's line measures it
    against the scenario it would join, which would never name that reason."""
    try:
        build(keys)
    except dnn.ValidationError as together:
        reasons = set()
        for key in (k for k in keys if k not in kept):
            try:
                build((*kept, key))
            except dnn.ValidationError as e:
                reasons.add(e.en)
        if together.field in keys and together.en not in reasons:  # a key not given is left to the others' lines
            problems.append(
                _problem(
                    together.field,
                    f"all the values given, taken together: {together.en}",
                    f"与えた値をすべてまとめて見ると: {together.ja}",
                )
            )


def _with_optimizer(parsed: dict[str, Any], base: dnn.Scenario, problems: list[Problem]) -> dnn.Scenario:
    """The base with the update rule the keys name: SGD unless ``opt`` says otherwise, each hyperparameter given or
    at its default. A hyperparameter of another rule (``opt=sgd&beta1=0.8``) is reported, not used."""
    name = parsed.get(OPTIMIZER_PARAM, "sgd")
    own = {hp.name for hp in OPTIMIZERS[name].hyperparameters}
    for setting in HYPERPARAMETERS:
        if setting in parsed and setting not in own:
            owner = owner_of(setting)
            label = KEY_BY_NAME[setting].label
            problems.append(
                _problem(
                    setting,
                    f"{label[0]} is a setting of {owner}, and the update rule here is {name}",
                    f"{subject_ja(label[1])}は {owner} の設定です（ここでの最適化手法は {name}）",
                )
            )
    return base.replace(optimizer=name, settings={k: parsed[k] for k in own if k in parsed})


def _assemble(parsed: dict[str, Any], base: dnn.Scenario, problems: list[Problem]) -> dnn.Scenario:
    """The scenario from the keys that parsed, loading as much as validates as a whole."""
    parsed.setdefault("lr", base.lr)
    parsed.setdefault("steps", base.steps)
    base = _with_optimizer(parsed, base, problems)
    net_keys = [k for k in NETWORK_KEYS if k in parsed]

    def build_net(keys: Sequence[str]) -> dnn.Network:
        return _network(parsed, keys, base.network)

    net, kept = _largest_valid(net_keys, build_net)
    if len(kept) < len(net_keys):
        _report_together(net_keys, kept, build_net, problems)
    _report_dropped([k for k in net_keys if k not in kept], kept, build_net, problems)

    data_keys = [k for k in DATA_KEYS if k in parsed]

    def build_sc(keys: Sequence[str]) -> dnn.Scenario:
        return _scenario(parsed, keys, net, base)

    try:
        sc, kept = _largest_valid(data_keys, build_sc)
    except dnn.ValidationError:  # pragma: no cover - fit_data always gives data that fits; belt and braces
        problems.append(Problem("network", "could not be combined with x and d", "x, d と組み合わせられません"))
        return base
    _report_dropped([k for k in data_keys if k not in kept], kept, build_sc, problems)
    return sc


@dataclass(frozen=True)
class Loaded:
    """What a link or a file gives: the scenario (the base where a key was missing or bad), the reduction and the
    language it names (None when it names none), a Problem for each key that could not be used, and the
    classroom's keys (each known name of a list even when others were unknown)."""

    scenario: dnn.Scenario
    reduction: Reduction | None
    lang: str | None
    problems: tuple[Problem, ...]
    classroom: Classroom = NO_CLASSROOM


class _Reader(NamedTuple):
    """How one source (link text or JSON values) turns its raw values into rows, numbers, names, lists of names,
    text and whole numbers."""

    rows_of: Callable[[Any], list[list[Any]]]
    number: Callable[[Any, Where], float]
    name_of: Callable[[Any], str]
    names_of: Callable[[Any], list[str]]
    text_of: Callable[[Any], str]
    whole_of: Callable[[Key, Any], int]


_TEXT = _Reader(_rows_from_text, _number_from_text, str.strip, lambda text: text.split(","), str, _whole_from_text)
_JSON = _Reader(
    _rows_from_json, _number_from_json, _name_from_json, _names_from_json, _text_from_json, _whole_from_json
)


def _read(values: Mapping[str, Any], base: dnn.Scenario, reader: _Reader, *, quiet: Sequence[str] = ()) -> Loaded:
    """Shared by links and JSON: parse each present key on its own, then assemble. Keys in ``quiet`` that are bad
    are left out without a Problem (an unknown ``lang`` in a link)."""
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for key in TABLE:
        if key.name not in values:
            continue
        raw = values[key.name]
        try:
            if key.kind == "array":
                parsed[key.name] = _array(key, reader.rows_of(raw), reader.number)
            elif key.kind == "choice":
                parsed[key.name] = _check_choice(key, reader.name_of(raw))
            elif key.kind == "names":
                parsed[key.name], bad_names = _names(key, reader.names_of(raw))
                if bad_names is not None:
                    raise bad_names  # reported; the known names above still apply
            elif key.kind == "text":
                parsed[key.name] = _text(key, reader.text_of(raw))
            elif key.kind == "whole":
                parsed[key.name] = reader.whole_of(key, raw)
            else:
                parsed[key.name] = _check_scalar(key.name, reader.number(raw, key.label), base)
        except BadValueError as bad:
            if key.name not in quiet:
                problems.append(_problem(key.name, bad.en, bad.ja))
    sc = _assemble(parsed, base, problems)
    order = {name: i for i, name in enumerate(LINK_KEYS)}
    problems.sort(key=lambda p: order.get(p.field, len(order)))
    classroom = Classroom(**{k: v for k, v in parsed.items() if k in CLASSROOM_KEYS and v is not None})
    return Loaded(sc, parsed.get(REDUCTION_PARAM), parsed.get(LANG_PARAM), tuple(problems), classroom)


def read_query(params: Mapping[str, str | list[str]], base: dnn.Scenario | None = None) -> Loaded:
    """Read a link's parameters (e.g. ``st.query_params.to_dict()``); never raises.

    Missing keys keep ``base`` (default: the notebook's scenario); each bad key is reported as a Problem and the
    rest still loads. Unknown keys are ignored, and so is an unknown language.
    """
    base = dnn.seed_scenario() if base is None else base
    values: dict[str, str] = {}
    too_long: list[Problem] = []
    for key in TABLE:
        text = _text_value(params, key.name)
        if text is None:
            continue
        # lists and notes check their own (smaller) limits after this, with messages of their own
        limit = MAX_VALUE_CHARS if key.kind in ("array", "names", "text") else MAX_SCALAR_CHARS
        if len(text) > limit:  # before any parsing: an absurd value costs nothing
            if key.name != LANG_PARAM:
                too_long.append(
                    _problem(
                        key.name,
                        f"{key.label[0]} is too long ({len(text):,} characters; at most {limit:,})",
                        f"{subject_ja(key.label[1])}が長すぎます（{len(text):,} 文字、最大 {limit:,}）",
                    )
                )
            continue
        values[key.name] = text
    loaded = _read(values, base, _TEXT, quiet=(LANG_PARAM,))
    # Too-long keys first: they were refused before anything else.
    return Loaded(loaded.scenario, loaded.reduction, loaded.lang, (*too_long, *loaded.problems), loaded.classroom)


def _key_form(key: str) -> str:
    """A link key as a person may have meant it: full-width letters as ASCII, invisible characters dropped,
    spaces trimmed, lower case."""
    folded = unicodedata.normalize("NFKC", key)
    return "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cf", "Cc")).strip().lower()


def keys_in_another_form(
    params: Mapping[str, Any], other_labels: Mapping[str, tuple[str, str]] | None = None
) -> list[Problem]:
    """A Problem for each key of the link that is one of ours (``TABLE``'s or ``other_labels``') written in another
    form: capitals (``LR``), full-width letters, an invisible character (``l\u200br``). Its value is not used (keys
    are exact, as the link the app writes has them), but a teacher's ``Lock=all`` must not fail without a word. A
    key that is none of ours in any form (``utm_source``) is left alone: other sites add such keys."""
    labels = {**{k.name: k.label for k in TABLE}, **(other_labels or {})}
    problems = []
    for written in params:
        meant = _key_form(written)
        if written in labels or meant not in labels:
            continue
        shown = repr(shortened(written))
        problems.append(
            named(
                meant,
                labels[meant],
                f"the link writes the key as {shown}, so its value was not used (keys are written exactly as the "
                "app writes them, in lower case)",
                f"リンクではキーが {shown} と書かれているため、その値は使っていません（キーはアプリが書くとおり"
                "小文字で書きます）",
            )
        )
    return problems


def repeated_keys(
    params: Mapping[str, Sequence[str]], other_labels: Mapping[str, tuple[str, str]] | None = None
) -> list[Problem]:
    """A Problem for each key of ours the link gives more than once with different values (``lock=W1&lock=lr``):
    only the last is used, as Streamlit reads a link, and a teacher's first lock must not vanish without a word.
    ``params`` holds every value of each key (``st.query_params.get_all``)."""
    labels = {**{k.name: k.label for k in TABLE}, **(other_labels or {})}
    problems = []
    for key, values in params.items():
        if key not in labels or len(values) < 2 or len(set(values)) < 2:
            continue
        last = repr(shortened(values[-1]))
        problems.append(
            named(
                key,
                labels[key],
                f"the link gives this key {len(values)} times with different values; only the last, {last}, was used",
                f"リンクにこのキーが {len(values)} 回、違う値で書かれています。使ったのは最後の {last} だけです",
            )
        )
    return problems


def scenario_from_query(
    params: Mapping[str, str | list[str]], base: dnn.Scenario | None = None
) -> tuple[dnn.Scenario, list[Problem]]:
    """The scenario a link holds and the problems of its keys (``read_query`` without the reduction/language)."""
    loaded = read_query(params, base)
    return loaded.scenario, list(loaded.problems)


def lang_from_query(params: Mapping[str, str | list[str]]) -> str | None:
    """The language a link asks for ("en" or "ja"), or None when it asks for none or an unknown one."""
    value = _text_value(params, LANG_PARAM)
    return value if value in LANGS else None


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for k, v in pairs:
        if k in doc:
            raise _DuplicateKeyError(k)
        doc[k] = v
    return doc


# A byte order mark names the encoding: Windows Notepad's "Unicode" is UTF-16 with one. UTF-32's marks go first (the
# little-endian one begins with UTF-16's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF8, "utf-8"),
)


def _decoded(data: bytes) -> str:
    """A file's text: UTF-8, or the encoding its byte order mark names; UnicodeDecodeError for anything else (a NUL
    byte included: JSON text in UTF-8 has none, UTF-16 without its mark has many)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    if b"\0" in data:
        raise UnicodeDecodeError("utf-8", data, data.index(b"\0"), data.index(b"\0") + 1, "NUL byte")
    return data.decode("utf-8")


# Python's json names what it expected in a programmer's English; a learner gets the reason in their own language.
_JSON_REASONS = (
    (
        "Expecting value",
        "a value is missing or is not JSON (text needs double quotes)",
        '値がないか、JSON の値ではありません（文字列は二重引用符 " で囲みます）',
    ),
    (
        "Expecting property name",
        "expected a key in double quotes (no comma before })",
        "二重引用符で囲んだキーが必要です（} の前にカンマは置けません）",
    ),
    ("Expecting ',' delimiter", "a comma is missing between two values", "値と値の間のカンマ（,）がありません"),
    ("Expecting ':' delimiter", "the colon after a key is missing", "キーの後のコロン（:）がありません"),
    ("Extra data", "there is more after the end of the object", "オブジェクトの終わりの後に余分な文字があります"),
    ("Unterminated string", "a text is not closed with a double quote", "文字列が二重引用符で閉じられていません"),
    (
        "Invalid control character",
        "a line break or control character inside a text (write \\n)",
        "文字列の中に改行や制御文字があります（\\n と書きます）",
    ),
    ("Invalid \\", "a backslash escape JSON does not know", "JSON にないバックスラッシュのエスケープがあります"),
    (
        "Unexpected UTF-8 BOM",
        "a second byte order mark (BOM) at the start",
        "先頭に BOM（バイト順マーク）が重なっています",
    ),
    ("Illegal trailing comma", "a comma before } or ]", "} や ] の前にカンマがあります"),
)


def _json_reason(msg: str) -> tuple[str, str]:
    """Python's json error ``msg`` as ": reason" in English and Japanese; nothing for one not in the table."""
    for start, en, ja in _JSON_REASONS:
        if msg.startswith(start):
            return f": {en}", f": {ja}"
    return "", ""


def _parse_json(data: str | bytes) -> tuple[Any, Problem | None]:
    """The JSON document in ``data`` or the one Problem that stops it from being read (never an exception)."""
    if len(data) > MAX_JSON_BYTES:
        return None, _file_problem(
            f"{len(data):,} bytes is too large for a scenario (at most {MAX_JSON_BYTES // 1024} KB)",
            f"{len(data):,} バイトはシナリオとして大きすぎます（最大 {MAX_JSON_BYTES // 1024} KB）",
        )
    try:
        text = _decoded(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None, _file_problem("not a text file (UTF-8 expected)", "テキストファイル（UTF-8）ではありません")
    try:
        doc = json.loads(
            text,
            parse_constant=_JsonConstant,
            parse_int=_json_int,
            parse_float=_json_float,
            object_pairs_hook=_object_without_duplicates,
        )
    except json.JSONDecodeError as e:
        reason_en, reason_ja = _json_reason(e.msg)
        return None, _file_problem(
            f"not valid JSON (line {e.lineno}, column {e.colno}{reason_en})",
            f"JSON として読めません（{e.lineno} 行 {e.colno} 列{reason_ja}）",
        )
    except RecursionError:
        return None, _file_problem(
            "lists or objects are nested too deeply for a scenario",
            "リストやオブジェクトの入れ子が深すぎます（シナリオではありません）",
        )
    except _DuplicateKeyError as e:
        shown = repr(_clip(e.key))
        return None, _file_problem(
            f"the key {shown} appears more than once; which one is meant is unclear",
            f"キー {shown} が 2 回以上あり、どれを使うか決められません",
        )
    except ValueError:  # any other value Python's json cannot represent (its words are a developer's)
        return None, _file_problem("not readable as JSON", "JSON として読めません")
    if not isinstance(doc, dict):
        return None, _file_problem("expected a JSON object {...}", "JSON オブジェクト {...} が必要です")
    lone = _SURROGATE.search(json.dumps(doc, ensure_ascii=False))  # json reads "\ud800" alone; the page cannot send it
    if lone is not None:
        escape = f"\\u{ord(lone.group()):04x}"
        return None, _file_problem(
            f"it holds the escape {escape}, which is half of a character's pair and no character alone",
            f"エスケープ {escape} があります。これは文字の組の片方だけで、1 つの文字になりません",
        )
    return doc, None


def json_document(data: str | bytes) -> dict[str, Any] | None:
    """The file's JSON object read by the scenario file's own rules (a number beyond floats, NaN or Infinity kept
    as written, see ``written_number``), or None when ``read_json`` refuses the file as a whole."""
    doc, problem = _parse_json(data)
    return None if problem is not None else doc


def written_number(value: Any) -> bool:
    """Whether ``value`` from ``json_document`` is a number the file wrote that no float holds (1e400, 1e-400, NaN),
    kept as its text so that a message quotes it as written."""
    return isinstance(value, (_JsonConstant, _JsonOverflow, _JsonUnderflow))


def _check_header(doc: dict[str, Any]) -> Problem | None:
    """Whether ``format`` and ``version`` say the file is a scenario this version can read (both optional, so a
    hand-written file of a few keys loads; then it needs at least one key of a scenario)."""
    if "format" in doc and doc["format"] != JSON_FORMAT:
        shown = _shown_json(doc["format"])
        return _file_problem(
            f"not a Backprop Lab scenario (its format is {shown}, expected {JSON_FORMAT!r})",
            f"Backprop Lab のシナリオではありません（format が {shown}、必要なのは {JSON_FORMAT!r}）",
        )
    if "version" in doc:
        version = doc["version"]
        if isinstance(version, float) and version.is_integer():
            version = int(version)  # 1.0 is the number 1, as a hand-written file or another JSON writer may put it
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            shown = _shown_json(version)
            return _file_problem(
                f"its version {shown} is not a version number (this app writes {JSON_VERSION})",
                f"version {shown} はバージョン番号ではありません（このアプリは {JSON_VERSION}）",
            )
        if version > JSON_VERSION:
            return _file_problem(
                f"saved by a newer Backprop Lab (file version {version}; this one reads version {JSON_VERSION})",
                f"新しい Backprop Lab で保存されています（ファイルのバージョン {version}、"
                f"このアプリが読めるのは {JSON_VERSION}）",
            )
    scenario_keys = [k.name for k in TABLE if k.in_json and k.part != "classroom"]
    # A hand-written file of only a recipe or only a teacher's keys loads too.
    if "format" not in doc and not any(k.name in doc for k in TABLE if k.in_json) and not OTHER_FILE_KEYS & set(doc):
        return _file_problem(
            f"no scenario in it (none of the keys {', '.join(scenario_keys)})",
            f"シナリオが入っていません（{', '.join(scenario_keys)} のどのキーもありません）",
        )
    return None


def read_json(data: str | bytes, base: dnn.Scenario | None = None) -> Loaded:
    """Read a scenario file written by ``scenario_to_json``, parsing it once; never raises.

    Files over 100 KB, broken JSON, documents that are not an object, another program's file (``format``), a
    later version's file (``version``) give one Problem for "file". Otherwise the keys are checked exactly like a
    link's, each bad key a Problem. A file loads whole or not at all: with any problem, the scenario is ``base``
    and the reduction None.
    """
    base = dnn.seed_scenario() if base is None else base
    doc, problem = _parse_json(data)
    problem = problem or _check_header(doc)
    if problem is not None:
        return Loaded(base, None, None, (problem,))
    file_keys = {k.name for k in TABLE if k.in_json}
    loaded = _read({k: v for k, v in doc.items() if k in file_keys}, base, _JSON)
    if loaded.problems:  # a file loads whole or not at all: what it holds belongs together
        return Loaded(base, None, None, loaded.problems)
    return loaded


def scenario_from_json(data: str | bytes, base: dnn.Scenario | None = None) -> tuple[dnn.Scenario, list[Problem]]:
    """The scenario a file holds and its problems (``read_json`` without the reduction)."""
    loaded = read_json(data, base)
    return loaded.scenario, list(loaded.problems)
