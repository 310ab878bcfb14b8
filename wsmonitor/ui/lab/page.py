"""The Handshake lab page: layout only; the LabController does the work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from wsmonitor.ui.lab.compare_strip import CompareStrip
from wsmonitor.ui.lab.controller import LabController
from wsmonitor.ui.lab.form import ProbeForm
from wsmonitor.ui.lab.preset_bar import PresetBar
from wsmonitor.ui.lab.presets import PresetStore
from wsmonitor.ui.lab.timeline_model import TimelineModel
from wsmonitor.ui.lab.timeline_view import timeline_view
from wsmonitor.ui.lab.token_panel import TokenPanel
from wsmonitor.ui.lab.verdict_banner import VerdictBanner
from wsmonitor.ui.lab.waterfall import PhaseWaterfall
from wsmonitor.ui.page import Page


class LabPage(Page):
    """Fire one handshake with every option, watch it packet by packet, read the verdict.

    With EIO "3 and 4" one Fire runs it twice; the compare strip picks the run shown.
    """

    title = "Handshake lab"
    description = "Fire one Socket.IO handshake and see why it fails"

    def __init__(self, store: PresetStore | None = None) -> None:
        super().__init__()
        self.form = ProbeForm()
        self.presets = PresetBar(self.form, store)
        self.token_panel = TokenPanel()
        self.fire_button = QPushButton("Fire")
        self.fire_button.setObjectName("fireButton")
        self.fire_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.banner = VerdictBanner()
        self.compare_strip = CompareStrip()
        self.timeline = TimelineModel(self)
        self.timeline_view = timeline_view(self.timeline)
        self.waterfall = PhaseWaterfall()
        self.phase_title = QLabel()
        self.copy_markdown = QPushButton("Copy report (Markdown)")
        self.copy_json = QPushButton("Copy report (JSON)")
        self.report_note = QLabel()
        self.report_note.setObjectName("reportNote")
        # Wrapped, so a long note never widens the right-hand side.
        self.report_note.setWordWrap(True)
        self.controller = LabController(self)
        self._build()
        self.fire_button.clicked.connect(self._on_fire)
        self.form.submitted.connect(self._on_fire)
        self.cancel_button.clicked.connect(self.controller.cancel)
        self.compare_strip.entry_clicked.connect(self.controller.select)
        self.copy_markdown.clicked.connect(lambda: self.controller.copy_report("markdown"))
        self.copy_json.clicked.connect(lambda: self.controller.copy_report("json"))
        self.form.token_changed.connect(self.token_panel.inspect)
        self.set_running(False)
        self.set_report_available(False)
        self.set_total_ms(None)

    def set_total_ms(self, total: float | None) -> None:
        suffix = "" if total is None else f" · total {total:.0f} ms"
        self.phase_title.setText(f"<b>Phase timings</b>{suffix}")

    async def shutdown(self) -> None:
        """For the shell's clean-up at exit: stop what is running."""
        await self.controller.shutdown()

    @asyncSlot()
    async def _on_fire(self) -> None:
        await self.controller.fire()

    def set_running(self, running: bool) -> None:
        self.fire_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.presets.setEnabled(not running)
        # A finished run of a compare Fire is not shown until the pair is done.
        self.compare_strip.setEnabled(not running)

    def set_report_available(self, available: bool) -> None:
        self.copy_markdown.setEnabled(available)
        self.copy_json.setEnabled(available)

    def _build(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.fire_button, 1)
        buttons.addWidget(self.cancel_button)
        left_box = QWidget()
        left = QVBoxLayout(left_box)
        left.addWidget(self.presets)
        left.addWidget(self.form)
        left.addLayout(buttons)
        left.addWidget(self.token_panel, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left_box)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(440)

        report_row = QHBoxLayout()
        report_row.addWidget(self.copy_markdown)
        report_row.addWidget(self.copy_json)
        report_row.addWidget(self.report_note, 1)
        right_box = QWidget()
        right = QVBoxLayout(right_box)
        # Above the banner: picking a run changes the banner, timeline and waterfall below it.
        right.addWidget(self.compare_strip)
        right.addWidget(self.banner)
        right.addWidget(QLabel("<b>Timeline</b>"))
        right.addWidget(self.timeline_view, 1)
        right.addWidget(self.phase_title)
        right.addWidget(self.waterfall)
        right.addLayout(report_row)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right_box)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
