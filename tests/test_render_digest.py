"""The weekly digest in Slack: the numbers of a constructed `Digest`, both languages, limits."""

from __future__ import annotations

import json

import pytest
from test_render_fixtures import sample_digest

from bot.render import render_digest, violations
from bot.render.message import SlackMessage


def _text(message: SlackMessage) -> str:
    return json.dumps(message.blocks, ensure_ascii=False) + "\n" + message.text


def test_the_digest_shows_the_numbers_in_english() -> None:
    message = render_digest(sample_digest(), "en")
    assert violations(message.blocks, text=message.text) == []
    assert message.blocks[0]["text"]["text"] == "Access-denied digest · 2026-W48"
    rng = message.blocks[1]["elements"][0]["text"]
    assert rng == "2026-11-23 to 2026-11-29 (Asia/Seoul)"
    totals = next(b for b in message.blocks if b.get("block_id") == "iamdeny_digest_totals")
    fields = [f["text"] for f in totals["fields"]]
    assert fields[0] == "*Incidents*\n*11*  +3 (+37.5%) vs 8"
    assert fields[1] == "*Distinct denials*\n*4*  same as before (4)"
    assert fields[2] == "*Reporters*\n*3*  +3 vs 0"
    assert "1 new · 3 returning" in fields[4] and "3 recurring · 1 one-off" in fields[5]
    days = next(b for b in message.blocks if b.get("block_id") == "iamdeny_digest_days")
    assert "`▆▁█▃▁▁▄`" in days["text"]["text"]
    assert "Mon 3 · Tue 0 · Wed 5 · Thu 1 · Fri 0 · Sat 0 · Sun 2" in days["text"]["text"]
    top = next(b for b in message.blocks if b.get("block_id") == "iamdeny_digest_top_1")
    line = top["text"]["text"]
    assert line.startswith("*1.* *7×* `s3:PutObject` by `deploy-0` on `arn:aws:s3:::artifacts-0/*`")
    assert "Service control policy (SCP), explicit deny" in line
    assert "2 people · 5 open, 2 resolved" in line
    assert "<#C0OPS>, <#C0DEV>, <#C0SRE> +2 more" in line
    assert "Fixed before by <@U0ALICE>" in line and "excluded the CI role from the SCP" in line
    assert "<!channel>" not in line and "&lt;!channel&gt;" in line
    breakdown = next(b for b in message.blocks if b.get("block_id") == "iamdeny_digest_breakdown")
    by_type, by_account = (f["text"] for f in breakdown["fields"])
    assert "Service control policy (SCP): *7*" in by_type and "not stated: *1*" in by_type
    assert "`111122223300`: *11*" in by_account
    oldest = next(b for b in message.blocks if b.get("block_id") == "iamdeny_digest_open")
    assert "• *#3* · 90.0 days · kms:Decrypt by app" in oldest["text"]["text"]
    assert message.text.startswith("Access-denied digest · 2026-W48: 11 incidents (+3 (+37.5%)")


def test_the_digest_in_korean() -> None:
    message = render_digest(sample_digest(), "ko")
    text = _text(message)
    assert violations(message.blocks, text=message.text) == []
    for expected in [
        "접근 거부 다이제스트 · 2026-W48",
        "지난 기간 8 대비 +3 (+37.5%)",
        "월 3 · 화 0 · 수 5",
        "*7회* `s3:PutObject`",
        "보고자 2명 · 열림 5건, 해결 2건",
        "서비스 제어 정책(SCP): *7*",
        "• *#3* · 90.0일",
    ]:
        assert expected in text, expected


def test_a_quiet_period() -> None:
    digest = sample_digest(recurring=0, open_count=0).model_copy(
        update={"totals": sample_digest().totals.model_copy(update={"incidents": 0})}
    )
    message = render_digest(digest, "en")
    assert violations(message.blocks, text=message.text) == []
    assert "No access-denied errors were recorded in this period (previous period: 8)" in _text(
        message
    )
    assert "iamdeny_digest_totals" not in _text(message)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_huge_digest_stays_within_limits(lang: str) -> None:
    message = render_digest(sample_digest(recurring=40, long="x" * 3000, open_count=40), lang)
    assert violations(message.blocks, text=message.text) == []
    assert len(message.blocks) <= 25
    tops = [b for b in message.blocks if b.get("block_id", "").startswith("iamdeny_digest_top_")]
    assert len(tops) == 10


def test_one_reporter_is_one_person() -> None:
    digest = sample_digest()
    first = digest.top_recurring[0].model_copy(update={"distinct_reporters": 1})
    one = digest.model_copy(update={"top_recurring": [first, *digest.top_recurring[1:]]})
    line = next(
        b for b in render_digest(one, "en").blocks if b.get("block_id") == "iamdeny_digest_top_1"
    )["text"]["text"]
    assert "1 person · 5 open" in line and "1 people" not in line
