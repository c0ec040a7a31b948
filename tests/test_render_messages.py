"""Help, the ephemeral notes, the incident list and the resolved line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from test_render_fixtures import make_incident

from bot.render import (
    ACTION_RESOLVE,
    SimpleResolution,
    SlackMessage,
    render_admin_only,
    render_credential_problem,
    render_feedback_thanks,
    render_help,
    render_incident_list,
    render_incident_not_found,
    render_lang_set,
    render_no_denial,
    render_resolve_done,
    render_resolve_usage,
    render_resolved_note,
    render_secret_warning,
    render_settings_saved,
    render_unavailable,
    resolution_of,
    violations,
)
from core.credentials import CREDENTIAL_PATTERNS
from core.redaction import known_kinds
from core.store.settings import WorkspaceSettings

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def _raw(message: SlackMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + "\n" + message.text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_help_lists_every_subcommand(lang: str) -> None:
    message = render_help(lang)
    assert violations(message.blocks, text=message.text) == []
    raw = _raw(message)
    note, paste = ("note", "paste") if lang == "en" else ("메모", "오류 내용")
    for usage in (
        f"`/iamdeny &lt;{paste}&gt;`",
        "`/iamdeny help`",
        "`/iamdeny digest`",
        "`/iamdeny list`",
        f"`/iamdeny resolve &lt;id&gt; &lt;{note}&gt;`",
        "`/iamdeny lang en|ko`",
        "`/iamdeny settings`",
    ):
        assert usage in raw, usage
    assert "<paste>" not in raw  # would be a Slack link
    assert message.to_kwargs() == {"text": message.text, "blocks": message.blocks}


def test_help_for_an_unknown_subcommand_names_it_safely() -> None:
    message = render_help("en", unknown="frobnicate <!channel>")
    raw = _raw(message)
    assert "I don't know the command `frobnicate &lt;!channel&gt;`" in raw
    assert "<!channel>" not in raw
    assert "도움말" in _raw(render_help("ko"))


def test_help_never_echoes_a_secret_typed_as_a_subcommand() -> None:
    raw = _raw(render_help("en", unknown="AKIAIOSFODNN7EXAMPLE"))
    assert "AKIAIOSFODNN7EXAMPLE" not in raw
    assert "[redacted:aws-access-key-id]" in raw


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_secret_warning_names_kinds_never_secrets(lang: str) -> None:
    message = render_secret_warning(["aws-secret-key", "aws-access-key-id", "aws-secret-key"], lang)
    assert violations(message.blocks, text=message.text) == []
    raw = _raw(message)
    if lang == "en":
        assert "an AWS secret access key, an AWS access key ID" in raw
        assert "Delete your message" in raw and "rotate" in raw
    else:
        assert "AWS 비밀 액세스 키, AWS 액세스 키 ID" in raw and "삭제" in raw and "교체" in raw
    assert raw.count("AWS secret access key") <= 2 or lang == "ko"


NAMED_KINDS = (
    "private-key",
    "aws-access-key-id",
    "aws-session-token",
    "slack-token",
    "slack-webhook",
    "github-token",
    "gitlab-token",
    "google-api-key",
    "stripe-key",
    "sendgrid-key",
    "npm-token",
    "pypi-token",
    "openai-api-key",
    "anthropic-api-key",
    "bearer-token",
    "jwt",
    "basic-auth",
    "aws-secret-key",
    "secret-value",
    "password",
    "api-key",
)


def test_redaction_kinds_have_names_and_unknown_kinds_are_escaped() -> None:
    for lang in ("en", "ko"):
        for kind in NAMED_KINDS:
            assert f"`{kind}`" not in render_secret_warning([kind], lang).text, kind
        for kind in known_kinds():  # kinds added later get the generic name, still valid
            message = render_secret_warning([kind], lang)
            assert violations(message.blocks, text=message.text) == []
    assert "a secret (`new-kind`)" in render_secret_warning(["new-kind"], "en").text
    odd = render_secret_warning(["<@U1>-kind"], "en")
    assert "<@U1>" not in _raw(odd) and "&lt;@U1&gt;-kind" in _raw(odd)
    many = render_secret_warning([f"k{i}" for i in range(30)], "en")
    assert violations(many.blocks, text=many.text) == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_credential_problem_for_every_kind(lang: str) -> None:
    texts = set()
    for kind in {kind for kind, _, _ in CREDENTIAL_PATTERNS} | {"something-new"}:
        message = render_credential_problem(kind, lang)
        assert violations(message.blocks, text=message.text) == []
        assert (
            "not a policy" if lang == "en" else "정책 문제가 아니라 자격 증명 문제"
        ) in message.text
        texts.add(message.text)
    assert len(texts) == 8  # seven known kinds and the generic answer differ


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_incident_list(lang: str) -> None:
    incidents = [make_incident(i) for i in range(1, 4)]
    incidents.append(
        make_incident(9, status="resolved", resolved_by="U0ALICE", action="<!channel>")
    )
    message = render_incident_list(incidents, lang)
    assert violations(message.blocks, text=message.text) == []
    buttons = [b["accessory"] for b in message.blocks if "accessory" in b]
    assert [(b["action_id"], b["value"]) for b in buttons] == [
        (ACTION_RESOLVE, str(i)) for i in (1, 2, 3)
    ]
    raw = _raw(message)
    assert "*#1* `s3:PutObject`" in raw and "<#C0OPS>" in raw
    assert "<!channel>" not in raw


def test_a_long_incident_list_is_capped_with_a_count() -> None:
    message = render_incident_list(
        [make_incident(i, resource="r" * 5000) for i in range(200)], "en"
    )
    assert violations(message.blocks, text=message.text) == []
    assert "153 more not shown" in _raw(message)
    empty = render_incident_list([], "ko")
    assert "열린 인시던트가 없습니다" in empty.text


def test_resolved_note() -> None:
    block = render_resolved_note(SimpleResolution("U0ALICE", NOW, "fixed <@U2> *bold*"), "en")
    text = block["elements"][0]["text"]
    assert text.startswith(":white_check_mark: Resolved by <@U0ALICE> on <!date^")
    assert "&lt;@U2&gt;" in text
    assert violations([block]) == []
    ko = render_resolved_note(SimpleResolution(None, None, None), "ko")["elements"][0]["text"]
    assert ko == ":white_check_mark: 누군가 님이 해결함"
    incident = make_incident(1, status="resolved", resolved_by="U0A", resolution_note="n")
    assert resolution_of(incident) == SimpleResolution("U0A", None, "n")
    assert resolution_of(make_incident(2)) is None


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_notices_are_valid_and_in_the_language(lang: str) -> None:
    settings = WorkspaceSettings("T1", "en", "C0DIGEST", 2, 10, "Asia/Seoul", True)
    messages = [
        render_lang_set(lang),
        render_resolve_done(12, lang),
        render_resolve_usage(lang),
        render_incident_not_found("12<!here>", lang),
        render_admin_only(lang),
        render_settings_saved(settings, lang),
        render_feedback_thanks(lang),
        render_no_denial(lang),
        render_unavailable(lang),
    ]
    for message in messages:
        assert violations(message.blocks, text=message.text) == []
        assert ("<!here>" not in _raw(message)) and "<id>" not in _raw(message)
        assert bool(re.search(r"[가-힣]", message.text)) == (lang == "ko"), message.text
    assert "#12" in messages[1].text
    assert "`12&lt;!here&gt;`" in messages[3].text
    assert "<#C0DIGEST>" in _raw(messages[5])
