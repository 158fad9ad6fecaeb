"""The Data section of the Scenario screen (generate a data set from a recipe, or paste / upload CSV) and the
held-out scores on the Training screen. The numbers come from ``dnn.datasets``; the recipe travels in the link
through ``ui.session.state``."""

from __future__ import annotations

import numpy as np
import streamlit as st

import dnn
from dnn import datasets
from ui.figures.figures_play import samples_figure
from ui.session import state
from ui.session.shapes import scenario_with_data
from ui.text.i18n import current_lang, pick, tr
from ui.widgets.editors import whole_number_box
from ui.widgets.number_box import read_box

DATASET_NAMES: dict[str, tuple[str, str]] = {
    "xor": ("XOR (opposite quadrants)", "XOR（向かい合う象限）"),
    "circles": ("circles (a disc inside a ring)", "同心円（円の中と外側の輪）"),
    "moons": ("moons (two half circles)", "三日月（2 つの半円）"),
    "spiral": ("spiral (one arm per class)", "渦巻き（クラスごとに 1 本の腕）"),
    "blobs": ("blobs (one cluster per class)", "かたまり（クラスごとに 1 つの群れ）"),
}
DEFAULT = datasets.Recipe("spiral", n=200, noise=0.1, data_seed=0, test=0.2)
_WHOLE_BOXES = {  # the form's whole-number boxes: key → (English label, Japanese label)
    "classes": ("Classes", "クラス数"),
    "n": ("Samples N (training + held out)", "サンプル数 N（学習用 + テスト用）"),
    "seed": ("Seed of the data", "データのシード"),
}
_CSV_SEED_LABEL = ("Seed of the draw", "選び方のシード")
_CSV_TEXT = "data_csv_text"
_CSV_FILE = "data_csv_file"


def _key(name: str) -> str:
    """A widget key that starts afresh when the scenario is replaced from elsewhere (undo, load, preset)."""
    return f"data_{name}_v{state.editor_version()}"


def _on_generate() -> None:
    ss = st.session_state
    wholes = {}
    for name in _WHOLE_BOXES:  # text boxes read by the app (1e2 is 100): a fraction is refused by its label
        wholes[name] = read_box(_key(name))
        if wholes[name] is None:
            return
    try:
        recipe = datasets.Recipe(
            data=ss[state.translated_key(_key("name"))],
            n=wholes["n"],
            noise=ss[_key("noise")],
            data_seed=wholes["seed"],
            test=ss[_key("test")] / 100,
            classes=wholes["classes"],
        )
    except dnn.ValidationError as e:
        state.flash(e.en, e.ja)
        return
    x, d = datasets.generate(recipe).train
    state.set_data_recipe(recipe)
    if state.change_scenario(lambda sc: scenario_with_data(sc, x, d)):
        name_en, name_ja = DATASET_NAMES.get(recipe.data, (recipe.data, recipe.data))
        state.flash(
            f"Generated {recipe.n} samples of {name_en}; the network now has 2 inputs and {recipe.classes} outputs.",
            f"{name_ja}のサンプルを {recipe.n} 個作りました。ネットワークは入力 2・出力 {recipe.classes} です。",
            kind="success",
        )


def _on_csv() -> None:
    ss = st.session_state
    upload = ss.get(_CSV_FILE)
    text = upload.getvalue() if upload is not None else ss.get(_CSV_TEXT, "")
    seed = read_box(_key("csv_seed"))
    if seed is None:
        return
    try:
        x, d = datasets.parse_csv(text)
        own = datasets.OwnData(x, d, test=ss[_key("csv_test")] / 100, data_seed=seed)
    except dnn.ValidationError as e:
        state.flash(e.en, e.ja)  # the scenario stays; the pasted text stays in its box
        return
    data = own.data
    held = int(data.held_out.sum())
    state.set_data_recipe(own if held else None)
    if state.change_scenario(lambda sc: scenario_with_data(sc, *data.train)):
        samples = "sample" if len(x) == 1 else "samples"
        state.flash(
            f"Loaded {len(x)} {samples} with {x.shape[1]} inputs and {d.shape[1]} outputs"
            + (f"; {held} held out for testing ({_how_drawn(data, 'en')})." if held else "."),
            f"入力 {x.shape[1]}・出力 {d.shape[1]} のサンプルを {len(x)} 個読み込みました"
            + (f"（テスト用 {held} 個、{_how_drawn(data, 'ja')}）。" if held else "。"),
            kind="success",
        )
        if own.test and not held:  # the share asked for rounds to no sample: say so, not as if it were applied
            percent = round(own.test * 100)
            state.flash(
                f"{percent} % of {len(x)} {samples}"
                + (" (counted in every class alike)" if data.stratified else "")
                + " rounds to none, so no sample is held out: every sample trains. More samples, or a larger share, "
                "hold some out.",
                f"{len(x)} 個の {percent} %"
                + ("（クラスごとに数えます）" if data.stratified else "")
                + "は 0 個になるため、テスト用に取り分けたサンプルはありません（全サンプルで学習します）。"
                "サンプルを増やすか割合を大きくすると取り分けられます。",
                kind="warning",
            )


def _how_drawn(data: datasets.DataSet, lang: str) -> str:
    """How the held-out samples were chosen, in words: from every class alike, or at random from all."""
    if data.stratified:
        return pick(lang, "the same share of every class", "どのクラスからも同じ割合")
    return pick(lang, "drawn at random: the targets are not classes", "目標出力がクラスではないので無作為に選択")


def data_section(sc: dnn.Scenario) -> None:
    """Where x and d come from: a generated data set (its recipe in the link) or your own CSV."""
    recipe = state.data_recipe()
    lang = current_lang()
    if recipe is not None:
        held = int(datasets.generate(recipe).held_out.sum())
        st.caption(
            tr(
                f"Now: {DATASET_NAMES[recipe.data][0]}, {recipe.n} samples: {recipe.n - held} to train on, {held} "
                "held out.",
                f"いまのデータ: {DATASET_NAMES[recipe.data][1]}、{recipe.n} サンプル（学習用 {recipe.n - held}、"
                f"テスト用 {held}）。",
            )
        )
    own = state.own_data()
    if own is not None:
        held = int(own.data.held_out.sum())
        n = len(own.x)
        st.caption(
            tr(
                f"Now: your own data, {n} samples: {n - held} to train on, {held} held out "
                f"({_how_drawn(own.data, 'en')}).",
                f"いまのデータ: 自分のデータ、{n} サンプル（学習用 {n - held}、テスト用 {held}。"
                f"{_how_drawn(own.data, 'ja')}）。",
            )
        )
    shown = recipe or DEFAULT
    generate_tab, csv_tab = st.tabs(
        [tr("Generate a data set", "データセットを作る"), tr("Your own data (CSV)", "自分のデータ（CSV）")]
    )
    with generate_tab, st.form(_key("form"), border=False, enter_to_submit=False):
        name_col, classes_col = st.columns([2, 1])
        name_col.selectbox(
            tr("Data set (two inputs)", "データセット（入力 2 つ）"),
            datasets.DATASETS,
            index=datasets.DATASETS.index(shown.data),
            format_func=lambda k: pick(lang, *DATASET_NAMES[k]),
            key=state.translated_key(_key("name")),
        )
        with classes_col:  # whole-number boxes that read 1e2 as 100 (Streamlit's integer box made it 1)
            whole_number_box(
                _WHOLE_BOXES["classes"],
                datasets.MIN_CLASSES,
                datasets.MAX_CLASSES,
                shown.classes,
                key=_key("classes"),
                help=tr(
                    "Spiral and blobs only; the others have two classes.",
                    "渦巻きとかたまりのみ。ほかは 2 クラスです。",
                ),
            )
        n_col, seed_col = st.columns(2)
        with n_col:
            whole_number_box(_WHOLE_BOXES["n"], 4, dnn.LIMITS["max_samples"], shown.n, key=_key("n"))
        with seed_col:
            whole_number_box(_WHOLE_BOXES["seed"], 0, datasets.MAX_SEED, shown.data_seed, key=_key("seed"))
        noise_col, test_col = st.columns(2)
        noise_col.slider(tr("Noise", "ノイズ"), 0.0, datasets.MAX_NOISE, shown.noise, 0.01, key=_key("noise"))
        test_col.slider(
            tr("Held out for testing (%)", "テスト用に取り分ける割合（%）"),
            0,
            int(datasets.MAX_TEST * 100),
            round(shown.test * 100),
            1,
            key=_key("test"),
            help=tr(
                "These samples are never trained on; the Training screen shows the loss on them next to the "
                "training loss.",
                "これらのサンプルでは学習しません。学習ページで、学習用の誤差と並べてその誤差を示します。",
            ),
        )
        st.form_submit_button(
            tr("Use this data set", "このデータセットを使う"), icon=":material/scatter_plot:", on_click=_on_generate
        )
    with csv_tab:
        st.caption(
            tr(
                "A header row, then one sample per row: columns x1, x2, … then d1, d2, … (targets), or x1, x2, … "
                "and one label column of class numbers 0, 1, 2, … (label 0 is class 1, the output y1). At most 256 "
                "samples, 8 inputs, 8 outputs, 100 KB.",
                "1 行目は見出し、そのあと 1 行に 1 サンプル: 列は x1, x2, … のあとに d1, d2, …（目標出力）、"
                "または x1, x2, … と label 列（クラス番号 0, 1, 2, …。label 0 がクラス 1、出力 y1）。"
                "サンプル 256・入力 8・出力 8・100 KB まで。",
            )
        )
        st.text_area(
            tr("Paste CSV", "CSV を貼り付け"), key=_CSV_TEXT, height=120, placeholder="x1,x2,label\n0.5,-1,0\n1,2,1"
        )
        st.file_uploader(tr("…or upload a CSV file", "…または CSV ファイルを選ぶ"), type=["csv", "txt"], key=_CSV_FILE)
        test_col, seed_col = st.columns(2)
        test_col.slider(
            tr("Held out for testing (%)", "テスト用に取り分ける割合（%）"),
            0,
            int(datasets.MAX_TEST * 100),
            round(own.test * 100) if own is not None else 0,
            1,
            key=_key("csv_test"),
            help=tr(
                "These samples are never trained on; the Training screen shows the loss on them next to the "
                "training loss. With class targets (a label column, or d of 0s and 1s with one 1 a row) the same "
                "share of every class is held out; with other targets the samples are drawn at random.",
                "これらのサンプルでは学習しません。学習ページで、学習用の誤差と並べてその誤差を示します。"
                "目標出力がクラス（label 列、または各行に 1 がひとつの 0 と 1 の d）なら、どのクラスからも同じ割合を"
                "取り分けます。それ以外の目標出力では無作為に選びます。",
            ),
        )
        with seed_col:  # a whole-number box that reads 1e2 as 100 (Streamlit's integer box made it 1)
            whole_number_box(
                _CSV_SEED_LABEL,
                0,
                datasets.MAX_SEED,
                own.data_seed if own is not None else 0,
                key=_key("csv_seed"),
                help=tr(
                    "Which samples are held out: the same seed holds out the same samples.",
                    "どのサンプルを取り分けるかを決めます。同じシードなら同じサンプルです。",
                ),
            )
        st.button(
            tr("Use this data", "このデータを使う"), icon=":material/upload:", on_click=_on_csv, key="data_csv_use"
        )
    if sc.x.shape[1] == 2:
        figure = samples_figure(sc.x, sc.d, lang, held_out=state.held_out())
        st.plotly_chart(figure, config={"displayModeBar": False}, key="data_samples")


def held_out_scores(history: dnn.History) -> None:
    """On Training: the loss (and accuracy) on the training samples and on the held-out ones, after the run."""
    test = state.held_out()
    if test is None:
        return
    net = history.network
    train = datasets.scores(net, history.x, history.d)
    held = datasets.scores(net, *test)
    after = tr(f"E after step {history.last_step:,}", f"ステップ {history.last_step:,} の後の誤差 E")
    cols = st.columns(3)  # the training loss itself is the summary's "E after step N" above
    cols[0].metric(
        tr("Held-out loss", "テスト用の誤差"),
        f"{held.loss:.4g}",
        help=tr(
            f"The same loss on samples the network never trained on; the training loss is “{after}” above. When "
            "the held-out loss rises while the training loss falls, the network learns the training samples rather "
            "than the pattern.",
            f"学習に使っていないサンプルでの同じ誤差です（学習用の誤差は上の「{after}」）。学習用の誤差が下がるのに"
            "これが上がるなら、ネットワークはパターンではなく学習用サンプルそのものを覚えています。",
        ),
    )
    if train.accuracy is not None and held.accuracy is not None:
        cols[1].metric(tr("Training accuracy", "学習用の正解率"), f"{train.accuracy:.0%}")
        cols[2].metric(tr("Held-out accuracy", "テスト用の正解率"), f"{held.accuracy:.0%}")


def held_out_curve(history: dnn.History, steps: np.ndarray) -> np.ndarray | None:
    """The held-out loss at ``steps`` of the run, None when nothing is held out."""
    test = state.held_out()
    if test is None:
        return None
    return datasets.loss_at_steps(history.params_at(steps), history.start, *test)
