"""A hostile python-socketio server that emits garbage on /admin: the monitor must survive it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio
from aiohttp import web

from tests.core.test_admin_events import node_socket
from tests.net.test_admin_client_support import wait_for
from tests.peers.faults.http_faults import serve_app
from wsmonitor.core.aggregator import AggregatorConfig
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnState
from wsmonitor.net.monitor_session import MonitorSession, SessionConfig

NOW = "2026-11-29T18:02:06Z"

GARBAGE: list[tuple[str, tuple[Any, ...]]] = [
    ("server_stats", ("not an object",)),
    ("server_stats", ([1, 2, 3],)),
    ("server_stats", ({"serverId": 5, "clientsCount": "many"},)),
    ("server_stats", ({"serverId": "x", "clientsCount": 1, "aggregatedEvents": {"a": 1}},)),
    ("server_stats", (b"\x00\x01binary",)),
    ("server_stats", ()),
    ("config", ({"supportedFeatures": "EVERYTHING"},)),
    ("socket_connected", (5, 5)),
    ("socket_connected", ({"id": ["x"], "nsp": None}, NOW)),
    ("socket_disconnected", ()),
    ("socket_disconnected", ({"nsp": "/"}, None, None, None)),
    ("socket_updated", ("nope",)),
    ("room_joined", (1, 2, 3, 4)),
    ("event_received", ("/", "id", "not a list", NOW)),
    ("all_sockets", ({"not": "a list"},)),
    ("session", ({"id": 1},)),
    ("connect", ("a fake connect event",)),
    (
        "nested",
        ([[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],),
    ),
]
HUGE_SOCKETS = 60_000  # garbage and valid entries mixed in one all_sockets
VALID_SOCKETS = 3_000
VALID_STATS = {
    "serverId": "hostile-but-recovered",
    "hostname": "h",
    "pid": 7,
    "uptime": 1.0,
    "clientsCount": 2,
    "pollingClientsCount": 0,
    "aggregatedEvents": [],
    "namespaces": [],
}


def hostile_app() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    app = web.Application()
    sio.attach(app)

    async def blast(sid: str) -> None:
        await asyncio.sleep(0.2)
        for name, args in GARBAGE:
            await sio.emit(name, args, to=sid, namespace="/admin")
        huge: list[Any] = []
        for i in range(HUGE_SOCKETS):
            huge.append(node_socket(f"s{i}") if i % 20 == 0 else [i, None, {"id": i}][i % 3])
        await sio.emit("all_sockets", huge, to=sid, namespace="/admin")
        await sio.emit("server_stats", VALID_STATS, to=sid, namespace="/admin")

    @sio.on("connect", namespace="/admin")
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        sio.start_background_task(blast, sid)

    return app


@pytest.fixture
async def hostile_server() -> AsyncIterator[str]:
    async with serve_app(hostile_app()) as port:
        yield f"http://127.0.0.1:{port}"


async def test_garbage_on_admin_is_survived_and_counted(hostile_server: str) -> None:
    session = MonitorSession(
        SessionConfig(
            admin=AdminConnectionConfig(url=hostile_server),
            aggregator=AggregatorConfig(max_sockets=VALID_SOCKETS),
        )
    )
    await session.start()
    try:
        await wait_for(
            lambda: session.aggregator.cluster.rows(time.time()), what="the valid server_stats"
        )
        snap = session.snapshot()
        assert snap.status.state is ConnState.CONNECTED
        assert [s.server_id for s in snap.stats.servers] == ["hostile-but-recovered"]
        # every malformed event was dropped and counted (unknown names are not errors)
        garbage_entries = HUGE_SOCKETS - HUGE_SOCKETS // 20
        assert snap.stats.parse_errors >= 16 + garbage_entries
        # the huge list: only the valid entries, and no more than the store's cap
        assert len(session.aggregator.sockets) == VALID_SOCKETS
        assert session.aggregator.sockets.overflow == HUGE_SOCKETS // 20 - VALID_SOCKETS
        assert session.client.handler_errors == 0
    finally:
        await session.stop()
