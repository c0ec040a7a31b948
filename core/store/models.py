"""The tables: incidents, feedback, settings, digest claims, and slack_sdk's OAuth tables.

Typed SQLAlchemy 2 ORM models on one `Base.metadata`, which Alembic's migrations mirror (a test
proves the autogenerate diff against a migrated database is empty). Table and column names are a
contract with the digest queries and the Slack bot: add, never rename.

Times are UTC. `UTCDateTime` stores them as `timestamptz` on PostgreSQL and as naive UTC text on
SQLite, and always hands back timezone-aware UTC datetimes.

The `slack_*` tables copy the tables of slack_sdk's `SQLAlchemyInstallationStore` and
`SQLAlchemyOAuthStateStore` column for column (a test compares them), so our migrations create what
the bot's installation store reads and writes, without `core` importing slack_sdk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "PASTE_MAX_CHARS",
    "STATUSES",
    "Base",
    "DigestClaimRow",
    "FeedbackRow",
    "IncidentRow",
    "MessageReplyRow",
    "UTCDateTime",
    "UserSettingsRow",
    "WorkspaceSettingsRow",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
    "utcnow",
]

PASTE_MAX_CHARS = 4000
NOTE_MAX_CHARS = 2000
STATUSES = ("open", "resolved", "ignored")
VERDICTS = ("wrong", "not_a_denial")
CLAIM_STATUSES = ("claimed", "posted")

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (naive values are taken as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from a func.max() without a type
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base; its metadata is what the migrations build."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


# Integer primary keys: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class IncidentRow(Base):
    """One denial found in one Slack message (or one `iamdeny explain --record` run)."""

    __tablename__ = "incidents"
    __table_args__ = (
        # Idempotent recording: one row per denial of a message, whoever records it and how often.
        UniqueConstraint("team_id", "channel_id", "message_ts", "denial_index"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        # Recurrence ("seen N times in 7 days") and the digest's top recurring denials.
        Index(None, "team_id", "fingerprint", "reported_at"),
        # Open incidents of a workspace, oldest first (digest, App Home, /iamdeny list).
        Index(None, "team_id", "status", "reported_at"),
        # Retention purge and the all-workspace listing.
        Index(None, "reported_at"),
        # The digest's period scans (migration 0003): every column the period aggregates read, so
        # they are index-only scans. Its (team_id, reported_at) prefix also serves listings of a
        # workspace's incidents newest first (the separate index on that prefix: dropped in 0004).
        Index(
            "ix_incidents_digest_period",
            "team_id",
            "reported_at",
            "fingerprint",
            "reporter_id",
            "channel_id",
            "status",
            "policy_type",
            "principal_account",
        ),
        # The digest's "last resolution" of a fingerprint: one probe instead of reading its history.
        Index(
            "ix_incidents_resolved_fingerprint",
            "team_id",
            "fingerprint",
            "resolved_at",
            postgresql_where=text("status = 'resolved'"),
            sqlite_where=text("status = 'resolved'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str] = mapped_column(String(64))
    denial_index: Mapped[int] = mapped_column(Integer)
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str | None] = mapped_column(String(64))
    reporter_id: Mapped[str | None] = mapped_column(String(255))
    reported_at: Mapped[datetime] = mapped_column()

    # The denial (core.record.DenialRecord), flattened.
    kind: Mapped[str] = mapped_column(String(40))
    principal_arn: Mapped[str | None] = mapped_column(String(2048))
    principal_account: Mapped[str | None] = mapped_column(String(32))
    principal_kind: Mapped[str | None] = mapped_column(String(32))
    principal_name: Mapped[str | None] = mapped_column(String(512))
    principal_session: Mapped[str | None] = mapped_column(String(255))
    role_arn: Mapped[str | None] = mapped_column(String(2048))
    action: Mapped[str | None] = mapped_column(String(256))
    service: Mapped[str | None] = mapped_column(String(64))
    resource: Mapped[str | None] = mapped_column(String(2048))
    resource_account: Mapped[str | None] = mapped_column(String(32))
    cross_account: Mapped[bool | None] = mapped_column(Boolean)
    region: Mapped[str | None] = mapped_column(String(32))
    policy_type: Mapped[str | None] = mapped_column(String(32))
    deny_kind: Mapped[str | None] = mapped_column(String(16))
    transitive_through: Mapped[str | None] = mapped_column(String(32))
    policy_arn: Mapped[str | None] = mapped_column(String(2048))
    error_code: Mapped[str | None] = mapped_column(String(128))
    operation: Mapped[str | None] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))

    # The paste, already redacted by the caller, cut to PASTE_MAX_CHARS.
    paste: Mapped[str | None] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(16), default="open")
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolution_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FeedbackRow(Base):
    """A user's verdict on a classification ("wrong", "not a denial"); one per user and incident."""

    __tablename__ = "incident_feedback"
    __table_args__ = (
        UniqueConstraint("incident_id", "user_id"),
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkspaceSettingsRow(Base):
    """A workspace's settings: default language and the weekly digest's channel and schedule."""

    __tablename__ = "workspace_settings"
    __table_args__ = (
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
        CheckConstraint("digest_hour BETWEEN 0 AND 23", name="digest_hour"),
    )

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(16))
    digest_channel_id: Mapped[str | None] = mapped_column(String(64))
    digest_weekday: Mapped[int] = mapped_column(SmallInteger, default=0)  # Monday
    digest_hour: Mapped[int] = mapped_column(SmallInteger, default=9)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class UserSettingsRow(Base):
    """A user's own settings in a workspace (language, set with `/iamdeny lang`)."""

    __tablename__ = "user_settings"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DigestClaimRow(Base):
    """Exactly-once digest posts: one row per workspace, channel and period (claimed, posted)."""

    __tablename__ = "digest_claims"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "period_key"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(64))
    period_key: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claim_token: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column()
    message_ts: Mapped[str | None] = mapped_column(String(64))


class MessageReplyRow(Base):
    """Exactly one bot reply per Slack message: claimed by one process, then the reply's ts.

    The bot claims (team, channel, message ts) before replying, across Slack's retries and several
    web processes, and keeps the reply's ts so that an edited message updates the reply instead
    of adding another.
    """

    __tablename__ = "message_replies"
    __table_args__ = (
        UniqueConstraint("team_id", "channel_id", "message_ts"),
        CheckConstraint(_in("status", CLAIM_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claim_token: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column()
    reply_ts: Mapped[str | None] = mapped_column(String(64))


# --- slack_sdk's OAuth tables (slack_sdk 3.x build_*_table), on our metadata ----------------------

slack_installations = Table(
    "slack_installations",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        "slack_installations_idx",
        "client_id",
        "enterprise_id",
        "team_id",
        "user_id",
        "installed_at",
    ),
)

slack_bots = Table(
    "slack_bots",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    Column("bot_token", String(200)),
    Column("bot_id", String(32)),
    Column("bot_user_id", String(32)),
    Column("bot_scopes", String(1000)),
    Column("bot_refresh_token", String(200)),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index("slack_bots_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
