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

from sqlalchemy import RowMapping, Table, bindparam, delete, select, update
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
#
# Every statement is built once, at import, with bound parameters (one variant per dialect where
# the INSERT differs): SQLAlchemy then finds its compiled form in the engine's cache by identity,
# instead of building and hashing a new statement on each call. The parameters are named `p_*` (a
# bound parameter may not share a column's name in a VALUES or SET clause).


class _ClaimStatements:
    """The prebuilt statements of one claim table keyed by `key` columns."""

    def __init__(self, table: Table, key: tuple[str, ...]) -> None:
        self.key = key
        where_key = [table.c[name] == bindparam(f"p_{name}") for name in key]
        values: dict[str, Any] = {name: bindparam(f"p_{name}") for name in key}
        values.update(
            status="claimed",
            claim_token=bindparam("p_token"),
            attempts=1,
            claimed_at=bindparam("p_now"),
        )
        self.create = {
            dialect: insert(table)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[table.c[name] for name in key])
            .returning(*table.c)
            for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
        }
        self.take_over = (
            update(table)
            .where(*where_key)
            .where(table.c.status == "claimed", table.c.claimed_at < bindparam("p_stale_before"))
            .values(
                claim_token=bindparam("p_token"),
                claimed_at=bindparam("p_now"),
                attempts=table.c.attempts + 1,
            )
            .returning(*table.c)
        )
        owned = (
            table.c.id == bindparam("p_id"),
            table.c.claim_token == bindparam("p_token"),
            table.c.status == "claimed",
        )
        self.mark = (
            update(table)
            .where(*owned)
            .values(
                status="posted",
                posted_at=bindparam("p_posted_at"),
                **{
                    name: bindparam(f"p_{name}")
                    for name in ("message_ts", "reply_ts")
                    if name in table.c and name not in key
                },
            )
        )
        self.release = delete(table).where(*owned)
        self.get = select(table).where(*where_key)

    def params(self, key: dict[str, str]) -> dict[str, Any]:
        return {f"p_{name}": key[name] for name in self.key}


_DIGEST_SQL = _ClaimStatements(_DIGESTS, ("team_id", "channel_id", "period_key"))
_REPLY_SQL = _ClaimStatements(_REPLIES, ("team_id", "channel_id", "message_ts"))


def _claim(
    store: Store, sql: _ClaimStatements, key: dict[str, str], lease: timedelta, now: datetime | None
) -> RowMapping | None:
    now = now or utcnow()
    params = {**sql.params(key), "p_token": secrets.token_hex(16), "p_now": now}
    with store.write() as conn:
        row = conn.execute(sql.create[store.dialect], params).mappings().first()
        if row is None:
            params["p_stale_before"] = now - lease
            row = conn.execute(sql.take_over, params).mappings().first()
        return row


def _mark(
    store: Store, sql: _ClaimStatements, claim_id: int, token: str, values: dict[str, Any]
) -> bool:
    params = {"p_id": claim_id, "p_token": token, **{f"p_{k}": v for k, v in values.items()}}
    with store.write() as conn:
        return conn.execute(sql.mark, params).rowcount == 1


def _release(store: Store, sql: _ClaimStatements, claim_id: int, token: str) -> bool:
    with store.write() as conn:
        return conn.execute(sql.release, {"p_id": claim_id, "p_token": token}).rowcount == 1


def _get(store: Store, sql: _ClaimStatements, key: dict[str, str]) -> RowMapping | None:
    with store.read() as conn:
        return conn.execute(sql.get, sql.params(key)).mappings().first()


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
    return _digest(_claim(store, _DIGEST_SQL, key, lease, now))


def mark_digest_posted(
    store: Store, claim: DigestClaim, *, message_ts: str | None, now: datetime | None = None
) -> bool:
    """Record that the claim's digest was posted; False when the claim was lost meanwhile."""
    values = {"posted_at": now or utcnow(), "message_ts": message_ts}
    return _mark(store, _DIGEST_SQL, claim.id, claim.claim_token, values)


def release_digest_claim(store: Store, claim: DigestClaim) -> bool:
    """Give a claim up after a failed post, so that the next run may retry at once."""
    return _release(store, _DIGEST_SQL, claim.id, claim.claim_token)


def get_digest_claim(
    store: Store, *, team_id: str, channel_id: str, period_key: str
) -> DigestClaim | None:
    """The claim row of this channel and period, if any."""
    key = {"team_id": team_id, "channel_id": channel_id, "period_key": period_key}
    return _digest(_get(store, _DIGEST_SQL, key))


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
    return _reply(_claim(store, _REPLY_SQL, key, lease, now))


def mark_reply_posted(
    store: Store, claim: ReplyClaim, *, reply_ts: str | None, now: datetime | None = None
) -> bool:
    """Record the posted reply's ts; False when the claim was lost meanwhile."""
    values = {"posted_at": now or utcnow(), "reply_ts": reply_ts}
    return _mark(store, _REPLY_SQL, claim.id, claim.claim_token, values)


def release_reply_claim(store: Store, claim: ReplyClaim) -> bool:
    """Give a reply claim up after a failed post, so that Slack's retry may reply."""
    return _release(store, _REPLY_SQL, claim.id, claim.claim_token)


def get_reply(store: Store, *, team_id: str, channel_id: str, message_ts: str) -> ReplyClaim | None:
    """The reply claim of a message, if any (its `reply_ts` is the reply to update on an edit)."""
    key = {"team_id": team_id, "channel_id": channel_id, "message_ts": message_ts}
    return _reply(_get(store, _REPLY_SQL, key))
