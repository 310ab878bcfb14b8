"""The servers table: one row per ``serverId`` of the cluster, stale ones marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from wsmonitor.core.cluster_state import ServerRow
from wsmonitor.ui.table_columns import ColumnsTableModel, Index
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

COLUMNS = (
    "Status",
    "Server ID",
    "Hostname",
    "PID",
    "Uptime",
    "Clients",
    "Polling",
    "WebSocket",
    "Last seen",
    "Namespaces",
)


def format_duration(seconds: float) -> str:
    """'45 s', '12 min', '3 h 05 min', '2 d 4 h'."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


class ServersModel(ColumnsTableModel):
    """Rows from ``ClusterState.rows()``; values change in place, servers come and go."""

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[ServerRow] = []
        self._now = 0.0
        on_theme_changed(self._restyle)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = 0) -> Any:
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(current().level("ok" if row.healthy else "error"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and not row.healthy:
            return f"No server_stats for {format_duration(self._now - row.last_seen)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and 3 <= column <= 7:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: ServerRow, column: int) -> str:
        if column == 0:
            return "● Healthy" if row.healthy else "● Stale"
        values = (
            row.server_id,
            row.hostname,
            "" if row.pid is None else str(row.pid),
            format_duration(row.uptime),
            f"{row.clients:,}",
            f"{row.polling_clients:,}",
            f"{row.websocket_clients:,}",
            f"{format_duration(self._now - row.last_seen)} ago",
            ", ".join(f"{n.name} ({n.sockets_count})" for n in row.namespaces),
        )
        return values[column - 1]

    def set_rows(self, rows: Sequence[ServerRow], now: float) -> None:
        """Show ``rows``; same servers → cells change in place, else the rows are replaced."""
        self._now = now
        if [r.server_id for r in rows] == [r.server_id for r in self._rows]:
            self._rows = list(rows)
            if rows:
                last = self.index(len(rows) - 1, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _restyle(self, _palette: ThemePalette) -> None:
        """The status column's colours come from the theme: repaint it after a switch."""
        if self._rows:
            last = self.index(len(self._rows) - 1, 0)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.ForegroundRole])

    def row_at(self, row: int) -> ServerRow:
        return self._rows[row]

    def stale_ids(self) -> list[str]:
        return [r.server_id for r in self._rows if not r.healthy]
