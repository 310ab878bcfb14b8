"""End to end: a short-lived recount reaches the history, so a restart shows the recounted rate.

A real aggregator (inside a ``MonitorSession``, never started: no network) is fed raw admin
events; its recorder copies settled seconds into a real ``HistoryStore``. Some seconds are
flushed, some copied but still queued in the store, some not copied yet when the threshold
changes. After a restart the dashboard's refill must read the recounted totals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.core.test_admin_events import node_socket
from tests.core.test_aggregator import DEV, T, iso, stats
from wsmonitor.core.series import Reduce
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.monitor_session import MonitorSession, SessionConfig
from wsmonitor.store.history import HistoryStore
from wsmonitor.ui.dashboard.history_feed import HistoryBackfill

KEEP = 20 * 365 * 86400.0  # T is a fixed date: never prune it away whatever today is
LIFETIMES = (1.0, 3.0, 7.0, 1.5, 4.0)


def live_and_die(session: MonitorSession, sid: str, born: float, lifetime: float) -> None:
    agg, gone = session.aggregator, born + lifetime
    agg.feed_raw("socket_connected", (node_socket(sid), iso(born)), born)
    agg.feed_raw("socket_disconnected", ("/chat", sid, "transport close", iso(gone)), gone)


def sockets(session: MonitorSession, first: float, last: float, tag: str) -> int:
    """One socket every 7 s born in [first, last), lifetimes cycling; returns how many."""
    n = 0
    for n, born in enumerate(np.arange(first, last, 7.0)):
        live_and_die(session, f"{tag}{n}", float(born), LIFETIMES[n % len(LIFETIMES)])
    return n + 1


def refilled(history: HistoryStore, start: float, end: float, width: int) -> float:
    """The short-lived total the dashboard's history refill reads for [start, end)."""
    _, values = HistoryBackfill().before(history, "short_lived", start, end, end, width, Reduce.SUM)
    return float(np.nansum(values))


def test_a_recount_corrects_flushed_and_queued_seconds_once(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    store = HistoryStore(path, retention_s=KEEP)
    config = SessionConfig(admin=AdminConnectionConfig(url="http://127.0.0.1:9"))
    session = MonitorSession(config, history=store)
    agg = session.aggregator
    agg.on_admin_connected(T)
    agg.feed_raw("config", ({"supportedFeatures": DEV},), T)
    agg.feed_raw("server_stats", stats(), T)

    n = sockets(session, T + 1, T + 60, "a")  # copied and flushed
    agg.feed_raw("server_stats", stats(), T + 75)
    session._record_history(T + 75)  # copies up to T+70
    store.flush()
    n += sockets(session, T + 71, T + 110, "b")  # copied, still queued in the store
    agg.feed_raw("server_stats", stats(), T + 125)
    session._record_history(T + 125)  # copies up to T+120
    assert store.pending
    n += sockets(session, T + 121, T + 170, "c")  # not copied yet when the threshold changes
    start, end = T - 60, T + 300
    agg.flush()  # the last second's counts into the live series
    before = agg.series.short_lived.total(start, end)
    assert (
        before
        == agg.totals().short_lived
        == sum(LIFETIMES[i % len(LIFETIMES)] < 5.0 for i in range(n))
    )  # the default threshold is 5 s

    session.set_short_lived_s(2.0)  # 1.0 and 1.5 stay short; 3.0 and 4.0 no longer are
    after = agg.series.short_lived.total(start, end)
    assert 0 < after < before and after == agg.totals().short_lived
    session._record_history(T + 240)  # copies the rest from the corrected live series
    store.flush()
    assert refilled(store, start, end, 60) == after

    session.set_short_lived_s(10.0)  # every one is short-lived now: all seconds are stored
    assert agg.totals().short_lived == n
    store.close()

    with HistoryStore(path, retention_s=KEEP) as history:  # the next start of the app
        for width in (10, 60, 300):  # raw samples, minute roll-ups, several minutes
            assert refilled(history, start, end, width) == n
        raw = history.query_raw("short_lived", "", start, end)
        live_t, live_v = agg.series.short_lived.raw(start, end)
        assert raw == [
            (float(t), float(v)) for t, v in zip(live_t, live_v, strict=True) if not np.isnan(v)
        ]
