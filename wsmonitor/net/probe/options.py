"""What a probe should do: ProbeOptions, with validation and the URLs and headers it implies."""

from __future__ import annotations

import functools
import re
import ssl
import time
import urllib.parse
from dataclasses import dataclass, field, replace
from typing import Any

from wsmonitor.core.secrets import mask_secret
from wsmonitor.net.probe import eio
from wsmonitor.net.probe.masking import find_secrets, is_secret_name, mask_all, url_token
from wsmonitor.net.probe.option_checks import (
    TOKEN_PLACES,
    TRANSPORTS,
    ProbeOptionsError,
    header_problems,
    option_problems,
)
from wsmonitor.net.probe.option_checks import url_parts as _url_parts

__all__ = [
    "DEFAULT_PATH",
    "TOKEN_PLACES",
    "TRANSPORTS",
    "ProbeOptions",
    "ProbeOptionsError",
    "check_headers",
]

DEFAULT_PATH = "/socket.io/"

# What urlencode (quote_plus) leaves as it is: such keys and values need no quoting.
_QUERY_SAFE = re.compile(r"[A-Za-z0-9_.~-]*")


@dataclass
class ProbeOptions:
    """Everything a probe needs. ``validate()`` before use; ``to_dict()`` masks the token.

    ``settle`` is how long to stay after the CONNECT answer even when ``hold`` is 0, so a server
    that accepts then disconnects at once is still seen; ``client_pings`` makes an EIO=4 probe
    ping like an EIO=3 client, reproducing clients with the heartbeat in the wrong direction.
    """

    url: str
    eio: int = 4
    transport: str = "upgrade"
    namespace: str = "/"
    path: str = "/socket.io/"
    token: str | None = None
    token_in: str | None = None  # None: auth for EIO=4, query for EIO=3
    headers: dict[str, str] = field(default_factory=dict)
    origin: str | None = None
    verify_tls: bool = True
    ca_file: str | None = None
    timeout: float = 10.0
    hold: float = 0.0
    settle: float = 0.25
    client_pings: bool = False
    raw: bool = False
    message: str | None = None  # raw probes: a text message to send after connecting

    def validate(self) -> ProbeOptions:
        """Check and normalise; raises the first of ``problems()`` (a ProbeOptionsError).

        A token with EIO 3 or a raw websocket goes in the query string, even when ``token_in``
        says ``auth`` (neither has an auth payload): see ``token_place``; CLI and GUI alike.
        """
        problems = self.problems()
        if problems:
            raise problems[0]
        url = self.url.strip()
        parts = _url_parts(url)
        namespace = self.namespace if self.namespace.startswith("/") else "/" + self.namespace
        path = self.path if self.path.startswith("/") else "/" + self.path
        if not path.endswith("/"):
            path += "/"
        url_path = parts.path.rstrip("/")
        if not self.raw and path == DEFAULT_PATH and url_path.endswith("/socket.io"):
            path = url_path + "/"  # a pasted engine URL (…/socket.io/?EIO=4…): its path is meant
        if (url, namespace, path) == (self.url, self.namespace, self.path):
            return self  # already normal (dataclasses.replace costs more than the checks)
        return replace(self, url=url, namespace=namespace, path=path)

    def problems(self) -> list[ProbeOptionsError]:
        """Every reason these options cannot describe a probe (empty when valid).

        A form shows them all at once, each under its field; ``validate()`` raises the first.
        """
        return option_problems(self)

    def ignored_url_path(self) -> str | None:
        """The URL's path when a Socket.IO probe does not use it (it uses ``path``), else None.

        ``ws://host/ws`` without ``raw`` is usually a plain websocket endpoint probed by mistake;
        socket.io-client would read ``/ws`` as a namespace. Callers say so rather than guess.
        """
        if self.raw:
            return None
        url_path = _url_parts(self.url).path
        if url_path in ("", "/") or url_path.rstrip("/") + "/" == self.path:
            return None
        return url_path

    @property
    def token_place(self) -> str | None:
        if not self.token:
            return None
        if self.token_in in (None, "auth") and (self.raw or self.eio == 3):
            # A plain websocket has no auth payload, and Socket.IO v4 (EIO=3) carries auth in
            # the query string: "auth" would silently send no token at all.
            return "query"
        return self.token_in or "auth"

    def base_http_url(self) -> str:
        """``http(s)://host:port`` for the polling transport."""
        p = _url_parts(self.url)
        return f"{'https' if p.tls else 'http'}://{p.netloc}"

    def is_tls(self) -> bool:
        return _url_parts(self.url).tls

    def host_port(self) -> tuple[str, int]:
        p = _url_parts(self.url)
        return p.hostname, p.port or (443 if p.tls else 80)

    def query(self, transport: str, sid: str | None = None) -> dict[str, str]:
        q = dict(_url_parts(self.url).query)
        q.update({"EIO": str(self.eio), "transport": transport})
        if self.token_place == "query" and self.token:
            q["token"] = self.token
        if sid:
            q["sid"] = sid
        if transport == "polling":
            q["t"] = format(time.monotonic_ns() % 10**12, "x")  # cache buster, like the JS client
        return q

    def engine_url(self, transport: str, sid: str | None = None) -> str:
        """The Engine.IO URL for ``transport`` (http(s) for polling, ws(s) for websocket)."""
        base = self.base_http_url()
        if transport == "websocket":
            base = "ws" + base[4:]
        return f"{base}{self.path}?{_urlencode(self.query(transport, sid))}"

    def raw_url(self) -> str:
        """The raw websocket URL, with ``token=`` added when the token goes in the query."""
        if self.token_place != "query" or not self.token:
            return self.url
        p = urllib.parse.urlsplit(self.url)
        query = urllib.parse.parse_qsl(p.query)
        if any(name == "token" for name, _ in query):
            return self.url  # the URL names its token already: do not send a second one
        q = [*query, ("token", self.token)]
        return urllib.parse.urlunsplit(p._replace(query=urllib.parse.urlencode(q)))

    def request_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.origin:
            headers["Origin"] = self.origin
        if self.token and self.token_place == "header":
            headers["Authorization"] = f"Bearer {self.token}"
        if self.token and self.token_place == "cookie":
            cookie = headers.get("Cookie")
            headers["Cookie"] = f"{cookie}; token={self.token}" if cookie else f"token={self.token}"
        return headers

    def auth_payload(self) -> dict[str, Any] | None:
        if self.token and self.token_place == "auth" and self.eio == 4:
            return {"token": self.token}
        return None

    def connect_packet(self) -> str | None:
        """The Socket.IO CONNECT to send; None when the server joins "/" by itself (EIO=3)."""
        if self.eio == 3 and self.namespace == "/":
            return None
        query = f"token={self.token}" if self.token_place == "query" else ""
        return eio.sio_connect(self.namespace, self.auth_payload(), self.eio, query)

    def ssl_context(self) -> ssl.SSLContext | bool:
        """What httpx (verify=) and aiohttp (ssl=) both accept; False for plain http/ws."""
        if not self.is_tls():
            return False  # building a context loads the CA store: tens of ms for nothing
        return _ssl_context(self.verify_tls, self.ca_file)

    def url_token(self) -> str | None:
        """A token the URL itself carries (``?token=``, ``access_token``, ``jwt``), if any."""
        return url_token(self.url)

    def secrets(self) -> list[str]:
        """Every secret a report must mask: the token, and what the URL and headers carry."""
        return find_secrets(self.url, self.token, self.headers)

    def to_dict(self, secrets: list[str] | None = None) -> dict[str, Any]:
        """The options as a report shows them: token masked, secret-bearing headers masked.

        ``secrets`` is ``self.secrets()`` when the caller already has it.
        """
        if secrets is None:
            secrets = self.secrets()
        headers = {}
        for key, value in self.request_headers().items():
            if is_secret_name(key):
                masked = mask_all(value, secrets)
                value = masked if masked != value else mask_secret(value)
            headers[key] = value
        return {
            "url": mask_all(self.url, secrets),
            "raw": self.raw,
            "eio": self.eio,
            "transport": "websocket" if self.raw else self.transport,
            "namespace": self.namespace,
            "path": self.path,
            "token": mask_secret(self.token) if self.token else None,
            "token_in": self.token_place,
            "headers": headers,
            "origin": self.origin,
            "tls_verify": self.verify_tls,
            "ca_file": self.ca_file,
            "timeout": self.timeout,
            "hold": self.hold,
            "client_pings": self.client_pings,
        }


def _urlencode(query: dict[str, str]) -> str:
    """``urllib.parse.urlencode(query)``, skipping the quoting of what needs none."""
    return "&".join(
        f"{k if _QUERY_SAFE.fullmatch(k) else urllib.parse.quote_plus(k)}="
        f"{v if _QUERY_SAFE.fullmatch(v) else urllib.parse.quote_plus(v)}"
        for k, v in query.items()
    )


@functools.lru_cache(maxsize=8)
def _ssl_context(verify: bool, ca_file: str | None) -> ssl.SSLContext:
    if not verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    return ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()


def check_headers(headers: dict[str, str]) -> None:
    """ProbeOptionsError for the first header that cannot be sent as it is."""
    problems = header_problems(headers)
    if problems:
        raise problems[0]
