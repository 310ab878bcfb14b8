"""History that outlives the process: numeric series and events in one SQLite file per profile.

Writes are buffered in memory and written by ``flush()`` in one transaction, which the caller runs
from a timer. A corrupted, locked or too-new file never stops the app: the store starts a fresh
file (keeping the old one, renamed) and says so in ``notice``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wsmonitor.core.health import HealthSample
from wsmonitor.core.paths import data_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Integrity-check files up to this size at open (~10 ms per MB); bigger ones are checked lazily:
# a damaged page found by a later query or flush triggers the same recovery.
_QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
_PRUNE_EVERY_S = 3600.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY, metric TEXT NOT NULL, server_id TEXT NOT NULL,
    UNIQUE (metric, server_id));
CREATE TABLE IF NOT EXISTS samples (
    series_id INTEGER NOT NULL, t REAL NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (series_id, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minutes (
    series_id INTEGER NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL,
    sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, last REAL NOT NULL,
    last_t REAL NOT NULL, PRIMARY KEY (series_id, minute)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, server_id TEXT NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_time ON events (t);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, t);
"""
# Per-minute roll-ups are kept up to date at flush time, so a 24 h view reads 1,440 rows.
# SET expressions see the row as it was before the update, hence `last_t` in the CASE.
_UPSERT_MINUTE = """
INSERT INTO minutes VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (series_id, minute) DO UPDATE SET
    count = count + excluded.count, sum = sum + excluded.sum,
    min = MIN(min, excluded.min), max = MAX(max, excluded.max),
    last = CASE WHEN excluded.last_t >= last_t THEN excluded.last ELSE last END,
    last_t = MAX(last_t, excluded.last_t)
"""


def _minute_rollups(rows: Iterable[tuple[int, float, float]]) -> list[tuple[Any, ...]]:
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


@dataclass(frozen=True)
class Bucket:
    """One downsampled point of a series: the values seen in [t, t + bucket_s)."""

    t: float
    avg: float
    min: float
    max: float
    last: float
    sum: float
    count: int


@dataclass(frozen=True)
class HistoryEvent:
    """Something that happened at a moment: a disconnect, an alert, a health sample, a gap."""

    t: float
    kind: str
    server_id: str
    data: dict[str, Any]


def default_history_path(profile_name: str | None = None) -> Path:
    """The history file of a profile (one file each, so clusters never mix)."""
    if not profile_name:
        return data_dir() / "history.sqlite3"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", profile_name).strip("-.")[:60] or "profile"
    if slug != profile_name:  # keep "a b" and "a-b" apart
        slug += "-" + hashlib.sha1(profile_name.encode()).hexdigest()[:8]
    return data_dir() / f"history-{slug}.sqlite3"


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _is_corrupt(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return type(exc) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text


class _Unusable(Exception):
    """The file cannot be used as our history; ``args[0]`` says why in plain words."""


class HistoryStore:
    """Buffered, downsampling SQLite history of series samples and events."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        profile_name: str | None = None,
        retention_s: float = 7 * 86400,
        max_pending: int = 500_000,
    ) -> None:
        self.path = Path(path) if path is not None else default_history_path(profile_name)
        self.retention_s = float(retention_s)
        self.max_pending = max(1000, int(max_pending))
        self.notice: str | None = None
        self.last_error: str | None = None
        self.dropped = 0
        self._samples: list[tuple[str, str, float, float]] = []
        self._events: list[tuple[float, str, str, str]] = []
        self._series_ids: dict[tuple[str, str], int] = {}
        self._last_prune = float("-inf")
        self._closed = False
        self._in_memory = False
        self._conn = self._open_safely()

    # ---- opening and recovery -------------------------------------------------------------

    def _connect(self, path: Path | str) -> sqlite3.Connection:
        conn = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout = 2000")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _Unusable(f"it was written by a newer wsmonitor (schema {version})")
            if isinstance(path, Path) and path.stat().st_size <= _QUICK_CHECK_MAX_BYTES:
                result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
                if result != "ok":
                    raise sqlite3.DatabaseError(result)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open_safely(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect(self.path)
        except sqlite3.Error as exc:
            if _is_locked(exc):
                return self._open_fallback(f"it is locked by another program ({exc})")
            if _is_corrupt(exc):
                return self._start_fresh(f"it is damaged ({exc})")
            return self._open_in_memory(f"it cannot be opened ({exc})")
        except _Unusable as exc:
            return self._start_fresh(str(exc))
        except OSError as exc:
            return self._open_in_memory(f"it cannot be created or opened ({exc})")

    def _start_fresh(self, why: str) -> sqlite3.Connection:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self.path) + suffix)
                if part.exists():
                    part.replace(Path(str(kept) + suffix))
            conn = self._connect(self.path)
        except (OSError, sqlite3.Error, _Unusable) as exc:
            return self._open_in_memory(f"{why}, and a fresh file could not be made ({exc})")
        self._warn(
            f"The history file {self.path} could not be used because {why}. "
            f"It was kept as {kept.name} and a new, empty history was started."
        )
        return conn

    def _open_fallback(self, why: str) -> sqlite3.Connection:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        fallback = self.path.with_name(f"{self.path.stem}.session-{stamp}.sqlite3")
        try:
            conn = self._connect(fallback)
        except (OSError, sqlite3.Error, _Unusable) as exc:
            return self._open_in_memory(f"{why}, and no other file could be made ({exc})")
        self._warn(
            f"The history file {self.path} was not touched because {why}. "
            f"This session's history is kept in {fallback.name} instead."
        )
        self.path = fallback
        return conn

    def _open_in_memory(self, why: str) -> sqlite3.Connection:
        self._warn(
            f"The history file {self.path} cannot be used because {why}. "
            "History is kept in memory only and will not survive a restart."
        )
        self._in_memory = True
        return self._connect(":memory:")

    def _warn(self, message: str) -> None:
        self.notice = message
        log.warning("%s", message)

    def _recover(self, exc: sqlite3.Error) -> None:
        """The file went bad while in use: keep it aside and continue with a fresh one."""
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._series_ids.clear()
        if self._in_memory:  # nothing on disk to keep aside
            self._conn = self._connect(":memory:")
        else:
            self._conn = self._start_fresh(f"it is damaged ({exc})")

    # ---- buffered writes --------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return len(self._samples) + len(self._events)

    def _bound(self, rows: list[Any]) -> None:
        excess = len(rows) - self.max_pending
        if excess > 0:  # the disk is stuck: lose the oldest rows, not memory
            drop = max(excess, self.max_pending // 10)
            del rows[:drop]
            self.dropped += drop
            log.warning("history writes are not keeping up; dropped %d old rows", drop)

    def record_sample(self, metric: str, server_id: str, t: float, value: float) -> None:
        """Queue one sample of ``metric`` for ``server_id`` ("" for totals); NaN is skipped."""
        t, value = float(t), float(value)
        # NaN marks "no data" in live series; SQLite would store it as NULL, so a gap stays a gap.
        if math.isfinite(t) and math.isfinite(value):
            self._samples.append((metric, server_id, t, value))
            self._bound(self._samples)

    def record_samples(self, rows: Iterable[tuple[str, str, float, float]]) -> None:
        """Queue many ``(metric, server_id, t, value)`` samples (non-finite ones skipped)."""
        finite = math.isfinite
        self._samples.extend(
            (m, s, t, v)
            for m, s, t, v in ((m, s, float(t), float(v)) for m, s, t, v in rows)
            if finite(t) and finite(v)
        )
        self._bound(self._samples)

    def record_event(
        self, kind: str, t: float, server_id: str = "", data: Mapping[str, Any] | None = None
    ) -> None:
        """Queue an event; ``data`` must be JSON-serialisable (other values become strings)."""
        if not math.isfinite(t := float(t)):
            return
        payload = json.dumps(dict(data or {}), default=str, separators=(",", ":"))
        self._events.append((t, kind, server_id, payload))
        self._bound(self._events)

    def record_health(self, sample: HealthSample, server_id: str = "") -> None:
        """Queue a health sample: an event, plus ``health.up`` and ``health.latency_ms`` series."""
        self.record_event("health", sample.t, server_id, sample.to_dict())
        self.record_sample("health.up", server_id, sample.t, 1.0 if sample.ok else 0.0)
        if sample.latency_ms is not None:
            self.record_sample("health.latency_ms", server_id, sample.t, sample.latency_ms)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _resolve_ids(self, conn: sqlite3.Connection, keys: set[tuple[str, str]]) -> dict:
        ids = dict(self._series_ids)
        for key in keys - ids.keys():
            conn.execute("INSERT OR IGNORE INTO series (metric, server_id) VALUES (?, ?)", key)
            row = conn.execute(
                "SELECT id FROM series WHERE metric = ? AND server_id = ?", key
            ).fetchone()
            ids[key] = row[0]
        return ids

    def flush(self) -> int:
        """Write everything queued in one transaction; returns rows written, never raises."""
        if not self.pending:
            self._maybe_prune()
            return 0
        samples, events = self._samples, self._events
        self._samples, self._events = [], []
        try:
            with self._transaction() as conn:
                ids = self._resolve_ids(conn, {(m, s) for m, s, _, _ in samples})
                rows = [(ids[(m, s)], t, v) for m, s, t, v in samples]
                conn.executemany("INSERT OR REPLACE INTO samples VALUES (?, ?, ?)", rows)
                conn.executemany(_UPSERT_MINUTE, _minute_rollups(rows))
                conn.executemany(
                    "INSERT INTO events (t, kind, server_id, data) VALUES (?, ?, ?, ?)", events
                )
        except sqlite3.Error as exc:
            self.last_error = f"history could not be written: {exc}"
            log.warning("%s", self.last_error)
            if _is_locked(exc) or _is_corrupt(exc):  # worth retrying: later, or in a fresh file
                self._samples[:0], self._events[:0] = samples, events
                self._bound(self._samples)
                self._bound(self._events)
                if _is_corrupt(exc):
                    self._recover(exc)
            else:  # a batch SQLite rejects would be rejected forever: drop it, keep going
                self.dropped += len(samples) + len(events)
            return 0
        self._series_ids = ids
        self.last_error = None
        self._maybe_prune()
        return len(samples) + len(events)

    async def run_flusher(self, interval: float = 2.0) -> None:
        """Flush every ``interval`` seconds until cancelled (then flush once more)."""
        try:
            while True:
                await asyncio.sleep(interval)
                self.flush()
        finally:
            self.flush()

    def _maybe_prune(self) -> None:
        now = time.monotonic()
        if now - self._last_prune >= _PRUNE_EVERY_S:
            self._last_prune = now
            self.prune()

    def prune(self, now: float | None = None) -> int:
        """Delete rows older than the retention period; returns how many were deleted."""
        cutoff = (time.time() if now is None else now) - self.retention_s
        deleted = 0
        try:
            with self._transaction() as conn:
                for (series_id,) in conn.execute("SELECT id FROM series").fetchall():
                    deleted += conn.execute(
                        "DELETE FROM samples WHERE series_id = ? AND t < ?", (series_id, cutoff)
                    ).rowcount
                    conn.execute(
                        "DELETE FROM minutes WHERE series_id = ? AND minute < ?",
                        (series_id, int(cutoff // 60)),
                    )
                deleted += conn.execute("DELETE FROM events WHERE t < ?", (cutoff,)).rowcount
        except sqlite3.Error as exc:
            log.warning("old history could not be pruned: %s", exc)
        return deleted

    # ---- queries ----------------------------------------------------------------------------

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            self.last_error = f"history could not be read: {exc}"
            log.warning("%s", self.last_error)
            if _is_corrupt(exc):
                self._recover(exc)
            return []

    def _series_id(self, metric: str, server_id: str) -> int | None:
        key = (metric, server_id)
        if key not in self._series_ids:
            rows = self._query(
                "SELECT id FROM series WHERE metric = ? AND server_id = ?", (metric, server_id)
            )
            if not rows:
                return None
            self._series_ids[key] = rows[0][0]
        return self._series_ids[key]

    def query_raw(
        self, metric: str, server_id: str, start: float, end: float
    ) -> list[tuple[float, float]]:
        """Every stored ``(t, value)`` of a series with start <= t < end, oldest first."""
        series_id = self._series_id(metric, server_id)
        if series_id is None:
            return []
        sql = "SELECT t, value FROM samples WHERE series_id = ? AND t >= ? AND t < ? ORDER BY t"
        return [(t, v) for t, v in self._query(sql, (series_id, start, end))]

    def query_series(
        self, metric: str, server_id: str, start: float, end: float, bucket_s: float | None = None
    ) -> list[Bucket]:
        """Downsampled series over [start, end): ~1440 buckets by default (per minute for 24 h).

        Buckets of whole minutes come from the per-minute roll-ups (so they cover whole minutes
        at the edges of the range); smaller ones are computed from the raw samples.
        """
        series_id = self._series_id(metric, server_id)
        if series_id is None or end <= start:
            return []
        if bucket_s and bucket_s > 0:
            size = float(bucket_s)
        else:  # ~1,440 points; whole minutes from a minute up, so the roll-ups can answer
            size = max(1.0, (end - start) / 1440)
            size = math.ceil(size / 60) * 60.0 if size > 60 else size
        if size >= 60 and size % 60 == 0:
            return self._from_minutes(series_id, start, end, size)
        params = (size, series_id, start, end)
        where = "FROM samples WHERE series_id = ? AND t >= ? AND t < ? GROUP BY k ORDER BY k"
        stats = self._query(
            "SELECT CAST(t / ? AS INTEGER) AS k, AVG(value), MIN(value), MAX(value), SUM(value), "
            f"COUNT(*) {where}",
            params,
        )
        # A lone max() makes SQLite take the bare `value` from the row with the latest t.
        last_sql = f"SELECT CAST(t / ? AS INTEGER) AS k, value, MAX(t) {where}"
        lasts = {k: value for k, value, _ in self._query(last_sql, params)}
        return [
            Bucket(k * size, avg, lo, hi, lasts.get(k, avg), total, count)
            for k, avg, lo, hi, total, count in stats
        ]

    def _from_minutes(self, series_id: int, start: float, end: float, size: float) -> list[Bucket]:
        rows = self._query(
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
                out.append(self._bucket(acc, size))
            acc = [k, count, total, lo, hi, last]
        if acc is not None:
            out.append(self._bucket(acc, size))
        return out

    @staticmethod
    def _bucket(acc: list[Any], size: float) -> Bucket:
        k, count, total, lo, hi, last = acc
        return Bucket(k * size, total / count, lo, hi, last, total, count)

    def query_events(
        self,
        start: float,
        end: float,
        kinds: Iterable[str] | None = None,
        server_id: str | None = None,
        limit: int = 10_000,
    ) -> list[HistoryEvent]:
        """Events with start <= t < end, oldest first, optionally of some kinds / one server."""
        sql = "SELECT t, kind, server_id, data FROM events WHERE t >= ? AND t < ?"
        params: list[Any] = [start, end]
        kind_list = list(kinds) if kinds is not None else None
        if kind_list is not None:
            sql += f" AND kind IN ({','.join('?' * len(kind_list))})" if kind_list else " AND 0"
            params += kind_list
        if server_id is not None:
            sql += " AND server_id = ?"
            params.append(server_id)
        sql += " ORDER BY t LIMIT ?"
        params.append(max(0, int(limit)))
        out = []
        for t, kind, sid, data in self._query(sql, tuple(params)):
            try:
                payload = json.loads(data)
            except ValueError:
                payload = {}
            out.append(HistoryEvent(t, kind, sid, payload if isinstance(payload, dict) else {}))
        return out

    def health_samples(self, start: float, end: float) -> list[HealthSample]:
        """Health samples recorded with ``record_health`` in [start, end)."""
        return [HealthSample.from_dict(e.data) for e in self.query_events(start, end, ["health"])]

    def series_keys(self) -> list[tuple[str, str]]:
        """Every ``(metric, server_id)`` stored."""
        rows = self._query("SELECT metric, server_id FROM series ORDER BY metric, server_id", ())
        return [(m, s) for m, s in rows]

    def time_range(self) -> tuple[float, float] | None:
        """Oldest and newest sample time stored, or None when empty."""
        rows = self._query("SELECT MIN(t), MAX(t) FROM samples", ())
        return None if not rows or rows[0][0] is None else (rows[0][0], rows[0][1])

    def close(self) -> None:
        """Flush what is queued and close the file; safe to call twice."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
