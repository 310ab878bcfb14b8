"""The application shell: navigation, pages, menu and the connection status bar."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from wsmonitor import __version__
from wsmonitor.resources import resource_path
from wsmonitor.ui.page import Page
from wsmonitor.ui.theme import ThemeManager, ThemePalette, current, on_theme_changed
from wsmonitor.ui.theme.menu import add_theme_menu


class ConnectionIndicator(QLabel):
    """Status-bar label: a coloured dot and a short text such as 'Connected to demo'."""

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self.set_state("Not connected", "idle")
        on_theme_changed(self._restyle)

    def set_state(self, text: str, level: str = "idle") -> None:
        colour = current().level(level)
        self.setText(f'<span style="color:{colour}">●</span> {html.escape(text)}')
        self.setToolTip(text)
        self.state_text = text
        self.state_level = level

    def _restyle(self, _palette: ThemePalette) -> None:
        self.set_state(self.state_text, self.state_level)


class MainWindow(QMainWindow):
    """Navigation list on the left, the current page on the right."""

    connect_requested = Signal()
    #: Emitted once when the user closes the window (the app then shuts down cleanly).
    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("wsmonitor")
        self.setWindowIcon(QIcon(str(resource_path("icons", "wsmonitor.svg"))))
        self.resize(1280, 820)

        self._nav = QListWidget()
        self._nav.setObjectName("navigation")
        self._nav.setFixedWidth(180)
        self._stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._nav)
        layout.addWidget(self._stack, 1)
        self.setCentralWidget(central)
        self._nav.currentRowChanged.connect(self._show_row)

        #: View › Theme actions by choice ("system", "light", "dark"), set by install_theme_menu.
        self.theme_actions: dict[str, QAction] = {}
        self.connection_indicator = ConnectionIndicator()
        self.statusBar().addPermanentWidget(self.connection_indicator)
        self._build_menu()

    # -- pages -------------------------------------------------------------------------------
    def add_page(self, page: Page) -> None:
        item = QListWidgetItem(page.title)
        item.setToolTip(page.description or page.title)
        self._nav.addItem(item)
        self._stack.addWidget(page)
        if self._nav.currentRow() < 0:
            self._nav.setCurrentRow(0)

    def pages(self) -> list[Page]:
        return [self._stack.widget(i) for i in range(self._stack.count())]  # type: ignore[misc]

    def show_page(self, title: str) -> None:
        for row, page in enumerate(self.pages()):
            if page.title == title:
                self._nav.setCurrentRow(row)
                return

    def current_page(self) -> Page | None:
        return self._stack.currentWidget()  # type: ignore[return-value]

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self._stack.setCurrentIndex(row)
        page = self._stack.widget(row)
        if isinstance(page, Page):
            page.on_shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

    # -- status ------------------------------------------------------------------------------
    def set_connection_state(self, text: str, level: str = "idle") -> None:
        self.connection_indicator.set_state(text, level)

    # -- menu --------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        connect = QAction("&Connect…", self)
        connect.setShortcut(QKeySequence("Ctrl+K"))
        connect.triggered.connect(self.connect_requested.emit)
        file_menu.addAction(connect)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu("&View")
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About wsmonitor", self)
        about.triggered.connect(self._show_about)
        help_menu.addAction(about)

    def install_theme_menu(self, manager: ThemeManager) -> None:
        """View › Theme (System / Light / Dark); ``theme_actions`` holds its actions."""
        self.view_menu.addSeparator()
        self.theme_actions = add_theme_menu(self.view_menu, manager)

    def _show_about(self) -> None:
        QMessageBox.about(
            self,
            "About wsmonitor",
            f"<b>wsmonitor {__version__}</b><br>"
            "Live monitor and handshake lab for Socket.IO servers.",
        )
