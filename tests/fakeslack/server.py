"""The fake Slack Web API server: realistic answers, a call log, programmable faults.

Methods (POST or GET under `/api/<method>`; form, JSON or query parameters; token from the
`Authorization: Bearer` header, the `token` parameter, or Basic auth for `oauth.v2.access`):

- `auth.test`, `users.info` (with `include_locale`), `conversations.info`,
  `conversations.history` (newest first, `oldest`, `limit`/`cursor`, message `metadata` with
  `include_all_metadata`);
- `chat.postMessage`, `chat.update`, `chat.delete`, `chat.postEphemeral`, `chat.getPermalink`;
- `views.open`, `views.update`, `views.push`, `views.publish`;
- `oauth.v2.access` (codes registered with `add_oauth_code`), `apps.uninstall`;
- `apps.connections.open` (answers a `ws://` URL that nothing serves: Socket Mode start-up tests);
- response URLs (`response_url()` mints one; POSTs to it are logged as `response_url` calls).

Message ts values are unique and increasing (`<seconds>.<6 digits>`). Every request is logged as a
`Call` (with its outcome: `ok`, an HTTP status, `dropped`); `calls()` returns the ones Slack
"performed" (`ok` outcome, i.e. 200 answers) unless asked for all.

A fault chooser (`set_fault_chooser(fn)`, `fn(method, params) -> Fault | None`) is consulted
first, for every request: tests use it for deterministic fault plans keyed by the request itself
(not by arrival order across threads).

Faults (`add_fault(Fault(...))`) apply to matching requests in order, each `times` times (or with
probability `rate`, seeded): an HTTP status (429 with `Retry-After`, 500, 503), a Slack error
(`error="channel_not_found"` with HTTP 200), a dropped connection (closed before any answer, the
call not performed), a call performed and then dropped unanswered (`drop_after=True`: the
client cannot know it happened), or a delay before answering.
"""

from __future__ import annotations

import base64
import contextlib
import json
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["DEFAULT_TEAM", "Call", "FakeSlack", "Fault", "Team"]


@dataclass(frozen=True)
class Team:
    """A workspace the fake knows: its bot's token and ids."""

    team_id: str
    bot_token: str
    bot_user_id: str
    bot_id: str
    name: str = "Test Workspace"
    enterprise_id: str | None = None


DEFAULT_TEAM = Team("T0001", "xoxb-fake-T0001", "UBOT0001", "BBOT0001", "Acme")


@dataclass
class Fault:
    """A programmed failure for requests to `method` (None: any method).

    Exactly one of: `status` (HTTP error; `retry_after` seconds for 429), `error` (ok=false with
    HTTP 200), `drop` (close the connection unanswered), or only `delay` (answer late).
    """

    method: str | None = None
    status: int | None = None
    retry_after: int | None = None
    error: str | None = None
    drop: bool = False
    drop_after: bool = False  # perform the call, then close the connection unanswered
    delay: float = 0.0
    times: int | None = 1  # None: forever (or per `rate`)
    rate: float | None = None  # apply with this probability instead of `times`
    fired: int = 0

    def matches(self, method: str, rng: random.Random) -> bool:
        if self.method is not None and self.method != method:
            return False
        if self.rate is not None:
            return rng.random() < self.rate
        return self.times is None or self.fired < self.times


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float  # time.time() when it arrived
    outcome: str  # "ok", "429", "500", "dropped", "error:<code>"
    response: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def team_id(self) -> str | None:
        return self.params.get("_team_id")


class FakeSlack:
    """The fake Slack server; a context manager (`start()`/`stop()` otherwise)."""

    def __init__(self, *, seed: int = 1) -> None:
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._chooser: Callable[[str, dict[str, Any]], Fault | None] | None = None
        self._rng = random.Random(seed)
        self._ts_last = 0.0
        self._changed = threading.Condition(self._lock)
        self.teams: dict[str, Team] = {}
        self.users: dict[tuple[str, str], dict[str, Any]] = {}
        self.oauth_codes: dict[str, Team] = {}
        self.messages: dict[str, dict[str, dict[str, Any]]] = {}  # channel -> ts -> message
        self.ephemerals: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []
        self.uninstalled: list[str] = []
        self.hooks: dict[str, dict[str, Any]] = {}  # response URL id -> team, channel, user
        self.add_team(DEFAULT_TEAM)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The Web API base URL (SLACK_API_URL)."""
        return f"http://127.0.0.1:{self.port}/api/"

    # --- state --------------------------------------------------------------------------------

    def add_team(self, team: Team) -> Team:
        with self._lock:
            self.teams[team.bot_token] = team
        return team

    def add_user(
        self,
        user_id: str,
        *,
        locale: str = "en-US",
        team_id: str = DEFAULT_TEAM.team_id,
        is_admin: bool = False,
        name: str | None = None,
        tz: str = "UTC",
    ) -> None:
        with self._lock:
            self.users[(team_id, user_id)] = {
                "id": user_id,
                "team_id": team_id,
                "name": name or user_id.lower(),
                "real_name": name or user_id,
                "locale": locale,
                "is_admin": is_admin,
                "is_owner": False,
                "is_bot": False,
                "tz": tz,
                "deleted": False,
            }

    def add_oauth_code(self, code: str, team: Team) -> None:
        """`oauth.v2.access` with this code installs `team` (and the fake then knows its token)."""
        with self._lock:
            self.oauth_codes[code] = team

    def add_fault(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def set_fault_chooser(
        self, chooser: Callable[[str, dict[str, Any]], Fault | None] | None
    ) -> None:
        """Consult `chooser(method, params)` before the fault list, for every request."""
        with self._lock:
            self._chooser = chooser

    def clear_calls(self) -> None:
        """Forget the call log (e.g. an app's start-up `auth.test`)."""
        with self._lock:
            self._calls.clear()

    def response_url(
        self, *, team_id: str = DEFAULT_TEAM.team_id, channel: str = "C0CHAN1", user: str = ""
    ) -> str:
        """A new response URL (what Slack sends with a command or a click) served by the fake.

        A POST to it is logged as a `response_url` call (its JSON body, plus `_hook`, `_team_id`,
        `_channel`, `_user`); an `in_channel` response that does not replace the original is
        stored as a message of the channel (as the bot of `team_id` would post it).
        """
        with self._lock:
            hook = f"{len(self.hooks) + 1}-{self._rng.randrange(10**9):09d}"
            self.hooks[hook] = {"team_id": team_id, "channel": channel, "user": user}
        return f"http://127.0.0.1:{self.port}/hooks/{hook}"

    def reset(self) -> None:
        """Forget calls, faults, messages (teams and users stay)."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._chooser = None
            self.messages.clear()
            self.ephemerals.clear()
            self.views.clear()

    # --- the call log -------------------------------------------------------------------------

    def calls(self, method: str | None = None, *, all_outcomes: bool = False) -> list[Call]:
        """Calls of `method` (None: all), in arrival order; only performed ones by default."""
        with self._lock:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method) and (all_outcomes or c.outcome == "ok")
            ]

    def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 10.0, all_outcomes: bool = False
    ) -> list[Call]:
        """Wait until at least `count` calls of `method` happened; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self.calls(method, all_outcomes=all_outcomes)
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{len(found)} {method} call(s) after {timeout}s, expected {count}; "
                        f"calls: {[c.method for c in self.calls(all_outcomes=True)]}"
                    )
                self._changed.wait(min(left, 0.1))

    def quiet(self, method: str, count: int, *, settle: float = 0.5) -> list[Call]:
        """Wait `settle` seconds and assert that exactly `count` calls of `method` happened."""
        time.sleep(settle)
        found = self.calls(method)
        assert len(found) == count, f"expected {count} {method} call(s), got {len(found)}"
        return found

    def _log(self, call: Call) -> None:
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()

    def _next_ts(self) -> str:
        with self._lock:
            now = max(time.time(), self._ts_last + 0.000001)
            self._ts_last = round(now, 6)
            return f"{self._ts_last:.6f}"

    def _fault_for(self, method: str, params: dict[str, Any] | None = None) -> Fault | None:
        with self._lock:
            chooser = self._chooser
        if chooser is not None:
            chosen = chooser(method, dict(params or {}))
            if chosen is not None:
                with self._lock:
                    chosen.fired += 1
                return chosen
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, self._rng):
                    fault.fired += 1
                    return fault
        return None

    # --- the methods --------------------------------------------------------------------------

    def handle(
        self, method: str, params: dict[str, Any], token: str | None, basic: tuple[str, str] | None
    ) -> dict[str, Any]:
        handler = _METHODS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        if method == "oauth.v2.access":
            return handler(self, params, None, basic)
        if method == "apps.connections.open":
            if not token or not token.startswith("xapp-"):
                return {"ok": False, "error": "invalid_auth"}
            return handler(self, params, None, basic)
        with self._lock:
            team = self.teams.get(token or "")
        if team is None:
            return {"ok": False, "error": "invalid_auth" if token else "not_authed"}
        params["_team_id"] = team.team_id
        return handler(self, params, team, basic)


def _auth_test(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    return {
        "ok": True,
        "url": f"https://{team.team_id.lower()}.slack.com/",
        "team": team.name,
        "user": "iamdeny",
        "team_id": team.team_id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "enterprise_id": team.enterprise_id,
        "is_enterprise_install": False,
    }


def _users_info(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    user_id = params.get("user", "")
    with fake._lock:
        user = fake.users.get((team.team_id, user_id))
    if user is None:
        return {"ok": False, "error": "user_not_found"}
    user = dict(user)
    if str(params.get("include_locale", "")).lower() not in ("1", "true"):
        user.pop("locale", None)
    return {"ok": True, "user": user}


def _conversations_info(
    fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any
) -> dict[str, Any]:
    channel = params.get("channel", "")
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    return {
        "ok": True,
        "channel": {
            "id": channel,
            "name": channel.lower(),
            "is_channel": channel.startswith("C"),
            "is_private": channel.startswith("G"),
            "is_im": channel.startswith("D"),
            "is_member": True,
        },
    }


def _conversations_history(
    fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any
) -> dict[str, Any]:
    channel = params.get("channel", "")
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    oldest = float(params.get("oldest") or 0)
    with fake._lock:
        found = [
            dict(m)
            for ts, m in fake.messages.get(channel, {}).items()
            if float(ts) > oldest and m.get("team") in (None, team.team_id)
        ]
    found.sort(key=lambda m: float(m["ts"]), reverse=True)
    return _page(found, params, default_limit=100)


def _conversations_replies(
    fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any
) -> dict[str, Any]:
    channel, parent = params.get("channel", ""), params.get("ts", "")
    if not channel:
        return {"ok": False, "error": "channel_not_found"}
    if not parent:
        return {"ok": False, "error": "thread_not_found"}
    with fake._lock:
        found = [
            dict(m)
            for ts, m in fake.messages.get(channel, {}).items()
            if (ts == parent or m.get("thread_ts") == parent)
            and m.get("team") in (None, team.team_id)
        ]
    found.sort(key=lambda m: float(m["ts"]))
    return _page(found, params, default_limit=1000)


def _page(
    found: list[dict[str, Any]], params: dict[str, Any], *, default_limit: int
) -> dict[str, Any]:
    """One page of `found` (sorted) as Slack pages history: `limit` (at most 1,000) from the
    `cursor`, message metadata only with `include_all_metadata`."""
    limit = max(1, min(int(params.get("limit") or default_limit), 1000))
    start = int(params.get("cursor") or 0)
    page = found[start : start + limit]
    if str(params.get("include_all_metadata", "")).lower() not in ("1", "true"):
        for message in page:
            message.pop("metadata", None)
    more = start + limit < len(found)
    return {
        "ok": True,
        "messages": page,
        "has_more": more,
        "response_metadata": {"next_cursor": str(start + limit) if more else ""},
    }


def _require(params: dict[str, Any], *names: str) -> str | None:
    for name in names:
        if not params.get(name):
            return "channel_not_found" if name == "channel" else f"missing_{name}"
    return None


def _has_content(params: dict[str, Any]) -> bool:
    return bool(params.get("text") or params.get("blocks") or params.get("attachments"))


def _post_message(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    error = _require(params, "channel")
    if error:
        return {"ok": False, "error": error}
    if not _has_content(params):
        return {"ok": False, "error": "no_text"}
    ts = fake._next_ts()
    message = {
        "type": "message",
        "ts": ts,
        "user": team.bot_user_id,
        "bot_id": team.bot_id,
        "text": params.get("text", ""),
        "blocks": params.get("blocks") or [],
        "thread_ts": params.get("thread_ts"),
        "team": team.team_id,
    }
    if isinstance(params.get("metadata"), dict):
        message["metadata"] = params["metadata"]
    with fake._lock:
        fake.messages.setdefault(params["channel"], {})[ts] = message
    return {"ok": True, "channel": params["channel"], "ts": ts, "message": message}


def _update(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    error = _require(params, "channel", "ts")
    if error:
        return {"ok": False, "error": error}
    with fake._lock:
        message = fake.messages.get(params["channel"], {}).get(params["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message["text"] = params.get("text", message["text"])
        if "blocks" in params:
            message["blocks"] = params["blocks"]
        message["edited"] = {"user": team.bot_user_id, "ts": fake._next_ts()}
    return {"ok": True, "channel": params["channel"], "ts": params["ts"], "text": message["text"]}


def _delete(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    with fake._lock:
        removed = fake.messages.get(params.get("channel", ""), {}).pop(params.get("ts", ""), None)
    if removed is None:
        return {"ok": False, "error": "message_not_found"}
    return {"ok": True, "channel": params["channel"], "ts": params["ts"]}


def _post_ephemeral(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    error = _require(params, "channel", "user")
    if error:
        return {"ok": False, "error": error}
    if not _has_content(params):
        return {"ok": False, "error": "no_text"}
    ts = fake._next_ts()
    with fake._lock:
        fake.ephemerals.append({**params, "message_ts": ts})
    return {"ok": True, "message_ts": ts}


def _permalink(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    channel, ts = params.get("channel", ""), params.get("message_ts", "")
    return {
        "ok": True,
        "channel": channel,
        "permalink": f"https://fake.slack.com/archives/{channel}/p{ts.replace('.', '')}",
    }


def _view(kind: str) -> Callable[[FakeSlack, dict[str, Any], Team, Any], dict[str, Any]]:
    def handler(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
        view = params.get("view")
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                return {"ok": False, "error": "invalid_arguments"}
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if kind in ("open", "push") and not params.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        if kind == "publish" and not params.get("user_id"):
            return {"ok": False, "error": "invalid_arguments"}
        view_id = params.get("view_id") or f"V{len(fake.views) + 1:08d}"
        stored = {
            **view,
            "id": view_id,
            "team_id": team.team_id,
            "_kind": kind,
            "_user_id": params.get("user_id"),
        }
        with fake._lock:
            fake.views.append(stored)
        return {"ok": True, "view": stored}

    return handler


def _oauth_access(
    fake: FakeSlack, params: dict[str, Any], _t: Any, basic: tuple[str, str] | None
) -> dict[str, Any]:
    client_id = params.get("client_id") or (basic[0] if basic else None)
    client_secret = params.get("client_secret") or (basic[1] if basic else None)
    if not client_id or not client_secret:
        return {"ok": False, "error": "invalid_client_id"}
    with fake._lock:
        team = fake.oauth_codes.pop(params.get("code", ""), None)
    if team is None:
        return {"ok": False, "error": "invalid_code"}
    fake.add_team(team)
    return {
        "ok": True,
        "app_id": "A0IAMDENY",
        "authed_user": {"id": "UINSTALLER"},
        "scope": params.get("_scopes", "channels:history,chat:write,commands"),
        "token_type": "bot",
        "access_token": team.bot_token,
        "bot_user_id": team.bot_user_id,
        "team": {"id": team.team_id, "name": team.name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def _apps_uninstall(fake: FakeSlack, params: dict[str, Any], team: Team, _b: Any) -> dict[str, Any]:
    with fake._lock:
        fake.uninstalled.append(team.team_id)
        fake.teams.pop(team.bot_token, None)
    return {"ok": True}


def _connections_open(fake: FakeSlack, params: dict[str, Any], _t: Any, _b: Any) -> dict[str, Any]:
    return {"ok": True, "url": f"ws://127.0.0.1:{fake.port}/socket-mode/unserved"}


_METHODS: dict[str, Callable[..., dict[str, Any]]] = {
    "auth.test": _auth_test,
    "users.info": _users_info,
    "conversations.info": _conversations_info,
    "conversations.history": _conversations_history,
    "conversations.replies": _conversations_replies,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.delete": _delete,
    "chat.postEphemeral": _post_ephemeral,
    "chat.getPermalink": _permalink,
    "views.open": _view("open"),
    "views.update": _view("update"),
    "views.push": _view("push"),
    "views.publish": _view("publish"),
    "oauth.v2.access": _oauth_access,
    "apps.uninstall": _apps_uninstall,
    "apps.connections.open": _connections_open,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSlack


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        split = urlsplit(self.path)
        if split.path.startswith("/hooks/"):
            self._hook(fake, split.path[len("/hooks/") :])
            return
        if not split.path.startswith("/api/"):
            self._send(404, {"ok": False, "error": "not_found"})
            return
        method = split.path[len("/api/") :]
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(split.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").lower()
        if raw:
            if "json" in ctype:
                try:
                    params.update(json.loads(raw))
                except ValueError:
                    self._send(200, {"ok": False, "error": "invalid_json"})
                    return
            else:
                params.update({k: v[-1] for k, v in parse_qs(raw.decode("utf-8")).items()})
        for key in ("blocks", "attachments", "metadata"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        token, basic = _credentials(self.headers.get("Authorization"), params)
        now = time.time()
        fault = fake._fault_for(method, params)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop_after:
                body = fake.handle(method, params, token, basic)
                fake._log(Call(method, params, token, now, "ok" if body.get("ok") else "dropped"))
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.drop:
                fake._log(Call(method, params, token, now, "dropped"))
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault.status is not None:
                headers = {}
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
                fake._log(Call(method, params, token, now, str(fault.status)))
                self._send(
                    fault.status,
                    {
                        "ok": False,
                        "error": "ratelimited" if fault.status == 429 else "internal_error",
                    },
                    headers,
                )
                return
            if fault.error is not None:
                body = {"ok": False, "error": fault.error}
                fake._log(Call(method, params, token, now, f"error:{fault.error}", body))
                self._send(200, body)
                return
        body = fake.handle(method, params, token, basic)
        outcome = "ok" if body.get("ok") else f"error:{body.get('error')}"
        fake._log(Call(method, params, token, now, outcome, body))
        self._send(200, body)

    def _hook(self, fake: FakeSlack, hook: str) -> None:
        """A response URL: JSON body in, `ok` (text) out, like Slack's."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        now = time.time()
        with fake._lock:
            where = fake.hooks.get(hook)
        params: dict[str, Any] = dict(body) if isinstance(body, dict) else {}
        if where is not None:
            params.update(
                {"_hook": hook, "_team_id": where["team_id"], "_channel": where["channel"]}
            )
            params["_user"] = where["user"]
        fault = fake._fault_for("response_url")
        if fault is not None and (fault.status is not None or fault.drop):
            fake._log(Call("response_url", params, None, now, str(fault.status or "dropped")))
            if fault.drop:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._text(fault.status or 500, "rate_limited", {"Retry-After": "1"})
            return
        if where is None or not isinstance(body, dict):
            error = "no_service" if where is None else "invalid_payload"
            fake._log(Call("response_url", params, None, now, f"error:{error}"))
            self._text(404 if where is None else 400, error)
            return
        if body.get("response_type") == "in_channel" and not body.get("replace_original"):
            ts = fake._next_ts()
            team = next((t for t in fake.teams.values() if t.team_id == where["team_id"]), None)
            message = {
                "type": "message",
                "ts": ts,
                "user": team.bot_user_id if team else None,
                "bot_id": team.bot_id if team else None,
                "text": body.get("text", ""),
                "blocks": body.get("blocks") or [],
                "thread_ts": body.get("thread_ts"),
                "team": where["team_id"],
            }
            with fake._lock:
                fake.messages.setdefault(where["channel"], {})[ts] = message
            params["_ts"] = ts
        fake._log(Call("response_url", params, None, now, "ok", {"ok": True}))
        self._text(200, "ok")

    def _text(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _send(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _credentials(
    header: str | None, params: dict[str, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip(), None
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode("utf-8").partition(":")
                return None, (user, password)
            except ValueError:
                return None, None
    token = params.get("token")
    return (token if isinstance(token, str) else None), None
