"""The digest's pure parts: period maths, the sparkline, text rendering, the JSON schema file."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from core.digest import (
    Breakdown,
    Comparison,
    DayCount,
    Digest,
    DigestReport,
    OpenIncident,
    PeriodError,
    PeriodKind,
    RecurringDenial,
    Resolution,
    Totals,
    change,
    incident_summary,
    iso_week,
    last_days,
    previous_iso_week,
    render_text,
    sparkline,
)
from core.digest.schema import SCHEMA_PATH, schema_text


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- periods ---------------------------------------------------------------------------------


def test_iso_week_is_monday_to_monday_utc() -> None:
    week = iso_week("2026-W48")
    assert week.kind is PeriodKind.ISO_WEEK
    assert week.label == "2026-W48"
    assert (week.start, week.end) == (utc(2026, 11, 23), utc(2026, 11, 30))
    assert [d.date for d in week.days()] == [date(2026, 11, 23) + timedelta(i) for i in range(7)]


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026-W01", utc(2025, 12, 29), utc(2026, 1, 5)),  # week 1 starts in the previous year
        ("2026-W53", utc(2026, 12, 28), utc(2027, 1, 4)),  # 2026 has 53 ISO weeks
        ("2027-W01", utc(2027, 1, 4), utc(2027, 1, 11)),
        ("2020-W53", utc(2020, 12, 28), utc(2021, 1, 4)),
        ("2026w5", utc(2026, 1, 26), utc(2026, 2, 2)),  # lenient spelling, canonical label
    ],
)
def test_iso_week_year_edges(label: str, start: datetime, end: datetime) -> None:
    week = iso_week(label)
    assert (week.start, week.end) == (start, end)
    assert week.days()[0].start == start and week.days()[-1].end == end


def test_iso_week_canonical_label() -> None:
    assert iso_week("2026w5").label == "2026-W05"


def test_previous_iso_week_crosses_the_year() -> None:
    assert iso_week("2027-W01").previous().label == "2026-W53"
    assert iso_week("2026-W01").previous().label == "2025-W52"
    assert iso_week("2026-W01").previous().end == iso_week("2026-W01").start


@pytest.mark.parametrize("label", ["2027-W53", "2026-W00", "2026-W54", "26-W01", "2026-11-23", ""])
def test_iso_week_rejects_impossible_weeks(label: str) -> None:
    with pytest.raises(PeriodError):
        iso_week(label)


def test_iso_week_in_a_time_zone() -> None:
    week = iso_week("2026-W48", tz="Asia/Seoul")  # UTC+9, no daylight saving
    assert (week.start, week.end) == (utc(2026, 11, 22, 15), utc(2026, 11, 29, 15))
    assert week.time_zone == "Asia/Seoul"
    assert week.days()[0].date == date(2026, 11, 23)


def test_iso_week_across_daylight_saving_end() -> None:
    # Europe/Berlin leaves summer time on Sunday 2026-10-25: that local day lasts 25 hours.
    week = iso_week("2026-W43", tz="Europe/Berlin")
    assert (week.start, week.end) == (utc(2026, 10, 18, 22), utc(2026, 10, 25, 23))
    days = week.days()
    assert [d.end - d.start for d in days] == [timedelta(hours=24)] * 6 + [timedelta(hours=25)]
    assert all(a.end == b.start for a, b in itertools.pairwise(days))
    assert week.previous().end == week.start
    assert week.previous().end - week.previous().start == timedelta(days=7)


def test_iso_week_across_daylight_saving_start() -> None:
    # America/New_York starts summer time on Sunday 2026-03-08: that local day lasts 23 hours.
    week = iso_week("2026-W10", tz="America/New_York")
    assert week.start == utc(2026, 3, 2, 5)
    assert week.end == utc(2026, 3, 9, 4)
    assert week.days()[-1].end - week.days()[-1].start == timedelta(hours=23)


def test_unknown_time_zone() -> None:
    with pytest.raises(PeriodError, match="time zone"):
        iso_week("2026-W48", tz="Mars/Olympus")


def test_last_days_ends_now_and_tiles() -> None:
    now = utc(2026, 11, 30, 12, 30)
    period = last_days(7, now=now)
    assert period.kind is PeriodKind.DAYS
    assert period.label == "last 7 days"
    assert (period.start, period.end) == (utc(2026, 11, 23, 12, 30), now)
    days = period.days()
    assert len(days) == 7 and days[0].start == period.start and days[-1].end == now
    assert days[0].date == date(2026, 11, 23)
    prev = period.previous()
    assert (prev.start, prev.end) == (utc(2026, 11, 16, 12, 30), period.start)
    assert last_days(1, now=now).label == "last day"
    assert len(last_days(30, now=now).days()) == 30


def test_last_days_rejects_bad_input() -> None:
    with pytest.raises(PeriodError):
        last_days(0)
    with pytest.raises(PeriodError):
        last_days(7, now=datetime(2026, 11, 30))  # naive


def test_previous_iso_week_of_a_moment() -> None:
    # Monday 2026-11-30 09:00 UTC: the last complete week is W48.
    assert previous_iso_week(now=utc(2026, 11, 30, 9)).label == "2026-W48"
    # Sunday 2026-11-29 20:00 UTC is already Monday in Seoul.
    assert previous_iso_week(now=utc(2026, 11, 29, 20), tz="Asia/Seoul").label == "2026-W48"
    assert previous_iso_week(now=utc(2026, 11, 29, 20)).label == "2026-W47"
    assert previous_iso_week(now=utc(2027, 1, 5)).label == "2026-W53"


# --- change and sparkline ---------------------------------------------------------------------


def test_change() -> None:
    assert change(15, 10).model_dump() == {
        "current": 15,
        "previous": 10,
        "delta": 5,
        "percent": 50.0,
    }
    assert change(2, 3).percent == -33.3
    assert change(4, 0).percent is None
    assert change(0, 0).delta == 0


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([0, 1, 2, 3, 4, 5, 6]) == "▁▃▄▅▆▇█"
    assert sparkline([5]) == "█"
    line = sparkline([0, 1, 1000])
    assert line == "▁▂█"  # a quiet day is never drawn as an empty one
    assert len(sparkline([3] * 30)) == 30


def test_incident_summary() -> None:
    assert (
        incident_summary(
            action="s3:PutObject",
            principal="deploy",
            resource="arn:aws:s3:::b/k",
            policy_type="scp",
            deny_kind="explicit",
        )
        == "s3:PutObject by deploy on arn:aws:s3:::b/k (explicit deny, scp)"
    )
    assert (
        incident_summary(
            action=None,
            principal=None,
            resource=None,
            policy_type=None,
            deny_kind=None,
            kind="s3_access_denied",
        )
        == "s3 access denied"
    )


# --- rendering and schema ---------------------------------------------------------------------


def sample_digest() -> Digest:
    period = iso_week("2026-W48")
    days = period.days()
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
        top_recurring=[
            RecurringDenial(
                fingerprint="fp-hot",
                principal_arn="arn:aws:sts::111122223333:assumed-role/deploy/run-9",
                role="deploy",
                account_id="111122223333",
                action="s3:PutObject",
                resource="arn:aws:s3:::artifacts/*",
                policy_type="scp",
                deny_kind="explicit",
                count=7,
                distinct_reporters=2,
                channels=["C-ops", "C-dev"],
                channel_count=3,
                first_seen=utc(2026, 10, 1, 8),
                first_seen_in_period=utc(2026, 11, 23, 1),
                last_seen=utc(2026, 11, 29, 22),
                new=False,
                open=5,
                resolved=2,
                ignored=0,
                last_resolution=Resolution(
                    incident_id=42,
                    resolved_at=utc(2026, 11, 25, 10),
                    resolved_by="U-alice",
                    note="excluded the CI role from the SCP",
                ),
                example_incident_id=77,
            )
        ],
        by_policy_type=[
            Breakdown(key="scp", incidents=7, distinct_fingerprints=1),
            Breakdown(key=None, incidents=4, distinct_fingerprints=3),
        ],
        by_account=[Breakdown(key="111122223333", incidents=11, distinct_fingerprints=4)],
        oldest_open=[
            OpenIncident(
                id=3,
                reported_at=utc(2026, 9, 1),
                age_days=90.0,
                summary="kms:Decrypt by app (implicit deny, identity_based)",
                fingerprint="fp-old",
                channel="C-ops",
                reporter="U-bob",
            )
        ],
        per_day=[
            DayCount(date=d.date, start=d.start, end=d.end, incidents=n)
            for d, n in zip(days, counts, strict=True)
        ],
        sparkline=sparkline(counts),
    )


def test_render_text_says_everything() -> None:
    text = render_text(sample_digest())
    for expected in [
        "workspace T0001 · 2026-W48",
        "2026-11-23 00:00 → 2026-11-30 00:00 UTC",
        "Incidents: 11 (+3, +37.5% vs 8)",
        "Distinct denials: 4 (0, 0.0% vs 4); 1 new, 3 returning; 3 recurring, 1 one-off",
        "Reporters: 3 (+3 vs 0)",
        "Per day: ▆▁█▃▁▁▄  Mon 3 Tue 0 Wed 5 Thu 1 Fri 0 Sat 0 Sun 2",
        " 1. 7× s3:PutObject by deploy on arn:aws:s3:::artifacts/* [scp, explicit deny]",
        "2 reporter(s) · #C-ops, #C-dev +1 more · first seen 2026-10-01 08:00",
        "5 open / 2 resolved",
        "last fixed by U-alice on 2026-11-25 10:00 (incident #42): "
        '"excluded the CI role from the SCP"',
        "By policy type: scp 7 · unknown 4",
        "By account: 111122223333 11",
        "#3 · 90.0 days · kms:Decrypt by app (implicit deny, identity_based)",
    ]:
        assert expected in text, expected


def test_render_text_of_an_empty_digest() -> None:
    digest = sample_digest().model_copy(
        update={"top_recurring": [], "oldest_open": [], "by_policy_type": [], "by_account": []}
    )
    text = render_text(digest)
    assert "Top recurring denials:\n  none" in text
    assert "Oldest open incidents:\n  none" in text
    assert "By policy type: none" in text


def test_digest_round_trips_through_json() -> None:
    report = DigestReport(digests=[sample_digest()])
    data = json.loads(report.model_dump_json())
    assert data["schema_version"] == 1
    assert data["digests"][0]["period"]["label"] == "2026-W48"
    assert data["digests"][0]["period"]["start"] == "2026-11-23T00:00:00Z"
    assert DigestReport.model_validate(data) == report


def test_schema_file_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "docs/digest.schema.json is stale: run `python -m core.digest.schema`"
    )


def test_schema_documents_the_output() -> None:
    schema = json.loads(schema_text())
    assert schema["required"] == ["digests"]
    digest = schema["$defs"]["Digest"]
    assert {"team_id", "period", "totals", "top_recurring", "per_day", "sparkline"} <= set(
        digest["properties"]
    )
    assert (
        "twice" in schema["$defs"]["Totals"]["properties"]["recurring_fingerprints"]["description"]
    )
