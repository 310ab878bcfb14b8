"""Dashboard toolbar: time window (5 min / 1 h / 24 h), follow or pause, per-server lines."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QToolButton, QWidget

from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

WINDOWS: tuple[tuple[str, int], ...] = (("5 min", 300), ("1 h", 3600), ("24 h", 86_400))


class WindowBar(QWidget):
    """Controls shared by every plot of the dashboard."""

    window_changed = Signal(int)
    following_changed = Signal(bool)
    per_server_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Window"))
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.window_buttons: dict[int, QToolButton] = {}
        for text, seconds in WINDOWS:
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            # Styled by the theme's QSS: Fusion's own checked look is too faint in dark.
            button.setProperty("segment", True)
            button.setToolTip(f"Show the last {text}")
            self._group.addButton(button, seconds)
            self.window_buttons[seconds] = button
            layout.addWidget(button)
        self.window_buttons[300].setChecked(True)
        self._group.idClicked.connect(self._on_window)
        layout.addSpacing(16)
        self.follow_button = QToolButton()
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip(
            "Live: the plots follow the clock. Drag or scroll a plot to look back in time;"
            " new data keeps arriving while you do. Click to follow again."
        )
        self.follow_button.toggled.connect(self._on_follow)
        layout.addWidget(self.follow_button)
        layout.addSpacing(16)
        self.per_server = QCheckBox("Clients per server")
        self.per_server.setToolTip("Add one line per server of the cluster to the clients plot")
        self.per_server.toggled.connect(self.per_server_changed.emit)
        layout.addWidget(self.per_server)
        layout.addStretch(1)
        self.hint = QLabel("")
        self.hint.setObjectName("hintLabel")
        layout.addWidget(self.hint)
        self._show_follow(True)
        on_theme_changed(self._restyle)

    @property
    def window_s(self) -> int:
        return self._group.checkedId()

    @property
    def following(self) -> bool:
        return self.follow_button.isChecked()

    def set_window(self, seconds: int) -> None:
        self.window_buttons[seconds].click()

    def set_following(self, following: bool) -> None:
        self.follow_button.setChecked(following)

    def _on_window(self, seconds: int) -> None:
        self.window_changed.emit(seconds)

    def _on_follow(self, following: bool) -> None:
        self._show_follow(following)
        self.following_changed.emit(following)

    def _show_follow(self, following: bool) -> None:
        self.follow_button.setText("● Live" if following else "❚❚ Paused · follow")
        live = current().level("ok")
        self.follow_button.setStyleSheet(
            f"QToolButton {{ color: {live}; font-weight: 600 }}" if following else ""
        )

    def _restyle(self, _palette: ThemePalette) -> None:
        self._show_follow(self.following)
