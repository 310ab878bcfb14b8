"""The verdict rules, in priority order. Each takes Evidence and returns a Verdict or None.

Order matters: a failure that stops everything (no route, no TLS) hides everything after it, and
a server's explicit refusal beats what we infer from a close. The rules read facts real servers
were seen to produce; tests/core/test_verdict*.py pins each one.
"""

from __future__ import annotations

from wsmonitor.core.hints import auth, cors, not_socketio, where
from wsmonitor.core.verdict import Evidence, Verdict
from wsmonitor.core.verdict_close import (
    rule_closed_abnormally,
    rule_closed_no_status,
    rule_other_close,
    rule_ping_timeout,
    rule_server_disconnect,
)
from wsmonitor.core.verdict_http import Rule, connect_error_message, rule_http

__all__ = ["RULES", "connect_error_message", "ok_verdict"]  # connect_error_message: the GUI's


def rule_unreachable(e: Evidence) -> Verdict | None:
    if e.failure not in ("dns", "refused", "connect"):
        return None
    if e.failure == "dns":
        summary = f"The host name could not be resolved ({e.failure_detail})."
        hints = ["Check the spelling of the host in the URL.", "Check DNS / VPN settings."]
    else:
        summary = f"Nothing accepted a TCP connection at {where(e)} ({e.failure_detail})."
        hints = [
            "Is the server running and listening on that port?",
            "Check the port in the URL, and any firewall or security group in between.",
        ]
    return Verdict("unreachable", summary, hints)


def rule_tls(e: Evidence) -> Verdict | None:
    if e.failure != "tls":
        return None
    hints = [
        "If the server uses a self-signed or private-CA certificate, pass its CA with "
        "--ca-file, or --insecure to skip verification while testing.",
        "Check that the certificate covers the host name in the URL and has not expired.",
    ]
    return Verdict("tls_error", f"The TLS handshake failed: {e.failure_detail}", hints)


def rule_timeout(e: Evidence) -> Verdict | None:
    if e.failure != "timeout" or e.failure_phase == "hold":
        return None
    phase = {
        "connect": "while connecting",
        "handshake": "waiting for the Engine.IO handshake answer",
        "namespace": "waiting for the Socket.IO CONNECT answer",
        "upgrade": "during the websocket upgrade",
    }.get(e.failure_phase or "", "")
    summary = f"The server did not answer in time {phase}".strip() + "."
    hints = [
        "The port accepts connections but nothing answers: is a proxy or another program "
        "listening there, or is the server blocked (event loop stuck)?",
        "Try a longer --timeout.",
    ]
    if e.failure_phase == "namespace":
        hints.insert(0, "A middleware that never calls next() leaves the client waiting.")
    return Verdict("timeout", summary, hints)


def rule_dropped(e: Evidence) -> Verdict | None:
    """The server (or something in between) hung up without any HTTP answer."""
    if e.failure != "read" or e.ws_opened:
        return None
    if e.failure_phase == "upgrade":
        return Verdict(
            "upgrade_failed",
            f"The websocket upgrade request was dropped without an answer ({e.failure_detail}).",
            ["A proxy in front may not support websockets, or the server does not offer them."],
        )
    if e.transport == "websocket":
        return Verdict(
            "transport_unavailable",
            "The server hung up on the websocket handshake without answering "
            f"({e.failure_detail}): it does not offer websocket on this path.",
            [
                "Node servers with transports: ['polling'] drop websocket upgrades like this: add "
                "'websocket' to transports, or use polling.",
                "A proxy that does not handle Upgrade can do the same.",
            ],
        )
    return Verdict(
        "http_error",
        f"The server closed the connection without an HTTP answer ({e.failure_detail}).",
        ["Check the server log, and any proxy in front of it (a crash or a reset)."],
    )


def rule_protocol_from_ws(e: Evidence) -> Verdict | None:
    """EIO=3 over websocket against a server without allowEIO3: 101, then garbage and a drop."""
    if not (e.eio == 3 and e.ws_opened and not e.open_received):
        return None
    if e.close_code in (None, 1000) and e.failure != "protocol":
        return None
    return Verdict(
        "protocol_mismatch",
        "The websocket opened but the server broke it before sending the Engine.IO open packet: "
        "a server without EIO=3 support does exactly that to an EIO=3 client.",
        [
            "Enable allowEIO3 on the server (Node: new Server({allowEIO3: true})), or use a "
            "Socket.IO v3/v4 client (EIO=4)."
        ],
    )


def rule_cors(e: Evidence) -> Verdict | None:
    if not (e.origin and e.cors_checked):
        return None
    allowed = e.allow_origin
    if allowed in ("*", e.origin):
        return None
    got = (
        f"it sent Access-Control-Allow-Origin: {allowed}"
        if allowed
        else ("it sent no Access-Control-Allow-Origin")
    )
    return cors(
        e,
        f"The server does not allow the Origin {e.origin}: {got}, so a browser "
        "blocks the response.",
    )


def rule_not_socketio_body(e: Evidence) -> Verdict | None:
    # A websocket may open (101) and still carry something else than Engine.IO.
    if e.failure == "protocol" and not e.open_received:
        return not_socketio(e, e.failure_detail or "no Engine.IO open packet")
    return None


def rule_no_upgrade(e: Evidence) -> Verdict | None:
    if e.transport != "upgrade" or not e.open_received or e.upgrade_done:
        return None
    if not e.connect_acked and e.connect_error is not None:
        return None  # the namespace refusal is the story
    if e.disconnect_received or e.closed_by == "server":
        return None  # the server ended the session before the upgrade could happen
    if "websocket" not in e.upgrades:
        return Verdict(
            "transport_unavailable",
            "The server offers no upgrade to websocket (upgrades: "
            f"{e.upgrades or '[]'}): it is configured for polling only.",
            [
                "Add 'websocket' to the server's transports option, or use polling.",
                "A proxy that cannot carry websockets is another reason servers are set up this "
                "way.",
            ],
        )
    if not e.upgrade_attempted or not e.connect_acked:
        return None
    return Verdict(
        "upgrade_failed",
        f"Polling works but the websocket upgrade failed: {e.upgrade_detail or 'no 3probe'}.",
        [
            "The proxy in front may drop the Upgrade and Connection headers, or close idle "
            "websockets.",
            "Sticky sessions are needed when several nodes serve the app.",
        ],
    )


def rule_connect_error(e: Evidence) -> Verdict | None:
    if e.connect_error is None:
        return None
    message = connect_error_message(e.connect_error)
    low = message.lower()
    if "invalid namespace" in low or (low == "unable to connect" and e.namespace != "/"):
        return Verdict(
            "namespace_invalid",
            f'The server has no namespace {e.namespace} ("{message}").',
            [
                "Check --namespace against the server's io.of(...) / namespace handlers.",
                "Namespaces are not paths: the URL path is the Engine.IO path (--path).",
            ],
        )
    return auth(e, f'The server refused the Socket.IO CONNECT to {e.namespace}: "{message}".')


def rule_any_failure(e: Evidence) -> Verdict | None:
    """A failure no rule above explained: never call it ok."""
    if not e.failure:
        return None
    if e.ws_opened:
        return Verdict(
            "closed_abnormally",
            f"The connection failed: {e.failure_detail}.",
            ["Check the server log and any proxy in front of it."],
        )
    return Verdict(
        "http_error",
        f"The request failed: {e.failure_detail}.",
        ["Check the URL, the server log and any proxy in front of it."],
    )


def ok_verdict(e: Evidence) -> Verdict:
    if e.transport == "raw":
        return Verdict("ok", "The websocket connected and stayed open.")
    how = {
        "polling": "over HTTP long-polling",
        "websocket": "over websocket",
        "upgrade": "and upgraded from polling to websocket",
    }.get(e.transport, "")
    return Verdict(
        "ok", f"Connected to namespace {e.namespace} with EIO={e.eio} {how}.".replace("  ", " ")
    )


RULES: tuple[Rule, ...] = (
    rule_unreachable,
    rule_tls,
    rule_timeout,
    rule_dropped,
    rule_protocol_from_ws,
    rule_http,
    rule_not_socketio_body,
    rule_cors,
    rule_connect_error,
    rule_no_upgrade,
    rule_server_disconnect,
    rule_ping_timeout,
    rule_closed_no_status,
    rule_closed_abnormally,
    rule_other_close,
    rule_any_failure,
)
