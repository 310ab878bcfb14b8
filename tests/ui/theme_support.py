"""Reading colours off rendered widgets, for the theme tests."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget


def pixel(widget: QWidget, x: int, y: int) -> QColor:
    return widget.grab().toImage().pixelColor(x, y)


def close_to(colour: QColor, expected: str, tolerance: int = 6) -> bool:
    want = QColor(expected)
    return all(
        abs(a - b) <= tolerance for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True)
    )


def shows_colour(image: QImage, expected: str) -> bool:
    """Some pixel of ``image`` has ``expected`` colour (text strokes keep it in their core)."""
    return any(
        close_to(image.pixelColor(x, y), expected, 10)
        for y in range(image.height())
        for x in range(image.width())
    )
