"""Which theme is on: the user's choice (System / Light / Dark), saved, applied, announced."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from wsmonitor.core.app_settings import THEME_CHOICES, AppSettings
from wsmonitor.errors import UserError
from wsmonitor.ui.theme.apply import apply_to_application
from wsmonitor.ui.theme.palette import DARK, LIGHT, ThemePalette

log = logging.getLogger(__name__)


class SettingsStore(Protocol):
    """Where the choice is saved: ``wsmonitor.core.profiles.ProfileStore``."""

    settings: AppSettings

    def save_settings(self, settings: AppSettings) -> None: ...


def system_is_dark() -> bool:
    """True when the desktop asks for dark colours (unknown counts as light)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return False
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Holds the theme choice, applies the matching palette and tells widgets it changed.

    One per application (see ``theme_manager()``). Widgets with colours of their own connect
    to ``changed`` and re-read the palette; everything else follows the QPalette and the style
    sheet, which Qt repaints by itself.
    """

    #: The palette now in use changed (ThemePalette); inline colours must be re-read.
    changed = Signal(object)
    #: The user's choice changed ("system", "light" or "dark"), e.g. to update menu checks.
    choice_changed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.choice = "system"
        self.palette: ThemePalette = LIGHT
        self._applied = False
        self._store: SettingsStore | None = None
        #: How "system" is resolved; tests swap it to play a desktop switching scheme.
        self.system_is_dark: Callable[[], bool] = system_is_dark
        app.styleHints().colorSchemeChanged.connect(self._on_system_scheme)

    def use_store(self, store: SettingsStore) -> None:
        """Read the saved choice from ``store``, apply it, and save later choices there."""
        self._store = store
        choice = store.settings.theme
        self.set_choice(choice if choice in THEME_CHOICES else "system", save=False)

    def set_choice(self, choice: str, save: bool = True) -> None:
        """Switch to ``choice`` now; with ``save``, remember it for the next start."""
        if choice not in THEME_CHOICES:
            raise ValueError(f"unknown theme {choice!r}")
        changed = choice != self.choice
        self.choice = choice
        self._request_scheme(choice)
        self.apply()
        if changed:
            self.choice_changed.emit(choice)
        if save and self._store is not None and self._store.settings.theme != choice:
            try:
                self._store.save_settings(replace(self._store.settings, theme=choice))
            except UserError as exc:  # an unwritable config folder must not break switching
                log.warning("theme choice not saved: %s", exc)

    def resolved(self) -> ThemePalette:
        """The palette the current choice stands for (System: what the desktop uses now)."""
        if self.choice == "dark" or (self.choice == "system" and self.system_is_dark()):
            return DARK
        return LIGHT

    def apply(self) -> None:
        """Apply the resolved palette to the application; announce it when it changed."""
        palette = self.resolved()
        if self._applied and palette is self.palette:
            return
        self.palette = palette
        self._applied = True
        apply_to_application(palette)
        self.changed.emit(palette)

    def _on_system_scheme(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.apply()

    def _request_scheme(self, choice: str) -> None:
        """Tell the platform too, so native parts (title bars, dialogs) match where supported."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        hints = app.styleHints()
        if choice == "system":
            hints.unsetColorScheme()
        else:
            hints.setColorScheme(Qt.ColorScheme.Dark if choice == "dark" else Qt.ColorScheme.Light)


_manager: ThemeManager | None = None


def theme_manager() -> ThemeManager:
    """The application's theme manager (created on first use; needs a QApplication)."""
    global _manager
    if _manager is None or not shiboken6.isValid(_manager):
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("the theme manager needs a QApplication")
        _manager = ThemeManager(app)
    return _manager


def current() -> ThemePalette:
    """The palette in use: widgets read their colours from it (light before any theme is set)."""
    return _manager.palette if _manager is not None and shiboken6.isValid(_manager) else LIGHT


def on_theme_changed(slot: Callable[[ThemePalette], None]) -> None:
    """Call ``slot(palette)`` on every theme change; use a bound method of a QObject, so the
    connection ends with the object."""
    theme_manager().changed.connect(slot)
