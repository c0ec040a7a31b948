"""Signed Slack requests for end-to-end tests: what Slack itself would send to the app.

    slack = SlackRequests(secret, base_url="http://127.0.0.1:PORT")
    body = message_event("User: arn:... is not authorized ...", user="U1", channel="C1")
    resp = slack.send_event(body)                    # JSON event callback, signed (v0 HMAC)
    resp = slack.send_event(body, retry_num=1)       # a retry: X-Slack-Retry-Num/-Reason headers
    resp = slack.send_command("/iamdeny", "help", user="U1")    # form-encoded slash command
    resp = slack.send_interaction({"type": "block_actions", ...})   # form `payload=<json>`
    resp.status, resp.json(), resp.text

Builders (`message_event`, `message_changed`, `message_subtype`, `event_callback`) return plain
dicts; `post(path, body_bytes, headers)` sends anything (bad signatures, oversize bodies).
Each request is signed with a fresh timestamp unless one is given.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

__all__ = [
    "HttpResponse",
    "SlackRequests",
    "app_home_opened",
    "block_actions",
    "event_callback",
    "message_changed",
    "message_event",
    "message_subtype",
    "sign",
    "view_submission",
]

TEAM = "T0001"
APP_ID = "A0IAMDENY"
_counter = itertools.count(1)
_ts_lock = threading.Lock()
_last_ts = [0.0]


def new_ts() -> str:
    """A unique, increasing Slack message ts."""
    with _ts_lock:
        now = max(time.time(), _last_ts[0] + 0.000001)
        _last_ts[0] = round(now, 6)
        return f"{_last_ts[0]:.6f}"


def sign(secret: str, body: bytes, timestamp: int | str | None = None) -> dict[str, str]:
    """The X-Slack-Request-Timestamp and X-Slack-Signature headers for `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def event_callback(
    event: dict[str, Any], *, team_id: str = TEAM, event_id: str | None = None
) -> dict[str, Any]:
    """An Events API `event_callback` envelope around `event`."""
    return {
        "token": "unused-verification-token",
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):010d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": "UBOT",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-ctx-{next(_counter)}",
    }


def message_event(
    text: str = "",
    *,
    user: str | None = "U0USER1",
    channel: str = "C0CHAN1",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    team_id: str = TEAM,
    bot_id: str | None = None,
    subtype: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    blocks: list[dict[str, Any]] | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """An event callback for a new message (a thread reply with `thread_ts`, a bot's with
    `bot_id`/`subtype="bot_message"`)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "text": text,
        "ts": ts or new_ts(),
        "event_ts": new_ts(),
        "channel_type": channel_type,
        "team": team_id,
    }
    if user is not None:
        event["user"] = user
    if thread_ts:
        event["thread_ts"] = thread_ts
    if bot_id:
        event["bot_id"] = bot_id
    if subtype:
        event["subtype"] = subtype
    if attachments is not None:
        event["attachments"] = attachments
    if blocks is not None:
        event["blocks"] = blocks
    return event_callback(event, team_id=team_id, event_id=event_id)


def message_changed(
    ts: str,
    new_text: str,
    old_text: str,
    *,
    user: str = "U0USER1",
    channel: str = "C0CHAN1",
    team_id: str = TEAM,
    thread_ts: str | None = None,
    bot_id: str | None = None,
) -> dict[str, Any]:
    """An edit: `message_changed` with the new and previous message."""
    message: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": new_text,
        "ts": ts,
        "edited": {"user": user, "ts": new_ts()},
        "team": team_id,
    }
    previous: dict[str, Any] = {
        "type": "message",
        "user": user,
        "text": old_text,
        "ts": ts,
        "team": team_id,
    }
    if thread_ts:
        message["thread_ts"] = previous["thread_ts"] = thread_ts
    if bot_id:
        message["bot_id"] = previous["bot_id"] = bot_id
    event = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "ts": new_ts(),
        "event_ts": new_ts(),
        "channel_type": "channel",
        "message": message,
        "previous_message": previous,
    }
    return event_callback(event, team_id=team_id)


def message_subtype(
    subtype: str,
    *,
    channel: str = "C0CHAN1",
    user: str = "U0USER1",
    text: str = "",
    team_id: str = TEAM,
    **extra: Any,
) -> dict[str, Any]:
    """A message event of another subtype (`channel_join`, `message_deleted`, ...)."""
    event = {
        "type": "message",
        "subtype": subtype,
        "channel": channel,
        "user": user,
        "text": text,
        "ts": new_ts(),
        "event_ts": new_ts(),
        "channel_type": "channel",
        **extra,
    }
    return event_callback(event, team_id=team_id)


@dataclass
class HttpResponse:
    """What the app answered."""

    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)
    elapsed: float = 0.0

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class SlackRequests:
    """Sends signed requests to the app at `base_url` (e.g. `http://127.0.0.1:PORT`)."""

    def __init__(self, secret: str, base_url: str, *, timeout: float = 10.0) -> None:
        self.secret = secret
        split = urlsplit(base_url)
        self.host = split.hostname or "127.0.0.1"
        self.port = split.port or 80
        self.timeout = timeout

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> HttpResponse:
        return self.request("POST", path, body, headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> HttpResponse:
        return self.request("GET", path, None, headers or {})

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> HttpResponse:
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            return HttpResponse(
                resp.status,
                {k.lower(): v for k, v in resp.getheaders()},
                data,
                time.monotonic() - started,
            )
        finally:
            conn.close()

    def send_event(
        self,
        body: dict[str, Any],
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | str | None = None,
        path: str = "/slack/events",
    ) -> HttpResponse:
        """POST a signed JSON event callback (a retry when `retry_num` is given)."""
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **sign(self.secret, raw, timestamp)}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return self.post(path, raw, headers)

    def send_form(
        self,
        fields: dict[str, str],
        *,
        timestamp: int | str | None = None,
        path: str = "/slack/events",
    ) -> HttpResponse:
        """POST signed form fields (slash commands, interactivity)."""
        raw = urlencode(fields).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            **sign(self.secret, raw, timestamp),
        }
        return self.post(path, raw, headers)

    def send_command(
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U0USER1",
        channel: str = "C0CHAN1",
        team_id: str = TEAM,
        response_url: str = "https://hooks.slack.invalid/commands/1/2/3",
        trigger_id: str | None = None,
    ) -> HttpResponse:
        """A slash command invocation, as Slack sends it."""
        return self.send_form(
            {
                "token": "unused",
                "team_id": team_id,
                "team_domain": "acme",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": response_url,
                "trigger_id": trigger_id or f"{next(_counter)}.trig",
            }
        )

    def send_interaction(self, payload: dict[str, Any]) -> HttpResponse:
        """An interactivity request (`block_actions`, `view_submission`, ...): form `payload`."""
        return self.send_form({"payload": json.dumps(payload)})


# --- interactivity and App Home (builders: plain dicts, as Slack sends them) ---------------------


def block_actions(
    action_id: str,
    value: str | None = None,
    *,
    user: str = "U0USER1",
    team_id: str = TEAM,
    channel: str | None = "C0CHAN1",
    message: dict[str, Any] | None = None,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    is_ephemeral: bool = False,
    view: dict[str, Any] | None = None,
    block_id: str = "iamdeny_d0_actions",
    response_url: str | None = None,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload: a button click on a message (its blocks in `message`, which
    Slack leaves out for ephemeral messages) or, with `view`, on a view such as App Home."""
    action = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": action_id},
        "action_ts": new_ts(),
    }
    if value is not None:
        action["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": APP_ID,
        "token": "unused",
        "team": {"id": team_id, "domain": "acme"},
        "enterprise": None,
        "is_enterprise_install": False,
        "trigger_id": trigger_id or f"{next(_counter)}.trig",
        "actions": [action],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0HOME")}
        payload["view"] = view
    else:
        ts = message_ts or (message or {}).get("ts") or new_ts()
        container: dict[str, Any] = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": is_ephemeral,
        }
        if thread_ts:
            container["thread_ts"] = thread_ts
        payload["container"] = container
        payload["channel"] = {"id": channel, "name": "general"}
        if message is not None and not is_ephemeral:
            payload["message"] = {**message, "ts": ts}
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def view_submission(
    view: dict[str, Any],
    values: dict[str, dict[str, Any]],
    *,
    user: str = "U0USER1",
    team_id: str = TEAM,
) -> dict[str, Any]:
    """A `view_submission` payload for `view` (as opened: callback_id, private_metadata) with
    `state.values` = `values` ({block_id: {action_id: {...}}})."""
    submitted = {
        "id": view.get("id", f"V{next(_counter):08d}"),
        "team_id": team_id,
        "type": "modal",
        "callback_id": view.get("callback_id", ""),
        "private_metadata": view.get("private_metadata", ""),
        "blocks": view.get("blocks", []),
        "state": {"values": values},
        "hash": f"{next(_counter)}.hash",
        "app_id": APP_ID,
        "app_installed_team_id": team_id,
    }
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": team_id},
        "api_app_id": APP_ID,
        "token": "unused",
        "trigger_id": f"{next(_counter)}.trig",
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def app_home_opened(
    user: str = "U0USER1", *, team_id: str = TEAM, tab: str = "home"
) -> dict[str, Any]:
    """An `app_home_opened` event callback (tab `home` or `messages`)."""
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": tab,
        "event_ts": new_ts(),
    }
    return event_callback(event, team_id=team_id)
