"""One health check against real HTTP(S) servers on loopback: each failure in plain words."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from tests.net import health_endpoints
from tests.net.health_endpoints import Endpoint, closed_port, serve
from tests.peers.tls_certs import self_signed
from wsmonitor.core.health import FailureKind
from wsmonitor.net.health_check import check_health

cryptography = pytest.importorskip("cryptography")
# Fixtures shared with the other health tests (pytest finds them as module attributes).
endpoint = health_endpoints.endpoint
tls_endpoint = health_endpoints.tls_endpoint


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
    sample = await check_health(f"http://127.0.0.1:{closed_port()}/health")
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
    cert_path, key_path = self_signed(tmp_path, expired=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    runner, port = await serve(Endpoint().app(), context)
    try:
        sample = await check_health(f"https://127.0.0.1:{port}/ok", ca_file=cert_path)
    finally:
        await runner.cleanup()
    assert sample.error_kind == FailureKind.TLS and "expired" in (sample.error or "")


async def test_plain_http_server_spoken_to_in_tls(endpoint: tuple[Endpoint, str]) -> None:
    _, base = endpoint
    sample = await check_health(base.replace("http://", "https://") + "/ok", timeout=3)
    assert not sample.ok and sample.error_kind == FailureKind.TLS
