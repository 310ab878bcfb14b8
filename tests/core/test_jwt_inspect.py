"""The JWT inspector: decode without trust, times, flags, verification, non-JWTs."""

from __future__ import annotations

import jwt

from wsmonitor.core.jwt_inspect import humanize_delta, inspect_token

SECRET = "jwt-inspect-test-secret-0123456789abcdef"
NOW = 1_800_000_000.0


def make(**claims: object) -> str:
    return jwt.encode(claims, SECRET, algorithm="HS256")


def test_expired_two_hours_ago() -> None:
    r = inspect_token(make(sub="u1", iat=NOW - 10_000, exp=NOW - 7200), now=NOW)
    assert r.is_jwt and r.alg == "HS256"
    assert r.claims["sub"] == "u1"
    assert r.expired and r.expired_ago == "2 h ago"
    assert r.times["exp"].iso.endswith("Z")
    assert "expired 2 h ago" in r.flags


def test_valid_and_not_yet_valid() -> None:
    r = inspect_token(make(exp=NOW + 300, nbf=NOW + 60), now=NOW)
    assert not r.expired and r.not_yet_valid
    assert r.times["exp"].relative == "in 5 min"


def test_no_exp_flag() -> None:
    assert "no exp: never expires" in inspect_token(make(sub="x"), now=NOW).flags


def test_verify_with_secret() -> None:
    token = make(exp=NOW - 1)
    assert inspect_token(token, now=NOW, key=SECRET).verified is True
    bad = inspect_token(token, now=NOW, key="another-secret-0123456789abcdefghij")
    assert bad.verified is False and "Signature" in bad.verify_error


def test_verify_with_public_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    token = jwt.encode({"sub": "x"}, key, algorithm="ES256")
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    r = inspect_token(token, key=pem)
    assert r.alg == "ES256" and r.verified is True


def test_not_a_jwt() -> None:
    for token in ("hello", "a.b.c", "Bearer not.a.jwt", ""):
        r = inspect_token(token)
        assert not r.is_jwt and r.error.startswith("not a JWT"), token


def test_masked_and_bearer_prefix() -> None:
    token = make(exp=NOW + 60)
    r = inspect_token("Bearer " + token, now=NOW)
    assert r.is_jwt
    assert token not in str(r.to_dict()) and r.masked == f"{token[:4]}…{token[-4:]}"


def test_humanize() -> None:
    assert humanize_delta(30) == "30 s"
    assert humanize_delta(600) == "10 min"
    assert humanize_delta(3 * 86400) == "3 d"
