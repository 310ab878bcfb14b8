"""Reading history back: raw samples, downsampled buckets, events and health samples."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wsmonitor.core.health import HealthSample
from wsmonitor.store.history_events import (
    HistoryEvent,
    event_from_row,
    events_query,
    health_sample_from,
)
from wsmonitor.store.history_rollups import Bucket, bucket_size, query_buckets


class HistoryQueries:
    """The read side of :class:`~wsmonitor.store.history.HistoryStore`.

    The store supplies the two primitives: ``_query`` (never raises: a read error gives [])
    and ``_series_id`` (the id of a stored series, cached).
    """

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        raise NotImplementedError

    def _series_id(self, metric: str, server_id: str) -> int | None:
        raise NotImplementedError

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
        size = bucket_size(start, end, bucket_s)
        return query_buckets(self._query, series_id, start, end, size)

    def query_events(
        self,
        start: float,
        end: float,
        kinds: Iterable[str] | None = None,
        server_id: str | None = None,
        limit: int = 10_000,
    ) -> list[HistoryEvent]:
        """Events with start <= t < end, oldest first, optionally of some kinds / one server."""
        sql, params = events_query(start, end, kinds, server_id, limit)
        return [event_from_row(row) for row in self._query(sql, params)]

    def health_samples(self, start: float, end: float) -> list[HealthSample]:
        """Health samples recorded with ``record_health`` in [start, end)."""
        events = self.query_events(start, end, ["health"])
        return [sample for e in events if (sample := health_sample_from(e)) is not None]

    def series_keys(self) -> list[tuple[str, str]]:
        """Every ``(metric, server_id)`` stored."""
        rows = self._query("SELECT metric, server_id FROM series ORDER BY metric, server_id", ())
        return [(m, s) for m, s in rows]

    def time_range(self) -> tuple[float, float] | None:
        """Oldest and newest sample time stored, or None when empty."""
        rows = self._query("SELECT MIN(t), MAX(t) FROM samples", ())
        return None if not rows or rows[0][0] is None else (rows[0][0], rows[0][1])
