"""The sockets table model, fed by the aggregator's real socket store and change feed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from wsmonitor.core.admin_events import Handshake, SocketInfo
from wsmonitor.core.socket_store import SocketChanges, SocketStore
from wsmonitor.ui.sockets.socket_model import COLUMNS, SocketTableModel


def info(n: int, transport: str = "websocket", rooms: tuple[str, ...] = ()) -> SocketInfo:
    headers = {"user-agent": f"agent-{n % 3}"}
    handshake = Handshake(address=f"10.0.0.{n}", headers=headers, issued=1_700_000_000.0 + n)
    return SocketInfo(f"sid{n:03d}", "/", f"c{n}", transport, handshake=handshake, rooms=rooms)


class Signals:
    """Counts the structural signals a view would receive."""

    def __init__(self, model: SocketTableModel) -> None:
        self.inserted: list[tuple[int, int]] = []
        self.removed: list[tuple[int, int]] = []
        self.resets = 0
        model.rowsInserted.connect(lambda _p, a, b: self.inserted.append((a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.removed.append((a, b)))
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1


def fed(store: SocketStore) -> tuple[SocketTableModel, object, Signals]:
    model = SocketTableModel()
    feed = store.open_feed()
    model.apply(feed.drain())  # a new feed starts with the full list (a reset)
    return model, feed, Signals(model)


def test_inserts_and_removes_are_incremental_not_resets() -> None:
    store = SocketStore()
    for n in range(5):
        store.upsert(info(n), None)
    model, feed, signals = fed(store)
    assert model.rowCount() == 5
    store.upsert(info(5), None)
    store.upsert(info(6), None)
    store.remove("sid001")
    store.remove("sid002")
    model.apply(feed.drain())
    assert signals.resets == 0
    assert signals.inserted == [(3, 4)]  # removed first, then appended
    assert signals.removed == [(1, 2)]  # one contiguous run, one signal
    assert model.visible_ids() == ["sid000", "sid003", "sid004", "sid005", "sid006"]


def test_update_changes_cells_in_place() -> None:
    store = SocketStore()
    store.upsert(info(1, "polling"), None)
    model, feed, signals = fed(store)
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom: changed.append(top.row()))
    store.update("sid001", transport="websocket", rooms=("lobby",))
    model.apply(feed.drain())
    assert changed == [0] and signals.resets == 0
    assert model.data(model.index(0, COLUMNS.index("Transport"))) == "websocket"
    assert model.data(model.index(0, COLUMNS.index("Rooms"))) == "lobby"


def test_filter_and_sort_keep_feeding_correctly() -> None:
    store = SocketStore()
    for n in range(10):
        store.upsert(info(n, "polling" if n % 2 else "websocket"), None)
    model, feed, _ = fed(store)
    model.set_filter_text("POLLING")
    assert model.visible_ids() == ["sid001", "sid003", "sid005", "sid007", "sid009"]
    model.sort(COLUMNS.index("ID"), Qt.SortOrder.DescendingOrder)
    assert model.visible_ids()[0] == "sid009"
    store.upsert(info(11, "polling"), None)  # matches: lands in sorted place
    store.upsert(info(12, "websocket"), None)  # filtered out
    store.remove("sid003")
    model.apply(feed.drain())
    assert model.visible_ids() == ["sid011", "sid009", "sid007", "sid005", "sid001"]
    assert model.total_count() == 11
    model.set_filter_text("")
    assert model.rowCount() == 11


def test_own_room_is_not_listed() -> None:
    store = SocketStore()
    store.upsert(info(1, rooms=("sid001", "orders")), None)
    model, _, _ = fed(store)
    assert model.data(model.index(0, COLUMNS.index("Rooms"))) == "orders"


def test_a_full_list_from_the_server_resets_once() -> None:
    store = SocketStore()
    model, feed, signals = fed(store)
    store.replace_all([info(n) for n in range(1000)])
    model.apply(feed.drain())
    assert signals.resets == 1 and model.rowCount() == 1000
    assert SocketChanges().empty
