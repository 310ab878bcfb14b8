"""The engine API a GUI drives: live events, cancellation, JSON results, diagnose progress."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.peers.fault_fixtures import make_jwt
from wsmonitor.net.probe import (
    DiagnoseOptions,
    DiagnoseProgress,
    ProbeOptions,
    TimelineEvent,
    run_diagnose,
    run_probe,
)

pytestmark = pytest.mark.timeout(60)


async def test_events_arrive_live_and_result_is_json(node_faults: str) -> None:
    seen: list[TimelineEvent] = []
    token = make_jwt(3600)
    r = await run_probe(
        ProbeOptions(url=node_faults, path="/jwt/", token=token), on_event=seen.append
    )
    assert [e.t_ms for e in seen] == [e.t_ms for e in r.timeline]
    assert seen == sorted(seen, key=lambda e: e.t_ms)
    data = json.loads(json.dumps(r.to_dict()))
    assert {"verdict", "ok", "summary", "hints", "close_code", "timeline", "request", "jwt"} <= set(
        data
    )
    assert data["jwt"]["is_jwt"] and token not in json.dumps(data)
    assert {"dns", "handshake", "namespace", "upgrade", "total"} <= set(r.phases)


async def test_cancel_closes_cleanly(node_faults: str) -> None:
    connected = asyncio.Event()
    seen: list[TimelineEvent] = []

    def on_event(event: TimelineEvent) -> None:
        seen.append(event)
        if event.detail.startswith("CONNECT /: 40{"):
            connected.set()

    options = ProbeOptions(url=node_faults, path="/ok/", transport="websocket", hold=30)
    task = asyncio.create_task(run_probe(options, on_event=on_event))
    await asyncio.wait_for(connected.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert seen[-1].kind == "close" and seen[-1].dir == "out"  # closed before propagating


async def test_diagnose_matrix_and_progress(node_faults: str, raw_ws_server: str) -> None:
    progress: list[DiagnoseProgress] = []
    result = await run_diagnose(
        DiagnoseOptions(
            url=node_faults,
            path="/noeio3/",
            health_url=node_faults + "/health",
            ws_url=raw_ws_server + "/echo",
            token=make_jwt(-7200),
            timeout=5,
        ),
        on_progress=progress.append,
    )
    rows = {r.label: r.result.verdict.code for r in result.rows}
    assert rows["EIO4 websocket"] == "ok" and rows["raw websocket"] == "ok"
    assert rows["EIO3 polling"] == rows["EIO3 websocket"] == "protocol_mismatch"
    assert result.root_cause.code == "protocol_mismatch"
    checks = {c.name: c for c in result.checks}
    assert checks["health"].ok and not checks["token"].ok  # the token expired 2 h ago
    assert [p.kind for p in progress].count("finished") == 7
    json.dumps(result.to_dict())


async def test_websocket_rows_in_order_when_connect_goes_out_early(node_faults: str) -> None:
    # The CONNECT is written before the open packet is booked, and the TCP and request rows wait
    # until the request is written: the rows must still read in the order things happened.
    seen: list[TimelineEvent] = []
    r = await run_probe(
        ProbeOptions(url=node_faults, path="/ok/", transport="websocket", settle=0.0),
        on_event=seen.append,
    )
    assert r.ok, r.verdict
    kinds = [(e.dir, e.kind) for e in r.timeline]
    assert kinds[:7] == [
        ("-", "dns"),
        ("-", "tcp"),
        ("out", "http_request"),
        ("in", "http_response"),
        ("in", "ws_open"),
        ("in", "packet"),
        ("out", "packet"),
    ]
    assert r.timeline[5].detail.startswith("open:") and r.timeline[6].detail.endswith(": 40")
    assert [e.t_ms for e in r.timeline] == sorted(e.t_ms for e in r.timeline)
    assert seen == r.timeline
    assert [d for d, _ in r.evidence.packets[:3]] == ["in", "out", "in"]
    assert r.phases["tcp"] <= r.phases["handshake"] <= r.phases["namespace"] <= r.phases["total"]
    assert r.request == ProbeOptions(url=node_faults, path="/ok/", transport="websocket").to_dict()
