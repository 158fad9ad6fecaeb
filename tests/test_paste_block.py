"""Pasting a whole matrix as text on the Scenario screen ("Paste a matrix"): applied only when the block's shape is
the matrix's, every unreadable cell named by its row and column, locked matrices not offered.

A grid's own paste cannot check this (Chromium drops the cells past a grid's edge before the app sees them).
Expected values are written by hand here, never taken from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

import dnn
from tests.test_home import scenario, start
from tests.test_hostile import unescape
from ui.widgets import editors
from ui.widgets.paste_block import MAX_CHARS, BlockError, read_block

SEED = dnn.seed_scenario()
W1 = editors.grid(SEED, "W1")  # 2 × 3: rows x1, x2; columns h1, h2, h3


@pytest.mark.parametrize(
    "text",
    [
        "1\t2\t3\n4\t5\t6\n",  # a spreadsheet's copy: tabs, and a newline after the last row
        "1\t2\t3\r\n4\t5\t6\r\n",  # the same from Windows
        "1,2,3;4,5,6",  # the share link's way
        "1, 2, 3\n4, 5, 6",
        "1 2 3\n4  5  6",
        "１，２，３；４，５，６",  # a Japanese keyboard's full-width digits and separators
        "\n\n1 2 3\n\n4 5 6\n\n",  # blank lines around and between the rows
    ],
)
def test_a_block_of_the_matrixs_shape_is_read_with_any_separators(text):
    np.testing.assert_array_equal(read_block(W1, text), [[1, 2, 3], [4, 5, 6]])


def test_each_cell_is_read_as_a_grid_cell_is():
    values = read_block(W1, "1e-3\t2.5E2\t−0.5\n10,000\t－０．２５\t.5")
    np.testing.assert_array_equal(values, [[0.001, 250, -0.5], [10_000, -0.25, 0.5]])


def test_the_grids_own_text_copied_back_keeps_full_precision():
    g = editors.grid(SEED.replace(network=SEED.network.replace(W1=np.full((2, 3), 1 / 3))), "W1")
    values = read_block(g, "0.3333\t0.3333\t0.3333\n0.3333\t0.3333\t7")
    assert values[0, 0] == 1 / 3 and values[1, 1] == 1 / 3 and values[1, 2] == 7


@pytest.mark.parametrize(
    ("text", "en", "ja"),
    [
        (
            "1 2 3 4\n5 6 7 8\n9 1 2 3",
            "W1 is 2 × 3; the pasted block is 3 × 4. Nothing changed.",
            "貼り付けたブロックは 3 × 4",
        ),
        ("1 2\n3 4", "W1 is 2 × 3; the pasted block is 2 × 2", "W1 は 2 × 3"),
        ("1 2 3", "the pasted block is 1 × 3", "1 × 3"),
        ("1 2 3\n4 5", "row 1 has 3 cells, row 2 has 2", "2 行目は 2 個"),
        ("", "The pasted block is empty", "空です"),
        ("  \n\t\n ", "The pasted block is empty", "空です"),
    ],
)
def test_a_block_of_another_shape_is_refused_with_both_shapes(text, en, ja):
    with pytest.raises(BlockError) as caught:
        read_block(W1, text)
    assert en in caught.value.en and ja in caught.value.ja


@pytest.mark.parametrize(
    ("text", "en", "ja"),
    [
        ("1 2 3\n4 abc 6", "row 2, column 2 (W1[x2, h2]): 'abc' is not a number", "2 行 2 列（W1[x2, h2]）"),
        ("1,,3;4,5,6", "row 1, column 2 (W1[x1, h2]) is empty", "1 行 2 列（W1[x1, h2]）が空です"),
        ("1 2 nan\n4 5 6", "row 1, column 3 (W1[x1, h3]) is nan", "有限の数"),
        ("1 2 3\n4 5 1e999", "row 2, column 3 (W1[x2, h3]): 1e999 is too large", "大きすぎます"),
        ("1\t1,5\t3\n4\t5\t6", "'1,5' is not a number (write decimals with a point", "小数は点で"),
    ],
)
def test_an_unreadable_cell_is_named_by_row_and_column(text, en, ja):
    with pytest.raises(BlockError) as caught:
        read_block(W1, text)
    assert en in caught.value.en and ja in caught.value.ja
    assert "Nothing changed" in caught.value.en and "何も変更していません" in caught.value.ja


def test_many_unreadable_cells_are_counted_after_the_first_five():
    with pytest.raises(BlockError) as caught:
        read_block(editors.grid(SEED, "x").__class__("x", np.zeros((4, 2)), list("abcd"), ["x1", "x2"]), "a b\n" * 4)
    assert caught.value.en.count("is not a number") == 5 and "and 3 more" in caught.value.en


def test_text_longer_than_any_matrix_is_refused_before_it_is_split():
    with pytest.raises(BlockError) as caught:
        read_block(W1, "1 " * (MAX_CHARS // 2 + 1))
    assert f"{MAX_CHARS:,}" in caught.value.en


# ---------------------------------------------------------------- on the Scenario screen


def paste(at, name: str, text: str):
    at.selectbox(key="paste_block_name").set_value(name)
    at.text_area(key="paste_block_text").input(text)
    at.button(key="paste_block_apply").click().run()
    assert not at.exception, at.exception
    return at


def shown(at, kind: str = "error") -> str:
    return " ".join(unescape(e.value) for e in getattr(at, kind))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_matching_block_becomes_the_matrix_and_the_link(lang):
    at = paste(start({"lang": lang}), "W1", "1e-3\t2\t3\n4\t5\t-6\n")
    np.testing.assert_array_equal(scenario(at).network.W1, [[0.001, 2, 3], [4, 5, -6]])
    assert at.query_params["W1"] == "0.001,2,3;4,5,-6"
    words = "W1 now holds the pasted 2 × 3 block" if lang == "en" else "W1 に貼り付けた 2 × 3 のブロックを入れました"
    assert words in shown(at, "success")
    assert at.text_area(key="paste_block_text").value == ""  # done: the box is empty for the next paste


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_larger_block_is_refused_with_both_shapes_and_nothing_changes(lang):
    block = "1\t2\t3\t4\n5\t6\t7\t8\n9\t1\t2\t3"
    at = paste(start({"lang": lang}), "W1", block)
    words = (
        "W1 is 2 × 3; the pasted block is 3 × 4. Nothing changed."
        if lang == "en"
        else "W1 は 2 × 3、貼り付けたブロックは 3 × 4 です。何も変更していません。"
    )
    assert words in shown(at)
    assert scenario(at) == SEED
    assert at.text_area(key="paste_block_text").value == block  # kept, to be corrected


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_block_with_a_bad_cell_is_refused_naming_the_cell(lang):
    at = paste(start({"lang": lang}), "b1", "0.5, x1, 0.7")
    words = (
        "row 1, column 2 (b1[h2]): 'x1' is not a number"
        if lang == "en"
        else "1 行 2 列（b1[h2]）: 'x1' は数値ではありません"
    )
    assert words in shown(at)
    assert scenario(at) == SEED


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_block_the_scenario_refuses_is_reported_and_nothing_changes(lang):
    at = paste(start({"lang": lang}), "d", "0.5 0.6")  # softmax targets must sum to 1
    assert at.error and scenario(at) == SEED


def test_x_and_d_of_several_samples_are_pasted_as_rows():
    at = start({"x": "1,5;3,1", "d": "0,1;1,0"})
    at = paste(at, "x", "0.5\t-1\n2\t3")
    np.testing.assert_array_equal(scenario(at).x, [[0.5, -1], [2, 3]])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_locked_matrix_is_not_offered_and_cannot_be_pasted(lang):
    at = start({"lock": "W1,d", "lang": lang})
    assert at.selectbox(key="paste_block_name").options == ["b1", "W2", "b2", "x"]
    at = paste(at, "b1", "1 2 3")  # the others can still be pasted
    np.testing.assert_array_equal(scenario(at).network.b1, [1, 2, 3])
    assert scenario(at).network.W1.tolist() == SEED.network.W1.tolist()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_everything_locked_leaves_no_paste_box(lang):
    at = start({"lock": "all", "lang": lang})
    assert not [t for t in at.text_area if t.key == "paste_block_text"]
    words = "The teacher locked every matrix." if lang == "en" else "先生がすべての行列を固定しています。"
    assert words in [c.value for c in at.caption]
