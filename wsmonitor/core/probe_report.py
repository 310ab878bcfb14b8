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


def timeline_line(e: dict[str, Any]) -> str:
    """One timeline row as text: time, direction arrow, kind, detail."""
    return f"{e['t_ms']:9.1f} ms {_DIR.get(e['dir'], e['dir'])} {e['kind']:<13} {e['detail']}"


def _timeline_lines(timeline: list[dict[str, Any]]) -> list[str]:
    return [timeline_line(e) for e in timeline]


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
    lines = [f"## Handshake probe: `{data['verdict']}`", "", *_markdown_body(data)]
    return redact("\n".join(lines) + "\n")


def _markdown_body(data: dict[str, Any]) -> list[str]:
    """A probe's Markdown report below its heading: summary, hints, request, token, timeline."""
    req = data.get("request", {})
    lines = [data["summary"], ""]
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
    return lines


def _run_label(data: dict[str, Any]) -> str:
    req = data.get("request", {})
    return "raw websocket" if req.get("raw") else f"EIO {req.get('eio')}"


def compare_line(runs: list[dict[str, Any]]) -> str:
    """One line comparing probes of the same server, e.g. ``EIO 4 ✓ ok 12 ms · EIO 3 ✗ …``."""
    parts = []
    for data in runs:
        total = data.get("phases", {}).get("total")
        took = "" if total is None else f" {total:.0f} ms"
        mark = "✓" if data["ok"] else "✗"
        parts.append(f"{_run_label(data)} {mark} {data['verdict']}{took}")
    return redact(" · ".join(parts))


def render_compare_markdown(runs: list[dict[str, Any]]) -> str:
    """Several probes of one server (EIO 4 and EIO 3): a comparison line, one section per run."""
    labels = [_run_label(data) for data in runs]
    lines = [f"# Handshake probe: {' vs '.join(labels)}", "", compare_line(runs)]
    for label, data in zip(labels, runs, strict=True):
        lines += ["", f"## {label}: `{data['verdict']}`", "", *_markdown_body(data)]
    return redact("\n".join(lines) + "\n")


def render_compare_json(runs: list[dict[str, Any]], *, evidence: bool = False) -> str:
    """``{"runs": [...]}``, each run the object :func:`render_json` gives for it."""
    out = [{k: v for k, v in data.items() if evidence or k != "evidence"} for data in runs]
    return redact(json.dumps({"runs": out}, ensure_ascii=False, default=str))


def render_diagnose_text(data: dict[str, Any], *, width: int | None = None) -> str:
    """The diagnose table plus the most likely root cause.

    ``width`` (a terminal's columns) cuts table rows to fit; None keeps them whole (pipes, logs).
    """
    lines = [
        f"[{' ok ' if check['ok'] else 'FAIL'}] {check['name']}: {check['summary']}"
        for check in data.get("checks", [])
    ]
    if lines:
        lines.append("")
    rows = data.get("matrix", [])
    label_w = max([len(r["label"]) for r in rows] + [len("combination")])
    verdict_w = max([len(str(r.get("verdict", r["state"]))) for r in rows] + [len("verdict")])
    head = f"{'combination':<{label_w}}  {'verdict':<{verdict_w}}  {'close':>5}  {'time':>8}  "
    lines.append(head + "what happened")
    for r in rows:
        close = "" if r.get("close_code") is None else str(r["close_code"])
        took = f"{r['total_ms']:.0f} ms" if "total_ms" in r else ""
        line = (
            f"{r['label']:<{label_w}}  {r.get('verdict', r['state']):<{verdict_w}}  "
            f"{close:>5}  {took:>8}  {r.get('brief') or r.get('summary', '')}"
        )
        lines.append(_fit(line, width))
    cause = data.get("root_cause", {})
    mark = "" if data.get("ok", cause.get("ok")) else "  ✗"
    lines += ["", f"most likely root cause: {cause.get('verdict')}{mark}"]
    lines.append(f"  {cause.get('summary')}")
    # A failed pre-flight check is part of the answer even when every probe connected (the
    # GUI's banner lists them the same way).
    failed = [
        c
        for c in data.get("checks", [])
        if not c["ok"] and not (c["name"] == "token" and cause.get("verdict") == "token_expired")
    ]
    lines += [f"  hint: {c['name']} check: {c['summary']}" for c in failed]
    lines += [f"  hint: {h}" for h in cause.get("hints", [])]
    return redact("\n".join(lines))


def _fit(line: str, width: int | None) -> str:
    if width is None or len(line) <= width:
        return line
    return line[: max(width - 1, 20)] + "…"


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
