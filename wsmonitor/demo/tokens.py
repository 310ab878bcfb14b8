"""The demo server's JWT rules: HS256 tokens, as in the incident's Node middleware."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt


class TokenRejected(Exception):
    """Why a token was refused, in the words a Node jsonwebtoken middleware would use."""


@dataclass(frozen=True)
class TokenIssuer:
    """Mints and checks the demo's tokens with one secret."""

    secret: str
    algorithm: str = "HS256"

    def mint(self, subject: str, lifetime_s: float = 24 * 3600, issued_ago_s: float = 0) -> str:
        issued = int(time.time() - issued_ago_s)
        claims = {"sub": subject, "iat": issued, "exp": int(issued + lifetime_s)}
        return jwt.encode(claims, self.secret, algorithm=self.algorithm)

    def mint_expired(self, subject: str, expired_ago_s: float = 7200) -> str:
        """A token whose ``exp`` passed ``expired_ago_s`` seconds ago."""
        return self.mint(subject, lifetime_s=3600, issued_ago_s=3600 + expired_ago_s)

    def mint_forged(self, subject: str) -> str:
        """A well-formed token signed with the wrong secret."""
        return TokenIssuer(secret=self.secret + "-forged").mint(subject)

    def verify(self, token: str | None) -> dict[str, object]:
        if not token:
            raise TokenRejected("no token provided")
        try:
            return jwt.decode(token, self.secret, algorithms=[self.algorithm])
        except jwt.ExpiredSignatureError as exc:
            raise TokenRejected("jwt expired") from exc
        except jwt.InvalidSignatureError as exc:
            raise TokenRejected("invalid signature") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenRejected("jwt malformed") from exc
