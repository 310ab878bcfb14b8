"""The handshake lab's form: every probe option, with inline messages under bad fields."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from wsmonitor.ui.lab.headers_table import HeadersTable
from wsmonitor.ui.lab.secret_url_edit import SecretUrlEdit
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings

_TRANSPORT_LABELS = (
    ("upgrade", "polling, then upgrade to websocket"),
    ("websocket", "websocket only"),
    ("polling", "polling only"),
)
_TOKEN_PLACES = (
    ("", "default (auth on EIO 4, query on EIO 3)"),
    ("auth", "auth payload (EIO 4; query string on EIO 3)"),
    ("query", "query string (?token=)"),
    ("header", "Authorization: Bearer header"),
    ("cookie", "cookie (token=)"),
)
_EIO_CHOICES = (
    (4, "4 (Socket.IO v3/v4)"),
    (3, "3 (Socket.IO v2)"),
    (EIO_BOTH, "3 and 4 (compare: fires both)"),
)
_TLS_MODES = (("verify", "verify"), ("insecure", "do not verify"), ("ca", "verify with CA file"))


def _combo(items: tuple[tuple[object, str], ...]) -> QComboBox:
    combo = QComboBox()
    for data, label in items:
        combo.addItem(label, data)
    return combo


def _select(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


class ProbeForm(QWidget):
    """Reads and writes :class:`LabSettings`; shows a message under each field that is wrong."""

    token_changed = Signal(str)
    #: Any field was edited (once per ``set_settings``, not once per field it sets).
    changed = Signal()
    #: Enter pressed in a text field: the page fires.
    submitted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.url = SecretUrlEdit()
        self.url.setPlaceholderText("http://host:port  (ws://, https://, wss:// also work)")
        self.eio = _combo(_EIO_CHOICES)
        self.eio.setToolTip("“3 and 4” runs the same handshake with EIO 4, then EIO 3")
        self.transport = _combo(_TRANSPORT_LABELS)
        self.namespace = QLineEdit()
        self.path = QLineEdit()
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("optional: JWT or opaque token")
        self.show_token = QCheckBox("show")
        self.show_token.toggled.connect(self._toggle_token)
        self.token.textChanged.connect(self.token_changed.emit)
        self.token_in = _combo(_TOKEN_PLACES)
        self.headers = HeadersTable()
        self.origin = QLineEdit()
        self.origin.setPlaceholderText("optional, e.g. https://app.example.com")
        self.tls = _combo(_TLS_MODES)
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("CA bundle (PEM)")
        self.browse_ca = QPushButton("Browse…")
        self.browse_ca.clicked.connect(self._browse_ca)
        self.tls.currentIndexChanged.connect(self._tls_changed)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.5, 300)
        self.timeout.setSuffix(" s")
        self.timeout.setDecimals(1)
        self.hold = QDoubleSpinBox()
        self.hold.setRange(0, 600)
        self.hold.setSuffix(" s")
        self.hold.setDecimals(1)
        self.hold.setToolTip("Stay connected this long to watch heartbeats and server-side closes")
        for line in (self.url, self.namespace, self.path, self.token, self.origin):
            line.returnPressed.connect(self.submitted.emit)
        self._loading = False
        self._watch_changes()

        self._layout = QFormLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setVerticalSpacing(4)
        self._errors: dict[str, QLabel] = {}
        self._add("url", "URL", self.url)
        self._add("eio", "Engine.IO", self.eio)
        self._add("transport", "Transport", self.transport)
        self._add("namespace", "Namespace", self.namespace)
        self._add("path", "Path", self.path)
        self._add("token", "Token", _row(self.token, self.show_token))
        self._add("token_in", "Token in", self.token_in)
        self._add("headers", "Headers", self.headers)
        self._add("origin", "Origin", self.origin)
        self._add("tls", "TLS", _row(self.tls, self.ca_file, self.browse_ca))
        self._add("timeout", "Timeout", self.timeout)
        self._add("hold", "Hold", self.hold)
        self.set_settings(LabSettings())

    def _add(self, key: str, label: str, field: QWidget) -> None:
        self._layout.addRow(label, field)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setProperty("tone", "error")  # coloured by the theme's QSS
        error.setWordWrap(True)
        self._layout.addRow("", error)
        self._layout.setRowVisible(error, False)
        self._errors[key] = error

    # -- values -------------------------------------------------------------------------------
    def settings(self) -> LabSettings:
        return LabSettings(
            url=self.url.text().strip(),
            eio=_eio_choice(self.eio.currentData()),
            transport=str(self.transport.currentData()),
            namespace=self.namespace.text().strip() or "/",
            path=self.path.text().strip() or "/socket.io/",
            token=self.token.text().strip(),
            token_in=str(self.token_in.currentData()),
            headers=self.headers.headers(),
            origin=self.origin.text().strip(),
            tls=str(self.tls.currentData()),
            ca_file=self.ca_file.text().strip(),
            timeout=self.timeout.value(),
            hold=self.hold.value(),
        )

    def set_settings(self, settings: LabSettings) -> None:
        self._loading = True
        try:
            self._set_fields(settings)
        finally:
            self._loading = False
        self.changed.emit()

    def _set_fields(self, settings: LabSettings) -> None:
        self.url.setText(settings.url)
        _select(self.eio, settings.eio)
        _select(self.transport, settings.transport)
        self.namespace.setText(settings.namespace)
        self.path.setText(settings.path)
        self.token.setText(settings.token)
        _select(self.token_in, settings.token_in)
        self.headers.set_headers(settings.headers)
        self.origin.setText(settings.origin)
        _select(self.tls, settings.tls)
        self.ca_file.setText(settings.ca_file)
        self.timeout.setValue(settings.timeout)
        self.hold.setValue(settings.hold)
        self._tls_changed()
        self.clear_errors()

    # -- inline messages ----------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        """One message under each field named in ``errors``; others are cleared."""
        for key, label in self._errors.items():
            message = errors.get(key, "")
            label.setText(message)
            # Hide the whole row, so an empty message takes no space.
            self._layout.setRowVisible(label, bool(message))

    def clear_errors(self) -> None:
        self.show_errors({})

    def error_text(self, key: str) -> str:
        return self._errors[key].text()

    # -- behaviour ----------------------------------------------------------------------------
    def _watch_changes(self) -> None:
        for line in (self.url, self.namespace, self.path, self.token, self.origin, self.ca_file):
            line.textChanged.connect(self._field_changed)
        for combo in (self.eio, self.transport, self.token_in, self.tls):
            combo.currentIndexChanged.connect(self._field_changed)
        for spin in (self.timeout, self.hold):
            spin.valueChanged.connect(self._field_changed)
        table = self.headers.table.model()
        for signal in (table.dataChanged, table.rowsInserted, table.rowsRemoved):
            signal.connect(self._field_changed)

    def _field_changed(self, *_: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _toggle_token(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.token.setEchoMode(mode)

    def _tls_changed(self) -> None:
        uses_ca = self.tls.currentData() == "ca"
        self.ca_file.setEnabled(uses_ca)
        self.browse_ca.setEnabled(uses_ca)

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "CA bundle", "", "PEM files (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.ca_file.setText(path)


def _eio_choice(data: object) -> int | str:
    """The EIO combo's data as LabSettings holds it (Qt may hand an int back as another type)."""
    return EIO_BOTH if data == EIO_BOTH else int(str(data))


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == 0 else 0)
    return box
