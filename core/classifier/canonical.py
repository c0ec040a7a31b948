"""Read the canonical sentence: `User: P is not authorized to perform: A [on resource: R] [why]`.

Every occurrence of the anchor phrase starts one candidate. The principal is read backwards from the
anchor (after the nearest `User:`-like label), the action, resource and context forwards, one phrase
at a time, within bounded windows so the whole pass stays linear. Hard wraps are joined inside
tokens when what follows the break is not a known phrase; a line break is kept as a boundary
otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.classifier.candidate import MAX_CANDIDATES, Candidate
from core.classifier.flex import flex
from core.classifier.lazy import LazyPattern
from core.classifier.phrases import (
    NOT_AUTHORIZED,
    POLICY_TYPE_PHRASES,
    PRINCIPAL_LABELS,
    STOP_PHRASES,
)
from core.record import DenialKind, DenyKind, PolicyType

PRINCIPAL_WINDOW = 700  # how far before the anchor a `User:` label may stand
TAIL_WINDOW = 4000  # how far after the anchor the sentence may run

_I = re.IGNORECASE
_POLICY = "|".join(f"(?:{p})" for p, _ in POLICY_TYPE_PHRASES)
_POLICY_RES = tuple((LazyPattern(flex(p), _I), t) for p, t in POLICY_TYPE_PHRASES)


def literal_first(rows: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    """One case-sensitive alternation of wrap-tolerant phrases, each starting with a literal.

    Each branch is written `c(?P<kind__n>rest)` so that the regex engine can skip to positions
    holding one of the first characters; `lastgroup` names the branch's kind.
    """
    branches = []
    for n, (kind, pattern) in enumerate(rows):
        first = pattern[:2] if pattern.startswith("\\") else pattern[:1]
        rest = pattern[len(first) :]
        gap = "\\n?" if first.isalpha() and rest[:1].isalpha() else ""
        branches.append(f"{first}{gap}(?P<{kind}__{n}>{flex(rest)})")
    return re.compile("|".join(branches), re.MULTILINE)


def kind_of(match: re.Match[str]) -> str:
    """The kind of the branch of a `literal_first` pattern that matched."""
    return (match.lastgroup or "").split("__", 1)[0]


ANCHOR = re.compile(flex(NOT_AUTHORIZED))
_LABEL = literal_first(tuple(("label", label) for label in PRINCIPAL_LABELS))
_USER_WORD = re.compile(r"\bUser\s*$", _I)
_LEAD = re.compile(r"\s*:?\s*")

# What can follow the action or the resource (see `STOP_PHRASES`).
_STOP = literal_first(STOP_PHRASES)

_ACTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\s*:\s*[A-Za-z0-9_*.-]{1,200}")
_IMPLICIT_TAIL = LazyPattern(
    flex(r"\s*(?:the\s*)?")
    + r"(?P<action>[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\s*:\s*[A-Za-z0-9_*.\n-]{1,200}?)?"
    + flex(r"\s*action\b"),
    _I,
)
_POLICY_ALLOWS = LazyPattern(flex(rf"\s*(?P<pt>{_POLICY})\s*allows?"), _I)
_THROUGH_POLICY = LazyPattern(flex(rf"\s*(?:an?|the)?\s*(?P<pt>{_POLICY})"), _I)
_IN_POLICY = LazyPattern(flex(rf"\s*in\s*(?:an?|the)?\s*(?P<pt>{_POLICY})"), _I)
_POLICY_ARN = LazyPattern(
    flex(r"(?:\s*:\s*|\s*,?\s*with\s*(?:the\s*)?policy\s*ARN\s*:?\s*|\s*\(\s*policy\s*ARN\s*:?\s*)")
    + r"(?P<arn>arn:[A-Za-z0-9-]{1,20}:[A-Za-z0-9-]{1,40}:[^\s\"'<>,;()]{1,900})",
    _I,
)
_AUTHZ_LINK = LazyPattern(
    r"https?://[^\s\"'<>]{1,300}?#/authorization-details/(?P<id>[A-Za-z0-9_-]{1,128})"
)
_AUTHZ_ID = LazyPattern(flex(r"authorization\s*id\s*:?\s*") + r"(?P<id>[A-Za-z0-9_-]{4,128})", _I)
ENCODED = LazyPattern(
    flex(r"Encoded\s*authorization\s*failure\s*message\s*:?\s*")
    + r"(?P<blob>[A-Za-z0-9_+/=-]{1,20000}(?:\n[A-Za-z0-9_+/=-]{1,20000}(?=\n|$))*)"
    r"(?P<trunc>\s*(?:\.\.\.|…|\[truncated\]|\(truncated\)))?",
    _I | re.MULTILINE,
)
TRUNCATED_BLOB = 64  # a real encoded message is hundreds of characters long
_WRAP_LINE = 40  # a line at least this long before a break may have been wrapped by a terminal


def _policy_type(phrase: str) -> PolicyType | None:
    for pattern, policy_type in _POLICY_RES:
        if pattern.fullmatch(phrase.strip()):
            return policy_type
    return None


def _line_length_before(text: str, pos: int) -> int:
    return pos - (text.rfind("\n", 0, pos) + 1)


def _token(
    text: str, start: int, stop: int, *, wrapped_tail: bool, accept: Callable[[str], bool]
) -> tuple[str | None, int]:
    """The token in text[start:stop] and where it ends: wraps inside it joined, stray words after
    it dropped.

    `wrapped_tail` says the region ends at a phrase the sentence continues with, so every line
    break inside the region is a wrap. Otherwise a break is a wrap only after a long line and when
    the joined token is acceptable.
    """
    region = text[start:stop]
    lead = len(region) - len(region.lstrip(" \n"))
    region = region.strip(" \n")
    begin = start + lead
    if not region:
        return None, start
    if region[0] in "\"'":
        close = region.find(region[0], 1)
        inner = region[1:close] if close > 0 else region[1:]
        end = begin + (close + 1 if close > 0 else len(region))
        return inner.replace("\n", "").strip() or None, end
    first = region.split(" ", 1)[0]
    pieces = first.split("\n")
    token = pieces[0]
    end = begin + len(token)
    for piece in pieces[1:]:
        joined = token + piece
        if wrapped_tail or (_line_length_before(text, end) >= _WRAP_LINE and accept(joined)):
            token = joined
            end += 1 + len(piece)
        else:
            break
    stripped = token.rstrip(".,;:")
    return stripped or None, end - (len(token) - len(stripped))


def _next_stop(text: str, pos: int, limit: int) -> re.Match[str] | None:
    """The next stop phrase, passing over full stops that a terminal wrap put at a line's end.

    `app.` + newline + `zip with an explicit deny` is one token cut by the wrap, not the end of
    the sentence: the line is long and the next one goes on in lower case or digits.
    """
    while True:
        stop = _STOP.search(text, pos, limit)
        if stop is None or not _wrapped_full_stop(text, stop):
            return stop
        pos = stop.end()


def _wrapped_full_stop(text: str, stop: re.Match[str]) -> bool:
    at = stop.end()
    return (
        stop.group() == "."
        and text[at : at + 1] == "\n"
        and _line_length_before(text, stop.start()) >= _WRAP_LINE
        and text[at + 1 : at + 2].islower() | text[at + 1 : at + 2].isdigit()
    )


def _is_action(token: str) -> bool:
    return _ACTION.fullmatch(token) is not None


def _any(_token: str) -> bool:
    return True


def last_match(
    pattern: re.Pattern[str] | LazyPattern, text: str, start: int, end: int
) -> re.Match[str] | None:
    """The last non-overlapping match of `pattern` in text[start:end]."""
    found = None
    for found in pattern.finditer(text, start, end):  # noqa: B007 - keep the last one
        pass
    return found


def _principal_before(text: str, anchor_start: int, floor: int) -> tuple[str | None, int]:
    """The principal named before the anchor, and where the denial starts."""
    window_start = max(floor, anchor_start - PRINCIPAL_WINDOW)
    label = last_match(_LABEL, text, window_start, anchor_start)
    if label is None:
        user = _USER_WORD.search(text, max(window_start, anchor_start - 40), anchor_start)
        return None, user.start() if user else anchor_start
    region = text[label.end() : anchor_start].strip(" \n")
    if not region:
        return None, label.start()
    if region[0] in "\"'" and region[-1:] == region[0]:
        region = region[1:-1]
    first = region.split(" ", 1)[0]
    return first.replace("\n", "") or None, label.start()


def find_canonical(text: str) -> list[Candidate]:
    """Every canonical `... is not authorized to perform: ...` denial in normalised text."""
    # Anchors that read no denial still cost a little each: bound how many are examined.
    anchors = list(ANCHOR.finditer(text))[: 4 * MAX_CANDIDATES]
    found: list[Candidate] = []
    floor = 0
    for i, anchor in enumerate(anchors):
        limit = anchors[i + 1].start() if i + 1 < len(anchors) else len(text)
        limit = min(limit, anchor.end() + TAIL_WINDOW)
        candidate = _read_one(text, anchor, floor, limit)
        if candidate is not None:
            found.append(candidate)
            floor = candidate.end
            if len(found) >= MAX_CANDIDATES:
                break
    return found


def _read_one(text: str, anchor: re.Match[str], floor: int, limit: int) -> Candidate | None:
    principal, start = _principal_before(text, anchor.start(), floor)
    lead = _LEAD.match(text, anchor.end(), limit)
    pos = lead.end() if lead else anchor.end()
    stop = _next_stop(text, pos, limit)
    stop_at = stop.start() if stop else limit
    action, _ = _token(
        text, pos, stop_at, wrapped_tail=bool(stop and kind_of(stop) != "end"), accept=_is_action
    )
    if action is None or not _is_action(action):
        return None
    action = re.sub(r"\s+", "", action)
    candidate = Candidate(
        kind=DenialKind.NOT_AUTHORIZED, start=start, end=stop_at, principal=principal, action=action
    )
    while stop is not None:
        resume = _apply(text, stop, candidate, limit)
        if resume is None:
            break
        candidate.end = resume
        stop = _next_stop(text, resume, limit)
    return candidate


def _apply(text: str, stop: re.Match[str], candidate: Candidate, limit: int) -> int | None:
    """Fold one phrase into the candidate; the position to continue from, or None when done."""
    kind = kind_of(stop)
    if kind == "onthis":
        return stop.end()
    if kind == "on":
        nxt = _next_stop(text, stop.end(), limit)
        nxt_at = nxt.start() if nxt else limit
        if (
            nxt is not None
            and text[stop.end() : nxt_at].strip(" \n") == ""
            and nxt.group() in "\"'"
        ):
            # A quoted resource: read to the closing quote.
            close = text.find(nxt.group(), nxt.end(), limit)
            if close > 0:
                candidate.resource = text[nxt.end() : close].replace("\n", "").strip() or None
                return close + 1
        continues = bool(nxt and kind_of(nxt) != "end")
        candidate.resource, token_end = _token(
            text, stop.end(), nxt_at, wrapped_tail=continues, accept=_any
        )
        return nxt_at if continues else token_end
    if kind == "explicit":
        candidate.deny_kind = DenyKind.EXPLICIT
        pos = stop.end()
        in_policy = _IN_POLICY.match(text, pos, limit)
        if in_policy:
            candidate.policy_type = _policy_type(in_policy.group("pt"))
            pos = in_policy.end()
            pos = _read_policy_arn(text, pos, limit, candidate)
        return pos
    if kind == "implicit":
        named_policy = _POLICY_ALLOWS.match(text, stop.end(), limit)
        if named_policy is None:
            return stop.end()  # "because no ..." without a policy type: read on
        candidate.deny_kind = DenyKind.IMPLICIT
        candidate.policy_type = _policy_type(named_policy.group("pt"))
        pos = named_policy.end()
        tail = _IMPLICIT_TAIL.match(text, pos, min(limit, pos + 400))
        if tail:
            named = tail.group("action")
            if named:
                named = re.sub(r"\s+", "", named)
                if named != candidate.action:
                    candidate.context_action = named
            pos = tail.end()
        return _read_policy_arn(text, pos, limit, candidate)
    if kind == "kms":
        candidate.kind = DenialKind.KMS_KEY_ACCESS
        candidate.policy_type = PolicyType.RESOURCE_BASED
        end = text.find(".", stop.end(), min(limit, stop.end() + 300))
        return end + 1 if end > 0 else stop.end()
    if kind == "trans":
        named_policy = _THROUGH_POLICY.match(text, stop.end(), limit)
        if named_policy is None:
            return stop.end()
        candidate.transitive_through = _policy_type(named_policy.group("pt"))
        return _read_policy_arn(text, named_policy.end(), limit, candidate)
    if kind == "encoded":
        encoded = ENCODED.match(text, stop.start(), min(len(text), stop.start() + 60000))
        candidate.kind = DenialKind.ENCODED_AUTHORIZATION
        if encoded:
            blob = encoded.group("blob").replace("\n", "")
            candidate.encoded_message = blob
            candidate.encoded_truncated = bool(encoded.group("trunc")) or len(blob) < TRUNCATED_BLOB
            return encoded.end()
        return stop.end()
    if kind == "authz":
        return _read_authorization(text, stop.start(), limit, candidate)
    if kind == "because":
        return stop.end()
    if kind == "end" and stop.group() == "." and _continues(text, stop.end(), limit):
        return stop.end()
    return None


def _read_policy_arn(text: str, pos: int, limit: int, candidate: Candidate) -> int:
    match = _POLICY_ARN.match(text, pos, limit)
    if match:
        candidate.policy_arn = match.group("arn").rstrip(".")
        return match.end() - (len(match.group("arn")) - len(candidate.policy_arn))
    return pos


# What may follow a full stop and still belong to the same denial.
_CONTINUATION = LazyPattern(
    r"[^\n]{0,200}?(?:#/authorization-details/|"
    + flex(r"authorization\s*id|Encoded\s*authorization\s*failure\s*message)"),
    _I,
)


def _continues(text: str, pos: int, limit: int) -> bool:
    return _CONTINUATION.match(text, pos, min(limit, pos + 400)) is not None


def _read_authorization(text: str, pos: int, limit: int, candidate: Candidate) -> int:
    window_end = min(limit, pos + 800)
    end = pos
    link = _AUTHZ_LINK.search(text, pos, window_end)
    if link:
        candidate.authorization_link = link.group()
        candidate.authorization_id = link.group("id")
        end = max(end, link.end())
    ident = _AUTHZ_ID.search(text, pos, window_end)
    if ident:
        candidate.authorization_id = candidate.authorization_id or ident.group("id")
        end = max(end, ident.end())
    return max(end, pos + 1)
