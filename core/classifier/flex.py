"""Make a phrase regex tolerate hard wraps inside its words (and take spaces possessively).

Terminals wrap at a fixed column, so a break can land inside any word of a phrase (`perfor\\nm:`,
`bound\\nary`). `flex(pattern)` returns the same regex with an optional `\\n` after every literal
letter that the same word goes on after (outside character classes, escapes, group headers and
quantifiers). Each inserted `\\n?` is
followed by a literal, so matching stays linear.
"""

from __future__ import annotations

_QUANTIFIERS = "?*+{"


def _skip_group_header(pattern: str, i: int) -> int:
    """Index just past a group header starting at `(` (`(?:`, `(?P<name>`, `(?<=`, ...)."""
    if not pattern.startswith("(?", i):
        return i + 1
    if pattern.startswith("(?P<", i):
        return pattern.index(">", i) + 1
    if pattern.startswith("(?P=", i):
        return pattern.index(")", i)
    if pattern.startswith(("(?<=", "(?<!"), i):
        return i + 4
    return i + 3  # (?: (?= (?! (?>


def _skip_class(pattern: str, i: int) -> int:
    """Index just past a character class starting at `[`."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _quantifier_end(pattern: str, i: int) -> int:
    """Index just past a quantifier starting at `i` (and its lazy/possessive suffix), or `i`."""
    if i >= len(pattern) or pattern[i] not in _QUANTIFIERS:
        return i
    if pattern[i] == "{":
        close = pattern.find("}", i)
        if close < 0:
            return i
        i = close + 1
    else:
        i += 1
    if i < len(pattern) and pattern[i] in "?+":
        i += 1
    return i


def _word_goes_on(pattern: str, i: int) -> bool:
    """Whether the pattern continues the same word at `i` (a letter, a group or a class)."""
    return i < len(pattern) and (pattern[i].isalpha() or pattern[i] in "([")


def flex(pattern: str) -> str:
    """`pattern` with an optional newline allowed after each literal letter."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    in_lookbehind = 0
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            if pattern.startswith("\\s*", i) and pattern[i + 3 : i + 4] not in ("?", "+"):
                # Whitespace between words is taken possessively: two `\s*` around an optional
                # piece (`\s*,?\s*with`) would otherwise backtrack quadratically over a long run
                # of spaces. The next token is never whitespace, so nothing is lost.
                out.append("\\s*+")
                i += 3
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = _skip_class(pattern, i)
            k = _quantifier_end(pattern, j)
            out.append(pattern[i:k])
            if k == j and _word_goes_on(pattern, j) and not in_lookbehind:
                out.append("\\n?")  # `authori[sz]ed`: a class inside a word
            i = k
            continue
        if ch == "(":
            j = _skip_group_header(pattern, i)
            if pattern.startswith(("(?<=", "(?<!"), i):
                in_lookbehind += 1
            out.append(pattern[i:j])
            i = j
            continue
        if ch == ")" and in_lookbehind:
            in_lookbehind -= 1
        if ch.isascii() and ch.isalpha() and not in_lookbehind:
            j = _quantifier_end(pattern, i + 1)
            out.append(pattern[i:j])
            if _word_goes_on(pattern, j):
                out.append("\\n?")
            i = j
            continue
        j = _quantifier_end(pattern, i + 1)
        out.append(pattern[i:j])
        i = j
    return "".join(out)
