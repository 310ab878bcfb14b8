"""The alert engine: turns metric snapshots into fired/cleared alerts.

Pure logic: the banner, tray and sound belong to the GUI, which calls ``AlertEngine.evaluate``
on its timer with a ``MetricsSnapshot`` and shows what comes back. The rules themselves are in
``alert_rules``, what each kind measures in ``alert_conditions``, the file in
``alert_rules_file``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from wsmonitor.core.alert_conditions import Check, MetricsSnapshot, measure
from wsmonitor.core.alert_rules import (
    AlertRule,
    RuleKind,
    default_rules,
    validate_rule_set,
)

log = logging.getLogger(__name__)

DROP_WINDOW_S = 60.0


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
        validate_rule_set(rules)
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
            checks = measure(rule, snap, self._clients)
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

    def _transition(self, rule: AlertRule, check: Check, t: float) -> list[Alert]:
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
