"""`iamdeny explain`: input from TEXT or stdin, human and JSON output, languages, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.cli import main
from core.classifier import MAX_INPUT_CHARS

SENTENCE = (
    "User: arn:aws:sts::111122223333:assumed-role/deploy/ci-42 is not authorized to perform: "
    "s3:PutObject on resource: arn:aws:s3:::artifacts/build.zip with an explicit deny in a "
    "service control policy"
)


def run_cli(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The real console entry point in a child process (stdin, exit status, streams)."""
    full_env = {**os.environ, "NO_COLOR": "", **(env or {})}
    full_env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=60,
        check=False,
    )


def test_explains_a_denial_from_the_argument(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", SENTENCE]) == 0
    out = capsys.readouterr().out
    assert "service control policy" in out.lower()
    assert "s3:PutObject" in out
    assert "aws organizations list-policies-for-target --target-id 111122223333" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_json_has_contract_fields_and_remediation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--json", SENTENCE + "\n" + SENTENCE.replace("Put", "Get")]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [d["action"] for d in payload["denials"]] == ["s3:PutObject", "s3:GetObject"]
    first = payload["denials"][0]
    assert first["policy_type"] == "scp"
    assert first["deny_kind"] == "explicit"
    assert first["principal_arn"] == "arn:aws:sts::111122223333:assumed-role/deploy/ci-42"
    assert first["remediation"]["lang"] == "en"
    assert first["remediation"]["steps"]
    assert {"verdict", "fixers", "artefacts", "warnings"} <= set(first["remediation"])


def test_korean_by_flag_and_by_environment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "--lang", "ko", SENTENCE]) == 0
    flagged = capsys.readouterr().out
    assert any("\uac00" <= ch <= "\ud7a3" for ch in flagged)
    result = run_cli("explain", "--json", SENTENCE, env={"IAMDENY_LANG": "ko"})
    assert result.returncode == 0
    assert json.loads(result.stdout)["denials"][0]["remediation"]["lang"] == "ko"


def test_reads_stdin_when_text_is_absent_or_dash() -> None:
    for args in (("explain",), ("explain", "-")):
        result = run_cli(*args, stdin=SENTENCE.encode())
        assert result.returncode == 0, result.stderr
        assert b"s3:PutObject" in result.stdout


def test_no_denial_exits_one_like_grep(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "deploy is green, lunch?"]) == 1
    assert "No AWS access-denied error" in capsys.readouterr().out
    assert main(["explain", "--json", "deploy is green"]) == 1
    assert json.loads(capsys.readouterr().out) == {"denials": []}


def test_credential_errors_are_named_not_explained(capsys: pytest.CaptureFixture[str]) -> None:
    paste = (
        "An error occurred (ExpiredToken) when calling the ListBuckets operation: "
        "The provided token has expired."
    )
    assert main(["explain", paste]) == 1
    assert "credential problem" in capsys.readouterr().out
    assert main(["explain", "--json", paste]) == 1
    assert json.loads(capsys.readouterr().out) == {
        "denials": [],
        "credential_problem": "expired-token",
    }


def test_bad_usage_and_undecodable_input_exit_two() -> None:
    assert run_cli("explain", "--lang", "fr", SENTENCE).returncode == 2
    assert run_cli("explain", "--no-such-flag").returncode == 2
    result = run_cli("explain", stdin=b"User: \xff\xfe is not authorized")
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr
    assert result.stdout == b""


def test_input_over_the_cap_says_so_and_still_explains() -> None:
    paste = SENTENCE + "\n" + "x" * MAX_INPUT_CHARS
    result = run_cli("explain", "--json", stdin=paste.encode())
    assert result.returncode == 0
    assert b"only the first" in result.stderr
    (denial,) = json.loads(result.stdout)["denials"]
    assert denial["input_truncated"] is True


def test_control_characters_from_the_paste_are_shown_not_obeyed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    paste = SENTENCE.replace("build.zip", "build.zip\x1b[2J\x07")
    assert main(["explain", paste]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out


def test_secrets_around_the_denial_are_not_echoed(capsys: pytest.CaptureFixture[str]) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    paste = f"export AWS_SECRET_ACCESS_KEY={secret}\n{SENTENCE}"
    assert main(["explain", "--json", paste]) == 0
    out = capsys.readouterr().out
    assert secret not in out
