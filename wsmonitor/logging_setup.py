"""One logging set-up for every entry point: a rotating file plus a quiet console."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from wsmonitor.core.paths import log_dir
from wsmonitor.core.secrets import SecretRedactor

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_MAX_BYTES = 2_000_000
_BACKUPS = 3


_LIBRARY_LOGGERS = ("engineio", "socketio", "aiohttp", "httpx", "httpcore", "asyncio", "qasync")


class _OwnRecordsOnly(logging.Filter):
    """Keep library chatter (a server's per-session warnings, say) off the user's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(_LIBRARY_LOGGERS) or record.levelno >= logging.CRITICAL


def configure_logging(*, verbose: bool = False) -> Path | None:
    """Log to a rotating file under the platform log dir, and warnings to stderr.

    Returns the log file's path (None when the directory cannot be written: logging then goes
    to the console only, which is better than refusing to start).
    """
    root = logging.getLogger()
    if getattr(root, "_wsmonitor_configured", False):
        return getattr(root, "_wsmonitor_log_file", None)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    redactor = SecretRedactor()

    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.addFilter(redactor)
    if not verbose:
        console.addFilter(_OwnRecordsOnly())
    root.addHandler(console)

    log_file: Path | None = None
    try:
        log_file = log_dir() / "wsmonitor.log"
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        file_handler.addFilter(redactor)
        root.addHandler(file_handler)
    except OSError as exc:
        log_file = None
        logging.getLogger(__name__).warning("cannot write a log file: %s", exc)

    # Third-party chatter that would drown our own lines.
    for noisy in _LIBRARY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root._wsmonitor_configured = True  # type: ignore[attr-defined]
    root._wsmonitor_log_file = log_file  # type: ignore[attr-defined]
    return log_file
