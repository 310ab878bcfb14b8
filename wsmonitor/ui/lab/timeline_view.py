"""The read-only table that shows a timeline (the lab's probe, a diagnose cell's probe)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from wsmonitor.ui.lab.timeline_model import TimelineModel


def timeline_view(model: TimelineModel) -> QTableView:
    """A read-only table for a timeline (shared with the Diagnose page)."""
    view = QTableView()
    view.setModel(model)
    view.setObjectName("timeline")
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(20)
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    for column, width in enumerate((70, 56, 100)):
        view.setColumnWidth(column, width)
    header.setStretchLastSection(True)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    # Keep the newest row in sight while a probe fills the table.
    model.rowsInserted.connect(lambda *_: view.scrollToBottom())
    return view
