"""Recent disconnects, and the short-lived connection detector.

A socket that disconnects within ``short_lived_s`` seconds of connecting is short-lived (the
incident's symptom: clients that connect and drop at once). Lifetime = the disconnect's event
time minus the connect time, both on the server clock. Development mode only: production servers
send no socket events. Both logs are capped, oldest first.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import NamedTuple

from wsmonitor.core.socket_store import SocketRow


class DisconnectRecord(NamedTuple):
    """One row of the disconnect log (also used for the short-lived list).

    A NamedTuple, not a dataclass: one is built per disconnect, on the hottest path."""

    t: float  # epoch s (server clock)
    nsp: str
    socket_id: str
    address: str
    user_agent: str
    lifetime: float | None  # s; None when the connect time is unknown
    reason: str
    short_lived: bool


# builds a record from one tuple without the Python-level __new__ of a NamedTuple
_new_record = partial(tuple.__new__, DisconnectRecord)


class DisconnectLog:
    """The capped disconnect log and short-lived list, with the short-lived threshold."""

    def __init__(
        self, size: int = 10_000, short_lived_size: int = 2_000, short_lived_s: float = 5.0
    ):
        self.records: deque[DisconnectRecord] = deque(maxlen=size)
        self.short_lived: deque[DisconnectRecord] = deque(maxlen=short_lived_size)
        self.short_lived_s = short_lived_s

    def add(self, t: float, nsp: str, socket_id: str, reason: str, row: SocketRow | None) -> bool:
        """Log one disconnect (``row``: the socket as the store knew it); True if short-lived."""
        if row is None:
            lifetime = None
            address = user_agent = ""
            short = False
        else:
            connected_at = row.connected_at
            if connected_at is None:
                lifetime = None
            else:
                span = t - connected_at
                # clocks that disagree (issued vs event time): an unknown lifetime, not a short one
                lifetime = None if span < -1.0 else max(0.0, span)
            short = lifetime is not None and lifetime < self.short_lived_s
            handshake = row.info.handshake
            address, user_agent = handshake.address, handshake.headers.get("user-agent", "")
        record = _new_record((t, nsp, socket_id, address, user_agent, lifetime, reason, short))
        self.records.append(record)
        if short:
            self.short_lived.append(record)
        return short

    def filter(
        self, text: str = "", *, nsp: str | None = None, reason: str | None = None
    ) -> list[DisconnectRecord]:
        """The log (oldest first) filtered by namespace, reason and free text."""
        needle = text.strip().lower()
        out = []
        for rec in self.records:
            if nsp is not None and rec.nsp != nsp:
                continue
            if reason is not None and rec.reason != reason:
                continue
            haystack = f"{rec.socket_id} {rec.address} {rec.reason} {rec.nsp} {rec.user_agent}"
            if needle and needle not in haystack.lower():
                continue
            out.append(rec)
        return out
