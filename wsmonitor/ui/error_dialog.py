"""A last-resort exception hook: log the traceback, show the user a short dialog."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from wsmonitor.core.secrets import redact

log = logging.getLogger(__name__)
_showing = False


def _hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.error("unhandled error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
    if _showing or QApplication.instance() is None:
        return
    _showing = True  # an error inside the dialog must not open dialogs forever
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, "wsmonitor hit a problem", "")
        box.setText("Something went wrong, but your data is safe and wsmonitor keeps running.")
        box.setInformativeText(redact(f"{exc_type.__name__}: {exc}"))
        box.setDetailedText("The full details are in the log file (Help → About shows where).")
        box.exec()
    finally:
        _showing = False


def install_exception_hook() -> None:
    """Route uncaught exceptions (also those raised in Qt slots) to the log and a dialog."""
    sys.excepthook = _hook
