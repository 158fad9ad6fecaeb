"""The Training screen's parts: controls, the run's messages, its charts, the step inspector and the SGD preset.

The page (``pages/3_Training.py``) calls these in order (docs/design.md, "The shape of a screen"). Values that
belong to the scenario (steps, learning rate η, the network when the user rewinds or continues from a step) go
through ``state.set_scenario`` and so into the share link; choices that only change the view (log scale, the data
source, the SGD preset's settings) are widgets with ``persist_state="session"``, so they survive a visit to another
page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

import dnn
from ui.figures import figures_training as ft
from ui.figures.figures_backprop import gradient_figure
from ui.session import sgd_preset, state
from ui.session.training import Run, csv_maker, output_lines, run_scenario
from ui.text import not_finite, optimizer_explain
from ui.text.explain import loss_below_zero_note
from ui.text.i18n import current_lang, pick, tr
from ui.widgets import explain_view, teacher_view
from ui.widgets.editors import LR_RULE, kept_number, kept_whole_number, lr_controls, steps_box
from ui.widgets.optimizer_controls import optimizer_controls
from ui.widgets.play_view import surface_at_step

SOURCE_KEY = "train_source"  # radio: "scenario" or "sgd"
STOCHASTIC_KEY = "train_stochastic"
SEED_KEY = "train_seed"
LOG_KEY = "train_log"


# ---------------------------------------------------------------- scenario edits


def adopt(sc: dnn.Scenario, stochastic: bool | None = None) -> None:
    """Make ``sc`` the scenario and show it on this screen's "scenario" data source (keeping the sampling)."""
    if not state.set_scenario(sc):
        return  # refused (the teacher locked a value it changes): the screen stays as it was
    request = {SOURCE_KEY: "scenario"}
    if stochastic is not None:
        request[STOCHASTIC_KEY] = stochastic
    state.request_widget_values(request)  # the radio and toggle are already drawn: set them on the next run


# ---------------------------------------------------------------- controls


def intro() -> None:
    """What the screen does: train the scenario with its update rule, again at every change."""
    st.caption(
        tr(
            "Train the scenario with its update rule (SGD unless another is chosen) for many steps and watch the loss "
            "E fall. Steps, the learning rate η and the update rule are part of the scenario (and of the share "
            "link); every change trains again at once.",
            "シナリオをその更新則（ほかを選ばなければ SGD）で何ステップも学習させ、誤差 E が下がる様子を見ます。"
            "ステップ数・学習率 η・更新則はシナリオ（共有リンク）の一部で、変えるとすぐに学習し直します。",
        )
    )


def source_choice() -> str:
    """Which data the screen trains on: the scenario, or the course's SGD notebook (a preset)."""
    lang = current_lang()  # captured: AppTest calls format_func outside the run, where tr() cannot see the session
    return st.radio(
        tr("Data", "データ"),
        ("scenario", "sgd"),
        format_func=lambda s: {
            "scenario": pick(lang, "The scenario", "シナリオ"),
            "sgd": pick(
                lang,
                "The course's SGD notebook: learn f(x) = 3·x1 + 2·x2",
                "講座の SGD ノートブック: f(x) = 3·x1 + 2·x2 を学習",
            ),
        }[s],
        horizontal=True,
        key=SOURCE_KEY,
        persist_state="session",
    )


def scenario_controls(sc: dnn.Scenario) -> tuple[bool, int]:
    """Steps and learning rate η (stored in the scenario, so in the share link) and, with several samples, the
    choice of one random sample per step. Returns (stochastic, seed)."""
    steps_col, lr_col, sample_col = st.columns([1.1, 1.9, 1.6], vertical_alignment="bottom")
    with steps_col:
        steps_box(
            sc,
            ("Steps", "ステップ数"),
            f"train_steps_v{state.editor_version()}",
            help=tr("Steps to train, 1 to 100,000.", "学習するステップ数（1〜100,000）。"),
        )
    with lr_col:
        lr_controls(sc, "train_")
    optimizer_controls(sc, "train_")
    if len(sc.x) < 2:
        return False, 0
    with sample_col:
        stochastic = st.toggle(
            tr("One random sample per step", "1 ステップに 1 サンプルをランダムに"),
            key=STOCHASTIC_KEY,
            persist_state="session",
            help=tr(
                "Off: every step uses all samples (full batch). On: each step uses one sample drawn at random, as "
                "in the course's SGD notebook (with whichever update rule is chosen); the loss shown is still on all "
                "samples.",
                "オフ: 毎ステップ全サンプルを使います（バッチ）。オン: 講座の SGD ノートブックのように、毎ステップ"
                "ランダムに選んだ 1 サンプルで更新します（選んだ更新則で。表示する誤差は全サンプルの平均）。",
            ),
        )
        seed = 0
        if stochastic:
            seed = kept_whole_number("Seed", "シード", 0, 2**31 - 1, 0, SEED_KEY)
    return bool(stochastic), seed


@dataclass(frozen=True)
class SgdChoice:
    """The SGD preset as chosen on screen: the scenario it builds, and whether each step draws one sample."""

    scenario: dnn.Scenario
    settings: sgd_preset.SgdSettings


def sgd_controls() -> SgdChoice:
    """The course's SGD notebook as a preset: its settings, an explanation, and a button to make it the scenario."""
    st.info(
        tr(
            "**Why this preset?** The scenario trains on one fixed example (the notebook's x = [1, 5], d = [0, 1]): "
            "its loss goes to 0 because the network **memorises that one example**, not because it learns a rule. "
            "The course's SGD notebook draws inputs x from a range, with targets from the function "
            "f(x) = 3·x1 + 2·x2, and each step learns from **one random sample**: the network has to learn the "
            "function. Its 2-10-1 network (ReLU hidden layer, identity output, squared error) starts from weights "
            "and biases drawn from the standard normal distribution; η = 0.07, 1,000 steps.",
            "**このプリセットの意味** シナリオは 1 つの固定した例（ノートブックの x = [1, 5]、d = [0, 1]）で"
            "学習します。"
            "誤差が 0 に近づくのは、規則を学んだからではなく、**その 1 つの例を覚えた**からです。講座の SGD "
            "ノートブックは入力 x を範囲からランダムに作り、目標を関数 f(x) = 3·x1 + 2·x2 で与え、各ステップで "
            "**ランダムな 1 サンプル**から学びます。ネットワークは関数そのものを学ぶ必要があります。2-10-1 の"
            "ネットワーク（中間層 ReLU、出力は恒等関数、二乗誤差）の重みとバイアスは標準正規分布から作り、"
            "η = 0.07、1,000 ステップです。",
        ),
        icon=":material/school:",
    )
    lang = current_lang()  # for format_func, see source_choice
    c1, c2, c3, c4 = st.columns(4)
    with c1:  # whole-number boxes that read 1e2 as 100 (Streamlit's integer box made it 1)
        n = kept_whole_number(
            "Samples generated",
            "生成するサンプル数",
            2,
            dnn.LIMITS["max_samples"],
            sgd_preset.DEFAULT_SAMPLES,
            "sgd_samples",
            help=tr(
                "The notebook generates 100,000 samples; a scenario holds at most 256.",
                "ノートブックは 100,000 サンプルを作りますが、シナリオは最大 256 サンプルです。",
            ),
        )
    with c2:
        seed = kept_whole_number("Seed", "シード", 0, 2**31 - 1, 0, "sgd_seed")
    with c3:
        lr = kept_number(LR_RULE, sgd_preset.LR, "sgd_lr")
    with c4:
        steps = kept_whole_number(
            "Steps", "ステップ数", 1, dnn.LIMITS["max_steps"], sgd_preset.STEPS, "sgd_steps", step=100
        )
    c5, c6 = st.columns(2)
    wide = c5.radio(
        tr("Inputs x drawn from", "入力 x の範囲"),
        ("unit", "wide"),
        format_func=lambda r: {
            "unit": pick(lang, "[0, 1)² (the notebook)", "[0, 1)²（ノートブック）"),
            "wide": pick(
                lang,
                "[−5, 5)² (the notebook's “try it”: overflows)",
                "[−5, 5)²（ノートブックの「試してみよう」: 発散）",
            ),
        }[r],
        key="sgd_range",
        horizontal=True,
        persist_state="session",
    )
    stochastic = c6.radio(
        tr("Each step uses", "各ステップで使うデータ"),
        (True, False),
        format_func=lambda s: (
            pick(lang, "one random sample (SGD)", "ランダムな 1 サンプル（SGD）")
            if s
            else pick(lang, "all samples (full batch)", "全サンプル（バッチ）")
        ),
        key="sgd_stochastic",
        horizontal=True,
        persist_state="session",
    )
    settings = sgd_preset.SgdSettings(
        n_samples=int(n),
        seed=int(seed),
        input_range=wide,
        stochastic=bool(stochastic),
        lr=float(lr),  # its box accepts only an η the scenario accepts (LR_RULE)
        steps=int(steps),
    )
    sc = sgd_preset.course_scenario(settings)
    st.button(
        tr("Use this data and network as the scenario", "このデータとネットワークをシナリオにする"),
        icon=":material/input:",
        on_click=adopt,
        args=(sc, settings.stochastic),
        key="sgd_adopt",
        disabled=teacher_view.would_change_locked(sc),
        help=tr(
            f"Replaces the scenario with the 2-10-1 network and the {settings.n_samples} generated samples, so the "
            "Forward and Backprop screens show them too (undoable).",
            f"シナリオを 2-10-1 のネットワークと生成した {settings.n_samples} サンプルに置き換えます。"
            "順伝播・誤差逆伝播の画面でも見られます（元に戻せます）。",
        ),
    )
    return SgdChoice(sc, settings)


def log_toggle(source: str = "scenario") -> bool:
    """Draw the loss on a log scale (small losses and spikes become readable). On for the SGD preset by default:
    its per-sample losses span several orders of magnitude."""
    return st.toggle(
        tr("Log scale", "対数目盛"), value=source == "sgd", key=f"{LOG_KEY}_{source}", persist_state="session"
    )


# ---------------------------------------------------------------- what happened in the run


def not_finite_at_start(sc: dnn.Scenario) -> None:
    """Say that the scenario's loss is not a finite number before any step, and which value to make smaller."""
    found = dnn.not_finite_at_start(sc.network, sc.x, sc.d)
    # (train and dnn.loss agree on whether E is finite; should they not, the loss itself is what overflowed)
    nf = found or dnn.NotFinite("E", dnn.largest_value(sc.network, sc.x))
    st.error(not_finite.start_text(nf, current_lang()), icon=":material/error:")


def summary(run: Run) -> None:
    """The loss before training, after the last step, and the lowest loss, as metrics."""
    h = run.history
    first, last = float(h.loss[0]), float(h.loss[-1])
    lowest = dnn.lowest_loss(h.loss)
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("E before training (step 0)", "学習前の誤差 E（ステップ 0）"), f"{first:.6g}")
    c2.metric(
        tr(f"E after step {h.last_step:,}", f"ステップ {h.last_step:,} の後の誤差 E"),
        f"{last:.6g}",
        delta=f"{dnn.loss_change(h.loss):+.3g}",
        delta_color="inverse",  # a falling loss is good news
    )
    c3.metric(
        tr("Lowest E", "最小の誤差 E"),
        f"{lowest.loss:.6g}",
        delta=tr(f"at step {lowest.step:,}", f"ステップ {lowest.step:,}"),
        delta_color="off",
        delta_arrow="off",
    )


def messages(run: Run, base: dnn.Scenario, log_y: bool) -> None:
    """Say what went wrong, if anything: an overflow (with rewind buttons) or a loss that jumps up."""
    h = run.history
    if h.diverged_at is not None:
        last = h.last_step
        st.warning(
            tr(
                f"**The run overflowed at step {h.diverged_at:,}.** Each step made the parameters larger until the "
                f"loss or a parameter was no longer a finite number (inf/NaN). The curve ends at step {last:,}, the "
                f"last finite step (marked ×). The learning rate η = {base.lr:.4g} is too large for this data: try "
                f"a smaller one, e.g. η = {base.lr / 10:.4g}.",
                f"**ステップ {h.diverged_at:,} でオーバーフローしました。** ステップごとにパラメータが大きくなり、"
                f"誤差かパラメータが有限の数でなくなりました（inf/NaN）。曲線は最後の有限なステップ {last:,}"
                f"（× 印）で終わります。学習率 η = {base.lr:.4g} はこのデータには大きすぎます。"
                f"η = {base.lr / 10:.4g} など、小さくしてみてください。",
            ),
            icon=":material/warning:",
        )
        c1, c2, _ = st.columns([1.4, 1, 1.2])
        c1.button(
            tr(f"Rewind to step {last:,} (last finite)", f"ステップ {last:,}（最後の有限な値）に巻き戻す"),
            icon=":material/history:",
            on_click=adopt,
            args=(base.replace(network=h.network), run.stochastic),
            key="train_rewind",
            disabled=teacher_view.would_change_locked(base.replace(network=h.network)),
            help=tr(
                "Makes the last finite parameters the scenario's network (undoable).",
                "最後の有限なパラメータをシナリオのネットワークにします（元に戻せます）。",
            ),
        )
        c2.button(
            tr(f"Use η = {base.lr / 10:.4g} instead", f"η = {base.lr / 10:.4g} にする"),
            icon=":material/south:",
            on_click=adopt,
            args=(base.replace(lr=base.lr / 10), run.stochastic),
            key="train_lr_smaller",
            disabled=state.is_locked("lr"),
        )
    elif not run.stochastic and run.jumps.rises:
        j = run.jumps
        output_note = (
            tr(
                " With softmax the output delta y − d stays between −1 and 1 and the max shift keeps exp from "
                "overflowing, but the weights can still blow up: W1 and W2 grow through each other's gradients, "
                "and a larger η can overflow (try the Two samples preset with an identity hidden layer at η = 100).",
                "softmax では出力層のデルタ y − d は −1〜1 に収まり、最大値を引く工夫で exp もあふれませんが、"
                "重みは大きくなり続けることがあります: W1 と W2 は互いの勾配を通して大きくなるので、η をさらに"
                "大きくするとオーバーフローすることがあります（プリセット「2 サンプル」で中間層を恒等関数、"
                "η = 100 にしてみてください）。",
            )
            if base.network.output == "softmax"
            else ""
        )
        if j.jumpy:
            text = tr(
                f"**The loss jumps:** it went up at {j.rises:,} of {h.last_step:,} steps (first at step "
                f"{j.first_rise:,}) and changed direction {j.sign_changes:,} times. With all samples in every step "
                f"and a small enough η the loss only goes down; η = {base.lr:.4g} makes steps overshoot the minimum."
                f"{output_note} Try a smaller η, or compare several on the Learning-rate sweep screen.",
                f"**誤差が跳ねています:** {h.last_step:,} ステップ中 {j.rises:,} 回増え（最初はステップ "
                f"{j.first_rise:,}）、{j.sign_changes:,} 回向きを変えました。毎ステップ全サンプルを使い η が十分"
                f"小さければ誤差は減る一方です。η = {base.lr:.4g} では一歩が最小点を飛び越えます。{output_note}"
                "η を小さくするか、学習率スイープの画面で比べてみてください。",
            )
        else:
            k = j.first_rise
            text = tr(
                f"**The loss went up at step {k:,}** (from {h.loss[k - 1]:.4g} to {h.loss[k]:.4g}): with "
                f"η = {base.lr:.4g} that step overshot.{output_note}",
                f"**ステップ {k:,} で誤差が増えました**（{h.loss[k - 1]:.4g} → {h.loss[k]:.4g}）。η = {base.lr:.4g} "
                f"ではこの一歩が行き過ぎました。{output_note}",
            )
        st.info(text, icon=":material/ssid_chart:")
    if log_y and bool(np.any(h.loss <= 0)):
        below_zero = loss_below_zero_note(base.network.output, base.network.n_out, current_lang())
        st.caption(
            tr(
                "Some losses are ≤ 0, which a log scale cannot show: "
                + (below_zero or "the squared error is 0 where the output equals d exactly."),
                "誤差が 0 以下のステップは対数目盛では表示できません。"
                + (below_zero or "二乗誤差は出力が d にちょうど一致すると 0 になります。"),
            )
        )


# ---------------------------------------------------------------- charts


def charts(run: Run, base: dnn.Scenario, log_y: bool, baseline: Run | None) -> None:
    """The loss over the steps (with the baseline, if pinned), the target's probability and the gradient size."""
    lang = current_lang()
    h = run.history
    # An overflowing loss spans hundreds of orders of magnitude: only a log scale shows it (and plotly's linear
    # axis cannot even place values near 1e306).
    forced_log = h.diverged_at is not None and not log_y
    st.plotly_chart(
        ft.loss_figure(
            h.loss,
            lang,
            log_y=log_y or forced_log,
            diverged_at=h.diverged_at,
            sample_loss=h.sample_loss if run.stochastic else None,
            baseline=None if baseline is None else baseline.history.loss,
        ),
        key="train_loss_chart",
    )
    if forced_log:
        st.caption(
            tr(
                "Drawn on a log scale: the loss grew too large for a linear one.",
                "誤差が大きくなりすぎたため対数目盛で描いています。",
            )
        )
    if run.stochastic:
        st.caption(
            tr(
                "Dots: the loss of the one sample drawn at each step, before its update (what the SGD notebook "
                "plots). It jumps because every sample is different; the moving average shows the trend, and the "
                "line the loss on all samples.",
                "点: 各ステップで選んだ 1 サンプルの、更新前の誤差（SGD ノートブックが描くもの）。サンプルごとに"
                "違うので跳ねます。移動平均が傾向を、線が全サンプルの誤差を示します。",
            )
        )
    if baseline is not None:
        st.caption(tr("Dashed grey: the pinned baseline's run.", "灰色の破線: 固定した基準の学習。"))
    left, right = st.columns(2)
    out = output_lines(run.y, base.d, base.network.output, lang)
    left.plotly_chart(
        ft.output_figure(run.probe_steps, out.lines, lang, kind=out.kind, targets=out.targets), key="train_output_chart"
    )
    right.plotly_chart(
        ft.gradient_norm_figure(
            h.grad_norm,
            lang,
            probe_steps=run.probe_steps,
            per_param=run.grad_norm,
            loss=dnn.claims.loss_symbol(h.reduction, len(base.x)),
        ),
        key="train_grad_chart",
    )
    st.caption(
        tr(
            f"The output is evaluated at {len(run.probe_steps)} evenly spaced steps. The gradient is that of the "
            "loss on all samples; click a legend entry to add one parameter's partial derivatives.",
            f"出力は等間隔の {len(run.probe_steps)} ステップで計算しています。勾配は全サンプルの誤差のものです。"
            "凡例をクリックすると、パラメータごとの偏微分の大きさも表示できます。",
        )
    )


def downloads(run: Run) -> None:
    """The loss at every step as a CSV file (all steps, not the thinned chart points)."""
    st.download_button(
        tr("Download the loss history (CSV)", "誤差の履歴をダウンロード（CSV）"),
        data=csv_maker(run.history),
        file_name="backprop-lab-loss.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="train_csv",
        help=tr(
            "Columns: step, loss (E after that many steps)"
            + (", sample_loss (E of the sample drawn at that step)." if run.stochastic else "."),
            "列: step, loss（そのステップ数の後の誤差 E）"
            + (", sample_loss（そのステップで選んだサンプルの誤差 E）。" if run.stochastic else "。"),
        ),
    )


def pin_button(label_en: str = "Pin as baseline", label_ja: str = "基準として固定") -> None:
    """Pin the current scenario as the baseline (the sidebar has the same button)."""
    st.button(
        tr(label_en, label_ja),
        icon=":material/push_pin:",
        on_click=state.pin_baseline,
        key="train_pin",
        help=tr(
            "Keep the current scenario; its loss is drawn faintly here and compared on the Compare screen.",
            "いまのシナリオを残します。その誤差はここに薄く描かれ、比較の画面で比べられます。",
        ),
    )


# ---------------------------------------------------------------- one step up close


def _param_frame(name: str, value: np.ndarray) -> pd.DataFrame:
    """A parameter as a table with the course's unit names (W1: x × h, W2: h × y, biases one row)."""
    rows, cols = {"W1": ("x", "h"), "W2": ("h", "y"), "b1": ("", "h"), "b2": ("", "y")}[name]
    value = np.atleast_2d(value)
    index = [name] if not rows else [f"{rows}{i + 1}" for i in range(value.shape[0])]
    return pd.DataFrame(value, index=index, columns=[f"{cols}{j + 1}" for j in range(value.shape[1])])


@st.fragment
def step_inspector(run: Run, base: dnn.Scenario) -> None:
    """Any step k up close: the loss, the parameters and their partial derivatives after k steps, and a button
    that continues from there. A fragment, so moving the slider redraws only this part."""
    h = run.history
    lang = current_lang()
    st.subheader(tr("One step up close", "1 ステップを詳しく"))
    k = st.slider(
        tr("Step k", "ステップ k"),
        0,
        h.last_step,
        h.last_step,
        key=f"train_step_{h.last_step}",
        help=tr(
            "The parameters after k steps, and the partial derivatives at those parameters: the gradient that step "
            "k + 1 uses (with one random sample per step, the gradient of the loss of the sample drawn for step "
            "k + 1).",
            "k ステップ後のパラメータと、そのパラメータでの偏微分: ステップ k + 1 が使う勾配です（1 ステップに "
            "1 サンプルのときは、ステップ k + 1 で選ぶサンプルの誤差の勾配）。",
        ),
    ) if h.last_step > 0 else 0  # fmt: skip
    net = h.network_at(k)
    drawn = int(h.sample_indices[k]) if run.stochastic and k < len(h.sample_indices) else None
    if drawn is not None:  # the one sample step k + 1 learns from: its gradient is the one that step uses
        grads = dnn.backward(net, base.x[drawn : drawn + 1], base.d[drawn : drawn + 1])
        loss = "E"
    else:
        grads = dnn.backward(net, base.x, base.d, h.reduction)
        loss = dnn.claims.loss_symbol(h.reduction, len(base.x))
    c1, c2, c3 = st.columns([1, 1, 1.4], vertical_alignment="bottom")
    c1.metric(tr(f"E after {k:,} steps", f"{k:,} ステップ後の誤差 E"), f"{float(h.loss[k]):.6g}")
    if drawn is not None:
        c2.metric(tr(f"Sample drawn at step {k + 1:,}", f"ステップ {k + 1:,} で選ぶサンプル"), f"#{drawn + 1}")
    if c3.button(
        tr(f"Continue from step {k:,}", f"ステップ {k:,} から続ける"),
        icon=":material/play_arrow:",
        key="train_continue",
        disabled=teacher_view.would_change_locked(base.replace(network=net)),
        help=tr(
            "Makes the parameters after k steps the scenario's network; the run then starts from there (undoable)."
            + (" The update rule's state (v, h, m) starts again from 0." if h.optimizer != "sgd" else ""),
            "k ステップ後のパラメータをシナリオのネットワークにします。学習はそこから始まります（元に戻せます）。"
            + ("更新則の状態（v, h, m）は 0 から始め直します。" if h.optimizer != "sgd" else ""),
        ),
    ):
        adopt(base.replace(network=net), run.stochastic)
        st.rerun()  # the whole screen, not just this fragment, shows the new scenario
    left, right = st.columns([1, 1.3])
    with left:
        st.markdown(f"**{tr(f'Parameters after {k:,} steps', f'{k:,} ステップ後のパラメータ')}**")
        for name, value in net.params().items():
            kind = tr("weight", "重み") if name.startswith("W") else tr("bias", "バイアス")
            st.caption(f"{kind} {name}")
            frame = _param_frame(name, value)
            st.dataframe(
                frame,
                key=f"train_param_{name}",
                height=35 * (len(frame) + 1) + 3,  # every row, no inner scrollbar
                column_config={c: st.column_config.NumberColumn(format="%.6g") for c in frame.columns},
            )
    with right:
        if drawn is not None:
            heading = tr(
                f"Partial derivatives of sample #{drawn + 1}'s loss after {k:,} steps: the gradient step {k + 1:,} "
                "uses",
                f"{k:,} ステップ後のサンプル #{drawn + 1} の誤差の偏微分: ステップ {k + 1:,} が使う勾配",
            )
        elif run.stochastic:
            heading = tr(
                f"Partial derivatives of the loss on all samples after {k:,} steps (the run ends here)",
                f"{k:,} ステップ後の全サンプルの誤差の偏微分（学習はここで終わり）",
            )
        else:
            heading = tr(
                f"Partial derivatives after {k:,} steps: the gradient step {k + 1:,} uses",
                f"{k:,} ステップ後の偏微分: ステップ {k + 1:,} が使う勾配",
            )
        st.markdown(f"**{heading}**")
        for name, value in grads.params().items():
            st.plotly_chart(gradient_figure(value, name, lang, loss=loss), key=f"train_grad_{name}")
    if h.optimizer != "sgd" and k < h.steps:  # the rule's state at step k and the step it makes next
        with st.expander(
            tr(f"Step {k + 1:,} of the update rule, with its state", f"更新則のステップ {k + 1:,}（状態つき）")
        ):
            explain_view.show(optimizer_explain.step_of_run(h, k, lang))
    surface_at_step(net, base, k)  # the input plane's output at this step (two inputs)


def baseline_run(reduction: str) -> Run | None:
    """The pinned baseline's own run (its η and steps), or None when nothing is pinned, when it is over the work
    budget (the Compare screen says so; here the dashed curve is left out) or when the baseline's loss is not a
    finite number at step 0 (it has no curve to draw)."""
    pinned = state.baseline()
    run = None if pinned is None else run_scenario(pinned, reduction, quiet=True)
    return None if run is None or run.history.diverged_at == 0 else run
