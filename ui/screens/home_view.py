"""The Scenario (Home) screen's sections: the intro, the editing column (presets, data, parameters, settings: the
widgets of ``ui/widgets/editors.py`` and ``ui/widgets/data_view.py``) and the column "at a glance" (the loss, the
outputs y, the
network diagram). ``app.py`` reads the scenario, calls ``dnn`` and calls these in order (docs/design.md, "The shape
of a screen"); every number drawn here is one ``dnn`` returned."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import dnn
from ui.figures.figures_network import network_diagram
from ui.session import state
from ui.text import explain, not_finite
from ui.text.i18n import pick, tr
from ui.widgets import data_view, editors
from ui.widgets.optimizer_controls import optimizer_controls


def intro() -> None:
    """What the screen is for."""
    st.caption(
        tr(
            "Edit any value of the course notebook's network and see at once what changes. The other pages show the "
            "forward pass, backprop and training for the scenario you set up here.",
            "講座のノートブックのネットワークの値を自由に変えて、何が変わるかをすぐに確かめられます。"
            "ほかのページでは、ここで作ったシナリオの順伝播・誤差逆伝播・学習を見られます。",
        )
    )


def edit(sc: dnn.Scenario) -> None:
    """The parameter grids and η in view at once; presets, the network, data sets and the update rule in tabs."""
    # What a learner edits first, in view at once: the network's values and η; the rest is one tab away.
    st.subheader(tr("Parameters and data", "パラメータとデータ"))
    editors.parameter_editors(sc)
    editors.learning_controls(sc)
    presets_tab, network_tab, data_tab, rule_tab = st.tabs(
        [
            tr("Presets", "プリセット"),
            tr("Network", "ネットワーク"),
            tr("Data sets", "データセット"),
            tr("Update rule", "更新則"),
        ],
        key=state.translated_key("home_tabs"),  # keyed: the chosen tab stays when a message appears above it
    )
    with presets_tab:
        editors.preset_bar()
    with network_tab:
        editors.size_controls(sc)
        editors.activation_controls(sc)
    with data_tab:
        data_view.data_section(sc)
    with rule_tab:
        optimizer_controls(sc, "")


def glance(
    sc: dnn.Scenario,
    fwd: dnn.Forward,
    grads: dnn.Gradients,
    loss: float,
    start: dnn.NotFinite | None,
    loss_name: str,
    lang: str,
) -> None:
    """The loss E, the outputs y of every sample and the network diagram (weights and their ∂E/∂w) of one sample;
    ``loss_name`` names the loss the diagram's partial derivatives are of ("E" or "E_sum")."""
    net = sc.network
    below_zero = explain.loss_below_zero_note(net.output, net.n_out, lang)
    st.subheader(tr("At a glance", "概要"))
    st.metric(
        tr("Loss E (mean over samples)", "誤差 E（サンプル平均）"),
        f"{loss:.6g}",
        help=tr(
            "The notebook computes this loss but never prints it."
            if net.output == "softmax"
            else "The loss of this output layer (the notebook's own network uses softmax with cross-entropy).",
            "ノートブックはこの誤差を計算していますが、表示はしていません。"
            if net.output == "softmax"
            else "この出力層の誤差です（ノートブック自身のネットワークは softmax と交差エントロピー誤差）。",
        )
        + (" " + below_zero if below_zero and lang == "en" else below_zero),
    )
    if loss < 0:  # only the 1e-7 in the log makes this possible: say so next to the number
        st.caption(tr(f"Why E is below 0: {below_zero}", f"E が 0 を下回る理由: {below_zero}"))
    outputs = pd.DataFrame(
        fwd.y,
        index=[tr(f"sample {i + 1}", f"サンプル{i + 1}") for i in range(len(sc.x))],
        columns=editors.units("y", net.n_out),
    )
    if start:
        st.error(not_finite.start_text(start, lang), icon=":material/error:")
    st.markdown(f"**{tr('Output y', '出力 y')}**")
    st.dataframe(outputs, column_config={c: st.column_config.NumberColumn(format="%.6f") for c in outputs.columns})
    sample = 0
    if len(sc.x) > 1:
        sample = st.selectbox(
            tr("Sample shown in the diagram", "図に表示するサンプル"),
            range(len(sc.x)),
            format_func=lambda i: pick(lang, f"sample {i + 1}", f"サンプル{i + 1}"),
            # New options or new labels, new widget: no stale choice (see state.translated_key).
            key=state.translated_key(f"home_diagram_sample_{len(sc.x)}"),
        )
    st.plotly_chart(
        network_diagram(net, fwd, grads, lang, x=sc.x, sample=sample, loss=loss_name),
        config={"displayModeBar": False},
    )
    st.caption(
        tr(
            "Blue: positive weight, orange: negative; thicker = larger |w|. Hover an edge for the weight and its "
            "partial derivative ∂E/∂w, a node for u, its output, its bias and ∂E/∂b.",
            "青は正の重み、オレンジは負の重み。太いほど |w| が大きい。辺にマウスを乗せると重みと偏微分 ∂E/∂w、"
            "ノードでは総入力 u・出力・バイアス・∂E/∂b が見られます。",
        )
    )
