"""The public data model: pydantic `Denial` and `Principal`, as `core.classify` returns them.

Field names and enum values are a public contract (DESIGN.md): add fields, never rename them. Each
field mirrors one of `core.record.DenialRecord`, the stdlib record the classifier builds; a test
keeps the two in step. Import this module only where pydantic's start-up cost is acceptable.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from core.record import (
    DenialKind,
    DenialRecord,
    DenyKind,
    PolicyType,
    PrincipalKind,
    PrincipalRecord,
    record_to_dict,
)

__all__ = ["Denial", "DenialKind", "DenyKind", "PolicyType", "Principal", "PrincipalKind"]


class Principal(BaseModel):
    """The parts of the caller named in a denial (see `core.record.PrincipalRecord`)."""

    model_config = ConfigDict(frozen=True)

    partition: str | None = None
    account_id: str | None = None
    kind: PrincipalKind = PrincipalKind.UNKNOWN
    name: str | None = None
    session: str | None = None
    path: str | None = None
    role_arn: str | None = None
    role_path_unknown: bool = False


class Denial(BaseModel):
    """One access-denied error read from a paste (see `core.record.DenialRecord`)."""

    model_config = ConfigDict(frozen=True)

    kind: DenialKind = DenialKind.NOT_AUTHORIZED
    principal_arn: str | None = None
    action: str | None = None
    resource: str | None = None
    policy_type: PolicyType | None = None
    deny_kind: DenyKind | None = None
    transitive_through: PolicyType | None = None
    policy_arn: str | None = None
    encoded_message: str | None = None
    error_code: str | None = None
    principal: Principal | None = None
    service: str | None = None
    context_action: str | None = None
    resource_account: str | None = None
    cross_account: bool | None = None
    region: str | None = None
    operation: str | None = None
    authorization_id: str | None = None
    authorization_link: str | None = None
    request_id: str | None = None
    http_status: int | None = None
    message: str | None = None
    encoded_truncated: bool = False
    action_known: bool | None = None
    action_suggestion: str | None = None
    service_known: bool | None = None
    service_suggestion: str | None = None
    span: tuple[int, int] | None = None
    matched_text: str | None = None
    input_truncated: bool = False

    @classmethod
    def from_record(cls, record: DenialRecord) -> Denial:
        """The public model of a classifier record."""
        return cls.model_validate(record_to_dict(record))

    def to_record(self) -> DenialRecord:
        """The stdlib record this model mirrors (what remediation and rendering read)."""
        data = self.model_dump()
        principal = data.pop("principal")
        return DenialRecord(
            principal=PrincipalRecord(**principal) if principal is not None else None, **data
        )
