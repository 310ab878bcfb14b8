"""The aggregator on hand-made event streams: totals, series, reasons, sockets, short-lived."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from tests.core.test_admin_events import node_socket, python_socket
from wsmonitor.core.aggregator import Aggregator, AggregatorConfig
from wsmonitor.core.reasons import OTHER_REASON, ReasonSource

T = 1_795_975_000.0
DEV = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"]


def iso(t: float, node: bool = True) -> str:
    text = datetime.fromtimestamp(t, UTC).isoformat()
    return text.replace("+00:00", "Z") if node else text


def stats(
    server: str = "s1", clients: int = 3, polling: int = 1, events: list[Any] | None = None
) -> tuple[dict[str, Any]]:
    return (
        {
            "serverId": server,
            "hostname": "host",
            "pid": 1,
            "uptime": 1.0,
            "clientsCount": clients,
            "pollingClientsCount": polling,
            "aggregatedEvents": events or [],
            "namespaces": [{"name": "/", "socketsCount": 2}],
        },
    )


def agg_ev(t: float, type_: str, count: int, sub: str | None = None) -> dict[str, Any]:
    ev: dict[str, Any] = {"timestamp": int(t) * 1000, "type": type_, "count": count}
    if sub is not None:
        ev["subType"] = sub
    return ev


def connected(features: list[str] = DEV) -> Aggregator:
    a = Aggregator()
    a.on_admin_connected(T)
    a.feed_raw("config", ({"supportedFeatures": features},), T)
    return a


def test_totals_sum_every_stats_message_received() -> None:
    a = connected()
    a.feed_raw("server_stats", stats(events=[agg_ev(T, "rawConnection", 7)]), T)
    assert a.totals().connections == 7
    a.feed_raw(
        "server_stats",
        stats(
            events=[
                agg_ev(T + 1, "rawConnection", 2),
                agg_ev(T + 2, "rawDisconnection", 1, "transport close"),
                agg_ev(T + 2, "rawDisconnection", 2, "ping timeout"),
                agg_ev(T + 2, "packetsIn", 5),
                agg_ev(T + 2, "bytesOut", 500),
            ]
        ),
        T + 2,
    )
    tot = a.totals()
    assert (tot.connections, tot.disconnections, tot.packets_in, tot.bytes_out) == (9, 3, 5, 500)
    assert tot.engine_reasons == {"transport close": 1, "ping timeout": 2}
    assert a.reason_source() is ReasonSource.ENGINE
    # per-second series: the covered seconds are 0, not NaN
    _, conn = a.series.connections.raw(T, T + 2)
    assert list(conn) == [7, 2, 0]
    assert a.reason_series()["ping timeout"].total(T, T + 2) == 2


def test_gauges_hold_between_stats_and_break_at_a_gap() -> None:
    a = connected()
    a.feed_raw("server_stats", stats(clients=3, polling=1), T)
    a.feed_raw("server_stats", stats(clients=5, polling=0), T + 2)
    assert list(a.series.clients.raw(T, T + 2)[1]) == [3, 3, 5]
    assert list(a.series.websocket_clients.raw(T, T + 2)[1]) == [2, 2, 5]
    a.on_admin_disconnected("connection lost (transport error)", T + 3)
    a.on_admin_connected(T + 20)
    a.feed_raw("server_stats", stats(clients=4), T + 21)
    _, v = a.series.clients.raw(T + 3, T + 21)
    assert all(math.isnan(x) for x in v[:-1]) and v[-1] == 4  # a hole, not zeros
    _, conn = a.series.connections.raw(T + 3, T + 20)
    assert all(math.isnan(x) for x in conn)
    (gap,) = a.gaps()
    assert (gap.start, gap.end, gap.reason) == (T + 3, T + 20, "connection lost (transport error)")


def test_cluster_totals_and_staleness() -> None:
    a = connected()
    a.feed_raw("server_stats", stats("a", clients=3, polling=1), T)
    a.feed_raw("server_stats", stats("b", clients=4, polling=0), T + 1)
    snap = a.snapshot(T + 2)
    assert [s.server_id for s in snap.servers] == ["a", "b"]
    assert (snap.cluster.clients, snap.cluster.polling_clients, snap.cluster.healthy_servers) == (
        7,
        1,
        2,
    )
    a.feed_raw("server_stats", stats("b", clients=4, polling=0), T + 10.5)
    snap = a.snapshot(T + 10.5)
    assert {s.server_id: s.healthy for s in snap.servers} == {"a": False, "b": True}
    assert snap.cluster.clients == 4  # a stale server's clients are not counted
    assert a.series.server_clients("a").value_at(T) == 3


def test_python_dialect_reasons_come_from_socket_events() -> None:
    a = connected()
    a.feed_raw("server_stats", stats(events=[agg_ev(T, "rawDisconnection", 1)]), T)
    a.feed_raw("socket_connected", (python_socket("p1"), iso(T, node=False)), T)
    a.feed_raw(
        "socket_disconnected", ("/chat", "p1", "client disconnect", iso(T + 1, False)), T + 1
    )
    snap = a.snapshot(T + 1)
    assert snap.dialect == "python"
    assert snap.reason_source is ReasonSource.SOCKET
    assert snap.reasons == {"client disconnect": 1}
    assert "socket_disconnected" in snap.reason_source_label


def test_production_mode_says_no_reasons() -> None:
    a = connected(["AGGREGATED_EVENTS"])
    a.feed_raw("server_stats", stats(events=[agg_ev(T, "rawDisconnection", 2)]), T)
    snap = a.snapshot(T)
    assert snap.reason_source is ReasonSource.NONE
    assert snap.reason_source_label == "no reasons available (production mode)"
    assert snap.reasons == {}


def test_socket_lifecycle_feed_and_short_lived() -> None:
    a = connected()
    feed = a.sockets.open_feed()
    old = node_socket("old")
    old["handshake"]["issued"] = (T - 100) * 1000
    a.feed_raw("all_sockets", ([old],), T)
    first = feed.drain()
    assert first.reset is not None and [r.id for r in first.reset] == ["old"]
    a.feed_raw("socket_connected", (node_socket("s1"), iso(T)), T)
    a.feed_raw("socket_connected", (node_socket("s1"), iso(T + 1)), T + 1)  # refresh: no count
    a.feed_raw("socket_updated", ({"id": "s1", "nsp": "/chat", "transport": "websocket"},), T + 1)
    a.feed_raw("room_joined", ("/chat", "room-9", "s1", iso(T + 1)), T + 1)
    ch = feed.drain()
    assert [r.id for r in ch.inserted] == ["s1"] and not ch.updated and not ch.removed
    row = ch.inserted[0]
    assert row.transport == "websocket" and "room-9" in row.rooms and row.connected_at == T
    assert a.totals().socket_connects == 1
    a.feed_raw("socket_disconnected", ("/chat", "s1", "transport error", iso(T + 2)), T + 2)
    a.feed_raw("socket_disconnected", ("/chat", "old", "ping timeout", iso(T + 3)), T + 3)
    ch = feed.drain()
    assert sorted(ch.removed) == ["old", "s1"]
    tot = a.totals()
    assert tot.short_lived == 1 and tot.socket_reasons == {"transport error": 1, "ping timeout": 1}
    (short,) = a.short_lived_log
    assert (short.socket_id, short.lifetime, short.reason) == ("s1", 2.0, "transport error")
    assert short.address == "127.0.0.1" and short.user_agent == "node-XMLHttpRequest"
    assert [r.socket_id for r in a.filter_disconnects(reason="ping timeout")] == ["old"]
    assert a.series.short_lived.total(T, T + 3) == 1


def test_a_socket_born_and_gone_between_drains_is_not_reported() -> None:
    a = connected()
    feed = a.sockets.open_feed()
    feed.drain()
    a.feed_raw("socket_connected", (python_socket("x"), iso(T, node=False)), T)
    a.feed_raw("socket_disconnected", ("/chat", "x", "transport close", iso(T, False)), T)
    # python re-sends live sockets on each ping: a refresh sent just before the disconnect
    a.feed_raw("socket_connected", (python_socket("x"), iso(T, node=False)), T + 1)
    assert feed.drain().empty and len(a.sockets) == 0


def test_admin_namespace_is_not_counted() -> None:
    a = connected()
    a.feed_raw("socket_connected", (node_socket("m", nsp="/admin"), iso(T)), T)
    a.feed_raw("socket_disconnected", ("/admin", "m", "transport close", iso(T)), T)
    tot = a.totals()
    assert tot.socket_connects == 0 and tot.socket_disconnects == 0 and not tot.socket_reasons


def test_filter_matches_address_agent_rooms() -> None:
    a = connected()
    sockets = [node_socket(f"s{i}") for i in range(20)]
    sockets[3]["handshake"]["address"] = "10.9.8.7"
    sockets[5]["rooms"].append("VIP-room")
    a.feed_raw("all_sockets", (sockets,), T)
    assert [r.id for r in a.sockets.filter("10.9.8")] == ["s3"]
    assert [r.id for r in a.sockets.filter("vip")] == ["s5"]
    assert len(a.sockets.filter("xmlhttp", nsp="/chat", transport="polling")) == 20


def test_distinct_reasons_are_capped() -> None:
    a = Aggregator(AggregatorConfig(max_reasons=3))
    a.on_admin_connected(T)
    for i in range(10):
        a.feed_raw("socket_disconnected", ("/", f"s{i}", f"reason {i}", iso(T)), T)
    reasons = a.totals().socket_reasons
    assert len(reasons) == 4 and reasons[OTHER_REASON] == 7


def test_garbage_stream_is_survived_and_counted() -> None:
    a = connected()
    for name, args in [
        ("server_stats", ("x",)),
        ("socket_connected", (None, None)),
        ("all_sockets", (5,)),
        ("socket_disconnected", ()),
        ("not_an_event", (1, 2)),
    ]:
        assert a.feed_raw(name, args, T) is None
    snap = a.snapshot(T)
    assert snap.parse_errors == 4 and snap.events_total == 6


def test_events_received_are_counted_per_second() -> None:
    a = connected()
    for i in range(30):
        a.feed_raw("event_received", ("/", "s", ["chat", i], iso(T)), T + i // 10)
    a.feed_raw("event_sent", ("/", "s", ["pong"], iso(T)), T + 2)
    tot = a.totals()
    assert tot.events_received == 30 and tot.events_sent == 1
    assert list(a.series.events_received.raw(T, T + 2)[1]) == [10, 10, 10]


def test_socket_row_columns_and_search_key() -> None:
    a = connected()
    a.feed_raw("socket_connected", (node_socket("Row1"), iso(T)), T)
    row = a.sockets.get("Row1")
    assert row is not None
    assert (row.id, row.nsp, row.transport, row.address) == (
        "Row1",
        "/chat",
        "polling",
        "127.0.0.1",
    )
    assert row.user_agent == "node-XMLHttpRequest" and row.client_id == "RC1ZkDLprI3v"
    assert row.search_key == "row1\t/chat\tpolling\t127.0.0.1\tnode-xmlhttprequest\trow1\tlobby"
    assert row.search_key is row.search_key  # built once, then cached


def test_a_mirror_fed_by_drains_equals_the_store() -> None:
    """What a table model does with the feed: its rows always end equal to the store's."""
    import random

    rng = random.Random(5)
    a = Aggregator(AggregatorConfig(max_sockets=40))
    a.on_admin_connected(T)
    feed = a.sockets.open_feed()
    mirror: dict[str, Any] = {}
    live: list[str] = []
    for step in range(3000):
        roll = rng.random()
        if roll < 0.45 or not live:
            sid = f"s{step}"
            a.feed_raw("socket_connected", (node_socket(sid), iso(T)), T)
            live.append(sid)
        elif roll < 0.85:
            sid = live.pop(rng.randrange(len(live)))
            a.feed_raw("socket_disconnected", ("/chat", sid, "transport close", iso(T)), T)
        else:
            sid = rng.choice(live)
            a.feed_raw("room_joined", ("/chat", f"r{step}", sid, iso(T)), T)
        if rng.random() < 0.05:
            changes = feed.drain()
            if changes.reset is not None:
                mirror = {r.id: r for r in changes.reset}
            for sid in changes.removed:
                del mirror[sid]
            for row in changes.inserted:
                assert row.id not in mirror
                mirror[row.id] = row
            for row in changes.updated:
                assert row.id in mirror
                mirror[row.id] = row
            assert mirror == {r.id: r for r in a.sockets.rows()}
            assert len(feed._pending) == 0
