"""manifest.yml asks for exactly the scopes the app requests at install, subscribes to the events
the listeners need, and points every request URL at `POST /slack/events` (or the OAuth redirect)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import BOT_SCOPES, REDIRECT_PATH
from bot.http import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def _list_under(text: str, key: str) -> list[str]:
    """The `- item` lines directly under `key:` (a tiny YAML reader for this flat file)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items: list[str] = []
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent and not stripped.startswith("- "):
            break
        if stripped.startswith("- "):
            items.append(stripped[2:].strip())
    return items


def test_scopes_match_the_app() -> None:
    text = MANIFEST.read_text()
    assert sorted(_list_under(text, "bot")) == sorted(BOT_SCOPES)
    assert "chat:write.public" not in _list_under(text, "bot")


def test_events_and_urls() -> None:
    text = MANIFEST.read_text()
    events = _list_under(text, "bot_events")
    for needed in (
        "message.channels",
        "message.groups",
        "message.im",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    ):
        assert needed in events
    urls = re.findall(r"(?:url|request_url): (\S+)", text)
    assert urls and all(u.endswith(EVENTS_PATH) for u in urls)
    assert _list_under(text, "redirect_urls")[0].endswith(REDIRECT_PATH)
    assert "/iamdeny" in text
