"""The probe: one Engine.IO/Socket.IO handshake as the options describe, recorded step by step.

``run_probe(options, on_event=...)`` is the one entry point for the CLI and the GUI. It never
raises for what a server does (that becomes the verdict); it raises ProbeOptionsError for bad
options, and CancelledError when the caller cancels the task (the connection is closed first).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from wsmonitor.core.verdict import Evidence, decide
from wsmonitor.net.probe import eio
from wsmonitor.net.probe.conn import (
    Closed,
    HttpRefused,
    NotEngineIO,
    ProbeStop,
    classify_error,
    finish_closing,
    log_masked,
)
from wsmonitor.net.probe.evidence import Recorder, resolve
from wsmonitor.net.probe.heartbeat import Heartbeat
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.polling import PollingTransport
from wsmonitor.net.probe.recording import start_recording
from wsmonitor.net.probe.result import ProbeResult
from wsmonitor.net.probe.timeline import EventCallback, Timeline
from wsmonitor.net.probe.websocket import WebsocketTransport, WsClient, make_session

log = logging.getLogger(__name__)
_LINGER_AFTER_KICK = 0.2  # seconds to wait for a close after a Socket.IO DISCONNECT


async def run_probe(options: ProbeOptions, on_event: EventCallback | None = None) -> ProbeResult:
    """Probe the server ``options`` describe; each timeline event goes to ``on_event`` live."""
    opts = options.validate()
    if opts.raw:
        from wsmonitor.net.probe.raw_ws import run_raw_probe

        return await run_raw_probe(opts, on_event)
    secrets, tl, jwt_report, ev = start_recording(opts, on_event)
    probe = _Probe(opts, tl, ev, secrets)
    await probe.run()
    verdict = decide(ev)
    request = probe.request if probe.request is not None else opts.to_dict(secrets)
    tl.add("-", "info", f"verdict {verdict.code}: {verdict.summary}")
    tl.mark("total")
    return ProbeResult(verdict, ev, tl.events, request, jwt_report, tl.phase_marks(verdict.ok))


class _Probe:
    """State of one Engine.IO probe; fills the evidence as it goes."""

    def __init__(self, opts: ProbeOptions, tl: Timeline, ev: Evidence, secrets: list[str]) -> None:
        self.opts, self.tl, self.ev, self.secrets = opts, tl, ev, secrets
        self.polling: PollingTransport | None = None
        self.ws: WebsocketTransport | None = None
        self.ws_client: WsClient | None = None
        self.current: PollingTransport | WebsocketTransport | None = None
        self.heartbeat = Heartbeat(opts.eio, opts.client_pings)
        self.rec = Recorder(opts, tl, ev, self.heartbeat)
        self._linger_until: float | None = None
        self._connect_sent = False
        # The report's copy of the options, built while the server answers the handshake
        # rather than after the exchange (on loopback our bookkeeping is a visible share).
        self.request: dict[str, Any] | None = None

    async def run(self) -> None:
        try:
            try:
                async with asyncio.timeout(self.opts.timeout):
                    await resolve(self.opts, self.tl)
                    self.rec.phase = "connect"
                    await self._open()
                    self.rec.phase = "namespace"
                    await self._connect_namespace()
                    if self.opts.transport == "upgrade":
                        self.rec.phase = "upgrade"
                        await self._upgrade()
                self.rec.phase = "hold"
                await self._hold(max(self.opts.hold, self.opts.settle))
            except ProbeStop:
                pass
            except HttpRefused as exc:
                self._drain_polling()  # a refused upgrade often follows a close on polling
                self.rec.refused(exc)
            except (NotEngineIO, eio.FramingError) as exc:
                self.ev.failure, self.ev.failure_phase = "protocol", self.rec.phase
                self.ev.failure_detail = self.tl.mask(str(exc))
                self.rec.failed(self.tl.add("-", "error", f"not Engine.IO: {exc}").t_ms)
            except TimeoutError:
                self.ev.failure, self.ev.failure_phase = "timeout", self.rec.phase
                self.ev.failure_detail = f"no answer within {self.opts.timeout:g} s"
                self.rec.failed(self.tl.add("-", "error", f"timeout during {self.rec.phase}").t_ms)
            except Exception as exc:  # every transport error becomes evidence, not a crash
                kind, detail = classify_error(exc)
                detail = self.tl.mask(detail)  # exception texts may quote the URL
                self.ev.failure, self.ev.failure_phase, self.ev.failure_detail = (
                    kind,
                    self.rec.phase,
                    detail,
                )
                row = self.tl.add("-", "error", f"{kind} error during {self.rec.phase}: {detail}")
                self.rec.failed(row.t_ms)
                log_masked(log, self.tl, exc)
        except asyncio.CancelledError:
            self.tl.add("-", "info", "cancelled")
            # Shielded to its end: a cancelled probe closes every session too.
            await finish_closing(self._shutdown())
            raise
        try:
            await self._shutdown()  # no extra task on the usual path (the benchmark counts it)
        except asyncio.CancelledError:
            # Cancelled while closing: close the rest shielded (each step is idempotent).
            await finish_closing(self._shutdown())
            raise

    async def _open(self) -> None:
        if self.opts.transport == "websocket":
            self.ws = await self._new_ws(self.opts.engine_url("websocket"), "ws_handshake")
            self.current = self.ws
            first = await self.ws.recv()
            at = self.tl.now_ms()
            if isinstance(first, Closed):
                self.rec.on_closed(first)
                raise ProbeStop
            if not first[0].startswith(eio.OPEN):
                self.rec.on_packets(first)  # shown in the timeline before the verdict
                raise NotEngineIO(
                    f"the websocket opened but its first message is not an Engine.IO open "
                    f"packet: {first[0][:60]!r}"
                )
            packet = self.opts.connect_packet()
            if packet is not None:
                await self._answer_open(self.ws, first, at, packet)
            else:
                self._opened(first, at)
            return
        self.polling = PollingTransport(self.opts, self.tl)
        self.current = self.polling
        packets = await self.polling.handshake()
        if self.opts.origin:
            self.ev.cors_checked = True
            self.ev.allow_origin = self.polling.last_headers.get("access-control-allow-origin")
        self.rec.on_packets(packets)
        self.tl.mark("handshake")
        self.polling.start()

    def _opened(self, first: list[str], at: float) -> None:
        self.rec.on_packets(first, at)
        self.tl.mark("handshake", at)

    async def _answer_open(
        self, ws: WebsocketTransport, first: list[str], at: float, packet: str
    ) -> None:
        """Send the CONNECT as soon as the open packet is in, then record both in order.

        As WebsocketTransport.send does for its rows: the open packet's bookkeeping (JSON,
        evidence, rows) would otherwise delay the CONNECT, a visible share on loopback.
        """
        self._connect_sent = True
        try:
            await ws.send_frame(packet)
        finally:
            sent_at = self.tl.now_ms()
            try:
                self._opened(first, at)  # may raise FramingError: not an Engine.IO open
            finally:
                self.rec.sent(packet)
                ws.record_sent(packet, "packet", sent_at)

    async def _new_ws(self, url: str, phase: str) -> WebsocketTransport:
        if self.ws_client is None:
            self.ws_client = make_session(self.tl)
            self.ws_client.while_waiting.append(self._prepare_request)
        ws = WebsocketTransport(self.opts, self.tl, self.ws_client)
        await ws.connect(url, phase)
        self.ev.ws_opened = True
        return ws

    def _prepare_request(self) -> None:
        """The report's copy of the options (masked), built while the handshake is answered."""
        self.request = self.opts.to_dict(self.secrets)

    async def _send(self, packet: str, kind: str = "packet") -> None:
        self.rec.sent(packet)
        if isinstance(self.current, WebsocketTransport):
            await self.current.send(packet, kind)
        elif self.current is not None:
            await self.current.send([packet])

    async def _connect_namespace(self) -> None:
        packet = None if self._connect_sent else self.opts.connect_packet()
        if packet is not None:
            await self._send(packet)
        # EIO=3 joins "/" by itself; either way wait for the answer.
        await self._pump(lambda: self.ev.connect_acked or self.ev.connect_error is not None)
        if self.ev.connect_error is not None:
            raise ProbeStop
        self.tl.mark("namespace")

    async def _upgrade(self) -> None:
        assert self.polling is not None
        if "websocket" not in self.ev.upgrades:
            self.rec.failed()
            self.tl.add("-", "upgrade", f"server offers no websocket upgrade ({self.ev.upgrades})")
            raise ProbeStop
        self.ev.upgrade_attempted = True
        self.tl.add("-", "upgrade", "upgrade: opening websocket with sid")
        ws = await self._new_ws(self.opts.engine_url("websocket", self.polling.sid), "upgrade")
        self.ws = ws
        await ws.send("2probe", "upgrade")
        while True:
            reply = await ws.recv()
            if isinstance(reply, Closed):
                self.rec.failed()
                self.ev.upgrade_detail = f"websocket closed ({reply.code}) before 3probe"
                self.tl.add("in", "close", self.ev.upgrade_detail)
                raise ProbeStop
            if reply == ["3probe"]:
                self.tl.add("in", "upgrade", "pong probe: 3probe")
                break
            self.rec.on_packets(reply)
        if not await self.polling.pause(self.opts.timeout):
            self.rec.failed()
            self.ev.upgrade_detail = "the pending poll never returned (no noop)"
            raise ProbeStop
        while not self.polling.queue.empty():  # what the last poll brought (the noop 6)
            item = self.polling.queue.get_nowait()
            if isinstance(item, Closed):
                self.rec.on_closed(item)
                raise ProbeStop
            await self._handle(item)
        await ws.send(eio.UPGRADE, "upgrade")
        self.current = ws
        self.ev.upgrade_done = True
        self.tl.add("-", "upgrade", "upgrade complete: now on websocket")
        self.tl.mark("upgrade")

    def _drain_polling(self) -> None:
        """Record what the polling session already received (without waiting for more)."""
        while self.polling is not None and not self.polling.queue.empty():
            item = self.polling.queue.get_nowait()
            if isinstance(item, Closed):
                self.rec.on_closed(item)
            else:
                self.rec.on_packets(item)

    async def _hold(self, seconds: float) -> None:
        if self.opts.client_pings and self.opts.eio == 4:
            # Reproduce a client with EIO=3 heartbeats on EIO=4: it pings first, once connected
            # (and upgraded), as such a client does after pingInterval; the server calls it a
            # transport error.
            self.ev.wrong_ping_sent = True
            await self._send(eio.PING, "ping")
            seconds = max(seconds, 0.5)  # long enough to see the server's reaction
        if seconds <= 0:
            return
        why = "hold" if self.opts.hold >= seconds else "settle: watching for a server-side close"
        self.tl.add("-", "info", f"staying connected {seconds:g} s ({why})")
        end = time.monotonic() + seconds
        await self._pump(lambda: False, end)

    async def _pump(self, done: Callable[[], bool], end: float | None = None) -> None:
        """Read packets until ``done()``, a close, ``end`` or a heartbeat failure."""
        while not done():
            if self.rec.closed:
                raise ProbeStop
            now = time.monotonic()
            if self.ev.disconnect_received:
                # Kicked: wait briefly for the transport close that usually follows (Node
                # closes, python-socketio keeps the Engine.IO session open), then stop.
                if self._linger_until is None:
                    self._linger_until = now + _LINGER_AFTER_KICK
                end = self._linger_until if end is None else min(end, self._linger_until)
            deadline = self.heartbeat.next_deadline(now)
            limit = min(x for x in (deadline, end) if x is not None) if (deadline or end) else None
            try:
                # asyncio.timeout, not wait_for: no extra task per packet.
                async with asyncio.timeout(None if limit is None else max(0.0, limit - now)):
                    assert self.current is not None
                    item = await self.current.recv()
            except TimeoutError:
                now = time.monotonic()
                if end is not None and now >= end:
                    return
                action = self.heartbeat.on_deadline(now)
                if action == "ping":
                    await self._send(eio.PING, "ping")
                elif action == "timeout":
                    self.rec.on_ping_timeout()
                    raise ProbeStop from None
                continue
            if isinstance(item, Closed):
                self.rec.on_closed(item)
                raise ProbeStop
            await self._handle(item)

    async def _handle(self, packets: list[str]) -> None:
        for packet in self.rec.on_packets(packets):
            if packet == eio.PING and self.opts.eio == 4:
                await self._send(eio.PONG, "pong")

    async def _shutdown(self) -> None:
        """Close what is still open; a client close is recorded but is not evidence.

        Each step runs even when one before it failed: every session must be closed.
        """
        for step in (self._close_ws, self._close_polling, self._close_session):
            try:
                await step()
            except Exception as exc:  # closing must never hide the verdict
                log.debug("probe shutdown error: %s", self.tl.mask(f"{type(exc).__name__}: {exc}"))

    async def _close_ws(self) -> None:
        if self.ws is not None:
            open_before = self.ws.ws is not None and not self.ws.ws.closed
            await self.ws.close()
            if open_before and not self.rec.closed:
                self.tl.add("out", "close", "closed by client code 1000")

    async def _close_polling(self) -> None:
        if self.polling is not None:
            send_close = not self.rec.closed and not self.ev.upgrade_done
            await self.polling.close(send_close)

    async def _close_session(self) -> None:
        if self.ws_client is not None:
            await self.ws_client.close()
