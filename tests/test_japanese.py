"""The Japanese on screen uses the course's words (docs/glossary.md), full-width parentheses, and no space between
two pieces of Japanese text.

The Japanese strings are found in two ways: in the source of ui/, pages/ and app.py by ``docs/ja_text.py`` (which
also rewrites half-width parentheses: ``python docs/ja_text.py --fix FILE``), and at run time, as every screen passes
them to ``pick``/``tr`` for a few scenarios, so that text built by concatenation, by a conditional or from a table
(a ``help=`` put together from pieces) is checked as the learner reads it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from docs.ja_text import JA, SPACE_BETWEEN, half_width_japanese, japanese_strings

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])

# Variants that docs/glossary.md replaced by the course's word.
FORBIDDEN: dict[str, str] = {
    r"交差エントロピー(?!誤差)": "交差エントロピー誤差",
    r"2 値": "2値交差エントロピー誤差",
    r"サンプルについての勾配": "勾配のまとめ方（サンプル方向）",
    r"ちょうどの勾配": "正確な勾配",
    r"ひと目で": "概要",
    r"ガード": "log(0) を避けるための 1e-7",
    r"(?<!【)コメント(?!】)": "【コメント】",
    r"メモのとおり": "【コメント】のとおり",
    r"出力層 y": "出力ユニット y",
    r"中間層 h(?!\d)": "中間層ユニット h",
    r"倍だけ動き": "偏微分に η を掛けた分だけ逆向きに動きます",
    r"u[12] の偏微分|u[12] での偏微分": "u2 についての E の偏微分",
    r"損失": "誤差",
    r"逆伝搬|順伝搬": "誤差逆伝播 / 順伝播",
    r"学習係数": "学習率",
    r"隠れ層": "中間層",
    r"活性関数": "活性化関数",
    r"δ2: 出力層の誤差": "δ2: 出力層のデルタ（誤差は E）",
}


def test_the_scanner_finds_japanese_strings_and_skips_english_ones():
    sample = ROOT / "ui" / "text" / "explain.py"
    found = " ".join(t for _, t in japanese_strings(sample))
    assert "誤差逆伝播と数値微分は一致しています" in found
    assert "Backprop agrees" not in found
    assert half_width_japanese("中間層の総入力 u1(総入力1)") and not half_width_japanese("np.sum(y) は（合計）")
    assert half_width_japanese("x = [3, 1](d = [1, 0])を追加")
    assert SPACE_BETWEEN.search("交差エントロピー では") and SPACE_BETWEEN.search("飛び越えます。 softmax")
    assert not SPACE_BETWEEN.search("u1 ≤ 0 の総入力 2 個")


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_japanese_uses_the_glossarys_words(path: Path):
    bad = [
        f"line {line}: {pattern!r} → {word}: {text[:80]}"
        for line, text in japanese_strings(path)
        for pattern, word in FORBIDDEN.items()
        if re.search(pattern, text)
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_japanese_has_full_width_parentheses_and_no_stray_spaces(path: Path):
    bad = [f"line {line}: {g}" for line, text in japanese_strings(path) for g in half_width_japanese(text)]
    bad += [
        f"line {line}: space in {m.group(0)!r}"
        for line, text in japanese_strings(path)
        for m in SPACE_BETWEEN.finditer(text)
    ]
    assert not bad, "\n".join(bad)


def test_the_glossary_names_each_forbidden_variants_replacement():
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for word in ("総入力", "中間層出力", "目標出力", "交差エントロピー誤差", "二乗誤差", "偏微分", "勾配", "学習率",
                 "順伝播", "誤差逆伝播", "活性化関数", "恒等関数", "ユニット", "サンプル", "バッチ"):  # fmt: skip
        assert word in glossary, word


# ---------------------------------------------------------------- the Japanese the screens build at run time

# A few scenarios that between them reach every screen's conditional text: each output layer, several samples with
# the sum, each update rule's section, a generated data set with a held-out share, a teacher's note and locks.
RUNTIME_SCENARIOS: tuple[tuple[dict[str, str], tuple[tuple[str, object], ...]], ...] = (
    (
        {
            "output": "sigmoid",
            "hidden": "tanh",
            "x": "1,5;2,-1",
            "d": "0,1;1,0",
            "reduction": "sum",
            "opt": "momentum",
            "note": "h3",
            "lock": "W1,lr",
            "steps": "30",
        },
        (("train_stochastic", True), ("slowmo_next", "click")),
    ),
    (
        {
            "output": "identity",
            "hidden": "identity",
            "opt": "adam",
            "data": "spiral",
            "n": "20",
            "test": "0.2",
            "steps": "30",
        },
        (("compare_rules_on", True),),
    ),
    ({"lr": "100", "x": "1,5;3,1", "d": "0,1;1,0", "hidden": "identity", "steps": "80"}, ()),  # an overflow
)


@contextmanager
def recording_pick() -> Iterator[set[str]]:
    """Record the Japanese argument of every ``pick(lang, en, ja)`` (``tr`` calls it) while the block runs."""
    import ui
    from ui.text import i18n

    for module in pkgutil.iter_modules(ui.__path__):
        importlib.import_module(f"ui.{module.name}")
    original: Callable[[str, str, str], str] = i18n.pick
    seen: set[str] = set()

    def pick(lang: str, en: str, ja: str) -> str:
        seen.add(ja)
        return original(lang, en, ja)

    # ``from .i18n import pick`` copied the function into each module: replace every copy (pages import it anew).
    holders = [m for n, m in sys.modules.items() if n.split(".")[0] == "ui" and getattr(m, "pick", None) is original]
    for module in holders:
        module.pick = pick  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        for module in holders:
            module.pick = original  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def runtime_japanese() -> list[str]:
    """Every Japanese string the screens showed (or would show in Japanese) for ``RUNTIME_SCENARIOS``."""
    from docs.text_dump import PAGES, screen_texts

    with recording_pick() as seen:
        for link, widgets in RUNTIME_SCENARIOS:
            for page in PAGES:
                screen_texts(page, link, "ja", widgets)
    return sorted(t for t in seen if JA.search(t))


def test_the_runtime_recorder_sees_text_built_from_pieces(runtime_japanese: list[str]):
    """Training's "continue from here" help is put together by ``+`` from two literals when the rule is not SGD;
    the recorder sees the sentence whole."""
    assert len(runtime_japanese) > 300
    assert any(
        t.startswith("k ステップ後のパラメータを") and t.endswith("0 から始め直します。") for t in runtime_japanese
    )


def test_runtime_japanese_has_full_width_parentheses_and_no_stray_spaces(runtime_japanese: list[str]):
    bad = [f"{g}: {t[:90]}" for t in runtime_japanese for g in half_width_japanese(t)]
    bad += [f"space in {m.group(0)!r}: {t[:90]}" for t in runtime_japanese for m in SPACE_BETWEEN.finditer(t)]
    assert not bad, "\n".join(bad)


def test_runtime_japanese_uses_the_glossarys_words(runtime_japanese: list[str]):
    bad = [
        f"{pattern!r} → {word}: {t[:90]}"
        for t in runtime_japanese
        for pattern, word in FORBIDDEN.items()
        if re.search(pattern, t)
    ]
    assert not bad, "\n".join(bad)


def test_runtime_japanese_spaces_a_symbol_from_the_particle_after_it(runtime_japanese: list[str]):
    """A Latin or Greek symbol is followed by a space before Japanese ("学習率 η を", "y − d を"), as everywhere on
    the screens; the notebook's own 【コメント】, quoted in 「」, stay as written."""
    glued = re.compile(r"[A-Za-z\u0370-\u03ff][をがはにのでと]")
    bad = [f"{m.group(0)!r}: {t[:90]}" for t in runtime_japanese for m in glued.finditer(re.sub(r"「[^」]*」", "", t))]
    assert not bad, "\n".join(bad)
