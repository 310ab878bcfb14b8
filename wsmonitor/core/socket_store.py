"""The live socket list of one watched server, and incremental changes for table models.

``SocketStore`` keeps the sockets by id in arrival order (development-mode servers report them).
Each table model opens a ``SocketFeed`` and drains it on its timer: the changes since the last
drain, coalesced per socket id, so a model can insert and remove rows instead of resetting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from wsmonitor.core.admin_events import SocketInfo
from wsmonitor.core.fast_dataclass import builder


@dataclass(frozen=True, slots=True)
class SocketRow:
    """One row of the sockets table; ``info`` has the full handshake for the detail panel."""

    info: SocketInfo
    connected_at: float | None  # epoch s (server clock)
    # filled on first use: building it per connect would tax the hottest path
    _key: str | None = field(default=None, repr=False, compare=False)

    @property
    def search_key(self) -> str:
        """Lower-case haystack (id, namespace, transport, address, user agent, rooms)."""
        key = self._key
        if key is None:
            key = _search_key(self.info)
            _set_key(self, key)  # cached in the frozen row: it depends only on ``info``
        return key

    # columns as properties: few fields keep a 100k-socket load (and each connect) cheap
    @property
    def id(self) -> str:
        return self.info.id

    @property
    def nsp(self) -> str:
        return self.info.nsp

    @property
    def transport(self) -> str:
        return self.info.transport

    @property
    def address(self) -> str:
        return self.info.handshake.address

    @property
    def user_agent(self) -> str:
        return self.info.handshake.headers.get("user-agent", "")

    @property
    def rooms(self) -> tuple[str, ...]:
        return self.info.rooms

    @property
    def client_id(self) -> str:
        return self.info.client_id


_set_key = SocketRow.__dict__["_key"].__set__
_new_row = builder(SocketRow)  # (info, connected_at, key): one row per connect


def _search_key(info: SocketInfo) -> str:
    """Lower-case haystack of the columns ``filter()`` searches."""
    hs = info.handshake
    ua = hs.headers.get("user-agent", "")
    return "\t".join((info.id, info.nsp, info.transport, hs.address, ua, *info.rooms)).lower()


@dataclass(frozen=True, slots=True)
class SocketChanges:
    """What changed since the previous ``SocketFeed.drain()``.

    Apply in this order: ``reset`` (if not None: the full current list, ignore the rest), then
    ``removed`` (ids), ``inserted`` (append), ``updated`` (replace by id).
    """

    reset: tuple[SocketRow, ...] | None = None
    removed: tuple[str, ...] = ()
    inserted: tuple[SocketRow, ...] = ()
    updated: tuple[SocketRow, ...] = ()

    @property
    def empty(self) -> bool:
        return self.reset is None and not (self.removed or self.inserted or self.updated)


_INS, _UPD, _DEL = 1, 2, 3


class SocketFeed:
    """One consumer's pending changes, coalesced per socket id (bounded; overflow → reset)."""

    def __init__(self, store: SocketStore, limit: int) -> None:
        self._store = store
        self._limit = limit
        self._pending: dict[str, int] = {}  # id -> change kind, in first-change order
        self._reset = True  # a new consumer starts from the full list

    def _note(self, sid: str, kind: int) -> None:
        if self._reset:
            return
        pending = self._pending
        before = pending.get(sid)
        if before is None:
            pending[sid] = kind
            if len(pending) > self._limit:
                pending.clear()
                self._reset = True
        elif kind == _DEL:
            if before == _INS:
                del pending[sid]  # born and gone between two drains: nothing to show
            else:
                pending[sid] = _DEL
        elif before == _DEL:
            pending[sid] = _UPD  # removed then back (same id): the row stays, changed
        # _INS/_UPD followed by _UPD: stays as it was

    def _restart(self) -> None:
        """Forget the pending changes: the next drain is a reset."""
        self._pending.clear()
        self._reset = True

    def drain(self) -> SocketChanges:
        store = self._store
        if self._reset:
            self._reset = False
            self._pending.clear()
            return SocketChanges(reset=tuple(store.rows()))
        removed, inserted, updated = [], [], []
        for sid, kind in self._pending.items():
            if kind == _DEL:
                removed.append(sid)
            else:
                row = store.get(sid)
                if row is not None:
                    (inserted if kind == _INS else updated).append(row)
        self._pending.clear()
        return SocketChanges(None, tuple(removed), tuple(inserted), tuple(updated))


class SocketStore:
    """Live sockets by id, in arrival order, with per-consumer change feeds."""

    def __init__(self, max_sockets: int = 250_000) -> None:
        self.max_sockets = max_sockets
        self.overflow = 0  # sockets not stored because the store was full
        self._rows: dict[str, SocketRow] = {}
        self._feeds: list[SocketFeed] = []

    def open_feed(self) -> SocketFeed:
        feed = SocketFeed(self, limit=2 * self.max_sockets)
        self._feeds.append(feed)
        return feed

    def close_feed(self, feed: SocketFeed) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)

    def _note(self, sid: str, kind: int) -> None:
        for feed in self._feeds:
            feed._note(sid, kind)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, sid: object) -> bool:
        return sid in self._rows

    def get(self, sid: str) -> SocketRow | None:
        return self._rows.get(sid)

    def rows(self) -> list[SocketRow]:
        return list(self._rows.values())

    def replace_all(self, sockets: Iterable[SocketInfo]) -> None:
        """The server's full list (``all_sockets``); every feed gets a reset."""
        rows: dict[str, SocketRow] = {}
        for info in sockets:
            if len(rows) >= self.max_sockets:
                self.overflow += 1
                continue
            # a bulk load is when the table gets filtered next: build its search keys now
            rows[info.id] = _new_row(info, info.handshake.issued, _search_key(info))
        self._rows = rows
        for feed in self._feeds:
            feed._restart()

    def upsert(self, info: SocketInfo, connected_at: float | None) -> bool:
        """Insert a new socket (True) or refresh a known one (False, keeps ``connected_at``)."""
        rows = self._rows
        sid = info.id
        old = rows.get(sid)
        if old is None:
            if len(rows) >= self.max_sockets:
                self.overflow += 1
                return False
            rows[sid] = _new_row(info, connected_at, None)
            for feed in self._feeds:
                feed._note(sid, _INS)
            return True
        if old.info != info:
            rows[sid] = _new_row(info, old.connected_at, None)
            self._note(sid, _UPD)
        return False

    def update(self, sid: str, **changes: Any) -> None:
        """Change fields of a known socket's ``SocketInfo`` (transport, data, rooms)."""
        old = self._rows.get(sid)
        if old is None:
            return
        info = old.info
        values = {k: getattr(info, k) for k in info.__slots__}
        values.update(changes)
        new_info = SocketInfo(**values)
        if new_info != info:
            self._rows[sid] = _new_row(new_info, old.connected_at, None)
            self._note(sid, _UPD)

    def remove(self, sid: str) -> SocketRow | None:
        """Take a socket out; returns its row (None if unknown)."""
        row = self._rows.pop(sid, None)
        if row is not None:
            for feed in self._feeds:
                feed._note(sid, _DEL)
        return row

    def clear(self) -> None:
        self.replace_all(())

    def filter(
        self, text: str = "", *, nsp: str | None = None, transport: str | None = None
    ) -> list[SocketRow]:
        """Rows whose id/namespace/transport/address/user agent/rooms contain ``text``."""
        needle = text.strip().lower()
        rows: Iterable[SocketRow] = self._rows.values()
        if nsp is not None:
            rows = [r for r in rows if r.nsp == nsp]
        if transport is not None:
            rows = [r for r in rows if r.transport == transport]
        if not needle:
            return list(rows)
        return [r for r in rows if needle in r.search_key]

    def namespaces(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self._rows.values():
            counts[row.nsp] = counts.get(row.nsp, 0) + 1
        return counts
