"""Verdict builders shared by the rules: the summaries and hints users read.

Kept apart from the rules so the wording lives in one place (the GUI shows the same text).
"""

from __future__ import annotations

from wsmonitor.core.verdict import Evidence, Verdict


def where(e: Evidence) -> str:
    return e.url or "the server"


def phase_name(phase: str | None) -> str:
    return {
        "handshake": "polling handshake",
        "ws_handshake": "websocket handshake",
        "upgrade": "websocket upgrade",
        "connect": "Socket.IO CONNECT",
        "poll": "long poll",
    }.get(phase or "", "request")


def not_socketio(e: Evidence, what: str) -> Verdict:
    return Verdict(
        "not_socketio",
        f"Something answered, but not Socket.IO ({what}).",
        [
            "Check the path: Socket.IO listens on /socket.io/ unless the server sets another "
            "path (--path).",
            "Check the port: this may be another web server or the app's front end.",
            "For a plain WebSocket endpoint use --raw.",
        ],
    )


def upgrade_stripped(e: Evidence, what: str) -> Verdict:
    return Verdict(
        "upgrade_failed",
        f"The websocket upgrade was refused ({what}): the request reached the server without "
        "its Upgrade header.",
        [
            "The proxy in front drops the Upgrade and Connection headers: nginx needs "
            "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
            'proxy_set_header Connection "upgrade";',
            "Until then clients fall back to (or must use) polling.",
        ],
    )


def cors(e: Evidence, summary: str) -> Verdict:
    origin = e.origin or "the origin"
    return Verdict(
        "cors_rejected",
        summary,
        [
            f"Add {origin} to the server's cors.origin (Node) or cors_allowed_origins (Python).",
            "Browsers and mini-program web views block the response; native clients do not.",
        ],
    )


def auth(e: Evidence, summary: str) -> Verdict:
    if e.token_expired:
        ago = f" {e.token_expired_ago}" if e.token_expired_ago else ""
        return Verdict(
            "token_expired",
            f"{summary} The token expired{ago}.",
            [
                f"The token expired{ago}: get a fresh one (log in again / refresh it).",
                "If tokens expire during long sessions, refresh before exp and reconnect.",
            ],
        )
    hints = [
        "Check the token: right secret / issuer / audience, and where the server reads "
        "it (auth payload, query, Authorization header or cookie: --token-in)."
    ]
    if not e.token_given:
        hints.insert(0, "No token was sent: pass one with --token or --token-env.")
    if e.token_not_yet_valid:
        hints.insert(0, "The token is not valid yet (nbf in the future): check clocks.")
    return Verdict("auth_rejected", summary, hints)


def engine_close_story(e: Evidence) -> str:
    if e.wrong_ping_sent:
        return (
            " Just before, the client sent a ping (2) on EIO=4, where only the server pings: "
            "engine.io calls that a 'transport error' (invalid heartbeat direction) and closes."
        )
    if e.engine_close_received:
        return " The server sent an Engine.IO close packet (1) first."
    if not e.connect_acked:
        return " It happened before the Socket.IO CONNECT was answered."
    return " No Socket.IO DISCONNECT (41) came first, so this was an engine-level close."
