"""Base class of a page in the main window's navigation."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class Page(QWidget):
    """A top-level page. Subclasses set ``title`` and may override ``on_shown``."""

    title: str = "Page"
    #: Short text shown under the title in the navigation tooltip.
    description: str = ""

    def on_shown(self) -> None:
        """Called when the user navigates to this page."""
