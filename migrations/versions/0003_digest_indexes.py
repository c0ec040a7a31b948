"""Digest indexes: a covering index for the period scans, a partial index on resolved incidents.

Measured with bench/bench_store.py at 1M incidents (see the figures in its report): the covering
index makes the digest's period aggregates index-only scans, and the partial index turns "the last
resolution of this fingerprint" from a scan of its whole history into one probe.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index(
        "ix_incidents_digest_period",
        "incidents",
        [
            "team_id",
            "reported_at",
            "fingerprint",
            "reporter_id",
            "channel_id",
            "status",
            "policy_type",
            "principal_account",
        ],
    )
    op.create_index(
        "ix_incidents_resolved_fingerprint",
        "incidents",
        ["team_id", "fingerprint", "resolved_at"],
        postgresql_where=sa.text("status = 'resolved'"),
        sqlite_where=sa.text("status = 'resolved'"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index("ix_incidents_resolved_fingerprint", table_name="incidents")
    op.drop_index("ix_incidents_digest_period", table_name="incidents")
