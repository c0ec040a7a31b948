"""Service refusals that do not use the canonical sentence (KMS, STS federation, SQS, ...).

Driven by `SERVICE_MESSAGES` in `core.classifier.phrases`: one regex and one `DenialKind` a row.
"""

from __future__ import annotations

import re
from functools import cache

from core.classifier.candidate import MAX_CANDIDATES, Candidate
from core.classifier.flex import flex
from core.classifier.phrases import SERVICE_MESSAGES


@cache
def _pattern(row: int) -> re.Pattern[str]:
    """Row `row`'s regex, compiled on first use (a one-shot process compiles only what it needs)."""
    return re.compile(flex(SERVICE_MESSAGES[row][2]), re.IGNORECASE)


_SQS_URL = re.compile(
    r"https?://sqs\.(?P<region>[a-z0-9-]{1,30})\.amazonaws\.com(?:\.cn)?/(?P<account>\d{12})/"
)


def find_service_messages(text: str) -> list[Candidate]:
    """Every service-specific refusal in normalised text."""
    found: list[Candidate] = []
    joined = text.replace("\n", "")  # a gate split by a hard wrap still counts
    for row, (kind, gate, _, implied_action) in enumerate(SERVICE_MESSAGES):
        if gate not in joined:
            continue
        for m in _pattern(row).finditer(text):
            if len(found) >= MAX_CANDIDATES:
                break
            groups = m.groupdict()
            message = " ".join((groups.get("message") or m.group()).split())
            resource = groups.get("resource")
            candidate = Candidate(
                kind=kind,
                start=m.start(),
                end=m.end(),
                action=groups.get("action") or implied_action,
                resource=resource,
                message=message,
            )
            if resource:
                sqs = _SQS_URL.match(resource)
                if sqs:
                    candidate.region = sqs.group("region")
                    candidate.resource_account = sqs.group("account")
            found.append(candidate)
    return found
