"""Read the parts of ARNs and principals as AWS prints them in access-denied messages.

Pure string work: partition, account, principal kind, name, session, and the role ARN behind an
assumed-role session (whose IAM path the session ARN does not carry).
"""

from __future__ import annotations

import re

from core.record import PrincipalKind, PrincipalRecord

PARTITIONS = (
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
)

_ACCOUNT = re.compile(r"\d{12}")
_SERVICE_PRINCIPAL = re.compile(r"[a-z0-9][a-z0-9.-]{0,120}\.amazonaws\.com(?:\.cn)?")
_REGION = re.compile(r"[a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}")


def split_arn(arn: str) -> tuple[str, str, str, str, str] | None:
    """(partition, service, region, account, resource) of an ARN, or None if it is not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def account_of(arn: str | None) -> str | None:
    """The 12-digit account id an ARN names, if any (redacted or templated ids give None)."""
    if not arn:
        return None
    parts = split_arn(arn)
    if parts is None:
        return None
    account = parts[3]
    return account if _ACCOUNT.fullmatch(account) else None


def region_of(arn: str | None) -> str | None:
    """The region an ARN names, if any."""
    if not arn:
        return None
    parts = split_arn(arn)
    if parts is None:
        return None
    region = parts[2]
    return region if _REGION.fullmatch(region) else None


def parse_principal(principal: str | None) -> PrincipalRecord | None:
    """The parts of a principal as printed after `User:`; None when there is no principal."""
    if not principal:
        return None
    if principal.lower() == "anonymous":
        return PrincipalRecord(kind=PrincipalKind.ANONYMOUS, name="anonymous")
    if _SERVICE_PRINCIPAL.fullmatch(principal):
        return PrincipalRecord(kind=PrincipalKind.SERVICE, name=principal)
    parts = split_arn(principal)
    if parts is None:
        return PrincipalRecord(kind=PrincipalKind.UNKNOWN, name=principal)
    partition, service, _region, account, resource = parts
    account_id = account if _ACCOUNT.fullmatch(account) else None
    kind_word, _, rest = resource.partition("/")
    if resource == "root":
        return PrincipalRecord(
            kind=PrincipalKind.ROOT, name="root", partition=partition or None, account_id=account_id
        )
    if service == "sts" and kind_word == "assumed-role":
        role, _, session = rest.partition("/")
        role_arn = f"arn:{partition}:iam::{account}:role/{role}" if role else None
        return PrincipalRecord(
            kind=PrincipalKind.ASSUMED_ROLE,
            name=role or None,
            session=session or None,
            role_arn=role_arn,
            role_path_unknown=True,
            partition=partition or None,
            account_id=account_id,
        )
    if service == "sts" and kind_word == "federated-user":
        return PrincipalRecord(
            kind=PrincipalKind.FEDERATED_USER,
            name=rest or None,
            partition=partition or None,
            account_id=account_id,
        )
    if service == "iam" and kind_word in ("user", "role"):
        path, _, name = rest.rpartition("/")
        kind = PrincipalKind.USER if kind_word == "user" else PrincipalKind.ROLE
        role_arn = principal if kind is PrincipalKind.ROLE else None
        return PrincipalRecord(
            kind=kind,
            name=name or None,
            path=f"/{path}/" if path else "/",
            role_arn=role_arn,
            partition=partition or None,
            account_id=account_id,
        )
    return PrincipalRecord(
        kind=PrincipalKind.UNKNOWN,
        name=resource or None,
        partition=partition or None,
        account_id=account_id,
    )
