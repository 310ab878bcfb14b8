"""History store benchmark: write throughput and 24 h window query time at 1 s resolution.

Baselines are measured in the same run: a raw ``executemany`` into an in-memory SQLite table
(the fastest SQLite can take the same rows) and a raw ``SELECT`` of the same window from it.

    python bench/bench_history.py [--series N]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wsmonitor.store.history import HistoryStore

DAY = 86_400


def _rows(series: int, t0: float) -> list[tuple[str, str, float, float]]:
    names = [("clients", ""), ("connections", ""), ("disconnections", ""), ("bytes_in", "")]
    names += [("clients", f"server-{i}") for i in range(max(0, series - len(names)))]
    names = names[:series]
    return [(m, s, t0 + i, float(i % 500)) for i in range(DAY) for m, s in names]


def _baseline_write(rows: list[tuple[str, str, float, float]]) -> tuple[float, sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE samples (metric TEXT, server_id TEXT, t REAL, value REAL)")
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO samples VALUES (?, ?, ?, ?)", rows)
    return time.perf_counter() - start, conn


def _store_write(path: Path, rows: list[tuple[str, str, float, float]], batch: int) -> float:
    store = HistoryStore(path, retention_s=30 * DAY)
    store.flush()  # the first flush prunes; keep it out of the timing
    start = time.perf_counter()
    for i in range(0, len(rows), batch):
        store.record_samples(rows[i : i + batch])
        store.flush()
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed


def _median_time(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=4, help="series recorded each second")
    args = parser.parse_args()
    t0 = float(int(time.time()) - DAY - 60)
    rows = _rows(max(1, args.series), t0)
    per_flush_2s = 2 * max(1, args.series)  # a 2 s flush timer at 1 s resolution

    base_s, mem = _baseline_write(rows)
    with tempfile.TemporaryDirectory() as tmp:
        bulk_s = _store_write(Path(tmp) / "bulk.sqlite3", rows, batch=50_000)
        timer_rows = rows[: 3600 * max(1, args.series)]  # one hour flushed every 2 s
        timer_s = _store_write(Path(tmp) / "timer.sqlite3", timer_rows, batch=per_flush_2s)
        store = HistoryStore(Path(tmp) / "bulk.sqlite3", retention_s=30 * DAY)
        q_store = _median_time(lambda: store.query_series("clients", "", t0, t0 + DAY))
        buckets = store.query_series("clients", "", t0, t0 + DAY)
        q_raw = _median_time(lambda: store.query_raw("clients", "", t0, t0 + DAY))
        size_mb = (Path(tmp) / "bulk.sqlite3").stat().st_size / 1e6
        store.close()

    mem.execute("CREATE INDEX s_idx ON samples (metric, server_id, t)")
    sql = "SELECT t, value FROM samples WHERE metric=? AND server_id=? AND t>=? AND t<? ORDER BY t"
    q_base = _median_time(lambda: mem.execute(sql, ("clients", "", t0, t0 + DAY)).fetchall())

    n = len(rows)
    print(f"rows: {n:,} ({args.series} series x 24 h at 1 s); file {size_mb:.1f} MB")
    print(f"baseline write (raw executemany, in-memory): {n / base_s:,.0f} rows/s")
    print(
        f"HistoryStore write, 50k rows per flush:      {n / bulk_s:,.0f} rows/s "
        f"(ratio to baseline {bulk_s / base_s:.2f}x the time)"
    )
    print(
        f"HistoryStore write, 2 s flush timer (1 h):   {len(timer_rows) / timer_s:,.0f} rows/s, "
        f"{timer_s / (len(timer_rows) / per_flush_2s) * 1e3:.3f} ms per flush "
        f"of {per_flush_2s} rows"
    )
    print(f"baseline query (raw SELECT 86,400 rows, in-memory, indexed): {q_base * 1e3:.1f} ms")
    print(
        f"HistoryStore query_raw 24 h (86,400 rows):   {q_raw * 1e3:.1f} ms "
        f"(ratio {q_raw / q_base:.2f}x)"
    )
    print(
        f"HistoryStore query_series 24 h -> {len(buckets)} per-minute buckets: "
        f"{q_store * 1e3:.1f} ms (ratio to baseline raw select {q_store / q_base:.2f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
