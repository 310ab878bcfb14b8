"""What the Handshake lab does: validate the form, run the engine's probe, show its result.

The page's async slot is one line calling :meth:`LabController.fire`, so this runs (and is
tested) as a plain coroutine on whichever asyncio loop is current.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication

from wsmonitor.core.secrets import register_secret
from wsmonitor.ui.async_job import AsyncJob, JobCancelled
from wsmonitor.ui.lab import engine_link
from wsmonitor.ui.lab.options_bridge import FormErrors, to_probe_options

if TYPE_CHECKING:
    from wsmonitor.ui.lab.page import LabPage

log = logging.getLogger(__name__)


class LabController:
    """Runs one probe at a time for the page and keeps its result for the report buttons."""

    def __init__(self, page: LabPage) -> None:
        self._page = page
        self._job = AsyncJob()
        self.result: Any = None

    @property
    def running(self) -> bool:
        return self._job.running

    async def fire(self) -> None:
        """Validate, probe, and show the verdict; bad input ends as inline messages."""
        page = self._page
        if self.running:
            return
        try:
            options = to_probe_options(page.form.settings())
        except FormErrors as exc:
            self._clear()
            page.form.show_errors(exc.errors)
            page.banner.show_message("Check the form", "Fix the fields marked in red.", "warn")
            return
        page.form.clear_errors()
        register_secret(options.token)
        # As the engine does: a token pasted into the URL is inspected too.
        page.token_panel.inspect(options.token or options.url_token() or "")
        self._clear()
        page.banner.show_running(engine_link.describe(options))
        page.set_running(True)
        try:
            result = await self._job.run(
                engine_link.run_probe(options, lambda row: page.timeline.append(row))
            )
        except JobCancelled:
            page.timeline.flush()
            page.banner.show_message("Cancelled", "The probe was cancelled before a verdict.")
            return
        except Exception as exc:  # the engine promises values, but never show a traceback
            log.exception("probe failed unexpectedly")
            page.banner.show_message("Probe failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            page.set_running(False)
        self._show(result)

    def cancel(self) -> None:
        self._job.cancel()

    async def shutdown(self) -> None:
        """Cancel a running probe and let the engine close its connections (app exit)."""
        await self._job.shutdown()

    def copy_report(self, fmt: str) -> None:
        """Put the report (secrets masked by core.probe_report) on the clipboard."""
        if self.result is None:
            return
        text = engine_link.render_report(self.result, fmt)
        QGuiApplication.clipboard().setText(text)
        label = "JSON" if fmt == "json" else "Markdown"
        self._page.report_note.setText(f"{label} report copied, token masked ({len(text)} chars).")

    def _clear(self) -> None:
        self._page.timeline.clear()
        self._page.waterfall.set_phases([])
        self._page.set_total_ms(None)
        self._page.set_report_available(False)
        self._page.report_note.clear()
        self.result = None

    def _show(self, result: Any) -> None:
        page = self._page
        self.result = result
        page.timeline.set_rows(engine_link.timeline_rows(result))
        page.waterfall.set_phases(engine_link.phases(result))
        page.set_total_ms(engine_link.total_ms(result))
        verdict = engine_link.verdict_of(result)
        page.banner.show_verdict(verdict.code, verdict.summary, list(verdict.hints))
        page.set_report_available(True)
