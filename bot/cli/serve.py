"""`iamdeny serve`: run the bot.

    iamdeny serve                       # HTTP mode on $PORT (gunicorn, gthread workers)
    iamdeny serve --port 8080 --workers 4 --threads 16
    iamdeny serve --socket              # Socket Mode (also the default when SLACK_APP_TOKEN is set)

HTTP mode serves `POST /slack/events`, `GET /slack/install`, `GET /slack/oauth_redirect` and
`GET /healthz` (see `bot.http`) from gunicorn embedded in this process; each worker process builds
its own app, database pool and reply threads after the fork. Socket Mode connects out to Slack
(no public URL needed) through slack_bolt's built-in Socket Mode client.

Exit status: 2 when a setting is missing or malformed (the message names it) or the database is
not at the code's schema; otherwise the server's own status. A PostgreSQL server that cannot be
reached at start is not an exit: the bot serves (pastes wait in the spool, other requests get
5xx, until the database is back), because a restart during a database outage must not keep the bot
down after it. Each process runs the recovery sweep and the spool's drainer on daemon threads.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.cli.argtypes import positive_int

if TYPE_CHECKING:  # imported lazily at run time (the CLI's start-up stays small)
    from bot.background import Periodic
    from bot.deps import Deps

_log = logging.getLogger("iamdeny.serve")

# No query string in access logs: /slack/oauth_redirect carries the OAuth code.
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
SERVE_CONNECT_TIMEOUT_S = 2
QUIET_LOGGERS = ("slack_bolt", "slack_sdk", "sqlalchemy")


def register(subparsers: Any) -> None:
    """Add the `serve` subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the Slack bot (HTTP mode, or Socket Mode)",
        description=(
            "Run the bot: HTTP mode on $PORT behind gunicorn, or Socket Mode when "
            "SLACK_APP_TOKEN is set or --socket is given. Settings come from the environment "
            "(see the README)."
        ),
    )
    parser.add_argument("--port", type=positive_int, help="HTTP port (default: $PORT, else 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="address to bind (default: 0.0.0.0)")  # noqa: S104
    parser.add_argument(
        "--workers", type=positive_int, help="worker processes (default: $IAMDENY_WEB_WORKERS, 2)"
    )
    parser.add_argument(
        "--threads", type=positive_int, help="threads per worker (default: $IAMDENY_WEB_THREADS, 8)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--socket", action="store_true", help="run in Socket Mode")
    mode.add_argument(
        "--http", action="store_true", help="run in HTTP mode even when SLACK_APP_TOKEN is set"
    )
    parser.set_defaults(handler=run)


def configure_logging(level: str) -> None:
    """One line per record on stderr; Slack and SQL library loggers never below INFO (their
    DEBUG output carries request bodies and parameters)."""
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    for name in QUIET_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logging.getLevelName(level)))
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)


def run(args: argparse.Namespace) -> int:
    """Check the settings and the database, then serve until stopped."""
    from bot.settings import Settings, SettingsError
    from core.store import SchemaNotReadyError, Store, StoreError, ensure_schema

    try:
        settings = Settings.load()
        socket = args.socket or (settings.socket_mode_available and not args.http)
        settings.check_mode("socket" if socket else "http")
    except SettingsError as exc:
        print(f"iamdeny serve: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.iamdeny_log_level)
    store = Store.open(settings.database_url, hide_parameters=True)
    try:
        ensure_schema(store)
    except SchemaNotReadyError as exc:
        print(f"iamdeny serve: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        if store.dialect == "sqlite":
            print(
                f"iamdeny serve: cannot use the database {store.url}: {type(exc).__name__}",
                file=sys.stderr,
            )
            return 2
        # A database server that is down now may be back in a minute: serve anyway. Requests
        # that need it fail with a 5xx (Slack redelivers them), /healthz says 503, and the bot
        # answers as soon as the server is back. Exiting instead would leave a supervisor's
        # restart backoff between the database's recovery and the bot's.
        _log.warning(
            "database %s unavailable at start (%s); serving, requests fail until it is back",
            store.url,
            type(exc).__name__,
        )
    if socket:
        return _serve_socket_mode(settings, store)
    store.close()  # each gunicorn worker opens its own after the fork
    port = args.port or settings.port
    return _serve_http(
        settings,
        bind=f"{args.host}:{port}",
        workers=args.workers or settings.iamdeny_web_workers,
        threads=args.threads or settings.iamdeny_web_threads,
    )


def background_sweepers(deps: Deps, client_for: Callable[[str], Any]) -> list[Periodic]:
    """The per-process background threads (not started): the recovery sweep for replies a
    crashed process owed, and, with a spool, its drainer."""
    from bot.pipeline.backlog import SpoolDrainer
    from bot.pipeline.recovery import ReplyRecovery

    sweepers: list[Periodic] = [ReplyRecovery(deps, client_for)]
    if deps.spool is not None:
        sweepers.append(SpoolDrainer(deps, client_for))
    return sweepers


def engine_options(settings: Any, threads: int) -> dict[str, Any]:
    """Engine options for one serving process: SQL parameters never in error messages, and on
    PostgreSQL a pool as large as the threads that may use it at once (request threads, reply
    workers, the recovery sweep), so none waits for a connection."""
    options: dict[str, Any] = {"hide_parameters": True}
    if settings.database_url.startswith(("postgres://", "postgresql")):
        options["pool_size"] = threads + 1
        options["max_overflow"] = settings.iamdeny_reply_workers + 2
        # An unreachable server must fail a request well inside Slack's 3-second window, so the
        # paste can go to the spool and be acknowledged.
        options["connect_args"] = {"connect_timeout": SERVE_CONNECT_TIMEOUT_S}
    return options


def _serve_socket_mode(settings: Any, store: Any) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app, team_clients
    from bot.deps import Deps

    deps = Deps.build(settings, store)
    app = create_app(settings, store, deps=deps, mode="socket")
    sweepers = background_sweepers(deps, team_clients(app, settings))
    assert settings.slack_app_token is not None
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    _log.info("iamdeny: Socket Mode, Web API at %s", settings.slack_api_url)
    for sweeper in sweepers:
        sweeper.start()
    try:
        handler.start()  # type: ignore[no-untyped-call]
    except KeyboardInterrupt:
        pass
    finally:
        for sweeper in sweepers:
            sweeper.stop()
        deps.shutdown()
        store.close()
    return 0


def _serve_http(settings: Any, *, bind: str, workers: int, threads: int) -> int:
    from gunicorn.app.base import BaseApplication

    state: dict[str, Any] = {}

    def build() -> Any:
        # In each worker process, after the fork: its own pool, jobs and recovery sweeper.
        from bot.app import team_clients
        from bot.deps import Deps
        from bot.http import create_wsgi_app
        from core.store import Store

        store = Store.open(settings.database_url, **engine_options(settings, threads))
        deps = Deps.build(settings, store)
        wsgi = create_wsgi_app(settings, store, deps=deps)
        sweepers = background_sweepers(deps, team_clients(wsgi.app, settings))
        for sweeper in sweepers:
            sweeper.start()
        state.update(deps=deps, store=store, sweepers=sweepers)
        return wsgi

    def worker_exit(server: Any, worker: Any) -> None:
        for sweeper in state.get("sweepers", ()):
            sweeper.stop()
        deps, store = state.get("deps"), state.get("store")
        if deps is not None:
            deps.shutdown(timeout=20)
        if store is not None:
            store.close()

    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 25,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "loglevel": settings.iamdeny_log_level.lower(),
        "proc_name": "iamdeny",
        "worker_exit": worker_exit,
        "control_socket_disable": True,
        "limit_request_line": 8190,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build()

    _log.info("iamdeny: HTTP mode on %s (%d workers x %d threads)", bind, workers, threads)
    Server(prog="iamdeny serve").run()
    return 0
