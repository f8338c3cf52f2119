"""Assessments as the JSON objects of interface.md."""

from __future__ import annotations

from typing import Any

from branda.expert.assess import Assessment, Gap
from branda.rules.trace import Firing


def gap_json(gap: Gap, with_rule: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"fact": gap.fact, "value": gap.value, "needed": gap.needed}
    if with_rule:
        item.update(rule=gap.rule, level=gap.level)
    return item


def firing_json(firing: Firing) -> dict[str, Any]:
    return {"rule": firing.rule, "because": dict(firing.because), "given": list(firing.given),
            "concludes": firing.concludes[0] if len(firing.concludes) == 1 else list(firing.concludes)}


def assessment_json(a: Assessment, lang: str = "en") -> dict[str, Any]:
    """The assess object: organisation, level, level_name, cx_system_ready, diagnostics, explanation, ..."""
    kb = a.model
    diagnostics = []
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        item: dict[str, Any] = {"code": d.code, "title": info.title(lang), "message": info.message(lang),
                                "facts": dict(d.facts), "rules": list(d.rules)}
        if d.code == kb.incomplete:
            item["values"] = {name: list(values) for name, values in a.decisive_unknowns.items()}
        if d.code == kb.disagree:
            item["answers"] = {name: list(values) for name, values in a.answers.items()}
        diagnostics.append(item)
    result: dict[str, Any] = {
        "organisation": a.profile.organisation,
        "level": a.level,
        "level_name": kb.level(a.level).name(lang),
    }
    if kb.readiness is not None:
        result[kb.readiness.key] = a.ready
    result.update({
        "diagnostics": diagnostics,
        "explanation": [firing_json(f) for f in a.firings],
        "why_not_next": [gap_json(g) for g in a.why_not_next],
        "unknown_facts": list(a.unknown_facts),
    })
    if a.respondents:
        result["respondents"] = list(a.respondents)
    return result
