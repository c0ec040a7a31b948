"""The fingerprint of a denial: one short, stable string for "the same denial".

Two denials have the same fingerprint when they are the same problem for the same caller: the same
kind of message, in the same partition, by the same principal, for the same action on the same
resource, refused by the same kind of policy in the same way. The weekly digest and the bot's
"seen N times" line group incidents by it.

The rule (version 1). The fingerprint is the first 32 hex digits of SHA-256 over these parts:

1. ``kind`` — the family of message (`DenialKind`); an SQS refusal is never a KMS refusal.
2. partition — from the principal, else the principal ARN, else the resource ARN (`aws`,
   `aws-cn`, `aws-us-gov`, ...).
3. the principal's identity, independent of how it was written:
   - an assumed-role session (`arn:aws:sts::111122223333:assumed-role/deploy/run-1`) and the role
     itself (`arn:aws:iam::111122223333:role/ci/deploy`) are both ``role:111122223333:deploy`` —
     the session name and the role's IAM path are dropped (role names are unique in an account
     whatever their path);
   - IAM users likewise, ``user:<account>:<name>``; IAM names are case-insensitive, so the name is
     lower-cased;
   - ``root:<account>``, ``federated-user:<account>:<name>``, ``service:<principal>``,
     ``anonymous``;
   - anything else: the principal ARN as written, whitespace removed.
4. the principal's account (again; also for principals that name none, the resource account).
5. the action, lower-cased (`SNS:Publish` ≡ `sns:publish`; IAM actions are case-insensitive). When
   a message names no action but a wrapper names the operation (EC2's encoded failures), the
   operation lower-cased stands in for it.
6. the resource, as written but with surrounding quotes, backticks, Slack's `<...>` link marks and
   HTML escapes removed, and all whitespace dropped (a hard line wrap inside an ARN changes
   nothing). Resources are case-sensitive and stay so. When the message names no resource, the
   resource account stands in for it.
7. ``policy_type``, ``deny_kind`` and ``transitive_through``.

Deliberately left out, because they vary with the paste rather than the problem: session names,
the region, the error code and operation named by a CLI/SDK wrapper, request and authorization ids,
encoded failure blobs, the matched text, and the denying policy's ARN (AWS added it to messages in
2026; the same denial pasted from an older and a newer CLI must match).

Pure: stdlib only, no I/O. `fingerprint_parts` shows the canonical parts, for debugging.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

from core.record import DenialRecord, PrincipalKind

__all__ = ["FINGERPRINT_VERSION", "fingerprint", "fingerprint_parts", "principal_account"]

FINGERPRINT_VERSION = 1

_WHITESPACE = re.compile(r"\s+")
_ARN = re.compile(
    r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):"
    r"(?P<account>[^:]*):(?P<resource>.*)$",
    re.IGNORECASE,
)
_STRIP = " \t\r\n\"'`‘’“”"


@dataclass(frozen=True, slots=True)
class _Principal:
    partition: str
    account: str
    identity: str


def _clean(value: str | None) -> str:
    """A value with Slack/HTML escaping, quotes and all whitespace removed."""
    if not value:
        return ""
    text = html.unescape(value).strip(_STRIP)
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].split("|", 1)[0]
    text = _WHITESPACE.sub("", text).strip(_STRIP)
    return text.rstrip(".,;")


def _principal_from_arn(arn: str) -> _Principal:
    """The canonical identity of a principal written as an ARN (or a bare name)."""
    if not arn:
        return _Principal("", "", "")
    lowered = arn.lower()
    if lowered in {"anonymous", "*"}:
        return _Principal("", "", "anonymous")
    match = _ARN.match(arn)
    if match is None:
        if lowered.endswith(".amazonaws.com") or lowered.endswith(".amazonaws.com.cn"):
            return _Principal("", "", f"service:{lowered}")
        return _Principal("", "", f"other:{arn}")
    partition = match["partition"].lower()
    account = match["account"]
    service = match["service"].lower()
    resource = match["resource"]
    head, _, rest = resource.partition("/")
    head = head.lower()
    if service == "sts" and head == "assumed-role":
        role = rest.split("/", 1)[0]
        return _Principal(partition, account, f"role:{account}:{role.lower()}")
    if service == "iam" and head in {"role", "user"}:
        name = rest.rsplit("/", 1)[-1]
        return _Principal(partition, account, f"{head}:{account}:{name.lower()}")
    if service == "sts" and head == "federated-user":
        return _Principal(partition, account, f"federated-user:{account}:{rest}")
    if resource.lower() == "root":
        return _Principal(partition, account, f"root:{account}")
    return _Principal(partition, account, f"other:{arn}")


def _principal(denial: DenialRecord) -> _Principal:
    """The canonical principal, from the parsed record when it has one, else from the ARN."""
    arn = _clean(denial.principal_arn)
    parsed = _principal_from_arn(arn)
    record = denial.principal
    if record is None or record.kind is PrincipalKind.UNKNOWN:
        return parsed
    partition = (record.partition or parsed.partition).lower()
    account = record.account_id or parsed.account
    name = record.name or ""
    kind = record.kind
    if kind in {PrincipalKind.ROLE, PrincipalKind.ASSUMED_ROLE} and name:
        identity = f"role:{account}:{name.lower()}"
    elif kind is PrincipalKind.USER and name:
        identity = f"user:{account}:{name.lower()}"
    elif kind is PrincipalKind.FEDERATED_USER and name:
        identity = f"federated-user:{account}:{name}"
    elif kind is PrincipalKind.ROOT:
        identity = f"root:{account}"
    elif kind is PrincipalKind.ANONYMOUS:
        identity = "anonymous"
    elif kind is PrincipalKind.SERVICE:
        identity = f"service:{(name or arn).lower()}"
    else:
        identity = parsed.identity
    return _Principal(partition, account, identity)


def _partition_of(arn: str) -> str:
    match = _ARN.match(arn)
    return match["partition"].lower() if match else ""


def fingerprint_parts(denial: DenialRecord) -> tuple[str, ...]:
    """The canonical parts the fingerprint hashes, in order (see the module docstring)."""
    principal = _principal(denial)
    resource = _clean(denial.resource)
    partition = principal.partition or _partition_of(resource) or "aws"
    account = principal.account or (denial.resource_account or "")
    action = _clean(denial.action).lower()
    if not action and denial.operation:
        action = "operation:" + _clean(denial.operation).lower()
    if not resource and denial.resource_account:
        resource = f"account:{denial.resource_account}"
    return (
        f"v{FINGERPRINT_VERSION}",
        denial.kind.value,
        partition,
        principal.identity,
        account,
        action,
        resource,
        denial.policy_type.value if denial.policy_type else "",
        denial.deny_kind.value if denial.deny_kind else "",
        denial.transitive_through.value if denial.transitive_through else "",
    )


def fingerprint(denial: DenialRecord) -> str:
    """The denial's fingerprint: 32 lower-case hex digits, equal for "the same denial"."""
    joined = "\x1f".join(fingerprint_parts(denial))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def principal_account(denial: DenialRecord) -> str | None:
    """The principal's account id, from the parsed principal or else its ARN; None if unknown."""
    return _principal(denial).account or None
