"""Start the Qt application on a qasync event loop: the one loop the whole GUI runs on."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from wsmonitor.resources import resource_path

log = logging.getLogger(__name__)

StartupHook = Callable[["GuiShell"], Awaitable[None]]  # noqa: F821

#: Signals that close the window the way File › Quit does: Ctrl-C in the terminal, and what
#: ``kill``, systemd and session managers send.
STOP_SIGNALS: tuple[signal.Signals, ...] = (signal.SIGINT, signal.SIGTERM)

#: How often the fallback timer lets Python run a pending signal handler (milliseconds).
_SIGNAL_POLL_MS = 200


def create_application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv)
    # Fusion looks the same on every platform and under every desktop theme (and offscreen).
    app.setStyle("Fusion")
    app.setApplicationName("wsmonitor")
    app.setOrganizationName("wsmonitor")
    app.setDesktopFileName("wsmonitor")
    app.setWindowIcon(QIcon(str(resource_path("icons", "wsmonitor.svg"))))
    # The palette and style sheet come with the theme, applied in build_shell once the saved
    # choice is known.
    return app  # type: ignore[return-value]


def build_shell(loop: asyncio.AbstractEventLoop):  # -> GuiShell
    """The main window with every page installed and the saved theme applied, not yet shown."""
    from wsmonitor.ui.main_window import MainWindow
    from wsmonitor.ui.pages import install_pages
    from wsmonitor.ui.shell import GuiShell
    from wsmonitor.ui.theme import theme_manager

    shell = GuiShell(window=MainWindow(), loop=loop)
    install_pages(shell)
    themes = theme_manager()
    if shell.controller is not None:
        # The controller's profile store: one in-memory copy of the settings file, so saving
        # the theme cannot overwrite a profile saved meanwhile (or the other way round).
        themes.use_store(shell.controller.profiles)
    else:
        themes.apply()
    shell.window.install_theme_menu(themes)
    return shell


def install_signal_handlers(
    loop: asyncio.AbstractEventLoop,
    on_signal: Callable[[str], None],
    signals: tuple[signal.Signals, ...] = STOP_SIGNALS,
) -> Callable[[], None]:
    """Call ``on_signal(name)`` on ``loop`` when one of ``signals`` arrives; returns the undo.

    Python runs a signal handler only when the interpreter gets control, and inside Qt's C++
    event loop it may not for a long time: that is why Ctrl-C used to be swallowed. On Unix,
    qasync's loop is an asyncio selector loop, whose ``add_signal_handler`` writes the signal
    to a self-pipe watched by a QSocketNotifier, so the loop wakes at once. Elsewhere (Windows)
    a plain handler plus a timer that enters Python now and then does the job.
    """
    try:
        for sig in signals:
            loop.add_signal_handler(sig, on_signal, sig.name)
    except NotImplementedError:
        return _install_polled_handlers(loop, on_signal, signals)

    def undo() -> None:
        for sig in signals:
            loop.remove_signal_handler(sig)

    return undo


def _install_polled_handlers(
    loop: asyncio.AbstractEventLoop,
    on_signal: Callable[[str], None],
    signals: tuple[signal.Signals, ...],
) -> Callable[[], None]:
    """The fallback for loops without ``add_signal_handler``: handler plus wake-up timer."""

    def handler(signum: int, _frame: object) -> None:
        loop.call_soon_threadsafe(on_signal, signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    timer = QTimer()
    timer.timeout.connect(lambda: None)  # the call into Python is the point
    timer.start(_SIGNAL_POLL_MS)

    def undo() -> None:
        timer.stop()
        for sig, old in previous.items():
            signal.signal(sig, old)

    return undo


def run_gui(startup: StartupHook | None = None) -> int:
    """Show the main window and run until it closes (or SIGINT/SIGTERM closes it).

    ``startup`` runs inside the loop once the window is up: ``wsmonitor demo`` starts the demo
    server there and connects, ``wsmonitor connect`` connects to the given URL.
    """
    import qasync

    from wsmonitor.ui.error_dialog import install_exception_hook

    app = create_application()
    install_exception_hook()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    # The window, not Qt, decides when we stop: the loop must outlive it to clean up.
    app.setQuitOnLastWindowClosed(False)
    closed = asyncio.Event()
    shell = build_shell(loop)
    shell.window.closing.connect(closed.set)
    app.aboutToQuit.connect(closed.set)

    def on_signal(name: str) -> None:
        if closed.is_set():
            log.info("%s received while shutting down; the clean-up is under way", name)
            return
        log.info("%s received: closing the window", name)
        shell.window.close()  # what File › Quit does
        closed.set()  # a signal stops the app even if the window ever refuses to close

    restore_signals = install_signal_handlers(loop, on_signal)
    shell.window.show()

    async def main() -> None:
        hook = startup
        if hook is None and shell.controller is not None:
            # No explicit target: reconnect the profile used last (if the user wants that).
            hook = shell.controller.restore_last_profile
        if hook is not None:
            try:
                await hook(shell)
            except Exception as exc:
                log.exception("start-up step failed")
                shell.window.set_connection_state(f"Start-up failed: {exc}", "error")
        await closed.wait()
        await shell.shutdown()
        log.info("shut down cleanly")

    try:
        with loop:
            loop.run_until_complete(main())
    finally:
        restore_signals()
    return 0
