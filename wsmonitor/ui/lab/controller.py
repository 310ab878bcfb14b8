"""What the Handshake lab does: validate the form, run the engine's probe, show its result.

The page's async slot is one line calling :meth:`LabController.fire`, so this runs (and is
tested) as a plain coroutine on whichever asyncio loop is current. With EIO "3 and 4" one Fire
runs the probe once per version, one after the other, as one cancellable job.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication

from wsmonitor.core.secrets import register_secret
from wsmonitor.ui.async_job import AsyncJob, JobCancelled
from wsmonitor.ui.lab import engine_link
from wsmonitor.ui.lab.compare_strip import RunEntry
from wsmonitor.ui.lab.options_bridge import FormErrors, to_probe_runs
from wsmonitor.ui.lab.timeline_model import TimelineRow

if TYPE_CHECKING:
    from wsmonitor.net.probe import ProbeOptions
    from wsmonitor.ui.lab.page import LabPage

log = logging.getLogger(__name__)

#: How a compare run's token travels, for the note under the report buttons.
_TOKEN_PLACE_WORDS = {
    "auth": "in the auth payload",
    "query": "in the query string",
    "header": "in an Authorization header",
    "cookie": "in a cookie",
}


class LabController:
    """Runs one Fire at a time for the page and keeps its result(s) for the report buttons."""

    def __init__(self, page: LabPage) -> None:
        self._page = page
        self._job = AsyncJob()
        #: The run the page shows (of a compare Fire: the one picked in the strip).
        self.result: Any = None
        #: Every run of the last Fire: one, or EIO 4 then EIO 3 when comparing.
        self.results: list[Any] = []

    @property
    def running(self) -> bool:
        return self._job.running

    @property
    def comparing(self) -> bool:
        """True when the results shown are a compare Fire's (more than one run)."""
        return len(self.results) > 1

    async def fire(self) -> None:
        """Validate, probe, and show the verdict; bad input ends as inline messages."""
        page = self._page
        if self.running:
            return
        try:
            runs = to_probe_runs(page.form.settings())
        except FormErrors as exc:
            self._clear()
            page.form.show_errors(exc.errors)
            page.banner.show_message("Check the form", "Fix the fields marked in red.", "warn")
            return
        page.form.clear_errors()
        options = runs[0]
        register_secret(options.token)
        # As the engine does: a token pasted into the URL is inspected too.
        page.token_panel.inspect(options.token or options.url_token() or "")
        self._clear()
        if len(runs) > 1:
            page.compare_strip.show_entries([RunEntry(_label(o)) for o in runs])
        else:
            page.banner.show_running(engine_link.describe(options))
        page.set_running(True)
        results: list[Any] = []
        try:
            await self._job.run(self._run_all(runs, results))
        except JobCancelled:
            page.timeline.flush()
            self._mark_unfinished(runs, len(results), "cancelled")
            page.banner.show_message("Cancelled", "The probe was cancelled before a verdict.")
            return
        except Exception as exc:  # the engine promises values, but never show a traceback
            log.exception("probe failed unexpectedly")
            self._mark_unfinished(runs, len(results), "error")
            page.banner.show_message("Probe failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            page.set_running(False)
        self.results = results
        self.select(_default_run(results))

    async def _run_all(self, runs: list[ProbeOptions], results: list[Any]) -> None:
        """Each run in turn, its rows arriving live; ``results`` fills as runs finish."""
        page = self._page
        for index, options in enumerate(runs):
            if len(runs) > 1:
                label = _label(options)
                page.compare_strip.set_entry(index, RunEntry(label, "running"))
                page.banner.show_running(
                    f"Run {index + 1} of {len(runs)}: {engine_link.describe(options)}"
                )
                # A heading row, so the live table reads as one block per version.
                page.timeline.append(TimelineRow(0.0, "-", f"── {label}", "run starts"))
            result = await engine_link.run_probe(options, page.timeline.append)
            results.append(result)
            if len(runs) > 1:
                page.compare_strip.set_entry(index, engine_link.run_entry(label, result))

    def _mark_unfinished(self, runs: list[ProbeOptions], finished: int, state: str) -> None:
        """A compare Fire that stopped early: its strip says which runs never finished."""
        if len(runs) > 1:
            for index in range(finished, len(runs)):
                self._page.compare_strip.set_entry(index, RunEntry(_label(runs[index]), state))

    def select(self, index: int) -> None:
        """Show run ``index`` of the last Fire (the strip's entries call this)."""
        if self.running or not 0 <= index < len(self.results):
            return
        self._show(self.results[index])
        if self.comparing:
            self._page.compare_strip.select(index)
            self._page.report_note.setText(_run_note(self.results[index]))

    def cancel(self) -> None:
        self._job.cancel()

    async def shutdown(self) -> None:
        """Cancel a running probe and let the engine close its connections (app exit)."""
        await self._job.shutdown()

    def copy_report(self, fmt: str) -> None:
        """Put the report (secrets masked by core.probe_report) on the clipboard."""
        if self.result is None:
            return
        label = "JSON" if fmt == "json" else "Markdown"
        if self.comparing:
            text = engine_link.render_compare_report(self.results, fmt)
            what = f"{label} report of all {len(self.results)} runs"
        else:
            text = engine_link.render_report(self.result, fmt)
            what = f"{label} report"
        QGuiApplication.clipboard().setText(text)
        self._page.report_note.setText(f"{what} copied, token masked ({len(text)} chars).")

    def _clear(self) -> None:
        self._page.timeline.clear()
        self._page.waterfall.set_phases([])
        self._page.set_total_ms(None)
        self._page.set_report_available(False)
        self._page.report_note.clear()
        self._page.compare_strip.clear()
        self.result = None
        self.results = []

    def _show(self, result: Any) -> None:
        page = self._page
        self.result = result
        page.timeline.set_rows(engine_link.timeline_rows(result))
        page.waterfall.set_phases(engine_link.phases(result))
        page.set_total_ms(engine_link.total_ms(result))
        verdict = engine_link.verdict_of(result)
        page.banner.show_verdict(verdict.code, verdict.summary, list(verdict.hints))
        page.set_report_available(True)


def _label(options: ProbeOptions) -> str:
    return f"EIO {options.eio}"


def _default_run(results: list[Any]) -> int:
    """The run to show first: the first that failed (the interesting one), else the first."""
    return next((i for i, result in enumerate(results) if not result.ok), 0)


def _run_note(result: Any) -> str:
    """Which run the page shows and how it sent the token (EIO 3 moves it to the query)."""
    request = result.request
    place = _TOKEN_PLACE_WORDS.get(request.get("token_in") or "", "")
    token = f" (token {place})" if request.get("token") and place else ""
    return f"Showing EIO {request.get('eio')}{token} · reports hold both runs"
