"""`app_home_opened` (the Home tab): publish the viewer's App Home after the ack
(`bot.commands.home`). The Messages and About tabs, and events whose workspace does not match
their authorization, get only the ack."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.commands.home import publish_home
from bot.commands.scope import caller_of

if TYPE_CHECKING:
    from slack_bolt import App, BoltContext

    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the App Home listener."""

    def on_home_opened(event: dict[str, Any], context: BoltContext, client: Any) -> None:
        if event.get("tab") != "home":
            return
        caller = caller_of(context)
        if caller is None or event.get("user") != caller.user_id:
            return
        deps.interactive.submit(publish_home, deps, client, caller)

    app.event("app_home_opened")(on_home_opened)
