"""The Servers page: every node of the watched cluster, healthy or stale."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QSplitter, QTableView, QVBoxLayout

from wsmonitor.core.series import Reduce
from wsmonitor.ui.dashboard.banner import Banner
from wsmonitor.ui.dashboard.legend import format_count
from wsmonitor.ui.dashboard.plot_feed import aligned_window
from wsmonitor.ui.dashboard.time_plot import TimeSeriesPlot
from wsmonitor.ui.monitor_controller import MonitorFrame, MonitorPage
from wsmonitor.ui.servers.servers_model import ServersModel


class ServersPage(MonitorPage):
    """Servers table (id, host, pid, uptime, clients, last seen, healthy/stale)."""

    title = "Servers"
    description = "Each server of the cluster: clients, uptime, last stats, stale marks"

    def __init__(self) -> None:
        super().__init__()
        self.model = ServersModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.summary = QLabel("No server connected.")
        self.summary.setObjectName("pageSummary")
        self.banner = Banner()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        self.plot = TimeSeriesPlot("Clients per server (last 10 min)")
        self.plot.view_box.setMouseEnabled(x=False, y=False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.plot)
        splitter.setSizes([300, 400])
        layout.addWidget(splitter, 1)
        note = QLabel(
            "A server is stale after 10 s without <code>server_stats</code> (the Admin UI's rule);"
            " totals count healthy servers only. Client counts include monitors like this one."
        )
        note.setWordWrap(True)
        note.setObjectName("hintLabel")
        layout.addWidget(note)
        self._last_second = -1

    def reset(self) -> None:
        self.model.set_rows([], 0.0)
        self.summary.setText("Waiting for the first server_stats…")
        self.plot.clear()
        self.banner.show_message("")
        self._last_second = -1

    def refresh(self, frame: MonitorFrame) -> None:
        second = int(frame.now)
        if second == self._last_second:  # "last seen" and uptime change once a second
            return
        self._last_second = second
        stats = frame.snapshot.stats
        self.model.set_rows(stats.servers, frame.now)
        cluster = stats.cluster
        if cluster.servers:
            self.summary.setText(
                f"<b>{cluster.servers}</b> servers · <b>{cluster.healthy_servers}</b> healthy · "
                f"<b>{cluster.clients:,}</b> clients ({cluster.polling_clients:,} polling)"
            )
        self._draw_plot(frame)
        stale = self.model.stale_ids()
        self.banner.show_message(
            f"<b>{len(stale)} stale server(s):</b> {', '.join(stale)} sent no stats for over"
            " 10 s (stopped, overloaded or cut off from the adapter)."
            if stale
            else "",
            "warn",
        )

    def _draw_plot(self, frame: MonitorFrame) -> None:
        end = float(math.floor(frame.now))
        start = end - 600
        rows = {row.server_id: row for row in frame.snapshot.stats.servers}
        for server_id, series in frame.session.aggregator.series.per_server_clients.items():
            row = rows.get(server_id)
            label = f"{server_id} (pid {row.pid})" if row and row.pid else server_id
            note = format_count(row.clients) if row and row.healthy else "stale"
            x, y = aligned_window(series, start, end, 2, Reduce.MAX)
            self.plot.set_series(server_id, x, y, label=label, note=note)
        self.plot.show_range(start, end)

    def on_shown(self) -> None:
        self._last_second = -1
        super().on_shown()
