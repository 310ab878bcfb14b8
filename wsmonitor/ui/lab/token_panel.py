"""Token inspector panel: what the token in the form says about itself (core.jwt_inspect)."""

from __future__ import annotations

import json
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
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
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

_ASK_KEY = "Enter a secret or public key to verify the signature."


def _flag_level(flag: str) -> str:
    """The status level a flag reads as: error, warn or ok."""
    if flag.startswith(("expired", "signature does not", "alg none")):
        return "error"
    if flag.startswith(("not valid until", "no exp")):
        return "warn"
    return "ok"


def _span(text: str, level: str, bold: bool = False) -> str:
    """``text`` (escaped) in the current theme's colour of ``level``."""
    weight = "; font-weight:bold" if bold else ""
    return f"<span style='color:{current().level(level)}{weight}'>{escape(text)}</span>"


class TokenPanel(QGroupBox):
    """Decodes the current token as it is typed; verifies the signature on request."""

    def __init__(self) -> None:
        super().__init__("Token inspector")
        self._token = ""
        self._ask_key = False  # verify was pressed without a key: say what is missing
        self._bad_claims: list[int] = []  # claim rows shown in the error colour
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
        on_theme_changed(self._restyle)

    def inspect(self, token: str, key: str | None = None) -> None:
        """Show what ``token`` says; with ``key``, whether its signature verifies."""
        self._token = token.strip()
        self._ask_key = False
        if not self._token:
            self.report = None
            self._show_status()
            self._show_claims([])
            self.verify_button.setEnabled(False)
            return
        self.report = inspect_token(self._token, key=key)
        self.verify_button.setEnabled(self.report.is_jwt)
        self._show_status()
        self._show_claims(self._claim_rows(self.report))

    def verify(self) -> None:
        key = self.key.text()
        if not key:
            self._ask_key = True
            self._show_status()
            return
        self.inspect(self._token, key=key)

    def flags(self) -> list[str]:
        return list(self.report.flags) if self.report else []

    def _show_status(self) -> None:
        """The status line of ``report`` in the current theme's colours."""
        text = self._status_html(self.report)
        if self._ask_key:
            text += "<br>" + _span(_ASK_KEY, "warn")
        self.status.setText(text)

    @staticmethod
    def _status_html(report: JwtReport | None) -> str:
        if report is None:
            return "<i>No token in the form.</i>"
        if not report.is_jwt:
            return (
                f"<b>{escape(report.masked)}</b> is not a JWT: "
                f"{escape(report.error.removeprefix('not a JWT: '))}.<br>"
                "<i>Opaque tokens cannot be inspected; the server alone can say if it is valid.</i>"
            )
        flags = " · ".join(_span(f, _flag_level(f), bold=True) for f in report.flags)
        headline = f"<b>JWT</b> {escape(report.masked)} · alg <b>{escape(str(report.alg))}</b>"
        if report.verify_error:
            flags += "<br>" + _span(report.verify_error, "error")
        return f"{headline}<br>{flags}" if flags else headline

    @staticmethod
    def _claim_rows(report: JwtReport) -> list[tuple[str, str, bool]]:
        """(claim, shown value, in the error colour) per claim of a JWT."""
        if not report.is_jwt:
            return []
        rows: list[tuple[str, str, bool]] = []
        for name, value in report.claims.items():
            claim = report.times.get(name)
            if claim is not None:
                bad = (name == "exp" and report.expired) or (name == "nbf" and report.not_yet_valid)
                rows.append((name, f"{claim.iso}  ({claim.relative})", bad))
            else:
                text = value if isinstance(value, str) else json.dumps(value)
                rows.append((name, text, False))
        return rows

    def _show_claims(self, rows: list[tuple[str, str, bool]]) -> None:
        self.claims.setRowCount(len(rows))
        self._bad_claims = [row for row, (_name, _text, bad) in enumerate(rows) if bad]
        for row, (name, text, _bad) in enumerate(rows):
            self.claims.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            self.claims.setItem(row, 1, item)
        self._colour_bad_claims()

    def _colour_bad_claims(self) -> None:
        for row in self._bad_claims:
            item = self.claims.item(row, 1)
            if item is not None:
                item.setForeground(QColor(current().level("error")))

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: the status text and flagged claims carry colours; redo them."""
        self._show_status()
        self._colour_bad_claims()
