"""The dashboard against the embedded python-socketio demo server, as a user sees it."""

from __future__ import annotations

import csv

import numpy as np
import socketio

from tests.ui.monitor_support import monitor_shell, profile_for, settle
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.dashboard.legend import format_count, format_time, value_at
from wsmonitor.ui.servers.servers_page import ServersPage


def demo_profile(demo, **extra):
    return profile_for(
        demo.url,
        demo.admin_username,
        admin_namespace=demo.admin_namespace,
        health_url=demo.health_url,
        health_interval_s=1.0,
        **extra,
    )


def page(shell, kind):
    return next(p for p in shell.window.pages() if isinstance(p, kind))


async def test_live_traffic_fills_every_plot_and_the_reasons_legend(
    qtbot, demo_server_with_traffic
):
    demo = demo_server_with_traffic
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(demo_profile(demo), demo.admin_password)
        dash = page(shell, DashboardPage)
        plots = dash.plots
        await settle(lambda: shell.window.connection_indicator.state_level == "ok")
        await settle(
            lambda: (
                plots.clients.point_count() > 0
                and plots.churn.point_count() > 0
                and plots.packets.point_count() > 0
                and plots.health.point_count() > 0
                and bool(shell.controller.last_frame.snapshot.stats.reasons)
            )
        )
        # The plots redraw on a timer, so a reason that just arrived in a frame is plotted
        # on the next tick: wait for the plot to catch up with the frames it has been given.
        await settle(
            lambda: (
                set(plots.reasons.series_keys())
                >= set(shell.controller.last_frame.snapshot.stats.reasons)
            )
        )
        legend = plots.reasons.legend_text()
        # Every reason the server reported is in the legend (python: socket_disconnected).
        for reason in plots.reasons.series_keys():
            assert reason in legend
        assert "socket_disconnected" in plots.reasons.note_label.text()
        assert "Total" in plots.clients.legend_text()
        assert dash.tiles["clients"].value.text() != "–"
        assert dash.tiles["health"].value.text() == "Up"
        assert not dash.reasons_banner.isVisible()

        shell.window.show_page("Servers")
        servers = page(shell, ServersPage)
        await settle(lambda: servers.model.rowCount() == 1)
        assert servers.model.data(servers.model.index(0, 0)) == "● Healthy"


async def test_production_mode_says_plainly_there_are_no_reasons(qtbot, demo_server_factory):
    demo = demo_server_factory("--mode", "production", "--clients", "0")
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(demo_profile(demo), demo.admin_password)
        dash = page(shell, DashboardPage)
        await settle(lambda: dash.reasons_banner.isVisible())
        assert "no disconnect reasons" in dash.reasons_banner.label.text()
        await settle(lambda: "production" in dash.plots.reasons.note_label.text())


async def test_pan_back_in_time_while_data_keeps_arriving_then_follow_again(
    qtbot, demo_server_with_traffic, tmp_path
):
    demo = demo_server_with_traffic
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(demo_profile(demo), demo.admin_password)
        dash = page(shell, DashboardPage)
        clients = dash.plots.clients
        await settle(lambda: clients.point_count() > 3)
        # The user drags the plot: the view stops following the clock.
        start, end = clients.x_range()
        clients.view_box.setXRange(start - 60, end - 60, padding=0)
        clients.view_box.sigRangeChangedManually.emit([True, False])
        assert not dash.bar.following
        held = clients.x_range()
        events = shell.controller.last_frame.snapshot.stats.events_total
        await settle(lambda: shell.controller.last_frame.snapshot.stats.events_total > events + 50)
        await settle(lambda: clients.series_data("total")[0].size > 0)
        assert clients.x_range() == held  # data kept arriving, the view stayed put
        assert dash.plots.churn.x_range() == held  # all plots share the time axis
        dash.bar.follow_button.click()
        await settle(lambda: clients.x_range()[1] > held[1] + 30)
        assert dash.bar.following

        # Crosshair: hovering one plot shows the time and values there, on every plot.
        x, y = clients.series_data("total")
        at = float(x[np.isfinite(y)][-1])
        clients.show_crosshair(at)
        clients.hovered.emit(at)
        stamp = format_time(at)
        assert stamp in clients.legend_text() and stamp in dash.plots.churn.legend_text()
        assert f"Total <b>{format_count(value_at(x, y, at))}</b>" in clients.legend_text()
        clients.show_crosshair(float("nan"))
        assert stamp not in clients.legend_text()

        png, data = tmp_path / "clients.png", tmp_path / "clients.csv"
        assert clients.export_png(str(png)) and png.stat().st_size > 1000
        rows = clients.export_csv(str(data))
        with open(data, encoding="utf-8") as handle:
            table = list(csv.reader(handle))
        assert rows > 0 and table[0][:2] == ["time_utc", "epoch_s"] and "Total" in table[0]


async def test_wrong_credentials_end_in_a_clear_status(qtbot, demo_server):
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(demo_profile(demo_server), "not-the-password")
        indicator = shell.window.connection_indicator
        await settle(lambda: indicator.state_level == "error")
        assert "invalid credentials" in indicator.state_text


async def test_sockets_table_follows_real_clients_and_the_disconnect_log(qtbot, demo_server):
    from wsmonitor.ui.disconnects.disconnects_page import DisconnectsPage
    from wsmonitor.ui.sockets.sockets_page import SocketsPage

    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(demo_profile(demo_server), demo_server.admin_password)
        shell.window.show_page("Sockets")
        sockets = page(shell, SocketsPage)
        await settle(lambda: shell.window.connection_indicator.state_level == "ok")
        resets = []
        # all_sockets (a full reset, by design) comes right after connecting, before any stats.
        await settle(lambda: bool(shell.controller.last_frame.snapshot.stats.servers))
        await settle(lambda: sockets.model.total_count() >= 1)  # the monitor itself
        sockets.model.modelReset.connect(lambda: resets.append(1))
        clients = [socketio.AsyncClient(handle_sigint=False) for _ in range(3)]
        try:
            for client in clients:
                await client.connect(demo_server.url, auth={"token": demo_server.token})
            sids = [client.get_sid("/") for client in clients]
            await settle(lambda: set(sids) <= set(sockets.model.visible_ids()))
            assert resets == []  # rows were inserted one batch at a time, no model reset
            sockets.filter_edit.setText(sids[1])
            assert sockets.model.visible_ids() == [sids[1]]
            sockets.table.selectRow(0)
            assert sids[1] in sockets.detail.toPlainText()
            assert "Handshake headers" in sockets.detail.toPlainText()
            sockets.filter_edit.clear()
            resets.clear()
            await clients[0].disconnect()
            await settle(lambda: sids[0] not in sockets.model.visible_ids())
            assert resets == []  # and removed the same way
            assert set(sids[1:]) <= set(sockets.model.visible_ids())
        finally:
            for client in clients:
                await client.disconnect()
        shell.window.show_page("Disconnects")
        log_page = page(shell, DisconnectsPage)
        await settle(lambda: log_page.model.rowCount() >= 3)
        shown = {
            log_page.model.record_at(r).socket_id: log_page.model.record_at(r).reason
            for r in range(log_page.model.rowCount())
        }
        assert set(sids) <= set(shown)
        # python-socketio reports a client's own disconnect as one of these, depending on timing.
        assert shown[sids[0]] in ("client disconnect", "transport close")


async def test_history_fills_the_plots_after_a_restart(qtbot, demo_server_with_traffic):
    demo = demo_server_with_traffic
    profile = demo_profile(demo)
    profile.name = "history-restart"
    async with monitor_shell(qtbot) as shell:
        controller = shell.controller
        await controller.connect(profile, demo.admin_password)
        dash = page(shell, DashboardPage)
        total = dash.plots.clients
        await settle(lambda: np.isfinite(total.series_data("total")[1]).sum() > 8)
        await controller.disconnect()  # like quitting the app: the session writes its history
    async with monitor_shell(qtbot) as shell:  # a new window, as after a restart
        controller = shell.controller
        await controller.connect(profile, demo.admin_password)
        dash = page(shell, DashboardPage)
        started = controller.started_at

        def before_start() -> int:
            x, y = dash.plots.clients.series_data("total")
            return int(((x < started - 1) & np.isfinite(y)).sum())

        await settle(lambda: before_start() > 5)


async def test_history_fills_the_health_plot_and_its_down_bands_after_a_restart(
    qtbot, demo_server_with_traffic
):
    demo = demo_server_with_traffic
    profile = demo_profile(demo)
    profile.name = f"health-restart-{profile.name}"
    good_url = profile.health_url
    for health_url, checks in ((good_url, 20), (f"{demo.url}/no-such-health", 3)):
        # One session with a healthy endpoint, then one whose URL answers 404 (down).
        profile.health_url = health_url
        async with monitor_shell(qtbot) as shell:
            await shell.controller.connect(profile, demo.admin_password)
            poller = shell.controller.session.health
            await settle(lambda: len(poller.samples) >= checks)  # noqa: B023
            await shell.controller.disconnect()  # the session writes its history
    profile.health_url = good_url
    async with monitor_shell(qtbot) as shell:  # a new window, as after a restart
        controller = shell.controller
        await controller.connect(profile, demo.admin_password)
        dash = page(shell, DashboardPage)
        health = dash.plots.health
        started = controller.started_at

        def latency_before() -> int:
            x, y = health.series_data("latency") if health.series_keys() else ([], [])
            return int(((np.asarray(x) < started - 1) & np.isfinite(y)).sum())

        def down_before() -> int:
            return sum(1 for a, b in health.bands.ranges("down") if b <= started)

        await settle(lambda: latency_before() >= 10 and down_before() >= 1)
        dash.bar.set_window(3600)  # 15 s buckets from the per-minute store
        await settle(lambda: latency_before() >= 1 and down_before() >= 1)
        # The live part still follows: this session's checks are drawn after the cut-off.
        await settle(lambda: health.point_count() > latency_before())
