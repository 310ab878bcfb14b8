"""Alerts, health down periods and the disconnect action, against real servers."""

from __future__ import annotations

import pytest
import socketio

from tests.peers.faults.http_faults import closed_port
from tests.ui.monitor_support import monitor_shell, profile_for, settle
from wsmonitor.core.alert_rules import AlertRule, RuleKind
from wsmonitor.ui.alerts.alerts_page import AlertsPage
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.sockets.sockets_page import SocketsPage


def page(shell, kind):
    return next(p for p in shell.window.pages() if isinstance(p, kind))


def window_banner(shell):
    from wsmonitor.ui.dashboard.banner import Banner

    return shell.window.centralWidget().findChild(Banner)


async def test_a_firing_rule_shows_a_banner_a_log_row_and_a_notification(
    qtbot, demo_server_with_traffic
):
    demo = demo_server_with_traffic
    async with monitor_shell(qtbot) as shell:
        alerts = page(shell, AlertsPage)
        # Any disconnect reason at more than 0.5 per minute: the simulator makes plenty.
        alerts.monitor.set_rules([AlertRule("any-reason", RuleKind.REASON_RATE, 0.5)])
        profile = profile_for(demo.url, demo.admin_username, admin_namespace=demo.admin_namespace)
        await shell.controller.connect(profile, demo.admin_password)
        banner = window_banner(shell)
        await settle(lambda: banner.isVisible(), timeout=60)
        assert "per minute" in banner.label.text() or "disconnect" in banner.label.text()
        assert alerts.log_table.rowCount() >= 1
        assert alerts.log_table.item(0, 1).text() == "fired"
        assert "No alert is firing" not in alerts.active_label.text()


async def test_health_down_periods_are_marked_on_the_latency_plot(qtbot, demo_server):
    url = f"http://127.0.0.1:{closed_port()}/health"
    async with monitor_shell(qtbot) as shell:
        profile = profile_for(
            demo_server.url, demo_server.admin_username, health_url=url, health_interval_s=1.0
        )
        await shell.controller.connect(profile, demo_server.admin_password)
        dash = page(shell, DashboardPage)
        await settle(lambda: dash.plots.health.band_count("down") >= 1)
        assert dash.tiles["health"].value.text() == "Down"
        assert "refused" in dash.tiles["health"].detail.text()
        assert "Down:" in dash.plots.health.note_label.text()


async def test_disconnect_socket_is_offered_when_allowed_and_works(qtbot, demo_server):
    async with monitor_shell(qtbot) as shell:
        profile = profile_for(demo_server.url, demo_server.admin_username)
        await shell.controller.connect(profile, demo_server.admin_password)
        shell.window.show_page("Sockets")
        sockets = page(shell, SocketsPage)
        client = socketio.AsyncClient(handle_sigint=False)
        await client.connect(demo_server.url, auth={"token": demo_server.token})
        try:
            sid = client.get_sid("/")
            await settle(lambda: sockets.model.find_row(sid) >= 0)
            sockets.table.selectRow(sockets.model.find_row(sid))
            await settle(lambda: sockets.disconnect_button.isEnabled())
            row = sockets.selected_row()
            assert row is not None and row.id == sid
            await sockets.disconnect_socket(row)  # what "Yes" in the confirmation runs
            await settle(lambda: sockets.model.find_row(sid) < 0)
            await settle(lambda: not client.connected)
        finally:
            await client.disconnect()


@pytest.mark.node
async def test_a_read_only_server_gets_no_disconnect_button(qtbot, node_admin_peer):
    peer = node_admin_peer(readonly=True)
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(
            profile_for(peer.url, peer.admin_username), peer.admin_password
        )
        shell.window.show_page("Sockets")
        sockets = page(shell, SocketsPage)
        await settle(lambda: sockets.model.total_count() >= 1)
        sockets.table.selectRow(0)
        await settle(lambda: sockets.selected_row() is not None)
        assert not sockets.disconnect_button.isEnabled()
        assert "does not allow" in sockets.disconnect_button.toolTip()
