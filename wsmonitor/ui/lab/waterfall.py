"""Waterfall of a probe's phase timings (DNS, TCP, TLS, HTTP, handshake, CONNECT, upgrade)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

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


def phase_colour(name: str, failed: bool = False) -> QColor:
    """The bar colour of a phase in the current theme (failed bars in the error colour)."""
    palette = current()
    return QColor(palette.level("error") if failed else palette.phase(name))


class PhaseWaterfall(QWidget):
    """Draws one bar per phase on a shared time axis, with the duration at the bar's end."""

    def __init__(self) -> None:
        super().__init__()
        self._phases: list[Phase] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self._height_for(4))
        on_theme_changed(self._restyle)

    def set_phases(self, phases: list[Phase]) -> None:
        self._phases = list(phases)
        self.setMinimumHeight(self._height_for(max(len(self._phases), 4)))
        self.updateGeometry()
        self.update()

    def phases(self) -> list[Phase]:
        return list(self._phases)

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: the bars are painted from the palette, so paint again."""
        self.update()

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
            colour = phase_colour(phase.name, phase.failed)
            painter.fillRect(QRectF(x, top + 4, bar_width, _ROW_HEIGHT - 8), colour)
            label = f"{phase.duration_ms:.1f} ms" + (" ✗" if phase.failed else "")
            painter.drawText(
                QRectF(x + bar_width + 4, top, duration_room, _ROW_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                label,
            )

    def _draw_axis(self, painter: QPainter, left: float, width: float, total: float) -> None:
        top = _MARGIN + len(self._phases) * _ROW_HEIGHT + 2
        # The axis line is a faint frame colour; its labels are text and need text contrast
        # (the frame colour reads at under 2:1 on the dark panel).
        line = QPen(self.palette().mid().color(), 1)
        text = QPen(self.palette().placeholderText().color())
        painter.setPen(line)
        painter.drawLine(int(left), int(top), int(left + width), int(top))
        step = nice_step(total)
        tick = 0.0
        while tick <= total + 1e-9:
            x = left + width * tick / total
            painter.setPen(line)
            painter.drawLine(int(x), int(top), int(x), int(top + 4))
            label = f"{tick:g} ms"
            painter.setPen(text)
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
