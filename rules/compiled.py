"""Compile the rule base into an experta KnowledgeEngine class: one experta Rule per rule spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from branda.rules.experta_compat import experta
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule, RuleBase, StepRule

if TYPE_CHECKING:
    from experta import Fact
else:
    Fact = experta.Fact
P = experta.P

# Salience orders the layers (indicators, then the ladder, then the one concluded level, then diagnostics)
# and, inside a layer, follows the order of rules.yaml, so the firing order never depends on hashing.
INDICATOR_SALIENCE = 1000
STEP_SALIENCE = 500
CONCLUDE_SALIENCE = -10
DIAGNOSTIC_SALIENCE = -100


class Org(Fact):
    """The organisation: one field per known fact (an unknown fact is simply absent)."""


class Indicator(Fact):
    """An indicator of level `level` concluded from facts (`id` like 'indicator:ownership_assigned')."""


class Criteria(Fact):
    """Level `level`'s own criteria are met."""


class Reached(Fact):
    """Level `level` is reached (its criteria and every level below it)."""


class Concluded(Fact):
    """The organisation's concluded level: exactly one per assessment."""


class Diagnosis(Fact):
    """A diagnostic raised by rule `rule` with code `code`."""


def _predicate(conditions: list[Condition]) -> Any:
    tests = [P(c.holds) for c in conditions]
    combined = tests[0]
    for t in tests[1:]:
        combined = combined & t
    return combined


def _org_pattern(conditions: tuple[Condition, ...]) -> Any:
    by_fact: dict[str, list[Condition]] = {}
    for c in conditions:
        by_fact.setdefault(c.fact, []).append(c)
    return Org(**{fact: _predicate(conds) for fact, conds in by_fact.items()})


def _action(name: str, make: Callable[[], Fact]) -> Callable[[Any], None]:
    def fire(engine: Any) -> None:
        engine.declare(make())

    fire.__name__ = fire.__qualname__ = name
    return fire


def _conclusion_pattern(conclusion: str, level: int) -> Any:
    kind, _, key = conclusion.partition(":")
    if kind == "indicator":  # the level test is shared by a level's patterns: a narrower alpha network
        return Indicator(level=level, id=conclusion)
    return {"criteria": Criteria, "reached": Reached}[kind](level=int(key))


def _indicator(rule: IndicatorRule, salience: int) -> Any:
    return experta.Rule(_org_pattern(rule.when), salience=salience)(
        _action(rule.name, lambda: Indicator(level=rule.level, id=rule.concludes)))


def _step(rule: StepRule, salience: int, top: int, step_by_step: bool) -> Any:
    n = rule.level
    if rule.kind == "floor":
        return experta.Rule(experta.InitialFact(), salience=salience)(_action(rule.name, lambda: Reached(level=1)))
    if rule.kind == "conclude":
        higher = range(n + 1, min(n + 1, top) + 1) if step_by_step else range(n + 1, top + 1)
        patterns = [Reached(level=n)] + [experta.NOT(Reached(level=m)) for m in higher]
        return experta.Rule(*patterns, salience=CONCLUDE_SALIENCE)(
            _action(rule.name, lambda: Concluded(level=n)))
    made = {"criteria": lambda: Criteria(level=n), "reach": lambda: Reached(level=n)}[rule.kind]
    return experta.Rule(*(_conclusion_pattern(c, n) for c in rule.requires), salience=salience)(
        _action(rule.name, made))


def _diagnostic(rule: DiagnosticRule, rules: RuleBase, salience: int) -> Any:
    levels = rule.at_levels
    patterns: list[Any] = [Concluded(level=P(lambda v: v in levels))]
    if rule.when or rule.majority_of_level:
        org = _org_pattern(rule.when) if rule.when else Org()
        patterns.append(experta.AS.org << org)
    if rule.majority_of_level:
        level = rule.majority_of_level
        patterns.append(experta.TEST(lambda org: rules.majority_holds(level, org)))
    return experta.Rule(*patterns, salience=salience)(
        _action(rule.name, lambda: Diagnosis(code=rule.code, rule=rule.name)))


def compile_engine(rules: RuleBase) -> type:
    """A KnowledgeEngine subclass whose class attributes are the compiled rules, named as in the rule base."""
    namespace: dict[str, Any] = {}
    for i, r in enumerate(rules.indicators):
        namespace[r.name] = _indicator(r, INDICATOR_SALIENCE - i)
    for i, s in enumerate(rules.steps):
        namespace[s.name] = _step(s, STEP_SALIENCE - i, rules.top, rules.step_by_step)
    for i, d in enumerate(rules.diagnostics):
        namespace[d.name] = _diagnostic(d, rules, DIAGNOSTIC_SALIENCE - i)
    return type("CompiledBrandaEngine", (experta.KnowledgeEngine,), namespace)
