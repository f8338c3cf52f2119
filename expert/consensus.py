"""Several respondents for one organisation: a consensus profile (the middle answer per fact) and where they disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from branda.expert.assess import Assessment, Diagnostic
from branda.expert.profile import Evidence, Panel, Profile
from branda.knowledge.model import Model

SPREAD = 2  # answers this far apart (or more) are a disagreement


@dataclass(frozen=True)
class Consensus:
    """The consensus profile, the respondents' names and files, and for each disputed fact every answer."""

    profile: Profile
    respondents: tuple[str, ...]  # each respondent's name (the profile's `respondent:`, else its file's name)
    disputed: dict[str, tuple[int | None, ...]]  # fact -> each respondent's answer, in order (None = unknown)
    files: tuple[str, ...] = ()


def middle(values: Sequence[int], positive: bool) -> tuple[int, bool]:
    """The middle answer, and whether it is the cautious pick: between two different middle answers (an even
    count), the less mature one, which is the lower for a positive fact and the higher for a symptom.

    >>> middle([2, 5, 4], True)
    (4, False)
    >>> middle([5, 2], True), middle([5, 2], False)
    ((2, True), (5, True))
    """
    ordered = sorted(values)
    low, high = ordered[(len(ordered) - 1) // 2], ordered[len(ordered) // 2]
    return (low if positive else high), low != high


def respondent_names(profiles: Sequence[Profile]) -> tuple[str, ...]:
    """Each respondent's name: the profile's `respondent:`, else its file's name (the path where two share one)."""
    bases = [Path(p.source).name for p in profiles]
    return tuple(p.respondent or (base if bases.count(base) == 1 else p.source)
                 for p, base in zip(profiles, bases, strict=True))


def consensus(model: Model, profiles: Sequence[Profile]) -> Consensus:
    """Combine respondents: each fact's middle answer over those who answered it (between two, the cautious
    one); a fact nobody answered stays unknown."""
    facts: dict[str, int] = {}
    disputed: dict[str, tuple[int | None, ...]] = {}
    for name, fact in model.facts.items():
        answers = [p.facts.get(name) for p in profiles]
        known = [v for v in answers if v is not None]
        if not known:
            continue
        facts[name] = middle(known, fact.positive)[0]
        if max(known) - min(known) >= SPREAD:
            disputed[name] = tuple(answers)
    organisation = next((p.organisation for p in profiles if p.organisation), None)
    names = respondent_names(profiles)
    evidence: dict[str, tuple[Evidence, ...]] = {}
    for profile, who in zip(profiles, names, strict=True):  # every respondent's notes, each with its name
        for fact, notes in profile.evidence.items():
            evidence[fact] = (*evidence.get(fact, ()), *(replace(n, respondent=who) for n in notes))
    files = tuple(p.source for p in profiles)
    combined = Profile(facts=facts, organisation=organisation, assessed_on=profiles[0].assessed_on,
                       source=" + ".join(files), evidence=evidence, panel=Panel(names, disputed, files))
    return Consensus(combined, names, disputed, files)


def with_disagreement(a: Assessment, c: Consensus | Panel) -> Assessment:
    """The assessment of the consensus profile, with `respondents_disagree` when answers differ by 2 or more.

    assess() does this itself for a profile that carries its panel; doing it again changes nothing."""
    if a.respondents:
        return a
    a = replace(a, respondents=c.respondents, answers=dict(c.disputed))
    if not c.disputed or a.model.disagree is None:
        return a
    diagnostic = Diagnostic(a.model.disagree, (), {name: a.profile.facts.get(name) for name in c.disputed})
    return replace(a, diagnostics=(*a.diagnostics, diagnostic))
