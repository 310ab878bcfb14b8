"""View › Theme: System / Light / Dark, one checked, switching live."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from wsmonitor.ui.theme.manager import ThemeManager

_LABELS = (
    ("system", "&System", "Follow the desktop's light or dark setting"),
    ("light", "&Light", "Dark text on light backgrounds"),
    ("dark", "&Dark", "Light text on dark backgrounds, for a dim room or a second screen"),
)


class ThemeMenu(QMenu):
    """The Theme submenu; ``actions_by_choice`` holds its three exclusive actions."""

    def __init__(self, manager: ThemeManager, parent: QWidget | None = None) -> None:
        super().__init__("&Theme", parent)
        self._manager = manager
        group = QActionGroup(self)
        group.setExclusive(True)
        self.actions_by_choice: dict[str, QAction] = {}
        for choice, text, tip in _LABELS:
            action = self.addAction(text)
            action.setCheckable(True)
            action.setStatusTip(tip)
            action.setData(choice)
            group.addAction(action)
            self.actions_by_choice[choice] = action
        self._show_choice(manager.choice)
        group.triggered.connect(self._chosen)
        # A switch made elsewhere (another window, a test) must show here too. A bound method
        # of this menu: the connection ends when the menu is deleted.
        manager.choice_changed.connect(self._show_choice)

    def _chosen(self, action: QAction) -> None:
        self._manager.set_choice(str(action.data()))

    def _show_choice(self, choice: str) -> None:
        self.actions_by_choice[choice].setChecked(True)


def add_theme_menu(parent: QMenu, manager: ThemeManager) -> dict[str, QAction]:
    """Add the Theme submenu to ``parent``; returns its actions by choice."""
    menu = ThemeMenu(manager, parent)
    parent.addMenu(menu)
    return menu.actions_by_choice
