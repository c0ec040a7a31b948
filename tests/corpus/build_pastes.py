# ruff: noqa: E501 -- realistic ARNs and messages are long
"""Generate tests/corpus/pastes.jsonl: realistic access-denied pastes and their labels.

Run `python tests/corpus/build_pastes.py` after editing; the JSONL is what the tests read. The label
helpers derive the principal parts, service, resource account, cross-account flag and region from
the ARNs a case names, by the conventions in the corpus brief (see tests/test_corpus.py). A field
a case cannot state with confidence is left out of its expectation with `OMIT`, and its notes say
why.
"""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "pastes.jsonl"


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()
CASES: list[dict[str, Any]] = []
_COUNTERS: dict[int, int] = {}
_RNG = random.Random(20261130)


def case(family: int, text: str, denials: list[dict[str, Any]], notes: str = "") -> None:
    """Record one case; ids run `<family>-<nn>` in order of definition."""
    _COUNTERS[family] = _COUNTERS.get(family, 0) + 1
    CASES.append(
        {
            "id": f"{family}-{_COUNTERS[family]:02d}",
            "family": family,
            "text": text,
            "denials": denials,
            "notes": notes,
        }
    )


# --- random-looking identifiers (seeded, so the file is stable) --------------------------------


def s3_request_id() -> str:
    return "".join(_RNG.choices(string.ascii_uppercase + string.digits, k=16))


def host_id() -> str:
    chars = string.ascii_letters + string.digits + "+/"
    return "".join(_RNG.choices(chars, k=76)) + "="


def uuid() -> str:
    h = "".join(_RNG.choices("0123456789abcdef", k=32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def blob(n: int = 900) -> str:
    """An EC2 encoded authorization failure message (URL-safe base64-ish)."""
    chars = string.ascii_letters + string.digits + "-_"
    return "".join(_RNG.choices(chars, k=n))


# --- label helpers ---------------------------------------------------------------------------

_PRINCIPAL = re.compile(r"arn:(aws[a-z-]*):(iam|sts)::(\d{12}):(.+)")


def principal(arn: str | None) -> dict[str, Any]:
    """principal_arn and the principal parts a well-formed ARN states."""
    if arn is None:
        return {"principal_arn": None}
    if arn == "anonymous":
        return {"principal_arn": arn, "principal.kind": "anonymous"}
    if not arn.startswith("arn:"):
        return {"principal_arn": arn, "principal.kind": "service"}
    m = _PRINCIPAL.fullmatch(arn)
    if m is None:  # redacted or templated: only the text itself is certain
        return {"principal_arn": arn}
    partition, _svc, account, rest = m.groups()
    out: dict[str, Any] = {
        "principal_arn": arn,
        "principal.partition": partition,
        "principal.account_id": account,
    }
    if rest == "root":
        out["principal.kind"] = "root"
    elif rest.startswith("user/"):
        out["principal.kind"] = "user"
        out["principal.name"] = rest.rsplit("/", 1)[1]
    elif rest.startswith("role/"):
        out["principal.kind"] = "role"
        out["principal.name"] = rest.rsplit("/", 1)[1]
    elif rest.startswith("assumed-role/"):
        _, role, session = rest.split("/", 2)
        out["principal.kind"] = "assumed_role"
        out["principal.name"] = role
        out["principal.session"] = session
        out["principal.role_arn"] = f"arn:{partition}:iam::{account}:role/{role}"
    elif rest.startswith("federated-user/"):
        out["principal.kind"] = "federated_user"
        out["principal.name"] = rest.split("/", 1)[1]
    return out


def _account_of(arn: str | None) -> str | None:
    if arn is None:
        return None
    m = _PRINCIPAL.fullmatch(arn)
    return m.group(3) if m else None


def resource_fields(resource: str | None, principal_arn: str | None) -> dict[str, Any]:
    """resource, and region / resource_account / cross_account when the resource ARN states them."""
    out: dict[str, Any] = {"resource": resource}
    paccount = _account_of(principal_arn)
    if resource is None or not resource.startswith("arn:"):
        out["resource_account"] = None
        out["cross_account"] = None
        return out
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return out
    out["region"] = parts[3] or None
    account = parts[4]
    if re.fullmatch(r"\d{12}", account):
        out["resource_account"] = account
        out["cross_account"] = (paccount != account) if paccount else None
    elif account in ("", "aws"):
        out["resource_account"] = None
        out["cross_account"] = None
    return out


def _apply(out: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for name, value in extra.items():
        key = name.replace("__", ".")
        if value is OMIT:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def na(  # noqa: PLR0917
    p: str | None,
    action: str | None,
    res: str | None = None,
    pt: str | None = None,
    dk: str | None = None,
    tt: str | None = None,
    *,
    kind: str = "not_authorized",
    **extra: Any,
) -> dict[str, Any]:
    """A "... is not authorized to perform: ..." denial (or another kind that names the same parts).

    Defaults assert what a bare sentence implies: no policy ARN, no encoded blob, no error code.
    Keyword arguments add or override fields (`principal__kind` is `principal.kind`); OMIT drops one.
    """
    out: dict[str, Any] = {"kind": kind}
    out.update(principal(p))
    out["action"] = action
    if action:
        out["service"] = action.split(":", 1)[0].lower()
    out.update(resource_fields(res, p))
    out["policy_type"] = pt
    out["deny_kind"] = dk
    out["transitive_through"] = tt
    out["policy_arn"] = None
    out["encoded_message"] = None
    out["error_code"] = None
    return _apply(out, extra)


def only(kind: str, **extra: Any) -> dict[str, Any]:
    """A denial that asserts only its kind and the given fields."""
    return _apply({"kind": kind}, extra)


# Frequently used principals and resources.
SSO_ADMIN = (
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_3f2c1a9b8d7e6f50/"
    "maria.garcia@example.com"
)
GHA = "arn:aws:sts::111122223333:assumed-role/github-actions-deploy/GitHubActions"
LAMBDA = "arn:aws:sts::111122223333:assumed-role/orders-api-lambda-role/orders-api-prod"
CI_USER = "arn:aws:iam::123456789012:user/ci-bot"


# =============================================================================================
# 1. canonical sentence with context: eight policy types, explicit and implicit
# =============================================================================================


def family_1() -> None:
    p = SSO_ADMIN
    r = "arn:aws:s3:::audit-logs-111122223333"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:PutBucketPolicy on resource: {r} "
        "with an explicit deny in a service control policy",
        [na(p, "s3:PutBucketPolicy", r, "scp", "explicit")],
        "SSO permission-set session; email as session name; S3 ARN has no region or account",
    )
    p = "arn:aws:sts::444455556666:assumed-role/app-runtime/i-0a1b2c3d4e5f67890"
    case(
        1,
        f"User: {p} is not authorized to perform: ssm:GetParameter on resource: "
        "arn:aws:ssm:eu-west-1:444455556666:parameter/prod/orders/db-password because no service "
        "control policy allows the ssm:GetParameter action",
        [
            na(
                p,
                "ssm:GetParameter",
                "arn:aws:ssm:eu-west-1:444455556666:parameter/prod/orders/db-password",
                "scp",
                "implicit",
            )
        ],
        "EC2 instance-profile session named after the instance id",
    )
    p = "arn:aws:sts::777788889999:assumed-role/partner-etl/etl-job-2291"
    r = "arn:aws:s3:::acme-shared-datasets/exports/2026-11-29/customers.parquet"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r} with an explicit "
        "deny in a resource control policy",
        [na(p, "s3:GetObject", r, "rcp", "explicit")],
        "RCP explicit deny for an outside-org caller",
    )
    p = "arn:aws:sts::777788889999:assumed-role/vendor-sync/sync"
    r = "arn:aws:iam::111122223333:role/vendor-readonly"
    case(
        1,
        f"User: {p} is not authorized to perform: sts:AssumeRole on resource: {r} because no "
        "resource control policy allows the sts:AssumeRole action",
        [na(p, "sts:AssumeRole", r, "rcp", "implicit")],
        "RCP implicit form; cross-account role",
    )
    p = "arn:aws:sts::111122223333:assumed-role/batch-worker/worker-7"
    r = "arn:aws:dynamodb:us-east-1:111122223333:table/InventorySnapshots"
    case(
        1,
        f"User: {p} is not authorized to perform: dynamodb:GetItem on resource: {r} with an "
        "explicit deny in a VPC endpoint policy",
        [na(p, "dynamodb:GetItem", r, "vpc_endpoint", "explicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/emr-ec2-role/i-09f8e7d6c5b4a3210"
    r = "arn:aws:s3:::emr-logs-us-east-1-111122223333/j-3ABCDEFGHIJKL/node/"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:PutObject on resource: {r} because no VPC "
        "endpoint policy allows the s3:PutObject action",
        [na(p, "s3:PutObject", r, "vpc_endpoint", "implicit")],
    )
    p = "arn:aws:iam::123456789012:user/dev/alice"
    r = "arn:aws:iam::123456789012:user/contractors/bob"
    case(
        1,
        f"User: {p} is not authorized to perform: iam:CreateUser on resource: {r} with an explicit "
        "deny in a permissions boundary",
        [na(p, "iam:CreateUser", r, "permissions_boundary", "explicit")],
        "IAM user with a path: name is the last segment",
    )
    p = "arn:aws:sts::123456789012:assumed-role/DeveloperRole/alice"
    r = "arn:aws:lambda:ap-southeast-2:123456789012:function:billing-reconcile"
    case(
        1,
        f"User: {p} is not authorized to perform: lambda:InvokeFunction on resource: {r} because no "
        "permissions boundary allows the lambda:InvokeFunction action",
        [na(p, "lambda:InvokeFunction", r, "permissions_boundary", "implicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/data-scientist/notebook-session"
    r = "arn:aws:glue:us-west-2:111122223333:table/analytics/page_views"
    case(
        1,
        f"User: {p} is not authorized to perform: glue:DeleteTable on resource: {r} with an "
        "explicit deny in a session policy",
        [na(p, "glue:DeleteTable", r, "session_policy", "explicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/broker-issued/tenant-42"
    r = "arn:aws:s3:::tenant-data-prod/tenant-43/invoices/2026-10.pdf"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r} because no session "
        "policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "session_policy", "implicit")],
        "token-vending-machine session scoped to tenant-42 reading tenant-43",
    )
    p = "arn:aws:sts::111122223333:assumed-role/support-readonly/jdoe"
    case(
        1,
        f"User: {p} is not authorized to perform: cloudwatch:DeleteAlarms with an explicit deny in "
        "a sessions policy",
        [na(p, "cloudwatch:DeleteAlarms", None, "session_policy", "explicit")],
        "'sessions policy' spelling; no resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/support-readonly/jdoe"
    case(
        1,
        f"User: {p} is not authorized to perform: logs:StartQuery because no sessions policy allows "
        "the logs:StartQuery action",
        [na(p, "logs:StartQuery", None, "session_policy", "implicit")],
        "'sessions policy' spelling in the implicit form",
    )
    p = "arn:aws:sts::111122223333:assumed-role/order-events-producer/producer"
    r = "arn:aws:sqs:us-east-1:444455556666:order-events"
    case(
        1,
        f"User: {p} is not authorized to perform: sqs:SendMessage on resource: {r} with an explicit "
        "deny in a resource-based policy",
        [na(p, "sqs:SendMessage", r, "resource_based", "explicit")],
        "cross-account queue",
    )
    p = "arn:aws:sts::444455556666:assumed-role/reporting-task/ecs-task-3f9a"
    r = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting/db-AbCdEf"
    case(
        1,
        f"User: {p} is not authorized to perform: secretsmanager:GetSecretValue on resource: {r} "
        "because no resource-based policy allows the secretsmanager:GetSecretValue action",
        [na(p, "secretsmanager:GetSecretValue", r, "resource_based", "implicit")],
    )
    p = "arn:aws:iam::444455556666:user/ops-jenkins"
    r = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole"
    case(
        1,
        f"User: {p} is not authorized to perform: sts:AssumeRole on resource: {r} with an explicit "
        "deny in the role trust policy",
        [na(p, "sts:AssumeRole", r, "role_trust", "explicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/github-actions-deploy/GitHubActions"
    r = "arn:aws:iam::444455556666:role/prod-deployer"
    case(
        1,
        f"User: {p} is not authorized to perform: sts:AssumeRole on resource: {r} because no role "
        "trust policy allows the sts:AssumeRole action",
        [na(p, "sts:AssumeRole", r, "role_trust", "implicit")],
    )
    p = "arn:aws:sts::123456789012:assumed-role/DeveloperRole/alice"
    r = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
    case(
        1,
        f"User: {p} is not authorized to perform: ec2:TerminateInstances on resource: {r} with an "
        "explicit deny in an identity-based policy",
        [na(p, "ec2:TerminateInstances", r, "identity_based", "explicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/orders-api-lambda-role/orders-api-prod"
    r = "arn:aws:dynamodb:eu-central-1:111122223333:table/Orders/index/byCustomer"
    case(
        1,
        f"User: {p} is not authorized to perform: dynamodb:Query on resource: {r} because no "
        "identity-based policy allows the dynamodb:Query action",
        [na(p, "dynamodb:Query", r, "identity_based", "implicit")],
        "GSI resource ARN",
    )
    p = "arn:aws:iam::777788889999:user/JaneRoe"
    case(
        1,
        f"User: {p} is not authorized to perform: codecommit:ListRepositories because no "
        "identity-based policy allows the codecommit:ListRespositories action",
        [
            na(
                p,
                "codecommit:ListRepositories",
                None,
                "identity_based",
                "implicit",
                context_action="codecommit:ListRespositories",
            )
        ],
        "trailing action misspelled as in the AWS page; action is the one after perform:",
    )
    p = "arn:aws:sts::111122223333:assumed-role/alerts-publisher/publisher"
    r = "arn:aws:sns:us-east-1:444455556666:platform-alerts"
    case(
        1,
        f"User: {p} is not authorized to perform: SNS:Publish on resource: {r} with an explicit "
        "deny in a VPC endpoint policy transitively through a service control policy",
        [na(p, "SNS:Publish", r, "vpc_endpoint", "explicit", "scp")],
        "upper-case prefix kept in action, lower-cased in service",
    )
    p = "arn:aws:sts::111122223333:assumed-role/analytics-reader/quicksight"
    r = "arn:aws:s3:::clickstream-raw/year=2026/month=11/part-0000.parquet"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r} with an explicit "
        "deny in a resource-based policy transitively through a resource control policy",
        [na(p, "s3:GetObject", r, "resource_based", "explicit", "rcp")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/platform-admin/bob"
    r = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    case(
        1,
        f"User: {p} is not authorized to perform: kms:ScheduleKeyDeletion on resource: {r} with an "
        "explicit deny in the service control policy",
        [na(p, "kms:ScheduleKeyDeletion", r, "scp", "explicit")],
        "'the' article before service control policy; canonical wording on a KMS key is"
        " not_authorized, not kms_key_access",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ci-runner/build-8812"
    r = "arn:aws:iam::111122223333:role/service-role/ecs-task-execution"
    case(
        1,
        f"User: {p} is not authorized to perform: iam:PassRole on resource: {r} because no "
        "identity-based policy allows the iam:PassRole action",
        [na(p, "iam:PassRole", r, "identity_based", "implicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/eks-node-group-role/i-0fedcba9876543210"
    case(
        1,
        f"User: {p} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because "
        "no identity-based policy allows the ecr:GetAuthorizationToken action",
        [na(p, "ecr:GetAuthorizationToken", "*", "identity_based", "implicit")],
        "resource is a bare *",
    )
    p = "arn:aws:sts::111122223333:assumed-role/payments-svc/payments-7c9d"
    r = "arn:aws:rds-db:us-east-1:111122223333:dbuser:db-ABCDEFGHIJKLMNOPQRSTU1234/payments_app"
    case(
        1,
        f"User: {p} is not authorized to perform: rds-db:connect on resource: {r} because no "
        "identity-based policy allows the rds-db:connect action",
        [na(p, "rds-db:connect", r, "identity_based", "implicit")],
        "hyphenated service prefix",
    )
    p = "arn:aws:sts::111122223333:assumed-role/orders-api-lambda-role/orders-api-prod"
    r = "arn:aws:logs:eu-central-1:111122223333:log-group:/aws/lambda/orders-api-prod:*"
    case(
        1,
        f"User: {p} is not authorized to perform: logs:CreateLogStream on resource: {r} because no "
        "identity-based policy allows the logs:CreateLogStream action.",
        [na(p, "logs:CreateLogStream", r, "identity_based", "implicit")],
        "trailing period after 'action'",
    )
    p = "arn:aws:iam::123456789012:user/terraform"
    r = "arn:aws:iam::123456789012:policy/ProdDataAccess"
    case(
        1,
        f"User: {p} is not authorized to perform: iam:CreatePolicyVersion on resource: policy {r} "
        "with an explicit deny in an identity-based policy",
        [
            na(
                p,
                "iam:CreatePolicyVersion",
                r,
                "identity_based",
                "explicit",
                resource=OMIT,
                resource_account=OMIT,
                cross_account=OMIT,
                region=OMIT,
            )
        ],
        "IAM writes 'on resource: policy <arn>'; whether resource keeps the 'policy ' word is"
        " ambiguous, so resource and its derived fields are not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/backup-operator/nightly"
    r = "arn:aws:backup:us-east-1:111122223333:backup-vault:prod-vault"
    case(
        1,
        f"User: {p} is not authorized to perform: backup:DeleteRecoveryPoint on resource: {r} with "
        "an explicit deny in a resource-based policy",
        [na(p, "backup:DeleteRecoveryPoint", r, "resource_based", "explicit")],
    )
    p = "arn:aws:sts::444455556666:assumed-role/member-admin/bob"
    case(
        1,
        f"User: {p} is not authorized to perform: organizations:LeaveOrganization with an explicit "
        "deny in a service control policy",
        [na(p, "organizations:LeaveOrganization", None, "scp", "explicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/sagemaker-exec/SageMaker"
    r = "arn:aws:s3:::ml-training-data-111122223333/images/train"
    case(
        1,
        f"User: {p} is not authorized to perform: s3:ListBucket on resource: {r} because no VPC "
        "endpoint policy allows the s3:ListBucket action transitively through a service control "
        "policy",
        [na(p, "s3:ListBucket", r, "vpc_endpoint", "implicit", "scp")],
        "implicit form with a transitive tail",
    )
    p = "arn:aws:sts::111122223333:assumed-role/eventbridge-scheduler/scheduler"
    r = "arn:aws:states:us-east-2:111122223333:stateMachine:nightly-rollup"
    case(
        1,
        f"User: {p} is not authorized to perform: states:StartExecution on resource: {r} because "
        "no identity-based policy allows the states:StartExecution action",
        [na(p, "states:StartExecution", r, "identity_based", "implicit")],
    )
    p = "arn:aws:sts::111122223333:assumed-role/devops/carol"
    r = "arn:aws:cloudformation:us-east-1:111122223333:stack/network-core/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"
    case(
        1,
        f"User: {p} is not authorized to perform: cloudformation:DeleteStack on resource: {r} with "
        "an explicit deny in an identity-based policy",
        [na(p, "cloudformation:DeleteStack", r, "identity_based", "explicit")],
    )


# =============================================================================================
# 2. the 2026 policy-ARN suffix and the authorization-details preview
# =============================================================================================

SCP_ARN = "arn:aws:organizations::111122223333:policy/o-aa111bb222/service_control_policy/p-examplepolicyid111"
RCP_ARN = (
    "arn:aws:organizations::111122223333:policy/o-aa111bb222/resource_control_policy/p-rcp0a1b2c3d"
)


def family_2() -> None:
    p = "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_AdministratorAccess_9a8b7c6d5e4f3a2b/kim.minji"
    r = "arn:aws:ec2:ap-northeast-2:444455556666:instance/*"
    case(
        2,
        f"User: {p} is not authorized to perform: ec2:RunInstances on resource: {r} with an "
        f"explicit deny in a service control policy: {SCP_ARN}",
        [na(p, "ec2:RunInstances", r, "scp", "explicit", policy_arn=SCP_ARN)],
        "SCP ARN suffix after a colon; the org's management account differs from the caller's",
    )
    p = "arn:aws:sts::111122223333:assumed-role/data-eng/airflow"
    r = "arn:aws:s3:::raw-events-eu/2026/11/29/"
    case(
        2,
        f"User: {p} is not authorized to perform: s3:DeleteObject on resource: {r} with an explicit "
        f"deny in a service control policy: {SCP_ARN}.",
        [na(p, "s3:DeleteObject", r, "scp", "explicit", policy_arn=SCP_ARN)],
        "trailing period is not part of the policy ARN",
    )
    p = "arn:aws:iam::123456789012:user/dev/priya"
    r = "arn:aws:rds:us-east-1:123456789012:db:orders-prod"
    pol = "arn:aws:iam::123456789012:policy/DenyProdDeletes"
    case(
        2,
        f"User: {p} is not authorized to perform: rds:DeleteDBInstance on resource: {r} with an "
        f"explicit deny in an identity-based policy: {pol}",
        [na(p, "rds:DeleteDBInstance", r, "identity_based", "explicit", policy_arn=pol)],
    )
    p = "arn:aws:sts::123456789012:assumed-role/DeveloperRole/priya"
    r = "arn:aws:iam::123456789012:role/app-admin"
    pol = "arn:aws:iam::123456789012:policy/boundaries/DeveloperBoundary"
    case(
        2,
        f"User: {p} is not authorized to perform: iam:AttachRolePolicy on resource: {r} with an "
        f"explicit deny in a permissions boundary, with policy ARN: {pol}.",
        [na(p, "iam:AttachRolePolicy", r, "permissions_boundary", "explicit", policy_arn=pol)],
        "', with policy ARN:' variant, policy path kept, trailing period dropped",
    )
    p = "arn:aws:sts::777788889999:assumed-role/partner-etl/etl-job-2291"
    r = "arn:aws:s3:::acme-shared-datasets/exports/customers.csv"
    case(
        2,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r} with an explicit "
        f"deny in a resource control policy: {RCP_ARN}",
        [na(p, "s3:GetObject", r, "rcp", "explicit", policy_arn=RCP_ARN)],
    )
    p = "arn:aws:sts::123456789012:assumed-role/quarantine/incident-4411"
    pol = "arn:aws:iam::aws:policy/AWSDenyAll"
    case(
        2,
        f"User: {p} is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an "
        f"identity-based policy: {pol}",
        [na(p, "s3:ListAllMyBuckets", None, "identity_based", "explicit", policy_arn=pol)],
        "AWS managed policy ARN (account 'aws')",
    )
    p = "arn:aws:sts::111122223333:assumed-role/tenant-broker/tenant-17"
    r = "arn:aws:dynamodb:us-west-2:111122223333:table/TenantConfig"
    pol = "arn:aws:iam::111122223333:policy/session/TenantScopedSession"
    case(
        2,
        f"User: {p} is not authorized to perform: dynamodb:Scan on resource: {r} with an explicit "
        f"deny in a session policy, with policy ARN: {pol}",
        [na(p, "dynamodb:Scan", r, "session_policy", "explicit", policy_arn=pol)],
    )
    auth = "7e1c9b2a-4f3d-4a5e-9c8b-0d1e2f3a4b5c"
    link = f"https://us-east-1.console.aws.amazon.com/iam/home#/authorization-details/{auth}"
    p = "arn:aws:sts::111122223333:assumed-role/data-eng/airflow"
    r = "arn:aws:glue:us-east-1:111122223333:database/finance"
    case(
        2,
        f"User: {p} is not authorized to perform: glue:DeleteDatabase on resource: {r} with an "
        f"explicit deny in a service control policy. To see the authorization details, go to "
        f"{link} (authorization id: {auth})",
        [
            na(
                p,
                "glue:DeleteDatabase",
                r,
                "scp",
                "explicit",
                authorization_id=auth,
                authorization_link=link,
            )
        ],
        "preview: console link and id in parentheses, no policy ARN",
    )
    auth = "az-01JDZ4Q8W6N3X5K7M9P2R4T6V8"
    p = "arn:aws:iam::123456789012:user/ci-bot"
    r = "arn:aws:ecr:us-east-1:123456789012:repository/payments-api"
    case(
        2,
        f"User: {p} is not authorized to perform: ecr:PutImage on resource: {r} because no "
        f"identity-based policy allows the ecr:PutImage action (authorization id: {auth})",
        [na(p, "ecr:PutImage", r, "identity_based", "implicit", authorization_id=auth)],
        "id only, ULID-like shape; link not asserted (a classifier may build one)",
    )
    auth = "f3e2d1c0-b9a8-4765-8432-10fedcba9876"
    link = f"https://console.aws.amazon.com/iam/home?region=eu-west-1#/authorization-details/{auth}"
    p = "arn:aws:sts::111122223333:assumed-role/DataAnalyst/lee"
    r = "arn:aws:athena:eu-west-1:111122223333:workgroup/primary"
    case(
        2,
        f"User: {p} is not authorized to perform: athena:StartQueryExecution on resource: {r} "
        f"because no identity-based policy allows the athena:StartQueryExecution action. For "
        f"details, see {link}",
        [
            na(
                p,
                "athena:StartQueryExecution",
                r,
                "identity_based",
                "implicit",
                authorization_id=auth,
                authorization_link=link,
            )
        ],
        "link only; the id is read from the #/authorization-details/<id> fragment",
    )
    auth = "0c4f8a2e-6b1d-4e93-a7c5-2f9d8e1b3a60"
    link = f"https://us-east-1.console.aws.amazon.com/iam/home#/authorization-details/{auth}"
    p = "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_AdministratorAccess_9a8b7c6d5e4f3a2b/kim.minji"
    case(
        2,
        f"User: {p} is not authorized to perform: iam:CreateOpenIDConnectProvider with an explicit "
        f"deny in a service control policy: {SCP_ARN}. Go to {link} to view the request's "
        f"authorization details (authorization id: {auth}).",
        [
            na(
                p,
                "iam:CreateOpenIDConnectProvider",
                None,
                "scp",
                "explicit",
                policy_arn=SCP_ARN,
                authorization_id=auth,
                authorization_link=link,
            )
        ],
        "policy ARN and the preview together",
    )
    p = "arn:aws:sts::777788889999:assumed-role/JohnDoe/JohnDoe"
    case(
        2,
        "$ aws codecommit list-repositories\n\nAn error occurred (AccessDeniedException) when "
        f"calling the ListRepositories operation: User: {p} is not authorized to perform: "
        "codecommit:ListRepositories with an explicit deny in a service control policy: "
        "arn:aws:organizations::777788889999:policy/o-exampleorgid/service_control_policy/"
        "p-deny-cc-0001\n",
        [
            na(
                p,
                "codecommit:ListRepositories",
                None,
                "scp",
                "explicit",
                policy_arn="arn:aws:organizations::777788889999:policy/o-exampleorgid/"
                "service_control_policy/p-deny-cc-0001",
                error_code="AccessDeniedException",
                operation="ListRepositories",
            )
        ],
        "CLI wrapper plus policy ARN",
    )
    pol = (
        "arn:aws-us-gov:organizations::123456789012:policy/o-gov0example/"
        "service_control_policy/p-govdeny01"
    )
    p = "arn:aws-us-gov:sts::210987654321:assumed-role/GovAdmin/jsmith"
    r = "arn:aws-us-gov:s3:::itar-records-gov"
    case(
        2,
        f"User: {p} is not authorized to perform: s3:PutBucketAcl on resource: {r} with an explicit "
        f"deny in a service control policy: {pol}",
        [na(p, "s3:PutBucketAcl", r, "scp", "explicit", policy_arn=pol)],
        "GovCloud partition throughout",
    )
    auth = "5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"
    link = f"https://console.aws.amazon.com/iam/home#/authorization-details/{auth}"
    p = "arn:aws:sts::111122223333:assumed-role/DataAnalyst/lee"
    r = "arn:aws:s3:::finance-reports-prod/q3/summary.xlsx"
    case(
        2,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" with an '
        f"explicit deny in a resource-based policy. <{link}|View authorization details> "
        f"(authorization id: {auth})",
        [
            na(
                p,
                "s3:GetObject",
                r,
                "resource_based",
                "explicit",
                authorization_id=auth,
                authorization_link=link,
            )
        ],
        "Slack-linked console URL: the link is the URL part, not the label",
    )
    auth = "e9d8c7b6-a5f4-4e3d-9c2b-1a0f9e8d7c6b"
    p = "arn:aws:sts::123456789012:assumed-role/ReleaseManager/tom"
    r = "arn:aws:lambda:us-east-1:123456789012:function:checkout"
    case(
        2,
        f"User: {p} is not authorized to perform: lambda:UpdateFunctionCode on resource: {r} with "
        "an explicit deny in an identity-based policy: "
        "arn:aws:iam::123456789012:policy/FreezeWindowDeny\n"
        f"Authorization ID: {auth}\n",
        [
            na(
                p,
                "lambda:UpdateFunctionCode",
                r,
                "identity_based",
                "explicit",
                policy_arn="arn:aws:iam::123456789012:policy/FreezeWindowDeny",
                authorization_id=auth,
            )
        ],
        "capitalised 'Authorization ID:' on its own line",
    )
    auth = "3a7f1c9e-2b4d-4f6a-8c0e-5d7b9f1a3c5e"
    link = f"https://us-west-2.console.aws.amazon.com/iam/home?region=us-west-2#/authorization-details/{auth}"
    p = "arn:aws:sts::111122223333:assumed-role/ml-pipeline/step-train"
    r = "arn:aws:sagemaker:us-west-2:111122223333:training-job/churn-model-2026-11-29"
    case(
        2,
        f"User: {p} is not authorized to perform: sagemaker:CreateTrainingJob on resource: {r} "
        f"because no permissions boundary allows the sagemaker:CreateTrainingJob action\n"
        f"More details: {link}",
        [
            na(
                p,
                "sagemaker:CreateTrainingJob",
                r,
                "permissions_boundary",
                "implicit",
                authorization_id=auth,
                authorization_link=link,
            )
        ],
        "implicit deny with a preview link (no policy ARN for a missing allow)",
    )
    vpce = "arn:aws:ec2:us-east-1:111122223333:vpc-endpoint/vpce-0a1b2c3d4e5f67890"
    p = "arn:aws:sts::111122223333:assumed-role/batch-worker/worker-3"
    r = "arn:aws:s3:::third-party-drop-zone/incoming/file.csv"
    case(
        2,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" with an '
        f"explicit deny in a VPC endpoint policy, with policy ARN: {vpce}",
        [
            na(
                p,
                "s3:GetObject",
                r,
                "vpc_endpoint",
                "explicit",
                policy_arn=vpce,
                region=OMIT,
            )
        ],
        "VPC endpoint named by its ARN; region not asserted (resource has none, the endpoint"
        " ARN has one)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/log-shipper/fluent-bit"
    r = "arn:aws:firehose:us-east-1:111122223333:deliverystream/app-logs"
    line = (
        '{"level":"error","time":"2026-11-29T08:14:22.913Z","component":"firehose-output",'
        '"error":"AccessDeniedException: User: ' + p + " is not authorized to perform: "
        "firehose:PutRecordBatch on resource: " + r + " with an explicit deny in a service "
        "control policy: " + SCP_ARN + '."}'
    )
    case(
        2,
        line,
        [
            na(
                p,
                "firehose:PutRecordBatch",
                r,
                "scp",
                "explicit",
                policy_arn=SCP_ARN,
                error_code="AccessDeniedException",
            )
        ],
        "JSON log line; policy ARN followed by a period and the closing quote",
    )
    auth = "9c8b7a6f-5e4d-4c3b-a2f1-0e9d8c7b6a59"
    link = (
        "https://console.aws.amazon.com/iam/home?region=us-east-1&amp;source=error"
        f"#/authorization-details/{auth}"
    )
    p = "arn:aws:sts::111122223333:assumed-role/devops/carol"
    r = "arn:aws:eks:us-east-1:111122223333:cluster/prod-main"
    case(
        2,
        f"User: {p} is not authorized to perform: eks:DeleteCluster on resource: {r} with an "
        f"explicit deny in a service control policy: {SCP_ARN}\n"
        f"<{link}|{link}>",
        [
            na(
                p,
                "eks:DeleteCluster",
                r,
                "scp",
                "explicit",
                policy_arn=SCP_ARN,
                authorization_id=auth,
                authorization_link=link.replace("&amp;", "&"),
            )
        ],
        "Slack escapes & as &amp; inside the link; the link is un-escaped",
    )
    p = "arn:aws:iam::123456789012:user/dev/alice"
    pol = "arn:aws:iam::123456789012:policy/DenyOutsideEU"
    case(
        2,
        f"User: {p} is not authorized to perform: ec2:DescribeInstances with an explicit deny in "
        f"an identity-based policy: {pol} (authorization id: 4d3c2b1a-0f9e-4d8c-b7a6-958473625140)",
        [
            na(
                p,
                "ec2:DescribeInstances",
                None,
                "identity_based",
                "explicit",
                policy_arn=pol,
                authorization_id="4d3c2b1a-0f9e-4d8c-b7a6-958473625140",
            )
        ],
    )


# =============================================================================================
# 3. no-context forms, odd principals, partitions
# =============================================================================================


def family_3() -> None:
    p = "arn:aws:iam::123456789012:user/mateojackson"
    r = "arn:aws:cloudwatch::123456789012:dashboard/prod-overview"
    case(
        3,
        f"User: {p} is not authorized to perform: cloudwatch:GetDashboard on resource: {r}",
        [na(p, "cloudwatch:GetDashboard", r)],
        "no context: policy_type and deny_kind null; dashboard ARNs have no region",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    case(
        3,
        f"User: {p} is not authorized to perform: iam:ListRoles",
        [na(p, "iam:ListRoles")],
        "no resource, no context",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    case(
        3,
        f"User: {p} is not authorized to perform: iam:GetAccountAuthorizationDetails with an "
        "explicit deny",
        [na(p, "iam:GetAccountAuthorizationDetails", None, None, "explicit")],
        "bare 'with an explicit deny': deny_kind explicit, policy_type null",
    )
    p = "arn:aws:sts::123456789012:assumed-role/AppRole/app"
    r = "arn:aws:sqs:us-east-1:123456789012:payments-dlq"
    case(
        3,
        f"User: {p} is not authorized to perform: sqs:PurgeQueue on resource: {r} with an explicit "
        "deny",
        [na(p, "sqs:PurgeQueue", r, None, "explicit")],
    )
    r = "arn:aws:execute-api:us-east-1:********1234:a1b2c3d4e5/prod/GET/orders"
    case(
        3,
        '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
        + r
        + '"}',
        [na("anonymous", "execute-api:Invoke", r, resource_account=OMIT, cross_account=None)],
        "API Gateway body; masked account in the resource; anonymous caller, so cross_account null",
    )
    r = "arn:aws:execute-api:eu-west-1:********0000:9z8y7x6w5v/prod/POST/webhooks/stripe"
    case(
        3,
        "curl -sS -X POST https://9z8y7x6w5v.execute-api.eu-west-1.amazonaws.com/prod/webhooks/"
        "stripe\n"
        '{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: '
        + r
        + ' with an explicit deny"}',
        [
            na(
                "anonymous",
                "execute-api:Invoke",
                r,
                None,
                "explicit",
                resource_account=OMIT,
                cross_account=None,
            )
        ],
        "API Gateway resource policy deny (IP allow-list)",
    )
    r = "arn:aws:s3:::static-site-assets-prod/index.html"
    case(
        3,
        f'User: anonymous is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "resource-based policy allows the s3:GetObject action",
        [na("anonymous", "s3:GetObject", r, "resource_based", "implicit")],
    )
    r = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321"
    case(
        3,
        f"Service Principal: glue.amazonaws.com is not authorized to perform: kms:Decrypt on "
        f"resource: {r} because no resource-based policy allows the kms:Decrypt action",
        [
            na(
                "glue.amazonaws.com",
                "kms:Decrypt",
                r,
                "resource_based",
                "implicit",
                cross_account=None,
            )
        ],
        "service principal: principal_arn is the service name; cross_account null (no account)",
    )
    r = "arn:aws:s3:::central-logs-999988887777/AWSLogs/111122223333/"
    case(
        3,
        "Service Principal: delivery.logs.amazonaws.com is not authorized to perform: s3:PutObject "
        f"on resource: {r} because no resource-based policy allows the s3:PutObject action",
        [na("delivery.logs.amazonaws.com", "s3:PutObject", r, "resource_based", "implicit")],
    )
    r = "arn:aws:iam::123456789012:role/lambda-exec-orders"
    case(
        3,
        f"User is not authorized to perform: iam:PassRole on resource: {r}",
        [na(None, "iam:PassRole", r)],
        "no principal at all: principal_arn null; cross_account null",
    )
    case(
        3,
        "User is not authorized to perform: cloudformation:CreateStack because no identity-based "
        "policy allows the cloudformation:CreateStack action",
        [na(None, "cloudformation:CreateStack", None, "identity_based", "implicit")],
    )
    p = "arn:aws:iam::***:user/deploy-bot"
    r = "arn:aws:s3:::***-artifacts/releases/v1.4.2.tgz"
    case(
        3,
        f'User: {p} is not authorized to perform: s3:PutObject on resource: "{r}" because no '
        "identity-based policy allows the s3:PutObject action",
        [na(p, "s3:PutObject", r, "identity_based", "implicit", cross_account=None)],
        "GitHub Actions masks the account id as ***; principal parts not asserted",
    )
    p = "arn:aws:sts::<account-id>:assumed-role/MyLambdaRole/my-function"
    r = "arn:aws:dynamodb:us-east-1:<account-id>:table/MyTable"
    case(
        3,
        f"User: {p} is not authorized to perform: dynamodb:PutItem on resource: {r} because no "
        "identity-based policy allows the dynamodb:PutItem action",
        [na(p, "dynamodb:PutItem", r, "identity_based", "implicit", cross_account=None)],
        "templated account id from a blog post; resource_account not asserted",
    )
    p = "arn:aws:sts::XXXXXXXXXXXX:assumed-role/ci-runner/gitlab-4471"
    r = "arn:aws:ecr:eu-west-1:XXXXXXXXXXXX:repository/web"
    case(
        3,
        f"User: {p} is not authorized to perform: ecr:InitiateLayerUpload on resource: {r} because "
        "no identity-based policy allows the ecr:InitiateLayerUpload action",
        [na(p, "ecr:InitiateLayerUpload", r, "identity_based", "implicit", cross_account=None)],
        "XXXXXXXXXXXX-redacted account",
    )
    p = "arn:aws:sts::[REDACTED]:assumed-role/prod-readonly/jane"
    case(
        3,
        f"User: {p} is not authorized to perform: secretsmanager:ListSecrets",
        [na(p, "secretsmanager:ListSecrets")],
    )
    p = "arn:aws:iam::123456789012:user/svc-reporting"
    case(
        3,
        f"User: {p} is not authorized to perform: ce:GetCostAndUsage on this resource because no "
        "identity-based policy allows the ce:GetCostAndUsage action",
        [na(p, "ce:GetCostAndUsage", None, "identity_based", "implicit")],
        "'on this resource': resource null",
    )
    p = "arn:aws:sts::111122223333:assumed-role/web-app/web-7f9c"
    r = "arn:aws:s3:::user-uploads-prod/avatars/8812.png"
    case(
        3,
        f'User: {p} is not authorized to perform: s3:PutObject on resource: "{r}" because no '
        "identity-based policy allows the s3:PutObject action",
        [na(p, "s3:PutObject", r, "identity_based", "implicit")],
        "S3's double-quoted resource",
    )
    p = "arn:aws-cn:iam::123456789012:user/ops-zhang"
    r = "arn:aws-cn:s3:::cn-north-1-app-config/app.yaml"
    case(
        3,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "identity-based policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "identity_based", "implicit")],
        "aws-cn partition",
    )
    p = "arn:aws-cn:sts::123456789012:assumed-role/ecs-task/3f0b9c"
    r = "arn:aws-cn:sqs:cn-northwest-1:123456789012:jobs"
    case(
        3,
        f"User: {p} is not authorized to perform: sqs:ReceiveMessage on resource: {r} because no "
        "identity-based policy allows the sqs:ReceiveMessage action",
        [na(p, "sqs:ReceiveMessage", r, "identity_based", "implicit")],
        "aws-cn, Ningxia region",
    )
    p = "arn:aws-us-gov:sts::123456789012:assumed-role/GovDeploy/pipeline"
    r = "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:intake"
    case(
        3,
        f"User: {p} is not authorized to perform: lambda:UpdateFunctionConfiguration on resource: "
        f"{r} with an explicit deny in a service control policy",
        [na(p, "lambda:UpdateFunctionConfiguration", r, "scp", "explicit")],
        "aws-us-gov partition",
    )
    p = "arn:aws-iso:sts::123456789012:assumed-role/mission-app/app"
    r = "arn:aws-iso:s3:::mission-data-iso/feed/latest.json"
    case(
        3,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r} because no "
        "resource-based policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "resource_based", "implicit")],
        "aws-iso partition",
    )
    p = "arn:aws-iso-b:iam::123456789012:user/analyst01"
    r = "arn:aws-iso-b:dynamodb:us-isob-east-1:123456789012:table/Tracks"
    case(
        3,
        f"User: {p} is not authorized to perform: dynamodb:BatchWriteItem on resource: {r} because "
        "no identity-based policy allows the dynamodb:BatchWriteItem action",
        [na(p, "dynamodb:BatchWriteItem", r, "identity_based", "implicit")],
        "aws-iso-b partition",
    )
    p = "arn:aws-eusc:sts::123456789012:assumed-role/platform/eu-ops"
    r = "arn:aws-eusc:kinesis:eusc-de-east-1:123456789012:stream/clickstream"
    case(
        3,
        f"User: {p} is not authorized to perform: kinesis:PutRecords on resource: {r} because no "
        "identity-based policy allows the kinesis:PutRecords action",
        [na(p, "kinesis:PutRecords", r, "identity_based", "implicit")],
        "aws-eusc (European Sovereign Cloud) partition",
    )
    p = "arn:aws:sts::123456789012:federated-user/Alice"
    r = "arn:aws:s3:::corp-shared/alice/report.docx"
    case(
        3,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "session policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "session_policy", "implicit")],
        "GetFederationToken user",
    )
    p = "arn:aws:iam::123456789012:root"
    r = "arn:aws:iam::444455556666:role/audit-readonly"
    case(
        3,
        f"User: {p} is not authorized to perform: sts:AssumeRole on resource: {r} because no role "
        "trust policy allows the sts:AssumeRole action",
        [na(p, "sts:AssumeRole", r, "role_trust", "implicit")],
        "root principal; cross-account",
    )
    p = "arn:aws:iam::123456789012:root"
    case(
        3,
        f"User: {p} is not authorized to perform: s3:PutAccountPublicAccessBlock with an explicit "
        "deny in a service control policy",
        [na(p, "s3:PutAccountPublicAccessBlock", None, "scp", "explicit")],
    )
    p = "arn:aws:iam::111122223333:role/service-role/codebuild-web-service-role"
    r = "arn:aws:s3:::codepipeline-us-east-1-111122223333/web/SourceArti/abc123.zip"
    case(
        3,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: {r}",
        [na(p, "s3:GetObject", r)],
        "role ARN (not a session) as the principal, with a path: kind role, name last segment",
    )
    p = "arn:aws:iam::111122223333:user/division_abc/subdivision_xyz/JaneRoe"
    r = "arn:aws:ssm:us-east-1:111122223333:document/AWS-RunShellScript"
    case(
        3,
        f"User: {p} is not authorized to perform: ssm:SendCommand on resource: {r}",
        [na(p, "ssm:SendCommand", r)],
        "deep user path",
    )
    p = "arn:aws:sts::444455556666:assumed-role/observability/grafana"
    r = "arn:aws:logs:us-east-1:111122223333:log-group:/ecs/payments:*"
    case(
        3,
        f"User: {p} is not authorized to perform: logs:FilterLogEvents on resource: {r}",
        [na(p, "logs:FilterLogEvents", r)],
        "cross-account, no context",
    )
    p = "arn:aws:iam::123456789012:user/eks-admin"
    case(
        3,
        f"User: {p} is not authorized to perform: iam:GetRole on resource: role "
        "eks-cluster-role because no identity-based policy allows the iam:GetRole action",
        [
            na(
                p,
                "iam:GetRole",
                None,
                "identity_based",
                "implicit",
                resource=OMIT,
                cross_account=OMIT,
                resource_account=OMIT,
            )
        ],
        "IAM's 'on resource: role <name>' shape: whether resource is 'role eks-cluster-role' or"
        " the bare name is ambiguous, so it is not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"
    r = "arn:aws:kms:us-east-1:111122223333:key/abcd1234-a123-456a-a12b-a123b4cd56ef"
    case(
        3,
        f"User: {p} is not authorized to perform: kms:CreateGrant on resource: {r} because no "
        "resource-based policy allows the kms:CreateGrant action",
        [na(p, "kms:CreateGrant", r, "resource_based", "implicit")],
        "service-linked role session (ASG launching with an encrypted EBS key)",
    )


# =============================================================================================
# 4. wrappers: CLI, SDKs, Terraform, CloudFormation, XML, JSON logs, markdown, CI logs
# =============================================================================================


def family_4() -> None:
    p = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b/dev.kim"
    r = "arn:aws:s3:::payments-config-prod"
    case(
        4,
        "$ aws s3api get-bucket-policy --bucket payments-config-prod --profile prod-ro\n\n"
        "An error occurred (AccessDenied) when calling the GetBucketPolicy operation: User: "
        f'{p} is not authorized to perform: s3:GetBucketPolicy on resource: "{r}" because no '
        "identity-based policy allows the s3:GetBucketPolicy action\n$ ",
        [
            na(
                p,
                "s3:GetBucketPolicy",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="GetBucketPolicy",
            )
        ],
        "AWS CLI v2 with a prompt line",
    )
    p = "arn:aws:iam::123456789012:user/ec2-user-automation"
    r = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    case(
        4,
        "[ec2-user@ip-10-0-1-23 ~]$ aws dynamodb scan --table-name Orders --region us-east-1\n"
        "\nAn error occurred (AccessDeniedException) when calling the Scan operation: User: "
        f"{p} is not authorized to perform: dynamodb:Scan on resource: {r}\n"
        "[ec2-user@ip-10-0-1-23 ~]$",
        [na(p, "dynamodb:Scan", r, error_code="AccessDeniedException", operation="Scan")],
        "AWS CLI v1 on an old AMI; bash prompt before and after",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    case(
        4,
        "$ aws ec2 describe-instances --filters Name=tag:env,Values=prod\n"
        "\nAn error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: "
        f"You are not authorized to perform this operation. User: {p} is not authorized to "
        "perform: ec2:DescribeInstances because no identity-based policy allows the "
        "ec2:DescribeInstances action",
        [
            na(
                p,
                "ec2:DescribeInstances",
                None,
                "identity_based",
                "implicit",
                error_code="UnauthorizedOperation",
                operation="DescribeInstances",
            )
        ],
        "EC2 Describe*: readable sentence, no encoded blob -> not_authorized",
    )
    p = "arn:aws:sts::111122223333:assumed-role/alerts-publisher/publisher"
    r = "arn:aws:sns:eu-west-1:444455556666:oncall-pages"
    case(
        4,
        "$ aws sns publish --topic-arn arn:aws:sns:eu-west-1:444455556666:oncall-pages --message "
        "test\n\nAn error occurred (AuthorizationError) when calling the Publish operation: User: "
        f"{p} is not authorized to perform: SNS:Publish on resource: {r} because no resource-based "
        "policy allows the SNS:Publish action",
        [
            na(
                p,
                "SNS:Publish",
                r,
                "resource_based",
                "implicit",
                error_code="AuthorizationError",
                operation="Publish",
            )
        ],
        "SNS's AuthorizationError code; the topic ARN also appears in the command line",
    )
    p = "arn:aws:sts::111122223333:assumed-role/github-actions-deploy/GitHubActions"
    r = "arn:aws:iam::444455556666:role/prod-deployer"
    case(
        4,
        "$ aws sts assume-role --role-arn arn:aws:iam::444455556666:role/prod-deployer "
        "--role-session-name deploy\n\nAn error occurred (AccessDenied) when calling the AssumeRole "
        f"operation: User: {p} is not authorized to perform: sts:AssumeRole on resource: {r}",
        [na(p, "sts:AssumeRole", r, error_code="AccessDenied", operation="AssumeRole")],
        "classic no-context AssumeRole failure, cross-account",
    )
    p = "arn:aws:sts::123456789012:assumed-role/DeveloperRole/priya"
    r = "arn:aws:iam::123456789012:role/reporting-lambda"
    case(
        4,
        "An error occurred (AccessDenied) when calling the CreateRole operation: User: "
        f"{p} is not authorized to perform: iam:CreateRole on resource: {r} because no permissions "
        "boundary allows the iam:CreateRole action",
        [
            na(
                p,
                "iam:CreateRole",
                r,
                "permissions_boundary",
                "implicit",
                error_code="AccessDenied",
                operation="CreateRole",
            )
        ],
    )
    p = LAMBDA
    r = "arn:aws:s3:::orders-archive-prod/2026/11/29/batch-0001.json"
    case(
        4,
        "[ERROR] ClientError: An error occurred (AccessDenied) when calling the GetObject operation: "
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "identity-based policy allows the s3:GetObject action\nTraceback (most recent call last):\n"
        '\xa0\xa0File "/var/task/handler.py", line 42, in handler\n'
        "\xa0\xa0\xa0\xa0obj = s3.get_object(Bucket=BUCKET, Key=key)\n"
        '\xa0\xa0File "/var/runtime/botocore/client.py", line 565, in _api_call\n'
        "\xa0\xa0\xa0\xa0return self._make_api_call(operation_name, kwargs)\n"
        '\xa0\xa0File "/var/runtime/botocore/client.py", line 1021, in _make_api_call\n'
        "\xa0\xa0\xa0\xa0raise error_class(parsed_response, operation_name)",
        [
            na(
                p,
                "s3:GetObject",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="GetObject",
            )
        ],
        "Lambda Python runtime log: '[ERROR] <class>: <message>' first, then the frames (indented"
        " with NBSPs as CloudWatch shows them)",
    )
    p = "arn:aws:sts::444455556666:assumed-role/reporting-task/ecs-task-3f9a"
    r = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/reporting/db-AbCdEf"
    case(
        4,
        "Traceback (most recent call last):\n"
        '  File "/app/report/main.py", line 17, in <module>\n'
        "    creds = get_db_credentials()\n"
        '  File "/app/report/secrets.py", line 9, in get_db_credentials\n'
        "    resp = client.get_secret_value(SecretId=SECRET_ARN)\n"
        '  File "/usr/local/lib/python3.12/site-packages/botocore/client.py", line 569, in '
        "_api_call\n    return self._make_api_call(operation_name, kwargs)\n"
        '  File "/usr/local/lib/python3.12/site-packages/botocore/client.py", line 1023, in '
        "_make_api_call\n    raise error_class(parsed_response, operation_name)\n"
        "botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) "
        f"when calling the GetSecretValue operation: User: {p} is not authorized to perform: "
        f"secretsmanager:GetSecretValue on resource: {r} because no resource-based policy allows "
        "the secretsmanager:GetSecretValue action",
        [
            na(
                p,
                "secretsmanager:GetSecretValue",
                r,
                "resource_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="GetSecretValue",
            )
        ],
        "botocore.errorfactory exception class",
    )
    p = LAMBDA
    r = "arn:aws:sqs:eu-central-1:111122223333:orders-fulfilment"
    case(
        4,
        '{\n  "errorMessage": "An error occurred (AccessDenied) when calling the SendMessage '
        f"operation: User: {p} is not authorized to perform: sqs:sendmessage on resource: {r} "
        'because no identity-based policy allows the sqs:sendmessage action",\n'
        '  "errorType": "ClientError",\n  "requestId": "3b6c1f0e-8f2a-4d1e-9b7c-5a4d3c2b1a09",\n'
        '  "stackTrace": [\n    "  File \\"/var/task/app.py\\", line 31, in lambda_handler\\n'
        '    sqs.send_message(QueueUrl=QUEUE_URL, MessageBody=json.dumps(order))\\n"\n  ]\n}',
        [
            na(
                p,
                "sqs:sendmessage",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="SendMessage",
            )
        ],
        "Lambda invoke response JSON; SQS reports the action lower-cased, kept as written",
    )
    p = "arn:aws:sts::111122223333:assumed-role/billing-worker/worker"
    r = "arn:aws:dynamodb:us-east-1:111122223333:table/Invoices"
    rid = "P3K9B2L7N5M1Q8R4T6V0W2X4Y6Z8A0C2EMVJF66Q9ASUAAJG"
    case(
        4,
        f"failed to write invoice: AccessDeniedException: User: {p} is not authorized to perform: "
        f"dynamodb:PutItem on resource: {r} with an explicit deny in an identity-based policy\n"
        f"\tstatus code: 400, request id: {rid}",
        [
            na(
                p,
                "dynamodb:PutItem",
                r,
                "identity_based",
                "explicit",
                error_code="AccessDeniedException",
                request_id=rid,
            )
        ],
        "Go SDK v1 error string (tab-indented status line)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/eks-irsa-external-dns/1732871234567890123"
    r = "arn:aws:iam::111122223333:role/route53-updater"
    rid = uuid()
    case(
        4,
        'time="2026-11-29T09:12:44Z" level=fatal msg="failed to assume role: operation error STS: '
        f"AssumeRole, https response error StatusCode: 403, RequestID: {rid}, api error "
        f'AccessDenied: User: {p} is not authorized to perform: sts:AssumeRole on resource: {r}"',
        [
            na(
                p,
                "sts:AssumeRole",
                r,
                error_code="AccessDenied",
                operation="AssumeRole",
                request_id=rid,
            )
        ],
        "Go SDK v2 (operation error ...) inside a logrus line",
    )
    p = "arn:aws:sts::111122223333:assumed-role/inventory-svc/inventory-6d8f"
    r = "arn:aws:dynamodb:ap-southeast-1:111122223333:table/Stock"
    rid = "8Q2M4N6B8V0C2X4Z6L8K0J2H4G6F8D0S2A4P6O8I0U2Y4T6R8E"
    case(
        4,
        "2026/11/29 09:13:02 ERROR update stock: operation error DynamoDB: UpdateItem, https "
        f"response error StatusCode: 400, RequestID: {rid}, api error AccessDeniedException: "
        f"User: {p} is not authorized to perform: dynamodb:UpdateItem on resource: {r} because no "
        "identity-based policy allows the dynamodb:UpdateItem action",
        [
            na(
                p,
                "dynamodb:UpdateItem",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="UpdateItem",
                request_id=rid,
            )
        ],
    )
    p = "arn:aws:iam::123456789012:user/jenkins"
    r = "arn:aws:iam::444455556666:role/cross-account-deploy"
    rid = uuid()
    case(
        4,
        "com.amazonaws.services.securitytoken.model.AWSSecurityTokenServiceException: User: "
        f"{p} is not authorized to perform: sts:AssumeRole on resource: {r} (Service: "
        f"AWSSecurityTokenService; Status Code: 403; Error Code: AccessDenied; Request ID: {rid}; "
        "Proxy: null)\n"
        "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse"
        "(AmazonHttpClient.java:1879)\n"
        "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleServiceErrorResponse"
        "(AmazonHttpClient.java:1418)\n"
        "\tat com.amazonaws.services.securitytoken.AWSSecurityTokenServiceClient.doInvoke"
        "(AWSSecurityTokenServiceClient.java:1760)\n"
        "\tat com.example.deploy.CrossAccount.assume(CrossAccount.java:48)",
        [na(p, "sts:AssumeRole", r, error_code="AccessDenied", request_id=rid)],
        "Java SDK v1: the (Service: ...; Error Code: ...) tail is not part of the resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/spark-emr/emr-job"
    r = "arn:aws:s3:::data-lake-raw"
    case(
        4,
        'Exception in thread "main" software.amazon.awssdk.services.s3.model.S3Exception: User: '
        f'{p} is not authorized to perform: s3:ListBucket on resource: "{r}" because no '
        "identity-based policy allows the s3:ListBucket action (Service: S3, Status Code: 403, "
        "Request ID: 7T3H1N3K2Q9P8R4S, Extended Request ID: "
        f"{host_id()})\n"
        "\tat software.amazon.awssdk.core.internal.http.CombinedResponseHandler.handleErrorResponse"
        "(CombinedResponseHandler.java:125)\n"
        "\tat software.amazon.awssdk.services.s3.DefaultS3Client.listObjectsV2(DefaultS3Client.java"
        ":7563)",
        [
            na(
                p,
                "s3:ListBucket",
                r,
                "identity_based",
                "implicit",
                error_code=OMIT,
                request_id="7T3H1N3K2Q9P8R4S",
            )
        ],
        "Java SDK v2 names no error code in its message; error_code not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/notifications/worker"
    r = "arn:aws:sqs:us-east-1:111122223333:email-outbox"
    case(
        4,
        "software.amazon.awssdk.services.sqs.model.SqsException: User: "
        f"{p} is not authorized to perform: SQS:ReceiveMessage on resource: {r} because no "
        "identity-based policy allows the SQS:ReceiveMessage action (Service: Sqs, Status Code: "
        f"403, Request ID: {uuid()})",
        [na(p, "SQS:ReceiveMessage", r, "identity_based", "implicit", error_code=OMIT)],
        "Java SDK v2; error_code not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/web-api-role/web-api"
    r = "arn:aws:dynamodb:eu-west-1:111122223333:table/Sessions"
    case(
        4,
        f"AccessDeniedException: User: {p} is not authorized to perform: dynamodb:PutItem on "
        f"resource: {r} because no identity-based policy allows the dynamodb:PutItem action\n"
        "    at throwDefaultError (/var/task/node_modules/@smithy/smithy-client/dist-cjs/index.js"
        ":867:20)\n"
        "    at /var/task/node_modules/@smithy/smithy-client/dist-cjs/index.js:876:5\n"
        "    at de_CommandError (/var/task/node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js"
        ":2293:14)\n"
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {\n"
        "  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 400,\n"
        "    requestId: 'Q7H2KJ3N4B5V6C7X8Z9ASDFGHJKLQWERTYUIOPZXCVBNMLKJH',\n"
        "    extendedRequestId: undefined,\n    cfId: undefined,\n    attempts: 1,\n"
        "    totalRetryDelay: 0\n  },\n"
        "  __type: 'com.amazon.coral.service#AccessDeniedException'\n}",
        [
            na(
                p,
                "dynamodb:PutItem",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
            )
        ],
        "JS SDK v3 error printed by console.error, with $metadata",
    )
    p = "arn:aws:sts::111122223333:assumed-role/legacy-node-app/app"
    r = "arn:aws:kinesis:us-east-1:111122223333:stream/events"
    case(
        4,
        f"AccessDeniedException: User: {p} is not authorized to perform: kinesis:PutRecord on "
        f"resource: {r} because no identity-based policy allows the kinesis:PutRecord action\n"
        "    at Request.extractError (/app/node_modules/aws-sdk/lib/protocol/json.js:80:27)\n"
        "    at Request.callListeners (/app/node_modules/aws-sdk/lib/sequential_executor.js:106:20)"
        "\n  code: 'AccessDeniedException',\n  time: 2026-11-29T09:20:11.052Z,\n"
        "  requestId: 'e4c1a3b5-0d2f-4e6a-8b9c-1d2e3f4a5b6c',\n  statusCode: 400,\n"
        "  retryable: false,\n  retryDelay: 62.4",
        [
            na(
                p,
                "kinesis:PutRecord",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
            )
        ],
        "JS SDK v2 error dump",
    )
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    r = "arn:aws:iam::111122223333:role/ci-deploy"
    case(
        4,
        "╷\n"
        "│ Error: creating IAM Role (ci-deploy): operation error IAM: CreateRole, https response "
        f"error StatusCode: 403, RequestID: {uuid()}, api error AccessDenied: User: {p} is not "
        f"authorized to perform: iam:CreateRole on resource: {r} with an explicit deny in a service "
        "control policy\n"
        "│ \n"
        "│   with aws_iam_role.ci_deploy,\n"
        '│   on iam.tf line 12, in resource "aws_iam_role" "ci_deploy":\n'
        '│   12: resource "aws_iam_role" "ci_deploy" {\n'
        "│ \n"
        "╵",
        [
            na(
                p,
                "iam:CreateRole",
                r,
                "scp",
                "explicit",
                error_code="AccessDenied",
                operation="CreateRole",
            )
        ],
        "Terraform AWS provider v5, one long line inside the gutter",
    )
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    r = "arn:aws:s3:::tf-state-platform-prod"
    case(
        4,
        "╷\n"
        "│ Error: reading S3 Bucket (tf-state-platform-prod) Policy: operation error S3:\n"
        "│ GetBucketPolicy, https response error StatusCode: 403, RequestID:\n"
        f"│ {s3_request_id()}, HostID:\n"
        f"│ {host_id()},\n"
        "│ api error AccessDenied: User:\n"
        f"│ {p} is not\n"
        "│ authorized to perform: s3:GetBucketPolicy on resource:\n"
        f'│ "{r}" because no identity-based policy\n'
        "│ allows the s3:GetBucketPolicy action\n"
        "│ \n"
        "│   with aws_s3_bucket_policy.state,\n"
        '│   on main.tf line 40, in resource "aws_s3_bucket_policy" "state":\n'
        '│   40: resource "aws_s3_bucket_policy" "state" {\n'
        "│ \n"
        "╵",
        [
            na(
                p,
                "s3:GetBucketPolicy",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="GetBucketPolicy",
            )
        ],
        "Terraform word-wraps inside the gutter: the sentence continues across '│ ' lines",
    )
    p = "arn:aws:iam::123456789012:user/terraform"
    r = "arn:aws:iam::123456789012:role/app-task-role"
    rid = uuid()
    case(
        4,
        "Error: error creating IAM Role (app-task-role): AccessDenied: User: "
        f"{p} is not authorized to perform: iam:CreateRole on resource: {r} with an explicit deny "
        f"in a service control policy\n\tstatus code: 403, request id: {rid}\n\n"
        '  on iam.tf line 1, in resource "aws_iam_role" "app_task":\n'
        '   1: resource "aws_iam_role" "app_task" {',
        [
            na(
                p,
                "iam:CreateRole",
                r,
                "scp",
                "explicit",
                error_code="AccessDenied",
                request_id=rid,
            )
        ],
        "Terraform 0.12-era provider (Go SDK v1 error inside)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/cfn-exec-role/AWSCloudFormation"
    r = "arn:aws:sqs:us-east-1:111122223333:orders"
    case(
        4,
        "2026-11-29 10:15:32 UTC+0000\tOrdersQueuePolicy\tCREATE_FAILED\tResource handler "
        f'returned message: "User: {p} is not authorized to perform: sqs:SetQueueAttributes on '
        f"resource: {r} because no identity-based policy allows the sqs:SetQueueAttributes action "
        f'(Service: Sqs, Status Code: 403, Request ID: {uuid()})" (RequestToken: {uuid()}, '
        "HandlerErrorCode: AccessDenied)\n"
        "2026-11-29 10:15:33 UTC+0000\torders-stack\tUPDATE_ROLLBACK_IN_PROGRESS\tThe following "
        "resource(s) failed to create: [OrdersQueuePolicy].",
        [
            na(
                p,
                "sqs:SetQueueAttributes",
                r,
                "identity_based",
                "implicit",
                error_code=OMIT,
            )
        ],
        "CloudFormation events (console copy, tab separated); HandlerErrorCode is not asserted as"
        " error_code",
    )
    p = "arn:aws:sts::111122223333:assumed-role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1/AWSCloudFormation"
    r = "arn:aws:iam::111122223333:role/OrdersStack-HandlerServiceRole"
    case(
        4,
        "OrdersStack | 3/9 | 10:21:07 AM | CREATE_FAILED        | AWS::Lambda::Function | "
        f'Handler886CB40B Resource handler returned message: "User: {p} is not authorized to '
        f"perform: iam:PassRole on resource: {r} because no identity-based policy allows the "
        f'iam:PassRole action (Service: Lambda, Status Code: 403, Request ID: {uuid()})"',
        [na(p, "iam:PassRole", r, "identity_based", "implicit", error_code=OMIT)],
        "CDK deploy progress line; long CDK role name",
    )
    p = "arn:aws:iam::123456789012:user/ci"
    r = "arn:aws:s3:::build-artifacts-123456789012/app/app.zip"
    rid = s3_request_id()
    case(
        4,
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>AccessDenied</Code><Message>User: {p} is not authorized to perform: "
        f"s3:PutObject on resource: &quot;{r}&quot; with an explicit deny in a resource-based "
        f"policy</Message><RequestId>{rid}</RequestId><HostId>{host_id()}</HostId></Error>",
        [
            na(
                p,
                "s3:PutObject",
                r,
                "resource_based",
                "explicit",
                error_code="AccessDenied",
                request_id=rid,
            )
        ],
        "raw S3 XML body; quotes XML-escaped as &quot;",
    )
    p = "arn:aws:iam::123456789012:user/legacy-app"
    r = "arn:aws:iam::123456789012:role/batch-admin"
    rid = uuid()
    case(
        4,
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n'
        "    <Type>Sender</Type>\n    <Code>AccessDenied</Code>\n"
        f"    <Message>User: {p} is not authorized to perform: sts:AssumeRole on resource: {r}"
        f"</Message>\n  </Error>\n  <RequestId>{rid}</RequestId>\n</ErrorResponse>",
        [na(p, "sts:AssumeRole", r, error_code="AccessDenied", request_id=rid)],
        "STS query-protocol XML error",
    )
    p = "arn:aws:sts::111122223333:assumed-role/media-uploader/uploader-5"
    r = "arn:aws:s3:::media-originals/2026/11/29/IMG_2041.HEIC"
    case(
        4,
        '{"ts":"2026-11-29T09:31:07.114Z","level":"error","svc":"media-uploader","msg":"upload '
        'failed","err":"AccessDenied: User: '
        + p
        + ' is not authorized to perform: s3:PutObject on resource: \\"'
        + r
        + '\\" because no VPC endpoint policy allows the s3:PutObject action","attempt":1}',
        [
            na(
                p,
                "s3:PutObject",
                r,
                "vpc_endpoint",
                "implicit",
                error_code="AccessDenied",
            )
        ],
        "escaped quotes around the resource inside a JSON log line",
    )
    p = "arn:aws:sts::111122223333:assumed-role/etl-runner/etl"
    r = "arn:aws:glue:us-east-1:111122223333:catalog"
    case(
        4,
        '2026-11-29 09:40:12,551 ERROR etl.load {"event": "load_failed", "error": "An error '
        "occurred (AccessDeniedException) when calling the GetDatabases operation: User: "
        + p
        + " is not authorized to perform: glue:GetDatabases on resource: "
        + r
        + ' because no identity-based policy allows the glue:GetDatabases action", "job": '
        '"daily_load"}',
        [
            na(
                p,
                "glue:GetDatabases",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="GetDatabases",
            )
        ],
        "structlog JSON after a logging prefix",
    )
    p = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataEngineer_6f5e4d3c2b1a0987/hana"
    r = "arn:aws:redshift:us-east-1:111122223333:dbuser:analytics-cluster/hana"
    case(
        4,
        "anyone seen this before?\n"
        f"> User: {p} is not authorized to perform: redshift:GetClusterCredentials on resource:\n"
        f"> {r} because no identity-based policy allows the\n"
        "> redshift:GetClusterCredentials action\n"
        "i thought the permission set had redshift:*",
        [
            na(
                p,
                "redshift:GetClusterCredentials",
                r,
                "identity_based",
                "implicit",
            )
        ],
        "markdown quote spanning lines: '> ' markers are not part of the sentence",
    )
    p = "arn:aws:sts::111122223333:assumed-role/qa-runner/qa"
    r = "arn:aws:states:us-east-1:111122223333:stateMachine:checkout-e2e"
    case(
        4,
        "Repro steps:\n- deploy branch `feat/checkout`\n- run `make e2e`\n"
        f"- fails with `User: {p} is not authorized to perform: states:StartExecution on resource: "
        f"{r}`\n- retry does not help",
        [na(p, "states:StartExecution", r)],
        "bullet plus inline backticks; the closing backtick is not part of the resource",
    )
    p = GHA
    r = "arn:aws:ecs:us-east-1:111122223333:service/prod/web"
    case(
        4,
        "2026-11-29T09:45:01.1234567Z ##[group]Run aws ecs update-service --cluster prod --service web "
        "--force-new-deployment\n"
        "2026-11-29T09:45:01.1240000Z aws ecs update-service --cluster prod --service web "
        "--force-new-deployment\n"
        "2026-11-29T09:45:01.1250000Z ##[endgroup]\n"
        "2026-11-29T09:45:03.8812345Z \n"
        "2026-11-29T09:45:03.8820001Z An error occurred (AccessDeniedException) when calling the "
        f"UpdateService operation: User: {p} is not authorized to perform: ecs:UpdateService on "
        f"resource: {r} because no identity-based policy allows the ecs:UpdateService action\n"
        "2026-11-29T09:45:03.9901234Z ##[error]Process completed with exit code 254.",
        [
            na(
                p,
                "ecs:UpdateService",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="UpdateService",
            )
        ],
        "GitHub Actions raw log with timestamps",
    )
    p = "arn:aws:sts::111122223333:assumed-role/karpenter-controller/1732871000000000000"
    case(
        4,
        '2026-11-29T09:50:12.345Z\tERROR\tcontroller.provisioner\tlaunching nodeclaim\t{"error": '
        '"creating instance, getting launch template configs, creating launch template, '
        "UnauthorizedOperation: You are not authorized to perform this operation. User: "
        f"{p} is not authorized to perform: ec2:CreateLaunchTemplate on resource: "
        "arn:aws:ec2:us-west-2:111122223333:launch-template/* because no identity-based policy "
        'allows the ec2:CreateLaunchTemplate action."}',
        [
            na(
                p,
                "ec2:CreateLaunchTemplate",
                "arn:aws:ec2:us-west-2:111122223333:launch-template/*",
                "identity_based",
                "implicit",
                error_code="UnauthorizedOperation",
            )
        ],
        "Karpenter zap log; EC2 sentence without encoded blob; trailing period",
    )
    p = "arn:aws:sts::111122223333:assumed-role/api-task-role/9d8c7b6a5f4e"
    r = "arn:aws:ssm:us-east-1:111122223333:parameter/api/prod/stripe-key"
    case(
        4,
        'api-1     | [2026-11-29 09:55:02] production.ERROR: Error executing "GetParameter" on '
        '"https://ssm.us-east-1.amazonaws.com"; AWS HTTP error: Client error: `POST '
        "https://ssm.us-east-1.amazonaws.com` resulted in a `400 Bad Request` response:\n"
        'api-1     | {"__type":"AccessDeniedException","Message":"User: '
        + p
        + " is not authorized to perform: ssm:GetParameter on resource: "
        + r
        + ' because no identity-based policy allows the ssm:GetParameter action"}\n'
        "api-1     |  AccessDeniedException (client): User: "
        + p
        + " is not authorized to perform: ssm:GetParameter on resource: "
        + r
        + " because no identity-based policy allows the ssm:GetParameter action",
        [
            na(
                p,
                "ssm:GetParameter",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
            )
        ],
        "PHP SDK via docker compose: the same message twice (JSON body and summary) is one denial",
    )
    p = "arn:aws:sts::111122223333:assumed-role/etl-runner/etl"
    r = "arn:aws:dynamodb:us-east-1:111122223333:table/Checkpoints"
    msg = (
        f"User: {p} is not authorized to perform: dynamodb:GetItem on resource: {r} because no "
        "identity-based policy allows the dynamodb:GetItem action"
    )
    case(
        4,
        "Error: ServiceError(ServiceError { source: AccessDeniedException(AccessDeniedException { "
        f'message: Some("{msg}"), meta: ErrorMetadata {{ code: Some("AccessDeniedException"), '
        f'message: Some("{msg}"), extras: Some({{"aws_request_id": "{uuid()}"}}) }} }}), raw: '
        "Response { status: StatusCode(400), headers: Headers { headers: {} }, body: SdkBody { "
        "inner: Once(None), retryable: true }, extensions: Extensions { extensions_02x: "
        "Extensions, extensions_1x: Extensions } } })",
        [na(p, "dynamodb:GetItem", r, "identity_based", "implicit", error_code=OMIT)],
        "Rust SDK Debug output repeats the message (message and meta.message): one denial;"
        " error_code not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/dotnet-worker/worker"
    r = "arn:aws:dynamodb:us-east-1:111122223333:table/Users"
    case(
        4,
        "Unhandled exception. Amazon.DynamoDBv2.AmazonDynamoDBException: User: "
        f"{p} is not authorized to perform: dynamodb:Query on resource: {r} because no "
        "identity-based policy allows the dynamodb:Query action\n"
        " ---> Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type "
        "'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.\n"
        "   at Amazon.Runtime.HttpWebRequestMessage.ProcessHttpResponseMessage"
        "(HttpResponseMessage responseMessage)\n"
        "   --- End of inner exception stack trace ---\n"
        "   at Worker.Program.Main(String[] args) in /src/Worker/Program.cs:line 27",
        [na(p, "dynamodb:Query", r, "identity_based", "implicit", error_code=OMIT)],
        ".NET SDK; error_code not asserted",
    )
    p = "arn:aws:iam::123456789012:user/winadmin"
    r = "arn:aws:secretsmanager:us-east-1:123456789012:secret:sql/sa-Qw3rTy"
    case(
        4,
        "PS C:\\deploy> Get-SECSecretValue -SecretId sql/sa\n"
        f"Get-SECSecretValue: User: {p} is not authorized to perform: secretsmanager:GetSecretValue "
        f"on resource: {r} because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action",
        [na(p, "secretsmanager:GetSecretValue", r, "identity_based", "implicit", error_code=OMIT)],
        "AWS Tools for PowerShell",
    )
    p = "arn:aws:sts::111122223333:assumed-role/cfn-deployer/deploy"
    r = "arn:aws:s3:::orders-assets-prod"
    case(
        4,
        "CREATE_FAILED  AWS::S3::BucketPolicy  AssetsBucketPolicy  API: s3:PutBucketPolicy User: "
        f"{p} is not authorized to perform: s3:PutBucketPolicy on resource: {r} with an explicit "
        "deny in a service control policy",
        [na(p, "s3:PutBucketPolicy", r, "scp", "explicit")],
        "older CloudFormation 'API: <action> <message>' status reason",
    )
    p = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_1a2b3c4d5e6f7a8b/sam"
    r = "arn:aws:codebuild:us-east-1:111122223333:project/web-build"
    case(
        4,
        "```\n$ aws codebuild start-build --project-name web-build\n\n"
        "An error occurred (AccessDeniedException) when calling the StartBuild operation: User: "
        f"{p} is not authorized to perform: codebuild:StartBuild on resource: {r} because no "
        "identity-based policy allows the codebuild:StartBuild action\n```",
        [
            na(
                p,
                "codebuild:StartBuild",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="StartBuild",
            )
        ],
        "CLI output in a code fence",
    )


# =============================================================================================
# 5. copy damage: hard wraps, indentation, CRLF, odd spaces, Slack escaping, smart quotes
# =============================================================================================


def hardwrap(text: str, width: int) -> str:
    """Cut every `width` characters regardless of words, as a terminal copy does; trailing
    spaces on each line are trimmed (so a space at a cut point is eaten)."""
    lines = [text[i : i + width].rstrip(" ") for i in range(0, len(text), width)]
    return "\n".join(lines)


def family_5() -> None:
    p = "arn:aws:sts::111122223333:assumed-role/github-actions-deploy/GitHubActions"
    r = "arn:aws:s3:::static-web-prod-111122223333/index.html"
    sentence = (
        f'User: {p} is not authorized to perform: s3:PutObject on resource: "{r}" because no '
        "identity-based policy allows the s3:PutObject action"
    )
    case(
        5,
        hardwrap(sentence, 80),
        [na(p, "s3:PutObject", r, "identity_based", "implicit")],
        "80-column terminal wrap: cuts inside the quoted resource ARN and the trailing action",
    )
    p = "arn:aws:iam::123456789012:user/JohnDoe"
    sentence = (
        f"User: {p} is not authorized to perform: codecommit:ListRepositories because no "
        "identity-based policy allows the codecommit:ListRepositories action"
    )
    case(
        5,
        hardwrap(sentence, 72),
        [na(p, "codecommit:ListRepositories", None, "identity_based", "implicit")],
        "72-column wrap cuts inside 'perform:' (perfor|m:) and 'the'",
    )
    p = "arn:aws:sts::444455556666:assumed-role/data-platform-airflow-worker/airflow-worker-7d9f8c6b5-x2kqp"
    r = "arn:aws:s3:::analytics-curated-444455556666/warehouse/orders/dt=2026-11-28/part-00000.snappy.parquet"
    sentence = (
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" with an explicit '
        "deny in a resource-based policy"
    )
    case(
        5,
        hardwrap(sentence, 100),
        [na(p, "s3:GetObject", r, "resource_based", "explicit")],
        "100-column wrap cuts inside the principal ARN, the resource ARN's account and 'resource-|based'",
    )
    case(
        5,
        "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to\n"
        "perform: codecommit:ListRepositories because no service control policy\n"
        "allows the codecommit:ListRepositories action",
        [
            na(
                "arn:aws:iam::123456789012:user/JohnDoe",
                "codecommit:ListRepositories",
                None,
                "scp",
                "implicit",
            )
        ],
        "word wrap (newline replaces the space)",
    )
    case(
        5,
        "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to per\n"
        "form: sagemaker:ListModels with an explicit deny in a permissions bound\n"
        "ary",
        [
            na(
                "arn:aws:iam::123456789012:user/JohnDoe",
                "sagemaker:ListModels",
                None,
                "permissions_boundary",
                "explicit",
            )
        ],
        "cuts inside 'perform:' and inside 'boundary'",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ecs-task-role/6b1c2d3e4f5a"
    r = "arn:aws:sqs:us-east-1:111122223333:image-resize-jobs"
    case(
        5,
        "    botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the\n"
        f"    SendMessage operation: User: {p}\n"
        f"    is not authorized to perform: sqs:sendmessage on resource: {r}\n"
        "    because no identity-based policy allows the sqs:sendmessage action",
        [
            na(
                p,
                "sqs:sendmessage",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="SendMessage",
            )
        ],
        "indented and word-wrapped, wrapper included",
    )
    p = "arn:aws:sts::111122223333:assumed-role/win-build-agent/i-0b1c2d3e4f5a6b7c8"
    r = "arn:aws:s3:::build-cache-111122223333/nuget/packages.zip"
    case(
        5,
        "C:\\agent\\_work\\1\\s> aws s3 cp s3://build-cache-111122223333/nuget/packages.zip .\r\n"
        "download failed: s3://build-cache-111122223333/nuget/packages.zip to .\\packages.zip An "
        "error occurred (AccessDenied) when calling the GetObject operation: User: "
        f'{p} is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "identity-based policy allows the s3:GetObject action\r\n"
        "C:\\agent\\_work\\1\\s>",
        [
            na(
                p,
                "s3:GetObject",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="GetObject",
            )
        ],
        "Windows agent log with CRLF",
    )
    p = "arn:aws:sts::111122223333:assumed-role/win-build-agent/i-0b1c2d3e4f5a6b7c8"
    r = "arn:aws:ecr:us-east-1:111122223333:repository/web"
    sentence = (
        f"User: {p} is not authorized to perform: ecr:BatchCheckLayerAvailability on resource: "
        f"{r} because no identity-based policy allows the ecr:BatchCheckLayerAvailability action"
    )
    case(
        5,
        hardwrap(sentence, 90).replace("\n", "\r\n") + "\r\n",
        [na(p, "ecr:BatchCheckLayerAvailability", r, "identity_based", "implicit")],
        "CRLF hard wraps at 90 columns",
    )
    p = "arn:aws:iam::123456789012:user/JohnDoe"
    case(
        5,
        f"User:\u00a0{p}\u00a0is\u00a0not\u00a0authorized\u00a0to\u00a0perform:\u00a0"
        "codecommit:ListRepositories\u00a0with\u00a0an\u00a0explicit\u00a0deny\u00a0in\u00a0an"
        "\u00a0identity-based\u00a0policy",
        [na(p, "codecommit:ListRepositories", None, "identity_based", "explicit")],
        "every space a U+00A0",
    )
    p = "arn:aws:sts::111122223333:assumed-role/support-readonly/jdoe"
    r = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/payments:*"
    case(
        5,
        f"User: arn:aws:sts::111122223333:\u200bassumed-role/support-readonly/jdoe is not "
        f"authorized to perform: logs:\u200bGetLogEvents on resource: {r} because no "
        "identity-based policy allows the logs:GetLogEvents action",
        [na(p, "logs:GetLogEvents", r, "identity_based", "implicit")],
        "zero-width spaces inside the ARN and the action (a chat client's break hints): removed",
    )
    p = "arn:aws:iam::123456789012:user/ops-reader"
    case(
        5,
        f"\ufeffUser: {p} is not authorized to perform: ce:GetCostAndUsage on resource: "
        "arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage because no identity-based policy "
        "allows the ce:GetCostAndUsage action\n",
        [
            na(
                p,
                "ce:GetCostAndUsage",
                "arn:aws:ce:us-east-1:123456789012:/GetCostAndUsage",
                "identity_based",
                "implicit",
            )
        ],
        "UTF-8 BOM at the start (pasted from a saved file)",
    )
    p = "arn:aws:iam::123456789012:user/ci"
    r = "arn:aws:s3:::release-bucket-123456789012/v2.3.1/app.tar.gz"
    case(
        5,
        "got this back from the presigned upload :confused:\n"
        '```&lt;?xml version="1.0" encoding="UTF-8"?&gt;\n'
        f"&lt;Error&gt;&lt;Code&gt;AccessDenied&lt;/Code&gt;&lt;Message&gt;User: {p} is not "
        f'authorized to perform: s3:PutObject on resource: "{r}" with an explicit deny in a '
        "service control policy&lt;/Message&gt;&lt;RequestId&gt;YJ2K7QX1V9M3P8ZA&lt;/RequestId&gt;"
        "&lt;/Error&gt;```",
        [
            na(
                p,
                "s3:PutObject",
                r,
                "scp",
                "explicit",
                error_code="AccessDenied",
                request_id="YJ2K7QX1V9M3P8ZA",
            )
        ],
        "Slack escapes < > as &lt; &gt; in message text",
    )
    p = "arn:aws:sts::111122223333:assumed-role/cdn-publisher/publisher"
    case(
        5,
        f"User: {p} is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::<http://assets.example.com/img/logo.png|assets.example.com/img/logo.png>" '
        "because no identity-based policy allows the s3:PutObject action",
        [
            na(
                p,
                "s3:PutObject",
                "arn:aws:s3:::assets.example.com/img/logo.png",
                "identity_based",
                "implicit",
            )
        ],
        "Slack auto-linked the domain-like bucket name inside the ARN; the link is undone",
    )
    p = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_3f2c1a9b8d7e6f50/maria.garcia@example.com"
    slack_p = (
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_3f2c1a9b8d7e6f50/"
        "<mailto:maria.garcia@example.com|maria.garcia@example.com>"
    )
    case(
        5,
        f"User: {slack_p} is not authorized to perform: ssm:StartSession on resource: "
        "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0 because no "
        "identity-based policy allows the ssm:StartSession action",
        [
            na(
                p,
                "ssm:StartSession",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0",
                "identity_based",
                "implicit",
            )
        ],
        "Slack turned the email session name into <mailto:...|...>; un-linked in principal_arn",
    )
    p = "arn:aws:sts::111122223333:assumed-role/queue-consumer/consumer"
    case(
        5,
        "ping <@U04ABCD1234> can you check the queue policy? "
        "<mailto:platform-oncall@example.com|platform-oncall@example.com> is cc'd\n"
        f"User: {p} is not authorized to perform: sqs:DeleteMessage on resource: "
        "arn:aws:sqs:us-west-2:111122223333:thumbnail-jobs because no resource-based policy allows "
        "the sqs:DeleteMessage action",
        [
            na(
                p,
                "sqs:DeleteMessage",
                "arn:aws:sqs:us-west-2:111122223333:thumbnail-jobs",
                "resource_based",
                "implicit",
            )
        ],
        "Slack mention and mailto link around the error",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    r = "arn:aws:s3:::finance-exports/2026/q3/ledger.csv"
    case(
        5,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: \u201c{r}\u201d because "
        "no identity-based policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "identity_based", "implicit")],
        "smart double quotes around the resource (macOS autocorrect)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    r = "arn:aws:s3:::finance-exports/2026/q3/ledger.csv"
    case(
        5,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: \u2018{r}\u2019 with "
        "an explicit deny in a resource-based policy",
        [na(p, "s3:GetObject", r, "resource_based", "explicit")],
        "smart single quotes around the resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/platform-eng/sam"
    r = "arn:aws:iam::111122223333:role/eks-node-role"
    case(
        5,
        f"User: `{p}` is not authorized to perform: `iam:PassRole` on resource: `{r}` because no "
        "identity-based policy allows the iam:PassRole action",
        [na(p, "iam:PassRole", r, "identity_based", "implicit")],
        "each part wrapped in inline backticks by the poster",
    )
    p = "arn:aws:iam::123456789012:user/JohnDoe"
    case(
        5,
        f"User:\t{p}\tis not authorized to perform:\tcodecommit:GitPush  on resource:  "
        "arn:aws:codecommit:us-east-2:123456789012:web-frontend   because no identity-based  "
        "policy allows the codecommit:GitPush action",
        [
            na(
                p,
                "codecommit:GitPush",
                "arn:aws:codecommit:us-east-2:123456789012:web-frontend",
                "identity_based",
                "implicit",
            )
        ],
        "tabs and runs of spaces",
    )
    p = "arn:aws:sts::111122223333:assumed-role/marketing-etl/etl"
    r = "arn:aws:s3:::marketing-exports/campaigns/q3&q4/summary.csv"
    case(
        5,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::'
        'marketing-exports/campaigns/q3&amp;q4/summary.csv" because no identity-based policy '
        "allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "identity_based", "implicit")],
        "Slack-escaped &amp; inside an S3 key: un-escaped in the resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    case(
        5,
        "On Fri, Nov 27, 2026 at 4:12 PM Jane Smith <jsmith@example.com> wrote:\n"
        "> Still stuck, the console shows:\n"
        ">\n"
        f"> > User: {p} is not authorized to perform:\n"
        "> > rds:DescribeDBInstances because no identity-based policy allows the\n"
        "> > rds:DescribeDBInstances action\n",
        [na(p, "rds:DescribeDBInstances", None, "identity_based", "implicit")],
        "nested email quoting ('> > ')",
    )
    p = "arn:aws:sts::111122223333:assumed-role/jira-automation/runner"
    r = "arn:aws:lambda:us-east-1:111122223333:function:ticket-sync"
    case(
        5,
        "{noformat}\n"
        f"User: {p} is not authorized to perform: lambda:InvokeFunction on resource: {r} because no "
        "resource-based policy allows the lambda:InvokeFunction action\n{noformat}",
        [na(p, "lambda:InvokeFunction", r, "resource_based", "implicit")],
        "Jira {noformat} block",
    )
    p = "arn:aws:iam::123456789012:user/JohnDoe"
    case(
        5,
        f"User: {p} is not authorized to perform: codedeploy:ListDeployments on resource: "
        "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:* with an explicit deny in an "
        "identity-\nbased policy",
        [
            na(
                p,
                "codedeploy:ListDeployments",
                "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
                "identity_based",
                "explicit",
            )
        ],
        "wrap at the hyphen of 'identity-based'",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    case(
        5,
        "Failed to load instances\n"
        "You are not authorized to perform this operation. User: "
        f"{p} is not authorized to perform: ec2:DescribeInstances because no identity-based "
        "policy allows the ec2:DescribeInstances action\n"
        "Diagnose with Amazon Q",
        [na(p, "ec2:DescribeInstances", None, "identity_based", "implicit")],
        "console banner copy: no wrapper names a code, so error_code null",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeployRole/codepipeline"
    r = "arn:aws:cloudformation:us-east-1:111122223333:stack/api-prod/*"
    case(
        5,
        "User: arn:aws:sts::\n"
        "111122223333:assumed-role/DeployRole/codepipeline is not authorized to perform: \n"
        f"cloudformation:CreateChangeSet on resource: {r} because no\n"
        "identity-based policy allows the cloudformation:CreateChangeSet action",
        [na(p, "cloudformation:CreateChangeSet", r, "identity_based", "implicit")],
        "wrap right after 'arn:aws:sts::'",
    )
    p = "arn:aws:sts::111122223333:assumed-role/k8s-external-secrets/eso"
    r = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/api/keys-9fKx2L"
    sentence = (
        f"User: {p} is not authorized to perform: secretsmanager:GetSecretValue on resource: {r} "
        "because no identity-based policy allows the secretsmanager:GetSecretValue action"
    )
    case(
        5,
        "\n".join("    " + line for line in hardwrap(sentence, 64).split("\n")),
        [na(p, "secretsmanager:GetSecretValue", r, "identity_based", "implicit")],
        "64-column wrap, every line indented by four spaces (kubectl describe output)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/athena-user/bi-tool"
    r = "arn:aws:s3:::athena-results-111122223333/tmp/"
    case(
        5,
        "```text\n"
        f'User: {p} is not authorized to perform: s3:PutObject on resource: "{r}" because no '
        "VPC endpoint policy allows the s3:PutObject action\n"
        "```\n"
        "only happens from the private subnet",
        [na(p, "s3:PutObject", r, "vpc_endpoint", "implicit")],
        "language-tagged code fence",
    )
    p = "arn:aws:iam::123456789012:user/JohnDoe"
    case(
        5,
        "\u00a0\u00a0\u00a0\u00a0User: arn:aws:iam::123456789012:user/JohnDoe is not authorized "
        "to perform: codecommit:ListRepositories because no service control policy allows the "
        "codecommit:ListRepositories action\u00a0\n\u200b",
        [na(p, "codecommit:ListRepositories", None, "scp", "implicit")],
        "NBSP indentation and a trailing zero-width space line",
    )
    p = "arn:aws:sts::111122223333:assumed-role/backup-operator/nightly"
    r = "arn:aws:backup:us-east-1:111122223333:backup-vault:prod-vault"
    case(
        5,
        "*Error:* User: "
        f"{p} is not authorized to perform: backup:StartBackupJob on resource: {r} because no "
        "resource-based policy allows the backup:StartBackupJob action :sob:",
        [na(p, "backup:StartBackupJob", r, "resource_based", "implicit")],
        "Slack bold marker before and an emoji code after",
    )
    p = "arn:aws:sts::111122223333:assumed-role/web-app/web-7f9c"
    r = "arn:aws:dynamodb:us-east-1:111122223333:table/Carts"
    sentence = (
        f"An error occurred (AccessDeniedException) when calling the BatchWriteItem operation: "
        f"User: {p} is not authorized to perform: dynamodb:BatchWriteItem on resource: {r} with an "
        "explicit deny in a permissions boundary"
    )
    case(
        5,
        hardwrap(sentence, 47).replace("\n", "\r\n"),
        [
            na(
                p,
                "dynamodb:BatchWriteItem",
                r,
                "permissions_boundary",
                "explicit",
                error_code="AccessDeniedException",
                operation="BatchWriteItem",
            )
        ],
        "very narrow (47-column) CRLF wrap of a CLI error: wrapper and sentence both cut",
    )


# =============================================================================================
# 6. EC2 encoded authorization messages and their decoded JSON
# =============================================================================================


def decoded(
    principal_arn: str,
    principal_id: str,
    action: str,
    resource: str,
    *,
    explicit: bool = False,
    statement: dict[str, Any] | None = None,
    region: str = "us-east-1",
    account: str = "111122223333",
) -> dict[str, Any]:
    """The structure `aws sts decode-authorization-message` returns in DecodedMessage."""
    conditions = [
        {"key": "aws:Region", "values": {"items": [{"value": region}]}},
        {"key": "aws:Service", "values": {"items": [{"value": "ec2"}]}},
        {"key": "aws:Resource", "values": {"items": [{"value": resource.split(":", 5)[5]}]}},
        {"key": "aws:Account", "values": {"items": [{"value": account}]}},
        {"key": "ec2:Region", "values": {"items": [{"value": region}]}},
        {
            "key": "aws:Type",
            "values": {"items": [{"value": resource.split(":", 5)[5].split("/", maxsplit=1)[0]}]},
        },
        {"key": "aws:ARN", "values": {"items": [{"value": resource}]}},
    ]
    return {
        "allowed": False,
        "explicitDeny": explicit,
        "matchedStatements": {"items": [statement] if statement else []},
        "failures": {"items": []},
        "context": {
            "principal": {"id": principal_id, "arn": principal_arn},
            "action": action,
            "resource": resource,
            "conditions": {"items": conditions},
        },
    }


def dec(p: str, action: str, resource: str, explicit: bool, **extra: Any) -> dict[str, Any]:
    return na(
        p,
        action,
        resource,
        None,
        "explicit" if explicit else "implicit",
        kind="decoded_authorization",
        **extra,
    )


def family_6() -> None:
    b = blob(1100)
    case(
        6,
        "$ aws ec2 run-instances --image-id ami-0abcdef1234567890 --instance-type t3.micro "
        "--subnet-id subnet-0123456789abcdef0\n\n"
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You "
        f"are not authorized to perform this operation. Encoded authorization failure message: {b}\n",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
                operation="RunInstances",
                policy_type=None,
            )
        ],
        "no readable sentence: principal null; action not asserted (a classifier may infer"
        " ec2:RunInstances from the operation)",
    )
    b = blob(1240)
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice"
    r = "arn:aws:ec2:us-east-1:111122223333:instance/*"
    case(
        6,
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are "
        f"not authorized to perform this operation. User: {p} is not authorized to perform: "
        f"ec2:RunInstances on resource: {r} because no identity-based policy allows the "
        f"ec2:RunInstances action. Encoded authorization failure message: {b}",
        [
            na(
                p,
                "ec2:RunInstances",
                r,
                "identity_based",
                "implicit",
                kind="encoded_authorization",
                encoded_message=b,
                error_code="UnauthorizedOperation",
                operation="RunInstances",
            )
        ],
        "readable sentence before the blob: one encoded_authorization denial with both",
    )
    b = blob(980)
    rid = uuid()
    case(
        6,
        "Error: Error launching source instance: UnauthorizedOperation: You are not authorized to "
        f"perform this operation. Encoded authorization failure message: {b}\n"
        f"\tstatus code: 403, request id: {rid}\n\n"
        '  on main.tf line 22, in resource "aws_instance" "bastion":\n'
        '  22: resource "aws_instance" "bastion" {',
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
                request_id=rid,
            )
        ],
        "Terraform with Go SDK v1: the blob ends at the newline",
    )
    b = blob(1320)
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    r = "arn:aws:ec2:eu-west-1:111122223333:volume/*"
    case(
        6,
        "╷\n│ Error: creating EC2 Instance: operation error EC2: RunInstances, https response error "
        f"StatusCode: 403, RequestID: {uuid()}, api error UnauthorizedOperation: You are not "
        f"authorized to perform this operation. User: {p} is not authorized to perform: "
        f"ec2:RunInstances on resource: {r} with an explicit deny in a service control policy. "
        f"Encoded authorization failure message: {b}\n│ \n"
        '│   with aws_instance.app,\n│   on ec2.tf line 3, in resource "aws_instance" "app":\n'
        '│    3: resource "aws_instance" "app" {\n│ \n╵',
        [
            na(
                p,
                "ec2:RunInstances",
                r,
                "scp",
                "explicit",
                kind="encoded_authorization",
                encoded_message=b,
                error_code="UnauthorizedOperation",
                operation="RunInstances",
            )
        ],
        "Terraform v5: the readable sentence names the volume resource and an SCP",
    )
    b = blob(760)
    case(
        6,
        "CreateVolume failed: You are not authorized to perform this operation. Encoded "
        f"authorization failure message: {b}\u2026",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                encoded_truncated=True,
            )
        ],
        "blob cut off by the poster's tool with an ellipsis: the ellipsis is not part of the blob",
    )
    b = blob(1050)
    rid = uuid()
    case(
        6,
        "com.amazonaws.services.ec2.model.AmazonEC2Exception: You are not authorized to perform "
        f"this operation. Encoded authorization failure message: {b} (Service: AmazonEC2; Status "
        f"Code: 403; Error Code: UnauthorizedOperation; Request ID: {rid}; Proxy: null)\n"
        "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse"
        "(AmazonHttpClient.java:1879)",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
                request_id=rid,
            )
        ],
        "Java SDK v1: the blob stops before ' (Service: ...'",
    )
    b = blob(890)
    case(
        6,
        "Traceback (most recent call last):\n"
        '  File "/opt/scripts/snapshot.py", line 27, in <module>\n'
        "    ec2.create_volume(AvailabilityZone=az, SnapshotId=snap_id, Encrypted=True)\n"
        "botocore.exceptions.ClientError: An error occurred (UnauthorizedOperation) when calling "
        "the CreateVolume operation: You are not authorized to perform this operation. Encoded "
        f"authorization failure message: {b}",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
                operation="CreateVolume",
            )
        ],
    )
    b = blob(1040)
    case(
        6,
        "An error occurred (UnauthorizedOperation) when calling the StartInstances operation: You "
        "are not authorized to perform this operation. Encoded authorization failure message:\n"
        + hardwrap(b, 80),
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
                operation="StartInstances",
            )
        ],
        "blob on its own lines, hard-wrapped at 80 columns: the pieces join back into one blob",
    )
    b = blob(700)
    rid = uuid()
    case(
        6,
        "==> amazon-ebs.base: Error launching source instance: UnauthorizedOperation: You are not "
        f"authorized to perform this operation. Encoded authorization failure message: {b}\n"
        f"==> amazon-ebs.base:     status code: 403, request id: {rid}\n"
        "Build 'amazon-ebs.base' errored after 2 seconds 118 milliseconds",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
            )
        ],
        "Packer output",
    )
    b = blob(1180)
    p = "arn:aws:sts::444455556666:assumed-role/AWSReservedSSO_AdministratorAccess_9a8b7c6d5e4f3a2b/kim.minji"
    r = "arn:aws:ec2:ap-northeast-2:444455556666:instance/*"
    case(
        6,
        "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: You are "
        f"not authorized to perform this operation. User: {p} is not authorized to perform: "
        f"ec2:RunInstances on resource: {r} with an explicit deny in a service control policy: "
        f"{SCP_ARN}. Encoded authorization failure message: {b}",
        [
            na(
                p,
                "ec2:RunInstances",
                r,
                "scp",
                "explicit",
                kind="encoded_authorization",
                encoded_message=b,
                policy_arn=SCP_ARN,
                error_code="UnauthorizedOperation",
                operation="RunInstances",
            )
        ],
        "2026 policy ARN and the blob together; the period after the ARN is not part of it",
    )
    b = blob(1000)
    case(
        6,
        "2026-11-29 11:02:41 UTC+0000\tBastionHost\tCREATE_FAILED\tResource handler returned "
        'message: "You are not authorized to perform this operation. Encoded authorization '
        f'failure message: {b} (Service: Ec2, Status Code: 403, Request ID: {uuid()})" '
        f"(RequestToken: {uuid()}, HandlerErrorCode: AccessDenied)",
        [only("encoded_authorization", principal_arn=None, encoded_message=b)],
        "CloudFormation event; error_code not asserted",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice"
    r = "arn:aws:ec2:us-east-1:111122223333:instance/*"
    d = decoded(p, "AROA3XFRBF535PLBIFPI4:alice", "ec2:RunInstances", r)
    case(
        6,
        "$ aws sts decode-authorization-message --encoded-message $MSG --query DecodedMessage "
        "--output text | jq .\n" + json.dumps(d, indent=2),
        [dec(p, "ec2:RunInstances", r, False)],
        "decoded, pretty-printed by jq: implicit deny (explicitDeny false), policy_type null",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice"
    r = "arn:aws:ec2:us-east-1:111122223333:instance/*"
    stmt = {
        "statementId": "DenyLargeInstanceTypes",
        "effect": "DENY",
        "principals": {"items": [{"value": "AROA3XFRBF535PLBIFPI4"}]},
        "principalGroups": {"items": []},
        "actions": {"items": [{"value": "ec2:RunInstances"}]},
        "resources": {"items": [{"value": "arn:aws:ec2:*:*:instance/*"}]},
        "conditions": {
            "items": [
                {
                    "key": "ec2:InstanceType",
                    "values": {"items": [{"value": "t3.*"}, {"value": "m6i.large"}]},
                }
            ]
        },
    }
    d = decoded(
        p, "AROA3XFRBF535PLBIFPI4:alice", "ec2:RunInstances", r, explicit=True, statement=stmt
    )
    case(
        6,
        json.dumps(d, indent=4),
        [dec(p, "ec2:RunInstances", r, True)],
        "decoded with a matched Deny statement: explicit; the statement's action/resource do not"
        " make a second denial",
    )
    p = "arn:aws:iam::123456789012:user/ops-bob"
    r = "arn:aws:ec2:us-west-2:123456789012:volume/vol-0a1b2c3d4e5f67890"
    d = decoded(
        p,
        "AIDA2EXAMPLEUSERID01",
        "ec2:AttachVolume",
        r,
        region="us-west-2",
        account="123456789012",
    )
    case(
        6,
        json.dumps(d, separators=(",", ":")),
        [dec(p, "ec2:AttachVolume", r, False)],
        "decoded, compact one-line JSON",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ci-runner/build-8812"
    r = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0"
    d = decoded(p, "AROA4EXAMPLEROLEID22:build-8812", "ec2:AuthorizeSecurityGroupIngress", r)
    case(
        6,
        json.dumps({"DecodedMessage": json.dumps(d, separators=(",", ":"))}, indent=4),
        [dec(p, "ec2:AuthorizeSecurityGroupIngress", r, False)],
        "raw CLI JSON output: the decoded document is an escaped string inside DecodedMessage",
    )
    p = "arn:aws:sts::111122223333:assumed-role/platform-eng/sam"
    r = "arn:aws:ec2:us-east-1:111122223333:network-interface/*"
    stmt = {
        "statementId": "DenyPublicIp",
        "effect": "DENY",
        "principals": {"items": [{"value": "AROA5EXAMPLEROLEID33"}]},
        "principalGroups": {"items": []},
        "actions": {"items": [{"value": "ec2:RunInstances"}]},
        "resources": {"items": [{"value": "arn:aws:ec2:*:*:network-interface/*"}]},
        "conditions": {
            "items": [
                {
                    "key": "ec2:AssociatePublicIpAddress",
                    "values": {"items": [{"value": "true"}]},
                }
            ]
        },
    }
    d = decoded(p, "AROA5EXAMPLEROLEID33:sam", "ec2:RunInstances", r, explicit=True, statement=stmt)
    case(
        6,
        "decoded it:\n```\n"
        + json.dumps({"DecodedMessage": json.dumps(d, separators=(",", ":"))})
        + "\n```\nso it's the DenyPublicIp statement?",
        [dec(p, "ec2:RunInstances", r, True)],
        "escaped DecodedMessage, explicit deny, in a code fence with chatter",
    )
    p = "arn:aws:sts::111122223333:assumed-role/eks-nodegroup-role/i-0fedcba9876543210"
    r = "arn:aws:ec2:us-east-1:111122223333:instance/i-0fedcba9876543210"
    d = decoded(p, "AROA6EXAMPLEROLEID44:i-0fedcba9876543210", "ec2:CreateTags", r)
    case(
        6,
        "DecodedMessage: " + json.dumps(d, separators=(",", ":")),
        [dec(p, "ec2:CreateTags", r, False)],
        "CLI --output text style with a label before the JSON",
    )
    b = blob(520)
    case(
        6,
        "Error: UnauthorizedOperation: You are not authorized to perform this operation. Encoded "
        f"authorization failure message: {b}",
        [
            only(
                "encoded_authorization",
                principal_arn=None,
                encoded_message=b,
                error_code="UnauthorizedOperation",
            )
        ],
        "blob silently cut by a log-line limit: no marker, so encoded_truncated is not asserted",
    )
    b = blob(1150)
    p = "arn:aws:sts::111122223333:assumed-role/karpenter-controller/1732871000000000000"
    r = "arn:aws:ec2:us-west-2:111122223333:launch-template/lt-0a1b2c3d4e5f67890"
    case(
        6,
        f'{{"level":"ERROR","time":"2026-11-29T11:20:03.112Z","logger":"controller","message":"'
        'failed launching nodeclaim","error":"creating instance, UnauthorizedOperation: You are not '
        f"authorized to perform this operation. User: {p} is not authorized to perform: "
        f"ec2:RunInstances on resource: {r} because no identity-based policy allows the "
        f'ec2:RunInstances action. Encoded authorization failure message: {b}"}}',
        [
            na(
                p,
                "ec2:RunInstances",
                r,
                "identity_based",
                "implicit",
                kind="encoded_authorization",
                encoded_message=b,
                error_code="UnauthorizedOperation",
            )
        ],
        "JSON log: the blob ends at the closing quote",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice"
    r = "arn:aws:ec2:us-east-1::image/ami-0abcdef1234567890"
    d = decoded(p, "AROA3XFRBF535PLBIFPI4:alice", "ec2:RunInstances", r)
    case(
        6,
        json.dumps(d, indent=2).replace("\n", "\r\n"),
        [dec(p, "ec2:RunInstances", r, False)],
        "decoded JSON with CRLF; the AMI resource ARN has no account",
    )


# =============================================================================================
# 7. CloudTrail events
# =============================================================================================


def ct_event(
    arn: str | None,
    source: str,
    name: str,
    region: str,
    *,
    error_code: str | None = None,
    error_message: str | None = None,
    identity_type: str = "AssumedRole",
    account: str = "111122223333",
    request: dict[str, Any] | None = None,
    agent: str = "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6",
    read_only: bool = False,
    when: str = "2026-11-29T10:11:12Z",
) -> dict[str, Any]:
    identity: dict[str, Any] = {"type": identity_type}
    if identity_type == "AssumedRole" and arn:
        role = arn.split("/")[1]
        identity.update(
            {
                "principalId": f"AROA3XFRBF535EXAMPLE1:{arn.split('/')[2]}",
                "arn": arn,
                "accountId": account,
                "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "sessionContext": {
                    "sessionIssuer": {
                        "type": "Role",
                        "principalId": "AROA3XFRBF535EXAMPLE1",
                        "arn": f"arn:aws:iam::{account}:role/{role}",
                        "accountId": account,
                        "userName": role,
                    },
                    "attributes": {
                        "creationDate": "2026-11-29T09:58:01Z",
                        "mfaAuthenticated": "false",
                    },
                },
            }
        )
    elif arn:
        identity.update({"principalId": "AIDAJQABLZS4A3QDU576Q", "arn": arn, "accountId": account})
        if identity_type == "IAMUser":
            identity["userName"] = arn.rsplit("/", 1)[1]
            identity["accessKeyId"] = "AKIAIOSFODNN7EXAMPLE"
    event: dict[str, Any] = {
        "eventVersion": "1.10",
        "userIdentity": identity,
        "eventTime": when,
        "eventSource": source,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "203.0.113.24",
        "userAgent": agent,
    }
    if error_code is not None:
        event["errorCode"] = error_code
    if error_message is not None:
        event["errorMessage"] = error_message
    event.update(
        {
            "requestParameters": request,
            "responseElements": None,
            "requestID": uuid(),
            "eventID": uuid(),
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        }
    )
    return event


def ct(p: str | None, act: str, region: str, code: str, **extra: Any) -> dict[str, Any]:
    out = na(p, act, None, None, None, kind="cloudtrail", error_code=code, region=region)
    for key in ("resource", "resource_account", "cross_account"):
        out.pop(key)
    return _apply(out, extra)


def family_7() -> None:
    p = "arn:aws:sts::111122223333:assumed-role/reporting-task/ecs-task-3f9a"
    e = ct_event(
        p,
        "s3.amazonaws.com",
        "GetObject",
        "eu-west-1",
        error_code="AccessDenied",
        error_message="Access Denied",
        request={
            "bucketName": "finance-exports",
            "key": "2026/q3/ledger.csv",
            "Host": "finance-exports.s3.eu-west-1.amazonaws.com",
        },
        read_only=True,
    )
    e["managementEvent"] = False
    e["eventCategory"] = "Data"
    case(
        7,
        json.dumps(e, indent=4),
        [ct(p, "s3:GetObject", "eu-west-1", "AccessDenied")],
        "S3 data event, pretty-printed; resource not asserted for CloudTrail",
    )
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    msg = (
        f"User: {p} is not authorized to perform: iam:CreateRole on resource: "
        "arn:aws:iam::111122223333:role/ci-deploy with an explicit deny in a service control policy"
    )
    e = ct_event(
        p,
        "iam.amazonaws.com",
        "CreateRole",
        "us-east-1",
        error_code="AccessDenied",
        error_message=msg,
        request={"roleName": "ci-deploy", "assumeRolePolicyDocument": "{...}"},
        agent="APN/1.0 HashiCorp/1.0 Terraform/1.9.8 terraform-provider-aws/5.78.0",
    )
    case(
        7,
        json.dumps(e, indent=2),
        [
            ct(
                p,
                "iam:CreateRole",
                "us-east-1",
                "AccessDenied",
                policy_type="scp",
                deny_kind="explicit",
            )
        ],
        "errorMessage holds the canonical sentence: policy_type/deny_kind read from it; still one"
        " denial (the event), not two",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice"
    e = ct_event(
        p,
        "ec2.amazonaws.com",
        "RunInstances",
        "us-east-1",
        error_code="Client.UnauthorizedOperation",
        error_message="You are not authorized to perform this operation.",
        request={
            "instancesSet": {
                "items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]
            },
            "instanceType": "p4d.24xlarge",
        },
        agent="console.ec2.amazonaws.com",
    )
    case(
        7,
        json.dumps(e, indent=2),
        [ct(p, "ec2:RunInstances", "us-east-1", "Client.UnauthorizedOperation")],
        "EC2's Client.UnauthorizedOperation error code",
    )
    p = "arn:aws:sts::111122223333:assumed-role/etl-runner/etl"
    ok = ct_event(p, "s3.amazonaws.com", "ListBuckets", "us-east-1", read_only=True)
    denied = ct_event(
        p,
        "secretsmanager.amazonaws.com",
        "GetSecretValue",
        "us-east-2",
        error_code="AccessDeniedException",
        error_message=f"User: {p} is not authorized to perform: secretsmanager:GetSecretValue on "
        "resource: prod/etl/warehouse because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action",
        request={"secretId": "prod/etl/warehouse"},
        read_only=True,
    )
    missing = ct_event(
        p,
        "s3.amazonaws.com",
        "GetObject",
        "us-east-1",
        error_code="NoSuchKey",
        error_message="The specified key does not exist.",
        read_only=True,
    )
    case(
        7,
        json.dumps({"Records": [ok, denied, missing]}, separators=(",", ":")),
        [
            ct(
                p,
                "secretsmanager:GetSecretValue",
                "us-east-2",
                "AccessDeniedException",
                policy_type="identity_based",
                deny_kind="implicit",
            )
        ],
        "compact Records array: a success and a NoSuchKey around one denial",
    )
    p1 = "arn:aws:sts::111122223333:assumed-role/backup-operator/nightly"
    p2 = "arn:aws:iam::111122223333:user/legacy-cron"
    e1 = ct_event(
        p1,
        "kms.amazonaws.com",
        "Decrypt",
        "us-east-1",
        error_code="AccessDeniedException",
        error_message=f"User: {p1} is not authorized to perform: kms:Decrypt on resource: "
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no "
        "resource-based policy allows the kms:Decrypt action",
        read_only=True,
    )
    e2 = ct_event(
        p2,
        "dynamodb.amazonaws.com",
        "DeleteTable",
        "us-east-1",
        error_code="AccessDenied",
        error_message=f"User: {p2} is not authorized to perform: dynamodb:DeleteTable on resource: "
        "arn:aws:dynamodb:us-east-1:111122223333:table/Orders with an explicit deny in an "
        "identity-based policy",
        identity_type="IAMUser",
        request={"tableName": "Orders"},
    )
    case(
        7,
        json.dumps({"Records": [e1, e2]}, indent=2),
        [
            ct(
                p1,
                "kms:Decrypt",
                "us-east-1",
                "AccessDeniedException",
                policy_type="resource_based",
                deny_kind="implicit",
            ),
            ct(
                p2,
                "dynamodb:DeleteTable",
                "us-east-1",
                "AccessDenied",
                policy_type="identity_based",
                deny_kind="explicit",
            ),
        ],
        "two denied events in a Records array, in order",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ReadOnly/jsmith"
    e = ct_event(p, "ec2.amazonaws.com", "DescribeInstances", "ap-northeast-2", read_only=True)
    case(7, json.dumps(e, indent=2), [], "successful event (no errorCode): not a denial")
    p = "arn:aws:sts::111122223333:assumed-role/batch-worker/worker-3"
    e = ct_event(
        p,
        "dynamodb.amazonaws.com",
        "BatchWriteItem",
        "us-east-1",
        error_code="ThrottlingException",
        error_message="Rate of requests exceeds the allowed throughput.",
    )
    case(7, json.dumps(e, indent=2), [], "throttled event: errorCode is not a denial")
    e = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAJQABLZS4A3QDU576Q",
            "accountId": "111122223333",
            "userName": "jdoe",
        },
        "eventTime": "2026-11-29T07:42:10Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
        "errorMessage": "Failed authentication",
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Failure"},
        "additionalEventData": {
            "MFAUsed": "Yes",
            "LoginTo": "https://console.aws.amazon.com/console/home",
        },
        "eventID": uuid(),
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
    }
    case(7, json.dumps(e, indent=2), [], "failed console sign-in: authentication, not a denial")
    p = "arn:aws:iam::123456789012:user/jenkins"
    e = ct_event(
        p,
        "sts.amazonaws.com",
        "AssumeRole",
        "us-east-1",
        error_code="AccessDenied",
        error_message=f"User: {p} is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::444455556666:role/cross-account-deploy",
        identity_type="IAMUser",
        account="123456789012",
        request={
            "roleArn": "arn:aws:iam::444455556666:role/cross-account-deploy",
            "roleSessionName": "jenkins",
        },
    )
    case(
        7,
        json.dumps(e, indent=2),
        [ct(p, "sts:AssumeRole", "us-east-1", "AccessDenied")],
        "no-context errorMessage: policy_type and deny_kind null",
    )
    e = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "WebIdentityUser",
            "principalId": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/web:ref:refs/heads/main",
            "userName": "repo:acme/web:ref:refs/heads/main",
            "identityProvider": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        },
        "eventTime": "2026-11-29T12:00:41Z",
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRoleWithWebIdentity",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "20.42.0.12",
        "userAgent": "aws-sdk-nodejs/2.1692.0 linux/v20.18.0 configure-aws-credentials-for-github-actions",
        "errorCode": "AccessDenied",
        "errorMessage": "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        "requestParameters": {
            "roleArn": "arn:aws:iam::111122223333:role/github-actions-deploy",
            "roleSessionName": "GitHubActions",
            "durationSeconds": 3600,
        },
        "responseElements": None,
        "requestID": uuid(),
        "eventID": uuid(),
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": "111122223333",
        "eventCategory": "Management",
    }
    case(
        7,
        json.dumps(e, indent=2),
        [
            only(
                "cloudtrail",
                principal_arn=None,
                action="sts:AssumeRoleWithWebIdentity",
                region="us-east-1",
                error_code="AccessDenied",
            )
        ],
        "web-identity caller has no userIdentity.arn: principal_arn null; one cloudtrail denial,"
        " the web-identity sentence in errorMessage does not add a second",
    )
    p = "arn:aws:sts::111122223333:assumed-role/media-uploader/uploader-5"
    lines = []
    for key, when in (("a.jpg", "2026-11-29T10:00:01Z"), ("b.jpg", "2026-11-29T10:00:02Z")):
        ev = ct_event(
            p,
            "s3.amazonaws.com",
            "PutObject" if key == "a.jpg" else "PutObjectAcl",
            "us-west-2",
            error_code="AccessDenied",
            error_message="Access Denied",
            request={"bucketName": "media-originals", "key": key},
            when=when,
        )
        lines.append(json.dumps(ev, separators=(",", ":")))
    case(
        7,
        "\n".join(lines),
        [
            ct(p, "s3:PutObject", "us-west-2", "AccessDenied"),
            ct(p, "s3:PutObjectAcl", "us-west-2", "AccessDenied"),
        ],
        "JSON lines (one event per line, as exported from CloudWatch Logs)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/web-app/web-7f9c"
    e = ct_event(
        p,
        "sqs.amazonaws.com",
        "SendMessage",
        "eu-central-1",
        error_code="AccessDenied",
        error_message="Access to the resource https://sqs.eu-central-1.amazonaws.com/111122223333/orders is denied.",
    )
    text = json.dumps(e, indent=2)
    case(
        7,
        text + "\n\nsame event shows up again in the second trail:\n" + text,
        [ct(p, "sqs:SendMessage", "eu-central-1", "AccessDenied")],
        "the identical event pasted twice is one denial; the SQS wording in errorMessage does not"
        " add an sqs_access denial",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DataAnalyst/lee"
    inner = ct_event(
        p,
        "athena.amazonaws.com",
        "StartQueryExecution",
        "eu-west-1",
        error_code="AccessDeniedException",
        error_message=f"User: {p} is not authorized to perform: athena:StartQueryExecution on "
        "resource: arn:aws:athena:eu-west-1:111122223333:workgroup/primary because no "
        "identity-based policy allows the athena:StartQueryExecution action",
    )
    out = {
        "Events": [
            {
                "EventId": inner["eventID"],
                "EventName": "StartQueryExecution",
                "ReadOnly": "false",
                "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
                "EventTime": "2026-11-29T10:11:12+00:00",
                "EventSource": "athena.amazonaws.com",
                "Username": "lee",
                "Resources": [],
                "CloudTrailEvent": json.dumps(inner, separators=(",", ":")),
            }
        ]
    }
    case(
        7,
        "$ aws cloudtrail lookup-events --lookup-attributes "
        "AttributeKey=EventName,AttributeValue=StartQueryExecution --max-results 1\n"
        + json.dumps(out, indent=4),
        [
            ct(
                p,
                "athena:StartQueryExecution",
                "eu-west-1",
                "AccessDeniedException",
                policy_type="identity_based",
                deny_kind="implicit",
            )
        ],
        "lookup-events output: the event is an escaped JSON string in CloudTrailEvent",
    )
    p = "arn:aws:iam::111122223333:root"
    e = ct_event(
        p,
        "s3.amazonaws.com",
        "PutBucketPolicy",
        "us-east-1",
        error_code="AccessDenied",
        error_message="Access Denied",
        identity_type="Root",
        request={"bucketName": "audit-logs-111122223333", "policy": ""},
    )
    case(
        7,
        json.dumps(e, indent=2),
        [ct(p, "s3:PutBucketPolicy", "us-east-1", "AccessDenied", principal__kind="root")],
        "root caller",
    )
    p = "arn:aws:sts::111122223333:assumed-role/cfn-exec-role/AWSCloudFormation"
    e = ct_event(
        p,
        "lambda.amazonaws.com",
        "CreateFunction20150331",
        "us-east-1",
        error_code="AccessDeniedException",
        error_message=f"User: {p} is not authorized to perform: iam:PassRole on resource: "
        "arn:aws:iam::111122223333:role/lambda-exec because no identity-based policy allows the "
        "iam:PassRole action",
        agent="cloudformation.amazonaws.com",
    )
    case(
        7,
        json.dumps(e, indent=2),
        [
            ct(
                p,
                "lambda:CreateFunction20150331",
                "us-east-1",
                "AccessDeniedException",
                policy_type="identity_based",
                deny_kind="implicit",
                action=OMIT,
                service=OMIT,
            )
        ],
        "eventSource+eventName gives lambda:CreateFunction20150331 while the errorMessage names"
        " iam:PassRole: which one is 'action' is ambiguous, so action/service are not asserted",
    )
    case(
        7,
        json.dumps({"Records": []}),
        [],
        "empty Records array",
    )


# =============================================================================================
# 8. service-specific wordings
# =============================================================================================

KMS_TAIL = (
    "because the resource does not exist in this Region, no resource-based policies allow access, "
    "or a resource-based policy explicitly denies access"
)
CMK_UNKNOWN = (
    "The ciphertext refers to a customer master key that does not exist, does not exist in this "
    "region, or you are not allowed to access."
)
WEB_ID = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
SAML = "Not authorized to perform sts:AssumeRoleWithSAML"
BEDROCK = "You don't have access to the model with the specified model ID."


def kms_access(p: str, action: str, res: str | None, **extra: Any) -> dict[str, Any]:
    return na(p, action, res, "resource_based", None, kind="kms_key_access", **extra)


def family_8() -> None:
    # --- KMS -------------------------------------------------------------------------------
    p = "arn:aws:sts::111122223333:assumed-role/app-runtime/i-0a1b2c3d4e5f67890"
    r = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the Decrypt operation: User: "
        f"{p} is not authorized to perform: kms:Decrypt on resource: {r} {KMS_TAIL}",
        [
            kms_access(
                p,
                "kms:Decrypt",
                r,
                error_code="AccessDeniedException",
                operation="Decrypt",
            )
        ],
        "KMS's own wording; cross-account key",
    )
    p = "arn:aws:sts::111122223333:assumed-role/reporting-task/ecs-task-3f9a"
    case(
        8,
        "botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling "
        f"the Decrypt operation: User: {p} is not authorized to perform: kms:Decrypt on the "
        f"resource associated with this ciphertext {KMS_TAIL}",
        [
            kms_access(
                p,
                "kms:Decrypt",
                None,
                error_code="AccessDeniedException",
                operation="Decrypt",
            )
        ],
        "'on the resource associated with this ciphertext': no resource named, so null",
    )
    p = "arn:aws:sts::111122223333:assumed-role/media-uploader/uploader-5"
    r = "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab"
    case(
        8,
        "upload failed: ./photo.jpg to s3://media-originals/2026/photo.jpg An error occurred "
        "(AccessDenied) when calling the PutObject operation: User: "
        f"{p} is not authorized to perform: kms:GenerateDataKey on resource: {r} {KMS_TAIL}",
        [
            kms_access(
                p,
                "kms:GenerateDataKey",
                r,
                error_code="AccessDenied",
                operation="PutObject",
            )
        ],
        "S3 SSE-KMS upload: S3 returns the KMS sentence; multi-Region key id",
    )
    p = "arn:aws:sts::444455556666:assumed-role/partner-reader/reader"
    case(
        8,
        f"User: {p} is not authorized to perform: kms:Decrypt on this resource {KMS_TAIL}.",
        [kms_access(p, "kms:Decrypt", None)],
        "'on this resource' variant with a trailing period; no wrapper",
    )
    case(
        8,
        f"An error occurred (AccessDeniedException) when calling the Decrypt operation: {CMK_UNKNOWN}",
        [
            only(
                "kms_key_unknown",
                principal_arn=None,
                error_code="AccessDeniedException",
                operation="Decrypt",
            )
        ],
    )
    case(
        8,
        "download failed: s3://finance-exports/2026/q3/ledger.csv to ./ledger.csv An error "
        f"occurred (AccessDenied) when calling the GetObject operation: {CMK_UNKNOWN}",
        [
            only(
                "kms_key_unknown",
                principal_arn=None,
                error_code="AccessDenied",
                operation="GetObject",
            )
        ],
        "S3 SSE-KMS download surfaces KMS's ciphertext wording under S3's AccessDenied",
    )
    rid = uuid()
    case(
        8,
        f"com.amazonaws.services.kms.model.AWSKMSException: {CMK_UNKNOWN} (Service: AWSKMS; Status "
        f"Code: 400; Error Code: AccessDeniedException; Request ID: {rid}; Proxy: null)",
        [only("kms_key_unknown", error_code="AccessDeniedException", request_id=rid)],
        "Java SDK v1",
    )
    case(
        8,
        "An error occurred (KMSAccessDeniedException) when calling the Invoke operation: Lambda was "
        "unable to decrypt the environment variables because KMS access was denied. Please check "
        "the function's KMS key settings. KMS Exception: AccessDeniedException KMS Message: "
        f"{CMK_UNKNOWN}",
        [
            only(
                "kms_key_unknown",
                error_code="KMSAccessDeniedException",
                operation="Invoke",
            )
        ],
        "Lambda env-var decryption failure; the wrapper's code is Lambda's KMSAccessDeniedException",
    )
    # --- STS web identity / SAML ---------------------------------------------------------
    case(
        8,
        "2026-11-29T12:00:40.8812345Z ##[group]Run aws-actions/configure-aws-credentials@v4\n"
        "2026-11-29T12:00:40.8813001Z with:\n"
        "2026-11-29T12:00:40.8813002Z   role-to-assume: arn:aws:iam::111122223333:role/github-actions-deploy\n"
        "2026-11-29T12:00:40.8813003Z   aws-region: us-east-1\n"
        "2026-11-29T12:00:40.8813004Z ##[endgroup]\n"
        "2026-11-29T12:00:41.2290000Z ##[error]Could not assume role with OIDC: " + WEB_ID,
        [
            only(
                "sts_web_identity",
                principal_arn=None,
                action="sts:AssumeRoleWithWebIdentity",
                policy_type=None,
                error_code=None,
            )
        ],
        "GitHub Actions OIDC; no wrapper names a code, so error_code null",
    )
    case(
        8,
        "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: "
        + WEB_ID,
        [
            only(
                "sts_web_identity",
                action="sts:AssumeRoleWithWebIdentity",
                policy_type=None,
                error_code="AccessDenied",
                operation="AssumeRoleWithWebIdentity",
            )
        ],
    )
    rid = uuid()
    case(
        8,
        'E1129 12:03:11.482913       1 main.go:88] "failed to sync" err="WebIdentityErr: failed to '
        "retrieve credentials\\ncaused by: AccessDenied: "
        + WEB_ID
        + "\\n\\tstatus code: 403, request "
        f'id: {rid}"',
        [
            only(
                "sts_web_identity",
                action="sts:AssumeRoleWithWebIdentity",
                error_code="AccessDenied",
                request_id=rid,
            )
        ],
        "EKS IRSA pod log (klog) with literal \\n and \\t escapes",
    )
    rid = uuid()
    case(
        8,
        "Error: failed to refresh cached credentials, failed to retrieve credentials, operation "
        "error STS: AssumeRoleWithWebIdentity, https response error StatusCode: 403, RequestID: "
        f"{rid}, api error AccessDenied: {WEB_ID}",
        [
            only(
                "sts_web_identity",
                principal_arn=None,
                action="sts:AssumeRoleWithWebIdentity",
                error_code="AccessDenied",
                operation="AssumeRoleWithWebIdentity",
                request_id=rid,
            )
        ],
        "Go SDK v2 credential chain",
    )
    case(
        8,
        "Traceback (most recent call last):\n"
        '  File "/usr/local/bin/sync.py", line 12, in <module>\n'
        "    boto3.client('s3').list_buckets()\n"
        '  File "/usr/local/lib/python3.11/site-packages/botocore/credentials.py", line 958, in '
        "fetch_credentials\n"
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the "
        "AssumeRoleWithWebIdentity operation: " + WEB_ID,
        [
            only(
                "sts_web_identity",
                action="sts:AssumeRoleWithWebIdentity",
                error_code="AccessDenied",
                operation="AssumeRoleWithWebIdentity",
            )
        ],
    )
    case(
        8,
        f"software.amazon.awssdk.services.sts.model.StsException: {WEB_ID} (Service: Sts, Status "
        f"Code: 403, Request ID: {uuid()})",
        [only("sts_web_identity", action="sts:AssumeRoleWithWebIdentity")],
        "Java SDK v2: error_code not asserted",
    )
    rid = uuid()
    case(
        8,
        "$ saml2aws login -a prod\nUsing IdP Account prod to access Okta https://acme.okta.com\n"
        "Authenticating as jane.doe@acme.com ...\nSelected role: "
        "arn:aws:iam::111122223333:role/okta-admin\nRequesting AWS credentials using SAML "
        "assertion.\nerror logging into aws role using saml assertion: error retrieving STS "
        f"credentials using SAML: AccessDenied: {SAML}\n\tstatus code: 403, request id: {rid}",
        [
            only(
                "sts_saml",
                action="sts:AssumeRoleWithSAML",
                policy_type=None,
                error_code="AccessDenied",
                request_id=rid,
            )
        ],
        "saml2aws (Go SDK v1)",
    )
    case(
        8,
        f"An error occurred (AccessDenied) when calling the AssumeRoleWithSAML operation: {SAML}",
        [
            only(
                "sts_saml",
                principal_arn=None,
                action="sts:AssumeRoleWithSAML",
                error_code="AccessDenied",
                operation="AssumeRoleWithSAML",
            )
        ],
    )
    # --- SQS -------------------------------------------------------------------------------
    url = "https://sqs.us-east-1.amazonaws.com/111122223333/orders-queue"
    case(
        8,
        "$ aws sqs send-message --queue-url https://sqs.us-east-1.amazonaws.com/111122223333/"
        "orders-queue --message-body '{\"id\": 1}'\n\nAn error occurred (AccessDenied) when calling "
        f"the SendMessage operation: Access to the resource {url} is denied.",
        [
            only(
                "sqs_access",
                resource=url,
                region="us-east-1",
                resource_account="111122223333",
                error_code="AccessDenied",
                operation="SendMessage",
            )
        ],
        "resource is the queue URL without the trailing period",
    )
    url = "https://sqs.eu-west-1.amazonaws.com/444455556666/billing-events.fifo"
    rid = uuid()
    case(
        8,
        f"com.amazonaws.services.sqs.model.AmazonSQSException: Access to the resource {url} is "
        "denied. (Service: AmazonSQS; Status Code: 403; Error Code: AccessDenied; Request ID: "
        f"{rid}; Proxy: null)",
        [
            only(
                "sqs_access",
                resource=url,
                region="eu-west-1",
                resource_account="444455556666",
                error_code="AccessDenied",
                request_id=rid,
            )
        ],
        "FIFO queue URL in a Java SDK v1 exception",
    )
    url = "https://sqs.ap-southeast-2.amazonaws.com/111122223333/notifications"
    case(
        8,
        f"AccessDenied: Access to the resource {url} is denied.\n"
        "    at throwDefaultError (/app/node_modules/@smithy/smithy-client/dist-cjs/index.js:867:20)"
        "\n  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 403,\n"
        f"    requestId: '{uuid()}',\n    attempts: 1,\n    totalRetryDelay: 0\n  }}\n}}",
        [
            only(
                "sqs_access",
                resource=url,
                region="ap-southeast-2",
                resource_account="111122223333",
                error_code="AccessDenied",
            )
        ],
        "JS SDK v3",
    )
    url = "https://sqs.us-west-2.amazonaws.com/111122223333/jobs"
    case(
        8,
        f"worker keeps logging `Access to the resource <{url}|{url}> is denied.` since the deploy",
        [
            only(
                "sqs_access",
                resource=url,
                region="us-west-2",
                resource_account="111122223333",
            )
        ],
        "Slack auto-linked the queue URL",
    )
    # --- S3 bare Access Denied -------------------------------------------------------------
    rid = "8X6Z4B2N1QJQW3E7"
    case(
        8,
        f"AccessDenied: Access Denied\n\tstatus code: 403, request id: {rid}, host id: {host_id()}",
        [only("s3_access_denied", error_code="AccessDenied", request_id=rid, principal_arn=None)],
        "Go SDK v1",
    )
    rid = "4Y3E0S5QJ0QG9F1T"
    case(
        8,
        "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; "
        f"Status Code: 403; Error Code: AccessDenied; Request ID: {rid}; S3 Extended Request ID: "
        f"{host_id()}; Proxy: null), S3 Extended Request ID: {host_id()}\n"
        "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse"
        "(AmazonHttpClient.java:1879)\n"
        "\tat com.amazonaws.services.s3.AmazonS3Client.getObject(AmazonS3Client.java:1534)",
        [only("s3_access_denied", error_code="AccessDenied", request_id=rid)],
        "Java SDK v1",
    )
    rid = "T1Q9W3E7R5Y2U8I4"
    case(
        8,
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access '
        f"Denied</Message><RequestId>{rid}</RequestId><HostId>{host_id()}</HostId></Error>",
        [only("s3_access_denied", error_code="AccessDenied", request_id=rid)],
        "raw XML body (curl of a private object)",
    )
    case(
        8,
        "$ aws s3 ls s3://payments-config-prod/\n\nAn error occurred (AccessDenied) when calling "
        "the ListObjectsV2 operation: Access Denied",
        [
            only(
                "s3_access_denied",
                error_code="AccessDenied",
                operation="ListObjectsV2",
                principal_arn=None,
            )
        ],
    )
    case(
        8,
        "$ aws s3 cp s3://ml-models-prod/churn/v7/model.tar.gz .\nfatal error: An error occurred "
        "(403) when calling the HeadObject operation: Forbidden",
        [only("s3_access_denied", operation="HeadObject")],
        "aws s3 cp HEAD 403: whether '403' is an error_code or an http_status is ambiguous;"
        " neither asserted",
    )
    case(
        8,
        "upload failed: dist/app.zip to s3://build-artifacts-123456789012/app/app.zip An error "
        "occurred (AccessDenied) when calling the PutObject operation: Access Denied",
        [only("s3_access_denied", error_code="AccessDenied", operation="PutObject")],
    )
    rid = "7T3H1N3K2Q9P8R4X"
    case(
        8,
        "software.amazon.awssdk.services.s3.model.S3Exception: Access Denied (Service: S3, Status "
        f"Code: 403, Request ID: {rid}, Extended Request ID: {host_id()})",
        [only("s3_access_denied", request_id=rid)],
        "Java SDK v2: error_code not asserted",
    )
    case(
        8,
        "AccessDenied: Access Denied\n"
        "    at de_AccessDeniedRes (/var/task/node_modules/@aws-sdk/client-s3/dist-cjs/index.js"
        ":4812:21)\n"
        "    at de_CommandError (/var/task/node_modules/@aws-sdk/client-s3/dist-cjs/index.js"
        ":4745:19) {\n  '$fault': 'client',\n  '$metadata': {\n    httpStatusCode: 403,\n"
        "    requestId: 'G4H7J2K9L1M3N5P8',\n"
        f"    extendedRequestId: '{host_id()}',\n"
        "    cfId: undefined,\n    attempts: 1,\n    totalRetryDelay: 0\n  },\n"
        "  Code: 'AccessDenied',\n  RequestId: 'G4H7J2K9L1M3N5P8',\n"
        f"  HostId: '{host_id()}'\n}}",
        [only("s3_access_denied", error_code="AccessDenied")],
        "JS SDK v3 S3 error",
    )
    case(
        8,
        "Traceback (most recent call last):\n"
        '  File "/home/ubuntu/upload.py", line 8, in <module>\n'
        "    s3.upload_file('report.pdf', 'finance-reports-prod', 'q3/report.pdf')\n"
        '  File "/usr/lib/python3/dist-packages/boto3/s3/transfer.py", line 292, in upload_file\n'
        "    raise S3UploadFailedError(\n"
        "boto3.exceptions.S3UploadFailedError: Failed to upload report.pdf to "
        "finance-reports-prod/q3/report.pdf: An error occurred (AccessDenied) when calling the "
        "PutObject operation: Access Denied",
        [only("s3_access_denied", error_code="AccessDenied", operation="PutObject")],
        "boto3 S3UploadFailedError",
    )
    rid = "QW12ER34TY56UI78"
    case(
        8,
        "Error: operation error S3: GetObject, https response error StatusCode: 403, RequestID: "
        f"{rid}, HostID: {host_id()}, api error AccessDenied: Access Denied",
        [
            only(
                "s3_access_denied",
                error_code="AccessDenied",
                operation="GetObject",
                request_id=rid,
            )
        ],
        "Go SDK v2",
    )
    case(
        8,
        "Unhandled exception. Amazon.S3.AmazonS3Exception: Access Denied\n"
        " ---> Amazon.Runtime.Internal.HttpErrorResponseException: Exception of type "
        "'Amazon.Runtime.Internal.HttpErrorResponseException' was thrown.\n"
        "   at Amazon.Runtime.HttpWebRequestMessage.ProcessHttpResponseMessage(HttpResponseMessage "
        "responseMessage)",
        [only("s3_access_denied")],
        ".NET SDK",
    )
    rid = "ZX98CV76BN54M321"
    case(
        8,
        "$ terraform init\nInitializing the backend...\n"
        "Error refreshing state: AccessDenied: Access Denied\n"
        f"\tstatus code: 403, request id: {rid}, host id: {host_id()}",
        [only("s3_access_denied", error_code="AccessDenied", request_id=rid)],
        "Terraform S3 backend",
    )
    # --- another service's detail-less AccessDenied ----------------------------------------
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the ListAccounts operation: You "
        "don't have permissions to access this resource.",
        [
            only(
                "access_denied",
                error_code="AccessDeniedException",
                operation="ListAccounts",
                principal_arn=None,
            )
        ],
        "Organizations from a member account",
    )
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the GetCostAndUsage operation: "
        "User not enabled for cost explorer access",
        [only("access_denied", error_code="AccessDeniedException", operation="GetCostAndUsage")],
    )
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: "
        "Access to KMS is not allowed",
        [only("access_denied", error_code="AccessDeniedException", operation="GetSecretValue")],
        "Secrets Manager's own KMS wording is not one of the two KMS kinds",
    )
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the DescribeDBProxies operation: ",
        [
            only(
                "access_denied",
                error_code="AccessDeniedException",
                operation="DescribeDBProxies",
                principal_arn=None,
                action=None,
            )
        ],
        "empty message after the wrapper",
    )
    # --- IAM Identity Center -------------------------------------------------------------
    case(
        8,
        "$ aws s3 ls --profile dev-admin\n\nAn error occurred (ForbiddenException) when calling "
        "the GetRoleCredentials operation: No access",
        [
            only(
                "identity_center_no_access",
                error_code="ForbiddenException",
                operation="GetRoleCredentials",
            )
        ],
    )
    case(
        8,
        "Error: failed to refresh cached credentials, operation error SSO: GetRoleCredentials, "
        f"https response error StatusCode: 403, RequestID: {uuid()}, ForbiddenException: No access",
        [
            only(
                "identity_center_no_access",
                error_code="ForbiddenException",
                operation="GetRoleCredentials",
            )
        ],
        "Go SDK v2 (terraform/kubectl credential refresh)",
    )
    case(
        8,
        "botocore.errorfactory.ForbiddenException: An error occurred (ForbiddenException) when "
        "calling the GetRoleCredentials operation: No access",
        [only("identity_center_no_access", error_code="ForbiddenException")],
    )
    # --- Lake Formation --------------------------------------------------------------------
    case(
        8,
        "Query failed: Insufficient Lake Formation permission(s) on orders (Service: "
        f"AmazonDataCatalog; Status Code: 400; Error Code: AccessDeniedException; Request ID: {uuid()}"
        '; Proxy: null)\nThis query ran against the "sales" database, unless qualified by the '
        "query. Please post the error message on our forum or contact customer support with Query "
        f"Id: {uuid()}",
        [only("lake_formation", error_code="AccessDeniedException")],
        "Athena console error",
    )
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the GetTable operation: "
        "Insufficient Lake Formation permission(s): Required Describe on orders",
        [only("lake_formation", error_code="AccessDeniedException", operation="GetTable")],
    )
    case(
        8,
        "py4j.protocol.Py4JJavaError: An error occurred while calling o112.saveAsTable.\n"
        ": com.amazonaws.services.glue.model.AccessDeniedException: Insufficient Lake Formation "
        "permission(s): Required Create Table on analytics (Service: AWSGlue; Status Code: 400; "
        f"Error Code: AccessDeniedException; Request ID: {uuid()}; Proxy: null)",
        [only("lake_formation", error_code="AccessDeniedException")],
        "Glue Spark job; py4j's 'An error occurred while calling' is not an AWS wrapper",
    )
    # --- Bedrock ---------------------------------------------------------------------------
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the InvokeModel operation: "
        + BEDROCK,
        [
            only(
                "bedrock_model_access",
                error_code="AccessDeniedException",
                operation="InvokeModel",
            )
        ],
    )
    case(
        8,
        "Traceback (most recent call last):\n"
        '  File "/app/chat.py", line 51, in stream\n'
        "    for chunk in llm.stream(messages):\n"
        '  File "/usr/local/lib/python3.12/site-packages/langchain_aws/chat_models/bedrock.py", '
        "line 561, in _stream\n"
        "botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) "
        f"when calling the InvokeModelWithResponseStream operation: {BEDROCK}",
        [
            only(
                "bedrock_model_access",
                error_code="AccessDeniedException",
                operation="InvokeModelWithResponseStream",
            )
        ],
    )
    p = "arn:aws:sts::111122223333:assumed-role/genai-app/app"
    r = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
    case(
        8,
        f"AccessDeniedException: User: {p} is not authorized to perform: bedrock:InvokeModel on "
        f"resource: {r} because no identity-based policy allows the bedrock:InvokeModel action",
        [
            na(
                p,
                "bedrock:InvokeModel",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
            )
        ],
        "Bedrock IAM denial is the canonical form (not bedrock_model_access); model ARN has no"
        " account and ends in ':0'",
    )
    # --- cross-account pass role / root assume role -----------------------------------------
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the CreateFunction operation: "
        "Cross-account pass role is not allowed.",
        [
            only(
                "cross_account_pass_role",
                error_code="AccessDeniedException",
                operation="CreateFunction",
            )
        ],
    )
    case(
        8,
        "╷\n│ Error: creating Lambda Function (ingest): operation error Lambda: CreateFunction, "
        f"https response error StatusCode: 403, RequestID: {uuid()}, api error "
        "AccessDeniedException: Cross-account pass role is not allowed.\n│ \n"
        "│   with aws_lambda_function.ingest,\n│   on lambda.tf line 1, in resource "
        '"aws_lambda_function" "ingest":\n│    1: resource "aws_lambda_function" "ingest" {\n│ \n╵',
        [
            only(
                "cross_account_pass_role",
                error_code="AccessDeniedException",
                operation="CreateFunction",
            )
        ],
        "Terraform",
    )
    case(
        8,
        "$ aws sts assume-role --role-arn arn:aws:iam::111122223333:role/admin "
        "--role-session-name test\n\nAn error occurred (AccessDenied) when calling the AssumeRole "
        "operation: Roles may not be assumed by root accounts.",
        [
            only(
                "root_assume_role",
                error_code="AccessDenied",
                operation="AssumeRole",
            )
        ],
    )
    rid = uuid()
    case(
        8,
        "error: AccessDenied: Roles may not be assumed by root accounts.\n\tstatus code: 403, "
        f"request id: {rid}",
        [only("root_assume_role", error_code="AccessDenied", request_id=rid)],
        "Go SDK v1",
    )


# =============================================================================================
# 9. not denials
# =============================================================================================


def family_9() -> None:
    def no(text: str, notes: str) -> None:
        case(9, text, [], notes)

    no(
        "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation: The "
        "security token included in the request is expired",
        "expired STS credentials (credential problem)",
    )
    no(
        "botocore.exceptions.ClientError: An error occurred (ExpiredTokenException) when calling "
        "the Query operation: The security token included in the request is expired",
        "ExpiredTokenException from DynamoDB",
    )
    no(
        "An error occurred (InvalidClientTokenId) when calling the AssumeRole operation: The "
        "security token included in the request is invalid.",
        "InvalidClientTokenId",
    )
    no(
        "An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: "
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method. Consult the service documentation for "
        "details.",
        "SignatureDoesNotMatch",
    )
    no(
        "An error occurred (UnrecognizedClientException) when calling the ListTables operation: "
        "The security token included in the request is invalid.",
        "UnrecognizedClientException",
    )
    no(
        "$ aws s3 ls\n\nUnable to locate credentials. You can configure credentials by running "
        '"aws configure".',
        "no credentials configured",
    )
    no(
        "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
        "boto NoCredentialsError",
    )
    no(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request '
        "has expired</Message><X-Amz-Expires>3600</X-Amz-Expires><Expires>2026-11-29T08:00:00Z"
        "</Expires><ServerTime>2026-11-29T09:12:44Z</ServerTime><RequestId>8A1B2C3D4E5F6A7B"
        f"</RequestId><HostId>{host_id()}</HostId></Error>",
        "expired presigned URL: S3 says AccessDenied but it is a credential problem",
    )
    no(
        "<Error><Code>AccessDenied</Code><Message>There were headers present in the request which "
        "were not signed</Message><HeadersNotSigned>x-amz-acl</HeadersNotSigned><RequestId>"
        f"3C4D5E6F7A8B9C0D</RequestId><HostId>{host_id()}</HostId></Error>",
        "presigned PUT with an unsigned header: a signing problem",
    )
    no(
        "An error occurred (InvalidAccessKeyId) when calling the ListBuckets operation: The AWS "
        "Access Key Id you provided does not exist in our records.",
        "InvalidAccessKeyId",
    )
    no(
        "An error occurred (ThrottlingException) when calling the DescribeStacks operation (reached "
        "max retries: 4): Rate exceeded",
        "throttling",
    )
    no(
        "An error occurred (SlowDown) when calling the PutObject operation (reached max retries: "
        "4): Please reduce your request rate.",
        "S3 SlowDown",
    )
    no(
        "An error occurred (ProvisionedThroughputExceededException) when calling the PutItem "
        "operation (reached max retries: 9): The level of configured provisioned throughput for "
        "the table was exceeded. Consider increasing your provisioning level with the UpdateTable "
        "API.",
        "DynamoDB throughput",
    )
    no(
        "An error occurred (ValidationException) when calling the CreateStack operation: Template "
        "format error: Unresolved resource dependencies [OrdersQueue] in the Resources block of "
        "the template",
        "CloudFormation validation",
    )
    no(
        "An error occurred (ValidationError) when calling the AssumeRole operation: 1 validation "
        "error detected: Value 'arn:aws:iam::111122223333:role/deploy' at 'roleSessionName' failed "
        "to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        "STS validation error that mentions a role ARN",
    )
    no(
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key "
        "does not exist.",
        "NoSuchKey",
    )
    no(
        "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified "
        "bucket does not exist",
        "NoSuchBucket",
    )
    no(
        "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: "
        "Secrets Manager can't find the specified secret.",
        "ResourceNotFoundException",
    )
    no(
        "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name "
        "deploy-role cannot be found.",
        "IAM NoSuchEntity",
    )
    no(
        'Error from server (Forbidden): pods is forbidden: User "arn:aws:iam::111122223333:role/'
        'eks-developers" cannot list resource "pods" in API group "" in the namespace "payments"',
        "Kubernetes RBAC refusal that merely names an IAM role",
    )
    no(
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User '
        '"arn:aws:sts::111122223333:assumed-role/ci-runner/build-8812" cannot patch resource '
        '"deployments" in API group "apps" in the namespace "prod"',
        "Kubernetes RBAC with an assumed-role session as the user",
    )
    no(
        "error: You must be logged in to the server (Unauthorized)",
        "EKS authentication (aws-auth/access entry missing): not an IAM policy denial",
    )
    no(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "ReadOrders",
                        "Effect": "Allow",
                        "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                        "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/Orders",
                    }
                ],
            },
            indent=2,
        ),
        "identity policy document",
    )
    no(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [
                            "arn:aws:s3:::payments-config-prod",
                            "arn:aws:s3:::payments-config-prod/*",
                        ],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            },
            indent=2,
        ),
        "bucket policy with a Deny statement",
    )
    no(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {
                            "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
                        },
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                            },
                            "StringLike": {
                                "token.actions.githubusercontent.com:sub": "repo:acme/web:*"
                            },
                        },
                    }
                ],
            },
            indent=2,
        ),
        "OIDC trust policy (names sts:AssumeRoleWithWebIdentity)",
    )
    no(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyLeaveOrg",
                        "Effect": "Deny",
                        "Action": ["organizations:LeaveOrganization"],
                        "Resource": "*",
                    },
                    {
                        "Sid": "DenyOutsideApprovedRegions",
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*"],
                        "Resource": "*",
                        "Condition": {
                            "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}
                        },
                    },
                ],
            }
        ),
        "SCP with Deny statements, one line",
    )
    no(
        "Terraform will perform the following actions:\n\n"
        "  # aws_iam_policy.deploy will be created\n"
        '  + resource "aws_iam_policy" "deploy" {\n'
        "      + arn              = (known after apply)\n"
        '      + name             = "deploy"\n'
        "      + policy           = jsonencode(\n"
        "            {\n"
        "              + Statement = [\n"
        "                  + {\n"
        '                      + Action   = "iam:PassRole"\n'
        '                      + Effect   = "Deny"\n'
        '                      + Resource = "arn:aws:iam::111122223333:role/admin"\n'
        "                    },\n"
        "                ]\n"
        '              + Version   = "2012-10-17"\n'
        "            }\n"
        "        )\n"
        "    }\n\n"
        "Plan: 1 to add, 0 to change, 0 to destroy.",
        "Terraform plan of an aws_iam_policy",
    )
    no(
        "how do I fix 'is not authorized to perform'? every tutorial says attach a policy but which "
        "one?",
        "quotes the phrase without an actual message",
    )
    no(
        "FYI the IAM docs list the forms: User: <user> is not authorized to perform: <action> on "
        "resource: <resource> because <context>",
        "the documented template with placeholders, not a real message",
    )
    no(
        "어제 배포 때 권한 오류 났던 거 해결됐나요? SCP 쪽 문제였던 것 같은데 확인 부탁드려요",
        "Korean chatter about a permission error, no message",
    )
    no(
        "IAM 정책 문서 첨부합니다. 검토 부탁드립니다 🙏\n"
        + json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::reports/*",
                    }
                ],
            }
        ),
        "Korean note with a policy document",
    )
    no(
        "standup: finished the SQS migration, working on IAM least-privilege for the billing "
        "service today, blocked on nothing",
        "ordinary chatter",
    )
    no(
        "Error: HttpError: Resource not accessible by integration\n"
        "    at /home/runner/work/_actions/actions/github-script/v7/dist/index.js:9537:21",
        "GitHub token permission error",
    )
    no(
        "ERROR:  permission denied for table orders\nSTATEMENT:  SELECT * FROM orders LIMIT 10;",
        "Postgres permission error",
    )
    no("bash: ./deploy.sh: Permission denied", "Linux file permission")
    no(
        "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote "
        "repository.\n\nPlease make sure you have the correct access rights\nand the repository "
        "exists.",
        "SSH key",
    )
    no(
        "permission denied while trying to connect to the Docker daemon socket at "
        'unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/containers/json'
        '": dial unix /var/run/docker.sock: connect: permission denied',
        "Docker socket",
    )
    no(
        "npm ERR! code EACCES\nnpm ERR! syscall mkdir\nnpm ERR! path /usr/local/lib/node_modules/"
        "aws-cdk\nnpm ERR! errno -13\nnpm ERR! Error: EACCES: permission denied, mkdir "
        "'/usr/local/lib/node_modules/aws-cdk'",
        "npm EACCES while installing aws-cdk",
    )
    no(
        "remote: Permission to acme/infra.git denied to deploy-bot.\nfatal: unable to access "
        "'https://github.com/acme/infra.git/': The requested URL returned error: 403",
        "git over HTTPS 403",
    )
    no(
        "googleapi: Error 403: ci-sa@acme-prod.iam.gserviceaccount.com does not have "
        "storage.objects.get access to the Google Cloud Storage object. Permission "
        "'storage.objects.get' denied on resource (or it may not exist)., forbidden",
        "GCP IAM denial (not AWS)",
    )
    no(
        "(AuthorizationFailed) The client 'a1b2c3d4-0000-1111-2222-333344445555' with object id "
        "'a1b2c3d4-0000-1111-2222-333344445555' does not have authorization to perform action "
        "'Microsoft.Storage/storageAccounts/read' over scope '/subscriptions/0000/resourceGroups/"
        "rg-prod' or the scope is invalid.",
        "Azure RBAC denial (not AWS)",
    )
    no(
        "ERROR 1045 (28000): Access denied for user 'app'@'10.0.3.17' (using password: YES)",
        "MySQL 'Access denied'",
    )
    no(
        "C:\\> del C:\\Windows\\System32\\drivers\\etc\\hosts\nAccess is denied.",
        "Windows 'Access is denied.'",
    )
    no(
        "An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
        "Incorrect username or password.",
        "Cognito user-pool login failure: authentication, not IAM",
    )
    no(
        "Error when retrieving token from sso: Token has expired and refresh failed",
        "expired IAM Identity Center token (run aws sso login)",
    )
    no(
        "The config profile (prod-admin) could not be found",
        "CLI configuration",
    )
    no(
        "An error occurred (InvalidParameterValue) when calling the RunInstances operation: Value "
        "(ec2-role) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile "
        "name",
        "EC2 parameter error mentioning IAM",
    )
    no(
        "KMSInvalidStateException: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-"
        "56ef-1234567890ab is pending deletion.",
        "KMS key state, not a permission",
    )
    no(
        "An error occurred (DisabledException) when calling the Decrypt operation: "
        "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is disabled.",
        "disabled KMS key",
    )
    no(
        "denied: Your authorization token has expired. Reauthenticate and try again.",
        "ECR docker push with an expired login token",
    )
    no(
        'Error response from daemon: Get "https://111122223333.dkr.ecr.us-east-1.amazonaws.com/'
        'v2/": no basic auth credentials',
        "docker not logged in to ECR",
    )
    no(
        "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 "
        "Forbidden</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>",
        "nginx 403 page",
    )
    no(
        "SELECT eventtime, useridentity.arn, eventsource, eventname, errorcode, errormessage\n"
        "FROM cloudtrail_logs\nWHERE errorcode IN ('AccessDenied', 'AccessDeniedException', "
        "'Client.UnauthorizedOperation')\n  AND eventtime > '2026-11-28'\nORDER BY eventtime DESC\n"
        "LIMIT 100;",
        "Athena query over CloudTrail naming denial codes",
    )
    no(
        "aws logs filter-log-events --log-group-name /aws/lambda/orders-api-prod --filter-pattern "
        "'\"is not authorized to perform\"' --start-time 1732838400000",
        "a search command for the phrase",
    )
    no(
        "try:\n    s3.get_object(Bucket=bucket, Key=key)\nexcept ClientError as e:\n"
        "    if e.response['Error']['Code'] in ('AccessDenied', '403'):\n"
        "        log.warning('not authorized to read %s', key)\n    raise",
        "code that handles AccessDenied",
    )
    no(
        "Error: Code: 403. Errors:\n\n* permission denied",
        "HashiCorp Vault permission denied",
    )
    no(
        "Task timed out after 3.00 seconds\n\nEND RequestId: 3b6c1f0e-8f2a-4d1e-9b7c-5a4d3c2b1a09\n"
        "REPORT RequestId: 3b6c1f0e-8f2a-4d1e-9b7c-5a4d3c2b1a09\tDuration: 3003.12 ms",
        "Lambda timeout",
    )
    no(
        "An error occurred (MessageRejected) when calling the SendEmail operation: Email address is "
        "not verified. The following identities failed the check in region US-EAST-1: "
        "noreply@example.com",
        "SES sandbox",
    )
    no(
        "An error occurred (MalformedPolicyDocument) when calling the UpdateAssumeRolePolicy "
        "operation: Has prohibited field Resource",
        "malformed trust policy",
    )
    no(
        "An error occurred (LimitExceeded) when calling the AttachRolePolicy operation: Cannot "
        "exceed quota for PoliciesPerRole: 10",
        "IAM quota",
    )
    no(
        "lol access denied again 🙃 going to grab coffee",
        "chatter with the words 'access denied' and no AWS context",
    )
    no(
        "INFO 2026-11-29T10:00:00Z authz: user arn:aws:iam::111122223333:user/alice is authorized "
        "to perform s3:GetObject (policy ReadReports)",
        "an allow log line",
    )
    no(
        "$ aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:role/"
        "etl-runner --action-names s3:GetObject --output text --query "
        "'EvaluationResults[].[EvalActionName,EvalDecision]'\ns3:GetObject\tallowed",
        "policy simulator says allowed",
    )
    no(
        "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity "
        "operation: Couldn't retrieve verification key from your identity provider,  please "
        "reference AssumeRoleWithWebIdentity documentation for requirements",
        "web-identity token/provider problem (InvalidIdentityToken), not the trust policy denial",
    )
    no(
        "Your request included an invalid SAML response. To logout, click here.",
        "AWS sign-in SAML validation page",
    )
    no(
        "An error occurred (RequestExpired) when calling the DescribeInstances operation: Request "
        "has expired.",
        "clock skew (EC2 RequestExpired)",
    )
    no(
        "ok so the fix for the 'not authorized' thing was adding kms:Decrypt to the key policy, "
        "closing the ticket ✅",
        "post-mortem chatter",
    )


# =============================================================================================
# 10. several denials in one paste; retried duplicates counted once
# =============================================================================================


def family_10() -> None:
    p = "arn:aws:sts::111122223333:assumed-role/orders-api-lambda-role/orders-api-prod"
    r = "arn:aws:dynamodb:eu-central-1:111122223333:table/Orders"
    msg = (
        f"User: {p} is not authorized to perform: dynamodb:PutItem on resource: {r} because no "
        "identity-based policy allows the dynamodb:PutItem action"
    )
    case(
        10,
        "\n".join(
            f"2026-11-29T10:0{i}:0{i}.{i}12Z ERROR AccessDeniedException: {msg}"
            for i in range(1, 4)
        ),
        [
            na(
                p,
                "dynamodb:PutItem",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
            )
        ],
        "the same line retried three times with different timestamps: one denial",
    )
    p = GHA
    r1 = "arn:aws:s3:::static-web-prod-111122223333/index.html"
    r2 = "arn:aws:cloudfront::111122223333:distribution/E2QWRUHAPOMQZL"
    case(
        10,
        f"2026-11-29T09:45:03.8820001Z upload failed: dist/index.html to s3://static-web-prod-"
        f"111122223333/index.html An error occurred (AccessDenied) when calling the PutObject "
        f'operation: User: {p} is not authorized to perform: s3:PutObject on resource: "{r1}" '
        "because no identity-based policy allows the s3:PutObject action\n"
        "2026-11-29T09:45:05.1120002Z An error occurred (AccessDenied) when calling the "
        f"CreateInvalidation operation: User: {p} is not authorized to perform: "
        f"cloudfront:CreateInvalidation on resource: {r2} because no identity-based policy allows "
        "the cloudfront:CreateInvalidation action\n"
        "2026-11-29T09:45:05.2000000Z ##[error]Process completed with exit code 254.",
        [
            na(
                p,
                "s3:PutObject",
                r1,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="PutObject",
            ),
            na(
                p,
                "cloudfront:CreateInvalidation",
                r2,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
                operation="CreateInvalidation",
            ),
        ],
        "two different denials in a GitHub Actions log, in order; CloudFront ARN has no region",
    )
    p = "arn:aws:sts::111122223333:assumed-role/etl-runner/etl"
    r = "arn:aws:glue:us-east-1:111122223333:table/raw/events"
    rid = "ZQ8X7C6V5B4N3M2L"
    case(
        10,
        "== step 1: catalog\n"
        "An error occurred (AccessDeniedException) when calling the GetTable operation: User: "
        f"{p} is not authorized to perform: glue:GetTable on resource: {r} because no "
        "identity-based policy allows the glue:GetTable action\n"
        "== step 2: raw files\n"
        f"AccessDenied: Access Denied\n\tstatus code: 403, request id: {rid}, host id: {host_id()}\n"
        "== step 3: decrypt manifest\n"
        f"An error occurred (AccessDeniedException) when calling the Decrypt operation: {CMK_UNKNOWN}",
        [
            na(
                p,
                "glue:GetTable",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                operation="GetTable",
            ),
            only("s3_access_denied", error_code="AccessDenied", request_id=rid),
            only("kms_key_unknown", error_code="AccessDeniedException", operation="Decrypt"),
        ],
        "three kinds in one job log",
    )
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    blocks = []
    expected = []
    for action, res, op in (
        ("iam:CreateRole", "arn:aws:iam::111122223333:role/app-task", "CreateRole"),
        ("iam:CreatePolicy", "arn:aws:iam::111122223333:policy/app-task-access", "CreatePolicy"),
        ("kms:CreateKey", "*", "CreateKey"),
    ):
        svc = action.split(":")[0].upper()
        blocks.append(
            "╷\n"
            f"│ Error: creating resource: operation error {svc}: {op}, https response error "
            f"StatusCode: 403, RequestID: {uuid()}, api error AccessDenied: User: {p} is not "
            f"authorized to perform: {action} on resource: {res} with an explicit deny in a service "
            "control policy\n│ \n╵"
        )
        expected.append(
            na(p, action, res, "scp", "explicit", error_code="AccessDenied", operation=op)
        )
    case(
        10,
        "\n".join(blocks),
        expected,
        "three Terraform error blocks",
    )
    pa = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_1a2b3c4d5e6f7a8b/sam"
    pb = "arn:aws:sts::444455556666:assumed-role/analytics/hana"
    url = "https://sqs.us-east-1.amazonaws.com/111122223333/orders-queue"
    case(
        10,
        "Weekly roundup of access issues people hit:\n"
        f"• sam: `User: {pa} is not authorized to perform: lambda:UpdateFunctionCode on resource: "
        "arn:aws:lambda:us-east-1:111122223333:function:checkout with an explicit deny in an "
        "identity-based policy`\n"
        f"• hana: `User: {pb} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::finance-exports/2026/q3/ledger.csv" because no resource-based policy allows '
        "the s3:GetObject action`\n"
        f"• orders worker: `Access to the resource {url} is denied.`\n"
        "• new joiner laptop: `An error occurred (ForbiddenException) when calling the "
        "GetRoleCredentials operation: No access`\n"
        "• (not a denial) `An error occurred (ExpiredToken) when calling the ListBuckets "
        "operation: The provided token has expired.`",
        [
            na(
                pa,
                "lambda:UpdateFunctionCode",
                "arn:aws:lambda:us-east-1:111122223333:function:checkout",
                "identity_based",
                "explicit",
            ),
            na(
                pb,
                "s3:GetObject",
                "arn:aws:s3:::finance-exports/2026/q3/ledger.csv",
                "resource_based",
                "implicit",
            ),
            only("sqs_access", resource=url, region="us-east-1"),
            only(
                "identity_center_no_access",
                error_code="ForbiddenException",
                operation="GetRoleCredentials",
            ),
        ],
        "four kinds in a bulleted roundup; the ExpiredToken bullet is not a denial",
    )
    p = "arn:aws:sts::111122223333:assumed-role/report-builder/rb"
    r = "arn:aws:s3:::reports-prod/daily/2026-11-29.csv"
    msg = (
        f'User: {p} is not authorized to perform: s3:PutObject on resource: "{r}" with an '
        "explicit deny in a VPC endpoint policy"
    )
    case(
        10,
        f"attempt 1/3 failed: {msg}\nattempt 2/3 failed: {msg}\nattempt 3/3 failed: {msg}\n"
        "giving up",
        [na(p, "s3:PutObject", r, "vpc_endpoint", "explicit")],
        "retry loop repeating the identical message with an attempt counter: one denial",
    )
    p = "arn:aws:sts::111122223333:assumed-role/thumbnailer/thumb"
    case(
        10,
        f"User: {p} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::media-originals/a.jpg" because no identity-based policy allows the '
        "s3:GetObject action\n"
        f"User: {p} is not authorized to perform: s3:GetObject on resource: "
        '"arn:aws:s3:::media-originals/b.jpg" because no identity-based policy allows the '
        "s3:GetObject action",
        [
            na(
                p,
                "s3:GetObject",
                "arn:aws:s3:::media-originals/a.jpg",
                "identity_based",
                "implicit",
            ),
            na(
                p,
                "s3:GetObject",
                "arn:aws:s3:::media-originals/b.jpg",
                "identity_based",
                "implicit",
            ),
        ],
        "same principal and action, different resources: two denials",
    )
    p = LAMBDA
    r = "arn:aws:sqs:eu-central-1:111122223333:orders-fulfilment"
    msg = (
        f"User: {p} is not authorized to perform: sqs:sendmessage on resource: {r} because no "
        "identity-based policy allows the sqs:sendmessage action"
    )
    lines = [
        f"2026-11-29T10:15:0{i}.{i}04Z\t{uuid()}\tERROR\tAccessDenied: {msg}" for i in range(1, 4)
    ]
    case(
        10,
        "\n".join(lines),
        [na(p, "sqs:sendmessage", r, "identity_based", "implicit", error_code="AccessDenied")],
        "CloudWatch Logs lines from three invocations: prefixes differ (timestamp and Lambda"
        " request id), the denial is the same: one",
    )
    p1 = "arn:aws:iam::123456789012:user/JohnDoe"
    m1 = (
        f"User: {p1} is not authorized to perform: codecommit:ListRepositories because no service "
        "control policy allows the codecommit:ListRepositories action"
    )
    m2 = (
        f"User: {p1} is not authorized to perform: codecommit:GitPull on resource: "
        "arn:aws:codecommit:us-east-1:123456789012:infra because no identity-based policy allows "
        "the codecommit:GitPull action"
    )
    case(
        10,
        f"[10:01:02] {m1}\n[10:01:03] {m2}\n[10:01:09] {m1}",
        [
            na(p1, "codecommit:ListRepositories", None, "scp", "implicit"),
            na(
                p1,
                "codecommit:GitPull",
                "arn:aws:codecommit:us-east-1:123456789012:infra",
                "identity_based",
                "implicit",
            ),
        ],
        "A, B, A again: two denials in order of first appearance",
    )
    b = blob(980)
    p = "arn:aws:sts::111122223333:assumed-role/terraform-ci/1732871234"
    case(
        10,
        "╷\n│ Error: creating EC2 Instance: UnauthorizedOperation: You are not authorized to perform "
        f"this operation. Encoded authorization failure message: {b}\n│ \tstatus code: 403, "
        f"request id: {uuid()}\n│ \n╵\n"
        "╷\n│ Error: creating IAM Instance Profile (bastion): AccessDenied: User: "
        f"{p} is not authorized to perform: iam:PassRole on resource: "
        "arn:aws:iam::111122223333:role/bastion because no identity-based policy allows the "
        f"iam:PassRole action\n│ \tstatus code: 403, request id: {uuid()}\n│ \n╵",
        [
            only(
                "encoded_authorization",
                encoded_message=b,
                error_code="UnauthorizedOperation",
            ),
            na(
                p,
                "iam:PassRole",
                "arn:aws:iam::111122223333:role/bastion",
                "identity_based",
                "implicit",
                error_code="AccessDenied",
            ),
        ],
        "encoded EC2 denial then a not_authorized one",
    )
    p = "arn:aws:sts::111122223333:assumed-role/notifier/n1"
    url = "https://sqs.us-east-1.amazonaws.com/444455556666/partner-inbox"
    case(
        10,
        "An error occurred (AuthorizationError) when calling the Publish operation: User: "
        f"{p} is not authorized to perform: SNS:Publish on resource: "
        "arn:aws:sns:us-east-1:444455556666:partner-events because no resource-based policy allows "
        "the SNS:Publish action\n"
        "falling back to direct queue write...\n"
        "An error occurred (AccessDenied) when calling the SendMessage operation: Access to the "
        f"resource {url} is denied.",
        [
            na(
                p,
                "SNS:Publish",
                "arn:aws:sns:us-east-1:444455556666:partner-events",
                "resource_based",
                "implicit",
                error_code="AuthorizationError",
                operation="Publish",
            ),
            only(
                "sqs_access",
                resource=url,
                region="us-east-1",
                resource_account="444455556666",
                error_code="AccessDenied",
                operation="SendMessage",
            ),
        ],
        "SNS then SQS",
    )
    p1 = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_DataEngineer_6f5e4d3c2b1a0987/hana"
    case(
        10,
        "안녕하세요, 데이터팀 한나입니다. 아래 두 가지 오류가 계속 납니다.\n\n"
        "1. 아테나 쿼리:\n```\n"
        f"User: {p1} is not authorized to perform: athena:StartQueryExecution on resource: "
        "arn:aws:athena:ap-northeast-2:111122223333:workgroup/analytics because no identity-based "
        "policy allows the athena:StartQueryExecution action\n```\n"
        "2. 결과 버킷 쓰기:\n```\n"
        f"User: {p1} is not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::athena-results-apne2/analytics/" with an explicit deny in a resource-based '
        "policy\n```\n권한 세트 수정 부탁드립니다 🙏",
        [
            na(
                p1,
                "athena:StartQueryExecution",
                "arn:aws:athena:ap-northeast-2:111122223333:workgroup/analytics",
                "identity_based",
                "implicit",
            ),
            na(
                p1,
                "s3:PutObject",
                "arn:aws:s3:::athena-results-apne2/analytics/",
                "resource_based",
                "explicit",
            ),
        ],
        "Korean message with two fenced errors",
    )
    case(
        10,
        "$ aws s3 ls --profile sandbox\n\nAn error occurred (ForbiddenException) when calling the "
        "GetRoleCredentials operation: No access\n$ aws s3 ls s3://sandbox-scratch --profile "
        "default\n\nAn error occurred (AccessDenied) when calling the ListObjectsV2 operation: "
        "Access Denied",
        [
            only(
                "identity_center_no_access",
                error_code="ForbiddenException",
                operation="GetRoleCredentials",
            ),
            only("s3_access_denied", error_code="AccessDenied", operation="ListObjectsV2"),
        ],
        "Identity Center then bare S3",
    )
    p = "arn:aws:sts::111122223333:assumed-role/DeveloperRole/priya"
    r = "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0"
    case(
        10,
        f"User: {p} is not authorized to perform: ec2:StopInstances on resource: {r} with an "
        "explicit deny in a service control policy\n"
        f"User: {p} is not authorized to perform: ec2:StopInstances on resource: {r} with an "
        "explicit deny in an identity-based policy",
        [
            na(p, "ec2:StopInstances", r, "scp", "explicit"),
            na(p, "ec2:StopInstances", r, "identity_based", "explicit"),
        ],
        "same principal/action/resource, different policy types: two denials",
    )
    case(
        10,
        "three tickets from today:\n"
        "1) An error occurred (AccessDenied) when calling the AssumeRole operation: Roles may not "
        "be assumed by root accounts.\n"
        "2) An error occurred (AccessDeniedException) when calling the CreateFunction operation: "
        "Cross-account pass role is not allowed.\n"
        "3) An error occurred (AccessDeniedException) when calling the Converse operation: "
        + BEDROCK,
        [
            only("root_assume_role", error_code="AccessDenied", operation="AssumeRole"),
            only(
                "cross_account_pass_role",
                error_code="AccessDeniedException",
                operation="CreateFunction",
            ),
            only(
                "bedrock_model_access",
                error_code="AccessDeniedException",
                operation="Converse",
            ),
        ],
        "three service-specific kinds",
    )
    p = GHA
    msg = (
        f"User: {p} is not authorized to perform: ecr:InitiateLayerUpload on resource: "
        "arn:aws:ecr:us-east-1:111122223333:repository/web because no identity-based policy allows "
        "the ecr:InitiateLayerUpload action"
    )
    case(
        10,
        "2026-11-29T11:00:01.0000001Z ##[group]Run docker push\n"
        f"2026-11-29T11:00:03.1000001Z error: {msg}\n"
        "2026-11-29T11:00:03.1000002Z Attempt 1 failed, retrying in 5s\n"
        f"2026-11-29T11:00:08.2000001Z error: {msg}\n"
        "2026-11-29T11:00:08.2000002Z Attempt 2 failed, retrying in 10s\n"
        f"2026-11-29T11:00:18.3000001Z error: {msg}\n"
        "2026-11-29T11:00:18.3000002Z ##[error]Could not assume role with OIDC: " + WEB_ID,
        [
            na(
                p,
                "ecr:InitiateLayerUpload",
                "arn:aws:ecr:us-east-1:111122223333:repository/web",
                "identity_based",
                "implicit",
            ),
            only("sts_web_identity", action="sts:AssumeRoleWithWebIdentity"),
        ],
        "three retries of one denial (one), then a different web-identity failure",
    )


# =============================================================================================
# later additions (ids continue each family's numbering)
# =============================================================================================


def extras() -> None:
    p = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6a7b/dev.kim"
    r = "arn:aws:s3:::shared-drive-export/My Documents/Q3 report final.pdf"
    case(
        3,
        f'User: {p} is not authorized to perform: s3:GetObject on resource: "{r}" because no '
        "identity-based policy allows the s3:GetObject action",
        [na(p, "s3:GetObject", r, "identity_based", "implicit")],
        "S3 key with spaces inside the quoted resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/scheduler/nightly"
    r = "arn:aws:ecs:us-east-1:111122223333:task-definition/web:42"
    case(
        3,
        f"User: {p} is not authorized to perform: ecs:RunTask on resource: {r} because no "
        "identity-based policy allows the ecs:RunTask action",
        [na(p, "ecs:RunTask", r, "identity_based", "implicit")],
        "task-definition revision suffix ':42' belongs to the resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/log-reader/reader"
    r = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/checkout:log-stream:2026/11/29/[$LATEST]4f9c2a1b0e8d7c6b5a4f3e2d1c0b9a87"
    case(
        3,
        f"User: {p} is not authorized to perform: logs:GetLogEvents on resource: {r} because no "
        "identity-based policy allows the logs:GetLogEvents action",
        [na(p, "logs:GetLogEvents", r, "identity_based", "implicit")],
        "log-stream ARN with brackets and $",
    )
    p = "arn:aws:sts::111122223333:assumed-role/release/rel"
    r = "arn:aws:lambda:us-east-1:111122223333:function:checkout:live"
    case(
        3,
        f"User: {p} is not authorized to perform: lambda:InvokeFunction on resource: {r}",
        [na(p, "lambda:InvokeFunction", r)],
        "function alias suffix ':live' belongs to the resource",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ci-runner/build-8812"
    r = "arn:aws:ecr:us-east-1:111122223333:repository/web"
    case(
        4,
        "The push refers to repository [111122223333.dkr.ecr.us-east-1.amazonaws.com/web]\n"
        "5f70bf18a086: Preparing\n3e8d2b1c4a9f: Preparing\n"
        f"denied: User: {p} is not authorized to perform: ecr:InitiateLayerUpload on resource: {r} "
        "because no identity-based policy allows the ecr:InitiateLayerUpload action",
        [na(p, "ecr:InitiateLayerUpload", r, "identity_based", "implicit")],
        "docker push through ECR: 'denied: ' prefix, no error code",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/0123456789abcdef0123456789abcdef"
    r = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"
    rid = uuid()
    case(
        4,
        "Stopped reason: ResourceInitializationError: unable to pull secrets or registry auth: "
        "execution resource retrieval failed: unable to retrieve secret from asm: service call has "
        f"been retried 1 time(s): AccessDeniedException: User: {p} is not authorized to perform: "
        f"secretsmanager:GetSecretValue on resource: {r} because no identity-based policy allows "
        f"the secretsmanager:GetSecretValue action status code: 400, request id: {rid}",
        [
            na(
                p,
                "secretsmanager:GetSecretValue",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                request_id=rid,
            )
        ],
        "ECS stopped reason: the Go SDK's newline is flattened, so 'action status code:' is glued",
    )
    p = "arn:aws:sts::111122223333:assumed-role/api-irsa/1732871234567"
    rid = uuid()
    case(
        4,
        "  Warning  FailedMount  2m (x7 over 9m)  kubelet  MountVolume.SetUp failed for volume "
        '"secrets-store-inline" : rpc error: code = Unknown desc = failed to mount secrets store '
        "objects for pod prod/api-7d9f8c6b5-x2kqp, err: rpc error: code = Unknown desc = us-east-1: "
        "Failed fetching secret prod/api/keys: AccessDeniedException: User: "
        f"{p} is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/api/keys "
        "because no identity-based policy allows the secretsmanager:GetSecretValue action\n"
        f"\tstatus code: 400, request id: {rid}",
        [
            na(
                p,
                "secretsmanager:GetSecretValue",
                "prod/api/keys",
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                request_id=rid,
            )
        ],
        "kubectl describe pod event; the resource is a secret name, not an ARN",
    )
    p = "arn:aws:sts::111122223333:assumed-role/StepFunctions-checkout-role/a1b2c3d4"
    r = "arn:aws:lambda:us-east-1:111122223333:function:charge-card"
    rid = uuid()
    cause = (
        f"User: {p} is not authorized to perform: lambda:InvokeFunction on resource: {r} because "
        "no identity-based policy allows the lambda:InvokeFunction action (Service: AWSLambda; "
        f"Status Code: 403; Error Code: AccessDeniedException; Request ID: {rid}; Proxy: null)"
    )
    case(
        4,
        json.dumps({"Error": "Lambda.AWSLambdaException", "Cause": cause}, indent=2),
        [
            na(
                p,
                "lambda:InvokeFunction",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDeniedException",
                request_id=rid,
            )
        ],
        "Step Functions task failure (Error/Cause JSON)",
    )
    p = "arn:aws:sts::111122223333:assumed-role/ansible-runner/ansible"
    r = "arn:aws:iam::111122223333:role/app-role"
    msg = (
        f"User: {p} is not authorized to perform: iam:TagRole on resource: {r} because no "
        "identity-based policy allows the iam:TagRole action"
    )
    case(
        4,
        'fatal: [localhost]: FAILED! => {"boto3_version": "1.35.54", "botocore_version": '
        '"1.35.54", "changed": false, "error": {"code": "AccessDenied", "message": "'
        + msg
        + '", "type": "Sender"}, "msg": "Unable to tag role app-role: An error occurred '
        "(AccessDenied) when calling the TagRole operation: "
        + msg
        + '", "response_metadata": {"http_status_code": 403, "request_id": "'
        + uuid()
        + '", "retry_attempts": 0}}',
        [
            na(
                p,
                "iam:TagRole",
                r,
                "identity_based",
                "implicit",
                error_code="AccessDenied",
            )
        ],
        "Ansible amazon.aws failure: the message appears twice (error.message and msg): one denial",
    )
    p = "arn:aws:sts::111122223333:assumed-role/pulumi-deployer/pulumi"
    r = "arn:aws:iam::111122223333:role/app"
    case(
        4,
        "  aws:iam:Role (app):\n    error: 1 error occurred:\n"
        "    \t* creating IAM Role (app): operation error IAM: CreateRole, https response error "
        f"StatusCode: 403, RequestID: {uuid()}, api error AccessDenied: User: {p} is not "
        f"authorized to perform: iam:CreateRole on resource: {r} because no permissions boundary "
        "allows the iam:CreateRole action",
        [
            na(
                p,
                "iam:CreateRole",
                r,
                "permissions_boundary",
                "implicit",
                error_code="AccessDenied",
                operation="CreateRole",
            )
        ],
        "Pulumi diagnostics",
    )
    p = "arn:aws:sts::111122223333:assumed-role/sls-deployer/deploy"
    r = "arn:aws:cloudformation:us-east-1:111122223333:stack/orders-dev/*"
    case(
        4,
        "✖ Stack orders-dev failed to deploy (3s)\nEnvironment: darwin, node 20.18.0, framework "
        "4.4.7, plugin 7.2.3, SDK 4.5.1\nError:\n"
        f"User: {p} is not authorized to perform: cloudformation:DescribeStacks on resource: {r} "
        "because no identity-based policy allows the cloudformation:DescribeStacks action",
        [na(p, "cloudformation:DescribeStacks", r, "identity_based", "implicit")],
        "Serverless Framework v4",
    )
    b = blob(940)
    case(
        6,
        "Launching a new EC2 instance. Status Reason: You are not authorized to perform this "
        f"operation. Encoded authorization failure message: {b}. Launching EC2 instance failed.",
        [only("encoded_authorization", principal_arn=None, encoded_message=b)],
        "Auto Scaling activity: the period after the blob is not part of it",
    )
    case(
        8,
        "An error occurred (AccessDeniedException) when calling the AssociateKmsKey operation: The "
        "specified KMS key does not exist or is not allowed to be used with Arn "
        "'arn:aws:logs:us-east-1:111122223333:log-group:/app/prod'",
        [
            only(
                "access_denied",
                error_code="AccessDeniedException",
                operation="AssociateKmsKey",
            )
        ],
        "CloudWatch Logs' own KMS wording is neither KMS kind: generic access_denied",
    )
    case(
        8,
        "$ aws s3 sync ./site s3://static-web-prod-111122223333 --delete\nfatal error: An error "
        "occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied",
        [only("s3_access_denied", error_code="AccessDenied", operation="ListObjectsV2")],
        "aws s3 sync",
    )
    case(
        8,
        "$ curl -i http://static-web-prod.s3-website-us-east-1.amazonaws.com/\nHTTP/1.1 403 "
        "Forbidden\nx-amz-error-code: AccessDenied\nx-amz-error-message: Access Denied\n"
        "x-amz-request-id: 4B6F3C1A2D9E8F70\n\n<html>\n<head><title>403 Forbidden</title></head>\n"
        "<body>\n<h1>403 Forbidden</h1>\n<ul>\n<li>Code: AccessDenied</li>\n<li>Message: Access "
        "Denied</li>\n<li>RequestId: 4B6F3C1A2D9E8F70</li>\n<li>HostId: "
        f"{host_id()}</li>\n</ul>\n<hr/>\n</body>\n</html>",
        [only("s3_access_denied")],
        "S3 website endpoint 403 page; only the kind is asserted",
    )
    case(
        8,
        "An error occurred (AccessDenied) when calling the CreateBucket operation: Access Denied",
        [only("s3_access_denied", error_code="AccessDenied", operation="CreateBucket")],
    )
    no = [
        (
            "denied: requested access to the resource is denied",
            "Docker Hub push refusal (not AWS; resembles the SQS wording)",
        ),
        (
            json.dumps(
                {
                    "UserId": "AROA3XFRBF535PLBIFPI4:alice",
                    "Account": "111122223333",
                    "Arn": "arn:aws:sts::111122223333:assumed-role/DeveloperRole/alice",
                },
                indent=4,
            ),
            "sts get-caller-identity output",
        ),
        (
            "An error occurred (SubscriptionRequiredException) when calling the ListFoundationModels "
            "operation: The AWS Access Key Id needs a subscription for the service",
            "subscription/credential problem",
        ),
        (
            "An error occurred (OptInRequired) when calling the DescribeInstances operation: You are "
            "not subscribed to this service. Please go to http://aws.amazon.com to subscribe.",
            "region or service opt-in",
        ),
        (
            "An error occurred (AuthFailure) when calling the DescribeInstances operation: AWS was "
            "not able to validate the provided access credentials",
            "EC2 AuthFailure (credentials)",
        ),
        (
            "╷\n│ Error: validating provider credentials: retrieving caller identity from STS: "
            "operation error STS: GetCallerIdentity, https response error StatusCode: 403, "
            f"RequestID: {uuid()}, api error InvalidClientTokenId: The security token included "
            "in the request is invalid.\n│ \n╵",
            "Terraform provider with invalid credentials",
        ),
        (
            "remember: the deploy role also needs iam:PassRole on the task execution role, "
            "otherwise ECS says it is not authorized",
            "advice mentioning an action and 'not authorized'",
        ),
        (
            "tests/test_s3.py::test_get_object_access_denied_is_reported PASSED      [ 42%]\n"
            "tests/test_s3.py::test_put_object_retries_on_throttle PASSED            [ 43%]",
            "test names that contain access_denied",
        ),
    ]
    for text, notes in no:
        case(9, text, [], notes)
    p = "arn:aws:sts::111122223333:assumed-role/etl-runner/etl"
    r = "arn:aws:s3:::raw-events-eu/2026/11/29/part-0001.json"
    case(
        10,
        "run 1842:\n"
        "An error occurred (ExpiredToken) when calling the ListObjectsV2 operation: The provided "
        "token has expired.\n"
        "re-authenticated, run 1843:\n"
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does "
        "not exist.\n"
        "fixed the key, run 1844:\n"
        f"An error occurred (AccessDenied) when calling the GetObject operation: User: {p} is not "
        f'authorized to perform: s3:GetObject on resource: "{r}" because no VPC endpoint policy '
        "allows the s3:GetObject action",
        [
            na(
                p,
                "s3:GetObject",
                r,
                "vpc_endpoint",
                "implicit",
                error_code="AccessDenied",
                operation="GetObject",
            )
        ],
        "a credential error and a not-found before the one real denial",
    )


FAMILIES = [
    family_1,
    family_2,
    family_3,
    family_4,
    family_5,
    family_6,
    family_7,
    family_8,
    family_9,
    family_10,
    extras,
]


def main() -> None:
    for build in FAMILIES:
        build()
    with OUT.open("w", encoding="utf-8") as fh:
        for item in CASES:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    counts: dict[int, int] = {}
    for item in CASES:
        counts[item["family"]] = counts.get(item["family"], 0) + 1
    print(f"{len(CASES)} cases -> {OUT}: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
