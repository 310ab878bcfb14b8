"""Presets: built-in client profiles, and user presets whose tokens never reach the JSON file."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail

from wsmonitor.ui.lab.form import ProbeForm
from wsmonitor.ui.lab.preset_bar import PresetBar
from wsmonitor.ui.lab.presets import KEYRING_KIND, PresetStore
from wsmonitor.ui.lab.settings import LabSettings

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWZvci10ZXN0cw"


@pytest.fixture
def bar(qtbot, tmp_path) -> PresetBar:
    form = ProbeForm()
    qtbot.addWidget(form)
    preset_bar = PresetBar(form, PresetStore(tmp_path))
    qtbot.addWidget(preset_bar)
    return preset_bar


def _form(bar: PresetBar) -> ProbeForm:
    return bar._form


def test_wechat_presets_use_websocket_and_query_token_for_both_versions(bar):
    form = _form(bar)
    form.set_settings(LabSettings(url="http://10.0.0.5:3000", token=TOKEN))
    for name, eio in (("WeChat mini-program (EIO 4)", 4), ("WeChat mini-program (EIO 3)", 3)):
        bar.apply(name)
        settings = form.settings()
        assert (settings.eio, settings.transport, settings.token_in) == (eio, "websocket", "query")
        assert settings.url == "http://10.0.0.5:3000" and settings.token == TOKEN
    bar.apply("Polling only")
    assert form.settings().transport == "polling"
    bar.apply("Legacy v2 client (EIO 3)")
    assert form.settings().eio == 3


def test_saved_preset_file_never_contains_the_token(bar, memory_keyring):
    form = _form(bar)
    form.set_settings(
        LabSettings(url="https://api.example.com", token=TOKEN, headers=(("X-App", "mini"),))
    )
    bar.name.setText("prod without token")
    bar.save()
    bar.name.setText("prod with token")
    bar.keep_token.setChecked(True)
    bar.save()
    text = bar.store.path.read_text(encoding="utf-8")
    assert TOKEN not in text
    assert "token" not in json.loads(text)["presets"][0]["settings"]
    assert memory_keyring.values == {("wsmonitor", f"{KEYRING_KIND}:prod with token"): TOKEN}
    assert "OS keyring" in bar.message.text()
    # Loading brings the token back only for the preset that kept it.
    form.set_settings(LabSettings())
    bar.apply("prod with token")
    assert form.settings().token == TOKEN
    assert form.settings().headers == (("X-App", "mini"),)
    form.set_settings(LabSettings())
    bar.apply("prod without token")
    assert form.settings().token == "" and form.settings().url == "https://api.example.com"
    # Deleting forgets the kept token too.
    items = [bar.combo.itemData(i) for i in range(bar.combo.count())]
    bar.combo.setCurrentIndex(items.index(("user", "prod with token")))
    bar.delete_button.click()
    assert memory_keyring.values == {}
    assert "prod with token" not in bar.store.path.read_text(encoding="utf-8")


def test_no_keyring_saves_without_token_and_says_so(bar):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        _form(bar).set_settings(LabSettings(url="http://localhost:3000", token=TOKEN))
        bar.name.setText("laptop")
        bar.keep_token.setChecked(True)
        bar.save()
    finally:
        keyring.set_keyring(previous)
    assert "NOT kept" in bar.message.text()
    assert TOKEN not in bar.store.path.read_text(encoding="utf-8")
    assert bar.store.entries()[0].token_in_keyring is False


def test_unnamed_preset_and_damaged_file_are_plain_messages(bar, memory_keyring):
    bar.name.setText("  ")
    bar.save()
    assert "name" in bar.message.text()
    bar.store.path.write_text("{not json", encoding="utf-8")
    bar.reload()
    assert bar.store.entries() == []
    bar.store.path.write_text(
        json.dumps({"presets": [{"name": "odd", "settings": {"eio": 9, "transport": "x"}}]}),
        encoding="utf-8",
    )
    settings = bar.store.load("odd")
    assert (settings.eio, settings.transport) == (4, "upgrade")


def test_a_token_in_the_url_or_a_header_never_reaches_the_file(bar, memory_keyring):
    settings = LabSettings(
        url=f"wss://user:hunter2-pass@api.example.com/?room=7&token={TOKEN}",
        headers=(("Authorization", f"Bearer {TOKEN}"), ("X-App", "mini")),
    )
    _form(bar).set_settings(settings)
    bar.name.setText("pasted")
    bar.save()
    text = bar.store.path.read_text(encoding="utf-8")
    assert TOKEN not in text and "hunter2-pass" not in text
    saved = bar.store.entries()[0].settings
    assert saved.url == "wss://user@api.example.com/?room=7"
    assert saved.headers == (("Authorization", ""), ("X-App", "mini"))
