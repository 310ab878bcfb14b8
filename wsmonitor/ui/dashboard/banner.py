"""A plain-language message strip across the top of a page (info, warning, error)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed
from wsmonitor.ui.theme.styles import banner_style


class Banner(QFrame):
    """A coloured strip with one message; hidden while it has nothing to say."""

    #: The user dismissed the banner with its close button.
    dismissed = Signal()

    def __init__(self, closable: bool = False) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.level = "info"
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        if closable:
            close = QToolButton()
            close.setText("✕")
            close.setAutoRaise(True)
            close.setToolTip("Dismiss")
            close.clicked.connect(self._dismiss)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()
        on_theme_changed(self._restyle)

    def show_message(self, text: str, level: str = "info") -> None:
        """Show ``text`` (rich text allowed) at ``level``; an empty text hides the banner."""
        if not text:
            self.hide()
            return
        if text != self.label.text() or level != self.level or not self.styleSheet():
            self.setStyleSheet(banner_style(current(), level))
            self.label.setText(text)
            self.level = level
        self.show()

    def _restyle(self, palette: ThemePalette) -> None:
        if self.styleSheet():  # styled once shown; a banner never shown has nothing to redo
            self.setStyleSheet(banner_style(palette, self.level))

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
