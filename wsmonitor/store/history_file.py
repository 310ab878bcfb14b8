"""Opening the history SQLite file, and what to do when it cannot be used as it is.

A damaged or too-new file is renamed ``<name>.broken-<stamp>`` and a fresh one started; a file
locked by another program is left alone and this session writes a side file next to it; an
unwritable place gives an in-memory database. Each case comes with one plain ``notice``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from wsmonitor.core.paths import data_dir

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Integrity-check files up to this size at open (~10 ms per MB); bigger ones are checked lazily:
# a damaged page found by a later query or flush triggers the same recovery.
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
    id INTEGER PRIMARY KEY, metric TEXT NOT NULL, server_id TEXT NOT NULL,
    UNIQUE (metric, server_id));
CREATE TABLE IF NOT EXISTS samples (
    series_id INTEGER NOT NULL, t REAL NOT NULL, value REAL NOT NULL,
    PRIMARY KEY (series_id, t)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minutes (
    series_id INTEGER NOT NULL, minute INTEGER NOT NULL, count INTEGER NOT NULL,
    sum REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL, last REAL NOT NULL,
    last_t REAL NOT NULL, PRIMARY KEY (series_id, minute)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL, server_id TEXT NOT NULL,
    data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_time ON events (t);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (kind, t);
"""
_MEMORY = ":memory:"


def default_history_path(profile_name: str | None = None) -> Path:
    """The history file of a profile (one file each, so clusters never mix)."""
    if not profile_name:
        return data_dir() / "history.sqlite3"
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", profile_name).strip("-.")[:60] or "profile"
    if slug != profile_name:  # keep "a b" and "a-b" apart
        slug += "-" + hashlib.sha1(profile_name.encode()).hexdigest()[:8]
    return data_dir() / f"history-{slug}.sqlite3"


def is_locked(exc: sqlite3.Error) -> bool:
    """Another program holds the file: worth retrying later, never worth discarding."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def is_corrupt(exc: sqlite3.Error) -> bool:
    """The file is not (or no longer) a sound SQLite database."""
    text = str(exc).lower()
    return type(exc) is sqlite3.DatabaseError or "malformed" in text or "not a database" in text


class _Unusable(Exception):
    """The file cannot be used as our history; ``args[0]`` says why in plain words."""


@dataclass
class OpenedHistory:
    """The database actually in use, and what the user should be told about it."""

    conn: sqlite3.Connection
    path: Path  # the file in use (a side file when the wanted one was locked)
    in_memory: bool = False
    notice: str | None = None  # one plain paragraph when the wanted file was not used as is


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _Unusable(f"it was written by a newer wsmonitor (schema {version})")
        if isinstance(path, Path) and path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(result)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        conn.close()
        raise
    return conn


def open_history(path: Path) -> OpenedHistory:
    """Open (or create) the history at ``path``; never raises, falls back as described above."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return OpenedHistory(_connect(path), path)
    except sqlite3.Error as exc:
        if is_locked(exc):
            return _open_side_file(path, f"it is locked by another program ({exc})")
        if is_corrupt(exc):
            return start_fresh(path, f"it is damaged ({exc})")
        return _open_in_memory(path, f"it cannot be opened ({exc})")
    except _Unusable as exc:
        return start_fresh(path, str(exc))
    except OSError as exc:
        return _open_in_memory(path, f"it cannot be created or opened ({exc})")


def reopen_after_damage(current: OpenedHistory, exc: sqlite3.Error) -> OpenedHistory:
    """The file went bad while in use: keep it aside and continue with a fresh one."""
    with contextlib.suppress(sqlite3.Error):
        current.conn.close()
    if current.in_memory:  # nothing on disk to keep aside
        return OpenedHistory(_connect(_MEMORY), current.path, True, current.notice)
    return start_fresh(current.path, f"it is damaged ({exc})")


def start_fresh(path: Path, why: str) -> OpenedHistory:
    """Rename the file (and its -wal/-shm) to ``.broken-<stamp>`` and start an empty one."""
    kept = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        for suffix in ("", "-wal", "-shm"):
            part = Path(str(path) + suffix)
            if part.exists():
                part.replace(Path(str(kept) + suffix))
        conn = _connect(path)
    except (OSError, sqlite3.Error, _Unusable) as exc:
        return _open_in_memory(path, f"{why}, and a fresh file could not be made ({exc})")
    return OpenedHistory(
        conn,
        path,
        notice=_warn(
            f"The history file {path} could not be used because {why}. "
            f"It was kept as {kept.name} and a new, empty history was started."
        ),
    )


def _open_side_file(path: Path, why: str) -> OpenedHistory:
    side = path.with_name(f"{path.stem}.session-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3")
    try:
        conn = _connect(side)
    except (OSError, sqlite3.Error, _Unusable) as exc:
        return _open_in_memory(path, f"{why}, and no other file could be made ({exc})")
    return OpenedHistory(
        conn,
        side,
        notice=_warn(
            f"The history file {path} was not touched because {why}. "
            f"This session's history is kept in {side.name} instead."
        ),
    )


def _open_in_memory(path: Path, why: str) -> OpenedHistory:
    return OpenedHistory(
        _connect(_MEMORY),
        path,
        in_memory=True,
        notice=_warn(
            f"The history file {path} cannot be used because {why}. "
            "History is kept in memory only and will not survive a restart."
        ),
    )


def _warn(message: str) -> str:
    log.warning("%s", message)
    return message
