"""Presets: built-in client profiles, and user presets whose tokens never reach the JSON file."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backends import fail

from wsmonitor.ui.lab.form import ProbeForm
from wsmonitor.ui.lab.options_bridge import to_probe_runs
from wsmonitor.ui.lab.preset_bar import PresetBar
from wsmonitor.ui.lab.presets import BUILTIN_PRESETS, KEYRING_KIND, PresetStore
from wsmonitor.ui.lab.settings import EIO_BOTH, LabSettings

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


def test_one_wechat_preset_compares_both_versions_over_websocket_with_query_token(bar):
    form = _form(bar)
    form.set_settings(LabSettings(url="http://10.0.0.5:3000", token=TOKEN))
    assert [name for name in bar.names() if "WeChat" in name] == ["WeChat mini-program"]
    bar.apply("WeChat mini-program")
    settings = form.settings()
    assert (settings.eio, settings.transport, settings.token_in) == (EIO_BOTH, "websocket", "query")
    assert settings.versions() == (4, 3)
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


def _choose(bar: PresetBar, text: str) -> None:
    """As a user picks an entry in the list (activated fires even for the current entry)."""
    index = bar.names().index(text)
    bar.combo.setCurrentIndex(index)
    bar.combo.activated.emit(index)


def test_picker_turns_custom_after_an_edit_and_choosing_the_preset_reapplies_it(bar):
    form = _form(bar)
    form.set_settings(LabSettings(url="http://10.0.0.5:3000"))
    _choose(bar, "WeChat mini-program")
    assert bar.combo.currentText() == "WeChat mini-program" and bar.custom_origin() is None
    # URL, token and timeout are not part of the preset: it still matches.
    form.url.setText("http://10.0.0.6:3000")
    form.token.setText(TOKEN)
    form.timeout.setValue(3)
    assert bar.combo.currentText() == "WeChat mini-program"
    form.transport.setCurrentIndex(form.transport.findData("polling"))
    assert bar.combo.currentText() == "Custom (from WeChat mini-program)"
    assert bar.combo.currentData() is None and bar.custom_origin() == "WeChat mini-program"
    assert "differs from “WeChat mini-program”" in bar.message.text()
    # Undoing the edit makes it the preset again, and the message describes it again.
    form.transport.setCurrentIndex(form.transport.findData("websocket"))
    assert bar.combo.currentText() == "WeChat mini-program"
    assert bar.message.text().startswith("WeChat mini-program: websocket only")
    form.eio.setCurrentIndex(form.eio.findData(4))
    assert bar.combo.currentText() == "Custom (from WeChat mini-program)"
    _choose(bar, "WeChat mini-program")
    settings = form.settings()
    assert (settings.eio, settings.transport, settings.token_in) == (EIO_BOTH, "websocket", "query")
    assert settings.url == "http://10.0.0.6:3000" and settings.token == TOKEN
    assert bar.combo.currentText() == "WeChat mini-program"
    assert bar.names()[0] == "— choose a preset —"


def test_a_saved_preset_turns_custom_when_any_saved_field_changes(bar, memory_keyring):
    form = _form(bar)
    form.set_settings(LabSettings(url="http://10.0.0.5:3000", token=TOKEN, hold=2))
    bar.name.setText("mine")
    bar.save()
    assert bar.combo.currentText() == "mine" and bar.delete_button.isEnabled()
    form.token.setText("another-token-typed-in")  # never part of a preset
    assert bar.combo.currentText() == "mine"
    form.hold.setValue(5)
    assert bar.combo.currentText() == "Custom (from mine)"
    assert not bar.delete_button.isEnabled()
    _choose(bar, "mine")
    assert form.settings().hold == 2 and bar.combo.currentText() == "mine"


def test_a_saved_preset_with_eio_3_and_4_round_trips(bar, memory_keyring, tmp_path):
    form = _form(bar)
    form.set_settings(LabSettings(url="https://api.example.com", token=TOKEN, eio=EIO_BOTH))
    assert form.eio.currentText().startswith("3 and 4")
    bar.name.setText("both versions")
    bar.keep_token.setChecked(True)
    bar.save()
    stored = json.loads(bar.store.path.read_text(encoding="utf-8"))["presets"][0]
    assert stored["settings"]["eio"] == EIO_BOTH
    # A fresh store (the next start of the app) reads it back.
    again = PresetStore(tmp_path).load("both versions")
    assert again.eio == EIO_BOTH and again.versions() == (4, 3) and again.token == TOKEN
    form.set_settings(LabSettings())
    bar.apply("both versions")
    assert form.settings().eio == EIO_BOTH and form.eio.currentText().startswith("3 and 4")


def test_presets_saved_before_the_compare_choice_still_load(bar):
    old_file = {
        "version": 1,
        "presets": [
            {"name": "v2 app", "settings": {"url": "http://a:1", "eio": 3}},
            {"name": "v4 app", "settings": {"url": "http://b:2", "eio": 4}},
            {"name": "typo", "settings": {"url": "http://c:3", "eio": "3 and 5"}},
        ],
    }
    bar.store.path.write_text(json.dumps(old_file), encoding="utf-8")
    bar.reload()
    for name, eio in (("v2 app", 3), ("v4 app", 4), ("typo", 4)):
        bar.apply(name)
        assert _form(bar).settings().eio == eio
        assert bar.combo.currentText() == name


def test_every_builtin_preset_gives_valid_probe_options_for_each_version(bar):
    form = _form(bar)
    for name in [preset.name for preset in BUILTIN_PRESETS]:
        form.set_settings(LabSettings(url="http://10.0.0.5:3000", token=TOKEN))
        bar.apply(name)
        runs = to_probe_runs(form.settings())  # raises FormErrors on an invalid combination
        assert runs and all(run.validate() for run in runs), name
