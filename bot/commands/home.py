"""The App Home tab: the viewer's open incidents, this workspace's top recurring denials this
week, and the settings (a button for admins), published with `views.publish`."""

from __future__ import annotations

import logging
from typing import Any, Final

from bot.commands.scope import Caller, is_workspace_admin, language_of
from bot.deps import Deps
from bot.render import app_home
from core.digest import last_days
from core.store import get_workspace_settings, list_incidents
from core.store.digest_queries import compute_digest

__all__ = ["HOME_INCIDENTS", "home_view", "publish_home"]

HOME_INCIDENTS: Final = 50
_TOP: Final = 10

_log = logging.getLogger(__name__)


def _admin(client: Any, caller: Caller) -> bool:
    try:
        return is_workspace_admin(client, caller)
    except Exception as exc:  # no settings button this time; the rest of the tab still shows
        _log.warning("users.info failed for App Home: %s", type(exc).__name__)
        return False


def home_view(deps: Deps, client: Any, caller: Caller) -> dict[str, Any]:
    """The caller's App Home view."""
    lang = language_of(deps, client, caller)
    team = caller.team_id
    incidents = list_incidents(
        deps.store, team_id=team, status="open", reporter_id=caller.user_id, limit=HOME_INCIDENTS
    )
    digest = compute_digest(deps.store, team, last_days(7), top=_TOP, oldest=0)
    settings = get_workspace_settings(deps.store, team)
    return app_home(incidents, digest, _admin(client, caller), settings, lang)


def publish_home(deps: Deps, client: Any, caller: Caller) -> None:
    """Publish the caller's App Home view."""
    client.views_publish(user_id=caller.user_id, view=home_view(deps, client, caller))
