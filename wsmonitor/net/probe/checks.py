"""Diagnose's pre-flight checks: the health endpoint and the token, before any probe."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wsmonitor.core.jwt_inspect import JwtReport, inspect_token
from wsmonitor.net.probe.options import ProbeOptions

if TYPE_CHECKING:
    from wsmonitor.net.probe.diagnose import DiagnoseOptions


@dataclass
class CheckResult:
    """A pre-flight check (health endpoint, token)."""

    name: str
    ok: bool
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "summary": self.summary, "detail": self.detail}


async def check_health(url: str, opts: DiagnoseOptions) -> CheckResult:
    """GET the health endpoint; 2xx is healthy. Bounded by the timeout, body and all."""
    import httpx

    probe = ProbeOptions(url=url, verify_tls=opts.verify_tls, ca_file=opts.ca_file)
    started = time.perf_counter()
    try:
        async with (
            asyncio.timeout(opts.timeout),
            httpx.AsyncClient(verify=probe.ssl_context(), timeout=opts.timeout) as client,
            client.stream("GET", url, headers=opts.headers) as response,
        ):
            ms = (time.perf_counter() - started) * 1000
            body = await _body_start(response)
    except TimeoutError:
        return CheckResult("health", False, f"health check: no answer within {opts.timeout:g} s")
    except Exception as exc:  # any failure is the check's result, never a crash
        from wsmonitor.net.probe.conn import classify_error

        kind, detail = classify_error(exc)
        return CheckResult("health", False, f"health check failed ({kind}): {detail}")
    ok = 200 <= response.status_code < 300
    return CheckResult(
        "health",
        ok,
        f"health endpoint answered HTTP {response.status_code} in {ms:.0f} ms",
        {"status": response.status_code, "ms": round(ms, 1), "body": body},
    )


async def _body_start(response: Any) -> str:
    """The first 200 characters of a streamed httpx response (an endless body is fine)."""
    data = bytearray()
    async for chunk in response.aiter_bytes():
        data += chunk
        if len(data) >= 800:
            break
    return data.decode(response.encoding or "utf-8", errors="replace")[:200]


def check_token(token: str | None) -> tuple[CheckResult | None, JwtReport | None]:
    if not token:
        return None, None
    report = inspect_token(token)
    if not report.is_jwt:
        return CheckResult(
            "token", True, f"token is not a JWT ({report.error}); sent as is"
        ), report
    if report.expired:
        return CheckResult("token", False, f"token expired {report.expired_ago}"), report
    if report.not_yet_valid:
        return CheckResult("token", False, "token not valid yet"), report
    exp = report.times.get("exp")
    when = f"expires {exp.relative}" if exp else "has no exp"
    return CheckResult("token", True, f"JWT ({report.alg}) {when}"), report
