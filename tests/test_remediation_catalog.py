"""The remediation data files: both languages complete and in step, every combination covered."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.record import (
    DenialKind,
    DenialRecord,
    DenyKind,
    PolicyType,
    PrincipalKind,
    PrincipalRecord,
)
from core.remediation import SUPPORTED_LANGS, catalog, commands, remediate, statements
from core.remediation.predicates import PREDICATES
from core.remediation.values import MARKERS, placeholders

UNFILLED = re.compile(r"\{[a-z_]+\}")


def _flat(lang: str) -> dict[str, str]:
    return catalog.flatten(catalog.texts(lang))


def test_catalogs_have_the_same_keys() -> None:
    en, ko = _flat("en"), _flat("ko")
    assert sorted(set(en) - set(ko)) == []
    assert sorted(set(ko) - set(en)) == []


def test_catalogs_have_the_same_placeholders_per_entry() -> None:
    en, ko = _flat("en"), _flat("ko")
    differing = {k: (placeholders(en[k]), placeholders(ko[k])) for k in en if k in ko}
    assert {k: v for k, v in differing.items() if v[0] != v[1]} == {}


def test_every_placeholder_is_known() -> None:
    for lang in SUPPORTED_LANGS:
        for key, text in _flat(lang).items():
            assert placeholders(text) <= set(MARKERS), (lang, key)
    for name, entry in catalog.commands().items():
        lines = (
            entry
            if isinstance(entry, list)
            else [line for k, v in entry.items() if k != "by" for line in v]
        )
        for line in lines:
            assert placeholders(line) <= set(MARKERS), name


def test_korean_catalog_is_korean() -> None:
    hangul = re.compile(r"[가-힣]")
    for key, text in _flat("ko").items():
        assert hangul.search(text), key


def test_rules_and_texts_agree() -> None:
    rules = catalog.rules()
    scenarios = set(rules["scenario"])
    assert {row["scenario"] for row in rules["rule"]} <= scenarios
    assert rules["rule"][-1].keys() == {"scenario"}, "the last rule must be the catch-all"
    texts = catalog.texts("en")
    assert set(texts["scenario"]) == scenarios
    names = {a for s in rules["scenario"].values() for a in s["artefacts"]}
    names |= {a for o in rules["overlay"] for a in o.get("artefacts", [])}
    names |= {a for t in rules["policy_type"].values() for a in t["find"]}
    names -= {"$policy_type", "$through"}
    for name in names:
        assert name in statements.BUILDERS or commands.is_command(name), name
        assert name in texts["artefacts"], name
    steps = {k for o in rules["overlay"] for k in o.get("steps", [])}
    assert steps <= set(texts["steps"])
    warnings = {w["key"] for w in rules["warning"]}
    warnings |= {w for s in rules["scenario"].values() for w in s.get("warnings", [])}
    warnings |= {w for r in rules["rule"] for w in r.get("warnings", [])}
    assert warnings | {"fill_placeholders"} <= set(texts["warnings"])
    assert set(texts["policy_types"]) == {p.value for p in PolicyType}
    whens = {o["when"] for o in rules["overlay"]} | {w["when"] for w in rules["warning"]}
    assert {w for w in whens if not w.startswith("flag:")} <= set(PREDICATES)


def test_unknown_language_is_refused_with_the_supported_ones() -> None:
    with pytest.raises(ValueError, match="en, ko"):
        remediate(DenialRecord(), "fr")


_PRINCIPALS = [
    None,
    PrincipalRecord(
        partition="aws",
        account_id="111122223333",
        kind=PrincipalKind.ASSUMED_ROLE,
        name="deploy",
        session="ci-42",
        role_arn="arn:aws:iam::111122223333:role/deploy",
        role_path_unknown=True,
    ),
    PrincipalRecord(
        partition="aws", account_id="123456789012", kind=PrincipalKind.USER, name="JohnDoe"
    ),
]
_ARNS = [
    None,
    "arn:aws:sts::111122223333:assumed-role/deploy/ci-42",
    "arn:aws:iam::123456789012:user/JohnDoe",
]


def _every_denial() -> list[DenialRecord]:
    out = []
    combos = itertools.product(
        DenialKind, [None, *PolicyType], [None, *DenyKind], [None, PolicyType.SCP], [0, 1, 2]
    )
    for kind, policy_type, deny_kind, through, who in combos:
        out.append(
            DenialRecord(
                kind=kind,
                policy_type=policy_type,
                deny_kind=deny_kind,
                transitive_through=through,
                principal_arn=_ARNS[who],
                principal=_PRINCIPALS[who],
                action="s3:GetObject" if who else None,
                resource="arn:aws:s3:::artifacts/build.zip" if who == 1 else None,
                cross_account=True if who == 2 else None,
            )
        )
    return out


def _all_text(remediation: object) -> list[str]:
    data = remediation.to_dict()  # type: ignore[attr-defined]
    texts = [data["verdict"], *data["steps"], *data["warnings"]]
    texts += [f["label"] for f in data["fixers"]]
    texts += [t for a in data["artefacts"] for t in (a["title"], a["body"])]
    return texts


@pytest.mark.parametrize("lang", SUPPORTED_LANGS)
def test_every_combination_is_remediated(lang: str) -> None:
    for record in _every_denial():
        result = remediate(record, lang)
        assert result.verdict and result.steps and result.fixers, record
        assert len(result.fixers) == len(result.fixer_labels)
        for text in _all_text(result):
            assert not UNFILLED.search(text), (record, text)
            assert "None" not in text, (record, text)
        for artefact in result.artefacts:
            assert artefact.body
            if artefact.syntax == "json":
                json.loads(artefact.body)
        json.dumps(result.to_dict())


_text = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        [
            "arn:aws:s3:::",
            "arn:aws:s3:::b/{action}",
            "arn:aws-cn:kms:cn-north-1:1:alias/x",
            "https://sqs.",
            "https://sqs.us-east-1.amazonaws.com/1/",
            "arn:aws:iam::1:role/",
            "arn:aws:organizations::1:policy/",
            "s3:",
            ":",
            "{}",
            "{action}",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(DenialKind),
    policy_type=st.one_of(st.none(), st.sampled_from(PolicyType)),
    deny_kind=st.one_of(st.none(), st.sampled_from(DenyKind)),
    principal_kind=st.sampled_from(PrincipalKind),
    texts=st.lists(_text, min_size=9, max_size=9),
    flags=st.lists(st.one_of(st.none(), st.booleans()), min_size=4, max_size=4),
    lang=st.sampled_from(SUPPORTED_LANGS),
)
def test_any_record_is_remediated(
    *,
    kind: DenialKind,
    policy_type: PolicyType | None,
    deny_kind: DenyKind | None,
    principal_kind: PrincipalKind,
    texts: list[str | None],
    flags: list[bool | None],
    lang: str,
) -> None:
    record = DenialRecord(
        kind=kind,
        policy_type=policy_type,
        deny_kind=deny_kind,
        principal_arn=texts[0],
        action=texts[1],
        resource=texts[2],
        policy_arn=texts[3],
        encoded_message=texts[4],
        context_action=texts[5],
        operation=texts[6],
        authorization_id=texts[7],
        region=texts[8],
        principal=PrincipalRecord(kind=principal_kind, name=texts[0], account_id=texts[8]),
        cross_account=flags[0],
        action_known=flags[1],
        encoded_truncated=bool(flags[2]),
        input_truncated=bool(flags[3]),
    )
    result = remediate(record, lang)
    assert result.verdict and result.steps
    for artefact in result.artefacts:
        if artefact.syntax == "json":
            json.loads(artefact.body)
    json.dumps(result.to_dict())
