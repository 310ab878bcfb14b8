"""The verdict as a coloured banner: code, plain-language summary and the hints to try."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed
from wsmonitor.ui.theme.styles import verdict_banner_style

#: Verdicts where the server answered but something around it (proxy, CORS, client) is off.
_WARN_VERDICTS = frozenset({"cors_rejected", "upgrade_failed", "transport_unavailable"})


def level_colours(level: str) -> tuple[str, str]:
    """(background, text colour) of a banner level in the current theme, for widgets that
    match the banner."""
    colours = current().banner(level)
    return colours.background, colours.text


def verdict_level(code: str) -> str:
    """Banner colour for a verdict code (presentation only; the code comes from core.verdict)."""
    if code == "ok":
        return "ok"
    return "warn" if code in _WARN_VERDICTS else "error"


class VerdictBanner(QFrame):
    """Shows one verdict; ``show_running``/``show_idle``/``show_message`` for the other states."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("verdictBanner")
        self._title = QLabel()
        self._title.setObjectName("verdictTitle")
        self._title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._body = QLabel()
        self._body.setWordWrap(True)
        self._body.setTextFormat(Qt.TextFormat.RichText)
        self._body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addWidget(self._body)
        self.code = ""
        self.level = "idle"
        self.show_idle("Fill in the form and press Fire.")
        on_theme_changed(self._restyle)

    def show_verdict(self, code: str, summary: str, hints: list[str]) -> None:
        items = "".join(f"<li>{escape(h)}</li>" for h in hints)
        body = f"{escape(summary)}"
        if items:
            body += f"<ul style='margin-top:2px; margin-bottom:0'>{items}</ul>"
        self._set("OK" if code == "ok" else code, body, verdict_level(code), code)

    def show_running(self, text: str) -> None:
        self._set("Running…", escape(text), "running", "")

    def show_idle(self, text: str) -> None:
        self._set("No verdict yet", escape(text), "idle", "")

    def show_message(self, title: str, text: str, level: str = "error") -> None:
        """A problem that is not a verdict (bad input, cancelled run)."""
        self._set(title, escape(text), level, "")

    def title_text(self) -> str:
        return self._title.text()

    def body_text(self) -> str:
        return self._body.text()

    def _set(self, title: str, body_html: str, level: str, code: str) -> None:
        self.setStyleSheet(verdict_banner_style(current(), level))
        self._title.setText(title)
        self._body.setText(body_html)
        self.code = code
        self.level = level

    def _restyle(self, palette: ThemePalette) -> None:
        """A theme switch: the same verdict in the new palette's colours."""
        self.setStyleSheet(verdict_banner_style(palette, self.level))
