"""Modal submissions: the resolve note and the workspace settings.

Both are checked and stored before the ack, so that a bad field comes back as a field error
(`response_action: errors`) on the open modal; what follows (updating the reply, App Home) runs
on the job pool after it. A submission whose workspace does not match its authorization is
closed and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.commands.home import publish_home
from bot.commands.interactions import after_resolve, submit_resolve
from bot.commands.scope import caller_of, language_of
from bot.commands.settings import submit_settings
from bot.render import RESOLVE_CALLBACK_ID, SETTINGS_CALLBACK_ID

if TYPE_CHECKING:
    from slack_bolt import Ack, App, BoltContext

    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the two view_submission listeners."""

    def on_resolve(ack: Ack, body: dict[str, Any], context: BoltContext, client: Any) -> None:
        caller = caller_of(context)
        if caller is None:
            ack()
            return
        lang = language_of(deps, client, caller)
        errors, outcome = submit_resolve(deps, caller, body.get("view") or {}, lang)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        deps.interactive.submit(after_resolve, deps, client, caller, outcome)

    def on_settings(ack: Ack, body: dict[str, Any], context: BoltContext, client: Any) -> None:
        caller = caller_of(context)
        if caller is None:
            ack()
            return
        lang = language_of(deps, client, caller)
        errors = submit_settings(deps, client, caller, body.get("view") or {}, lang)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        deps.interactive.submit(publish_home, deps, client, caller)  # the admin's Home shows them

    app.view(RESOLVE_CALLBACK_ID)(on_resolve)
    app.view(SETTINGS_CALLBACK_ID)(on_settings)
