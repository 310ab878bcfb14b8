"""The Disconnects page: recent socket disconnects with lifetime and reason, filterable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from wsmonitor.ui.dashboard.banner import Banner
from wsmonitor.ui.disconnects.record_model import RecordFilter, RecordLogModel
from wsmonitor.ui.monitor_controller import MonitorFrame, MonitorPage

ALL_REASONS = "All reasons"
_CAP = 5_000


def make_record_table(model: RecordLogModel, proxy: RecordFilter) -> QTableView:
    """A read-only, sortable table over a record log (shared with the short-lived list)."""
    proxy.setSourceModel(model)
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(22)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate((80, 90, 190, 130, 80, 170)):
        table.setColumnWidth(column, width)
    return table


class DisconnectsPage(MonitorPage):
    """Disconnect log: time, namespace, socket, address, lifetime, reason."""

    title = "Disconnects"
    description = "Recent disconnects with lifetime and reason (development-mode servers)"

    def __init__(self) -> None:
        super().__init__()
        self.model = RecordLogModel(cap=_CAP)
        self.proxy = RecordFilter()
        self.table = make_record_table(self.model, self.proxy)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by socket id, address, namespace, reason…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.reason_combo = QComboBox()
        self.reason_combo.addItem(ALL_REASONS)
        self.reason_combo.setMinimumWidth(180)
        self.reason_combo.currentTextChanged.connect(self._on_reason)
        self.count_label = QLabel("")
        self.banner = Banner()
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.reason_combo)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        hint = QLabel(
            f"Newest first, last {_CAP:,} kept. Lifetime in red: shorter than the short-lived"
            " threshold. Reasons are Socket.IO-level (<code>socket_disconnected</code>)."
        )
        hint.setObjectName("hintLabel")
        hint.setWordWrap(True)
        layout.addWidget(hint)

    def reset(self) -> None:
        self.model.clear()
        self.reason_combo.blockSignals(True)
        self.reason_combo.clear()
        self.reason_combo.addItem(ALL_REASONS)
        self.reason_combo.blockSignals(False)
        self.count_label.setText("")

    def refresh(self, frame: MonitorFrame) -> None:
        aggregator = frame.session.aggregator
        if self.model.sync(aggregator.disconnect_log, aggregator.disconnects.version):
            known = {self.reason_combo.itemText(i) for i in range(self.reason_combo.count())}
            for reason in self.model.reasons():
                if reason not in known:
                    self.reason_combo.addItem(reason)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown:,} of {total:,}" if shown != total else f"{total:,}")
        features = frame.snapshot.stats.features
        self.banner.show_message(
            ""
            if not features or "ALL_EVENTS" in features
            else "This server runs in production mode: it sends no per-socket events, so the"
            " disconnect log stays empty. Disconnect counts are on the Dashboard.",
            "warn",
        )

    def _on_reason(self, text: str) -> None:
        self.proxy.set_reason("" if text == ALL_REASONS else text)
