"""Cancellation (one request is enough, every session closed) and the engine's phase marks."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

from tests.peers.fault_fixtures import make_jwt
from wsmonitor.net.probe import ProbeOptions, ProbeResult, TimelineEvent, run_probe

pytestmark = pytest.mark.timeout(120)


class _LoopComplaints:
    """Collects what the loop's exception handler is told ("Unclosed client session"...)."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._loop = asyncio.get_running_loop()
        self._old = self._loop.get_exception_handler()

    def __enter__(self) -> _LoopComplaints:
        self._loop.set_exception_handler(lambda _loop, ctx: self.messages.append(ctx["message"]))
        return self

    def __exit__(self, *exc: Any) -> None:
        gc.collect()  # unclosed aiohttp sessions and connectors complain when collected
        self._loop.set_exception_handler(self._old)


async def _cancel_at(options: ProbeOptions, when: str) -> list[TimelineEvent]:
    """Run a probe, cancel it once when a row starting with ``when`` is recorded; its rows."""
    seen: list[TimelineEvent] = []
    task: asyncio.Task[ProbeResult] | None = None

    def on_event(event: TimelineEvent) -> None:
        seen.append(event)
        if task is not None and event.detail.startswith(when) and not task.cancelling():
            task.cancel()  # inside the probe: the next await of the probe sees it

    task = asyncio.create_task(run_probe(options, on_event=on_event))
    # Hold is 60 s: a cancellation lost on the way would leave the task running past this.
    done, _ = await asyncio.wait({task}, timeout=20)
    assert task in done, f"one cancel did not stop the probe (cancelled at {when!r})"
    assert task.cancelled()
    return seen


@pytest.mark.parametrize(
    "when",
    [
        "upgrade: opening websocket",
        "pong probe: 3probe",  # the moment the probe waits for the last poll (was wait_for)
        "upgrade complete",
        "staying connected",
    ],
)
async def test_one_cancel_stops_the_probe_during_upgrade_and_hold(demo_server, when: str) -> None:
    options = ProbeOptions(url=demo_server.url, token=demo_server.token, hold=60)
    with _LoopComplaints() as complaints:
        seen = await _cancel_at(options, when)
    assert any(e.detail == "cancelled" for e in seen)
    assert not [m for m in complaints.messages if "nclosed" in m], complaints.messages


async def test_cancel_from_outside_while_holding_closes_every_session(demo_server) -> None:
    holding = asyncio.Event()

    def on_event(event: TimelineEvent) -> None:
        if event.detail.startswith("staying connected"):
            holding.set()

    with _LoopComplaints() as complaints:
        for transport in ("upgrade", "polling", "websocket"):
            holding.clear()
            options = ProbeOptions(
                url=demo_server.url, token=demo_server.token, transport=transport, hold=60
            )
            task = asyncio.create_task(run_probe(options, on_event=on_event))
            await asyncio.wait_for(holding.wait(), 20)
            task.cancel()
            task.cancel()  # a second request while it closes must not cut the closing short
            done, _ = await asyncio.wait({task}, timeout=20)
            assert task in done and task.cancelled()
    assert not [m for m in complaints.messages if "nclosed" in m], complaints.messages


@pytest.mark.parametrize(
    ("when", "hold"),
    [
        ("cancelled", 60),  # a second Cancel while the first one's closing runs
        ("closed by client code 1000", 0),  # Cancel in the middle of the usual closing
    ],
)
async def test_cancel_while_closing_still_closes_everything(demo_server, when, hold) -> None:
    task: asyncio.Task[ProbeResult] | None = None
    holding = asyncio.Event()

    def on_event(event: TimelineEvent) -> None:
        if event.detail.startswith("staying connected"):
            holding.set()
        if task is not None and event.detail.startswith(when):
            task.cancel()

    options = ProbeOptions(url=demo_server.url, token=demo_server.token, hold=hold)
    with _LoopComplaints() as complaints:
        task = asyncio.create_task(run_probe(options, on_event=on_event))
        if hold:
            await asyncio.wait_for(holding.wait(), 20)
            task.cancel()
        done, _ = await asyncio.wait({task}, timeout=20)
        assert task in done and task.cancelled()
    assert not [m for m in complaints.messages if "nclosed" in m], complaints.messages


def _in_order(phases: dict[str, float], names: list[str]) -> None:
    missing = [n for n in names if n not in phases]
    assert not missing, f"no {missing} mark in {phases}"
    times = [phases[n] for n in names]
    assert times == sorted(times), phases


async def test_phase_marks_of_a_successful_probe(demo_server) -> None:
    for transport, names in (
        ("upgrade", ["dns", "tcp", "http", "handshake", "namespace", "upgrade", "total"]),
        ("polling", ["dns", "tcp", "http", "handshake", "namespace", "total"]),
        ("websocket", ["dns", "tcp", "http", "handshake", "namespace", "total"]),
    ):
        options = ProbeOptions(url=demo_server.url, token=demo_server.token, transport=transport)
        result = await run_probe(options)
        assert result.ok, result.verdict
        _in_order(result.phases, names)
        assert "failed" not in result.phases and result.failed_at_ms is None
        first_answer = next(e for e in result.timeline if e.kind == "http_response")
        assert result.phases["http"] == first_answer.t_ms
        assert result.to_dict()["phases"]["http"] == round(first_answer.t_ms, 2)


async def test_phase_marks_over_tls(tls_sio_server: str) -> None:
    polling = await run_probe(ProbeOptions(url=tls_sio_server, verify_tls=False))
    assert polling.ok, polling.verdict
    _in_order(polling.phases, ["dns", "tcp", "tls", "http", "handshake", "namespace", "upgrade"])
    # The websocket times TCP and TLS apart too (ws_connect_timing), as polling does.
    ws = await run_probe(ProbeOptions(url=tls_sio_server, verify_tls=False, transport="websocket"))
    assert ws.ok, ws.verdict
    _in_order(ws.phases, ["dns", "tcp", "tls", "http", "handshake", "namespace"])


async def test_failure_mark_is_where_the_probe_failed(node_faults: str, closed_port_url: str):
    expired = await run_probe(ProbeOptions(url=node_faults, path="/jwt/", token=make_jwt(-60)))
    assert not expired.ok
    refusal = next(e for e in expired.timeline if e.detail.startswith("CONNECT_ERROR"))
    assert expired.failed_at_ms == refusal.t_ms
    assert expired.phases["handshake"] <= expired.failed_at_ms <= expired.phases["total"]
    assert "namespace" not in expired.phases

    down = await run_probe(ProbeOptions(url=closed_port_url, transport="polling", timeout=5))
    assert down.verdict.code == "unreachable"
    error = next(e for e in down.timeline if e.kind == "error")
    assert down.failed_at_ms is not None and down.failed_at_ms <= error.t_ms
    assert "handshake" not in down.phases
