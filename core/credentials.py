"""Recognise credential problems: errors that look like denials but are about who you are, not
what a policy allows (expired or invalid tokens, bad signatures, missing credentials).

They are never counted as denials; the bot uses `credential_problem` to say "this is a credential
problem, not a policy" and point at the fix. The table below is read top to bottom; the first row
that matches names the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# (kind, gate, pattern): the pattern runs only when the lower-cased gate is in the text.
# Patterns are literal words joined by `\s*` so hard wraps do not hide them.
CREDENTIAL_PATTERNS: tuple[tuple[str, str, str], ...] = (
    ("expired-token", "expiredtoken", r"\bExpiredToken(?:Exception)?\b"),
    (
        "expired-token",
        "security",
        r"security\s*token\s*included\s*in\s*the\s*request\s*is\s*expired",
    ),
    ("expired-token", "requestexpired", r"\bRequestExpired\b"),
    ("expired-token", "request", r"\bRequest\s*has\s*expired\b"),
    ("expired-token", "token", r"Token\s*has\s*expired\s*and\s*refresh\s*failed"),
    (
        "expired-token",
        "session",
        r"SSO\s*session\s*associated\s*with\s*this\s*profile\s*has\s*expired",
    ),
    ("expired-token", "error", r"Error\s*when\s*retrieving\s*token\s*from\s*sso"),
    ("invalid-token", "invalidclienttokenid", r"\bInvalidClientTokenId\b"),
    (
        "invalid-token",
        "security",
        r"security\s*token\s*included\s*in\s*the\s*request\s*is\s*invalid",
    ),
    ("invalid-token", "unrecognizedclientexception", r"\bUnrecognizedClientException\b"),
    ("invalid-token", "invalidtoken", r"\bInvalidToken\b"),
    ("invalid-access-key", "invalidaccesskeyid", r"\bInvalidAccessKeyId\b"),
    (
        "invalid-access-key",
        "access",
        r"AWS\s*Access\s*Key\s*Id\s*you\s*provided\s*does\s*not\s*exist",
    ),
    ("invalid-access-key", "authfailure", r"\bAuthFailure\b"),
    ("bad-signature", "signaturedoesnotmatch", r"\bSignatureDoesNotMatch\b"),
    ("bad-signature", "request", r"request\s*signature\s*we\s*calculated\s*does\s*not\s*match"),
    (
        "bad-signature",
        "headers",
        r"headers\s*present\s*in\s*the\s*request\s*which\s*were\s*not\s*signed",
    ),
    ("bad-signature", "incompletesignature", r"\bIncompleteSignature(?:Exception)?\b"),
    ("bad-signature", "invalidsignatureexception", r"\bInvalidSignatureException\b"),
    ("clock-skew", "requesttimetooskewed", r"\bRequestTimeTooSkewed\b"),
    ("clock-skew", "signature", r"Signature\s*expired:\s*\d"),
    ("missing-credentials", "unable", r"Unable\s*to\s*locate\s*credentials"),
    ("missing-credentials", "nocredentialproviders", r"NoCredentialProviders"),
    ("missing-credentials", "could", r"Could\s*not\s*load\s*credentials\s*from\s*any\s*providers"),
    ("missing-credentials", "missingauthenticationtoken", r"\bMissingAuthenticationToken\b"),
    ("missing-credentials", "missing", r"Missing\s*Authentication\s*Token"),
    ("login-failed", "incorrect", r"Incorrect\s*username\s*or\s*password"),
)


@cache
def _pattern(row: int) -> re.Pattern[str]:
    """Row `row`'s regex, compiled on first use."""
    return re.compile(CREDENTIAL_PATTERNS[row][2], re.IGNORECASE)


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
    lowered = text[start:stop].lower().replace("\n", "")
    best: CredentialProblem | None = None
    for row, (kind, gate, _) in enumerate(CREDENTIAL_PATTERNS):
        if gate not in lowered:
            continue
        m = _pattern(row).search(text, start, stop)
        if m and (best is None or m.start() < best.start):
            best = CredentialProblem(kind=kind, start=m.start(), end=m.end())
    return best
