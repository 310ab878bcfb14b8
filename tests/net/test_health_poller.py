"""The health poller against real HTTP(S) servers on loopback: cadence, timeline, failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.net import health_endpoints
from tests.net.health_endpoints import Endpoint, closed_port
from wsmonitor.core.health import HealthSample, compute_periods
from wsmonitor.errors import UserError
from wsmonitor.net.health import HealthPoller
from wsmonitor.net.health_check import HealthConfigError

cryptography = pytest.importorskip("cryptography")
# Fixtures shared with the other health tests (pytest finds them as module attributes).
endpoint = health_endpoints.endpoint
tls_endpoint = health_endpoints.tls_endpoint


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
    with pytest.raises(HealthConfigError) as info:  # credentials never echoed in the message
        HealthPoller("ftp://admin:hunter2@h/x?token=s3cr3t")
    assert "hunter2" not in str(info.value) and "s3cr3t" not in str(info.value)


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

    poller = HealthPoller(f"http://127.0.0.1:{closed_port()}/", interval=0.05, on_sample=broken)
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
