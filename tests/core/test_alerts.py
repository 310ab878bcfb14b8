"""Alert rules: validation, persistence, and fired/cleared transitions with cooldowns."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wsmonitor.core.alert_conditions import MetricsSnapshot
from wsmonitor.core.alert_rules import AlertRule, AlertRuleError, RuleKind, default_rules
from wsmonitor.core.alert_rules_file import load_rules, save_rules
from wsmonitor.core.alerts import AlertEngine
from wsmonitor.core.health import HealthSample
from wsmonitor.errors import UserError

T = 1_000_000.0


def _engine(*rules: AlertRule) -> AlertEngine:
    return AlertEngine(list(rules))


def test_default_rules_are_valid_and_described() -> None:
    rules = default_rules()
    assert {r.kind for r in rules} == set(RuleKind)
    for rule in rules:
        rule.validate()
        assert rule.describe() and rule.unit
    assert rules[0].describe() == "More than 30 “transport error” disconnects per minute"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id": ""}, "non-empty id"),
        ({"kind": "bogus"}, "unknown kind"),
        ({"threshold": -1}, "zero or more"),
        ({"threshold": "ten"}, "must be a number"),
        ({"threshold": float("nan")}, "zero or more"),
        ({"kind": RuleKind.CLIENTS_DROP, "threshold": 150}, "percentage"),
        ({"kind": RuleKind.HEALTH_DOWN, "threshold": 0}, "above 0"),
        ({"cooldown_s": -5}, "cooldown"),
        ({"min_count": 1.5}, "whole number"),
    ],
)
def test_invalid_rules_have_clear_messages(changes: dict, message: str) -> None:
    data = {"id": "r", "kind": RuleKind.REASON_RATE, "threshold": 10, **changes}
    with pytest.raises(AlertRuleError, match=message) as info:
        AlertRule(**data).validate()
    assert isinstance(info.value, UserError)


def test_reason_rate_fires_once_then_clears() -> None:
    engine = _engine(AlertRule("te", RuleKind.REASON_RATE, 10, reason="transport error"))
    quiet = MetricsSnapshot(T, reasons_last_min={"transport error": 3, "ping timeout": 50})
    assert engine.evaluate(quiet) == []
    storm = MetricsSnapshot(T + 1, reasons_last_min={"Transport Error": 42})
    (fired,) = engine.evaluate(storm)
    assert (fired.state, fired.value, fired.subject) == ("fired", 42, "transport error")
    assert "42 “transport error” disconnects in the last minute" in fired.message
    assert engine.evaluate(MetricsSnapshot(T + 2, reasons_last_min={"transport error": 50})) == []
    assert [a.key for a in engine.active()] == ["te"]
    (cleared,) = engine.evaluate(MetricsSnapshot(T + 3, reasons_last_min={}))
    assert cleared.state == "cleared" and cleared.message.startswith("Resolved:")
    assert engine.active() == []


def test_any_reason_rate() -> None:
    engine = _engine(AlertRule("all", RuleKind.REASON_RATE, 10))
    (fired,) = engine.evaluate(MetricsSnapshot(T, reasons_last_min={"a": 6, "b": 6}))
    assert fired.value == 12


def test_cooldown_suppresses_flapping() -> None:
    engine = _engine(AlertRule("te", RuleKind.REASON_RATE, 10, cooldown_s=300))
    high, low = {"x": 20}, {"x": 0}
    assert len(engine.evaluate(MetricsSnapshot(T, reasons_last_min=high))) == 1
    assert engine.evaluate(MetricsSnapshot(T + 10, reasons_last_min=low))[0].state == "cleared"
    assert engine.evaluate(MetricsSnapshot(T + 20, reasons_last_min=high)) == []  # cooling down
    assert engine.active() == []
    (again,) = engine.evaluate(MetricsSnapshot(T + 301, reasons_last_min=high))
    assert again.state == "fired"


def test_short_lived_ratio_needs_enough_disconnects() -> None:
    engine = _engine(AlertRule("sl", RuleKind.SHORT_LIVED_RATIO, 20, min_count=10))
    few = MetricsSnapshot(T, disconnects_last_min=4, short_lived_last_min=4)
    assert engine.evaluate(few) == []
    many = MetricsSnapshot(T + 1, disconnects_last_min=50, short_lived_last_min=40)
    (fired,) = engine.evaluate(many)
    assert fired.value == 80 and "80% of disconnects" in fired.message
    assert "(40 of 50)" in fired.message and "within 5 s" in fired.message


def test_health_down_for_n_seconds() -> None:
    engine = _engine(AlertRule("hd", RuleKind.HEALTH_DOWN, 30))
    assert engine.evaluate(MetricsSnapshot(T, health_ok=True)) == []
    down = {"health_ok": False, "health_down_since": T, "health_error": "connection refused"}
    assert engine.evaluate(MetricsSnapshot(T + 20, **down)) == []
    (fired,) = engine.evaluate(MetricsSnapshot(T + 45, **down))
    assert fired.message == "Health endpoint down for 45 s: connection refused"
    assert engine.evaluate(MetricsSnapshot(T + 48, **down)) == []
    (live,) = engine.active()
    assert live.message == "Health endpoint down for 48 s: connection refused" and live.t == T + 45
    (cleared,) = engine.evaluate(MetricsSnapshot(T + 50, health_ok=True))
    assert cleared.state == "cleared"
    assert engine.evaluate(MetricsSnapshot(T + 60)) == []  # not polled: nothing to say


def test_server_stale_per_server_and_not_while_disconnected() -> None:
    engine = _engine(AlertRule("st", RuleKind.SERVER_STALE, 10, cooldown_s=0))
    seen = {"a": T, "b": T - 30}
    (fired,) = engine.evaluate(MetricsSnapshot(T, server_last_seen=seen))
    assert (fired.key, fired.subject) == ("st:b", "b")
    assert fired.message == "Server b has sent no stats for 30 s"
    # the monitor itself lost the admin channel: the gap is the news, no alert storm
    later = MetricsSnapshot(T + 60, server_last_seen=seen, admin_connected=False)
    assert engine.evaluate(later) == []
    assert [a.key for a in engine.active()] == ["st:b"]
    # server b is gone from the cluster list: its alert clears
    (cleared,) = engine.evaluate(MetricsSnapshot(T + 61, server_last_seen={"a": T + 60}))
    assert (cleared.key, cleared.state) == ("st:b", "cleared")


def test_clients_drop_within_a_minute() -> None:
    engine = _engine(AlertRule("cd", RuleKind.CLIENTS_DROP, 30, min_count=20))
    for i in range(30):
        assert engine.evaluate(MetricsSnapshot(T + i, clients_total=1000)) == []
    (fired,) = engine.evaluate(MetricsSnapshot(T + 30, clients_total=600))
    assert fired.value == pytest.approx(40)
    assert "fell from 1000 to 600 (40%)" in fired.message
    # a minute later the window no longer holds the old peak
    for i in range(31, 95):
        events = engine.evaluate(MetricsSnapshot(T + i, clients_total=600))
        if events:
            assert events[0].state == "cleared" and i >= 89
            break
    else:
        pytest.fail("the drop alert never cleared")


def test_clients_drop_ignores_gaps_and_tiny_servers() -> None:
    engine = _engine(AlertRule("cd", RuleKind.CLIENTS_DROP, 30, min_count=20))
    engine.evaluate(MetricsSnapshot(T, clients_total=1000))
    assert engine.evaluate(MetricsSnapshot(T + 1, admin_connected=False)) == []
    assert engine.evaluate(MetricsSnapshot(T + 2, clients_total=0)) == []  # after a gap
    small = _engine(AlertRule("cd", RuleKind.CLIENTS_DROP, 30, min_count=20))
    small.evaluate(MetricsSnapshot(T, clients_total=10))
    assert small.evaluate(MetricsSnapshot(T + 1, clients_total=1)) == []


def test_disabled_and_removed_rules() -> None:
    rule = AlertRule("te", RuleKind.REASON_RATE, 1)
    engine = _engine(rule)
    assert len(engine.evaluate(MetricsSnapshot(T, reasons_last_min={"x": 5}))) == 1
    off = AlertRule("te", RuleKind.REASON_RATE, 1, enabled=False)
    (cleared,) = engine.set_rules([off])
    assert cleared.state == "cleared" and engine.active() == []
    assert engine.evaluate(MetricsSnapshot(T + 1, reasons_last_min={"x": 5})) == []
    with pytest.raises(AlertRuleError):
        engine.set_rules([AlertRule("bad", RuleKind.REASON_RATE, -1)])


def test_rules_round_trip_through_json(tmp_path: Path) -> None:
    path = tmp_path / "alerts.json"
    rules = [*default_rules(), AlertRule("pt", RuleKind.REASON_RATE, 5, reason="ping timeout")]
    save_rules(rules, path)
    loaded = load_rules(path)
    assert loaded.problems == [] and loaded.rules == rules
    with pytest.raises(AlertRuleError, match="unique"):
        save_rules([rules[0], rules[0]], path)


def test_loading_bad_files_never_crashes(tmp_path: Path) -> None:
    assert load_rules(tmp_path / "missing.json").rules == default_rules()
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    result = load_rules(broken)
    assert result.rules == default_rules() and "could not be read" in result.problems[0]
    mixed = tmp_path / "mixed.json"
    entries = [
        {"id": "ok", "kind": "health_down", "threshold": 10},
        {"id": "ok", "kind": "health_down", "threshold": 20},
        {"id": "x", "kind": "weird", "threshold": 1},
        {"kind": "health_down"},
        42,
    ]
    mixed.write_text(json.dumps({"rules": entries}))
    result = load_rules(mixed)
    assert [r.id for r in result.rules] == ["ok"] and len(result.problems) == 4


@dataclass
class _Cluster:
    clients: int = 0


@dataclass
class _Row:
    server_id: str
    last_seen: float


@dataclass
class _AggSnap:  # the attribute names AggregatorSnapshot uses
    t: float
    admin_connected: bool = True
    reasons_last_min: dict = field(default_factory=dict)
    disconnects_last_min: int = 0
    short_lived_last_min: int = 0
    short_lived_threshold_s: float = 3.0
    cluster: _Cluster = field(default_factory=_Cluster)
    servers: tuple = ()


def test_snapshot_from_aggregator() -> None:
    agg = _AggSnap(T, reasons_last_min={"x": 2}, cluster=_Cluster(12), servers=(_Row("a", T),))
    snap = MetricsSnapshot.from_aggregator(agg, health_ok=False, health_down_since=T - 5)
    assert snap.clients_total == 12 and snap.server_last_seen == {"a": T}
    assert snap.reasons_last_min == {"x": 2} and snap.short_lived_threshold_s == 3.0
    assert snap.health_ok is False and snap.health_down_since == T - 5
    assert MetricsSnapshot.from_aggregator(_AggSnap(T)).clients_total is None


def test_snapshot_health_from_samples() -> None:
    samples = [
        HealthSample(T, True, 200, 1.0, None, "ok"),
        HealthSample(T + 5, False, None, None, "connection refused by h", "refused"),
        HealthSample(T + 10, False, None, None, "no answer from h within 5 s", "timeout"),
    ]
    snap = MetricsSnapshot.from_aggregator(_AggSnap(T + 40), health_samples=samples)
    assert (snap.health_ok, snap.health_down_since) == (False, T + 5)
    (fired,) = _engine(AlertRule("hd", RuleKind.HEALTH_DOWN, 30)).evaluate(snap)
    assert fired.message == "Health endpoint down for 35 s: no answer from h within 5 s"


def test_rules_default_to_the_config_dir() -> None:
    from wsmonitor.core.paths import config_dir

    path = save_rules(default_rules()[:2])
    assert path == config_dir() / "alerts.json"
    assert [r.id for r in load_rules().rules] == [r.id for r in default_rules()[:2]]
    path.unlink()


def test_engine_refuses_two_rules_with_one_id() -> None:
    twins = [AlertRule("x", RuleKind.HEALTH_DOWN, 10), AlertRule("x", RuleKind.SERVER_STALE, 10)]
    with pytest.raises(AlertRuleError, match="ids must be unique"):
        AlertEngine(twins)
