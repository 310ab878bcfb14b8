"""The strip above the lab's timeline when one Fire compares EIO 4 and 3: one entry per run.

Each entry says how its run ended ("EIO 3 ✗ protocol_mismatch 8 ms") in its level's colour; the
selected one looks like the banner below it. Clicking a finished entry asks the controller to
show that run.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy

from wsmonitor.ui.lab.flow_layout import FlowLayout
from wsmonitor.ui.lab.verdict_banner import verdict_level
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

#: What an entry says while its run has no verdict.
_STATE_WORDS = {
    "waiting": "waiting…",
    "running": "running…",
    "cancelled": "cancelled",
    "error": "probe failed",
}
_STATE_LEVEL = {"waiting": "idle", "running": "running", "cancelled": "idle", "error": "error"}


@dataclass(frozen=True)
class RunEntry:
    """One run of a compare Fire as the strip shows it."""

    label: str  # "EIO 4"
    state: str = "waiting"  # waiting | running | done | cancelled | error
    code: str = ""
    summary: str = ""
    total_ms: float | None = None

    @property
    def done(self) -> bool:
        return self.state == "done"

    @property
    def level(self) -> str:
        return verdict_level(self.code) if self.done else _STATE_LEVEL[self.state]

    @property
    def text(self) -> str:
        if not self.done:
            return f"{self.label} {_STATE_WORDS[self.state]}"
        mark = "✓" if self.code == "ok" else "✗"
        took = "" if self.total_ms is None else f" {self.total_ms:.0f} ms"
        return f"{self.label} {mark} {self.code}{took}"


class CompareStrip(QFrame):
    """Entries side by side (stacked when narrow); hidden unless a compare Fire is shown."""

    #: A finished entry was clicked: its index.
    entry_clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("compareStrip")
        # Height follows the width: entries wrap to a second line on a narrow window.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._entries: list[RunEntry] = []
        self._buttons: list[QPushButton] = []
        self._selected = -1
        self._layout = FlowLayout(self)
        self.hide()
        on_theme_changed(self._restyle)

    # -- content ------------------------------------------------------------------------------
    def show_entries(self, entries: list[RunEntry]) -> None:
        """Start over with these entries (a new compare Fire), none selected."""
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self._entries = list(entries)
        self._buttons = []
        self._selected = -1
        self._layout.addWidget(QLabel("<b>Compare</b>"))
        for index in range(len(entries)):
            button = QPushButton()
            button.setObjectName(f"compareEntry{index}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, i=index: self._clicked(i))
            self._buttons.append(button)
            self._layout.addWidget(button)
        for index in range(len(entries)):
            self._render(index)
        self.show()

    def set_entry(self, index: int, entry: RunEntry) -> None:
        self._entries[index] = entry
        self._render(index)

    def select(self, index: int) -> None:
        """Mark ``index`` as the run the page shows (the others stay clickable)."""
        previous, self._selected = self._selected, index
        for changed in {previous, index} - {-1}:
            self._render(changed)

    def clear(self) -> None:
        self.show_entries([])
        self.hide()

    # -- reading (the controller and tests) ---------------------------------------------------
    def entries(self) -> list[RunEntry]:
        return list(self._entries)

    def selected(self) -> int:
        return self._selected

    def button(self, index: int) -> QPushButton:
        return self._buttons[index]

    def text(self) -> str:
        """The strip as one line: ``EIO 4 ✓ ok 12 ms · EIO 3 ✗ protocol_mismatch 8 ms``."""
        return " · ".join(entry.text for entry in self._entries)

    # -- drawing ------------------------------------------------------------------------------
    def _render(self, index: int) -> None:
        entry, button = self._entries[index], self._buttons[index]
        button.setText(entry.text)
        button.setToolTip(entry.summary or entry.text)
        button.setEnabled(entry.done)
        button.setStyleSheet(entry_style(current(), entry.level, index == self._selected))

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: every entry in the new palette's colours."""
        for index in range(len(self._entries)):
            self._render(index)

    def _clicked(self, index: int) -> None:
        if self._entries[index].done:
            self.entry_clicked.emit(index)


def entry_style(palette: ThemePalette, level: str, selected: bool) -> str:
    """Style sheet of one entry: level-coloured text, or the banner's look when selected."""
    banner = palette.banner(level)
    if selected:  # the same fill, text and edge as the verdict banner below it
        text, fill, border = banner.text, banner.background, banner.strong
    else:
        text, fill, border = palette.level(level), "transparent", palette.border
    return (
        f"QPushButton {{ color: {text}; background: {fill}; border: 1px solid {border};"
        f" border-radius: 4px; padding: 3px 10px; font-weight: {'bold' if selected else 500}; }}"
        f" QPushButton:hover {{ border-color: {banner.strong}; }}"
    )
