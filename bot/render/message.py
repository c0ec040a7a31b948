"""`SlackMessage`: Block Kit blocks plus the plain-text fallback, ready for `chat.postMessage`.

`text` is what notifications, screen readers and clients without Block Kit show; Slack parses it as
mrkdwn, so renderers build it from escaped text too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SlackMessage"]


@dataclass(frozen=True)
class SlackMessage:
    """A rendered message: fallback `text` and Block Kit `blocks` (plain dicts)."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def to_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `chat.postMessage`, `chat.update`, `chat.postEphemeral` and
        `respond()`: `text` and `blocks` (add `channel`, `thread_ts`, `ts` yourself)."""
        return {"text": self.text, "blocks": self.blocks}

    def post_kwargs(self) -> dict[str, Any]:
        """`to_kwargs()` plus `unfurl_links`/`unfurl_media` off, for `chat.postMessage`: a URL
        echoed from a paste must not unfurl in a reply."""
        return {**self.to_kwargs(), "unfurl_links": False, "unfurl_media": False}

    def to_json(self) -> str:
        """The blocks and text as JSON (for logs, tests and `chat.postMessage` over raw HTTP)."""
        return json.dumps({"text": self.text, "blocks": self.blocks}, ensure_ascii=False)
