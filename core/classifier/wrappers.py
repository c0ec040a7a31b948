"""Find what CLI and SDK wrappers say around a message: error code, operation, status, request id.

One linear scan of the normalised text yields `Annotation`s with positions. A denial takes the
error code and operation written just before it (CLI, boto, Go, JS: `Code: message`) or on the same
line after it (Java: `(Service: ...; Error Code: ...)`), and the request id and HTTP status written
near it. Error codes that no denial claims become detail-less denials of their own (S3's bare
`Access Denied`, for instance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from core.classifier.phrases import DENIAL_ERROR_CODES

_I = re.IGNORECASE
_CODE = r"[A-Za-z][A-Za-z0-9.]{1,63}"
_RID = r"[A-Za-z0-9][A-Za-z0-9-]{5,80}"

_PREFIXED_CODES = "|".join(
    re.escape(c) for c in sorted(DENIAL_ERROR_CODES, key=len, reverse=True) if not c.isdigit()
)


@dataclass(frozen=True, slots=True)
class WrapperForm:
    """One way a wrapper prints what it knows; groups `code`, `op`, `status`, `rid` fill fields."""

    name: str
    gates: tuple[str, ...]  # the regex is only run on text containing one of these
    pattern: str
    prefix: bool = False  # written before the message it wraps
    echo: bool = False
    bare: bool = False
    # Only where no letter, digit or dot comes just before (checked in Python: a lookbehind would
    # stop the regex engine from scanning for the literal prefix).
    whole_word: bool = False


# Read top to bottom; where two forms match overlapping text, the earlier-starting, longer wins.
WRAPPER_FORMS: tuple[WrapperForm, ...] = (
    # aws CLI / boto: An error occurred (AccessDenied) when calling the GetObject operation:
    WrapperForm(
        "cli",
        ("error occurred",),
        rf"An\s*error\s*occurred\s*\((?P<code>{_CODE}|\d{{3}})\)\s*when\s*calling"
        r"\s*the\s*(?P<op>[A-Za-z0-9]{1,64})\s*operation(?:\s*\([^)\n]{0,80}\))?\s*:?",
        prefix=True,
    ),
    # Go SDK v2: operation error S3: GetObject, https response error StatusCode: 403, ...
    WrapperForm(
        "go-operation",
        ("operation error",),
        r"operation\s*error\s*[A-Za-z0-9 ]{1,40}:\s*(?P<op>[A-Za-z0-9]{1,64}),",
        prefix=True,
    ),
    # Go SDK v2: ... api error AccessDenied: ...
    WrapperForm("go-api", ("api error",), rf"api\s*error\s*(?P<code>{_CODE}):", prefix=True),
    # Go v1, JS, .NET and others: `AccessDenied: ...`
    WrapperForm(
        "code-prefix",
        ("Denied", "Unauthorized", "Authorization", "Forbidden", "InsufficientPermissions"),
        rf"(?P<code>{_PREFIXED_CODES})(?::\s|:$|\s*\|)",
        prefix=True,
        whole_word=True,
    ),
    # Java SDK v1: (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; ...)
    WrapperForm("java", ("Error Code", "ErrorCode"), rf"Error\s*Code\s*:\s*(?P<code>{_CODE})"),
    # XML bodies, S3's HTML error pages and headers, JSON and JS error objects
    WrapperForm("xml", ("<Code>",), rf"<Code>\s*(?P<code>{_CODE})\s*</Code>", prefix=True),
    WrapperForm(
        "header",
        ("x-amz-error-code",),
        rf"x-amz-error-code\s*:\s*(?P<code>{_CODE})",
        prefix=True,
    ),
    WrapperForm(
        "json-type",
        ("__type",),
        rf"__type\"?\s*[:=]\s*[\"'](?:[A-Za-z0-9.]{{1,80}}#)?(?P<code>{_CODE})[\"']",
        prefix=True,
        echo=True,
    ),
    WrapperForm(
        "js-code",
        ("Code", "code"),
        rf"[Cc]ode\"?\s*[:=]\s*[\"'](?P<code>{_CODE})[\"']",
        prefix=True,
        echo=True,
    ),
    WrapperForm(
        "js-name",
        ("name",),
        rf"\bname\"?\s*[:=]\s*[\"'](?P<code>{_PREFIXED_CODES})[\"']",
        prefix=True,
        echo=True,
    ),
    WrapperForm(
        "bare-code",
        ("Code:",),
        rf"\bCode:\s*(?P<code>{_PREFIXED_CODES})\b",
        prefix=True,
        echo=True,
    ),
    # HTTP status and request ids, however the wrapper spells them
    WrapperForm(
        "status",
        ("tatus", "tatusCode"),
        r"(?:Status\s*Code|StatusCode|status\s*code|httpStatusCode)\"?\s*[:=]\s*(?P<status>\d{3})",
    ),
    WrapperForm(
        "request-id",
        ("equest", "RequestId"),
        rf"(?:Request\s*ID|RequestID|RequestId|request\s*id|requestId|x-amzn-RequestId|"
        rf"x-amz-request-id)\"?'?\s*[:=]\s*[\"']?(?P<rid>{_RID})",
    ),
    WrapperForm(
        "xml-request-id", ("<RequestId>",), rf"<RequestId>\s*(?P<rid>{_RID})\s*</RequestId>"
    ),
    # An exception that is itself S3's bare refusal (.NET, Java v2): no code printed
    WrapperForm(
        "s3-exception",
        ("S3Exception",),
        r"(?:AmazonS3Exception|S3Exception)\s*:\s*Access\s*Denied\b",
        prefix=True,
        bare=True,
    ),
)


@cache
def _pattern(index: int) -> re.Pattern[str]:
    """Form `index`'s regex, compiled on first use."""
    return re.compile(WRAPPER_FORMS[index].pattern, re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Annotation:
    """One thing a wrapper said, and where."""

    start: int
    end: int
    error_code: str | None = None
    operation: str | None = None
    http_status: int | None = None
    request_id: str | None = None
    prefix: bool = False  # written before the message it wraps (CLI, Go, JS, XML)
    echo: bool = False  # a field of a dumped error object; may repeat the code printed above
    bare: bool = False  # itself a detail-less refusal (`S3Exception: Access Denied`)

    @property
    def is_denial_code(self) -> bool:
        """Whether the error code means a policy refused the request."""
        return self.error_code is not None and self.error_code in DENIAL_ERROR_CODES


def _joined(char: str) -> bool:
    return char.isalnum() or char == "."


def _code(value: str) -> str:
    # `com.amazonaws.kms#AccessDeniedException` and `s3.AccessDenied` name the code last.
    value = value.rsplit("#", 1)[-1]
    last = value.rsplit(".", 1)[-1]
    return last if last in DENIAL_ERROR_CODES else value


def scan(text: str) -> list[Annotation]:
    """Every wrapper annotation in normalised text, in order, overlaps removed."""
    raw: list[Annotation] = []
    for index, form in enumerate(WRAPPER_FORMS):
        if not any(gate in text for gate in form.gates):
            continue
        for m in _pattern(index).finditer(text):
            if form.whole_word and m.start() and _joined(text[m.start() - 1]):
                continue
            groups = m.groupdict()
            code = groups.get("code")
            status = groups.get("status")
            if code is not None and code.isdigit():
                status, code = code, str(code)
            raw.append(
                Annotation(
                    m.start(),
                    m.end(),
                    error_code=_code(code) if code else None,
                    operation=groups.get("op"),
                    http_status=int(status) if status else None,
                    request_id=groups.get("rid"),
                    prefix=form.prefix,
                    echo=form.echo,
                    bare=form.bare,
                )
            )
    raw.sort(key=lambda a: (a.start, a.start - a.end))
    found: list[Annotation] = []
    reach = -1
    for ann in raw:
        if ann.start < reach:
            continue  # inside a longer form that starts earlier
        found.append(ann)
        reach = ann.end
    return found
