"""Workspace settings: the modal for admins (from `/iamdeny settings` or the App Home button),
and its submission checked field by field and saved with `update_workspace_settings`.

Admins and owners only (`users.info`), checked when the modal opens and again on submission; a
failed check refuses. Each bad field gets its own error on the open modal (`response_action:
errors`); nothing is saved unless every field is good. The workspace is the verified request's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.interactions import Click, tell_clicker
from bot.commands.scope import Caller, is_workspace_admin, language_of
from bot.commands.texts import note
from bot.deps import Deps
from bot.render import (
    LANGS,
    SETTINGS_CHANNEL_ACTION,
    SETTINGS_CHANNEL_BLOCK,
    SETTINGS_HOUR_ACTION,
    SETTINGS_HOUR_BLOCK,
    SETTINGS_LANGUAGE_ACTION,
    SETTINGS_LANGUAGE_BLOCK,
    SETTINGS_TIMEZONE_ACTION,
    SETTINGS_TIMEZONE_BLOCK,
    SETTINGS_WEEKDAY_ACTION,
    SETTINGS_WEEKDAY_BLOCK,
    render_admin_only,
    settings_modal,
)
from core.store import StoreError, get_workspace_settings, update_workspace_settings

__all__ = ["click_settings", "settings_errors", "submit_settings"]

_log = logging.getLogger(__name__)
_CHANNEL_ID: Final = re.compile(r"^[CGD][A-Z0-9]{2,30}$")


def click_settings(deps: Deps, client: Any, click: Click) -> None:
    """Open the settings modal, for workspace admins and owners only."""
    lang = language_of(deps, client, click.caller)
    try:
        admin = is_workspace_admin(client, click.caller)
    except Exception as exc:
        _log.warning("users.info failed for a settings check: %s", type(exc).__name__)
        admin = False
    if not admin:
        tell_clicker(client, click, render_admin_only(lang))
        return
    settings = get_workspace_settings(deps.store, click.caller.team_id)
    client.views_open(trigger_id=click.trigger_id, view=settings_modal(settings, lang))


def _selected(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    element = (values.get(block_id) or {}).get(action_id) or {}
    chosen = element.get("selected_option")
    value = chosen.get("value") if isinstance(chosen, Mapping) else None
    return value if isinstance(value, str) else None


def settings_errors(values: Mapping[str, Any], lang: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings of a submitted settings modal, checked field by field: (`update_workspace_
    settings` keyword arguments, errors by block id)."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    channel_el = (values.get(SETTINGS_CHANNEL_BLOCK) or {}).get(SETTINGS_CHANNEL_ACTION) or {}
    channel = channel_el.get("selected_conversation") or channel_el.get("selected_channel")
    if channel in (None, ""):
        out["digest_channel_id"] = None
    elif isinstance(channel, str) and _CHANNEL_ID.match(channel):
        out["digest_channel_id"] = channel
    else:
        errors[SETTINGS_CHANNEL_BLOCK] = note(lang, "bad_channel")
    weekday = _selected(values, SETTINGS_WEEKDAY_BLOCK, SETTINGS_WEEKDAY_ACTION)
    if weekday is not None and _number(weekday) in range(7):
        out["digest_weekday"] = int(weekday)
    else:
        errors[SETTINGS_WEEKDAY_BLOCK] = note(lang, "bad_weekday")
    hour = _selected(values, SETTINGS_HOUR_BLOCK, SETTINGS_HOUR_ACTION)
    if hour is not None and _number(hour) in range(24):
        out["digest_hour"] = int(hour)
    else:
        errors[SETTINGS_HOUR_BLOCK] = note(lang, "bad_hour")
    zone = _selected(values, SETTINGS_TIMEZONE_BLOCK, SETTINGS_TIMEZONE_ACTION)
    if zone is not None and _is_zone(zone):
        out["timezone"] = zone
    else:
        errors[SETTINGS_TIMEZONE_BLOCK] = note(lang, "bad_timezone")
    language = _selected(values, SETTINGS_LANGUAGE_BLOCK, SETTINGS_LANGUAGE_ACTION)
    if language is None or language in LANGS:
        out["language"] = language
    else:
        errors[SETTINGS_LANGUAGE_BLOCK] = note(lang, "bad_language")
    return out, errors


def _number(text: str) -> int | None:
    """A small non-negative decimal number written in ASCII digits, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


def _is_zone(name: str) -> bool:
    if not name or len(name) > 64 or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def submit_settings(
    deps: Deps, client: Any, caller: Caller, view: Mapping[str, Any], lang: str
) -> dict[str, str] | None:
    """Check and save a submitted settings modal; field errors, or None once saved."""
    values = (view.get("state") or {}).get("values") or {}
    try:
        admin = is_workspace_admin(client, caller)
    except Exception as exc:
        _log.warning("users.info failed for a settings check: %s", type(exc).__name__)
        return {SETTINGS_CHANNEL_BLOCK: note(lang, "admin_check_failed")}
    if not admin:
        return {SETTINGS_CHANNEL_BLOCK: render_admin_only(lang).text}
    changes, errors = settings_errors(values, lang)
    if errors:
        return errors
    try:
        update_workspace_settings(deps.store, caller.team_id, **changes)
    except (ValueError, StoreError) as exc:
        _log.warning("settings not saved: %s", type(exc).__name__)
        return {SETTINGS_CHANNEL_BLOCK: note(lang, "unavailable")}
    return None
