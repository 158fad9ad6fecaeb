"""dnn.quiz without Streamlit: the true values against the notebook's printout and a re-implementation written here,
the checking rule, the answer parser (Japanese input habits, garbage), the hand-computable seeded scenarios, the
link keys and the worksheets (their answers read back and compared with independent values)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import dnn
from dnn import quiz
from ui.session import quiz_link
from ui.text import quiz_sheet
from ui.text.plain import plain

# ---------------------------------------------------------------- an independent re-implementation


def reference(sc: dnn.Scenario, reduction: str) -> dict[str, np.ndarray]:
    """Every quiz quantity written out again from the textbook formulas (not calling dnn's math)."""
    net = sc.network
    W1, b1, W2, b2 = (np.array(a, dtype=float) for a in (net.W1, net.b1, net.W2, net.b2))
    x, d = np.array(sc.x, dtype=float), np.array(sc.d, dtype=float)
    n = len(x)
    u1 = x @ W1 + b1
    f, df = {
        "relu": (lambda u: np.maximum(u, 0), lambda u: (u > 0).astype(float)),
        "sigmoid": (lambda u: 1 / (1 + np.exp(-u)), lambda u: np.exp(-u) / (1 + np.exp(-u)) ** 2),
        "tanh": (np.tanh, lambda u: 1 / np.cosh(u) ** 2),
        "identity": (lambda u: u, np.ones_like),
    }[net.hidden]
    z1 = f(u1)
    u2 = z1 @ W2 + b2
    if net.output == "softmax":
        y = np.exp(u2) / np.exp(u2).sum(axis=1, keepdims=True)
        E = -np.sum(d * np.log(y)) / n
    elif net.output == "sigmoid":
        y = 1 / (1 + np.exp(-u2))
        E = -np.sum(d * np.log(y) + (1 - d) * np.log(1 - y)) / n
    else:
        y = u2
        E = 0.5 * np.sum((y - d) ** 2) / n
    delta2 = (y - d) / (n if reduction == "mean" else 1)
    gW2 = np.einsum("sj,sk->jk", z1, delta2)
    delta1 = np.einsum("sk,jk->sj", delta2, W2) * df(u1)
    gW1 = np.einsum("si,sj->ij", x, delta1)
    gb1, gb2 = delta1.sum(axis=0), delta2.sum(axis=0)
    return {
        "u1": u1,
        "z1": z1,
        "u2": u2,
        "y": y,
        "E": np.array(E),
        "delta2": delta2,
        "gb2": gb2,
        "gW2": gW2,
        "delta1": delta1,
        "gb1": gb1,
        "gW1": gW1,
        "W1_new": W1 - sc.lr * gW1,
        "b1_new": b1 - sc.lr * gb1,
        "W2_new": W2 - sc.lr * gW2,
        "b2_new": b2 - sc.lr * gb2,
    }


def two_sample(hidden: str, output: str) -> dnn.Scenario:
    net = dnn.Network(
        W1=[[0.2, -0.4, 0.7], [0.5, 0.1, -0.3]],
        b1=[0.1, -0.2, 0.05],
        W2=[[0.3, -0.6], [0.8, 0.2], [-0.5, 0.4]],
        b2=[0.1, -0.1],
        hidden=hidden,
        output=output,
    )
    d = [[0.0, 1.0], [1.0, 0.0]] if output != "identity" else [[0.5, -1.0], [2.0, 0.3]]
    return dnn.Scenario(network=net, x=[[1.0, 2.0], [-1.5, 0.5]], d=d, lr=0.1)


SCENARIOS = {
    "notebook": dnn.seed_scenario(),
    "seed 3": quiz.quiz_scenario(3),
    "sigmoid/sigmoid N=2": two_sample("sigmoid", "sigmoid"),
    "tanh/identity N=2": two_sample("tanh", "identity"),
    "identity/softmax N=2": two_sample("identity", "softmax"),
}


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("label", list(SCENARIOS))
def test_true_values_equal_an_independent_computation(label, reduction):
    sc = SCENARIOS[label]
    got, want = quiz.true_values(sc, reduction), reference(sc, reduction)
    assert tuple(got) == quiz.ORDER == tuple(want)
    for name in quiz.ORDER:
        np.testing.assert_allclose(got[name], want[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_true_values_match_the_notebooks_printout():
    v = quiz.true_values(dnn.seed_scenario(), "sum")
    np.testing.assert_allclose(v["y"], [[0.08706577, 0.91293423]], atol=5e-9)
    np.testing.assert_allclose(v["delta1"], [[-0.02611973] * 3], atol=5e-9)
    np.testing.assert_allclose(v["gW2"][2], [0.33084994, -0.33084994], atol=5e-9)
    np.testing.assert_allclose(v["W1_new"], [[0.1002612, 0.3002612, 0.5002612], [0.20130599, 0.40130599, 0.60130599]])


def test_before_follows_the_notebooks_order():
    issue_names = "u1 z1 u2 y E delta2 gb2 gW2 delta1 gb1 gW1 W1_new b1_new W2_new b2_new"  # the issue's link names
    assert " ".join(quiz.ORDER) == issue_names
    assert quiz.before("u1") == ()
    assert quiz.before("delta1") == ("u1", "z1", "u2", "y", "E", "delta2", "gb2", "gW2")
    for name, q in quiz.QUANTITIES.items():  # what a quantity is computed from comes before it
        for need in q.needs:
            assert need not in quiz.QUANTITIES or need in quiz.before(name), (name, need)


def test_cells_are_row_major_and_named_by_units():
    sc = two_sample("relu", "softmax")
    v = quiz.true_values(sc)
    assert [c.label for c in quiz.cells("delta1", (1, 3))] == ["δ1 · h1", "δ1 · h2", "δ1 · h3"]
    assert [c.label for c in quiz.cells("delta1", v["delta1"].shape)][:4] == [
        "δ1 · #1, h1",
        "δ1 · #1, h2",
        "δ1 · #1, h3",
        "δ1 · #2, h1",
    ]
    assert [c.label for c in quiz.cells("gW1", v["gW1"].shape)][:4] == [
        "∂E/∂W1 · x1, h1",
        "∂E/∂W1 · x1, h2",
        "∂E/∂W1 · x1, h3",
        "∂E/∂W1 · x2, h1",
    ]
    assert [c.label for c in quiz.cells("E", ())] == ["E"]
    assert [c.label for c in quiz.cells("b2_new", (2,), "ja")] == ["更新後の b2 · y1", "更新後の b2 · y2"]
    assert [(c.row, c.col) for c in quiz.cells("W2_new", (3, 2))] == [(r, c) for r in range(3) for c in range(2)]


# ---------------------------------------------------------------- the rule


def third_digit_unit(t: float) -> float:
    return 10.0 ** (math.floor(math.log10(abs(t))) - 2)


@pytest.mark.parametrize("label", list(SCENARIOS))
def test_rule_true_and_3_digit_answers_pass_a_third_digit_change_fails(label):
    values = reference(SCENARIOS[label], "mean")
    checked = 0
    for name in quiz.ORDER:
        for t in np.atleast_1d(values[name]).ravel():
            assert quiz.is_right(t, t)
            assert quiz.is_right(float(f"{t:.3g}"), t), (name, t)  # 3 significant digits, rounded
            assert quiz.is_right(float(f"{t:.6g}"), t), (name, t)
            if abs(t) < 1e-6:
                continue
            unit = third_digit_unit(t)
            assert not quiz.is_right(t + unit, t), (name, t)
            assert not quiz.is_right(t - unit, t), (name, t)
            checked += 1
    assert checked > 20


def test_rule_examples():
    assert quiz.is_right(-0.0261, -0.02611973)
    assert not quiz.is_right(-0.0262, -0.02611973)  # the issue's 5e-4·max(1,|t|) would let this pass
    assert quiz.is_right(0.1, 0.1002612)  # the notebook's η = 0.01 moves W1 below 3 digits: hence η = 0.5 in quizzes
    assert quiz.is_right(0, 0) and quiz.is_right(0, 4e-7) and not quiz.is_right(0, 1e-5)
    assert quiz.is_right(123.0, 123.4) and not quiz.is_right(124.0, 123.4)
    assert quiz.is_right(0.105, 0.1045)  # an exactly rounded decimal stays right despite binary floats


# ---------------------------------------------------------------- the parser


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("0.5", 0.5),
        ("-0.0261", -0.0261),
        ("０．５", 0.5),  # full-width digits and point
        ("−０．０２６１", -0.0261),  # U+2212 minus sign
        ("－１．２", -1.2),  # full-width hyphen-minus
        ("ー0.5", -0.5),  # the long-vowel mark a kana keyboard types for "-"
        ("０。５", 0.5),  # "。" typed for the decimal point
        ("- 0.5", -0.5),
        ("　0.25　", 0.25),  # full-width spaces around
        ("+3", 3.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1.2e-3", 1.2e-3),
        ("１．２Ｅ－３", 1.2e-3),
        ("1,234.5", 1234.5),  # a comma between groups of three: thousands
        ("１，２３４", 1234.0),
        ("−1,000,000", -1e6),
    ],
)
def test_parser_reads_japanese_input_habits(typed, value):
    assert quiz.parse_answer(typed, "δ1 · h2") == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "abc", "0,5", "0,123", "1,23", "12,3456", "nan", "inf", "-inf", "1e999", "1/3", "1 2", "++1", "0.5.1",
     "1e", "½", "0x10", "=1+1", "**1**", "1" * 41],
)  # fmt: skip
def test_parser_refuses_garbage_with_a_message_naming_the_cell(typed):
    with pytest.raises(dnn.ValidationError) as err:
        quiz.parse_answer(typed, "δ1 · h2")
    assert err.value.field == "δ1 · h2"
    assert err.value.en.startswith("δ1 · h2") and err.value.ja.startswith("δ1 · h2")
    assert err.value.en != err.value.ja


def test_parser_says_how_to_write_the_decimal_point():
    with pytest.raises(dnn.ValidationError) as err:
        quiz.parse_answer("0，5", "E")
    assert '"."' in err.value.en and "小数点" in err.value.ja


# ---------------------------------------------------------------- scenarios to do by hand


def test_quiz_scenarios_are_hand_computable():
    dead_seeds, alive_seeds = [], []
    for seed in range(0, 200):
        sc = quiz.quiz_scenario(seed)
        net = sc.network
        for a in (net.W1, net.b1, net.W2, net.b2):
            tenths = a * 10
            np.testing.assert_array_equal(tenths, np.round(tenths))  # one decimal
            assert np.all(np.abs(a) <= 0.5)
        np.testing.assert_array_equal(sc.x, np.round(sc.x))  # small whole numbers
        assert np.all((sc.x >= 1) & (sc.x <= 5))
        assert sorted(sc.d[0]) == [0.0, 1.0]
        assert (net.hidden, net.output, sc.lr, len(sc.x)) == ("relu", "softmax", 0.5, 1)
        u1 = sc.x @ net.W1 + net.b1
        assert np.all(np.abs(u1) > 0.05)  # never on ReLU's kink
        (dead_seeds if np.any(u1 < 0) else alive_seeds).append(seed)
    assert {s for s in dead_seeds if 1 <= s <= 30} and {s for s in alive_seeds if 1 <= s <= 30}
    sc = quiz.quiz_scenario(dead_seeds[0])
    v = reference(sc, "mean")
    dead = np.flatnonzero((sc.x @ sc.network.W1 + sc.network.b1)[0] < 0)
    assert np.all(v["delta1"][0, dead] == 0) and np.all(v["gW1"][:, dead] == 0)


def test_forgetting_the_sgd_step_is_wrong_in_every_quiz_scenario():
    for seed in range(1, 31):
        sc = quiz.quiz_scenario(seed)
        want = reference(sc, "mean")
        for p in ("W1", "b1", "W2", "b2"):
            old, new, grad = (np.ravel(a) for a in (sc.network.params()[p], want[f"{p}_new"], want[f"g{p}"]))
            for o, n, g in zip(old, new, grad, strict=True):
                assert quiz.is_right(o, n) == (abs(g) < 1e-12), (seed, p, o, n)


def test_rounding_noise_is_written_as_zero():
    sc = quiz.quiz_scenario(14)  # W2 has a row (-0.1, -0.1): δ1 of h2 is 0 up to rounding (δ2 sums to 0)
    values = quiz.true_values(sc)
    assert 0 < np.min(np.abs(values["delta1"])) < 1e-12
    lines = [quiz.worked_line("delta1", sc, values, "mean", c) for c in quiz.cells("delta1", (1, 3))]
    assert any(line.endswith("= 0") for line in lines)
    assert not any("e-1" in line for line in lines)


def test_seeds_give_the_same_numbers_everywhere_and_30_different_sheets():
    # pinned: numpy's default_rng(seed).integers is the same stream on every machine and numpy 2.x
    sc = quiz.quiz_scenario(1)
    np.testing.assert_array_equal(sc.network.W1 * 10, [[3, -2, 1], [3, 5, -1]])
    np.testing.assert_array_equal(sc.network.b1 * 10, [-3, 2, 0])
    np.testing.assert_array_equal(sc.network.W2 * 10, [[-1, -5], [0, 2], [3, 4]])
    np.testing.assert_array_equal(sc.network.b2 * 10, [-2, 1])
    np.testing.assert_array_equal(sc.x, [[5, 3]])
    np.testing.assert_array_equal(sc.d, [[0, 1]])
    assert quiz.quiz_scenario(30).x.tolist() == [[4.0, 4.0]]
    scenarios = [quiz.quiz_scenario(s) for s in range(1, 31)]
    assert all(quiz.quiz_scenario(s) == scenarios[s - 1] for s in range(1, 31))
    assert all(a != b for i, a in enumerate(scenarios) for b in scenarios[i + 1 :])


@pytest.mark.parametrize("seed", [-1, 1_000_001, 1.5, "3", True, None])
def test_quiz_scenario_refuses_bad_seeds(seed):
    with pytest.raises(dnn.ValidationError) as err:
        quiz.quiz_scenario(seed)
    assert err.value.field == "quiz_seed"


# ---------------------------------------------------------------- hints and worked lines


@pytest.mark.parametrize("label", list(SCENARIOS))
def test_hints_evaluate_to_the_true_value(label):
    """Each hint is the formula with the numbers filled in: evaluating it (as a learner's calculator would) gives
    the true value to the rule; the worked line ends in the value."""
    sc = SCENARIOS[label]
    values = quiz.true_values(sc, "mean")
    want = reference(sc, "mean")
    for name in quiz.ORDER:
        grid = quiz.as_grid(want[name])
        for cell in quiz.cells(name, values[name].shape):
            hint = quiz.expression(name, sc, values, "mean", cell)
            assert "=" not in hint
            py = hint.replace("·", "*").replace("²", "**2").replace("½", "0.5")
            got = eval(py, {"exp": math.exp, "log": math.log, "max": max, "tanh": math.tanh})
            assert quiz.is_right(got, grid[cell.row, cell.col]), (label, cell.label, hint)
            line = quiz.worked_line(name, sc, values, "mean", cell)
            assert line.startswith(f"{cell.label} = {hint} = ")
            assert quiz.is_right(float(line.rsplit("= ", 1)[1]), grid[cell.row, cell.col])


def test_formulas_name_the_scenarios_choices():
    net = two_sample("sigmoid", "identity").network
    assert "(y - d) / N" in quiz.formula("delta2", net, 2, "mean")[0]
    assert "/ N" not in quiz.formula("delta2", net, 2, "sum")[0].split("(")[0]
    assert quiz.formula("delta2", net, 1, "mean")[0] == "δ2 = ∂E/∂u2 = y - d"
    assert "z·(1 - z)" in quiz.formula("delta1", net, 1, "mean")[0]
    assert "二乗誤差" in quiz.formula("E", net, 1, "mean")[1]
    assert "max(0, u)" in quiz.formula("z1", dnn.seed_network(), 1, "mean")[0]
    for name in quiz.ORDER:
        en, ja = quiz.formula(name, net, 2, "mean")
        assert en and ja


# ---------------------------------------------------------------- link keys


def test_link_keys():
    assert quiz_link.read_link({"ask": "delta1"}) == (("delta1",), None, [])
    assert quiz_link.read_link({"ask": "u1, Y ,delta2,u1", "quiz_seed": "7"}) == (("u1", "y", "delta2"), 7, [])
    asks, seed, problems = quiz_link.read_link({"ask": "foo,delta1", "quiz_seed": "-1"})
    assert asks == ("delta1",) and seed is None
    assert [p.field for p in problems] == ["ask", "quiz_seed"]
    assert "foo" in problems[0].en and "foo" in problems[0].ja
    for bad in ("1e999", "1.5", "", "abc", "99999999", "1000001"):
        assert quiz_link.read_link({"quiz_seed": bad})[1] is None
        assert quiz_link.read_link({"quiz_seed": bad})[2][0].field == "quiz_seed"
    assert quiz_link.read_link({"ask": ""})[2][0].field == "ask"
    too_long = quiz_link.read_link({"ask": "x" * 5000})[2][0]
    assert too_long.en.startswith("quantities the quiz asks: the list is too long")
    assert too_long.ja.startswith("クイズで問う値: リストが長すぎるため使いません")
    assert quiz_link.link_params(quiz.ORDER, None) == {}
    assert quiz_link.link_params(("u1", "y"), 4) == {"ask": "u1,y", "quiz_seed": "4"}


def test_link_values_are_shown_as_text():
    hostile = "**b**[x](javascript:1)<script>$x$:red[y]"
    problem = quiz_link.read_link({"ask": hostile})[2][0]
    shown = plain(problem.en)  # what the page's link message shows (state._show_messages)
    # every Markdown, LaTeX and Streamlit-directive character is escaped with a backslash
    assert not re.search(r"(?<!\\)[*\[\]()<>$:]", shown)
    assert len(quiz_link.shortened("a" * 500)) < 30


# ---------------------------------------------------------------- worksheets


ASK_ALL = quiz.ORDER


def answers_from_markdown(key: str) -> list[list[tuple[str, float]]]:
    """Per sheet, (cell label, value) read back from the answer key's worked lines."""
    sheets = []
    for sheet in key.split("\n---\n"):
        rows = re.findall(r"^\| (.+?) \| `(.+) = ([^=`]+)` \|$", sheet, flags=re.M)
        sheets.append([(label, float(value)) for label, _, value in rows])
    return sheets


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_worksheet_answers_equal_independent_values(lang):
    specs = quiz_sheet.seed_sheets(1, 5)
    key = quiz_sheet.sheet_markdown(specs, ASK_ALL, "mean", lang, answers=True)
    sheets = answers_from_markdown(key)
    assert len(sheets) == 5
    for spec, rows in zip(specs, sheets, strict=True):
        want = reference(spec.scenario, "mean")
        expected = [
            (cell.label, quiz.as_grid(want[name])[cell.row, cell.col])
            for name in ASK_ALL
            for cell in quiz.cells(name, np.shape(want[name]), lang)
        ]
        assert [label for label, _ in rows] == [label for label, _ in expected]
        for (label, got), (_, true) in zip(rows, expected, strict=True):
            assert abs(got - true) <= 5e-6 * max(1.0, abs(true)), (spec.seed, label, got, true)


def test_worksheet_has_blanks_and_no_answers():
    specs = quiz_sheet.seed_sheets(3, 4)
    md = quiz_sheet.sheet_markdown(specs, ("delta1", "gW1"), "mean", "en")
    assert md.count("# Backprop Lab — worksheet (seed ") == 2
    assert md.count("| &nbsp; |") == 2 * (3 + 6)
    assert "| δ1 · h2 | &nbsp; |" in md and "| ∂E/∂W1 · x2, h3 | &nbsp; |" in md
    assert "`δ1 · h1 =" not in md  # no worked lines on the sheet
    assert "| δ2 |" in md  # δ2 comes before δ1 and is not asked: given
    assert "| δ1 |" not in md  # asked values are not given
    md = quiz_sheet.sheet_markdown(specs, ("delta2", "gW1"), "mean", "en")
    assert "| y |" in md and "| ∂E/∂b2 |" not in md  # ∂E/∂b2 would give δ2 away: only values before the first
    html = quiz_sheet.sheet_html(specs, ("delta1", "gW1"), "mean", "ja")
    assert "@media print" in html and "page-break-after: always" in html
    assert html.count('<section class="sheet">') == 2 and html.count('<td class="blank">') == 2 * (3 + 6)
    assert "演習シート" in html and 'lang="ja"' in html
    key_html = quiz_sheet.sheet_html(specs, ("delta1", "gW1"), "mean", "en", answers=True)
    assert "answer key" in key_html and 'class="blank"' not in key_html


def test_worksheet_for_a_large_scenario_asks_the_first_cells():
    net = dnn.random_network(8, 16, 8, seed=1)
    sc = dnn.Scenario(network=net, x=np.ones((10, 8)), d=np.tile(np.eye(8)[0], (10, 1)))
    md = quiz_sheet.sheet_markdown([quiz_sheet.SheetSpec(sc)], ("u1",), "mean", "en")
    assert md.count("| &nbsp; |") == quiz_sheet.MAX_SHEET_CELLS
    assert "first 48 of 160 cells" in md


def test_seed_sheets_are_capped():
    assert len(quiz_sheet.seed_sheets(1, 1000)) == quiz_sheet.MAX_SHEETS
    assert [s.seed for s in quiz_sheet.seed_sheets(5, 3)] == [3, 4, 5]
