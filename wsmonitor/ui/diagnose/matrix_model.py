"""Table model of the diagnose matrix: EIO 4/3 × polling/websocket/upgrade, plus single checks.

Cells start ``pending``, turn ``running`` and then ``done`` with a verdict code and short text;
each keeps the timeline of its probe so a click can show it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from wsmonitor.ui.lab.timeline_model import TimelineRow
from wsmonitor.ui.lab.verdict_banner import verdict_level
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

COLUMNS = ("polling", "websocket", "upgrade")
MATRIX_ROWS = (("eio4", "EIO 4"), ("eio3", "EIO 3"))


@dataclass
class Cell:
    """One probe or check of the run, as the matrix shows it."""

    status: str = "pending"  # pending | running | done | skipped
    code: str = ""
    text: str = ""
    summary: str = ""
    hints: list[str] = field(default_factory=list)
    timeline: list[TimelineRow] = field(default_factory=list)

    @property
    def level(self) -> str:
        if self.status != "done":
            return self.status
        return verdict_level(self.code)


@dataclass(frozen=True)
class MatrixRow:
    key: str
    label: str
    spans: bool  # one cell across all columns (raw ws, health, token)


def matrix_rows(raw: bool, health: bool, token: bool) -> list[MatrixRow]:
    rows = [MatrixRow(key, label, False) for key, label in MATRIX_ROWS]
    if raw:
        rows.append(MatrixRow("raw", "raw WebSocket", True))
    if health:
        rows.append(MatrixRow("health", "health", True))
    if token:
        rows.append(MatrixRow("token", "token", True))
    return rows


def cell_key(row: MatrixRow, column: int) -> str:
    """``eio4/polling`` for matrix cells, the row key for spanning rows."""
    return row.key if row.spans else f"{row.key}/{COLUMNS[column]}"


class MatrixModel(QAbstractTableModel):
    """Rows × transports; ``update(key, cell)`` repaints one cell as its probe finishes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MatrixRow] = []
        self._cells: dict[str, Cell] = {}
        on_theme_changed(self._restyle)

    def reset(self, rows: list[MatrixRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._cells = {
            cell_key(row, column): Cell()
            for row in rows
            for column in range(1 if row.spans else len(COLUMNS))
        }
        self.endResetModel()

    def matrix_rows(self) -> list[MatrixRow]:
        return list(self._rows)

    def cell(self, key: str) -> Cell | None:
        return self._cells.get(key)

    def cells(self) -> dict[str, Cell]:
        return dict(self._cells)

    def cell_at(self, index: QModelIndex | QPersistentModelIndex) -> Cell | None:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if row.spans:
            return self._cells.get(row.key)
        return self._cells.get(cell_key(row, index.column()))

    def update(self, key: str, cell: Cell) -> None:
        if key not in self._cells:
            return
        self._cells[key] = cell
        for row_number, row in enumerate(self._rows):
            if row.spans and row.key == key:
                index = self.index(row_number, 0)
                self.dataChanged.emit(index, self.index(row_number, len(COLUMNS) - 1))
            elif not row.spans and key.startswith(row.key + "/"):
                index = self.index(row_number, COLUMNS.index(key.split("/", 1)[1]))
                self.dataChanged.emit(index, index)

    def _restyle(self, _palette: ThemePalette) -> None:
        """Cell colours come from the theme: repaint every cell after a switch."""
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return self._rows[section].label

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        cell = self.cell_at(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if cell.status == "pending":
                return "…"
            if cell.status == "running":
                return "running…"
            if cell.status == "skipped":
                return cell.text or "skipped"
            return f"{'✔' if cell.code == 'ok' else '✘'} {cell.code}\n{cell.text}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(current().cell(cell.level)[0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            # Paired with the background: the palette's text colour may not read on a tint.
            return QBrush(QColor(current().cell(cell.level)[1]))
        if role == Qt.ItemDataRole.ToolTipRole and cell.summary:
            return cell.summary + "".join(f"\n• {h}" for h in cell.hints)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and cell.status == "done":
            font = QFont()
            font.setBold(cell.code != "ok")
            return font
        return None
