"""The plan to a target level: the path, the smallest sets of fact changes (exact, engine-verified), the steps.

The change sets are computed from the rule conditions, not by searching through the engine: level N holds when
every condition of levels 2..N holds, so each fact that fails one must move to the nearest value meeting all of
its conditions. Each set is then checked by one experta run before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

from expert.assess import Assessment, Gap, assess, gaps
from expert.engine import Session, session
from expert.profile import Profile
from expert.transitions import Trigger, action_waves, complacency_triggers
from knowledge.transitions import Action, Milestone, transitions
from rules.model import Condition, RuleBase

MAX_ALTERNATIVES = 5


class PlanError(RuntimeError):
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
        """Steps on the 1-5 scale; finding out an unknown fact's value moves nothing."""
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
    low = max((c.threshold for c in conditions if c.op == ">="), default=1)
    high = min((c.threshold for c in conditions if c.op == "<="), default=5)
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
        for cond in (c for conjunction in combo for c in conjunction):
            by_fact.setdefault(cond.fact, []).append(cond)
        choices = []
        for fact, conds in by_fact.items():
            value = facts.get(fact)
            if not all(c.holds(value) for c in conds):
                needed = needed_of(conds)
                choices.append([Change(fact, value, new, needed) for new in candidate_values(conds, value)])
        found.update(ChangeSet(tuple(pick)) for pick in product(*choices))
    kept = [s for s in found if not any(set(o.changes) < set(s.changes) for o in found)]
    return tuple(sorted(kept, key=ChangeSet.sort_key)[:MAX_ALTERNATIVES])


def verify(sess: Session, facts: Mapping[str, int], change_set: ChangeSet, target: int) -> None:
    """Run the experta engine on the changed facts; anything short of `target` is an internal error."""
    level = sess.run({**facts, **change_set.as_facts()}).level
    if level < target:
        shown = ", ".join(f"{c.fact}={c.new}" for c in change_set.changes)
        raise PlanError(f"the change set {{{shown}}} should reach level {target}, the engine concluded {level}")


def _step(sess: Session, facts: Mapping[str, int], start: int) -> Step:
    end = start + 1
    requires = gaps(sess, dict(facts), start, end)
    unmet = {g.fact for g in requires}
    caps = transitions().capabilities
    actions = [a for a in transitions().actions_to(end) if unmet & set(caps[a.capability].facts)]
    risks = tuple((t, facts.get(t.condition.fact)) for t in complacency_triggers(end))
    return Step(start, end, requires, action_waves(actions), risks, transitions().milestones.get(end))


def make_plan(profile: Profile, target: int | None = None, sess: Session | None = None) -> Plan:
    """The roadmap from the profile's level to `target` (default: the next level; level 5 stays at 5)."""
    sess = sess or session()
    baseline = assess(profile, sess)
    target = min(baseline.level + 1, 5) if target is None else target
    if not 1 <= target <= 5:
        raise ValueError(f"a target level is 1-5, not {target}")
    facts = dict(profile.facts)
    if target <= baseline.level:
        return Plan(baseline, target, (baseline.level,), (ChangeSet(()),), ())
    sets = minimal_change_sets(sess.rules, facts, target)
    if not sets:
        raise PlanError(f"the rule conditions of levels 2-{target} cannot all hold together")
    for change_set in sets:
        verify(sess, facts, change_set, target)
    path = tuple(range(baseline.level, target + 1))
    return Plan(baseline, target, path, sets, tuple(_step(sess, facts, n) for n in path[:-1]))
