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

from core.classifier.phrases import DENIAL_ERROR_CODES

_I = re.IGNORECASE
_CODE = r"[A-Za-z][A-Za-z0-9.]{1,63}"
_RID = r"[A-Za-z0-9][A-Za-z0-9-]{5,80}"

_PREFIXED_CODES = "|".join(
    re.escape(c) for c in sorted(DENIAL_ERROR_CODES, key=len, reverse=True) if not c.isdigit()
)

_SCAN = re.compile(
    "|".join(
        (
            # aws CLI / boto: An error occurred (AccessDenied) when calling the GetObject operation:
            rf"(?P<cli>An\s*error\s*occurred\s*\((?P<cli_code>{_CODE}|\d{{3}})\)\s*when\s*calling"
            r"\s*the\s*(?P<cli_op>[A-Za-z0-9]{1,64})\s*operation(?:\s*\([^)\n]{0,80}\))?\s*:?)",
            # Go SDK v2: operation error S3: GetObject, https response error StatusCode: 403, ...
            r"(?P<goop>operation\s*error\s*[A-Za-z0-9 ]{1,40}:\s*(?P<go_op>[A-Za-z0-9]{1,64}),)",
            # Go SDK v2 `api error AccessDenied:`; Go v1, JS and others `AccessDenied: ...`
            rf"(?P<api>api\s*error\s*(?P<api_code>{_CODE}):)",
            rf"(?P<pre>(?<![A-Za-z0-9.])(?P<pre_code>(?:[A-Za-z0-9]{{1,40}}\.)?(?:{_PREFIXED_CODES}))"
            r"(?::\s|:$|\s*\|))",
            # Java SDK v1: (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; ...)
            rf"(?P<java>Error\s*Code\s*:\s*(?P<java_code>{_CODE}))",
            # XML bodies and JSON/JS objects
            rf"(?P<xml><Code>\s*(?P<xml_code>{_CODE})\s*</Code>)",
            rf"(?P<js>(?:\"?__type\"?|\"?[Cc]ode\"?|\bname)\s*[:=]\s*[\"'](?:[A-Za-z0-9.]{{1,80}}#)?"
            rf"(?P<js_code>{_CODE})[\"'])",
            # HTTP status and request ids, however the wrapper spells them
            r"(?P<status>(?:Status\s*Code|StatusCode|status\s*code|httpStatusCode)\"?\s*[:=]\s*"
            r"(?P<status_value>\d{3}))",
            rf"(?P<rid>(?:Request\s*ID|RequestID|request\s*id|requestId|x-amzn-RequestId)\"?'?"
            rf"\s*[:=]\s*[\"']?(?P<rid_value>{_RID}))",
            rf"(?P<xmlrid><RequestId>\s*(?P<xmlrid_value>{_RID})\s*</RequestId>)",
            # An exception that is itself S3's bare refusal (.NET, Java v2): no code printed
            r"(?P<bare>(?:AmazonS3Exception|S3Exception)\s*:\s*Access\s*Denied\b)",
        )
    ),
    re.MULTILINE,
)


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


def _code(value: str) -> str:
    # `com.amazonaws.kms#AccessDeniedException` and `s3.AccessDenied` name the code last.
    return value.rsplit("#", 1)[-1]


def scan(text: str) -> list[Annotation]:
    """Every wrapper annotation in normalised text, in order."""
    found: list[Annotation] = []
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "cli":
            code = m.group("cli_code")
            found.append(
                Annotation(
                    start,
                    end,
                    error_code=code,
                    operation=m.group("cli_op"),
                    http_status=int(code) if code.isdigit() else None,
                    prefix=True,
                )
            )
        elif kind == "goop":
            found.append(Annotation(start, end, operation=m.group("go_op"), prefix=True))
        elif kind == "api":
            found.append(Annotation(start, end, error_code=_code(m.group("api_code")), prefix=True))
        elif kind == "pre":
            code = m.group("pre_code")
            found.append(
                Annotation(
                    start,
                    end,
                    error_code=code.rsplit(".", 1)[-1]
                    if code.rsplit(".", 1)[-1] in DENIAL_ERROR_CODES
                    else code,
                    prefix=True,
                )
            )
        elif kind == "java":
            found.append(Annotation(start, end, error_code=_code(m.group("java_code"))))
        elif kind == "xml":
            found.append(Annotation(start, end, error_code=_code(m.group("xml_code")), prefix=True))
        elif kind == "js":
            found.append(
                Annotation(start, end, error_code=_code(m.group("js_code")), prefix=True, echo=True)
            )
        elif kind == "status":
            found.append(Annotation(start, end, http_status=int(m.group("status_value"))))
        elif kind == "rid":
            found.append(Annotation(start, end, request_id=m.group("rid_value")))
        elif kind == "bare":
            found.append(Annotation(start, end, prefix=True, bare=True))
        elif kind == "xmlrid":
            found.append(Annotation(start, end, request_id=m.group("xmlrid_value")))
    return found
