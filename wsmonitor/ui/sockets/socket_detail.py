"""Detail panel of one socket: handshake headers, query, rooms and data."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QTextBrowser

from wsmonitor.core.secrets import mask_secret
from wsmonitor.core.socket_store import SocketRow
from wsmonitor.ui.sockets.socket_model import format_since
from wsmonitor.ui.theme import ThemePalette, current, on_theme_changed

#: Header and query keys whose values are credentials: shown masked, never in full.
_SECRET_HINTS = ("authorization", "cookie", "token", "secret", "password", "api-key", "apikey")


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(hint in lowered for hint in _SECRET_HINTS)


def _value(key: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return mask_secret(text) if _is_secret(key) else text


def _muted(text_html: str) -> str:
    """A paragraph in the theme's secondary-text colour."""
    return f"<p style='color:{current().muted}'>{text_html}</p>"


def _table(items: Mapping[str, Any], empty: str, *, ordered: bool = False) -> str:
    if not items:
        return _muted(empty)
    muted = current().muted
    pairs = list(items.items()) if ordered else sorted(items.items())
    rows = "".join(
        f"<tr><td style='padding-right:12px; color:{muted}'>{html.escape(str(k))}</td>"
        f"<td>{html.escape(_value(str(k), v))}</td></tr>"
        for k, v in pairs
    )
    return f"<table cellspacing='0' cellpadding='2'>{rows}</table>"


def socket_html(row: SocketRow) -> str:
    """The detail of ``row`` as rich text (credentials masked)."""
    hs = row.info.handshake
    overview = {
        "Socket id": row.id,
        "Engine.IO client id": row.client_id or "–",
        "Namespace": row.nsp,
        "Transport": row.transport or "unknown",
        "Address": row.address or "–",
        "Connected since": format_since(row.connected_at),
        "URL": hs.url or "–",
        "Secure (TLS)": "yes" if hs.secure else "no",
        "Cross-domain": "yes" if hs.xdomain else "no",
    }
    own = [r for r in row.rooms if r != row.id]
    rooms = ", ".join(html.escape(r) for r in own) or "<i>only its own room</i>"
    data = dict(row.info.data) if row.info.data else {}
    return (
        f"<h3 style='margin:0'>{html.escape(row.id)}</h3>"
        f"{_table(overview, '', ordered=True)}"
        f"<h4>Rooms</h4><p>{rooms}</p>"
        f"<h4>Handshake headers</h4>{_table(hs.headers, 'No headers sent by the server.')}"
        f"<h4>Query</h4>{_table(hs.query, 'No query parameters.')}"
        f"<h4>Data</h4>{_table(data, 'No socket.data (python-socketio never sends it).')}"
    )


class SocketDetail(QTextBrowser):
    """Read-only, selectable view of the selected socket."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("socketDetail")
        self.setOpenLinks(False)
        self._row: SocketRow | None = None
        self.show_row(None)
        on_theme_changed(self._restyle)

    def show_row(self, row: SocketRow | None) -> None:
        self._row = row
        if row is None:
            self.setHtml(_muted("Select a socket to see its handshake."))
        else:
            self.setHtml(socket_html(row))

    def _restyle(self, _palette: ThemePalette) -> None:
        """A theme switch: the HTML carries the muted colour; render the same row again."""
        scroll = self.verticalScrollBar().value()
        self.show_row(self._row)
        self.verticalScrollBar().setValue(scroll)
