"""Finding the secrets a probe's options carry, so no report, timeline or log shows them.

A token pasted into the URL (``wss://h/ws?token=…``), a ``user:password@`` or a custom header
such as ``X-Api-Key`` is as secret as ``--token``; all are masked the same way.
"""

from __future__ import annotations

import functools
import urllib.parse

from wsmonitor.core.secrets import mask_secret

URL_TOKEN_NAMES = ("token", "access_token", "jwt", "auth_token")
_AUTH_SCHEMES = ("bearer", "basic", "token", "jwt", "digest")
_SECRET_WORDS = ("token", "auth", "key", "secret", "pass", "session", "cookie", "jwt", "sig")
_MIN_LENGTH = 4  # shorter values would mask ordinary text


def is_secret_name(name: str) -> bool:
    """Whether a header or query parameter name says it carries a secret."""
    low = name.lower()
    return any(word in low for word in _SECRET_WORDS)


@functools.lru_cache(maxsize=64)  # pure, and asked several times per probe
def url_token(url: str) -> str | None:
    """The token a URL carries in its query (``token``, ``access_token``...), if any."""
    query = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)
    return next((v for k, v in query if k.lower() in URL_TOKEN_NAMES and v), None)


def find_secrets(url: str, token: str | None, headers: dict[str, str]) -> list[str]:
    """The token, secret query values, URL password and secret header values (credentials of
    ``Bearer x`` headers alone), each also in its percent-encoded forms as URLs show them."""
    return list(_find_secrets(url, token, tuple(headers.items())))


@functools.lru_cache(maxsize=64)  # the same options are asked again for the report
def _find_secrets(
    url: str, token: str | None, headers: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    found = [token] if token else []
    parts = urllib.parse.urlsplit(url)
    if parts.password:
        found.append(parts.password)
    found += [v for k, v in urllib.parse.parse_qsl(parts.query) if is_secret_name(k)]
    for name, value in headers:
        if is_secret_name(name):
            scheme, _, credential = value.partition(" ")
            is_scheme = credential and scheme.lower() in _AUTH_SCHEMES
            found.append(credential.strip() if is_scheme else value)
    out: list[str] = []
    for secret in found:
        quoted = urllib.parse.quote(secret, safe="")
        for form in (secret, quoted, urllib.parse.quote_plus(secret)):
            if len(form) >= _MIN_LENGTH and form not in out:
                out.append(form)
    return tuple(out)


def mask_all(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (longest first) replaced by its mask."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, mask_secret(secret))
    return text
