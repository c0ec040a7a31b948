"""The settings read cache (`max_age=`): reused within its age, forgotten by a change made in this
process through any `Store` on the same database, never used without `max_age`."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.store import (
    Store,
    get_user_language,
    get_workspace_settings,
    set_user_language,
    update_workspace_settings,
)

pytestmark = pytest.mark.db


def _change_behind_our_back(store: Store, sql: str) -> None:
    """A change made elsewhere (another process): not through the settings functions."""
    with store.write() as conn:
        conn.execute(text(sql))


def test_user_language_cache(store: Store, db_url: str) -> None:
    assert get_user_language(store, "T1", "U1", max_age=60) is None
    set_user_language(store, "T1", "U1", "ko")  # this process: seen at once
    assert get_user_language(store, "T1", "U1", max_age=60) == "ko"
    _change_behind_our_back(store, "UPDATE user_settings SET language = 'en'")
    assert get_user_language(store, "T1", "U1", max_age=60) == "ko"  # within max_age
    assert get_user_language(store, "T1", "U1") == "en"  # no max_age: the database
    assert get_user_language(store, "T1", "U1", max_age=0) == "en"
    other = Store.open(db_url)  # another store of this process on the same database
    try:
        assert get_user_language(other, "T1", "U1", max_age=60) == "en"
        set_user_language(store, "T1", "U1", "ko")
        assert get_user_language(other, "T1", "U1", max_age=60) == "ko"
        assert get_user_language(store, "T1", "U1", max_age=60) == "ko"
    finally:
        other.close()


def test_workspace_settings_cache(store: Store) -> None:
    assert get_workspace_settings(store, "T1", max_age=60).language is None
    update_workspace_settings(store, "T1", language="ko")
    assert get_workspace_settings(store, "T1", max_age=60).language == "ko"
    _change_behind_our_back(store, "UPDATE workspace_settings SET language = 'en'")
    assert get_workspace_settings(store, "T1", max_age=60).language == "ko"
    assert get_workspace_settings(store, "T1").language == "en"
    assert get_workspace_settings(store, "T1", max_age=1e-9).language == "en"  # expired
