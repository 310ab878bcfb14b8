"""A new short-lived threshold recounts the disconnects the log still holds, and says how far."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from typing import Any

import pytest

from tests.core.test_admin_events import node_socket, python_socket
from tests.core.test_aggregator import DEV, T, connected, iso, stats
from wsmonitor.core.admin_parse import parse_socket_connected
from wsmonitor.core.aggregator import Aggregator, AggregatorConfig
from wsmonitor.core.disconnect_log import DisconnectLog
from wsmonitor.core.short_lived_recount import ShortLivedRecount, recount_note
from wsmonitor.core.socket_store import SocketRow


def live_and_die(a: Aggregator, sid: str, born: float, lifetime: float, *, node: bool = True):
    """One socket of ``lifetime`` seconds, as real servers report it (raw admin events)."""
    gone = born + lifetime
    if node:
        a.feed_raw("socket_connected", (node_socket(sid), iso(born)), born)
        a.feed_raw("socket_disconnected", ("/chat", sid, "transport close", iso(gone)), gone)
    else:
        info = python_socket(sid)
        info["handshake"]["issued"] = born * 1000  # python stamps the namespace connect here
        a.feed_raw("socket_connected", (info, iso(born, node=False)), born)
        args = ("/chat", sid, "client disconnect", iso(gone, node=False))
        a.feed_raw("socket_disconnected", args, gone)


def short_ids(a: Aggregator) -> list[str]:
    return [r.socket_id for r in a.short_lived_log]


def counted(a: Aggregator, start: float, end: float) -> float:
    return a.series.short_lived.total(start, end)


# ------------------------------------------------------------------ the log alone


def row_connected_at(sid: str, connected_at: float) -> SocketRow:
    info = parse_socket_connected((node_socket(sid), iso(connected_at)))
    assert info is not None
    return SocketRow(info.socket, connected_at)


def test_rejudge_flips_verdicts_in_place_and_reports_them_per_second() -> None:
    log = DisconnectLog(short_lived_s=5.0)
    records, short = log.records, log.short_lived
    for i, lifetime in enumerate((1.0, 3.0, 7.0)):
        born = T + 10 * i
        log.add(born + lifetime, "/chat", f"s{i}", "x", row_connected_at(f"s{i}", born), born + 0.5)
    assert [r.socket_id for r in short] == ["s0", "s1"]
    lower = log.rejudge(2.0)
    assert (lower.records, lower.changed, lower.delta) == (3, 1, -1)
    assert lower.by_second == {int(T + 10): -1}  # the second s1 was counted in (seen_at)
    assert log.records is records and log.short_lived is short  # aliases stay valid
    assert [r.socket_id for r in short] == ["s0"] and log.version == 1
    assert [r.short_lived for r in records] == [True, False, False]
    raised = log.rejudge(60.0)
    assert raised.by_second == {int(T + 10): 1, int(T + 20): 1} and raised.delta == 2
    assert [r.socket_id for r in short] == ["s0", "s1", "s2"]  # oldest first, as appended
    assert [r.lifetime for r in short] == [1.0, 3.0, 7.0]


def test_an_unknown_lifetime_is_never_short_lived() -> None:
    log = DisconnectLog(short_lived_s=5.0)
    log.add(T, "/", "before-us", "x", None, T)  # connected before we attached
    result = log.rejudge(3600.0)
    assert result.changed == 0 and not log.short_lived and log.version == 0


def test_nothing_flips_nothing_is_rewritten() -> None:
    a = connected()
    live_and_die(a, "s1", T, 1.0)
    before = list(a.disconnect_log)
    a.set_short_lived_s(4.0, T + 2)
    assert a.disconnects.version == 0 and list(a.disconnect_log) == before
    assert a.short_lived_recount is not None and a.short_lived_recount.changed == 0


# ------------------------------------------------------------------ the aggregator


@pytest.mark.parametrize("node", [True, False], ids=["node", "python"])
def test_lowering_and_raising_recounts_list_totals_and_rate(node: bool) -> None:
    a = connected()
    a.feed_raw("server_stats", stats(), T)
    for i, lifetime in enumerate((1.0, 3.0, 7.0)):
        live_and_die(a, f"s{i}", T + 10 * i, lifetime, node=node)
    end = T + 30
    assert short_ids(a) == ["s0", "s1"] and a.totals().short_lived == 2
    assert counted(a, T, end) == 2

    a.set_short_lived_s(2.0, end)
    snap = a.snapshot(end)
    assert short_ids(a) == ["s0"]
    assert snap.totals.short_lived == 1 and snap.short_lived_threshold_s == 2.0
    assert counted(a, T, end) == 1 and snap.short_lived_last_min == 1
    assert a.series.short_lived.value_at(T + 13) == 0  # s1's second, corrected
    assert [r.short_lived for r in a.disconnect_log] == [True, False, False]

    a.set_short_lived_s(10.0, end)
    assert short_ids(a) == ["s0", "s1", "s2"] and a.totals().short_lived == 3
    assert [a.series.short_lived.value_at(T + s) for s in (1, 13, 27)] == [1, 1, 1]
    assert a.snapshot(end).short_lived_last_min == 3
    recount = a.short_lived_recount
    assert recount is not None and recount.since is None and recount.complete


def test_disconnects_around_the_change_are_counted_once() -> None:
    a = connected()
    live_and_die(a, "old", T, 1.0)  # counted at T+1 ...
    a.feed_raw("socket_connected", (node_socket("same"), iso(T + 1)), T + 1)
    a.feed_raw("socket_disconnected", ("/chat", "same", "x", iso(T + 4)), T + 4)
    # ... and this one still pending in the writer (same second as the change)
    a.set_short_lived_s(2.5, T + 4.5)
    a.feed_raw("socket_connected", (node_socket("after"), iso(T + 4.5)), T + 4.5)
    a.feed_raw("socket_disconnected", ("/chat", "after", "x", iso(T + 4.9)), T + 4.9)
    a.flush()
    assert short_ids(a) == ["old", "after"]
    assert a.totals().short_lived == 2 == counted(a, T, T + 10)
    assert a.series.short_lived.value_at(T + 4) == 1  # 'same' removed, 'after' added
    a.set_short_lived_s(5.0, T + 5)
    a.feed_raw("server_stats", stats(), T + 6)  # the writer moves on: nothing written twice
    assert a.totals().short_lived == 3 == counted(a, T, T + 10)


def test_the_session_assigning_a_config_recounts_too() -> None:
    """What ``MonitorSession.set_short_lived_s`` does today: assign a config, set the log."""
    a = connected()
    live_and_die(a, "s1", T, 3.0)
    a.config = replace(a.config, short_lived_s=2.0)
    a.disconnects.short_lived_s = 2.0
    assert a.totals().short_lived == 0 and not a.short_lived_log
    assert a.snapshot(T + 5).short_lived_threshold_s == 2.0


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_a_threshold_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError):
        connected().set_short_lived_s(bad)


def test_counts_older_than_the_log_are_kept_and_said_to_be() -> None:
    a = Aggregator(AggregatorConfig(disconnect_log_size=4, short_lived_log_size=10))
    a.on_admin_connected(T)
    a.feed_raw("config", ({"supportedFeatures": DEV},), T)
    for i in range(6):  # 1 s each: short under 5 s; the first two fall off the log
        live_and_die(a, f"s{i}", T + 10 * i, 1.0)
    a.set_short_lived_s(0.5, T + 100)
    assert a.totals().short_lived == 2 == counted(a, T, T + 100)  # s0, s1: kept with 5 s
    assert short_ids(a) == ["s0", "s1"]  # older than the log: listed with their old verdict
    recount = a.short_lived_recount
    assert recount is not None and not recount.complete
    assert recount.since == a.disconnect_log[0].seen_at == T + 21
    assert recount.earlier_s == (5.0,) and recount.records == 4 and recount.changed == 4
    note = recount_note(recount)
    assert note.startswith("Recounted with 0.5 s from ") and "earlier counts used 5 s" in note

    a.set_short_lived_s(2.0, T + 101)  # nothing fell off since: still only 5 s before
    assert a.short_lived_recount.earlier_s == (5.0,) and a.totals().short_lived == 6
    live_and_die(a, "s6", T + 60, 1.0)  # pushes s2 (counted with 2 s) off the log
    a.set_short_lived_s(5.0, T + 102)
    recount = a.short_lived_recount
    assert recount.earlier_s == (2.0, 5.0) and recount.since == T + 31
    assert "earlier counts used 2 s and 5 s" in recount_note(recount)


def test_notes_say_when_every_count_uses_the_threshold() -> None:
    assert recount_note(None) == ""
    everything = ShortLivedRecount(2.0, T, None, (), 10, 3, 0)
    assert recount_note(everything).startswith("Recounted with 2 s at ")
    assert "every disconnect seen" in recount_note(everything)
    back = ShortLivedRecount(5.0, T, T - 60, (5.0,), 10, 3, 7)
    assert back.complete and "every count uses it" in recount_note(back)


# ------------------------------------------------------------------ against a brute-force model


def test_random_streams_match_a_brute_force_recount() -> None:
    """Each disconnect counts with the threshold of its arrival, re-judged at every change
    while the log still holds it; the list, total and series follow exactly that."""
    rng = random.Random(3)
    for _ in range(20):
        size = rng.choice((3, 8, 50))
        a = Aggregator(AggregatorConfig(disconnect_log_size=size, short_lived_log_size=size))
        a.on_admin_connected(T)
        a.feed_raw("config", ({"supportedFeatures": DEV},), T)
        threshold = a.config.short_lived_s
        model: list[dict[str, Any]] = []  # every disconnect: lifetime, second, verdict
        now = T
        for step in range(120):
            if rng.random() < 0.1:
                threshold = rng.choice((0.5, 1.0, 2.0, 5.0, 9.0))
                a.set_short_lived_s(threshold, now)
                for entry in model[-size:]:  # what the log holds
                    entry["short"] = entry["lifetime"] is not None and entry["lifetime"] < threshold
                continue
            lifetime = rng.randrange(100) / 10 + 0.05  # never on a threshold
            known = rng.random() > 0.1
            sid = f"s{step}"
            if known:
                a.feed_raw("socket_connected", (node_socket(sid), iso(now)), now)
            now += lifetime
            a.feed_raw("socket_disconnected", ("/chat", sid, "x", iso(now)), now)
            short = known and lifetime < threshold
            model.append({"lifetime": lifetime if known else None, "t": now, "short": short})
            now += rng.choice((0.0, 0.3, 1.0))
        expected = sum(e["short"] for e in model)
        assert a.totals().short_lived == expected == counted(a, T, now)
        for entry in model[-size:]:
            assert entry["short"] == (entry["t"] in {r.seen_at for r in a.short_lived_log})
        assert [r.short_lived for r in a.disconnect_log] == [e["short"] for e in model[-size:]]


def test_a_recount_says_per_second_what_changed_and_tells_listeners() -> None:
    """The history recorder corrects its stored seconds from ``by_second``."""
    a = connected()
    for i, lifetime in enumerate((1.0, 3.0, 7.0)):
        live_and_die(a, f"s{i}", T + 10 * i, lifetime)
    heard: list[ShortLivedRecount] = []
    a.recount_listeners.append(heard.append)

    a.set_short_lived_s(2.0, T + 30)
    assert a.short_lived_recount is not None
    assert a.short_lived_recount.by_second == ((int(T + 13), -1),)
    a.set_short_lived_s(2.0, T + 31)  # unchanged: no recount, nobody told
    a.set_short_lived_s(10.0, T + 32)
    assert a.short_lived_recount.by_second == ((int(T + 13), 1), (int(T + 27), 1))
    assert [r.threshold_s for r in heard] == [2.0, 10.0] and heard[-1] is a.short_lived_recount
