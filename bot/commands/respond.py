"""Messages to a `response_url`: what Slack gives a slash command or a click to answer with.

A response URL works where the bot is not a member (any channel, DMs) and needs no scope:
`ephemeral` answers only the user, `in_channel` posts for everyone, `replace` rewrites the message
the click came from (ephemeral ones included). Slack accepts 5 responses per URL within 30
minutes. The client retries 429s (after `Retry-After`), dropped connections and 5xx, like the
app's Web API clients; a failed response is logged (status only) and reported as False.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.webhook import WebhookClient

from bot.app import retry_handlers
from bot.render import SlackMessage

__all__ = ["ephemeral", "in_channel", "replace", "send"]

_log = logging.getLogger(__name__)
_TIMEOUT_SECONDS = 10


def send(response_url: str | None, body: dict[str, Any]) -> bool:
    """POST `body` to `response_url`; True when Slack took it."""
    if not response_url:
        return False
    client = WebhookClient(
        url=response_url, timeout=_TIMEOUT_SECONDS, retry_handlers=retry_handlers()
    )
    try:
        response = client.send_dict(body)
    except Exception as exc:  # a lost note is logged, never raised into a listener
        _log.warning("response_url post failed: %s", type(exc).__name__)
        return False
    if response.status_code != 200:
        _log.warning("response_url post answered %s", response.status_code)
        return False
    return True


def _body(message: SlackMessage, **extra: Any) -> dict[str, Any]:
    """The JSON body: text, blocks and the given fields that are set (no nulls)."""
    fields = {key: value for key, value in extra.items() if value is not None}
    return {"text": message.text, "blocks": message.blocks, **fields}


def ephemeral(response_url: str | None, message: SlackMessage, **extra: Any) -> bool:
    """Show `message` to the user only (a new message; the original stays)."""
    return send(
        response_url, _body(message, response_type="ephemeral", replace_original=False, **extra)
    )


def in_channel(response_url: str | None, message: SlackMessage, **extra: Any) -> bool:
    """Post `message` in the channel for everyone (the original stays)."""
    return send(
        response_url,
        _body(
            message,
            response_type="in_channel",
            replace_original=False,
            unfurl_links=False,
            unfurl_media=False,
            **extra,
        ),
    )


def replace(response_url: str | None, message: SlackMessage) -> bool:
    """Replace the message the click came from with `message`."""
    return send(response_url, _body(message, replace_original=True))
