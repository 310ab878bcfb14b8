"""The websocket transport times TCP and TLS apart, as the polling transport does.

Real TLS servers on loopback (python-socketio, and a plain aiohttp websocket for raw probes),
with the self-signed certificate of tests.peers.tls_certs given as the CA file.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.peers import tls_certs
from tests.peers.faults import http_faults, sio_servers
from wsmonitor.net.probe import ProbeOptions, ProbeResult, run_probe
from wsmonitor.net.probe.ws_connect_timing import TimedConnector

pytestmark = pytest.mark.timeout(60)


async def probe(url: str, **kwargs: object) -> ProbeResult:
    kwargs.setdefault("timeout", 5.0)
    kwargs.setdefault("settle", 0.0)
    return await run_probe(ProbeOptions(url=url, **kwargs))  # type: ignore[arg-type]


def connection_rows(result: ProbeResult) -> list[tuple[str, str, float]]:
    """(kind, detail, t_ms) of the rows up to the first request (the connection set-up)."""
    rows = []
    for event in result.timeline:
        rows.append((event.kind, event.detail, event.t_ms))
        if event.kind == "http_request":
            break
    return rows


def assert_tcp_then_tls(result: ProbeResult) -> None:
    """dns, tcp, tls, http_request in that order; tcp and tls marked at their rows' times."""
    assert result.ok, result.to_dict()
    rows = connection_rows(result)
    assert [kind for kind, _, _ in rows] == ["dns", "tcp", "tls", "http_request"], rows
    (_, tcp, tcp_at), (_, tls, tls_at) = rows[1], rows[2]
    assert tcp.startswith("TCP connected to 127.0.0.1:"), tcp
    assert tls.startswith("TLS handshake done TLSv1."), tls
    assert result.phases["tcp"] == tcp_at and result.phases["tls"] == tls_at
    assert result.phases["dns"] <= tcp_at <= tls_at <= rows[3][2] <= result.phases["http"]


@pytest.fixture
async def plain_sio_server() -> AsyncIterator[str]:
    """python-socketio without TLS: http://127.0.0.1:PORT."""
    async with http_faults.serve_app(sio_servers.sio_app()) as port:
        yield f"http://127.0.0.1:{port}"


def _echo_app() -> web.Application:
    async def echo(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                await ws.send_str(msg.data)
        return ws

    app = web.Application()
    app.router.add_get("/ws", echo)
    return app


@pytest.fixture
async def tls_echo_ws(tls_cert: tuple[Path, Path]) -> AsyncIterator[str]:
    """A plain (not Engine.IO) websocket echo over TLS: wss://127.0.0.1:PORT/ws."""
    ctx = tls_certs.server_ssl_context(*tls_cert)
    async with http_faults.serve_app(_echo_app(), ssl_context=ctx) as port:
        yield f"wss://127.0.0.1:{port}/ws"


@pytest.mark.parametrize("scheme", ["wss", "https"])
async def test_websocket_over_tls_times_tcp_then_tls(
    tls_sio_server: str, tls_cert: tuple[Path, Path], scheme: str
) -> None:
    url = tls_sio_server.replace("https", scheme, 1)
    r = await probe(url, transport="websocket", ca_file=str(tls_cert[0]))
    assert_tcp_then_tls(r)
    # The version and cipher the handshake agreed on, then its own duration.
    tls = next(e.detail for e in r.timeline if e.kind == "tls")
    assert re.fullmatch(r"TLS handshake done TLSv1\.[23] [A-Z0-9_-]+ \(\d+\.\d ms\)", tls), tls


async def test_rows_match_the_polling_transport(
    tls_sio_server: str, tls_cert: tuple[Path, Path]
) -> None:
    ws = await probe(tls_sio_server, transport="websocket", ca_file=str(tls_cert[0]))
    polling = await probe(tls_sio_server, transport="polling", ca_file=str(tls_cert[0]))
    assert_tcp_then_tls(ws)
    assert_tcp_then_tls(polling)
    ws_tls, polling_tls = (
        next(e.detail for e in r.timeline if e.kind == "tls") for r in (ws, polling)
    )
    version = polling_tls.split()[3]  # "TLS handshake done TLSv1.3 (x ms)"
    assert ws_tls.startswith(f"TLS handshake done {version}"), (ws_tls, polling_tls)


async def test_plain_websocket_has_one_tcp_row_and_no_tls(plain_sio_server: str) -> None:
    r = await probe(plain_sio_server.replace("http", "ws", 1), transport="websocket")
    assert r.ok, r.to_dict()
    kinds = [e.kind for e in r.timeline]
    assert kinds.count("tcp") == 1 and "tls" not in kinds
    assert kinds.index("tcp") < kinds.index("http_request")
    assert "tcp" in r.phases and "tls" not in r.phases
    tcp = next(e for e in r.timeline if e.kind == "tcp")
    assert tcp.detail.startswith("TCP connected to 127.0.0.1:") and r.phases["tcp"] == tcp.t_ms


async def test_raw_websocket_over_tls_times_tcp_then_tls(
    tls_echo_ws: str, tls_cert: tuple[Path, Path]
) -> None:
    r = await probe(tls_echo_ws, raw=True, message="hi", hold=0.2, ca_file=str(tls_cert[0]))
    assert_tcp_then_tls(r)
    assert any(e.kind == "packet" and e.dir == "in" and "hi" in e.detail for e in r.timeline)


async def test_failed_tls_handshake_keeps_the_tcp_row(tls_sio_server: str) -> None:
    # No CA file: the self-signed certificate fails verification after TCP connected.
    r = await probe(tls_sio_server.replace("https", "wss", 1), transport="websocket")
    assert r.verdict.code == "tls_error", r.to_dict()
    kinds = [e.kind for e in r.timeline]
    assert "tcp" in kinds and "tls" not in kinds
    assert kinds.index("tcp") < kinds.index("http_request") < kinds.index("error")
    assert "tcp" in r.phases and "tls" not in r.phases
    assert r.phases["tcp"] <= r.phases["failed"]


async def test_one_merged_row_when_aiohttp_hides_the_end_of_tcp(
    tls_sio_server: str, tls_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a future aiohttp that never shows the protocol factory would: the probe still works,
    # and reports TCP and TLS as one step ending at the tls mark (the lab draws TCP+TLS).
    monkeypatch.setattr(
        TimedConnector, "_wrap_create_connection", aiohttp.TCPConnector._wrap_create_connection
    )
    r = await probe(
        tls_sio_server.replace("https", "wss", 1), transport="websocket", ca_file=str(tls_cert[0])
    )
    assert r.ok, r.to_dict()
    rows = connection_rows(r)
    assert [kind for kind, _, _ in rows] == ["dns", "tcp", "http_request"], rows
    _, detail, at = rows[1]
    assert detail.startswith("TCP + TLS connected to 127.0.0.1:") and "TLSv1." in detail, detail
    assert "tcp" not in r.phases and r.phases["tls"] == at
