"""The Sockets page: live sockets (filter, sort, detail), short-lived detector, disconnect."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
)

from wsmonitor.core.socket_store import SocketChanges, SocketFeed, SocketRow
from wsmonitor.errors import UserError
from wsmonitor.ui.dashboard.banner import Banner
from wsmonitor.ui.monitor_controller import MonitorController, MonitorFrame, MonitorPage
from wsmonitor.ui.sockets.short_lived import ShortLivedView
from wsmonitor.ui.sockets.socket_detail import SocketDetail
from wsmonitor.ui.sockets.socket_model import SocketTableModel

log = logging.getLogger(__name__)

_NO_SOCKETS = (
    "This server runs in production mode: it does not send the list of sockets, so this page"
    " stays empty. Run it in development mode to see each socket, its handshake and rooms."
)


class SocketsPage(MonitorPage):
    """Every socket of the watched server, fed incrementally from the admin channel."""

    title = "Sockets"
    description = "Live sockets with handshake details, short-lived connection detector"

    def __init__(self) -> None:
        super().__init__()
        self.model = SocketTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((175, 95, 80, 105, 180, 125)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.detail = SocketDetail()

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(
            "Filter by id, namespace, transport, address, user agent or room…"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter)
        self.count_label = QLabel("")
        self.disconnect_button = QPushButton("Disconnect socket…")
        self.disconnect_button.setEnabled(False)
        self.disconnect_button.clicked.connect(self._confirm_disconnect)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.disconnect_button)

        live = QSplitter(Qt.Orientation.Horizontal)
        live.addWidget(self.table)
        live.addWidget(self.detail)
        live.setStretchFactor(0, 3)
        live.setStretchFactor(1, 2)
        live.setSizes([860, 380])
        self.short_lived = ShortLivedView()
        self.short_lived.threshold_changed.connect(self._on_threshold)
        self.tabs = QTabWidget()
        self.tabs.addTab(live, "Live sockets")
        self.tabs.addTab(self.short_lived, "Short-lived connections")
        self.banner = Banner()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self._feed: SocketFeed | None = None
        self._can_disconnect = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- MonitorView -------------------------------------------------------------------------
    def reset(self) -> None:
        if self._feed is not None and self.controller is not None:
            session = self.controller.session
            if session is not None:
                session.aggregator.sockets.close_feed(self._feed)
        self._feed = None
        self.model.apply(SocketChanges(reset=()))
        self.detail.show_row(None)
        self.short_lived.reset()
        self.banner.show_message("")

    def refresh(self, frame: MonitorFrame) -> None:
        if self._feed is None:
            self._feed = frame.session.open_socket_feed()
        changes = self._feed.drain()
        if not changes.empty:
            selected = self.selected_row()
            self.model.apply(changes)
            if selected is not None and changes.updated:
                fresh = frame.session.aggregator.sockets.get(selected.id)
                if fresh is not None and fresh is not selected:
                    self.detail.show_row(fresh)
        total, shown = self.model.total_count(), self.model.rowCount()
        self.count_label.setText(
            f"{total:,} sockets" if shown == total else f"{shown:,} of {total:,} sockets"
        )
        features = frame.snapshot.stats.features
        self.banner.show_message(
            _NO_SOCKETS if features and "ALL_EVENTS" not in features else "", "warn"
        )
        self._can_disconnect = frame.session.can("DISCONNECT")
        self._update_disconnect_button()
        if self.tabs.currentWidget() is self.short_lived:
            self.short_lived.refresh(frame)
        else:  # the list stays current while its tab is hidden
            self.short_lived.sync(frame)

    def attach(self, controller: MonitorController) -> None:
        super().attach(controller)
        if controller.profiles is not None:
            self.short_lived.show_threshold(controller.profiles.settings.short_lived_s)

    def _on_threshold(self, seconds: float) -> None:
        if self.controller is None:
            return
        try:
            self.controller.set_short_lived_s(seconds)
        except UserError as exc:  # e.g. the settings file cannot be written
            self.banner.show_message(f"The short-lived threshold was not saved: {exc}", "error")

    # -- selection and filter ----------------------------------------------------------------
    def selected_row(self) -> SocketRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self.detail.show_row(self.selected_row())
        self._update_disconnect_button()

    def _on_filter(self, text: str) -> None:
        selected = self.selected_row()
        self.model.set_filter_text(text)
        if selected is not None:
            row = self.model.find_row(selected.id)
            if row >= 0:
                self.table.selectRow(row)

    # -- disconnect --------------------------------------------------------------------------
    def _update_disconnect_button(self) -> None:
        allowed = self._can_disconnect
        self.disconnect_button.setEnabled(allowed and self.selected_row() is not None)
        self.disconnect_button.setToolTip(
            "Ask the server to disconnect the selected socket"
            if allowed
            else "The server does not allow it (read-only admin, or no DISCONNECT in its config)"
        )

    def _confirm_disconnect(self) -> None:
        row = self.selected_row()
        if row is None or self.controller is None or self.controller.session is None:
            return
        answer = QMessageBox.question(
            self,
            "Disconnect socket",
            f"Disconnect socket <b>{row.id}</b> ({row.address}, namespace {row.nsp})?<br><br>"
            "The server closes it; its client may reconnect by itself.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            task = asyncio.ensure_future(self.disconnect_socket(row))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def disconnect_socket(self, row: SocketRow) -> None:
        """Ask the server to disconnect ``row``; failures end in a message, not a traceback."""
        session = self.controller.session if self.controller is not None else None
        if session is None:
            return
        try:
            await session.disconnect_socket(row.nsp, row.id)
        except Exception as exc:
            log.warning("disconnecting socket %s failed: %s", row.id, exc)
            QMessageBox.warning(self, "Disconnect socket", f"The server refused: {exc}")
