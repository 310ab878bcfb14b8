"""Reports of probes and diagnose runs as text, Markdown or JSON (CLI output, GUI "copy report").

Works on the ``to_dict()`` form of a result, so core does not depend on net. Secrets are masked
by the engine already; ``redact`` runs once more over the output for any registered secret.
"""

from __future__ import annotations

import json
from typing import Any

from wsmonitor.core.secrets import redact

_DIR = {"in": "←", "out": "→", "-": "·"}


def render_json(data: dict[str, Any], *, evidence: bool = False) -> str:
    """One JSON object; the evidence block only when asked (it is for debugging)."""
    out = {k: v for k, v in data.items() if evidence or k != "evidence"}
    return redact(json.dumps(out, ensure_ascii=False, default=str))


def _timeline_lines(timeline: list[dict[str, Any]]) -> list[str]:
    return [
        f"{e['t_ms']:9.1f} ms {_DIR.get(e['dir'], e['dir'])} {e['kind']:<13} {e['detail']}"
        for e in timeline
    ]


def _jwt_lines(jwt: dict[str, Any] | None) -> list[str]:
    if not jwt:
        return []
    if not jwt.get("is_jwt"):
        return [f"token {jwt.get('token')}: {jwt.get('error')}"]
    lines = [f"token {jwt.get('token')}: JWT alg={jwt.get('alg')}"]
    for name, t in jwt.get("times", {}).items():
        lines.append(f"  {name}: {t['iso']} ({t['relative']})")
    if jwt.get("flags"):
        lines.append("  flags: " + ", ".join(jwt["flags"]))
    return lines


def render_text(data: dict[str, Any], *, timeline: bool = True) -> str:
    """The human report the CLI prints: verdict, hints, token, timeline."""
    req = data.get("request", {})
    what = (
        "raw websocket"
        if req.get("raw")
        else (f"EIO={req.get('eio')} {req.get('transport')} {req.get('namespace')}")
    )
    lines = [
        f"{req.get('url')} ({what})",
        "",
        f"verdict: {data['verdict']}" + ("" if data["ok"] else "  ✗"),
        f"  {data['summary']}",
    ]
    if data.get("close_code") is not None:
        reason = f" {data.get('close_reason')!r}" if data.get("close_reason") else ""
        lines.append(f"  close code: {data['close_code']}{reason}")
    lines += [f"  hint: {h}" for h in data.get("hints", [])]
    jwt = _jwt_lines(data.get("jwt"))
    if jwt:
        lines += ["", *jwt]
    if timeline:
        lines += ["", "timeline:", *_timeline_lines(data.get("timeline", []))]
    return redact("\n".join(lines))


def render_markdown(data: dict[str, Any]) -> str:
    """A Markdown report to paste into an issue or chat."""
    req = data.get("request", {})
    lines = [f"## Handshake probe: `{data['verdict']}`", "", data["summary"], ""]
    if data.get("hints"):
        lines += ["**Hints**", "", *[f"- {h}" for h in data["hints"]], ""]
    lines += ["**Request**", "", "| option | value |", "|---|---|"]
    for key, value in req.items():
        if value not in (None, "", {}, []):
            lines.append(f"| {key} | `{value}` |")
    if data.get("close_code") is not None:
        lines += ["", f"Close code: **{data['close_code']}** {data.get('close_reason') or ''}"]
    jwt = _jwt_lines(data.get("jwt"))
    if jwt:
        lines += ["", "**Token**", "", "```", *jwt, "```"]
    lines += ["", "**Timeline**", "", "| t (ms) | dir | kind | detail |", "|---:|:-:|---|---|"]
    for e in data.get("timeline", []):
        detail = str(e["detail"]).replace("|", "\\|")
        lines.append(
            f"| {e['t_ms']:.1f} | {_DIR.get(e['dir'], e['dir'])} | {e['kind']} | `{detail}` |"
        )
    return redact("\n".join(lines) + "\n")


def render_diagnose_text(data: dict[str, Any]) -> str:
    """The diagnose table plus the most likely root cause."""
    lines = []
    for check in data.get("checks", []):
        mark = "ok " if check["ok"] else "FAIL"
        lines.append(f"[{mark}] {check['name']}: {check['summary']}")
    if lines:
        lines.append("")
    rows = data.get("matrix", [])
    width = max([len(r["label"]) for r in rows] + [11])
    lines.append(f"{'combination':<{width}}  {'verdict':<21} {'close':>5} {'ms':>7}  summary")
    for r in rows:
        close = "" if r.get("close_code") is None else str(r["close_code"])
        summary = r.get("summary", "")
        summary = summary if len(summary) <= 90 else summary[:89] + "…"
        lines.append(
            f"{r['label']:<{width}}  {r.get('verdict', r['state']):<21} {close:>5} "
            f"{r.get('total_ms', 0):>7.0f}  {summary}"
        )
    cause = data.get("root_cause", {})
    lines += ["", f"most likely root cause: {cause.get('verdict')}", f"  {cause.get('summary')}"]
    lines += [f"  hint: {h}" for h in cause.get("hints", [])]
    return redact("\n".join(lines))


def render_diagnose_markdown(data: dict[str, Any]) -> str:
    cause = data.get("root_cause", {})
    lines = [f"## Diagnose: `{cause.get('verdict')}`", "", str(cause.get("summary")), ""]
    lines += [f"- {h}" for h in cause.get("hints", [])]
    lines += ["", "| combination | verdict | close | summary |", "|---|---|---:|---|"]
    for r in data.get("matrix", []):
        close = "" if r.get("close_code") is None else str(r["close_code"])
        lines.append(
            f"| {r['label']} | `{r.get('verdict', r['state'])}` | {close} | "
            f"{r.get('summary', '')} |"
        )
    for check in data.get("checks", []):
        lines.append(
            f"\n- {check['name']}: {'ok' if check['ok'] else 'FAILED'}: {check['summary']}"
        )
    return redact("\n".join(lines) + "\n")
