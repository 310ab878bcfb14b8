"""Start the Qt application on a qasync event loop: the one loop the whole GUI runs on."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from wsmonitor.resources import resource_path

log = logging.getLogger(__name__)

StartupHook = Callable[["GuiShell"], Awaitable[None]]  # noqa: F821


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


def run_gui(startup: StartupHook | None = None) -> int:
    """Show the main window and run until it closes.

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

    with loop:
        loop.run_until_complete(main())
    return 0
