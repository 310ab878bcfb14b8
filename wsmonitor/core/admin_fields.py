"""Field-level checks and normalisation of admin payloads, and the SerializedSocket parser.

The per-event parsers (``wsmonitor.core.admin_parse``) build on these. Every check raises
``MalformedPayload``, which the parsers turn into a counted, dropped event. Size limits keep a
hostile server from bloating the monitor. ``parse_socket`` runs once per connect of a busy
server, so its common case (well-formed Node or python-socketio sockets) takes a short path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wsmonitor.core.admin_events import (
    EMPTY_MAPPING,
    Handshake,
    SocketInfo,
    new_handshake,
    new_socket_info,
)
from wsmonitor.core.timestamps import MAX_TS, MIN_TS, parse_timestamp

MAX_STR = 512  # longer strings (ids, reasons, names) are cut: a hostile server must not bloat us
MAX_ROOMS = 256  # rooms kept per socket
MAX_HEADERS = 64  # headers (and query parameters) kept per socket
MAX_HEADER_VALUE = MAX_STR * 4
MAX_AGGREGATED = 4096  # aggregatedEvents entries kept per server_stats
MAX_NAMESPACES = 512

TRANSPORTS = frozenset(("websocket", "polling"))
_MIN_MS, _MAX_MS = MIN_TS * 1000.0, MAX_TS * 1000.0
_EMPTY_HANDSHAKE = Handshake()  # frozen: one instance serves every socket without a handshake


class MalformedPayload(ValueError):
    """Raised inside the parsers; never escapes ``parse_*``."""


def require_str(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value[:MAX_STR]
    raise MalformedPayload(f"{what} is not a string")


def optional_str(value: Any) -> str:
    return value[:MAX_STR] if isinstance(value, str) else ""


def require_number(value: Any, what: str) -> float:
    # bool is an int in Python; a server sending true for a count is malformed
    if isinstance(value, int | float) and not isinstance(value, bool) and value == value:
        return float(value)
    raise MalformedPayload(f"{what} is not a number")


def require_count(value: Any, what: str) -> int:
    number = require_number(value, what)
    if number < 0:
        raise MalformedPayload(f"{what} is negative")
    return int(number)


def require_dict(value: Any, what: str) -> Mapping[str, Any]:
    if isinstance(value, dict):
        return value
    raise MalformedPayload(f"{what} is not an object")


def require_time(value: Any, what: str = "timestamp") -> float:
    seconds = parse_timestamp(value)
    if seconds is None:
        raise MalformedPayload(f"{what} is not a time")
    return seconds


# --------------------------------------------------------------------------- headers

# header key layout -> normalised keys (None: some key is not a string). Sockets of one server
# share a handful of layouts, so each layout is normalised once.
_LAYOUTS: dict[tuple[Any, ...], tuple[str, ...] | None] = {}


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
        return EMPTY_MAPPING
    if len(raw) <= MAX_HEADERS:
        keys = tuple(raw)
        norm = _LAYOUTS.get(keys)
        if norm is None and keys not in _LAYOUTS:
            if len(_LAYOUTS) > 1024:
                _LAYOUTS.clear()
            norm = _LAYOUTS[keys] = _normalize_keys(keys)
        if norm is not None:
            values = raw.values()
            try:  # one C-level pass: raises on a non-string value, and bounds every length
                fits = len("".join(values)) <= MAX_HEADER_VALUE
            except TypeError:
                fits = False
            if fits:
                # Node's keys are already normal: keep the parsed dict itself (nobody mutates it)
                return raw if norm == keys else dict(zip(norm, values, strict=True))
    return _odd_headers(raw)


def _odd_headers(raw: dict[Any, Any]) -> dict[str, str]:
    """The careful path: too many headers, odd keys or values (hostile or unusual server)."""
    if len(raw) > MAX_HEADERS:
        raw = dict(list(raw.items())[:MAX_HEADERS])
    pairs = [(k, v) for k, v in raw.items() if isinstance(k, str)]
    good_keys = _normalize_keys(tuple(k for k, _ in pairs)) or ()
    out: dict[str, str] = {}
    for key, (_, value) in zip(good_keys, pairs, strict=False):
        if isinstance(value, list):  # Node joins repeated headers itself, except set-cookie
            value = ", ".join(v for v in value if isinstance(v, str))
        out[key] = value[:MAX_HEADER_VALUE] if isinstance(value, str) else str(value)[:MAX_STR]
    return out


# --------------------------------------------------------------------------- sockets


def parse_handshake(raw: Any) -> Handshake:
    """A handshake; missing or odd fields get their defaults (a handshake is never fatal)."""
    if type(raw) is not dict:
        return _EMPTY_HANDSHAKE
    get = raw.get
    query = get("query")
    if type(query) is not dict:
        query = EMPTY_MAPPING
    elif len(query) > MAX_HEADERS:
        query = dict(list(query.items())[:MAX_HEADERS])
    issued = get("issued")  # epoch ms on both dialects: the common case without a call
    if (type(issued) is int or type(issued) is float) and _MIN_MS <= issued <= _MAX_MS:
        issued = issued / 1000.0
    else:
        issued = parse_timestamp(issued)
        if issued is None:  # python-socketio sends 0 when it does not know
            issued = parse_timestamp(get("time"))
    address = get("address")
    url = get("url")
    return new_handshake(
        address[:MAX_STR] if type(address) is str else "",
        normalize_headers(get("headers")),
        query,
        issued,
        get("secure") is True,
        url[:MAX_STR] if type(url) is str else "",
        get("xdomain") is True,
    )


def parse_rooms(rooms: Any) -> tuple[str, ...]:
    """At most ``MAX_ROOMS`` room names; anything but strings is skipped."""
    if type(rooms) is not list:
        return ()
    if len(rooms) <= MAX_ROOMS:
        try:  # as for headers: all strings, none too long, in one C-level pass
            if len("".join(rooms)) <= MAX_STR:
                return tuple(rooms)
        except TypeError:
            pass
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
    return new_socket_info(
        sid[:MAX_STR],
        nsp[:MAX_STR],
        client_id[:12] if type(client_id) is str else "",  # Node's length; python sends the sid
        transport if transport in TRANSPORTS else "",
        data if type(data) is dict else EMPTY_MAPPING,
        parse_handshake(get("handshake")),
        parse_rooms(get("rooms")),
    )
