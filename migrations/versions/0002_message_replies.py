"""Message replies: exactly one bot reply per Slack message (claim row, reply ts).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "message_replies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("message_ts", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claim_token", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_ts", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "status IN ('claimed', 'posted')", name=op.f("ck_message_replies_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_replies")),
        sa.UniqueConstraint(
            "team_id",
            "channel_id",
            "message_ts",
            name=op.f("uq_message_replies_team_id_channel_id_message_ts"),
        ),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("message_replies")
