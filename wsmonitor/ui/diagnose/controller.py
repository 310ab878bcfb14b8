"""What the Diagnose page does: validate, run the engine's checklist, fill the matrix live."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication

from wsmonitor.core.secrets import register_secret
from wsmonitor.ui.async_job import AsyncJob, JobCancelled
from wsmonitor.ui.diagnose import engine_link
from wsmonitor.ui.diagnose.engine_link import InputErrors
from wsmonitor.ui.lab.engine_link import mask_url

if TYPE_CHECKING:
    from wsmonitor.ui.diagnose.page import DiagnosePage

log = logging.getLogger(__name__)


class DiagnoseController:
    """One run at a time; the page's async slot awaits :meth:`run`."""

    def __init__(self, page: DiagnosePage) -> None:
        self._page = page
        self._job = AsyncJob()
        self.result: Any = None

    @property
    def running(self) -> bool:
        return self._job.running

    async def run(self) -> None:
        page = self._page
        if self.running:
            return
        inputs = page.inputs()
        try:
            options = engine_link.to_options(inputs)
        except InputErrors as exc:
            self.result = None
            page.reset_matrix()
            page.show_cell(None)
            page.set_progress("")
            page.show_errors(exc.errors)
            page.banner.show_message("Check the form", "Fix the fields marked in red.", "warn")
            return
        page.show_errors({})
        register_secret(options.token)
        self.result = None
        page.reset_matrix(bool(options.ws_url), bool(options.health_url), bool(options.token))
        page.show_cell(None)
        page.banner.show_running(f"Probing {mask_url(inputs.url)} in every combination…")
        page.set_running(True)
        try:
            result = await self._job.run(engine_link.run(options, self._update))
        except JobCancelled:
            page.banner.show_message("Cancelled", "The run was cancelled; finished cells stay.")
            return
        except Exception as exc:  # never a traceback at the user
            log.exception("diagnose failed unexpectedly")
            page.banner.show_message("Diagnose failed", f"{type(exc).__name__}: {exc}")
            return
        finally:
            page.set_running(False)
        self.result = result
        page.set_running(False)  # enables "copy report" now that there is one
        cause = engine_link.root_cause(result)
        page.banner.show_verdict(cause.code, cause.summary, cause.hints)
        wall = result.wall_ms
        page.set_progress(
            f"done in {wall:.0f} ms" if wall < 1000 else f"done in {wall / 1000:.1f} s"
        )

    def copy_report(self) -> None:
        if self.result is None:
            return
        text = engine_link.render_report(self.result)
        QGuiApplication.clipboard().setText(text)
        self._page.set_progress(f"Markdown report copied ({len(text)} characters).")

    def cancel(self) -> None:
        self._job.cancel()

    async def shutdown(self) -> None:
        """Cancel a running probe and let the engine close its connections (app exit)."""
        await self._job.shutdown()

    def _update(self, key: str, cell: Any) -> None:
        self._page.matrix.update(key, cell)
        done = sum(1 for c in self._page.matrix.cells().values() if c.status == "done")
        self._page.set_progress(f"{done} of {len(self._page.matrix.cells())} done")
