"""``wsmonitor --self-test``: prove a build (frozen or not) has everything it needs.

Headless (offscreen) by default; an explicit ``QT_QPA_PLATFORM`` (``xcb`` with a display, say)
is honoured, so the same self-test proves that a real display backend loads too.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

Check = tuple[str, Callable[[], str]]


def _check_resources() -> str:
    from wsmonitor.resources import resource_path

    needed = [
        resource_path("icons", "wsmonitor.svg"),
        resource_path("icons", "wsmonitor-256.png"),
        resource_path("wsmonitor.desktop"),
    ]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        raise FileNotFoundError(", ".join(missing))
    return f"{len(needed)} resources under {needed[0].parent.parent}"


def _check_network_stack() -> str:
    import aiohttp
    import engineio
    import httpx
    import jwt
    import socketio

    from wsmonitor import net  # noqa: F401

    client = socketio.AsyncClient(handle_sigint=False)
    del client
    return (
        f"python-socketio {socketio.__version__ if hasattr(socketio, '__version__') else 'ok'}, "
        f"engineio ok ({engineio.__name__}), aiohttp {aiohttp.__version__}, "
        f"httpx {httpx.__version__}, pyjwt {jwt.__version__}"
    )


def _check_main_window() -> str:
    import qasync
    from PySide6.QtGui import QIcon

    from wsmonitor.ui.app import build_shell, create_application

    app = create_application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    shell = build_shell(loop)
    shell.window.show()
    app.processEvents()
    titles = [page.title for page in shell.window.pages()]
    if QIcon(str(Path(shell.window.windowIcon().name() or ""))).isNull() and (
        shell.window.windowIcon().isNull()
    ):
        raise RuntimeError("the window icon did not load")
    shot = Path(tempfile.gettempdir()) / "wsmonitor-self-test.png"
    shell.window.grab().save(str(shot))
    shell.window.close()
    loop.run_until_complete(shell.shutdown())
    # Which backend really ran: QT_QPA_PLATFORM may name fallbacks ("xcb;offscreen").
    return f"main window on {app.platformName()} with pages {titles}; screenshot {shot}"


CHECKS: list[Check] = [
    ("resources", _check_resources),
    ("network stack", _check_network_stack),
    ("main window", _check_main_window),
]


def run_self_test() -> int:
    # setdefault: a platform the caller names explicitly is the one to test.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = 0
    for name, check in CHECKS:
        try:
            detail = check()
        except Exception as exc:
            failures += 1
            print(f"FAIL {name}: {type(exc).__name__}: {exc}")
        else:
            print(f"ok   {name}: {detail}")
    print("self-test passed" if not failures else f"self-test FAILED ({failures} checks)")
    sys.stdout.flush()
    return 0 if failures == 0 else 1
