"""What the views say when a recount cannot reach counts older than the disconnect log.

A real aggregator fed raw admin events (a small log, so it overflows quickly), drawn by the real
widgets; the live path against a server is in test_short_lived_recount.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from tests.core.test_aggregator import DEV, T, stats
from tests.core.test_short_lived_recount import live_and_die
from wsmonitor.core.aggregator import Aggregator, AggregatorConfig
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.dashboard.stat_tiles import StatTile, show_short_lived
from wsmonitor.ui.disconnects.record_model import RecordLogModel
from wsmonitor.ui.sockets.short_lived import ShortLivedView


def watched(log_size: int) -> Aggregator:
    a = Aggregator(AggregatorConfig(disconnect_log_size=log_size, short_lived_log_size=100))
    a.on_admin_connected(T)
    a.feed_raw("config", ({"supportedFeatures": DEV},), T)
    a.feed_raw("server_stats", stats(), T)
    return a


def frame(a: Aggregator, now: float) -> SimpleNamespace:
    """The parts of a ``MonitorFrame`` the short-lived view and tile read."""
    snapshot = SimpleNamespace(stats=a.snapshot(now))
    return SimpleNamespace(now=now, snapshot=snapshot, session=SimpleNamespace(aggregator=a))


def dashboard_frame(a: Aggregator, now: float) -> SimpleNamespace:
    """``frame`` plus what the dashboard's tiles read besides (no health URL)."""
    shown = frame(a, now)
    shown.session.health = None
    return shown


def rows(model: RecordLogModel) -> list[tuple[str, bool]]:
    records = (model.record_at(r) for r in range(model.rowCount()))
    return [(rec.socket_id, rec.short_lived) for rec in records]


def test_older_counts_are_kept_and_the_view_and_tile_say_so(qtbot) -> None:
    a = watched(log_size=3)
    for i in range(5):  # 1 s each, 5 s threshold: all short; s0 and s1 fall off the log
        live_and_die(a, f"s{i}", T + 10 * i, 1.0)
    view = ShortLivedView()
    qtbot.addWidget(view)
    tile = StatTile("Short-lived", "Sockets gone within the short-lived threshold")
    now = T + 50
    view.refresh(frame(a, now))
    assert view.model.rowCount() == 5 and "Recounted" not in view.summary.text()

    a.set_short_lived_s(0.5, now)
    view.refresh(frame(a, now))
    text = view.summary.text()
    assert "within 0.5 s" in text and "<b>2</b> since watching" in text
    assert "earlier counts used 5 s" in text and "earlier counts used 5 s" in view.summary.toolTip()
    assert rows(view.model) == [("s1", True), ("s0", True)]  # older than the log: kept
    _, y = view.plot.series_data("short_lived")
    assert np.nansum(y) == 2  # the rate: only the two it could not recount

    show_short_lived(tile, a.snapshot(now))
    assert tile.detail.text() == "last minute · under 0.5 s · 2 total (older: 5 s)"
    assert tile.toolTip().startswith("Sockets gone within the short-lived threshold\n\n")
    assert "earlier counts used 5 s" in tile.toolTip()
    assert "last 3 disconnects" in view.threshold_note.text()


def test_a_complete_recount_is_said_plainly_and_lists_reload_without_duplicates(qtbot) -> None:
    a = watched(log_size=100)
    for i, lifetime in enumerate((1.0, 3.0, 7.0)):
        live_and_die(a, f"s{i}", T + 10 * i, lifetime)
    log_model = RecordLogModel(cap=100)  # as the Disconnects page feeds it
    log_model.sync(a.disconnect_log, a.disconnects.version)
    view = ShortLivedView()
    qtbot.addWidget(view)
    tile = StatTile("Short-lived", "tip")
    view.refresh(frame(a, T + 40))
    assert rows(view.model) == [("s1", True), ("s0", True)]

    a.set_short_lived_s(10.0, T + 40)
    view.refresh(frame(a, T + 40))  # same second: redrawn anyway, the threshold changed
    assert rows(view.model) == [("s2", True), ("s1", True), ("s0", True)]
    assert "Recounted with 10 s at " in view.summary.text()
    assert "every disconnect seen" in view.summary.text()
    log_model.sync(a.disconnect_log, a.disconnects.version)
    assert rows(log_model) == [("s2", True), ("s1", True), ("s0", True)]

    live_and_die(a, "s3", T + 50, 20.0)  # then appended as before
    log_model.sync(a.disconnect_log, a.disconnects.version)
    assert rows(log_model)[0] == ("s3", False) and log_model.rowCount() == 4
    show_short_lived(tile, a.snapshot(T + 71))
    assert tile.detail.text() == "last minute · under 10 s · 3 total"
    assert "Recounted with 10 s" in tile.toolTip()


def test_the_dashboard_tile_says_what_a_recount_could_not_reach(qtbot) -> None:
    a = watched(log_size=3)
    for i in range(5):  # as above: s0 and s1 fall off the log before the recount
        live_and_die(a, f"s{i}", T + 10 * i, 1.0)
    page = DashboardPage()
    qtbot.addWidget(page)
    tile = page.tiles["short"]
    now = T + 50
    a.set_short_lived_s(0.5, now)
    # The tiles alone: a full refresh also draws plots from a real session's history.
    page._update_tiles(dashboard_frame(a, now))
    assert tile.detail.text() == "last minute · under 0.5 s · 2 total (older: 5 s)"
    assert tile.toolTip().startswith("Sockets gone within the short-lived threshold\n\n")
    assert "earlier counts used 5 s" in tile.toolTip()
    page.reset()  # another session: the note goes with the counts
    assert tile.toolTip() == "Sockets gone within the short-lived threshold"
