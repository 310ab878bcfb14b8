"""Editable table of extra request headers (name, value), one header per row."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class HeadersTable(QWidget):
    """Rows of (name, value). A name typed as ``Name: value`` is split for the user."""

    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Header", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 130)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMaximumHeight(96)
        self.table.itemChanged.connect(self._split_pasted_line)
        add = QPushButton("Add header")
        add.clicked.connect(lambda: self.add_row("", ""))
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, name: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        self.table.setItem(row, 1, QTableWidgetItem(value))
        if not name:
            self.table.editItem(self.table.item(row, 0))

    def set_headers(self, headers: tuple[tuple[str, str], ...]) -> None:
        self.table.setRowCount(0)
        for name, value in headers:
            self.add_row(name, value)

    def headers(self) -> tuple[tuple[str, str], ...]:
        """Non-empty rows as typed (validation happens when the probe is fired)."""
        pairs = []
        for row in range(self.table.rowCount()):
            name = self._text(row, 0)
            value = self._text(row, 1)
            if name or value:
                pairs.append((name, value))
        return tuple(pairs)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def _split_pasted_line(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or ":" not in item.text():
            return
        value_item = self.table.item(item.row(), 1)
        if value_item is not None and value_item.text():
            return
        name, _, value = item.text().partition(":")
        self.table.blockSignals(True)
        item.setText(name.strip())
        if value_item is None:
            value_item = QTableWidgetItem()
            self.table.setItem(item.row(), 1, value_item)
        value_item.setText(value.strip())
        self.table.blockSignals(False)

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.rowCount() - 1]
        for row in rows:
            self.table.removeRow(row)
