"""Which pages the main window has, and the controller that feeds them.

Page owners add their page to ``_pages`` below; nothing else in the shell needs to change.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtGui import QAction

from wsmonitor.core.profiles import ProfileStore
from wsmonitor.ui.alerts.alert_monitor import AlertMonitor
from wsmonitor.ui.alerts.alert_notifier import AlertNotifier, install_window_banner
from wsmonitor.ui.alerts.alerts_page import AlertsPage
from wsmonitor.ui.connection_dialog import ConnectionDialog
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.disconnects.disconnects_page import DisconnectsPage
from wsmonitor.ui.monitor_controller import MonitorController, MonitorPage
from wsmonitor.ui.page import Page
from wsmonitor.ui.servers.servers_page import ServersPage
from wsmonitor.ui.shell import GuiShell
from wsmonitor.ui.sockets.sockets_page import SocketsPage

log = logging.getLogger(__name__)


def _pages(monitor: AlertMonitor) -> list[Page]:
    """Every page, in navigation order."""
    return [
        DashboardPage(),
        ServersPage(),
        SocketsPage(),
        DisconnectsPage(),
        AlertsPage(monitor),
    ]


def install_pages(shell: GuiShell) -> None:
    """Create every page, add it to the window, and set ``shell.controller``."""
    window = shell.window
    profiles = ProfileStore()
    controller = MonitorController(profiles)
    controller.state_changed.connect(window.set_connection_state)
    shell.controller = controller
    shell.add_cleanup(controller.close)

    monitor = AlertMonitor(controller)
    notifier = AlertNotifier(install_window_banner(window), window.windowIcon(), window)
    monitor.active_changed.connect(notifier.on_active)
    monitor.alert_changed.connect(notifier.on_alert)

    async def close_notifier() -> None:  # also keeps the tray icon alive until then
        notifier.close()

    shell.add_cleanup(close_notifier)

    for page in _pages(monitor):
        if isinstance(page, MonitorPage):
            page.attach(controller)
        window.add_page(page)

    def open_dialog(url: str = "", username: str = "") -> None:
        dialog = ConnectionDialog(profiles, window)
        if url:
            dialog.set_url(url, username)

        def accepted() -> None:
            request = dialog.request
            if request is not None:
                shell.spawn(controller.connect(request.profile, request.password), "connect")

        dialog.accepted.connect(accepted)
        dialog.open()

    window.connect_requested.connect(open_dialog)
    controller.dialog_requested.connect(open_dialog)
    _add_profile_menu(shell, controller, profiles)
    from wsmonitor.ui import diagnose, lab  # Handshake lab and Diagnose pages (issue 4)

    for page in (lab.LabPage(), diagnose.DiagnosePage()):
        window.add_page(page)
        shell.add_cleanup(page.shutdown)


def _add_profile_menu(shell: GuiShell, controller: MonitorController, store: ProfileStore) -> None:
    """View → Watch profile: switch between saved profiles in one click."""
    menu = shell.window.view_menu.addMenu("&Watch profile")
    disconnect = QAction("&Disconnect", shell.window)
    disconnect.triggered.connect(lambda: shell.spawn(controller.disconnect(), "disconnect"))
    shell.window.view_menu.addAction(disconnect)

    def switch(name: str) -> None:
        profile = store.get(name)
        if profile is None:
            return
        if profile.username and not profile.password_saved:
            controller.dialog_requested.emit("", "")  # the password is needed: ask for it
            return
        password = store.password(name) if profile.password_saved else None
        shell.spawn(controller.connect(profile, password), f"connect {name}")

    def rebuild() -> None:
        menu.clear()
        current = controller.profile.name if controller.profile else None
        for name in store.names():
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(name == current)
            action.triggered.connect(partial(switch, name))
        if menu.isEmpty():
            menu.addAction("No saved profiles (File → Connect…)").setEnabled(False)

    menu.aboutToShow.connect(rebuild)
