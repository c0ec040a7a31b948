"""Recovery of thread replies: recorded messages whose reply was never posted.

The bot records a message's incidents before it acknowledges Slack, then posts its reply. A
process that dies in between leaves incidents without a posted reply, and Slack does not deliver
an acknowledged event again. `unanswered_messages` finds them (recorded from Events API deliveries,
in a time window, with no `posted` row in `message_replies`) so a sweeper can claim and post them;
`message_incidents` reads one message's incidents back. A claim still held (not yet stale) is left
to its holder by `claim_reply`'s lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, and_, exists, select

from core.store.engine import Store
from core.store.incidents import Incident, _incident
from core.store.models import IncidentRow, MessageReplyRow

__all__ = ["UnansweredMessage", "message_incidents", "unanswered_messages"]

_I = cast(Table, IncidentRow.__table__)
_R = cast(Table, MessageReplyRow.__table__)

# Slack's Events API event ids start with "Ev"; incidents recorded otherwise (`explain --record`,
# slash commands) are not thread replies to recover.
_EVENT_ID_PREFIX = "Ev"


@dataclass(frozen=True, slots=True)
class UnansweredMessage:
    """A message with recorded incidents and no posted reply."""

    team_id: str
    channel_id: str
    message_ts: str
    reported_at: datetime


def unanswered_messages(
    store: Store, *, since: datetime, before: datetime, limit: int = 50
) -> list[UnansweredMessage]:
    """Messages recorded from Slack events in [since, before) with no posted reply, oldest first."""
    posted = exists().where(
        _R.c.team_id == _I.c.team_id,
        _R.c.channel_id == _I.c.channel_id,
        _R.c.message_ts == _I.c.message_ts,
        _R.c.status == "posted",
    )
    stmt = (
        select(_I.c.team_id, _I.c.channel_id, _I.c.message_ts, _I.c.reported_at)
        .where(
            and_(
                _I.c.reported_at >= since,
                _I.c.reported_at < before,
                _I.c.denial_index == 0,
                _I.c.event_id.startswith(_EVENT_ID_PREFIX),
                ~posted,
            )
        )
        .order_by(_I.c.reported_at, _I.c.id)
        .limit(limit)
    )
    with store.read() as conn:
        return [
            UnansweredMessage(row.team_id, row.channel_id, row.message_ts, row.reported_at)
            for row in conn.execute(stmt)
        ]


def message_incidents(
    store: Store, *, team_id: str, channel_id: str, message_ts: str
) -> tuple[Incident, ...]:
    """The incidents of one message, in denial order."""
    stmt = (
        select(_I)
        .where(
            _I.c.team_id == team_id, _I.c.channel_id == channel_id, _I.c.message_ts == message_ts
        )
        .order_by(_I.c.denial_index)
    )
    with store.read() as conn:
        return tuple(_incident(row) for row in conn.execute(stmt).mappings())
