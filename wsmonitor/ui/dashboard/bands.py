"""Shaded time ranges on a plot (health down periods, monitoring gaps), pooled per group."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtGui import QColor


class BandLayer:
    """Vertical bands behind a plot's curves; regions are reused, never recreated per redraw."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._plot_item = plot_item
        self._pools: dict[str, list[pg.LinearRegionItem]] = {}

    def set(self, group: str, bands: Sequence[tuple[float, float]], brush: QColor) -> None:
        pool = self._pools.setdefault(group, [])
        while len(pool) < len(bands):
            region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
            region.setZValue(-100)
            self._plot_item.addItem(region, ignoreBounds=True)
            pool.append(region)
        for i, region in enumerate(pool):
            if i < len(bands):
                region.setBrush(brush)
                region.setRegion(bands[i])
                region.show()
            else:
                region.hide()

    def restyle(self, brush_for: Callable[[str], QColor]) -> None:
        """Refill every region with ``brush_for(group)`` (after a theme switch)."""
        for group, pool in self._pools.items():
            brush = brush_for(group)
            for region in pool:
                region.setBrush(brush)

    def count(self, group: str) -> int:
        return sum(1 for region in self._pools.get(group, []) if region.isVisible())

    def ranges(self, group: str) -> list[tuple[float, float]]:
        """The shaded (start, end) ranges of ``group`` now shown."""
        pool = self._pools.get(group, [])
        return [tuple(r.getRegion()) for r in pool if r.isVisible()]  # type: ignore[misc]

    def clear(self) -> None:
        for pool in self._pools.values():
            for region in pool:
                region.hide()
