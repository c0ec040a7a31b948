"""The renderers' words: `texts.<lang>.toml`, one file per language with the same keys.

`t(lang, "section.key", **values)` returns the string with its `{placeholders}` filled. A missing
key or placeholder is a bug and raises (the tests prove both files have the same keys and
placeholders, and that every key is used).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any, Final

__all__ = ["LANGS", "check_lang", "flat_texts", "other_lang", "t"]

LANGS: Final = ("en", "ko")


def check_lang(lang: str) -> str:
    """`lang` if it is one we render (`en`, `ko`); ValueError otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def other_lang(lang: str) -> str:
    """The language the "other language" button switches to."""
    return "en" if check_lang(lang) == "ko" else "ko"


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(f"{name}.", value, out)
        elif isinstance(value, str):
            out[name] = value
        else:
            raise TypeError(f"texts: {name} is not a string")


@cache
def flat_texts(lang: str) -> dict[str, str]:
    """Every text of `lang` by dotted key (`reply.recurrence`)."""
    raw = (
        resources.files("bot.render").joinpath(f"texts.{check_lang(lang)}.toml").read_text("utf-8")
    )
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(raw), out)
    return out


def t(lang: str, key: str, /, **values: object) -> str:
    """The text `key` in `lang` with `values` filled in."""
    template = flat_texts(lang)[key]
    return template.format(**values)
