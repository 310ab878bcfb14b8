"""The dashboard on small and large windows: plots scroll rather than lose their axes."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QScrollArea

from tests.ui.monitor_support import monitor_shell
from wsmonitor.ui.dashboard.dashboard_page import DashboardPage
from wsmonitor.ui.elided_label import ElidedLabel


def _scroll(shell) -> QScrollArea:
    dash = next(p for p in shell.window.pages() if isinstance(p, DashboardPage))
    return dash.findChild(QScrollArea, "dashboardScroll")


async def test_a_short_window_scrolls_the_plots_and_a_tall_one_fits_them(qtbot) -> None:
    async with monitor_shell(qtbot) as shell:
        scroll = _scroll(shell)
        grid = scroll.widget()
        shell.window.resize(1110, 520)
        QApplication.processEvents()
        assert grid.height() >= grid.minimumSizeHint().height() > scroll.viewport().height()
        assert scroll.verticalScrollBar().maximum() > 0  # the rest is a scroll away, not clipped
        shell.window.resize(1500, 1000)
        QApplication.processEvents()
        # A tall window: the plots fill the view exactly, no scrolling.
        assert grid.height() == scroll.viewport().height()
        assert scroll.verticalScrollBar().maximum() == 0


def test_a_long_note_stays_on_one_line_with_the_whole_text_as_tooltip(qtbot) -> None:
    label = ElidedLabel("Source: Socket.IO disconnect reasons (socket_disconnected events).")
    qtbot.addWidget(label)
    label.resize(120, 20)
    label.show()
    QApplication.processEvents()
    assert label.text().endswith("events).")  # the model keeps the whole sentence
    assert "socket_disconnected" in label.toolTip()
    one_line = label.fontMetrics().height()
    assert label.sizeHint().height() <= one_line + 4
    label.resize(2000, 20)
    assert label.toolTip() == ""  # it all fits: no tooltip needed
