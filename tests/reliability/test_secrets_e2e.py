"""Issue 5, item 7: planted secrets never come out again, and harmless lines come through intact.

A generated corpus (tests/reliability/secrets_corpus.py): 512 planted secrets in 16 formats (AWS
key ids, secret keys and session tokens, Slack bot tokens and webhooks, GitHub and GitLab tokens,
passwords in URLs and in flags, PEM private keys, bearer tokens, JWTs, Google, Stripe, generic API
keys, OAuth client secrets) and 10 contexts (env files, shell lines, JSON, YAML, URLs, Python stack
traces, code blocks, Terraform plans and outputs, log lines, Slack-escaped text). Two secrets
ride in each message next to a real denial (so the message is stored and answered): four in five
as channel messages (Events API), one in five as `/iamdeny <paste>`; a few `/iamdeny resolve`
notes carry secrets too. A quarter of the messages arrive while the database is down, so they are
acknowledged from the spool and recorded from it afterwards. Then `/iamdeny list`, `/iamdeny
digest`, App Home, `iamdeny digest` (text and --json) and `iamdeny digest --post` run over what
was stored.

Asserted: no planted value appears in any table of the database (every row of every table, read
back), in the SQLite file and its WAL (raw bytes), in the spool's files (raw bytes, read while the
messages waited there), in any log record of the app (DEBUG and up), in
anything the fake Slack received (posts, updates, ephemerals, response URLs, views, digests), or in
the digest command's output. 1,000 harmless AWS error lines (100 messages of 10) are stored with at
most 1% of them altered.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest_bot import BotServer, DbSwitch
from fakeslack import DEFAULT_TEAM, FakeSlack
from secrets_corpus import CONTEXTS, FORMATS, harmless, planted
from slackreq import app_home_opened, message_event
from sqlalchemy import MetaData, select

from core.store import ANY_TEAM, list_incidents, update_workspace_settings

pytestmark = [pytest.mark.db, pytest.mark.slow]

SECRETS = 512
HARMLESS = 1000
PER_MESSAGE = 2
LINES_PER_MESSAGE = 10
CHANNEL = "C0SECRETS"
DIGEST_CHANNEL = "C0DIGEST"

DENIAL = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-{i} is not authorized to perform: "
    "secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:111122223333:"
    "secret:app-{i} because no identity-based policy allows the secretsmanager:GetSecretValue "
    "action"
)


def _db_dump(bot: BotServer) -> str:
    """Every row of every table, as text."""
    meta = MetaData()
    meta.reflect(bind=bot.store.engine)
    parts: list[str] = []
    with bot.store.engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)):
                parts.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(parts)


def _sqlite_bytes(url: str) -> bytes:
    if not url.startswith("sqlite:///"):
        return b""
    path = Path(url.removeprefix("sqlite:///"))
    data = b""
    for suffix in ("", "-wal", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            data += candidate.read_bytes()
    return data


def _slack_dump(fake: FakeSlack) -> str:
    with fake._lock:
        return json.dumps(
            {
                "calls": [(c.method, c.params, c.response) for c in fake._calls],
                "messages": fake.messages,
                "ephemerals": fake.ephemerals,
                "views": fake.views,
            },
            default=str,
            ensure_ascii=False,
        )


def _leaks(needles: Iterable[str], where: dict[str, str | bytes]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for needle in needles:
        raw = needle.encode("utf-8")
        for name, hay in where.items():
            if (raw in hay) if isinstance(hay, bytes) else (needle in hay):
                found.append((name, needle[:12] + "..."))
    return found


def test_planted_secrets_never_come_out_and_harmless_lines_stay(
    bot: BotServer,
    *,
    fake_slack: FakeSlack,
    db_url: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    corpus = planted(SECRETS, seed=5)
    assert len({p.fmt for p in corpus}) >= 12 and len(FORMATS) >= 12
    assert len({p.context for p in corpus}) >= 8 and len(CONTEXTS) >= 8
    lines = harmless(HARMLESS, seed=11)
    fake_slack.add_user("U0SEC", is_admin=True)

    def send_secret_message(i: int) -> None:
        chunk = corpus[i * PER_MESSAGE : (i + 1) * PER_MESSAGE]
        text = DENIAL.format(i=i) + "\n" + "\n\n".join(p.text for p in chunk)
        if i % 5 == 4:
            url = fake_slack.response_url(channel=CHANNEL, user="U0SEC")
            resp = bot.slack.send_command(
                "/iamdeny", text, user="U0SEC", channel=CHANNEL, response_url=url
            )
        else:
            resp = bot.slack.send_event(message_event(text, user="U0SEC", channel=CHANNEL))
        assert resp.status == 200, resp.status

    def send_harmless(i: int) -> None:
        chunk = lines[i * LINES_PER_MESSAGE : (i + 1) * LINES_PER_MESSAGE]
        text = DENIAL.format(i=f"h{i}") + "\n" + "\n".join(chunk)
        resp = bot.slack.send_event(message_event(text, user="U0HARMLESS", channel=CHANNEL))
        assert resp.status == 200, resp.status

    # A quarter of the secret messages during a database outage: acknowledged from the spool.
    from bot.app import team_clients
    from bot.pipeline.backlog import SpoolDrainer

    during_outage = [i for i in range(SECRETS // PER_MESSAGE) if i % 4 == 1]
    assert bot.drainer is not None and bot.deps.spool is not None
    bot.drainer.stop()  # keep the spooled files on disk long enough to read them
    switch = DbSwitch(bot.store)
    switch.down()
    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(send_secret_message, during_outage))
        bot.drain(timeout=60)  # `/iamdeny` pastes are read (and spooled) after their ack
        spool_files = sorted(bot.deps.spool.directory.iterdir())
        spool_bytes = b"\n".join(path.read_bytes() for path in spool_files)
    finally:
        switch.up()
    assert len(bot.deps.spool.names()) == len(during_outage)
    drainer = SpoolDrainer(bot.deps, team_clients(bot.wsgi.app, bot.settings))
    while bot.deps.spool.names():
        assert drainer.drain_once() > 0
    with ThreadPoolExecutor(4) as pool:
        rest = [i for i in range(SECRETS // PER_MESSAGE) if i not in during_outage]
        list(pool.map(send_secret_message, rest))
        list(pool.map(send_harmless, range(HARMLESS // LINES_PER_MESSAGE)))
    bot.drain(timeout=120)

    # Secrets in resolution notes, then everything that shows stored incidents.
    incidents = list_incidents(bot.store, team_id=ANY_TEAM, limit=None)
    extra = planted(16, seed=99)
    for incident, note in zip(incidents[:16], extra, strict=True):
        url = fake_slack.response_url(channel=CHANNEL, user="U0SEC")
        resp = bot.slack.send_command(
            "/iamdeny",
            f"resolve {incident.id} rotated; old value was {note.text}",
            user="U0SEC",
            channel=CHANNEL,
            response_url=url,
        )
        assert resp.status == 200
    for sub in ("list", "digest", "help", "settings"):
        url = fake_slack.response_url(channel=CHANNEL, user="U0SEC")
        assert bot.slack.send_command("/iamdeny", sub, user="U0SEC", response_url=url).status == 200
    assert bot.slack.send_event(app_home_opened("U0SEC")).status == 200
    bot.drain(timeout=60)

    # The digest command (text, JSON) and the posted digest.
    for name in list(os.environ):
        if name.startswith(("SLACK_", "IAMDENY_")) and name != "IAMDENY_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", DEFAULT_TEAM.bot_token)
    update_workspace_settings(bot.store, "T0001", digest_channel_id=DIGEST_CHANNEL)
    from bot.cli import main

    capsys.readouterr()
    assert main(["digest", "--days", "7"]) == 0
    assert main(["digest", "--days", "7", "--json"]) == 0
    assert main(["digest", "--post", "--days", "7"]) == 0
    digest_out = capsys.readouterr().out
    assert any(
        c.params.get("channel") == DIGEST_CHANNEL for c in fake_slack.calls("chat.postMessage")
    )

    # Sanity: the pastes were stored, answered, warned about.
    incidents = list_incidents(bot.store, team_id=ANY_TEAM, limit=None)
    secret_pastes = [i for i in incidents if i.reporter_id == "U0SEC" and i.denial_index == 0]
    missing = [
        i
        for i in range(SECRETS // PER_MESSAGE)
        if not any(f"ci-{i} is not" in (p.paste or "") for p in secret_pastes)
    ]
    assert not missing, [(i, [c.context for c in corpus[i * 2 : i * 2 + 2]]) for i in missing]
    assert len(secret_pastes) == SECRETS // PER_MESSAGE
    assert all("[redacted:" in (i.paste or "") for i in secret_pastes)
    assert len(fake_slack.ephemerals) > 0

    where: dict[str, str | bytes] = {
        "database": _db_dump(bot),
        "sqlite-file": _sqlite_bytes(db_url),
        "spool-files": spool_bytes,
        "logs": caplog.text + "\n".join(r.getMessage() for r in caplog.records),
        "slack": _slack_dump(fake_slack),
        "digest-cli": digest_out,
    }
    needles = [n for p in [*corpus, *extra] for n in p.needles]
    leaked = _leaks(needles, where)
    assert not leaked, f"{len(leaked)} planted value(s) came out: {leaked[:10]}"

    # Harmless lines: stored unchanged (at most 1% altered).
    pastes = "\n".join(i.paste or "" for i in incidents if i.reporter_id == "U0HARMLESS")
    altered = [line for line in lines if line not in pastes]
    assert len(altered) <= HARMLESS // 100, altered[:5]
    print(
        f"\nsecrets: {len(needles)} needles from {len(corpus) + len(extra)} planted secrets, "
        f"0 found; harmless lines altered: {len(altered)}/{HARMLESS}; "
        f"incidents {len(incidents)}, slack calls {len(fake_slack.calls(all_outcomes=True))}"
    )
