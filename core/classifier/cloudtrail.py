"""CloudTrail events whose `errorCode` is a denial: one event, or `{"Records": [...]}`.

Each event is read field by field from its own stretch of text (between two `eventVersion` keys),
so a paste that is not valid JSON (cut short, several events, log prefixes) still reads.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from core.classifier import canonical
from core.classifier.candidate import MAX_CANDIDATES, Candidate
from core.classifier.lazy import LazyPattern
from core.classifier.phrases import DENIAL_ERROR_CODES, EVENT_SOURCE_PREFIXES
from core.record import DenialKind

_ERROR_CODE = LazyPattern(r"\"errorCode\"\s*:\s*\"(?P<v>[^\"]{1,80})\"")
_EVENT_START = LazyPattern(r"\"eventVersion\"\s*:")
_FIELDS = {
    name: re.compile(rf"\"{name}\"\s*:\s*\"(?P<v>[^\"]{{0,4000}})\"")
    for name in ("eventSource", "eventName", "awsRegion", "requestID", "recipientAccountId")
}
# errorMessage may quote resources; once unescaped, its end is the quote before `,` or `}`.
_FIELDS["errorMessage"] = re.compile(r"\"errorMessage\"\s*:\s*\"(?P<v>[^\n]{0,4000}?)\"\s*[,}\n]")
_USER_ARN = LazyPattern(
    r"\"userIdentity\"\s*:\s*\{[^{}]{0,3000}?\"arn\"\s*:\s*\"(?P<v>[^\"]{1,2048})\""
)
_INVOKED_BY = LazyPattern(
    r"\"userIdentity\"\s*:\s*\{[^{}]{0,3000}?\"invokedBy\"\s*:\s*\"(?P<v>[^\"]{1,200})\""
)
_RESOURCE_ARN = LazyPattern(
    r"\"resources\"\s*:\s*\[\s*\{[^{}]{0,2000}?\"ARN\"\s*:\s*\"(?P<v>[^\"]{1,2048})\""
)


_EVENT_REACH = 20000  # an event never spans more than this on either side of its errorCode


def find_cloudtrail(text: str) -> list[Candidate]:
    """Every CloudTrail event in normalised text whose error code is a denial."""
    codes = list(_ERROR_CODE.finditer(text))
    if not codes:
        return []
    starts = [m.start() for m in _EVENT_START.finditer(text)]
    found = []
    for n, code in enumerate(codes):
        if code.group("v") not in DENIAL_ERROR_CODES:
            continue
        # The event's stretch: between its eventVersion keys, and never past a neighbouring
        # event's errorCode (events pasted without eventVersion still stay apart).
        at = bisect_right(starts, code.start())
        begin = starts[at - 1] if at else 0
        end = starts[at] if at < len(starts) else len(text)
        begin = max(begin, codes[n - 1].end() if n else 0, code.start() - _EVENT_REACH)
        end = min(
            end, codes[n + 1].start() if n + 1 < len(codes) else end, code.end() + _EVENT_REACH
        )
        fields = {}
        # The event's span is what its fields cover, not the whole stretch searched: a denial
        # pasted next to the event is read on its own.
        first, last = code.start(), code.end()
        for name, pattern in _FIELDS.items():
            m = pattern.search(text, begin, end)
            fields[name] = m.group("v") if m else None
            if m:
                first, last = min(first, m.start()), max(last, m.end())
        source = fields["eventSource"] or ""
        host = source.removesuffix(".amazonaws.com")
        prefix = EVENT_SOURCE_PREFIXES.get(host, host.split(".", 1)[0]) if host else None
        action = f"{prefix}:{fields['eventName']}" if prefix and fields["eventName"] else None
        user = _USER_ARN.search(text, begin, end) or _INVOKED_BY.search(text, begin, end)
        resource = _RESOURCE_ARN.search(text, begin, end)
        for m in (user, resource):
            if m:
                first, last = min(first, m.start()), max(last, m.end())
        candidate = Candidate(
            kind=DenialKind.CLOUDTRAIL,
            start=first,
            end=last,
            principal=user.group("v") if user else None,
            action=action,
            resource=resource.group("v") if resource else None,
            error_code=code.group("v"),
            operation=fields["eventName"],
            request_id=fields["requestID"],
            region=fields["awsRegion"],
            message=fields["errorMessage"] or None,
            wrapped=True,
        )
        _read_message(candidate)
        found.append(candidate)
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def _read_message(candidate: Candidate) -> None:
    """Take policy type, deny kind and resource from a canonical sentence in errorMessage."""
    if not candidate.message:
        return
    inner = canonical.find_canonical(candidate.message)
    if not inner:
        return
    first = inner[0]
    candidate.policy_type = first.policy_type
    candidate.deny_kind = first.deny_kind
    candidate.transitive_through = first.transitive_through
    candidate.policy_arn = first.policy_arn
    candidate.resource = candidate.resource or first.resource
    candidate.principal = candidate.principal or first.principal
    candidate.action = first.action or candidate.action  # the message names the IAM action
    candidate.authorization_id = first.authorization_id
    candidate.authorization_link = first.authorization_link
