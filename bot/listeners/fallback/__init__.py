"""The last listener: acknowledge any event no other listener took (never Bolt's 404).

Slack disables event subscriptions for apps that fail too many deliveries, and Bolt answers 404 to
a request no listener matched. Events we subscribe to but do not act on (and ones Slack adds
later) land here and get a 200. Requests of other kinds (commands, actions, views) that nothing
handles get a 200 from the app's error handler (`bot.app`, `raise_error_for_unhandled_request`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps

ANY_EVENT = re.compile(r".*")


def register(app: App, deps: Deps) -> None:
    """Acknowledge every remaining event."""

    def ignore_event() -> None:
        return None

    app.event(ANY_EVENT)(ignore_event)
