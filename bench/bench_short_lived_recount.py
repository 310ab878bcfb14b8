"""Benchmark: recounting short-lived sockets when the user changes the threshold.

A full disconnect log (10,000 records by default) built from real Node-dialect admin events
through ``Aggregator.feed_raw``; then the threshold goes 5 s -> 2 s -> 5 s, and each change is
timed. Baseline in the same run: feeding the same socket_connected/socket_disconnected events
through the aggregator once (what it cost to count them the first time). The recount happens
on the GUI's loop, so it should cost a small fraction of that and stay far below one frame.

    python bench/bench_short_lived_recount.py [--records N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wsmonitor.core.aggregator import Aggregator, AggregatorConfig

T0 = 1_795_975_000.0
FEATURES = ["EMIT", "JOIN", "LEAVE", "DISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _socket(sid: str) -> dict[str, Any]:
    """A SerializedSocket as @socket.io/admin-ui 0.5.1 sends it."""
    return {
        "id": sid,
        "clientId": f"c-{sid}",
        "transport": "websocket",
        "nsp": "/chat",
        "data": {},
        "handshake": {
            "address": "10.1.2.3",
            "headers": {"user-agent": "bench"},
            "query": {"EIO": "4", "transport": "websocket"},
            "issued": 0,
            "secure": False,
            "time": "",
            "url": "/socket.io/?EIO=4&transport=websocket",
            "xdomain": False,
        },
        "rooms": [sid],
    }


def _events(records: int, seed: int = 7) -> list[tuple[str, tuple[Any, ...], float]]:
    """Connect/disconnect pairs over a few hours; lifetimes spread over 0-12 s."""
    rng = random.Random(seed)
    events = []
    t = T0
    for i in range(records):
        t += rng.uniform(0.2, 1.0)
        sid = f"s{i:06d}"
        gone = t + rng.uniform(0.0, 12.0)
        events.append(("socket_connected", (_socket(sid), _iso(t)), t))
        events.append(("socket_disconnected", ("/chat", sid, "transport close", _iso(gone)), gone))
    events.sort(key=lambda e: e[2])
    return events


def _fresh(records: int) -> Aggregator:
    a = Aggregator(AggregatorConfig(short_lived_s=5.0, disconnect_log_size=records))
    a.on_admin_connected(T0)
    a.feed_raw("config", ({"supportedFeatures": FEATURES},), T0)
    return a


def _feed(a: Aggregator, events: list[tuple[str, tuple[Any, ...], float]]) -> float:
    start = time.perf_counter()
    for name, args, t in events:
        a.feed_raw(name, args, t)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    events = _events(args.records)
    end = events[-1][2] + 1

    feeds, recounts = [], []
    short_counts = []
    for _ in range(args.repeat):
        a = _fresh(args.records)
        feeds.append(_feed(a, events))
        for seconds in (2.0, 5.0):
            start = time.perf_counter()
            a.set_short_lived_s(seconds, now=end)
            recounts.append(time.perf_counter() - start)
            short_counts.append(len(a.short_lived_log))
    feed = statistics.median(feeds)
    recount = statistics.median(recounts)
    print(f"Short-lived recount over a log of {args.records:,} disconnects")
    print(f"  short-lived at 2 s / 5 s: {short_counts[0]:,} / {short_counts[1]:,}")
    print(f"  baseline: feeding the {len(events):,} admin events once   {feed * 1000:8.1f} ms")
    print(f"  recount on a threshold change (median)          {recount * 1000:8.1f} ms")
    print(f"  worst recount                                    {max(recounts) * 1000:8.1f} ms")
    print(f"  ratio recount/baseline: {recount / feed:.3f}")


if __name__ == "__main__":
    main()
