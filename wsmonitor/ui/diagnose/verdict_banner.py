"""The Diagnose page's verdict banner: the lab's banner, coloured by the current theme."""

from __future__ import annotations

from wsmonitor.ui.lab.verdict_banner import VerdictBanner
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed
from wsmonitor.ui.theme.styles import verdict_banner_style


class ThemedVerdictBanner(VerdictBanner):
    """``VerdictBanner`` whose colours follow the theme and change with it.

    Interim: the lab's banner still has light-only colours of its own. Once it takes them from
    ``verdict_banner_style`` itself, the Diagnose page can use it directly again.
    """

    def __init__(self) -> None:
        super().__init__()
        on_theme_changed(self._restyle)

    def _set(self, title: str, body_html: str, level: str, code: str) -> None:
        super()._set(title, body_html, level, code)
        self.setStyleSheet(verdict_banner_style(current(), level))

    def _restyle(self, palette: ThemePalette) -> None:
        self.setStyleSheet(verdict_banner_style(palette, self.level))
