"""Property tests for the classifier: it never raises, spans stay inside the input, and neither the
chatter around a denial nor the way a terminal or chat client mangles it changes what is read.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.classifier import find_denials
from core.record import record_to_dict

SENTENCES: list[tuple[str, dict[str, object]]] = [
    (
        "User: arn:aws:iam::123456789012:user/JohnDoe is not authorized to perform: "
        "codedeploy:ListDeployments on resource: arn:aws:codedeploy:us-east-1:123456789012:"
        "deploymentgroup:* because no permissions boundary allows the codedeploy:ListDeployments "
        "action",
        {
            "principal_arn": "arn:aws:iam::123456789012:user/JohnDoe",
            "action": "codedeploy:ListDeployments",
            "resource": "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:*",
            "policy_type": "permissions_boundary",
            "deny_kind": "implicit",
            "transitive_through": None,
        },
    ),
    (
        "User: arn:aws:sts::111122223333:assumed-role/role-name/role-session-name is not "
        "authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:444455556666:"
        "role-name-2 with an explicit deny in a VPC endpoint policy transitively through a "
        "service control policy",
        {
            "principal_arn": "arn:aws:sts::111122223333:assumed-role/role-name/role-session-name",
            "action": "SNS:Publish",
            "resource": "arn:aws:sns:us-east-1:444455556666:role-name-2",
            "policy_type": "vpc_endpoint",
            "deny_kind": "explicit",
            "transitive_through": "scp",
        },
    ),
]

# Chatter that cannot itself spell a denial: Hangul, digits and punctuation.
chatter = st.text(
    alphabet=st.sampled_from("가나다라마바사아자차카타파하 0123456789.,!?()-\n"), max_size=300
)
any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=2000)
# What starts every line of a wrapped paste (quotes, gutters, indentation) ...
continuations = st.sampled_from(["", "> ", "│ ", "  ", "&gt; ", "\t", ">  "])
# ... and what starts only its first line (a bullet, a numbered item, a log timestamp).
first_lines = st.sampled_from(["", "- ", "* ", "1) ", "2026-11-30T00:00:00Z ", "##[error]"])


def _read(text: str) -> list[dict[str, object]]:
    keys = SENTENCES[0][1].keys()
    return [{k: record_to_dict(r)[k] for k in keys} for r in find_denials(text)]


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_never_raises_and_spans_stay_inside(text: str) -> None:
    for record in find_denials(text):
        assert record.span is not None
        start, end = record.span
        assert 0 <= start <= end <= len(text)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "User: ",
                "arn:aws:",
                ":",
                "/",
                '"',
                " ",
                "AKIA",
                "`",
                "&lt;",
                "\n",
                "is not authorized to perform: ",
                "on resource: ",
                "with an explicit deny in a ",
                "because no ",
                '"errorCode": "AccessDenied", ',
                "Encoded authorization failure message: ",
                "\u200b",
                "\x00",
                "\ud800",
            ]
        ),
        max_size=400,
    )
)
def test_token_soup_never_raises(tokens: list[str]) -> None:
    text = "".join(tokens)
    for record in find_denials(text):
        assert record.span is not None
        assert 0 <= record.span[0] <= record.span[1] <= len(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chatter, chatter, st.sampled_from(range(len(SENTENCES))))
def test_chatter_around_a_denial_changes_nothing(before: str, after: str, which: int) -> None:
    sentence, expected = SENTENCES[which]
    assert _read(f"{before}\n{sentence}\n{after}") == [expected]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=12, max_value=160),
    continuations,
    first_lines,
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(range(len(SENTENCES))),
)
def test_terminal_wrap_at_any_column_changes_nothing(
    width: int, decoration: str, first: str, newline: str, which: int
) -> None:
    sentence, expected = SENTENCES[which]
    lines = [sentence[i : i + width] for i in range(0, len(sentence), width)]
    assert _read(first + newline.join(decoration + line for line in lines)) == [expected]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "\u00a0", "\u2009", "  ", " \u200b"]), min_size=60, max_size=60),
    st.sampled_from(range(len(SENTENCES))),
)
def test_odd_spaces_change_nothing(spaces: list[str], which: int) -> None:
    sentence, expected = SENTENCES[which]
    words = sentence.split(" ")
    text = words[0] + "".join(spaces[i % len(spaces)] + w for i, w in enumerate(words[1:]))
    assert _read(text) == [expected]
