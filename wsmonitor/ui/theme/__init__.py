"""The GUI's colour themes: named palette roles (light and dark) and the switch between them.

Widgets take colours from ``current()`` and, when they paint with colours of their own, re-read
them in a slot connected with ``on_theme_changed``. See ``palette.py`` for the roles.
"""

from wsmonitor.ui.theme.manager import ThemeManager, current, on_theme_changed, theme_manager
from wsmonitor.ui.theme.palette import DARK, LIGHT, BannerColours, ThemePalette, contrast_ratio

__all__ = [
    "DARK",
    "LIGHT",
    "BannerColours",
    "ThemeManager",
    "ThemePalette",
    "contrast_ratio",
    "current",
    "on_theme_changed",
    "theme_manager",
]
