"""Undo the damage copying does to a paste, keeping a map back to the original offsets.

Chat clients and terminals mangle error messages: CRLF, non-breaking and zero-width spaces, Slack's
HTML escaping and `<url|label>` links, smart quotes, code fences and backticks, markdown quotes,
Terraform's `│` gutters, CI timestamp prefixes, JSON string escaping. `normalize` rewrites all of
that in one linear pass driven by the table in `core.classifier.phrases` and returns the clean text
with a piecewise offset map, so every denial can report its span in the text the user pasted.

Line breaks survive as a single `\n` (with the indentation and line decorations after them removed):
whether a break is a hard wrap to be joined or a real boundary is decided by the extractors, which
know what they are reading.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from core.classifier.phrases import DECORATION_START, LINE_DECORATIONS, REPLACEMENTS

# One alternation, tried only where `_FIRST` finds a character that can start it: a line break
# with the decorations that follow it, a Slack link, a run of JSON string escapes before a quote or
# slash, or one character (or entity) from the replacement table.
_LINK = r"<(?P<url>(?:https?|mailto):[^<>|\s]{1,2000})(?:\|(?P<label>[^<>]{0,500}))?>"
_ONE_BREAK = (
    r"(?:\r\n|\r|\n|\\r\\n|\\n)(?:(?="
    + DECORATION_START
    + r")(?:[ \t]|"
    + LINE_DECORATIONS
    + r"))*"
)
# A run of line breaks is one piece: a single break, or a blank line (which ends a sentence).
_BREAK = r"(?P<brk>(?:" + _ONE_BREAK + r")+)"
_ESCAPE = r"(?P<esc>\\{1,16}(?P<escaped>[\"/']))"
_CHARS = (
    "(?P<char>" + "|".join(re.escape(k) for k in sorted(REPLACEMENTS, key=len, reverse=True)) + ")"
)
_PATTERN = re.compile("|".join((_BREAK, _LINK, _ESCAPE, _CHARS)))
_SINGLE_BREAK = re.compile(_ONE_BREAK)
# One-character replacements that start nothing longer (not `&` entities, `<` links, `\` escapes
# or line breaks): replaced in runs.
_SIMPLE = {k: v for k, v in REPLACEMENTS.items() if len(k) == 1 and k not in "&<\\\r\n"}
_SIMPLE_TABLE = str.maketrans(_SIMPLE)
_SIMPLE_RUN = re.compile("(?P<simple>[" + "".join(re.escape(k) for k in _SIMPLE) + "]+)")
# Characters that are simply deleted, removed in runs before anything else.
_INVISIBLE = re.compile(
    "[" + "".join(re.escape(k) for k, v in REPLACEMENTS.items() if v == "" and len(k) == 1) + "]+"
)
_START = re.compile(r"(?:[ \t]|" + LINE_DECORATIONS + r")+")
_FIRST = re.compile(
    "[" + re.escape("".join(sorted({"\r", "\n", "\\", "<"} | {k[0] for k in REPLACEMENTS}))) + "]"
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """Clean text plus the offsets needed to map positions back to the original."""

    text: str
    # Invisible characters are removed first, in runs: removed_at[i] is the position in the
    # stripped text before which runs removed removed_before[i] characters in all.
    removed_at: tuple[int, ...]
    removed_before: tuple[int, ...]
    stripped_length: int
    # Parallel lists: a piece of `text` starting at norm_starts[i] came from the stripped text
    # starting at orig_starts[i]; within an unchanged piece offsets advance together.
    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]
    changed: tuple[bool, ...]

    def _unstrip(self, pos: int) -> int:
        i = bisect_right(self.removed_at, pos) - 1
        return pos + (self.removed_before[i] if i >= 0 else 0)

    def _to_stripped(self, offset: int) -> int:
        i = bisect_right(self.norm_starts, offset) - 1
        if i < 0:
            return 0
        if self.changed[i]:
            return self.orig_starts[i]
        return min(self.orig_starts[i] + (offset - self.norm_starts[i]), self.stripped_length)

    def to_original(self, offset: int) -> int:
        """The original offset of a normalised offset (start of a replaced piece, if inside one)."""
        return self._unstrip(self._to_stripped(offset))

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) covering the normalised [start, end)."""
        orig_start = self._to_stripped(start)
        i = bisect_right(self.norm_starts, max(end - 1, start)) - 1
        if i >= 0 and self.changed[i]:
            # The span ends inside a replaced piece: cover that piece entirely.
            nxt = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else self.stripped_length
            orig_end = max(orig_start, nxt)
        else:
            orig_end = max(orig_start, self._to_stripped(end))
        return self._unstrip(orig_start), self._unstrip(orig_end)


def _link_text(match: re.Match[str]) -> str:
    url = match.group("url")
    label = match.group("label")
    if not label:
        return url
    # Slack auto-links what the user typed (`s3.amazonaws.com` → `<http://s3.amazonaws.com|...>`):
    # keep what they typed when the label is the URL without its scheme; otherwise keep the URL.
    url = _unescape(url)
    label = _unescape(label)
    bare = url.split("://", 1)[-1].removeprefix("mailto:")
    return label if label in (bare, url) else url


def _unescape(value: str) -> str:
    # Slack escapes `&`, `<` and `>` inside links too.
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _strip_invisible(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """`text` without invisible characters, and where (and how many) were removed."""
    if _INVISIBLE.search(text) is None:
        return text, (), ()
    # split/findall loop in C: far cheaper than one Python step per run.
    kept = _INVISIBLE.split(text)
    removed_at = tuple(accumulate(map(len, kept[:-1])))
    removed_before = tuple(accumulate(map(len, _INVISIBLE.findall(text))))
    return "".join(kept), removed_at, removed_before


def normalize(text: str) -> Normalized:
    """Clean `text` for the extractors; see the module docstring for what is undone."""
    text, removed_at, removed_before = _strip_invisible(text)
    pieces: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    changed: list[bool] = []
    out_len = 0
    last = 0
    lead = _START.match(text)
    if lead:  # decorations before the first line: dropped like those after a line break
        norm_starts.append(0)
        orig_starts.append(0)
        changed.append(True)
        pieces.append("")
        last = lead.end()
    for hit in _FIRST.finditer(text, last):
        if hit.start() < last:
            continue  # inside what the previous replacement consumed
        if hit.group() in _SIMPLE:
            # A run of one-character replacements (backticks, odd spaces, smart quotes) is one
            # piece, without trying the whole alternation at every character.
            match = _SIMPLE_RUN.match(text, hit.start())
        else:
            match = _PATTERN.match(text, hit.start())
        if match is None:
            continue
        start, end = match.span()
        if start > last:
            norm_starts.append(out_len)
            orig_starts.append(last)
            changed.append(False)
            pieces.append(text[last:start])
            out_len += start - last
        kind = match.lastgroup
        if kind == "brk":
            new = "\n" if _SINGLE_BREAK.fullmatch(match.group()) else "\n\n"
        elif kind in ("url", "label"):
            new = _link_text(match)
        elif kind in ("esc", "escaped"):
            new = match.group("escaped")
        elif kind == "simple":
            new = match.group().translate(_SIMPLE_TABLE)
        else:
            new = REPLACEMENTS[match.group()]
        norm_starts.append(out_len)
        orig_starts.append(start)
        changed.append(True)
        pieces.append(new)
        out_len += len(new)
        last = end
    if last < len(text):
        norm_starts.append(out_len)
        orig_starts.append(last)
        changed.append(False)
        pieces.append(text[last:])
    return Normalized(
        text="".join(pieces),
        removed_at=removed_at,
        removed_before=removed_before,
        stripped_length=len(text),
        norm_starts=tuple(norm_starts),
        orig_starts=tuple(orig_starts),
        changed=tuple(changed),
    )
