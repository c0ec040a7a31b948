"""Recognise credential problems: errors that look like denials but are about who you are, not
what a policy allows (expired or invalid tokens, bad signatures, missing credentials).

They are never counted as denials; the bot uses `credential_problem` to say "this is a credential
problem, not a policy" and point at the fix. The table below is read top to bottom; the first row
that matches names the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (kind, pattern). Patterns are literal words joined by `\s*` so hard wraps do not hide them.
CREDENTIAL_PATTERNS: tuple[tuple[str, str], ...] = (
    ("expired-token", r"\bExpiredToken(?:Exception)?\b"),
    ("expired-token", r"security\s*token\s*included\s*in\s*the\s*request\s*is\s*expired"),
    ("expired-token", r"\bRequestExpired\b"),
    ("expired-token", r"\bRequest\s*has\s*expired\b"),
    ("expired-token", r"Token\s*has\s*expired\s*and\s*refresh\s*failed"),
    ("expired-token", r"SSO\s*session\s*associated\s*with\s*this\s*profile\s*has\s*expired"),
    ("expired-token", r"Error\s*when\s*retrieving\s*token\s*from\s*sso"),
    ("invalid-token", r"\bInvalidClientTokenId\b"),
    ("invalid-token", r"security\s*token\s*included\s*in\s*the\s*request\s*is\s*invalid"),
    ("invalid-token", r"\bUnrecognizedClientException\b"),
    ("invalid-token", r"\bInvalidToken\b"),
    ("invalid-access-key", r"\bInvalidAccessKeyId\b"),
    ("invalid-access-key", r"AWS\s*Access\s*Key\s*Id\s*you\s*provided\s*does\s*not\s*exist"),
    ("invalid-access-key", r"\bAuthFailure\b"),
    ("bad-signature", r"\bSignatureDoesNotMatch\b"),
    ("bad-signature", r"request\s*signature\s*we\s*calculated\s*does\s*not\s*match"),
    ("bad-signature", r"headers\s*present\s*in\s*the\s*request\s*which\s*were\s*not\s*signed"),
    ("bad-signature", r"\bIncompleteSignature(?:Exception)?\b"),
    ("bad-signature", r"\bInvalidSignatureException\b"),
    ("clock-skew", r"\bRequestTimeTooSkewed\b"),
    ("clock-skew", r"Signature\s*expired:\s*\d"),
    ("missing-credentials", r"Unable\s*to\s*locate\s*credentials"),
    ("missing-credentials", r"NoCredentialProviders"),
    ("missing-credentials", r"Could\s*not\s*load\s*credentials\s*from\s*any\s*providers"),
    ("missing-credentials", r"\bMissingAuthenticationToken\b"),
    ("missing-credentials", r"Missing\s*Authentication\s*Token"),
    ("login-failed", r"Incorrect\s*username\s*or\s*password"),
)

_COMPILED = tuple(
    (kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in CREDENTIAL_PATTERNS
)


@dataclass(frozen=True, slots=True)
class CredentialProblem:
    """A credential error found in a paste: its kind and where it is."""

    kind: str
    start: int
    end: int


def credential_problem(
    text: str, start: int = 0, end: int | None = None
) -> CredentialProblem | None:
    """The first credential problem in text[start:end], or None."""
    stop = len(text) if end is None else min(end, len(text))
    best: CredentialProblem | None = None
    for kind, pattern in _COMPILED:
        m = pattern.search(text, start, stop)
        if m and (best is None or m.start() < best.start):
            best = CredentialProblem(kind=kind, start=m.start(), end=m.end())
    return best
