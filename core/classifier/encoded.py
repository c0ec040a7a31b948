"""EC2's encoded authorization failure messages, and their decoded JSON pasted back.

An encoded message with a readable sentence before it is read by `core.classifier.canonical`; this
module finds the blobs that stand alone, and the JSON that `aws sts decode-authorization-message`
prints (`allowed`, `explicitDeny`, `matchedStatements`, `context`), raw or escaped in
`{"DecodedMessage": "..."}`.
"""

from __future__ import annotations

import re

from core.classifier.candidate import MAX_CANDIDATES, Candidate
from core.classifier.canonical import ENCODED, TRUNCATED_BLOB, last_match
from core.classifier.lazy import LazyPattern
from core.record import DenialKind, DenyKind

_EXPLICIT_DENY = LazyPattern(r"\"explicitDeny\"\s*:\s*(?P<value>true|false)", re.IGNORECASE)
_ALLOWED = LazyPattern(r"\"allowed\"\s*:\s*(?P<value>true|false)", re.IGNORECASE)
_CONTEXT = LazyPattern(r"\"context\"\s*:\s*\{")
_PRINCIPAL_ARN = LazyPattern(
    r"\"principal\"\s*:\s*\{[^{}]{0,2000}?\"arn\"\s*:\s*\"(?P<v>[^\"]{1,2048})\""
)
_ACTION = LazyPattern(r"\"action\"\s*:\s*\"(?P<v>[^\"]{1,256})\"")
_RESOURCE = LazyPattern(r"\"resource\"\s*:\s*\"(?P<v>[^\"]{1,2048})\"")
_REGION = LazyPattern(
    r"\"aws:RequestedRegion\"[^{}]{0,200}?\"value\"\s*:\s*\"(?P<v>[a-z0-9-]{1,30})\""
)
_WINDOW = 30000


def find_encoded(text: str) -> list[Candidate]:
    """Every encoded authorization failure message in normalised text."""
    found: list[Candidate] = []
    for m in ENCODED.finditer(text):
        if len(found) >= MAX_CANDIDATES:
            break
        blob = m.group("blob").replace("\n", "")
        found.append(
            Candidate(
                kind=DenialKind.ENCODED_AUTHORIZATION,
                start=m.start(),
                end=m.end(),
                encoded_message=blob,
                encoded_truncated=bool(m.group("trunc")) or len(blob) < TRUNCATED_BLOB,
            )
        )
    return found


def find_decoded(text: str) -> list[Candidate]:
    """Every decoded authorization message (a refused one) in normalised text."""
    anchors = list(_EXPLICIT_DENY.finditer(text))[:MAX_CANDIDATES]
    found: list[Candidate] = []
    for i, anchor in enumerate(anchors):
        start = max(anchors[i - 1].end() if i else 0, anchor.start() - 2000)
        end = min(
            anchors[i + 1].start() if i + 1 < len(anchors) else len(text), anchor.end() + _WINDOW
        )
        allowed = last_match(_ALLOWED, text, start, anchor.start())
        if allowed is None:
            allowed = _ALLOWED.search(text, anchor.end(), end)
        if allowed is not None and allowed.group("value").lower() == "true":
            continue
        context = _CONTEXT.search(text, anchor.end(), end)
        scope = context.end() if context else anchor.end()
        principal = _PRINCIPAL_ARN.search(text, scope, end)
        action = _ACTION.search(text, scope, end)
        resource = _RESOURCE.search(text, scope, end)
        region = _REGION.search(text, scope, end)
        if action is None and principal is None:
            continue
        last = max(
            (m.end() for m in (principal, action, resource, region) if m), default=anchor.end()
        )
        found.append(
            Candidate(
                kind=DenialKind.DECODED_AUTHORIZATION,
                start=allowed.start()
                if allowed and allowed.start() < anchor.start()
                else anchor.start(),
                end=last,
                principal=principal.group("v") if principal else None,
                action=action.group("v") if action else None,
                resource=resource.group("v") if resource else None,
                region=region.group("v") if region else None,
                deny_kind=DenyKind.EXPLICIT
                if anchor.group("value").lower() == "true"
                else DenyKind.IMPLICIT,
                wrapped=True,
            )
        )
    return found
