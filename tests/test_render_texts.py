"""The texts files: same keys and placeholders in both languages, every key used, safe mrkdwn."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.render.texts import LANGS, flat_texts, t

RENDER = Path(__file__).resolve().parents[1] / "bot" / "render"
# Keys whose text goes into plain_text objects (headers, buttons, labels, options, titles):
# there an entity would show as `&lt;`, so they must not contain one.
PLAIN_PREFIXES = (
    "buttons.",
    "common.cancel",
    "resolve.title",
    "resolve.submit",
    "resolve.label",
    "resolve.hint",
    "resolve.placeholder",
    "settings.title",
    "settings.submit",
    "settings.channel",
    "settings.weekday",
    "settings.hour",
    "settings.timezone",
    "settings.language",
    "weekday.",
    "language.",
    "home.title",
    "home.settings",
    "home.open",
    "home.recurring",
    "help.title",
    "digest.title_",
    "incidents.title",
    "reply.numbered",
)


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    en, ko = flat_texts("en"), flat_texts("ko")
    assert set(en) == set(ko)
    for key in en:
        assert _placeholders(en[key]) == _placeholders(ko[key]), key


def test_every_key_is_used_by_the_renderers() -> None:
    # The renderers, and the few bot modules that build a button of their own.
    source = "\n".join(p.read_text("utf-8") for p in RENDER.parent.rglob("*.py"))
    unused = [
        key for key in flat_texts("en") if f'"{key}"' not in source and f"'{key}'" not in source
    ]
    assert unused == []


def test_texts_are_safe_mrkdwn_and_korean_is_korean() -> None:
    for lang in LANGS:
        for key, text in flat_texts(lang).items():
            assert "<" not in text and ">" not in text, (lang, key)
            assert not re.search(r"&(?!lt;|gt;|amp;)", text), (lang, key)
            if key.startswith(PLAIN_PREFIXES):
                assert "&" not in text, (lang, key)
    ko = flat_texts("ko")
    assert sum(bool(re.search(r"[가-힣]", v)) for v in ko.values()) > len(ko) * 0.7


def test_t_fills_placeholders_and_rejects_unknowns() -> None:
    assert t("en", "reply.seen", count=3, days=7) == ":repeat: Seen 3 times in the last 7 days."
    with pytest.raises(KeyError):
        t("en", "reply.seen")
    with pytest.raises(ValueError, match="unsupported language"):
        t("fr", "reply.seen", count=1, days=1)


def test_the_renderers_import_neither_slack_nor_the_database() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.render; "
        "print(sorted(m for m in ('slack_bolt', 'slack_sdk', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
