"""Which language to answer in, in this order (first that is set wins):

1. the user's explicit choice (`/iamdeny lang en|ko`, stored per workspace and user);
2. the user's Slack locale (`users.info` with `include_locale`; `ko-KR` -> `ko`), cached briefly;
3. the workspace's default language (workspace settings);
4. `IAMDENY_LANG`.

The stored choices (1 and 3) are read at most once per `SETTINGS_MAX_AGE` seconds per process; a
change made in this process is seen at once, one made in another process within that time.

A locale we have no texts for (say `ja-JP`) counts as unset. Bot messages (no user) start at 3.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from core.store import Store, StoreError, get_user_language, get_workspace_settings

__all__ = ["SETTINGS_MAX_AGE", "LocaleCache", "lang_from_locale", "resolve_language"]

SETTINGS_MAX_AGE = 5.0  # seconds a stored language read in this process is reused

_log = logging.getLogger(__name__)
_SUPPORTED = ("en", "ko")
_MAX_ENTRIES = 10_000
_MISS = object()


def lang_from_locale(locale: str | None) -> str | None:
    """`ko-KR` -> `ko`, `en-US` -> `en`; None for a locale we have no texts for."""
    if not locale:
        return None
    prefix = locale.replace("_", "-").split("-", 1)[0].lower()
    return prefix if prefix in _SUPPORTED else None


class LocaleCache:
    """(team, user) -> Slack locale, for `ttl` seconds; thread-safe and bounded."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[tuple[str, str], tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def get(self, team_id: str, user_id: str) -> object:
        """The cached locale (possibly None), or `LocaleCache.MISS`."""
        with self._lock:
            entry = self._entries.get((team_id, user_id))
        if entry is None or entry[0] < time.monotonic():
            return _MISS
        return entry[1]

    def put(self, team_id: str, user_id: str, locale: str | None, ttl: float | None = None) -> None:
        """Remember a user's locale."""
        expires = time.monotonic() + (self._ttl if ttl is None else ttl)
        with self._lock:
            if len(self._entries) >= _MAX_ENTRIES:
                self._entries.clear()
            self._entries[(team_id, user_id)] = (expires, locale)

    MISS = _MISS


def _slack_locale(cache: LocaleCache, client: Any, team_id: str, user_id: str) -> str | None:
    cached = cache.get(team_id, user_id)
    if cached is not LocaleCache.MISS:
        return cached if isinstance(cached, str) else None
    try:
        response = client.users_info(user=user_id, include_locale=True)
        locale = (response.get("user") or {}).get("locale")
    except Exception as exc:  # no locale is not worth failing a reply for
        _log.warning(
            "users.info failed (%s); answering in the default language", type(exc).__name__
        )
        cache.put(team_id, user_id, None, ttl=30)
        return None
    cache.put(team_id, user_id, locale if isinstance(locale, str) else None)
    return locale if isinstance(locale, str) else None


def resolve_language(
    *,
    store: Store,
    cache: LocaleCache,
    client: Any,
    team_id: str,
    user_id: str | None,
    default: str,
) -> str:
    """The language to answer `user_id` in (see the module docstring for the order)."""
    try:
        if user_id:
            chosen = get_user_language(store, team_id, user_id, max_age=SETTINGS_MAX_AGE)
            if chosen in _SUPPORTED:
                return chosen
            from_locale = lang_from_locale(_slack_locale(cache, client, team_id, user_id))
            if from_locale:
                return from_locale
        workspace = get_workspace_settings(store, team_id, max_age=SETTINGS_MAX_AGE).language
        if workspace in _SUPPORTED:
            return workspace
    except StoreError as exc:
        _log.warning("language lookup failed (%s); using IAMDENY_LANG", type(exc).__name__)
    return default
