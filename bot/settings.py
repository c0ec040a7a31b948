"""The bot's settings, read from the environment once at start (pydantic-settings).

`Settings.load()` reads every variable of DESIGN.md plus our own `IAMDENY_*` ones and checks them;
`settings.check_mode("http" | "socket")` checks what a run mode needs. A missing or malformed
setting raises `SettingsError`, whose message names the variable and says what is wrong — never its
value, so a mistyped secret cannot end up in a log.

| variable | default | meaning |
| --- | --- | --- |
| `SLACK_BOT_TOKEN` | — | single-workspace bot token (`xoxb-`) |
| `SLACK_SIGNING_SECRET` | — | HTTP mode request verification (required in HTTP mode) |
| `SLACK_APP_TOKEN` | — | Socket Mode app-level token (`xapp-`) |
| `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET` | — | multi-workspace OAuth installs (both or neither) |
| `SLACK_API_URL` | `https://slack.com/api/` | Web API base for every client the bot makes |
| `IAMDENY_LANG` | `en` | default reply language (`en`, `ko`) |
| `PORT` | `3000` | HTTP mode port |
| `DATABASE_URL` | `sqlite:///iamdeny.db` | SQLAlchemy URL (`postgres://` accepted) |
| `IAMDENY_MAX_BODY_BYTES` | `1048576` | larger request bodies are refused with 413 before parsing |
| `IAMDENY_WEB_WORKERS` | `2` | gunicorn worker processes (`iamdeny serve --workers`) |
| `IAMDENY_WEB_THREADS` | `8` | threads per worker process (`--threads`) |
| `IAMDENY_REPLY_WORKERS` | `8` | per-process threads that post replies after the ack |
| `IAMDENY_LOCALE_CACHE_SECONDS` | `600` | how long a user's Slack locale is cached |
| `IAMDENY_LOG_LEVEL` | `INFO` | log level (Slack library loggers never go below INFO) |
| `IAMDENY_DIGEST_INTERVAL_SECONDS` | `60` | how often the `worker` checks for due digests |
| `IAMDENY_DIGEST_CATCH_UP_HOURS` | `24` | a digest missed by longer than this is not posted late |
| `IAMDENY_DIGEST_LEASE_SECONDS` | `600` | a claim older than this (a crashed post) is retried |
| `IAMDENY_SPOOL_DIR` | `iamdeny-spool` | redacted pastes wait here while the database is down |
| `IAMDENY_SPOOL_MAX_ENTRIES` | `100000` | a full spool answers 500 again |
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["LANGS", "Mode", "Settings", "SettingsError"]

LANGS = ("en", "ko")
Mode = Literal["http", "socket"]


class SettingsError(ValueError):
    """A missing or malformed setting; the message names the variable, never its value."""


def _env_name(field: str) -> str:
    return field.upper()


class Settings(BaseSettings):
    """Every setting of the bot; field names are the environment variables, lower-cased."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    iamdeny_lang: str = "en"
    port: int = Field(default=3000, ge=1, le=65535)
    database_url: str = Field(default="sqlite:///iamdeny.db", repr=False)  # may hold a password

    iamdeny_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    iamdeny_web_workers: int = Field(default=2, ge=1, le=64)
    iamdeny_web_threads: int = Field(default=8, ge=1, le=256)
    iamdeny_reply_workers: int = Field(default=8, ge=1, le=256)
    iamdeny_locale_cache_seconds: int = Field(default=600, ge=0)
    iamdeny_log_level: str = "INFO"
    iamdeny_digest_interval_seconds: float = Field(default=60.0, gt=0, le=3600)
    iamdeny_digest_catch_up_hours: int = Field(default=24, ge=1, le=144)
    iamdeny_digest_lease_seconds: int = Field(default=600, ge=5, le=86400)
    iamdeny_spool_dir: str = "iamdeny-spool"
    iamdeny_spool_max_entries: int = Field(default=100_000, ge=1)

    # --- field checks (messages never include the value) ------------------------------------

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_secret",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("slack_client_id", mode="before")
    @classmethod
    def _blank_client_id(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("iamdeny_lang")
    @classmethod
    def _lang(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LANGS:
            raise ValueError(f"must be one of {', '.join(LANGS)}")
        return value

    @field_validator("iamdeny_log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value

    @model_validator(mode="after")
    def _oauth_pair(self) -> Settings:
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = (
                "SLACK_CLIENT_SECRET" if self.slack_client_secret is None else "SLACK_CLIENT_ID"
            )
            raise ValueError(
                f"{missing} is not set: multi-workspace OAuth needs both SLACK_CLIENT_ID and "
                "SLACK_CLIENT_SECRET"
            )
        return self

    # --- loading ------------------------------------------------------------------------------

    @classmethod
    def load(cls, **overrides: object) -> Settings:
        """Read the environment (and `overrides`, by field name); SettingsError when invalid."""
        try:
            return cls(**overrides)  # type: ignore[arg-type]
        except ValidationError as exc:
            raise SettingsError(_describe(exc)) from None

    def check_mode(self, mode: Mode) -> None:
        """Raise SettingsError when a setting `mode` needs is missing."""
        problems: list[str] = []
        if mode == "http":
            if self.slack_signing_secret is None:
                problems.append(
                    "SLACK_SIGNING_SECRET is not set: HTTP mode verifies every request with it "
                    "(Slack app settings > Basic Information > Signing Secret)"
                )
            if not self.oauth_enabled and self.slack_bot_token is None:
                problems.append(
                    "SLACK_BOT_TOKEN is not set: set it (xoxb-, one workspace) or set "
                    "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (multi-workspace OAuth installs)"
                )
        else:
            if self.slack_app_token is None:
                problems.append(
                    "SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (xapp-) "
                    "with the connections:write scope"
                )
            if self.slack_bot_token is None:
                problems.append(
                    "SLACK_BOT_TOKEN is not set: Socket Mode runs in one workspace with its bot "
                    "token (xoxb-); OAuth installs need HTTP mode"
                )
        if problems:
            raise SettingsError("\n".join(problems))

    # --- derived ------------------------------------------------------------------------------

    @property
    def oauth_enabled(self) -> bool:
        """True for multi-workspace OAuth installs (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def socket_mode_available(self) -> bool:
        """True when SLACK_APP_TOKEN is set (`iamdeny serve` then runs in Socket Mode)."""
        return self.slack_app_token is not None

    @property
    def lang(self) -> str:
        """The default reply language (IAMDENY_LANG)."""
        return self.iamdeny_lang


def _describe(exc: ValidationError) -> str:
    lines: list[str] = []
    for error in exc.errors(include_input=False, include_url=False):
        message = str(error.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        loc = error.get("loc") or ()
        if loc:
            lines.append(f"{_env_name(str(loc[0]))}: {message}")
        else:
            lines.append(message)
    return "invalid settings:\n" + "\n".join(f"  {line}" for line in lines)
