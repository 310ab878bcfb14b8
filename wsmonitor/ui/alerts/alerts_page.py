"""The Alerts page: what fires now, the rules, and the log of fired and cleared alerts."""

from __future__ import annotations

import html

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from wsmonitor.core.alerts import Alert
from wsmonitor.ui.alerts.alert_monitor import AlertMonitor
from wsmonitor.ui.alerts.rule_editor import RuleEditor
from wsmonitor.ui.monitor_controller import MonitorFrame, MonitorPage
from wsmonitor.ui.sockets.socket_model import format_since
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

LOG_HEADERS = ("Time", "State", "Alert", "Value", "Threshold")


def _state_colour(state: str) -> QColor:
    """Log colour of an alert state: fired reads as an error, cleared as ok."""
    return QColor(current().level("error" if state == "fired" else "ok"))


class AlertsPage(MonitorPage):
    """Active alerts, rule summary with an editor, and the alert log (newest first)."""

    title = "Alerts"
    description = "Alert rules, firing alerts and their log"

    def __init__(self, monitor: AlertMonitor) -> None:
        super().__init__()
        self.monitor = monitor
        self.active_label = QLabel()
        self.active_label.setWordWrap(True)
        self.rules_label = QLabel()
        self.rules_label.setWordWrap(True)
        edit = QPushButton("Edit rules…")
        edit.clicked.connect(self.edit_rules)
        self.log_table = QTableWidget(0, len(LOG_HEADERS))
        self.log_table.setHorizontalHeaderLabels(LOG_HEADERS)
        self.log_table.verticalHeader().hide()
        self.log_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.log_table.setAlternatingRowColors(True)
        header = self.log_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        rules_row = QHBoxLayout()
        rules_row.addWidget(self.rules_label, 1)
        rules_row.addWidget(edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(QLabel("<b>Firing now</b>"))
        layout.addWidget(self.active_label)
        layout.addWidget(QLabel("<b>Rules</b>"))
        layout.addLayout(rules_row)
        layout.addWidget(QLabel("<b>Log</b> (newest first)"))
        layout.addWidget(self.log_table, 1)
        monitor.active_changed.connect(self.show_active)
        monitor.alert_changed.connect(self.add_log_row)
        self._active: list[Alert] = []
        self.show_active([])
        self.show_rules()
        on_theme_changed(self._restyle)

    def reset(self) -> None:
        self.show_active([])

    def refresh(self, frame: MonitorFrame) -> None:
        """Nothing to poll: the alert monitor pushes changes."""

    def show_active(self, active: list[Alert]) -> None:
        self._active = list(active)
        palette = current()
        if not active:
            self.active_label.setText(
                f"<span style='color:{palette.level('ok')}'>● No alert is firing.</span>"
            )
            return
        items = "".join(
            f"<li><span style='color:{palette.level('error')}'>●</span> {html.escape(a.message)}"
            f" <span style='color:{palette.muted}'>since {format_since(a.t)}</span></li>"
            for a in active
        )
        self.active_label.setText(f"<ul style='margin:0'>{items}</ul>")

    def show_rules(self) -> None:
        rules = self.monitor.engine.rules
        lines = [("● " if r.enabled else "○ ") + html.escape(r.describe()) for r in rules]
        error = current().level("error")
        problems = "".join(
            f"<br><span style='color:{error}'>{html.escape(p)}</span>"
            for p in self.monitor.problems
        )
        self.rules_label.setText("<br>".join(lines) + problems)

    def add_log_row(self, alert: Alert) -> None:
        self.log_table.insertRow(0)
        values = (
            format_since(alert.t),
            alert.state,
            alert.message,
            f"{alert.value:g}",
            f"{alert.threshold:g}",
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == 1:
                item.setForeground(_state_colour(alert.state))
            self.log_table.setItem(0, column, item)
        if self.log_table.rowCount() > 1_000:
            self.log_table.setRowCount(1_000)

    def _restyle(self, _palette: ThemePalette) -> None:
        """Re-colour the rich-text labels and the log's state column after a theme switch."""
        self.show_active(self._active)
        self.show_rules()
        for row in range(self.log_table.rowCount()):
            item = self.log_table.item(row, 1)
            if item is not None:
                item.setForeground(_state_colour(item.text()))

    def edit_rules(self) -> None:
        editor = RuleEditor(self.monitor.engine.rules, self)
        if editor.exec():
            self.monitor.set_rules(editor.rules)
            self.monitor.problems = []
            self.show_rules()
