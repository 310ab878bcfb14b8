"""The short-lived threshold set on the Sockets page: saved, and applied to the live session."""

from __future__ import annotations

import time

import socketio

from tests.ui.monitor_support import monitor_shell, profile_for, settle
from wsmonitor.core.profiles import ProfileStore
from wsmonitor.ui.sockets.sockets_page import SocketsPage


def threshold_in_use(controller) -> float:
    return controller.last_frame.snapshot.stats.short_lived_threshold_s


def shown_ids(view) -> set[str]:
    model = view.model
    return {model.record_at(row).socket_id for row in range(model.rowCount())}


async def test_threshold_is_saved_and_counts_the_next_disconnects(qtbot, demo_server):
    demo = demo_server
    profile = profile_for(demo.url, demo.admin_username, admin_namespace=demo.admin_namespace)
    async with monitor_shell(qtbot) as shell:
        controller = shell.controller
        original = controller.profiles.settings.short_lived_s
        sockets = next(p for p in shell.window.pages() if isinstance(p, SocketsPage))
        view = sockets.short_lived
        try:
            await controller.connect(profile, demo.admin_password)
            shell.window.show_page("Sockets")
            sockets.tabs.setCurrentWidget(view)
            await settle(lambda: bool(controller.last_frame.snapshot.stats.servers))
            await settle(lambda: view.threshold.value() == original)

            view.threshold.setValue(3600.0)  # as if typed: one change, saved and applied
            assert ProfileStore().settings.short_lived_s == 3600.0  # on disk, for next time
            await settle(lambda: threshold_in_use(controller) == 3600.0)
            await settle(lambda: "within 3600 s" in view.summary.text())

            # A socket that lives longer than the old threshold now counts as short-lived.
            client = socketio.AsyncClient(handle_sigint=False)
            await client.connect(demo.url, auth={"token": demo.token})
            sid = client.get_sid("/")
            connected = time.time()
            await settle(lambda: sid in sockets.model.visible_ids())
            await settle(lambda: time.time() - connected > original + 1)
            await client.disconnect()
            await settle(lambda: sid in shown_ids(view))
            record = next(r for r in controller.session.aggregator.short_lived_log)
            assert record.socket_id == sid and record.lifetime > original

            # The next session starts with the saved threshold.
            await controller.connect(profile, demo.admin_password)
            await settle(lambda: controller.last_frame is not None)
            assert threshold_in_use(controller) == 3600.0
        finally:
            controller.set_short_lived_s(original)  # the test home is shared by the suite
        assert ProfileStore().settings.short_lived_s == original
