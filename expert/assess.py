"""Assess one profile with the experta engine: level, diagnostics, the recorded chain and what blocks the next level."""

from __future__ import annotations

from dataclasses import dataclass, field

from branda.expert.profile import Profile
from branda.expert.unknowns import decisive_unknowns
from branda.knowledge.model import Model
from branda.rules.fast import trace
from branda.rules.model import RuleBase
from branda.rules.trace import Firing, Run


@dataclass(frozen=True)
class Gap:
    """An unmet condition on the way to a level: the fact, its value (None = unknown), what is needed."""

    fact: str
    value: int | None
    needed: str
    rule: str
    level: int


@dataclass(frozen=True)
class Diagnostic:
    """A diagnostic as raised: its code, the rules that raised it and the facts behind it."""

    code: str
    rules: tuple[str, ...]
    facts: dict[str, int | None]


@dataclass(frozen=True)
class Assessment:
    """The result of assessing one profile (on `model`, which the texts and JSON of it are written from)."""

    model: Model
    profile: Profile
    level: int
    firings: tuple[Firing, ...]
    diagnostics: tuple[Diagnostic, ...]
    why_not_next: tuple[Gap, ...]
    unknown_facts: tuple[str, ...]
    decisive_unknowns: dict[str, tuple[int, ...]]
    respondents: tuple[str, ...] = ()  # with several respondents: their files, in order
    answers: dict[str, tuple[int | None, ...]] = field(default_factory=dict)  # disputed fact -> each answer

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.diagnostics)

    @property
    def ready(self) -> bool | None:
        """The model's readiness (the article's: for a CX management system), or None where it has none."""
        readiness = self.model.readiness
        return None if readiness is None else readiness.not_ready not in self.codes


def gaps(rules: RuleBase, facts: dict[str, int], start: int, target: int) -> tuple[Gap, ...]:
    """Every condition of levels start+1..target that is false on `facts`, lowest level first."""
    result = []
    for level in range(start + 1, target + 1):
        for rule, cond in rules.conditions_of(level):
            value = facts.get(cond.fact)
            if not cond.holds(value):
                result.append(Gap(cond.fact, value, cond.needed, rule.name, level))
    return tuple(result)


def _diagnostics(model: Model, run_firings: tuple[Firing, ...], diagnoses: tuple[tuple[str, str], ...],
                 decisive: dict[str, tuple[int, ...]]) -> tuple[Diagnostic, ...]:
    by_rule = {f.rule: f for f in run_firings}
    grouped: dict[str, Diagnostic] = {}
    for code, rule in diagnoses:
        previous = grouped.get(code, Diagnostic(code, (), {}))
        grouped[code] = Diagnostic(code, (*previous.rules, rule), {**previous.facts, **by_rule[rule].because})
    if decisive and model.incomplete:
        grouped[model.incomplete] = Diagnostic(model.incomplete, (), {name: None for name in decisive})
    order = list(model.diagnostics)
    return tuple(sorted(grouped.values(), key=lambda d: order.index(d.code)))


ENGINES = ("experta", "fast")


def run_engine(rules: RuleBase, facts: dict[str, int], engine: str = "experta") -> Run:
    """One inference run: experta (the engine of record) or the plain-Python fast path over the same rules."""
    if engine == "fast":
        return trace(rules, facts)
    from branda.expert.engine import session  # experta is imported only when it runs

    return session(rules).run(facts)


def assess(model: Model, profile: Profile, engine: str = "experta") -> Assessment:
    """Run the engine on the profile and gather everything a consultant is shown."""
    facts = dict(profile.facts)
    rules = model.rules
    run = run_engine(rules, facts, engine)
    decisive = decisive_unknowns(model, facts)
    result = Assessment(
        model=model,
        profile=profile,
        level=run.level,
        firings=run.firings,
        diagnostics=_diagnostics(model, run.firings, run.diagnoses, decisive),
        why_not_next=gaps(rules, facts, run.level, min(run.level + 1, model.top)),
        unknown_facts=tuple(name for name in model.facts if name not in facts),
        decisive_unknowns=decisive,
    )
    if profile.panel is not None:  # several respondents: who they are, and where they differ by 2 or more
        from branda.expert.consensus import with_disagreement

        result = with_disagreement(result, profile.panel)
    return result
