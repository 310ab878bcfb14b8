"""Real HTTP(S) health endpoints on loopback for the health check and poller tests."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web


def _fixed(response: web.Response):
    """A handler answering with a copy of ``response``'s status, body and type."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(
            status=response.status, body=response.body, content_type=response.content_type
        )

    return handler


class Endpoint:
    """A real aiohttp server whose routes play healthy, broken and hanging endpoints."""

    def __init__(self) -> None:
        self.hits = 0
        self.healthy = True
        self.release = asyncio.Event()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/ok", self.ok)
        app.router.add_get("/flip", self.flip)
        app.router.add_get("/fail", _fixed(web.json_response({"error": "db"}, status=503)))
        app.router.add_get("/missing", _fixed(web.Response(status=404, text="no such page")))
        app.router.add_get("/text", _fixed(web.Response(text="<html>It works</html>")))
        app.router.add_get("/down", _fixed(web.json_response({"status": "down"})))
        app.router.add_get("/hang", self.hang)
        app.router.add_get("/trickle", self.trickle)
        app.router.add_get("/huge", self.huge)
        return app

    async def ok(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.json_response({"status": "ok", "uptime": 12.5, "version": "1.2.3"})

    async def flip(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.healthy:
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "error"}, status=500)

    async def trickle(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(100):  # a byte every 0.1 s: no single read times out
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    async def huge(self, request: web.Request) -> web.Response:
        return web.Response(body=b'{"status": "ok", "pad": "' + b"x" * 5_000_000 + b'"}')

    async def hang(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.json_response({"status": "late"})


async def serve(app: web.Application, ssl_context: ssl.SSLContext | None = None):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[Endpoint, str]]:
    ep = Endpoint()
    runner, port = await serve(ep.app())
    try:
        yield ep, f"http://127.0.0.1:{port}"
    finally:
        ep.release.set()
        await runner.cleanup()


def self_signed(tmp: Path, *, expired: bool = False) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made at test time."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wsmonitor-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=10))
        .not_valid_after(now + dt.timedelta(days=-2 if expired else 2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
async def tls_endpoint(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    cert_path, key_path = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    runner, port = await serve(Endpoint().app(), context)
    try:
        yield f"https://127.0.0.1:{port}", cert_path
    finally:
        await runner.cleanup()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
