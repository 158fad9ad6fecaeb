"""Share links and JSON files for a scenario (no Streamlit here: the codec is plain functions, tested alone).

Link format (DESIGN.md), every key optional::

    ?W1=0.1,0.3,0.5;0.2,0.4,0.6&b1=0.1,0.2,0.3&W2=0.1,0.4;0.2,0.5;0.3,0.6&b2=0.1,0.2&x=1,5&d=0,1
     &lr=0.01&steps=1000&hidden=relu&output=softmax&lang=ja

plus ``reduction=sum`` when the gradient over the samples is the notebook's sum rather than the default mean (an
addition to DESIGN.md's keys: without it a shared link would show a different gradient than its sender saw).

Rows are separated by ``;``, values by ``,``; several samples in x and d are several rows. Numbers are written
with Python's shortest round-trip ``repr`` (0.1 stays "0.1" and reads back as exactly the same float).

Loading never raises: each bad key becomes a ``Problem`` naming the key and the reason, and everything else still
loads. When the keys are fine one by one but do not fit together (a W1 with 4 hidden units next to a b1 with 3),
the largest set of keys that validates as a whole is loaded and the others are reported.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import numpy as np

import dnn
from dnn.core import Reduction

from .i18n import pick
from .shapes import fit_data

ARRAY_KEYS: dict[str, int] = {"W1": 2, "b1": 1, "W2": 2, "b2": 1, "x": 2, "d": 2}  # key -> number of dimensions
NETWORK_KEYS: tuple[str, ...] = ("W1", "b1", "W2", "b2", "hidden", "output")
DATA_KEYS: tuple[str, ...] = ("x", "d")
KEYS: tuple[str, ...] = (*NETWORK_KEYS, *DATA_KEYS, "lr", "steps")  # the scenario's keys, in link order
LANG_PARAM = "lang"
REDUCTION_PARAM = "reduction"
REDUCTIONS: tuple[Reduction, ...] = ("mean", "sum")  # the gradient of the mean loss (default), the notebook's sum

# Size guards, checked before any number is parsed so an absurd link costs nothing.
MAX_ROWS: int = max(dnn.LIMITS["max_samples"], dnn.LIMITS["max_hidden"])
MAX_COLS: int = max(dnn.LIMITS["max_inputs"], dnn.LIMITS["max_hidden"], dnn.LIMITS["max_outputs"])
MAX_VALUE_CHARS = 64_000  # a full-precision 256 × 8 x is about 45,000 characters
MAX_SCALAR_CHARS = 64
MAX_JSON_BYTES = 100 * 1024
JSON_FORMAT = "backprop-lab/scenario"

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """Why one key of a link or file was not used: ``field`` is the key ("W1", "lr", ... or "file")."""

    field: str
    en: str
    ja: str

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return pick(lang, self.en, self.ja)


class _BadValueError(Exception):
    """One value that cannot be used (internal; becomes a Problem for its key)."""

    def __init__(self, en: str, ja: str) -> None:
        super().__init__(en)
        self.en, self.ja = en, ja


def _problem(key: str, en: str, ja: str) -> Problem:
    """A Problem whose messages start with the key (unless they already do)."""
    starts = re.compile(rf"{re.escape(key)}\b")
    return Problem(key, en if starts.match(en) else f"{key}: {en}", ja if starts.match(ja) else f"{key}: {ja}")


# ---------------------------------------------------------------- writing


def format_number(value: float) -> str:
    """Shortest text that reads back as exactly ``value``: repr(float), with "1.0" shortened to "1"."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def format_array(a: np.ndarray) -> str:
    """A vector as "v,v,v"; a matrix as rows joined by ";"."""
    rows = np.atleast_2d(a)
    return ";".join(",".join(format_number(v) for v in row) for row in rows)


def scenario_to_query(sc: dnn.Scenario, lang: str | None = None, reduction: Reduction = "mean") -> dict[str, str]:
    """The share link's parameters for a scenario, in link order; ``reduction`` is added only when it is not the
    default mean, ``lang`` only when it is not English."""
    net = sc.network
    params = {
        "W1": format_array(net.W1),
        "b1": format_array(net.b1),
        "W2": format_array(net.W2),
        "b2": format_array(net.b2),
        "x": format_array(sc.x),
        "d": format_array(sc.d),
        "lr": format_number(sc.lr),
        "steps": str(sc.steps),
        "hidden": net.hidden,
        "output": net.output,
    }
    if reduction != "mean":
        params[REDUCTION_PARAM] = reduction
    if lang and lang != "en":
        params[LANG_PARAM] = lang
    return params


def query_string(sc: dnn.Scenario, lang: str | None = None, reduction: Reduction = "mean") -> str:
    """The link's query string without "?", with ";" and "," left readable: ``W1=0.1,0.3;...&lr=0.01...``."""
    return urlencode(scenario_to_query(sc, lang, reduction), safe=",;")


def scenario_to_json(sc: dnn.Scenario, reduction: Reduction = "mean", extra: Mapping[str, Any] | None = None) -> str:
    """The scenario (and the gradient's reduction over samples) as a JSON document, one key per line; numbers keep
    full precision. ``extra``: keys written after them (a teacher's note, lock, hide and the quiz's ask)."""
    net = sc.network
    doc: dict[str, Any] = {
        "format": JSON_FORMAT,
        "version": 1,
        "W1": net.W1.tolist(),
        "b1": net.b1.tolist(),
        "W2": net.W2.tolist(),
        "b2": net.b2.tolist(),
        "x": sc.x.tolist(),
        "d": sc.d.tolist(),
        "lr": sc.lr,
        "steps": sc.steps,
        "hidden": net.hidden,
        "output": net.output,
        "reduction": reduction,
        **(extra or {}),
    }
    lines = [f"  {json.dumps(k)}: {json.dumps(v, separators=(',', ':'), allow_nan=False)}" for k, v in doc.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


# ---------------------------------------------------------------- reading one value


Where = tuple[str, str]  # a value's place, in English and Japanese: ("W1 (row 1, value 2)", "W1 の 1 行 2 番目の値")


def _not_finite(where: Where, shown: str) -> _BadValueError:
    return _BadValueError(
        f"{where[0]} is {shown}; only finite numbers are allowed (no nan or inf)",
        f"{where[1]}が {shown} です。有限の数だけが使えます(nan や inf は不可)",
    )


def _number_from_text(token: str, where: Where) -> float:
    """A finite float from link text, or _BadValueError saying what the text is instead."""
    token = token.strip()
    if not token:
        raise _BadValueError(f"{where[0]} is empty", f"{where[1]}が空です")
    if _NON_FINITE.fullmatch(token):
        raise _not_finite(where, token)
    if not _NUMBER.fullmatch(token):
        shown = token if len(token) <= 20 else token[:20] + "…"
        raise _BadValueError(f"{where[0]}: {shown!r} is not a number", f"{where[1]}: {shown!r} は数値ではありません")
    value = float(token)
    if not np.isfinite(value):
        raise _BadValueError(f"{where[0]}: {token} is too large", f"{where[1]}: {token} は大きすぎます")
    return value


def _number_from_json(value: Any, where: Where) -> float:
    """A finite float from a JSON value (true/false and strings are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        shown = json.dumps(value)[:20]
        raise _BadValueError(f"{where[0]}: {shown} is not a number", f"{where[1]}: {shown} は数値ではありません")
    value = float(value)
    if not np.isfinite(value):
        raise _not_finite(where, str(value))
    return value


def _place(key: str, i: int, j: int, n_rows: int) -> Where:
    """Where a value sits, counted from 1 as a person reads the link: "W1 (row 2, value 3)"."""
    if n_rows == 1:
        return f"{key} (value {j + 1})", f"{key} の {j + 1} 番目の値"
    return f"{key} (row {i + 1}, value {j + 1})", f"{key} の {i + 1} 行 {j + 1} 番目の値"


def _array(key: str, rows: Sequence[Sequence[Any]], convert: Callable[[Any, Where], float]) -> np.ndarray:
    """Rows of raw cells → a float array of ARRAY_KEYS[key] dimensions; checks the shape before the numbers."""
    ndim = ARRAY_KEYS[key]
    if not rows or (len(rows) == 1 and len(rows[0]) == 0):
        raise _BadValueError(f"{key} is empty", f"{key} が空です")
    if ndim == 1 and len(rows) > 1:
        raise _BadValueError(
            f"{key} is a vector: one row of values separated by ',' (it has {len(rows)} rows)",
            f"{key} はベクトルです。',' で区切った 1 行にしてください({len(rows)} 行あります)",
        )
    if len(rows) > MAX_ROWS:
        raise _BadValueError(
            f"{key} has {len(rows)} rows; at most {MAX_ROWS} are allowed",
            f"{key} の行数 {len(rows)} は多すぎます(最大 {MAX_ROWS})",
        )
    widths = sorted({len(r) for r in rows})
    if widths[-1] > MAX_COLS:
        raise _BadValueError(
            f"{key} has {widths[-1]} values in a row; at most {MAX_COLS} are allowed",
            f"{key} の 1 行の値の数 {widths[-1]} は多すぎます(最大 {MAX_COLS})",
        )
    if len(widths) > 1:
        lengths = ", ".join(map(str, widths))
        raise _BadValueError(
            f"{key} has rows of different lengths ({lengths}); every row needs the same number of values",
            f"{key} の行の長さがそろっていません({lengths})。どの行も同じ数の値にしてください",
        )
    values = [[convert(cell, _place(key, i, j, len(rows))) for j, cell in enumerate(r)] for i, r in enumerate(rows)]
    arr = np.array(values, dtype=np.float64)
    return arr[0] if ndim == 1 else arr


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
        raise _BadValueError(
            "must be a list of numbers or a list of rows", "は数値のリストか、行のリストでなければなりません"
        )
    if value and all(isinstance(r, list) for r in value):
        return value
    if any(isinstance(r, list) for r in value):
        raise _BadValueError("mixes numbers and rows", "に数値と行が混ざっています")
    return [value]


def _text_value(params: Mapping[str, str | list[str]], key: str) -> str | None:
    """The last value given for ``key`` (as Streamlit reads repeated keys), or None."""
    value = params.get(key)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return None if value is None else str(value)


def _check_choice(key: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        what_en = "hidden activation" if key == "hidden" else "output layer"
        what_ja = "中間層の活性化関数" if key == "hidden" else "出力層"
        shown = value[:20]
        raise _BadValueError(
            f"unknown {what_en} {shown!r}; choose one of {', '.join(choices)}",
            f"{what_ja} {shown!r} は使えません({', '.join(choices)} から選んでください)",
        )
    return value


def _check_scalar(key: str, value: float, base: dnn.Scenario) -> float | int:
    """lr and steps are checked by dnn's own rules (range, whole number), independent of the network."""
    if key == "steps" and value.is_integer():
        value = int(value)  # so a message shows 999999999999, not 999999999999.0
    try:
        return getattr(base.replace(**{key: value}), key)
    except dnn.ValidationError as e:
        raise _BadValueError(e.en, e.ja) from None


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


def _assemble(parsed: dict[str, Any], base: dnn.Scenario, problems: list[Problem]) -> dnn.Scenario:
    """The scenario from the keys that parsed, loading as much as validates as a whole."""
    parsed.setdefault("lr", base.lr)
    parsed.setdefault("steps", base.steps)
    net_keys = [k for k in NETWORK_KEYS if k in parsed]

    def build_net(keys: Sequence[str]) -> dnn.Network:
        return _network(parsed, keys, base.network)

    net, kept = _largest_valid(net_keys, build_net)
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


def _load(
    values: Mapping[str, Any],
    base: dnn.Scenario,
    rows_of: Callable[[Any], list[list[Any]]],
    number: Callable[[Any, Where], float],
    choice_of: Callable[[Any], str],
) -> tuple[dnn.Scenario, list[Problem]]:
    """Shared by links and JSON: parse each present key on its own, then assemble."""
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for key in KEYS:
        if key not in values:
            continue
        raw = values[key]
        try:
            if key in ARRAY_KEYS:
                parsed[key] = _array(key, rows_of(raw), number)
            elif key in ("hidden", "output"):
                choices = dnn.HIDDEN_ACTIVATIONS if key == "hidden" else dnn.OUTPUTS
                parsed[key] = _check_choice(key, choice_of(raw), choices)
            else:
                parsed[key] = _check_scalar(key, number(raw, (key, key)), base)
        except _BadValueError as bad:
            problems.append(_problem(key, bad.en, bad.ja))
    sc = _assemble(parsed, base, problems)
    return sc, sorted(problems, key=lambda p: KEYS.index(p.field) if p.field in KEYS else len(KEYS))


def scenario_from_query(
    params: Mapping[str, str | list[str]], base: dnn.Scenario | None = None
) -> tuple[dnn.Scenario, list[Problem]]:
    """Read a scenario from link parameters (e.g. ``st.query_params.to_dict()``); never raises.

    Missing keys keep ``base`` (default: the notebook's scenario); each bad key is reported as a Problem and the
    rest still loads. Unknown keys (and ``lang``) are ignored here.
    """
    base = dnn.seed_scenario() if base is None else base
    values: dict[str, str] = {}
    problems: list[Problem] = []
    for key in KEYS:
        text = _text_value(params, key)
        if text is None:
            continue
        limit = MAX_VALUE_CHARS if key in ARRAY_KEYS else MAX_SCALAR_CHARS
        if len(text) > limit:  # before any parsing: an absurd value costs nothing
            problems.append(
                Problem(
                    key,
                    f"{key} is too long ({len(text):,} characters; at most {limit:,})",
                    f"{key} が長すぎます({len(text):,} 文字、最大 {limit:,})",
                )
            )
            continue
        values[key] = text

    sc, more = _load(values, base, _rows_from_text, _number_from_text, str.strip)
    return sc, problems + more  # too-long keys first: they were refused before anything else


def lang_from_query(params: Mapping[str, str | list[str]]) -> str | None:
    """The language a link asks for ("en" or "ja"), or None when it asks for none or an unknown one."""
    value = _text_value(params, LANG_PARAM)
    return value if value in ("en", "ja") else None


def scenario_from_json(data: str | bytes, base: dnn.Scenario | None = None) -> tuple[dnn.Scenario, list[Problem]]:
    """Read a scenario from a JSON document written by ``scenario_to_json``; never raises.

    Files over 100 KB, broken JSON and documents that are not an object give one Problem for "file" and ``base``
    unchanged. Otherwise the keys are checked exactly like a link's.
    """
    base = dnn.seed_scenario() if base is None else base
    if len(data) > MAX_JSON_BYTES:
        return base, [
            Problem(
                "file",
                f"file: {len(data):,} bytes is too large for a scenario (at most {MAX_JSON_BYTES // 1024} KB)",
                f"file: {len(data):,} バイトはシナリオとして大きすぎます(最大 {MAX_JSON_BYTES // 1024} KB)",
            )
        ]
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        doc = json.loads(text)
    except UnicodeDecodeError:
        return base, [
            Problem("file", "file: not a text file (UTF-8 expected)", "file: テキストファイル(UTF-8)ではありません")
        ]
    except json.JSONDecodeError as e:
        return base, [
            Problem(
                "file",
                f"file: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})",
                f"file: JSON として読めません({e.lineno} 行 {e.colno} 列: {e.msg})",
            )
        ]
    if not isinstance(doc, dict):
        return base, [Problem("file", "file: expected a JSON object {...}", "file: JSON オブジェクト {...} が必要です")]

    def choice_of(value: Any) -> str:
        if not isinstance(value, str):
            raise _BadValueError(
                f"{json.dumps(value)[:20]} is not a name", f"{json.dumps(value)[:20]} は名前ではありません"
            )
        return value

    return _load(doc, base, _rows_from_json, _number_from_json, choice_of)


# ---------------------------------------------------------------- the gradient's reduction over samples


def _reduction(value: Any) -> Reduction:
    if value not in REDUCTIONS:
        shown = json.dumps(value)[:20] if not isinstance(value, str) else repr(value[:20])
        raise _BadValueError(
            f"unknown gradient over samples {shown}; choose mean (of the loss) or sum (the notebook's)",
            f"サンプルについての勾配 {shown} は使えません(mean(誤差の平均)か sum(ノートブックの合計)を選んでください)",
        )
    return value


def reduction_from_query(params: Mapping[str, str | list[str]]) -> tuple[Reduction | None, list[Problem]]:
    """The reduction a link asks for ("mean" or "sum"), None when it asks for none; a bad value is a Problem."""
    value = _text_value(params, REDUCTION_PARAM)
    if value is None:
        return None, []
    try:
        return _reduction(value.strip()), []
    except _BadValueError as bad:
        return None, [_problem(REDUCTION_PARAM, bad.en, bad.ja)]


def reduction_from_json(data: str | bytes) -> tuple[Reduction | None, list[Problem]]:
    """The reduction a scenario file names, None when it names none (files from before it was saved, or a file
    that ``scenario_from_json`` refuses anyway); a bad value is a Problem. Never raises."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, []
    if not isinstance(doc, dict) or REDUCTION_PARAM not in doc:
        return None, []
    try:
        return _reduction(doc[REDUCTION_PARAM]), []
    except _BadValueError as bad:
        return None, [_problem(REDUCTION_PARAM, bad.en, bad.ja)]
