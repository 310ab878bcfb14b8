"""One cancellable run at a time behind a page's Run / Cancel buttons (Lab and Diagnose)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class JobCancelled(Exception):
    """The user cancelled the run (not the app shutting down, which re-raises CancelledError)."""


class AsyncJob:
    """Holds the task of the current run so the page can cancel it or wait for it on exit."""

    def __init__(self) -> None:
        self._task: asyncio.Task[Any] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` as this job's task; raises JobCancelled if :meth:`cancel` stopped it."""
        self._task = asyncio.ensure_future(coro)
        try:
            return await self._task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the app is shutting down, not the user pressing Cancel
            raise JobCancelled from None
        finally:
            self._task = None

    def cancel(self) -> None:
        # One request is enough: the engine never loses a cancellation (no wait_for).
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def shutdown(self) -> None:
        """Cancel a running job and let the engine close its connections (app exit)."""
        task = self._task
        self.cancel()
        if task is not None:
            await asyncio.wait({task}, timeout=3)
