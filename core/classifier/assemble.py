"""Turn extractor candidates into `DenialRecord`s: wrappers attached, overlaps and repeats removed,
detail-less error codes turned into denials of their own, principals parsed, actions checked.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from core.arn import account_of, parse_principal, region_of
from core.classifier.candidate import Candidate
from core.classifier.normalize import Normalized
from core.classifier.phrases import ERROR_CLOSERS, S3_HINTS, S3_OPERATION_WORDS
from core.classifier.wrappers import Annotation
from core.credentials import credential_problem
from core.record import DenialKind, DenialRecord

PREFIX_WINDOW = 400  # how far before a denial its wrapper may start
FOLLOW_WINDOW = 400  # how far after a denial its request id and status may stand
ECHO_WINDOW = 1500  # how far after a denial an SDK may print its error code again (JS dumps)
MATCHED_TEXT_LIMIT = 2000

_XML_MESSAGE = re.compile(r"<Message>\s*(?P<v>[^<]{0,300})</Message>")
_GENERIC_WINDOW = 400

ActionChecker = Callable[[str], tuple[bool | None, str | None, bool | None, str | None]]


class Spans:
    """Answers "is this position inside one of these spans?" in logarithmic time."""

    def __init__(self, spans: Sequence[Candidate]) -> None:
        ordered = sorted(spans, key=lambda c: c.start)
        self._starts = [c.start for c in ordered]
        self._reach: list[int] = []
        reach = -1
        for c in ordered:
            reach = max(reach, c.end)
            self._reach.append(reach)

    def covers(self, pos: int) -> bool:
        """Whether some span starts at or before `pos` and ends after it."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i] > pos


def drop_inside(candidates: list[Candidate], containers: list[Candidate]) -> list[Candidate]:
    """The candidates that do not start inside any container's span."""
    if not containers:
        return candidates
    spans = Spans(containers)
    return [c for c in candidates if not spans.covers(c.start)]


def attach_wrappers(
    candidates: list[Candidate], annotations: list[Annotation], text: str
) -> set[int]:
    """Give each candidate the wrapper fields written around it; the annotations used, by index.

    Before a denial: the nearest wrapper that names an error code (and what lies between it and the
    denial). Inside it: everything. After it: request ids and statuses, and an error code on the
    same line (Java), up to the next error code that starts another error; dumped error objects
    that repeat the denial's code further down are claimed too.
    """
    used: set[int] = set()
    starts = [a.start for a in annotations]
    ordered = sorted(candidates, key=lambda c: c.start)
    for n, cand in enumerate(ordered):
        floor = ordered[n - 1].end if n else 0
        ceiling = ordered[n + 1].start if n + 1 < len(ordered) else len(text)
        lo = bisect_left(starts, max(floor, cand.start - PREFIX_WINDOW))
        begin = bisect_left(starts, cand.start)
        inner_end = bisect_left(starts, cand.end)
        if cand.wrapped:  # structured sources carry their own fields
            used.update(range(begin, inner_end))
            continue
        nearest = next(
            (i for i in range(begin - 1, lo - 1, -1) if annotations[i].error_code is not None),
            None,
        )
        if nearest is not None and _closed_between(text, annotations[nearest].end, cand.start):
            nearest = None  # that wrapper's error ended before this denial: not its wrapper
        if nearest is not None and annotations[nearest].prefix:
            # Go v2 prints operation, status and request id before `api error Code:`.
            first = nearest
            reach = annotations[nearest].start - PREFIX_WINDOW
            while first > lo and annotations[first - 1].error_code is None:
                if annotations[first - 1].start < reach:
                    break
                first -= 1
            for i in range(first, begin):
                _claim(cand, annotations[i], used, i, code=i >= nearest)
        elif nearest is None:
            line_start = text.rfind("\n", 0, cand.start) + 1
            for i in range(lo, begin):
                if annotations[i].start >= line_start:
                    _claim(cand, annotations[i], used, i, code=False)
        for i in range(begin, inner_end):
            _claim(cand, annotations[i], used, i, code=cand.error_code is None)
        line_end = text.find("\n", cand.end)
        line_end = len(text) if line_end < 0 else line_end
        horizon = min(ceiling, cand.end + ECHO_WINDOW)
        for i in range(inner_end, bisect_left(starts, horizon)):
            ann = annotations[i]
            if ann.error_code is not None:
                if ann.start <= line_end:
                    _claim(cand, ann, used, i, code=cand.error_code is None)
                    continue
                if ann.echo and ann.error_code == cand.error_code:
                    used.add(i)
                    continue
                break  # another error starts here
            if ann.start < cand.end + FOLLOW_WINDOW:
                _claim(cand, ann, used, i, code=False)
    return used


def _closed_between(text: str, start: int, end: int) -> bool:
    """Whether an error printed at `start` is complete before `end` (its own message shown)."""
    gap = text[start:end]
    return any(mark in gap for mark in ERROR_CLOSERS)


def _claim(cand: Candidate, ann: Annotation, used: set[int], index: int, *, code: bool) -> None:
    """Copy what an annotation says into the candidate (the code only when asked)."""
    if code and ann.error_code is not None:
        cand.error_code = ann.error_code
    if ann.operation and (code or cand.operation is None):
        cand.operation = ann.operation
    if ann.http_status is not None and cand.http_status is None:
        cand.http_status = ann.http_status
    if ann.request_id is not None and cand.request_id is None:
        cand.request_id = ann.request_id
    used.add(index)


def generic_denials(
    annotations: list[Annotation], used: set[int], candidates: list[Candidate], text: str
) -> list[Candidate]:
    """Detail-less denials from error codes no other denial claimed (credential errors excluded)."""
    found: list[Candidate] = []
    claimed = Spans(candidates)
    for i, ann in enumerate(annotations):
        if i in used or not (ann.is_denial_code or ann.bare or ann.http_status == 403):
            continue
        if claimed.covers(ann.start):
            continue
        if found and (
            ann.start <= found[-1].end
            or (
                ann.echo
                and ann.start <= found[-1].end + ECHO_WINDOW
                and ann.error_code in (found[-1].error_code, None)
            )
        ):
            _merge(found[-1], ann)  # the same refusal, printed again further down (JS dumps)
            continue
        line_end = text.find("\n", ann.end)
        line_end = len(text) if line_end < 0 else line_end
        window_end = min(len(text), ann.start + _GENERIC_WINDOW)
        line_start = text.rfind("\n", 0, ann.start) + 1
        if credential_problem(text, line_start, window_end) is not None:
            continue
        xml = _XML_MESSAGE.search(text, ann.end, window_end)
        if xml:
            message = xml.group("v")
        elif ann.prefix:
            message = text[ann.end : line_end]
        else:  # Java: `...Exception: Access Denied (Service: ...; Error Code: AccessDenied; ...)`
            message = _message_before(text[line_start : ann.start])
        message = " ".join(message.split())[:300] or None
        context = text[line_start:window_end]
        if ann.error_code is None and not ann.bare and not _says_denied(context):
            continue  # a 403 status alone, with nothing saying access was denied
        cand = Candidate(
            kind=_generic_kind(ann, context),
            start=ann.start,
            end=max(line_end, xml.end() if xml else line_end),
            error_code=ann.error_code,
            operation=ann.operation,
            http_status=ann.http_status,
            message=message,
        )
        j = i - 1
        while j >= 0 and annotations[j].start >= line_start:
            if annotations[j].error_code is None:
                _merge(cand, annotations[j])  # Go v2 prints operation, status, request id first
            j -= 1
        _attach_following(cand, annotations, i, text)
        found.append(cand)
    return found


def _message_before(line: str) -> str:
    """The message of a Java-style line: between the exception's name and `(Service: ...`."""
    cut = line.find("(Service")
    if cut >= 0:
        line = line[:cut]
    for marker in ("Exception: ", "Error: "):
        at = line.rfind(marker)
        if at >= 0:
            return line[at + len(marker) :]
    return line


def _attach_following(
    cand: Candidate, annotations: list[Annotation], index: int, text: str
) -> None:
    """Request id and status written after a detail-less denial (Go v1, Java, XML)."""
    horizon = cand.end + FOLLOW_WINDOW
    for ann in annotations[index + 1 :]:
        if ann.start >= horizon or (ann.is_denial_code and ann.start > cand.end):
            break
        _merge(cand, ann)


def _says_denied(context: str) -> bool:
    return "Access Denied" in context or "Forbidden" in context


def _merge(cand: Candidate, ann: Annotation) -> None:
    cand.error_code = cand.error_code or ann.error_code
    cand.operation = cand.operation or ann.operation
    cand.http_status = cand.http_status or ann.http_status
    cand.request_id = cand.request_id or ann.request_id


def _generic_kind(ann: Annotation, context: str) -> DenialKind:
    if "Access Denied" in context or any(hint in context for hint in S3_HINTS):
        return DenialKind.S3_ACCESS_DENIED
    if ann.operation and any(word in ann.operation for word in S3_OPERATION_WORDS):
        return DenialKind.S3_ACCESS_DENIED
    return DenialKind.ACCESS_DENIED


def dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates in order of appearance, each distinct denial once (retried logs repeat them)."""
    seen: set[tuple[object, ...]] = set()
    out: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start, c.end)):
        key = (
            cand.kind,
            cand.principal,
            cand.action.lower() if cand.action else None,
            cand.resource,
            cand.policy_type,
            cand.deny_kind,
            cand.transitive_through,
            cand.policy_arn,
            cand.encoded_message,
            cand.error_code if cand.action is None else None,
            cand.operation if cand.action is None else None,
            cand.message if cand.action is None else None,
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(cand)
    return out


def to_record(
    cand: Candidate,
    norm: Normalized,
    *,
    truncated: bool,
    check_action: ActionChecker | None,
) -> DenialRecord:
    """The public record of one candidate."""
    principal = parse_principal(cand.principal)
    resource_account = cand.resource_account or account_of(cand.resource)
    principal_account = principal.account_id if principal else None
    cross = (
        principal_account != resource_account
        if principal_account is not None and resource_account is not None
        else None
    )
    service = cand.action.split(":", 1)[0].lower() if cand.action and ":" in cand.action else None
    action_known = action_suggestion = service_known = service_suggestion = None
    if check_action is not None and cand.action:
        action_known, action_suggestion, service_known, service_suggestion = check_action(
            cand.action
        )
    start, end = norm.span_to_original(cand.start, cand.end)
    return DenialRecord(
        kind=cand.kind,
        principal_arn=cand.principal,
        action=cand.action,
        resource=cand.resource,
        policy_type=cand.policy_type,
        deny_kind=cand.deny_kind,
        transitive_through=cand.transitive_through,
        policy_arn=cand.policy_arn,
        encoded_message=cand.encoded_message,
        error_code=cand.error_code,
        principal=principal,
        service=service,
        context_action=cand.context_action,
        resource_account=resource_account,
        cross_account=cross,
        region=cand.region or region_of(cand.resource),
        operation=cand.operation,
        authorization_id=cand.authorization_id,
        authorization_link=cand.authorization_link,
        request_id=cand.request_id,
        http_status=cand.http_status,
        message=cand.message,
        encoded_truncated=cand.encoded_truncated,
        action_known=action_known,
        action_suggestion=action_suggestion,
        service_known=service_known,
        service_suggestion=service_suggestion,
        span=(start, end),
        matched_text=norm.text[cand.start : cand.end].strip()[:MATCHED_TEXT_LIMIT],
        input_truncated=truncated,
    )
