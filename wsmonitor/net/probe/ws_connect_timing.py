"""The websocket's connection set-up timed in two steps: when TCP ends, and when TLS ends.

aiohttp's TCPConnector connects the socket first (aiohappyeyeballs), then hands it to
``loop.create_connection``, which runs the TLS handshake. asyncio calls the protocol factory
passed down to ``create_connection`` once the socket is connected and before the handshake
starts, so wrapping that factory gives the end of TCP without copying aiohttp's code (or its
error mapping). If a future aiohttp never shows us the factory, the set-up is reported as one
"TCP + TLS" step, as it was before: timing must never break a probe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from wsmonitor.net.probe.timeline import Timeline

log = logging.getLogger(__name__)

_fallback_logged = False


@dataclass(slots=True)
class ConnectTiming:
    """One connection set-up, in timeline ms; rows are written later by :meth:`record`."""

    tl: Timeline
    host: str
    port: int
    tls: bool
    started: float
    tcp_at: float | None = None  # the socket is connected (the TLS handshake has not begun)
    done_at: float | None = None  # the connector returned the connection (TLS done, if any)
    transport: asyncio.BaseTransport | None = None  # read for the TLS facts after the request

    def stamping(self, factory: Callable[..., Any]) -> Callable[..., Any]:
        """``factory``, noting when it is called: the moment TCP is connected."""

        def stamped(*args: Any, **kwargs: Any) -> Any:
            self.tcp_at = self.tl.now_ms()  # the last attempt wins (happy eyeballs may retry)
            return factory(*args, **kwargs)

        return stamped

    def connected(self, transport: asyncio.BaseTransport | None) -> None:
        """The connection is set up: keep its transport, read nothing yet (the request waits)."""
        self.done_at = self.tl.now_ms()
        self.transport = transport if self.tls else None

    def record(self) -> None:
        """Add the ``tcp`` and ``tls`` rows and marks, with the times noted when they happened.

        A TLS set-up that failed still shows its TCP row, as the polling transport's does.
        """
        tl, where = self.tl, f"{self.host}:{self.port}"
        if self.tcp_at is not None:
            tcp_ms = self.tcp_at - self.started
            tl.add("-", "tcp", f"TCP connected to {where} ({tcp_ms:.1f} ms)", at=self.tcp_at)
            tl.mark("tcp", self.tcp_at)
            if self.tls and self.done_at is not None:
                facts = _prefixed(" ", self._tls_facts())
                tls_ms = self.done_at - self.tcp_at
                detail = f"TLS handshake done{facts} ({tls_ms:.1f} ms)"
                tl.add("-", "tls", detail, at=self.done_at)
                tl.mark("tls", self.done_at)
        elif self.done_at is not None:
            _log_fallback()
            # TCP's end was not seen: one row, and over TLS one mark ending both (the lab's
            # waterfall draws that as a single TCP+TLS bar).
            what = "TCP + TLS" if self.tls else "TCP"
            facts = _prefixed(", ", self._tls_facts()) if self.tls else ""
            ms = self.done_at - self.started
            tl.add("-", "tcp", f"{what} connected to {where}{facts} ({ms:.1f} ms)", at=self.done_at)
            tl.mark("tls" if self.tls else "tcp", self.done_at)

    def _tls_facts(self) -> str:
        """The protocol version and cipher the handshake agreed on ("" when unknown)."""
        ssl_object = None if self.transport is None else self.transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return ""
        version = ssl_object.version() or ""
        cipher = ssl_object.cipher()
        return f"{version} {cipher[0]}" if cipher else version


def _prefixed(prefix: str, text: str) -> str:
    return prefix + text if text else ""


def _log_fallback() -> None:
    global _fallback_logged
    if not _fallback_logged:
        _fallback_logged = True
        log.debug(
            "websocket connect: the end of TCP was not seen (aiohttp %s internals differ, or a "
            "pooled connection); TCP and TLS are reported as one step",
            aiohttp.__version__,
        )


class TimingHolder(Protocol):
    """Where the connector leaves the timing of the connection it is setting up."""

    tl: Timeline
    connecting: ConnectTiming | None


class TimedConnector(aiohttp.TCPConnector):
    """A TCPConnector timing TCP and TLS apart, for the holder :meth:`holder` returns."""

    def holder(self) -> TimingHolder | None:
        """The probe client whose request is connecting now; None times nothing."""
        return None

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        holder = self.holder()
        if holder is None:
            return await super().connect(req, traces, timeout)
        tl = holder.tl
        timing = ConnectTiming(tl, req.host, req.port, req.is_ssl(), tl.now_ms())
        holder.connecting = timing
        conn = await super().connect(req, traces, timeout)
        timing.connected(conn.transport)
        return conn

    async def _wrap_create_connection(self, *args: Any, **kwargs: Any) -> Any:
        # aiohttp 3.14 passes the protocol factory first; anything else goes through as it
        # came, and the connection is then reported as one step (see ConnectTiming.record).
        holder = self.holder()
        timing = None if holder is None else holder.connecting
        if timing is not None and args and callable(args[0]):
            args = (timing.stamping(args[0]), *args[1:])
        return await super()._wrap_create_connection(*args, **kwargs)
