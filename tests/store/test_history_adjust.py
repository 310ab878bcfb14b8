"""``HistoryStore.adjust_samples``: a recount corrects stored and queued samples and roll-ups.

By default times with no sample are ignored, not inserted: a correction is not a measurement (the
second may have been pruned, or never recorded). ``insert_missing`` stores the delta there: the
recorder uses it for seconds it copied as NaN (nothing counted) that a recount turned into counts.
"""

from __future__ import annotations

import time
from pathlib import Path

from wsmonitor.store.history import HistoryStore

# Two days ago on a round hour: inside the default retention, minute edges easy to reason about.
T0 = float((int(time.time()) // 3600 - 48) * 3600)


def minute_sums(store: HistoryStore, metric: str, start: float, end: float) -> list[tuple]:
    """(t, sum, min, max, last, count) of each stored minute (read from the roll-ups)."""
    buckets = store.query_series(metric, "", start, end, bucket_s=60)
    return [(b.t, b.sum, b.min, b.max, b.last, b.count) for b in buckets]


def test_stored_samples_and_their_minutes_are_corrected(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        # minute 0: 1 at T0+10, 2 at T0+59; minute 1: 1 at T0+60, 0 at T0+90
        rows = [(T0 + 10, 1.0), (T0 + 59, 2.0), (T0 + 60, 1.0), (T0 + 90, 0.0)]
        store.record_samples(("short_lived", "", t, v) for t, v in rows)
        store.record_sample("clients", "", T0 + 10, 7)  # another series: left alone
        store.flush()

        assert store.adjust_samples("short_lived", "", {T0 + 59: -2, T0 + 90: 3}) == 2

        got = store.query_raw("short_lived", "", T0, T0 + 120)
        assert got == [(T0 + 10, 1.0), (T0 + 59, 0.0), (T0 + 60, 1.0), (T0 + 90, 3.0)]
        assert minute_sums(store, "short_lived", T0, T0 + 120) == [
            (T0, 1.0, 0.0, 1.0, 0.0, 2),
            (T0 + 60, 4.0, 1.0, 3.0, 3.0, 2),
        ]
        assert store.query_raw("clients", "", T0, T0 + 60) == [(T0 + 10, 7.0)]
        # a coarser (whole-minute) bucket is summed from the corrected minutes
        [hour] = store.query_series("short_lived", "", T0, T0 + 3600, bucket_s=3600)
        assert (hour.sum, hour.count) == (5.0, 4)


def test_queued_samples_are_corrected_before_they_are_written(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_sample("short_lived", "", T0 + 5, 1)
        store.flush()
        store.record_sample("short_lived", "", T0 + 6, 2)  # queued, not written yet
        store.record_sample("short_lived", "s1", T0 + 6, 2)  # another server: left alone

        assert store.adjust_samples("short_lived", "", {T0 + 5: 1, T0 + 6: -1}) == 2
        assert store.pending == 2
        store.flush()
        got = store.query_raw("short_lived", "", T0, T0 + 60)
        assert got == [(T0 + 5, 2.0), (T0 + 6, 1.0)]  # each corrected once
        assert store.query_raw("short_lived", "s1", T0, T0 + 60) == [(T0 + 6, 2.0)]
        assert minute_sums(store, "short_lived", T0, T0 + 60) == [(T0, 3.0, 1.0, 2.0, 1.0, 2)]


def test_times_without_a_sample_are_ignored_not_inserted(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert store.adjust_samples("short_lived", "", {T0: 1}) == 0  # no such series yet
        store.record_sample("short_lived", "", T0 + 1, 1)
        store.flush()

        # T0+2 has no sample; T0+120 is in a minute with none; a zero step changes nothing
        assert store.adjust_samples("short_lived", "", {T0 + 2: 1, T0 + 120: 1, T0 + 1: 0}) == 0
        assert store.query_raw("short_lived", "", T0, T0 + 600) == [(T0 + 1, 1.0)]
        assert minute_sums(store, "short_lived", T0, T0 + 600) == [(T0, 1.0, 1.0, 1.0, 1.0, 1)]
        assert store.last_error is None


def test_corrections_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        store.record_samples([("short_lived", "", T0 + i, 1.0) for i in range(3)])
        store.flush()
        store.adjust_samples("short_lived", "", {T0 + 1: -1})
    with HistoryStore(path) as store:
        assert [v for _, v in store.query_raw("short_lived", "", T0, T0 + 3)] == [1.0, 0.0, 1.0]
        assert minute_sums(store, "short_lived", T0, T0 + 60)[0][1] == 2.0


def test_insert_missing_stores_the_delta_where_nothing_was(tmp_path: Path) -> None:
    """What the recorder asks for: a copied NaN second that a recount turned into a count."""
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_sample("short_lived", "", T0 + 1, 1)
        store.flush()
        store.record_sample("short_lived", "", T0 + 3, 1)  # queued: corrected, written once

        deltas = {T0 + 1: 1, T0 + 2: 1, T0 + 3: 1}
        assert store.adjust_samples("short_lived", "", deltas, insert_missing=True) == 4
        store.flush()
        got = store.query_raw("short_lived", "", T0, T0 + 60)
        assert got == [(T0 + 1, 2.0), (T0 + 2, 1.0), (T0 + 3, 2.0)]
        assert minute_sums(store, "short_lived", T0, T0 + 60) == [(T0, 5.0, 1.0, 2.0, 2.0, 3)]
        # a series never stored at all is created for it
        assert store.adjust_samples("other", "s1", {T0: 2}, insert_missing=True) == 1
        assert store.query_raw("other", "s1", T0, T0 + 1) == [(T0, 2.0)]
