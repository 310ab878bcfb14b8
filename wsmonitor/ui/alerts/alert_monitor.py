"""Runs the alert engine on the controller's frames and tells the window what fired."""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QObject, Signal

from wsmonitor.core.alert_conditions import MetricsSnapshot
from wsmonitor.core.alert_rules import AlertRule
from wsmonitor.core.alert_rules_file import load_rules
from wsmonitor.core.alerts import Alert, AlertEngine
from wsmonitor.ui.monitor_controller import MonitorController, MonitorFrame

log = logging.getLogger(__name__)

EVALUATE_EVERY_S = 2.0
LOG_SIZE = 1_000


class AlertMonitor(QObject):
    """An always-on view: evaluates rules every 2 s, keeps a capped log of transitions."""

    #: One alert fired or cleared.
    alert_changed = Signal(object)
    #: The set of firing alerts changed (list[Alert], oldest first).
    active_changed = Signal(list)

    def __init__(self, controller: MonitorController | None = None) -> None:
        super().__init__()
        loaded = load_rules()
        self.problems = loaded.problems
        self.engine = AlertEngine(loaded.rules)
        self.log: deque[Alert] = deque(maxlen=LOG_SIZE)
        self._controller = controller
        self._last_eval = 0.0
        if controller is not None:
            controller.add_view(self, always=True)

    def reset(self) -> None:
        """A new session: alerts of the previous server no longer apply."""
        had_active = bool(self.engine.active())
        self.engine.reset()
        self._last_eval = 0.0
        if had_active:
            self.active_changed.emit([])

    def refresh(self, frame: MonitorFrame) -> None:
        if frame.now - self._last_eval < EVALUATE_EVERY_S:
            return
        self._last_eval = frame.now
        poller = frame.session.health
        samples = poller.samples if poller is not None else None
        metrics = MetricsSnapshot.from_aggregator(frame.snapshot.stats, health_samples=samples)
        self._publish(self.engine.evaluate(metrics), frame)

    def set_rules(self, rules: list[AlertRule]) -> None:
        """Use edited rules now (the editor saved them already)."""
        self._publish(self.engine.set_rules(rules), None)

    def _publish(self, changes: list[Alert], frame: MonitorFrame | None) -> None:
        if not changes:
            return
        history = self._controller.history if self._controller is not None else None
        for alert in changes:
            self.log.append(alert)
            if history is not None:
                history.record_event("alert", alert.t, alert.subject, alert.to_dict())
            log.info("alert %s: %s", alert.state, alert.message)
            self.alert_changed.emit(alert)
        self.active_changed.emit(self.engine.active())
