"""Plot data from before this session: the SQLite history fills the long windows after a restart.

The live ring buffers start empty when the app (or the profile) starts; the history store keeps
what earlier sessions recorded. For the part of a range before the session started, buckets come
from ``HistoryStore.query_series`` (cached: that past does not change while we watch).
"""

from __future__ import annotations

import logging
import math

import numpy as np

from wsmonitor.core.series import Reduce, TimeSeries
from wsmonitor.store.history import HistoryStore

log = logging.getLogger(__name__)

_CACHE_LIMIT = 512


def history_key(series: TimeSeries) -> tuple[str, str]:
    """(metric, server_id) under which the session records ``series``."""
    if series.name.startswith("clients:"):
        return "clients", series.name.split(":", 1)[1]
    return series.name, ""


class HistoryBackfill:
    """Bucketed history before a cut-off time, cached per series, range and bucket width."""

    def __init__(self) -> None:
        self._cache: dict[tuple[object, ...], np.ndarray] = {}

    def reset(self) -> None:
        self._cache.clear()

    def merge(
        self,
        history: HistoryStore | None,
        series: TimeSeries,
        live: tuple[np.ndarray, np.ndarray],
        start: float,
        end: float,
        cutoff: float,
        width: int,
        reduce: Reduce,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``live`` (aligned buckets) with the buckets before ``cutoff`` taken from history."""
        first = math.floor(start / width) * width
        stop = min(math.floor(cutoff / width) * width, math.floor(end / width) * width + width)
        if history is None or stop <= first:
            return live
        past = self._past(history, series, first, stop, width, reduce)
        x, y = live
        if not x.size or x[0] != first:
            tail = x >= stop
            grid = np.arange(first, stop, width, dtype=np.float64)
            return np.concatenate([grid, x[tail]]), np.concatenate([past, y[tail]])
        y = y.copy()
        count = min(past.size, y.size)
        before = np.isnan(y[:count])
        y[:count][before] = past[:count][before]
        return x, y

    def _past(
        self,
        history: HistoryStore,
        series: TimeSeries,
        first: int,
        stop: int,
        width: int,
        reduce: Reduce,
    ) -> np.ndarray:
        metric, server_id = history_key(series)
        key = (metric, server_id, first, stop, width, reduce)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        values = np.full((stop - first) // width, np.nan)
        try:
            buckets = history.query_series(metric, server_id, first, stop, bucket_s=width)
        except Exception:  # a locked or broken history file must not break the live plots
            log.exception("reading history failed")
            buckets = []
        for bucket in buckets:
            index = int((bucket.t - first) // width)
            if 0 <= index < values.size:
                values[index] = bucket.sum if reduce is Reduce.SUM else bucket.avg
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = values
        return values
