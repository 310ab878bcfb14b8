"""Turning what the wire shows into Evidence and timeline rows (shared by the probe engines)."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import time

from wsmonitor.core.jwt_inspect import JwtReport
from wsmonitor.core.verdict import Evidence
from wsmonitor.net.probe import eio
from wsmonitor.net.probe.conn import Closed, HttpRefused
from wsmonitor.net.probe.heartbeat import Heartbeat
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.timeline import Timeline

_KEEP_PACKETS = 30
_KINDS = {"2": "ping", "3": "pong"}


def _parse_sio(text: str) -> eio.SioPacket | None:
    try:
        return eio.parse_sio(text)
    except eio.FramingError:
        return None


def new_evidence(opts: ProbeOptions, tl: Timeline, jwt_report: JwtReport | None) -> Evidence:
    ev = Evidence(
        transport="raw" if opts.raw else opts.transport,
        eio=opts.eio,
        namespace=opts.namespace,
        url=tl.mask(opts.url),
        origin=opts.origin,
        token_given=bool(opts.token or opts.url_token()),
    )
    if jwt_report is not None:
        ev.token_is_jwt = jwt_report.is_jwt
        ev.token_expired = jwt_report.expired
        ev.token_expired_ago = jwt_report.expired_ago
        ev.token_not_yet_valid = jwt_report.not_yet_valid
    return ev


@functools.lru_cache(maxsize=64)
def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


async def resolve(opts: ProbeOptions, tl: Timeline) -> None:
    """The DNS step, timed on its own (the transports resolve again from the OS cache)."""
    host, port = opts.host_port()
    if _is_ip(host):  # an IP literal needs no lookup (a thread hop to getaddrinfo: ~0.3 ms)
        tl.add("-", "dns", f"{host} is an IP address: no lookup", addresses=[host])
        tl.mark("dns")
        return
    started = time.perf_counter()
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = sorted({info[4][0] for info in infos})
    tl.add(
        "-",
        "dns",
        f"{host} → {', '.join(addresses)} ({(time.perf_counter() - started) * 1000:.1f} ms)",
        addresses=addresses,
    )
    tl.mark("dns")


class Recorder:
    """Records packets, closes and refusals into the timeline and the evidence."""

    def __init__(self, opts: ProbeOptions, tl: Timeline, ev: Evidence, hb: Heartbeat) -> None:
        self.opts, self.tl, self.ev, self.heartbeat = opts, tl, ev, hb
        self.phase = "dns"
        self.closed = False

    def sent(self, packet: str) -> None:
        self.ev.packets.append(("out", self.tl.mask(packet)))
        del self.ev.packets[:-_KEEP_PACKETS]

    def failed(self, at: float | None = None) -> None:
        """Mark the moment the probe failed (the first sign wins), for the waterfall."""
        self.tl.mark("failed", at)

    def refused(self, exc: HttpRefused) -> None:
        self.ev.http_status, self.ev.http_phase = exc.status, exc.phase
        self.ev.http_body, self.ev.http_content_type = self.tl.mask(exc.body), exc.content_type
        row = self.tl.add("-", "error", f"HTTP {exc.status} during {exc.phase}: {exc.body[:120]}")
        self.failed(row.t_ms)

    def on_packets(self, packets: list[str], at: float | None = None) -> list[str]:
        """Record incoming packets (received at ``at``, default now) and update the evidence;
        returns them for replies."""
        for p in packets:
            self.ev.packets.append(("in", self.tl.mask(p)))
            del self.ev.packets[:-_KEEP_PACKETS]
            kind = _KINDS.get(p[:1], "packet")
            sio = _parse_sio(p[1:]) if p.startswith(eio.MESSAGE) else None  # once per packet
            row = self.tl.add("in", kind, f"{eio.describe(p, sio)}: {p}", at=at)
            self.heartbeat.on_packet(p, time.monotonic())
            if p.startswith(eio.OPEN) and not self.ev.open_received:
                data = eio.parse_open(p)
                self.ev.open_received = True
                self.ev.upgrades = list(data.get("upgrades") or [])
                self.ev.ping_interval_ms = data.get("pingInterval")
                self.ev.ping_timeout_ms = data.get("pingTimeout")
                self.heartbeat.on_open(data, time.monotonic())
            elif p == eio.CLOSE:
                self.ev.engine_close_received = True
            elif sio is not None:
                self.on_sio(sio, row.t_ms)
        return packets

    def on_sio(self, packet: eio.SioPacket, at: float | None = None) -> None:
        if packet.nsp != self.opts.namespace:
            return
        if packet.type == eio.SIO_CONNECT:
            self.ev.connect_acked = True
        elif packet.type == eio.SIO_CONNECT_ERROR:
            self.ev.connect_error = packet.data if packet.data is not None else ""
            self.failed(at)
        elif packet.type == eio.SIO_DISCONNECT:
            self.ev.disconnect_received = True
            self.failed(at)

    def on_closed(self, closed: Closed) -> None:
        self.closed = True
        ev = self.ev
        ev.close_code, ev.close_reason, ev.closed_by = closed.code, closed.reason, closed.by
        if closed.error and closed.by == "server":
            ev.failure_detail = self.tl.mask(closed.error)
            if closed.code == 1002 or "reserved" in closed.error.lower():
                ev.failure, ev.failure_phase = "protocol", self.phase
        code = "" if closed.code is None else f" code {closed.code}"
        extra = f" ({closed.error})" if closed.error else ""
        reason = f" reason {closed.reason!r}" if closed.reason else ""
        detail = f"closed by {closed.by}{code}{reason}{extra}"
        row = self.tl.add("in", "close", detail, code=closed.code)
        self.failed(row.t_ms)  # a close the probe did not ask for (its own is not recorded here)

    def on_ping_timeout(self) -> None:
        self.ev.ping_timeout = True
        row = self.tl.add(
            "-",
            "error",
            "heartbeat lost: no "
            f"{'pong' if self.opts.eio == 3 else 'ping'} from the server in time",
        )
        self.failed(row.t_ms)
