"""Settings in the database: each workspace's defaults and digest schedule, each user's language.

A workspace with no row has the defaults (`WorkspaceSettings.defaults`): no language of its own (the
bot falls back to `IAMDENY_LANG`), no digest channel, Monday 09:00 UTC. Updates are partial: pass
only what changes; `None` clears an optional setting.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Final, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import RowMapping, Table, select
from sqlalchemy import update as sql_update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.store.engine import Store
from core.store.models import UserSettingsRow, WorkspaceSettingsRow, utcnow

__all__ = [
    "LANGUAGES",
    "UNCHANGED",
    "UserSettings",
    "WorkspaceSettings",
    "get_user_language",
    "get_workspace_settings",
    "list_workspace_settings",
    "set_user_language",
    "update_workspace_settings",
]

LANGUAGES: Final = ("en", "ko")


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()
"""The default of every `update_workspace_settings` argument: leave that setting as it is."""

_W = cast(Table, WorkspaceSettingsRow.__table__)
_U = cast(Table, UserSettingsRow.__table__)


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """A workspace's settings (`stored` is False when these are the defaults, never saved)."""

    team_id: str
    language: str | None = None
    digest_channel_id: str | None = None
    digest_weekday: int = 0  # 0 = Monday ... 6 = Sunday
    digest_hour: int = 9  # 0-23, in `timezone`
    timezone: str = "UTC"
    stored: bool = False

    @classmethod
    def defaults(cls, team_id: str) -> WorkspaceSettings:
        """The settings of a workspace that never saved any."""
        return cls(team_id=team_id)

    @property
    def zone(self) -> ZoneInfo:
        """The digest schedule's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class UserSettings:
    """One user's settings in one workspace."""

    team_id: str
    user_id: str
    language: str | None
    updated_at: datetime


def _workspace(row: RowMapping) -> WorkspaceSettings:
    names = {f.name for f in fields(WorkspaceSettings)} - {"stored"}
    return WorkspaceSettings(**{name: row[name] for name in names}, stored=True)


def _check_language(language: str | None) -> str | None:
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    return language


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name like Asia/Seoul)") from exc
    return name


def get_workspace_settings(store: Store, team_id: str) -> WorkspaceSettings:
    """The workspace's settings, or the defaults when it never saved any."""
    with store.read() as conn:
        row = conn.execute(select(_W).where(_W.c.team_id == team_id)).mappings().first()
    return _workspace(row) if row is not None else WorkspaceSettings.defaults(team_id)


def list_workspace_settings(store: Store) -> list[WorkspaceSettings]:
    """Every workspace that saved settings, by team id (the digest scheduler's list)."""
    with store.read() as conn:
        rows = conn.execute(select(_W).order_by(_W.c.team_id)).mappings()
        return [_workspace(row) for row in rows]


def update_workspace_settings(
    store: Store,
    team_id: str,
    *,
    language: str | _Unchanged | None = UNCHANGED,
    digest_channel_id: str | _Unchanged | None = UNCHANGED,
    digest_weekday: int | _Unchanged = UNCHANGED,
    digest_hour: int | _Unchanged = UNCHANGED,
    timezone: str | _Unchanged = UNCHANGED,
) -> WorkspaceSettings:
    """Change some of a workspace's settings (creating its row if needed); returns them all.

    Raises ValueError naming the bad value: a language other than `LANGUAGES`, a weekday outside
    0-6, an hour outside 0-23, a time zone that is not an IANA name.
    """
    changes: dict[str, object] = {}
    if not isinstance(language, _Unchanged):
        changes["language"] = _check_language(language)
    if not isinstance(digest_channel_id, _Unchanged):
        changes["digest_channel_id"] = digest_channel_id or None
    if not isinstance(digest_weekday, _Unchanged):
        if not 0 <= digest_weekday <= 6:
            raise ValueError(f"digest weekday must be 0 (Monday) to 6 (Sunday): {digest_weekday}")
        changes["digest_weekday"] = digest_weekday
    if not isinstance(digest_hour, _Unchanged):
        if not 0 <= digest_hour <= 23:
            raise ValueError(f"digest hour must be 0 to 23, not {digest_hour}")
        changes["digest_hour"] = digest_hour
    if not isinstance(timezone, _Unchanged):
        changes["timezone"] = _check_timezone(timezone)
    now = utcnow()
    defaults = WorkspaceSettings.defaults(team_id)
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    create = (
        insert(_W)
        .values(
            team_id=team_id,
            language=defaults.language,
            digest_channel_id=defaults.digest_channel_id,
            digest_weekday=defaults.digest_weekday,
            digest_hour=defaults.digest_hour,
            timezone=defaults.timezone,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[_W.c.team_id])
    )
    with store.write() as conn:
        conn.execute(create)
        if changes:
            conn.execute(
                sql_update(_W).where(_W.c.team_id == team_id).values(**changes, updated_at=now)
            )
        row = conn.execute(select(_W).where(_W.c.team_id == team_id)).mappings().one()
    return _workspace(row)


def get_user_language(store: Store, team_id: str, user_id: str) -> str | None:
    """The language the user chose (`/iamdeny lang`), or None when they never chose one."""
    with store.read() as conn:
        return conn.execute(
            select(_U.c.language).where(_U.c.team_id == team_id, _U.c.user_id == user_id)
        ).scalar_one_or_none()


def set_user_language(
    store: Store, team_id: str, user_id: str, language: str | None
) -> UserSettings:
    """Set (or, with None, clear) the user's language; returns the user's settings."""
    _check_language(language)
    now = utcnow()
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    base = insert(_U).values(team_id=team_id, user_id=user_id, language=language, updated_at=now)
    stmt = base.on_conflict_do_update(
        index_elements=[_U.c.team_id, _U.c.user_id],
        set_={"language": base.excluded.language, "updated_at": base.excluded.updated_at},
    ).returning(*_U.c)
    with store.write() as conn:
        row = conn.execute(stmt).mappings().one()
    return UserSettings(row["team_id"], row["user_id"], row["language"], row["updated_at"])
