"""Alert rules a user edits, and the engine that turns metric snapshots into fired/cleared alerts.

Pure logic: the banner, tray and sound belong to the GUI, which calls ``AlertEngine.evaluate``
on its timer with a ``MetricsSnapshot`` and shows what comes back.
"""

from __future__ import annotations

import json
import logging
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from wsmonitor.core.health import HealthSample, down_since
from wsmonitor.core.paths import config_dir
from wsmonitor.errors import UserError

log = logging.getLogger(__name__)

RULES_FILE = "alerts.json"
DROP_WINDOW_S = 60.0


class AlertRuleError(UserError):
    """An alert rule cannot be used; the message names the rule and the field."""


class RuleKind(StrEnum):
    """What an alert rule watches."""

    REASON_RATE = "reason_rate"
    SHORT_LIVED_RATIO = "short_lived_ratio"
    HEALTH_DOWN = "health_down"
    SERVER_STALE = "server_stale"
    CLIENTS_DROP = "clients_drop"


_UNITS = {
    RuleKind.REASON_RATE: "per min",
    RuleKind.SHORT_LIVED_RATIO: "%",
    RuleKind.HEALTH_DOWN: "s",
    RuleKind.SERVER_STALE: "s",
    RuleKind.CLIENTS_DROP: "%",
}


@dataclass
class AlertRule:
    """One user-editable rule: fire when the watched value goes above ``threshold``."""

    id: str
    kind: RuleKind
    threshold: float
    reason: str = ""  # REASON_RATE only; "" means any reason
    enabled: bool = True
    cooldown_s: float = 300.0
    min_count: int = 5  # ignore ratios/drops computed from fewer events/clients than this

    @property
    def unit(self) -> str:
        return _UNITS[RuleKind(self.kind)]

    def describe(self) -> str:
        """The rule in one plain sentence, for the rule editor and the alert log."""
        n = f"{self.threshold:g}"
        match RuleKind(self.kind):
            case RuleKind.REASON_RATE:
                what = f"“{self.reason}” disconnects" if self.reason else "disconnects"
                return f"More than {n} {what} per minute"
            case RuleKind.SHORT_LIVED_RATIO:
                return f"More than {n}% of disconnects in a minute are short-lived connections"
            case RuleKind.HEALTH_DOWN:
                return f"Health endpoint down for more than {n} s"
            case RuleKind.SERVER_STALE:
                return f"A server sends no stats for more than {n} s"
            case RuleKind.CLIENTS_DROP:
                return f"Connected clients drop by more than {n}% within a minute"

    def validate(self) -> None:
        """Raise ``AlertRuleError`` with a clear message when the rule cannot be evaluated."""
        name = f"alert rule {self.id!r}" if self.id else "an alert rule"
        if not isinstance(self.id, str) or not self.id.strip():
            raise AlertRuleError("every alert rule needs a non-empty id")
        try:
            kind = RuleKind(self.kind)
        except ValueError:
            choices = ", ".join(k.value for k in RuleKind)
            raise AlertRuleError(f"{name}: unknown kind {self.kind!r} (use {choices})") from None
        for label, value in (("threshold", self.threshold), ("cooldown", self.cooldown_s)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise AlertRuleError(f"{name}: {label} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise AlertRuleError(f"{name}: {label} must be zero or more, got {value!r}")
        if _UNITS[kind] == "%" and not 0 <= self.threshold < 100:
            raise AlertRuleError(f"{name}: a percentage must be from 0 to 99, got {self.threshold}")
        if _UNITS[kind] == "s" and self.threshold <= 0:
            raise AlertRuleError(f"{name}: the number of seconds must be above 0")
        if isinstance(self.min_count, bool) or not isinstance(self.min_count, int):
            raise AlertRuleError(f"{name}: minimum count must be a whole number")
        if self.min_count < 0:
            raise AlertRuleError(f"{name}: minimum count must be zero or more")
        if not isinstance(self.reason, str) or not isinstance(self.enabled, bool):
            raise AlertRuleError(f"{name}: reason must be text and enabled true or false")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": RuleKind(self.kind).value,
            "threshold": self.threshold,
            "reason": self.reason,
            "enabled": self.enabled,
            "cooldown_s": self.cooldown_s,
            "min_count": self.min_count,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlertRule:
        """Build and validate a rule from JSON data; ``AlertRuleError`` says what is wrong."""
        if not isinstance(data, Mapping):
            raise AlertRuleError(f"an alert rule must be an object, got {type(data).__name__}")
        missing = [k for k in ("id", "kind", "threshold") if k not in data]
        if missing:
            raise AlertRuleError(f"alert rule {data.get('id', '?')!r} lacks {', '.join(missing)}")
        defaults = cls("x", RuleKind.HEALTH_DOWN, 1)
        rule = cls(
            id=data["id"],
            kind=data["kind"],
            threshold=data["threshold"],
            reason=data.get("reason", defaults.reason),
            enabled=data.get("enabled", defaults.enabled),
            cooldown_s=data.get("cooldown_s", defaults.cooldown_s),
            min_count=data.get("min_count", defaults.min_count),
        )
        rule.validate()
        rule.kind = RuleKind(rule.kind)
        return rule


@dataclass(frozen=True)
class MetricsSnapshot:
    """What the alert engine looks at; field names follow ``AggregatorSnapshot``."""

    t: float
    reasons_last_min: Mapping[str, int] = field(default_factory=dict)
    disconnects_last_min: int = 0
    short_lived_last_min: int = 0
    short_lived_threshold_s: float = 5.0
    clients_total: int | None = None
    server_last_seen: Mapping[str, float] = field(default_factory=dict)
    health_ok: bool | None = None
    health_down_since: float | None = None
    health_error: str = ""
    admin_connected: bool = True

    @classmethod
    def from_aggregator(
        cls,
        snap: Any,
        *,
        health_samples: Sequence[HealthSample] | None = None,
        health_ok: bool | None = None,
        health_down_since: float | None = None,
        health_error: str = "",
    ) -> MetricsSnapshot:
        """Build from an ``AggregatorSnapshot`` (read by attribute name, so no import cycle).

        Health comes from ``health_samples`` (the poller's, oldest first) when given, else from
        the explicit ``health_*`` arguments.
        """
        if health_samples:
            latest = health_samples[-1]
            health_ok, health_error = latest.ok, latest.error or ""
            health_down_since = down_since(health_samples)
        cluster = getattr(snap, "cluster", None)
        servers = getattr(snap, "servers", ()) or ()
        return cls(
            t=float(snap.t),
            reasons_last_min=dict(getattr(snap, "reasons_last_min", {}) or {}),
            disconnects_last_min=int(getattr(snap, "disconnects_last_min", 0) or 0),
            short_lived_last_min=int(getattr(snap, "short_lived_last_min", 0) or 0),
            short_lived_threshold_s=float(getattr(snap, "short_lived_threshold_s", 5.0)),
            clients_total=getattr(cluster, "clients", None) if servers else None,
            server_last_seen={s.server_id: float(s.last_seen) for s in servers},
            health_ok=health_ok,
            health_down_since=health_down_since,
            health_error=health_error,
            admin_connected=bool(getattr(snap, "admin_connected", True)),
        )


@dataclass(frozen=True)
class Alert:
    """A transition of one alert: ``state`` is "fired" or "cleared"."""

    rule_id: str
    key: str
    kind: str
    state: str
    t: float
    message: str
    value: float
    threshold: float
    subject: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def default_rules() -> list[AlertRule]:
    """Rules a new user starts with, tuned to the incident wsmonitor was born from."""
    return [
        AlertRule("transport-error-rate", RuleKind.REASON_RATE, 30, reason="transport error"),
        AlertRule("short-lived-ratio", RuleKind.SHORT_LIVED_RATIO, 20, min_count=10),
        AlertRule("health-down", RuleKind.HEALTH_DOWN, 30, cooldown_s=120),
        AlertRule("server-stale", RuleKind.SERVER_STALE, 15, cooldown_s=120),
        AlertRule("clients-drop", RuleKind.CLIENTS_DROP, 30, min_count=20),
    ]


@dataclass(frozen=True)
class RulesLoad:
    """Rules read from disk, and plain messages about anything that had to be skipped."""

    rules: list[AlertRule]
    problems: list[str]


def rules_path() -> Path:
    return config_dir() / RULES_FILE


def load_rules(path: Path | None = None) -> RulesLoad:
    """Read the rule file; a missing or unreadable one gives the default rules (and a message)."""
    path = path or rules_path()
    if not path.exists():
        return RulesLoad(default_rules(), [])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problem = f"the alert rules in {path} could not be read ({exc}); defaults are used"
        log.warning("%s", problem)
        return RulesLoad(default_rules(), [problem])
    entries = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return RulesLoad(default_rules(), [f"{path} holds no list of rules; defaults are used"])
    rules: list[AlertRule] = []
    problems: list[str] = []
    for entry in entries:
        try:
            rule = AlertRule.from_dict(entry)
        except AlertRuleError as exc:
            problems.append(f"skipped: {exc}")
            continue
        if any(r.id == rule.id for r in rules):
            problems.append(f"skipped: a second alert rule with id {rule.id!r}")
            continue
        rules.append(rule)
    for problem in problems:
        log.warning("%s: %s", path, problem)
    return RulesLoad(rules, problems)


def save_rules(rules: Sequence[AlertRule], path: Path | None = None) -> Path:
    """Validate and write the rules atomically; returns the file written."""
    from wsmonitor.core.profiles import atomic_write_json

    seen: set[str] = set()
    for rule in rules:
        rule.validate()
        if rule.id in seen:
            raise AlertRuleError(f"two alert rules have the id {rule.id!r}; ids must be unique")
        seen.add(rule.id)
    path = path or rules_path()
    atomic_write_json(path, {"version": 1, "rules": [r.to_dict() for r in rules]})
    return path


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass
class _Check:
    key: str
    subject: str
    value: float
    active: bool  # the condition holds now
    message: str


class AlertEngine:
    """Evaluates rules against snapshots; reports only transitions (fired, cleared)."""

    def __init__(self, rules: Sequence[AlertRule] | None = None) -> None:
        self._rules: list[AlertRule] = []
        self._active: dict[str, Alert] = {}
        self._last_fired: dict[str, float] = {}
        self._clients: deque[tuple[float, int]] = deque()
        self.set_rules(default_rules() if rules is None else rules)

    @property
    def rules(self) -> list[AlertRule]:
        return list(self._rules)

    def set_rules(self, rules: Sequence[AlertRule]) -> list[Alert]:
        """Use new rules; alerts of removed or disabled rules are returned as cleared."""
        for rule in rules:
            rule.validate()
        self._rules = [replace(r, kind=RuleKind(r.kind)) for r in rules]
        live = {r.id for r in self._rules if r.enabled}
        gone = [a for a in self._active.values() if a.rule_id not in live]
        for alert in gone:
            del self._active[alert.key]
        return [replace(a, state="cleared", message=f"Rule turned off: {a.message}") for a in gone]

    def active(self) -> list[Alert]:
        """Alerts currently firing, oldest first; message and value follow the latest snapshot."""
        return sorted(self._active.values(), key=lambda a: a.t)

    def reset(self) -> None:
        """Forget every active alert, cooldown and clients history (e.g. on a profile switch)."""
        self._active.clear()
        self._last_fired.clear()
        self._clients.clear()

    def evaluate(self, snap: MetricsSnapshot) -> list[Alert]:
        """Check every enabled rule against ``snap``; returns alerts that fired or cleared."""
        self._track_clients(snap)
        out: list[Alert] = []
        for rule in self._rules:
            if not rule.enabled:
                continue
            checks = self._checks(rule, snap)
            if checks is None:  # nothing to judge by (e.g. stale while disconnected): keep state
                continue
            seen = {c.key for c in checks}
            for check in checks:
                out.extend(self._transition(rule, check, snap.t))
            for key, alert in list(self._active.items()):
                if alert.rule_id == rule.id and key not in seen:  # its subject went away
                    del self._active[key]
                    out.append(
                        replace(
                            alert, state="cleared", t=snap.t, message="Resolved: " + alert.message
                        )
                    )
        return out

    def _transition(self, rule: AlertRule, check: _Check, t: float) -> list[Alert]:
        current = self._active.get(check.key)
        if check.active and current is None:
            last = self._last_fired.get(check.key)
            if last is not None and t - last < rule.cooldown_s:
                return []
            alert = Alert(
                rule.id,
                check.key,
                rule.kind.value,
                "fired",
                t,
                check.message,
                check.value,
                rule.threshold,
                check.subject,
            )
            self._active[check.key] = alert
            self._last_fired[check.key] = t
            return [alert]
        if check.active and current is not None:  # still firing: keep the banner text current
            self._active[check.key] = replace(current, message=check.message, value=check.value)
            return []
        if not check.active and current is not None:
            del self._active[check.key]
            return [
                replace(
                    current,
                    state="cleared",
                    t=t,
                    value=check.value,
                    message="Resolved: " + current.message,
                )
            ]
        return []

    def _track_clients(self, snap: MetricsSnapshot) -> None:
        if not snap.admin_connected or snap.clients_total is None:
            self._clients.clear()  # a gap is not a drop
            return
        self._clients.append((snap.t, snap.clients_total))
        while self._clients and self._clients[0][0] < snap.t - DROP_WINDOW_S:
            self._clients.popleft()

    def _checks(self, rule: AlertRule, snap: MetricsSnapshot) -> list[_Check] | None:
        key, n = rule.id, rule.threshold
        match rule.kind:
            case RuleKind.REASON_RATE:
                wanted = rule.reason.strip().lower()
                count = sum(
                    c for r, c in snap.reasons_last_min.items() if not wanted or r.lower() == wanted
                )
                what = f"“{rule.reason}” disconnects" if rule.reason else "disconnects"
                msg = f"{count} {what} in the last minute (alert above {n:g} per minute)"
                return [_Check(key, rule.reason, count, count > n, msg)]
            case RuleKind.SHORT_LIVED_RATIO:
                total, short = snap.disconnects_last_min, snap.short_lived_last_min
                ratio = 100.0 * short / total if total else 0.0
                msg = (
                    f"{ratio:.0f}% of disconnects in the last minute ({short} of {total}) came "
                    f"within {snap.short_lived_threshold_s:g} s of connecting (alert above {n:g}%)"
                )
                return [_Check(key, "", ratio, total >= rule.min_count and ratio > n, msg)]
            case RuleKind.HEALTH_DOWN:
                if snap.health_ok is None:
                    return []
                down = 0.0
                if not snap.health_ok and snap.health_down_since is not None:
                    down = max(0.0, snap.t - snap.health_down_since)
                msg = f"Health endpoint down for {_duration(down)}"
                msg += f": {snap.health_error}" if snap.health_error else ""
                return [_Check(key, "", down, down > n, msg)]
            case RuleKind.SERVER_STALE:
                if not snap.admin_connected:
                    return None
                checks = []
                for server, seen in snap.server_last_seen.items():
                    age = max(0.0, snap.t - seen)
                    msg = f"Server {server} has sent no stats for {_duration(age)}"
                    checks.append(_Check(f"{key}:{server}", server, age, age > n, msg))
                return checks
            case RuleKind.CLIENTS_DROP:
                if not snap.admin_connected:
                    return None
                if not self._clients:
                    return []
                peak = max(c for _, c in self._clients)
                now = self._clients[-1][1]
                drop = 100.0 * (peak - now) / peak if peak else 0.0
                msg = f"Connected clients fell from {peak} to {now} ({drop:.0f}%) within a minute"
                return [_Check(key, "", drop, peak >= rule.min_count and drop > n, msg)]
        return []
