"""Every rule of the rule base fires on its own conditions, not when one is broken, and cites the article."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from branda.expert.engine import session
from branda.rules.fast import evaluate
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule, StepRule
from conftest import MODEL

RULES = MODEL.rules
ARTICLE = Path(__file__).resolve().parent / "domain" / "source-article.lt.txt"  # the suite's copy (test_domain_copies)
PARTLY = (MODEL.low + MODEL.high) // 2  # the middle of the scale: "partly true" on the article's 1-5

Facts = dict[str, int]
Rule = IndicatorRule | StepRule | DiagnosticRule


def satisfying(conditions: Iterable[Condition], facts: Facts | None = None) -> Facts:
    """`facts` with the least change that makes every condition hold (each just met where it was not)."""
    result = dict(facts or {})
    conditions = list(conditions)
    for c in conditions:
        result[c.fact] = c.nearest(result.get(c.fact))
    assert all(c.holds(result[c.fact]) for c in conditions), "the conditions contradict each other"
    return result


def broken(facts: Facts, c: Condition) -> Facts:
    """`facts` with `c` failing by one step (unknown when no value on the scale fails it)."""
    value = c.threshold - 1 if c.op == ">=" else c.threshold + 1
    if value in RULES.scale:
        return facts | {c.fact: value}
    return {k: v for k, v in facts.items() if k != c.fact}


def level_conditions(*levels: int) -> list[Condition]:
    return [c for n in levels for _, c in RULES.conditions_of(n)]


def reaching(level: int) -> Facts:
    """A profile that reaches `level` exactly, every condition of levels 2..level just met, the rest unknown."""
    facts = satisfying(level_conditions(*range(2, level + 1)))
    assert evaluate(RULES, facts)[0] == level
    return facts


def majority_conditions(level: int) -> list[Condition]:
    """The first just-more-than-half of level `level`'s own conditions."""
    conds = level_conditions(level)
    return conds[: len(conds) // 2 + 1]


def diagnostic_context(rule: DiagnosticRule, level: int) -> Facts | None:
    """A profile at `level` on which the diagnostic's conditions (and majority) hold, if there is one."""
    extra = list(rule.when) + (majority_conditions(rule.majority_of_level) if rule.majority_of_level else [])
    try:
        facts = satisfying(extra, reaching(level))
    except AssertionError:
        return None
    return facts if evaluate(RULES, facts)[0] == level else None


def fires(rule: Rule, facts: Facts) -> bool:
    return rule.name in {f.rule for f in session(MODEL.rules).run(facts).firings}


def cases(rule: Rule) -> tuple[Facts, list[tuple[str, Facts]]]:
    """A profile the rule must fire on, and labelled profiles (one condition broken) it must not fire on."""
    if isinstance(rule, IndicatorRule):
        facts = satisfying(rule.when)
        return facts, [(f"{c} broken", broken(facts, c)) for c in rule.when] + [
            (f"{c.fact} unknown", {k: v for k, v in facts.items() if k != c.fact}) for c in rule.when]
    if isinstance(rule, StepRule):
        n = rule.level
        if rule.kind == "floor":
            return {}, []
        if rule.kind == "criteria":
            facts = satisfying(level_conditions(n))
            return facts, [(f"{c} broken", broken(facts, c)) for c in level_conditions(n)]
        facts = reaching(n)
        if rule.kind == "reach":
            return facts, [(f"{c} broken", broken(facts, c)) for c in level_conditions(*range(2, n + 1))]
        higher = [(f"level {n + 1} reached", reaching(n + 1))] if n < RULES.top else []
        return facts, higher + [(f"{c} broken", broken(facts, c)) for c in level_conditions(n)]
    return _diagnostic_cases(rule)


def _diagnostic_cases(rule: DiagnosticRule) -> tuple[Facts, list[tuple[str, Facts]]]:
    contexts = {n: diagnostic_context(rule, n) for n in RULES.levels}
    at = [n for n in sorted(rule.at_levels) if contexts[n] is not None]
    assert at, f"{rule.name} can fire at none of its levels {sorted(rule.at_levels)}"
    facts = contexts[at[0]]
    assert facts is not None
    negatives = [(f"{c} broken", broken(facts, c)) for c in rule.when]
    negatives += [(f"at level {n}", contexts[n]) for n in RULES.levels  # type: ignore[misc]
                  if n not in rule.at_levels and contexts[n] is not None]
    if rule.majority_of_level:
        level = rule.majority_of_level
        half = dict(facts)
        for c in reversed(level_conditions(level)):
            if not RULES.majority_holds(level, half):
                break
            if c.holds(half.get(c.fact)):
                half = broken(half, c)
        assert not RULES.majority_holds(level, half)
        negatives.append((f"only half of level {level}'s conditions", half))
    return facts, negatives


ALL_RULES = [pytest.param(r, id=r.name) for r in RULES.rules]


@pytest.mark.parametrize("rule", ALL_RULES)
def test_rule_fires_on_its_own_conditions(rule: Rule) -> None:
    facts, _ = cases(rule)
    assert fires(rule, facts), f"{rule.name} did not fire on {facts}"


@pytest.mark.parametrize("rule", ALL_RULES)
def test_rule_does_not_fire_when_a_condition_is_broken(rule: Rule) -> None:
    _, negatives = cases(rule)
    still_firing = [label for label, facts in negatives if fires(rule, facts)]
    assert still_firing == []


def test_the_floor_fires_on_every_profile() -> None:
    floor = RULES.rule("level_1_floor")
    assert fires(floor, {}) and fires(floor, reaching(RULES.top))


@pytest.mark.parametrize("rule", [pytest.param(r, id=r.name) for r in RULES.steps if r.kind != "floor"])
def test_a_step_firing_names_the_conclusions_it_required(rule: StepRule) -> None:
    facts, _ = cases(rule)
    (firing,) = [f for f in session(MODEL.rules).run(facts).firings if f.rule == rule.name]
    assert set(firing.given) == set(rule.requires) and firing.concludes == (rule.concludes,)


# --- the recorded trace --------------------------------------------------------------------------------

TRACE_PROFILES = [pytest.param(reaching(n), id=f"level {n}, conditions just met") for n in RULES.levels] + [
    pytest.param(facts, id=f"{d.name} raised")
    for d in RULES.diagnostics for facts in [diagnostic_context(d, min(d.at_levels))] if facts is not None
] + [pytest.param({}, id="nothing known"),
      pytest.param({c.fact: PARTLY for c in level_conditions(*RULES.levels[1:])}, id="everything partly true")]


@pytest.mark.parametrize("facts", TRACE_PROFILES)
def test_trace_is_identical_across_two_runs(facts: Facts) -> None:
    assert session(MODEL.rules).run(facts).firings == session(MODEL.rules).run(facts).firings


@pytest.mark.parametrize("facts", TRACE_PROFILES)
def test_trace_is_in_firing_order(facts: Facts) -> None:
    firings = session(MODEL.rules).run(facts).firings
    concluded: set[str] = set()
    for firing in firings:
        assert set(firing.given) <= concluded, f"{firing.rule} used a conclusion before it was made"
        concluded.update(firing.concludes)
    indicators = [f.rule for f in firings if f.rule.startswith("ind_")]
    assert indicators == [r.name for r in RULES.indicators if r.name in indicators]
    levels = [i for i, f in enumerate(firings) if any(c.startswith("level:") for c in f.concludes)]
    diagnostics = [i for i, f in enumerate(firings) if f.rule in {d.name for d in RULES.diagnostics}]
    assert len(levels) == 1 and all(i > levels[0] for i in diagnostics)


@pytest.mark.parametrize("facts", TRACE_PROFILES)
def test_every_because_value_is_the_profiles_value(facts: Facts) -> None:
    for firing in session(MODEL.rules).run(facts).firings:
        assert {name: facts.get(name) for name in firing.because} == firing.because, firing.rule
        spec = RULES.rule(firing.rule)
        if isinstance(spec, IndicatorRule):
            assert set(firing.because) == {c.fact for c in spec.when}


# --- the article -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ALL_RULES)
def test_rule_cites_the_article_verbatim(rule: Rule) -> None:
    assert rule.cites("lt") in ARTICLE.read_text(encoding="utf-8")
