"""Table models of the lab and the diagnose matrix, tested without a view."""

from __future__ import annotations

from PySide6.QtCore import Qt

from wsmonitor.ui.diagnose.matrix_model import Cell, MatrixModel, matrix_rows
from wsmonitor.ui.lab import timeline_model
from wsmonitor.ui.lab.compare_strip import CompareStrip, RunEntry
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings
from wsmonitor.ui.lab.timeline_model import TimelineModel, TimelineRow


def test_timeline_rows_arrive_in_batches_and_are_capped(qtbot, monkeypatch):
    monkeypatch.setattr(timeline_model, "MAX_ROWS", 50)
    model = TimelineModel()
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    for i in range(30):
        model.append(TimelineRow(float(i), "in", "packet", f"p{i}"))
    assert model.rowCount() == 0  # nothing drawn per packet
    qtbot.waitUntil(lambda: model.rowCount() == 30)
    assert inserted == [30]
    for i in range(30, 80):
        model.append(TimelineRow(float(i), "out", "packet", f"p{i}"))
    model.flush()
    assert model.rowCount() == 50
    assert model.rows()[0].detail == "p30" and model.rows()[-1].detail == "p79"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.DisplayRole) == "→ out"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole) == "30.0"


def test_matrix_cells_update_in_place_and_spanning_rows():
    model = MatrixModel()
    model.reset(matrix_rows(raw=True, health=False, token=True))
    assert [r.label for r in model.matrix_rows()] == ["EIO 4", "EIO 3", "raw WebSocket", "token"]
    assert model.rowCount() == 4 and model.columnCount() == 3
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), a.column())))
    model.update("eio3/websocket", Cell("done", "protocol_mismatch", "HTTP 400"))
    model.update("raw", Cell("done", "ok", "12 ms"))
    model.update("not-a-cell", Cell("done", "ok"))
    assert changed == [(1, 1), (2, 0)]
    text = model.data(model.index(1, 1), Qt.ItemDataRole.DisplayRole)
    assert "protocol_mismatch" in text and "HTTP 400" in text
    assert "ok" in model.data(model.index(2, 2), Qt.ItemDataRole.DisplayRole)  # spans: same cell
    assert model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole) == "…"


def test_settings_json_never_holds_the_token():
    settings = LabSettings(url="wss://x.example", token="secret-token-value-123456", eio=3)
    data = settings.to_json()
    assert "token" not in data and "secret-token-value-123456" not in str(data)
    restored = LabSettings.from_json(data)
    assert restored == settings.without_token()
    assert LabSettings.from_json({"eio": "four", "timeout": "x", "headers": [["a"]]}) == (
        LabSettings()
    )


def test_settings_eio_choice_reads_back_and_odd_values_fall_back():
    both = LabSettings(eio=EIO_BOTH)
    assert both.compares and both.versions() == (4, 3)
    assert LabSettings.from_json(both.to_json()) == both
    assert LabSettings(eio=3).versions() == (3,) and not LabSettings(eio=3).compares
    for raw, eio in (("3+4", EIO_BOTH), (3, 3), (4.0, 4), (True, 4), ("4", 4), (None, 4)):
        assert LabSettings.from_json({"eio": raw}).eio == eio


def test_settings_json_drops_a_secret_header_value_even_when_called_directly():
    settings = LabSettings(headers=(("Authorization", "Bearer abc.def.ghi"), ("X-App", "mini")))
    assert settings.to_json()["headers"] == [["Authorization", ""], ["X-App", "mini"]]


def test_compare_strip_entries_read_like_the_report_line(qtbot):
    strip = CompareStrip()
    qtbot.addWidget(strip)
    strip.show_entries([RunEntry("EIO 4"), RunEntry("EIO 3")])
    assert strip.text() == "EIO 4 waiting… · EIO 3 waiting…"
    assert not strip.button(0).isEnabled()
    clicked: list[int] = []
    strip.entry_clicked.connect(clicked.append)
    strip.set_entry(0, RunEntry("EIO 4", "done", "ok", "Connected.", 12.4))
    strip.set_entry(1, RunEntry("EIO 3", "done", "protocol_mismatch", "Refused.", 8.0))
    assert strip.text() == "EIO 4 ✓ ok 12 ms · EIO 3 ✗ protocol_mismatch 8 ms"
    assert [e.level for e in strip.entries()] == ["ok", "error"]
    assert strip.button(1).toolTip() == "Refused."
    strip.button(1).click()
    assert clicked == [1]
    strip.select(1)
    assert strip.selected() == 1 and "bold" in strip.button(1).styleSheet()
    strip.clear()
    assert strip.entries() == [] and strip.isHidden()
