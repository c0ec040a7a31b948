"""The digest computed by the database, on a small known dataset, every number checked exactly.

Runs on SQLite, and on PostgreSQL when `IAMDENY_TEST_POSTGRES_URL` is set (the `db_url` fixture).
The dataset (workspace TA, ISO week 2026-W47 = 2026-11-16..23 UTC, previous week W46):

| fingerprint | history before W47            | W47 (day, UTC time, channel, reporter, status)     |
| ----------- | ----------------------------- | -------------------------------------------------- |
| fp-hot      | Oct 1 (resolved), W46 ×2 open | Mon 00:00 C1 U1, Mon 12:00 C1 U2, Wed 09:00 C2 U1  |
|             |                               | (resolved Nov 20 by U-bob), Sun 23:59:59 C1 U3     |
| fp-new2     | none                          | Tue 08:00 C3 U2, Tue 09:00 C3 U2                   |
| fp-one      | none                          | Fri 15:00 C1 U4 (ignored)                          |
| fp-ret      | W46 Nov 10 open               | Thu 11:00 C2 U1                                    |
| fp-old      | Sep 1 open                    | —                                                  |

plus fp-hot at exactly 2026-11-23 00:00 (W48: outside the period). Workspace TB has the same
fp-hot five times in W47 and an older open incident; none of it may leak into TA's digest, nor TA's
resolutions into TB's.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert

from core.digest import iso_week, last_days, render_text
from core.store.digest_queries import compute_digest, digest_teams
from core.store.engine import Store
from core.store.models import IncidentRow

pytestmark = pytest.mark.db

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


DENIALS: dict[str, dict[str, Any]] = {
    "fp-hot": {
        "principal_arn": "arn:aws:sts::111111111111:assumed-role/deploy/run-1",
        "principal_name": "deploy",
        "principal_account": "111111111111",
        "action": "s3:PutObject",
        "resource": "arn:aws:s3:::artifacts/build.zip",
        "policy_type": "scp",
        "deny_kind": "explicit",
    },
    "fp-new2": {
        "principal_arn": "arn:aws:iam::222222222222:user/alice",
        "principal_name": "alice",
        "principal_account": "222222222222",
        "action": "kms:Decrypt",
        "resource": "arn:aws:kms:eu-west-1:222222222222:key/k1",
        "policy_type": "identity_based",
        "deny_kind": "implicit",
    },
    "fp-one": {
        "principal_arn": "arn:aws:iam::111111111111:user/bob",
        "principal_name": "bob",
        "principal_account": "111111111111",
        "action": "ec2:RunInstances",
        "resource": None,
        "policy_type": None,
        "deny_kind": None,
    },
    "fp-ret": {
        "principal_arn": "arn:aws:iam::222222222222:role/etl",
        "principal_name": "etl",
        "principal_account": "222222222222",
        "action": "sqs:SendMessage",
        "resource": "arn:aws:sqs:eu-west-1:333333333333:q",
        "policy_type": "resource_based",
        "deny_kind": "explicit",
    },
    "fp-old": {
        "principal_arn": "arn:aws:iam::333333333333:role/app",
        "principal_name": "app",
        "principal_account": "333333333333",
        "action": "dynamodb:GetItem",
        "resource": "arn:aws:dynamodb:eu-west-1:333333333333:table/t",
        "policy_type": "permissions_boundary",
        "deny_kind": "implicit",
    },
}


def row(
    team: str, fp: str, when: datetime, channel: str, reporter: str, **extra: Any
) -> dict[str, Any]:
    row.counter += 1  # type: ignore[attr-defined]
    return {
        "team_id": team,
        "channel_id": channel,
        "message_ts": f"{when.timestamp():.6f}.{row.counter}",  # type: ignore[attr-defined]
        "denial_index": 0,
        "reporter_id": reporter,
        "reported_at": when,
        "kind": "not_authorized",
        "fingerprint": fp,
        "status": "open",
        "resolved_by": None,
        "resolved_at": None,
        "resolution_note": None,
        **DENIALS[fp],
        **extra,
    }


row.counter = 0  # type: ignore[attr-defined]


def dataset() -> list[dict[str, Any]]:
    resolved_old = {
        "status": "resolved",
        "resolved_by": "U-alice",
        "resolved_at": at(10, 2, 9),
        "resolution_note": "removed the SCP deny",
    }
    resolved_new = {
        "status": "resolved",
        "resolved_by": "U-bob",
        "resolved_at": at(11, 20, 10),
        "resolution_note": "added an exception for the deploy role",
    }
    return [
        # TA history
        row("TA", "fp-old", at(9, 1), "C1", "U7"),
        row("TA", "fp-hot", at(10, 1, 8), "C1", "U1", **resolved_old),
        row("TA", "fp-hot", at(11, 9, 10), "C1", "U1"),
        row("TA", "fp-ret", at(11, 10, 10), "C2", "U6"),
        row("TA", "fp-hot", at(11, 12, 10), "C1", "U5"),
        # TA in W47
        row("TA", "fp-hot", at(11, 16, 0), "C1", "U1"),
        row("TA", "fp-hot", at(11, 16, 12), "C1", "U2"),
        row("TA", "fp-new2", at(11, 17, 8), "C3", "U2"),
        row("TA", "fp-new2", at(11, 17, 9), "C3", "U2"),
        row("TA", "fp-hot", at(11, 18, 9), "C2", "U1", **resolved_new),
        row("TA", "fp-ret", at(11, 19, 11), "C2", "U1"),
        row("TA", "fp-one", at(11, 20, 15), "C1", "U4", status="ignored"),
        row("TA", "fp-hot", at(11, 22, 23, 59, 59), "C1", "U3"),
        # TA after the period
        row("TA", "fp-hot", at(11, 23), "C1", "U8"),
        # TB: the same denial, its own history
        row("TB", "fp-old", at(8, 1), "CB", "U9"),
        *(row("TB", "fp-hot", at(11, 18, h), "CB", "U9") for h in range(5)),
    ]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    with store.write() as conn:
        conn.execute(insert(IncidentRow), dataset())
    yield store
    store.close()


@pytest.fixture
def ids(store: Store) -> dict[tuple[str, datetime], int]:
    table = IncidentRow.__table__
    with store.read() as conn:
        rows = conn.execute(
            table.select().with_only_columns(table.c.id, table.c.team_id, table.c.reported_at)
        )
        return {(r.team_id, r.reported_at): r.id for r in rows}


def test_totals_and_recurrence(store: Store) -> None:
    digest = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW)
    assert digest.team_id == "TA"
    assert digest.generated_at == NOW
    assert digest.totals.model_dump() == {
        "incidents": 8,
        "distinct_fingerprints": 4,
        "distinct_reporters": 4,
        "distinct_channels": 3,
        "new_fingerprints": 2,  # fp-new2, fp-one
        "returning_fingerprints": 2,  # fp-hot, fp-ret
        "recurring_fingerprints": 3,  # fp-hot, fp-ret (returning), fp-new2 (twice)
        "one_off_fingerprints": 1,  # fp-one
    }


def test_change_against_previous_week(store: Store) -> None:
    cmp = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW).comparison
    assert cmp.previous_period.label == "2026-W46"
    assert cmp.incidents.model_dump() == {"current": 8, "previous": 3, "delta": 5, "percent": 166.7}
    assert cmp.distinct_fingerprints.model_dump() == {
        "current": 4,
        "previous": 2,
        "delta": 2,
        "percent": 100.0,
    }
    assert cmp.distinct_reporters.model_dump() == {
        "current": 4,
        "previous": 3,
        "delta": 1,
        "percent": 33.3,
    }


def test_top_recurring(store: Store, ids: dict[tuple[str, datetime], int]) -> None:
    top = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW).top_recurring
    assert [t.fingerprint for t in top] == ["fp-hot", "fp-new2", "fp-ret"]
    hot, new2, ret = top
    assert hot.model_dump() == {
        "fingerprint": "fp-hot",
        "principal_arn": "arn:aws:sts::111111111111:assumed-role/deploy/run-1",
        "role": "deploy",
        "account_id": "111111111111",
        "action": "s3:PutObject",
        "resource": "arn:aws:s3:::artifacts/build.zip",
        "policy_type": "scp",
        "deny_kind": "explicit",
        "count": 4,
        "distinct_reporters": 3,
        "channels": ["C1", "C2"],
        "channel_count": 2,
        "first_seen": at(10, 1, 8),
        "first_seen_in_period": at(11, 16),
        "last_seen": at(11, 22, 23, 59, 59),
        "new": False,
        "open": 3,
        "resolved": 1,
        "ignored": 0,
        "last_resolution": {
            "incident_id": ids[("TA", at(11, 18, 9))],
            "resolved_at": at(11, 20, 10),
            "resolved_by": "U-bob",
            "note": "added an exception for the deploy role",
        },
        "example_incident_id": ids[("TA", at(11, 22, 23, 59, 59))],
    }
    assert (new2.count, new2.distinct_reporters, new2.channels, new2.new) == (2, 1, ["C3"], True)
    assert (new2.first_seen, new2.last_seen, new2.open) == (at(11, 17, 8), at(11, 17, 9), 2)
    assert new2.last_resolution is None
    assert (ret.count, ret.new, ret.first_seen, ret.channels) == (1, False, at(11, 10, 10), ["C2"])


def test_top_is_limited(store: Store) -> None:
    digest = compute_digest(store, "TA", iso_week("2026-W47"), top=1, oldest=0, now=NOW)
    assert [t.fingerprint for t in digest.top_recurring] == ["fp-hot"]
    assert digest.totals.recurring_fingerprints == 3  # totals never depend on `top`
    assert digest.oldest_open == []
    assert compute_digest(store, "TA", iso_week("2026-W47"), top=0, now=NOW).top_recurring == []


def test_breakdowns(store: Store) -> None:
    digest = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW)
    assert [b.model_dump() for b in digest.by_policy_type] == [
        {"key": "scp", "incidents": 4, "distinct_fingerprints": 1},
        {"key": "identity_based", "incidents": 2, "distinct_fingerprints": 1},
        {"key": "resource_based", "incidents": 1, "distinct_fingerprints": 1},
        {"key": None, "incidents": 1, "distinct_fingerprints": 1},
    ]
    assert [b.model_dump() for b in digest.by_account] == [
        {"key": "111111111111", "incidents": 5, "distinct_fingerprints": 2},
        {"key": "222222222222", "incidents": 3, "distinct_fingerprints": 2},
    ]


def test_oldest_open(store: Store, ids: dict[tuple[str, datetime], int]) -> None:
    oldest = compute_digest(store, "TA", iso_week("2026-W47"), oldest=3, now=NOW).oldest_open
    assert [(o.id, o.reported_at, o.age_days) for o in oldest] == [
        (ids[("TA", at(9, 1))], at(9, 1), 83.0),
        (ids[("TA", at(11, 9, 10))], at(11, 9, 10), 13.6),
        (ids[("TA", at(11, 10, 10))], at(11, 10, 10), 12.6),
    ]
    assert oldest[0].summary == (
        "dynamodb:GetItem by app on arn:aws:dynamodb:eu-west-1:333333333333:table/t "
        "(implicit deny, permissions_boundary)"
    )
    assert (oldest[0].fingerprint, oldest[0].channel, oldest[0].reporter) == ("fp-old", "C1", "U7")


def test_per_day_series(store: Store) -> None:
    digest = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW)
    assert [(d.date.isoformat(), d.incidents) for d in digest.per_day] == [
        ("2026-11-16", 2),
        ("2026-11-17", 2),
        ("2026-11-18", 1),
        ("2026-11-19", 1),
        ("2026-11-20", 1),
        ("2026-11-21", 0),
        ("2026-11-22", 1),
    ]
    assert digest.sparkline == "██▅▅▅▁▅"


def test_week_in_a_time_zone(store: Store) -> None:
    # Seoul's W47 is 2026-11-15 15:00 .. 2026-11-22 15:00 UTC: Sunday 23:59:59 UTC falls out,
    # Friday 15:00 UTC is Saturday 00:00 in Seoul.
    digest = compute_digest(store, "TA", iso_week("2026-W47", tz="Asia/Seoul"), now=NOW)
    assert [d.incidents for d in digest.per_day] == [2, 2, 1, 1, 0, 1, 0]
    assert digest.totals.incidents == 7
    assert digest.period.time_zone == "Asia/Seoul"


def test_last_days_matches_the_same_range(store: Store) -> None:
    days = compute_digest(store, "TA", last_days(7, now=at(11, 23)), now=NOW)
    week = compute_digest(store, "TA", iso_week("2026-W47"), now=NOW)
    assert days.period.label == "last 7 days"
    assert days.totals == week.totals
    assert days.comparison.incidents == week.comparison.incidents
    assert [d.incidents for d in days.per_day] == [d.incidents for d in week.per_day]


def test_team_isolation(store: Store) -> None:
    b = compute_digest(store, "TB", iso_week("2026-W47"), now=NOW)
    assert (b.totals.incidents, b.totals.distinct_reporters, b.totals.new_fingerprints) == (5, 1, 1)
    (hot,) = b.top_recurring
    assert (hot.count, hot.channels, hot.new, hot.first_seen) == (5, ["CB"], True, at(11, 18))
    assert hot.last_resolution is None  # TA's fixes are TA's
    assert hot.open == 5
    assert [o.reported_at for o in b.oldest_open] == [at(8, 1)] + [at(11, 18, h) for h in range(4)]
    assert b.comparison.incidents.previous == 0 and b.comparison.incidents.percent is None
    a = compute_digest(store, "TA", iso_week("2026-W47"), oldest=10, now=NOW)
    assert all(o.reporter != "U9" for o in a.oldest_open)
    assert all("CB" not in t.channels for t in a.top_recurring)


def test_empty_workspace_and_period(store: Store) -> None:
    digest = compute_digest(store, "TZ", iso_week("2026-W47"), now=NOW)
    assert digest.totals.incidents == 0 and digest.totals.distinct_fingerprints == 0
    assert digest.top_recurring == [] and digest.by_account == [] and digest.oldest_open == []
    assert [d.incidents for d in digest.per_day] == [0] * 7
    assert digest.sparkline == "▁" * 7
    quiet = compute_digest(store, "TA", iso_week("2026-W40"), now=NOW)
    assert quiet.totals.incidents == 1  # fp-hot on Oct 1 (Thursday of W40)
    assert quiet.totals.recurring_fingerprints == 0 and quiet.totals.new_fingerprints == 1
    assert "none" in render_text(digest)


def test_digest_teams(store: Store) -> None:
    assert digest_teams(store) == ["TA", "TB"]
    assert digest_teams(store.engine) == ["TA", "TB"]


def test_render_from_the_store(store: Store) -> None:
    text = render_text(compute_digest(store, "TA", iso_week("2026-W47"), now=NOW))
    assert "Incidents: 8 (+5, +166.7% vs 3)" in text
    assert " 1. 4× s3:PutObject by deploy on arn:aws:s3:::artifacts/build.zip" in text
