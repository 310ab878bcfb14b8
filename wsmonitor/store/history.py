"""History that outlives the process: numeric series and events in one SQLite file per profile.

Writes are buffered in memory and written by ``flush()`` in one transaction, which the caller runs
from a timer. A corrupted, locked or too-new file never stops the app: the store starts a fresh
file (keeping the old one, renamed) and says so in ``notice``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from wsmonitor.core.health import HealthSample
from wsmonitor.store.history_events import (
    encode_data,
)
from wsmonitor.store.history_file import (
    OpenedHistory,
    default_history_path,
    is_corrupt,
    is_locked,
    open_history,
    reopen_after_damage,
)
from wsmonitor.store.history_queries import HistoryQueries
from wsmonitor.store.history_rollups import (
    add_to_samples,
    write_samples,
)

log = logging.getLogger(__name__)

_PRUNE_EVERY_S = 3600.0


class HistoryStore(HistoryQueries):
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
        self._use(open_history(self.path))

    # ---- the file and its recovery ---------------------------------------------------------

    def _use(self, opened: OpenedHistory) -> None:
        self._db = opened
        self._conn = opened.conn
        self.path = opened.path
        if opened.notice is not None:
            self.notice = opened.notice

    def _recover(self, exc: sqlite3.Error) -> None:
        """The file went bad while in use: keep it aside and continue with a fresh one."""
        self._series_ids.clear()
        self._use(reopen_after_damage(self._db, exc))

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
        self._events.append((t, kind, server_id, encode_data(data)))
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
                write_samples(conn, [(ids[(m, s)], t, v) for m, s, t, v in samples])
                conn.executemany(
                    "INSERT INTO events (t, kind, server_id, data) VALUES (?, ?, ?, ?)", events
                )
        except sqlite3.Error as exc:
            self.last_error = f"history could not be written: {exc}"
            log.warning("%s", self.last_error)
            if is_locked(exc) or is_corrupt(exc):  # worth retrying: later, or in a fresh file
                self._samples[:0], self._events[:0] = samples, events
                self._bound(self._samples)
                self._bound(self._events)
                if is_corrupt(exc):
                    self._recover(exc)
            else:  # a batch SQLite rejects would be rejected forever: drop it, keep going
                self.dropped += len(samples) + len(events)
            return 0
        self._series_ids = ids
        self.last_error = None
        self._maybe_prune()
        return len(samples) + len(events)

    def adjust_samples(
        self,
        metric: str,
        server_id: str,
        deltas: Mapping[float, float],
        *,
        insert_missing: bool = False,
    ) -> int:
        """Add ``deltas[t]`` to the samples of a series at those times (a recount); never raises.

        Queued samples are corrected in memory, stored ones (and their minute roll-ups) in one
        transaction. A time with no sample is ignored, or with ``insert_missing`` stored with
        the delta as its value. Returns how many samples changed.
        """
        deltas = {float(t): float(d) for t, d in deltas.items() if d}
        changed = 0
        for i, (m, s, t, v) in enumerate(self._samples):
            if t in deltas and m == metric and s == server_id:
                self._samples[i] = (m, s, t, v + deltas[t])
                changed += 1
        series_id = self._series_id(metric, server_id) if deltas else None
        if series_id is None and not (deltas and insert_missing):
            return changed
        key = (metric, server_id)
        try:
            with self._transaction() as conn:
                if series_id is None:  # a series never stored yet: create it to insert into
                    series_id = self._resolve_ids(conn, {key})[key]
                changed += add_to_samples(conn, series_id, deltas, insert_missing)
        except sqlite3.Error as exc:  # not retried: the stored seconds keep their old values
            self.last_error = f"history could not be corrected: {exc}"
            log.warning("%s", self.last_error)
            if is_corrupt(exc):
                self._recover(exc)
        return changed

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
            if is_corrupt(exc):
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
