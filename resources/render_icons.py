"""Render resources/icons/wsmonitor.svg into the PNG sizes desktops and bundles use.

Run after editing the SVG: ``python resources/render_icons.py``. The PNGs are committed so that
installs and bundles need no SVG renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 32, 48, 64, 128, 256, 512)


def main() -> int:
    app = QGuiApplication(sys.argv)
    icons = Path(__file__).resolve().parent / "icons"
    renderer = QSvgRenderer(str(icons / "wsmonitor.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(icons / f"wsmonitor-{size}.png"))
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
