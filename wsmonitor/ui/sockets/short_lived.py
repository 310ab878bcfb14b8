"""Short-lived connection detector: sockets gone within N seconds of connecting.

The incident wsmonitor was built for looked exactly like this: WebSockets that open and close at
once. This view counts them, plots their rate and lists each one with its reason. A new
threshold recounts all three for the disconnects the log still holds; the summary says when older
counts kept another threshold.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wsmonitor.core.series import Reduce
from wsmonitor.core.short_lived_recount import recount_note
from wsmonitor.ui.dashboard.legend import format_count
from wsmonitor.ui.dashboard.plot_feed import aligned_window
from wsmonitor.ui.dashboard.time_plot import TimeSeriesPlot
from wsmonitor.ui.disconnects.disconnects_page import make_record_table
from wsmonitor.ui.disconnects.record_model import RecordFilter, RecordLogModel
from wsmonitor.ui.monitor_controller import MonitorFrame

WINDOW_S = 600
BUCKET_S = 10
_RECOUNT_HINT = "A change recounts the {held}; older counts keep their threshold."


class ShortLivedView(QWidget):
    """Count, rate plot and list of short-lived connections (development-mode servers)."""

    #: The user set a new threshold (seconds); the page saves and applies it.
    threshold_changed = Signal(float)

    def __init__(self) -> None:
        super().__init__()
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.1, 3600.0)
        self.threshold.setDecimals(1)
        self.threshold.setSingleStep(1.0)
        self.threshold.setSuffix(" s")
        self.threshold.setValue(5.0)
        self.threshold.setKeyboardTracking(False)  # one change per edit, not per keystroke
        self.threshold.setToolTip(
            "A socket that disconnects sooner than this after connecting counts as short-lived."
            " Saved for all profiles."
        )
        self.threshold.valueChanged.connect(self.threshold_changed)
        self.threshold_note = QLabel(_RECOUNT_HINT.format(held="disconnects in the log"))
        self.threshold_note.setEnabled(False)  # greyed: a hint, not a value
        self.threshold_note.setWordWrap(True)  # never widen the window for a hint
        settings_row = QHBoxLayout()
        settings_row.addWidget(QLabel("Short-lived under"))
        settings_row.addWidget(self.threshold)
        settings_row.addWidget(self.threshold_note, 1)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.plot = TimeSeriesPlot(f"Short-lived connections (per {BUCKET_S} s, last 10 min)")
        self.plot.view_box.setMouseEnabled(x=False, y=False)
        self.model = RecordLogModel(cap=2_000)
        self.proxy = RecordFilter()
        self.table = make_record_table(self.model, self.proxy)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.plot)
        splitter.addWidget(self.table)
        splitter.setSizes([260, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(settings_row)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._shown: tuple[object, ...] = ()  # what the summary and plot were drawn for

    def reset(self) -> None:
        self.model.clear()
        self.plot.clear()
        self.summary.setText("")
        self.summary.setToolTip("")
        self._shown = ()

    def show_threshold(self, seconds: float) -> None:
        """Show the threshold in use (unless the user is editing it)."""
        if not self.threshold.hasFocus() and self.threshold.value() != round(seconds, 1):
            self.threshold.blockSignals(True)
            self.threshold.setValue(seconds)
            self.threshold.blockSignals(False)

    def sync(self, frame: MonitorFrame) -> None:
        """Bring the list up to date (cheap; also while the tab is hidden)."""
        disconnects = frame.session.aggregator.disconnects
        self.model.sync(disconnects.short_lived, disconnects.version)

    def refresh(self, frame: MonitorFrame) -> None:
        self.sync(frame)
        stats = frame.snapshot.stats
        self.show_threshold(stats.short_lived_threshold_s)
        recount = stats.short_lived_recount
        # once a second, and at once when a new threshold recounted what is shown
        shown = (int(frame.now), stats.short_lived_threshold_s, recount)
        if shown == self._shown:
            return
        self._shown = shown
        threshold = stats.short_lived_threshold_s
        last_min, total = stats.short_lived_last_min, stats.totals.short_lived
        ratio = ""
        if stats.disconnects_last_min:
            share = 100.0 * last_min / stats.disconnects_last_min
            ratio = f" ({share:.0f} % of {format_count(stats.disconnects_last_min)} disconnects)"
        note = recount_note(recount)
        self.summary.setText(
            f"<b>{format_count(last_min)}</b> sockets disconnected within {threshold:g} s of"
            f" connecting in the last minute{ratio} · <b>{format_count(total)}</b> since"
            " watching. Typical causes: a proxy that drops the WebSocket upgrade, an auth"
            " middleware that kicks the socket, a client speaking the wrong protocol version."
            + (f"<br><i>{note}</i>" if note else "")
        )
        self.summary.setToolTip(note)
        cap = frame.session.aggregator.config.disconnect_log_size
        self.threshold_note.setText(
            _RECOUNT_HINT.format(held=f"last {cap:,} disconnects (the disconnect log)")
        )
        end = float(math.floor(frame.now))
        first = end - WINDOW_S
        x, y = aligned_window(
            frame.session.aggregator.series.short_lived, first, end, BUCKET_S, Reduce.SUM
        )
        self.plot.set_series("short_lived", x, y, label="Short-lived", note=f"{last_min} last min")
        self.plot.show_range(first, end)
