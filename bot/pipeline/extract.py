"""Which Slack message events are pastes to read, and the text to read in them.

A paste is a new message, a thread reply, another bot's message (AWS Chatbot posts attachments
and blocks), or an edit (`message_changed`, read from its new `message`). Everything else — our own
messages, joins, topic changes, deletions, unfurl-only edits — is not a paste (`read_message`
returns None) and is acknowledged without a word.

The text is the message's `text`, then each attachment's `pretext`, `title`, `text`, `fallback`,
then the text of its blocks (rich text, sections, context, headers); a part already contained in
what came before (Slack repeats `text` in rich-text blocks and in `fallback`) is skipped, and link
previews (unfurl attachments) are not read, so an unfurl is not an edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_TEXT_CHARS", "Message", "message_text", "read_message"]

# Slack caps a message at 40,000 characters; with attachments and blocks, a little more is fine.
MAX_TEXT_CHARS = 120_000

# Subtypes that carry something a person (or another bot) posted.
_PASTE_SUBTYPES = frozenset({None, "bot_message", "thread_broadcast", "file_share", "me_message"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Message:
    """A message event worth reading: where it is, who posted it, and its text."""

    team_id: str
    channel_id: str
    channel_type: str | None
    ts: str
    thread_ts: str  # where the reply goes: the message's thread, or the message itself
    user_id: str | None
    bot_id: str | None
    text: str
    edited: bool
    event_id: str | None

    @property
    def is_direct(self) -> bool:
        """True in a direct message with the bot."""
        return self.channel_type == "im"


def read_message(
    body: Mapping[str, Any],
    *,
    team_id: str | None,
    bot_user_id: str | None,
    bot_id: str | None,
) -> Message | None:
    """The paste in an Events API `message` callback, or None when there is nothing to read."""
    event = body.get("event")
    if not isinstance(event, Mapping) or event.get("type") != "message":
        return None
    subtype = event.get("subtype")
    edited = subtype == "message_changed"
    if edited:
        message = event.get("message")
        if not isinstance(message, Mapping) or message.get("subtype") not in _PASTE_SUBTYPES:
            return None
        previous = event.get("previous_message")
        if isinstance(previous, Mapping) and message_text(previous) == message_text(message):
            return None  # an unfurl or a reaction-only change: the words did not change
    elif subtype in _PASTE_SUBTYPES:
        message = event
    else:
        return None
    if _is_ours(message, bot_user_id=bot_user_id, bot_id=bot_id):
        return None
    channel = event.get("channel")
    ts = message.get("ts")
    team = team_id or body.get("team_id") or event.get("team")
    if not isinstance(channel, str) or not isinstance(ts, str) or not isinstance(team, str):
        return None
    thread_ts = message.get("thread_ts")
    user = message.get("user")
    sender_bot = message.get("bot_id")
    event_id = body.get("event_id")
    return Message(
        team_id=team,
        channel_id=channel,
        channel_type=event.get("channel_type")
        if isinstance(event.get("channel_type"), str)
        else None,
        ts=ts,
        thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts else ts,
        user_id=user if isinstance(user, str) and not sender_bot else None,
        bot_id=sender_bot if isinstance(sender_bot, str) else None,
        text=message_text(message),
        edited=edited,
        event_id=event_id if isinstance(event_id, str) else None,
    )


def _is_ours(message: Mapping[str, Any], *, bot_user_id: str | None, bot_id: str | None) -> bool:
    if bot_id and message.get("bot_id") == bot_id:
        return True
    return bool(bot_user_id) and message.get("user") == bot_user_id


def message_text(message: Mapping[str, Any]) -> str:
    """Every readable text of a message, each distinct part once, at most MAX_TEXT_CHARS."""
    parts: list[str] = []
    seen: list[str] = []
    size = 0
    for part in _parts(message):
        if not part.strip():
            continue
        squashed = _squash(part)
        if any(squashed in earlier for earlier in seen):
            continue
        # A later part that repeats an earlier one and adds to it (blocks around `text`) wins.
        kept = [i for i, earlier in enumerate(seen) if earlier not in squashed]
        parts = [parts[i] for i in kept]
        seen = [seen[i] for i in kept]
        parts.append(part)
        seen.append(squashed)
        size = sum(len(p) + 1 for p in parts)
        if size >= MAX_TEXT_CHARS:
            break
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def _squash(text: str) -> str:
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return _SPACE.sub(" ", text).strip()


def _parts(message: Mapping[str, Any]) -> Iterator[str]:
    text = message.get("text")
    if isinstance(text, str):
        yield text
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments[:100]:
            if not isinstance(attachment, Mapping) or _is_unfurl(attachment):
                continue
            for key in ("pretext", "title", "text", "fallback"):
                value = attachment.get(key)
                if isinstance(value, str):
                    yield value
            yield from _block_texts(attachment.get("blocks"))
    yield from _block_texts(message.get("blocks"))


def _is_unfurl(attachment: Mapping[str, Any]) -> bool:
    """A link preview Slack (or an app) added: not something anyone pasted."""
    return bool(
        attachment.get("from_url")
        or attachment.get("original_url")
        or attachment.get("is_app_unfurl")
    )


def _block_texts(blocks: object) -> Iterator[str]:
    if not isinstance(blocks, list):
        return
    for block in blocks[:100]:
        if not isinstance(block, Mapping):
            continue
        kind = block.get("type")
        if kind == "rich_text":
            yield "".join(_rich(block.get("elements"), depth=0))
        elif kind in ("section", "header"):
            yield from _text_objects([block.get("text")])
            fields = block.get("fields")
            if isinstance(fields, list):
                yield from _text_objects(fields)
        elif kind == "context":
            elements = block.get("elements")
            if isinstance(elements, list):
                yield from _text_objects(elements)


def _text_objects(objects: Iterable[object]) -> Iterator[str]:
    for obj in objects:
        if isinstance(obj, Mapping) and isinstance(obj.get("text"), str):
            yield obj["text"]


def _rich(elements: object, depth: int) -> Iterator[str]:
    """The text of rich-text elements: sections, lists, quotes and code, each on its own lines."""
    if not isinstance(elements, list) or depth > 8:
        return
    for element in elements[:1000]:
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind in ("rich_text_section", "rich_text_preformatted", "rich_text_quote"):
            yield from _rich(element.get("elements"), depth + 1)
            yield "\n"
        elif kind == "rich_text_list":
            yield from _rich(element.get("elements"), depth + 1)
        elif kind == "text" and isinstance(element.get("text"), str):
            yield element["text"]
        elif kind == "link":
            label = element.get("text") or element.get("url")
            if isinstance(label, str):
                yield label
        elif kind == "emoji" and isinstance(element.get("name"), str):
            yield f":{element['name']}:"
        elif kind == "user" and isinstance(element.get("user_id"), str):
            yield f"<@{element['user_id']}>"
