"""Waterfall of a probe's phase timings (DNS, TCP, TLS, HTTP, handshake, CONNECT, upgrade)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

_PHASE_COLOURS = {
    "dns": "#7e57c2",
    "tcp": "#1f77b4",
    "tls": "#17becf",
    "tcp+tls": "#17becf",
    "http": "#2ca02c",
    "handshake": "#ff7f0e",
    "connect": "#e377c2",
    "upgrade": "#8c564b",
    "hold": "#7f7f7f",
}
_ROW_HEIGHT = 20
_LABEL_WIDTH = 90
_MARGIN = 8


@dataclass(frozen=True)
class Phase:
    """One bar: a phase name and its start/end in ms since the probe started."""

    name: str
    start_ms: float
    end_ms: float
    failed: bool = False

    @property
    def duration_ms(self) -> float:
        return max(0.0, self.end_ms - self.start_ms)


def phase_colour(name: str) -> QColor:
    key = name.lower().split()[0] if name else ""
    return QColor(_PHASE_COLOURS.get(key, "#6c757d"))


class PhaseWaterfall(QWidget):
    """Draws one bar per phase on a shared time axis, with the duration at the bar's end."""

    def __init__(self) -> None:
        super().__init__()
        self._phases: list[Phase] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self._height_for(4))

    def set_phases(self, phases: list[Phase]) -> None:
        self._phases = list(phases)
        self.setMinimumHeight(self._height_for(max(len(self._phases), 4)))
        self.updateGeometry()
        self.update()

    def phases(self) -> list[Phase]:
        return list(self._phases)

    def sizeHint(self) -> QSize:
        return QSize(420, self._height_for(max(len(self._phases), 4)))

    @staticmethod
    def _height_for(rows: int) -> int:
        return rows * _ROW_HEIGHT + 2 * _MARGIN + 18

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = QFontMetrics(painter.font())
        if not self._phases:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, "Phase timings appear after a probe."
            )
            return
        total = max(p.end_ms for p in self._phases) or 1.0
        duration_room = metrics.horizontalAdvance("0000.0 ms ✗") + 6
        left = _MARGIN + _LABEL_WIDTH
        width = max(10, self.width() - left - _MARGIN - duration_room)
        scale = width / total
        self._draw_axis(painter, left, width, total)
        for row, phase in enumerate(self._phases):
            top = _MARGIN + row * _ROW_HEIGHT
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(_MARGIN, top, _LABEL_WIDTH - 6, _ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                phase.name,
            )
            x = left + phase.start_ms * scale
            bar_width = max(2.0, phase.duration_ms * scale)
            colour = QColor("#c8382e") if phase.failed else phase_colour(phase.name)
            painter.fillRect(QRectF(x, top + 4, bar_width, _ROW_HEIGHT - 8), colour)
            label = f"{phase.duration_ms:.1f} ms" + (" ✗" if phase.failed else "")
            painter.drawText(
                QRectF(x + bar_width + 4, top, duration_room, _ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )

    def _draw_axis(self, painter: QPainter, left: float, width: float, total: float) -> None:
        top = _MARGIN + len(self._phases) * _ROW_HEIGHT + 2
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawLine(int(left), int(top), int(left + width), int(top))
        step = nice_step(total)
        tick = 0.0
        while tick <= total + 1e-9:
            x = left + width * tick / total
            painter.drawLine(int(x), int(top), int(x), int(top + 4))
            label = f"{tick:g} ms"
            painter.drawText(
                QRectF(x - 40, top + 4, 80, 14),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                label,
            )
            tick += step


def nice_step(total: float, ticks: int = 5) -> float:
    """A 1, 2 or 5 × 10^n step giving at most ``ticks`` intervals over ``total``."""
    raw = max(total, 1e-6) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude
