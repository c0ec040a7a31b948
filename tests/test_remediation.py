"""Remediation content: artefacts carry the denial's own values, warnings say what matters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.record import (
    DenialKind,
    DenialRecord,
    DenyKind,
    PolicyType,
    PrincipalKind,
    PrincipalRecord,
)
from core.remediation import Artefact, Fixer, Remediation, fixer_label, remediate

SESSION_ARN = "arn:aws:sts::111122223333:assumed-role/deploy/ci-42"
ROLE_ARN = "arn:aws:iam::111122223333:role/deploy"
ASSUMED = PrincipalRecord(
    partition="aws",
    account_id="111122223333",
    kind=PrincipalKind.ASSUMED_ROLE,
    name="deploy",
    session="ci-42",
    role_arn=ROLE_ARN,
    role_path_unknown=True,
)
USER_ARN = "arn:aws:iam::777788889999:user/JohnDoe"
USER = PrincipalRecord(
    partition="aws", account_id="777788889999", kind=PrincipalKind.USER, name="JohnDoe"
)


def assumed(**fields: Any) -> DenialRecord:
    return DenialRecord(principal_arn=SESSION_ARN, principal=ASSUMED, **fields)


def user(**fields: Any) -> DenialRecord:
    return DenialRecord(principal_arn=USER_ARN, principal=USER, **fields)


def json_artefacts(result: Remediation) -> list[dict[str, Any]]:
    return [json.loads(a.body) for a in result.artefacts if a.syntax == "json"]


def shell(result: Remediation) -> str:
    return "\n".join(a.body for a in result.artefacts if a.syntax == "sh")


def test_resource_based_implicit_names_the_role_not_the_session() -> None:
    result = remediate(
        assumed(
            action="s3:GetObject",
            resource="arn:aws:s3:::artifacts/build.zip",
            policy_type=PolicyType.RESOURCE_BASED,
            deny_kind=DenyKind.IMPLICIT,
            service="s3",
        )
    )
    (statement,) = json_artefacts(result)
    assert statement["Principal"]["AWS"] == ROLE_ARN
    assert SESSION_ARN not in json.dumps(statement)
    assert statement["Resource"] == "arn:aws:s3:::artifacts/build.zip"
    assert statement["Action"] == "s3:GetObject"
    assert statement["Effect"] == "Allow"
    assert "aws s3api get-bucket-policy --bucket artifacts" in shell(result)
    assert result.fixers == (Fixer.RESOURCE_OWNER,)
    assert any("path" in w for w in result.warnings)  # the role's path is unknown


def test_role_trust_implicit_allows_the_caller_to_assume_the_role() -> None:
    result = remediate(
        user(
            action="sts:AssumeRole",
            resource="arn:aws:iam::777788889999:role/admin",
            policy_type=PolicyType.ROLE_TRUST,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    (statement,) = json_artefacts(result)
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Principal"] == {"AWS": USER_ARN}
    assert "Resource" not in statement
    assert "aws iam get-role --role-name admin --query Role.AssumeRolePolicyDocument" in shell(
        result
    )


def test_role_trust_keeps_the_sts_variant() -> None:
    result = remediate(
        user(
            action="sts:TagSession",
            policy_type=PolicyType.ROLE_TRUST,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    assert json_artefacts(result)[0]["Action"] == "sts:TagSession"


def test_identity_implicit_statement_and_simulation() -> None:
    result = remediate(
        assumed(
            action="codecommit:ListRepositories",
            policy_type=PolicyType.IDENTITY_BASED,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    (statement,) = json_artefacts(result)
    assert statement == {
        "Sid": "AllowListRepositories",
        "Effect": "Allow",
        "Action": "codecommit:ListRepositories",
        "Resource": "*",
    }
    assert (
        f"aws iam simulate-principal-policy --policy-source-arn {ROLE_ARN} "
        "--action-names codecommit:ListRepositories" in shell(result)
    )
    assert any('"*"' in w for w in result.warnings)  # no resource: says so


def test_explicit_scp_lists_policies_for_the_callers_account() -> None:
    result = remediate(
        user(
            action="codecommit:ListRepositories",
            policy_type=PolicyType.SCP,
            deny_kind=DenyKind.EXPLICIT,
        )
    )
    assert result.verdict.startswith("Explicit deny in a service control policy")
    assert "codecommit:ListRepositories" in result.verdict
    assert (
        "aws organizations list-policies-for-target --target-id 777788889999 "
        "--filter SERVICE_CONTROL_POLICY" in shell(result)
    )
    assert result.fixers == (Fixer.ORG_ADMIN,)
    assert any("explicit" in w.lower() and "allow" in w.lower() for w in result.warnings)
    assert not json_artefacts(result)


def test_policy_arn_from_the_message_is_read_directly() -> None:
    arn = "arn:aws:organizations::999988887777:policy/o-abc123/service_control_policy/p-x1y2z3"
    result = remediate(
        user(
            action="s3:PutObject",
            policy_type=PolicyType.SCP,
            deny_kind=DenyKind.EXPLICIT,
            policy_arn=arn,
        )
    )
    assert result.artefacts[0].body.startswith(
        "aws organizations describe-policy --policy-id p-x1y2z3"
    )
    assert any(arn in step for step in result.steps)


def test_iam_policy_arn_is_read_with_get_policy_version() -> None:
    arn = "arn:aws:iam::777788889999:policy/deny-prod"
    result = remediate(
        user(
            action="s3:PutObject",
            policy_type=PolicyType.IDENTITY_BASED,
            deny_kind=DenyKind.EXPLICIT,
            policy_arn=arn,
        )
    )
    assert f"aws iam get-policy-version --policy-arn {arn}" in shell(result)
    assert "aws iam list-attached-user-policies --user-name JohnDoe" in shell(result)


def test_authorization_id_comes_first() -> None:
    result = remediate(
        user(
            action="s3:PutObject",
            policy_type=PolicyType.SCP,
            deny_kind=DenyKind.EXPLICIT,
            authorization_id="a1b2c3d4",
            authorization_link="https://console.aws.amazon.com/iam/home#/authorization-details/a1b2c3d4",
        )
    )
    assert result.artefacts[0] == Artefact(
        result.artefacts[0].title,
        "sh",
        "aws iam-toolbox get-request-authorization-details --authorization-id a1b2c3d4",
    )
    assert "a1b2c3d4" in result.steps[0]
    assert any("https://console.aws.amazon.com" in s for s in result.steps)


def test_cross_account_gives_both_statements() -> None:
    result = remediate(
        assumed(
            action="sqs:SendMessage",
            resource="arn:aws:sqs:us-east-1:444455556666:jobs",
            resource_account="444455556666",
            cross_account=True,
            policy_type=PolicyType.RESOURCE_BASED,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    statements = json_artefacts(result)
    assert len(statements) == 2
    resource_side = next(s for s in statements if "Principal" in s)
    identity_side = next(s for s in statements if "Principal" not in s)
    assert resource_side["Principal"] == {"AWS": ROLE_ARN}
    assert (
        identity_side["Resource"]
        == resource_side["Resource"]
        == ("arn:aws:sqs:us-east-1:444455556666:jobs")
    )
    assert any("111122223333" in s and "444455556666" in s for s in result.steps)
    assert Fixer.RESOURCE_OWNER in result.fixers
    assert "https://sqs.us-east-1.amazonaws.com/444455556666/jobs" in shell(result)


def test_cross_account_role_trust_adds_the_callers_side() -> None:
    result = remediate(
        assumed(
            action="sts:AssumeRole",
            resource="arn:aws:iam::444455556666:role/deployer",
            cross_account=True,
            policy_type=PolicyType.ROLE_TRUST,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    trust, identity = json_artefacts(result)
    assert trust["Principal"] == {"AWS": ROLE_ARN}
    assert identity["Action"] == "sts:AssumeRole"
    assert identity["Resource"] == "arn:aws:iam::444455556666:role/deployer"


def test_unknown_action_warns_with_the_suggestion() -> None:
    for lang in ("en", "ko"):
        result = remediate(
            user(
                action="codecommit:ListRespositories",
                action_known=False,
                action_suggestion="codecommit:ListRepositories",
            ),
            lang,
        )
        assert any("codecommit:ListRepositories" in w for w in result.warnings)


def test_bare_suggestion_gets_the_service_prefix() -> None:
    result = remediate(
        user(
            action="codecommit:ListRespositories",
            service="codecommit",
            action_known=False,
            action_suggestion="ListRepositories",
        )
    )
    assert any("codecommit:ListRepositories" in w for w in result.warnings)


def test_context_action_typo_is_pointed_out() -> None:
    result = remediate(
        user(
            action="codecommit:ListRepositories",
            context_action="codecommit:ListRespositories",
            policy_type=PolicyType.SCP,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    assert any("ListRespositories" in w for w in result.warnings)
    assert json_artefacts(result)[0]["Action"] == ["codecommit:ListRepositories"]


def test_partition_flows_into_built_arns() -> None:
    principal = PrincipalRecord(
        partition="aws-cn",
        account_id="111122223333",
        kind=PrincipalKind.ASSUMED_ROLE,
        name="deploy",
        session="s",
    )
    result = remediate(
        DenialRecord(
            principal_arn="arn:aws-cn:sts::111122223333:assumed-role/deploy/s",
            principal=principal,
            action="s3:GetObject",
            resource="arn:aws-cn:s3:::data/x.csv",
            policy_type=PolicyType.RESOURCE_BASED,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    assert json_artefacts(result)[0]["Principal"] == {
        "AWS": "arn:aws-cn:iam::111122223333:role/deploy"
    }
    saml = remediate(DenialRecord(kind=DenialKind.STS_SAML, principal=principal))
    body = json.dumps(json_artefacts(saml))
    assert "arn:aws-cn:iam::111122223333:saml-provider/" in body
    assert "https://signin.amazonaws.cn/saml" in body


def test_vpc_endpoint_service_name_uses_the_partition_prefix() -> None:
    result = remediate(
        DenialRecord(
            principal_arn="arn:aws-cn:iam::111122223333:user/u",
            action="s3:GetObject",
            resource="arn:aws-cn:s3:::b/k",
            region="cn-north-1",
            policy_type=PolicyType.VPC_ENDPOINT,
            deny_kind=DenyKind.EXPLICIT,
        )
    )
    assert "Values=cn.com.amazonaws.cn-north-1.s3" in shell(result)
    assert result.fixers == (Fixer.NETWORK_ADMIN,)


def test_kms_key_policy_statement_uses_star_and_reads_the_key() -> None:
    key = "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    result = remediate(assumed(kind=DenialKind.KMS_KEY_ACCESS, action="kms:Decrypt", resource=key))
    key_policy = next(s for s in json_artefacts(result) if "Principal" in s)
    assert key_policy["Resource"] == "*"
    assert key_policy["Principal"] == {"AWS": ROLE_ARN}
    assert (
        f"aws kms get-key-policy --region eu-west-1 --key-id {key} --policy-name default"
        in shell(result)
    )
    assert any("EncryptionContext" in w for w in result.warnings)


def test_encoded_message_long_goes_through_a_variable() -> None:
    blob = "AbC-_" * 500
    result = remediate(DenialRecord(kind=DenialKind.ENCODED_AUTHORIZATION, encoded_message=blob))
    body = result.artefacts[0].body
    assert body.splitlines()[0] == f"msg={blob}"
    assert '--encoded-message "$msg"' in body
    short = remediate(DenialRecord(kind=DenialKind.ENCODED_AUTHORIZATION, encoded_message="AbC123"))
    assert "aws sts decode-authorization-message --encoded-message AbC123" in (
        short.artefacts[0].body
    )


def test_truncated_encoded_message_is_not_used_and_warned() -> None:
    result = remediate(
        DenialRecord(
            kind=DenialKind.ENCODED_AUTHORIZATION, encoded_message="AbC", encoded_truncated=True
        )
    )
    assert "msg=<encoded-message>" in result.artefacts[0].body
    assert any("cut off" in w for w in result.warnings)


def test_action_is_inferred_from_the_operation_and_said_so() -> None:
    result = remediate(
        DenialRecord(
            kind=DenialKind.S3_ACCESS_DENIED,
            error_code="AccessDenied",
            operation="HeadObject",
            principal_arn=SESSION_ARN,
            principal=ASSUMED,
        )
    )
    assert "--action-names s3:GetObject" in shell(result)
    assert any("HeadObject" in w and "s3:GetObject" in w for w in result.warnings)


def test_missing_values_are_markers_and_said_so() -> None:
    result = remediate(DenialRecord(kind=DenialKind.S3_ACCESS_DENIED))
    assert "--bucket <bucket>" in shell(result)
    assert any("<bucket>" in w for w in result.warnings)
    ko = remediate(DenialRecord(kind=DenialKind.S3_ACCESS_DENIED), "ko")
    assert any("<bucket>" in w for w in ko.warnings)


def test_transitive_points_at_both_policies() -> None:
    result = remediate(
        assumed(
            action="SNS:Publish",
            resource="arn:aws:sns:us-east-1:444455556666:role-name-2",
            policy_type=PolicyType.VPC_ENDPOINT,
            deny_kind=DenyKind.EXPLICIT,
            transitive_through=PolicyType.SCP,
        )
    )
    assert result.scenario == "transitive"
    assert "sns:Publish" in result.verdict
    assert "SERVICE_CONTROL_POLICY" in shell(result)
    assert "describe-vpc-endpoints" in shell(result)
    assert result.fixers == (Fixer.ORG_ADMIN, Fixer.NETWORK_ADMIN)


def test_service_principal_is_a_service_principal() -> None:
    result = remediate(
        DenialRecord(
            principal_arn="glue.amazonaws.com",
            principal=PrincipalRecord(kind=PrincipalKind.SERVICE, name="glue.amazonaws.com"),
            action="s3:GetObject",
            resource="arn:aws:s3:::lake/t/part-0",
            policy_type=PolicyType.RESOURCE_BASED,
            deny_kind=DenyKind.IMPLICIT,
        )
    )
    assert json_artefacts(result)[0]["Principal"] == {"Service": "glue.amazonaws.com"}


def test_anonymous_caller_is_told_to_sign_first() -> None:
    result = remediate(
        DenialRecord(
            principal_arn="anonymous",
            principal=PrincipalRecord(kind=PrincipalKind.ANONYMOUS, name="anonymous"),
            action="s3:ListBucket",
            resource="arn:aws:s3:::public-data",
        )
    )
    assert result.scenario == "anonymous"
    assert "aws sts get-caller-identity" in shell(result)
    assert "aws s3api get-bucket-policy --bucket public-data" in shell(result)
    assert not json_artefacts(result)


def test_pydantic_denial_is_accepted() -> None:
    from core.model import Denial

    record = user(action="s3:GetObject", policy_type=PolicyType.SCP, deny_kind=DenyKind.EXPLICIT)
    assert remediate(Denial.from_record(record), "ko") == remediate(record, "ko")


def test_korean_output_reads_korean() -> None:
    result = remediate(
        user(action="s3:GetObject", policy_type=PolicyType.SCP, deny_kind=DenyKind.EXPLICIT),
        "ko",
    )
    assert result.verdict == "서비스 제어 정책(SCP)의 명시적 거부: s3:GetObject"
    assert result.fixer_labels[0].startswith("AWS Organizations 관리자")
    assert result.lang == "ko"


def test_record_path_does_not_import_pydantic() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from core.record import DenialRecord; from core.remediation import remediate;"
        "remediate(DenialRecord(), 'ko'); print('pydantic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_to_dict_is_json_ready(lang: str) -> None:
    result = remediate(user(action="s3:GetObject"), lang)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["lang"] == lang
    assert data["fixers"][0].keys() == {"id", "label"}
    assert data["artefacts"][0]["syntax"] in ("json", "sh")


def test_fixer_labels_in_both_languages() -> None:
    assert fixer_label(Fixer.ORG_ADMIN) != fixer_label("org_admin", "ko")
    assert all(fixer_label(f, "ko") for f in Fixer)


def test_identity_center_role_points_at_the_permission_set() -> None:
    name = "AWSReservedSSO_PowerUserAccess_3f2c1a9b8d7e6f50"
    principal = PrincipalRecord(
        partition="aws",
        account_id="111122223333",
        kind=PrincipalKind.ASSUMED_ROLE,
        name=name,
        session="maria.garcia@example.com",
        role_arn=f"arn:aws:iam::111122223333:role/{name}",
        role_path_unknown=True,
    )
    for lang in ("en", "ko"):
        result = remediate(
            DenialRecord(
                principal_arn=f"arn:aws:sts::111122223333:assumed-role/{name}/maria",
                principal=principal,
                action="s3:PutBucketPolicy",
                policy_type=PolicyType.IDENTITY_BASED,
                deny_kind=DenyKind.IMPLICIT,
            ),
            lang,
        )
        assert any("PowerUserAccess" in w and "/aws-reserved/" in w for w in result.warnings)


def test_encoded_message_with_a_readable_context_keeps_the_context() -> None:
    result = remediate(
        user(
            kind=DenialKind.ENCODED_AUTHORIZATION,
            action="ec2:RunInstances",
            policy_type=PolicyType.SCP,
            deny_kind=DenyKind.EXPLICIT,
            encoded_message="AbC123",
        )
    )
    assert result.scenario == "scp.explicit"
    assert "decode-authorization-message --encoded-message AbC123" in shell(result)
    bare = remediate(DenialRecord(kind=DenialKind.ENCODED_AUTHORIZATION, encoded_message="x"))
    assert bare.scenario == "encoded_authorization"
    assert sum("decode-authorization-message" in a.body for a in bare.artefacts) == 1
