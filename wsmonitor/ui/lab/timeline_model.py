"""Table model of a probe's timeline: one row per step or packet, filled live and capped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor

from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

MAX_ROWS = 5000
FLUSH_INTERVAL_MS = 50  # draw at 20 Hz, never once per packet

_ARROWS = {"out": "→ out", "in": "← in", "send": "→ out", "recv": "← in"}
#: Which ``ThemePalette.directions`` colour a direction gets (the same as its arrow).
_DIR_ROLES = {"out": "out", "in": "in", "send": "out", "recv": "in"}
_ERROR_WORDS = ("error", "close", "fail", "refused", "timeout")


@dataclass(frozen=True)
class TimelineRow:
    """One entry as shown: milliseconds since the probe started, direction, kind, detail."""

    t_ms: float
    dir: str
    kind: str
    detail: str


class TimelineModel(QAbstractTableModel):
    """Rows arrive through ``append`` at any rate and reach the view in batches."""

    HEADERS = ("t (ms)", "dir", "kind", "detail")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TimelineRow] = []
        self._pending: list[TimelineRow] = []
        self._timer = QTimer(self)
        self._timer.setInterval(FLUSH_INTERVAL_MS)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        on_theme_changed(self._restyle)

    # -- feeding ------------------------------------------------------------------------------
    def append(self, row: TimelineRow) -> None:
        self._pending.append(row)
        if not self._timer.isActive():
            self._timer.start()

    def set_rows(self, rows: list[TimelineRow]) -> None:
        """Replace everything at once (a finished probe, or a diagnose cell picked)."""
        self._timer.stop()
        self.beginResetModel()
        self._rows = list(rows[-MAX_ROWS:])
        self._pending.clear()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def flush(self) -> None:
        """Move pending rows into the table (the timer calls this; tests may too)."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        overflow = len(self._rows) + len(batch) - MAX_ROWS
        if overflow > 0:
            drop = min(overflow, len(self._rows))
            self.beginRemoveRows(QModelIndex(), 0, drop - 1)
            del self._rows[:drop]
            self.endRemoveRows()
            batch = batch[-MAX_ROWS:]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self._rows.extend(batch)
        self.endInsertRows()

    def rows(self) -> list[TimelineRow]:
        return list(self._rows)

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{row.t_ms:,.1f}"
            if column == 1:
                return _ARROWS.get(row.dir, row.dir)
            return row.kind if column == 2 else row.detail
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return row.detail
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 1 and row.dir in _DIR_ROLES:
                return QBrush(QColor(current().directions[_DIR_ROLES[row.dir]]))
            if column == 2 and any(word in row.kind.lower() for word in _ERROR_WORDS):
                return QBrush(QColor(current().level("error")))
        return None

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: the direction and kind colours come from the palette; repaint."""
        if self._rows:
            last = self.index(len(self._rows) - 1, 2)
            self.dataChanged.emit(self.index(0, 1), last, [Qt.ItemDataRole.ForegroundRole])
