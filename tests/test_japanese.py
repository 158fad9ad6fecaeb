"""The Japanese on screen uses the course's words (docs/glossary.md), full-width parentheses, and no space between
two pieces of Japanese text.

The Japanese strings are found in the source of ui/, pages/ and app.py by ``docs/ja_text.py`` (which also rewrites
half-width parentheses: ``python docs/ja_text.py --fix FILE``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docs.ja_text import SPACE_BETWEEN, half_width_japanese, japanese_strings

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])

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
}


def test_the_scanner_finds_japanese_strings_and_skips_english_ones():
    sample = ROOT / "ui" / "explain.py"
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
