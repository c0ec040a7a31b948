"""The fingerprint rule (core.fingerprint): what makes two denials "the same denial"."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.fingerprint import fingerprint, fingerprint_parts, principal_account
from core.record import (
    DenialKind,
    DenialRecord,
    DenyKind,
    PolicyType,
    PrincipalKind,
    PrincipalRecord,
)

SESSION = "arn:aws:sts::111122223333:assumed-role/deploy/run-1"

BASE = DenialRecord(
    principal_arn=SESSION,
    action="sns:Publish",
    resource="arn:aws:sns:us-east-1:111122223333:alerts",
    policy_type=PolicyType.SCP,
    deny_kind=DenyKind.EXPLICIT,
)


def with_(**changes: object) -> DenialRecord:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


def test_shape() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", fingerprint(BASE))
    assert fingerprint(BASE) == fingerprint(with_())


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(with_(principal_arn=SESSION.replace("run-1", "run-2")), id="other-session"),
        pytest.param(
            with_(principal_arn="arn:aws:iam::111122223333:role/deploy"), id="the-role-itself"
        ),
        pytest.param(
            with_(principal_arn="arn:aws:iam::111122223333:role/team/ci/deploy"), id="role-path"
        ),
        pytest.param(
            with_(principal_arn="arn:aws:sts::111122223333:assumed-role/Deploy/x"), id="role-case"
        ),
        pytest.param(with_(action="SNS:Publish"), id="action-case"),
        pytest.param(with_(action="sns:publish"), id="action-lower"),
        pytest.param(with_(action=" sns:Publish "), id="action-spaces"),
        pytest.param(
            with_(resource="`arn:aws:sns:us-east-1:111122223333:alerts`"), id="resource-backticks"
        ),
        pytest.param(
            with_(resource='"arn:aws:sns:us-east-1:111122223333:alerts"'), id="resource-quotes"
        ),
        pytest.param(
            with_(resource="arn:aws:sns:us-east-1:\n  111122223333:alerts"), id="resource-wrapped"
        ),
        pytest.param(
            with_(resource="<arn:aws:sns:us-east-1:111122223333:alerts>"), id="slack-brackets"
        ),
        pytest.param(
            with_(principal_arn="arn:aws:sts::111122223333:\n  assumed-role/deploy/run-9"),
            id="principal-wrapped",
        ),
        pytest.param(
            with_(
                principal=PrincipalRecord(
                    partition="aws",
                    account_id="111122223333",
                    kind=PrincipalKind.ASSUMED_ROLE,
                    name="deploy",
                    session="run-7",
                    role_arn="arn:aws:iam::111122223333:role/deploy",
                    role_path_unknown=True,
                )
            ),
            id="parsed-principal",
        ),
        pytest.param(
            with_(
                region="eu-west-1",
                error_code="AuthorizationError",
                operation="Publish",
                request_id="abc",
                matched_text="User: ...",
                span=(3, 90),
                policy_arn="arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1",
            ),
            id="wrapper-details",
        ),
    ],
)
def test_same_denial(other: DenialRecord) -> None:
    assert fingerprint(other) == fingerprint(BASE)


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(
            with_(principal_arn="arn:aws:sts::444455556666:assumed-role/deploy/run-1"),
            id="other-account",
        ),
        pytest.param(
            with_(principal_arn="arn:aws-cn:sts::111122223333:assumed-role/deploy/run-1"),
            id="other-partition",
        ),
        pytest.param(
            with_(principal_arn="arn:aws:sts::111122223333:assumed-role/release/run-1"),
            id="other-role",
        ),
        pytest.param(with_(principal_arn="arn:aws:iam::111122223333:user/deploy"), id="user"),
        pytest.param(with_(action="sns:Subscribe"), id="other-action"),
        pytest.param(
            with_(resource="arn:aws:sns:us-east-1:111122223333:Alerts"), id="resource-case"
        ),
        pytest.param(with_(resource="arn:aws:sns:us-east-1:111122223333:other"), id="resource"),
        pytest.param(with_(resource=None), id="no-resource"),
        pytest.param(with_(policy_type=PolicyType.RCP), id="policy-type"),
        pytest.param(with_(policy_type=None), id="no-policy-type"),
        pytest.param(with_(deny_kind=DenyKind.IMPLICIT), id="deny-kind"),
        pytest.param(with_(transitive_through=PolicyType.SCP), id="transitive"),
        pytest.param(with_(kind=DenialKind.CLOUDTRAIL), id="denial-kind"),
    ],
)
def test_different_denial(other: DenialRecord) -> None:
    assert fingerprint(other) != fingerprint(BASE)


def test_principal_kinds() -> None:
    def identity(arn: str) -> str:
        return fingerprint_parts(DenialRecord(principal_arn=arn))[3]

    assert identity("arn:aws:iam::111122223333:root") == "root:111122223333"
    assert identity("arn:aws:iam::111122223333:user/ops/Alice") == "user:111122223333:alice"
    assert identity("arn:aws:sts::111122223333:federated-user/bob") == (
        "federated-user:111122223333:bob"
    )
    assert identity("anonymous") == "anonymous"
    assert identity("glue.amazonaws.com") == "service:glue.amazonaws.com"
    assert identity("something odd") == "other:somethingodd"


def test_partition_from_resource_when_no_principal() -> None:
    record = DenialRecord(kind=DenialKind.S3_ACCESS_DENIED, resource="arn:aws-us-gov:s3:::b/k")
    assert fingerprint_parts(record)[2] == "aws-us-gov"
    assert fingerprint_parts(DenialRecord())[2] == "aws"


def test_operation_stands_in_for_a_missing_action() -> None:
    a = DenialRecord(kind=DenialKind.ENCODED_AUTHORIZATION, operation="RunInstances")
    b = DenialRecord(kind=DenialKind.ENCODED_AUTHORIZATION, operation="TerminateInstances")
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(a) == fingerprint(dataclasses.replace(a, encoded_message="blob-1"))


def test_resource_account_when_no_resource() -> None:
    a = DenialRecord(kind=DenialKind.ACCESS_DENIED, resource_account="111122223333")
    b = DenialRecord(kind=DenialKind.ACCESS_DENIED, resource_account="444455556666")
    assert fingerprint(a) != fingerprint(b)


def test_principal_account() -> None:
    assert principal_account(BASE) == "111122223333"
    assert principal_account(DenialRecord(principal_arn="anonymous")) is None


@given(st.text(), st.text(), st.text())
def test_never_raises(principal: str, action: str, resource: str) -> None:
    record = DenialRecord(principal_arn=principal, action=action, resource=resource)
    assert len(fingerprint(record)) == 32


_NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789+=,.@-_", min_size=1, max_size=64)


@given(_NAMES, _NAMES, st.randoms(use_true_random=False))
def test_sessions_and_action_case_never_matter(one: str, two: str, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    action = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in "sns:Publish")
    a = with_(principal_arn=f"arn:aws:sts::111122223333:assumed-role/deploy/{one}")
    b = with_(principal_arn=f"arn:aws:sts::111122223333:assumed-role/deploy/{two}", action=action)
    assert fingerprint(a) == fingerprint(b) == fingerprint(BASE)
