"""Typed admin-channel events: one frozen dataclass per protocol event, both dialects alike.

Node ``@socket.io/admin-ui`` and python-socketio ``instrument()`` speak the same protocol with
different details; ``wsmonitor.core.admin_parse`` turns either into these types, and everything
downstream works with them. All times are epoch seconds as ``float``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from wsmonitor.core.fast_dataclass import builder

EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})  # shared default: nobody mutates it


@dataclass(frozen=True, slots=True)
class Handshake:
    """The handshake of a socket, header keys normalised to lower-case HTTP style."""

    address: str = ""
    headers: Mapping[str, str] = field(default_factory=lambda: EMPTY_MAPPING)
    query: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    issued: float | None = None  # epoch s
    secure: bool = False
    url: str = ""
    xdomain: bool = False

    @property
    def user_agent(self) -> str:
        return self.headers.get("user-agent", "")


@dataclass(frozen=True, slots=True)
class SocketInfo:
    """A SerializedSocket. ``client_id`` is the Engine.IO id cut to 12 chars (Node's form)."""

    id: str
    nsp: str
    client_id: str = ""
    transport: str = ""  # "websocket", "polling" or "" when the server did not say
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)
    handshake: Handshake = field(default_factory=Handshake)
    rooms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Session:
    """Node's admin session id (sent back on reconnect to skip bcrypt)."""

    session_id: str


@dataclass(frozen=True, slots=True)
class Config:
    """What the server allows (``EMIT``, ``DISCONNECT``, ``ALL_EVENTS`` ...)."""

    supported_features: frozenset[str]


@dataclass(frozen=True, slots=True)
class AggregatedEvent:
    """One ``aggregatedEvents`` entry of a ``server_stats``: a count for one second."""

    timestamp: float  # epoch s, floored to the second by the server
    type: str  # rawConnection, rawDisconnection, packetsIn/Out, bytesIn/Out
    sub_type: str | None
    count: int


@dataclass(frozen=True, slots=True)
class NamespaceStats:
    """Sockets of one namespace on one server."""

    name: str
    sockets_count: int


@dataclass(frozen=True, slots=True)
class ServerStats:
    """One ``server_stats`` of one cluster node (counts are deltas since its previous one)."""

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
    """The server's full socket list (``all_sockets``)."""

    sockets: tuple[SocketInfo, ...]
    dropped: int = 0  # malformed entries skipped inside the list


@dataclass(frozen=True, slots=True)
class SocketConnected:
    """A socket connected (python-socketio also re-sends live sockets as refreshes)."""

    socket: SocketInfo
    timestamp: float


@dataclass(frozen=True, slots=True)
class SocketUpdated:
    """A socket's transport or data changed."""

    id: str
    nsp: str
    transport: str | None = None
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class SocketDisconnected:
    """A socket disconnected, with the server's reason."""

    nsp: str
    id: str
    reason: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class RoomJoined:
    """A socket joined a room."""

    nsp: str
    room: str
    id: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class RoomLeft:
    """A socket left a room."""

    nsp: str
    room: str
    id: str
    timestamp: float


@dataclass(frozen=True, slots=True)
class EventReceived:
    """An application event a socket sent to the server."""

    nsp: str
    id: str
    event: str
    args: tuple[Any, ...]
    timestamp: float


@dataclass(frozen=True, slots=True)
class EventSent:
    """An application event the server sent to a socket."""

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

# Positional constructors for the objects built per message of a busy server (every field, in
# order; same instances as the class call, built faster: see ``fast_dataclass``).
new_handshake = builder(Handshake)
new_socket_info = builder(SocketInfo)
new_aggregated_event = builder(AggregatedEvent)
new_socket_connected = builder(SocketConnected)
new_socket_disconnected = builder(SocketDisconnected)
new_event_received = builder(EventReceived)
new_event_sent = builder(EventSent)
