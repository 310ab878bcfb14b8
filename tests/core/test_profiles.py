"""Profiles and settings: validation, JSON round trips, and passwords only in the keyring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.peers.memory_keyring import MemoryKeyring
from wsmonitor.core.app_settings import AppSettings
from wsmonitor.core.connection_profile import (
    Profile,
    ProfileError,
    validate_health_url,
    validate_server_url,
)
from wsmonitor.core.profiles import ProfileStore, profile_from_url
from wsmonitor.errors import UserError
from wsmonitor.store import keyring_store

SECRET = "s3cret-Admin-Pass!"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "profiles.json"


def _profile(name: str = "prod", **kw: object) -> Profile:
    fields: dict = {"server_url": "https://io.example.com", "username": "admin", **kw}
    return Profile(name=name, **fields)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "empty"),
        ("localhost:3000", "needs a scheme"),
        ("ftp://host", "must start with"),
        ("http://", "no host"),
        ("http://host:99999", "invalid port"),
        ("http://host name", "spaces"),
        ("http://admin:hunter2@host", "must not contain a user name"),
    ],
)
def test_invalid_server_urls_have_clear_messages(url: str, message: str) -> None:
    with pytest.raises(ProfileError, match=message) as info:
        validate_server_url(url)
    assert isinstance(info.value, UserError)
    assert "hunter2" not in str(info.value)


def test_urls_are_normalised() -> None:
    assert validate_server_url("ws://localhost:3000") == "http://localhost:3000"
    assert validate_server_url(" WSS://h.example/x ") == "https://h.example/x"
    assert validate_health_url("http://h:1/health?x=1") == "http://h:1/health?x=1"
    with pytest.raises(ProfileError, match="health URL"):
        validate_health_url("ws://h/health")


def test_profile_validation_normalises_fields(tmp_path: Path) -> None:
    p = Profile(" dev ", "ws://127.0.0.1:3000", admin_namespace="admin", socketio_path="io")
    p.validate()
    assert (p.name, p.server_url, p.admin_namespace, p.socketio_path) == (
        "dev",
        "http://127.0.0.1:3000",
        "/admin",
        "/io",
    )
    for bad, message in (
        ({"name": ""}, "needs a name"),
        ({"health_interval_s": 0}, "health interval"),
        ({"health_interval_s": "5"}, "number of seconds"),
        ({"admin_namespace": "/ad min"}, "admin namespace"),
        ({"ca_file": str(tmp_path / "missing.pem")}, "CA file"),
        ({"health_url": "nope"}, "health URL"),
    ):
        fields = {"name": "x", "server_url": "http://h", **bad}
        with pytest.raises(ProfileError, match=message):
            Profile(**fields).validate()  # type: ignore[arg-type]


def test_profile_from_url() -> None:
    p = profile_from_url("http://127.0.0.1:3000", "admin")
    assert (p.name, p.username, p.admin_namespace) == ("127.0.0.1:3000", "admin", "/admin")
    with pytest.raises(ProfileError):
        profile_from_url("nonsense")


def test_profiles_round_trip_and_last_used(store_path: Path, memory_keyring: MemoryKeyring) -> None:
    store = ProfileStore(store_path)
    assert store.names() == [] and store.last_profile() is None
    store.save_profile(_profile("prod", health_url="https://io.example.com/health"))
    store.save_profile(_profile("staging", tls_verify=False, health_interval_s=2))
    store.set_last_used("staging")

    again = ProfileStore(store_path)
    assert again.problems == []
    assert again.names() == ["prod", "staging"]
    assert again.get("prod").health_url == "https://io.example.com/health"  # type: ignore[union-attr]
    last = again.last_profile()
    assert last is not None and last.name == "staging" and last.tls_verify is False
    with pytest.raises(ProfileError, match="no profile"):
        again.set_last_used("nope")


def test_password_only_in_keyring_and_only_when_asked(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store = ProfileStore(store_path)
    saved = store.save_profile(_profile(), password=SECRET)  # not asked to remember
    assert not saved.password_saved and memory_keyring.values == {}
    assert store.password("prod") is None

    saved = store.save_profile(_profile(), password=SECRET, remember_password=True)
    assert saved.password_saved
    assert memory_keyring.values == {("wsmonitor", "admin-password:prod"): SECRET}
    assert SECRET not in store_path.read_text(encoding="utf-8")
    assert ProfileStore(store_path).password("prod") == SECRET

    # editing without touching the password keeps it
    store.save_profile(_profile(username="root"))
    assert store.password("prod") == SECRET

    store.forget_password("prod")
    assert memory_keyring.values == {} and not store.get("prod").password_saved  # type: ignore[union-attr]
    assert SECRET not in store_path.read_text(encoding="utf-8")


def test_rename_moves_the_password_and_delete_forgets_it(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store = ProfileStore(store_path)
    store.save_profile(_profile("old"), password=SECRET, remember_password=True)
    store.set_last_used("old")
    store.save_profile(_profile("new"), replace="old")
    assert store.names() == ["new"] and store.last_used == "new"
    assert memory_keyring.values == {("wsmonitor", "admin-password:new"): SECRET}
    store.save_profile(_profile("other"))
    with pytest.raises(ProfileError, match="already exists"):
        store.save_profile(_profile("other"), replace="new")
    store.delete("new")
    assert memory_keyring.values == {} and store.last_used is None
    assert SECRET not in store_path.read_text(encoding="utf-8")


class _NoKeyring(MemoryKeyring):
    priority = 0  # type: ignore[assignment]


def test_no_keyring_is_a_clear_message_and_the_profile_is_still_saved(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    import keyring

    keyring.set_keyring(_NoKeyring())
    store = ProfileStore(store_path)
    with pytest.raises(keyring_store.KeyringUnavailable, match="no OS keyring"):
        store.save_profile(_profile(), password=SECRET, remember_password=True)
    assert store.names() == ["prod"] and not store.get("prod").password_saved  # type: ignore[union-attr]
    assert SECRET not in store_path.read_text(encoding="utf-8")


def test_a_stray_password_in_the_file_is_never_kept(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    store_path.parent.mkdir(parents=True)
    entry = {"name": "hand", "server_url": "http://h", "password": SECRET}
    store_path.write_text(json.dumps({"profiles": [entry]}))
    store = ProfileStore(store_path)
    assert store.names() == ["hand"] and "was removed" in store.problems[0]
    assert SECRET not in store_path.read_text(encoding="utf-8")  # gone at once, not at next save


def test_a_missing_ca_file_keeps_the_profile(store_path: Path, tmp_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    entry = {"name": "tls", "server_url": "https://h", "ca_file": str(tmp_path / "gone.pem")}
    store_path.write_text(json.dumps({"profiles": [entry]}))
    store = ProfileStore(store_path)
    assert store.names() == ["tls"] and "CA file" in store.problems[0]


def test_urls_never_carry_secrets_into_the_file_or_messages() -> None:
    with pytest.raises(ProfileError, match="'token' in its query") as caught:
        validate_health_url("http://h/health?token=s3cr3t-value")
    assert "s3cr3t-value" not in str(caught.value)
    with pytest.raises(ProfileError, match="must start with") as caught:
        validate_server_url("ftp://h/?x=1&api_key=s3cr3t-value")
    assert "s3cr3t-value" not in str(caught.value) and "x=1" in str(caught.value)
    assert validate_health_url("http://h/health?verbose=1") == "http://h/health?verbose=1"


def test_broken_file_is_kept_aside_with_a_message(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_text("{ not json")
    store = ProfileStore(store_path)
    assert store.names() == [] and "could not be read" in store.problems[0]
    assert list(store_path.parent.glob("profiles.json.broken-*"))


def test_bad_entries_and_settings_are_skipped_with_messages(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    data = {
        "last_used": "gone",
        "profiles": [
            {"name": "ok", "server_url": "http://h:1"},
            {"name": "bad", "server_url": "nope"},
            "junk",
        ],
        "settings": {"short_lived_s": -1, "stale_after_s": 20, "reconnect_last_profile": "yes"},
    }
    store_path.write_text(json.dumps(data))
    store = ProfileStore(store_path)
    assert store.names() == ["ok"] and store.last_used is None
    assert len(store.problems) == 4
    assert store.settings == AppSettings(stale_after_s=20)


def test_settings_round_trip(store_path: Path) -> None:
    store = ProfileStore(store_path)
    store.save_settings(AppSettings(short_lived_s=3, reconnect_last_profile=False))
    assert ProfileStore(store_path).settings == AppSettings(3, 10, 7, False)
    with pytest.raises(UserError, match="short_lived_s"):
        store.save_settings(AppSettings(short_lived_s=0))


def test_atomic_write_leaves_no_temp_files(store_path: Path) -> None:
    store = ProfileStore(store_path)
    for i in range(5):
        store.save_profile(_profile(f"p{i}"))
    assert [p.name for p in store_path.parent.iterdir()] == ["profiles.json"]


def test_unwritable_config_is_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    store = ProfileStore(blocker / "profiles.json")  # its folder is a file
    with pytest.raises(UserError, match="could not save"):
        store.save_profile(_profile())


def test_store_defaults_to_the_config_dir(memory_keyring: MemoryKeyring) -> None:
    from wsmonitor.core.paths import config_dir

    store = ProfileStore()
    assert store.path == config_dir() / "profiles.json"
    store.save_profile(_profile("default-dir"), password=SECRET, remember_password=True)
    try:
        assert SECRET not in store.path.read_text(encoding="utf-8")
        assert ProfileStore().password("default-dir") == SECRET
    finally:
        store.delete("default-dir")


class _BrokenKeyring(MemoryKeyring):
    """A backend that fails the way a D-Bus Secret Service does when it is gone."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


def test_a_failing_keyring_backend_never_crashes(
    store_path: Path, memory_keyring: MemoryKeyring
) -> None:
    import keyring

    store = ProfileStore(store_path)
    store.save_profile(_profile(), password=SECRET, remember_password=True)
    keyring.set_keyring(_BrokenKeyring())
    assert store.password("prod") is None  # logged, not raised
    with pytest.raises(keyring_store.KeyringUnavailable, match="refused to save"):
        store.save_profile(_profile("second"), password=SECRET, remember_password=True)
    store.delete("prod")  # best effort
    assert store.names() == ["second"]
