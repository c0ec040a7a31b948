"""Shared builders for the render tests: a realistic `Digest` and `Incident` rows.

(Not a test module; named `test_render_*` only so it sits with the render tests it serves.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core.digest import (
    Breakdown,
    Comparison,
    DayCount,
    Digest,
    OpenIncident,
    RecurringDenial,
    Resolution,
    Totals,
    change,
    iso_week,
    sparkline,
)
from core.store.incidents import Incident

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _recurring(i: int, long: str = "") -> RecurringDenial:
    return RecurringDenial(
        fingerprint=f"fp-{i}",
        principal_arn=f"arn:aws:sts::111122223333:assumed-role/deploy-{i}/run{long}",
        role=f"deploy-{i}{long}",
        account_id="111122223333",
        action=None if i == 3 else "s3:PutObject",
        resource=f"arn:aws:s3:::artifacts-{i}/*{long}",
        policy_type="scp",
        deny_kind="explicit",
        count=7 - min(i, 5),
        distinct_reporters=2,
        channels=["C0OPS", "C0DEV", "C0SRE", "C0APP"],
        channel_count=5,
        first_seen=utc(2026, 10, 1, 8),
        first_seen_in_period=utc(2026, 11, 23, 1),
        last_seen=utc(2026, 11, 29, 22),
        new=i == 1,
        open=5,
        resolved=2,
        ignored=1 if i == 2 else 0,
        last_resolution=Resolution(
            incident_id=42,
            resolved_at=utc(2026, 11, 25, 10),
            resolved_by="U0ALICE",
            note="excluded the CI role from the SCP <!channel>" + long,
        )
        if i == 0
        else None,
        example_incident_id=77 + i,
    )


def sample_digest(*, recurring: int = 1, long: str = "", open_count: int = 1) -> Digest:
    period = iso_week("2026-W48", tz="Asia/Seoul")
    counts = [3, 0, 5, 1, 0, 0, 2]
    return Digest(
        team_id="T0001",
        generated_at=utc(2026, 11, 30, 9),
        period=period,
        totals=Totals(
            incidents=11,
            distinct_fingerprints=4,
            distinct_reporters=3,
            distinct_channels=2,
            new_fingerprints=1,
            returning_fingerprints=3,
            recurring_fingerprints=3,
            one_off_fingerprints=1,
        ),
        comparison=Comparison(
            previous_period=period.previous(),
            incidents=change(11, 8),
            distinct_fingerprints=change(4, 4),
            distinct_reporters=change(3, 0),
        ),
        top_recurring=[_recurring(i, long) for i in range(recurring)],
        by_policy_type=[
            Breakdown(key="scp", incidents=7, distinct_fingerprints=1),
            Breakdown(key="identity_based", incidents=3, distinct_fingerprints=2),
            Breakdown(key=None, incidents=1, distinct_fingerprints=1),
        ],
        by_account=[
            Breakdown(key=f"1111222233{i:02d}{long}", incidents=11 - i, distinct_fingerprints=4)
            for i in range(max(1, recurring))
        ],
        oldest_open=[
            OpenIncident(
                id=3 + i,
                reported_at=utc(2026, 9, 1),
                age_days=90.04,
                summary="kms:Decrypt by app (implicit deny, identity_based)" + long,
                fingerprint="fp-old",
                channel="C0OPS",
                reporter="U0BOB",
            )
            for i in range(open_count)
        ],
        per_day=[
            DayCount(date=d.date, start=d.start, end=d.end, incidents=n)
            for d, n in zip(period.days(), counts, strict=True)
        ],
        sparkline=sparkline(counts),
    )


def make_incident(i: int, **changes: Any) -> Incident:
    values: dict[str, Any] = {
        "id": i,
        "team_id": "T1",
        "channel_id": "C0OPS",
        "message_ts": f"1700000000.{i:06d}",
        "denial_index": 0,
        "thread_ts": None,
        "event_id": None,
        "reporter_id": "U0BOB",
        "reported_at": NOW,
        "kind": "not_authorized",
        "principal_arn": "arn:aws:sts::111122223333:assumed-role/deploy/run",
        "principal_account": "111122223333",
        "principal_kind": "assumed_role",
        "principal_name": "deploy",
        "principal_session": "run",
        "role_arn": "arn:aws:iam::111122223333:role/deploy",
        "action": "s3:PutObject",
        "service": "s3",
        "resource": "arn:aws:s3:::bucket/key",
        "resource_account": None,
        "cross_account": False,
        "region": None,
        "policy_type": "scp",
        "deny_kind": "explicit",
        "transitive_through": None,
        "policy_arn": None,
        "error_code": None,
        "operation": None,
        "fingerprint": f"fp{i}",
        "paste": None,
        "status": "open",
        "resolved_by": None,
        "resolved_at": None,
        "resolution_note": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Incident(**values)
