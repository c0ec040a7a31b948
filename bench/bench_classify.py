"""Benchmark the classifier (and redaction, and the action catalog); print a compact table.

    python bench/bench_classify.py              # about a minute
    python bench/bench_classify.py --quick      # a few seconds: proves the script runs
    python bench/bench_classify.py --seconds 5  # longer throughput runs, steadier figures
    python bench/bench_classify.py --json       # the figures as JSON

What it measures, against the goals of issue 2:

- `core.classify` (and the record-level `core.classifier.find_denials`) throughput on a paste mix
  weighted like a real channel: mostly short messages, some long wrapped logs (goal ≥ 20,000
  pastes/s on one core). Texts come from tests/corpus/pastes.jsonl and
  ../shared/corpus/seed_examples.jsonl when present, else from a small built-in mix.
- throughput on ordinary English and Korean chatter that holds no denial (goal ≥ 100 MB/s).
- the worst time over adversarial 40,000-character inputs (goal ≤ 20 ms), with the five slowest.
- `iamdeny explain` whole-process wall time for one message, p50 / p99 (goal ≤ 100 ms), and the
  slowest imports when over goal.
- `core.redact` throughput and worst case, when `core/redaction` exists.
- the IAM action catalog's first-check latency and per-check time.
- peak RSS of this process and of the spawned `iamdeny` processes.

Speed is measured here, never asserted in tests. The script always exits 0; a part that is missing
or crashes is reported in its row.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "tests" / "corpus" / "pastes.jsonl"
SEED = ROOT.parent / "shared" / "corpus" / "seed_examples.jsonl"

GOAL_PASTES_PER_S = 20_000
GOAL_CHATTER_MB_PER_S = 100.0
GOAL_WORST_MS = 20.0
GOAL_EXPLAIN_MS = 100.0
ADVERSARIAL_CHARS = 40_000
SHORT_PASTE_CHARS = 600  # longer pastes count as "long wrapped logs" in the mix
LONG_SHARE = 0.15  # share of long pastes in the mix, by count
TIMEOUT_S = 10.0  # one adversarial input taking longer than this is reported as a timeout

EXPLAIN_MESSAGE = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-42 is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build.zip with an explicit deny in a "
    "service control policy"
)

Text = Callable[[str], object]


# --------------------------------------------------------------------------- inputs


BUILTIN_SHORT = [
    EXPLAIN_MESSAGE,
    "User: arn:aws:iam::777788889999:user/JohnDoe is not authorized to perform: "
    "codecommit:ListRepositories because no service control policy allows the "
    "codecommit:ListRespositories action",
    "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: "
    "arn:aws:sts::123456789012:assumed-role/app/i-0abc is not authorized to perform: "
    "secretsmanager:GetSecretValue on resource: prod/db because no identity-based policy allows "
    "the secretsmanager:GetSecretValue action",
    "An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
    "User: anonymous is not authorized to perform: sns:Publish on resource: "
    "arn:aws:sns:us-east-1:123456789012:alerts",
    "An error occurred (UnauthorizedOperation) when calling the RunInstances operation: "
    "You are not authorized to perform this operation. Encoded authorization failure message: "
    "4Xq1bT9zKp0wVf8LmR2sYc6HnJd3uEa7GiO5kBxQtWrZyUvNhCgFjMlSeDaPoI" * 2,
    "> User: arn:aws:iam::123456789012:user/&lt;redacted&gt; is not authorized to perform: "
    "`kms:Decrypt` on resource: arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d with an explicit "
    "deny in an identity-based policy",
]

BUILTIN_LONG = [
    "\n".join(
        [
            "│ Error: creating IAM Role (ci-deployer): operation error IAM: CreateRole, https "
            "response error StatusCode: 403, RequestID: 5f1c0e0a-6b7d-4c1e-9a3b-2d4e6f8a0b1c, api "
            "error AccessDenied: User: arn:aws:sts::111122223333:assumed-role/terraform/ci is not",
            "│ authorized to perform: iam:CreateRole on resource: "
            "arn:aws:iam::111122223333:role/ci-",
            "│ deployer with an explicit deny in a permissions boundary",
            "│",
            "│   with module.ci.aws_iam_role.deployer,",
            '│   on modules/ci/main.tf line 12, in resource "aws_iam_role" "deployer":',
            '│   12: resource "aws_iam_role" "deployer" {',
        ]
        * 3
    ),
    "\n".join(
        [
            f"2026-11-29T10:{i:02d}:00.123Z INFO worker-{i} processed batch {i * 7} ok"
            for i in range(40)
        ]
        + [
            "com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; "
            "Status Code: 403; Error Code: AccessDenied; Request ID: 8J2K4M6N8P0R2T4V; S3 Extended "
            "Request ID: abc/def=; Proxy: null)",
            "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse("
            "AmazonHttpClient.java:1879)",
        ]
        + [f"\tat com.example.Pipeline.step{i}(Pipeline.java:{100 + i})" for i in range(30)]
    ),
]


def _read_jsonl_texts(path: Path) -> list[str]:
    texts: list[str] = []
    try:
        with path.open(encoding="utf-8") as f:
            for raw_line in f:
                line = raw_line.strip()
                if not line:
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue
                text = row.get("text") if isinstance(row, dict) else None
                if isinstance(text, str) and text:
                    texts.append(text)
    except OSError:
        return []
    return texts


def load_pastes() -> tuple[list[str], list[str]]:
    """The base pastes and the names of the sources they came from."""
    texts: list[str] = []
    sources: list[str] = []
    for path in (CORPUS, SEED):
        found = _read_jsonl_texts(path)
        if found:
            texts += found
            sources.append(f"{path.name} ({len(found)})")
    if not texts:
        texts = BUILTIN_SHORT + BUILTIN_LONG
        sources.append(f"built-in ({len(texts)})")
    return texts, sources


LEAD_INS = [
    "seeing this in prod, anyone?\n",
    "CI run #{n} failed with:\n",
    "deploy {n} broke:\n",
    "새 역할로 배포하니까 이렇게 나와요 ({n}):\n",
    "```\n",
]


def paste_mix(texts: list[str], count: int, seed: int = 20261130) -> list[str]:
    """`count` pastes drawn like a channel: mostly short ones, `LONG_SHARE` long logs.

    Four in ten get a numbered lead-in line, as people write, so a cache keyed on the whole text
    cannot serve most of the mix.
    """
    rng = random.Random(seed)
    short = [t for t in texts if len(t) <= SHORT_PASTE_CHARS]
    long = [t for t in texts if len(t) > SHORT_PASTE_CHARS]
    if not short:
        short, long = long, []
    mix: list[str] = []
    for n in range(count):
        pool = long if long and rng.random() < LONG_SHARE else short
        text = rng.choice(pool)
        if rng.random() < 0.4:
            text = rng.choice(LEAD_INS).format(n=n) + text
            if text.startswith("```"):
                text += "\n```"
        mix.append(text)
    return mix


_EN_TEXT = (
    "the a to and of is it that for on in we you this with deploy build can be ready today "
    "tomorrow meeting review pr merged release staging prod bucket lambda cluster node pod "
    "dashboard alert latency error rate looks good thanks sure lgtm please check ticket sprint "
    "standup lunch coffee docs update migration rollback hotfix on-call pager incident resolved "
    "customer feature flag cache query index table schema test flaky green red pipeline runner "
    "terraform plan apply module role policy account region vpc subnet cost budget invoice"
)
EN_WORDS = _EN_TEXT.split()
_KO_TEXT = (
    "오늘 내일 배포 빌드 리뷰 회의 확인 부탁드립니다 감사합니다 네 좋아요 잠시만요 장애 해결 "
    "완료 진행 중 테스트 스테이징 운영 버킷 역할 정책 계정 리전 비용 알림 대시보드 지연 "
    "점심 커피 문서 업데이트 마이그레이션 롤백 핫픽스 당직 티켓 스프린트 스탠드업 일정 공유"
)
KO_WORDS = _KO_TEXT.split()
CHATTER_TAILS = [
    " :tada:",
    " <@U024BE7LH>",
    " https://github.com/example/repo/pull/1234",
    " (see <https://example.atlassian.net/browse/OPS-42|OPS-42>)",
    " 👍",
    "",
    "",
    "",
]


def _sentence(rng: random.Random, korean: bool) -> str:
    words = KO_WORDS if korean else EN_WORDS
    n = rng.randint(3, 18)
    text = " ".join(rng.choice(words) for _ in range(n))
    if not korean:
        text = text[0].upper() + text[1:]
    return text + rng.choice([".", "?", "!", "", "..."]) + rng.choice(CHATTER_TAILS)


def chatter(total_chars: int, seed: int = 42) -> list[str]:
    """Deterministic English and Korean chat messages, a few bytes to 40,000 characters each.

    Most messages are one or two sentences; some are paragraphs; a few are long pasted notes.
    """
    rng = random.Random(seed)
    messages: list[str] = []
    size = 0
    while size < total_chars:
        korean = rng.random() < 0.4
        roll = rng.random()
        if roll < 0.05:
            messages.append(rng.choice(["ok", "ㅇㅋ", "+1", "thx", "네", "lgtm", "🙏"]))
        elif roll < 0.80:
            messages.append(" ".join(_sentence(rng, korean) for _ in range(rng.randint(1, 2))))
        elif roll < 0.97:
            lines = [_sentence(rng, korean) for _ in range(rng.randint(3, 30))]
            messages.append("\n".join(lines))
        else:
            target = rng.randint(5_000, ADVERSARIAL_CHARS)
            parts: list[str] = []
            length = 0
            while length < target:
                part = _sentence(rng, rng.random() < 0.5)
                parts.append(part)
                length += len(part) + 1
            messages.append("\n".join(parts)[:target])
        size += len(messages[-1])
    return messages


def _repeat(token: str, chars: int = ADVERSARIAL_CHARS) -> str:
    return (token * (chars // len(token) + 1))[:chars]


def adversarial_inputs() -> list[tuple[str, str]]:
    """(name, text) pairs built to make a scanner backtrack or loop, 40,000 characters each."""
    tokens = {
        "User: ": "User: ",
        "arn:aws:": "arn:aws:",
        "colons": ":",
        "slashes": "/",
        "double quotes": '"',
        "spaces": " ",
        "AKIA": "AKIA",
        "backticks": "`",
        "&lt;": "&lt;",
        "is not authorized to perform: ": "is not authorized to perform: ",
        "on resource: ": "on resource: ",
        "because no ": "because no ",
        '{"': '{"',
        "[": "[",
        "newlines": "\n",
        "│ gutters": "│",
        "Encoded authorization failure message: ": "Encoded authorization failure message: ",
        "zero-width spaces": "\u200b",
        "backslashes": "\\",
        "Access Denied": "Access Denied ",
        "An error occurred (": "An error occurred (",
        '"errorCode": "AccessDenied", ': '"errorCode": "AccessDenied", ',
        "with an explicit deny in a ": "with an explicit deny in a ",
        "<Error><Code>": "<Error><Code>",
        "status code: 403": "status code: 403\n",
        "CRLF": "\r\n",
        "nbsp": "\u00a0",
        "Korean": "권한이 없습니다 ",
    }
    cases = [(f"repeat {name!r}", _repeat(token)) for name, token in tokens.items()]

    sentence = (
        "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:GetObject on "
        "resource: arn:aws:s3:::bucket/key because no identity-based policy allows the "
        "s3:GetObject action\n"
    )
    varied = "".join(sentence.replace("dev", f"dev{i}") for i in range(300))
    cases += [
        ("canonical sentence x300", sentence * 300),
        ("canonical sentence x300, 300 principals", varied),
        ("canonical sentence x300, no newlines", sentence.replace("\n", " ") * 300),
        ("sentence without its end x300", sentence[:95] * 300),
        (
            "unterminated JSON",
            _repeat('{"Records": [{"eventName": "GetObject", "errorCode": "AccessDenied", "a": "'),
        ),
        (
            "unterminated JSON string",
            '{"errorCode": "AccessDenied", "errorMessage": "'
            + _repeat("x", ADVERSARIAL_CHARS - 48),
        ),
        ("1,000-deep nested JSON", '{"a":' * 1000 + "1" + "}" * 1000),
        ("1,000-deep nested arrays", "[" * 1000 + "1" + "]" * 1000),
        ("nested JSON to 40,000", _repeat('{"a":', ADVERSARIAL_CHARS - 1) + "1"),
        (
            "very long single-word ARN",
            _repeat("arn:aws:iam::123456789012:role/" + "a" * ADVERSARIAL_CHARS),
        ),
        (
            "long encoded message",
            "Encoded authorization failure message: "
            + _repeat("AbCdEf0123456789-_", ADVERSARIAL_CHARS - 39),
        ),
        ("hard-wrapped every character", "\n".join(sentence)[:ADVERSARIAL_CHARS] * 1),
        ("zero-width between characters", _repeat("\u200b".join(sentence))),
        ("one 40,000-character word", _repeat("a")),
        ("300 distinct unknown actions (catalog)", _distinct_unknown_actions(300)),
        ("mixed tokens", _mixed_tokens(list(tokens.values()))),
    ]
    return cases


def _distinct_unknown_actions(count: int) -> str:
    """`count` denials, each naming a different misspelt ec2 action: no cache can help."""
    lines = []
    for i in range(count):
        tag = "".join(chr(97 + (i // 26**k) % 26) for k in range(3))
        lines.append(
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
            f"ec2:DescribeInstanc{tag} on resource: *"
        )
    return "\n".join(lines)


def _mixed_tokens(tokens: list[str], seed: int = 7) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    length = 0
    while length < ADVERSARIAL_CHARS:
        part = rng.choice(tokens) * rng.randint(1, 20)
        parts.append(part)
        length += len(part)
    return "".join(parts)[:ADVERSARIAL_CHARS]


REDACTION_TOKENS = {
    "AKIA key ids": "AKIAIOSFODNN7EXAMPLE ",
    "aws_secret_access_key=": "aws_secret_access_key=",
    "export AWS_SECRET_ACCESS_KEY=": "export AWS_SECRET_ACCESS_KEY=",
    "xoxb-": "xoxb-",
    "-----BEGIN": "-----BEGIN ",
    "Bearer ": "Bearer ",
    "--password": "--password ",
    "://user:": "https://user:",
    "40 base64 chars": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}


def redaction_inputs() -> list[tuple[str, str]]:
    """The adversarial set plus inputs aimed at secret patterns."""
    cases = adversarial_inputs()
    cases += [(f"repeat {name!r}", _repeat(token)) for name, token in REDACTION_TOKENS.items()]
    return cases


# --------------------------------------------------------------------------- measuring


def throughput(fn: Text, texts: list[str], seconds: float) -> dict[str, float]:
    """Call `fn` on every text, over and over, for about `seconds` (at least one full pass)."""
    chars = sum(len(t) for t in texts)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    fn(texts[0])  # first call pays lazy imports and loads
    calls = 0
    passes = 0
    start = time.perf_counter()
    elapsed = 0.0
    while passes == 0 or elapsed < seconds:
        for text in texts:
            fn(text)
        calls += len(texts)
        passes += 1
        elapsed = time.perf_counter() - start
    return {
        "calls_per_s": calls / elapsed,
        "mb_per_s": nbytes * passes / elapsed / 1e6,
        "chars": float(chars),
        "bytes": float(nbytes),
        "seconds": elapsed,
    }


class _BudgetExceededError(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (main thread on Unix only; otherwise no limit)."""
    usable = hasattr(signal, "setitimer") and _is_main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _BudgetExceededError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def worst_case(
    fn: Text,
    cases: list[tuple[str, str]],
    repeats: int,
    before_each: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Each case's best-of-`repeats` time; the worst of those, and the five slowest cases.

    `before_each` runs untimed before every call (to empty caches an attacker would defeat).
    """
    with suppress(Exception):  # a function that raises is reported per case below
        fn("warm up")
    timings: list[tuple[float, str]] = []
    errors: list[str] = []
    for name, text in cases:
        best = float("inf")
        for _ in range(repeats):
            if before_each is not None:
                before_each()
            gc.collect()
            start = time.perf_counter()
            try:
                with _time_limit(TIMEOUT_S):
                    fn(text)
            except _BudgetExceededError:
                best = TIMEOUT_S
                errors.append(f"{name}: timed out after {TIMEOUT_S:.0f} s")
                break
            except Exception as exc:
                errors.append(f"{name}: raised {type(exc).__name__}: {exc}")
                break
            best = min(best, time.perf_counter() - start)
        timings.append((best * 1e3, name))
    timings.sort(reverse=True)
    return {
        "worst_ms": timings[0][0],
        "slowest": [{"name": name, "ms": ms} for ms, name in timings[:5]],
        "cases": len(cases),
        "errors": errors,
    }


def _explain_command() -> tuple[list[str], dict[str, str], str]:
    """How to run `iamdeny`: the console script when installed, else `python -m bot.cli`."""
    env = dict(os.environ)
    script = Path(sys.executable).with_name("iamdeny")
    if script.exists():
        return [str(script)], env, "iamdeny"
    found = shutil.which("iamdeny")
    if found:
        return [found], env, "iamdeny"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return [sys.executable, "-m", "bot.cli"], env, "python -m bot.cli (iamdeny not installed)"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def explain_wall_time(runs: int, json_output: bool, bytecode: bool) -> dict[str, Any]:
    """Spawn `iamdeny explain "<msg>"` `runs` times (after one warm-up); p50 and p99 in ms.

    `bytecode=True` lets Python write and use .pyc files, as an installed package does; False keeps
    the caller's PYTHONDONTWRITEBYTECODE, if any.
    """
    command, env, how = _explain_command()
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    argv = [*command, "explain", EXPLAIN_MESSAGE] + (["--json"] if json_output else [])
    times: list[float] = []
    status: int | None = None
    problem: str | None = None
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        elapsed = (time.perf_counter() - start) * 1e3
        status = done.returncode
        if status not in (0, 1):
            lines = done.stderr.strip().splitlines() or ["(no output)"]
            problem = f"exit {status}: {lines[-1][:160]}"
            break
        if i > 0:
            times.append(elapsed)
    result: dict[str, Any] = {"command": how, "runs": len(times), "exit": status}
    if problem is not None or not times:
        result["error"] = problem or "no runs"
        return result
    result["p50_ms"] = _percentile(times, 0.50)
    result["p99_ms"] = _percentile(times, 0.99)
    return result


def startup_floor(runs: int) -> dict[str, Any]:
    """Wall time of `python -c pass` in this environment: the floor under any `iamdeny` run."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    times: list[float] = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=False)
        if i > 0:
            times.append((time.perf_counter() - start) * 1e3)
    return {
        "runs": len(times),
        "p50_ms": _percentile(times, 0.5),
        "p99_ms": _percentile(times, 0.99),
    }


def import_offenders(top: int = 8) -> list[dict[str, Any]]:
    """The slowest imports of one `iamdeny explain` run (`python -X importtime`), by self time."""
    _, env, _ = _explain_command()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    argv = [sys.executable, "-X", "importtime", "-m", "bot.cli", "explain", EXPLAIN_MESSAGE]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    rows: list[dict[str, Any]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            self_part, cumulative_part, module = line[len("import time:") :].split("|")
            self_ms, cumulative_ms = int(self_part) / 1e3, int(cumulative_part) / 1e3
        except ValueError:
            continue
        rows.append({"module": module.strip(), "self_ms": self_ms, "cumulative_ms": cumulative_ms})
    rows.sort(key=lambda r: r["self_ms"], reverse=True)
    return rows[:top]


def catalog_costs() -> dict[str, Any]:
    """First-check latency of the action catalog in a fresh process, and per-check time here."""
    code = (
        "import time, core.record\n"
        "t0 = time.perf_counter()\n"
        "from core.catalog import check_action\n"
        "t1 = time.perf_counter(); check_action('s3:GetObject'); t2 = time.perf_counter()\n"
        "check_action('ec2:DescribeInstnaces'); t3 = time.perf_counter()\n"
        "print((t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3)\n"
    )
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    samples: list[tuple[float, ...]] = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
        samples.append(tuple(float(x) for x in done.stdout.split()))
    import_ms, first_ms, suggest_ms = (statistics.median(s[i] for s in samples) for i in range(3))

    from core.catalog import Catalog

    catalog = Catalog()
    catalog.check("s3:GetObject")
    n = 20_000
    start = time.perf_counter()
    for _ in range(n):
        catalog.check("s3:GetObject")
    cached_us = (time.perf_counter() - start) / n * 1e6
    return {
        "import_ms": import_ms,
        "first_check_ms": first_ms,
        "first_unknown_ec2_ms": suggest_ms,
        "cached_check_us": cached_us,
    }


# --------------------------------------------------------------------------- running


def _load(module: str, name: str) -> Text | None:
    try:
        fn = getattr(importlib.import_module(module), name)
    except Exception:
        return None
    return fn if callable(fn) else None


def _forget_catalog_verdicts() -> None:
    """Empty the action catalog's verdict cache (service data stays loaded): every adversarial
    paste then pays for its actions as a fresh paste naming new actions would."""
    try:
        catalog = importlib.import_module("core.catalog")
        default = catalog._DEFAULT
        default._results.clear()
        default._plain_results.clear()
    except Exception:
        return


def _count(result: object) -> int:
    return len(result) if isinstance(result, list) else 0


def _has_redaction() -> bool:
    return (ROOT / "core" / "redaction").is_dir() or (ROOT / "core" / "redaction.py").is_file()


def run(seconds: float = 2.0, quick: bool = False) -> dict[str, Any]:
    """Every measurement; a dict of figures (the table is printed from it)."""
    if quick:
        seconds = min(seconds, 0.05)
    results: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": _load_average(),
        "seconds_per_measure": seconds,
        "quick": quick,
    }

    texts, sources = load_pastes()
    mix = paste_mix(texts, 200 if quick else 2_000)
    talk = chatter(200_000 if quick else 4_000_000)
    cases = adversarial_inputs()
    if quick:
        cases = cases[::6]
    results["inputs"] = {
        "paste_sources": sources,
        "mix_pastes": len(mix),
        "mix_long_share": sum(len(t) > SHORT_PASTE_CHARS for t in mix) / len(mix),
        "chatter_messages": len(talk),
        "chatter_mb": sum(len(t.encode("utf-8")) for t in talk) / 1e6,
        "adversarial_cases": len(cases),
    }

    functions = {
        "classify": _load("core", "classify"),
        "find_denials": _load("core.classifier", "find_denials"),
    }
    for label, fn in functions.items():
        if fn is None:
            results[label] = {"error": "not available"}
            continue
        entry: dict[str, Any] = {}
        try:
            entry["mix"] = throughput(fn, mix, seconds)
            entry["chatter"] = throughput(fn, talk, seconds)
            entry["adversarial"] = worst_case(
                fn, cases, 1 if quick else 3, before_each=_forget_catalog_verdicts
            )
            entry["denials_in_mix"] = sum(_count(fn(t)) for t in mix[:200])
            entry["denials_in_chatter"] = sum(_count(fn(t)) for t in talk)
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
        results[label] = entry

    redact = _load("core", "redact") if _has_redaction() else None
    if redact is None:
        results["redact"] = {
            "error": "core/redaction not present" if not _has_redaction() else "not importable"
        }
    else:
        entry = {}
        try:
            entry["mix"] = throughput(redact, mix, seconds)
            entry["chatter"] = throughput(redact, talk, seconds)
            red_cases = redaction_inputs()
            entry["adversarial"] = worst_case(
                redact, red_cases[::6] if quick else red_cases, 1 if quick else 3
            )
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
        results["redact"] = entry

    try:
        results["catalog"] = catalog_costs()
    except Exception as exc:
        results["catalog"] = {"error": f"{type(exc).__name__}: {exc}"}

    runs = 2 if quick else 20
    explain: dict[str, Any] = {
        "text": explain_wall_time(runs, json_output=False, bytecode=True),
        "json": explain_wall_time(runs, json_output=True, bytecode=True),
    }
    explain["startup_floor"] = startup_floor(runs)
    if sys.flags.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"):
        explain["text_no_pyc"] = explain_wall_time(runs, json_output=False, bytecode=False)
    over = any(
        r.get("p50_ms", 0.0) > GOAL_EXPLAIN_MS for k, r in explain.items() if k in ("text", "json")
    )
    if over and not quick:
        explain["import_offenders"] = import_offenders()
    results["explain"] = explain

    results["peak_rss_mb"] = {
        "bench": _max_rss_mb(resource.RUSAGE_SELF),
        "children": _max_rss_mb(resource.RUSAGE_CHILDREN),
    }
    return results


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _max_rss_mb(who: int) -> float:
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


# --------------------------------------------------------------------------- printing


def _status(ok: bool | None) -> str:
    return {True: "ok", False: "MISS", None: ""}[ok]


def table(results: dict[str, Any]) -> str:
    """The figures as a compact table."""
    rows: list[tuple[str, str, str, str]] = []

    def add(measure: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        rows.append((measure, value, goal, _status(ok)))

    inputs = results["inputs"]
    notes = [
        f"python {results['python']}, one process, {results['seconds_per_measure']:g} s per "
        f"throughput measure{' (quick)' if results['quick'] else ''}; "
        f"{results['cpus']} CPUs, load average {results['load_average'] or 0:.2f} at start "
        "(other work on the machine skews every figure)",
        f"paste mix: {inputs['mix_pastes']} pastes from {', '.join(inputs['paste_sources'])}; "
        f"{inputs['mix_long_share']:.0%} long logs",
        f"chatter: {inputs['chatter_messages']} messages, {inputs['chatter_mb']:.1f} MB (en + ko)",
    ]

    for label in ("classify", "find_denials", "redact"):
        entry = results.get(label, {})
        judged = label != "redact"  # the goals are the classifier's
        if "mix" in entry:
            rate = entry["mix"]["calls_per_s"]
            add(
                f"{label}: paste mix",
                f"{rate:,.0f} pastes/s",
                f">= {GOAL_PASTES_PER_S:,}" if judged else "",
                rate >= GOAL_PASTES_PER_S if judged else None,
            )
        if "chatter" in entry:
            mbps = entry["chatter"]["mb_per_s"]
            add(
                f"{label}: chatter",
                f"{mbps:,.1f} MB/s",
                f">= {GOAL_CHATTER_MB_PER_S:g}" if judged else "",
                mbps >= GOAL_CHATTER_MB_PER_S if judged else None,
            )
        if "denials_in_chatter" in entry:
            found = entry["denials_in_chatter"]
            add(f"{label}: denials found in chatter", str(found), "0", found == 0)
        if "adversarial" in entry:
            adv = entry["adversarial"]
            add(
                f"{label}: adversarial worst ({adv['cases']} inputs)",
                f"{adv['worst_ms']:.1f} ms",
                f"<= {GOAL_WORST_MS:g} ms",
                adv["worst_ms"] <= GOAL_WORST_MS,
            )
            for slow in adv["slowest"]:
                add(f"    {slow['name'][:44]}", f"{slow['ms']:.2f} ms")
            for error in adv["errors"][:5]:
                add("    error", error[:80])
        if "error" in entry:
            add(f"{label}", entry["error"][:80])

    catalog = results.get("catalog", {})
    if "first_check_ms" in catalog:
        add(
            "catalog: import + first check (fresh)",
            f"{catalog['import_ms']:.1f} + {catalog['first_check_ms']:.2f} ms",
        )
        add("catalog: first unknown ec2 action", f"{catalog['first_unknown_ec2_ms']:.2f} ms")
        add("catalog: cached check", f"{catalog['cached_check_us']:.2f} us")
    else:
        add("catalog", str(catalog.get("error", "not run")))

    for key, label in (
        ("text", "explain"),
        ("json", "explain --json"),
        ("text_no_pyc", "explain, no .pyc (this env)"),
        ("startup_floor", "python -c pass (floor)"),
    ):
        entry = results["explain"].get(key)
        if entry is None:
            continue
        if "p50_ms" not in entry:
            add(label, entry.get("error", "failed")[:80])
            continue
        judged = key in ("text", "json")
        ok = entry["p50_ms"] <= GOAL_EXPLAIN_MS if judged else None
        add(
            f"{label}: p50 / p99 ({entry['runs']} runs)",
            f"{entry['p50_ms']:.0f} / {entry['p99_ms']:.0f} ms",
            f"<= {GOAL_EXPLAIN_MS:g} ms" if judged else "",
            ok,
        )
    floor = results["explain"].get("startup_floor", {}).get("p50_ms")
    text_p50 = results["explain"]["text"].get("p50_ms")
    if floor is not None and text_p50 is not None:
        add("explain: p50 above the floor (our imports + work)", f"{text_p50 - floor:.0f} ms")
    command = results["explain"]["text"].get("command")
    if command:
        notes.append(f"explain runs: {command}")
    for offender in results["explain"].get("import_offenders", []):
        add(
            f"    import {offender['module'][:40]}",
            f"{offender['self_ms']:.1f} ms self, {offender['cumulative_ms']:.1f} cum.",
        )

    rss = results["peak_rss_mb"]
    add("peak RSS: bench / largest child", f"{rss['bench']:.0f} / {rss['children']:.0f} MB")

    widths = [max(len(r[i]) for r in [*rows, ("measure", "value", "goal", "")]) for i in range(4)]
    lines = ["# " + note for note in notes]
    header = ("measure", "value", "goal", "")
    for row in [header, *rows]:
        measure, value, goal, status = row
        line = f"{measure:<{widths[0]}}  {value:>{widths[1]}}  {goal:<{widths[2]}}  {status}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def _pin_one_core() -> None:
    """Run on one CPU, as the goals are stated per core (Linux only; elsewhere a no-op)."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
    except (AttributeError, OSError):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="time per throughput measurement (default 2)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny budget and fewer inputs: checks the script runs, not speed",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    _pin_one_core()
    results = run(seconds=args.seconds, quick=args.quick)
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
