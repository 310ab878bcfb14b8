"""The Dashboard page: big numbers, plain-language banners and six linked live plots."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from wsmonitor.core.health import down_duration
from wsmonitor.core.reasons import ReasonSource
from wsmonitor.ui.dashboard.banner import Banner
from wsmonitor.ui.dashboard.legend import format_count
from wsmonitor.ui.dashboard.plot_feed import bucket_for, recent_rate
from wsmonitor.ui.dashboard.plots import COUNT_POINTS, DashboardPlots
from wsmonitor.ui.dashboard.stat_tiles import StatTiles, show_short_lived
from wsmonitor.ui.dashboard.time_plot import TimeSeriesPlot
from wsmonitor.ui.dashboard.window_bar import WindowBar
from wsmonitor.ui.monitor_controller import MonitorFrame, MonitorPage
from wsmonitor.ui.theme import ThemePalette, on_theme_changed

#: A plot's data is redrawn at most this often: the series have one value per second.
_MIN_REDRAW_S = 1.0

NO_REASONS = (
    "<b>This server gives no disconnect reasons.</b> It runs in production mode, where"
    " python-socketio's <code>instrument()</code> sends neither Engine.IO close reasons nor"
    " <code>socket_disconnected</code> events. Disconnect <i>counts</i> are still shown. To see"
    ' why clients leave, run the server with <code>mode="development"</code>.'
)


class DashboardPage(MonitorPage):
    """Live overview of the watched server or cluster."""

    title = "Dashboard"
    description = "Live connections, disconnect reasons, traffic and health"

    def __init__(self) -> None:
        super().__init__()
        self.bar = WindowBar()
        self.tiles = StatTiles(
            {
                "clients": ("Connected clients", "Engine.IO connections on healthy servers"),
                "servers": ("Servers", "Servers sending stats (stale after 10 s of silence)"),
                "churn": ("Connects / disconnects", "Engine.IO connections in the last minute"),
                "short": ("Short-lived", "Sockets gone within the short-lived threshold"),
                "traffic": ("Packets in / out", "Per second, last stats interval"),
                "health": ("Health", "Health endpoint of this profile"),
            }
        )
        self.status_banner = Banner()
        self.reasons_banner = Banner()
        self.plots = DashboardPlots()
        # The plots scroll instead of being squeezed below their minimum (axes clipped) when
        # the window is short, e.g. on a laptop screen.
        plots_area = _PlotsArea()
        grid = QGridLayout(plots_area)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        scroll = QScrollArea()
        scroll.setObjectName("dashboardScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(plots_area)
        for i, plot in enumerate(self.plots.all):
            grid.addWidget(plot, i // 2, i % 2)
            plot.range_changed_by_user.connect(self._on_user_range)
            plot.hovered.connect(self._mirror_crosshair)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.bar)
        layout.addWidget(self.tiles)
        layout.addWidget(self.status_banner)
        layout.addWidget(self.reasons_banner)
        layout.addWidget(scroll, 1)
        self.bar.window_changed.connect(self._on_window)
        self.bar.following_changed.connect(self._on_following)
        self.bar.per_server_changed.connect(self._on_per_server)
        self.plots.reason_source.currentIndexChanged.connect(self._redraw_now)
        self._frame: MonitorFrame | None = None
        self._range_key: tuple[int, int] = (0, 0)
        self._group_keys: list[tuple[object, ...]] = [()] * len(self.plots.groups)
        self._group_drawn = [0.0] * len(self.plots.groups)
        self._next_group = 0
        self._touched: object = None  # the plot the user panned, to keep its range
        on_theme_changed(self._restyle)

    # -- MonitorView -------------------------------------------------------------------------
    def reset(self) -> None:
        self._frame = None
        self._group_keys = [()] * len(self.plots.groups)
        self.plots.clear()
        self.tiles.clear()
        self.status_banner.show_message("")
        self.reasons_banner.show_message("")
        self.bar.set_following(True)

    def refresh(self, frame: MonitorFrame) -> None:
        self._frame = frame
        self._update_tiles(frame)
        self._update_banners(frame)
        self._update_plots(frame)

    # -- plots -------------------------------------------------------------------------------
    def visible_range(self, now: float) -> tuple[float, float]:
        """The range the plots show: the window up to now when live, else what the user chose."""
        if self.bar.following:
            # The right edge steps by one bar width (5 s over 5 min, 30 s over 1 h…): the time
            # axis stays put in between, and the newest bar is always whole on screen.
            step = bucket_for(self.bar.window_s, COUNT_POINTS)
            end = float(math.ceil(now / step) * step)
            return end - self.bar.window_s, end
        return self.plots.clients.x_range()

    def _update_plots(self, frame: MonitorFrame, force: bool = False) -> None:
        start, end = self.visible_range(frame.now)
        stats = frame.snapshot.stats
        health = frame.session.health
        range_key = (round(start), round(end))
        data_key = (
            stats.events_total,
            len(stats.gaps),
            health.latest.t if health is not None and health.latest is not None else None,
        )
        if force or (not self.bar.following and range_key != self._range_key):
            # The user moved the view (or asked for a redraw): everything, at once.
            self._range_key = range_key
            self._group_keys = [(range_key, data_key)] * len(self.plots.groups)
            self._draw(frame, start, end, self.plots.all)
            return
        # Otherwise one group of plots per tick, so no tick pays for repainting all six.
        group = self._next_group
        self._next_group = (group + 1) % len(self.plots.groups)
        key = (range_key, data_key)
        drawn = self._group_keys[group]
        wall = time.monotonic()
        if key == drawn:
            return
        if drawn and drawn[0] == range_key and wall - self._group_drawn[group] < _MIN_REDRAW_S:
            return
        self._group_keys[group] = key
        self._group_drawn[group] = wall
        self._draw(frame, start, end, self.plots.groups[group])

    def _draw(
        self, frame: MonitorFrame, start: float, end: float, plots: list[TimeSeriesPlot]
    ) -> None:
        if self.bar.following:
            for plot in plots:
                plot.show_range(start, end)
        self.plots.draw(frame, start, end, plots)

    def _redraw_now(self, *_: object) -> None:
        if self._frame is not None:
            self._update_plots(self._frame, force=True)

    def _on_user_range(self) -> None:
        if self.bar.following:
            self._touched = self.sender()
            self.bar.set_following(False)

    def _on_following(self, following: bool) -> None:
        touched, self._touched = self._touched, None
        source = touched if isinstance(touched, TimeSeriesPlot) else self.plots.clients
        self.plots.link(None if following else source)
        self._range_key = (0, 0)
        self._redraw_now()

    def _on_window(self, seconds: int) -> None:
        self.bar.set_following(True)
        self._redraw_now()

    def _on_per_server(self, enabled: bool) -> None:
        self.plots.per_server = enabled
        self._redraw_now()

    def _mirror_crosshair(self, x: float) -> None:
        for plot in self.plots.all:
            if plot is not self.sender():
                plot.show_crosshair(x)

    def _restyle(self, _palette: ThemePalette) -> None:
        """After a theme switch: the plots and banners restyle themselves; tiles need a nudge."""
        # A stat tile colours its value only when the value changes: have it colour it again.
        self.tiles.restyle()

    # -- tiles and banners -------------------------------------------------------------------
    def _update_tiles(self, frame: MonitorFrame) -> None:
        stats = frame.snapshot.stats
        cluster = stats.cluster
        tiles = self.tiles
        self._update_health_tile(frame)  # health has its own source: shown even without stats
        if not stats.servers:
            return
        tiles["clients"].set(
            format_count(cluster.clients),
            f"{format_count(cluster.websocket_clients)} WebSocket · "
            f"{format_count(cluster.polling_clients)} polling",
        )
        stale = cluster.servers - cluster.healthy_servers
        tiles["servers"].set(
            f"{cluster.healthy_servers} / {cluster.servers}",
            f"{stale} stale" if stale else "all healthy",
            "warn" if stale else "ok",
        )
        series = frame.session.aggregator.series
        t0 = frame.now - 59
        connects = series.connections.total(t0, frame.now)
        disconnects = series.disconnections.total(t0, frame.now)
        tiles["churn"].set(f"{format_count(connects)} / {format_count(disconnects)}", "last minute")
        show_short_lived(tiles["short"], stats)
        packets_in = recent_rate(series.packets_in, frame.now)
        packets_out = recent_rate(series.packets_out, frame.now)
        if not math.isnan(packets_in):
            tiles["traffic"].set(
                f"{format_count(round(packets_in))} / {format_count(round(packets_out))}",
                "per second, last 10 s",
            )

    def _update_health_tile(self, frame: MonitorFrame) -> None:
        poller = frame.session.health
        tile = self.tiles["health"]
        latest = poller.latest if poller is not None else None
        if poller is None:
            tile.set("–", "no health URL")
        elif latest is None:
            tile.set("…", "first check pending")
        elif latest.ok:
            tile.set("Up", f"{latest.latency_ms or 0:.0f} ms · HTTP {latest.status}", "ok")
        else:
            down = down_duration(poller.samples, frame.now)
            tile.set("Down", f"{down:.0f} s · {latest.error_kind}", "error")

    def _update_banners(self, frame: MonitorFrame) -> None:
        snapshot = frame.snapshot
        stats = snapshot.stats
        status = snapshot.status
        message, level = "", "info"
        if not stats.admin_connected and status.message:
            message = f"<b>No live data:</b> {status.message}. Gaps in the plots are that time."
            level = "error" if status.state == "failed" else "warn"
        elif stats.parse_errors:
            message = (
                f"{stats.parse_errors} malformed admin messages were dropped"
                f" (last: {stats.last_parse_error})."
            )
        self.status_banner.show_message(message, level)
        no_reasons = stats.reason_source is ReasonSource.NONE
        self.reasons_banner.show_message(NO_REASONS if no_reasons else "", "warn")

    def on_shown(self) -> None:
        self._group_keys = [()] * len(self.plots.groups)
        super().on_shown()


class _PlotsArea(QWidget):
    """The plot grid inside the scroll area: it fills the view and scrolls only below minimum.

    Without this, the wrapping legends give the grid a height-for-width, and the scroll area
    would size it to its preferred height (several screens tall) instead of the view.
    """

    def heightForWidth(self, width: int) -> int:
        return -1  # QScrollArea asks this (its layout has one): no preferred height

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()
