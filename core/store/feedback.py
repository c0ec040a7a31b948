"""Classification feedback: a user says an answer was wrong, or the message was not a denial.

One verdict per user and incident (a UNIQUE key); giving feedback again replaces it, so a button
clicked twice or an action Slack delivers twice stores one row.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Literal, cast

from sqlalchemy import Connection, RowMapping, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.store.engine import Store
from core.store.incidents import ANY_TEAM, TeamScope, storable
from core.store.models import NOTE_MAX_CHARS, VERDICTS, FeedbackRow, IncidentRow, utcnow

__all__ = ["Feedback", "Verdict", "add_feedback", "list_feedback"]

Verdict = Literal["wrong", "not_a_denial"]

_F = cast(Table, FeedbackRow.__table__)
_I = cast(Table, IncidentRow.__table__)


@dataclass(frozen=True, slots=True)
class Feedback:
    """One user's verdict on one incident."""

    id: int
    incident_id: int
    user_id: str
    verdict: str
    note: str | None
    created_at: datetime


def _feedback(row: RowMapping) -> Feedback:
    return Feedback(**{f.name: row[f.name] for f in fields(Feedback)})


def _incident_exists(conn: Connection, incident_id: int, team_id: TeamScope) -> bool:
    stmt = select(_I.c.id).where(_I.c.id == incident_id)
    if team_id is not ANY_TEAM:
        stmt = stmt.where(_I.c.team_id == team_id)
    return conn.execute(stmt).first() is not None


def add_feedback(
    store: Store,
    incident_id: int,
    *,
    team_id: TeamScope,
    user_id: str,
    verdict: Verdict,
    note: str | None = None,
) -> Feedback | None:
    """Store (or replace) `user_id`'s verdict on the incident; None when the incident is not in
    the workspace."""
    if verdict not in VERDICTS:
        raise ValueError(f"unknown verdict {verdict!r}; expected one of {', '.join(VERDICTS)}")
    values = {
        "incident_id": incident_id,
        "user_id": user_id[:255],
        "verdict": verdict,
        "note": storable(note)[:NOTE_MAX_CHARS] if note is not None else None,
        "created_at": utcnow(),
    }
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    base = insert(_F).values(values)
    stmt = base.on_conflict_do_update(
        index_elements=[_F.c.incident_id, _F.c.user_id],
        set_={
            "verdict": base.excluded.verdict,
            "note": base.excluded.note,
            "created_at": base.excluded.created_at,
        },
    ).returning(*_F.c)
    with store.write() as conn:
        if not _incident_exists(conn, incident_id, team_id):
            return None
        row = conn.execute(stmt).mappings().one()
    return _feedback(row)


def list_feedback(store: Store, incident_id: int, *, team_id: TeamScope) -> list[Feedback]:
    """The feedback on one incident of the workspace, oldest first."""
    stmt = select(_F).join(_I, _I.c.id == _F.c.incident_id).where(_F.c.incident_id == incident_id)
    if team_id is not ANY_TEAM:
        stmt = stmt.where(_I.c.team_id == team_id)
    with store.read() as conn:
        rows = conn.execute(stmt.order_by(_F.c.created_at, _F.c.id)).mappings()
        return [_feedback(row) for row in rows]
