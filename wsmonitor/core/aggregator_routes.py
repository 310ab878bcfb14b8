"""Which handler each admin event goes to, with the parser in front of it.

The aggregator builds its dispatch tables here once; ``feed_raw`` then costs one dict look-up
per message. Also the two helpers of the routing: telling the dialect from a socket event's
timestamp, and parsing a full socket list with the garbage collector paused.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from wsmonitor.core.admin_events import (
    AllSockets,
    Config,
    EventReceived,
    EventSent,
    RoomJoined,
    RoomLeft,
    ServerStats,
    Session,
    SocketConnected,
    SocketDisconnected,
    SocketUpdated,
)
from wsmonitor.core.admin_parse import PARSERS, ParseErrors

Handler = Callable[[Any, float], None]
Parser = Callable[..., Any]

#: admin event name -> its typed event; the aggregator gives a handler for each
EVENT_TYPES: Mapping[str, type] = {
    "session": Session,
    "config": Config,
    "server_stats": ServerStats,
    "all_sockets": AllSockets,
    "socket_connected": SocketConnected,
    "socket_updated": SocketUpdated,
    "socket_disconnected": SocketDisconnected,
    "room_joined": RoomJoined,
    "room_left": RoomLeft,
    "event_received": EventReceived,
    "event_sent": EventSent,
}

#: events whose last argument is a timestamp that gives the server's dialect away
TIMED_SOCKET_EVENTS = frozenset(("socket_connected", "socket_disconnected"))


@contextmanager
def no_gc() -> Iterator[None]:
    """100k sockets at once: generational GC passes would double the load time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_all_sockets(args: tuple[Any, ...], errors: ParseErrors | None = None) -> Any:
    with no_gc():
        return PARSERS["all_sockets"](args, errors)


def stamp_dialect(stamp: Any) -> str | None:
    """``"node"`` or ``"python"`` from the form of a socket event's timestamp, else None."""
    if isinstance(stamp, str):
        if stamp.endswith("Z"):
            return "node"  # JSON of a JS Date
        if stamp.endswith("+00:00"):
            return "python"  # datetime.isoformat()
    return None


def build_routes(
    handlers: Mapping[str, Handler],
) -> tuple[dict[type, Handler], dict[str, tuple[Parser, Handler]]]:
    """Dispatch tables: typed event -> handler, and event name -> (parser, handler)."""
    if set(handlers) != set(EVENT_TYPES):
        raise ValueError(f"handlers for exactly {sorted(EVENT_TYPES)} are needed")
    by_type = {EVENT_TYPES[name]: handler for name, handler in handlers.items()}
    by_name: dict[str, tuple[Parser, Handler]] = {
        name: (PARSERS[name], handler) for name, handler in handlers.items()
    }
    by_name["all_sockets"] = (parse_all_sockets, handlers["all_sockets"])
    return by_type, by_name
