"""Socket-level events of development-mode servers, applied to the socket list and the counts.

Connects and disconnects are counted (the admin namespace, i.e. the monitors themselves,
excluded), disconnects go to the disconnect log with their Socket.IO reason, the short-lived
verdict and the local time they were counted at (the second a threshold recount corrects).
python-socketio re-sends live sockets as ``socket_connected`` on every ping: a refresh is not a
connect, and a late refresh of a socket already gone does not bring it back.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from wsmonitor.core.admin_events import (
    AllSockets,
    EventReceived,
    EventSent,
    RoomJoined,
    RoomLeft,
    SocketConnected,
    SocketDisconnected,
    SocketUpdated,
)
from wsmonitor.core.disconnect_log import DisconnectLog
from wsmonitor.core.reasons import ReasonCounts
from wsmonitor.core.series_set import SOCKET_COUNTERS
from wsmonitor.core.socket_store import SocketStore

MAX_REMEMBERED_GONE = 10_000  # ids of gone sockets kept to ignore late refreshes


class SocketActivity:
    """Applies socket events; ``counts`` holds the socket-level totals since start."""

    def __init__(
        self,
        store: SocketStore,
        disconnects: DisconnectLog,
        reasons: ReasonCounts,
        *,
        admin_namespace: str,
        coverage: Callable[[], int | None],
    ) -> None:
        self.store = store
        self.disconnects = disconnects
        self.reasons = reasons
        self.admin_namespace = admin_namespace
        self.coverage = coverage  # newest second the server's stats covered (new reason series)
        self.counts = dict.fromkeys(SOCKET_COUNTERS, 0)
        self.dialect = "unknown"  # kept current by the aggregator
        self.admin_since = 0.0  # when the admin channel last connected (local clock)
        self._gone: OrderedDict[str, None] = OrderedDict()

    def on_all_sockets(self, ev: AllSockets, now: float) -> None:
        self.store.replace_all(ev.sockets)

    def on_connected(self, ev: SocketConnected, now: float) -> None:
        info = ev.socket
        if self._gone and info.id in self._gone:
            return  # a late refresh (python re-sends live sockets on ping) of a gone socket
        python = self.dialect == "python"
        issued = info.handshake.issued
        # python stamps issued with the namespace connect time and re-sends socket_connected as
        # a refresh; Node's issued is the Engine.IO handshake, its event time is the connect
        connected_at = issued if python and issued else ev.timestamp
        if self.store.upsert(info, connected_at) and info.nsp != self.admin_namespace:
            if python and connected_at < self.admin_since - 5.0:
                return  # an old socket we only now hear about: not a new connection
            self.counts["socket_connects"] += 1

    def on_updated(self, ev: SocketUpdated, now: float) -> None:
        changes: dict[str, Any] = {}
        if ev.transport is not None:
            changes["transport"] = ev.transport
        if ev.data is not None:
            changes["data"] = ev.data
        if changes:
            self.store.update(ev.id, **changes)

    def on_room_joined(self, ev: RoomJoined, now: float) -> None:
        row = self.store.get(ev.id)
        if row is not None and ev.room not in row.rooms:
            self.store.update(ev.id, rooms=(*row.rooms, ev.room))

    def on_room_left(self, ev: RoomLeft, now: float) -> None:
        row = self.store.get(ev.id)
        if row is not None and ev.room in row.rooms:
            self.store.update(ev.id, rooms=tuple(r for r in row.rooms if r != ev.room))

    def on_disconnected(self, ev: SocketDisconnected, now: float) -> None:
        sid = ev.id
        row = self.store.remove(sid)
        if self.dialect != "node":  # only python re-sends socket_connected (late refreshes)
            gone = self._gone
            gone[sid] = None
            if len(gone) > MAX_REMEMBERED_GONE:
                gone.popitem(last=False)
        if ev.nsp == self.admin_namespace:
            return  # the monitors themselves
        counts = self.counts
        counts["socket_disconnects"] += 1
        reasons = self.reasons
        key = reasons.keys.get(ev.reason)
        if key is None:
            key = reasons.key(ev.reason, now, self.coverage())
        reasons.totals[key] += 1
        if self.disconnects.add(ev.timestamp, ev.nsp, sid, ev.reason, row, now):
            counts["short_lived"] += 1

    def on_event_received(self, ev: EventReceived, now: float) -> None:
        self.counts["events_received"] += 1

    def on_event_sent(self, ev: EventSent, now: float) -> None:
        self.counts["events_sent"] += 1
