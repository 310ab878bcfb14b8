"""The SQLite history: batching, downsampling, roll-ups, retention and restarts."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from wsmonitor.core.health import HealthSample
from wsmonitor.store.history import HistoryStore, default_history_path
from wsmonitor.store.history_file import SCHEMA_VERSION

# Two days ago on a round hour: inside the default retention, bucket edges easy to reason about.
T0 = float((int(time.time()) // 3600 - 48) * 3600)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


def test_samples_are_buffered_until_flush(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.record_sample("clients", "s1", T0, 5)
        assert store.pending == 1
        assert store.query_raw("clients", "s1", T0, T0 + 1) == []
        assert store.flush() == 1
        assert store.pending == 0
        assert store.query_raw("clients", "s1", T0, T0 + 1) == [(T0, 5.0)]
        assert store.flush() == 0


def test_history_survives_a_restart(db_path: Path) -> None:
    store = HistoryStore(db_path)
    store.record_samples([("clients", "s1", T0 + i, float(i)) for i in range(10)])
    store.record_event("disconnect", T0 + 3, "s1", {"reason": "transport error", "sid": "abc"})
    store.close()  # flushes what is pending

    reopened = HistoryStore(db_path)
    try:
        assert reopened.notice is None
        assert len(reopened.query_raw("clients", "s1", T0, T0 + 60)) == 10
        events = reopened.query_events(T0, T0 + 60)
        assert [(e.kind, e.server_id, e.data["reason"]) for e in events] == [
            ("disconnect", "s1", "transport error")
        ]
        assert reopened.series_keys() == [("clients", "s1")]
        assert reopened.time_range() == (T0, T0 + 9)
    finally:
        reopened.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_one_transaction_per_flush(db_path: Path) -> None:
    store = HistoryStore(db_path)
    store.flush()  # the first flush also prunes old rows (a transaction of its own)
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    store.record_samples(("m", "", T0 + i, 1.0) for i in range(1000))
    for i in range(50):
        store.record_event("alert", T0 + i, data={"n": i})
    store.flush()
    store._conn.set_trace_callback(None)
    assert sum(s.startswith("BEGIN") for s in statements) == 1
    assert sum(s.startswith("COMMIT") for s in statements) == 1
    store.close()


def test_downsampled_24h_window(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        day = 86_400
        store.record_samples(("clients", "", T0 + i, float(i % 120)) for i in range(day))
        store.flush()
        buckets = store.query_series("clients", "", T0, T0 + day)
        assert len(buckets) == 1440  # per minute by default over 24 h
        first = buckets[0]
        assert (first.t, first.count, first.min, first.max, first.last) == (T0, 60, 0, 59, 59)
        assert first.avg == pytest.approx(29.5) and first.sum == sum(range(60))
        second = buckets[1]
        assert (second.min, second.max, second.last) == (60, 119, 119)
        longer = store.query_series("clients", "", T0, T0 + day + 3600)  # auto: 2 min buckets
        assert len(longer) == 720 and longer[1].t - longer[0].t == 120
        hourly = store.query_series("clients", "", T0, T0 + day, bucket_s=3600)
        assert len(hourly) == 24 and all(b.count == 3600 for b in hourly)
        assert store.query_series("clients", "", T0 + 10, T0 + 10) == []
        assert store.query_series("nope", "", T0, T0 + day) == []


def test_minute_rollups_match_raw_and_span_flushes(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        values = [float((i * 37) % 101) for i in range(600)]
        for i, v in enumerate(values):  # a flush every 7 samples splits minutes across flushes
            store.record_sample("m", "s", T0 + i, v)
            if i % 7 == 0:
                store.flush()
        store.flush()
        from_minutes = store.query_series("m", "s", T0, T0 + 600, bucket_s=120)
        from_raw = store.query_series("m", "s", T0, T0 + 600, bucket_s=40)
        assert len(from_minutes) == 5 and len(from_raw) == 15
        for n, bucket in enumerate(from_minutes):
            chunk = values[n * 120 : (n + 1) * 120]
            assert (bucket.count, bucket.min, bucket.max) == (120, min(chunk), max(chunk))
            assert bucket.sum == pytest.approx(sum(chunk))
            assert bucket.last == chunk[-1] and bucket.t == T0 + n * 120
            raw = from_raw[n * 3 : n * 3 + 3]
            assert sum(b.sum for b in raw) == pytest.approx(bucket.sum)
            assert raw[-1].last == bucket.last


def test_recording_a_second_twice_keeps_the_rollup_exact(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        for i in range(60):
            store.record_sample("m", "", T0 + i, 1.0)
        store.record_sample("m", "", T0 + 5, 50.0)  # twice in one flush: the last value wins
        store.flush()
        store.record_sample("m", "", T0 + 59, 7.0)  # again in a later flush
        store.record_sample("m", "", T0 + 60, 2.0)  # and a new minute in the same batch
        store.flush()
        minute, after = store.query_series("m", "", T0, T0 + 120, bucket_s=60)
        assert (minute.count, minute.sum, minute.max, minute.last) == (60, 58 + 50 + 7, 50, 7)
        assert (after.count, after.sum) == (1, 2.0)
        assert store.query_raw("m", "", T0 + 5, T0 + 6) == [(T0 + 5, 50.0)]
        raw = store.query_series("m", "", T0, T0 + 60, bucket_s=30)
        assert sum(b.sum for b in raw) == minute.sum


def test_totals_and_servers_are_separate_series(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.record_sample("clients", "a", T0, 1)
        store.record_sample("clients", "b", T0, 2)
        store.record_sample("clients", "", T0, 3)
        store.flush()
        assert [store.query_raw("clients", s, T0, T0 + 1)[0][1] for s in ("a", "b", "")] == [
            1,
            2,
            3,
        ]


def test_events_filtering_and_health(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        ok = HealthSample(T0, True, 200, 12.0, None, "ok", "status=ok")
        down = HealthSample(T0 + 5, False, None, None, "connection refused", "refused")
        store.record_health(ok)
        store.record_health(down)
        store.record_event("alert", T0 + 6, "s1", {"message": "health down", "obj": object()})
        store.flush()
        assert store.health_samples(T0, T0 + 10) == [ok, down]
        assert store.query_raw("health.up", "", T0, T0 + 10) == [(T0, 1.0), (T0 + 5, 0.0)]
        assert store.query_raw("health.latency_ms", "", T0, T0 + 10) == [(T0, 12.0)]
        alerts = store.query_events(T0, T0 + 10, kinds=["alert"], server_id="s1")
        assert len(alerts) == 1 and alerts[0].data["message"] == "health down"
        assert store.query_events(T0, T0 + 10, kinds=[]) == []
        assert len(store.query_events(T0, T0 + 10, limit=2)) == 2


def test_a_damaged_health_event_is_skipped_not_raised(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.record_event("health", T0, data={"t": "not a time", "ok": True})
        store.record_health(HealthSample(T0 + 1, True, 200, 3.0, None, "ok"))
        store.flush()
        assert [s.t for s in store.health_samples(T0, T0 + 10)] == [T0 + 1]


def test_retention_prunes_old_rows(db_path: Path) -> None:
    now = time.time()
    with HistoryStore(db_path, retention_s=3600) as store:
        store.record_samples([("m", "", now - 7200, 1.0), ("m", "", now - 10, 2.0)])
        store.record_event("gap", now - 7200)
        store.record_event("gap", now - 10)
        store.flush()  # prunes on its first run, then hourly
        assert store.query_raw("m", "", 0, now) == [(now - 10, 2.0)]
        assert len(store.query_events(0, now)) == 1
        assert store.prune(now=now + 3600) == 2
        assert store.query_raw("m", "", 0, now) == []


def test_pending_rows_are_bounded(db_path: Path) -> None:
    with HistoryStore(db_path, max_pending=1000) as store:
        store.record_samples(("m", "", T0 + i, 1.0) for i in range(5000))
        assert store.pending <= 1000 and store.dropped >= 4000


def test_gaps_and_bad_values_never_poison_the_queue(db_path: Path) -> None:
    store = HistoryStore(db_path)
    store.record_sample("m", "", T0, float("nan"))
    store.record_samples([("m", "", T0 + 1, float("inf")), ("m", "", float("nan"), 1.0)])
    store.record_sample("m", "", T0 + 2, 3.0)
    store.record_event("gap", float("nan"))
    assert store.pending == 1 and store.flush() == 1
    # a batch SQLite rejects for good (here: a closed connection) is dropped, not retried forever
    store._conn.close()
    store.record_sample("m", "", T0 + 3, 1.0)
    assert store.flush() == 0 and store.pending == 0 and store.dropped == 1
    assert store.last_error and "could not be written" in store.last_error
    store.close()
    store.close()


def test_default_paths_per_profile() -> None:
    plain = default_history_path()
    assert plain.name == "history.sqlite3"
    assert default_history_path("prod") != default_history_path("staging")
    assert default_history_path("a b") != default_history_path("a-b")
    assert "/" not in default_history_path("../../etc").name.replace("history-", "")


async def test_run_flusher_flushes_on_a_timer(db_path: Path) -> None:
    import asyncio

    store = HistoryStore(db_path)
    task = asyncio.create_task(store.run_flusher(interval=0.02))
    try:
        store.record_sample("m", "", T0, 1)
        async with asyncio.timeout(10):
            while store.pending:
                await asyncio.sleep(0.01)
        store.record_sample("m", "", T0 + 1, 2)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert store.pending == 0  # flushed on the way out
    assert len(store.query_raw("m", "", T0, T0 + 5)) == 2
    store.close()
