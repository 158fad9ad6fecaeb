"""The sidebar every page shares: language, navigation, the scenario's share link, undo/reset/pin, the gradient
reduction, saving/loading the scenario as JSON and a worked example of one SGD step (Markdown) to download.
Drawn by ``ui.session.state.setup_page``; pages do not call it.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

import dnn
from ui.session import codec, data_codec, state, teacher
from ui.text.i18n import LANG_NAMES, LANGS, current_lang, pick, tr
from ui.text.worked_example import worked_example_markdown
from ui.widgets import teacher_view
from ui.widgets.pages_nav import existing_pages

# Widget keys. The widgets only edit canonical state (through callbacks), so it does not matter that Streamlit
# drops a widget's key on a page where it is not drawn.
_W_LANG = "w_sidebar_lang"
_W_REDUCTION = "w_sidebar_reduction"
_W_UPLOAD = "w_sidebar_upload"


def draw_sidebar() -> None:
    """Draw the whole sidebar for the current page."""
    with st.sidebar:
        st.markdown("### Backprop Lab")
        _language_switch()
        _navigation()
        st.divider()
        _scenario_actions()
        _reduction_choice()
        st.divider()
        _share_link()
        teacher_view.link_builder()
        _save_and_load()


def _language_switch() -> None:
    lang = current_lang()
    st.radio(
        "Language / 言語",
        LANGS,
        index=LANGS.index(lang),
        format_func=LANG_NAMES.__getitem__,
        horizontal=True,
        key=_W_LANG,
        on_change=lambda: state.set_lang(state.widget_value(_W_LANG)),
    )


def _navigation() -> None:
    for page in existing_pages():
        if page.screen and state.is_hidden(page.screen):
            continue  # the teacher hid it
        st.page_link(page.path, label=tr(page.en, page.ja), icon=page.icon)


def _scenario_actions() -> None:
    st.button(
        tr("Undo", "元に戻す"),
        icon=":material/undo:",
        on_click=state.undo,
        disabled=not state.can_undo(),
        key="sidebar_undo",
        width="stretch",
    )
    if state.teacher_scenario() is None:
        label = tr("Reset to notebook", "ノートブックの値に戻す")
        about = tr(
            "The course notebook's network, x, d and learning rate (undoable).",
            "講座のノートブックのネットワーク・x・d・学習率に戻します（元に戻せます）。",
        )
    else:
        label = tr("Reset to the teacher's scenario", "先生のシナリオに戻す")
        about = tr(
            "The scenario the teacher's link opened with (undoable).",
            "先生のリンクで開いたときのシナリオに戻します（元に戻せます）。",
        )
    st.button(
        label, icon=":material/restart_alt:", on_click=state.reset, key="sidebar_reset", width="stretch", help=about
    )
    pinned = state.baseline() is not None
    st.button(
        tr("Pin as baseline", "基準として固定"),
        icon=":material/push_pin:",
        on_click=state.pin_baseline,
        key="sidebar_pin",
        width="stretch",
        help=tr(
            "Keep the current scenario to compare later changes against"
            + (" (replaces the pinned one)." if pinned else "."),
            "いまのシナリオを比較の基準として残します" + ("（固定済みのものを置き換えます）。" if pinned else "。"),
        ),
    )


def _reduction_choice() -> None:
    lang = current_lang()  # format_func may run outside this run: fix the language now
    # A widget per language (its labels are translated) and per editor version: when a loaded file changes the
    # choice, a fresh widget starts from it (the browser keeps an old widget's value even if its state is deleted).
    key = state.translated_key(f"{_W_REDUCTION}_v{state.editor_version()}")
    st.radio(
        tr("Gradient over samples", "勾配のまとめ方（サンプル方向）"),
        state.REDUCTIONS,
        index=state.REDUCTIONS.index(state.reduction()),
        format_func=lambda r: {
            "mean": pick(lang, "mean (of the reported loss)", "平均（表示する誤差の勾配）"),
            "sum": pick(lang, "sum (the notebook's)", "合計（ノートブックの方式）"),
        }[r],
        key=key,
        on_change=lambda: state.set_reduction(state.widget_value(key)),
        disabled=state.is_locked("reduction"),
        help=tr(
            "The loss shown is the mean E over the N samples. **mean**: backprop divides δ2 = y − d by N, giving "
            "exactly the gradient of that mean loss. **sum**: the notebook's convention (`d_sigmoid_with_loss` "
            "does not divide): the gradient of E_sum = Σₙ Eₙ, N times larger. With one sample they are equal.",
            "表示する誤差は N 個のサンプルの平均 E です。**平均**: δ2 = y − d を N で割り、平均の誤差の正確な勾配に"
            "なります。**合計**: ノートブックの方式（`d_sigmoid_with_loss` は割らない）で、E_sum = Σₙ Eₙ の勾配、"
            "N 倍の大きさです。サンプルが 1 個なら同じです。",
        ),
    )


def _share_link() -> None:
    st.markdown(f"**{tr('Share link', '共有リンク')}**")
    url = state.share_url()
    with st.container(height=220, border=False):  # a big scenario makes a long link: scroll, not a tall sidebar
        st.code(url, language=None, wrap_lines=True)
    st.caption(
        tr(
            "Copy it (icon at the top right of the box): it opens this page with this scenario.",
            "右上のアイコンでコピー。このシナリオでこのページが開きます。",
        )
    )
    n = len(url)
    if n > codec.LINK_SERVER_CHARS:
        st.warning(
            tr(
                f"This link is {n:,} characters long: too long to open at all (the server refuses addresses over "
                f"about {codec.LINK_SERVER_CHARS:,} characters with an error). Share the scenario as a file "
                "instead: Save / load / export → Download scenario.",
                f"このリンクは {n:,} 文字あり、長すぎて開けません（サーバーは約 {codec.LINK_SERVER_CHARS:,} 文字を"
                "超えるアドレスをエラーで拒否します）。シナリオはファイルで共有してください: "
                "保存・読み込み・書き出し → シナリオをダウンロード。",
            ),
            icon=":material/link_off:",
        )
    elif n > codec.LINK_RELIABLE_CHARS:
        st.warning(
            tr(
                f"This link is {n:,} characters long. Browsers, chat apps and proxies reliably pass on links of "
                f"about {codec.LINK_RELIABLE_CHARS:,} characters; a longer one may arrive cut off. To be safe, share "
                "the scenario as a file: Save / load / export → Download scenario.",
                f"このリンクは {n:,} 文字あります。ブラウザー・チャット・プロキシが確実に通せるのは約 "
                f"{codec.LINK_RELIABLE_CHARS:,} 文字までで、長いリンクは途中で切れることがあります。"
                "確実に共有するにはファイルで: 保存・読み込み・書き出し → シナリオをダウンロード。",
            ),
            icon=":material/warning:",
        )


def _on_upload() -> None:
    """Load an uploaded JSON scenario; any problem and nothing changes."""
    file = state.widget_value(_W_UPLOAD)
    if file is None:
        return
    data = file.getvalue()
    loaded = codec.read_json(data, state.scenario())  # the scenario and the classroom's keys, one table
    problems = list(loaded.problems)
    sc = loaded.scenario
    recipe, recipe_problems = data_codec.recipe_from_json(data) if not problems else (None, [])
    problems += recipe_problems
    if recipe is not None and not problems:
        try:
            sc = data_codec.apply_recipe(sc, recipe)
        except dnn.ValidationError as e:
            problems.append(data_codec.problem("data", e.en, e.ja))
    own, own_problems = data_codec.own_data_from_json(data, sc) if recipe is None and not problems else (None, [])
    problems += own_problems
    if own is not None and not problems:
        try:
            sc = data_codec.apply_own_data(sc, own)
        except dnn.ValidationError as e:
            problems.append(data_codec.problem("held_out", e.en, e.ja))
    if not problems:  # a file that would change what the teacher locked is refused, key by key
        changes = state.locked_changes(sc)
        if loaded.reduction not in (None, state.reduction()) and state.is_locked("reduction"):
            changes.append("reduction")
        problems = teacher.locked_problems(changes, "this file", "このファイル")
    if problems:
        state.set_load_report("file", problems)
        return
    state.set_data_recipe(recipe or own)
    state.set_scenario(sc)
    # Files saved before the reduction was kept in them leave it as it is.
    reduction = loaded.reduction
    if reduction is not None and reduction != state.reduction():
        state.set_reduction(reduction)
        state.bump_editor_version()  # the sidebar's choice is drawn afresh from it
    keys = loaded.classroom
    state.add_teacher_keys(keys.note, keys.lock, keys.hide)
    if keys.ask or keys.quiz_seed is not None:
        from ui.screens import quiz  # here: the quiz module draws a screen and is needed only for this

        quiz.start(keys.ask or (), seed=keys.quiz_seed)  # no ask: every quantity
    state.flash(f"Loaded {file.name}.", f"{file.name} を読み込みました。", kind="success")


def _save_and_load() -> None:
    with st.expander(tr("Save / load / export", "保存・読み込み・書き出し"), icon=":material/save:"):
        st.download_button(
            tr("Download scenario", "シナリオをダウンロード"),
            data=state.scenario_file(teacher_view.json_keys()),
            file_name="backprop-lab-scenario.json",
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            key="sidebar_download",
            width="stretch",
        )
        st.file_uploader(
            tr("Load a scenario file (JSON, at most 100 KB)", "シナリオファイルを読み込む（JSON、100 KB まで）"),
            type=["json"],
            key=_W_UPLOAD,
            on_change=_on_upload,
        )
        st.download_button(
            tr("Worked example (Markdown)", "計算の手順（Markdown）"),
            # Built only when clicked (a big scenario makes a document of hundreds of KB): bind the values now, since
            # the callable runs outside this script run.
            data=partial(worked_example_markdown, state.scenario(), state.reduction(), current_lang()),
            file_name="backprop-lab-worked-example.md",
            mime="text/markdown",
            icon=":material/description:",
            on_click="ignore",
            key="sidebar_worked_example",
            width="stretch",
            help=tr(
                "One SGD step of this scenario written out with every number: parameters, forward pass, backprop, "
                "update and the loss after the step, in the notebook's order.",
                "このシナリオの SGD 1 ステップを、すべての数値つきで書き出します（パラメータ・順伝播・誤差逆伝播・"
                "更新・更新後の誤差、ノートブックの順）。",
            ),
        )
