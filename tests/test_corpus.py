"""The classifier against labelled pastes: our own realistic corpus and the shared seed examples.

`tests/corpus/pastes.jsonl` holds one case a line: `{"id", "family", "text", "denials", "notes"}`.
`denials` lists the expected denials in order; each is a dict of the fields that case asserts
(fields left out are not checked). Keys name `Denial.model_dump(mode="json")` fields; a dotted
key reaches into a nested one (`"principal.kind"`). The corpus is written from what real pastes
look like, not from the classifier's code; `tests/corpus/build_pastes.py` generates it (edit
that, then rerun it).

The seed examples (`../shared/corpus/seed_examples.jsonl`, or `$IAMDENY_SEED_EXAMPLES`) are checked
exactly: is_denial, the first denial's contract fields, `encoded` and `service_error_code`, and the
extra denials a few of them carry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "pastes.jsonl"
REQUIRED_KEYS = {"id", "family", "text", "denials", "notes"}


def _seed_path() -> Path:
    """`$IAMDENY_SEED_EXAMPLES`, else the shared corpus beside the repo, else the copy in
    tests/corpus (so a clone without shared/ still checks every seed example)."""
    env = os.environ.get("IAMDENY_SEED_EXAMPLES")
    if env:
        return Path(env)
    shared = HERE.parent.parent / "shared" / "corpus" / "seed_examples.jsonl"
    return shared if shared.exists() else HERE / "corpus" / "seed_examples.jsonl"


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


CASES = _load(CORPUS)
SEED_PATH = _seed_path()
SEEDS = _load(SEED_PATH) if SEED_PATH.exists() else []


def _classify(text: str) -> list[dict[str, Any]]:
    # Imported lazily: the corpus must collect before the classifier exists.
    from core.classifier import classify

    return [d.model_dump(mode="json") for d in classify(text)]


def _field(dump: dict[str, Any], dotted: str) -> Any:
    """The value of a (possibly dotted) field of a dumped Denial; None under a null parent."""
    current: Any = dump
    for part in dotted.split("."):
        if current is None:
            return None
        if not isinstance(current, dict) or part not in current:
            pytest.fail(f"Denial has no field {dotted!r}")
        current = current[part]
    return current


def _summary(dumps: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    keys = ("kind", "principal_arn", "action", "resource")
    return [tuple(d.get(key) for key in keys) for d in dumps]


# --- the corpus file itself (runs without the classifier) -------------------------------------


def test_corpus_is_well_formed() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(CASES) >= 250
    families = {case["family"] for case in CASES}
    assert families == set(range(1, 11))
    for case in CASES:
        assert case.keys() >= REQUIRED_KEYS, case["id"]
        assert case["id"].startswith(f"{case['family']}-"), case["id"]
        assert isinstance(case["text"], str) and case["text"], case["id"]
        assert isinstance(case["denials"], list), case["id"]
        for expected in case["denials"]:
            assert isinstance(expected, dict) and expected, case["id"]
    not_denials = [case for case in CASES if case["family"] == 9]
    assert len(not_denials) >= 50
    assert all(case["denials"] == [] for case in not_denials)


def test_corpus_labels_name_real_fields_and_values() -> None:
    from core.model import Denial, Principal
    from core.record import DenialKind, DenyKind, PolicyType, PrincipalKind

    fields = set(Denial.model_fields)
    principal_fields = set(Principal.model_fields)
    enums: dict[str, set[str | None]] = {
        "kind": {k.value for k in DenialKind},
        "policy_type": {p.value for p in PolicyType} | {None},
        "transitive_through": {p.value for p in PolicyType} | {None},
        "deny_kind": {d.value for d in DenyKind} | {None},
        "principal.kind": {k.value for k in PrincipalKind},
    }
    for case in CASES:
        for expected in case["denials"]:
            assert "kind" in expected, case["id"]
            for key, value in expected.items():
                head, _, tail = key.partition(".")
                assert head in fields, (case["id"], key)
                if tail:
                    assert head == "principal" and tail in principal_fields, (case["id"], key)
                if key in enums:
                    assert value in enums[key], (case["id"], key, value)


# --- the corpus through the classifier --------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_corpus_case(case: dict[str, Any]) -> None:
    found = _classify(case["text"])
    expected: list[dict[str, Any]] = case["denials"]
    assert len(found) == len(expected), (
        f"{case['id']}: expected {len(expected)} denial(s), found {len(found)}: {_summary(found)}"
        f" ({case['notes']})"
    )
    pairs = zip(found, expected, strict=True)
    actual = [{key: _field(dump, key) for key in want} for dump, want in pairs]
    assert actual == expected, case["notes"]


# --- the shared seed examples -----------------------------------------------------------------

SEED_FIELDS = (
    "principal_arn",
    "action",
    "resource",
    "policy_type",
    "deny_kind",
    "transitive_through",
)


def _seed_view(dump: dict[str, Any]) -> dict[str, Any]:
    view = {name: dump[name] for name in SEED_FIELDS}
    view["encoded"] = dump["encoded_message"] is not None
    view["service_error_code"] = dump["error_code"]
    return view


def _label_view(label: dict[str, Any]) -> dict[str, Any]:
    view = {name: label[name] for name in SEED_FIELDS}
    view["encoded"] = label["encoded"]
    view["service_error_code"] = label["service_error_code"]
    return view


@pytest.mark.skipif(not SEEDS, reason=f"seed examples not found at {SEED_PATH}")
@pytest.mark.parametrize("example", SEEDS or [{}], ids=[s["id"] for s in SEEDS] or ["absent"])
def test_seed_example(example: dict[str, Any]) -> None:
    label = example["label"]
    found = _classify(example["text"])
    if not label["is_denial"]:
        assert found == [], f"{example['id']}: not a denial, found {_summary(found)}"
        return
    extra = example.get("extra_denials", [])
    assert len(found) == 1 + len(extra), f"{example['id']}: found {_summary(found)}"
    assert [_seed_view(d) for d in found] == [_label_view(lab) for lab in [label, *extra]]
