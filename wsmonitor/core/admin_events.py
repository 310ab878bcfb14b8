"""Typed admin-channel events, parsed at the edge from both server dialects.

Node ``@socket.io/admin-ui`` and python-socketio ``instrument()`` speak the same protocol with
different details (timestamps, header keys, clientId, refreshes). Every raw event becomes one
frozen dataclass here; everything downstream works with the types. A malformed payload is
dropped with a (rate-limited) logged warning and counted in ``ParseErrors``; nothing raises.

All times are epoch seconds as ``float``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MAX_STR = 512  # longer strings (ids, reasons, names) are cut: a hostile server must not bloat us
MAX_ROOMS = 256  # rooms kept per socket
MAX_HEADERS = 64
MAX_AGGREGATED = 4096  # aggregatedEvents entries kept per server_stats
MAX_NAMESPACES = 512
_EMPTY: Mapping[str, Any] = MappingProxyType({})
T = TypeVar("T")


class MalformedPayload(ValueError):
    """Raised inside the parsers; never escapes ``parse_*``."""


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


def fast_init(cls: type[T]) -> type[T]:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots directly.

    Same signature and the same frozen instances; it only skips the generic
    ``object.__setattr__`` call per field, which is a third of the cost of parsing a busy
    server's events (one object per event, several per socket).
    """
    namespace: dict[str, Any] = {"_MISSING": MISSING}
    params, body = [], []
    for f in fields(cls):  # type: ignore[arg-type]
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is not MISSING:
            namespace[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not MISSING:
            namespace[f"_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    if {f.name} is _MISSING: {f.name} = _f_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), namespace)
    namespace["__init__"].__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = namespace["__init__"]  # type: ignore[misc]
    return cls


# --------------------------------------------------------------------------- data model


@fast_init
@dataclass(frozen=True, slots=True)
class Handshake:
    """The handshake of a socket, header keys normalised to lower-case HTTP style."""

    address: str = ""
    headers: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    query: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    issued: float | None = None  # epoch s
    secure: bool = False
    url: str = ""
    xdomain: bool = False

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@fast_init
@dataclass(frozen=True, slots=True)
class SocketInfo:
    """A SerializedSocket. ``client_id`` is the Engine.IO id cut to 12 chars (Node's form)."""

    id: str
    nsp: str
    client_id: str = ""
    transport: str = ""  # "websocket", "polling" or "" when the server did not say
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    handshake: Handshake = field(default_factory=Handshake)
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    session_id: str


@dataclass(frozen=True, slots=True)
class Config:
    supported_features: frozenset[str]


@fast_init
@dataclass(frozen=True, slots=True)
class AggregatedEvent:
    timestamp: float  # epoch s, floored to the second by the server
    type: str  # rawConnection, rawDisconnection, packetsIn/Out, bytesIn/Out
    sub_type: str | None
    count: int


@dataclass(frozen=True, slots=True)
class NamespaceStats:
    name: str
    sockets_count: int


@dataclass(frozen=True, slots=True)
class ServerStats:
    server_id: str
    hostname: str
    pid: int | None
    uptime: float
    clients_count: int
    polling_clients_count: int
    aggregated_events: tuple[AggregatedEvent, ...]
    namespaces: tuple[NamespaceStats, ...]


@dataclass(frozen=True, slots=True)
class AllSockets:
    sockets: tuple[SocketInfo, ...]
    dropped: int = 0  # malformed entries skipped inside the list


@fast_init
@dataclass(frozen=True, slots=True)
class SocketConnected:
    socket: SocketInfo
    timestamp: float


@dataclass(frozen=True, slots=True)
class SocketUpdated:
    id: str
    nsp: str
    transport: str | None = None
    data: Mapping[str, Any] | None = None


@fast_init
@dataclass(frozen=True, slots=True)
class SocketDisconnected:
    nsp: str
    id: str
    reason: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class RoomJoined:
    nsp: str
    room: str
    id: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class RoomLeft:
    nsp: str
    room: str
    id: str
    timestamp: float


@fast_init
@dataclass(frozen=True, slots=True)
class EventReceived:
    nsp: str
    id: str
    event: str
    args: tuple[Any, ...]
    timestamp: float


@fast_init
@dataclass(frozen=True, slots=True)
class EventSent:
    nsp: str
    id: str
    event: str
    args: tuple[Any, ...]
    timestamp: float


AdminEvent = (
    Session
    | Config
    | ServerStats
    | AllSockets
    | SocketConnected
    | SocketUpdated
    | SocketDisconnected
    | RoomJoined
    | RoomLeft
    | EventReceived
    | EventSent
)

# --------------------------------------------------------------------------- field helpers


def _str(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value[:MAX_STR]
    raise MalformedPayload(f"{what} is not a string")


def _opt_str(value: Any) -> str:
    return value[:MAX_STR] if isinstance(value, str) else ""


def _num(value: Any, what: str) -> float:
    # bool is an int in Python; a server sending true for a count is malformed
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return float(value)
    raise MalformedPayload(f"{what} is not a number")


def _count(value: Any, what: str) -> int:
    number = _num(value, what)
    if number < 0:
        raise MalformedPayload(f"{what} is negative")
    return int(number)


def _dict(value: Any, what: str) -> Mapping[str, Any]:
    if isinstance(value, dict):
        return value
    raise MalformedPayload(f"{what} is not an object")


def parse_timestamp(value: Any) -> float | None:
    """Epoch s from epoch ms (number), ISO 8601 (``Z`` or ``+00:00``) or a JS ``Date`` string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000.0 if value > 1e11 else float(value)
        # outside 2000..2200 it is garbage (or NaN): one absurd time would wreck a ring buffer
        return seconds if _MIN_TS <= seconds <= _MAX_TS else None
    if not isinstance(value, str) or not value or len(value) > 100:
        return None
    global _last_text, _last_seconds
    if value == _last_text:  # a busy server stamps many events with the same millisecond
        return _last_seconds
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:  # JS Date.toString(): "Sun Nov 29 2026 18:02:06 GMT+0000 (Coordinated ...)"
            parsed = datetime.strptime(value[4:33], "%b %d %Y %H:%M:%S GMT%z")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        return None  # a naive time has no defined instant
    seconds = parsed.timestamp()
    if not _MIN_TS <= seconds <= _MAX_TS:
        return None
    _last_text, _last_seconds = value, seconds
    return seconds


_last_text: str = ""
_last_seconds: float | None = None


_MIN_TS, _MAX_TS = 946_684_800.0, 7_258_118_400.0  # 2000-01-01, 2200-01-01


def _timestamp(value: Any, what: str = "timestamp") -> float:
    ts = parse_timestamp(value)
    if ts is None:
        raise MalformedPayload(f"{what} is not a time")
    return ts


_KEY_CACHE: dict[tuple[Any, ...], tuple[str, ...] | None] = {}
_STR_ONLY = {str}


def _normalize_keys(keys: tuple[Any, ...]) -> tuple[str, ...] | None:
    """Normalised header keys, or None when some key is not a string."""
    if not all(isinstance(k, str) for k in keys):
        return None
    # python-socketio derives keys from HTTP_* environ names: no dash anywhere, only underscores
    wsgi = not any("-" in k for k in keys)
    return tuple((k.lower().replace("_", "-") if wsgi else k.lower())[:MAX_STR] for k in keys)


def normalize_headers(raw: Any) -> Mapping[str, str]:
    """Lower-case HTTP header keys; WSGI-style keys (``user_agent``) become ``user-agent``."""
    if not isinstance(raw, dict):
        return _EMPTY
    if len(raw) > MAX_HEADERS:
        raw = dict(list(raw.items())[:MAX_HEADERS])
    keys = tuple(raw)
    # sockets of one server share a handful of header layouts: normalise each layout once
    norm = _KEY_CACHE.get(keys)
    if norm is None:
        if len(_KEY_CACHE) > 1024:
            _KEY_CACHE.clear()
        norm = _KEY_CACHE[keys] = _normalize_keys(keys)
    values = raw.values()
    if (
        norm is not None
        and set(map(type, values)) <= _STR_ONLY
        and (not values or max(map(len, values)) <= MAX_STR * 4)
    ):
        # Node's keys are already normal: keep the parsed dict itself (nobody mutates it)
        return raw if norm == keys else dict(zip(norm, values, strict=True))
    # slow path: odd keys or values (hostile or unusual server)
    pairs = [(k, v) for k, v in raw.items() if isinstance(k, str)]
    good_keys = _normalize_keys(tuple(k for k, _ in pairs)) or ()
    out: dict[str, str] = {}
    for key, (_, value) in zip(good_keys, pairs, strict=False):
        if isinstance(value, list):  # Node joins repeated headers itself, except set-cookie
            value = ", ".join(v for v in value if isinstance(v, str))
        out[key] = value[: MAX_STR * 4] if isinstance(value, str) else str(value)[:MAX_STR]
    return out


def _handshake(raw: Any) -> Handshake:
    if not isinstance(raw, dict):
        return Handshake()
    query = raw.get("query")
    if isinstance(query, dict):
        if len(query) > MAX_HEADERS:
            query = dict(list(query.items())[:MAX_HEADERS])
    else:
        query = _EMPTY
    issued = parse_timestamp(raw.get("issued"))
    if issued is None:
        issued = parse_timestamp(raw.get("time"))
    address = raw.get("address")
    url = raw.get("url")
    return Handshake(
        address[:MAX_STR] if type(address) is str else "",
        normalize_headers(raw.get("headers")),
        query,
        issued,
        raw.get("secure") is True,
        url[:MAX_STR] if type(url) is str else "",
        raw.get("xdomain") is True,
    )


def _rooms(rooms: Any) -> tuple[str, ...]:
    if not isinstance(rooms, list):
        return ()
    if (
        len(rooms) <= MAX_ROOMS
        and set(map(type, rooms)) <= _STR_ONLY
        and (not rooms or max(map(len, rooms)) <= MAX_STR)
    ):
        return tuple(rooms)
    return tuple(r[:MAX_STR] for r in rooms[:MAX_ROOMS] if isinstance(r, str))


def parse_socket(raw: Any) -> SocketInfo:
    """One SerializedSocket; raises ``MalformedPayload`` (callers catch it)."""
    if type(raw) is not dict:
        raise MalformedPayload("socket is not an object")
    get = raw.get
    sid = get("id")
    nsp = get("nsp")
    if type(sid) is not str or type(nsp) is not str:
        raise MalformedPayload("socket.id/nsp is not a string")
    client_id = get("clientId")
    data = get("data")
    transport = get("transport")
    return SocketInfo(
        sid[:MAX_STR],
        nsp[:MAX_STR],
        client_id[:12] if type(client_id) is str else "",
        transport if transport in _TRANSPORTS else "",
        data if type(data) is dict else _EMPTY,
        _handshake(get("handshake")),
        _rooms(get("rooms")),
    )


_TRANSPORTS = frozenset(("websocket", "polling"))


# --------------------------------------------------------------------------- parsers


def _p_session(args: tuple[Any, ...]) -> Session:
    return Session(_str(args[0], "sessionId"))


def _p_config(args: tuple[Any, ...]) -> Config:
    features = _dict(args[0], "config").get("supportedFeatures")
    if not isinstance(features, list):
        raise MalformedPayload("supportedFeatures is not a list")
    return Config(frozenset(f for f in features[:64] if isinstance(f, str)))


def _aggregated(raw: Any) -> AggregatedEvent:
    entry = _dict(raw, "aggregated event")
    sub = entry.get("subType")
    return AggregatedEvent(
        timestamp=_timestamp(entry.get("timestamp")),
        type=_str(entry.get("type"), "type"),
        sub_type=sub[:MAX_STR] if isinstance(sub, str) else None,
        count=_count(entry.get("count"), "count"),
    )


def _p_server_stats(args: tuple[Any, ...]) -> ServerStats:
    stats = _dict(args[0], "server_stats")
    events = stats.get("aggregatedEvents", [])
    namespaces = stats.get("namespaces", [])
    if not isinstance(events, list) or not isinstance(namespaces, list):
        raise MalformedPayload("aggregatedEvents/namespaces is not a list")
    nsps = tuple(
        NamespaceStats(_str(n.get("name"), "name"), _count(n.get("socketsCount"), "socketsCount"))
        for n in (_dict(n, "namespace") for n in namespaces[:MAX_NAMESPACES])
    )
    clients = _count(stats.get("clientsCount"), "clientsCount")
    polling = stats.get("pollingClientsCount")
    pid = stats.get("pid")
    return ServerStats(
        server_id=_str(stats.get("serverId"), "serverId"),
        hostname=_opt_str(stats.get("hostname")),
        pid=int(pid) if isinstance(pid, int) and not isinstance(pid, bool) else None,
        uptime=_num(stats.get("uptime", 0), "uptime"),
        clients_count=clients,
        polling_clients_count=min(_count(polling, "pollingClientsCount"), clients)
        if polling is not None
        else 0,
        aggregated_events=tuple(_aggregated(e) for e in events[:MAX_AGGREGATED]),
        namespaces=nsps,
    )


def _p_socket_connected(args: tuple[Any, ...]) -> SocketConnected:
    return SocketConnected(parse_socket(args[0]), _timestamp(args[1]))


def _p_socket_updated(args: tuple[Any, ...]) -> SocketUpdated:
    upd = _dict(args[0], "socket_updated")
    transport = upd.get("transport")
    data = upd.get("data")
    return SocketUpdated(
        id=_str(upd.get("id"), "id"),
        nsp=_str(upd.get("nsp"), "nsp"),
        transport=transport if transport in ("websocket", "polling") else None,
        data=data if isinstance(data, dict) else None,
    )


def _p_socket_disconnected(args: tuple[Any, ...]) -> SocketDisconnected:
    return SocketDisconnected(
        _str(args[0], "nsp"), _str(args[1], "id"), _str(args[2], "reason"), _timestamp(args[3])
    )


def _p_room_joined(args: tuple[Any, ...]) -> RoomJoined:
    return RoomJoined(
        _str(args[0], "nsp"), _str(args[1], "room"), _str(args[2], "id"), _timestamp(args[3])
    )


def _p_room_left(args: tuple[Any, ...]) -> RoomLeft:
    return RoomLeft(
        _str(args[0], "nsp"), _str(args[1], "room"), _str(args[2], "id"), _timestamp(args[3])
    )


def _event_parts(args: tuple[Any, ...]) -> tuple[str, str, str, tuple[Any, ...], float]:
    payload = args[2]
    if not isinstance(payload, list) or not payload:
        raise MalformedPayload("event payload is not a non-empty list")
    # args are kept by reference (not copied): they are only shown, and copying costs throughput
    return (
        _str(args[0], "nsp"),
        _str(args[1], "id"),
        _str(payload[0], "event name"),
        tuple(payload[1:9]),
        _timestamp(args[3]),
    )


def _p_event_received(args: tuple[Any, ...]) -> EventReceived:
    return EventReceived(*_event_parts(args))


def _p_event_sent(args: tuple[Any, ...]) -> EventSent:
    return EventSent(*_event_parts(args))


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
