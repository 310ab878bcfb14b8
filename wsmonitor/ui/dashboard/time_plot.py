"""One titled live time-series plot: header with legend, pyqtgraph plot, crosshair, export."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wsmonitor.ui.dashboard import theme
from wsmonitor.ui.dashboard.axes import CompactAxis, nice_ceiling
from wsmonitor.ui.dashboard.bands import BandLayer
from wsmonitor.ui.dashboard.export import export_menu_button, save_widget_png, write_series_csv
from wsmonitor.ui.dashboard.legend import format_count, format_legend, format_time, value_at
from wsmonitor.ui.elided_label import ElidedLabel
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

_EMPTY = np.empty(0)


@dataclass
class _Series:
    item: pg.PlotDataItem
    label: str
    colour: str
    x: np.ndarray
    y: np.ndarray
    note: str = ""
    #: Position when it was added: picks the same categorical colour in every theme.
    slot: int = 0


class TimeSeriesPlot(QFrame):
    """A plot of series against epoch seconds, fed by ``set_series`` from the redraw timer.

    Each series gets one ``PlotDataItem``, created on first use and updated with ``setData``.
    ``stacked=True`` draws each series filled on top of the previous ones (``set_stack``).
    """

    #: The user panned or zoomed this plot (the page stops following the clock).
    range_changed_by_user = Signal()
    #: The mouse is over this plot at time x (NaN when it left); linked plots mirror it.
    hovered = Signal(float)

    def __init__(
        self,
        title: str,
        unit: str = "",
        *,
        stacked: bool = False,
        formatter: Callable[[float], str] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("plotCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = title
        self.unit = unit
        self.stacked = stacked
        self._format = formatter or (lambda v: f"{format_count(v)} {unit}".strip())
        self._series: dict[str, _Series] = {}
        self._order: list[str] = []
        self._hover_x = math.nan
        self._note = ""
        self._placeholder = "Waiting for data…"

        self.title_label = QLabel(f"<b>{title}</b>")
        self.title_label.setObjectName("plotTitle")
        self.legend_label = QLabel("Waiting for data…")
        self.legend_label.setObjectName("plotLegend")
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)
        self.note_label = ElidedLabel("")
        self.note_label.setObjectName("plotNote")
        self.note_label.hide()
        menu_button = export_menu_button(self, title, self.export_png, self.export_csv)

        self.plot_widget = pg.PlotWidget(
            axisItems={"bottom": pg.DateAxisItem(), "left": CompactAxis()}
        )
        self.plot_widget.setMinimumHeight(120)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setDownsampling(auto=True, mode="peak")
        self.plot_item.setClipToView(True)
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        self.bands = BandLayer(self.plot_item)
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        # Time pans and zooms; the y range is fitted from zero on every update (see _fit_y).
        self.view_box.setMouseEnabled(x=True, y=False)
        self.view_box.disableAutoRange(axis=pg.ViewBox.YAxis)
        self.view_box.setYRange(0, 1, padding=0)
        self.view_box.sigRangeChangedManually.connect(lambda *_: self.range_changed_by_user.emit())

        self._crosshair = pg.InfiniteLine(angle=90, movable=False)
        self._crosshair.hide()
        self.plot_item.addItem(self._crosshair, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(
            self.plot_widget.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )

        header = self._header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(menu_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(1)
        layout.addLayout(header)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.plot_widget, 1)
        self._apply_theme(current())
        on_theme_changed(self._apply_theme)

    # -- data --------------------------------------------------------------------------------
    def set_series(
        self, key: str, x: np.ndarray, y: np.ndarray, *, label: str | None = None, note: str = ""
    ) -> None:
        """Show ``y`` against ``x`` (epoch s; NaN = gap) as series ``key``."""
        series = self._series.get(key) or self._add_series(key, label or key)
        if label is not None:
            series.label = label
        series.x, series.y, series.note = x, y, note
        series.item.setData(x, y, connect="finite")
        self._fit_y()
        self._refresh_legend()

    def set_stack(self, keys: Sequence[str], x: np.ndarray, ys: Sequence[np.ndarray],
                  notes: Sequence[str] = ()) -> None:  # fmt: skip
        """Stacked series: ``ys[i]`` drawn on top of ``ys[:i]``, all on one time axis ``x``."""
        for key in [k for k in self._order if k not in keys]:
            self.remove_series(key)
        total = np.zeros(len(x))
        for i, key in enumerate(keys):
            series = self._series.get(key) or self._add_series(key, key)
            total = total + ys[i]
            series.x, series.y = x, ys[i]
            series.note = notes[i] if i < len(notes) else ""
            # Earlier (lower) layers are drawn in front so each band shows its own colour.
            series.item.setZValue(-i)
            series.item.setData(x, total.copy(), connect="finite")
        self._stack_top = total
        self._fit_y()
        self._refresh_legend()

    def _fit_y(self) -> None:
        """Y from zero to a round number above the highest value drawn.

        Counts read true from zero, and a round top (10, 20, 50…) keeps the axis still while
        values wobble, which also spares repainting it.
        """
        if self.stacked:
            tops = [getattr(self, "_stack_top", np.empty(0))]
        else:
            tops = [s.y for s in self._series.values()]
        peak = max((float(np.nanmax(y)) for y in tops if np.isfinite(y).any()), default=0.0)
        top = nice_ceiling(peak * 1.05) if peak > 0 else 1.0
        if top != self.view_box.viewRange()[1][1]:
            self.view_box.setYRange(0, top, padding=0)

    def remove_series(self, key: str) -> None:
        series = self._series.pop(key, None)
        if series is not None:
            self.plot_item.removeItem(series.item)
            self._order.remove(key)
            self._refresh_legend()

    def clear(self) -> None:
        for key in list(self._order):
            self.remove_series(key)
        self.bands.clear()
        self._placeholder = "Waiting for data…"
        self._refresh_legend()

    def series_keys(self) -> list[str]:
        return list(self._order)

    def series_data(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        series = self._series[key]
        return series.x, series.y

    def point_count(self) -> int:
        """Finite points across all series: what the user actually sees drawn."""
        return sum(int(np.isfinite(s.y).sum()) for s in self._series.values())

    def legend_text(self) -> str:
        return self.legend_label.text()

    def set_placeholder(self, text: str) -> None:
        """What the legend says while the plot has no series ("" for nothing)."""
        if text != self._placeholder:
            self._placeholder = text
            self._refresh_legend()

    def set_note(self, text: str) -> None:
        """A plain sentence under the title (data source, why a plot is empty)."""
        self._note = text
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    def set_bands(self, bands: Sequence[tuple[float, float]], group: str = "down") -> None:
        """Shade time ranges in the theme's colour of ``group``: "down" (health) or "gap"."""
        self.bands.set(group, bands, theme.band_brush(group))

    def band_count(self, group: str = "down") -> int:
        return self.bands.count(group)

    def add_header_widget(self, widget: QWidget) -> None:
        """Put a small control (e.g. a source selector) in the header, left of the menu."""
        self._header.insertWidget(self._header.count() - 1, widget)

    def _add_series(self, key: str, label: str) -> _Series:
        slot = len(self._order)
        item = pg.PlotDataItem(name=label)
        if self.stacked:
            item.setFillLevel(0)
        series = _Series(item=item, label=label, colour="", x=_EMPTY, y=_EMPTY, slot=slot)
        self._colour_series(key, series)
        self.plot_item.addItem(item)
        self._series[key] = series
        self._order.append(key)
        return series

    def _colour_series(self, key: str, series: _Series) -> None:
        series.colour = theme.colour_for(key, series.slot)
        # Width 1: wider lines take the slow stroker path in Qt.
        series.item.setPen(pg.mkPen(series.colour, width=1))
        if self.stacked:
            # Opaque tint: translucent layers drawn over each other would mix their colours.
            series.item.setBrush(theme.tint(series.colour, 0.55))

    def _apply_theme(self, palette: ThemePalette) -> None:
        """Re-read every colour of the plot from ``palette`` (at start and on a theme switch)."""
        theme.style_plot(self.plot_widget, palette)
        self._crosshair.setPen(pg.mkPen(palette.crosshair))
        for key, series in self._series.items():
            self._colour_series(key, series)
        self.bands.restyle(theme.band_brush)
        self._refresh_legend()

    # -- view --------------------------------------------------------------------------------
    def show_range(self, start: float, end: float) -> None:
        self.view_box.setXRange(start, end, padding=0)

    def x_range(self) -> tuple[float, float]:
        low, high = self.view_box.viewRange()[0]
        return float(low), float(high)

    def show_crosshair(self, x: float) -> None:
        """Put the crosshair at time ``x`` (NaN hides it) and show the values there."""
        self._hover_x = x
        if math.isnan(x):
            self._crosshair.hide()
        else:
            self._crosshair.setPos(x)
            self._crosshair.show()
        self._refresh_legend()

    def _on_mouse_moved(self, event: tuple[QPointF]) -> None:
        pos = event[0]
        if self.plot_item.sceneBoundingRect().contains(pos):
            x = float(self.view_box.mapSceneToView(pos).x())
        else:
            x = math.nan
        if not (math.isnan(x) and math.isnan(self._hover_x)):
            self.show_crosshair(x)
            self.hovered.emit(x)

    def leaveEvent(self, event) -> None:
        self.show_crosshair(math.nan)
        self.hovered.emit(math.nan)
        super().leaveEvent(event)

    def _refresh_legend(self) -> None:
        entries = [
            (s.colour, s.label, self._value_at(s) if not math.isnan(self._hover_x) else s.note)
            for s in (self._series[k] for k in self._order)
        ]
        prefix = "" if math.isnan(self._hover_x) else f"<b>{format_time(self._hover_x)}</b> "
        muted = current().muted
        self.legend_label.setText(prefix + format_legend(entries, self._placeholder, muted))

    def _value_at(self, series: _Series) -> str:
        value = value_at(series.x, series.y, self._hover_x)
        return "gap" if not math.isfinite(value) else self._format(value)

    def export_png(self, path: str) -> bool:
        return save_widget_png(self, path)

    def export_csv(self, path: str) -> int:
        data = {self._series[k].label: (self._series[k].x, self._series[k].y) for k in self._order}
        return write_series_csv(path, data)
