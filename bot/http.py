"""The HTTP face of the bot: a thin WSGI application in front of the Bolt app.

Routes (DESIGN.md):

- `POST /slack/events` — events, slash commands and interactivity. The body is refused with 413
  when it is larger than `IAMDENY_MAX_BODY_BYTES` (before it is read into memory or parsed), the
  signature is checked here (401 for a missing, malformed, stale or wrong signature — never a
  500), and only then is the request parsed and dispatched to Bolt (which checks it again).
- `GET /slack/install`, `GET /slack/oauth_redirect` — the OAuth install flow (OAuth mode only).
- `GET /healthz` — 200 when the database answers a trivial query, else 503; the body also says
  how many pastes wait in the spool (`"spooled"`, when there is a spool).

Nothing here logs a request body or a header value.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.request.internals import build_context

from bot.app import create_app
from bot.deps import Deps
from bot.pipeline.spool import Spool
from bot.settings import Settings
from core.store import Store

__all__ = ["EVENTS_PATH", "HEALTH_PATH", "SIGNATURE_MAX_AGE", "SlackWSGI", "create_wsgi_app"]

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SIGNATURE_MAX_AGE = 300  # seconds, either way (Slack's rule)
_DRAIN_LIMIT = 8 * 1024 * 1024  # read and drop at most this much of a refused body
_CHUNK = 64 * 1024
_FORM = "application/x-www-form-urlencoded"

StartResponse = Callable[..., Any]
_log = logging.getLogger(__name__)


def signature_ok(secret: bytes, timestamp: str | None, signature: str | None, body: bytes) -> bool:
    """True when `signature` is Slack's v0 HMAC of `v0:{timestamp}:{body}`, made within
    SIGNATURE_MAX_AGE seconds of now. Malformed headers are simply invalid."""
    if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
        return False
    if len(timestamp) > 12 or abs(time.time() - int(timestamp)) > SIGNATURE_MAX_AGE:
        return False
    if not signature.startswith("v0=") or not signature.isascii():
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class SlackWSGI:
    """The WSGI application: routing, body cap, signature check, Bolt dispatch, health."""

    def __init__(
        self,
        app: App,
        *,
        store: Store,
        signing_secret: str,
        max_body_bytes: int,
        spool: Spool | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.spool = spool
        self._secret = signing_secret.encode("utf-8")
        self.max_body_bytes = max_body_bytes
        flow = app.oauth_flow
        self._install_path = flow.install_path if flow is not None else None
        self._redirect_path = flow.redirect_uri_path if flow is not None else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "") or "/"
        try:
            if path == EVENTS_PATH:
                if method != "POST":
                    return _plain(start_response, 405, "Method Not Allowed", [("Allow", "POST")])
                return self._events(environ, start_response)
            if path == HEALTH_PATH and method in ("GET", "HEAD"):
                return self._health(start_response, head=method == "HEAD")
            if method == "GET" and path in (self._install_path, self._redirect_path):
                return self._oauth(environ, start_response, path)
            return _plain(start_response, 404, "Not Found")
        except Exception as exc:  # never a traceback with a body in it
            _log.error("HTTP %s %s failed: %s", method, path, type(exc).__name__)
            data = b"Internal Server Error"
            start_response(
                _status(500),
                [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))],
                sys.exc_info(),
            )
            return [data]

    # --- Slack requests --------------------------------------------------------------------------

    def _events(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _read_capped(environ, self.max_body_bytes)
        if body is None:
            return _plain(start_response, 413, "Request Entity Too Large")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not signature_ok(self._secret, timestamp, signature, body):
            return _json(start_response, 401, {"error": "invalid request"})
        request = _parse(body, environ)
        if request is None:
            return _json(start_response, 400, {"error": "malformed request"})
        return _bolt(start_response, self.app.dispatch(request))

    def _oauth(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        flow = self.app.oauth_flow
        assert flow is not None
        request = BoltRequest(
            body="", query=environ.get("QUERY_STRING", ""), headers=_headers(environ)
        )
        if path == self._install_path:
            return _bolt(start_response, flow.handle_installation(request))
        return _bolt(start_response, flow.handle_callback(request))

    # --- health ----------------------------------------------------------------------------------

    def _health(self, start_response: StartResponse, *, head: bool) -> Iterable[bytes]:
        extra: dict[str, Any] = {}
        if self.spool is not None:
            extra["spooled"] = self.spool.count()  # pastes waiting for the database
        try:
            with self.store.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            _log.warning("health check: database unavailable (%s)", type(exc).__name__)
            body = {"ok": False, "database": "unavailable", **extra}
            result = _json(start_response, 503, body)
        else:
            result = _json(start_response, 200, {"ok": True, "database": "ok", **extra})
        return [] if head else result


def _parse(body: bytes, environ: dict[str, Any]) -> BoltRequest | None:
    """The signed body as a Bolt request; None when it is not a Slack payload (not UTF-8, not an
    object, too deeply nested, or fields of the wrong types: Bolt reads them while parsing)."""
    try:
        request = BoltRequest(
            body=body.decode("utf-8"),
            query=environ.get("QUERY_STRING", ""),
            headers=_headers(environ),
        )
    except Exception:  # any malformed shape; the body is never logged
        return None
    if not isinstance(request.body, dict):
        return None
    if not request.body and (request.content_type or "").startswith(_FORM):
        # Bolt reads a form body that merely *contains* the word "payload" (a slash command's
        # text: `curl -d @payload.json`, "Invalid payload") as an interactivity payload that is
        # missing, i.e. as nothing at all: the command would be acknowledged and dropped.
        fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        if fields and "payload" not in fields:
            request.body = fields
            request.context = build_context(BoltContext({}), fields)
    event = request.body.get("event")
    if event is not None and not isinstance(event, dict):
        return None
    return request


def _read_capped(environ: dict[str, Any], cap: int) -> bytes | None:
    """The request body, or None when it is larger than `cap` (then it is drained, not kept)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    declared = environ.get("CONTENT_LENGTH") or ""
    if declared.strip():
        try:
            length = int(declared)
        except ValueError:
            return None
        if length > cap:
            _drain(stream, min(length, _DRAIN_LIMIT))
            return None
        return bytes(stream.read(length)) if length > 0 else b""
    data = stream.read(cap + 1)  # chunked: read one byte past the cap to know
    return None if len(data) > cap else bytes(data)


def _drain(stream: Any, limit: int) -> None:
    left = limit
    while left > 0:
        chunk = stream.read(min(_CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)


def _headers(environ: dict[str, Any]) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {}
    for key, value in environ.items():
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            headers[key.lower().replace("_", "-")] = value
        elif key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
    return headers


def _status(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"{code} Unknown"


def _plain(
    start_response: StartResponse, code: int, text: str, extra: list[tuple[str, str]] | None = None
) -> list[bytes]:
    data = text.encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))]
    start_response(_status(code), headers + (extra or []))
    return [data]


def _json(start_response: StartResponse, code: int, payload: dict[str, Any]) -> list[bytes]:
    data = json.dumps(payload).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    start_response(_status(code), headers)
    return [data]


def _bolt(start_response: StartResponse, response: BoltResponse) -> list[bytes]:
    body = response.body.encode("utf-8") if isinstance(response.body, str) else bytes(response.body)
    headers: list[tuple[str, str]] = []
    for name, values in response.headers.items():
        if name.lower() == "content-length":
            continue
        for value in values:
            headers.append((name, value))
    headers.append(("Content-Length", str(len(body))))
    start_response(_status(response.status), headers)
    return [body]


def create_wsgi_app(settings: Settings, store: Store, *, deps: Deps | None = None) -> SlackWSGI:
    """The WSGI application for HTTP mode (a new Bolt app on `store`)."""
    deps = deps or Deps.build(settings, store)
    app = create_app(settings, store, deps=deps, mode="http")
    assert settings.slack_signing_secret is not None  # checked by create_app
    return SlackWSGI(
        app,
        store=store,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        max_body_bytes=settings.iamdeny_max_body_bytes,
        spool=deps.spool,
    )
