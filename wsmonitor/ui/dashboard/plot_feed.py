"""What a plot draws for a time range: series cut into buckets aligned to the clock.

Buckets start at multiples of their width (12:00:05, 12:00:10, …), so bars do not shift as time
advances. The bucket width follows the range shown: per second over 5 minutes, coarser over
24 hours, finer again when the user zooms in.
"""

from __future__ import annotations

import math

import numpy as np

from wsmonitor.core.series import Reduce, TimeSeries, downsample

#: Bucket widths a plot may use (seconds), smallest first.
BUCKETS: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)

_EMPTY = (np.empty(0), np.empty(0))


def bucket_for(span_s: float, target_points: int) -> int:
    """The smallest bucket width that keeps ``span_s`` under ``target_points`` buckets."""
    for width in BUCKETS:
        if span_s / width <= target_points:
            return width
    return BUCKETS[-1]


def describe_bucket(width: int) -> str:
    """'per 5 s', 'per min', 'per 15 min'."""
    if width < 60:
        return f"per {width} s"
    if width == 60:
        return "per min"
    if width < 3600:
        return f"per {width // 60} min"
    return "per hour"


def aligned_window(
    series: TimeSeries, start: float, end: float, width: int, reduce: Reduce
) -> tuple[np.ndarray, np.ndarray]:
    """``series`` over [start, end] in buckets of ``width`` s starting at clock multiples.

    Buckets the series never covered are NaN (a gap), never zero.
    """
    first = math.floor(start / width) * width
    t, v = series.raw(first, end)
    if not t.size:
        return _EMPTY
    lead = int(t[0]) - first
    tail = (-(lead + t.size)) % width
    if lead or tail:
        v = np.concatenate([np.full(lead, np.nan), v, np.full(tail, np.nan)])
        t = np.arange(first, first + v.size, dtype=np.float64)
    if width == 1:
        return t, v
    return downsample(t, v, v.size // width, reduce)


def recent_rate(series: TimeSeries, now: float, span: float = 10.0) -> float:
    """Average per second over the last ``span`` seconds the series covers (NaN: no data).

    The newest second alone is often 0 (stats arrive every 2 s, stamped with past seconds).
    """
    _, values = series.raw(now - span, now)
    covered = values[np.isfinite(values)]
    return float(covered.mean()) if covered.size else math.nan
