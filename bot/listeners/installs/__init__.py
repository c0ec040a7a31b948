"""Installations: `app_uninstalled` and `tokens_revoked` delete what the installation store holds.

Only in multi-workspace OAuth mode (an installation store exists); a single-workspace app has
nothing to delete and lets the fallback acknowledge those events. Bolt's own listeners do the
deleting (`delete_all` on uninstall, `delete_bot`/`delete_installation` on revocation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Enable Bolt's token revocation listeners when there is an installation store."""
    if app.installation_store is not None:
        app.enable_token_revocation_listeners()
