"""The weekly digest computed in the database: `compute_digest` and `digest_teams`.

Every figure is an SQL aggregate (GROUP BY, COUNT(DISTINCT ...), MIN/MAX, window functions); no
query returns more rows than the digest shows, so the cost does not grow with the number of rows
handed to Python. The same statements run on SQLite (3.25+, for window functions) and PostgreSQL.

The queries, all for one workspace (`team_id`), in one read transaction (a repeatable-read snapshot
on PostgreSQL, a single WAL snapshot on SQLite):

1. *counts* — one pass over `[previous.start, period.end)`: incidents, distinct fingerprints,
   reporters and channels in the period and in the previous one (conditional `COUNT(DISTINCT CASE
   ...)`), and one `COUNT(CASE ...)` column per day. Day buckets are bound parameters computed by
   `Period.days()`, so time zones and daylight-saving days need no date function of either
   database.
2. *fingerprints* — `GROUP BY fingerprint` over the period (count, distinct reporters and
   channels, first/last seen, open/resolved/ignored), each with the workspace's first-ever
   `MIN(reported_at)` for it (an index probe on `(team_id, fingerprint, reported_at)`); window
   aggregates over the groups give the new/returning/recurring totals while `ORDER BY ... LIMIT`
   keeps only the top recurring ones.
3. for the top fingerprints only: the latest incident's fields (an equality probe on
   `(team_id, fingerprint, reported_at)`), their busiest channels (`ROW_NUMBER()` over the
   per-channel counts), and their latest resolution (one `ORDER BY resolved_at DESC LIMIT 1`
   probe each on the partial index `ix_incidents_resolved_fingerprint`).
4. *by policy type* and *by principal account* — `GROUP BY` over the period.
5. *oldest open* — `status = 'open' AND reported_at < period.end ORDER BY reported_at LIMIT n`
   (the `(team_id, status, reported_at)` index).

Queries 1, 2 and 4 read only columns of the covering index `ix_incidents_digest_period` (team_id,
reported_at, fingerprint, reporter_id, channel_id, status, policy_type, principal_account), so they
are index-only scans of the period's slice. bench/bench_store.py measures each index's worth.

The definitions of new, returning and recurring are in `core.digest.model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    String,
    and_,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    text,
)

from core.digest.model import (
    Breakdown,
    Comparison,
    DayCount,
    Digest,
    OpenIncident,
    RecurringDenial,
    Resolution,
    Totals,
    change,
)
from core.digest.period import Period
from core.digest.render import incident_summary, sparkline
from core.store.engine import Store
from core.store.models import IncidentRow

__all__ = ["MAX_CHANNELS", "compute_digest", "digest_teams"]

MAX_CHANNELS = 10  # channels listed per recurring denial
MAX_ACCOUNTS = 20  # accounts listed in `by_account`

_T = IncidentRow.__table__.c


def _engine(engine_or_store: Engine | Store) -> Engine:
    return engine_or_store.engine if isinstance(engine_or_store, Store) else engine_or_store


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _b(conn: Connection, column: Any) -> Any:
    """`column` compared byte by byte, for COUNT(DISTINCT ...) over ids.

    PostgreSQL sorts text through the database collation's strcoll() (C.UTF-8, en_US...), several
    times slower than `COLLATE "C"`; ids compare equal either way. SQLite compares bytes already.
    """
    return column.collate("C") if conn.dialect.name == "postgresql" else column


def _in_range(start: datetime, end: datetime) -> Any:
    return and_(_T.reported_at >= start, _T.reported_at < end)


def digest_teams(engine_or_store: Engine | Store) -> list[str]:
    """Every workspace with at least one incident, in order.

    A recursive "skip scan" on the `team_id`-led index: one index probe per workspace instead of
    reading every row, on both databases.
    """
    sql = text(
        """
        WITH RECURSIVE teams(team_id) AS (
            SELECT MIN(team_id) FROM incidents
            UNION ALL
            SELECT (SELECT MIN(i.team_id) FROM incidents AS i WHERE i.team_id > teams.team_id)
            FROM teams WHERE teams.team_id IS NOT NULL
        )
        SELECT team_id FROM teams WHERE team_id IS NOT NULL
        """
    )
    with _engine(engine_or_store).connect() as conn:
        return [row[0] for row in conn.execute(sql)]


def compute_digest(
    engine_or_store: Engine | Store,
    team_id: str,
    period: Period,
    *,
    top: int = 10,
    oldest: int = 5,
    now: datetime | None = None,
) -> Digest:
    """The digest of workspace `team_id` for `period`, computed in the database.

    `top` recurring denials and `oldest` open incidents are listed; `now` is the digest's
    `generated_at` (default: the current time).
    """
    if top < 0 or oldest < 0:
        raise ValueError("top and oldest must not be negative")
    engine = _engine(engine_or_store)
    generated_at = _as_utc(now) if now is not None else datetime.now(UTC)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _compute(
                conn, team_id, period, top=top, oldest=oldest, generated_at=generated_at
            )


def _compute(
    conn: Connection,
    team_id: str,
    period: Period,
    *,
    top: int,
    oldest: int,
    generated_at: datetime,
) -> Digest:
    previous = period.previous()
    days = period.days()
    counts = _counts(conn, team_id, period, previous)
    per_day = [
        DayCount(date=day.date, start=day.start, end=day.end, incidents=int(counts[f"d{i}"] or 0))
        for i, day in enumerate(days)
    ]
    fp_totals, top_rows = _fingerprints(conn, team_id, period, top)
    totals = Totals(
        incidents=int(counts["cur_n"]),
        distinct_fingerprints=int(counts["cur_fp"]),
        distinct_reporters=int(counts["cur_rep"]),
        distinct_channels=int(counts["cur_ch"]),
        new_fingerprints=fp_totals["new"],
        returning_fingerprints=int(counts["cur_fp"]) - fp_totals["new"],
        recurring_fingerprints=fp_totals["recurring"],
        one_off_fingerprints=int(counts["cur_fp"]) - fp_totals["recurring"],
    )
    comparison = Comparison(
        previous_period=previous,
        incidents=change(totals.incidents, int(counts["prev_n"])),
        distinct_fingerprints=change(totals.distinct_fingerprints, int(counts["prev_fp"])),
        distinct_reporters=change(totals.distinct_reporters, int(counts["prev_rep"])),
    )
    return Digest(
        team_id=team_id,
        generated_at=generated_at,
        period=period,
        totals=totals,
        comparison=comparison,
        top_recurring=_top_details(conn, team_id, period, top_rows),
        by_policy_type=_breakdown(conn, team_id, period, _T.policy_type, None),
        by_account=_breakdown(conn, team_id, period, _T.principal_account, MAX_ACCOUNTS),
        oldest_open=_oldest_open(conn, team_id, period, oldest),
        per_day=per_day,
        sparkline=sparkline([d.incidents for d in per_day]),
    )


def _counts(conn: Connection, team_id: str, period: Period, previous: Period) -> dict[str, Any]:
    """Query 1: period and previous-period counts and the per-day series, in one pass."""
    cur = _in_range(period.start, period.end)
    prev = _in_range(previous.start, previous.end)
    columns = [
        func.count(case((cur, 1))).label("cur_n"),
        func.count(distinct(case((cur, _b(conn, _T.fingerprint))))).label("cur_fp"),
        func.count(distinct(case((cur, _b(conn, _T.reporter_id))))).label("cur_rep"),
        func.count(distinct(case((cur, _b(conn, _T.channel_id))))).label("cur_ch"),
        func.count(case((prev, 1))).label("prev_n"),
        func.count(distinct(case((prev, _b(conn, _T.fingerprint))))).label("prev_fp"),
        func.count(distinct(case((prev, _b(conn, _T.reporter_id))))).label("prev_rep"),
    ]
    columns += [
        func.count(case((_in_range(day.start, day.end), 1))).label(f"d{i}")
        for i, day in enumerate(period.days())
    ]
    lower = min(previous.start, period.start)
    stmt = select(*columns).where(_T.team_id == team_id, _in_range(lower, period.end))
    row = conn.execute(stmt).one()
    return dict(row._mapping)


def _fingerprints(
    conn: Connection, team_id: str, period: Period, top: int
) -> tuple[dict[str, int], list[Row[Any]]]:
    """Query 2: new/recurring totals over all fingerprints, and the top recurring ones."""
    status = _T.status
    earlier = IncidentRow.__table__.alias("earlier")
    # Correlated on the group key, so evaluated once per fingerprint (an index probe), not per row.
    first_ever = (
        select(func.min(earlier.c.reported_at))
        .where(earlier.c.team_id == team_id, earlier.c.fingerprint == _T.fingerprint)
        .scalar_subquery()
    )
    flagged = (
        select(
            _T.fingerprint.label("fingerprint"),
            func.count().label("n"),
            func.count(distinct(_b(conn, _T.reporter_id))).label("reporters"),
            func.count(distinct(_b(conn, _T.channel_id))).label("channels"),
            func.min(_T.reported_at).label("first_in"),
            func.max(_T.reported_at).label("last_in"),
            func.count(case((status == "open", 1))).label("n_open"),
            func.count(case((status == "resolved", 1))).label("n_resolved"),
            func.count(case((status == "ignored", 1))).label("n_ignored"),
            first_ever.label("first_ever"),
        )
        .where(_T.team_id == team_id, _in_range(period.start, period.end))
        .group_by(_T.fingerprint)
        .cte("per_fp")
    )
    is_new = case((flagged.c.first_ever >= period.start, 1), else_=0)
    is_recurring = case((or_(flagged.c.first_ever < period.start, flagged.c.n >= 2), 1), else_=0)
    stmt = (
        select(
            flagged,
            is_new.label("is_new"),
            is_recurring.label("is_recurring"),
            func.sum(is_new).over().label("total_new"),
            func.sum(is_recurring).over().label("total_recurring"),
        )
        .order_by(
            is_recurring.desc(),
            flagged.c.n.desc(),
            flagged.c.reporters.desc(),
            flagged.c.last_in.desc(),
            flagged.c.fingerprint,
        )
        .limit(max(top, 1))
    )
    rows = conn.execute(stmt).all()
    if not rows:
        return {"new": 0, "recurring": 0}, []
    totals = {"new": int(rows[0].total_new), "recurring": int(rows[0].total_recurring)}
    return totals, [r for r in rows if r.is_recurring][:top]


def _top_details(
    conn: Connection, team_id: str, period: Period, rows: Sequence[Row[Any]]
) -> list[RecurringDenial]:
    """Query 3: latest incident, busiest channels and last resolution of the top fingerprints."""
    if not rows:
        return []
    fingerprints = [r.fingerprint for r in rows]
    latest_stmt = select(
        _T.id,
        _T.fingerprint,
        _T.principal_arn,
        _T.principal_name,
        _T.principal_account,
        _T.action,
        _T.resource,
        _T.policy_type,
        _T.deny_kind,
    ).where(
        _T.team_id == team_id,
        or_(*(and_(_T.fingerprint == r.fingerprint, _T.reported_at == r.last_in) for r in rows)),
    )
    latest: dict[str, Any] = {}
    for row in conn.execute(latest_stmt):
        if row.fingerprint not in latest or row.id > latest[row.fingerprint].id:
            latest[row.fingerprint] = row

    per_channel = (
        select(
            _T.fingerprint.label("fingerprint"),
            _T.channel_id.label("channel_id"),
            func.row_number()
            .over(partition_by=_T.fingerprint, order_by=(func.count().desc(), _T.channel_id))
            .label("rank"),
        )
        .where(
            _T.team_id == team_id,
            _T.fingerprint.in_(fingerprints),
            _in_range(period.start, period.end),
        )
        .group_by(_T.fingerprint, _T.channel_id)
        .subquery()
    )
    channels: dict[str, list[str]] = {fp: [] for fp in fingerprints}
    channel_stmt = (
        select(per_channel.c.fingerprint, per_channel.c.channel_id)
        .where(per_channel.c.rank <= MAX_CHANNELS)
        .order_by(per_channel.c.fingerprint, per_channel.c.rank)
    )
    for fp, channel in conn.execute(channel_stmt):
        channels[fp].append(channel)

    fixes = _last_resolutions(conn, team_id, fingerprints)

    out = []
    for r in rows:
        example = latest[r.fingerprint]
        out.append(
            RecurringDenial(
                fingerprint=r.fingerprint,
                principal_arn=example.principal_arn,
                role=example.principal_name,
                account_id=example.principal_account,
                action=example.action,
                resource=example.resource,
                policy_type=example.policy_type,
                deny_kind=example.deny_kind,
                count=int(r.n),
                distinct_reporters=int(r.reporters),
                channels=channels[r.fingerprint],
                channel_count=int(r.channels),
                first_seen=r.first_ever,
                first_seen_in_period=r.first_in,
                last_seen=r.last_in,
                new=bool(r.is_new),
                open=int(r.n_open),
                resolved=int(r.n_resolved),
                ignored=int(r.n_ignored),
                last_resolution=fixes.get(r.fingerprint),
                example_incident_id=example.id,
            )
        )
    return out


def _last_resolutions(
    conn: Connection, team_id: str, fingerprints: Sequence[str]
) -> dict[str, Resolution]:
    """The latest resolution (by `resolved_at`) of each fingerprint, any time in the workspace.

    One `ORDER BY resolved_at DESC LIMIT 1` probe per fingerprint; the status is an inline
    constant so that a partial index on resolved incidents can serve it (SQLite only uses a
    partial index when the query repeats its condition literally).
    """
    resolved = literal_column("'resolved'", String)
    latest_ids = [
        select(_T.id)
        .where(
            _T.team_id == team_id,
            _T.fingerprint == fp,
            _T.status == resolved,
            _T.resolved_at.is_not(None),
        )
        .order_by(_T.resolved_at.desc(), _T.id.desc())
        .limit(1)
        .scalar_subquery()
        for fp in fingerprints
    ]
    stmt = select(_T.id, _T.fingerprint, _T.resolved_at, _T.resolved_by, _T.resolution_note).where(
        _T.id.in_(latest_ids)
    )
    return {
        row.fingerprint: Resolution(
            incident_id=row.id,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by,
            note=row.resolution_note,
        )
        for row in conn.execute(stmt)
    }


def _breakdown(
    conn: Connection, team_id: str, period: Period, column: Any, limit: int | None
) -> list[Breakdown]:
    """Query 4: incidents and distinct fingerprints of the period grouped by `column`."""
    n = func.count().label("n")
    stmt = (
        select(column.label("key"), n, func.count(distinct(_b(conn, _T.fingerprint))).label("fps"))
        .where(_T.team_id == team_id, _in_range(period.start, period.end))
        .group_by(column)
        .order_by(literal_column("n").desc(), column.asc().nulls_last())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        Breakdown(key=row.key, incidents=int(row.n), distinct_fingerprints=int(row.fps))
        for row in conn.execute(stmt)
    ]


def _oldest_open(conn: Connection, team_id: str, period: Period, limit: int) -> list[OpenIncident]:
    """Query 5: the workspace's oldest incidents still open, reported before the period's end."""
    if limit == 0:
        return []
    stmt = (
        select(
            _T.id,
            _T.reported_at,
            _T.fingerprint,
            _T.channel_id,
            _T.reporter_id,
            _T.kind,
            _T.action,
            _T.principal_name,
            _T.principal_arn,
            _T.resource,
            _T.policy_type,
            _T.deny_kind,
        )
        .where(_T.team_id == team_id, _T.status == "open", _T.reported_at < period.end)
        .order_by(_T.reported_at, _T.id)
        .limit(limit)
    )
    out = []
    for row in conn.execute(stmt):
        age = (period.end - row.reported_at).total_seconds() / 86400
        out.append(
            OpenIncident(
                id=row.id,
                reported_at=row.reported_at,
                age_days=round(age, 1),
                summary=incident_summary(
                    action=row.action,
                    principal=row.principal_name or row.principal_arn,
                    resource=row.resource,
                    policy_type=row.policy_type,
                    deny_kind=row.deny_kind,
                    kind=row.kind,
                ),
                fingerprint=row.fingerprint,
                channel=row.channel_id,
                reporter=row.reporter_id,
            )
        )
    return out
