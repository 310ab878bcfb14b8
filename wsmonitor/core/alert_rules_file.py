"""The user's alert rules on disk: JSON under the config dir, read leniently, written atomically."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wsmonitor.core.alert_rules import (
    AlertRule,
    AlertRuleError,
    default_rules,
    validate_rule_set,
)
from wsmonitor.core.json_file import atomic_write_json
from wsmonitor.core.paths import config_dir

log = logging.getLogger(__name__)

RULES_FILE = "alerts.json"


@dataclass(frozen=True)
class RulesLoad:
    """Rules read from disk, and plain messages about anything that had to be skipped."""

    rules: list[AlertRule]
    problems: list[str]


def rules_path() -> Path:
    """Where the user's alert rules live by default."""
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
    validate_rule_set(rules)
    path = path or rules_path()
    atomic_write_json(path, {"version": 1, "rules": [r.to_dict() for r in rules]})
    return path
