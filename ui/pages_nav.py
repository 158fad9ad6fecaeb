"""The app's pages in navigation order: one list, so a new page needs one line here and nothing else.

Paths are relative to the app's folder (where ``app.py`` is); the sidebar links only to files that exist, so an
entry may be listed before its page is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class NavEntry:
    """One page: its file, its label in English and Japanese, and a ``:material/...:`` icon."""

    path: str
    en: str
    ja: str
    icon: str


PAGES: tuple[NavEntry, ...] = (
    NavEntry("app.py", "Scenario", "シナリオ", ":material/tune:"),
    NavEntry("pages/1_Forward.py", "Forward pass", "順伝播", ":material/arrow_forward:"),
    NavEntry("pages/2_Backprop.py", "Backprop", "誤差逆伝播", ":material/arrow_back:"),
    NavEntry("pages/3_Training.py", "Training", "学習", ":material/show_chart:"),
    NavEntry("pages/4_Sweep.py", "Learning-rate sweep", "学習率スイープ", ":material/stacked_line_chart:"),
    NavEntry("pages/5_Compare.py", "Compare", "比較", ":material/compare_arrows:"),
    NavEntry("pages/6_Quiz.py", "Quiz", "クイズ（手計算）", ":material/quiz:"),
)


def existing_pages(app_dir: Path = APP_DIR) -> list[NavEntry]:
    """The entries of ``PAGES`` whose file exists under ``app_dir``."""
    return [p for p in PAGES if (app_dir / p.path).is_file()]
