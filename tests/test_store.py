"""The incident store on a real database: recording, idempotency, queries, scoping, settings."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from core.fingerprint import fingerprint
from core.model import Denial
from core.record import (
    DenialKind,
    DenialRecord,
    DenyKind,
    PolicyType,
    PrincipalKind,
    PrincipalRecord,
)
from core.store import (
    ANY_TEAM,
    PASTE_MAX_CHARS,
    Store,
    add_feedback,
    get_incident,
    get_user_language,
    get_workspace_settings,
    ignore_incident,
    list_feedback,
    list_incidents,
    list_team_ids,
    list_workspace_settings,
    purge_incidents,
    record_incidents,
    recurrence,
    recurrences,
    resolve_incident,
    set_status,
    set_user_language,
    update_workspace_settings,
)

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def denial(session: str = "run-1", action: str = "s3:PutObject", **changes: object) -> DenialRecord:
    base = DenialRecord(
        principal_arn=f"arn:aws:sts::111122223333:assumed-role/deploy/{session}",
        principal=PrincipalRecord(
            partition="aws",
            account_id="111122223333",
            kind=PrincipalKind.ASSUMED_ROLE,
            name="deploy",
            session=session,
            role_arn="arn:aws:iam::111122223333:role/deploy",
        ),
        action=action,
        service=action.split(":", maxsplit=1)[0].lower(),
        resource="arn:aws:s3:::artifacts/build.zip",
        policy_type=PolicyType.SCP,
        deny_kind=DenyKind.EXPLICIT,
        policy_arn="arn:aws:organizations::999999999999:policy/o-1/service_control_policy/p-1",
        error_code="AccessDenied",
        region="us-east-1",
        operation="PutObject",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def record(
    store: Store,
    ts: str,
    denials: list[DenialRecord],
    *,
    team: str = "T1",
    channel: str = "C1",
    reporter: str = "U1",
    at: datetime = NOW,
) -> list[int]:
    result = record_incidents(
        store,
        team_id=team,
        channel_id=channel,
        message_ts=ts,
        denials=denials,
        paste="User: ... is not authorized [redacted:aws-secret-key]",
        reporter_id=reporter,
        reported_at=at,
    )
    return [i.id for i in result.incidents]


def test_recorded_incidents_are_what_the_database_reads_back(store: Store) -> None:
    """What `record_incidents` returns for new incidents equals the rows read back, field for
    field, over every denial of the labelled corpus — odd characters, NULs and lone surrogates in
    the paste, long fields, naive and non-UTC times."""
    import json
    from pathlib import Path

    from core.classifier import find_denials
    from core.redaction import redact

    corpus = Path(__file__).resolve().parent / "corpus" / "pastes.jsonl"
    moments = [NOW, NOW.replace(tzinfo=None), NOW.astimezone(timezone(timedelta(hours=9))), None]
    checked = 0
    for n, line in enumerate(corpus.read_text("utf-8").splitlines()):
        text = redact(json.loads(line)["text"]).text
        denials = find_denials(text)
        if not denials:
            continue
        result = record_incidents(
            store,
            team_id="T1",
            channel_id="C1",
            message_ts=f"1700000000.{n:06d}",
            denials=denials,
            paste=text + "\x00 and a lone \ud800",
            reporter_id="U1",
            reported_at=moments[n % len(moments)],
        )
        assert len(result.created) == len(denials)
        for incident in result.incidents:
            assert incident == get_incident(store, incident.id, team_id="T1")
            checked += 1
    assert checked >= 250  # 283 denials in the corpus today


def test_record_keeps_every_field(store: Store) -> None:
    d = denial(cross_account=False, resource_account=None, transitive_through=PolicyType.RCP)
    result = record_incidents(
        store,
        team_id="T1",
        channel_id="C1",
        message_ts="1700000000.000100",
        thread_ts="1700000000.000001",
        event_id="Ev1",
        denials=[d, denial(action="s3:GetObject")],
        paste="the paste",
        reporter_id="U1",
        reported_at=NOW,
    )
    assert result.is_new and len(result.created) == 2
    first = result.incidents[0]
    assert (first.team_id, first.channel_id, first.message_ts, first.denial_index) == (
        "T1",
        "C1",
        "1700000000.000100",
        0,
    )
    assert first.thread_ts == "1700000000.000001" and first.event_id == "Ev1"
    assert first.reporter_id == "U1" and first.reported_at == NOW
    assert first.reported_at.tzinfo is not None
    assert first.kind == "not_authorized"
    assert first.principal_arn == "arn:aws:sts::111122223333:assumed-role/deploy/run-1"
    assert first.principal_account == "111122223333"
    assert (first.principal_kind, first.principal_name, first.principal_session) == (
        "assumed_role",
        "deploy",
        "run-1",
    )
    assert first.role_arn == "arn:aws:iam::111122223333:role/deploy"
    assert (first.action, first.service) == ("s3:PutObject", "s3")
    assert first.resource == "arn:aws:s3:::artifacts/build.zip"
    assert first.cross_account is False and first.region == "us-east-1"
    assert (first.policy_type, first.deny_kind, first.transitive_through) == (
        "scp",
        "explicit",
        "rcp",
    )
    assert first.policy_arn and first.policy_arn.startswith("arn:aws:organizations::")
    assert (first.error_code, first.operation) == ("AccessDenied", "PutObject")
    assert first.fingerprint == fingerprint(d)
    assert first.paste == "the paste"
    assert first.status == "open" and first.resolved_by is None
    assert first.created_at.tzinfo is not None
    assert result.incidents[1].denial_index == 1 and result.incidents[1].action == "s3:GetObject"
    assert first.to_dict()["reported_at"] == "2026-11-30T12:00:00+00:00"


def test_pydantic_denials_are_accepted(store: Store) -> None:
    result = record_incidents(
        store,
        team_id="T1",
        channel_id="C1",
        message_ts="1.1",
        denials=[Denial.from_record(denial())],
    )
    assert result.incidents[0].fingerprint == fingerprint(denial())


def test_same_message_twice_is_one_incident_per_denial(store: Store) -> None:
    denials = [denial(), denial(action="s3:GetObject"), denial(action="kms:Decrypt")]
    kw: dict[str, Any] = {
        "team_id": "T1",
        "channel_id": "C1",
        "message_ts": "1.5",
        "denials": denials,
    }
    first = record_incidents(store, **kw)
    again = record_incidents(store, **kw, reporter_id="U-other")
    assert [i.id for i in first.incidents] == [i.id for i in again.incidents]
    assert len(first.created_ids) == 3 and again.created_ids == frozenset()
    assert not again.is_new and again.created == ()
    assert again.incidents[0].reporter_id is None  # the first recording wins
    assert len(list_incidents(store, team_id=ANY_TEAM)) == 3
    # The same ts in another channel or workspace is another message.
    other = record_incidents(store, **{**kw, "channel_id": "C2"})
    assert len(other.created_ids) == 3
    assert len(record_incidents(store, **{**kw, "team_id": "T2"}).created_ids) == 3
    # An edit that adds a denial records only the new one.
    edited = record_incidents(
        store, **{**kw, "denials": [*denials, denial(action="sqs:SendMessage")]}
    )
    assert [i.denial_index for i in edited.created] == [3]


def test_nothing_to_record(store: Store) -> None:
    result = record_incidents(store, team_id="T1", channel_id="C1", message_ts="1", denials=[])
    assert result.incidents == () and not result.is_new


def test_bad_input_is_bounded_not_lost(store: Store) -> None:
    huge = "x" * (PASTE_MAX_CHARS * 3)
    long_resource = "arn:aws:s3:::bucket/" + "k" * 5000
    result = record_incidents(
        store,
        team_id="T1",
        channel_id="C1",
        message_ts="2",
        denials=[denial(resource=long_resource, action="s3:Get\x00Object")],
        paste=huge + "\x00",
    )
    stored = result.incidents[0]
    assert stored.paste is not None and len(stored.paste) == PASTE_MAX_CHARS
    assert stored.paste.endswith("[... truncated]")
    assert stored.resource is not None and len(stored.resource) == 2048
    assert stored.action == "s3:GetObject"


def test_list_filters_newest_first(store: Store) -> None:
    a = record(store, "1", [denial()], at=NOW - timedelta(days=3))
    b = record(
        store,
        "2",
        [denial(policy_type=PolicyType.IDENTITY_BASED, deny_kind=DenyKind.IMPLICIT)],
        at=NOW - timedelta(days=1),
    )
    c = record(
        store,
        "3",
        [
            denial(
                principal_arn="arn:aws:iam::444455556666:user/alice",
                principal=None,
                resource_account="777788889999",
            )
        ],
        at=NOW,
        team="T2",
    )
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM)] == c + b + a
    assert [i.id for i in list_incidents(store, team_id="T1")] == b + a
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM, limit=1)] == c
    assert [
        i.id for i in list_incidents(store, team_id=ANY_TEAM, policy_type="identity_based")
    ] == b
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM, account="444455556666")] == c
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM, account="777788889999")] == c
    assert [
        i.id for i in list_incidents(store, team_id=ANY_TEAM, since=NOW - timedelta(days=1))
    ] == c + b
    resolve_incident(store, a[0], team_id="T1", by="U9", note="fixed")
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM, status="resolved")] == a
    assert [i.id for i in list_incidents(store, status="open", team_id="T1")] == b
    assert [i.id for i in list_incidents(store, team_id="T2", reporter_id="U1")] == c
    assert list_incidents(store, team_id="T1", channel_id="C2") == []
    assert list_team_ids(store) == ["T1", "T2"]
    with pytest.raises(ValueError, match="unknown status"):
        list_incidents(store, team_id=ANY_TEAM, status="closed")  # type: ignore[arg-type]


def test_team_scoping(store: Store) -> None:
    (mine,) = record(store, "1", [denial()], team="TA")
    assert get_incident(store, mine, team_id="TA") is not None
    assert get_incident(store, mine, team_id="TB") is None
    assert resolve_incident(store, mine, team_id="TB", by="intruder") is None
    assert ignore_incident(store, mine, team_id="TB") is None
    assert add_feedback(store, mine, team_id="TB", user_id="U", verdict="wrong") is None
    assert list_feedback(store, mine, team_id="TB") == []
    incident = get_incident(store, mine, team_id="TA")
    assert incident is not None and incident.status == "open"
    assert get_incident(store, mine, team_id=ANY_TEAM) == incident
    assert get_incident(store, 10**9, team_id="TA") is None


def test_resolve_ignore_reopen(store: Store) -> None:
    (iid,) = record(store, "1", [denial()])
    resolved = resolve_incident(
        store, iid, team_id="T1", by="U2", note="allowed in the SCP", at=NOW
    )
    assert resolved is not None
    assert (resolved.status, resolved.resolved_by, resolved.resolution_note) == (
        "resolved",
        "U2",
        "allowed in the SCP",
    )
    assert resolved.resolved_at == NOW and resolved.updated_at >= resolved.created_at
    ignored = ignore_incident(store, iid, team_id="T1")
    assert ignored is not None and ignored.status == "ignored" and ignored.resolved_by is None
    reopened = set_status(store, iid, team_id="T1", status="open")
    assert reopened is not None and reopened.status == "open"
    with pytest.raises(ValueError, match="resolve_incident"):
        set_status(store, iid, team_id="T1", status="resolved")


def test_feedback_one_per_user(store: Store) -> None:
    (iid,) = record(store, "1", [denial()])
    first = add_feedback(store, iid, team_id="T1", user_id="U1", verdict="wrong", note="it's KMS")
    assert first is not None and first.verdict == "wrong" and first.note == "it's KMS"
    again = add_feedback(store, iid, team_id="T1", user_id="U1", verdict="not_a_denial")
    assert again is not None and again.id == first.id and again.verdict == "not_a_denial"
    add_feedback(store, iid, team_id="T1", user_id="U2", verdict="wrong")
    assert [(f.user_id, f.verdict) for f in list_feedback(store, iid, team_id="T1")] == [
        ("U1", "not_a_denial"),
        ("U2", "wrong"),
    ]
    with pytest.raises(ValueError, match="unknown verdict"):
        add_feedback(store, iid, team_id="T1", user_id="U1", verdict="meh")  # type: ignore[arg-type]


def test_recurrence(store: Store) -> None:
    fp = fingerprint(denial())
    old = record(store, "0", [denial("run-0")], reporter="U0", at=NOW - timedelta(days=30))
    resolve_incident(
        store,
        old[0],
        team_id="T1",
        by="U-ops",
        note="added the exception",
        at=NOW - timedelta(days=29),
    )
    record(store, "1", [denial("run-1")], reporter="U1", at=NOW - timedelta(days=6))
    record(store, "2", [denial("run-2")], reporter="U2", at=NOW - timedelta(days=2))
    record(store, "3", [denial("run-3")], reporter="U1", at=NOW - timedelta(hours=1))
    record(store, "4", [denial("run-4")], reporter="U3", team="T2", at=NOW)  # other workspace
    record(store, "5", [denial(action="s3:GetObject")], reporter="U4", at=NOW)  # other denial
    seen = recurrence(store, team_id="T1", fingerprint=fp, days=7, now=NOW)
    assert (seen.count, seen.reporters) == (3, 2)
    assert seen.first_seen == NOW - timedelta(days=6) and seen.last_seen == NOW - timedelta(hours=1)
    assert seen.last_resolution is not None
    assert seen.last_resolution.incident_id == old[0]
    assert (seen.last_resolution.note, seen.last_resolution.resolved_by) == (
        "added the exception",
        "U-ops",
    )
    assert recurrence(store, team_id="T1", fingerprint=fp, days=1, now=NOW).count == 1
    none = recurrence(store, team_id="T3", fingerprint=fp, now=NOW)
    assert (none.count, none.reporters, none.last_resolution, none.first_seen) == (0, 0, None, None)
    many = recurrences(
        store, team_id="T1", fingerprints=[fp, fingerprint(denial(action="s3:GetObject"))], now=NOW
    )
    assert many[fp].count == 3 and many[fingerprint(denial(action="s3:GetObject"))].count == 1


def test_purge(store: Store) -> None:
    (old,) = record(store, "1", [denial()], at=NOW - timedelta(days=91))
    (new,) = record(store, "2", [denial()], at=NOW - timedelta(days=89))
    add_feedback(store, old, team_id="T1", user_id="U1", verdict="wrong")
    assert purge_incidents(store, older_than_days=90, now=NOW) == 1
    assert [i.id for i in list_incidents(store, team_id=ANY_TEAM)] == [new]
    assert list_feedback(store, old, team_id=ANY_TEAM) == []  # cascaded
    assert purge_incidents(store, older_than_days=90, now=NOW) == 0
    with pytest.raises(ValueError):
        purge_incidents(store, older_than_days=-1)


def test_workspace_settings(store: Store) -> None:
    defaults = get_workspace_settings(store, "T1")
    assert not defaults.stored
    assert (defaults.language, defaults.digest_channel_id, defaults.digest_weekday) == (
        None,
        None,
        0,
    )
    assert (defaults.digest_hour, defaults.timezone) == (9, "UTC")
    saved = update_workspace_settings(store, "T1", digest_channel_id="C9", timezone="Asia/Seoul")
    assert saved.stored and saved.digest_channel_id == "C9" and saved.timezone == "Asia/Seoul"
    assert str(saved.zone) == "Asia/Seoul"
    changed = update_workspace_settings(
        store, "T1", language="ko", digest_weekday=4, digest_hour=17
    )
    assert (changed.language, changed.digest_weekday, changed.digest_hour) == ("ko", 4, 17)
    assert changed.digest_channel_id == "C9"  # untouched
    cleared = update_workspace_settings(store, "T1", language=None)
    assert cleared.language is None and cleared.timezone == "Asia/Seoul"
    assert get_workspace_settings(store, "T1") == cleared
    assert [s.team_id for s in list_workspace_settings(store)] == ["T1"]
    bad: dict[str, Any]
    for bad in (
        {"digest_weekday": 7},
        {"digest_hour": 24},
        {"timezone": "Mars/Olympus"},
        {"language": "fr"},
    ):
        with pytest.raises(ValueError):
            update_workspace_settings(store, "T1", **bad)
    assert get_workspace_settings(store, "T1") == cleared


def test_user_language(store: Store) -> None:
    assert get_user_language(store, "T1", "U1") is None
    set_user_language(store, "T1", "U1", "ko")
    assert get_user_language(store, "T1", "U1") == "ko"
    assert get_user_language(store, "T2", "U1") is None
    assert set_user_language(store, "T1", "U1", "en").language == "en"
    set_user_language(store, "T1", "U1", None)
    assert get_user_language(store, "T1", "U1") is None
    with pytest.raises(ValueError):
        set_user_language(store, "T1", "U1", "xx")


def test_kinds_without_principal(store: Store) -> None:
    s3 = DenialRecord(kind=DenialKind.S3_ACCESS_DENIED, error_code="AccessDenied")
    result = record_incidents(store, team_id="T1", channel_id="C1", message_ts="9", denials=[s3])
    incident = result.incidents[0]
    assert incident.kind == "s3_access_denied" and incident.principal_arn is None
    assert incident.principal_account is None and incident.action is None


def test_digest_claims(store: Store) -> None:
    from core.store import (
        claim_digest,
        get_digest_claim,
        mark_digest_posted,
        release_digest_claim,
    )

    key: dict[str, Any] = {"team_id": "T1", "channel_id": "C1", "period_key": "2026-W48"}
    claim = claim_digest(store, **key, now=NOW)
    assert claim is not None and claim.status == "claimed" and claim.attempts == 1
    assert claim_digest(store, **key, now=NOW + timedelta(minutes=5)) is None  # held
    # A claim older than the lease (its process crashed) is taken over, once.
    late = claim_digest(store, **key, now=NOW + timedelta(minutes=11))
    assert late is not None and late.attempts == 2 and late.claim_token != claim.claim_token
    assert claim_digest(store, **key, now=NOW + timedelta(minutes=12)) is None
    assert not mark_digest_posted(store, claim, message_ts="1.1")  # the first lost its claim
    assert mark_digest_posted(store, late, message_ts="1.2", now=NOW + timedelta(minutes=12))
    posted = get_digest_claim(store, **key)
    assert posted is not None and (posted.status, posted.message_ts) == ("posted", "1.2")
    assert posted.posted_at == NOW + timedelta(minutes=12)
    assert claim_digest(store, **key, now=NOW + timedelta(days=1)) is None  # posted: never again
    # A failed post releases its claim so that the next run retries at once.
    other: dict[str, Any] = {**key, "channel_id": "C2"}
    failed = claim_digest(store, **other, now=NOW)
    assert failed is not None and release_digest_claim(store, failed)
    assert get_digest_claim(store, **other) is None
    assert claim_digest(store, **other, now=NOW) is not None


def test_reply_claims(store: Store) -> None:
    from core.store import claim_reply, get_reply, mark_reply_posted, release_reply_claim

    key: dict[str, Any] = {"team_id": "T1", "channel_id": "C1", "message_ts": "1700000000.000100"}
    assert get_reply(store, **key) is None
    claim = claim_reply(store, **key, now=NOW)
    assert claim is not None and claim.status == "claimed"
    assert claim_reply(store, **key, now=NOW + timedelta(seconds=3)) is None  # Slack's retry
    assert mark_reply_posted(store, claim, reply_ts="1700000001.000200")
    reply = get_reply(store, **key)
    assert reply is not None and reply.reply_ts == "1700000001.000200"  # to update on an edit
    assert claim_reply(store, **key, now=NOW + timedelta(minutes=5)) is None
    # A crashed replier: the retry after the lease takes over; a failed post is released.
    other: dict[str, Any] = {**key, "message_ts": "1700000000.000300"}
    assert claim_reply(store, **other, now=NOW) is not None
    retry = claim_reply(store, **other, now=NOW + timedelta(minutes=1))
    assert retry is not None and retry.attempts == 2
    assert release_reply_claim(store, retry)
    assert claim_reply(store, **other, now=NOW + timedelta(minutes=1)) is not None
