"""The Diagnose page's one link to the engine: validate inputs, run, map progress onto cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wsmonitor.core import probe_report
from wsmonitor.core.verdict import Verdict
from wsmonitor.net.probe import (
    DiagnoseOptions,
    DiagnoseProgress,
    DiagnoseResult,
    DiagnoseRow,
    ProbeOptions,
    ProbeOptionsError,
    run_diagnose,
)
from wsmonitor.net.probe.diagnose import CheckResult
from wsmonitor.ui.diagnose.matrix_model import Cell
from wsmonitor.ui.lab.engine_link import timeline_rows


@dataclass(frozen=True)
class DiagnoseInputs:
    """What the Diagnose form holds."""

    url: str
    token: str = ""
    health_url: str = ""
    ws_url: str = ""
    origin: str = ""
    path: str = ""
    namespace: str = ""


class InputErrors(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


#: Engine option → Diagnose form field (URL problems go to the URL they are about).
_FORM_FIELD = {"origin": "origin", "token": "token", "token_in": "token"}


def to_options(inputs: DiagnoseInputs) -> DiagnoseOptions:
    """Engine options, each URL checked by the engine; InputErrors names the bad fields."""
    errors: dict[str, str] = {}
    checks = (
        ("url", inputs.url, False, True),
        ("health_url", inputs.health_url, False, False),
        ("ws_url", inputs.ws_url, True, False),
    )
    for field, url, raw, required in checks:
        if url or required:
            problems = ProbeOptions(url=url, raw=raw).problems()
            if problems:
                errors[field] = problems[0].plain
    options = DiagnoseOptions(
        url=inputs.url,
        token=inputs.token or None,
        health_url=inputs.health_url or None,
        ws_url=inputs.ws_url or None,
        origin=inputs.origin or None,
        path=inputs.path or "/socket.io/",
        namespace=inputs.namespace or "/",
    )
    if not errors:
        try:  # what the URLs alone do not say (a bad Origin...), as the CLI checks it
            options.probe_options()
        except ProbeOptionsError as exc:
            errors[_FORM_FIELD.get(exc.field, "url")] = exc.plain
    if errors:
        raise InputErrors(errors)
    return options


def row_key(row: DiagnoseRow) -> str:
    """The matrix cell a diagnose row belongs to."""
    if row.eio is None:
        return "raw"
    return f"eio{row.eio}/{row.transport}"


def short_text(row: DiagnoseRow) -> str:
    """A few words for a finished cell: the engine's brief, with the time when it worked."""
    result = row.result
    if result is None:
        return ""
    if result.ok:
        return f"{result.brief()}, {result.phases.get('total', 0.0):.0f} ms"
    return result.brief()


def cell_of_row(row: DiagnoseRow) -> Cell:
    if row.state != "done" or row.result is None:
        return Cell(status=row.state)
    verdict = row.result.verdict
    return Cell(
        status="done",
        code=verdict.code,
        text=short_text(row),
        summary=f"{row.label}: {verdict.summary}",
        hints=list(verdict.hints),
        timeline=timeline_rows(row.result),
    )


def cell_of_check(check: CheckResult) -> Cell:
    return Cell(
        status="done",
        code="ok" if check.ok else f"{check.name}_failed",
        text=check.summary,
        summary=f"{check.name} check: {check.summary}",
    )


def on_progress_cells(update: Callable[[str, Cell], None]) -> Callable[[DiagnoseProgress], None]:
    """An engine progress callback that repaints the cell each update is about."""

    def on_progress(progress: DiagnoseProgress) -> None:
        if progress.check is not None:
            update(progress.check.name, cell_of_check(progress.check))
        elif progress.row is not None:
            update(row_key(progress.row), cell_of_row(progress.row))

    return on_progress


async def run(options: DiagnoseOptions, update: Callable[[str, Cell], None]) -> DiagnoseResult:
    return await run_diagnose(options, on_progress=on_progress_cells(update))


def root_cause(result: DiagnoseResult) -> Verdict:
    """The engine's root cause; failed pre-flight checks are added as hints, not re-judged."""
    cause = result.root_cause
    failed = [f"{c.name} check: {c.summary}" for c in result.checks if not c.ok]
    return Verdict(cause.code, cause.summary, [*failed, *cause.hints])


def render_report(result: DiagnoseResult) -> str:
    """The Markdown report the CLI's renderer makes (secrets masked there)."""
    return probe_report.render_diagnose_markdown(result.to_dict())
