"""Secrets the user chose to keep, in the OS keyring and nowhere else.

Every call degrades to a clear ``KeyringUnavailable`` when the platform has no usable backend
(a headless Linux without a Secret Service, for example), so callers can tell the user instead
of crashing.
"""

from __future__ import annotations

import logging

import keyring
import keyring.errors

from wsmonitor.errors import UserError

log = logging.getLogger(__name__)

SERVICE = "wsmonitor"


class KeyringUnavailable(UserError):
    """The OS keyring cannot be used here; the message says why in plain words.

    A ``UserError``, so a headless command prints the sentence instead of a traceback.
    """


def _key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def _backend_ok() -> None:
    backend = keyring.get_keyring()
    priority = getattr(backend, "priority", 1)
    if priority is not None and priority <= 0:
        raise KeyringUnavailable(
            "no OS keyring is available on this system, so the secret was not saved "
            "(install and unlock a Secret Service such as GNOME Keyring or KWallet)"
        )


def save_secret(kind: str, name: str, value: str) -> None:
    """Store ``value`` under (kind, name), e.g. ("admin-password", "prod-cluster")."""
    _backend_ok()
    try:
        keyring.set_password(SERVICE, _key(kind, name), value)
    except Exception as exc:  # backends raise their own types too (D-Bus, locked collections)
        raise KeyringUnavailable(f"the OS keyring refused to save the secret: {exc}") from exc


def load_secret(kind: str, name: str) -> str | None:
    """The stored secret, or None when there is none or no keyring is available."""
    try:
        _backend_ok()
        return keyring.get_password(SERVICE, _key(kind, name))
    except Exception as exc:  # any backend failure means "no secret", never a crash
        log.warning("could not read a secret from the OS keyring: %s", exc)
        return None


def delete_secret(kind: str, name: str) -> None:
    """Forget a stored secret; missing ones are fine."""
    try:
        _backend_ok()
        keyring.delete_password(SERVICE, _key(kind, name))
    except keyring.errors.PasswordDeleteError:
        pass
    except Exception as exc:  # forgetting is best effort; say so in the log, never crash
        log.warning("could not delete a secret from the OS keyring: %s", exc)
