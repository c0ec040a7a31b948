"""Settings in the database: each workspace's defaults and digest schedule, each user's language.

A workspace with no row has the defaults (`WorkspaceSettings.defaults`): no language of its own (the
bot falls back to `IAMDENY_LANG`), no digest channel, Monday 09:00 UTC. Updates are partial: pass
only what changes; `None` clears an optional setting.

The reply path reads a user's language and a workspace's settings for every message: it may pass
`max_age=` (seconds) to `get_user_language` and `get_workspace_settings` to accept a value read
that recently in this process. Every change made through this module in this process forgets the
cached value at once (for every `Store` on the same database); a change made by another process is
seen within `max_age`. Without `max_age` the database is read.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Final, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, RowMapping, Table, bindparam, select
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

# Built once: the compiled form is found in the engine's cache without building the statement again.
_GET_WORKSPACE = select(_W).where(_W.c.team_id == bindparam("p_team_id"))
_GET_USER_LANGUAGE = select(_U.c.language).where(
    _U.c.team_id == bindparam("p_team_id"), _U.c.user_id == bindparam("p_user_id")
)

_T = TypeVar("_T")
_CACHE_MAX_ENTRIES = 10_000


class _Cache:
    """Recently read settings of one engine: key -> (when read, on the monotonic clock, value)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, ...], tuple[float, object]] = {}
        self.generation = 0  # bumped by every forget: a read that overlapped one is not kept


_CACHES: weakref.WeakKeyDictionary[Engine, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache_of(store: Store) -> _Cache:
    with _CACHES_LOCK:
        cache = _CACHES.get(store.engine)
        if cache is None:
            cache = _CACHES[store.engine] = _Cache()
        return cache


def _cached(store: Store, key: tuple[str, ...], max_age: float, load: Callable[[], _T]) -> _T:
    """`load()`, or its value read less than `max_age` seconds ago in this process."""
    if max_age <= 0:
        return load()
    cache = _cache_of(store)
    now = time.monotonic()
    hit = cache.entries.get(key)
    if hit is not None and now - hit[0] < max_age:
        return cast(_T, hit[1])
    generation = cache.generation
    value = load()
    with _CACHES_LOCK:
        if cache.generation == generation:
            if len(cache.entries) >= _CACHE_MAX_ENTRIES:
                cache.entries.clear()
            cache.entries[key] = (now, value)
    return value


def _forget(store: Store, key: tuple[str, ...]) -> None:
    """Drop `key` from the cache of every engine of this process on the same database."""
    url = store.engine.url
    with _CACHES_LOCK:
        for engine, cache in list(_CACHES.items()):
            if engine is store.engine or engine.url == url:
                cache.generation += 1
                cache.entries.pop(key, None)


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


def get_workspace_settings(
    store: Store, team_id: str, *, max_age: float = 0.0
) -> WorkspaceSettings:
    """The workspace's settings, or the defaults when it never saved any.

    `max_age`: seconds a value read before in this process may be returned (see the module doc).
    """

    def load() -> WorkspaceSettings:
        with store.read() as conn:
            row = conn.execute(_GET_WORKSPACE, {"p_team_id": team_id}).mappings().first()
        return _workspace(row) if row is not None else WorkspaceSettings.defaults(team_id)

    return _cached(store, ("workspace", team_id), max_age, load)


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
    _forget(store, ("workspace", team_id))
    return _workspace(row)


def get_user_language(
    store: Store, team_id: str, user_id: str, *, max_age: float = 0.0
) -> str | None:
    """The language the user chose (`/iamdeny lang`), or None when they never chose one.

    `max_age`: seconds a value read before in this process may be returned (see the module doc).
    """

    def load() -> str | None:
        with store.read() as conn:
            params = {"p_team_id": team_id, "p_user_id": user_id}
            return cast(str | None, conn.execute(_GET_USER_LANGUAGE, params).scalar_one_or_none())

    return _cached(store, ("user", team_id, user_id), max_age, load)


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
    _forget(store, ("user", team_id, user_id))
    return UserSettings(row["team_id"], row["user_id"], row["language"], row["updated_at"])
