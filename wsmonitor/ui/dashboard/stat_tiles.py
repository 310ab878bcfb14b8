"""The row of big numbers at the top of the dashboard (clients, servers, churn, health)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from wsmonitor.core.aggregator_snapshot import AggregatorSnapshot
from wsmonitor.core.short_lived_recount import recount_note
from wsmonitor.ui.dashboard.legend import format_count
from wsmonitor.ui.dashboard.theme import LEVEL_COLOURS


class StatTile(QFrame):
    """Caption, one big value and a one-line detail."""

    def __init__(self, caption: str, tooltip: str = "") -> None:
        super().__init__()
        self.setObjectName("statTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tooltip)
        self._tooltip = tooltip
        self.caption = QLabel(caption)
        self.caption.setObjectName("statCaption")
        self.caption.setStyleSheet("color: palette(placeholder-text); font-size: 11px")
        self.value = QLabel("–")
        self.value.setObjectName("statValue")
        self.value.setStyleSheet("font-size: 22px; font-weight: 600")
        self.detail = QLabel("")
        self.detail.setObjectName("statDetail")
        self.detail.setStyleSheet("font-size: 11px")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        self._shown: tuple[str, str, str] = ("", "", "")

    def set(self, value: str, detail: str = "", level: str = "") -> None:
        """Show ``value``; ``level`` (ok/warn/error) colours it."""
        if (value, detail, level) == self._shown:
            return
        self._shown = (value, detail, level)
        self._colour_value()
        self.value.setText(value)
        self.detail.setText(detail)

    def restyle(self) -> None:
        """Colour the shown value again from the current theme (after a theme switch)."""
        self._colour_value()

    def _colour_value(self) -> None:
        colour = LEVEL_COLOURS.get(self._shown[2])
        style = "font-size: 22px; font-weight: 600"
        self.value.setStyleSheet(style + (f"; color: {colour}" if colour else ""))

    def set_note(self, note: str) -> None:
        """Add ``note`` below the tile's own tooltip ("" removes it)."""
        tooltip = f"{self._tooltip}\n\n{note}" if note and self._tooltip else note or self._tooltip
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)


class StatTiles(QWidget):
    """A row of ``StatTile`` keyed by name."""

    def __init__(self, tiles: dict[str, tuple[str, str]]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, StatTile] = {}
        for key, (caption, tooltip) in tiles.items():
            tile = StatTile(caption, tooltip)
            self.tiles[key] = tile
            layout.addWidget(tile, 1)

    def __getitem__(self, key: str) -> StatTile:
        return self.tiles[key]

    def clear(self) -> None:
        for tile in self.tiles.values():
            tile.set("–")
            tile.set_note("")  # a recount note belongs to the session that was cleared

    def restyle(self) -> None:
        """Colour every tile's value again from the current theme."""
        for tile in self.tiles.values():
            tile.restyle()


def show_short_lived(tile: StatTile, stats: AggregatorSnapshot) -> None:
    """The Short-lived tile: last minute, threshold, total, and what a recount could not redo.

    After a threshold change the counts are recounted only as far back as the disconnect log
    goes; when older ones used another threshold, the detail and the tooltip say so.
    """
    if "ALL_EVENTS" not in stats.features:
        tile.set("n/a", "needs a development-mode server")
        tile.set_note("")
        return
    recount = stats.short_lived_recount
    total = f"{format_count(stats.totals.short_lived)} total"
    if recount is not None and not recount.complete:
        total += f" (older: {' / '.join(f'{s:g} s' for s in recount.earlier_s)})"
    tile.set(
        format_count(stats.short_lived_last_min),
        f"last minute · under {stats.short_lived_threshold_s:g} s · {total}",
        "warn" if stats.short_lived_last_min else "",
    )
    tile.set_note(recount_note(recount))
