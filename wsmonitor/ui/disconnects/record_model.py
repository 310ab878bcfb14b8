"""A capped, newest-first table of ``DisconnectRecord``s, fed from the aggregator's log deque.

Fed incrementally (records appended since the last sync); reloaded whole when the log's version
says a threshold recount rewrote the records it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from wsmonitor.core.disconnect_log import DisconnectRecord
from wsmonitor.ui.sockets.socket_model import format_since
from wsmonitor.ui.table_columns import ColumnsTableModel, Index
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

COLUMNS = ("Time", "Namespace", "Socket", "Address", "Lifetime", "Reason", "User agent")
_LIFETIME = COLUMNS.index("Lifetime")  # short-lived lifetimes show in the error colour


def format_lifetime(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


class RecordLogModel(ColumnsTableModel):
    """Newest record on top; at most ``cap`` rows (the oldest fall off the bottom)."""

    columns = COLUMNS

    def __init__(self, cap: int = 5_000) -> None:
        super().__init__()
        self.cap = cap
        self._rows: list[DisconnectRecord] = []  # newest first
        self._last: DisconnectRecord | None = None
        self._version = 0  # the log's ``version`` the rows come from
        on_theme_changed(self._restyle)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = 0) -> Any:
        record = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (
                format_since(record.t),
                record.nsp,
                record.socket_id,
                record.address,
                format_lifetime(record.lifetime),
                record.reason,
                record.user_agent,
            )[column]
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (record.t, record.nsp, record.socket_id, record.address,
                    record.lifetime or 0.0, record.reason, record.user_agent)[column]  # fmt: skip
        if role == Qt.ItemDataRole.ForegroundRole and column == _LIFETIME and record.short_lived:
            return QColor(current().level("error"))
        return None

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: the lifetime column's colour comes from the palette; repaint it."""
        if self._rows:
            top, bottom = self.index(0, _LIFETIME), self.index(len(self._rows) - 1, _LIFETIME)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.ForegroundRole])

    def record_at(self, row: int) -> DisconnectRecord:
        return self._rows[row]

    def reasons(self) -> list[str]:
        return sorted({r.reason for r in self._rows})

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._last = None
        self._version = 0
        self.endResetModel()

    def sync(self, log: Sequence[DisconnectRecord], version: int = 0) -> int:
        """Take the records appended to ``log`` (oldest first) since the last call.

        ``version`` is the log's (``DisconnectLog.version``): when it changed, the records were
        rewritten in place and appending would show stale verdicts twice, so all are reloaded.
        """
        if version != self._version:
            self._version = version
            self.beginResetModel()
            self._rows = list(islice(reversed(log), self.cap))
            self._last = log[-1] if log else None
            self.endResetModel()
            return len(self._rows)
        new: list[DisconnectRecord] = []
        for record in reversed(log):
            if record is self._last:
                break
            new.append(record)
            if len(new) >= self.cap:
                break
        if not new:
            return 0
        self._last = log[-1]
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._rows[:0] = new
        self.endInsertRows()
        if len(self._rows) > self.cap:
            self.beginRemoveRows(QModelIndex(), self.cap, len(self._rows) - 1)
            del self._rows[self.cap :]
            self.endRemoveRows()
        return len(new)


class RecordFilter(QSortFilterProxyModel):
    """Free-text and reason filter over a ``RecordLogModel`` (small: a plain proxy is fast)."""

    def __init__(self) -> None:
        super().__init__()
        self._needle = ""
        self._reason = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_text(self, text: str) -> None:
        self._needle = text.strip().lower()
        self.invalidate()

    def set_reason(self, reason: str) -> None:
        self._reason = reason
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RecordLogModel):
            return True
        record = model.record_at(source_row)
        if self._reason and record.reason != self._reason:
            return False
        if not self._needle:
            return True
        haystack = f"{record.socket_id} {record.address} {record.nsp} {record.reason} "
        return self._needle in (haystack + record.user_agent).lower()
