"""`/iamdeny help` (and the answer to an unknown subcommand or empty text): what the bot does and
every subcommand, in the reader's language."""

from __future__ import annotations

from typing import Final

from bot.render.blocks import Block, context, header, section
from bot.render.escape import clean_inline
from bot.render.limits import FALLBACK_TARGET, fit
from bot.render.message import SlackMessage
from bot.render.texts import check_lang, t

__all__ = ["COMMANDS", "render_help"]

# (key of the usage, already escaped mrkdwn; key of its description)
COMMANDS: Final = (
    ("help.use_paste", "help.cmd_paste"),
    ("help.use_help", "help.cmd_help"),
    ("help.use_digest", "help.cmd_digest"),
    ("help.use_list", "help.cmd_list"),
    ("help.use_resolve", "help.cmd_resolve"),
    ("help.use_lang", "help.cmd_lang"),
    ("help.use_settings", "help.cmd_settings"),
)


def render_help(lang: str, *, unknown: str | None = None) -> SlackMessage:
    """The help message; with `unknown`, it first says that subcommand is not one we know."""
    check_lang(lang)
    blocks: list[Block] = [header(t(lang, "help.title"), block_id="iamdeny_help_head")]
    lead: list[str] = []
    if unknown is not None and unknown.strip():
        lead.append(
            t(lang, "help.unknown", command=clean_inline(unknown.strip(), 80))
        )
    lead.append(t(lang, "help.intro"))
    blocks.append(section("\n".join(lead), block_id="iamdeny_help_intro"))
    lines = [f"`{t(lang, usage)}`  {t(lang, key)}" for usage, key in COMMANDS]
    blocks.append(section("\n".join(lines), block_id="iamdeny_help_commands"))
    blocks.append(context([t(lang, "help.privacy")], block_id="iamdeny_help_privacy"))
    text = "\n".join([*lead, *(f"{t(lang, usage)} — {t(lang, key)}" for usage, key in COMMANDS)])
    return SlackMessage(text=fit(text, FALLBACK_TARGET), blocks=blocks)
