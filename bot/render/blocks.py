"""Block Kit builders that never break a limit: every string is cut to fit as it goes in.

The arguments are already-escaped mrkdwn (or plain text); these functions only shape dicts. mrkdwn
text objects are `verbatim` so Slack does not auto-link or parse anything we did not write.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.render.limits import (
    ACTIONS_MAX_ELEMENTS,
    BLOCK_ID_MAX,
    BUTTON_TEXT_MAX,
    BUTTON_VALUE_MAX,
    CONTEXT_MAX_ELEMENTS,
    CONTEXT_TEXT_MAX,
    FIELD_TEXT_MAX,
    FIELDS_MAX,
    HEADER_TEXT_MAX,
    LABEL_MAX,
    OPTION_TEXT_MAX,
    OPTION_VALUE_MAX,
    OPTIONS_MAX,
    PLACEHOLDER_MAX,
    SECTION_TEXT_MAX,
    VIEW_TITLE_MAX,
    fit,
)

__all__ = [
    "Block",
    "actions",
    "button",
    "context",
    "divider",
    "header",
    "mrkdwn",
    "option",
    "plain",
    "section",
]

Block = dict[str, Any]


def plain(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """A `plain_text` object (emoji on), cut to `limit`."""
    return {"type": "plain_text", "text": fit(text or " ", limit, escaped=False), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT_MAX) -> dict[str, Any]:
    """A verbatim `mrkdwn` object, cut to `limit`."""
    return {"type": "mrkdwn", "text": fit(text or " ", limit), "verbatim": True}


def _with_id(block: Block, block_id: str | None) -> Block:
    if block_id is not None:
        block["block_id"] = block_id[:BLOCK_ID_MAX]
    return block


def header(text: str, block_id: str | None = None) -> Block:
    """A header block (plain text, at most 150 characters)."""
    return _with_id({"type": "header", "text": plain(text, HEADER_TEXT_MAX)}, block_id)


def section(
    text: str | None = None,
    *,
    fields: Sequence[str] = (),
    accessory: dict[str, Any] | None = None,
    block_id: str | None = None,
) -> Block:
    """A section with mrkdwn `text` (≤ 3,000) and/or up to 10 mrkdwn `fields` (≤ 2,000 each)."""
    block: Block = {"type": "section"}
    if text is not None:
        block["text"] = mrkdwn(text, SECTION_TEXT_MAX)
    if fields:
        block["fields"] = [mrkdwn(f, FIELD_TEXT_MAX) for f in fields[:FIELDS_MAX]]
    if accessory is not None:
        block["accessory"] = accessory
    if "text" not in block and "fields" not in block:
        block["text"] = mrkdwn(" ")
    return _with_id(block, block_id)


def context(texts: Sequence[str], block_id: str | None = None) -> Block:
    """A context block of up to 10 mrkdwn elements; extra elements join the last one."""
    items = [t for t in texts if t] or [" "]
    if len(items) > CONTEXT_MAX_ELEMENTS:
        items = [*items[: CONTEXT_MAX_ELEMENTS - 1], "\n".join(items[CONTEXT_MAX_ELEMENTS - 1 :])]
    return _with_id(
        {"type": "context", "elements": [mrkdwn(t, CONTEXT_TEXT_MAX) for t in items]}, block_id
    )


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def button(
    text: str, action_id: str, value: str | None = None, *, style: str | None = None
) -> dict[str, Any]:
    """A button (label ≤ 75, value ≤ 2,000); `style` is `primary`, `danger` or None."""
    el: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT_MAX),
        "action_id": action_id,
    }
    if value is not None:
        el["value"] = value[:BUTTON_VALUE_MAX]
    if style is not None:
        el["style"] = style
    return el


def actions(elements: Sequence[dict[str, Any]], block_id: str | None = None) -> Block:
    """An actions block of up to 25 elements."""
    return _with_id(
        {"type": "actions", "elements": list(elements[:ACTIONS_MAX_ELEMENTS])}, block_id
    )


def option(text: str, value: str) -> dict[str, Any]:
    """A select option (label ≤ 75, value ≤ 150)."""
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value[:OPTION_VALUE_MAX]}


def options(items: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """Options from (label, value) pairs, at most 100."""
    return [option(text, value) for text, value in items[:OPTIONS_MAX]]


def title(text: str) -> dict[str, Any]:
    """A modal title/submit/close text (plain, ≤ 24)."""
    return plain(text, VIEW_TITLE_MAX)


def label(text: str) -> dict[str, Any]:
    """An input label (plain, ≤ 2,000)."""
    return plain(text, LABEL_MAX)


def placeholder(text: str) -> dict[str, Any]:
    """An input placeholder (plain, ≤ 150)."""
    return plain(text, PLACEHOLDER_MAX)
