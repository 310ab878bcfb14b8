"""Dialog to edit alert rules: one row per rule, thresholds in the rule's own unit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from wsmonitor.core.alert_rules import AlertRule, RuleKind, default_rules
from wsmonitor.core.alert_rules_file import save_rules
from wsmonitor.errors import UserError

KIND_LABELS: dict[RuleKind, str] = {
    RuleKind.REASON_RATE: "Disconnect reason rate",
    RuleKind.SHORT_LIVED_RATIO: "Short-lived share",
    RuleKind.HEALTH_DOWN: "Health endpoint down",
    RuleKind.SERVER_STALE: "Server stale",
    RuleKind.CLIENTS_DROP: "Clients drop in a minute",
}
HEADERS = ("On", "Watches", "Reason", "Threshold", "Cooldown", "Min. count")


class RuleEditor(QDialog):
    """Edits a copy of the rules; ``rules`` holds the saved result after OK."""

    def __init__(self, rules: Sequence[AlertRule], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alert rules")
        self.resize(860, 380)
        self.rules: list[AlertRule] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._ids: list[str] = []
        add = QPushButton("Add rule")
        add.clicked.connect(self._add_new)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_row)
        defaults = QPushButton("Restore defaults")
        defaults.clicked.connect(lambda: self._load(default_rules()))
        self.error_label = QLabel("")
        self.error_label.setProperty("tone", "error")  # coloured by the theme's QSS
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addWidget(defaults)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "An alert fires when its value stays above the threshold; it fires again only"
                " after the cooldown. Reason rate is per minute; shares and drops are percent;"
                " down and stale times are seconds."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._load(rules)

    def _new_id(self) -> str:
        n = 1
        while f"rule-{n}" in self._ids:
            n += 1
        return f"rule-{n}"

    def _add_new(self) -> None:
        self._add_row(AlertRule(self._new_id(), RuleKind.REASON_RATE, 10, reason="transport error"))

    def _load(self, rules: Sequence[AlertRule]) -> None:
        self.table.setRowCount(0)
        self._ids = []
        for rule in rules:
            self._add_row(rule)

    def _add_row(self, rule: AlertRule) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._ids.append(rule.id)
        enabled = QCheckBox()
        enabled.setChecked(rule.enabled)
        kind = QComboBox()
        for value, label in KIND_LABELS.items():
            kind.addItem(label, value.value)
        kind.setCurrentIndex(list(KIND_LABELS).index(RuleKind(rule.kind)))
        reason = QLineEdit(rule.reason)
        reason.setPlaceholderText("any reason")
        threshold = QDoubleSpinBox()
        threshold.setRange(0, 1_000_000)
        threshold.setDecimals(1)
        threshold.setValue(rule.threshold)
        cooldown = QSpinBox()
        cooldown.setRange(0, 86_400)
        cooldown.setSuffix(" s")
        cooldown.setValue(int(rule.cooldown_s))
        min_count = QSpinBox()
        min_count.setRange(0, 1_000_000)
        min_count.setValue(rule.min_count)
        for column, widget in enumerate((enabled, kind, reason, threshold, cooldown, min_count)):
            self.table.setCellWidget(row, column, widget)

        def on_kind() -> None:
            chosen = RuleKind(kind.currentData())
            reason.setEnabled(chosen is RuleKind.REASON_RATE)
            threshold.setSuffix(" " + AlertRule("x", chosen, 1).unit)

        kind.currentIndexChanged.connect(on_kind)
        on_kind()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            del self._ids[row]

    def edited_rules(self) -> list[AlertRule]:
        """The rules as edited, each validated (raises a UserError naming the row)."""
        rules = []
        for row in range(self.table.rowCount()):
            cell = self.table.cellWidget
            kind = RuleKind(cell(row, 1).currentData())  # type: ignore[union-attr]
            rule = AlertRule(
                id=self._ids[row],
                kind=kind,
                threshold=cell(row, 3).value(),  # type: ignore[union-attr]
                reason=cell(row, 2).text().strip() if kind is RuleKind.REASON_RATE else "",  # type: ignore[union-attr]
                enabled=cell(row, 0).isChecked(),  # type: ignore[union-attr]
                cooldown_s=float(cell(row, 4).value()),  # type: ignore[union-attr]
                min_count=cell(row, 5).value(),  # type: ignore[union-attr]
            )
            try:
                rule.validate()
            except UserError as exc:
                raise UserError(f"Row {row + 1}: {exc}") from exc
            rules.append(rule)
        return rules

    def _save(self) -> None:
        try:
            rules = self.edited_rules()
            save_rules(rules)
        except (UserError, OSError) as exc:
            self.error_label.setText(str(exc))
            return
        self.rules = rules
        self.accept()
