"""Fixed-size time series for live plots: one slot per second, 24 h by default.

A slot nobody wrote is NaN, so a period without data (monitor disconnected, server gone) draws as
a gap, never as zero. Counters (connects per second) are zero-filled explicitly for the seconds a
server's stats covered; gauges (clients) are step-filled between two samples. Long windows are
downsampled into at most ``max_points`` buckets.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np

DAY_SECONDS = 86_400


class Reduce(StrEnum):
    """How a downsampled bucket summarises its slots (NaN slots ignored; all-NaN stays NaN)."""

    MEAN = "mean"  # gauges
    SUM = "sum"  # counters: the bucket's total
    MAX = "max"
    LAST = "last"


class TimeSeries:
    """Ring buffer of float64 values indexed by whole epoch seconds (resolution 1 s)."""

    __slots__ = ("_head", "_values", "capacity", "name")

    def __init__(self, name: str = "", capacity: int = DAY_SECONDS) -> None:
        self.name = name
        self.capacity = capacity
        self._values = np.full(capacity, np.nan)
        self._head: int | None = None  # newest second written or cleared

    # ------------------------------------------------------------------ writes

    def _slot(self, second: int) -> int | None:
        """Index for ``second``, moving the head forward (clearing stale slots); None if too old."""
        head = self._head
        if head is None:
            self._head = second
        elif second > head:
            gap = second - head
            if gap >= self.capacity:
                self._values.fill(np.nan)
            else:
                start = (head + 1) % self.capacity
                end = start + gap
                if end <= self.capacity:
                    self._values[start:end] = np.nan
                else:
                    self._values[start:] = np.nan
                    self._values[: end - self.capacity] = np.nan
            self._head = second
        elif second <= head - self.capacity:
            return None
        return second % self.capacity

    def add(self, t: float, amount: float) -> None:
        """Add to the slot of ``t`` (counters); a NaN slot starts from zero."""
        index = self._slot(int(t))
        if index is not None:
            current = self._values[index]
            self._values[index] = amount if current != current else current + amount

    def set(self, t: float, value: float) -> None:
        """Overwrite the slot of ``t`` (gauges)."""
        index = self._slot(int(t))
        if index is not None:
            self._values[index] = value

    def fill(self, t0: float, t1: float, value: float, *, only_missing: bool = True) -> None:
        """Write ``value`` into the seconds [t0, t1] (only NaN slots unless told otherwise)."""
        s0, s1 = int(t0), int(t1)
        if s1 < s0:
            return
        self._slot(s1)
        head = self._head if self._head is not None else s1
        s0 = max(s0, head - self.capacity + 1)
        if s1 - s0 + 1 <= 0:
            return
        idx = np.arange(s0, s1 + 1) % self.capacity
        if only_missing:
            idx = idx[np.isnan(self._values[idx])]
        self._values[idx] = value

    def clear(self) -> None:
        self._values.fill(np.nan)
        self._head = None

    # ------------------------------------------------------------------ reads

    @property
    def head(self) -> int | None:
        """Newest second held (written or cleared)."""
        return self._head

    def value_at(self, t: float) -> float:
        second = int(t)
        if self._head is None or second > self._head or second <= self._head - self.capacity:
            return math.nan
        return float(self._values[second % self.capacity])

    def last_valid(self) -> tuple[float, float] | None:
        """(second, value) of the newest non-NaN slot, or None."""
        if self._head is None:
            return None
        for back in range(min(self.capacity, 3600)):  # a live series is rarely older than this
            value = self._values[(self._head - back) % self.capacity]
            if value == value:
                return float(self._head - back), float(value)
        return None

    def raw(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """Times (epoch s) and values of every second in [start, end] held by the buffer."""
        if self._head is None:
            return np.empty(0), np.empty(0)
        s0 = max(int(start), self._head - self.capacity + 1)
        s1 = min(int(end), self._head)
        if s1 < s0:
            return np.empty(0), np.empty(0)
        seconds = np.arange(s0, s1 + 1)
        return seconds.astype(np.float64), self._values[seconds % self.capacity].copy()

    def window(
        self, start: float, end: float, max_points: int = 2000, reduce: Reduce = Reduce.MEAN
    ) -> tuple[np.ndarray, np.ndarray]:
        """[start, end] downsampled to at most ``max_points`` buckets (time = bucket start)."""
        t, v = self.raw(start, end)
        return downsample(t, v, max_points, reduce)

    def total(self, start: float, end: float) -> float:
        """Sum of the non-NaN slots in [start, end] (counters)."""
        _, v = self.raw(start, end)
        return float(np.nansum(v)) if v.size else 0.0

    @property
    def nbytes(self) -> int:
        return int(self._values.nbytes)


def downsample(
    t: np.ndarray, v: np.ndarray, max_points: int, reduce: Reduce = Reduce.MEAN
) -> tuple[np.ndarray, np.ndarray]:
    """Buckets of equal width so that at most ``max_points`` remain; NaN-aware."""
    n = v.size
    if max_points <= 0 or n <= max_points:
        return t, v
    width = math.ceil(n / max_points)
    buckets = math.ceil(n / width)
    pad = buckets * width - n
    if pad:
        v = np.concatenate([v, np.full(pad, np.nan)])
    grid = v.reshape(buckets, width)
    valid = ~np.isnan(grid)
    counts = valid.sum(axis=1)
    if reduce is Reduce.LAST:
        # index of the last valid slot per bucket
        last = width - 1 - np.argmax(valid[:, ::-1], axis=1)
        out = grid[np.arange(buckets), last]
    else:
        filled = np.where(valid, grid, -np.inf if reduce is Reduce.MAX else 0.0)
        if reduce is Reduce.MAX:
            out = filled.max(axis=1)
        else:
            out = filled.sum(axis=1)
            if reduce is Reduce.MEAN:
                out = out / np.maximum(counts, 1)
    out = np.where(counts > 0, out, np.nan)
    return t[::width].copy(), out
