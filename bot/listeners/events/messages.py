"""`message` events (every subtype): record the paste's denials before the ack, reply after it.

The app runs with `process_before_response`, so this function returns before Slack gets its 200:
the incidents are in the database when Slack is told the event arrived — or, while the database is
unavailable, the redacted paste is in the spool (`bot.pipeline.backlog`), to be recorded and
answered when it is back. Any other database error (or a full spool) makes the response a 500, so
Slack redelivers. The reply (Slack API calls) goes to the job pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.pipeline.backlog import deliver_or_spool, record_or_spool
from bot.pipeline.extract import read_message
from bot.pipeline.intake import read_paste

if TYPE_CHECKING:
    from slack_bolt import App, BoltContext

    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Listen to every `message` event, subtypes included (the ones we skip still get a 200)."""

    def on_message(body: dict[str, Any], context: BoltContext) -> None:
        message = read_message(
            body,
            team_id=context.team_id,
            bot_user_id=context.bot_user_id,
            bot_id=context.bot_id,
        )
        if message is None:
            return
        reading = read_paste(message)
        if reading is None:
            return
        intake = record_or_spool(deps, reading)
        if intake is not None:
            deps.jobs.submit(deliver_or_spool, deps, context.client, intake)

    app.event("message")(on_message)
