"""What GUI start-up hooks get to work with: the window, the loop and clean-up registration."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from wsmonitor.ui.main_window import MainWindow

log = logging.getLogger(__name__)

Cleanup = Callable[[], Awaitable[None]]


@dataclass
class GuiShell:
    """The running GUI: its window, its one asyncio loop and the page controller."""

    window: MainWindow
    loop: asyncio.AbstractEventLoop
    #: The dashboard's monitor controller (see wsmonitor.ui.pages); None until pages install.
    controller: Any = None
    _cleanups: list[Cleanup] = field(default_factory=list)
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def add_cleanup(self, cleanup: Cleanup) -> None:
        """Run ``cleanup()`` when the window closes, newest first."""
        self._cleanups.append(cleanup)

    def spawn(self, coro: Awaitable[Any], name: str) -> asyncio.Task[Any]:
        """Start a background task that the shell keeps a reference to and cancels at exit."""
        task = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def shutdown(self) -> None:
        for cleanup in reversed(self._cleanups):
            try:
                await asyncio.wait_for(cleanup(), timeout=5)
            except Exception:
                log.exception("clean-up step failed")
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
