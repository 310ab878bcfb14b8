"""Where a fired alert shows up: a banner across the window and a desktop notification."""

from __future__ import annotations

import html

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon, QVBoxLayout, QWidget

from wsmonitor.core.alerts import Alert
from wsmonitor.ui.dashboard.banner import Banner


def install_window_banner(window: QMainWindow) -> Banner:
    """Put a banner above the window's pages (it wraps the current central widget)."""
    banner = Banner(closable=True)
    banner.setObjectName("banner")
    content = window.takeCentralWidget()
    container = QWidget()
    layout = QVBoxLayout(container)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    layout.addWidget(banner)
    if content is not None:
        layout.addWidget(content, 1)
    window.setCentralWidget(container)
    return banner


def banner_text(active: list[Alert]) -> str:
    """Rich text for the firing alerts, newest first; empty when none fire."""
    if not active:
        return ""
    newest = sorted(active, key=lambda a: a.t, reverse=True)
    head = f"<b>⚠ {html.escape(newest[0].message)}</b>"
    if len(newest) > 1:
        head += f" &nbsp;·&nbsp; {len(newest) - 1} more alert(s) on the Alerts page"
    return head


class AlertNotifier:
    """Shows firing alerts in the window banner and, where a tray exists, as notifications."""

    def __init__(self, banner: Banner, icon: QIcon, parent: QWidget | None = None) -> None:
        self.banner = banner
        self.tray: QSystemTrayIcon | None = None
        self.notifications = 0
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, parent)
            self.tray.setToolTip("wsmonitor")
            self.tray.show()

    def on_active(self, active: list[Alert]) -> None:
        self.banner.show_message(banner_text(active), "error")

    def on_alert(self, alert: Alert) -> None:
        if alert.state != "fired":
            return
        self.notifications += 1
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(
                "wsmonitor alert", alert.message, QSystemTrayIcon.MessageIcon.Warning, 10_000
            )

    def close(self) -> None:
        if self.tray is not None:
            self.tray.hide()
