"""The sockets table: a Qt model fed incrementally from the aggregator's socket feed.

Rows arrive as ``SocketChanges`` (removed / inserted / updated, or a full reset when the server
sends ``all_sockets``) and become ``beginRemoveRows``/``beginInsertRows``/``dataChanged``, so
the view keeps its scroll position and selection while sockets come and go.

Filter and sort run here, on plain Python lists with precomputed keys, instead of in a
``QSortFilterProxyModel``: with 100,000 rows the proxy calls back into Python once per row (filter,
about 1 s) or per comparison (sort, about 10 s), while a list comprehension over the aggregator's
lower-case ``search_key`` filters in a few tens of milliseconds (see bench/bench_ui_redraw.py).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from wsmonitor.core.socket_store import SocketChanges, SocketRow
from wsmonitor.ui.table_columns import ColumnsTableModel, Index

COLUMNS: tuple[str, ...] = (
    "ID",
    "Namespace",
    "Transport",
    "Address",
    "User agent",
    "Connected since",
    "Rooms",
)

_SORT_KEYS: tuple[Callable[[SocketRow], Any], ...] = (
    lambda r: r.id,
    lambda r: r.nsp,
    lambda r: r.transport,
    lambda r: r.address,
    lambda r: r.user_agent.lower(),
    lambda r: r.connected_at or 0.0,
    lambda r: len(r.rooms),
)

#: Above this many inserts in one sorted batch, append then re-sort instead of bisecting each.
_MAP_THRESHOLD = 16


def format_since(t: float | None, now: float | None = None) -> str:
    """Connect time as the user reads it: local time, with the date when not today."""
    if t is None:
        return "–"
    now = time.time() if now is None else now
    local = time.localtime(t)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d", time.localtime(now)):
        return time.strftime("%H:%M:%S", local)
    return time.strftime("%Y-%m-%d %H:%M:%S", local)


class SocketTableModel(ColumnsTableModel):
    """Live sockets, filtered and sorted, one row per socket."""

    columns = COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._all: dict[str, SocketRow] = {}
        self._visible: list[SocketRow] = []
        self._needle = ""
        self._sort_column = -1
        self._descending = False

    # -- Qt model API ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def data(self, index: Index, role: int = 0) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._visible[index.row()]
        column = index.column()
        if column == 0:
            return row.id
        if column == 1:
            return row.nsp
        if column == 2:
            return row.transport or "–"
        if column == 3:
            return row.address
        if column == 4:
            return row.user_agent
        if column == 5:
            return format_since(row.connected_at)
        # Every socket is in a room named after its id: noise in a table.
        return ", ".join(room for room in row.rooms if room != row.id)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the visible rows; selection follows its sockets."""
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(p, self._visible[p.row()].id) for p in persistent if p.row() < len(self._visible)]
        self._sort_in_place()
        positions = {r.id: i for i, r in enumerate(self._visible)} if held else {}
        for p, sid in held:
            self.changePersistentIndex(p, self.index(positions[sid], p.column()))
        self.layoutChanged.emit()

    # -- feeding -----------------------------------------------------------------------------
    def apply(self, changes: SocketChanges) -> None:
        """Apply one drained batch of socket changes."""
        if changes.reset is not None:
            self.beginResetModel()
            self._all = {r.id: r for r in changes.reset}
            self._visible = [r for r in self._all.values() if self._matches(r)]
            self._sort_in_place()
            self.endResetModel()
            return
        if changes.removed:
            self._remove(changes.removed)
        if changes.inserted:
            self._insert(changes.inserted)
        if changes.updated:
            self._update(changes.updated)

    def _remove(self, ids: Sequence[str]) -> None:
        gone = [self._all.pop(sid) for sid in ids if sid in self._all]
        if not gone:
            return
        positions = self._positions(r.id for r in gone if self._matches(r))
        for first, last in _runs(sorted(positions, reverse=True)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._visible[first : last + 1]
            self.endRemoveRows()

    def _insert(self, rows: Iterable[SocketRow]) -> None:
        new = []
        for row in rows:
            self._all[row.id] = row
            if self._matches(row):
                new.append(row)
        if not new:
            return
        if self._sort_column < 0 or len(new) > _MAP_THRESHOLD:
            start = len(self._visible)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            self._visible.extend(new)
            self.endInsertRows()
            if self._sort_column >= 0:
                self.sort(self._sort_column, self._order())
            return
        key = _SORT_KEYS[self._sort_column]
        for row in new:
            position = self._sorted_position(row, key)
            self.beginInsertRows(QModelIndex(), position, position)
            self._visible.insert(position, row)
            self.endInsertRows()

    def _update(self, rows: Sequence[SocketRow]) -> None:
        old_rows = {r.id: self._all[r.id] for r in rows if r.id in self._all}
        positions = self._position_map([sid for sid, r in old_rows.items() if self._matches(r)])
        for row in rows:
            if row.id not in old_rows:
                continue
            self._all[row.id] = row
            position = positions.get(row.id)
            if position is None:
                if self._matches(row):
                    self._insert([row])
            elif self._matches(row):
                self._visible[position] = row
                last = self.index(position, len(COLUMNS) - 1)
                self.dataChanged.emit(self.index(position, 0), last)
            else:
                # Filter no longer matches: positions after it shift, so look it up afresh.
                self._remove_visible(row.id)

    def _remove_visible(self, sid: str) -> None:
        for position in self._positions([sid]):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._visible[position]
            self.endRemoveRows()

    # -- filter and sort ---------------------------------------------------------------------
    def set_filter_text(self, text: str) -> None:
        """Show only sockets whose id, namespace, transport, address, user agent or rooms
        contain ``text`` (case-insensitive)."""
        needle = text.strip().lower()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._visible = [r for r in self._all.values() if self._matches(r)]
        self._sort_in_place()
        self.endResetModel()

    @property
    def filter_text(self) -> str:
        return self._needle

    def total_count(self) -> int:
        return len(self._all)

    def row_at(self, row: int) -> SocketRow | None:
        return self._visible[row] if 0 <= row < len(self._visible) else None

    def find_row(self, sid: str) -> int:
        """Visible row of socket ``sid``, or -1."""
        positions = self._positions([sid])
        return positions[0] if positions else -1

    def visible_ids(self) -> list[str]:
        return [r.id for r in self._visible]

    def _matches(self, row: SocketRow) -> bool:
        return not self._needle or self._needle in row.search_key

    def _order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def _sort_in_place(self) -> None:
        if self._sort_column >= 0:
            self._visible.sort(key=_SORT_KEYS[self._sort_column], reverse=self._descending)

    def _sorted_position(self, row: SocketRow, key: Callable[[SocketRow], Any]) -> int:
        if self._descending:
            # bisect needs ascending keys: search the reversed order by hand.
            low, high, value = 0, len(self._visible), key(row)
            while low < high:
                mid = (low + high) // 2
                if key(self._visible[mid]) > value:
                    low = mid + 1
                else:
                    high = mid
            return low
        return bisect.bisect_right(self._visible, key(row), key=key)

    def _position_map(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        wanted = set(ids)
        return {r.id: i for i, r in enumerate(self._visible) if r.id in wanted}

    def _positions(self, ids: Iterable[str]) -> list[int]:
        return list(self._position_map(list(ids)).values())


def _runs(descending: Sequence[int]) -> list[tuple[int, int]]:
    """Descending positions grouped into contiguous (first, last) runs, highest first."""
    runs: list[tuple[int, int]] = []
    for position in descending:
        if runs and runs[-1][0] == position + 1:
            runs[-1] = (position, runs[-1][1])
        else:
            runs.append((position, position))
    return runs
