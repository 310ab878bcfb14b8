"""Engine.IO v3/v4 framing and the bits of Socket.IO v4/v5 a probe needs.

Packets are text: Engine.IO type digit (0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade,
6 noop) then data; a Socket.IO packet rides in a message (``4`` + ``0/nsp,{...}``). Polling
payloads join packets with ``\\x1e`` on EIO=4 and prefix each with ``len:`` on EIO=3.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP = "0123456"
SIO_CONNECT, SIO_DISCONNECT, SIO_EVENT, SIO_ACK, SIO_CONNECT_ERROR = "01234"

_EIO_NAMES = {
    "0": "open",
    "1": "close",
    "2": "ping",
    "3": "pong",
    "4": "message",
    "5": "upgrade",
    "6": "noop",
}
_SIO_NAMES = {
    "0": "CONNECT",
    "1": "DISCONNECT",
    "2": "EVENT",
    "3": "ACK",
    "4": "CONNECT_ERROR",
    "5": "BINARY_EVENT",
    "6": "BINARY_ACK",
}


# Binary data travels base64-encoded in text payloads, marked with a leading "b".
_FIRST_CHARS = frozenset(_EIO_NAMES) | {"b"}


class FramingError(ValueError):
    """A payload that is not Engine.IO framing."""


def encode_payload(packets: list[str], eio: int) -> str:
    """Join packets for one polling POST."""
    if eio == 3:
        # The length counts UTF-16 code units, like JavaScript's String.length.
        return "".join(f"{len(p.encode('utf-16-le')) // 2}:{p}" for p in packets)
    return "\x1e".join(packets)


def decode_payload(body: str, eio: int) -> list[str]:
    """Split one polling response into packets; FramingError when it is not Engine.IO."""
    if body == "":
        return []
    if eio != 3:
        packets = body.split("\x1e")
        for p in packets:
            if not p or p[0] not in _FIRST_CHARS:
                raise FramingError(f"not an Engine.IO packet: {p[:40]!r}")
        return packets
    packets: list[str] = []
    units = body.encode("utf-16-le")
    i = 0
    text_len = len(units) // 2

    def char_at(k: int) -> str:
        return units[2 * k : 2 * k + 2].decode("utf-16-le", errors="replace")

    while i < text_len:
        j = i
        while j < text_len and char_at(j).isdigit():
            j += 1
        if j == i or j >= text_len or char_at(j) != ":":
            raise FramingError(f"not an EIO=3 payload at {i}: {body[:40]!r}")
        length = int(units[2 * i : 2 * j].decode("utf-16-le"))
        start, end = j + 1, j + 1 + length
        if end > text_len:
            raise FramingError("EIO=3 payload shorter than its length prefix")
        packet = units[2 * start : 2 * end].decode("utf-16-le")
        if not packet or packet[0] not in _FIRST_CHARS:
            raise FramingError(f"not an Engine.IO packet: {packet[:40]!r}")
        packets.append(packet)
        i = end
    return packets


def parse_open(packet: str) -> dict[str, Any]:
    """The handshake data of an open packet ``0{...}``; FramingError when it is malformed."""
    try:
        data = json.loads(packet[1:])
    except ValueError:
        raise FramingError(f"open packet is not JSON: {packet[:60]!r}") from None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        raise FramingError(f"open packet without a sid string: {packet[:60]!r}")
    upgrades = data.get("upgrades", [])
    if not isinstance(upgrades, list) or not all(isinstance(u, str) for u in upgrades):
        raise FramingError(f"open packet with bad upgrades {upgrades!r}")
    for key in ("pingInterval", "pingTimeout"):
        value = data.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise FramingError(f"open packet with bad {key} {value!r}")
    return data


@dataclass
class SioPacket:
    """A decoded Socket.IO packet (only the parts a probe looks at)."""

    type: str
    nsp: str
    data: Any

    @property
    def name(self) -> str:
        return _SIO_NAMES.get(self.type, f"type {self.type}")


def parse_sio(text: str) -> SioPacket:
    """Decode the Socket.IO packet carried by an Engine.IO message (without the leading 4)."""
    if not text:
        raise FramingError("empty Socket.IO packet")
    ptype, rest = text[0], text[1:]
    if ptype in "56" and "-" in rest:  # binary packets: attachment count then '-'
        rest = rest.split("-", 1)[1]
    nsp = "/"
    if rest.startswith("/"):
        end = rest.find(",")
        # An EIO=3 namespace may carry a query string: /admin?token=...
        if end == -1:
            nsp, rest = rest, ""
        else:
            nsp, rest = rest[:end], rest[end + 1 :]
        nsp = nsp.split("?", 1)[0]
    while rest and rest[0].isdigit():  # ack id
        rest = rest[1:]
    data: Any = None
    if rest:
        try:
            data = json.loads(rest)
        except ValueError:
            data = rest
    return SioPacket(ptype, nsp, data)


def sio_connect(namespace: str, auth: dict[str, Any] | None, eio: int, query: str = "") -> str:
    """The Engine.IO message carrying a Socket.IO CONNECT for ``namespace``.

    v5 (EIO=4): ``40/nsp,{auth}``; v4 (EIO=3): ``40/nsp?query`` (auth travels in the query).
    """
    if eio == 3:
        if namespace == "/":
            return "40"
        return f"40{namespace}{'?' + query if query else ''}"
    prefix = "" if namespace == "/" else f"{namespace},"
    body = json.dumps(auth, separators=(",", ":")) if auth else ""
    return f"40{prefix}{body}"


def sio_disconnect(namespace: str) -> str:
    return "41" if namespace == "/" else f"41{namespace},"


def describe(packet: str, sio: SioPacket | None = None) -> str:
    """A one-line name for a timeline row: 'ping', 'message CONNECT /chat', ...

    ``sio`` is the message's Socket.IO packet when the caller has already parsed it.
    """
    if not packet:
        return "empty"
    name = _EIO_NAMES.get(packet[0], "unknown")
    if packet[0] == MESSAGE:
        if sio is None:
            try:
                sio = parse_sio(packet[1:])
            except FramingError:
                return name
        return f"{sio.name} {sio.nsp}"
    if packet[0] == "b":
        return "binary (base64)"
    if packet == "2probe":
        return "ping probe"
    if packet == "3probe":
        return "pong probe"
    return name
