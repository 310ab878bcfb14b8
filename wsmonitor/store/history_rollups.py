"""Per-minute roll-ups of the history samples, and the downsampled buckets read from them.

The roll-ups (count/sum/min/max/last per series and minute) are kept up to date at flush time,
so a 24 h view reads 1,440 rows instead of 86,400 raw samples.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Query = Callable[[str, tuple[Any, ...]], list[Any]]
Row = tuple[int, float, float]  # (series_id, t, value)

# SET expressions see the row as it was before the update, hence `last_t` in the CASE.
_ADD_TO_MINUTE = """
INSERT INTO minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (series_id, minute) DO UPDATE SET
    count = count + excluded.count, sum = sum + excluded.sum,
    min = MIN(min, excluded.min), max = MAX(max, excluded.max),
    last = CASE WHEN excluded.last_t >= last_t THEN excluded.last ELSE last END,
    last_t = MAX(last_t, excluded.last_t)
"""
# Parameters: (series_id, minute, minute start, minute end).
_RECOMPUTE_MINUTE = """
INSERT OR REPLACE INTO minutes
SELECT ?1, ?2, COUNT(*), SUM(value), MIN(value), MAX(value),
    (SELECT value FROM samples WHERE series_id = ?1 AND t >= ?3 AND t < ?4
     ORDER BY t DESC LIMIT 1),
    MAX(t)
FROM samples WHERE series_id = ?1 AND t >= ?3 AND t < ?4
"""


@dataclass(frozen=True)
class Bucket:
    """One downsampled point of a series: the values seen in [t, t + bucket_s)."""

    t: float
    avg: float
    min: float
    max: float
    last: float  # the latest value: use it for gauges like clients
    sum: float  # use it for counters like connects per interval
    count: int


def write_samples(conn: sqlite3.Connection, rows: Sequence[Row]) -> None:
    """Store raw ``(series_id, t, value)`` rows and keep the minute roll-ups exact.

    A second value for a (series, second) already stored replaces the first one, in the raw
    rows and in the roll-up: the minutes it touches are recomputed from the raw rows. That only
    happens when a conflict is seen, so the usual flush pays one counter comparison for it.
    """
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO samples VALUES (?, ?, ?)", rows)
    if conn.total_changes - before == len(rows):  # all new: add them to the roll-ups
        conn.executemany(_ADD_TO_MINUTE, _minute_rollups(rows))
        return
    # Some (series, t) were there already, or came twice in this batch: the last value wins.
    conn.executemany("UPDATE samples SET value = ?3 WHERE series_id = ?1 AND t = ?2", rows)
    minutes = {(sid, int(t // 60)) for sid, t, _ in rows}
    conn.executemany(_RECOMPUTE_MINUTE, [(sid, m, m * 60.0, m * 60.0 + 60.0) for sid, m in minutes])


def add_to_samples(
    conn: sqlite3.Connection,
    series_id: int,
    deltas: Mapping[float, float],
    insert_missing: bool = False,
) -> int:
    """Add ``deltas[t]`` to the stored sample of ``series_id`` at ``t``; returns rows changed.

    A time with no stored sample is skipped, or with ``insert_missing`` stored with the delta as
    its value (a counter that counted nothing there starts from zero). The minutes that changed
    are recomputed from the raw rows.
    """
    changed = 0
    minutes: set[int] = set()
    for t, delta in deltas.items():
        params = (float(delta), series_id, float(t))
        cur = conn.execute(
            "UPDATE samples SET value = value + ? WHERE series_id = ? AND t = ?", params
        )
        if cur.rowcount <= 0 and insert_missing:
            cur = conn.execute("INSERT INTO samples VALUES (?2, ?3, ?1)", params)
        if cur.rowcount > 0:  # only minutes with a sample: an empty one would get NULLs
            changed += cur.rowcount
            minutes.add(int(t // 60))
    conn.executemany(
        _RECOMPUTE_MINUTE, [(series_id, m, m * 60.0, m * 60.0 + 60.0) for m in sorted(minutes)]
    )
    return changed


def _minute_rollups(rows: Iterable[Row]) -> list[tuple[Any, ...]]:
    """Group ``(series_id, t, value)`` rows into per-minute upsert parameters."""
    acc: dict[tuple[int, int], list[float]] = {}
    for sid, t, v in rows:
        key = (sid, int(t // 60))
        a = acc.get(key)
        if a is None:
            acc[key] = [1, v, v, v, v, t]
            continue
        a[0] += 1
        a[1] += v
        a[2] = min(a[2], v)
        a[3] = max(a[3], v)
        if t >= a[5]:
            a[4], a[5] = v, t
    return [(sid, minute, *a) for (sid, minute), a in acc.items()]


def bucket_size(start: float, end: float, bucket_s: float | None) -> float:
    """``bucket_s``, or ~1,440 buckets over the range; whole minutes from a minute up."""
    if bucket_s and bucket_s > 0:
        return float(bucket_s)
    size = max(1.0, (end - start) / 1440)
    return math.ceil(size / 60) * 60.0 if size > 60 else size


def query_buckets(
    query: Query, series_id: int, start: float, end: float, size: float
) -> list[Bucket]:
    """Buckets of ``size`` seconds over [start, end), aligned to multiples of ``size``.

    Whole-minute sizes come from the roll-ups (so they cover whole minutes at the edges of the
    range); smaller ones are computed from the raw samples.
    """
    if size >= 60 and size % 60 == 0:
        return _from_minutes(query, series_id, start, end, size)
    params = (size, series_id, start, end)
    where = "FROM samples WHERE series_id = ? AND t >= ? AND t < ? GROUP BY k ORDER BY k"
    stats = query(
        "SELECT CAST(t / ? AS INTEGER) AS k, AVG(value), MIN(value), MAX(value), SUM(value), "
        f"COUNT(*) {where}",
        params,
    )
    # A lone max() makes SQLite take the bare `value` from the row with the latest t.
    last_sql = f"SELECT CAST(t / ? AS INTEGER) AS k, value, MAX(t) {where}"
    lasts = {k: value for k, value, _ in query(last_sql, params)}
    return [
        Bucket(k * size, avg, lo, hi, lasts.get(k, avg), total, count)
        for k, avg, lo, hi, total, count in stats
    ]


def _from_minutes(
    query: Query, series_id: int, start: float, end: float, size: float
) -> list[Bucket]:
    rows = query(
        "SELECT minute, count, sum, min, max, last FROM minutes "
        "WHERE series_id = ? AND minute >= ? AND minute < ? ORDER BY minute",
        (series_id, int(start // 60), -int(-end // 60)),
    )
    per = int(size // 60)
    out: list[Bucket] = []
    acc: list[Any] | None = None  # [k, count, sum, min, max, last]
    for minute, count, total, lo, hi, last in rows:
        k = minute // per
        if acc is not None and acc[0] == k:
            acc[1] += count
            acc[2] += total
            acc[3], acc[4], acc[5] = min(acc[3], lo), max(acc[4], hi), last
            continue
        if acc is not None:
            out.append(_bucket(acc, size))
        acc = [k, count, total, lo, hi, last]
    if acc is not None:
        out.append(_bucket(acc, size))
    return out


def _bucket(acc: list[Any], size: float) -> Bucket:
    k, count, total, lo, hi, last = acc
    return Bucket(k * size, total / count, lo, hi, last, total, count)
