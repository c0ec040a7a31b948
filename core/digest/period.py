"""Digest periods: half-open UTC intervals with a label, their days and the period before them.

A period is `[start, end)` in UTC. Two kinds exist:

- `last_days(n, now=...)` — the `n` days (of 24 hours) ending at `now`; labelled `last N days`. Its
  days are the consecutive 24-hour slices from `start`.
- `iso_week("2026-W48", tz=...)` — Monday 00:00 to the next Monday 00:00 in the time zone `tz`
  (default UTC), converted to UTC; labelled `2026-W48`. Its days are the local calendar days, so a
  week that crosses a daylight-saving change has one day of 23 or 25 hours.

`previous()` is the period of the same kind immediately before (the preceding ISO week, or the `n`
days before `start`); the digest compares against it. Pure standard library plus pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Day",
    "Period",
    "PeriodError",
    "PeriodKind",
    "iso_week",
    "iso_week_label",
    "last_days",
    "previous_iso_week",
    "zone",
]

_ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be built: a malformed or impossible week, an unknown zone, bad days."""


class PeriodKind(StrEnum):
    """How a period was chosen."""

    DAYS = "days"
    ISO_WEEK = "iso_week"


class Day(BaseModel):
    """One day of a period: its calendar date in the period's zone and its UTC bounds."""

    model_config = ConfigDict(frozen=True)

    date: dt.date = Field(description="Calendar date of the day's start in the period's time zone.")
    start: datetime = Field(description="Start of the day, UTC, inclusive.")
    end: datetime = Field(description="End of the day, UTC, exclusive.")


class Period(BaseModel):
    """A half-open interval `[start, end)` in UTC, with the label a reader sees."""

    model_config = ConfigDict(frozen=True)

    kind: PeriodKind = Field(description="`days` (last N days ending at `end`) or `iso_week`.")
    label: str = Field(description="`2026-W48` for an ISO week, `last 7 days` for a day count.")
    start: datetime = Field(description="Start, UTC, inclusive.")
    end: datetime = Field(description="End, UTC, exclusive.")
    time_zone: str = Field(default="UTC", description="IANA zone the week's days are counted in.")

    def days(self) -> list[Day]:
        """The period's days in order; their bounds tile `[start, end)` exactly."""
        if self.kind is PeriodKind.ISO_WEEK:
            tz = zone(self.time_zone)
            first = self.start.astimezone(tz).date()
            out: list[Day] = []
            for offset in range(7):
                local = first + timedelta(days=offset)
                out.append(
                    Day(
                        date=local,
                        start=_local_midnight(local, tz),
                        end=_local_midnight(local + timedelta(days=1), tz),
                    )
                )
            return out
        count = round((self.end - self.start) / timedelta(days=1))
        return [
            Day(
                date=(self.start + timedelta(days=i)).date(),
                start=self.start + timedelta(days=i),
                end=self.start + timedelta(days=i + 1),
            )
            for i in range(count)
        ]

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind is PeriodKind.ISO_WEEK:
            tz = zone(self.time_zone)
            monday = self.start.astimezone(tz).date() - timedelta(days=7)
            year, week, _ = monday.isocalendar()
            return iso_week(iso_week_label(year, week), tz=self.time_zone)
        length = self.end - self.start
        return self.model_copy(update={"start": self.start - length, "end": self.start})


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (`UTC`, `Asia/Seoul`, ...); `PeriodError` when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PeriodError(f"unknown time zone {name!r}") from exc


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise PeriodError("a period's reference time must be timezone-aware")
    return moment.astimezone(UTC)


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def last_days(n: int = 7, *, now: datetime | None = None) -> Period:
    """The `n` days of 24 hours ending at `now` (default: the current time), in UTC."""
    if n < 1 or n > 366:
        raise PeriodError(f"the number of days must be between 1 and 366, not {n}")
    end = _utc(now) if now is not None else datetime.now(UTC)
    label = "last day" if n == 1 else f"last {n} days"
    return Period(kind=PeriodKind.DAYS, label=label, start=end - timedelta(days=n), end=end)


def iso_week_label(year: int, week: int) -> str:
    """`2026-W05` for year 2026, week 5."""
    return f"{year:04d}-W{week:02d}"


def iso_week(label: str, *, tz: str = "UTC") -> Period:
    """The ISO week `YYYY-Www` (Monday to Monday) in zone `tz`, as a UTC period.

    `2026-W53` is 2026-12-28 to 2027-01-04; a week number the year does not have (`2027-W53`) is a
    `PeriodError`, as is any other spelling than `YYYY-Www` (`2026W48` and lower case are accepted).
    """
    match = _ISO_WEEK.match(label)
    if match is None:
        raise PeriodError(f"not an ISO week: {label!r} (expected YYYY-Www, e.g. 2026-W48)")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise PeriodError(f"{label!r}: year {year} has no ISO week {week}") from exc
    local = zone(tz)
    return Period(
        kind=PeriodKind.ISO_WEEK,
        label=iso_week_label(year, week),
        start=_local_midnight(monday, local),
        end=_local_midnight(monday + timedelta(days=7), local),
        time_zone=tz,
    )


def previous_iso_week(*, now: datetime | None = None, tz: str = "UTC") -> Period:
    """The last complete ISO week before `now` in zone `tz` (what a Monday digest reports)."""
    moment = _utc(now) if now is not None else datetime.now(UTC)
    today = moment.astimezone(zone(tz)).date()
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return iso_week(iso_week_label(year, week), tz=tz)
