"""Secret redaction: `redact(text)` replaces every secret in a paste by `[redacted:<kind>]`.

Used wherever a paste is stored or echoed. The rules are a data table (`secret_patterns.toml`);
this module applies them:

- every rule runs over the whole text (each in linear time); its `secret` group is a candidate;
- overlapping candidates are resolved by earliest start, then longest, then rule order;
- each chosen span is replaced by its marker; everything else stays byte for byte;
- the result is scanned again (a secret can hide behind another rule's context), until nothing
  more is found, so `redact(redact(x).text).text == redact(x).text`.

`Redaction.findings` says what was removed (kind and position in the original text), never the
secret itself, so the bot can warn the poster. Stdlib only: the CLI imports this.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from core.redaction.rules import Rule, known_kinds, rules

__all__ = ["MARKER_PREFIX", "Finding", "Redaction", "Rule", "known_kinds", "marker", "redact"]

MARKER_PREFIX = "[redacted:"

# Passes after the first; one is nearly always enough, the bound keeps a freak input cheap.
_MAX_EXTRA_PASSES = 4

_Span = tuple[int, int, str]  # start, end, kind


@dataclass(frozen=True, slots=True)
class Finding:
    """One removed secret: its kind and its [start, end) in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Redaction:
    """The redacted text and what was removed from it, in order of position."""

    text: str
    findings: tuple[Finding, ...] = ()

    @property
    def found(self) -> bool:
        """True when at least one secret was removed."""
        return bool(self.findings)

    @property
    def has_secrets(self) -> bool:
        """The same as `found`: the original text held at least one secret."""
        return bool(self.findings)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The distinct kinds removed, in order of first appearance."""
        return tuple(dict.fromkeys(finding.kind for finding in self.findings))

    def counts(self) -> dict[str, int]:
        """How many secrets of each kind were removed."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.kind] = counts.get(finding.kind, 0) + 1
        return counts


@cache
def marker(kind: str) -> str:
    """The text that replaces a secret of this kind."""
    return f"{MARKER_PREFIX}{kind}]"


def redact(text: str) -> Redaction:
    """Replace every secret in `text` by a marker naming its kind. Never raises on a `str`."""
    present = _present_needles(text)
    spans = _scan(text, present)
    if not spans:
        return Redaction(text)
    redacted = _apply(text, spans)
    for _ in range(_MAX_EXTRA_PASSES):
        # The redacted text holds no needle the original did not, except inside markers (no
        # needle contains `[` or `]`, so none straddles a marker's edge), and a needle inside a
        # marker never starts a match (a kind is followed by `-` or `]`, which no rule accepts
        # after a name; tests/test_redaction.py checks it): the first scan's needles serve.
        again = _scan(redacted, present)
        if not again:
            break
        merged = _merge(spans, _to_original(again, spans))
        if merged == spans:
            break
        spans = merged
        redacted = _apply(text, spans)
    return Redaction(redacted, tuple(Finding(kind, start, end) for start, end, kind in spans))


@cache
def _needles() -> tuple[frozenset[str], bool]:
    """Every needle of the table, and whether every rule has some (so none can mean nothing)."""
    table = rules()
    return frozenset(n for rule in table for n in rule.needles), all(r.needles for r in table)


def _present_needles(text: str) -> set[str]:
    lowered = text.lower()
    return {needle for needle in _needles()[0] if needle in lowered}


def _scan(text: str, present: set[str]) -> list[_Span]:
    """Every rule's candidates, resolved into sorted, non-overlapping spans.

    `present`: the needles that occur in `text` (or a superset); rules with none of theirs skip.
    """
    if not present and _needles()[1]:
        return []  # the common case: chatter with nothing any rule looks for
    candidates: list[tuple[int, int, int, str]] = []
    for order, rule in enumerate(rules()):
        if rule.needles and present.isdisjoint(rule.needles):
            continue
        for match in rule.regex.finditer(text):
            start, end = match.span(rule.group)
            if (
                start < end
                and not text.startswith(MARKER_PREFIX, start)
                and (rule.require is None or rule.require.search(text, start, end))
            ):
                candidates.append((start, -end, order, rule.kind))
    candidates.sort()
    chosen: list[_Span] = []
    covered = 0
    for start, negative_end, _, kind in candidates:
        if start >= covered:
            chosen.append((start, -negative_end, kind))
            covered = -negative_end
    return chosen


def _apply(text: str, spans: list[_Span]) -> str:
    parts: list[str] = []
    position = 0
    for start, end, kind in spans:
        parts.append(text[position:start])
        parts.append(marker(kind))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _to_original(found: list[_Span], spans: list[_Span]) -> list[_Span]:
    """Map spans of the redacted text back to the original; a cut marker counts as a whole."""
    starts: list[int] = []  # where each marker starts in the redacted text
    shift = 0
    for start, end, kind in spans:
        starts.append(start + shift)
        shift += len(marker(kind)) - (end - start)

    def original(position: int, is_end: bool) -> int:
        # The last marker that starts before `position` (at it, for a start).
        index = bisect_right(starts, position - 1 if is_end else position) - 1
        if index < 0:
            return position
        start, end, kind = spans[index]
        marker_end = starts[index] + len(marker(kind))
        if position < marker_end or (is_end and position == marker_end):
            return end if is_end else start
        return end + (position - marker_end)

    return [(original(start, False), original(end, True), kind) for start, end, kind in found]


def _merge(spans: list[_Span], more: list[_Span]) -> list[_Span]:
    """Union of two span lists; overlapping spans join under the kind of the earliest, longest."""
    merged: list[_Span] = []
    for start, end, kind in sorted(spans + more, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last_start, last_end, last_kind = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_kind)
        else:
            merged.append((start, end, kind))
    return merged
