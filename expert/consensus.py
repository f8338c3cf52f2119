"""Several respondents for one organisation: a consensus profile (median per fact) and where they disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from branda.expert.assess import Assessment, Diagnostic
from branda.expert.profile import Profile
from branda.knowledge.model import Model

SPREAD = 2  # answers this far apart (or more) are a disagreement


@dataclass(frozen=True)
class Consensus:
    """The consensus profile, and for each disputed fact every respondent's answer (None = unknown)."""

    profile: Profile
    respondents: tuple[str, ...]
    disputed: dict[str, tuple[int | None, ...]]


def _median(values: list[int], positive: bool) -> int:
    """The median answer; between two middle answers, the less mature one (the cautious reading)."""
    ordered = sorted(values)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return low if positive else high


def consensus(model: Model, profiles: Sequence[Profile]) -> Consensus:
    """Combine respondents: each fact's median over those who answered it; a fact nobody answered stays unknown."""
    facts: dict[str, int] = {}
    disputed: dict[str, tuple[int | None, ...]] = {}
    for name, fact in model.facts.items():
        answers = [p.facts.get(name) for p in profiles]
        known = [v for v in answers if v is not None]
        if not known:
            continue
        facts[name] = _median(known, fact.positive)
        if max(known) - min(known) >= SPREAD:
            disputed[name] = tuple(answers)
    organisation = next((p.organisation for p in profiles if p.organisation), None)
    combined = Profile(facts=facts, organisation=organisation, assessed_on=profiles[0].assessed_on,
                       source=" + ".join(p.source for p in profiles))
    return Consensus(combined, tuple(p.source for p in profiles), disputed)


def with_disagreement(a: Assessment, c: Consensus) -> Assessment:
    """The assessment of the consensus profile, with `respondents_disagree` when answers differ by 2 or more."""
    a = replace(a, respondents=c.respondents, answers=dict(c.disputed))
    if not c.disputed or a.model.disagree is None:
        return a
    diagnostic = Diagnostic(a.model.disagree, (), {name: a.profile.facts.get(name) for name in c.disputed})
    return replace(a, diagnostics=(*a.diagnostics, diagnostic))
