"""The Diagnose page: every connection combination against one server, in one matrix."""

from wsmonitor.ui.diagnose.page import DiagnosePage

__all__ = ["DiagnosePage"]
