"""Which weekly digest is due at a given time: `core.digest.schedule.due_digest` (pure).

Time zones east and west of UTC, daylight-saving changes (the skipped and the repeated hour),
ISO years with 53 weeks, year boundaries, the catch-up window, and properties over many zones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.digest import PeriodError, iso_week
from core.digest.schedule import DEFAULT_CATCH_UP, due_digest, schedule_moment

MON, TUE, SUN = 0, 1, 6
WEEK = timedelta(days=7)
LONG = timedelta(days=8)  # never hides the latest moment (a week may last 7 days + 1 hour)

ZONES = [
    "UTC",
    "Asia/Seoul",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kathmandu",
    "America/Santiago",
    "Europe/London",
]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- the default schedule: Monday 09:00 -----------------------------------------------------------


def test_utc_monday_nine_reports_the_week_that_just_ended() -> None:
    assert date(2026, 11, 30).weekday() == MON
    assert due_digest(MON, 9, "UTC", utc(2026, 11, 30, 8, 59)) is None  # last week's is >24h old
    due = due_digest(MON, 9, "UTC", utc(2026, 11, 30, 9, 0))
    assert due is not None
    assert due.moment == utc(2026, 11, 30, 9)
    assert due.key == "2026-W48"
    assert due.period == iso_week("2026-W48", tz="UTC")
    assert (due.period.start, due.period.end) == (utc(2026, 11, 23), utc(2026, 11, 30))
    # Still the same week's digest all day (the claim makes it once), gone after the catch-up.
    assert due_digest(MON, 9, "UTC", utc(2026, 12, 1, 8, 59)).key == "2026-W48"  # type: ignore[union-attr]
    assert due_digest(MON, 9, "UTC", utc(2026, 12, 1, 9, 1)) is None


def test_seoul_monday_nine_is_midnight_utc() -> None:
    # 09:00 KST (UTC+9, no DST) on Monday 2026-11-30 is 00:00 UTC that day.
    assert (
        due_digest(MON, 9, "Asia/Seoul", utc(2026, 11, 29, 23, 59) + timedelta(seconds=59)) is None
    )
    due = due_digest(MON, 9, "Asia/Seoul", utc(2026, 11, 30, 0, 0))
    assert due is not None
    assert due.moment == utc(2026, 11, 30, 0)
    assert due.key == "2026-W48"
    # The week's days are Seoul's: Monday 00:00 KST = Sunday 15:00 UTC.
    assert due.period.start == utc(2026, 11, 22, 15)
    assert due.period.end == utc(2026, 11, 29, 15)
    assert due.period.time_zone == "Asia/Seoul"


def test_seoul_and_utc_differ_on_the_same_instant() -> None:
    # Sunday 2026-11-29 20:00 UTC is already Monday 05:00 in Seoul, but before 09:00 there.
    now = utc(2026, 11, 29, 20)
    assert due_digest(MON, 5, "Asia/Seoul", now).key == "2026-W48"  # type: ignore[union-attr]
    assert due_digest(MON, 9, "Asia/Seoul", now) is None
    assert due_digest(SUN, 20, "UTC", now).key == "2026-W47"  # type: ignore[union-attr]


def test_los_angeles_across_spring_forward() -> None:
    # DST starts Sunday 2026-03-08 02:00 PST -> 03:00 PDT.
    before = due_digest(MON, 9, "America/Los_Angeles", utc(2026, 3, 2, 17))  # PST, UTC-8
    after = due_digest(MON, 9, "America/Los_Angeles", utc(2026, 3, 9, 16))  # PDT, UTC-7
    assert before is not None and after is not None
    assert before.moment == utc(2026, 3, 2, 17)
    assert after.moment == utc(2026, 3, 9, 16)
    assert due_digest(MON, 9, "America/Los_Angeles", utc(2026, 3, 9, 15, 59)) is None
    assert after.key == "2026-W10"
    # The reported week has the 23-hour day: Monday 00:00 PST to Monday 00:00 PDT.
    assert after.period.start == utc(2026, 3, 2, 8)
    assert after.period.end == utc(2026, 3, 9, 7)
    hours = [(d.end - d.start) / timedelta(hours=1) for d in after.period.days()]
    assert hours == [24, 24, 24, 24, 24, 24, 23]


def test_los_angeles_across_fall_back() -> None:
    # DST ends Sunday 2026-11-01 02:00 PDT -> 01:00 PST.
    due = due_digest(MON, 9, "America/Los_Angeles", utc(2026, 11, 2, 17))
    assert due is not None and due.moment == utc(2026, 11, 2, 17)  # 09:00 PST
    assert due_digest(MON, 9, "America/Los_Angeles", utc(2026, 11, 2, 16, 59)) is None
    assert due.key == "2026-W44"
    hours = [(d.end - d.start) / timedelta(hours=1) for d in due.period.days()]
    assert hours == [24, 24, 24, 24, 24, 24, 25]


def test_skipped_local_hour_fires_right_after_the_gap() -> None:
    # Sunday 02:00 does not exist in Los Angeles on 2026-03-08: it fires at 03:00 PDT (10:00 UTC).
    assert schedule_moment(SUN, 2, "America/Los_Angeles", date(2026, 3, 2)) == utc(2026, 3, 8, 10)
    assert due_digest(SUN, 2, "America/Los_Angeles", utc(2026, 3, 8, 9, 59)) is None
    due = due_digest(SUN, 2, "America/Los_Angeles", utc(2026, 3, 8, 10))
    assert due is not None and due.key == "2026-W09"
    # The week before, 02:00 existed (PST): 10:00 UTC too; the week after, 02:00 PDT = 09:00 UTC.
    assert schedule_moment(SUN, 2, "America/Los_Angeles", date(2026, 2, 23)) == utc(2026, 3, 1, 10)
    assert schedule_moment(SUN, 2, "America/Los_Angeles", date(2026, 3, 9)) == utc(2026, 3, 15, 9)


def test_repeated_local_hour_fires_at_its_first_occurrence() -> None:
    # Sunday 01:00 happens twice in Los Angeles on 2026-11-01: first at 08:00 UTC (PDT).
    assert schedule_moment(SUN, 1, "America/Los_Angeles", date(2026, 10, 26)) == utc(2026, 11, 1, 8)
    due = due_digest(SUN, 1, "America/Los_Angeles", utc(2026, 11, 1, 8, 30))
    assert due is not None and due.moment == utc(2026, 11, 1, 8)
    # An hour later (the second 01:00) it is the same digest, not a new one.
    later = due_digest(SUN, 1, "America/Los_Angeles", utc(2026, 11, 1, 9, 30))
    assert later is not None and later.key == due.key


def test_europe_gap_and_overlap() -> None:
    # Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
    assert schedule_moment(SUN, 2, "Europe/Berlin", date(2026, 3, 23)) == utc(2026, 3, 29, 1)
    assert schedule_moment(SUN, 2, "Europe/Berlin", date(2026, 10, 19)) == utc(2026, 10, 25, 0)


# --- year boundaries and 53-week years ------------------------------------------------------------


def test_first_monday_of_2027_reports_week_53_of_2026() -> None:
    due = due_digest(MON, 9, "UTC", utc(2027, 1, 4, 9))
    assert due is not None and due.key == "2026-W53"
    assert (due.period.start, due.period.end) == (utc(2026, 12, 28), utc(2027, 1, 4))
    # The next week reports 2027-W01.
    assert due_digest(MON, 9, "UTC", utc(2027, 1, 11, 9)).key == "2027-W01"  # type: ignore[union-attr]


def test_first_monday_of_2026_reports_week_1_that_began_in_2025() -> None:
    due = due_digest(MON, 9, "UTC", utc(2026, 1, 5, 9))
    assert due is not None and due.key == "2026-W01"
    assert due.period.start == utc(2025, 12, 29)
    # Monday 2025-12-29 reports 2025-W52.
    assert due_digest(MON, 9, "UTC", utc(2025, 12, 29, 9)).key == "2025-W52"  # type: ignore[union-attr]


def test_new_year_in_zones_a_day_apart() -> None:
    # 2027-01-04 09:00 local in Kiritimati (UTC+14) and Pago Pago (UTC-11): 25 hours apart.
    east = due_digest(MON, 9, "Pacific/Kiritimati", utc(2027, 1, 3, 19))
    west = due_digest(MON, 9, "Pacific/Pago_Pago", utc(2027, 1, 4, 20))
    assert east is not None and west is not None
    assert east.key == west.key == "2026-W53"
    assert west.moment - east.moment == timedelta(hours=25)
    assert due_digest(MON, 9, "Pacific/Pago_Pago", utc(2027, 1, 4, 19, 59)) is None


def test_friday_schedule_reports_the_last_complete_week() -> None:
    # Friday 17:00 Seoul on 2026-12-04 (W49): the last complete week is W48.
    due = due_digest(4, 17, "Asia/Seoul", utc(2026, 12, 4, 8))
    assert due is not None and due.key == "2026-W48"
    assert due.period.end <= due.moment


# --- the catch-up window ---------------------------------------------------------------------


def test_catch_up_window() -> None:
    moment = utc(2026, 11, 30, 9)
    assert due_digest(MON, 9, "UTC", moment + DEFAULT_CATCH_UP) is not None
    assert due_digest(MON, 9, "UTC", moment + DEFAULT_CATCH_UP + timedelta(seconds=1)) is None
    late = due_digest(MON, 9, "UTC", moment + timedelta(days=6), catch_up=LONG)
    assert late is not None and late.key == "2026-W48"


def test_bad_schedules_and_naive_times() -> None:
    with pytest.raises(PeriodError):
        due_digest(7, 9, "UTC", utc(2026, 11, 30))
    with pytest.raises(PeriodError):
        due_digest(MON, 24, "UTC", utc(2026, 11, 30))
    with pytest.raises(PeriodError):
        due_digest(MON, 9, "Mars/Olympus", utc(2026, 11, 30))
    with pytest.raises(PeriodError):
        due_digest(MON, 9, "UTC", datetime(2026, 11, 30, 9))


# --- properties over many zones -------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2031, 12, 31)),
)
def test_due_digest_properties(tz: str, weekday: int, hour: int, now: datetime) -> None:
    now = now.replace(tzinfo=UTC)
    due = due_digest(weekday, hour, tz, now, catch_up=LONG)
    assert due is not None  # some moment is always within a week
    assert due.moment <= now < due.moment + timedelta(days=7, hours=2)
    local = due.moment.astimezone(ZoneInfo(tz))
    assert local.weekday() == weekday
    assert local.hour in (hour, (hour + 1) % 24)  # +1 only when the hour fell in a DST gap
    # The period is the complete ISO week before the moment's local week.
    assert due.period.end <= due.moment
    moment_week = local.date() - timedelta(days=local.weekday())
    assert due.period.end.astimezone(ZoneInfo(tz)).date() == moment_week
    assert due.key == due.period.label
    # Just before the moment, the previous week's digest (or an older one) was the due one.
    before = due_digest(weekday, hour, tz, due.moment - timedelta(microseconds=1), catch_up=LONG)
    assert before is not None and before.period.end < due.period.end
    # Monotonic: a later instant never goes back to an older period.
    later = due_digest(weekday, hour, tz, now + timedelta(hours=13), catch_up=LONG)
    assert later is not None and later.period.start >= due.period.start
