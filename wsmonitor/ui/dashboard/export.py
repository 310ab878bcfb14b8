"""Saving what a plot shows: its data as CSV and its picture as PNG."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QToolButton, QWidget

SeriesData = Mapping[str, tuple[np.ndarray, np.ndarray]]


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=UTC).isoformat(timespec="seconds")


def _cell(value: float) -> str:
    # Gaps (no data from the server) stay empty cells, never a misleading zero.
    if not np.isfinite(value):
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def write_series_csv(path: str | Path, series: SeriesData) -> int:
    """Write ``label -> (x, y)`` series as CSV; returns the number of data rows.

    Series sharing one time axis become one wide table (``time_utc, epoch_s, label...``);
    otherwise one row per point (``time_utc, epoch_s, series, value``).
    """
    items = [
        (label, np.asarray(x, float), np.asarray(y, float)) for label, (x, y) in series.items()
    ]
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        shared = bool(items) and all(
            len(x) == len(items[0][1]) and np.array_equal(x, items[0][1]) for _, x, _ in items
        )
        if shared:
            writer.writerow(["time_utc", "epoch_s", *(label for label, _, _ in items)])
            for i, t in enumerate(items[0][1]):
                writer.writerow([_iso(t), f"{t:.3f}", *(_cell(y[i]) for _, _, y in items)])
                rows += 1
        else:
            writer.writerow(["time_utc", "epoch_s", "series", "value"])
            for label, x, y in items:
                for t, v in zip(x, y, strict=False):
                    writer.writerow([_iso(t), f"{t:.3f}", label, _cell(v)])
                    rows += 1
    return rows


def save_widget_png(widget: QWidget, path: str | Path) -> bool:
    """Save what ``widget`` shows (title, legend and plot) as a PNG; False when it failed."""
    return widget.grab().save(str(path), "PNG")


def export_menu_button(
    parent: QWidget,
    title: str,
    save_png: Callable[[str], object],
    save_csv: Callable[[str], object],
) -> QToolButton:
    """The '⋯' button of a plot: export its picture (PNG) or its data (CSV) to a chosen file."""
    stem = "wsmonitor-" + "".join(c if c.isalnum() else "-" for c in title.lower())

    def ask(caption: str, suffix: str, kind: str, save: Callable[[str], object]) -> None:
        path, _ = QFileDialog.getSaveFileName(parent, caption, stem + suffix, kind)
        if path:
            save(path)

    button = QToolButton(parent)
    button.setText("⋯")
    button.setToolTip("Export this plot")
    button.setAutoRaise(True)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.addAction(
        "Export image (PNG)…", lambda: ask("Export plot", ".png", "PNG image (*.png)", save_png)
    )
    button.addAction(
        "Export data (CSV)…", lambda: ask("Export data", ".csv", "CSV (*.csv)", save_csv)
    )
    return button
