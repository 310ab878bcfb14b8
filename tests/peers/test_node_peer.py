"""The Node admin-ui peer against a plain python-socketio client (no wsmonitor code).

These tests pin what a real @socket.io/admin-ui 0.5.1 server sends (PROTOCOL.md section 1) and
prove the peer's ground-truth counters agree, to the unit, with admin-ui's aggregatedEvents.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
import socketio

from tests.peers.node_fixtures import NodeClusterPeer, NodePeer, PeerEndpoint
from tests.peers.node_runtime import NodePeerError, node_executable

pytestmark = pytest.mark.node

WAIT = 10.0  # generous upper bound for anything the server should do "within ~5 s"


class Monitor:
    """A python-socketio client of the admin namespace that records every event it receives."""

    def __init__(self, **client_options: Any) -> None:
        self.sio = socketio.AsyncClient(**client_options)
        self.events: list[tuple[str, tuple[Any, ...]]] = []
        self.connect_errors: list[Any] = []
        self._changed = asyncio.Event()

    async def connect(self, peer: PeerEndpoint, auth: Any = "peer") -> None:
        nsp = peer.admin_namespace

        @self.sio.on("*", namespace=nsp)
        async def _any(event: str, *args: Any) -> None:
            self.events.append((event, args))
            self._changed.set()

        @self.sio.on("connect_error", namespace=nsp)
        async def _error(data: Any) -> None:
            self.connect_errors.append(data)

        await self.sio.connect(
            peer.url,
            namespaces=[nsp],
            auth=peer.monitor_auth if auth == "peer" else auth,
            socketio_path=peer.path,
            transports=["websocket"],
            wait_timeout=5,
        )

    def named(self, name: str) -> list[tuple[Any, ...]]:
        return [args for event, args in self.events if event == name]

    async def wait_until(self, check: Callable[[], Any], timeout: float = WAIT) -> Any:
        """Waits until check() is truthy (re-evaluated on every event) and returns its value."""
        async with asyncio.timeout(timeout):
            while not (result := check()):
                self._changed.clear()
                await self._changed.wait()
        return result

    async def wait_for(self, name: str, count: int = 1, timeout: float = WAIT) -> list[Any]:
        names = self.named
        return await self.wait_until(lambda: len(names(name)) >= count and names(name), timeout)


async def app_client(
    peer: PeerEndpoint, transports: list[str] | None = None
) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        peer.url, socketio_path=peer.path, transports=transports or ["websocket"], wait_timeout=5
    )
    return client


async def raw_connect_then_leave(peer: PeerEndpoint) -> str:
    """EIO4 over a bare websocket: CONNECT "/", then DISCONNECT ("41"), then close. Returns sid.

    python-socketio's client.disconnect() closes the transport before its "41" leaves (see
    test_disconnect_reasons_match_ground_truth), so a clean namespace leave needs this.
    """
    url = peer.url.replace("http", "ws", 1) + f"{peer.path}/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        assert (await ws.receive_str()).startswith("0{")
        await ws.send_str("40")
        reply = await ws.receive_str()
        assert reply.startswith("40{"), reply
        await ws.send_str("41")
        return json.loads(reply[2:])["sid"]


def aggregated_totals(stats_messages: list[tuple[Any, ...]]) -> Counter[str]:
    """Sums aggregatedEvents over server_stats messages, keyed "type" or "type/subType"."""
    totals: Counter[str] = Counter()
    for (stats,) in stats_messages:
        for entry in stats["aggregatedEvents"]:
            key = entry["type"] + (f"/{entry['subType']}" if "subType" in entry else "")
            totals[key] += entry["count"]
    return totals


def engine_as_aggregated(engine: dict[str, Any]) -> Counter[str]:
    """The peer's engine counters (a delta or totals) in aggregated_totals' keys.

    Every engine close has a reason, so admin-ui's rawDisconnection always carries a subType.
    """
    totals: Counter[str] = Counter()
    totals["rawConnection"] = engine.get("opened", 0)
    for reason, count in engine.get("closeReasons", {}).items():
        totals[f"rawDisconnection/{reason}"] = count
    for key in ("packetsIn", "packetsOut", "bytesIn", "bytesOut"):
        totals[key] = engine.get(key, 0)
    return +totals  # drop zeros


async def test_basic_auth_accepts_right_password(node_admin_peer: Callable[..., NodePeer]) -> None:
    peer = node_admin_peer(auth=True)
    monitor = Monitor()
    await monitor.connect(peer)
    try:
        await monitor.wait_for("all_sockets")
        # `session` (basic auth only) comes from the auth middleware, before the CONNECT ack; in
        # development mode the monitor's own socket shows up (room_joined, socket_connected).
        assert [event for event, _ in monitor.events][:5] == [
            "session", "room_joined", "socket_connected", "config", "all_sockets",
        ]  # fmt: skip
        assert monitor.named("socket_connected")[0][0]["nsp"] == "/admin"
        (config,) = monitor.named("config")[0]
        assert config["supportedFeatures"] == [
            "EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT",
            "AGGREGATED_EVENTS", "ALL_EVENTS",
        ]  # fmt: skip
        # No server_stats on connect: the first one comes with the next 2 s tick.
        first, second = (args[0] for args in (await monitor.wait_for("server_stats", 2))[:2])
        assert 1.5 < second["uptime"] - first["uptime"] < 5.0
        assert first["serverId"] == peer.server_id == peer.info["serverId"]
        assert first["pid"] == peer.pid
        assert set(first) == {
            "serverId", "hostname", "pid", "uptime", "clientsCount", "pollingClientsCount",
            "aggregatedEvents", "namespaces",
        }  # fmt: skip
        namespaces = {n["name"]: n["socketsCount"] for n in second["namespaces"]}
        assert namespaces == {"/": 0, "/admin": 1, "/chat": 0}
        assert second["clientsCount"] == 1  # the monitor's own engine connection counts
        truth = peer.stats()
        assert truth["clientsByKind"] == {"app": 0, "monitors": 1}
        assert truth["engineMonitors"]["opened"] == 1
    finally:
        await monitor.sio.disconnect()


async def test_wrong_password_refused(node_admin_peer: Callable[..., NodePeer]) -> None:
    peer = node_admin_peer(auth=True)
    for auth in ({"username": peer.admin_username, "password": "wrong"}, None):
        monitor = Monitor(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await monitor.connect(peer, auth=auth)
        assert monitor.connect_errors == [{"message": "invalid credentials"}]
        assert [event for event, _ in monitor.events] == []
    truth = peer.stats()
    assert truth["namespaces"]["/admin"]["connectErrors"] == {"invalid credentials": 2}
    assert truth["namespaces"]["/admin"]["connects"] == 0


async def test_disconnect_reasons_match_ground_truth(
    node_admin_peer: Callable[..., NodePeer],
) -> None:
    peer = node_admin_peer(auth=False)
    monitor = Monitor()
    await monitor.connect(peer)
    assert "session" not in [event for event, _ in monitor.events]  # no session without auth
    try:
        kicked = await app_client(peer)
        kicked_sid = kicked.get_sid("/")
        peer.kick(kicked_sid)  # "41" to the client, which then closes its engine connection
        closed = await app_client(peer, ["polling", "websocket"])
        closed_sid = closed.get_sid("/")
        peer.kick(closed_sid, close=True)  # the server closes the engine: "forced close"
        left_sid = await raw_connect_then_leave(peer)
        python_client = await app_client(peer)
        python_sid = python_client.get_sid("/")
        await python_client.disconnect()

        expected = {
            kicked_sid: "server namespace disconnect",
            closed_sid: "server namespace disconnect",
            left_sid: "client namespace disconnect",
            python_sid: "transport close",  # python-socketio 5.18: its "41" never leaves
        }

        def reasons() -> dict[str, str]:
            return {a[1]: a[2] for a in monitor.named("socket_disconnected") if a[0] == "/"}

        assert await monitor.wait_until(lambda: len(reasons()) == 4 and reasons()) == expected
        truth = peer.stats()
        assert truth["namespaces"]["/"]["disconnectReasons"] == dict(Counter(expected.values()))
        assert truth["engine"]["closeReasons"] == {"transport close": 3, "forced close": 1}
        assert truth["engine"]["opened"] == 5  # four app clients + the monitor itself

        # The monitor's aggregatedEvents sum up to exactly the ground truth...
        def stats_caught_up() -> bool:
            totals = aggregated_totals(monitor.named("server_stats"))
            return totals["rawDisconnection/transport close"] == 3 and totals["rawConnection"]

        await monitor.wait_until(stats_caught_up)
        messages = monitor.named("server_stats")
        totals = aggregated_totals(messages)
        assert {k: v for k, v in totals.items() if k.startswith("raw")} == {
            "rawConnection": 5,
            "rawDisconnection/transport close": 3,
            "rawDisconnection/forced close": 1,
        }
        # ...and each message equals the peer's record of that very emission (matched by uptime).
        by_uptime = {e["uptime"]: e for e in peer.emissions()}
        for (stats,) in messages:
            expected_delta = engine_as_aggregated(by_uptime[stats["uptime"]]["engineDelta"])
            assert aggregated_totals([(stats,)]) == expected_delta
    finally:
        await monitor.sio.disconnect()


async def test_production_readonly_sends_only_stats(
    node_admin_peer: Callable[..., NodePeer],
) -> None:
    peer = node_admin_peer(auth=True, mode="production", readonly=True, server_id="prod-1")
    monitor = Monitor()
    await monitor.connect(peer)
    try:
        client = await app_client(peer)
        (stats,) = (await monitor.wait_for("server_stats"))[0]
        assert stats["serverId"] == "prod-1"
        assert [event for event, _ in monitor.events if event != "server_stats"] == [
            "session",
            "config",
        ]
        assert monitor.named("config")[0][0] == {"supportedFeatures": ["AGGREGATED_EVENTS"]}
        await client.disconnect()
    finally:
        await monitor.sio.disconnect()


async def test_restart_keeps_port_and_monitor_reconnects(
    node_admin_peer: Callable[..., NodePeer],
) -> None:
    peer = node_admin_peer(auth=True)
    monitor = Monitor(reconnection_delay=0.2, reconnection_delay_max=0.5)
    await monitor.connect(peer)
    try:
        await monitor.wait_for("config")
        (session_id,) = monitor.named("session")[0]
        by_session = Monitor(reconnection=False)
        await by_session.connect(peer, auth={"sessionId": session_id})  # a session is enough...
        await by_session.sio.disconnect()
        port, pid = peer.port, peer.pid
        peer.restart()
        assert (peer.port, peer.url) == (port, f"http://127.0.0.1:{port}")
        assert peer.pid != pid
        await monitor.wait_for("config", count=2)  # reconnected to the new process
        (stats,) = (await monitor.wait_until(lambda: [
            args for args in monitor.named("server_stats") if args[0]["pid"] == peer.pid
        ]))[0]  # fmt: skip
        assert stats["clientsCount"] == 1
        assert peer.stats()["engine"]["opened"] == 1  # fresh counters in the new process
        # ...but sessions live in the process's memory (InMemoryStore): gone after a restart.
        stale = Monitor(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await stale.connect(peer, auth={"sessionId": session_id})
        assert stale.connect_errors == [{"message": "invalid credentials"}]
    finally:
        await monitor.sio.disconnect()


async def test_cluster_monitor_on_one_worker_sees_all(
    node_cluster_peer: Callable[..., NodeClusterPeer],
) -> None:
    cluster = node_cluster_peer(workers=2, auth=True)
    first, second = cluster.workers
    assert len({first.port, second.port}) == 2
    assert cluster.server_ids == ["node-peer-1", "node-peer-2"]
    early = await app_client(second)
    monitor = Monitor()
    await monitor.connect(first)
    try:
        # all_sockets uses fetchSockets(): it lists the sockets of every worker...
        (all_sockets,) = (await monitor.wait_for("all_sockets"))[0]
        assert early.get_sid("/") in {s["id"] for s in all_sockets}
        # ...and dev-mode events of worker 2's sockets reach a monitor on worker 1.
        client = await app_client(second)
        sid = client.get_sid("/")
        await monitor.wait_until(
            lambda: sid in [a[0]["id"] for a in monitor.named("socket_connected")]
        )

        def server_ids() -> set[str]:
            return {args[0]["serverId"] for args in monitor.named("server_stats")}

        assert await monitor.wait_until(lambda: len(server_ids()) == 2 and server_ids()) == {
            "node-peer-1",
            "node-peer-2",
        }
        # Each server_stats describes its own worker only (clientsCount, namespaces).
        last = {args[0]["serverId"]: args[0] for args in monitor.named("server_stats")}
        assert last["node-peer-1"]["pid"] == first.pid
        assert last["node-peer-2"]["pid"] == second.pid
        assert first.stats()["clientsByKind"] == {"app": 0, "monitors": 1}
        assert second.stats()["clientsByKind"] == {"app": 2, "monitors": 0}
        await client.disconnect()
        await early.disconnect()
    finally:
        await monitor.sio.disconnect()


async def test_control_api_churn(node_admin_peer: Callable[..., NodePeer]) -> None:
    peer = node_admin_peer(auth=False, namespaces=["/chat"])
    clients = [await app_client(peer) for _ in range(3)]
    sids = [client.get_sid("/") for client in clients]
    listed = {s["id"]: s for s in peer.sockets(nsp="/")}
    assert set(listed) == set(sids)
    assert listed[sids[0]]["engineId"] == clients[0].eio.sid

    received: asyncio.Queue[Any] = asyncio.Queue()
    clients[1].on("hello", lambda *args: received.put_nowait(args))
    peer.emit(sids[1], "hello", 1, "two")
    assert await asyncio.wait_for(received.get(), WAIT) == (1, "two")
    assert await clients[1].call("echo", {"x": 1}, timeout=WAIT) == {"x": 1}

    peer.close_engine(sids[0])  # engine socket close(): "forced close" at both levels
    assert sorted(peer.kick_all()) == sorted(sids[1:])
    with pytest.raises(NodePeerError, match="404"):
        peer.kick("no-such-socket")

    async def settled() -> dict[str, Any]:
        while (truth := await peer.astats())["engine"]["closed"] < 3:
            await asyncio.sleep(0.05)
        return truth

    truth = await asyncio.wait_for(settled(), WAIT)
    assert truth["namespaces"]["/"]["disconnectReasons"] == {
        "forced close": 1,
        "server namespace disconnect": 2,
    }
    assert truth["engine"]["closeReasons"] == {"forced close": 1, "transport close": 2}
    assert truth["clientsCount"] == 0


def test_start_failure_shows_stderr(node_admin_peer: Callable[..., NodePeer]) -> None:
    with pytest.raises(NodePeerError, match="unknown config keys: noSuchKey"):
        node_admin_peer(noSuchKey=1)


def test_missing_node_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WSMONITOR_NODE", raising=False)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.fail.Exception, match=r"Node\.js is needed"):
        node_executable()


async def test_engine_close_reasons_reach_subtype(node_admin_peer: Callable[..., NodePeer]) -> None:
    """Each Engine.IO close reason shows up as rawDisconnection.subType, as counted by the peer."""
    peer = node_admin_peer(auth=False, mode="production", ping_interval=300, ping_timeout=200)
    monitor = Monitor()
    await monitor.connect(peer)
    url = peer.url.replace("http", "ws", 1) + f"{peer.path}/?EIO=4&transport=websocket"
    try:
        async with aiohttp.ClientSession() as http:
            sockets = [await http.ws_connect(url) for _ in range(3)]
            for ws in sockets:
                assert (await ws.receive_str()).startswith("0{")
            await sockets[0].send_str("x")  # not an Engine.IO packet: "parse error"
            await sockets[1].send_str(
                "2"
            )  # a client ping on EIO4 (an EIO3 habit): "transport error"
            # sockets[2] never answers the server's ping: "ping timeout" after 300 + 200 ms.
            expected = {"parse error": 1, "transport error": 1, "ping timeout": 1}

            def subtypes() -> dict[str, int]:
                totals = aggregated_totals(monitor.named("server_stats"))
                prefix = "rawDisconnection/"
                return {k[len(prefix) :]: v for k, v in totals.items() if k.startswith(prefix)}

            assert await monitor.wait_until(lambda: subtypes() == expected and subtypes())
            for ws in sockets:
                await ws.close()
        assert (await peer.astats())["engine"]["closeReasons"] == expected
    finally:
        await monitor.sio.disconnect()
