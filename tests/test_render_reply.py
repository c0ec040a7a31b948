"""The thread reply: content, buttons, recurrence and resolution lines, redaction and escaping."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.render import (
    ACTION_LANG,
    ACTION_RESOLVE,
    ACTION_WRONG,
    SimpleResolution,
    SlackMessage,
    denial_index,
    mark_resolved,
    render_reply,
    violations,
)
from bot.render.escape import WORD_JOINER
from core.classifier import find_denials
from core.record import DenialRecord, PolicyType
from core.remediation import remediate
from core.store.incidents import Recurrence, Resolution

CROSS_ACCOUNT = (
    "An error occurred (AccessDenied) when calling the SendMessage operation: User: "
    "arn:aws:sts::111122223333:assumed-role/order-events-producer/producer is not authorized to "
    "perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:444455556666:order-events "
    "with an explicit deny in a resource-based policy"
)
SCP = (
    "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on "
    "resource: arn:aws:s3:::prod-bucket/a.txt with an explicit deny in a service control policy"
)
TYPO = (
    "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObjct on "
    "resource: arn:aws:s3:::other-bucket/key because no resource-based policy allows the "
    "s3:GetObject action"
)
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
HOSTILE = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/<@U123> is not authorized to perform: "
    's3:GetObject on resource: "arn:aws:s3:::bkt/<!channel>/@here/<!here>/&/'
    f'aws_secret_access_key={SECRET}" because no resource-based policy allows the '
    "s3:GetObject action"
)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _reply(paste: str, lang: str = "en", **kwargs: Any) -> SlackMessage:
    denials = find_denials(paste)
    assert denials, paste
    return render_reply(denials, [remediate(d, lang) for d in denials], lang=lang, **kwargs)


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every string a user can read in the blocks."""
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                out.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return out


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [el for b in blocks if b["type"] == "actions" for el in b["elements"]]


def _all_text(message: SlackMessage) -> str:
    return message.text + "\n" + "\n".join(_texts(message.blocks))


# --- redaction and escaping -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_hostile_paste_renders_without_its_secret_or_a_live_mention(lang: str) -> None:
    message = _reply(HOSTILE + "\nAKIAIOSFODNN7EXAMPLE", lang, incident_ids=[7])
    raw = json.dumps(message.blocks, ensure_ascii=False) + message.text
    assert SECRET not in raw
    assert "AKIAIOSFODNN7EXAMPLE" not in raw
    assert "[redacted:aws-secret-key]" in raw
    for text in [message.text, *_texts(message.blocks)]:
        # No control sequence from the paste survives: the only `<` we write are our own.
        assert "<!channel>" not in text and "<!here>" not in text and "<@U123>" not in text
        assert not re.search(r"(?<![\w\u2060])@(here|channel|everyone)\b", text), text
        # Every & is an entity.
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    readable = _all_text(message)
    assert "&lt;!channel&gt;" in readable and "&lt;@U123&gt;" in readable
    assert f"@{WORD_JOINER}here" in readable
    assert violations(message.blocks, text=message.text) == []


def test_code_fences_in_a_value_cannot_break_out_of_the_code_block() -> None:
    record = DenialRecord(
        principal_arn="arn:aws:iam::111122223333:user/alice",
        action="s3:GetObject",
        resource="arn:aws:s3:::b/```\n<!channel> *bold* ```",
        policy_type=PolicyType.IDENTITY_BASED,
    )
    message = render_reply([record], [remediate(record, "en")], lang="en")
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section" and "text" in b]
    fenced = [s for s in sections if "```" in s]
    assert fenced
    for text in fenced:
        assert text.count("```") == 2, text  # our opening and closing fences only
        assert "<!channel>" not in text


# --- content --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_cross_account_reply_has_verdict_fields_steps_code_and_warning(lang: str) -> None:
    message = _reply(CROSS_ACCOUNT, lang, incident_ids=[12])
    blocks = message.blocks
    assert blocks[0]["type"] == "header"
    assert remediate(find_denials(CROSS_ACCOUNT)[0], lang).verdict in blocks[0]["text"]["text"]
    facts = next(b for b in blocks if b.get("block_id") == "iamdeny_d0_facts")
    fields = "\n".join(f["text"] for f in facts["fields"])
    assert "`arn:aws:sts::111122223333:assumed-role/order-events-producer/producer`" in fields
    assert "`sqs:SendMessage`" in fields
    assert "`arn:aws:sqs:us-east-1:444455556666:order-events`" in fields
    assert "444455556666" in fields and "111122223333" in fields
    steps = next(b for b in blocks if b.get("block_id") == "iamdeny_d0_steps")["text"]["text"]
    assert steps.count("\n1. ") == 1 and "\n2. " in steps
    assert any("```" in t for t in _texts(blocks))
    warn = next(b for b in blocks if b.get("block_id") == "iamdeny_d0_warn")
    cross = "Cross-account" if lang == "en" else "교차 계정"
    assert any(cross in el["text"] for el in warn["elements"])
    assert violations(blocks, text=message.text) == []
    assert message.text and "\n" in message.text


def test_an_unknown_action_warns_with_the_suggestion() -> None:
    message = _reply(TYPO)
    warn = next(b for b in message.blocks if b.get("block_id") == "iamdeny_d0_warn")
    assert any(
        "s3:GetObject" in el["text"] and "s3:GetObjct" in el["text"] for el in warn["elements"]
    )


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_word_is_in_the_requested_language(lang: str) -> None:
    message = _reply(SCP, lang, incident_ids=[1])
    labels = [b["text"]["text"] for b in _buttons(message.blocks)]
    if lang == "ko":
        assert labels == ["해결됨", "거부 오류 아님 / 잘못된 분석", "영어로 보기"]
        assert "보안 주체" in _all_text(message)
    else:
        assert labels == ["Resolved", "Not a denial / wrong", "View in Korean"]
        assert "Principal" in _all_text(message)
        assert not re.search(r"[가-힣]", _all_text(message))


def test_truncated_input_is_said_once() -> None:
    message = _reply(SCP + "\n" + TYPO, input_truncated=True)
    notes = [t for t in _texts(message.blocks) if "longer than iamdeny reads" in t]
    assert len(notes) == 1
    assert "longer than iamdeny reads" in message.text
    assert not any("longer than iamdeny reads" in t for t in _texts(_reply(SCP).blocks))


def test_no_denials_gives_a_short_message() -> None:
    message = render_reply([], [], lang="ko")
    assert message.blocks and "찾지 못했습니다" in message.text


def test_remediations_must_match_denials() -> None:
    with pytest.raises(ValueError, match="one remediation per denial"):
        render_reply(find_denials(SCP), [], lang="en")
    with pytest.raises(ValueError, match="unsupported language"):
        render_reply([], [], lang="fr")


# --- buttons --------------------------------------------------------------------------------------


def test_buttons_carry_each_denials_incident_id_and_unique_block_ids() -> None:
    message = _reply(SCP + "\n" + CROSS_ACCOUNT + "\n" + TYPO, incident_ids=[101, 102, 103])
    action_blocks = [b for b in message.blocks if b["type"] == "actions"]
    assert [denial_index(b["block_id"]) for b in action_blocks] == [0, 1, 2]
    for incident_id, block in zip([101, 102, 103], action_blocks, strict=True):
        by_action = {el["action_id"]: el for el in block["elements"]}
        assert by_action[ACTION_RESOLVE]["value"] == str(incident_id)
        assert by_action[ACTION_WRONG]["value"] == str(incident_id)
        assert by_action[ACTION_LANG]["value"] == "ko"
    ids = [b["block_id"] for b in message.blocks if "block_id" in b]
    assert len(ids) == len(set(ids))
    again = _reply(SCP + "\n" + CROSS_ACCOUNT + "\n" + TYPO, incident_ids=[101, 102, 103])
    assert again == message  # deterministic, block ids stable


def test_without_an_incident_id_only_the_language_button_remains() -> None:
    message = _reply(SCP, "ko")
    assert [(b["action_id"], b["value"]) for b in _buttons(message.blocks)] == [(ACTION_LANG, "en")]


# --- recurrence and resolution --------------------------------------------------------------------


def _recurrence(count: int, reporters: int, resolution: Resolution | None = None) -> Recurrence:
    return Recurrence("fp", 7, count, reporters, NOW, NOW, resolution)


def test_recurrence_line_appears_only_when_given_and_repeated() -> None:
    plain = _all_text(_reply(SCP, incident_ids=[5]))
    assert "Seen" not in plain and "Fixed before" not in plain
    once = _all_text(_reply(SCP, incident_ids=[5], recurrences=[_recurrence(1, 1)]))
    assert "Seen" not in once
    seen = _all_text(_reply(SCP, incident_ids=[5], recurrences=[_recurrence(4, 3)]))
    assert "Seen 4 times in the last 7 days by 3 people" in seen
    one = _all_text(_reply(SCP, incident_ids=[5], recurrences=[_recurrence(2, 1)]))
    assert "Seen 2 times in the last 7 days by 1 person." in one
    ko = _all_text(_reply(SCP, "ko", incident_ids=[5], recurrences=[_recurrence(4, 3)]))
    assert "최근 7일 동안 4번 발생했습니다 (보고자 3명)" in ko


def test_previous_resolution_shows_its_note_and_resolver() -> None:
    fix = Resolution(3, "U0ALICE", NOW, "Added <!channel> exception for deploy; see PR #42")
    text = _all_text(_reply(SCP, incident_ids=[5], recurrences=[_recurrence(3, 2, fix)]))
    assert "Fixed before by <@U0ALICE>" in text
    assert "Added &lt;!channel&gt; exception for deploy; see PR #42" in text
    # The resolution of this very incident is not "before".
    same = _all_text(_reply(SCP, incident_ids=[3], recurrences=[_recurrence(3, 2, fix)]))
    assert "Fixed before" not in same


def test_a_resolver_that_is_not_a_user_id_is_not_a_mention() -> None:
    fix = Resolution(3, "<!channel>", NOW, None)
    text = _all_text(_reply(SCP, incident_ids=[5], recurrences=[_recurrence(3, 2, fix)]))
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_resolved_reply_shows_who_and_drops_the_resolve_button(lang: str) -> None:
    resolved = SimpleResolution("U0BOB", NOW, f"rotated; old aws_secret_access_key={SECRET}")
    message = _reply(SCP, lang, incident_ids=[9], resolved=[resolved])
    text = _all_text(message)
    assert "<@U0BOB>" in text and SECRET not in text and "rotated" in text
    assert "<!date^" in text
    assert ACTION_RESOLVE not in [b["action_id"] for b in _buttons(message.blocks)]
    assert ACTION_WRONG in [b["action_id"] for b in _buttons(message.blocks)]
    unresolved = _reply(SCP, lang, incident_ids=[9])
    assert "<@U0BOB>" not in _all_text(unresolved)


def test_steps_show_arns_as_code() -> None:
    steps = next(b for b in _reply(CROSS_ACCOUNT).blocks if b.get("block_id") == "iamdeny_d0_steps")
    assert "`arn:aws:sqs:us-east-1:444455556666:order-events`" in steps["text"]["text"]
    ko = next(
        b for b in _reply(CROSS_ACCOUNT, "ko").blocks if b.get("block_id") == "iamdeny_d0_steps"
    )
    assert "`arn:aws:sqs:us-east-1:444455556666:order-events`의" in ko["text"]["text"]


def test_mark_resolved_updates_one_denial_of_a_posted_reply() -> None:
    posted = json.loads(json.dumps(_reply(SCP + "\n" + TYPO, incident_ids=[21, 22]).blocks))
    resolution = SimpleResolution("U0BOB", NOW, "added the exception <!here>")
    updated = mark_resolved(posted, 22, resolution, "en")
    assert violations(updated) == []
    ids = [b.get("block_id") for b in updated]
    assert ids.index("iamdeny_d1_resolved") == ids.index("iamdeny_d1_actions") - 1
    second = next(b for b in updated if b.get("block_id") == "iamdeny_d1_actions")
    assert [el["action_id"] for el in second["elements"]] == [ACTION_WRONG, ACTION_LANG]
    first = next(b for b in updated if b.get("block_id") == "iamdeny_d0_actions")
    assert ACTION_RESOLVE in [el["action_id"] for el in first["elements"]]
    note = next(b for b in updated if b.get("block_id") == "iamdeny_d1_resolved")
    assert "<@U0BOB>" in note["elements"][0]["text"] and "<!here>" not in json.dumps(updated)
    # Idempotent, and unknown ids change nothing.
    assert mark_resolved(updated, 22, resolution, "en") == updated
    assert mark_resolved(posted, 999, resolution, "en") == posted
    # Same result as rendering the reply resolved in the first place.
    fresh = _reply(SCP + "\n" + TYPO, incident_ids=[21, 22], resolved=[None, resolution])
    assert updated == json.loads(json.dumps(fresh.blocks))


def test_mark_resolved_at_the_block_limit_replaces_the_buttons() -> None:
    lines = [SCP.replace("alice", f"user{i}") for i in range(30)]
    message = _reply("\n".join(lines), incident_ids=list(range(1, 31)))
    full = message.blocks + [{"type": "divider"}] * (50 - len(message.blocks))
    updated = mark_resolved(full, 1, SimpleResolution("U0BOB"), "en")
    assert len(updated) == 50 and violations(updated) == []
    assert "iamdeny_d0_actions" not in [b.get("block_id") for b in updated]
