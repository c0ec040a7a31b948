"""The secret patterns: read `secret_patterns.toml`, expand its fragments, compile each rule once.

The rules are data. This module only turns the table into compiled `Rule`s, in file order (which
breaks ties between overlapping findings), and checks that every rule names a real group.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

RULES_FILE = "secret_patterns.toml"

_FRAGMENT_REF = re.compile(r"\{([a-z][a-z0-9_]*)(?:<([0-9]{1,2}))?\}")


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table: a regex whose `group` is the secret, and the kind that names it."""

    kind: str
    description: str
    regex: re.Pattern[str]
    group: str = "secret"
    needles: tuple[str, ...] = ()  # lower-case; the rule runs only if one occurs in the text
    require: re.Pattern[str] | None = None  # the secret must contain a match of this


def _expand(
    pattern: str,
    fragments: Mapping[str, str],
    where: str,
    words: Mapping[str, object] | None = None,
) -> str:
    def insert(match: re.Match[str]) -> str:
        name, back = match.group(1), match.group(2)
        if back is not None:
            if words is None or name not in words:
                raise ValueError(f"{where}: {{{name}<{back}}} needs a [words] entry {name}")
            return _behind(words[name], int(back), where)
        if name not in fragments:
            raise ValueError(f"{where}: unknown fragment {{{name}}}")
        return fragments[name]

    return _FRAGMENT_REF.sub(insert, pattern)


def _joined(value: object, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    raise ValueError(f"{where}: pattern must be a string or a list of strings")


def _case_variants(words: object, where: str) -> str:
    """`["key", "api"]` -> a regex for key|KEY|Key|api|API|Api, factored by prefix.

    The factoring (`(?:K(?:EY|ey)|...)`) matters: the regex engine tries the alternatives of a
    group one by one at every position, so a flat list of sixty names is several times slower.
    """
    if not isinstance(words, list) or not all(isinstance(word, str) and word for word in words):
        raise ValueError(f"{where}: must be a list of non-empty words")
    forms = {form for word in words for form in (word.lower(), word.upper(), word.capitalize())}
    return _trie(sorted(forms))


def _behind(words: object, skip: int, where: str) -> str:
    """`{words<n}`: the n characters just matched follow one of the words, perhaps with `_`/`-`.

    A lookbehind after a literal keeps the engine's fast scan for that literal; a pattern that
    starts with many possible words is scanned several times slower.
    """
    if not isinstance(words, list) or not all(isinstance(word, str) and word for word in words):
        raise ValueError(f"{where}: must be a list of non-empty words")
    by_length: dict[int, set[str]] = {}
    for word in words:
        for form in (word.lower(), word.upper(), word.capitalize()):
            by_length.setdefault(len(form), set()).add(re.escape(form))
    tail = "." * skip
    behinds = []
    for _, forms in sorted(by_length.items()):
        alternatives = "|".join(sorted(forms))
        behinds += [f"(?<=(?:{alternatives}){tail})", f"(?<=(?:{alternatives})[_-]{tail})"]
    return "(?:" + "|".join(behinds) + ")"


def _trie(forms: list[str]) -> str:
    tails: dict[str, list[str]] = {}
    ends_here = False
    for form in forms:
        if form:
            tails.setdefault(form[0], []).append(form[1:])
        else:
            ends_here = True
    branches = [re.escape(head) + _trie(rest) for head, rest in sorted(tails.items())]
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if not branches:
        return ""
    return f"(?:{body})?" if ends_here else body


def load_rules(source: str) -> tuple[Rule, ...]:
    """Compile the rules of a TOML table given as text (the format of `secret_patterns.toml`)."""
    table = tomllib.loads(source)
    words: dict[str, object] = table.get("words", {})
    fragments = {name: _case_variants(forms, f"words {name}") for name, forms in words.items()}
    for name, value in table.get("fragments", {}).items():
        fragments[name] = _expand(_joined(value, f"fragment {name}"), fragments, f"fragment {name}")
    rules: list[Rule] = []
    for number, row in enumerate(table.get("rule", []), start=1):
        where = f"rule {number} ({row.get('kind', '?')})"
        pattern = _expand(_joined(row["pattern"], where), fragments, where, words)
        try:
            regex = re.compile(pattern, re.ASCII)
        except re.error as exc:
            raise ValueError(f"{where}: {exc}") from exc
        group = str(row.get("group", "secret"))
        if group not in regex.groupindex:
            raise ValueError(f"{where}: the pattern has no group {group!r}")
        needles = tuple(str(needle).lower() for needle in row.get("needles", ()))
        if any(not needle or "[" in needle or "]" in needle for needle in needles):
            # A marker is `[redacted:kind]`: a needle without brackets can never straddle one,
            # which lets the re-scan reuse the first scan's needles.
            raise ValueError(f"{where}: a needle must be non-empty and hold no `[` or `]`")
        require = re.compile(str(row["require"]), re.ASCII) if "require" in row else None
        rules.append(
            Rule(str(row["kind"]), str(row["description"]), regex, group, needles, require)
        )
    return tuple(rules)


@cache
def rules() -> tuple[Rule, ...]:
    """The shipped rules, compiled at first use."""
    source = resources.files("core.redaction").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return load_rules(source)


def known_kinds() -> tuple[str, ...]:
    """Every kind a finding can have, in the order the table first names it."""
    return tuple(dict.fromkeys(rule.kind for rule in rules()))
