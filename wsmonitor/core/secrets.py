"""Keeping tokens and passwords out of logs, reports and exports.

``mask_secret`` is what every report shows instead of a secret. ``SecretRedactor`` is a logging
filter: any value registered with ``register_secret`` is replaced by its mask in every log record,
so a secret that slips into an exception message or a URL still never reaches a log file.
"""

from __future__ import annotations

import logging
import threading

_MIN_REDACT_LENGTH = 4


def mask_secret(value: str | None) -> str:
    """First and last four characters of a long secret, nothing of a short one."""
    if not value:
        return ""
    if len(value) <= 12:
        return "•" * 8
    return f"{value[:4]}…{value[-4:]}"


class _Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()

    def add(self, value: str | None) -> None:
        if value and len(value) >= _MIN_REDACT_LENGTH:
            with self._lock:
                self._values.add(value)

    def redact(self, text: str) -> str:
        with self._lock:
            values = sorted(self._values, key=len, reverse=True)
        for value in values:
            if value in text:
                text = text.replace(value, mask_secret(value))
        return text


_registry = _Registry()


def register_secret(value: str | None) -> None:
    """Make sure ``value`` is masked wherever it would otherwise be logged."""
    _registry.add(value)


def redact(text: str) -> str:
    """``text`` with every registered secret masked."""
    return _registry.redact(text)


class SecretRedactor(logging.Filter):
    """Logging filter that masks registered secrets in the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
