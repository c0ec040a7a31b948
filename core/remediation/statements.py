"""Policy statements filled with a denial's values, built as dicts and printed as JSON.

Each builder takes the denial and its `Values` and returns one statement (or, for a session policy,
a whole document, since that is passed as a file). Values the denial lacks become `<...>` markers;
a statement that falls back to `"Resource": "*"` raises the `resource_star` flag.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from core.record import DenialRecord, PrincipalKind
from core.remediation.catalog import rules
from core.remediation.values import Values

Statement = dict[str, Any]
Builder = Callable[[DenialRecord, Values], Statement]


def dump(statement: Statement) -> str:
    """The JSON text of a statement, two-space indented."""
    return json.dumps(statement, indent=2, ensure_ascii=False)


def _sid(prefix: str, values: Values) -> str:
    name = values["action"].partition(":")[2] if values.has("action") else ""
    return prefix + re.sub(r"[^A-Za-z0-9]", "", name)[:60]


def _resource(values: Values) -> str:
    if values.has("resource"):
        return values["resource"]
    values.flag("resource_star")
    return "*"


def principal_element(record: DenialRecord, values: Values) -> dict[str, str]:
    """`{"AWS": <arn>}` for an IAM caller (the role, never the session), `{"Service": ...}`."""
    if record.principal is not None and record.principal.kind is PrincipalKind.SERVICE:
        return {"Service": record.principal_arn or record.principal.name or "<service-principal>"}
    return {"AWS": values["principal_policy_arn"]}


def identity(record: DenialRecord, values: Values) -> Statement:
    """Allow the action on the resource, for the caller's identity-based policy."""
    return {
        "Sid": _sid("Allow", values),
        "Effect": "Allow",
        "Action": values["action"],
        "Resource": _resource(values),
    }


def resource_based(record: DenialRecord, values: Values) -> Statement:
    """Allow the caller, by role ARN, in the resource's own policy."""
    service = values["service"] if values.has("service") else ""
    style = rules()["resource_policy_resource"].get(service, "self")
    statement: Statement = {
        "Sid": _sid("Allow", values),
        "Effect": "Allow",
        "Principal": principal_element(record, values),
        "Action": values["action"],
    }
    if style == "star":
        statement["Resource"] = "*"
    elif style == "queue_arn":
        statement["Resource"] = values["queue_arn"]
    elif style == "self":
        statement["Resource"] = _resource(values)
    return statement


def trust(record: DenialRecord, values: Values) -> Statement:
    """Let the caller assume the role: the statement for the role's trust policy."""
    return {
        "Sid": "AllowAssumeRole",
        "Effect": "Allow",
        "Principal": principal_element(record, values),
        "Action": values["trust_action"],
    }


def scp(record: DenialRecord, values: Values) -> Statement:
    """The allow-list entry an SCP needs at every level from the root to the account."""
    return {
        "Sid": _sid("Allow", values),
        "Effect": "Allow",
        "Action": [values["action"]],
        "Resource": "*",
    }


def vpc_endpoint(record: DenialRecord, values: Values) -> Statement:
    """Allow the caller through the VPC endpoint for this action and resource."""
    return {
        "Sid": _sid("Allow", values),
        "Effect": "Allow",
        "Principal": principal_element(record, values),
        "Action": values["action"],
        "Resource": _resource(values),
    }


def session_policy(record: DenialRecord, values: Values) -> Statement:
    """A session policy document that keeps the action (passed when the session is created)."""
    return {"Version": "2012-10-17", "Statement": [identity(record, values)]}


def web_identity_trust(record: DenialRecord, values: Values) -> Statement:
    """Trust statement for an OIDC provider, with the audience and subject pinned."""
    provider = "<oidc-provider>"
    return {
        "Sid": "AllowWebIdentity",
        "Effect": "Allow",
        "Principal": {
            "Federated": f"arn:{values['partition']}:iam::{values['role_account']}"
            f":oidc-provider/{provider}"
        },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {f"{provider}:aud": "<audience>"},
            "StringLike": {f"{provider}:sub": "<subject>"},
        },
    }


def saml_trust(record: DenialRecord, values: Values) -> Statement:
    """Trust statement for a SAML provider, with the sign-in audience of the partition."""
    return {
        "Sid": "AllowSaml",
        "Effect": "Allow",
        "Principal": {
            "Federated": f"arn:{values['partition']}:iam::{values['role_account']}"
            ":saml-provider/<provider-name>"
        },
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": values["saml_audience"]}},
    }


def pass_role(record: DenialRecord, values: Values) -> Statement:
    """`iam:PassRole` on a role in the caller's own account, limited to the receiving service."""
    name = values["target_role"]
    return {
        "Sid": "AllowPassRole",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": f"arn:{values['partition']}:iam::{values['account']}:role/{name}",
        "Condition": {"StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}},
    }


def bedrock(record: DenialRecord, values: Values) -> Statement:
    """Invoke permission on the model (or inference profile) the request named."""
    if values.has("resource"):
        resource = values["resource"]
    else:
        resource = (
            f"arn:{values['partition']}:bedrock:{values['region']}::foundation-model/"
            f"{values['model_id']}"
        )
    return {
        "Sid": "AllowInvokeModel",
        "Effect": "Allow",
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        "Resource": resource,
    }


def lake_formation(record: DenialRecord, values: Values) -> Statement:
    """The IAM side of Lake Formation access: credential vending and catalog reads."""
    return {
        "Sid": "AllowLakeFormationDataAccess",
        "Effect": "Allow",
        "Action": [
            "lakeformation:GetDataAccess",
            "glue:GetDatabase",
            "glue:GetTable",
            "glue:GetPartitions",
        ],
        "Resource": "*",
    }


BUILDERS: dict[str, Builder] = {
    "identity_statement": identity,
    "resource_statement": resource_based,
    "trust_statement": trust,
    "scp_statement": scp,
    "vpce_statement": vpc_endpoint,
    "boundary_statement": identity,
    "session_policy": session_policy,
    "web_identity_trust": web_identity_trust,
    "saml_trust": saml_trust,
    "pass_role_statement": pass_role,
    "bedrock_statement": bedrock,
    "lf_statement": lake_formation,
}
