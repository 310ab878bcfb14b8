"""``wsmonitor connect URL`` and quick profile switching, against real demo servers."""

from __future__ import annotations

import argparse

import pytest

from tests.ui.monitor_support import monitor_shell, settle
from wsmonitor.commands.connect import build_profile, open_profile
from wsmonitor.core.profiles import Profile
from wsmonitor.errors import UserError


def args(url: str, username: str = "") -> argparse.Namespace:
    return argparse.Namespace(
        url=url, username=username, namespace="/admin", path="/socket.io", health_url=""
    )


def test_bad_url_is_a_usage_error_before_any_window() -> None:
    with pytest.raises(UserError, match="scheme"):
        build_profile(args("localhost:3000"))


async def test_connect_asks_for_the_password_unless_the_keyring_has_it(
    qtbot, demo_server, memory_keyring
):
    profile = build_profile(args(demo_server.url, "admin"))
    async with monitor_shell(qtbot) as shell:
        asked: list[tuple[str, str]] = []
        shell.controller.dialog_requested.connect(lambda url, user: asked.append((url, user)))
        await open_profile(shell, profile)
        assert asked == [(profile.server_url, "admin")]  # no password yet: the dialog asks
        assert shell.controller.session is None

        store = shell.controller.profiles
        store.save_profile(profile, password=demo_server.admin_password, remember_password=True)
        await open_profile(shell, profile)  # now the keyring has it
        indicator = shell.window.connection_indicator
        await settle(lambda: indicator.state_level == "ok")
        assert profile.name in indicator.state_text


async def test_switching_profiles_is_quick_and_stops_the_old_session(qtbot, demo_server_factory):
    first, second = (demo_server_factory("--clients", "0") for _ in range(2))
    async with monitor_shell(qtbot) as shell:
        controller = shell.controller
        one = Profile(name="one", server_url=first.url, username="admin")
        two = Profile(name="two", server_url=second.url, username="admin")
        await controller.connect(one, first.admin_password)
        await settle(lambda: shell.window.connection_indicator.state_level == "ok")
        old = controller.session
        await controller.connect(two, second.admin_password)
        assert controller.session is not old and controller.profile.name == "two"
        await settle(lambda: shell.window.connection_indicator.state_text.endswith("two"))
        await settle(lambda: old.client.status.state == "stopped")


async def test_the_last_profile_reconnects_at_start(qtbot, demo_server, memory_keyring):
    async with monitor_shell(qtbot) as shell:
        store = shell.controller.profiles
        profile = Profile(name="last-one", server_url=demo_server.url, username="admin")
        store.save_profile(profile, password=demo_server.admin_password, remember_password=True)
        store.set_last_used("last-one")
        await shell.controller.restore_last_profile(shell)  # what run_gui does with no hook
        indicator = shell.window.connection_indicator
        await settle(lambda: indicator.state_level == "ok")
        assert "last-one" in indicator.state_text
