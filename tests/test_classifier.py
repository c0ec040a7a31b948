"""The classifier's own behaviour: contract, spans, limits, copy damage, and what is not a denial.

The labelled corpus (tests/test_corpus.py) checks fields case by case; these tests check the
mechanisms: that the pydantic model mirrors the record, that spans point into the original text,
that the input cap and repeats behave, and that damage from copying never changes what is read.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

import pytest

import core
from core.classifier import MAX_INPUT_CHARS, classify, find_denials, might_contain_denial
from core.classifier.candidate import MAX_CANDIDATES
from core.credentials import credential_problem
from core.model import Denial, Principal
from core.record import DenialRecord, PrincipalRecord, record_to_dict

CORPUS = Path(__file__).parent / "corpus" / "pastes.jsonl"

SENTENCE = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/gh-run-42 is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts-bucket/build/app.zip with an explicit deny "
    "in a service control policy"
)
EXPECTED = {
    "principal_arn": "arn:aws:sts::111122223333:assumed-role/deploy/gh-run-42",
    "action": "s3:PutObject",
    "resource": "arn:aws:s3:::artifacts-bucket/build/app.zip",
    "policy_type": "scp",
    "deny_kind": "explicit",
}


def _fields(denial: Denial | DenialRecord) -> dict[str, object]:
    data = denial.model_dump(mode="json") if isinstance(denial, Denial) else record_to_dict(denial)
    return {key: data[key] for key in EXPECTED}


# --- the public contract ---------------------------------------------------------------------


def test_model_mirrors_record_field_for_field() -> None:
    assert list(Denial.model_fields) == [f.name for f in dataclasses.fields(DenialRecord)]
    assert list(Principal.model_fields) == [f.name for f in dataclasses.fields(PrincipalRecord)]
    for field in dataclasses.fields(DenialRecord):
        assert Denial.model_fields[field.name].default == field.default, field.name


def test_model_dump_equals_record_dict_over_the_corpus() -> None:
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        for record in find_denials(json.loads(line)["text"]):
            model = Denial.from_record(record)
            assert model.model_dump(mode="json") == record_to_dict(record)
            assert model.to_record() == record


def test_public_names_load_lazily_from_core() -> None:
    denials = core.classify(SENTENCE)
    assert [type(d) for d in denials] == [core.Denial]
    assert _fields(denials[0]) == EXPECTED
    with pytest.raises(AttributeError):
        _ = core.no_such_name


def test_contract_fields_are_present_in_json() -> None:
    dumped = classify(SENTENCE)[0].model_dump(mode="json")
    for key in (
        "principal_arn",
        "action",
        "resource",
        "policy_type",
        "deny_kind",
        "transitive_through",
        "policy_arn",
        "encoded_message",
        "error_code",
    ):
        assert key in dumped
    assert dumped["principal"]["kind"] == "assumed_role"
    assert dumped["principal"]["role_arn"] == "arn:aws:iam::111122223333:role/deploy"
    assert dumped["principal"]["role_path_unknown"] is True
    assert dumped["service"] == "s3"
    assert dumped["cross_account"] is None  # S3 ARNs carry no account


# --- spans point into what the user pasted ----------------------------------------------------


def test_span_covers_the_denial_in_the_original_text() -> None:
    paste = "morning all\r\n> " + SENTENCE.replace(" ", "\u00a0", 3) + "\r\nany idea?"
    (denial,) = find_denials(paste)
    assert denial.span is not None
    start, end = denial.span
    assert paste[start:].startswith("User:")
    assert "service control policy" in paste[start:end]
    assert "any idea" not in paste[start:end]


def test_span_maps_through_removed_invisible_characters() -> None:
    paste = "\u200b\u200bhi " + SENTENCE.replace("perform", "per\u200bform")
    (denial,) = find_denials(paste)
    assert denial.span is not None
    assert paste[denial.span[0] :].startswith("User:")
    assert paste[: denial.span[1]].endswith("policy")


# --- limits -----------------------------------------------------------------------------------


def test_input_over_the_cap_is_cut_and_flagged() -> None:
    paste = SENTENCE + "\n" + "x" * MAX_INPUT_CHARS
    (denial,) = find_denials(paste)
    assert denial.input_truncated is True
    assert _fields(denial) == EXPECTED
    beyond = "x" * MAX_INPUT_CHARS + "\n" + SENTENCE
    assert find_denials(beyond) == []


def test_input_under_the_cap_is_not_flagged() -> None:
    (denial,) = find_denials(SENTENCE)
    assert denial.input_truncated is False


def test_work_per_paste_is_bounded() -> None:
    paste = "\n".join(SENTENCE.replace("gh-run-42", f"run-{i}") for i in range(3 * MAX_CANDIDATES))
    denials = find_denials(paste)
    assert len(denials) == MAX_CANDIDATES
    assert denials[0].principal_arn is not None and denials[0].principal_arn.endswith("run-0")


# --- several denials, repeats -------------------------------------------------------------------


def test_several_denials_in_order_and_repeats_once() -> None:
    other = SENTENCE.replace("s3:PutObject", "s3:GetObject")
    log = "\n".join(
        [
            f"2026-11-30T01:00:0{i}Z ERROR {line}"
            for i, line in enumerate([SENTENCE, SENTENCE, other, SENTENCE])
        ]
    )
    denials = find_denials(log)
    assert [d.action for d in denials] == ["s3:PutObject", "s3:GetObject"]


def test_same_action_different_policy_types_are_two() -> None:
    implicit = SENTENCE.replace(
        "with an explicit deny in a service control policy",
        "because no identity-based policy allows the s3:PutObject action",
    )
    denials = find_denials(SENTENCE + "\n" + implicit)
    assert [(d.policy_type, d.deny_kind) for d in denials] == [
        ("scp", "explicit"),
        ("identity_based", "implicit"),
    ]


# --- copy damage never changes what is read ----------------------------------------------------


@pytest.mark.parametrize("width", [23, 37, 50, 61, 72, 80, 97, 120])
def test_hard_wraps_at_any_column_read_the_same(width: int) -> None:
    wrapped = "\n".join(textwrap.wrap(SENTENCE, width, break_long_words=True))
    (denial,) = find_denials(wrapped)
    assert _fields(denial) == EXPECTED


@pytest.mark.parametrize("width", [19, 33, 47, 64, 79])
def test_terminal_wraps_mid_word_read_the_same(width: int) -> None:
    # A terminal cuts at the column, inside words and ARNs, keeping every character.
    wrapped = "\n".join(SENTENCE[i : i + width] for i in range(0, len(SENTENCE), width))
    (denial,) = find_denials(wrapped)
    assert _fields(denial) == EXPECTED


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s.replace(" ", "\u00a0"),
        lambda s: s.replace(" ", "  "),
        lambda s: "```\n" + s + "\n```",
        lambda s: "`" + s + "`",
        lambda s: "> " + s,
        lambda s: "&gt; " + s.replace("&", "&amp;"),
        lambda s: "\ufeff" + s.replace(":", ":\u200b", 2),
        lambda s: "│ " + s.replace(" to perform", "\n│ to perform"),
        lambda s: "\r\n".join(textwrap.wrap(s, 60)),
        lambda s: json.dumps({"level": "error", "msg": s}),
        lambda s: json.dumps(json.dumps({"msg": s})),
        lambda s: "  - " + s,
        lambda s: "2026-11-30T00:00:00.123Z " + s,
    ],
    ids=[
        "nbsp",
        "double-spaces",
        "fence",
        "backticks",
        "quote",
        "slack-escaped-quote",
        "bom-zero-width",
        "terraform-gutter",
        "crlf-wrap",
        "json-log",
        "double-escaped-json",
        "bullet",
        "timestamp",
    ],
)
def test_copy_damage_reads_the_same(damage: object) -> None:
    assert callable(damage)
    (denial,) = find_denials(damage(SENTENCE))
    assert _fields(denial) == EXPECTED


def test_slack_links_keep_what_the_user_typed() -> None:
    paste = SENTENCE.replace(
        "arn:aws:s3:::artifacts-bucket/build/app.zip",
        "arn:aws:s3:::<http://artifacts-bucket|artifacts-bucket>/build/app.zip",
    )
    (denial,) = find_denials(paste)
    assert denial.resource == "arn:aws:s3:::artifacts-bucket/build/app.zip"


# --- not denials ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paste", "kind"),
    [
        (
            "An error occurred (ExpiredToken) when calling the GetObject operation: "
            "The provided token has expired.",
            "expired-token",
        ),
        (
            "An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity "
            "operation: The security token included in the request is invalid.",
            "invalid-token",
        ),
        (
            "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>",
            "expired-token",
        ),
        (
            "An error occurred (SignatureDoesNotMatch) when calling the ListBuckets operation",
            "bad-signature",
        ),
        ("Unable to locate credentials. You can configure credentials by running", None),
    ],
)
def test_credential_errors_are_never_denials(paste: str, kind: str | None) -> None:
    assert classify(paste) == []
    problem = credential_problem(paste)
    assert problem is not None
    if kind is not None:
        assert problem.kind == kind


@pytest.mark.parametrize(
    "paste",
    [
        "ThrottlingException: Rate exceeded",
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key "
        "does not exist.",
        'Error from server (Forbidden): pods is forbidden: User "arn:aws:iam::111122223333:role/x"'
        ' cannot list resource "pods" in API group "" in the namespace "default"',
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", '
        '"Resource": "*"}]}',
        "is not authorized to perform is the phrase we grep for, any ideas?",
        "오늘 배포는 오후 3시에 진행합니다. 권한 문제 있으면 말씀해 주세요.",
        "",
    ],
)
def test_things_that_are_not_denials(paste: str) -> None:
    assert classify(paste) == []


def test_prefilter_skips_chatter_and_keeps_wrapped_triggers() -> None:
    assert not might_contain_denial("lunch at noon? the deploy is green")
    assert might_contain_denial("is not au\r\nthorized to perform")
    assert might_contain_denial("Access\u200bDenied")


def test_never_raises_on_odd_strings() -> None:
    for paste in ["\ud800", "\x00" * 10, "User:" * 5000, "arn:aws:" * 4000, '{"' * 10000]:
        assert isinstance(find_denials(paste), list)


# --- several families in one paste ------------------------------------------------------------

_CLOUDTRAIL = (
    '{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":'
    '"arn:aws:sts::123456789012:assumed-role/app/i-0abc"},"eventSource":"s3.amazonaws.com",'
    '"eventName":"GetObject","awsRegion":"us-west-2","errorCode":"AccessDenied","errorMessage":'
    '"User: arn:aws:sts::123456789012:assumed-role/app/i-0abc is not authorized to perform: '
    "s3:GetObject on resource: \\\"arn:aws:s3:::data/x\\\" with an explicit deny in a "
    'resource-based policy","requestID":"REQ123456"}'
)
_S3_XML = (
    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
    "<RequestId>ABCDEF123456</RequestId></Error>"
)


@pytest.mark.parametrize("order", ["event-first", "sentence-first"])
def test_a_cloudtrail_event_does_not_swallow_a_denial_next_to_it(order: str) -> None:
    parts = [_CLOUDTRAIL, SENTENCE] if order == "event-first" else [SENTENCE, _CLOUDTRAIL]
    kinds = [(d.kind.value, d.action) for d in find_denials("\n".join(parts))]
    expected = [("cloudtrail", "s3:GetObject"), ("not_authorized", "s3:PutObject")]
    assert kinds == (expected if order == "event-first" else expected[::-1])


def test_an_s3_error_body_before_a_denial_stays_its_own_denial() -> None:
    denials = find_denials(_S3_XML + "\n" + SENTENCE)
    assert [(d.kind.value, d.error_code) for d in denials] == [
        ("s3_access_denied", "AccessDenied"),
        ("not_authorized", None),
    ]


def test_a_long_run_of_fences_or_spaces_after_a_denial_is_read_quickly() -> None:
    # Used to backtrack quadratically over the spaces the backticks became (policy-ARN lookahead).
    for tail in ("```" * 5000, " " * 39000, "\n```\n" * 3000):
        (denial,) = find_denials((SENTENCE + tail)[:40000])
        assert _fields(denial) == EXPECTED
