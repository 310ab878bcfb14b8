"""Why an admin connection attempt failed, in words a user can act on."""

from __future__ import annotations

from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ErrorKind, classify_error


def explain_failure(
    exc: BaseException, elapsed: float, connect_error: str | None, cfg: AdminConnectionConfig
) -> tuple[ErrorKind, str]:
    """Classify a failed attempt; ``connect_error`` is what the server's CONNECT_ERROR said."""
    # python-socketio also reports Engine.IO failures as connect_error: only a namespace
    # refusal (the server answered CONNECT_ERROR) carries the server's own words
    if connect_error is not None and "namespaces failed" in str(exc):
        text = connect_error
        kind, message = classify_error(text, elapsed, cfg.request_timeout)
        if kind is ErrorKind.AUTH:
            return kind, f"{message} (server said: {text})"
        if text in ("Invalid namespace", "Unable to connect"):
            return ErrorKind.NAMESPACE, (
                f"the server has no admin namespace {cfg.namespace} "
                f"(is instrument() enabled, with that namespace?) — server said: {text}"
            )
        return ErrorKind.OTHER, f"the server refused the admin connection: {text}"
    if isinstance(exc, TimeoutError):
        return ErrorKind.TIMEOUT, f"timeout: no admin connection within {elapsed:.0f} s"
    text = str(exc)
    if "Unexpected connection error" in text:
        return ErrorKind.TIMEOUT, (
            f"timeout: the admin namespace {cfg.namespace} did not answer "
            f"within {cfg.connect_timeout:.0f} s"
        )
    return classify_error(text, elapsed, cfg.request_timeout)
