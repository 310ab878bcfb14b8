"""The dashboard's six plots and how each one is drawn from a session for a time range."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtWidgets import QComboBox

from wsmonitor.core.health import compute_periods
from wsmonitor.core.reasons import OTHER_REASON, ReasonSource
from wsmonitor.core.series import Reduce, TimeSeries
from wsmonitor.ui.dashboard.history_feed import HistoryBackfill, health_before
from wsmonitor.ui.dashboard.legend import format_bytes, format_count
from wsmonitor.ui.dashboard.plot_feed import (
    aligned_window,
    bucket_for,
    describe_bucket,
    recent_rate,
)
from wsmonitor.ui.dashboard.time_plot import TimeSeriesPlot
from wsmonitor.ui.monitor_controller import MonitorFrame

GAUGE_POINTS = 300  # gauges and rates: about one point per 2 px of a half-screen plot
COUNT_POINTS = 120  # counts per interval: bars wide enough to read

_SOURCE_CHOICES = (
    ("Best available", None),
    ("Engine.IO (subType)", ReasonSource.ENGINE),
    ("Socket.IO (socket_disconnected)", ReasonSource.SOCKET),
)


class DashboardPlots:
    """Creates the plots once; ``draw(frame, start, end)`` updates them for a time range."""

    def __init__(self) -> None:
        self.clients = TimeSeriesPlot("Connected clients")
        self.churn = TimeSeriesPlot("Connects & disconnects")
        self.reasons = TimeSeriesPlot("Disconnect reasons", stacked=True)
        self.packets = TimeSeriesPlot("Packets per second", "/s")
        self.bytes = TimeSeriesPlot(
            "Traffic (bytes per second)", "B/s", formatter=lambda v: f"{format_bytes(v)}/s"
        )
        self.health = TimeSeriesPlot("Health latency (ms)", "ms")
        self.all = [self.clients, self.churn, self.reasons, self.packets, self.bytes, self.health]
        #: Redrawn together on one tick; groups take turns so no tick repaints several plots.
        self.groups = [[plot] for plot in self.all]
        self.reason_source = QComboBox()
        self.reason_source.setToolTip("Which disconnect reasons to show")
        for text, _ in _SOURCE_CHOICES:
            self.reason_source.addItem(text)
        self.reasons.add_header_widget(self.reason_source)
        self.per_server = False
        self.backfill = HistoryBackfill()

    def window(
        self,
        frame: MonitorFrame,
        series: TimeSeries,
        start: float,
        end: float,
        width: int,
        reduce: Reduce,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``series`` in clock-aligned buckets; before this session, from the history store."""
        x, y = aligned_window(series, start, end, width, reduce)
        if reduce is Reduce.SUM and x.size:
            # A bucket still filling would read as a sudden drop: show complete ones only.
            y = np.where(x + width <= frame.now, y, np.nan)
        if start >= frame.started_at:
            return x, y
        return self.backfill.merge(
            frame.history, series, (x, y), start, end, frame.started_at, width, reduce
        )

    def clear(self) -> None:
        self.backfill.reset()
        for plot in self.all:
            plot.clear()
            plot.set_note("")

    def chosen_source(self) -> ReasonSource | None:
        return _SOURCE_CHOICES[self.reason_source.currentIndex()][1]

    def link(self, source: TimeSeriesPlot | None) -> None:
        """Share one time axis, starting from ``source``'s range (None: each plot on its own).

        Following the clock, each plot scrolls when its group is drawn; once the user pans or
        zooms, all plots move together.
        """
        if source is None:
            for plot in self.all[1:]:
                plot.plot_item.setXLink(None)
            return
        self.clients.show_range(*source.x_range())
        for plot in self.all[1:]:
            plot.plot_item.setXLink(self.clients.plot_item)

    def draw(
        self,
        frame: MonitorFrame,
        start: float,
        end: float,
        plots: list[TimeSeriesPlot] | None = None,
    ) -> None:
        """Redraw ``plots`` (default: all) for [start, end] (epoch s)."""
        span = max(end - start, 1.0)
        fine = bucket_for(span, GAUGE_POINTS)
        coarse = bucket_for(span, COUNT_POINTS)
        gaps = [(g.start, g.end or frame.now) for g in frame.snapshot.stats.gaps]
        for plot in plots or self.all:
            if plot is self.clients:
                self._draw_clients(frame, start, end, fine)
            elif plot is self.churn:
                self._draw_churn(frame, start, end, coarse)
            elif plot is self.reasons:
                self._draw_reasons(frame, start, end, coarse)
            elif plot is self.health:
                self._draw_health(frame, start, end, fine)
            else:
                self._draw_rate(plot, frame, start, end, fine)
            plot.set_bands(gaps, group="gap")

    def _draw_clients(self, frame: MonitorFrame, start: float, end: float, width: int) -> None:
        series = frame.session.aggregator.series
        stats = frame.snapshot.stats
        cluster = stats.cluster
        lines = (
            ("total", "Total", series.clients, cluster.clients),
            ("websocket", "WebSocket", series.websocket_clients, cluster.websocket_clients),
            ("polling", "Polling", series.polling_clients, cluster.polling_clients),
        )
        for key, label, data, now_value in lines:
            x, y = self.window(frame, data, start, end, width, Reduce.MEAN)
            self.clients.set_series(key, x, y, label=label, note=format_count(now_value))
        wanted = set()
        if self.per_server:
            rows = {row.server_id: row for row in stats.servers}
            for server_id, data in series.per_server_clients.items():
                key = f"server:{server_id}"
                wanted.add(key)
                row = rows.get(server_id)
                label = server_id  # the name the servers table and the alerts use
                note = format_count(row.clients) if row and row.healthy else "stale"
                x, y = self.window(frame, data, start, end, width, Reduce.MEAN)
                self.clients.set_series(key, x, y, label=label, note=note)
        for key in self.clients.series_keys():
            if key.startswith("server:") and key not in wanted:
                self.clients.remove_series(key)
        self.clients.set_note("" if stats.servers else "Waiting for the first server_stats…")

    def _draw_churn(self, frame: MonitorFrame, start: float, end: float, width: int) -> None:
        series = frame.session.aggregator.series
        totals = frame.snapshot.stats.totals
        self.churn.title_label.setText(f"<b>Connects & disconnects</b> ({describe_bucket(width)})")
        for key, label, data, total in (
            ("connects", "Connects", series.connections, totals.connections),
            ("disconnects", "Disconnects", series.disconnections, totals.disconnections),
        ):
            x, y = self.window(frame, data, start, end, width, Reduce.SUM)
            self.churn.set_series(key, x, y, label=label, note=f"{format_count(total)} total")

    def _draw_reasons(self, frame: MonitorFrame, start: float, end: float, width: int) -> None:
        aggregator = frame.session.aggregator
        stats = frame.snapshot.stats
        source = self.chosen_source() or stats.reason_source
        by_reason = aggregator.reason_series(source)
        totals = stats.totals.engine_reasons if source is ReasonSource.ENGINE else (
            stats.totals.socket_reasons if source is ReasonSource.SOCKET else {}
        )  # fmt: skip
        self.reasons.title_label.setText(f"<b>Disconnect reasons</b> ({describe_bucket(width)})")
        label = {
            ReasonSource.ENGINE: "Source: Engine.IO close reasons (aggregatedEvents"
            " rawDisconnection.subType), counted by the server.",
            ReasonSource.SOCKET: "Source: Socket.IO disconnect reasons (socket_disconnected"
            " events, development mode).",
        }.get(source, f"Source: {stats.reason_source_label}.")
        self.reasons.set_note(label)
        self.reasons.set_placeholder(
            "No disconnects seen yet" if source is not ReasonSource.NONE else "No reasons sent"
        )
        # Stable order (first seen first), "(other)" last; each reason keeps its colour.
        keys = [k for k in by_reason if k != OTHER_REASON]
        keys += [OTHER_REASON] if OTHER_REASON in by_reason else []
        first = math.floor(start / width) * width
        grid = np.arange(first, end + 1, width, dtype=np.float64)
        ys = []
        for key in keys:
            x, y = self.window(frame, by_reason[key], start, end, width, Reduce.SUM)
            column = np.full(grid.size, np.nan)
            index = ((x - first) // width).astype(int)
            keep = (index >= 0) & (index < grid.size)
            column[index[keep]] = y[keep]
            ys.append(column)
        if ys:
            # A reason first seen later has no slots before: zero there unless all are gaps.
            stack = np.vstack(ys)
            gap = np.all(np.isnan(stack), axis=0)
            stack = np.where(gap, np.nan, np.nan_to_num(stack))
            ys = list(stack)
        notes = [f"{format_count(totals.get(k, 0))}" for k in keys]
        self.reasons.set_stack(keys, grid, ys, notes)

    def _draw_rate(
        self, plot: TimeSeriesPlot, frame: MonitorFrame, start: float, end: float, width: int
    ) -> None:
        series = frame.session.aggregator.series
        if plot is self.packets:
            pairs = (("in", "In", series.packets_in), ("out", "Out", series.packets_out))
            fmt = format_count
        else:
            pairs = (("in", "In", series.bytes_in), ("out", "Out", series.bytes_out))
            fmt = format_bytes
        for key, label, data in pairs:
            x, y = self.window(frame, data, start, end, width, Reduce.SUM)
            rate = recent_rate(data, frame.now)
            note = "" if math.isnan(rate) else fmt(rate) + "/s"
            plot.set_series(key, x, y / float(width), label=label, note=note)

    def _draw_health(self, frame: MonitorFrame, start: float, end: float, width: int) -> None:
        poller = frame.session.health
        if poller is None:
            self.health.set_placeholder("")
            self.health.set_note(
                "No health URL in this profile: add one in File → Connect… to see latency"
                " and down periods."
            )
            return
        samples = [s for s in poller.samples if start - 60 <= s.t <= end + 60]
        x = np.fromiter((s.t for s in samples), float, len(samples))
        y = np.fromiter(
            (s.latency_ms if s.ok and s.latency_ms is not None else np.nan for s in samples),
            float,
            len(samples),
        )
        down = [(p.start, p.end) for p in compute_periods(samples, until=frame.now) if not p.up]
        if start < frame.started_at:  # before this session: what earlier ones recorded
            past_x, past_y, past_down = health_before(
                self.backfill, frame.history, start, end, frame.started_at, width
            )
            x, y, down = np.concatenate([past_x, x]), np.concatenate([past_y, y]), past_down + down
        latest = poller.latest
        note = ""
        if latest is not None:
            note = f"{latest.latency_ms:.0f} ms" if latest.ok and latest.latency_ms else "down"
        self.health.set_series("latency", x, y, label="Latency", note=note)
        self.health.set_bands(down, group="down")
        if latest is not None and not latest.ok:
            self.health.set_note(f"Down: {latest.error} (red bands: down periods)")
        else:
            self.health.set_note("")
