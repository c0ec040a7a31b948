"""The records the classifier produces: enumerations and plain dataclasses, stdlib only.

`core.classify` returns pydantic `Denial` models (see `core.model`) built from these records. The
classifier itself works on these dataclasses so that a short-lived process (`iamdeny explain`) never
pays pydantic's import and schema-building cost. `core.model` mirrors every field here; a test keeps
the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PolicyType(StrEnum):
    """The eight kinds of policy AWS names in an access-denied message."""

    SCP = "scp"
    RCP = "rcp"
    VPC_ENDPOINT = "vpc_endpoint"
    PERMISSIONS_BOUNDARY = "permissions_boundary"
    SESSION_POLICY = "session_policy"
    RESOURCE_BASED = "resource_based"
    ROLE_TRUST = "role_trust"
    IDENTITY_BASED = "identity_based"


class DenyKind(StrEnum):
    """Whether a Deny statement matched (explicit) or no Allow did (implicit)."""

    EXPLICIT = "explicit"
    IMPLICIT = "implicit"


class DenialKind(StrEnum):
    """Which family of message the denial was read from; remediation is chosen per kind."""

    NOT_AUTHORIZED = "not_authorized"  # "User: X is not authorized to perform: Y ..."
    ENCODED_AUTHORIZATION = "encoded_authorization"  # EC2 "Encoded authorization failure message"
    DECODED_AUTHORIZATION = "decoded_authorization"  # sts decode-authorization-message JSON
    CLOUDTRAIL = "cloudtrail"  # a CloudTrail event whose errorCode is a denial
    KMS_KEY_ACCESS = "kms_key_access"  # KMS: key missing in Region / no key policy allows / denies
    KMS_KEY_UNKNOWN = "kms_key_unknown"  # "The ciphertext refers to a customer master key ..."
    STS_WEB_IDENTITY = "sts_web_identity"  # Not authorized to perform sts:AssumeRoleWithWebIdentity
    STS_SAML = "sts_saml"  # Not authorized to perform sts:AssumeRoleWithSAML
    SQS_ACCESS = "sqs_access"  # "Access to the resource https://sqs... is denied."
    S3_ACCESS_DENIED = "s3_access_denied"  # S3's bare "Access Denied" (403) with no detail
    ACCESS_DENIED = "access_denied"  # another service's AccessDenied with no detail
    IDENTITY_CENTER_NO_ACCESS = "identity_center_no_access"  # ForbiddenException ... No access
    LAKE_FORMATION = "lake_formation"  # Lake Formation permission refusals
    BEDROCK_MODEL_ACCESS = "bedrock_model_access"  # model access not granted
    # "Cross-account pass role is not allowed"
    CROSS_ACCOUNT_PASS_ROLE = "cross_account_pass_role"  # noqa: S105 - not a password
    ROOT_ASSUME_ROLE = "root_assume_role"  # "Roles may not be assumed by root accounts"


class PrincipalKind(StrEnum):
    """What sort of principal made the request."""

    USER = "user"
    ROLE = "role"
    ASSUMED_ROLE = "assumed_role"
    FEDERATED_USER = "federated_user"
    ROOT = "root"
    SERVICE = "service"
    ANONYMOUS = "anonymous"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PrincipalRecord:
    """The parts of the caller named in a denial."""

    partition: str | None = None
    account_id: str | None = None
    kind: PrincipalKind = PrincipalKind.UNKNOWN
    name: str | None = None
    session: str | None = None
    path: str | None = None
    # For an assumed role, the role ARN derived from the session ARN. The session ARN does not carry
    # the role's IAM path, so the derived ARN assumes "/" and `role_path_unknown` is True.
    role_arn: str | None = None
    role_path_unknown: bool = False


@dataclass(frozen=True, slots=True)
class DenialRecord:
    """One access-denied error read from a paste."""

    kind: DenialKind = DenialKind.NOT_AUTHORIZED

    # --- the contract fields (DESIGN.md) ---
    principal_arn: str | None = None
    action: str | None = None
    resource: str | None = None
    policy_type: PolicyType | None = None
    deny_kind: DenyKind | None = None
    transitive_through: PolicyType | None = None
    policy_arn: str | None = None
    encoded_message: str | None = None
    error_code: str | None = None

    # --- what else a user needs ---
    principal: PrincipalRecord | None = None
    service: str | None = None  # the action's service prefix, lower-cased for lookups
    context_action: str | None = (
        None  # the action named in "... allows the X action" when it differs
    )
    resource_account: str | None = None
    cross_account: bool | None = None
    region: str | None = None
    operation: str | None = None  # the API operation a CLI/SDK wrapper names
    authorization_id: str | None = None
    authorization_link: str | None = None
    request_id: str | None = None
    http_status: int | None = None
    message: str | None = None  # the service's own message, when it is not the canonical sentence
    encoded_truncated: bool = False
    action_known: bool | None = None  # None: no catalog verdict (no action, or catalog missing)
    action_suggestion: str | None = None
    service_known: bool | None = None
    service_suggestion: str | None = None
    span: tuple[int, int] | None = None  # [start, end) of the denial in the input text
    matched_text: str | None = None  # the denial as read, after normalisation
    input_truncated: bool = False  # the paste was longer than the classifier's cap


def record_to_dict(record: DenialRecord) -> dict[str, object]:
    """The record as plain JSON-ready data: enums as their values, the span as a list.

    Equal to `core.model.Denial.from_record(record).model_dump(mode="json")`; a test proves it.
    """
    out: dict[str, object] = {}
    for name in DenialRecord.__slots__:
        value = getattr(record, name)
        if isinstance(value, PrincipalRecord):
            value = {n: getattr(value, n) for n in PrincipalRecord.__slots__}
            value = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in value.items()}
        elif isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out
