"""A denial while it is being read: positions in the normalised text and the raw fields found.

Extractors fill `Candidate`s; `core.classifier.assemble` turns them into `DenialRecord`s.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.record import DenialKind, DenyKind, PolicyType

# Each extractor reads at most this many denials from one paste: a bound on the work any input
# can cause (a 40,000-character message holds at most a couple of hundred real ones).
MAX_CANDIDATES = 100


@dataclass(slots=True)
class Candidate:
    """Fields one extractor read for one denial, before principal parsing and catalog checks."""

    kind: DenialKind
    start: int
    end: int
    principal: str | None = None
    action: str | None = None
    resource: str | None = None
    policy_type: PolicyType | None = None
    deny_kind: DenyKind | None = None
    transitive_through: PolicyType | None = None
    policy_arn: str | None = None
    context_action: str | None = None
    encoded_message: str | None = None
    encoded_truncated: bool = False
    error_code: str | None = None
    operation: str | None = None
    request_id: str | None = None
    http_status: int | None = None
    region: str | None = None
    resource_account: str | None = None
    authorization_id: str | None = None
    authorization_link: str | None = None
    message: str | None = None
    # Extractors that read a whole structure (CloudTrail, decoded JSON) already know the wrapper
    # fields; others take them from nearby wrapper annotations.
    wrapped: bool = False
