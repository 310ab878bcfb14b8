"""Verdict rules for how a session ended: a kick, a lost heartbeat, or a close (by code).

Part of the rule chain in ``verdict_rules.RULES``; these run once nothing earlier (a refusal, a
transport failure) explained the evidence, so they read the close and the packets before it.
"""

from __future__ import annotations

from wsmonitor.core.hints import engine_close_story
from wsmonitor.core.verdict import Evidence, Verdict


def rule_server_disconnect(e: Evidence) -> Verdict | None:
    if not e.disconnect_received:
        return None
    code = f" and closed the transport ({e.close_code})" if e.close_code else ""
    hints = [
        "Look at the connection handler or middleware: socket.disconnect(true) (Node) or "
        "sio.disconnect(sid) (Python) right after connecting does exactly this; so does a "
        "middleware that rejects after accepting."
    ]
    if e.close_code == 1005:
        hints.append("A close code of 1005 alone does not say why; the 41 before it does.")
    return Verdict(
        "server_disconnect",
        f"The server accepted the handshake, then disconnected the socket: it sent a Socket.IO "
        f"DISCONNECT (41){code}.",
        hints,
    )


def rule_ping_timeout(e: Evidence) -> Verdict | None:
    if not e.ping_timeout:
        return None
    who = "answering our pings" if e.eio == 3 else "sending its pings"
    return Verdict(
        "ping_timeout",
        f"The server stopped {who} within pingInterval + pingTimeout "
        f"({e.ping_interval_ms} + {e.ping_timeout_ms} ms): the heartbeat was lost.",
        [
            "The server's event loop may be blocked, or a proxy buffers or idles out the "
            "connection (check proxy_read_timeout).",
            "The client and server must agree on the heartbeat direction (EIO=3: client pings; "
            "EIO=4: server pings).",
        ],
    )


def rule_closed_no_status(e: Evidence) -> Verdict | None:
    if e.close_code != 1005 or e.closed_by == "client":
        return None
    hints = [
        "engine.io closes its websocket without a status code, so every server-side "
        "close looks like 1005; the packets before it tell which one."
    ]
    if e.wrong_ping_sent:
        hints.insert(
            0,
            "The client speaks EIO=3 heartbeats on an EIO=4 connection: use a "
            "client that matches the server (Socket.IO v3/v4 client for EIO=4), "
            "or enable allowEIO3 and connect with EIO=3.",
        )
    else:
        hints.append(
            "Check the server log for 'transport error', 'parse error' or a forced "
            "close at that time."
        )
    return Verdict(
        "closed_no_status",
        "The server closed the websocket without a status code (1005)." + engine_close_story(e),
        hints,
    )


def rule_closed_abnormally(e: Evidence) -> Verdict | None:
    if e.close_code != 1006 and not (e.failure == "read" and e.ws_opened):
        return None
    return Verdict(
        "closed_abnormally",
        "The connection dropped without a websocket close frame (1006)."
        + (engine_close_story(e) if e.transport != "raw" else ""),
        [
            "The TCP connection was cut: a proxy or load balancer timeout, a crash or restart of "
            "the server, or a network change.",
            "Check proxy idle timeouts and the server's process log at that time.",
        ],
    )


def rule_other_close(e: Evidence) -> Verdict | None:
    """A server close with an explicit code, or a polling session the server ended."""
    if e.closed_by != "server":
        return None
    meaning = {
        1000: "normal closure",
        1001: "going away (server shutting down or restarting)",
        1002: "protocol error",
        1003: "unsupported data",
        1008: "policy violation",
        1009: "message too big (Node maxHttpBufferSize)",
        1011: "server error",
    }.get(e.close_code or 0, "")
    code = f" with code {e.close_code} ({meaning})" if e.close_code else ""
    reason = f', reason "{e.close_reason}"' if e.close_reason else ""
    return Verdict(
        "server_disconnect",
        f"The server closed the connection{code}{reason}." + engine_close_story(e),
        ["Look at the server log for why it closed the connection at that time."],
    )
