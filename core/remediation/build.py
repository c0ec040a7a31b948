"""Assembling a `Remediation`: scenario, overlays, artefacts and warnings, filled and localised.

Everything this module decides comes from `rules.toml` (which scenario, which artefacts, which
overlay applies when) and from the language's text catalog; it only walks those tables.
"""

from __future__ import annotations

from core.record import DenialRecord
from core.remediation import commands, statements
from core.remediation.catalog import Table, rules, texts
from core.remediation.predicates import PREDICATES
from core.remediation.result import Artefact, Fixer, Remediation
from core.remediation.select import select
from core.remediation.values import Values, derive


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _resolve(names: list[str], record: DenialRecord, field: str) -> list[str]:
    """Expand `$policy_type` / `$through` into the named policy type's `find` or `fixer` entry."""
    types: Table = rules()["policy_type"]
    sources = {"$policy_type": record.policy_type, "$through": record.transitive_through}
    out: list[str] = []
    for name in names:
        if name in sources:
            policy_type = sources[name]
            if policy_type is not None:
                out.extend(types[policy_type.value][field])
        else:
            out.append(name)
    return out


def _overlays(record: DenialRecord, scenario: str) -> tuple[list[Table], list[Table]]:
    """The overlays that apply, split into those placed before and after the scenario's own."""
    before: list[Table] = []
    after: list[Table] = []
    for overlay in rules()["overlay"]:
        wanted = overlay.get("scenarios")
        if wanted is not None and scenario not in wanted:
            continue
        if scenario in overlay.get("except_scenarios", ()):
            continue
        if PREDICATES[overlay["when"]](record):
            (before if overlay.get("first") else after).append(overlay)
    return before, after


def _artefact(name: str, record: DenialRecord, values: Values, titles: Table) -> Artefact | None:
    title = values.fill(titles[name])
    if name in statements.BUILDERS:
        body = statements.dump(statements.BUILDERS[name](record, values))
        return Artefact(title, "json", body)
    lines = commands.lines(name, record, values)
    return Artefact(title, "sh", "\n".join(lines)) if lines else None


def _warning_keys(
    record: DenialRecord, values: Values, static: list[str], scenario: str
) -> list[str]:
    keys = list(static)
    for row in rules()["warning"]:
        if scenario in row.get("except_scenarios", ()):
            continue
        when: str = row["when"]
        if when.startswith("flag:"):
            hit = when.removeprefix("flag:") in values.flags
        else:
            hit = PREDICATES[when](record)
        if hit:
            keys.append(row["key"])
    return _unique(keys)


def build(record: DenialRecord, lang: str) -> Remediation:
    """The remediation of one denial in one language."""
    catalog = texts(lang)
    selection = select(record)
    scenario: Table = rules()["scenario"][selection.scenario]
    scenario_text: Table = catalog["scenario"][selection.scenario]
    values = derive(record)
    labels: Table = catalog["policy_types"]
    if record.policy_type is not None:
        values.set("policy_type_label", labels[record.policy_type.value])
    if record.transitive_through is not None:
        values.set("through_label", labels[record.transitive_through.value])

    before, after = _overlays(record, selection.scenario)

    def gather(field: str, own: list[str]) -> list[str]:
        """Names from the overlays placed first, then the scenario's own, then the rest."""
        names = [n for o in before for n in o.get(field, [])] + own
        return _unique(names + [n for o in after for n in o.get(field, [])])

    verdict = values.fill(scenario_text["verdict"])
    step_texts = [values.fill(catalog["steps"][k]) for o in before for k in o.get("steps", [])]
    step_texts += [values.fill(step) for step in scenario_text["steps"]]
    step_texts += [values.fill(catalog["steps"][k]) for o in after for k in o.get("steps", [])]

    artefact_names = gather("artefacts", _resolve(scenario["artefacts"], record, "find"))
    artefacts = [
        artefact
        for name in artefact_names
        if (artefact := _artefact(name, record, values, catalog["artefacts"])) is not None
    ]
    fixers = [Fixer(f) for f in gather("fixers", _resolve(scenario["fixers"], record, "fixer"))]

    static = list(selection.warnings) + list(scenario.get("warnings", []))
    warnings = [
        values.fill(catalog["warnings"][key])
        for key in _warning_keys(record, values, static, selection.scenario)
    ]
    if values.markers_used:
        values.set("placeholders", ", ".join(values.markers_used))
        warnings.append(values.fill(catalog["warnings"]["fill_placeholders"]))

    return Remediation(
        lang=lang,
        scenario=selection.scenario,
        verdict=verdict,
        fixers=tuple(fixers),
        fixer_labels=tuple(catalog["fixers"][f.value] for f in fixers),
        steps=tuple(_unique(step_texts)),
        artefacts=tuple(artefacts),
        warnings=tuple(warnings),
    )
