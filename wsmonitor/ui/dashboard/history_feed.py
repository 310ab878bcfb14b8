"""Plot data from before this session: the SQLite history fills the long windows after a restart.

The live ring buffers start empty when the app (or the profile) starts; the history store keeps
what earlier sessions recorded. For the part of a range before the session started, buckets come
from ``HistoryStore.query_series`` (cached: that past does not change while we watch).
"""

from __future__ import annotations

import logging
import math

import numpy as np

from wsmonitor.core.health import HealthSample, compute_periods
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
        self._tails: dict[tuple[object, ...], list[HealthSample]] = {}

    def reset(self) -> None:
        self._cache.clear()
        self._tails.clear()

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
        past = self._past(history, history_key(series), first, stop, width, reduce)
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

    def health_tail(
        self, history: HistoryStore | None, start: float, cutoff: float
    ) -> list[HealthSample]:
        """Health samples of earlier sessions in [start, cutoff), cached (at most one bucket)."""
        if history is None or start >= cutoff:
            return []
        key = ("health", start, cutoff)
        if key not in self._tails:
            try:
                self._tails = {key: history.health_samples(start, cutoff)}
            except Exception:  # a locked or broken history file must not break the live plots
                log.exception("reading health history failed")
                self._tails = {key: []}
        return self._tails[key]

    def before(
        self,
        history: HistoryStore | None,
        metric: str,
        start: float,
        end: float,
        cutoff: float,
        width: int,
        reduce: Reduce = Reduce.MEAN,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Buckets of a stored ``metric`` (all servers) from ``start`` up to ``cutoff``.

        For data with no live ``TimeSeries`` (health is polled, not aggregated): bucket starts
        and values, NaN where nothing was recorded.
        """
        first = math.floor(start / width) * width
        stop = min(math.floor(cutoff / width) * width, math.floor(end / width) * width + width)
        if history is None or stop <= first:
            return np.empty(0), np.empty(0)
        values = self._past(history, (metric, ""), first, stop, width, reduce)
        return np.arange(first, stop, width, dtype=np.float64), values

    def _past(
        self,
        history: HistoryStore,
        series_key: tuple[str, str],
        first: int,
        stop: int,
        width: int,
        reduce: Reduce,
    ) -> np.ndarray:
        metric, server_id = series_key
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


def health_before(
    backfill: HistoryBackfill,
    history: HistoryStore | None,
    start: float,
    end: float,
    cutoff: float,
    width: int,
) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float]]]:
    """Health latency points and down periods recorded before ``cutoff`` (earlier sessions).

    From the ``health.up`` (1/0) and ``health.latency_ms`` series ``record_health`` writes. A
    bucket with any failed check is a down band and, like a failed live sample, has no latency
    point (a failing endpoint's latency would read as a normal one).
    """
    x, up = backfill.before(history, "health.up", start, end, cutoff, width)
    _, latency = backfill.before(history, "health.latency_ms", start, end, cutoff, width)
    down = up < 1.0  # NaN (nothing recorded) compares False: no band, no point
    y = np.where(down, np.nan, latency)
    bands: list[tuple[float, float]] = []
    for i in np.flatnonzero(down):
        t = float(x[i])
        if bands and bands[-1][1] == t:
            bands[-1] = (bands[-1][0], t + width)
        else:
            bands.append((t, t + width))
    # The part bucket just before the cut-off, sample by sample (a bucket would mix sessions).
    tail_start = max(math.floor(cutoff / width) * width, start - 60)
    tail = backfill.health_tail(history, tail_start, cutoff) if tail_start < end else []
    tail_y = [s.latency_ms if s.ok and s.latency_ms is not None else np.nan for s in tail]
    bands += [(p.start, p.end) for p in compute_periods(tail) if not p.up]
    # Points mid-bucket, and a break at the cut-off so no line joins two sessions.
    x = np.concatenate([x + width / 2, [s.t for s in tail], [cutoff]])
    return x, np.concatenate([y, tail_y, [np.nan]]), bands
