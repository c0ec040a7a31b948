"""Exactly-once Slack posts: claim a key, post, then mark it posted (digests and thread replies).

Two kinds of claim share one mechanism:

- a weekly digest, keyed by (team, channel, period) — `claim_digest`, `mark_digest_posted`,
  `release_digest_claim` (table `digest_claims`);
- the bot's reply to a message, keyed by (team, channel, message ts) — `claim_reply`,
  `mark_reply_posted`, `release_reply_claim`, and `get_reply` to find the reply to update when the
  message is edited (table `message_replies`).

The claim row is inserted under a UNIQUE key (`INSERT ... ON CONFLICT DO NOTHING`), so of any
number of processes firing at once exactly one wins. The winner posts and marks the claim posted
(recording the message ts); if the post fails it releases the claim so the next attempt retries at
once. A claimer that crashed leaves a stale claim, which another process may take over once the
lease has passed — a crashed post is retried later, never duplicated while the first attempt may
still be running. Every change is conditional on the claim's random token, so a process whose
lease ran out cannot mark or release someone else's claim.
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
from core.store.models import DigestClaimRow, MessageReplyRow, utcnow

__all__ = [
    "DEFAULT_LEASE",
    "REPLY_LEASE",
    "DigestClaim",
    "ReplyClaim",
    "claim_digest",
    "claim_reply",
    "get_digest_claim",
    "get_reply",
    "mark_digest_posted",
    "mark_reply_posted",
    "release_digest_claim",
    "release_reply_claim",
]

DEFAULT_LEASE = timedelta(minutes=10)
# Slack retries an event after about 1 and 5 minutes: a reply claim older than this is taken over.
REPLY_LEASE = timedelta(seconds=30)

_DIGESTS = cast(Table, DigestClaimRow.__table__)
_REPLIES = cast(Table, MessageReplyRow.__table__)


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


@dataclass(frozen=True, slots=True)
class ReplyClaim:
    """A reply claim row: who may reply to a message, and the reply's ts once posted."""

    id: int
    team_id: str
    channel_id: str
    message_ts: str
    status: str  # "claimed" or "posted"
    claim_token: str
    attempts: int
    claimed_at: datetime
    posted_at: datetime | None
    reply_ts: str | None


# --- the mechanism -------------------------------------------------------------------------------


def _where(table: Table, key: dict[str, str]) -> list[Any]:
    return [table.c[name] == value for name, value in key.items()]


def _claim(
    store: Store, table: Table, key: dict[str, str], lease: timedelta, now: datetime | None
) -> RowMapping | None:
    now = now or utcnow()
    token = secrets.token_hex(16)
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    create = (
        insert(table)
        .values(**key, status="claimed", claim_token=token, attempts=1, claimed_at=now)
        .on_conflict_do_nothing(index_elements=[table.c[name] for name in key])
        .returning(table.c.id)
    )
    take_over = (
        update(table)
        .where(*_where(table, key))
        .where(table.c.status == "claimed", table.c.claimed_at < now - lease)
        .values(claim_token=token, claimed_at=now, attempts=table.c.attempts + 1)
    )
    with store.write() as conn:
        won = conn.execute(create).first() is not None
        if not won:
            won = conn.execute(take_over).rowcount == 1
        if not won:
            return None
        return conn.execute(select(table).where(*_where(table, key))).mappings().one()


def _mark(store: Store, table: Table, claim_id: int, token: str, values: dict[str, Any]) -> bool:
    stmt = (
        update(table)
        .where(table.c.id == claim_id, table.c.claim_token == token, table.c.status == "claimed")
        .values(status="posted", **values)
    )
    with store.write() as conn:
        return conn.execute(stmt).rowcount == 1


def _release(store: Store, table: Table, claim_id: int, token: str) -> bool:
    stmt = delete(table).where(
        table.c.id == claim_id, table.c.claim_token == token, table.c.status == "claimed"
    )
    with store.write() as conn:
        return conn.execute(stmt).rowcount == 1


def _get(store: Store, table: Table, key: dict[str, str]) -> RowMapping | None:
    with store.read() as conn:
        return conn.execute(select(table).where(*_where(table, key))).mappings().first()


def _digest(row: RowMapping | None) -> DigestClaim | None:
    return DigestClaim(**{f.name: row[f.name] for f in fields(DigestClaim)}) if row else None


def _reply(row: RowMapping | None) -> ReplyClaim | None:
    return ReplyClaim(**{f.name: row[f.name] for f in fields(ReplyClaim)}) if row else None


# --- weekly digests -------------------------------------------------------------------------------


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
    key = {"team_id": team_id, "channel_id": channel_id, "period_key": period_key}
    return _digest(_claim(store, _DIGESTS, key, lease, now))


def mark_digest_posted(
    store: Store, claim: DigestClaim, *, message_ts: str | None, now: datetime | None = None
) -> bool:
    """Record that the claim's digest was posted; False when the claim was lost meanwhile."""
    values = {"posted_at": now or utcnow(), "message_ts": message_ts}
    return _mark(store, _DIGESTS, claim.id, claim.claim_token, values)


def release_digest_claim(store: Store, claim: DigestClaim) -> bool:
    """Give a claim up after a failed post, so that the next run may retry at once."""
    return _release(store, _DIGESTS, claim.id, claim.claim_token)


def get_digest_claim(
    store: Store, *, team_id: str, channel_id: str, period_key: str
) -> DigestClaim | None:
    """The claim row of this channel and period, if any."""
    key = {"team_id": team_id, "channel_id": channel_id, "period_key": period_key}
    return _digest(_get(store, _DIGESTS, key))


# --- thread replies -------------------------------------------------------------------------------


def claim_reply(
    store: Store,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    lease: timedelta = REPLY_LEASE,
    now: datetime | None = None,
) -> ReplyClaim | None:
    """Claim the right to reply to this message (None: already replied, or being replied to)."""
    key = {"team_id": team_id, "channel_id": channel_id, "message_ts": message_ts}
    return _reply(_claim(store, _REPLIES, key, lease, now))


def mark_reply_posted(
    store: Store, claim: ReplyClaim, *, reply_ts: str | None, now: datetime | None = None
) -> bool:
    """Record the posted reply's ts; False when the claim was lost meanwhile."""
    values = {"posted_at": now or utcnow(), "reply_ts": reply_ts}
    return _mark(store, _REPLIES, claim.id, claim.claim_token, values)


def release_reply_claim(store: Store, claim: ReplyClaim) -> bool:
    """Give a reply claim up after a failed post, so that Slack's retry may reply."""
    return _release(store, _REPLIES, claim.id, claim.claim_token)


def get_reply(store: Store, *, team_id: str, channel_id: str, message_ts: str) -> ReplyClaim | None:
    """The reply claim of a message, if any (its `reply_ts` is the reply to update on an edit)."""
    key = {"team_id": team_id, "channel_id": channel_id, "message_ts": message_ts}
    return _reply(_get(store, _REPLIES, key))
