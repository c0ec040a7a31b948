"""Buttons: acknowledged at once, handled after the ack on the job pool
(`bot.commands.interactions`). A click whose workspace does not match its authorization gets
only the ack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.commands.interactions import (
    Click,
    click_other_lang,
    click_resolve,
    click_share,
    click_wrong,
    run_click,
)
from bot.commands.scope import caller_of
from bot.commands.settings import click_settings
from bot.render import (
    ACTION_LANG,
    ACTION_OPEN_SETTINGS,
    ACTION_RESOLVE,
    ACTION_SHARE,
    ACTION_WRONG,
)

if TYPE_CHECKING:
    from slack_bolt import Ack, App, BoltContext

    from bot.deps import Deps

HANDLERS: dict[str, Callable[..., None]] = {
    ACTION_RESOLVE: click_resolve,
    ACTION_WRONG: click_wrong,
    ACTION_LANG: click_other_lang,
    ACTION_SHARE: click_share,
    ACTION_OPEN_SETTINGS: click_settings,
}


def register(app: App, deps: Deps) -> None:
    """Register one listener per button."""

    def listener(handler: Callable[..., None]) -> Callable[..., None]:
        def on_click(ack: Ack, body: dict[str, Any], context: BoltContext, client: Any) -> None:
            ack()
            caller = caller_of(context)
            if caller is None:
                return
            deps.interactive.submit(run_click, handler, deps, client, Click.from_body(caller, body))

        return on_click

    for action_id, handler in HANDLERS.items():
        app.action(action_id)(listener(handler))
