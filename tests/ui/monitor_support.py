"""Helpers for the monitor GUI tests: a real main window on the test's asyncio loop."""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import numpy as np
from PySide6.QtWidgets import QApplication

from wsmonitor.core.profiles import Profile
from wsmonitor.ui.app import build_shell
from wsmonitor.ui.shell import GuiShell


async def settle(predicate: Callable[[], bool], timeout: float = 45.0) -> None:
    """Pump Qt and asyncio until ``predicate()`` holds (generous timeout, no wall-clock asserts)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        QApplication.processEvents()
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)
    QApplication.processEvents()


@asynccontextmanager
async def monitor_shell(qtbot) -> AsyncIterator[GuiShell]:
    """The whole main window, as ``wsmonitor`` builds it, shown offscreen."""
    shell = build_shell(asyncio.get_running_loop())
    qtbot.addWidget(shell.window)
    shell.window.resize(1500, 950)
    shell.window.show()
    try:
        yield shell
    finally:
        await shell.shutdown()
        shell.window.close()


def profile_for(url: str, username: str | None = None, **extra) -> Profile:
    """A profile of its own per test: history recorded under one name would show up in the next."""
    name = f"test-{uuid.uuid4().hex[:8]}"
    return Profile(name=name, server_url=url, username=username or "", **extra)


def finite_points(y: np.ndarray) -> int:
    return int(np.isfinite(y).sum())


def has_nan_between(x: np.ndarray, y: np.ndarray, start: float, end: float) -> bool:
    inside = (x >= math.floor(start)) & (x <= end)
    return bool(inside.any() and np.isnan(y[inside]).any())
