"""Loading the data files: the texts of each language and the language-neutral rules and commands.

Files live next to this module and ship as package data:
- `texts.<lang>.toml` — every human sentence, keyed by scenario, with `{placeholders}`;
- `rules.toml` — which scenario applies (an ordered table), what each scenario offers, overlays
  and warnings;
- `commands.toml` — the read-only shell commands, with variants.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from typing import Any

SUPPORTED_LANGS: tuple[str, ...] = ("en", "ko")

Table = dict[str, Any]


_HERE = os.path.dirname(os.path.abspath(__file__))


def _load(name: str) -> Table:
    # Plain file access (not importlib.resources): the files ship next to this module, and the
    # CLI's start-up time matters more than zip-import support.
    with open(os.path.join(_HERE, name), "rb") as handle:
        data: Table = tomllib.load(handle)
    return data


def check_lang(lang: str) -> str:
    """The language, or ValueError naming the supported ones."""
    if lang not in SUPPORTED_LANGS:
        raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(SUPPORTED_LANGS)}")
    return lang


@cache
def texts(lang: str) -> Table:
    """The text catalog of one language."""
    return _load(f"texts.{check_lang(lang)}.toml")


@cache
def rules() -> Table:
    """Scenario selection, scenario contents, overlays and warnings (language-neutral)."""
    return _load("rules.toml")


@cache
def commands() -> Table:
    """Shell command templates by name, each a list of lines or a table of variants."""
    table: Table = _load("commands.toml")["command"]
    return table


def flatten(table: Table, prefix: str = "") -> dict[str, str]:
    """Every string of a catalog by dotted key (list items by index): `scenario.x.steps.0`."""
    out: dict[str, str] = {}
    items: list[tuple[str, Any]]
    for key, value in table.items():
        path = f"{prefix}{key}"
        items = (
            [(f"{path}.{i}", v) for i, v in enumerate(value)]
            if isinstance(value, list)
            else [(path, value)]
        )
        for item_path, item in items:
            if isinstance(item, dict):
                out.update(flatten(item, f"{item_path}."))
            elif isinstance(item, str):
                out[item_path] = item
    return out
