"""Benchmark: ``diagnose`` over seven combinations on loopback, all succeeding (target < 2 s).

EIO 4 and 3 × polling / websocket / upgrade against the Node peer's healthy path, plus a raw
websocket (a tiny echo server in this process). Baseline in the same run: the same seven
probes one after another, so the figure also shows what the bounded concurrency buys.
Run: ``python bench/bench_diagnose.py [runs]``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_probe import node_fault_server

from tests.peers.faults.raw_ws import raw_ws_server
from wsmonitor.net.probe import DiagnoseOptions, run_diagnose, run_probe

TARGET_S = 2.0


async def main(runs: int) -> None:
    with node_fault_server() as base:
        async with raw_ws_server() as ws_port:
            opts = DiagnoseOptions(
                url=base,
                path="/ok/",
                ws_url=f"ws://127.0.0.1:{ws_port}/echo",
                health_url=base + "/health",
            )
            await run_diagnose(opts)  # warm-up
            walls: list[float] = []
            serial: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                result = await run_diagnose(opts)
                walls.append(time.perf_counter() - started)
                assert result.ok, [(r.label, r.result.verdict.code) for r in result.rows]
                started = time.perf_counter()
                for _, probe_opts in opts.probe_options():
                    assert (await run_probe(probe_opts)).ok
                serial.append(time.perf_counter() - started)
    wall, one_by_one = statistics.median(walls), statistics.median(serial)
    print(
        f"runs: {runs}, combinations: {len(result.rows)}, concurrency: {opts.concurrency}, "
        f"settle per probe: {opts.settle:g} s"
    )
    print(f"diagnose wall time: median {wall:.3f} s (max {max(walls):.3f} s)")
    print(
        f"same probes one by one: median {one_by_one:.3f} s "
        f"(diagnose is {one_by_one / wall:.1f}x faster)"
    )
    print(f"target < {TARGET_S} s -> {'PASS' if wall < TARGET_S else 'FAIL'}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
