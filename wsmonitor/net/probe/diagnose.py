"""Diagnose: the incident checklist as one run. Health check, token check, then EIO 4 and 3 ×
polling / websocket / upgrade (plus a raw websocket URL), a few probes at a time, and the most
likely root cause across them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from wsmonitor.core.jwt_inspect import JwtReport
from wsmonitor.core.secrets import register_secret
from wsmonitor.core.verdict import Verdict, root_cause
from wsmonitor.net.probe.checks import CheckResult, check_health, check_token
from wsmonitor.net.probe.engine import run_probe
from wsmonitor.net.probe.options import ProbeOptions, ProbeOptionsError
from wsmonitor.net.probe.result import ProbeResult

COMBOS: tuple[tuple[int, str], ...] = (
    (4, "polling"),
    (4, "websocket"),
    (4, "upgrade"),
    (3, "polling"),
    (3, "websocket"),
    (3, "upgrade"),
)


@dataclass
class DiagnoseOptions:
    """Inputs of a diagnose run; ``settle`` is each probe's stay after connecting."""

    url: str
    token: str | None = None
    token_in: str | None = None
    health_url: str | None = None
    ws_url: str | None = None
    origin: str | None = None
    namespace: str = "/"
    path: str = "/socket.io/"
    headers: dict[str, str] = field(default_factory=dict)
    verify_tls: bool = True
    ca_file: str | None = None
    timeout: float = 10.0
    settle: float = 0.25
    concurrency: int = 4

    def probe_options(self) -> list[tuple[str, ProbeOptions]]:
        """(label, options) for each combination, validated (ProbeOptionsError otherwise)."""
        common: dict[str, Any] = dict(
            token=self.token,
            headers=dict(self.headers),
            origin=self.origin,
            verify_tls=self.verify_tls,
            ca_file=self.ca_file,
            timeout=self.timeout,
            settle=self.settle,
        )
        out = [
            (
                f"EIO{v} {t}",
                ProbeOptions(
                    url=self.url,
                    eio=v,
                    transport=t,
                    namespace=self.namespace,
                    path=self.path,
                    token_in=self.token_in,
                    **common,
                ).validate(),
            )
            for v, t in COMBOS
        ]
        if self.ws_url:
            raw_in = self.token_in if self.token_in in ("query", "header", "cookie") else None
            out.append(
                (
                    "raw websocket",
                    ProbeOptions(url=self.ws_url, raw=True, token_in=raw_in, **common).validate(),
                )
            )
        return out


@dataclass
class DiagnoseRow:
    """One cell of the matrix; ``state`` goes pending → running → done."""

    label: str
    eio: int | None
    transport: str
    state: str = "pending"
    result: ProbeResult | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "eio": self.eio,
            "transport": self.transport,
            "state": self.state,
        }
        if self.result is not None:
            r = self.result
            out.update(
                verdict=r.verdict.code,
                ok=r.ok,
                summary=r.verdict.summary,
                brief=r.brief(),
                hints=r.verdict.hints,
                close_code=r.close_code,
                total_ms=round(r.phases.get("total", 0.0), 1),
            )
        return out


@dataclass
class DiagnoseProgress:
    """A live update: ``kind`` is check, started or finished; ``row`` the cell concerned."""

    kind: str
    done: int
    total: int
    row: DiagnoseRow | None = None
    check: CheckResult | None = None


@dataclass
class DiagnoseResult:
    checks: list[CheckResult]
    token: JwtReport | None
    rows: list[DiagnoseRow]
    root_cause: Verdict
    wall_ms: float

    @property
    def ok(self) -> bool:
        return self.root_cause.ok and all(c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "root_cause": self.root_cause.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "jwt": self.token.to_dict() if self.token else None,
            "matrix": [r.to_dict() for r in self.rows],
            "wall_ms": round(self.wall_ms, 1),
        }


ProgressCallback = Callable[[DiagnoseProgress], None]


async def run_diagnose(
    options: DiagnoseOptions, on_progress: ProgressCallback | None = None
) -> DiagnoseResult:
    """Run the checklist; ``on_progress`` sees every check and every cell start and finish."""
    started = time.perf_counter()
    combos = options.probe_options()
    for _, probe in combos:
        for secret in probe.secrets():
            register_secret(secret)
    if options.health_url:
        ProbeOptions(url=options.health_url).validate()
    rows = [
        DiagnoseRow(label, None if o.raw else o.eio, "raw" if o.raw else o.transport)
        for label, o in combos
    ]
    total = len(rows)
    done = 0
    checks: list[CheckResult] = []

    def emit(kind: str, row: DiagnoseRow | None = None, check: CheckResult | None = None) -> None:
        if on_progress is not None:
            on_progress(DiagnoseProgress(kind, done, total, row, check))

    token_check, token_report = check_token(options.token)
    if token_check is not None:
        checks.append(token_check)
        emit("check", check=token_check)
    semaphore = asyncio.Semaphore(max(1, options.concurrency))

    async def one(row: DiagnoseRow, opts: ProbeOptions) -> None:
        nonlocal done
        async with semaphore:
            row.state = "running"
            emit("started", row)
            row.result = await run_probe(opts)
            row.state = "done"
            done += 1
            emit("finished", row)

    tasks = [one(row, opts) for row, (_, opts) in zip(rows, combos, strict=True)]
    if options.health_url:
        tasks.append(_health(options, checks, emit))
    await asyncio.gather(*tasks)
    verdicts = [(r.label, r.result.verdict) for r in rows if r.result is not None]
    cause = root_cause(verdicts)
    return DiagnoseResult(checks, token_report, rows, cause, (time.perf_counter() - started) * 1000)


async def _health(options: DiagnoseOptions, checks: list[CheckResult], emit: Callable) -> None:
    assert options.health_url is not None
    result = await check_health(options.health_url, options)
    checks.insert(0, result)
    emit("check", check=result)


__all__ = [
    "COMBOS",
    "CheckResult",
    "DiagnoseOptions",
    "DiagnoseProgress",
    "DiagnoseResult",
    "DiagnoseRow",
    "ProbeOptionsError",
    "check_health",
    "check_token",
    "run_diagnose",
]
