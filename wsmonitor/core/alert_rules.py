"""Alert rules a user edits: what each kind watches, its unit, validation and the defaults.

The engine that evaluates them is ``wsmonitor.core.alerts``; the checks per kind are in
``wsmonitor.core.alert_conditions``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wsmonitor.errors import UserError


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


def default_rules() -> list[AlertRule]:
    """Rules a new user starts with, tuned to the incident wsmonitor was born from."""
    return [
        AlertRule("transport-error-rate", RuleKind.REASON_RATE, 30, reason="transport error"),
        AlertRule("short-lived-ratio", RuleKind.SHORT_LIVED_RATIO, 20, min_count=10),
        AlertRule("health-down", RuleKind.HEALTH_DOWN, 30, cooldown_s=120),
        AlertRule("server-stale", RuleKind.SERVER_STALE, 15, cooldown_s=120),
        AlertRule("clients-drop", RuleKind.CLIENTS_DROP, 30, min_count=20),
    ]


def validate_rule_set(rules: Sequence[AlertRule]) -> None:
    """Validate every rule and that ids are unique (one alert state per id)."""
    seen: set[str] = set()
    for rule in rules:
        rule.validate()
        if rule.id in seen:
            raise AlertRuleError(f"two alert rules have the id {rule.id!r}; ids must be unique")
        seen.add(rule.id)
