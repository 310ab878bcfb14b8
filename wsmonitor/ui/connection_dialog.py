"""File → Connect…: pick or edit a server profile and the admin password, then connect."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import keyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wsmonitor.core.profiles import Profile, ProfileStore
from wsmonitor.errors import UserError
from wsmonitor.store.keyring_store import KeyringUnavailable

log = logging.getLogger(__name__)

_NEW = "New profile"


def keyring_problem() -> str:
    """Why passwords cannot be saved here, or "" when the OS keyring is usable."""
    # Same test as keyring_store uses before saving: a priority <= 0 backend is the "fail" one.
    priority = getattr(keyring.get_keyring(), "priority", 1)
    if priority is not None and priority <= 0:
        return "No OS keyring is available here: the password is used for this session only."
    return ""


@dataclass(frozen=True)
class ConnectRequest:
    """What the user chose: a saved profile and the password for this session."""

    profile: Profile
    password: str


class ConnectionDialog(QDialog):
    """Profile list on the left, the selected profile's fields on the right."""

    def __init__(self, store: ProfileStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a Socket.IO server")
        self.setMinimumWidth(720)
        self._store = store
        self.request: ConnectRequest | None = None
        self.keyring_warning = ""

        self.profiles = QListWidget()
        self.profiles.setFixedWidth(190)
        new_button = QPushButton("New")
        self.delete_button = QPushButton("Delete")
        new_button.clicked.connect(self._new_profile)
        self.delete_button.clicked.connect(self._delete_profile)
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Profiles</b>"))
        left.addWidget(self.profiles, 1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(new_button)
        buttons_row.addWidget(self.delete_button)
        left.addLayout(buttons_row)

        self.name = QLineEdit()
        self.server_url = QLineEdit()
        self.server_url.setPlaceholderText("http://localhost:3000")
        self.namespace = QLineEdit("/admin")
        self.path = QLineEdit("/socket.io")
        self.username = QLineEdit()
        self.username.setPlaceholderText("empty when the server has no auth")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Save password in the OS keyring")
        self.keyring_note = QLabel(keyring_problem())
        self.keyring_note.setObjectName("hintLabel")
        self.keyring_note.setWordWrap(True)
        self.remember.setEnabled(not self.keyring_note.text())
        self.health_url = QLineEdit()
        self.health_url.setPlaceholderText("optional, e.g. http://localhost:3000/health")
        self.health_interval = QDoubleSpinBox()
        self.health_interval.setRange(1, 3600)
        self.health_interval.setSuffix(" s")
        self.health_interval.setValue(5)
        self.tls_verify = QCheckBox("Verify TLS certificates")
        self.tls_verify.setChecked(True)
        self.ca_file = QLineEdit()
        self.ca_file.setPlaceholderText("system trust store")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_ca)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(browse)

        server_box = QGroupBox("Server")
        server_form = QFormLayout(server_box)
        server_form.addRow("Profile name", self.name)
        server_form.addRow("Server URL", self.server_url)
        server_form.addRow("Admin namespace", self.namespace)
        server_form.addRow("Socket.IO path", self.path)
        auth_box = QGroupBox("Admin credentials")
        auth_form = QFormLayout(auth_box)
        auth_form.addRow("Username", self.username)
        auth_form.addRow("Password", self.password)
        auth_form.addRow("", self.remember)
        auth_form.addRow("", self.keyring_note)
        more_box = QGroupBox("Health endpoint and TLS")
        more_form = QFormLayout(more_box)
        more_form.addRow("Health URL", self.health_url)
        more_form.addRow("Poll every", self.health_interval)
        more_form.addRow("", self.tls_verify)
        more_form.addRow("CA file", ca_row)

        self.error_label = QLabel("")
        self.error_label.setObjectName("errorLabel")
        self.error_label.setProperty("tone", "error")  # coloured by the theme's QSS
        self.error_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = self.buttons.addButton(
            "Connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.connect_button.setDefault(True)
        self.buttons.accepted.connect(self._on_connect)
        self.buttons.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(server_box)
        right.addWidget(auth_box)
        right.addWidget(more_box)
        right.addWidget(self.error_label)
        right.addStretch(1)
        right.addWidget(self.buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)

        for problem in store.problems:
            self._show_error(problem)
        self._editing: str | None = None
        self.profiles.currentTextChanged.connect(self._load_profile)
        self._reload_list(store.last_used)

    # -- profile list ------------------------------------------------------------------------
    def _reload_list(self, select: str | None) -> None:
        self.profiles.blockSignals(True)
        self.profiles.clear()
        self.profiles.addItems(self._store.names())
        self.profiles.blockSignals(False)
        names = self._store.names()
        if select in names:
            self.profiles.setCurrentRow(names.index(select))
        elif names:
            self.profiles.setCurrentRow(0)
        else:
            self._new_profile()

    def _new_profile(self) -> None:
        self.profiles.clearSelection()
        self._fill(Profile(name="", server_url=""))
        self._editing = None
        self.name.setFocus()

    def _delete_profile(self) -> None:
        if self._editing:
            self._store.delete(self._editing)
            self._reload_list(None)

    def _load_profile(self, name: str) -> None:
        profile = self._store.get(name)
        if profile is not None:
            self._editing = name
            self._fill(profile)

    def _fill(self, profile: Profile) -> None:
        self.name.setText(profile.name)
        self.server_url.setText(profile.server_url)
        self.namespace.setText(profile.admin_namespace)
        self.path.setText(profile.socketio_path)
        self.username.setText(profile.username)
        self.password.clear()
        self.password.setPlaceholderText(
            "saved in the OS keyring" if profile.password_saved else ""
        )
        self.remember.setChecked(profile.password_saved)
        self.health_url.setText(profile.health_url)
        self.health_interval.setValue(profile.health_interval_s)
        self.tls_verify.setChecked(profile.tls_verify)
        self.ca_file.setText(profile.ca_file)
        self.delete_button.setEnabled(bool(profile.name))
        self.error_label.clear()

    def set_url(self, url: str, username: str = "") -> None:
        """Pre-fill the profile for ``url`` (``wsmonitor connect URL``): a saved one if any."""
        for profile in self._store.profiles():
            if profile.server_url.rstrip("/") == url.rstrip("/"):
                self.profiles.setCurrentRow(self._store.names().index(profile.name))
                if username:
                    self.username.setText(username)
                self.password.setFocus()
                return
        self._new_profile()
        self.server_url.setText(url)
        self.username.setText(username)
        self.name.setText(url.split("://", 1)[-1].rstrip("/"))
        self.password.setFocus()

    def _browse_ca(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "CA certificate", "", "PEM (*.pem *.crt);;*")
        if path:
            self.ca_file.setText(path)

    # -- accept ------------------------------------------------------------------------------
    def profile_from_fields(self) -> Profile:
        """The profile the fields describe, validated (raises ProfileError with a clear message)."""
        name = self.name.text().strip() or self.server_url.text().strip()
        old = self._store.get(self._editing) if self._editing else None
        base = old or Profile(name=name, server_url="")
        profile = replace(
            base,
            name=name,
            server_url=self.server_url.text().strip(),
            admin_namespace=self.namespace.text().strip() or "/admin",
            socketio_path=self.path.text().strip() or "/socket.io",
            username=self.username.text().strip(),
            health_url=self.health_url.text().strip(),
            health_interval_s=self.health_interval.value(),
            tls_verify=self.tls_verify.isChecked(),
            ca_file=self.ca_file.text().strip(),
        )
        if not profile.server_url:
            raise UserError("Server URL is empty: enter the address of the Socket.IO server.")
        profile.validate()
        return profile

    def _on_connect(self) -> None:
        try:
            profile = self.profile_from_fields()
        except UserError as exc:
            self._show_error(str(exc))
            return
        password = self.password.text()
        if not password and profile.password_saved:
            password = self._store.password(profile.name) or ""
        remember = self.remember.isChecked() and self.remember.isEnabled()
        try:
            saved = self._store.save_profile(
                profile,
                password=password or None,
                remember_password=remember,
                replace=self._editing if self._editing != profile.name else None,
            )
        except KeyringUnavailable as exc:
            # The profile is saved; only the password is not. Say so, and connect anyway.
            saved = self._store.get(profile.name) or profile
            self.keyring_warning = f"Password not saved: {exc}"
            log.warning("password not saved: %s", exc)
        except UserError as exc:
            self._show_error(str(exc))
            return
        self._store.set_last_used(saved.name)
        self.request = ConnectRequest(saved, password)
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
