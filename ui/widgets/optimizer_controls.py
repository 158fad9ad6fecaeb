"""Choosing the update rule (最適化手法) and its hyperparameters: the Scenario and Training screens draw the same
controls, which change the scenario (and so the share link) through ``state.change_scenario``."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

import dnn
from dnn.optimizers import HYPERPARAMETERS, OPTIMIZERS, Hyperparameter
from ui.session import state
from ui.text.i18n import current_lang, pick, tr
from ui.widgets.number_box import NumberRule, number_box

# The rule's name on screen, English and Japanese (the course writes the rules' names in Latin letters).
NAMES: dict[str, tuple[str, str]] = {
    "sgd": ("SGD (the notebook's)", "SGD（ノートブックと同じ）"),
    "momentum": ("Momentum", "Momentum（モーメンタム）"),
    "adagrad": ("AdaGrad", "AdaGrad"),
    "rmsprop": ("RMSProp", "RMSProp"),
    "adam": ("Adam", "Adam"),
}

# Each rule's update of one parameter W with gradient g = ∂E/∂W, as the course writes it (common/optimizer.py).
RULES: dict[str, str] = {
    "sgd": "W ← W − η·g",
    "momentum": "v ← α·v − η·g,  W ← W + v",
    "adagrad": "h ← h + g²,  W ← W − η·g / (√h + 10⁻⁷)",
    "rmsprop": "h ← ρ·h + (1 − ρ)·g²,  W ← W − η·g / (√h + 10⁻⁷)",
    "adam": "m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,  W ← W − η·√(1 − β2ᵗ)/(1 − β1ᵗ)·m / (√v + 10⁻⁷)",
}


def name(optimizer: str, lang: str | None = None) -> str:
    """The rule's name as a learner reads it."""
    return pick(lang or current_lang(), *NAMES.get(optimizer, (optimizer, optimizer)))


def rule_text(sc: dnn.Scenario) -> str:
    """The scenario's update rule with its settings, one line: "Adam (β1 = 0.9, β2 = 0.999)"."""
    settings = ", ".join(f"{_symbol(k)} = {v:g}" for k, v in sc.settings.items())
    return name(sc.optimizer) + (f" ({settings})" if settings else "")


def rule_caption(sc: dnn.Scenario, loss: str, lang: str) -> str:
    """The scenario's rule in one sentence: its formula for a parameter W with g = ∂E/∂W (or ∂E_sum/∂W, ``loss``)
    and the course's default η for it."""
    default_lr = OPTIMIZERS[sc.optimizer].default_lr
    return pick(
        lang,
        f"{name(sc.optimizer, 'en')}, for each parameter W with g = ∂{loss}/∂W: {RULES[sc.optimizer]}. "
        f"The course's default learning rate for it is η = {default_lr:g}.",
        f"{name(sc.optimizer, 'ja')}: 各パラメータ W について g = ∂{loss}/∂W とすると {RULES[sc.optimizer]}。"
        f"講座での既定の学習率は η = {default_lr:g} です。",
    )


def _symbol(setting: str) -> str:
    return {"momentum": "α", "decay": "ρ", "beta1": "β1", "beta2": "β2"}[setting]


def setting_step(hp: Hyperparameter, value: float) -> float:
    """What "+" and "−" add to a setting's box: a power of ten below the distance from ``value`` to the (excluded)
    top of its range, so that "+" never reaches it. α = 0.9 steps by 0.01, ρ = 0.99 by 0.001, β2 = 0.999 by 0.0001:
    the settings that matter sit close to 1, and each step there is a tenth of the room left."""
    room = hp.high - value
    if not room > 0:
        return (hp.high - hp.low) / 100  # an out-of-range value cannot be in the scenario; a plain step for safety
    # rounded first: 1 − 0.99 is 0.010000000000000009 in floats, whose logarithm would round up to −1
    step = 10.0 ** (math.ceil(round(math.log10(room), 9)) - 1)
    while value + step >= hp.high:  # belt and braces against the last bit of a sum
        step /= 10
    return step


def _on_optimizer(key: str) -> None:
    chosen = state.widget_value(key)
    if chosen in OPTIMIZERS:
        state.change_scenario(lambda sc: sc.replace(optimizer=chosen))  # its settings start at their defaults


def _with_setting(setting: str, value: float) -> Callable[[dnn.Scenario], dnn.Scenario]:
    # "+" adds the step in floating point (0.999 + 0.0001 is 0.9991000000000001): 15 significant digits keep
    # whatever a person types and drop that last-bit noise from the scenario and the link.
    value = float(f"{float(value):.15g}")
    return lambda sc: sc.replace(settings={**sc.settings, setting: value})


def _set_setting(value: float, setting: str) -> bool:
    """Callback of a setting's box: the scenario with the typed value (the box already shows it)."""
    return state.change_scenario(_with_setting(setting, value), refresh_editors=False)


def _on_step(setting: str, sign: int) -> None:
    """Callback of a setting's "−" / "+": one step (``setting_step``) down or up, never below the range's bottom;
    the boxes are redrawn from the new scenario."""
    hp = HYPERPARAMETERS[setting]
    value = float(state.scenario().settings[setting])
    state.change_scenario(_with_setting(setting, max(hp.low, value + sign * setting_step(hp, value))))


def setting_rule(hp: Hyperparameter) -> NumberRule:
    """What a setting's box accepts: from the range's bottom (included) up to its top (excluded)."""
    return NumberRule(hp.en, hp.ja, lo=hp.low, hi=hp.high, hi_open=True)


def optimizer_controls(sc: dnn.Scenario, prefix: str) -> None:
    """The rule (a menu), its hyperparameters (number boxes) and its formula; ``prefix`` keeps each screen's widgets
    apart."""
    lang = current_lang()  # format_func runs later too: give it the language now
    version = state.editor_version()
    opt = OPTIMIZERS[sc.optimizer]
    cols = st.columns([1.4, *([1] * max(2, len(opt.hyperparameters)))], vertical_alignment="bottom")
    key = f"{prefix}optimizer_{lang}_v{version}"  # translated labels: a widget per language
    cols[0].selectbox(
        tr("Update rule (optimizer)", "最適化手法（パラメータの更新則）"),
        list(OPTIMIZERS),
        index=list(OPTIMIZERS).index(sc.optimizer),
        format_func=lambda o: name(o, lang),
        key=key,
        on_change=_on_optimizer,
        args=(key,),
        help=tr(
            "How each step turns the gradient into a change of the parameters. SGD is the notebook's; the others "
            "are the course's next lessons. A new rule starts from its default settings; η stays as it is.",
            "各ステップで勾配からパラメータの変化をどう決めるか。SGD はノートブックのもの、ほかは講座の次の回の"
            "手法です。手法を変えると設定は既定値に戻ります（学習率 η はそのまま）。",
        ),
    )
    for col, hp in zip(cols[1:], opt.hyperparameters, strict=False):
        key = f"{prefix}{hp.name}_v{version}"
        value = float(sc.settings[hp.name])
        with col.container(horizontal=True, vertical_alignment="bottom", gap="small", wrap=False):
            number_box(
                setting_rule(hp),
                value,
                key=key,
                on_number=_set_setting,
                args=(hp.name,),
                help=tr(
                    f"From {hp.low:g} up to (not including) {hp.high:g}; the course's default is {hp.default:g}. "
                    f"− and + move it by {setting_step(hp, value):g}, a tenth of the room left below {hp.high:g}.",
                    f"{hp.low:g} 以上 {hp.high:g} 未満。講座の既定値は {hp.default:g} です。"
                    f"− と + で {setting_step(hp, value):g} ずつ（{hp.high:g} までの残りの 10 分の 1）変わります。",
                ),
            )
            st.button("−", key=f"{prefix}{hp.name}_down_v{version}", on_click=_on_step, args=(hp.name, -1))
            st.button("+", key=f"{prefix}{hp.name}_up_v{version}", on_click=_on_step, args=(hp.name, 1))
    st.caption(rule_caption(sc, dnn.claims.loss_symbol(state.reduction(), len(sc.x)), lang))
