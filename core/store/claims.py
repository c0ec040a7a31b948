"""Exactly-once digest posts: claim (team, channel, period), post, then mark it posted.

`claim_digest` inserts the claim row under a UNIQUE key, so of any number of processes firing at
once exactly one gets the claim. The winner posts and calls `mark_digest_posted`; if it fails it
calls `release_digest_claim` so the next run retries. A claimer that crashed leaves a stale claim,
which another process may take over once `lease` has passed — a crashed post is retried later, never
duplicated while the first attempt may still be running. Every change is conditional on the claim's
random token, so a process whose lease ran out cannot mark someone else's claim.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import RowMapping, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.store.engine import Store
from core.store.models import DigestClaimRow, utcnow

__all__ = [
    "DEFAULT_LEASE",
    "DigestClaim",
    "claim_digest",
    "get_digest_claim",
    "mark_digest_posted",
    "release_digest_claim",
]

DEFAULT_LEASE = timedelta(minutes=10)

_C = cast(Table, DigestClaimRow.__table__)


@dataclass(frozen=True, slots=True)
class DigestClaim:
    """A digest claim row: who may post the digest of a period to a channel, and whether it did."""

    id: int
    team_id: str
    channel_id: str
    period_key: str
    status: str  # "claimed" or "posted"
    claim_token: str
    attempts: int
    claimed_at: datetime
    posted_at: datetime | None
    message_ts: str | None


def _claim(row: RowMapping) -> DigestClaim:
    return DigestClaim(**{f.name: row[f.name] for f in fields(DigestClaim)})


def _key(team_id: str, channel_id: str, period_key: str) -> tuple[Any, ...]:
    return (_C.c.team_id == team_id, _C.c.channel_id == channel_id, _C.c.period_key == period_key)


def claim_digest(
    store: Store,
    *,
    team_id: str,
    channel_id: str,
    period_key: str,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> DigestClaim | None:
    """Claim the right to post this period's digest to this channel.

    Returns the claim when the caller won it (post, then `mark_digest_posted`), None when the digest
    was already posted or another process holds a claim younger than `lease`.
    """
    now = now or utcnow()
    token = secrets.token_hex(16)
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    create = (
        insert(_C)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            period_key=period_key,
            status="claimed",
            claim_token=token,
            attempts=1,
            claimed_at=now,
        )
        .on_conflict_do_nothing(index_elements=[_C.c.team_id, _C.c.channel_id, _C.c.period_key])
        .returning(_C.c.id)
    )
    take_over = (
        update(_C)
        .where(*_key(team_id, channel_id, period_key))
        .where(_C.c.status == "claimed", _C.c.claimed_at < now - lease)
        .values(claim_token=token, claimed_at=now, attempts=_C.c.attempts + 1)
    )
    with store.write() as conn:
        won = conn.execute(create).first() is not None
        if not won:
            won = conn.execute(take_over).rowcount == 1
        if not won:
            return None
        row = conn.execute(select(_C).where(*_key(team_id, channel_id, period_key))).mappings()
        return _claim(row.one())


def mark_digest_posted(
    store: Store, claim: DigestClaim, *, message_ts: str | None, now: datetime | None = None
) -> bool:
    """Record that the claim's digest was posted; False when the claim was lost meanwhile."""
    stmt = (
        update(_C)
        .where(_C.c.id == claim.id, _C.c.claim_token == claim.claim_token)
        .where(_C.c.status == "claimed")
        .values(status="posted", posted_at=now or utcnow(), message_ts=message_ts)
    )
    with store.write() as conn:
        return conn.execute(stmt).rowcount == 1


def release_digest_claim(store: Store, claim: DigestClaim) -> bool:
    """Give a claim up after a failed post, so that the next run may retry at once."""
    stmt = delete(_C).where(
        _C.c.id == claim.id, _C.c.claim_token == claim.claim_token, _C.c.status == "claimed"
    )
    with store.write() as conn:
        return conn.execute(stmt).rowcount == 1


def get_digest_claim(
    store: Store, *, team_id: str, channel_id: str, period_key: str
) -> DigestClaim | None:
    """The claim row of this channel and period, if any."""
    with store.read() as conn:
        row = conn.execute(select(_C).where(*_key(team_id, channel_id, period_key))).mappings()
        first = row.first()
    return _claim(first) if first is not None else None
