"""The dashboard against the real Node admin-ui peers: clusters, restarts, Engine.IO reasons."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
import socketio

from tests.ui.monitor_support import has_nan_between, monitor_shell, profile_for, settle
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.servers.servers_model import COLUMNS
from wsmonitor.ui.servers.servers_page import ServersPage

pytestmark = pytest.mark.node


def page(shell, kind):
    return next(p for p in shell.window.pages() if isinstance(p, kind))


def node_profile(peer):
    return profile_for(peer.url, peer.admin_username)


async def test_a_killed_cluster_node_is_marked_stale(qtbot, node_cluster_peer):
    cluster = node_cluster_peer(workers=2)
    worker = cluster.workers[0]
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(node_profile(worker), worker.admin_password)
        shell.window.show_page("Servers")
        servers = page(shell, ServersPage)
        model = servers.model
        await settle(lambda: model.rowCount() == 2)
        ids = {model.row_at(r).server_id for r in range(2)}
        assert ids == set(cluster.server_ids)
        cluster.kill_worker(1)
        await settle(lambda: model.stale_ids() == [cluster.server_ids[1]], timeout=60)
        status_column = COLUMNS.index("Status")
        row = next(r for r in range(2) if model.row_at(r).server_id == cluster.server_ids[1])
        assert model.data(model.index(row, status_column)) == "● Stale"
        assert cluster.server_ids[1] in servers.banner.label.text()
        assert "<b>1</b> healthy" in servers.summary.text()


async def test_a_server_restart_shows_as_a_gap_not_as_zero(qtbot, node_admin_peer):
    peer = node_admin_peer()
    async with monitor_shell(qtbot) as shell:
        states: list[tuple[str, str]] = []
        shell.controller.state_changed.connect(lambda text, level: states.append((level, text)))
        await shell.controller.connect(node_profile(peer), peer.admin_password)
        dash = page(shell, DashboardPage)
        clients = dash.plots.clients
        indicator = shell.window.connection_indicator
        await settle(lambda: indicator.state_level == "ok" and clients.point_count() > 2)
        peer.stop(graceful=False)
        await settle(lambda: indicator.state_level == "warn")
        await asyncio.sleep(3)  # a few seconds without any data
        peer.restart(graceful=False)
        await settle(lambda: indicator.state_level == "ok", timeout=60)
        # Frames are built on a timer: wait for one built after the reconnect closed the gap.
        await settle(lambda: _closed_gap(shell.controller.last_frame.snapshot.stats.gaps))
        gaps = shell.controller.last_frame.snapshot.stats.gaps
        assert gaps and gaps[-1].end is not None, states
        gap = gaps[-1]
        await settle(lambda: clients.band_count("gap") >= 1)
        x, y = clients.series_data("total")
        await settle(lambda: float(np.nanmax(clients.series_data("total")[0])) > gap.end + 2)
        x, y = clients.series_data("total")
        assert has_nan_between(x, y, gap.start + 1, gap.end - 1)  # a hole, never a zero
        assert not np.any(y[np.isfinite(y)] == 0)


def _closed_gap(gaps) -> bool:
    return bool(gaps) and gaps[-1].end is not None


async def test_engine_close_reasons_from_node_fill_the_stacked_plot(qtbot, node_admin_peer):
    peer = node_admin_peer()
    async with monitor_shell(qtbot) as shell:
        await shell.controller.connect(node_profile(peer), peer.admin_password)
        dash = page(shell, DashboardPage)
        reasons = dash.plots.reasons
        await settle(lambda: bool(shell.controller.last_frame.snapshot.stats.servers))
        clients = [socketio.AsyncClient(handle_sigint=False) for _ in range(4)]
        for client in clients:
            await client.connect(peer.url, transports=["websocket"])
        sids = [client.get_sid("/") for client in clients]
        for sid in sids[:2]:
            peer.kick(sid, close=True)  # the server closes the connection
        for client in clients[2:]:
            await client.disconnect()  # the client leaves
        await settle(lambda: sum(peer.stats()["engine"]["closeReasons"].values()) >= 4)
        truth = peer.stats()["engine"]["closeReasons"]
        await settle(
            lambda: dict(shell.controller.last_frame.snapshot.stats.totals.engine_reasons) == truth,
            timeout=30,
        )
        await settle(lambda: set(reasons.series_keys()) >= set(truth))
        # The legend shows each reason with the server's own count (plots redraw once a second).
        await settle(
            lambda: all(
                f"{reason} <b>{count}</b>" in reasons.legend_text()
                for reason, count in truth.items()
            )
        )
        assert "rawDisconnection.subType" in reasons.note_label.text()
        await settle(lambda: reasons.point_count() > 0)  # once the first bucket is complete
        for client in clients:
            await client.disconnect()
