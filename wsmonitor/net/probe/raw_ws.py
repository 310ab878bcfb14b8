"""Raw websocket probe for native endpoints (``/ws?token=...``): connect, optional message, hold,
and the close code and reason, with the same timeline and verdicts as Engine.IO probes."""

from __future__ import annotations

import asyncio
import logging
import time

from wsmonitor.core.verdict import decide
from wsmonitor.net.probe.conn import (
    Closed,
    HttpRefused,
    classify_error,
    finish_closing,
    log_masked,
)
from wsmonitor.net.probe.evidence import resolve
from wsmonitor.net.probe.options import ProbeOptions
from wsmonitor.net.probe.recording import start_recording
from wsmonitor.net.probe.result import ProbeResult
from wsmonitor.net.probe.timeline import EventCallback
from wsmonitor.net.probe.websocket import WebsocketTransport, WsClient, make_session

log = logging.getLogger(__name__)


async def run_raw_probe(
    options: ProbeOptions, on_event: EventCallback | None = None
) -> ProbeResult:
    """Probe a plain websocket URL (``ws://`` / ``wss://``)."""
    opts = options if options.raw else ProbeOptions(**{**options.__dict__, "raw": True})
    opts = opts.validate()
    _secrets, tl, jwt_report, ev = start_recording(opts, on_event)
    session = make_session(tl)
    ws = WebsocketTransport(opts, tl, session)
    phase = "dns"
    try:
        try:
            async with asyncio.timeout(opts.timeout):
                await resolve(opts, tl)
                phase = "connect"
                await ws.connect(opts.raw_url(), "ws_handshake")
                ev.ws_opened = True
                tl.mark("handshake")
                if opts.message is not None:
                    await ws.send(opts.message, "packet")
            phase = "hold"
            stay = max(opts.hold, opts.settle)
            why = "hold" if opts.hold >= stay else "settle: watching for a server-side close"
            tl.add("-", "info", f"staying connected {stay:g} s ({why})")
            end = time.monotonic() + stay
            while (left := end - time.monotonic()) > 0:
                try:
                    async with asyncio.timeout(left):
                        item = await ws.recv()
                except TimeoutError:
                    break
                if isinstance(item, Closed):
                    ev.close_code, ev.close_reason, ev.closed_by = item.code, item.reason, item.by
                    extra = f" ({item.error})" if item.error else ""
                    row = tl.add(
                        "in",
                        "close",
                        f"closed by {item.by} code {item.code} {item.reason!r}{extra}",
                        code=item.code,
                    )
                    tl.mark("failed", row.t_ms)  # dropped if the verdict says ok
                    break
                for text in item:
                    tl.add("in", "packet", f"message: {text[:200]}")
        except HttpRefused as exc:
            ev.http_status, ev.http_phase = exc.status, exc.phase
            ev.http_body, ev.http_content_type = tl.mask(exc.body), exc.content_type
            tl.mark("failed", tl.add("-", "error", f"HTTP {exc.status}: {exc.body[:120]}").t_ms)
        except TimeoutError:
            ev.failure, ev.failure_phase = "timeout", phase
            ev.failure_detail = f"no answer within {opts.timeout:g} s"
            tl.mark("failed", tl.add("-", "error", f"timeout during {phase}").t_ms)
        except Exception as exc:  # transport errors are evidence, not crashes
            kind, detail = classify_error(exc)
            detail = tl.mask(detail)  # exception texts may quote the URL
            ev.failure, ev.failure_phase, ev.failure_detail = kind, phase, detail
            row = tl.add("-", "error", f"{kind} error during {phase}: {detail}")
            tl.mark("failed", row.t_ms)
            log_masked(log, tl, exc)
    finally:
        still_open = ws.ws is not None and not ws.ws.closed and ev.close_code is None
        await finish_closing(_close(ws, session))
        if still_open:
            tl.add("out", "close", "closed by client code 1000")
    verdict = decide(ev)
    tl.add("-", "info", f"verdict {verdict.code}: {verdict.summary}")
    tl.mark("total")
    marks = tl.phase_marks(verdict.ok)
    return ProbeResult(verdict, ev, tl.events, opts.to_dict(), jwt_report, marks)


async def _close(ws: WebsocketTransport, session: WsClient) -> None:
    try:
        try:
            await ws.close()
        finally:
            await session.close()  # even when the websocket's close failed
    except Exception as exc:  # the registered token is masked by the logging redactor
        log.debug("raw probe close failed: %s: %s", type(exc).__name__, exc)
