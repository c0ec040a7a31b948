"""Events API listeners (pastes in channels, threads, DMs and edits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.listeners.events import messages

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    """Register the event listeners."""
    messages.register(app, deps)
