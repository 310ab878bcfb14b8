"""Health checks and the poller against real HTTP(S) servers on loopback."""

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

from wsmonitor.core.health import FailureKind, HealthSample, compute_periods
from wsmonitor.errors import UserError
from wsmonitor.net.health import HealthConfigError, HealthPoller, check_health

cryptography = pytest.importorskip("cryptography")


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


async def _serve(app: web.Application, ssl_context: ssl.SSLContext | None = None):
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, port


@pytest.fixture
async def endpoint() -> AsyncIterator[tuple[Endpoint, str]]:
    ep = Endpoint()
    runner, port = await _serve(ep.app())
    try:
        yield ep, f"http://127.0.0.1:{port}"
    finally:
        ep.release.set()
        await runner.cleanup()


def _self_signed(tmp: Path, *, expired: bool = False) -> tuple[Path, Path]:
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
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    runner, port = await _serve(Endpoint().app(), context)
    try:
        yield f"https://127.0.0.1:{port}", cert_path
    finally:
        await runner.cleanup()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_healthy_json_endpoint(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/ok")
    assert sample.ok and sample.error is None and sample.error_kind == "ok"
    assert sample.status == 200
    assert sample.latency_ms is not None and sample.latency_ms >= 0
    assert sample.body_summary == "status=ok"


async def test_http_500_is_a_server_error(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/fail")
    assert not sample.ok
    assert sample.status == 503 and sample.error_kind == FailureKind.HTTP_5XX
    assert sample.error is not None and "HTTP 503" in sample.error


async def test_http_404_is_a_client_error(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/missing")
    assert (sample.ok, sample.status, sample.error_kind) == (False, 404, "http_4xx")


async def test_non_json_body(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/text")
    assert not sample.ok and sample.error_kind == FailureKind.NON_JSON
    assert sample.error is not None and "not JSON" in sample.error
    assert "It works" in sample.body_summary
    relaxed = await check_health(f"{base}/text", expect_json=False)
    assert relaxed.ok


async def test_json_that_says_down(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/down")
    assert not sample.ok and sample.error_kind == FailureKind.UNHEALTHY
    assert sample.body_summary == "status=down"


async def test_hanging_server_times_out(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/hang", timeout=0.5)
    assert not sample.ok and sample.error_kind == FailureKind.TIMEOUT
    assert sample.status is None and "within 0.5 s" in (sample.error or "")


async def test_trickling_server_hits_the_overall_timeout(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/trickle", timeout=0.5)
    assert not sample.ok and sample.error_kind == FailureKind.TIMEOUT


async def test_huge_body_is_capped_not_loaded(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(f"{base}/huge", timeout=10)
    # only the first 64 KB is read: not valid JSON any more, and the summary stays short
    assert sample.status == 200 and sample.error_kind == FailureKind.NON_JSON
    assert len(sample.body_summary) <= 120 and len(sample.error or "") < 400


async def test_closed_port_is_refused() -> None:
    sample = await check_health(f"http://127.0.0.1:{_closed_port()}/health")
    assert not sample.ok and sample.error_kind == FailureKind.REFUSED
    assert "refused" in (sample.error or "")


async def test_unknown_host_is_dns() -> None:
    sample = await check_health("http://no-such-host.invalid/health", timeout=5)
    assert sample.error_kind in (FailureKind.DNS, FailureKind.TIMEOUT)
    if sample.error_kind == FailureKind.DNS:
        assert "could not be resolved" in (sample.error or "")


async def test_bad_url_is_a_sample_not_an_exception() -> None:
    sample = await check_health("ftp://example.com/x")
    assert not sample.ok and sample.error_kind == FailureKind.INVALID_URL
    assert "http://" in (sample.error or "")


async def test_self_signed_tls(tls_endpoint: tuple[str, Path]) -> None:
    base, cert_path = tls_endpoint
    strict = await check_health(f"{base}/ok")
    assert not strict.ok and strict.error_kind == FailureKind.TLS
    assert "not trusted" in (strict.error or "") and "CA file" in (strict.error or "")
    insecure = await check_health(f"{base}/ok", verify=False)
    assert insecure.ok, insecure.error
    with_ca = await check_health(f"{base}/ok", ca_file=cert_path)
    assert with_ca.ok, with_ca.error


async def test_expired_certificate_says_so(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed(tmp_path, expired=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    runner, port = await _serve(Endpoint().app(), context)
    try:
        sample = await check_health(f"https://127.0.0.1:{port}/ok", ca_file=cert_path)
    finally:
        await runner.cleanup()
    assert sample.error_kind == FailureKind.TLS and "expired" in (sample.error or "")


async def test_plain_http_server_spoken_to_in_tls(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(base.replace("http://", "https://") + "/ok", timeout=3)
    assert not sample.ok and sample.error_kind == FailureKind.TLS


def test_poller_rejects_bad_configuration(tmp_path: Path) -> None:
    for kwargs in (
        {"url": "not a url"},
        {"url": "ws://host/health"},
        {"url": "http://h/x", "interval": 0},
        {"url": "http://h/x", "ca_file": tmp_path / "missing.pem"},
    ):
        with pytest.raises(HealthConfigError) as info:
            HealthPoller(**kwargs)  # type: ignore[arg-type]
        assert isinstance(info.value, UserError) and str(info.value)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(HealthConfigError, match="not a usable PEM"):
        HealthPoller("https://h/x", ca_file=junk)


async def _wait_for(predicate, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_poller_delivers_samples_and_timeline(endpoint: tuple[Endpoint, str]) -> None:
    ep, base = endpoint
    seen: list[HealthSample] = []
    queue: asyncio.Queue[HealthSample] = asyncio.Queue(maxsize=100)
    poller = HealthPoller(f"{base}/flip", interval=0.05, on_sample=seen.append, queue=queue)
    poller.start()
    try:
        await _wait_for(lambda: len(seen) >= 3)
        ep.healthy = False
        await _wait_for(lambda: sum(not s.ok for s in seen) >= 3)
        ep.healthy = True
        await _wait_for(lambda: seen[-1].ok and any(not s.ok for s in seen))
    finally:
        await poller.stop()
    assert not poller.running
    assert queue.qsize() == min(100, len(seen))
    kinds = [p.up for p in poller.periods()]
    assert kinds[:3] == [True, False, True]
    down = next(p for p in poller.periods() if not p.up)
    assert down.error_kind == "http_5xx" and down.samples >= 3
    until = seen[-1].t + 1
    assert poller.periods(until) == compute_periods(poller.samples, until=until)
    assert poller.down_since is None


async def test_poller_keeps_a_bounded_window(endpoint: tuple[Endpoint, str]) -> None:
    ep, base = endpoint
    ep.healthy = False
    seen: list[HealthSample] = []
    poller = HealthPoller(f"{base}/flip", interval=0.02, keep=5, on_sample=seen.append)
    poller.start()
    try:
        await _wait_for(lambda: len(seen) >= 12)
    finally:
        await poller.stop()
    assert len(poller.samples) == 5 and poller.samples == seen[-5:]
    assert poller.periods() == compute_periods(poller.samples)
    assert poller.down_since == poller.samples[0].t


async def test_poller_survives_a_broken_callback_and_a_dead_server() -> None:
    calls = 0

    def broken(sample: HealthSample) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("bug in a consumer")

    poller = HealthPoller(f"http://127.0.0.1:{_closed_port()}/", interval=0.05, on_sample=broken)
    poller.start()
    try:
        await _wait_for(lambda: calls >= 3)
        assert poller.running
    finally:
        await poller.stop()
        await poller.stop()  # idempotent
    assert poller.latest is not None and poller.latest.error_kind == "refused"


async def test_poller_with_tls_ca_file(tls_endpoint: tuple[str, Path]) -> None:
    base, cert_path = tls_endpoint
    got = asyncio.Event()
    poller = HealthPoller(
        f"{base}/ok", interval=0.1, ca_file=cert_path, on_sample=lambda s: got.set()
    )
    poller.start()
    try:
        async with asyncio.timeout(15):
            await got.wait()
    finally:
        await poller.stop()
    assert poller.latest is not None and poller.latest.ok, poller.latest
