"""Who is asking, in which workspace, in which language — from the verified request only.

`verified_team(context)` is the one source of a request's workspace for every lookup: the team id
Bolt read from the signed request, and only when it agrees with the workspace the app is
authorized for (the single-workspace token's team, or the installation found for that team). A
request naming another workspace than its authorization gets None, and then nothing at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.pipeline.language import resolve_language

__all__ = ["Caller", "caller_of", "is_workspace_admin", "language_of", "verified_team"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Caller:
    """The verified workspace and the user who sent the request."""

    team_id: str
    user_id: str


def verified_team(context: Any) -> str | None:
    """The request's workspace, or None when it has none or it disagrees with the authorization."""
    team = context.team_id
    if not isinstance(team, str) or not team:
        return None
    auth = context.authorize_result
    authorized = getattr(auth, "team_id", None) if auth is not None else None
    if authorized and authorized != team:
        _log.warning("request for another workspace than its authorization; ignored")
        return None
    return team


def caller_of(context: Any) -> Caller | None:
    """The verified caller, or None (no verified workspace, or no user)."""
    team = verified_team(context)
    user = context.user_id
    if team is None or not isinstance(user, str) or not user:
        return None
    return Caller(team, user)


def language_of(deps: Deps, client: Any, caller: Caller) -> str:
    """The caller's language, with the message pipeline's precedence (`resolve_language`)."""
    return resolve_language(
        store=deps.store,
        cache=deps.locales,
        client=client,
        team_id=caller.team_id,
        user_id=caller.user_id,
        default=deps.settings.lang,
    )


def is_workspace_admin(client: Any, caller: Caller) -> bool:
    """True when `users.info` says the caller is a workspace admin or owner (raises on API
    errors: the caller decides what a failed check means)."""
    response = client.users_info(user=caller.user_id)
    user = response.get("user") or {}
    if user.get("team_id") not in (None, caller.team_id):
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
