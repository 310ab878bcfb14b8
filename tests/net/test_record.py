"""``wsmonitor record`` against real servers: counts equal the servers' own ground truth."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.net.test_admin_client_support import WAIT, app_client, wait_for
from wsmonitor.commands.record import RecordOptions, record

ENGINE_KEYS = {
    "connections": "opened",
    "disconnections": "closed",
    "packets_in": "packetsIn",
    "packets_out": "packetsOut",
    "bytes_in": "bytesIn",
    "bytes_out": "bytesOut",
}


class Recording:
    """``record()`` running as a task, with its samples visible while it runs."""

    def __init__(self, options: RecordOptions) -> None:
        self.samples: list[dict[str, Any]] = []
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(
            record(options, stop=self.stop, on_sample=self.samples.append)
        )

    async def wait_samples(self, count: int, server_ids: int = 1) -> None:
        def enough() -> bool:
            per_server = Counter(s["server_id"] for s in self.samples)
            return len(per_server) >= server_ids and min(per_server.values()) >= count

        await wait_for(enough, what=f"{count} server_stats per server")

    async def finish(self) -> dict[str, Any]:
        self.stop.set()
        return await asyncio.wait_for(self.task, WAIT)


def expected_from_emissions(endpoint: Any, samples: list[dict[str, Any]]) -> dict[str, Any]:
    """The engine deltas of exactly the server_stats the recorder received (matched by uptime)."""
    uptimes = {s["uptime"] for s in samples if s["server_id"] == endpoint.server_id}
    received = [e for e in endpoint.emissions() if e["uptime"] in uptimes]
    assert len(received) == len(uptimes), "the peer forgot emissions (keeps 200)"
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for emission in received:
        delta = emission["engineDelta"]
        for ours, theirs in ENGINE_KEYS.items():
            totals[ours] += delta.get(theirs, 0)
        reasons.update(delta.get("closeReasons", {}))
    return {**{k: totals[k] for k in ENGINE_KEYS}, "disconnect_reasons": dict(reasons)}


def reason_delta(after: dict[str, Any], before: dict[str, Any], admin: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for name, nsp in after["namespaces"].items():
        if name == admin:
            continue
        out.update(nsp["disconnectReasons"])
        out.subtract(before["namespaces"].get(name, {}).get("disconnectReasons", {}))
    return +out


def options_for(peer: Any, tmp_path: Path, **kw: Any) -> RecordOptions:
    return RecordOptions(
        url=peer.url,
        out=tmp_path / "record.json",
        namespace=peer.admin_namespace,
        path=peer.path,
        username=peer.admin_username,
        password=peer.admin_password,
        **kw,
    )


async def churn(urls: list[str], connects: int, leave: int) -> list[socketio.AsyncClient]:
    """``connects`` clients (alternating transports and URLs), of which the first ``leave``
    disconnect themselves; the others stay connected (returned)."""
    clients = []
    for i in range(connects):
        transports = ["websocket"] if i % 2 else None
        clients.append(await app_client(urls[i % len(urls)], transports=transports))
    for client in clients[:leave]:
        await client.disconnect()
    return clients[leave:]


@pytest.mark.node
async def test_recorder_matches_node_ground_truth_exactly(
    node_admin_peer: Any, tmp_path: Path
) -> None:
    peer = node_admin_peer(server_id="exact")
    rec = Recording(options_for(peer, tmp_path, short_lived_s=120.0))
    await rec.wait_samples(1)
    before = await peer.astats()
    n, m, k = 12, 4, 3
    rest = await churn([peer.url], n, m)
    for client in rest[:k]:
        await peer.acontrol("POST", "kick", {"id": client.get_sid("/chat"), "nsp": "/chat"})
    await wait_for(lambda: peer.stats()["namespaces"]["/chat"]["disconnects"] == m + k)
    settled = len(rec.samples)
    await rec.wait_samples(settled + 2)  # the emissions covering the churn have arrived
    result = await rec.finish()
    after = await peer.astats()
    for client in rest:
        await client.disconnect()

    totals = result["totals"]
    assert totals == expected_from_emissions(peer, result["samples"])
    assert result["socket_disconnect_reasons"] == reason_delta(after, before, "/admin")
    assert sum(result["socket_disconnect_reasons"].values()) == m + k
    assert result["socket_disconnect_reasons"]["server namespace disconnect"] == k
    assert result["socket_connects"] == n and result["short_lived"] == m + k
    # clientsCount is the server's own figure, the monitor included
    by_uptime = {e["uptime"]: e["clientsCount"] for e in peer.emissions()}
    assert [s["clients"] for s in result["samples"]] == [
        by_uptime[s["uptime"]] for s in result["samples"]
    ]
    # the monitor + the clients left (a python client closes its engine when kicked off its
    # last namespace)
    assert result["samples"][-1]["clients"] == 1 + n - m - k
    (server,) = result["servers"]
    assert (server["server_id"], server["pid"]) == ("exact", peer.pid)
    assert result["reason_source"] == "engine" and result["parse_errors"] == 0


@pytest.mark.node
async def test_cluster_of_two_node_processes(node_cluster_peer: Any, tmp_path: Path) -> None:
    cluster = node_cluster_peer(workers=2)
    first = cluster.workers[0]
    rec = Recording(options_for(first, tmp_path))
    await rec.wait_samples(1, server_ids=2)
    rest = await churn([w.url for w in cluster.workers], connects=8, leave=3)
    await wait_for(lambda: sum(w.stats()["engineApp"]["closed"] for w in cluster.workers) == 3)
    settled = min(Counter(s["server_id"] for s in rec.samples).values())
    await rec.wait_samples(settled + 2, server_ids=2)
    result = await rec.finish()
    for client in rest:
        await client.disconnect()

    assert sorted(s["server_id"] for s in result["servers"]) == sorted(cluster.server_ids)
    assert {s["pid"] for s in result["servers"]} == {w.pid for w in cluster.workers}
    expected: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for worker in cluster.workers:
        exp = expected_from_emissions(worker, result["samples"])
        reasons.update(exp.pop("disconnect_reasons"))
        expected.update(exp)
    totals = dict(result["totals"])
    assert totals.pop("disconnect_reasons") == dict(reasons)
    assert totals == {k: expected[k] for k in ENGINE_KEYS}
    assert result["socket_connects"] == 8 and sum(result["socket_disconnect_reasons"].values()) == 3


def _run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "wsmonitor", "record", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.node
def test_cli_wrong_credentials_fail_fast(node_admin_peer: Any, tmp_path: Path) -> None:
    peer = node_admin_peer()
    out = tmp_path / "bad.json"
    started = time.monotonic()
    done = _run_cli(
        peer.url, "--username", "admin", "--password-env", "WSM_TEST_PW",
        "--duration", "60", "--out", str(out),
        env={"WSM_TEST_PW": "definitely-wrong"},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert time.monotonic() - started < 30  # not the 60 s duration: no retry loop
    assert "invalid credentials" in done.stderr
    assert "definitely-wrong" not in done.stderr + done.stdout
    record_file = json.loads(out.read_text())
    assert record_file["connection"]["error_kind"] == "auth"
    assert peer.stats()["namespaces"]["/admin"]["connectErrors"] == {"invalid credentials": 1}


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    done = _run_cli("http://127.0.0.1:1", "--username", "u", "--password-env", "WSM_UNSET_VAR_X",
                    "--out", str(tmp_path / "x.json"))  # fmt: skip
    assert done.returncode == 2 and "WSM_UNSET_VAR_X" in done.stderr
    done = _run_cli("http://127.0.0.1:1", "--duration", "0", "--out", str(tmp_path / "x.json"))
    assert done.returncode == 2


def test_cli_records_the_python_demo_with_health(
    demo_server_with_traffic: Any, tmp_path: Path
) -> None:
    demo = demo_server_with_traffic
    out = tmp_path / "demo.json"
    done = _run_cli(
        demo.url, "--username", demo.admin_username, "--password-env", "WSM_DEMO_PW",
        "--health-url", demo.health_url, "--health-interval", "1",
        "--duration", "7", "--out", str(out), "--json",
        env={"WSM_DEMO_PW": demo.admin_password},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["out"] == str(out)
    result = json.loads(out.read_text())
    assert result["dialect"] == "python" and result["reason_source"] in ("socket", "unknown")
    assert len(result["servers"]) == 1 and len(result["samples"]) >= 2
    sample = result["samples"][-1]
    assert {"t", "server_id", "clients", "polling_clients", "namespaces"} <= set(sample)
    assert sample["clients"] >= 1
    assert len(result["health"]) >= 3 and all(h["ok"] for h in result["health"])
    assert {"t", "ok", "status", "latency_ms", "error"} <= set(result["health"][0])
    assert result["totals"]["disconnect_reasons"] == {}  # python sends no subType
    assert demo.admin_password not in out.read_text()


@pytest.mark.node
async def test_recorder_survives_a_server_restart_and_records_the_gap(
    node_admin_peer: Any, tmp_path: Path
) -> None:
    peer = node_admin_peer()
    rec = Recording(options_for(peer, tmp_path))
    await rec.wait_samples(1)
    await asyncio.to_thread(peer.restart, False)  # a crash: SIGKILL, then a new process
    restarted = time.time()
    await wait_for(lambda: rec.samples[-1]["t"] > restarted, what="stats from the restarted server")
    result = await rec.finish()
    (gap,) = result["gaps"]
    assert gap["end"] is not None and gap["end"] > gap["start"]
    assert "connection lost" in gap["reason"]
    (server,) = result["servers"]
    assert server["pid"] == peer.pid  # the new process
    assert all(not (gap["start"] < s["t"] < gap["end"]) for s in result["samples"])
    assert result["connection"]["state"] == "connected"
