"""Drop ix_incidents_team_id_reported_at: a prefix of ix_incidents_digest_period (0003), which
serves the same listings and period scans; one index fewer to write on every recorded incident.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.drop_index("ix_incidents_team_id_reported_at", table_name="incidents")


def downgrade() -> None:
    """Downgrade schema."""
    op.create_index("ix_incidents_team_id_reported_at", "incidents", ["team_id", "reported_at"])
