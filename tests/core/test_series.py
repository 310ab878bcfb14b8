"""Ring-buffer time series: NaN gaps, wrap-around, downsampling, bounded memory."""

from __future__ import annotations

import math

import numpy as np

from wsmonitor.core.series import DAY_SECONDS, Reduce, TimeSeries, downsample

T = 1_795_975_000  # a whole second


def test_unwritten_seconds_are_nan_not_zero() -> None:
    s = TimeSeries("x")
    s.add(T, 2)
    s.add(T, 3)
    s.set(T + 5, 7)
    t, v = s.raw(T, T + 5)
    assert list(t) == [T + i for i in range(6)]
    assert v[0] == 5 and v[5] == 7
    assert all(math.isnan(x) for x in v[1:5])
    assert s.total(T, T + 5) == 12


def test_fill_only_missing_keeps_values() -> None:
    s = TimeSeries("x")
    s.add(T + 2, 4)
    s.fill(T, T + 3, 0.0)
    assert list(s.raw(T, T + 3)[1]) == [0, 0, 4, 0]
    s.fill(T, T + 1, 9.0, only_missing=False)
    assert list(s.raw(T, T + 3)[1]) == [9, 9, 4, 0]


def test_wraps_around_and_forgets_old_data() -> None:
    s = TimeSeries("x", capacity=10)
    for i in range(25):
        s.set(T + i, i)
    t, v = s.raw(T, T + 30)
    assert list(t) == [T + i for i in range(15, 25)]
    assert list(v) == list(range(15, 25))
    s.add(T, 1)  # too old: ignored, does not corrupt the newest slots
    assert list(s.raw(T, T + 30)[1]) == list(range(15, 25))


def test_a_jump_forward_clears_the_skipped_slots() -> None:
    s = TimeSeries("x", capacity=10)
    for i in range(10):
        s.set(T + i, 1)
    s.set(T + 14, 2)  # seconds T+10..T+13 never written: NaN, not old values
    _, v = s.raw(T + 5, T + 14)
    assert list(v[:5]) == [1] * 5
    assert all(math.isnan(x) for x in v[5:9]) and v[9] == 2
    s.set(T + 1000, 3)  # jump beyond capacity: everything before is gone
    _, v = s.raw(T, T + 1000)
    assert v.size == 10 and np.isnan(v[:-1]).all() and v[-1] == 3


def test_downsampling_is_nan_aware() -> None:
    t = np.arange(10, dtype=float)
    v = np.array([1, 1, np.nan, np.nan, 2, np.nan, 3, 3, np.nan, np.nan])
    assert list(downsample(t, v, 5, Reduce.SUM)[0]) == [0, 2, 4, 6, 8]
    sums = downsample(t, v, 5, Reduce.SUM)[1]
    assert list(sums[[0, 2, 3]]) == [2, 2, 6] and math.isnan(sums[1]) and math.isnan(sums[4])
    means = downsample(t, v, 5, Reduce.MEAN)[1]
    assert list(means[[0, 2, 3]]) == [1, 2, 3]
    assert list(downsample(t, v, 5, Reduce.MAX)[1][[0, 2, 3]]) == [1, 2, 3]
    assert list(downsample(t, v, 5, Reduce.LAST)[1][[0, 2, 3]]) == [1, 2, 3]
    same_t, same_v = downsample(t, v, 100)
    assert same_t is t and same_v is v


def test_window_over_24_hours_is_bounded() -> None:
    s = TimeSeries("clients")
    s.fill(T, T + DAY_SECONDS - 1, 5.0)
    t, v = s.window(T, T + DAY_SECONDS, max_points=1440, reduce=Reduce.MEAN)
    assert t.size <= 1440 and np.all(v == 5.0)
    assert t[1] - t[0] == 60  # one point per minute
    assert s.nbytes == DAY_SECONDS * 8  # fixed, whatever arrives


def test_value_at_and_last_valid() -> None:
    s = TimeSeries("x")
    assert s.last_valid() is None and math.isnan(s.value_at(T))
    s.set(T, 3)
    s.set(T + 4, math.nan)
    assert s.last_valid() == (T, 3)
    assert s.value_at(T) == 3 and math.isnan(s.value_at(T + 100))
