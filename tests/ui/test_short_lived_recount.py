"""A new short-lived threshold recounts the list, the counts, the rate and the dashboard tile.

Against the embedded python-socketio demo server: real sockets with known lifetimes (as the
server measured them), then the threshold is lowered and raised on the Sockets page.
"""

from __future__ import annotations

import time

import numpy as np
import socketio

from tests.ui.monitor_support import monitor_shell, profile_for, settle
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.sockets.sockets_page import SocketsPage


def page(shell, kind):
    return next(p for p in shell.window.pages() if isinstance(p, kind))


def listed(view) -> set[str]:
    model = view.model
    return {model.record_at(row).socket_id for row in range(model.rowCount())}


async def live_for(url: str, token: str, sockets: SocketsPage, at_least: float) -> str:
    """One socket that lives a little more than ``at_least`` seconds; returns its id."""
    client = socketio.AsyncClient(handle_sigint=False)
    await client.connect(url, auth={"token": token})
    sid = client.get_sid("/")
    connected = time.time()
    try:
        await settle(lambda: sid in sockets.model.visible_ids())  # the monitor saw it
        await settle(lambda: time.time() - connected > at_least)  # pacing, not an assertion
    finally:
        await client.disconnect()
    return sid


async def test_lowering_and_raising_the_threshold_recounts_what_is_shown(qtbot, demo_server):
    demo = demo_server
    profile = profile_for(demo.url, demo.admin_username, admin_namespace=demo.admin_namespace)
    async with monitor_shell(qtbot) as shell:
        controller = shell.controller
        original = controller.profiles.settings.short_lived_s
        sockets = page(shell, SocketsPage)
        tile = page(shell, DashboardPage).tiles["short"]
        view = sockets.short_lived
        try:
            await controller.connect(profile, demo.admin_password)
            shell.window.show_page("Sockets")
            sockets.tabs.setCurrentWidget(view)
            await settle(lambda: bool(controller.last_frame.snapshot.stats.servers))
            aggregator = controller.session.aggregator

            def lifetime(sid: str) -> float:
                return next(r.lifetime for r in aggregator.disconnect_log if r.socket_id == sid)

            view.threshold.setValue(3600.0)  # as if typed: every socket below is short-lived
            await settle(lambda: aggregator.config.short_lived_s == 3600.0)
            # Three sockets, each living at least a second longer than the previous one did
            # (lifetimes as the server measured them, read back from the disconnect log).
            ids: list[str] = []
            longest = -1.0
            for _ in range(3):
                sid = await live_for(demo.url, demo.token, sockets, longest + 1.0)
                await settle(lambda sid=sid: sid in listed(view))
                ids.append(sid)
                longest = lifetime(sid)
            short, middle, long_ = ids
            assert listed(view) == set(ids)

            async def threshold_shows(seconds: float, expected: set[str]) -> None:
                view.threshold.setValue(seconds)
                n = len(expected)
                await settle(lambda: listed(view) == expected)
                await settle(lambda: f"<b>{n}</b> since watching" in view.summary.text())
                assert f"within {seconds:g} s" in view.summary.text()
                assert "Recounted with" in view.summary.text()  # says what it did
                stats = controller.last_frame.snapshot.stats
                assert stats.totals.short_lived == n
                assert aggregator.series.short_lived.total(0, time.time() + 1) == n  # the rate
                _, y = view.plot.series_data("short_lived")
                assert np.nansum(y) == n  # the plot, recounted
                shell.window.show_page("Dashboard")
                await settle(lambda: f"under {seconds:g} s · {n} total" in tile.detail.text())
                shell.window.show_page("Sockets")

            def between(a: str, b: str) -> float:
                return round((lifetime(a) + lifetime(b)) / 2, 1)

            await threshold_shows(between(short, middle), {short})  # lowered
            await threshold_shows(between(middle, long_), {short, middle})  # raised
            await threshold_shows(round(lifetime(long_) + 1, 1), set(ids))  # raised again
            await threshold_shows(between(short, middle), {short})  # and lowered again

            # A disconnect after the change counts once, with the new threshold.
            threshold = aggregator.config.short_lived_s
            late = await live_for(demo.url, demo.token, sockets, 0.0)
            await settle(lambda: any(r.socket_id == late for r in aggregator.disconnect_log))
            expected = {
                r.socket_id
                for r in aggregator.disconnect_log
                if r.lifetime is not None and r.lifetime < threshold
            }
            assert short in expected and middle not in expected
            await settle(lambda: listed(view) == expected)
            await settle(
                lambda: controller.last_frame.snapshot.stats.totals.short_lived == len(expected)
            )
            assert aggregator.series.short_lived.total(0, time.time() + 1) == len(expected)
        finally:
            controller.set_short_lived_s(original)  # the test home is shared by the suite
