"""Incidents: record the denials of a message exactly once, list, fetch, resolve, ignore, recur.

Recording is idempotent in the database: a UNIQUE key on (team_id, channel_id, message_ts,
denial_index) and `INSERT ... ON CONFLICT DO NOTHING` make a retried or concurrent recording of the
same message return the incidents already there instead of adding new ones. No check-then-insert in
Python, so it holds across threads and processes on PostgreSQL and SQLite alike.

Every lookup by id is scoped by workspace: pass `team_id=` the caller's team (or `ANY_TEAM`, for
operators' tools that see every workspace).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    String,
    Table,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.fingerprint import fingerprint, principal_account
from core.record import DenialRecord
from core.store.engine import Store
from core.store.models import NOTE_MAX_CHARS, PASTE_MAX_CHARS, STATUSES, IncidentRow, utcnow

if TYPE_CHECKING:
    from core.model import Denial

__all__ = [
    "ANY_TEAM",
    "Incident",
    "IncidentStatus",
    "RecordResult",
    "Recurrence",
    "Resolution",
    "get_incident",
    "ignore_incident",
    "list_incidents",
    "list_team_ids",
    "record_incidents",
    "recurrence",
    "recurrences",
    "resolve_incident",
    "set_status",
]

IncidentStatus = Literal["open", "resolved", "ignored"]


class _AnyTeam(Enum):
    ANY_TEAM = "any team"


ANY_TEAM: Final = _AnyTeam.ANY_TEAM
"""Pass as `team_id=` to look an incident up in every workspace (operators' tools only)."""

TeamScope = str | Literal[_AnyTeam.ANY_TEAM]

_T = cast(Table, IncidentRow.__table__)
# A literal, not a bound parameter: the planners (SQLite's, and PostgreSQL's generic plans) only
# use the partial index `ix_incidents_resolved_fingerprint` when the condition is spelled out.
_RESOLVED = _T.c.status == literal_column("'resolved'")
_MESSAGE_KEY = ("team_id", "channel_id", "message_ts", "denial_index")


@dataclass(frozen=True, slots=True)
class Incident:
    """One recorded denial (a row of `incidents`), detached from the database."""

    id: int
    team_id: str
    channel_id: str
    message_ts: str
    denial_index: int
    thread_ts: str | None
    event_id: str | None
    reporter_id: str | None
    reported_at: datetime
    kind: str
    principal_arn: str | None
    principal_account: str | None
    principal_kind: str | None
    principal_name: str | None
    principal_session: str | None
    role_arn: str | None
    action: str | None
    service: str | None
    resource: str | None
    resource_account: str | None
    cross_account: bool | None
    region: str | None
    policy_type: str | None
    deny_kind: str | None
    transitive_through: str | None
    policy_arn: str | None
    error_code: str | None
    operation: str | None
    fingerprint: str
    paste: str | None
    status: str
    resolved_by: str | None
    resolved_at: datetime | None
    resolution_note: str | None
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO 8601 strings with their UTC offset."""
        return {
            k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items()
        }


_INCIDENT_FIELDS = tuple(f.name for f in fields(Incident))


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What `record_incidents` returns: the message's incidents (denial order), which are new."""

    incidents: tuple[Incident, ...]
    created_ids: frozenset[int]

    @property
    def created(self) -> tuple[Incident, ...]:
        """The incidents this call created (empty when the message was recorded before)."""
        return tuple(i for i in self.incidents if i.id in self.created_ids)

    @property
    def is_new(self) -> bool:
        """True when this call created at least one incident (i.e. the message is new to us)."""
        return bool(self.created_ids)


@dataclass(frozen=True, slots=True)
class Resolution:
    """How an earlier incident with the same fingerprint was resolved."""

    incident_id: int
    resolved_by: str | None
    resolved_at: datetime | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Recurrence:
    """How often a fingerprint was seen in a workspace in the window, and its last resolution."""

    fingerprint: str
    days: int
    count: int
    reporters: int
    first_seen: datetime | None
    last_seen: datetime | None
    last_resolution: Resolution | None


# --- helpers --------------------------------------------------------------------------------------

_LENGTHS: dict[str, int] = {
    c.name: c.type.length
    for c in _T.columns
    if isinstance(c.type, String) and c.type.length is not None
}


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str) -> str:
    """`text` as both databases accept it: NULs removed (PostgreSQL refuses them) and lone UTF-16
    surrogates (JSON can carry `\\ud800`; no UTF-8 encoder accepts them) replaced by U+FFFD."""
    text = text.replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _text(value: object, column: str) -> str | None:
    """A string fit for `column`: made `storable`, cut to the column size."""
    if value is None:
        return None
    text = storable(str(value.value if isinstance(value, Enum) else value))
    limit = _LENGTHS.get(column)
    return text[:limit] if limit is not None else text


def _bounded(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = storable(text)
    if len(text) <= limit:
        return text
    marker = "\n[... truncated]"
    return text[: limit - len(marker)] + marker


def _as_record(denial: DenialRecord | Denial) -> DenialRecord:
    return denial if isinstance(denial, DenialRecord) else denial.to_record()


def _incident(row: RowMapping) -> Incident:
    return Incident(**{name: row[name] for name in _INCIDENT_FIELDS})


def _denial_values(record: DenialRecord) -> dict[str, Any]:
    principal = record.principal
    return {
        "kind": _text(record.kind, "kind"),
        "principal_arn": _text(record.principal_arn, "principal_arn"),
        "principal_account": _text(principal_account(record), "principal_account"),
        "principal_kind": _text(principal.kind if principal else None, "principal_kind"),
        "principal_name": _text(principal.name if principal else None, "principal_name"),
        "principal_session": _text(principal.session if principal else None, "principal_session"),
        "role_arn": _text(principal.role_arn if principal else None, "role_arn"),
        "action": _text(record.action, "action"),
        "service": _text(record.service, "service"),
        "resource": _text(record.resource, "resource"),
        "resource_account": _text(record.resource_account, "resource_account"),
        "cross_account": record.cross_account,
        "region": _text(record.region, "region"),
        "policy_type": _text(record.policy_type, "policy_type"),
        "deny_kind": _text(record.deny_kind, "deny_kind"),
        "transitive_through": _text(record.transitive_through, "transitive_through"),
        "policy_arn": _text(record.policy_arn, "policy_arn"),
        "error_code": _text(record.error_code, "error_code"),
        "operation": _text(record.operation, "operation"),
        "fingerprint": fingerprint(record),
    }


def _scoped(stmt: Select[Any], incident_id: int, team_id: TeamScope) -> Select[Any]:
    stmt = stmt.where(_T.c.id == incident_id)
    if team_id is not ANY_TEAM:
        stmt = stmt.where(_T.c.team_id == team_id)
    return stmt


def _fetch(conn: Connection, incident_id: int, team_id: TeamScope) -> Incident | None:
    row = conn.execute(_scoped(select(_T), incident_id, team_id)).mappings().first()
    return _incident(row) if row is not None else None


# --- recording ------------------------------------------------------------------------------------

# Built once (per dialect), parameters passed separately, so that the compiled form is found in the
# engine's cache without building the statement again. SQLAlchemy's "insertmanyvalues" sends several
# denials as one multi-row INSERT; RETURNING gives the rows it created (a conflict returns nothing).
_RECORD_INSERT = {
    dialect: insert(_T).on_conflict_do_nothing(index_elements=list(_MESSAGE_KEY)).returning(*_T.c)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_MESSAGE_INCIDENTS = (
    select(_T)
    .where(
        _T.c.team_id == bindparam("p_team_id"),
        _T.c.channel_id == bindparam("p_channel_id"),
        _T.c.message_ts == bindparam("p_message_ts"),
        _T.c.denial_index < bindparam("p_count"),
    )
    .order_by(_T.c.denial_index)
)


def record_incidents(
    store: Store,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    denials: Sequence[DenialRecord | Denial],
    paste: str | None = None,
    reporter_id: str | None = None,
    thread_ts: str | None = None,
    event_id: str | None = None,
    reported_at: datetime | None = None,
) -> RecordResult:
    """Record one incident per denial of one message, exactly once.

    `paste` must already be redacted (`core.redact`); it is cut to `PASTE_MAX_CHARS`. Calling this
    again for the same (team, channel, message ts) — a retry, another process — creates nothing and
    returns the incidents stored the first time; `RecordResult.created_ids` says which are new.
    """
    if not denials:
        return RecordResult((), frozenset())
    now = utcnow()
    common = {
        "team_id": _text(team_id, "team_id"),
        "channel_id": _text(channel_id, "channel_id"),
        "message_ts": _text(message_ts, "message_ts"),
        "thread_ts": _text(thread_ts, "thread_ts"),
        "event_id": _text(event_id, "event_id"),
        "reporter_id": _text(reporter_id, "reporter_id"),
        "reported_at": reported_at or now,
        "paste": _bounded(paste, PASTE_MAX_CHARS),
        "status": "open",
        "created_at": now,
        "updated_at": now,
    }
    rows = [
        {**common, **_denial_values(_as_record(denial)), "denial_index": index}
        for index, denial in enumerate(denials)
    ]
    with store.write() as conn:
        inserted = conn.execute(_RECORD_INSERT[store.dialect], rows).mappings().all()
        created = frozenset(row["id"] for row in inserted)
        if len(inserted) == len(rows):  # all new (the usual case): RETURNING gave every row
            ordered = sorted(inserted, key=lambda row: row["denial_index"])
            return RecordResult(tuple(_incident(row) for row in ordered), created)
        stored = conn.execute(
            _MESSAGE_INCIDENTS,
            {
                "p_team_id": common["team_id"],
                "p_channel_id": common["channel_id"],
                "p_message_ts": common["message_ts"],
                "p_count": len(rows),
            },
        ).mappings()
        incidents = tuple(_incident(row) for row in stored)
    return RecordResult(incidents, created)


# --- queries --------------------------------------------------------------------------------------


def list_incidents(
    store: Store,
    *,
    team_id: TeamScope,
    status: IncidentStatus | None = None,
    account: str | None = None,
    policy_type: str | None = None,
    since: datetime | None = None,
    fingerprint: str | None = None,
    channel_id: str | None = None,
    reporter_id: str | None = None,
    limit: int | None = 50,
) -> list[Incident]:
    """A workspace's incidents, newest first (`team_id=ANY_TEAM`: every workspace, for operators'
    tools only — the workspace is never optional, so a caller cannot forget it).

    `account` matches the principal's or the resource's account; `since` is inclusive.
    """
    conditions: list[ColumnElement[bool]] = []
    if team_id is not ANY_TEAM:
        conditions.append(_T.c.team_id == team_id)
    if status is not None:
        conditions.append(_T.c.status == _check_status(status))
    if account is not None:
        conditions.append(or_(_T.c.principal_account == account, _T.c.resource_account == account))
    if policy_type is not None:
        conditions.append(_T.c.policy_type == policy_type)
    if since is not None:
        conditions.append(_T.c.reported_at >= since)
    if fingerprint is not None:
        conditions.append(_T.c.fingerprint == fingerprint)
    if channel_id is not None:
        conditions.append(_T.c.channel_id == channel_id)
    if reporter_id is not None:
        conditions.append(_T.c.reporter_id == reporter_id)
    stmt = select(_T).where(and_(True, *conditions))
    stmt = stmt.order_by(_T.c.reported_at.desc(), _T.c.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.read() as conn:
        return [_incident(row) for row in conn.execute(stmt).mappings()]


def list_team_ids(store: Store) -> list[str]:
    """Every workspace that has at least one incident, sorted."""
    with store.read() as conn:
        return list(conn.execute(select(_T.c.team_id).distinct().order_by(_T.c.team_id)).scalars())


def get_incident(store: Store, incident_id: int, *, team_id: TeamScope) -> Incident | None:
    """The incident with this id in this workspace; None when absent or in another workspace."""
    with store.read() as conn:
        return _fetch(conn, incident_id, team_id)


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    return status


def _update(
    store: Store, incident_id: int, team_id: TeamScope, values: dict[str, Any]
) -> Incident | None:
    stmt = sql_update(_T).where(_T.c.id == incident_id).values(**values, updated_at=utcnow())
    if team_id is not ANY_TEAM:
        stmt = stmt.where(_T.c.team_id == team_id)
    with store.write() as conn:
        if conn.execute(stmt).rowcount == 0:
            return None
        return _fetch(conn, incident_id, team_id)


def resolve_incident(
    store: Store,
    incident_id: int,
    *,
    team_id: TeamScope,
    by: str,
    note: str | None = None,
    at: datetime | None = None,
) -> Incident | None:
    """Mark the incident resolved by `by` with `note`; None when not found in the workspace.

    Resolving again replaces the resolver, time and note.
    """
    return _update(
        store,
        incident_id,
        team_id,
        {
            "status": "resolved",
            "resolved_by": _text(by, "resolved_by"),
            "resolved_at": at or utcnow(),
            "resolution_note": _bounded(note, NOTE_MAX_CHARS),
        },
    )


def set_status(
    store: Store, incident_id: int, *, team_id: TeamScope, status: IncidentStatus
) -> Incident | None:
    """Set the status; `open` and `ignored` clear any resolution. None when not found."""
    _check_status(status)
    if status == "resolved":
        raise ValueError("use resolve_incident() to resolve (it records who and why)")
    values: dict[str, Any] = {
        "status": status,
        "resolved_by": None,
        "resolved_at": None,
        "resolution_note": None,
    }
    return _update(store, incident_id, team_id, values)


def ignore_incident(store: Store, incident_id: int, *, team_id: TeamScope) -> Incident | None:
    """Mark the incident ignored (not worth following up); None when not found."""
    return set_status(store, incident_id, team_id=team_id, status="ignored")


# --- recurrence -----------------------------------------------------------------------------------

_RECURRENCE_COUNTS = (
    select(
        _T.c.fingerprint,
        func.count().label("seen"),
        func.count(_T.c.reporter_id.distinct()).label("reporters"),
        func.min(_T.c.reported_at).label("first_seen"),
        func.max(_T.c.reported_at).label("last_seen"),
    )
    .where(
        _T.c.team_id == bindparam("p_team_id"),
        _T.c.fingerprint.in_(bindparam("p_fingerprints", expanding=True)),
        _T.c.reported_at >= bindparam("p_since"),
    )
    .group_by(_T.c.fingerprint)
)
_LAST_RESOLUTION = (
    select(_T.c.id, _T.c.resolved_by, _T.c.resolved_at, _T.c.resolution_note)
    .where(_T.c.team_id == bindparam("p_team_id"), _T.c.fingerprint == bindparam("p_fingerprint"))
    .where(_RESOLVED)
    .order_by(_T.c.resolved_at.desc(), _T.c.id.desc())
    .limit(1)
)


def recurrences(
    store: Store,
    *,
    team_id: str,
    fingerprints: Iterable[str],
    days: int = 7,
    now: datetime | None = None,
) -> dict[str, Recurrence]:
    """`recurrence` for several fingerprints at once (one reply covering several denials)."""
    wanted = sorted(set(fingerprints))
    if not wanted:
        return {}
    since = (now or utcnow()) - timedelta(days=days)
    with store.read() as conn:
        counted = conn.execute(
            _RECURRENCE_COUNTS, {"p_team_id": team_id, "p_fingerprints": wanted, "p_since": since}
        ).mappings()
        seen = {row["fingerprint"]: row for row in counted}
        resolutions: dict[str, Resolution] = {}
        for fp in wanted:
            last = conn.execute(
                _LAST_RESOLUTION, {"p_team_id": team_id, "p_fingerprint": fp}
            ).first()
            if last is not None:
                resolutions[fp] = Resolution(
                    last.id, last.resolved_by, last.resolved_at, last.resolution_note
                )
    out: dict[str, Recurrence] = {}
    for fp in wanted:
        row = seen.get(fp)
        out[fp] = Recurrence(
            fingerprint=fp,
            days=days,
            count=int(row["seen"]) if row else 0,
            reporters=int(row["reporters"]) if row else 0,
            first_seen=row["first_seen"] if row else None,
            last_seen=row["last_seen"] if row else None,
            last_resolution=resolutions.get(fp),
        )
    return out


def recurrence(
    store: Store,
    *,
    team_id: str,
    fingerprint: str,
    days: int = 7,
    now: datetime | None = None,
) -> Recurrence:
    """How often `fingerprint` was seen in the workspace in the last `days` days (the current
    incident included, once recorded), by how many distinct reporters, and the note of the last
    resolved incident with that fingerprint (at any time)."""
    return recurrences(store, team_id=team_id, fingerprints=[fingerprint], days=days, now=now)[
        fingerprint
    ]
