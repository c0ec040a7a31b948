"""Make text from a paste (or any user) safe to put in Slack mrkdwn, code blocks and inline code.

Slack's mrkdwn needs three characters escaped (`&`, `<`, `>`); escaping them also turns every
control sequence a paste may carry (`<!channel>`, `<!here>`, `<@U123>`, `<#C1>`, `<https://x|y>`)
into visible text. Bare `@channel`, `@here` and `@everyone` are broken with a word joiner so Slack
never parses them as mentions either. `code_safe` does the same for the inside of a ``` block and
makes sure no run of backticks can close the fence early; `inline_code` for one-line `code`.

`clean`, `clean_code` and `clean_inline` redact secrets first (`core.redact`), then escape: that is
what every renderer uses for pasted text. Redaction runs before escaping so the patterns see the
text as pasted.
"""

from __future__ import annotations

import re
from typing import Final

from bot.render.limits import fit
from core.redaction import redact

__all__ = [
    "WORD_JOINER",
    "clean",
    "clean_code",
    "clean_inline",
    "code_block",
    "code_safe",
    "escape_mrkdwn",
    "inline_code",
    "is_channel_id",
    "is_user_id",
    "mark_arns",
    "neutralise_mentions",
]

WORD_JOINER: Final = "\u2060"
_ZERO_WIDTH_SPACE: Final = "\u200b"

# `@channel`, `@here`, `@everyone` (and Slack's legacy `@group`) as whole words, any case, also
# written with a full-width at sign.
_BARE_MENTION = re.compile(r"([@＠])(?=(?:channel|here|everyone|group)\b)", re.IGNORECASE)
# C0 controls other than tab and newline, DEL, and bidirectional overrides (which can make text
# read differently from what it is).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BACKTICK_RUN = re.compile(r"`{2,}")
# An ARN in running text (after escaping): ASCII up to whitespace or a non-ASCII letter (a Korean
# particle often follows it directly); trailing punctuation is left outside.
_ARN = re.compile(r"(?<![\w`/])arn:[a-z][a-z0-9-]{0,30}:[!-_a-~]*")
_ENTITY_END = re.compile(r"&(?:lt|gt|amp);$")
_ARN_TAIL = ".,;:!?)]'\""
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")


def neutralise_mentions(text: str) -> str:
    """Break bare `@channel`/`@here`/`@everyone` with a word joiner so Slack cannot parse them."""
    return _BARE_MENTION.sub(lambda m: m.group(1) + WORD_JOINER, text)


def escape_mrkdwn(text: str) -> str:
    """Escape `&`, `<`, `>` as Slack asks, neutralise mentions and drop control characters.

    The result shows the same characters as `text` and contains no live mention, link or
    Slack control sequence.
    """
    text = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return neutralise_mentions(text)


def code_safe(text: str) -> str:
    """Escape `text` for the inside of a ``` block: no run of backticks survives to close it.

    Two or more backticks in a row get a zero-width space between each, which still reads as
    backticks; a lone backtick cannot end a fence.
    """
    text = escape_mrkdwn(text)
    return _BACKTICK_RUN.sub(lambda m: _ZERO_WIDTH_SPACE.join(m.group(0)), text)


def code_block(escaped_body: str) -> str:
    """A ``` block around a body already passed through `code_safe` (or `clean_code`)."""
    body = escaped_body.strip("\n")
    if body.startswith("`"):
        body = _ZERO_WIDTH_SPACE + body
    return f"```\n{body}\n```"


def inline_code(text: str) -> str:
    """`text` as one line of inline code: escaped, backticks replaced, line breaks as spaces."""
    text = escape_mrkdwn(" ".join(text.split()))
    return "`" + text.replace("`", "ˋ") + "`" if text else ""


def _redacted(text: str, limit: int | None) -> str:
    # Redact the whole text before any cut: a secret cut in half might no longer be recognised.
    text = redact(text).text
    return fit(text, limit, escaped=False) if limit is not None else text


def mark_arns(escaped: str) -> str:
    """Show every ARN in already-escaped running text as inline code, so an ARN's `*` or `_`
    is not read as formatting and the ARN stands out from the sentence."""

    def wrap(match: re.Match[str]) -> str:
        arn = match.group(0)
        body = arn.rstrip(_ARN_TAIL)
        if _ENTITY_END.search(body + ";") and arn[len(body) :].startswith(";"):
            body += ";"  # keep `&gt;` whole
        return f"`{body}`{arn[len(body) :]}"

    return _ARN.sub(wrap, escaped)


def clean(text: str, limit: int | None = None) -> str:
    """Redact secrets, cut to `limit` characters (before escaping), escape for mrkdwn: for
    anything echoed from a paste or typed by a user."""
    return escape_mrkdwn(_redacted(text, limit))


def clean_code(text: str, limit: int | None = None) -> str:
    """Redact secrets, cut to `limit`, then make safe for a ``` block."""
    return code_safe(_redacted(text, limit))


def clean_inline(text: str, limit: int | None = None) -> str:
    """Redact secrets, cut to `limit`, then render as inline code."""
    return inline_code(_redacted(text, limit))


def is_user_id(value: str | None) -> bool:
    """True for a Slack user id (`U…`/`W…`), safe to write as `<@U…>`."""
    return bool(value) and _USER_ID.match(value or "") is not None


def is_channel_id(value: str | None) -> bool:
    """True for a Slack conversation id (`C…`, `G…`, `D…`), safe to write as `<#C…>`."""
    return bool(value) and _CHANNEL_ID.match(value or "") is not None
