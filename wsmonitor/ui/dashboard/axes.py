"""Axis items that keep the dashboard's plots aligned and their tick labels short."""

from __future__ import annotations

import math

import pyqtgraph as pg

#: Width of every left axis, so linked plots line up to the pixel.
LEFT_AXIS_WIDTH = 52


def compact_number(value: float) -> str:
    """12, 1.5k, 20k, 3.2M: tick labels that fit a narrow axis."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            scaled = value / limit
            return f"{scaled:.0f}{suffix}" if abs(scaled) >= 10 else f"{scaled:.1f}{suffix}"
    if magnitude >= 10 or float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2g}"


def nice_ceiling(value: float) -> float:
    """The smallest round number (1, 1.2, 1.5, 2 … 8 × 10^k) at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if value <= step * power * (1 + 1e-9):
            return round(step * power, 12)
    return 10.0 * power


class CompactAxis(pg.AxisItem):
    """A left axis of fixed width whose ticks read 1.5k rather than 1500."""

    def __init__(self) -> None:
        super().__init__(orientation="left")
        self.setWidth(LEFT_AXIS_WIDTH)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [compact_number(v * scale) for v in values]
