"""History store recovery: damaged, too-new, locked and unwritable files never stop the app."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from wsmonitor.store.history import HistoryStore
from wsmonitor.store.history_file import SCHEMA_VERSION

T0 = float((int(time.time()) // 3600 - 48) * 3600)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


def test_garbage_file_starts_fresh_and_keeps_the_old_one(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database at all" * 100)
    store = HistoryStore(db_path)
    try:
        assert store.notice is not None and "damaged" in store.notice
        kept = list(db_path.parent.glob("history.sqlite3.broken-*"))
        assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
        store.record_sample("m", "", T0, 1)
        assert store.flush() == 1
        assert store.path == db_path
    finally:
        store.close()


def test_damaged_pages_start_fresh(db_path: Path) -> None:
    with HistoryStore(db_path) as store:
        store.record_samples(("m", "", T0 + i, 1.0) for i in range(20_000))
    raw = bytearray(db_path.read_bytes())
    raw[4096 * 2 : 4096 * 6] = b"\xde\xad" * (4096 * 2)  # scribble over b-tree pages
    db_path.write_bytes(bytes(raw))
    store = HistoryStore(db_path)
    try:
        store.query_series("m", "", T0, T0 + 20_000)  # must not raise, whatever it finds
        assert store.notice is not None and "damaged" in store.notice
        store.record_sample("m", "", T0, 1)
        assert store.flush() == 1
    finally:
        store.close()


def test_damage_found_later_is_recovered_too(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import wsmonitor.store.history_file as history_file

    monkeypatch.setattr(history_file, "QUICK_CHECK_MAX_BYTES", 0)  # big file: no check at open
    with HistoryStore(db_path) as store:
        store.record_samples(("m", "", T0 + i, 1.0) for i in range(20_000))
    raw = bytearray(db_path.read_bytes())
    raw[4096 * 3 : 4096 * 12] = b"\xde\xad" * (4096 * 9 // 2)
    db_path.write_bytes(bytes(raw))
    store = HistoryStore(db_path)
    try:
        assert store.notice is None  # not checked at open
        assert store.query_raw("m", "", T0, T0 + 20_000) == []  # the read hits the damage
        assert store.notice is not None and "damaged" in store.notice
        store.record_sample("m", "", T0, 1)
        assert store.flush() == 1  # into the fresh file
        assert store.query_raw("m", "", T0, T0 + 1) == [(T0, 1.0)]
        assert list(db_path.parent.glob("history.sqlite3.broken-*"))
    finally:
        store.close()


def test_newer_schema_is_kept_aside(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store = HistoryStore(db_path)
    try:
        assert store.notice is not None and "newer wsmonitor" in store.notice
    finally:
        store.close()


def test_locked_file_is_left_alone(db_path: Path) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store = HistoryStore(db_path)
        try:
            assert store.notice is not None and "locked" in store.notice
            assert store.path != db_path and store.path.parent == db_path.parent
            store.record_sample("m", "", T0, 1)
            assert store.flush() == 1
        finally:
            store.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with sqlite3.connect(db_path) as conn:  # untouched: no history tables were added
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert names == {"other"}


def test_write_lock_during_flush_keeps_rows_for_later(db_path: Path) -> None:
    store = HistoryStore(db_path)
    store._conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        store.record_sample("m", "", T0, 1)
        assert store.flush() == 0
        assert store.pending == 1 and store.last_error and "locked" in store.last_error
        other.execute("ROLLBACK")
        assert store.flush() == 1 and store.last_error is None
    finally:
        other.close()
        store.close()


def test_unwritable_place_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = HistoryStore(blocker / "sub" / "history.sqlite3")  # parent is a file
    try:
        assert store.notice is not None and "will not survive a restart" in store.notice
        store.record_sample("m", "", T0, 1)
        assert store.flush() == 1
        assert store.query_raw("m", "", T0, T0 + 1) == [(T0, 1.0)]
    finally:
        store.close()
