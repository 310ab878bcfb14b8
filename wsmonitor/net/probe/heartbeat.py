"""Heartbeat bookkeeping per Engine.IO version (pure, clock passed in).

EIO=4: the server pings every pingInterval; no ping within pingInterval + pingTimeout means the
heartbeat is lost. EIO=3: the client pings every pingInterval and the server must pong within
pingTimeout.
"""

from __future__ import annotations

from typing import Any

# Scheduling slack so a server that pings exactly on time is never called late.
_GRACE = 0.15


class Heartbeat:
    """Deadlines for the next ping to send or the next packet the server owes us."""

    def __init__(self, eio: int, client_pings: bool = False) -> None:
        self.eio = eio
        self.client_pings = client_pings
        self.interval = 25.0
        self.timeout = 20.0
        self.started = False
        self.ping_deadline: float | None = None  # EIO=4: the server's next ping is due by then
        self.next_ping: float | None = None  # EIO=3: when we send our next ping
        self.pong_deadline: float | None = None  # EIO=3: our ping must be answered by then

    def on_open(self, data: dict[str, Any], now: float) -> None:
        self.interval = float(data.get("pingInterval", 25000)) / 1000.0
        self.timeout = float(data.get("pingTimeout", 20000)) / 1000.0
        self.started = True
        if self.eio == 3:
            self.next_ping = now + self.interval
        else:
            self.ping_deadline = now + self.interval + self.timeout + _GRACE

    def on_packet(self, packet: str, now: float) -> None:
        if not self.started:
            return
        if self.eio == 4 and packet == "2":
            self.ping_deadline = now + self.interval + self.timeout + _GRACE
        elif self.eio == 3 and packet == "3":
            self.pong_deadline = None
            self.next_ping = now + self.interval

    def next_deadline(self, now: float) -> float | None:
        if not self.started:
            return None
        if self.eio == 4:
            return self.ping_deadline
        return self.pong_deadline if self.pong_deadline is not None else self.next_ping

    def on_deadline(self, now: float) -> str | None:
        """What to do at a deadline: 'ping' (send one), 'timeout' (heartbeat lost) or None."""
        if not self.started:
            return None
        if self.eio == 4:
            if self.ping_deadline is not None and now >= self.ping_deadline:
                return "timeout"
            return None
        if self.pong_deadline is not None:
            return "timeout" if now >= self.pong_deadline else None
        if self.next_ping is not None and now >= self.next_ping:
            self.next_ping = None
            self.pong_deadline = now + self.timeout + _GRACE
            return "ping"
        return None
