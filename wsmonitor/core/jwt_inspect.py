"""Inspect a token: decode a JWT without verifying it, explain its times, optionally verify.

Used by probes (a refused token that has expired is ``token_expired``), ``diagnose`` and the
GUI's token panel. Never raises on bad input: a token that is not a JWT is reported as such.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wsmonitor.core.secrets import mask_secret

_TIME_CLAIMS = ("exp", "iat", "nbf")


@dataclass
class TimeClaim:
    """One of exp / iat / nbf, as an absolute UTC time and relative to now."""

    name: str
    epoch: float
    iso: str
    relative: str  # "in 5 min" / "2 h ago"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "epoch": self.epoch, "iso": self.iso, "relative": self.relative}


@dataclass
class JwtReport:
    """What a token says about itself. ``is_jwt`` False means the other fields are empty."""

    masked: str
    is_jwt: bool
    error: str = ""
    alg: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    claims: dict[str, Any] = field(default_factory=dict)
    times: dict[str, TimeClaim] = field(default_factory=dict)
    expired: bool = False
    not_yet_valid: bool = False
    expired_ago: str = ""  # "2 h ago" when expired
    flags: list[str] = field(default_factory=list)
    verified: bool | None = None  # None: not attempted
    verify_error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "token": self.masked,
            "is_jwt": self.is_jwt,
            "error": self.error,
            "alg": self.alg,
            "header": self.header,
            "claims": self.claims,
            "times": {k: v.to_dict() for k, v in self.times.items()},
            "expired": self.expired,
            "not_yet_valid": self.not_yet_valid,
            "flags": self.flags,
            "verified": self.verified,
            "verify_error": self.verify_error,
        }


def humanize_delta(seconds: float) -> str:
    """A short human duration: '45 s', '12 min', '2 h', '3 d'."""
    seconds = abs(seconds)
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"


def relative(epoch: float, now: float) -> str:
    delta = epoch - now
    return f"in {humanize_delta(delta)}" if delta >= 0 else f"{humanize_delta(delta)} ago"


def _b64json(part: str) -> dict[str, Any]:
    padded = part + "=" * (-len(part) % 4)
    data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def inspect_token(
    token: str,
    *,
    now: float | None = None,
    key: str | None = None,
    algorithms: list[str] | None = None,
    leeway: float = 0.0,
) -> JwtReport:
    """Decode ``token`` without trusting it; verify the signature too when ``key`` is given.

    ``key`` is an HMAC secret or a PEM public key. ``now`` (epoch seconds) is for tests.
    """
    now = time.time() if now is None else now
    token = token.strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    report = JwtReport(masked=mask_secret(token), is_jwt=False)
    parts = token.split(".")
    if len(parts) != 3:
        report.error = f"not a JWT: {len(parts)} dot-separated part(s), a JWT has 3"
        return report
    try:
        report.header = _b64json(parts[0])
        report.claims = _b64json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        report.error = f"not a JWT: header or payload is not base64url JSON ({exc})"
        return report
    report.is_jwt = True
    report.alg = str(report.header.get("alg")) if "alg" in report.header else None
    for name in _TIME_CLAIMS:
        value = report.claims.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            iso = datetime.fromtimestamp(value, UTC).isoformat().replace("+00:00", "Z")
            report.times[name] = TimeClaim(name, float(value), iso, relative(value, now))
    exp = report.times.get("exp")
    nbf = report.times.get("nbf")
    if exp and exp.epoch + leeway <= now:
        report.expired = True
        report.expired_ago = exp.relative
        report.flags.append(f"expired {exp.relative}")
    if nbf and nbf.epoch - leeway > now:
        report.not_yet_valid = True
        report.flags.append(f"not valid until {nbf.relative}")
    if not exp:
        report.flags.append("no exp: never expires")
    if report.alg in ("none", "None"):
        report.flags.append("alg none: unsigned token")
    if key is not None:
        _verify(report, token, key, algorithms, leeway)
    return report


def _verify(
    report: JwtReport, token: str, key: str, algorithms: list[str] | None, leeway: float
) -> None:
    import jwt  # pyjwt; imported here so a plain decode does not need it

    algs = algorithms or ([report.alg] if report.alg and report.alg != "none" else ["HS256"])
    try:
        jwt.decode(
            token,
            key,
            algorithms=algs,
            leeway=leeway,
            options={
                "verify_exp": False,
                "verify_nbf": False,
                "verify_aud": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError as exc:
        report.verified = False
        report.verify_error = f"{type(exc).__name__}: {exc}"
        report.flags.append("signature does not verify")
        return
    report.verified = True
    report.flags.append("signature verified")
