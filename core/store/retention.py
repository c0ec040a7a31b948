"""Retention: delete incidents older than a number of days (`iamdeny db purge --older-than`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete

from core.store.engine import Store
from core.store.models import IncidentRow, utcnow

__all__ = ["purge_incidents"]


def purge_incidents(store: Store, *, older_than_days: int, now: datetime | None = None) -> int:
    """Delete incidents reported more than `older_than_days` days ago, with their feedback.

    Returns how many incidents were deleted.
    """
    if older_than_days < 0:
        raise ValueError("older_than_days must be zero or more")
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    table = cast(Table, IncidentRow.__table__)
    with store.write() as conn:
        return int(conn.execute(delete(table).where(table.c.reported_at < cutoff)).rowcount)
