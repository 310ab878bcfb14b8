"""The dashboard plots' colours, read from the current theme so every plot reads alike."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyqtgraph as pg
from PySide6.QtGui import QColor

from wsmonitor.ui.theme import ThemePalette, current
from wsmonitor.ui.theme.apply import qcolor
from wsmonitor.ui.theme.palette import mix


class _LevelColours(Mapping[str, str]):
    """Status level → text colour of the theme in use (looked up on every access)."""

    _LEVELS = ("ok", "warn", "error", "info", "idle")

    def __getitem__(self, level: str) -> str:
        if level not in self._LEVELS:
            raise KeyError(level)
        return current().level(level)

    def __iter__(self) -> Iterator[str]:
        return iter(self._LEVELS)

    def __len__(self) -> int:
        return len(self._LEVELS)


#: Colours of status levels (tiles, table cells), matching the status-bar indicator. A live
#: view of the current theme, so ``LEVEL_COLOURS.get(level)`` is right after a switch.
LEVEL_COLOURS: Mapping[str, str] = _LevelColours()


def colour_for(key: str, index: int) -> str:
    """The fixed colour of a well-known series, else the ``index``-th categorical colour."""
    return current().series_colour(key, index)


def band_brush(group: str) -> QColor:
    """Fill of shaded time ranges: "down" (health down periods) or "gap" (no data)."""
    palette = current()
    return qcolor(palette.down_band if group == "down" else palette.gap_band)


def tint(colour: str, strength: float) -> QColor:
    """``colour`` blended into the plot background (strength 1 = the colour itself)."""
    return QColor(mix(colour, current().plot_background, strength))


def style_plot(widget: pg.PlotWidget, palette: ThemePalette) -> None:
    """Background, axes, tick labels and grid of one plot in ``palette``'s colours."""
    widget.setBackground(palette.plot_background)
    item = widget.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(palette.plot_foreground))
        axis.setTextPen(pg.mkPen(palette.plot_foreground))
    # The grid is drawn with the axis pen at this alpha: re-set after the pen changes.
    item.showGrid(x=True, y=True, alpha=palette.grid_alpha)
