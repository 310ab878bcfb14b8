"""The connection dialog: validation in plain words, passwords only in the keyring."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail

from wsmonitor.core.paths import config_dir
from wsmonitor.core.profiles import Profile, ProfileStore
from wsmonitor.ui.connection_dialog import ConnectionDialog


@pytest.fixture
def store(tmp_path) -> ProfileStore:
    return ProfileStore(tmp_path / "profiles.json")


def dialog_for(qtbot, store: ProfileStore) -> ConnectionDialog:
    dialog = ConnectionDialog(store)
    qtbot.addWidget(dialog)
    return dialog


def test_bad_url_is_refused_with_a_clear_message(qtbot, store) -> None:
    dialog = dialog_for(qtbot, store)
    dialog.server_url.setText("localhost:3000/ws")
    dialog.connect_button.click()
    assert dialog.request is None
    assert "server url" in dialog.error_label.text().lower()
    dialog.server_url.setText("")
    dialog.connect_button.click()
    assert "empty" in dialog.error_label.text().lower()


def test_password_goes_to_the_keyring_only_when_asked(qtbot, store, memory_keyring) -> None:
    dialog = dialog_for(qtbot, store)
    dialog.name.setText("prod")
    dialog.server_url.setText("http://127.0.0.1:3000")
    dialog.username.setText("admin")
    dialog.password.setText("s3cret-password")
    dialog.remember.setChecked(True)
    dialog.connect_button.click()
    assert dialog.request is not None and dialog.request.password == "s3cret-password"
    assert store.get("prod").password_saved
    assert "s3cret-password" in memory_keyring.values.values()
    assert "s3cret-password" not in (store_path := store_file(store)).read_text()
    assert json.loads(store_path.read_text())  # valid JSON, no secret
    assert store.last_used == "prod"

    again = dialog_for(qtbot, store)  # next time: profile selected, password from keyring
    assert again.name.text() == "prod"
    assert again.password.placeholderText() == "saved in the OS keyring"
    again.connect_button.click()
    assert again.request is not None and again.request.password == "s3cret-password"


def test_no_keyring_is_said_plainly_and_still_connects(qtbot, store) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog = dialog_for(qtbot, store)
        assert "no os keyring" in dialog.keyring_note.text().lower()
        assert not dialog.remember.isEnabled()
        dialog.server_url.setText("http://127.0.0.1:3000")
        dialog.password.setText("pw-for-this-session")
        dialog.connect_button.click()
        assert dialog.request is not None
        assert dialog.request.password == "pw-for-this-session"
        assert not dialog.request.profile.password_saved
    finally:
        keyring.set_keyring(previous)


def test_connect_url_prefills_a_saved_profile(qtbot, store) -> None:
    store.save_profile(Profile(name="staging", server_url="http://10.0.0.5:3000", username="ops"))
    dialog = dialog_for(qtbot, store)
    dialog.set_url("http://10.0.0.5:3000", "ops")
    assert dialog.name.text() == "staging"
    assert dialog.username.text() == "ops"


def store_file(store: ProfileStore):
    path = getattr(store, "path", None)
    return path if path is not None else config_dir() / "profiles.json"
