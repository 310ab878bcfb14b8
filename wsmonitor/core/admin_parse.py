"""Admin-event parsers: raw Socket.IO arguments in, typed events (``admin_events``) out.

One parser per protocol event, all in one place; none raises. A malformed payload is dropped,
counted in ``ParseErrors`` and logged (rate-limited). ``args`` is the tuple of arguments of the
Socket.IO event as python-socketio delivers them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from wsmonitor.core.admin_events import (
    AdminEvent,
    AggregatedEvent,
    AllSockets,
    Config,
    EventReceived,
    EventSent,
    NamespaceStats,
    RoomJoined,
    RoomLeft,
    ServerStats,
    Session,
    SocketConnected,
    SocketDisconnected,
    SocketInfo,
    SocketUpdated,
    new_aggregated_event,
    new_event_received,
    new_event_sent,
    new_socket_connected,
    new_socket_disconnected,
)
from wsmonitor.core.admin_fields import (
    MAX_AGGREGATED,
    MAX_NAMESPACES,
    MAX_STR,
    TRANSPORTS,
    MalformedPayload,
    optional_str,
    parse_socket,
    require_count,
    require_dict,
    require_number,
    require_str,
    require_time,
)
from wsmonitor.core.timestamps import parse_timestamp

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ParseErrors:
    """Visible counter of dropped payloads (the GUI shows ``total``)."""

    total: int = 0
    by_event: dict[str, int] = field(default_factory=dict)
    last_error: str = ""
    last_logged: float = 0.0

    def record(self, event: str, reason: str, count: int = 1) -> None:
        self.total += count
        self.by_event[event] = self.by_event.get(event, 0) + count
        self.last_error = f"{event}: {reason}"
        now = time.monotonic()
        if now - self.last_logged >= 5.0:  # a garbage flood must not flood the log too
            self.last_logged = now
            log.warning("dropped malformed admin event %s (%d so far)", self.last_error, self.total)


def _p_session(args: tuple[Any, ...]) -> Session:
    return Session(require_str(args[0], "sessionId"))


def _p_config(args: tuple[Any, ...]) -> Config:
    features = require_dict(args[0], "config").get("supportedFeatures")
    if not isinstance(features, list):
        raise MalformedPayload("supportedFeatures is not a list")
    return Config(frozenset(f for f in features[:64] if isinstance(f, str)))


def _aggregated(raw: Any) -> AggregatedEvent:
    entry = require_dict(raw, "aggregated event")
    sub = entry.get("subType")
    return new_aggregated_event(
        require_time(entry.get("timestamp")),
        require_str(entry.get("type"), "type"),
        sub[:MAX_STR] if isinstance(sub, str) else None,
        require_count(entry.get("count"), "count"),
    )


def _p_server_stats(args: tuple[Any, ...]) -> ServerStats:
    stats = require_dict(args[0], "server_stats")
    events = stats.get("aggregatedEvents", [])
    namespaces = stats.get("namespaces", [])
    if not isinstance(events, list) or not isinstance(namespaces, list):
        raise MalformedPayload("aggregatedEvents/namespaces is not a list")
    nsps = tuple(
        NamespaceStats(
            require_str(n.get("name"), "name"), require_count(n.get("socketsCount"), "socketsCount")
        )
        for n in (require_dict(n, "namespace") for n in namespaces[:MAX_NAMESPACES])
    )
    clients = require_count(stats.get("clientsCount"), "clientsCount")
    polling = stats.get("pollingClientsCount")
    pid = stats.get("pid")
    return ServerStats(
        server_id=require_str(stats.get("serverId"), "serverId"),
        hostname=optional_str(stats.get("hostname")),
        pid=int(pid) if isinstance(pid, int) and not isinstance(pid, bool) else None,
        uptime=require_number(stats.get("uptime", 0), "uptime"),
        clients_count=clients,
        polling_clients_count=min(require_count(polling, "pollingClientsCount"), clients)
        if polling is not None
        else 0,
        aggregated_events=tuple(_aggregated(e) for e in events[:MAX_AGGREGATED]),
        namespaces=nsps,
    )


def _p_socket_connected(args: tuple[Any, ...]) -> SocketConnected:
    info = parse_socket(args[0])
    timestamp = parse_timestamp(args[1])
    if timestamp is None:
        raise MalformedPayload("timestamp is not a time")
    return new_socket_connected(info, timestamp)


def _p_socket_updated(args: tuple[Any, ...]) -> SocketUpdated:
    upd = require_dict(args[0], "socket_updated")
    transport = upd.get("transport")
    data = upd.get("data")
    return SocketUpdated(
        id=require_str(upd.get("id"), "id"),
        nsp=require_str(upd.get("nsp"), "nsp"),
        transport=transport if transport in TRANSPORTS else None,
        data=data if isinstance(data, dict) else None,
    )


def _p_socket_disconnected(args: tuple[Any, ...]) -> SocketDisconnected:
    nsp, sid, reason = args[0], args[1], args[2]
    # the common case inline (one per disconnect of a busy server); odd ones get the checks
    if type(nsp) is str and type(sid) is str and type(reason) is str:
        timestamp = parse_timestamp(args[3])
        if timestamp is not None:
            return new_socket_disconnected(
                nsp[:MAX_STR], sid[:MAX_STR], reason[:MAX_STR], timestamp
            )
    return SocketDisconnected(
        require_str(nsp, "nsp"),
        require_str(sid, "id"),
        require_str(reason, "reason"),
        require_time(args[3]),
    )


def _p_room_joined(args: tuple[Any, ...]) -> RoomJoined:
    return RoomJoined(
        require_str(args[0], "nsp"),
        require_str(args[1], "room"),
        require_str(args[2], "id"),
        require_time(args[3]),
    )


def _p_room_left(args: tuple[Any, ...]) -> RoomLeft:
    return RoomLeft(
        require_str(args[0], "nsp"),
        require_str(args[1], "room"),
        require_str(args[2], "id"),
        require_time(args[3]),
    )


def _event_parts(args: tuple[Any, ...]) -> tuple[str, str, str, tuple[Any, ...], float]:
    payload = args[2]
    if not isinstance(payload, list) or not payload:
        raise MalformedPayload("event payload is not a non-empty list")
    # args are kept by reference (not copied): they are only shown, and copying costs throughput
    return (
        require_str(args[0], "nsp"),
        require_str(args[1], "id"),
        require_str(payload[0], "event name"),
        tuple(payload[1:9]),
        require_time(args[3]),
    )


def _p_event_received(args: tuple[Any, ...]) -> EventReceived:
    return new_event_received(*_event_parts(args))


def _p_event_sent(args: tuple[Any, ...]) -> EventSent:
    return new_event_sent(*_event_parts(args))


def _p_all_sockets(args: tuple[Any, ...]) -> AllSockets:
    raw = args[0]
    if not isinstance(raw, list):
        raise MalformedPayload("all_sockets is not a list")
    sockets: list[SocketInfo] = []
    dropped = 0
    for entry in raw:
        try:
            sockets.append(parse_socket(entry))
        except MalformedPayload:
            dropped += 1
    return AllSockets(tuple(sockets), dropped)


def _wrap(name: str, arity: int, inner: Callable[[tuple[Any, ...]], Any]) -> Callable[..., Any]:
    def parse(args: tuple[Any, ...], errors: ParseErrors | None = None) -> Any:
        try:
            if len(args) < arity:
                raise MalformedPayload(f"expected {arity} argument(s), got {len(args)}")
            return inner(args)
        except (MalformedPayload, TypeError, ValueError, AttributeError, OverflowError) as exc:
            # TypeError/AttributeError: a list where a dict was expected deep inside, etc.
            if errors is not None:
                errors.record(name, str(exc)[:200])
            return None

    parse.__name__ = f"parse_{name}"
    parse.__doc__ = f"``{name}`` raw args -> typed event, or None (counted in ``errors``)."
    return parse


parse_session: Callable[..., Session | None] = _wrap("session", 1, _p_session)
parse_config: Callable[..., Config | None] = _wrap("config", 1, _p_config)
parse_server_stats: Callable[..., ServerStats | None] = _wrap("server_stats", 1, _p_server_stats)
parse_all_sockets: Callable[..., AllSockets | None] = _wrap("all_sockets", 1, _p_all_sockets)
parse_socket_connected: Callable[..., SocketConnected | None] = _wrap(
    "socket_connected", 2, _p_socket_connected
)
parse_socket_updated: Callable[..., SocketUpdated | None] = _wrap(
    "socket_updated", 1, _p_socket_updated
)
parse_socket_disconnected: Callable[..., SocketDisconnected | None] = _wrap(
    "socket_disconnected", 4, _p_socket_disconnected
)
parse_room_joined: Callable[..., RoomJoined | None] = _wrap("room_joined", 4, _p_room_joined)
parse_room_left: Callable[..., RoomLeft | None] = _wrap("room_left", 4, _p_room_left)
parse_event_received: Callable[..., EventReceived | None] = _wrap(
    "event_received", 4, _p_event_received
)
parse_event_sent: Callable[..., EventSent | None] = _wrap("event_sent", 4, _p_event_sent)

PARSERS: Mapping[str, Callable[..., AdminEvent | None]] = MappingProxyType(
    {
        "session": parse_session,
        "config": parse_config,
        "server_stats": parse_server_stats,
        "all_sockets": parse_all_sockets,
        "socket_connected": parse_socket_connected,
        "socket_updated": parse_socket_updated,
        "socket_disconnected": parse_socket_disconnected,
        "room_joined": parse_room_joined,
        "room_left": parse_room_left,
        "event_received": parse_event_received,
        "event_sent": parse_event_sent,
    }
)


def parse_event(
    name: str, args: tuple[Any, ...], errors: ParseErrors | None = None
) -> AdminEvent | None:
    """Any admin event by name; unknown names return None without counting an error."""
    parser = PARSERS.get(name)
    return parser(args, errors) if parser is not None else None
