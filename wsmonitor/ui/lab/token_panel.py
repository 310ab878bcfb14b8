"""Token inspector panel: what the token in the form says about itself (core.jwt_inspect)."""

from __future__ import annotations

import json
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from wsmonitor.core.jwt_inspect import JwtReport, inspect_token

_BAD = "#c8382e"
_WARN = "#d08a00"
_GOOD = "#2e9d4f"


def _flag_colour(flag: str) -> str:
    if flag.startswith(("expired", "signature does not", "alg none")):
        return _BAD
    if flag.startswith(("not valid until", "no exp")):
        return _WARN
    return _GOOD


class TokenPanel(QGroupBox):
    """Decodes the current token as it is typed; verifies the signature on request."""

    def __init__(self) -> None:
        super().__init__("Token inspector")
        self._token = ""
        self.report: JwtReport | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.claims = QTableWidget(0, 2)
        self.claims.setHorizontalHeaderLabels(["Claim", "Value"])
        self.claims.verticalHeader().setVisible(False)
        self.claims.verticalHeader().setDefaultSectionSize(20)
        self.claims.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.claims.horizontalHeader().setStretchLastSection(True)
        self.claims.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("HMAC secret or PEM public key (optional)")
        self.key.returnPressed.connect(self.verify)
        self.verify_button = QPushButton("Verify signature")
        self.verify_button.clicked.connect(self.verify)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.claims, 1)
        layout.addLayout(key_row)
        self.inspect("")

    def inspect(self, token: str, key: str | None = None) -> None:
        """Show what ``token`` says; with ``key``, whether its signature verifies."""
        self._token = token.strip()
        if not self._token:
            self.report = None
            self.status.setText("<i>No token in the form.</i>")
            self.claims.setRowCount(0)
            self.verify_button.setEnabled(False)
            return
        self.report = inspect_token(self._token, key=key)
        self.verify_button.setEnabled(self.report.is_jwt)
        self._render(self.report)

    def verify(self) -> None:
        key = self.key.text()
        if not key:
            self.status.setText(
                self.status.text() + f"<br><span style='color:{_WARN}'>Enter a secret or public "
                "key to verify the signature.</span>"
            )
            return
        self.inspect(self._token, key=key)

    def flags(self) -> list[str]:
        return list(self.report.flags) if self.report else []

    def _render(self, report: JwtReport) -> None:
        if not report.is_jwt:
            self.status.setText(
                f"<b>{escape(report.masked)}</b> is not a JWT: "
                f"{escape(report.error.removeprefix('not a JWT: '))}.<br>"
                "<i>Opaque tokens cannot be inspected; the server alone can say if it is valid.</i>"
            )
            self.claims.setRowCount(0)
            return
        flags = " · ".join(
            f"<span style='color:{_flag_colour(f)}; font-weight:bold'>{escape(f)}</span>"
            for f in report.flags
        )
        headline = f"<b>JWT</b> {escape(report.masked)} · alg <b>{escape(str(report.alg))}</b>"
        if report.verify_error:
            flags += f"<br><span style='color:{_BAD}'>{escape(report.verify_error)}</span>"
        self.status.setText(f"{headline}<br>{flags}" if flags else headline)
        rows: list[tuple[str, str, str | None]] = []
        for name, value in report.claims.items():
            claim = report.times.get(name)
            if claim is not None:
                colour = None
                if (name == "exp" and report.expired) or (name == "nbf" and report.not_yet_valid):
                    colour = _BAD
                rows.append((name, f"{claim.iso}  ({claim.relative})", colour))
            else:
                text = value if isinstance(value, str) else json.dumps(value)
                rows.append((name, text, None))
        self.claims.setRowCount(len(rows))
        for row, (name, text, colour) in enumerate(rows):
            self.claims.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if colour:
                item.setForeground(Qt.GlobalColor.red)
            self.claims.setItem(row, 1, item)
