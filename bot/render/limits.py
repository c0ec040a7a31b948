"""Slack's Block Kit limits, a cutter that respects them, and a checker for whole surfaces.

Lengths are counted in UTF-16 code units (what Slack counts; an emoji outside the BMP is two), so
a text that passes here passes there. `fit` never cuts inside an `&amp;`-style entity or a
`<…>` control sequence, so a cut escaped text is still valid mrkdwn. `violations` lists every
limit a message, modal or home tab breaks; the renderers' tests run it over large inputs, and the
bot may run it before posting.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, Literal

__all__ = [
    "ACTIONS_MAX_ELEMENTS",
    "BLOCK_ID_MAX",
    "BUTTON_TEXT_MAX",
    "BUTTON_VALUE_MAX",
    "CONTEXT_MAX_ELEMENTS",
    "FALLBACK_TARGET",
    "FALLBACK_TEXT_MAX",
    "FIELDS_MAX",
    "FIELD_TEXT_MAX",
    "HEADER_TEXT_MAX",
    "MESSAGE_BLOCKS_MAX",
    "OPTIONS_MAX",
    "OPTION_TEXT_MAX",
    "PRIVATE_METADATA_MAX",
    "SECTION_TEXT_MAX",
    "VIEW_BLOCKS_MAX",
    "VIEW_TITLE_MAX",
    "Surface",
    "fit",
    "slack_len",
    "violations",
]

MESSAGE_BLOCKS_MAX: Final = 50
VIEW_BLOCKS_MAX: Final = 100
SECTION_TEXT_MAX: Final = 3000
FIELDS_MAX: Final = 10
FIELD_TEXT_MAX: Final = 2000
HEADER_TEXT_MAX: Final = 150
CONTEXT_MAX_ELEMENTS: Final = 10
CONTEXT_TEXT_MAX: Final = 3000
ACTIONS_MAX_ELEMENTS: Final = 25
BUTTON_TEXT_MAX: Final = 75
BUTTON_VALUE_MAX: Final = 2000
ACTION_ID_MAX: Final = 255
BLOCK_ID_MAX: Final = 255
OPTIONS_MAX: Final = 100
OPTION_TEXT_MAX: Final = 75
OPTION_VALUE_MAX: Final = 150
PLACEHOLDER_MAX: Final = 150
LABEL_MAX: Final = 2000
HINT_MAX: Final = 2000
VIEW_TITLE_MAX: Final = 24
PRIVATE_METADATA_MAX: Final = 3000
CALLBACK_ID_MAX: Final = 255
INPUT_MAX_LENGTH: Final = 3000
FALLBACK_TEXT_MAX: Final = 40_000
FALLBACK_TARGET: Final = 4000

ELLIPSIS: Final = "…"

Surface = Literal["message", "modal", "home"]


def slack_len(text: str) -> int:
    """Length as Slack counts it: UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _safe_cut(text: str, end: int) -> str:
    """`text[:end]`, moved back so it does not end inside an entity or a `<…>` sequence."""
    head = text[:end]
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:] and len(head) - amp <= 8:
        head = head[:amp]
    lt = head.rfind("<")
    if lt != -1 and ">" not in head[lt:]:
        head = head[:lt]
    return head


def fit(text: str, limit: int, suffix: str = ELLIPSIS, *, escaped: bool = True) -> str:
    """`text` if it fits in `limit`, else its longest prefix followed by `suffix`. For `escaped`
    (mrkdwn) text the cut never splits an entity or a `<…>` sequence; pass `escaped=False` to cut
    raw text (before escaping) exactly at the limit."""
    if slack_len(text) <= limit:
        return text
    room = limit - slack_len(suffix)
    if room <= 0:
        return suffix[:limit]
    end = room
    while end > 0 and slack_len(text[:end]) > room:  # only when there are astral characters
        end -= max(1, (slack_len(text[:end]) - room) // 2)
    head = _safe_cut(text, end) if escaped else text[:end]
    return head.rstrip() + suffix


# --- checking ---------------------------------------------------------------------------------


def _text_of(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, Mapping) else ""


def _check_text(path: str, obj: Any, limit: int, kind: str | None = None) -> Iterator[str]:
    if not isinstance(obj, Mapping):
        yield f"{path}: not a text object"
        return
    if obj.get("type") not in ("plain_text", "mrkdwn"):
        yield f"{path}: text type {obj.get('type')!r}"
    if kind is not None and obj.get("type") != kind:
        yield f"{path}: must be {kind}"
    text = _text_of(obj)
    if not isinstance(text, str) or not text:
        yield f"{path}: empty text"
    elif slack_len(text) > limit:
        yield f"{path}: {slack_len(text)} > {limit} characters"


def _check_element(path: str, el: Mapping[str, Any]) -> Iterator[str]:
    etype = el.get("type")
    action_id = el.get("action_id")
    if action_id is not None and len(action_id) > ACTION_ID_MAX:
        yield f"{path}.action_id too long"
    if etype == "button":
        yield from _check_text(f"{path}.text", el.get("text"), BUTTON_TEXT_MAX, "plain_text")
        value = el.get("value")
        if value is not None and slack_len(value) > BUTTON_VALUE_MAX:
            yield f"{path}.value too long"
        if el.get("style") not in (None, "primary", "danger"):
            yield f"{path}.style invalid"
    elif etype in ("static_select", "multi_static_select"):
        options = el.get("options", [])
        if not 1 <= len(options) <= OPTIONS_MAX:
            yield f"{path}: {len(options)} options"
        values = set()
        for j, opt in enumerate(options):
            yield from _check_text(f"{path}.options[{j}]", opt.get("text"), OPTION_TEXT_MAX)
            value = opt.get("value", "")
            if not value or len(value) > OPTION_VALUE_MAX:
                yield f"{path}.options[{j}].value invalid"
            values.add(value)
        if len(values) != len(options):
            yield f"{path}: duplicate option values"
        initial = el.get("initial_option")
        if initial is not None and initial not in options:
            yield f"{path}.initial_option is not one of the options"
    elif etype == "plain_text_input" and el.get("max_length", 0) > INPUT_MAX_LENGTH:
        yield f"{path}.max_length > {INPUT_MAX_LENGTH}"
    if "placeholder" in el:
        yield from _check_text(f"{path}.placeholder", el["placeholder"], PLACEHOLDER_MAX)


def _check_block(path: str, block: Mapping[str, Any], surface: Surface) -> Iterator[str]:
    btype = block.get("type")
    block_id = block.get("block_id")
    if block_id is not None and (not block_id or len(block_id) > BLOCK_ID_MAX):
        yield f"{path}.block_id invalid"
    if btype == "header":
        yield from _check_text(f"{path}.text", block.get("text"), HEADER_TEXT_MAX, "plain_text")
    elif btype == "section":
        if "text" not in block and "fields" not in block:
            yield f"{path}: section without text or fields"
        if "text" in block:
            yield from _check_text(f"{path}.text", block["text"], SECTION_TEXT_MAX)
        fields = block.get("fields", [])
        if "fields" in block and not 1 <= len(fields) <= FIELDS_MAX:
            yield f"{path}: {len(fields)} fields"
        for j, fld in enumerate(fields):
            yield from _check_text(f"{path}.fields[{j}]", fld, FIELD_TEXT_MAX)
        if "accessory" in block:
            yield from _check_element(f"{path}.accessory", block["accessory"])
    elif btype == "context":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= CONTEXT_MAX_ELEMENTS:
            yield f"{path}: {len(elements)} context elements"
        for j, el in enumerate(elements):
            yield from _check_text(f"{path}.elements[{j}]", el, CONTEXT_TEXT_MAX)
    elif btype == "actions":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= ACTIONS_MAX_ELEMENTS:
            yield f"{path}: {len(elements)} action elements"
        ids = [el.get("action_id") for el in elements]
        if len(set(ids)) != len(ids):
            yield f"{path}: action_ids not unique in block"
        for j, el in enumerate(elements):
            yield from _check_element(f"{path}.elements[{j}]", el)
    elif btype == "input":
        if surface == "message":
            yield f"{path}: input block in a message"
        yield from _check_text(f"{path}.label", block.get("label"), LABEL_MAX, "plain_text")
        if "hint" in block:
            yield from _check_text(f"{path}.hint", block["hint"], HINT_MAX, "plain_text")
        element = block.get("element")
        if not isinstance(element, Mapping):
            yield f"{path}: input without element"
        else:
            yield from _check_element(f"{path}.element", element)
    elif btype != "divider":
        yield f"{path}: unexpected block type {btype!r}"


def violations(
    blocks: Sequence[Mapping[str, Any]],
    *,
    surface: Surface = "message",
    text: str | None = None,
    view: Mapping[str, Any] | None = None,
) -> list[str]:
    """Every Block Kit limit `blocks` (and the fallback `text`, or the modal/home `view` around
    them) breaks; empty when all is well. Also checks that the whole thing is JSON."""
    out: list[str] = []
    cap = MESSAGE_BLOCKS_MAX if surface == "message" else VIEW_BLOCKS_MAX
    if len(blocks) > cap:
        out.append(f"{len(blocks)} blocks > {cap}")
    ids = [b.get("block_id") for b in blocks if b.get("block_id") is not None]
    if len(set(ids)) != len(ids):
        out.append("block_ids not unique")
    for i, block in enumerate(blocks):
        out.extend(_check_block(f"blocks[{i}]", block, surface))
    if text is not None:
        if not text:
            out.append("empty fallback text")
        if slack_len(text) > FALLBACK_TEXT_MAX:
            out.append(f"fallback text {slack_len(text)} > {FALLBACK_TEXT_MAX}")
    if view is not None:
        if view.get("type") != surface:
            out.append(f"view type {view.get('type')!r} != {surface!r}")
        for key in ("title", "submit", "close"):
            if key in view:
                out.extend(_check_text(f"view.{key}", view[key], VIEW_TITLE_MAX, "plain_text"))
        if len(view.get("private_metadata", "")) > PRIVATE_METADATA_MAX:
            out.append("private_metadata too long")
        if len(view.get("callback_id", "")) > CALLBACK_ID_MAX:
            out.append("callback_id too long")
        if surface == "modal" and "title" not in view:
            out.append("modal without title")
        if (
            any(b.get("type") == "input" for b in blocks)
            and surface == "modal"
            and ("submit" not in view)
        ):
            out.append("modal with inputs but no submit button")
    try:
        json.dumps({"text": text, "blocks": list(blocks), "view": view}, allow_nan=False)
    except (TypeError, ValueError) as exc:
        out.append(f"not JSON: {exc}")
    return out
