"""Listener packages: each `bot/listeners/<kind>/` exposes `register(app, deps)`.

`register_all` calls them in the order of `PACKAGES`. Add a package by adding its name to the list
(before `fallback`, which must stay last: it acknowledges every event nobody else handled).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps

__all__ = ["PACKAGES", "register_all"]

PACKAGES: list[str] = [
    "events",
    "installs",
    "commands",
    "actions",
    "views",
    "home",
    "fallback",  # keep last
]


def register_all(app: App, deps: Deps) -> None:
    """Register every listener package on `app`."""
    for name in PACKAGES:
        import_module(f"bot.listeners.{name}").register(app, deps)
