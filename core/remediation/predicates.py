"""Named conditions that overlays and warnings in `rules.toml` refer to by name.

Each takes the denial and the scenario key and says yes or no. A name `flag:<x>` (handled by the
builder) instead asks whether an artefact raised flag `x` while it was being built.
"""

from __future__ import annotations

from collections.abc import Callable

from core.record import DenialKind, DenialRecord, DenyKind, PrincipalKind

Predicate = Callable[[DenialRecord], bool]

_KMS_CRYPTO = ("encrypt", "decrypt", "generatedatakey", "reencrypt", "creategrant", "sign")


def _operation(record: DenialRecord) -> str:
    action = record.action or record.context_action or ""
    return action.partition(":")[2].lower()


def _service(record: DenialRecord) -> str:
    action = record.action or record.context_action or ""
    return (record.service or action.partition(":")[0]).lower()


def _principal_kind(record: DenialRecord) -> PrincipalKind | None:
    return record.principal.kind if record.principal else None


def _context_action_differs(record: DenialRecord) -> bool:
    return bool(
        record.action
        and record.context_action
        and record.action.lower() != record.context_action.lower()
    )


def _kms_relevant(record: DenialRecord) -> bool:
    if record.kind in (DenialKind.KMS_KEY_ACCESS, DenialKind.KMS_KEY_UNKNOWN):
        return True
    return _service(record) == "kms" and _operation(record).startswith(_KMS_CRYPTO)


PREDICATES: dict[str, Predicate] = {
    "action_unknown_with_suggestion": lambda r: (
        r.action_known is False and bool(r.action_suggestion)
    ),
    "action_unknown_no_suggestion": lambda r: r.action_known is False and not r.action_suggestion,
    "service_unknown_with_suggestion": lambda r: (
        r.service_known is False and bool(r.service_suggestion)
    ),
    "service_unknown_no_suggestion": lambda r: (
        r.service_known is False and not r.service_suggestion
    ),
    "context_action_differs": _context_action_differs,
    "input_truncated": lambda r: r.input_truncated,
    "encoded_truncated": lambda r: r.encoded_truncated,
    "tag_condition_keys": lambda r: "tag" in _operation(r),
    "kms_condition_keys": _kms_relevant,
    "anonymous_caller": lambda r: (
        _principal_kind(r) is PrincipalKind.ANONYMOUS
        or (r.principal_arn or "").lower() == "anonymous"
    ),
    "service_caller": lambda r: _principal_kind(r) is PrincipalKind.SERVICE,
    "identity_center_role": lambda r: (
        r.principal is not None
        and r.principal.kind in (PrincipalKind.ROLE, PrincipalKind.ASSUMED_ROLE)
        and (r.principal.name or "").startswith("AWSReservedSSO_")
    ),
    "root_caller": lambda r: (
        _principal_kind(r) is PrincipalKind.ROOT and r.kind is not DenialKind.ROOT_ASSUME_ROLE
    ),
    "authorization_id": lambda r: bool(r.authorization_id),
    "authorization_link": lambda r: bool(r.authorization_link),
    "policy_arn_org": lambda r: (
        (r.policy_arn or "").startswith("arn:") and ":organizations::" in (r.policy_arn or "")
    ),
    "policy_arn_iam": lambda r: (
        (r.policy_arn or "").startswith("arn:")
        and ":iam::" in (r.policy_arn or "")
        and ":policy/" in (r.policy_arn or "")
    ),
    "policy_arn": lambda r: bool(r.policy_arn),
    "cross_account": lambda r: r.cross_account is True,
    "cross_account_explicit": lambda r: (
        r.cross_account is True and r.deny_kind is DenyKind.EXPLICIT
    ),
    "cross_account_not_explicit": lambda r: (
        r.cross_account is True and r.deny_kind is not DenyKind.EXPLICIT
    ),
    "encoded_present": lambda r: bool(r.encoded_message or r.encoded_truncated),
}
