"""Settings: every malformed or missing setting fails at start with a message naming it, and
never echoing a secret."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import Settings, SettingsError

SECRETISH = "xoxp-1111-2222-SECRETVALUE"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_API_URL",
        "IAMDENY_LANG",
        "PORT",
        "DATABASE_URL",
        "IAMDENY_MAX_BODY_BYTES",
        "IAMDENY_WEB_WORKERS",
        "IAMDENY_LOG_LEVEL",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": SECRETISH}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": SECRETISH}, "SLACK_APP_TOKEN"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"IAMDENY_LANG": "fr"}, "IAMDENY_LANG"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_CLIENT_ID": "123.456"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_SECRET": SECRETISH}, "SLACK_CLIENT_ID"),
        ({"IAMDENY_MAX_BODY_BYTES": "10"}, "IAMDENY_MAX_BODY_BYTES"),
        ({"IAMDENY_LOG_LEVEL": "LOUD"}, "IAMDENY_LOG_LEVEL"),
    ],
)
def test_malformed_setting_is_named_and_its_value_not_echoed(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        Settings.load()
    assert named in str(caught.value)
    assert SECRETISH not in str(caught.value)
    assert "SECRETVALUE" not in repr(caught.value)


def test_mode_requirements_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        Settings.load(slack_bot_token="xoxb-1").check_mode("http")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN"):
        Settings.load(slack_signing_secret="s").check_mode("http")
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        Settings.load(slack_bot_token="xoxb-1").check_mode("socket")
    Settings.load(slack_bot_token="xoxb-1", slack_signing_secret="s").check_mode("http")
    Settings.load(
        slack_client_id="1.2", slack_client_secret="x", slack_signing_secret="s"
    ).check_mode("http")
    Settings.load(slack_bot_token="xoxb-1", slack_app_token="xapp-1").check_mode("socket")


def test_defaults_and_normalisation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("IAMDENY_LANG", "KO")
    settings = Settings.load()
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.lang == "ko"
    assert settings.port == 3000
    assert not settings.oauth_enabled and not settings.socket_mode_available
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-" + "s" * 20)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@db/x")
    text = repr(Settings.load()) + str(Settings.load())
    assert "s" * 20 not in text and "hunter2" not in text


def test_serve_without_settings_exits_2_naming_them(tmp_path: object) -> None:
    env = {"PATH": "/usr/bin:/bin", "SLACK_BOT_TOKEN": SECRETISH}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "SLACK_BOT_TOKEN" in proc.stderr and SECRETISH not in proc.stderr + proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "serve"],
        env={"PATH": "/usr/bin:/bin", "SLACK_BOT_TOKEN": "xoxb-1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "SLACK_SIGNING_SECRET" in proc.stderr
