"""A URL field that never shows the secrets its URL carries unless the user is editing it.

A URL such as ``ws://host/ws?token=eyJ…`` puts a token in plain view, in screenshots too. While
the field is not focused it paints the URL with its secrets masked (as the engine masks them in
reports); focused, it shows the real URL for editing. ``text()`` always returns the real URL.
"""

from __future__ import annotations

from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLineEdit

from wsmonitor.core.secrets import register_secret
from wsmonitor.ui.lab.engine_link import mask_url, url_secrets


class SecretUrlEdit(QLineEdit):
    """QLineEdit whose display masks ``?token=…`` and passwords when it has no focus."""

    def __init__(self) -> None:
        super().__init__()
        self._value = ""
        self._repainting = False  # our own display changes are not the user's typing
        self._editing = False  # between focus in and focus out: the real URL is shown
        self.textChanged.connect(self._typed)

    def text(self) -> str:
        """The real URL (Qt itself paints and copies the masked one while unfocused)."""
        return self._value

    def setText(self, text: str) -> None:
        self._value = text
        self._remember(text)
        self._show()

    def shown_text(self) -> str:
        """What the field paints right now (masked unless focused)."""
        return QLineEdit.text(self)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._editing = True
        self._show()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self._editing = False
        self._remember(self._value)
        self._show()

    def _show(self) -> None:
        shown = self._value if self._editing else mask_url(self._value)
        if QLineEdit.text(self) != shown:
            self._repainting = True
            try:
                QLineEdit.setText(self, shown)
            finally:
                self._repainting = False

    def _typed(self, text: str) -> None:
        if not self._repainting:
            self._value = text  # registered on leaving the field: not every half-typed prefix
            if not self._editing:  # changed while nobody edits the field (by code...)
                self._remember(text)
                self._show()

    @staticmethod
    def _remember(url: str) -> None:
        """Logs mask the URL's secrets from now on, whatever logs them."""
        for secret in url_secrets(url):
            register_secret(secret)
