"""`/iamdeny`: acknowledged at once (empty 200), answered after the ack via `response_url`.

The work (classify, record, query, `users.info`, `views.open`) runs on the job pool
(`bot.commands.slash`); a request whose workspace does not match its authorization gets only the
ack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.commands.scope import caller_of
from bot.commands.slash import Command, run_command

if TYPE_CHECKING:
    from slack_bolt import Ack, App, BoltContext

    from bot.deps import Deps

COMMAND = "/iamdeny"


def register(app: App, deps: Deps) -> None:
    """Register the `/iamdeny` listener."""

    def on_command(ack: Ack, body: dict[str, Any], context: BoltContext, client: Any) -> None:
        ack()
        caller = caller_of(context)
        if caller is None:
            return
        deps.interactive.submit(run_command, deps, client, Command.from_body(caller, body))

    app.command(COMMAND)(on_command)
