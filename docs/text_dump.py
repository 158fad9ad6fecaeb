"""Every screen's words, in both languages, for a grid of scenarios, written into one text file to be read.

Run it from the repository's root::

    python docs/text_dump.py                 # the whole grid into docs/text_dump.txt (a few minutes)
    python docs/text_dump.py --quick out.txt # two scenarios only
    python docs/text_dump.py --only adam --pages app.py,pages/3_Training.py out.txt  # some scenarios, some screens

Each screen is opened under Streamlit's AppTest by a share link, as a learner's browser would open it, and
everything a learner reads is written down in page order: titles, headings, markdown, captions, alerts, metrics
(label, value, change, help), the labels, options and help of widgets, expander labels, table headers, and each
chart's title, axis titles, legend entries and hover templates. LaTeX is written as its source. Read the file as a
learner would, in both languages: a sentence that is false for these numbers or clumsy is a defect.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make dnn and ui importable
    sys.path.insert(0, str(ROOT))

from ui.widgets.pages_nav import existing_pages  # noqa: E402 (after the path is set)

PAGES: tuple[str, ...] = tuple(p.path for p in existing_pages())  # every screen, in the navigation's order
TWO_X, TWO_D = "1,5;2,-1", "0,1;1,0"  # two samples: the notebook's and one of the other class
BASELINE = "<baseline: the notebook, steps>"  # a widget-list entry that pins the notebook as Compare's baseline
CLICK = "click"  # a widget-list value: press the button with this key (once per entry)


@dataclass(frozen=True)
class Scenario:
    """One scenario of the grid: a name, the share link's keys, and widget choices made after opening."""

    name: str
    link: dict[str, str]
    widgets: tuple[tuple[str, object], ...] = ()


OVERFLOW = Scenario(
    "overflow: the Two samples preset, identity hidden, η = 100",
    {"x": "1,5;3,1", "d": TWO_D, "hidden": "identity", "lr": "100"},  # the Two samples preset
)


def grid(quick: bool = False) -> list[Scenario]:
    """Each output × each hidden with one sample; two samples with mean and sum; a dead unit, an overflow, the SGD
    preset, a jumping loss, one random sample per step, a pinned baseline for Compare. ``quick``: the notebook and
    two samples with the sum only."""
    two_sum = Scenario("two samples, sum", {"x": TWO_X, "d": TWO_D, "reduction": "sum"})
    if quick:
        return [Scenario("notebook", {}), two_sum]
    out: list[Scenario] = []
    for output in ("softmax", "sigmoid", "identity"):
        for hidden in ("relu", "sigmoid", "tanh", "identity"):
            out.append(Scenario(f"N=1 hidden={hidden} output={output}", {"hidden": hidden, "output": output}))
        for reduction in ("mean", "sum"):
            out.append(
                Scenario(
                    f"N=2 output={output} {reduction}",
                    {"x": TWO_X, "d": TWO_D, "output": output, "reduction": reduction},
                )
            )
    out += [
        Scenario("dead ReLU unit h3", {"W1": "0.1,0.3,0.1;0.2,0.4,-0.4"}),
        Scenario(
            "overflow: the Two samples preset, identity hidden, η = 100",
            {"x": "1,5;3,1", "d": TWO_D, "hidden": "identity", "lr": "100"},  # the Two samples preset
        ),
        Scenario("jumping loss: two samples, η = 10", {"x": TWO_X, "d": TWO_D, "lr": "10", "steps": "200"}),
        Scenario("SGD preset on Training", {}, (("train_source", "sgd"),)),
        Scenario("two samples, one random sample per step", {"x": TWO_X, "d": TWO_D}, (("train_stochastic", True),)),
        Scenario(
            "Compare: the notebook pinned, then η = 0.1 and an identity hidden layer",
            {"lr": "0.1", "hidden": "identity"},
            ((BASELINE, 1000),),
        ),
        # The update rules: the rule's section on Scenario, its step on Backprop, Training's inspector, Sweep's
        # comparison (switched on) and slow motion at its last phase.
        Scenario(
            "Adam, N=1, rules compared on Sweep, slow motion at the update",
            {"opt": "adam", "lr": "0.01", "steps": "100"},
            (("compare_rules_on", True), *(("slowmo_next", CLICK),) * 3),
        ),
        Scenario("Momentum, two samples, sum", {"x": TWO_X, "d": TWO_D, "opt": "momentum", "reduction": "sum"}),
        Scenario("AdaGrad, sigmoid output, tanh hidden", {"opt": "adagrad", "output": "sigmoid", "hidden": "tanh"}),
        Scenario(
            "RMSProp, identity output, one random sample per step",
            {"x": TWO_X, "d": TWO_D, "opt": "rmsprop", "output": "identity", "decay": "0.9"},
            (("train_stochastic", True),),
        ),
        # Generated data with a held-out share (Data on Home, held-out scores and Play on Training).
        Scenario(
            "generated spiral, 3 classes, 20 % held out, slow motion at δ1",
            {
                "data": "spiral",
                "n": "60",
                "noise": "0.1",
                "data_seed": "3",
                "test": "0.2",
                "classes": "3",
                "hidden": "tanh",
                "lr": "0.5",
                "steps": "300",
            },
            (("slowmo_next", CLICK), ("slowmo_next", CLICK)),
        ),
        Scenario("generated xor, nothing held out", {"data": "xor", "n": "40", "noise": "0.05", "steps": "200"}),
        # A teacher's link: a note, locks, hidden panels, the quiz's questions.
        Scenario(
            "teacher: note, lock W1 and η, hide gradcheck, ask u1,y",
            {"note": "Look at *h3* <b>today</b>", "lock": "W1,lr", "hide": "gradcheck", "ask": "u1,y"},
        ),
        Scenario("teacher: lock all", {"lock": "all", "note": "Only look."}),
    ]
    return out


# ---------------------------------------------------------------- what a learner reads on one screen


def _plotly_texts(spec: dict) -> Iterator[str]:
    layout = spec.get("layout", {})
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        yield f"[chart] {title['text']}"
    for key, axis in sorted(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            t = axis.get("title")
            text = t.get("text") if isinstance(t, dict) else t
            if text:
                yield f"[axis {key}] {text}"
        if key == "coloraxis":
            t = axis.get("colorbar", {}).get("title", {})
            if t.get("text"):
                yield f"[colorbar] {t['text']}"
    for ann in layout.get("annotations", []) or []:
        if ann.get("text"):
            yield f"[annotation] {ann['text']}"
    for menu in layout.get("updatemenus", []) or []:  # Play's buttons
        labels = [b.get("label") for b in menu.get("buttons", []) if b.get("label")]
        if labels:
            yield f"[buttons] {labels}"
    for slider in layout.get("sliders", []) or []:
        prefix = slider.get("currentvalue", {}).get("prefix")
        if prefix:
            yield f"[slider] {prefix}"
    for trace in spec.get("data", []):
        for field in ("name", "hovertemplate"):
            if trace.get(field):
                yield f"[trace {field}] {trace[field]}"
        cb = trace.get("colorbar", {}).get("title", {})
        if isinstance(cb, dict) and cb.get("text"):
            yield f"[colorbar] {cb['text']}"


TEXT_KINDS = ("markdown", "caption", "latex", "code", "title", "header", "subheader", "text", "success", "info",
              "warning", "error", "exception")  # fmt: skip


def _element_texts(el: object) -> Iterator[str]:
    kind = getattr(el, "type", type(el).__name__)
    proto = getattr(el, "proto", None)
    if kind in TEXT_KINDS:
        yield f"[{kind}] {el.value}"  # type: ignore[attr-defined]
    elif kind == "metric":
        yield f"[metric] {el.label} = {el.value} ({proto.delta}) help: {proto.help}"  # type: ignore[attr-defined]
    elif kind in ("dataframe", "arrow_data_frame", "table", "arrow_table"):
        try:
            frame = el.value  # type: ignore[attr-defined]
            yield f"[{kind} columns] {list(map(str, frame.columns))} rows: {list(map(str, frame.index))[:8]}"
            words = frame.select_dtypes(include=["object", "str"])  # cells of text (numbers are checked elsewhere)
            if not words.empty:
                yield f"[{kind} cells] {words.head(8).to_numpy().tolist()}"
        except Exception as exc:  # a table AppTest cannot decode is still worth a line
            yield f"[{kind}] (not decoded: {type(exc).__name__})"
    elif kind == "plotly_chart":
        yield from _plotly_texts(json.loads(proto.spec))
    elif proto is not None and hasattr(proto, "label"):
        parts = [f"[{kind}] {proto.label}"]
        options = list(getattr(proto, "options", []) or [])
        if options:
            parts.append(f"options: {options}")
        if getattr(proto, "help", ""):
            parts.append(f"help: {proto.help}")
        yield " | ".join(parts)


def _walk(node: object) -> Iterator[object]:
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for key in sorted(children):
            child = children[key]
            if getattr(child, "type", "") == "expander":
                yield child
            yield from _walk(child)
    else:
        yield node


def screen_texts(page: str, link: dict[str, str], lang: str, widgets: Iterable[tuple[str, object]] = ()) -> list[str]:
    """Everything a learner reads on ``page`` opened by ``link`` in ``lang``, in page order (sidebar last).

    Raises AssertionError naming the page when the screen shows an exception.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in {**link, "lang": lang}.items():
        at.query_params[k] = v
    if page != "app.py":
        at.switch_page(page)
    at.run()
    for key, value in widgets:
        if key == BASELINE:  # pin the notebook's scenario as Compare's baseline (session state, as the button does)
            import dnn

            at.session_state["baseline"] = dnn.seed_scenario().replace(steps=int(value))
            at.run()
            continue
        try:
            widget = at.get_by_key(key) if hasattr(at, "get_by_key") else None
        except Exception:
            widget = None
        if widget is not None and value == CLICK and hasattr(widget, "click"):
            widget.click()
            at.run()
        elif widget is not None and hasattr(widget, "set_value"):
            widget.set_value(value)
            at.run()
    if at.exception:
        raise AssertionError(f"{page} ({lang}, {link}): {[e.value for e in at.exception]}")
    lines: list[str] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            if getattr(node, "type", "") == "expander":
                lines.append(f"[expander] {node.label}")  # type: ignore[attr-defined]
                continue
            lines.extend(_element_texts(node))
    return lines


def dump(scenarios: list[Scenario], out: Path, pages: Iterable[str] = PAGES) -> int:
    """Write every screen's text for ``scenarios`` in English and Japanese into ``out``; returns the line count."""
    pages = tuple(pages)
    written = 0
    with out.open("w", encoding="utf-8") as f:
        for sc in scenarios:
            for lang in ("en", "ja"):
                for page in pages:
                    f.write(f"\n==================== {sc.name} | {lang} | {page} | {sc.link}\n")
                    for line in screen_texts(page, sc.link, lang, sc.widgets):
                        f.write(line + "\n")
                        written += 1
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python docs/text_dump.py [--quick] [--only TEXT] [--pages A,B] [out]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "text_dump.txt"))
    parser.add_argument("--quick", action="store_true", help="two scenarios only")
    parser.add_argument("--only", default="", help="only the scenarios whose name contains this text")
    parser.add_argument("--pages", default="", help="comma-separated screens (e.g. app.py,pages/3_Training.py)")
    args = parser.parse_args(argv)
    scenarios = [sc for sc in grid(args.quick) if args.only.lower() in sc.name.lower()]
    pages = tuple(args.pages.split(",")) if args.pages else PAGES
    n = dump(scenarios, Path(args.out), pages)
    print(f"{n} lines written to {args.out}")


if __name__ == "__main__":
    main()
