"""When a workspace's weekly digest is due, and which period it reports: pure functions of time.

A workspace posts its digest every week on `weekday` (0 = Monday) at `hour`:00 in its time zone.
The *moment* of an ISO week is that weekday and hour inside the week, as a UTC instant; the digest
posted at a moment reports the ISO week before the moment's own week (for the default Monday 09:00,
the Monday-to-Monday week that ended nine hours earlier). Its *key* is that week's label
(`2026-W47`): one post per channel and week, even when the workspace changes its time zone.

`due_digest(weekday, hour, tz, now)` returns the most recent moment at or before `now` with the
week it reports, or None when that moment is older than `catch_up` (a worker that was down for
days does not post stale digests). A caller posts it unless its key was already posted.

Wall-clock rules: a local hour that does not exist (the spring-forward gap) fires at the first
instant after the gap; an hour that occurs twice (fall-back) fires at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.digest.period import Period, PeriodError, iso_week, iso_week_label, zone

__all__ = ["DEFAULT_CATCH_UP", "DueDigest", "due_digest", "schedule_moment"]

DEFAULT_CATCH_UP = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DueDigest:
    """A digest that is due: the scheduled moment that passed and the week it reports."""

    moment: datetime  # UTC
    period: Period

    @property
    def key(self) -> str:
        """The claim key of the period (`2026-W47`)."""
        return self.period.label


def _check(weekday: int, hour: int) -> None:
    if not 0 <= weekday <= 6:
        raise PeriodError(f"digest weekday must be 0 (Monday) to 6 (Sunday), not {weekday}")
    if not 0 <= hour <= 23:
        raise PeriodError(f"digest hour must be 0 to 23, not {hour}")


def _local_instant(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`day` at `hour`:00 in `tz` as UTC; a skipped hour maps past the gap, a repeated one to its
    first occurrence."""
    naive = datetime.combine(day, time(hour))
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) != naive:
        # In a gap: fold=0 reads the wall time with the offset before the change, which lands
        # after the gap; fold=1 lands before it. The later instant is the first that exists.
        return max(first, second)
    return min(first, second)


def schedule_moment(weekday: int, hour: int, tz: str, monday: date) -> datetime:
    """The UTC instant of the schedule within the ISO week starting on local `monday`."""
    _check(weekday, hour)
    return _local_instant(monday + timedelta(days=weekday), hour, zone(tz))


def due_digest(
    weekday: int,
    hour: int,
    tz: str,
    now: datetime,
    *,
    catch_up: timedelta = DEFAULT_CATCH_UP,
) -> DueDigest | None:
    """The digest due at `now` (timezone-aware) for this schedule, or None when the latest
    scheduled moment is more than `catch_up` ago."""
    if now.tzinfo is None:
        raise PeriodError("the current time must be timezone-aware")
    _check(weekday, hour)
    local_zone = zone(tz)
    now = now.astimezone(UTC)
    today = now.astimezone(local_zone).date()
    monday = today - timedelta(days=today.weekday())
    moment = schedule_moment(weekday, hour, tz, monday)
    if moment > now:
        monday -= timedelta(days=7)
        moment = schedule_moment(weekday, hour, tz, monday)
    if now - moment > catch_up:
        return None
    year, week, _ = (monday - timedelta(days=7)).isocalendar()
    return DueDigest(moment=moment, period=iso_week(iso_week_label(year, week), tz=tz))
