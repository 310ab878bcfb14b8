"""Sockets table, data side: 100,000 sockets from ``all_sockets`` into the socket store, filters,
incremental changes for the table model, and memory.

Targets (issue 3): load < 1 s, filter < 100 ms, memory bounded. Baseline in the same run:
``json.loads`` of the same ``all_sockets`` payload, i.e. what the client must spend anyway just
to receive it. The Qt table model on top is measured by the GUI's own benchmark.

    python bench/bench_socket_table_data.py [--sockets 100000]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wsmonitor.core.aggregator import Aggregator, AggregatorConfig

AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) MicroMessenger/8.0.44",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36",
    "node-XMLHttpRequest",
    "python-requests/2.31",
]


def serialized(i: int) -> dict[str, Any]:
    """A SerializedSocket as @socket.io/admin-ui sends it, with realistic browser headers."""
    sid = f"{i:020d}"[-20:].replace("0", "A", 3)
    return {
        "id": sid,
        "clientId": f"c{i:011d}",
        "transport": "websocket" if i % 4 else "polling",
        "nsp": "/chat" if i % 3 else "/",
        "data": {"user": f"user{i}"} if i % 5 == 0 else {},
        "handshake": {
            "address": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            "headers": {
                "host": "chat.example.com",
                "connection": "Upgrade",
                "user-agent": AGENTS[i % len(AGENTS)],
                "accept": "*/*",
                "accept-language": "zh-CN,zh;q=0.9,en;q=0.8",
                "accept-encoding": "gzip, deflate, br",
                "origin": "https://servicewechat.com",
                "sec-websocket-version": "13",
                "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
                "x-forwarded-for": f"203.0.113.{i % 256}",
            },
            "query": {"EIO": "4", "transport": "websocket", "token": "abc"},
            "issued": 1_795_975_000_000 + i,
            "secure": True,
            "time": "Sun Nov 29 2026 18:02:06 GMT+0000 (Coordinated Universal Time)",
            "url": "/socket.io/?EIO=4&transport=websocket&token=abc",
            "xdomain": True,
        },
        "rooms": [sid, f"room-{i % 100}"],
    }


def best_of(runs: int, fn: Any) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=100_000)
    args = parser.parse_args()
    n = args.sockets
    text = json.dumps([serialized(i) for i in range(n)])
    print(f"{n:,} sockets, all_sockets payload {len(text) / 1e6:.1f} MB of JSON")

    # baseline: decoding the payload, which the Socket.IO client does before we see anything
    decode = best_of(3, lambda: json.loads(text))
    payload = json.loads(text)

    loads = []
    agg = Aggregator()
    for _ in range(3):
        agg = Aggregator()
        gc.collect()
        start = time.perf_counter()
        agg.feed_raw("all_sockets", (payload,))
        loads.append(time.perf_counter() - start)
    load = min(loads)
    assert len(agg.sockets) == n
    print(f"baseline json.loads of the payload:      {decode * 1000:8.1f} ms")
    print(
        f"parse + store (all_sockets -> store):    {load * 1000:8.1f} ms  (runs: "
        + ", ".join(f"{t * 1000:.0f}" for t in loads)
        + f"; {load / decode:.1f}x json.loads)  target < 1000 ms"
    )

    store = agg.sockets
    feed = store.open_feed()
    reset = best_of(1, feed.drain)
    print(f"first drain (reset, {n:,} rows):          {reset * 1000:8.1f} ms")
    queries = {
        "text 'micromessenger'": lambda: store.filter("micromessenger"),
        "text '10.1.2.'": lambda: store.filter("10.1.2."),
        "text 'room-42'": lambda: store.filter("room-42"),
        "nsp=/chat": lambda: store.filter(nsp="/chat"),
        "transport=polling + text": lambda: store.filter("chrome", transport="polling"),
        "no match": lambda: store.filter("zzzz-nothing"),
    }
    worst = 0.0
    for label, query in queries.items():
        elapsed = best_of(3, query)
        worst = max(worst, elapsed)
        print(f"filter {label:<30} {elapsed * 1000:8.1f} ms  ({len(query()):,} rows)")
    print(f"worst filter: {worst * 1000:.1f} ms (target < 100 ms)")

    # incremental: a churn of connects and disconnects, drained like the GUI timer does
    churn = 20_000
    stamp = "2026-11-29T18:02:06.000Z"
    start = time.perf_counter()
    for i in range(n, n + churn):
        agg.feed_raw("socket_connected", (serialized(i), stamp))
        agg.feed_raw(
            "socket_disconnected", ("/chat", serialized(i - n)["id"], "ping timeout", stamp)
        )
    apply_s = time.perf_counter() - start
    start = time.perf_counter()
    changes = feed.drain()
    drain = time.perf_counter() - start
    print(
        f"churn {churn:,} connects + {churn:,} disconnects: {apply_s * 1000:.0f} ms "
        f"({apply_s / (2 * churn) * 1e6:.1f} us/event incl. building test payloads); drain "
        f"{drain * 1000:.1f} ms -> {len(changes.inserted):,} inserted, "
        f"{len(changes.removed):,} removed"
    )

    # memory: the store for n sockets, and the cap holding under a flood
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    mem_agg = Aggregator()
    mem_agg.feed_raw("all_sockets", (payload,))
    after = tracemalloc.take_snapshot()
    used = sum(s.size_diff for s in after.compare_to(before, "filename"))
    tracemalloc.stop()
    print(f"memory of the store for {n:,} sockets (beyond the decoded JSON): {used / 1e6:.0f} MB")
    capped = Aggregator(AggregatorConfig(max_sockets=n // 2))
    capped.feed_raw("all_sockets", (payload,))
    print(
        f"cap: max_sockets={n // 2:,} keeps {len(capped.sockets):,}, counts overflow "
        f"{capped.sockets.overflow:,}; series per aggregator: "
        f"{capped.series.nbytes / 1e6:.1f} MB fixed"
    )
    ok = load < 1.0 and worst < 0.1
    print("PASS" if ok else "BELOW TARGET", f"(median load {statistics.median(loads):.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
