"""Cancel a probe task and make sure it stops.

On Python 3.11, ``asyncio.wait_for`` swallows a cancellation that arrives just as the awaited
future completes (fixed in 3.12), so one ``task.cancel()`` can be lost inside the engine and a
probe would hold on for its whole hold time. Until the engine avoids ``wait_for``, the GUI
repeats the request until the task is done.
"""

from __future__ import annotations

import asyncio
from typing import Any

_RETRY_S = 0.1
_GIVE_UP_S = 5.0

_insisting: set[asyncio.Task[Any]] = set()  # keep the watchdog tasks referenced


def cancel_for_sure(task: asyncio.Task[Any] | None) -> None:
    """Request cancellation now, and again every 100 ms until the task is done (max 5 s)."""
    if task is None or task.done():
        return
    task.cancel()
    watchdog = asyncio.ensure_future(_insist(task))
    _insisting.add(watchdog)
    watchdog.add_done_callback(_insisting.discard)


async def _insist(task: asyncio.Task[Any]) -> None:
    for _ in range(int(_GIVE_UP_S / _RETRY_S)):
        await asyncio.wait({task}, timeout=_RETRY_S)
        if task.done():
            return
        task.cancel()
