"""Both dialects against real servers, and the raw facts that differ from PROTOCOL.md pinned.

python-socketio: the demo server (``wsmonitor demo --no-gui``, instrument()). Node: the admin-ui
peer. Each test drives its own churn and compares with what it did.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.net.test_admin_client_support import WAIT, app_client, node_session, wait_for
from wsmonitor.core.aggregator import Aggregator
from wsmonitor.core.reasons import ReasonSource
from wsmonitor.net.admin_client import AdminClient
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnState


class RawRecorder:
    """An AdminClient feeding an Aggregator and keeping the raw events too."""

    def __init__(self, config: AdminConnectionConfig) -> None:
        self.raw: list[tuple[str, tuple[Any, ...]]] = []
        self.aggregator = Aggregator()
        self.client = AdminClient(config, on_event=self._on_event, on_status=self._on_status)

    def _on_event(self, name: str, args: tuple[Any, ...]) -> None:
        self.raw.append((name, args))
        self.aggregator.feed_raw(name, args)

    def _on_status(self, status: Any) -> None:
        if status.state is ConnState.CONNECTED:
            self.aggregator.on_admin_connected(status.since)

    def first(self, name: str) -> tuple[Any, ...]:
        return next(args for n, args in self.raw if n == name)


def demo_config(demo: Any) -> AdminConnectionConfig:
    return AdminConnectionConfig(
        url=demo.url, username=demo.admin_username, password=demo.admin_password
    )


async def test_python_dialect_parsed_and_reasons_from_socket_events(demo_server: Any) -> None:
    rec = RawRecorder(demo_config(demo_server))
    rec.client.start()
    clients = []
    try:
        await wait_for(lambda: rec.aggregator.features, what="config")
        auth = {"token": demo_server.token}
        clients = [
            await app_client(demo_server.url, auth=auth, transports=["websocket"]),
            await app_client(demo_server.url, auth=auth, transports=["polling"]),
            await app_client(demo_server.url, auth=auth),
        ]
        sids = [c.get_sid("/chat") for c in clients]
        agg = rec.aggregator
        await wait_for(lambda: all(s in agg.sockets for s in sids), what="sockets in the store")
        row = agg.sockets.get(sids[0])
        assert row is not None
        assert row.transport == "websocket" and agg.sockets.get(sids[1]).transport == "polling"
        assert row.user_agent.startswith("Python/")  # WSGI key user_agent normalised
        assert len(row.client_id) == 12
        assert abs(row.connected_at - time.time()) < 30
        await clients[0].disconnect()
        await clients[1].emit("misbehave", namespace="/chat")  # the demo server kicks it
        await wait_for(lambda: agg.totals().socket_disconnects == 2, what="two disconnects")
        snap = agg.snapshot()
        assert snap.dialect == "python"
        assert snap.reason_source is ReasonSource.SOCKET
        # a python client's disconnect() reaches a python server as "client disconnect" or, when
        # its namespace DISCONNECT loses the race with the Engine.IO close, "transport close"
        assert snap.reasons.get("server disconnect") == 1 and sum(snap.reasons.values()) == 2
        assert set(snap.reasons) - {"server disconnect"} <= {"client disconnect", "transport close"}
        assert snap.totals.socket_connects == 3  # refreshes and the monitor not counted
        assert snap.totals.short_lived == 2
        await wait_for(lambda: agg.cluster.rows(time.time()), what="server_stats")
        await wait_for(lambda: agg.totals().disconnections, what="rawDisconnection", timeout=WAIT)
        assert agg.totals().engine_reasons == {}  # python never sends a subType

        # pinned raw facts of python-socketio 5.18 instrument()
        sock, stamp = rec.first("socket_connected")
        assert stamp.endswith("+00:00")
        assert isinstance(sock["handshake"]["issued"], float)
        assert "user_agent" in sock["handshake"]["headers"]
        assert not any(n == "session" for n, _ in rec.raw)  # no session event
        monitor_seen = [a[0]["nsp"] for n, a in rec.raw if n == "socket_connected"]
        assert "/admin" in monitor_seen  # the monitors are reported too
    finally:
        for client in clients:
            await client.disconnect()
        await rec.client.stop()


async def test_python_production_mode_says_no_reasons(demo_server_factory: Any) -> None:
    demo = demo_server_factory("--clients", "0", "--mode", "production")
    rec = RawRecorder(demo_config(demo))
    rec.client.start()
    try:
        await wait_for(lambda: rec.aggregator.features, what="config")
        client = await app_client(demo.url, auth={"token": demo.token})
        await client.disconnect()
        agg = rec.aggregator
        await wait_for(lambda: agg.cluster.rows(time.time()), what="server_stats")
        await wait_for(lambda: agg.totals().disconnections >= 1, what="rawDisconnection")
        snap = agg.snapshot()
        assert "ALL_EVENTS" not in snap.features
        assert snap.reason_source is ReasonSource.NONE
        assert snap.reason_source_label == "no reasons available (production mode)"
        assert snap.sockets == 0 and snap.totals.socket_disconnects == 0
    finally:
        await rec.client.stop()


@pytest.mark.node
async def test_node_dialect_raw_facts(node_admin_peer: Any) -> None:
    peer = node_admin_peer()
    session = node_session(peer)
    raw: list[tuple[str, tuple[Any, ...]]] = []
    original = session.client._on_event
    session.client._on_event = lambda n, a: (raw.append((n, a)), original(n, a))
    await session.start()
    await wait_for(lambda: session.aggregator.features, what="config")
    client = await app_client(peer.url)
    try:
        sid = client.get_sid("/chat")
        await wait_for(lambda: sid in session.aggregator.sockets, what="socket")
        await asyncio.to_thread(peer.close_engine, sid)
        await wait_for(
            lambda: session.aggregator.totals().engine_reasons.get("forced close"),
            what="rawDisconnection subType",
        )
        names = [n for n, _ in raw]
        # the monitor's own room_joined/socket_connected come before config
        assert names[:5] == ["session", "room_joined", "socket_connected", "config", "all_sockets"]
        connected = [a for n, a in raw if n == "socket_connected" and a[0]["id"] == sid]
        assert connected, [n for n, _ in raw]
        sock, stamp = connected[0]
        # event timestamps are JSON Dates (ISO "Z"), not epoch ms; handshake.time is Date.toString
        assert isinstance(stamp, str) and stamp.endswith("Z")
        assert isinstance(sock["handshake"]["issued"], int)
        assert "GMT" in sock["handshake"]["time"]
        assert len(sock["clientId"]) == 12
        (gone,) = session.aggregator.disconnect_log
        assert (gone.socket_id, gone.reason, gone.address) == (sid, "forced close", "127.0.0.1")
        snap = session.snapshot()
        assert snap.stats.reason_source is ReasonSource.ENGINE
        assert snap.stats.totals.socket_reasons == {"forced close": 1}
    finally:
        await client.disconnect()
        await session.stop()
