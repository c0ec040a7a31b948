"""Turn extractor candidates into `DenialRecord`s: wrappers attached, overlaps and repeats removed,
detail-less error codes turned into denials of their own, principals parsed, actions checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from core.arn import account_of, parse_principal, region_of
from core.classifier.candidate import Candidate
from core.classifier.normalize import Normalized
from core.classifier.phrases import S3_HINTS, S3_OPERATION_WORDS
from core.classifier.wrappers import Annotation
from core.credentials import credential_problem
from core.record import DenialKind, DenialRecord

PREFIX_WINDOW = 400  # how far before a denial its wrapper may start
FOLLOW_WINDOW = 400  # how far after a denial its request id and status may stand
MATCHED_TEXT_LIMIT = 2000

_XML_MESSAGE = re.compile(r"<Message>\s*(?P<v>[^<]{0,300})</Message>")
_GENERIC_WINDOW = 400

ActionChecker = Callable[[str], tuple[bool | None, str | None, bool | None, str | None]]


def drop_inside(candidates: list[Candidate], containers: list[Candidate]) -> list[Candidate]:
    """The candidates that do not start inside any container's span."""
    if not containers:
        return candidates
    return [c for c in candidates if not any(k.start <= c.start < k.end for k in containers)]


def attach_wrappers(
    candidates: list[Candidate], annotations: list[Annotation], text: str
) -> set[int]:
    """Give each candidate the wrapper fields written around it; the annotations used, by index."""
    used: set[int] = set()
    ordered = sorted(candidates, key=lambda c: c.start)
    for n, cand in enumerate(ordered):
        floor = ordered[n - 1].end if n else 0
        ceiling = ordered[n + 1].start if n + 1 < len(ordered) else len(text)
        line_end = text.find("\n", cand.end)
        line_end = len(text) if line_end < 0 else line_end
        for i, ann in enumerate(annotations):
            inside = cand.start <= ann.start < cand.end
            before = max(floor, cand.start - PREFIX_WINDOW) <= ann.start < cand.start
            after = cand.end <= ann.start < min(ceiling, cand.end + FOLLOW_WINDOW)
            if not (inside or before or after):
                continue
            if cand.wrapped:
                if inside:
                    used.add(i)
                continue
            if ann.error_code is not None:
                same_line_after = after and ann.start <= line_end
                if (before and ann.prefix) or inside or same_line_after:
                    if cand.error_code is None or before:
                        cand.error_code = ann.error_code
                    if ann.operation:
                        cand.operation = ann.operation
                    used.add(i)
            elif ann.operation and (before or inside):
                cand.operation = ann.operation
                used.add(i)
            if ann.http_status is not None and cand.http_status is None:
                cand.http_status = ann.http_status
                used.add(i)
            if ann.request_id is not None and cand.request_id is None:
                cand.request_id = ann.request_id
                used.add(i)
    return used


def generic_denials(
    annotations: list[Annotation], used: set[int], candidates: list[Candidate], text: str
) -> list[Candidate]:
    """Detail-less denials from error codes no other denial claimed (credential errors excluded)."""
    found: list[Candidate] = []
    for i, ann in enumerate(annotations):
        if i in used or ann.error_code is None:
            continue
        if not ann.is_denial_code and ann.http_status != 403:
            continue
        if any(c.start <= ann.start < c.end for c in candidates):
            continue
        if found and ann.start <= found[-1].end:
            _merge(found[-1], ann)
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
        cand = Candidate(
            kind=_generic_kind(ann, context),
            start=ann.start,
            end=max(line_end, xml.end() if xml else line_end),
            error_code=ann.error_code,
            operation=ann.operation,
            http_status=ann.http_status,
            message=message,
        )
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


def _merge(cand: Candidate, ann: Annotation) -> None:
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
