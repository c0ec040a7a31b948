"""Slack's limits hold for any input: many denials, long fields, hostile characters."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.answers import private_buttons
from bot.render import SlackMessage, denial_index, render_reply, violations
from bot.render.escape import code_block, code_safe, escape_mrkdwn, inline_code, mark_arns
from bot.render.limits import FALLBACK_TARGET, MESSAGE_BLOCKS_MAX, fit, slack_len
from core.classifier import find_denials
from core.record import DenialRecord, DenyKind, PolicyType, PrincipalKind, PrincipalRecord
from core.remediation import remediate
from core.store.incidents import Recurrence, Resolution

NOW = datetime(2026, 11, 30, tzinfo=UTC)
_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), include_characters="<>&@`*_~\n!|"
)
_LONG = st.text(_ALPHABET, min_size=0, max_size=2500)
_SHORT = st.text(_ALPHABET, min_size=1, max_size=80)


@st.composite
def _records(draw: st.DrawFn) -> DenialRecord:
    account = draw(st.sampled_from(["111122223333", "444455556666"]))
    return DenialRecord(
        principal_arn=draw(st.one_of(st.none(), _LONG)),
        action=draw(st.one_of(st.none(), _SHORT, _LONG)),
        resource=draw(st.one_of(st.none(), _LONG)),
        policy_type=draw(st.one_of(st.none(), st.sampled_from(list(PolicyType)))),
        deny_kind=draw(st.one_of(st.none(), st.sampled_from(list(DenyKind)))),
        policy_arn=draw(st.one_of(st.none(), _LONG)),
        error_code=draw(st.one_of(st.none(), _SHORT)),
        operation=draw(st.one_of(st.none(), _SHORT)),
        region=draw(st.one_of(st.none(), _SHORT)),
        principal=PrincipalRecord(account_id=account, kind=PrincipalKind.ROLE, name="r"),
        resource_account=draw(st.sampled_from([None, "999988887777"])),
        cross_account=draw(st.booleans()),
        input_truncated=draw(st.booleans()),
    )


def _check(message: SlackMessage, count: int) -> None:
    assert violations(message.blocks, text=message.text) == []
    assert len(message.blocks) <= MESSAGE_BLOCKS_MAX
    assert slack_len(message.text) <= FALLBACK_TARGET
    json.loads(json.dumps({"text": message.text, "blocks": message.blocks}))
    for text in [message.text, *_mrkdwn(message.blocks)]:
        rest = _OURS.sub("", text)
        assert "<" not in rest and ">" not in rest, text
    shown = {denial_index(b.get("block_id")) for b in message.blocks} - {None}
    more = [b["text"]["text"] for b in message.blocks if b.get("block_id") == "iamdeny_more"]
    summarised = int(re.search(r"\d+", more[0]).group()) if more else 0  # type: ignore[union-attr]
    assert shown == set(range(len(shown)))
    assert len(shown) + summarised == count
    assert len(shown) >= min(count, 5)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    records=st.lists(_records(), min_size=1, max_size=60),
    lang=st.sampled_from(["en", "ko"]),
    note=_LONG,
    data=st.data(),
)
def test_any_number_of_long_denials_respects_every_limit(
    records: list[DenialRecord], lang: str, note: str, data: st.DataObject
) -> None:
    n = len(records)
    ids = data.draw(st.lists(st.one_of(st.none(), st.integers(1, 10**12)), min_size=n, max_size=n))
    fix = Resolution(1, "U0ALICE", NOW, note)
    recurrences = [Recurrence("fp", 7, 10**6, 10**5, NOW, NOW, fix)] * n
    message = render_reply(
        records,
        [remediate(r, lang) for r in records],
        lang=lang,
        incident_ids=ids,
        recurrences=recurrences,
        resolved=[fix if i % 2 else None for i in range(n)],
        input_truncated=True,
    )
    if n % 2 == 0:  # the ephemeral /iamdeny answer: its buttons rewritten, "Share" added
        message = private_buttons(message, lang, [i for i in ids if i is not None], share=True)
    _check(message, n)


def test_sixty_real_denials_fit_and_the_rest_are_summarised() -> None:
    lines = [
        f"User: arn:aws:sts::111122223333:assumed-role/role-{i}/{'s' * 60} is not authorized to "
        f"perform: s3:PutObject on resource: arn:aws:s3:::bucket-{i}/{'k' * 900} because no "
        "identity-based policy allows the s3:PutObject action"
        for i in range(60)
    ]
    denials = find_denials("\n".join(lines))
    assert len(denials) == 60
    for lang in ("en", "ko"):
        message = render_reply(
            denials, [remediate(d, lang) for d in denials], lang=lang, incident_ids=range(1, 61)
        )
        _check(message, 60)
        more = next(b for b in message.blocks if b.get("block_id") == "iamdeny_more")
        assert "#60 " in more["text"]["text"] or "…" in more["text"]["text"]


def test_a_few_denials_keep_everything_and_cut_long_artefacts_visibly() -> None:
    resource = "arn:aws:s3:::bucket/" + "x" * 5000
    paste = (
        "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:PutObject on "
        f"resource: {resource} because no identity-based policy allows the s3:PutObject action"
    )
    denials = find_denials(paste)
    message = render_reply(denials, [remediate(d, "en") for d in denials], lang="en")
    _check(message, 1)
    artefacts = [b["text"]["text"] for b in message.blocks if "_art" in b.get("block_id", "")]
    assert artefacts and all(a.count("```") == 2 for a in artefacts)
    assert any("(cut; run `iamdeny explain` for the full text)" in a for a in artefacts)


# --- the escaping and cutting primitives ----------------------------------------------------------


def test_escape_mrkdwn() -> None:
    assert (
        escape_mrkdwn("a & <b> <!channel> <@U1>")
        == "a &amp; &lt;b&gt; &lt;!channel&gt; &lt;@U1&gt;"
    )
    assert "@here" not in escape_mrkdwn("ping @here and @Channel, ＠everyone")
    assert "@channel" not in escape_mrkdwn("ping @channel").lower()
    assert escape_mrkdwn("mail me@example.com") == "mail me@example.com"
    assert escape_mrkdwn("a\x00b\u202ec\r\nd") == "abc\nd"


def test_mark_arns() -> None:
    assert mark_arns("see arn:aws:iam::1:role/x.") == "see `arn:aws:iam::1:role/x`."
    assert mark_arns("arn:aws:s3:::b/&lt;x&gt;;") == "`arn:aws:s3:::b/&lt;x&gt;`;"
    assert mark_arns("no arn here: harn:x") == "no arn here: harn:x"


def test_code_safe_never_leaves_a_closing_fence() -> None:
    for body in ["```", "a```b", "``", "`````", "x`", "`x"]:
        block = code_block(code_safe(body))
        assert block.startswith("```\n") and block.endswith("\n```")
        assert block[3:-3].count("``") == 0, block
    assert inline_code("a`b\nc") == "`aˋb c`"


@given(st.text(st.sampled_from("a&<>é😀"), max_size=200), st.integers(1, 120))
def test_fit_respects_the_limit_and_never_cuts_an_entity(text: str, limit: int) -> None:
    escaped = escape_mrkdwn(text)
    cut = fit(escaped, limit)
    assert slack_len(cut) <= limit
    body = cut.removesuffix("…")
    assert body.count("&") == body.count(";")


def test_raw_text_is_cut_at_the_limit_not_at_a_lone_angle_bracket() -> None:
    raw = "a < b " + "x" * 100
    assert fit(raw, 50, escaped=False) == raw[:49] + "…"
    assert fit(escape_mrkdwn(raw), 50).startswith("a &lt; b xxx")
    assert fit("see <@U1> and more text", 8) == "see…"


# --- other surfaces with arbitrary user text ------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(_LONG, min_size=4, max_size=4),
    count=st.integers(0, 120),
    lang=st.sampled_from(["en", "ko"]),
)
def test_lists_home_and_notes_with_arbitrary_text_stay_valid(
    values: list[str], count: int, lang: str
) -> None:
    from test_render_fixtures import make_incident, sample_digest

    from bot.render import (
        SimpleResolution,
        app_home,
        render_help,
        render_incident_list,
        render_resolved_note,
    )
    from core.store.settings import WorkspaceSettings

    action, resource, principal, note = values
    incidents = [
        make_incident(i, action=action or None, resource=resource, principal_arn=principal)
        for i in range(count)
    ]
    listed = render_incident_list(incidents, lang)
    assert violations(listed.blocks, text=listed.text) == []
    home = app_home(
        incidents, sample_digest(recurring=3, long=note), True, WorkspaceSettings("T"), lang
    )
    assert violations(home["blocks"], surface="home", view=home) == []
    block = render_resolved_note(SimpleResolution(principal, NOW, note), lang)
    assert violations([block]) == []
    helped = render_help(lang, unknown=action)
    assert violations(helped.blocks, text=helped.text) == []
    texts = [listed.text, *_mrkdwn(listed.blocks), *_mrkdwn(home["blocks"]), *_mrkdwn([block])]
    for text in texts:
        # The only control sequences are ours: user and channel ids, and dates.
        rest = _OURS.sub("", text)
        assert "<" not in rest and ">" not in rest, text


_OURS = re.compile(r"<(?:@[UW][A-Z0-9]{2,30}|#[CGD][A-Z0-9]{2,30}|!date\^\d+\^[^|<>]*\|[^<>]*)>")


def _mrkdwn(blocks: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return out
