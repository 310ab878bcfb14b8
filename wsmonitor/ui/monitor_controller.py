"""The Qt side of a ``MonitorSession``: one watched profile at a time, redrawn on a timer.

The session (Qt-free) receives admin events and health samples in the asyncio loop. This
controller owns it, polls its snapshot from a ``QTimer`` (20 Hz) and hands one ``MonitorFrame`` to
the page on screen and to the always-on views (status bar, alerts). Nothing redraws per message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from typing import Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from wsmonitor.core.aggregator import AggregatorConfig
from wsmonitor.core.profiles import Profile, ProfileStore
from wsmonitor.core.secrets import register_secret
from wsmonitor.errors import UserError
from wsmonitor.net.admin_config import AdminConnectionConfig
from wsmonitor.net.admin_status import ConnState
from wsmonitor.net.monitor_session import MonitorSession, SessionConfig, SessionSnapshot
from wsmonitor.store.history import HistoryStore
from wsmonitor.ui.page import Page

log = logging.getLogger(__name__)

REDRAW_HZ = 20


@dataclass(frozen=True)
class MonitorFrame:
    """What every view redraws from on one timer tick."""

    now: float
    snapshot: SessionSnapshot
    session: MonitorSession
    profile: Profile
    #: What earlier sessions of this profile recorded (None when history is unavailable).
    history: HistoryStore | None = None
    #: When this session started: plots take older data from ``history``.
    started_at: float = 0.0


class MonitorView(Protocol):
    """A page or widget fed by the controller."""

    def reset(self) -> None:
        """A different session starts (or none): forget everything shown."""

    def refresh(self, frame: MonitorFrame) -> None:
        """Redraw from ``frame``; cheap when nothing changed."""


def status_line(snapshot: SessionSnapshot, profile: Profile) -> tuple[str, str]:
    """(text, level) of the status-bar indicator for a session snapshot."""
    status = snapshot.status
    where = profile.name or profile.server_url
    if status.state == ConnState.CONNECTED:
        servers = snapshot.stats.cluster.servers
        extra = f" · {servers} servers" if servers > 1 else ""
        return f"Connected to {where}{extra}", "ok"
    if status.state == ConnState.CONNECTING:
        return f"Connecting to {where}…", "warn"
    if status.state == ConnState.RETRYING:
        wait = ""
        if status.next_retry_at is not None:
            wait = f", retrying in {max(0, status.next_retry_at - snapshot.t):.0f} s"
        return f"{where}: {status.message or 'connection lost'}{wait}", "warn"
    if status.state == ConnState.FAILED:
        return f"{where}: {status.message}", "error"
    return "Not connected", "idle"


def session_config(profile: Profile, password: str | None, settings: Any = None) -> SessionConfig:
    """The session a profile describes (password only in memory)."""
    short_lived = getattr(settings, "short_lived_s", 5.0)
    stale = getattr(settings, "stale_after_s", 10.0)
    admin = AdminConnectionConfig(
        url=profile.server_url,
        namespace=profile.admin_namespace,
        socketio_path=profile.socketio_path,
        username=profile.username or None,
        password=password or None,
        tls_verify=profile.tls_verify,
        ca_file=profile.ca_file or None,
    )
    return SessionConfig(
        admin=admin,
        aggregator=AggregatorConfig(
            short_lived_s=short_lived,
            admin_namespace=profile.admin_namespace,
            stale_after_s=stale,
        ),
        health_url=profile.health_url or None,
        health_interval=profile.health_interval_s,
        profile_name=profile.name,
    )


class MonitorPage(Page):
    """A page fed by the controller: redrawn on the timer while it is on screen."""

    controller: MonitorController | None = None

    def attach(self, controller: MonitorController) -> None:
        self.controller = controller
        controller.add_view(self)

    def on_shown(self) -> None:
        if self.controller is not None:
            self.controller.set_active_view(self)

    def reset(self) -> None:
        """A different session starts (or none): forget everything shown."""

    def refresh(self, frame: MonitorFrame) -> None:
        """Redraw from ``frame``; cheap when nothing changed."""


class MonitorController(QObject):
    """Connects to one profile at a time and feeds the views on a timer."""

    #: The status-bar text and level changed.
    state_changed = Signal(str, str)
    #: A new session started (or the current one ended): views were reset.
    session_changed = Signal()
    #: Ask the window to show the connection dialog, pre-filled with (url, username).
    dialog_requested = Signal(str, str)

    def __init__(self, profiles: ProfileStore | None = None, redraw_hz: int = REDRAW_HZ) -> None:
        super().__init__()
        self.profiles = profiles
        self.session: MonitorSession | None = None
        self.profile: Profile | None = None
        self.history: HistoryStore | None = None
        self.last_frame: MonitorFrame | None = None
        self.started_at = 0.0
        self._views: list[MonitorView] = []
        self._always: list[MonitorView] = []
        self._active_view: MonitorView | None = None
        self._generation = 0
        self._state = ("Not connected", "idle")
        self._stopping: set[asyncio.Task[None]] = set()
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / redraw_hz))
        self.timer.timeout.connect(self.tick)

    # -- views -------------------------------------------------------------------------------
    def add_view(self, view: MonitorView, *, always: bool = False) -> None:
        """Feed ``view``: on every tick if ``always``, else only while it is the active page."""
        self._views.append(view)
        if always:
            self._always.append(view)

    def set_active_view(self, view: MonitorView | None) -> None:
        """The page now on screen; it is redrawn at once from the last frame."""
        self._active_view = view if view in self._views else None
        if self._active_view is not None and self.last_frame is not None:
            self._active_view.refresh(self.last_frame)

    # -- connecting --------------------------------------------------------------------------
    async def connect(self, profile: Profile, password: str | None = None) -> None:
        """Watch ``profile`` (replacing the current one); returns once the session started."""
        self._generation += 1
        generation = self._generation
        register_secret(password)
        old = self._detach()
        if old is not None:
            # Let the old session wind down in the background so switching stays quick.
            self._stop_later(*old)
        settings = self.profiles.settings if self.profiles is not None else None
        session = MonitorSession(
            session_config(profile, password, settings), history=self._open_history(profile)
        )
        self.session, self.profile = session, profile
        self.started_at = time.time()
        self._reset_views()
        self._set_state(f"Connecting to {profile.name or profile.server_url}…", "warn")
        await session.start()
        if generation == self._generation:
            self.timer.start()
            self.tick()
            if self.profiles is not None and profile.name in self.profiles.names():
                self.profiles.set_last_used(profile.name)

    async def disconnect(self) -> None:
        """Stop watching; the views keep their last picture until the next connect."""
        self._generation += 1
        old = self._detach()
        self.timer.stop()
        if old is not None:
            await self._stop(*old)
        self._set_state("Not connected", "idle")
        self.session_changed.emit()

    async def close(self) -> None:
        """Shut everything down (window closing)."""
        await self.disconnect()
        if self._stopping:
            await asyncio.wait(self._stopping, timeout=5)

    async def restore_last_profile(self, shell: Any = None) -> None:
        """At start-up: reconnect the profile used last, password from the OS keyring.

        Has the signature of a ``run_gui`` start-up hook, which is how the app calls it.
        """
        if self.profiles is None or not self.profiles.settings.reconnect_last_profile:
            return
        profile = self.profiles.last_profile()
        if profile is None:
            return
        password = self.profiles.password(profile.name) if profile.password_saved else None
        if profile.username and not password:
            self.dialog_requested.emit("", "")  # the password is needed: the dialog asks
            return
        await self.connect(profile, password)

    def set_short_lived_s(self, seconds: float) -> None:
        """Save the short-lived threshold and apply it to the running session at once.

        Disconnects the log still holds are recounted with it; older counts keep theirs.
        Raises ``UserError`` when the value is not positive or the settings cannot be saved.
        """
        if self.profiles is not None:
            self.profiles.save_settings(replace(self.profiles.settings, short_lived_s=seconds))
        elif not seconds > 0:
            raise UserError("the short-lived threshold must be a positive number of seconds")
        if self.session is not None:
            self.session.set_short_lived_s(seconds)

    def _open_history(self, profile: Profile) -> HistoryStore | None:
        try:
            self.history = HistoryStore(profile_name=profile.name or None)
        except Exception:  # history is a bonus: never block monitoring on a disk problem
            log.exception("history store unavailable")
            self.history = None
        return self.history

    def _detach(self) -> tuple[MonitorSession, HistoryStore | None] | None:
        if self.session is None:
            return None
        old = (self.session, self.history)
        self.session, self.history, self.last_frame = None, None, None
        return old

    def _stop_later(self, session: MonitorSession, history: HistoryStore | None) -> None:
        task = asyncio.ensure_future(self._stop(session, history))
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def _stop(self, session: MonitorSession, history: HistoryStore | None) -> None:
        try:
            await asyncio.wait_for(session.stop(), timeout=5)
        except Exception:
            log.exception("stopping the monitor session failed")
        if history is not None:
            history.close()

    # -- redraw ------------------------------------------------------------------------------
    def tick(self) -> None:
        """One redraw: snapshot the session, feed the always-on views and the active page."""
        session, profile = self.session, self.profile
        if session is None or profile is None:
            return
        now = time.time()
        frame = MonitorFrame(
            now, session.snapshot(now), session, profile, self.history, self.started_at
        )
        self.last_frame = frame
        self._set_state(*status_line(frame.snapshot, profile))
        for view in self._always:
            view.refresh(frame)
        if self._active_view is not None and self._active_view not in self._always:
            self._active_view.refresh(frame)

    def _reset_views(self) -> None:
        for view in self._views:
            view.reset()
        self.session_changed.emit()

    def _set_state(self, text: str, level: str) -> None:
        if (text, level) != self._state:
            self._state = (text, level)
            self.state_changed.emit(text, level)

    @property
    def state(self) -> tuple[str, str]:
        return self._state
