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


FAMILIES = [family_1, family_2, family_3, family_4]


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
