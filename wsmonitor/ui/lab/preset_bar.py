"""Preset picker and saver above the lab form: built-in client profiles and the user's own."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsmonitor.ui.lab.form import ProbeForm
from wsmonitor.ui.lab.presets import BUILTIN_PRESETS, PresetError, PresetStore, builtin_preset
from wsmonitor.ui.lab.settings import LabSettings

_BUILTIN = "builtin"
_USER = "user"
_NO_PRESET = "— choose a preset —"


class PresetBar(QWidget):
    """Applies a preset to the form, saves the form as a user preset, deletes user presets.

    The picker tells the truth: once the form no longer matches the preset last applied, its
    first entry reads "Custom (from NAME)" and is selected; choosing the preset re-applies it.
    """

    def __init__(self, form: ProbeForm, store: PresetStore | None = None) -> None:
        super().__init__()
        self._form = form
        self.store = store or PresetStore()
        # The preset last applied (kind, name) and, for a user preset, the form just after.
        self._origin: tuple[str, str] | None = None
        self._snapshot: LabSettings | None = None
        self._applying = False
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(28)
        self.combo.activated.connect(self._apply_current)
        self.combo.currentIndexChanged.connect(self._update_delete)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self._delete_current)
        self.name = QLineEdit()
        self.name.setPlaceholderText("preset name")
        self.keep_token = QCheckBox("keep the token in the OS keyring")
        self.keep_token.setToolTip(
            "Unticked, the preset is saved without its token. Ticked, the token goes to the OS "
            "keyring, never into the presets file."
        )
        self.save_button = QPushButton("Save preset")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("presetMessage")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel("Preset"))
        top.addWidget(self.combo, 1)
        top.addWidget(self.delete_button)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.name, 1)
        bottom.addWidget(self.keep_token)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addWidget(self.message)
        self.message.hide()
        self.reload()
        form.changed.connect(self._refresh)

    def reload(self, select: str | None = None) -> None:
        """Rebuild the list; ``select`` names the user preset the form now is (just saved)."""
        self.combo.clear()
        self.combo.addItem(_NO_PRESET, None)
        for preset in BUILTIN_PRESETS:
            self.combo.addItem(preset.name, (_BUILTIN, preset.name))
            self.combo.setItemData(self.combo.count() - 1, preset.description, 3)  # ToolTipRole
        user = self.store.entries()
        if user:
            self.combo.insertSeparator(self.combo.count())
            for preset in user:
                label = preset.name + ("  🔑" if preset.token_in_keyring else "")
                self.combo.addItem(label, (_USER, preset.name))
        index = self._index_of((_USER, select)) if select else 0
        self.combo.setCurrentIndex(max(index, 0))
        if index > 0:
            self._remember(_USER, str(select))
        else:
            self._origin = self._snapshot = None
        self._update_delete()

    def _index_of(self, data: tuple[str, str]) -> int:
        """The entry holding ``data``, or -1. (QComboBox.findData compares Python objects by
        identity under PySide6, so an equal tuple built elsewhere is never found.)"""
        for index in range(self.combo.count()):
            if self.combo.itemData(index) == data:
                return index
        return -1

    def custom_origin(self) -> str | None:
        """The preset the form was edited away from, or None while it matches (or none chosen)."""
        if self._origin is None or self._form_matches():
            return None
        return self._origin[1]

    def names(self) -> list[str]:
        return [self.combo.itemText(i) for i in range(self.combo.count())]

    def apply(self, name: str) -> None:
        """Apply the preset called ``name`` (built-in first, then the user's)."""
        for index in range(self.combo.count()):
            data = self.combo.itemData(index)
            if data and data[1] == name:
                self.combo.setCurrentIndex(index)
                self._apply_current()
                return
        self._say(f"No preset named “{name}”.", error=True)

    def save(self) -> None:
        try:
            text = self.store.save(
                self.name.text(), self._form.settings(), self.keep_token.isChecked()
            )
        except PresetError as exc:
            self._say(f"Not saved: {exc}.", error=True)
            return
        self.reload(select=self.name.text().strip())
        self._say(text, error="NOT kept" in text)

    def _apply_current(self) -> None:
        data = self.combo.currentData()
        self._update_delete()
        if not data:
            return
        kind, name = data
        if kind == _BUILTIN:
            preset = next(p for p in BUILTIN_PRESETS if p.name == name)
            self._set_form(preset.apply(self._form.settings()))
            self._remember(kind, name)
            self._say(f"{preset.name}: {preset.description}.")
            return
        try:
            settings = self.store.load(name)
        except PresetError as exc:
            self._say(str(exc), error=True)
            return
        current_token = self._form.settings().token
        if not settings.token and current_token:
            # A preset saved without a token keeps the one already typed.
            settings = replace(settings, token=current_token)
            note = " (no token kept with it: the one in the form stays)."
        else:
            note = " with its token from the OS keyring." if settings.token else "."
        self._set_form(settings)
        self._remember(kind, name)
        self.name.setText(name)
        self._say(f"Loaded “{name}”{note}")

    # -- "Custom" when the form was edited away from its preset -------------------------------
    def _set_form(self, settings: LabSettings) -> None:
        self._applying = True  # the form's change signal is ours: nothing was edited
        try:
            self._form.set_settings(settings)
        finally:
            self._applying = False

    def _remember(self, kind: str, name: str) -> None:
        self._origin = (kind, name)
        # A token is never part of a preset, so typing another one does not make it Custom.
        self._snapshot = _comparable(self._form.settings())
        self._refresh()

    def _form_matches(self) -> bool:
        if self._origin is None:
            return True
        kind, name = self._origin
        if kind == _BUILTIN:
            preset = builtin_preset(name)
            return preset is not None and preset.matches(self._form.settings())
        return self._snapshot == _comparable(self._form.settings())

    def _refresh(self) -> None:
        """Show the preset when the form matches it, else "Custom (from …)"."""
        if self._applying or self._origin is None:
            return
        origin = self.custom_origin()
        index = self._index_of(self._origin)
        if origin is None and index > 0:
            was_custom = self.combo.currentIndex() == 0
            self.combo.setItemText(0, _NO_PRESET)
            self.combo.setCurrentIndex(index)
            if was_custom:  # edited back: the message under the picker follows
                self._say(self._describe(self._origin))
        else:
            self.combo.setItemText(0, f"Custom (from {origin})" if index > 0 else "Custom")
            self.combo.setCurrentIndex(0)
            # The message under the picker still described the preset: say what changed.
            self._say(f"Custom: the form differs from “{self._origin[1]}” (choose it to restore).")

    @staticmethod
    def _describe(origin: tuple[str, str]) -> str:
        kind, name = origin
        preset = builtin_preset(name) if kind == _BUILTIN else None
        return f"{preset.name}: {preset.description}." if preset else f"Matches “{name}” again."

    def _delete_current(self) -> None:
        data = self.combo.currentData()
        if not data or data[0] != _USER:
            return
        self.store.delete(data[1])
        self.reload()
        self._say(f"Deleted “{data[1]}” and any token kept for it.")

    def _update_delete(self) -> None:
        data = self.combo.currentData()
        self.delete_button.setEnabled(bool(data) and data[0] == _USER)

    def _say(self, text: str, error: bool = False) -> None:
        # Coloured by the theme's QSS; a changed dynamic property needs a re-polish to apply.
        self.message.setProperty("tone", "error" if error else "muted")
        style = self.message.style()
        style.unpolish(self.message)
        style.polish(self.message)
        self.message.setText(text)
        self.message.show()


def _comparable(settings: LabSettings) -> LabSettings:
    return replace(settings, token="")
