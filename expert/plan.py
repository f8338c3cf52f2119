"""The plan to a target level: the path, the smallest sets of fact changes (exact, engine-verified), the steps.

The change sets are computed from the rule conditions, not by searching through the engine: level N holds when
every condition of levels 2..N holds, so each fact that fails one must move to the nearest value meeting all of
its conditions. Each set is then checked by one experta run before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from branda.expert.assess import Assessment, Gap, assess, gaps
from branda.expert.engine import Session, session
from branda.expert.errors import BrandaError
from branda.expert.profile import Profile
from branda.expert.render import gap_line, quoted
from branda.expert.serialize import gap_json
from branda.expert.transitions import Trigger, action_waves, complacency_triggers
from branda.knowledge.model import Model
from branda.knowledge.transitions import Action, Milestone
from branda.rules.model import Condition, RuleBase

MAX_ALTERNATIVES = 5


class PlanError(BrandaError, RuntimeError):
    """An internal inconsistency: a change set the conditions promise does not reach its level in the engine."""


@dataclass(frozen=True)
class Change:
    """One fact moved: from its value (None = unknown) to `new`."""

    fact: str
    old: int | None
    new: int
    needed: str = ""  # what all the fact's conditions up to the target need, e.g. ">= 4"

    @property
    def movement(self) -> int:
        """Steps on the scale; finding out an unknown fact's value moves nothing."""
        return 0 if self.old is None else abs(self.new - self.old)


@dataclass(frozen=True)
class ChangeSet:
    """One alternative: the facts to change together, in rule order."""

    changes: tuple[Change, ...]

    @property
    def movement(self) -> int:
        return sum(c.movement for c in self.changes)

    def as_facts(self) -> dict[str, int]:
        return {c.fact: c.new for c in self.changes}

    def sort_key(self) -> tuple:
        return len(self.changes), self.movement, tuple((c.fact, c.new) for c in self.changes)


@dataclass(frozen=True)
class Step:
    """One move along the path: what it requires (unmet now), the actions in waves, the risks on arrival."""

    start: int
    end: int
    requires: tuple[Gap, ...]
    waves: tuple[tuple[Action, ...], ...]
    risks: tuple[tuple[Trigger, int | None], ...]  # (trigger, the fact's value now)
    milestone: Milestone | None


@dataclass(frozen=True)
class Plan:
    """A roadmap from the assessed level to `target`."""

    baseline: Assessment
    target: int
    path: tuple[int, ...]
    minimal_changes: tuple[ChangeSet, ...]
    steps: tuple[Step, ...]
    current_risks: tuple[tuple[Trigger, int | None], ...] = ()  # fall-back triggers that already hold


    @property
    def start(self) -> int:
        return self.baseline.level

    @property
    def already(self) -> bool:
        """The target is at or below the level already reached."""
        return self.target <= self.start


def alternatives_of(rules: RuleBase, level: int) -> tuple[tuple[Condition, ...], ...]:
    """The ways level `level`'s own criteria can hold, each a conjunction of conditions.

    In the rule data a level's criteria are all of its indicators and an indicator all of its conditions, so
    there is exactly one way; a future rule base with alternative indicators would list each here.
    """
    return (tuple(c for _, c in rules.conditions_of(level)),)


def candidate_values(conditions: list[Condition], value: int | None) -> tuple[int, ...]:
    """The values nearest to `value` that meet every condition: one when it is known, the bounds when unknown."""
    low = max((c.threshold for c in conditions if c.op == ">="), default=conditions[0].low)
    high = min((c.threshold for c in conditions if c.op == "<="), default=conditions[0].high)
    if low > high:
        return ()
    if value is None:
        return tuple(sorted({c.threshold for c in conditions if low <= c.threshold <= high}))
    return (min(max(value, low), high),)


def needed_of(conditions: list[Condition]) -> str:
    """The combined need of several conditions on one fact: '>= 4', '<= 3' or '>= 2 and <= 4'."""
    low = max((c.threshold for c in conditions if c.op == ">="), default=None)
    high = min((c.threshold for c in conditions if c.op == "<="), default=None)
    return " and ".join(part for part in (low and f">= {low}", high and f"<= {high}") if part)


def minimal_change_sets(rules: RuleBase, facts: Mapping[str, int], target: int) -> tuple[ChangeSet, ...]:
    """The smallest sets of fact changes after which every condition of levels 2..target holds.

    Fewest facts first, then least movement on the scale; a set that contains another is left out.
    """
    found: set[ChangeSet] = set()
    for combo in product(*(alternatives_of(rules, n) for n in range(2, target + 1))):
        by_fact: dict[str, list[Condition]] = {}
        first_failing: dict[str, int] = {}  # where a fact first fails, so changes read lowest level first
        for i, cond in enumerate(c for conjunction in combo for c in conjunction):
            by_fact.setdefault(cond.fact, []).append(cond)
            if not cond.holds(facts.get(cond.fact)):
                first_failing.setdefault(cond.fact, i)
        choices = []
        for fact in sorted(first_failing, key=first_failing.__getitem__):
            conds, value = by_fact[fact], facts.get(fact)
            choices.append([Change(fact, value, new, needed_of(conds)) for new in candidate_values(conds, value)])
        found.update(ChangeSet(tuple(pick)) for pick in product(*choices))
    kept = [s for s in found if not any(set(o.changes) < set(s.changes) for o in found)]
    return tuple(sorted(kept, key=ChangeSet.sort_key)[:MAX_ALTERNATIVES])


def verify(sess: Session, facts: Mapping[str, int], change_set: ChangeSet, target: int) -> None:
    """Run the experta engine on the changed facts; anything short of `target` is an internal error."""
    level = sess.run({**facts, **change_set.as_facts()}).level
    if level < target:
        shown = ", ".join(f"{c.fact}={c.new}" for c in change_set.changes)
        raise PlanError(f"the change set {{{shown}}} should reach level {target}, the engine concluded {level}")


def _step(model: Model, sess: Session, facts: Mapping[str, int], start: int) -> Step:
    end = start + 1
    requires = gaps(sess.rules, dict(facts), start, end)
    unmet = {g.fact for g in requires}
    tr = model.transitions
    actions = [a for a in tr.actions_to(end) if unmet & set(tr.capabilities[a.capability].facts)]
    risks = tuple((t, facts.get(t.condition.fact)) for t in complacency_triggers(model, end))
    return Step(start, end, requires, action_waves(tr, actions), risks, tr.milestones.get(end))


def make_plan(model: Model, profile: Profile, target: int | None = None) -> Plan:
    """The roadmap from the profile's level to `target` (default: the next level; the top stays at the top)."""
    sess = session(model.rules)
    baseline = assess(model, profile)
    target = min(baseline.level + 1, model.top) if target is None else target
    if not 1 <= target <= model.top:
        raise ValueError(f"a target level is 1-{model.top}, not {target}")
    facts = dict(profile.facts)
    held = tuple((t, facts.get(t.condition.fact)) for t in complacency_triggers(model, baseline.level)
                 if t.condition.holds(facts.get(t.condition.fact)))
    if target <= baseline.level:
        return Plan(baseline, target, (baseline.level,), (ChangeSet(()),), (), held)
    sets = minimal_change_sets(sess.rules, facts, target)
    if not sets:
        raise PlanError(f"the rule conditions of levels 2-{target} cannot all hold together")
    for change_set in sets:
        verify(sess, facts, change_set, target)
    path = tuple(range(baseline.level, target + 1))
    return Plan(baseline, target, path, sets, tuple(_step(model, sess, facts, n) for n in path[:-1]), held)


def _level(kb: Model, n: int, lang: str) -> str:
    return kb.text("plan_level", lang, level=n, name=kb.level(n).name(lang))


def _level_is(kb: Model, n: int, lang: str) -> str:
    return kb.text("plan_level_is", lang, level=n, name=kb.level(n).name(lang))


def _quote(kb: Model, text: str, lang: str) -> str:
    return quoted(kb, text, lang, "plan_quote")


def change_json(c: Change) -> dict[str, Any]:
    return {"fact": c.fact, "from": c.old, "to": c.new, "needed": c.needed}


def _risk_json(kb: Model, trigger: Trigger, value: int | None, lang: str) -> dict[str, Any]:
    fallback = kb.transitions.risk
    return {"level": trigger.level, "kind": trigger.kind, "fact": trigger.condition.fact, "when": trigger.when,
            "rule": trigger.rule, "value": value, "active": trigger.condition.holds(value),
            "stressed": trigger.level == fallback.stressed_at, "advice": fallback.advice(lang),
            "cites": fallback.cites(lang)}


def step_json(kb: Model, step: Step, lang: str) -> dict[str, Any]:
    return {
        "from": step.start, "to": step.end, "name": kb.level(step.end).name(lang),
        "requires": [gap_json(g, with_rule=True) for g in step.requires],
        "actions": [{"id": a.id, "capability": a.capability, "wave": i, "text": a.text(lang), "cites": a.cites(lang)}
                    for i, wave in enumerate(step.waves, 1) for a in wave],
        "risks": [_risk_json(kb, t, v, lang) for t, v in step.risks],
        "milestone": step.milestone.text(lang) if step.milestone else None,
    }


def plan_json(plan: Plan, lang: str = "en") -> dict[str, Any]:
    """The plan object of interface.md: from, to, path, minimal_changes, steps (and a few siblings)."""
    kb = plan.baseline.model
    lapse = kb.transitions.lapse
    return {
        "organisation": plan.baseline.profile.organisation,
        "from": plan.start, "to": plan.target, "path": list(plan.path),
        "already_reached": plan.already,
        "minimal_changes": [s.as_facts() for s in plan.minimal_changes],
        "change_details": [[change_json(c) for c in s.changes] for s in plan.minimal_changes],
        "steps": [step_json(kb, s, lang) for s in plan.steps],
        "current_risks": [_risk_json(kb, t, v, lang) for t, v in plan.current_risks],
        "keep": {"advice": lapse.advice(lang), "cites": lapse.cites(lang)},
    }


def _change_line(kb: Model, c: Change, lang: str) -> str:
    if c.old is None:
        return kb.text("plan_change_unknown", lang, fact=c.fact, new=c.new, needed=c.needed)
    return kb.text("plan_change", lang, fact=c.fact, old=c.old, new=c.new, needed=c.needed)


def _changes_text(plan: Plan, lang: str) -> list[str]:
    kb = plan.baseline.model
    sets = plan.minimal_changes
    if len(sets) == 1:
        lines = [kb.text("plan_changes_one", lang, level=plan.target, count=len(sets[0].changes))]
        return lines + [f"  - {_change_line(kb, c, lang)}" for c in sets[0].changes]
    lines = [kb.text("plan_changes_many", lang, level=plan.target, count=len(sets))]
    for i, s in enumerate(sets, 1):
        lines.append("  " + kb.text("plan_alternative", lang, number=i, count=len(s.changes), movement=s.movement))
        lines += [f"    - {_change_line(kb, c, lang)}" for c in s.changes]
    return lines


def _step_text(kb: Model, step: Step, number: int, total: int, lang: str, advise: bool) -> list[str]:
    caps = kb.transitions.capabilities
    lines = ["", kb.text("plan_step", lang, number=number, total=total, start=step.start, end=_level(kb, step.end, lang))]
    if not step.requires:
        lines.append("  " + kb.text("plan_nothing_required", lang, level=step.end))
    else:
        lines.append("  " + kb.text("plan_requires", lang, count=len(step.requires)))
        lines += [f"    - {gap_line(kb, g, lang)}" for g in step.requires]
        lines.append("  " + kb.text("plan_actions", lang))
        for i, wave in enumerate(step.waves, 1):
            lines.append("    " + kb.text("plan_wave_first" if i == 1 else "plan_wave_next", lang, wave=i))
            for a in wave:
                lines.append(f"      - {a.text(lang)}")
                lines.append("        " + kb.text("plan_builds", lang, capability=caps[a.capability].name(lang),
                                                quote=_quote(kb, a.cites(lang), lang)))
    fallback = kb.transitions.risk
    for trigger, value in step.risks:
        key = "plan_risk_stressed" if trigger.level == fallback.stressed_at else "plan_risk"
        shown = kb.text("unknown_value", lang) if value is None else value
        lines.append("  " + kb.text(key, lang, level=trigger.level, title=fallback.title(lang), condition=trigger.when,
                               fact=trigger.condition.fact, value=shown))
        if trigger.condition.holds(value):
            lines.append("    " + kb.text("plan_risk_active", lang, fact=trigger.condition.fact, value=value))
        if advise:  # the article's advice once per roadmap, at the first level it applies to
            lines.append("    " + kb.text("plan_advice", lang, advice=fallback.advice(lang),
                                     quote=_quote(kb, fallback.cites(lang), lang)))
            advise = False
    if step.milestone:
        lines.append("  " + kb.text("plan_milestone", lang, text=step.milestone.text(lang),
                               quote=_quote(kb, step.milestone.cites(lang), lang)))
    return lines


def plan_text(plan: Plan, lang: str = "en") -> str:
    """The plan as a consultant's roadmap: where it stands, the smallest change, then step by step."""
    kb = plan.baseline.model
    name = plan.baseline.profile.organisation or kb.text("unnamed_organisation", lang)
    if plan.already:
        key = "plan_top" if plan.start == kb.top else "plan_already"
        return kb.text(key, lang, organisation=name, current=_level_is(kb, plan.start, lang), target=plan.target)
    lines = [kb.text("plan_heading", lang, organisation=name, start=_level(kb, plan.start, lang),
                end=_level(kb, plan.target, lang))]
    titles = [kb.diagnostics[d.code].title(lang) for d in plan.baseline.diagnostics]
    lines.append(kb.text("plan_now", lang, current=_level_is(kb, plan.start, lang),
                    diagnostics="; ".join(titles) if titles else kb.text("plan_no_diagnostics", lang)))
    for trigger, value in plan.current_risks:
        lines.append(kb.text("plan_hold_first", lang, level=plan.start, fact=trigger.condition.fact, value=value,
                        condition=trigger.when))
    lines.append(kb.text("plan_path", lang, path=" → ".join(map(str, plan.path))))
    lines.append("")
    lines += _changes_text(plan, lang)
    lines.append(kb.text("plan_verified", lang, level=plan.target))
    for i, step in enumerate(plan.steps, 1):
        advise = not any(s.risks for s in plan.steps[:i - 1])
        lines += _step_text(kb, step, i, len(plan.steps), lang, advise)
    lapse = kb.transitions.lapse
    lines += ["", kb.text("plan_keep", lang, advice=lapse.advice(lang), quote=_quote(kb, lapse.cites(lang), lang))]
    return "\n".join(lines)
