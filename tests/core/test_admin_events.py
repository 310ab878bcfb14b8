"""Parsing of admin events from both dialects, and survival of malformed / hostile payloads."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from typing import Any

import pytest

from wsmonitor.core import admin_events as ae
from wsmonitor.core import admin_fields as limits
from wsmonitor.core.admin_parse import (
    PARSERS,
    ParseErrors,
    parse_all_sockets,
    parse_config,
    parse_event,
    parse_server_stats,
    parse_socket_connected,
    parse_socket_disconnected,
)
from wsmonitor.core.timestamps import parse_timestamp

T0 = datetime(2026, 11, 29, 18, 2, 6, 123000, tzinfo=UTC).timestamp()


def node_socket(sid: str = "ZoGXD0GEmf39CP0uAAAC", nsp: str = "/chat") -> dict[str, Any]:
    """A SerializedSocket as @socket.io/admin-ui 0.5.1 sends it."""
    return {
        "id": sid,
        "clientId": "RC1ZkDLprI3v",
        "transport": "polling",
        "nsp": nsp,
        "data": {"user": "u1"},
        "handshake": {
            "address": "127.0.0.1",
            "headers": {"host": "127.0.0.1:3000", "user-agent": "node-XMLHttpRequest"},
            "query": {"EIO": "4", "transport": "polling", "t": "abc"},
            "issued": 1795975904276,
            "secure": False,
            "time": "Sun Nov 29 2026 18:02:06 GMT+0000 (Coordinated Universal Time)",
            "url": "/socket.io/?EIO=4&transport=polling&t=abc",
            "xdomain": False,
        },
        "rooms": [sid, "lobby"],
    }


def python_socket(sid: str = "Fx1_abcDEF", nsp: str = "/chat") -> dict[str, Any]:
    """A SerializedSocket as python-socketio 5.18 instrument() sends it."""
    return {
        "id": sid,
        "clientId": "4rT9kL2mN8pQ0wXyZ1aB",  # the full engine sid
        "transport": "websocket",
        "nsp": nsp,
        "data": {},
        "handshake": {
            "address": "127.0.0.1",
            "headers": {"host": "127.0.0.1:5000", "user_agent": "Python/3.11 aiohttp/3.9"},
            "query": {"EIO": "4", "transport": "polling"},
            "secure": False,
            "url": "/socket.io/",
            "issued": 1795975904276.5,
            "time": "2026-11-29T18:02:06.123000+00:00",
        },
        "rooms": [sid],
    }


def test_timestamps_of_both_dialects_become_epoch_seconds() -> None:
    assert parse_timestamp("2026-11-29T18:02:06.123Z") == pytest.approx(T0)
    assert parse_timestamp("2026-11-29T18:02:06.123000+00:00") == pytest.approx(T0)
    assert parse_timestamp(1795975904276) == pytest.approx(1795975904.276)
    assert parse_timestamp(
        "Sun Nov 29 2026 18:02:06 GMT+0000 (Coordinated Universal Time)"
    ) == pytest.approx(T0 - 0.123)
    bad_values = ("", "yesterday", None, True, [], {}, "2026-11-29T18:02:06", float("nan"), 0)
    for bad in (*bad_values, -5, 1, 1e300, float("inf"), "9999-01-01T00:00:00Z"):
        assert parse_timestamp(bad) is None


def test_node_socket_connected() -> None:
    ev = parse_socket_connected((node_socket(), "2026-11-29T18:02:06.123Z"))
    assert ev is not None
    assert ev.timestamp == pytest.approx(T0)
    s = ev.socket
    assert (s.id, s.nsp, s.transport, s.client_id) == (
        "ZoGXD0GEmf39CP0uAAAC",
        "/chat",
        "polling",
        "RC1ZkDLprI3v",
    )
    assert s.handshake.user_agent == "node-XMLHttpRequest"
    assert s.handshake.issued == pytest.approx(1795975904.276)
    assert s.rooms == ("ZoGXD0GEmf39CP0uAAAC", "lobby")
    assert s.data == {"user": "u1"}


def test_python_dialect_is_normalised() -> None:
    ev = parse_socket_connected((python_socket(), "2026-11-29T18:02:06.123000+00:00"))
    assert ev is not None
    s = ev.socket
    assert ev.timestamp == pytest.approx(T0)
    # WSGI-style header keys become HTTP style; the full engine sid is cut like Node's
    assert s.handshake.headers["user-agent"] == "Python/3.11 aiohttp/3.9"
    assert "user_agent" not in s.handshake.headers
    assert s.client_id == "4rT9kL2mN8pQ"
    assert s.handshake.issued == pytest.approx(1795975904.2765)


def test_python_issued_zero_means_unknown() -> None:
    raw = python_socket()
    raw["handshake"]["issued"] = 0
    raw["handshake"]["time"] = ""
    ev = parse_socket_connected((raw, "2026-11-29T18:02:06+00:00"))
    assert ev is not None and ev.socket.handshake.issued is None


def test_server_stats_both_dialects() -> None:
    node = {
        "serverId": "vm",
        "hostname": "vm",
        "pid": 42,
        "uptime": 6.1,
        "clientsCount": 4,
        "pollingClientsCount": 1,
        "aggregatedEvents": [
            {"timestamp": 1795975904000, "type": "rawConnection", "count": 3},
            {
                "timestamp": 1795975905000,
                "type": "rawDisconnection",
                "subType": "transport close",
                "count": 2,
            },
        ],
        "namespaces": [{"name": "/", "socketsCount": 0}, {"name": "/admin", "socketsCount": 1}],
    }
    stats = parse_server_stats((node,))
    assert stats is not None
    assert stats.clients_count == 4 and stats.polling_clients_count == 1 and stats.pid == 42
    assert [(a.type, a.sub_type, a.count) for a in stats.aggregated_events] == [
        ("rawConnection", None, 3),
        ("rawDisconnection", "transport close", 2),
    ]
    assert stats.aggregated_events[0].timestamp == 1795975904.0
    assert [n.name for n in stats.namespaces] == ["/", "/admin"]


def test_config_and_disconnect() -> None:
    cfg = parse_config(({"supportedFeatures": ["EMIT", "ALL_EVENTS", 3]},))
    assert cfg is not None and cfg.supported_features == {"EMIT", "ALL_EVENTS"}
    ev = parse_socket_disconnected(("/chat", "abc", "transport close", "2026-11-29T18:02:06Z"))
    assert ev is not None and ev.reason == "transport close" and ev.nsp == "/chat"


def test_event_received_keeps_name_and_args() -> None:
    ev = parse_event("event_received", ("/", "sid1", ["chat", {"x": 1}, 2], "2026-11-29T18:02:06Z"))
    assert isinstance(ev, ae.EventReceived)
    assert ev.event == "chat" and ev.args == ({"x": 1}, 2)


def test_all_sockets_skips_bad_entries_and_counts_them() -> None:
    payload = [node_socket("a"), 5, {"id": 3}, None, python_socket("b"), {"nsp": "/"}]
    ev = parse_all_sockets((payload,))
    assert ev is not None
    assert [s.id for s in ev.sockets] == ["a", "b"]
    assert ev.dropped == 4


MALFORMED: list[tuple[str, tuple[Any, ...]]] = [
    ("server_stats", ()),
    ("server_stats", (None,)),
    ("server_stats", ([1, 2, 3],)),
    ("server_stats", ({"serverId": 5, "clientsCount": 1},)),
    ("server_stats", ({"serverId": "x", "clientsCount": "many"},)),
    ("server_stats", ({"serverId": "x", "clientsCount": True},)),
    ("server_stats", ({"serverId": "x", "clientsCount": -1},)),
    ("server_stats", ({"serverId": "x", "clientsCount": float("nan")},)),
    ("server_stats", ({"serverId": "x", "clientsCount": 1, "aggregatedEvents": "no"},)),
    ("server_stats", ({"serverId": "x", "clientsCount": 1, "aggregatedEvents": [5]},)),
    ("server_stats", ({"serverId": "x", "clientsCount": 1, "namespaces": [{"name": 1}]},)),
    ("socket_connected", ("not a socket", "2026-11-29T18:02:06Z")),
    ("socket_connected", (node_socket(),)),
    ("socket_connected", (node_socket(), "not a time")),
    ("socket_connected", ({"id": None, "nsp": "/"}, "2026-11-29T18:02:06Z")),
    ("socket_disconnected", ("/", "id", "reason")),
    ("socket_disconnected", ("/", 5, "reason", "2026-11-29T18:02:06Z")),
    ("socket_disconnected", ({"nsp": "/"},)),
    ("socket_updated", ("x",)),
    ("socket_updated", ({"id": 1, "nsp": "/"},)),
    ("room_joined", ("/", None, "id", "2026-11-29T18:02:06Z")),
    ("room_left", ("/",)),
    ("event_received", ("/", "id", "notalist", "2026-11-29T18:02:06Z")),
    ("event_received", ("/", "id", [], "2026-11-29T18:02:06Z")),
    ("event_sent", ("/", "id", [{"not": "a name"}], "2026-11-29T18:02:06Z")),
    ("config", ({"supportedFeatures": "ALL"},)),
    ("config", ([],)),
    ("session", (12345,)),
    ("all_sockets", ({"not": "a list"},)),
]


@pytest.mark.parametrize(("name", "args"), MALFORMED)
def test_malformed_payloads_are_dropped_and_counted(name: str, args: tuple[Any, ...]) -> None:
    errors = ParseErrors()
    assert parse_event(name, args, errors) is None
    assert errors.total == 1 and errors.by_event == {name: 1}
    assert errors.last_error.startswith(name)


def test_malformed_payload_logs_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    errors = ParseErrors()
    with caplog.at_level("WARNING", logger="wsmonitor.core.admin_parse"):
        parse_event("server_stats", ("garbage",), errors)
    assert "dropped malformed admin event server_stats" in caplog.text


def test_hostile_sizes_are_capped() -> None:
    huge = node_socket()
    huge["rooms"] = [f"room{i}" for i in range(100_000)]
    huge["handshake"]["headers"] = {f"x-h{i}": "v" for i in range(10_000)}
    huge["id"] = "i" * 1_000_000
    ev = parse_socket_connected((huge, "2026-11-29T18:02:06Z"))
    assert ev is not None
    assert len(ev.socket.rooms) == limits.MAX_ROOMS
    assert len(ev.socket.handshake.headers) == limits.MAX_HEADERS
    assert len(ev.socket.id) == limits.MAX_STR
    stats = {
        "serverId": "x",
        "clientsCount": 1,
        "aggregatedEvents": [{"timestamp": 1795975904000, "type": "packetsIn", "count": 1}]
        * 1_000_000,
    }
    parsed = parse_server_stats((stats,))
    assert parsed is not None and len(parsed.aggregated_events) == limits.MAX_AGGREGATED


def _garbage(rng: random.Random, depth: int = 0) -> Any:
    choices = [
        lambda: None,
        lambda: rng.randint(-(10**20), 10**20),
        lambda: rng.random() * 1e300,
        lambda: float("inf"),
        lambda: math.nan,
        lambda: True,
        lambda: "".join(rng.choice("ab_-Z+:0") for _ in range(rng.randint(0, 30))),
        lambda: "2026-11-29T18:02:06Z",
    ]
    if depth < 3:
        choices += [
            lambda: [_garbage(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: {
                rng.choice(
                    [
                        "id",
                        "nsp",
                        "serverId",
                        "clientsCount",
                        "handshake",
                        "headers",
                        "rooms",
                        "type",
                        "count",
                        "timestamp",
                        "supportedFeatures",
                        7,
                    ]
                ): _garbage(rng, depth + 1)
                for _ in range(rng.randint(0, 6))
            },
            lambda: node_socket() | {rng.choice(["id", "handshake", "rooms"]): _garbage(rng, 3)},
        ]
    return rng.choice(choices)()


def test_random_garbage_never_raises() -> None:
    rng = random.Random(1234)
    errors = ParseErrors()
    for _ in range(5000):
        name = rng.choice([*PARSERS, "unknown_event"])
        args = tuple(_garbage(rng) for _ in range(rng.randint(0, 5)))
        parse_event(name, args, errors)  # must not raise
    assert errors.total > 1000


def test_fast_builders_make_the_same_frozen_objects() -> None:
    info = ae.new_socket_info("a", "/", "", "", {}, ae.Handshake(), ("r",))
    assert type(info) is ae.SocketInfo
    assert info == ae.SocketInfo(id="a", nsp="/", client_id="", rooms=("r",))
    assert info.handshake == ae.Handshake() and info.data == {}
    with pytest.raises(AttributeError):
        info.id = "b"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ae.new_socket_info("a")
    with pytest.raises(TypeError):
        ae.SocketInfo("a")  # type: ignore[call-arg]
