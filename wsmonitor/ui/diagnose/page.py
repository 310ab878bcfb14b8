"""The Diagnose page: the incident checklist in one click, as a matrix that fills in live."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from qasync import asyncSlot

from wsmonitor.ui.diagnose.controller import DiagnoseController
from wsmonitor.ui.diagnose.engine_link import DiagnoseInputs
from wsmonitor.ui.diagnose.matrix_delegate import MatrixDelegate
from wsmonitor.ui.diagnose.matrix_model import Cell, MatrixModel, matrix_rows
from wsmonitor.ui.lab.secret_url_edit import SecretUrlEdit
from wsmonitor.ui.lab.timeline_model import TimelineModel
from wsmonitor.ui.lab.timeline_view import timeline_view
from wsmonitor.ui.lab.verdict_banner import VerdictBanner
from wsmonitor.ui.page import Page

_FIELDS = (
    ("url", "URL", "http://host:port of the Socket.IO server"),
    ("token", "Token", "optional: the token your client sends"),
    ("health_url", "Health URL", "optional, e.g. http://host:port/health"),
    ("ws_url", "WebSocket URL", "optional raw WebSocket, e.g. ws://host:port/ws?token=…"),
    ("origin", "Origin", "optional, e.g. https://app.example.com"),
    ("path", "Path", "/socket.io/"),
    ("namespace", "Namespace", "/"),
)
_LEFT = ("url", "token", "origin", "namespace")
_URL_FIELDS = ("url", "health_url", "ws_url")


class DiagnosePage(Page):
    """Health, token, EIO 4/3 × polling/websocket/upgrade and a raw WebSocket, at once."""

    title = "Diagnose"
    description = "Run the whole connection checklist against one server"

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._error_forms: dict[str, QFormLayout] = {}
        self.show_token = QCheckBox("show")
        self.run_button = QPushButton("Run diagnosis")
        self.run_button.setObjectName("runButton")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QLabel()
        self.copy_report = QPushButton("Copy report (Markdown)")
        self.copy_report.setEnabled(False)
        self.banner = VerdictBanner()
        self.banner.show_idle("Enter the server URL and press Run diagnosis.")
        self.matrix = MatrixModel(self)
        self.matrix_view = QTableView()
        self.cell_title = QLabel()
        self.cell_title.setWordWrap(True)
        self.cell_title.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline = TimelineModel(self)
        self.timeline_view = timeline_view(self.timeline)
        self.controller = DiagnoseController(self)
        self._build()
        self.run_button.clicked.connect(self._on_run)
        self.cancel_button.clicked.connect(self.controller.cancel)
        self.copy_report.clicked.connect(self.controller.copy_report)
        self.matrix_view.clicked.connect(self._cell_clicked)
        # Arrow keys move through the cells too.
        self.matrix_view.selectionModel().currentChanged.connect(self._cell_clicked)
        self.set_running(False)
        self.show_cell(None)
        self.reset_matrix()

    def reset_matrix(self, raw: bool = False, health: bool = False, token: bool = False) -> None:
        """Fresh pending cells for the checks a run will make."""
        self.matrix.reset(matrix_rows(raw, health, token))
        self.matrix_changed()

    async def shutdown(self) -> None:
        """For the shell's clean-up at exit: stop what is running."""
        await self.controller.shutdown()

    @asyncSlot()
    async def _on_run(self) -> None:
        await self.controller.run()

    # -- what the controller uses -------------------------------------------------------------
    def inputs(self) -> DiagnoseInputs:
        return DiagnoseInputs(**{key: edit.text().strip() for key, edit in self.fields.items()})

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            self._error_forms[key].setRowVisible(label, key in errors)

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.copy_report.setEnabled(not running and self.controller.result is not None)

    def set_progress(self, text: str) -> None:
        self.progress.setText(text)

    def matrix_changed(self) -> None:
        """Rows changed: single checks span every transport column."""
        self.matrix_view.clearSpans()
        for row_number, row in enumerate(self.matrix.matrix_rows()):
            if row.spans:
                self.matrix_view.setSpan(row_number, 0, 1, self.matrix.columnCount())

    def show_cell(self, cell: Cell | None) -> None:
        if cell is None:
            self.cell_title.setText("Click a cell to see its timeline.")
            self.timeline.clear()
            return
        hints = "".join(f"\n• {hint}" for hint in cell.hints)
        self.cell_title.setText((cell.summary or cell.text or cell.status) + hints)
        self.timeline.set_rows(cell.timeline)

    def _cell_clicked(self, index: QModelIndex) -> None:
        self.show_cell(self.matrix.cell_at(index))

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        forms = (QFormLayout(), QFormLayout())
        for key, label, placeholder in _FIELDS:
            form = forms[0] if key in _LEFT else forms[1]
            # URL fields mask a ?token=… while not being edited (screenshots show them).
            edit = SecretUrlEdit() if key in _URL_FIELDS else QLineEdit()
            edit.setPlaceholderText(placeholder)
            edit.setObjectName(key)
            edit.returnPressed.connect(self._on_run)
            error = QLabel()
            error.setObjectName(f"error_{key}")
            error.setProperty("tone", "error")  # coloured by the theme's style sheet
            error.setWordWrap(True)
            self.fields[key], self.errors[key] = edit, error
            if key == "token":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                row = QHBoxLayout()
                row.addWidget(edit, 1)
                row.addWidget(self.show_token)
                form.addRow(label, row)
            else:
                form.addRow(label, edit)
            form.addRow("", error)
            form.setRowVisible(error, False)
            self._error_forms[key] = form
        form_row = QHBoxLayout()
        form_row.addLayout(forms[0], 1)
        form_row.addSpacing(12)
        form_row.addLayout(forms[1], 1)
        self.show_token.toggled.connect(
            lambda shown: self.fields["token"].setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.copy_report)

        view = self.matrix_view
        view.setModel(self.matrix)
        view.setObjectName("matrix")
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(46)
        view.verticalHeader().setMinimumWidth(110)
        view.setWordWrap(True)
        view.setItemDelegate(MatrixDelegate(view))

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.cell_title)
        detail_layout.addWidget(self.timeline_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(view)
        splitter.addWidget(detail)
        splitter.setSizes([330, 300])

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(form_row)
        top_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(top)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
