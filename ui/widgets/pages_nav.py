"""The app's pages in navigation order: one list, so a new page needs one line here and nothing else.

Paths are relative to the app's folder (where ``app.py`` is); the sidebar links only to files that exist, so an
entry may be listed before its page is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

APP_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class NavEntry:
    """One page: its file, its label in English and Japanese, a ``:material/...:`` icon, and the name a teacher's
    ``hide=`` gives it ("" for screens that cannot be hidden)."""

    path: str
    en: str
    ja: str
    icon: str
    screen: str = ""

    @property
    def url_path(self) -> str:
        """The page's address after the app's: "" for app.py, "Backprop" for pages/2_Backprop.py (as Streamlit
        names pages: the file name without its number prefix)."""
        if "/" not in self.path:
            return ""
        return Path(self.path).stem.split("_", 1)[-1]


PAGES: tuple[NavEntry, ...] = (
    NavEntry("app.py", "Scenario", "シナリオ", ":material/tune:"),
    NavEntry("pages/1_Forward.py", "Forward pass", "順伝播", ":material/arrow_forward:", "forward"),
    NavEntry("pages/2_Backprop.py", "Backprop", "誤差逆伝播", ":material/arrow_back:", "backprop"),
    NavEntry("pages/3_Training.py", "Training", "学習", ":material/show_chart:", "training"),
    NavEntry("pages/4_Sweep.py", "Learning-rate sweep", "学習率スイープ", ":material/stacked_line_chart:", "sweep"),
    NavEntry("pages/5_Compare.py", "Compare", "比較", ":material/compare_arrows:", "compare"),
    NavEntry("pages/6_Quiz.py", "Quiz", "クイズ（手計算）", ":material/quiz:", "quiz"),
    NavEntry("pages/7_Lessons.py", "Lessons", "レッスン", ":material/school:"),
)


def existing_pages(app_dir: Path = APP_DIR) -> list[NavEntry]:
    """The entries of ``PAGES`` whose file exists under ``app_dir``."""
    return [p for p in PAGES if (app_dir / p.path).is_file()]


def entry_titled(title_en: str) -> NavEntry | None:
    """The entry whose English label is a page's title (``setup_page`` knows its screen by it), or None."""
    return next((p for p in PAGES if p.en == title_en), None)


def entry_of_screen(screen: str) -> NavEntry:
    """The entry of a screen named as in ``hide=`` ("backprop")."""
    return next(p for p in PAGES if p.screen == screen)
