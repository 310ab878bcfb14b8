"""The admin-channel client: a python-socketio AsyncClient on the admin namespace.

It connects, authenticates (``{username, password}``, plus Node's ``sessionId`` once known),
hands every raw event to ``on_event(name, args)`` (the aggregator parses it), and reconnects with
exponential backoff after a server restart or a network loss. Wrong credentials end in a clear
FAILED status, never a retry loop. Its own reconnect loop (python-socketio's is off) is what lets
it tell the aggregator exactly when data stopped and resumed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
from collections.abc import Callable
from typing import Any

from wsmonitor.core.secrets import register_secret
from wsmonitor.errors import UserError
from wsmonitor.net.admin_config import AdminConnectionConfig, normalise_config
from wsmonitor.net.admin_failure import explain_failure
from wsmonitor.net.admin_status import ConnectionStatus, ConnState, ErrorKind
from wsmonitor.net.sio_client import admin_client_class, http_session_factory

log = logging.getLogger(__name__)

# python-socketio logs every packet at INFO and routine closes as warnings; our own statuses
# say what matters, so only its errors reach the log
_SIO_LOG = logging.getLogger("wsmonitor.net.sio")
_SIO_LOG.setLevel(logging.ERROR)


_NO_RETRY = frozenset({ErrorKind.AUTH, ErrorKind.NAMESPACE, ErrorKind.CONFIG})


class OperationNotSupported(UserError):
    """The server's ``config`` does not allow this operation (read-only or production mode)."""


class AdminClient:
    """One admin-channel connection with its own reconnect loop."""

    def __init__(
        self,
        config: AdminConnectionConfig,
        *,
        on_event: Callable[[str, tuple[Any, ...]], object],
        on_status: Callable[[ConnectionStatus], object] | None = None,
    ) -> None:
        self.config = normalise_config(config)
        register_secret(config.password)
        self._on_event = on_event
        self._on_status = on_status
        self.status = ConnectionStatus(ConnState.IDLE, "not started", since=time.time())
        self.features: frozenset[str] = frozenset()
        self.session_id: str | None = None
        self.handler_errors = 0
        self._sio: Any = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._lost = asyncio.Event()
        self._lost_reason = ""
        self._connect_error: str | None = None
        self._changed = asyncio.Event()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start connecting in the background (needs a running loop); idempotent."""
        if self._task is None or self._task.done():
            self._stopping = False
            self._task = asyncio.get_running_loop().create_task(self._run(), name="admin-client")

    async def stop(self) -> None:
        """Disconnect and stop retrying; idempotent."""
        self._stopping = True
        self._lost.set()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close_client()
        self._set_status(ConnState.STOPPED, "stopped")

    async def wait_until(self, *states: ConnState, timeout: float) -> ConnectionStatus:
        """Wait until the status is one of ``states`` (or ``timeout`` passes); returns it."""
        deadline = time.monotonic() + timeout
        while self.status.state not in states:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                break
        return self.status

    @property
    def connected(self) -> bool:
        return self.status.state is ConnState.CONNECTED

    # ------------------------------------------------------------------ operations

    def supports(self, feature: str) -> bool:
        return feature in self.features

    async def _operation(self, feature: str, event: str, args: tuple[Any, ...]) -> None:
        if not self.connected or self._sio is None:
            raise OperationNotSupported("not connected to the admin channel")
        if feature not in self.features:
            raise OperationNotSupported(
                f"the server does not allow {feature.lower()} (read-only or production mode)"
            )
        await self._sio.emit(event, args, namespace=self.config.namespace)

    async def emit(self, nsp: str, room_filter: str, event: str, *args: Any) -> None:
        await self._operation("EMIT", "emit", (nsp, room_filter, event, *args))

    async def join(self, nsp: str, room: str, room_filter: str) -> None:
        await self._operation("JOIN", "join", (nsp, room, room_filter))

    async def leave(self, nsp: str, room: str, room_filter: str) -> None:
        await self._operation("LEAVE", "leave", (nsp, room, room_filter))

    async def disconnect_sockets(self, nsp: str, room_filter: str, close: bool = False) -> None:
        """Disconnect the sockets of ``nsp`` in room ``room_filter`` (a socket id works)."""
        await self._operation("DISCONNECT", "_disconnect", (nsp, close, room_filter))

    # ------------------------------------------------------------------ internals

    def _set_status(self, state: ConnState, message: str = "", **kw: Any) -> None:
        connected_since = time.time() if state is ConnState.CONNECTED else None
        self.status = ConnectionStatus(
            state, message, since=time.time(), connected_since=connected_since, **kw
        )
        log.info("admin channel %s: %s %s", self.config.url, state.value, message)
        self._changed.set()
        if self._on_status is not None:
            try:
                self._on_status(self.status)
            except Exception:  # a broken observer must not break the connection
                log.exception("status callback failed")

    async def _run(self) -> None:
        cfg = self.config
        delay = cfg.backoff_initial
        attempt = 0
        while not self._stopping:
            attempt += 1
            self._set_status(ConnState.CONNECTING, f"connecting to {cfg.url}", attempt=attempt)
            failure = await self._attempt()
            if failure is None:
                attempt, delay = 0, cfg.backoff_initial
                await self._lost.wait()
                if self._stopping:
                    return
                await self._close_client()
                kind, message = ErrorKind.LOST, f"connection lost ({self._lost_reason})"
            else:
                kind, message = failure
            if kind in _NO_RETRY or not cfg.reconnect:
                self._set_status(ConnState.FAILED, message, error_kind=kind, attempt=attempt)
                return
            wait = delay * random.uniform(0.75, 1.25)  # jitter: monitors must not stampede
            self._set_status(
                ConnState.RETRYING,
                f"{message}; retrying in {wait:.1f} s",
                error_kind=kind,
                attempt=attempt,
                next_retry_at=time.time() + wait,
            )
            await asyncio.sleep(wait)
            delay = min(delay * 2, cfg.backoff_max)

    def _auth(self) -> dict[str, str]:
        auth: dict[str, str] = {}
        if self.config.username is not None:
            auth["username"] = self.config.username
            auth["password"] = self.config.password or ""
        if self.session_id:
            auth["sessionId"] = self.session_id  # Node skips bcrypt for a known session
        return auth

    def _make_client(self) -> Any:
        cfg = self.config
        kwargs: dict[str, Any] = {}
        if cfg.ca_file and cfg.tls_verify:
            kwargs["http_session"] = http_session_factory(cfg.ca_file)
        sio = admin_client_class()(
            reconnection=False,
            handle_sigint=False,
            ssl_verify=cfg.tls_verify,
            request_timeout=cfg.request_timeout,
            logger=_SIO_LOG,
            engineio_logger=_SIO_LOG,
            **kwargs,
        )
        ns = cfg.namespace
        sio.on("connect", self._on_connect, namespace=ns)
        sio.on("connect_error", self._on_connect_error, namespace=ns)
        sio.on("disconnect", self._on_disconnect, namespace=ns)
        sio.on("*", self._on_any, namespace=ns)
        return sio

    async def _attempt(self) -> tuple[ErrorKind, str] | None:
        """One connection attempt: None when connected, else (kind, message)."""
        cfg = self.config
        self._lost.clear()
        self._connect_error = None
        try:
            self._sio = self._make_client()
        except (OSError, ssl.SSLError) as exc:  # unreadable CA file
            return ErrorKind.CONFIG, f"cannot use the CA file {cfg.ca_file}: {exc}"
        started = time.monotonic()
        try:
            await asyncio.wait_for(
                self._sio.connect(
                    cfg.url,
                    headers=dict(cfg.headers),  # engineio mutates it (moves cookies)
                    auth=self._auth(),
                    transports=list(cfg.transports) if cfg.transports else None,
                    namespaces=[cfg.namespace],
                    socketio_path=cfg.socketio_path,
                    wait_timeout=cfg.connect_timeout,
                ),
                cfg.connect_timeout + cfg.request_timeout + 1.0,
            )
        except asyncio.CancelledError:
            await self._close_client()
            raise
        except Exception as exc:  # socketio.exceptions.ConnectionError, TimeoutError, aiohttp
            elapsed = time.monotonic() - started
            await self._close_client()
            return explain_failure(exc, elapsed, self._connect_error, self.config)
        return None

    async def _close_client(self) -> None:
        sio, self._sio = self._sio, None
        if sio is not None:
            try:
                await asyncio.wait_for(sio.disconnect(), 5.0)
            except Exception:  # already gone: nothing more to close
                log.debug("admin client close", exc_info=True)
            # python-socketio keeps a session made by a factory open after a failed connect
            http = getattr(sio.eio, "http", None)
            if http is not None and not http.closed:
                await http.close()

    # ------------------------------------------------------------------ socketio handlers

    async def _on_connect(self, *_: Any) -> None:
        if self.status.state is ConnState.CONNECTED:
            return  # a server *event* named "connect" lands here too: not a new connection
        # the server sends config/all_sockets right after this: mark connected first
        self.features = frozenset()
        self._set_status(ConnState.CONNECTED, f"connected to {self.config.url}")

    async def _on_connect_error(self, *args: Any) -> None:
        data = args[0] if args else None
        if isinstance(data, dict):
            message = data.get("message")
            self._connect_error = str(message) if message is not None else str(data)
        else:
            self._connect_error = str(data) if data is not None else "connection refused"

    async def _on_disconnect(self, *args: Any) -> None:
        self._lost_reason = str(args[0]) if args else "disconnected"
        self._lost.set()

    def _on_any(self, event: Any, *args: Any) -> None:
        if event == "config" and args and isinstance(args[0], dict):
            features = args[0].get("supportedFeatures")
            if isinstance(features, list):
                self.features = frozenset(f for f in features if isinstance(f, str))
        elif event == "session" and args and isinstance(args[0], str):
            self.session_id = args[0][:128]
        try:
            self._on_event(event, args)
        except Exception:  # the receive loop must survive a consumer bug
            self.handler_errors += 1
            if self.handler_errors <= 5:
                log.exception("admin event handler failed on %r", event)
