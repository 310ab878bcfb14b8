"""Verdict rules for refusals a server states with an HTTP status (polling or websocket).

Engine.IO refusals are JSON ``{"code", "message"}`` on polling; Node writes only the message
as plain text on a refused websocket; python-engineio answers with a JSON string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from wsmonitor.core.hints import auth, cors, not_socketio, phase_name, upgrade_stripped
from wsmonitor.core.verdict import Evidence, Verdict

Rule = Callable[[Evidence], Verdict | None]

# Engine.IO error codes (Node engine.io), see PROTOCOL.md §2.
EIO_TRANSPORT_UNKNOWN = 0
EIO_SESSION_UNKNOWN = 1
EIO_BAD_REQUEST = 3
EIO_FORBIDDEN = 4
EIO_UNSUPPORTED_PROTOCOL = 5


# A refused Node websocket upgrade is a plain-text 400 carrying only the message.
_NODE_TEXTS = {
    "transport unknown": EIO_TRANSPORT_UNKNOWN,
    "session id unknown": EIO_SESSION_UNKNOWN,
    "bad request": EIO_BAD_REQUEST,
    "forbidden": EIO_FORBIDDEN,
    "unsupported protocol version": EIO_UNSUPPORTED_PROTOCOL,
}


def engine_error(body: str) -> tuple[int | None, str]:
    """The ``{"code", "message"}`` of an Engine.IO refusal, or (None, text) for other bodies."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        text = body.strip()
        return _NODE_TEXTS.get(text.lower()), text
    if isinstance(data, dict) and isinstance(data.get("code"), int):
        return data["code"], str(data.get("message", ""))
    if isinstance(data, str):  # python-engineio answers with a JSON string
        return None, data
    if isinstance(data, dict):  # an app's own JSON error: quote its message, not the JSON
        for key in ("message", "error", "detail", "reason"):
            if isinstance(data.get(key), str):
                return None, data[key]
    return None, body.strip()


def connect_error_message(payload: Any) -> str:
    """The message of a CONNECT_ERROR payload: ``{"message"}`` (v5) or a bare string (v4)."""
    if isinstance(payload, dict):
        return str(payload.get("message", json.dumps(payload)))
    return "" if payload is None else str(payload)


def rule_http(e: Evidence) -> Verdict | None:
    """A refusal the server stated with an HTTP status."""
    if e.http_status is None:
        return None
    if e.http_phase in ("upgrade", "poll") and (e.disconnect_received or e.closed_by == "server"):
        return None  # the session was already over: the packets before tell why
    status, body = e.http_status, e.http_body
    code, message = engine_error(body)
    low = message.lower()
    quoted = f' ("{message[:120]}")' if message else ""
    if e.transport == "raw":
        return raw_http(e, status, quoted)
    if (
        code == EIO_UNSUPPORTED_PROTOCOL
        or "unsupported version" in low
        or ("unsupported protocol" in low)
    ):
        hint = (
            "Enable allowEIO3 on the server (Node: new Server({allowEIO3: true})), or use a "
            "Socket.IO v3/v4 client (EIO=4)."
            if e.eio == 3
            else "The server does not speak EIO=4: use a client that matches its version."
        )
        return Verdict(
            "protocol_mismatch",
            f"The server refused Engine.IO version {e.eio}{quoted}.",
            [hint, "python-socketio servers speak only EIO=4; there is no switch for EIO=3."],
        )
    if "not an accepted origin" in low:
        return cors(e, f"The server refused the Origin {e.origin}{quoted}.")
    if code == EIO_FORBIDDEN or (status == 403 and code is None):
        return Verdict(
            "forbidden",
            f"The server refused the request before the handshake with HTTP {status}{quoted}.",
            [
                "The server's allowRequest (Node) or engine-level connect handler rejected it: "
                "check the headers, cookies or client address it expects."
            ],
        )
    if status == 401:
        return auth(e, f"The server refused the connection with HTTP 401{quoted}.")
    if code == EIO_TRANSPORT_UNKNOWN or "transport unknown" in low or low == "invalid transport":
        want = "websocket" if e.http_phase in ("ws_handshake", "upgrade") else "polling"
        return Verdict(
            "transport_unavailable",
            f"The server does not offer the {want} transport{quoted}.",
            [
                f"Use a transport the server allows, or add '{want}' to the server's transports "
                "option.",
                "A mini-program client needs websocket; a proxy without websocket "
                "support needs polling.",
            ],
        )
    if e.http_phase in ("ws_handshake", "upgrade") and (
        code == EIO_BAD_REQUEST
        or "invalid websocket upgrade" in low
        or (status == 400 and code is None and e.open_received)
    ):
        return upgrade_stripped(e, f"HTTP {status}{quoted}")
    if code == EIO_SESSION_UNKNOWN or "invalid session" in low:
        return Verdict(
            "http_error",
            f"The server no longer knows this Engine.IO session: HTTP {status}{quoted}.",
            [
                "Behind a load balancer, enable sticky sessions (the poll and the upgrade must "
                "reach the node that did the handshake)."
            ],
        )
    if (code is None and status in (200, 404, 405)) or (status < 400 and code is None):
        return not_socketio(e, f"HTTP {status} at the Engine.IO path")
    if (
        e.http_phase == "ws_handshake"
        and status == 400
        and code is None
        and message
        and (not body.lstrip().startswith(("{", "<", '"')))
    ):
        # Node answers a refused allowRequest on a websocket with its message as plain text.
        return Verdict(
            "forbidden",
            f"The server refused the websocket handshake with HTTP 400{quoted}.",
            [
                "The server's allowRequest rejected it: check the headers, cookies or client "
                "address it expects."
            ],
        )
    kind = ", a server error" if status >= 500 else ""
    return Verdict(
        "http_error",
        f"The server answered the {phase_name(e.http_phase)} with HTTP {status}{kind}{quoted}.",
        ["Look at the server log at that time.", "Check the URL and path (--path)."]
        if status >= 500
        else ["Check the URL, path (--path) and any proxy in front of the server."],
    )


def raw_http(e: Evidence, status: int, quoted: str) -> Verdict:
    summary = f"The websocket handshake was refused with HTTP {status}{quoted}."
    if status == 401:
        return auth(e, summary)
    if status == 403:
        return Verdict(
            "forbidden",
            summary,
            ["The endpoint refused this client: check the token, Origin and headers it expects."],
        )
    return Verdict(
        "http_error",
        summary,
        [
            "Check the URL and path of the websocket endpoint.",
            "HTTP 200/404 usually means the path is not a websocket endpoint or a proxy in front "
            "does not forward Upgrade.",
        ],
    )
