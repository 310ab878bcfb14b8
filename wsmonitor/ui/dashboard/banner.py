"""A plain-language message strip across the top of a page (info, warning, error)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

_STYLES = {
    "info": ("#e8f1fb", "#0b4f8a", "#9cc3ea"),
    "warn": ("#fff4dc", "#7a4d00", "#f0c36d"),
    "error": ("#fdecea", "#8a1f17", "#ef9a92"),
    "ok": ("#e7f6ec", "#1d6b36", "#94d3a9"),
}


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

    def show_message(self, text: str, level: str = "info") -> None:
        """Show ``text`` (rich text allowed) at ``level``; an empty text hides the banner."""
        if not text:
            self.hide()
            return
        if text != self.label.text() or level != self.level:
            background, foreground, border = _STYLES.get(level, _STYLES["info"])
            self.setStyleSheet(
                f"QFrame#banner {{ background: {background}; border: 1px solid {border};"
                f" border-radius: 4px; }} QFrame#banner QLabel {{ color: {foreground}; }}"
            )
            self.label.setText(text)
            self.level = level
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
