"""Colours and pyqtgraph settings shared by every dashboard plot, so all plots read alike."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

#: Colour-blind-safe categorical palette (Okabe–Ito, reordered so the first two contrast well).
CATEGORY_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # purple
    "#D55E00",  # vermilion
    "#56B4E9",  # sky
    "#8C6D31",  # brown
    "#6A6A6A",  # grey
    "#F0E442",  # yellow (last: poor contrast on white)
)

#: Fixed colours for series whose meaning repeats across plots.
SERIES_COLOURS: dict[str, str] = {
    "total": "#0072B2",
    "websocket": "#009E73",
    "polling": "#E69F00",
    "connects": "#009E73",
    "disconnects": "#D55E00",
    "in": "#0072B2",
    "out": "#CC79A7",
    "latency": "#0072B2",
    "short_lived": "#D55E00",
}

#: Colours of status levels (banners, table cells), matching the status-bar indicator.
LEVEL_COLOURS: dict[str, str] = {
    "ok": "#2e9d4f",
    "warn": "#d08a00",
    "error": "#c8382e",
    "idle": "#8a8f98",
}

DOWN_BRUSH = QColor(200, 56, 46, 55)
GAP_BRUSH = QColor(138, 143, 152, 40)


def colour_for(key: str, index: int) -> str:
    """The fixed colour of a well-known series, else the ``index``-th palette colour."""
    return SERIES_COLOURS.get(key, CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)])


def _palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if isinstance(app, QApplication) else QPalette()


def is_dark() -> bool:
    """True when the application palette is a dark one."""
    return _palette().color(QPalette.ColorRole.Window).lightness() < 128


def plot_background() -> QColor:
    return _palette().color(QPalette.ColorRole.Base)


def plot_foreground() -> QColor:
    return _palette().color(QPalette.ColorRole.Text)


def grid_alpha() -> float:
    return 0.25 if is_dark() else 0.18


def tint(colour: str, strength: float) -> QColor:
    """``colour`` blended into the plot background (strength 1 = the colour itself)."""
    base, paper = QColor(colour), plot_background()
    mix = [
        round(strength * a + (1 - strength) * b)
        for a, b in zip(base.getRgb()[:3], paper.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


def configure_pyqtgraph() -> None:
    """Antialiased lines on the palette's colours; called once before plots are made."""
    pg.setConfigOptions(
        antialias=True,
        background=plot_background(),
        foreground=plot_foreground(),
        leftButtonPan=True,
    )
