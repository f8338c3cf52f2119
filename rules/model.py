"""The rules as inspectable data: conditions, indicator, step and diagnostic rules, loaded from rules.yaml."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from branda.knowledge.loader import Knowledge, KnowledgeError, Reader, Text

T = TypeVar("T")
_CONDITION = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=)\s*([0-9]+)\s*$")


@dataclass(frozen=True)
class Condition:
    """One test on one fact: `fact op threshold`; an unknown fact satisfies no condition."""

    fact: str
    op: str  # ">=" or "<="
    threshold: int
    low: int = 1  # the scale the condition is on
    high: int = 5

    def holds(self, value: int | None) -> bool:
        if value is None:
            return False
        return value >= self.threshold if self.op == ">=" else value <= self.threshold

    @property
    def bounds(self) -> tuple[int, int]:
        """The answers on the scale that satisfy the condition, as (lowest, highest)."""
        return (self.threshold, self.high) if self.op == ">=" else (self.low, self.threshold)

    @property
    def needed(self) -> str:
        return f"{self.op} {self.threshold}"

    def nearest(self, value: int | None) -> int:
        """The value closest to `value` that satisfies the condition (the threshold when unknown)."""
        if self.holds(value):
            assert value is not None
            return value
        return self.threshold

    def __str__(self) -> str:
        return f"{self.fact} {self.needed}"


@dataclass(frozen=True)
class IndicatorRule:
    """Facts -> an indicator of one level: all conditions must hold."""

    name: str
    level: int
    when: tuple[Condition, ...]
    title: Text
    cites: Text
    threshold: Text

    @property
    def concludes(self) -> str:
        return f"indicator:{self.name.removeprefix('ind_')}"


@dataclass(frozen=True)
class StepRule:
    """A structural rule of the step-by-step ladder: floor, criteria, reach or conclude a level."""

    name: str
    kind: str  # "floor" | "criteria" | "reach" | "conclude"
    level: int
    requires: tuple[str, ...]  # the conclusions it matches
    cites: Text

    @property
    def concludes(self) -> str:
        return {"floor": "reached", "criteria": "criteria", "reach": "reached", "conclude": "level"}[
            self.kind] + f":{self.level}"


@dataclass(frozen=True)
class DiagnosticRule:
    """Concluded level (and facts) -> a diagnostic code."""

    name: str
    code: str
    at_levels: frozenset[int]
    when: tuple[Condition, ...]
    majority_of_level: int | None
    cites: Text
    threshold: Text

    @property
    def concludes(self) -> str:
        return f"diagnostic:{self.code}"


@dataclass(frozen=True)
class RuleBase:
    """Every rule, in the order the engine is given them."""

    indicators: tuple[IndicatorRule, ...]
    steps: tuple[StepRule, ...]
    diagnostics: tuple[DiagnosticRule, ...]

    top: int = 5  # the highest level
    low: int = 1  # the scale
    high: int = 5
    step_by_step: bool = True  # level N counts only when level N-1 is reached

    @property
    def levels(self) -> range:
        """Every level, 1 to the top."""
        return range(1, self.top + 1)

    @property
    def scale(self) -> range:
        """Every answer on the scale."""
        return range(self.low, self.high + 1)

    @property
    def rules(self) -> tuple[IndicatorRule | StepRule | DiagnosticRule, ...]:
        return (*self.indicators, *self.steps, *self.diagnostics)

    def rule(self, name: str) -> IndicatorRule | StepRule | DiagnosticRule:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)

    @cached_property
    def _by_level(self) -> dict[int, tuple[IndicatorRule, ...]]:
        return {n: tuple(r for r in self.indicators if r.level == n) for n in self.levels}

    @cached_property
    def _conditions_by_level(self) -> dict[int, tuple[tuple[IndicatorRule, Condition], ...]]:
        return {n: tuple((r, c) for r in rules for c in r.when) for n, rules in self._by_level.items()}

    @cached_property
    def bounds_by_level(self) -> dict[int, tuple[tuple[str, int, int], ...]]:
        """Each level's own conditions as (fact, lowest, highest): the fast path's form of the same data."""
        return {n: tuple((c.fact, *c.bounds) for _, c in conds) for n, conds in self._conditions_by_level.items()}

    @cached_property
    def answer_classes(self) -> dict[str, tuple[tuple[int, ...], ...]]:
        """For each fact some condition tests, the answers 1..5 grouped by which conditions they satisfy.

        Answers in one group are indistinguishable to every rule, so the engine concludes the same from each.
        """
        tests: dict[str, list[tuple[int, int]]] = {}
        conditions = [c for r in self.indicators for c in r.when] + [c for d in self.diagnostics for c in d.when]
        for c in conditions:
            tests.setdefault(c.fact, []).append(c.bounds)
        classes = {}
        for fact, bounds in tests.items():
            groups: dict[tuple[bool, ...], list[int]] = {}
            for v in self.scale:
                groups.setdefault(tuple(lo <= v <= hi for lo, hi in bounds), []).append(v)
            classes[fact] = tuple(tuple(g) for g in groups.values())
        return classes

    def indicators_of(self, level: int) -> tuple[IndicatorRule, ...]:
        return self._by_level.get(level, ())

    def conditions_of(self, level: int) -> tuple[tuple[IndicatorRule, Condition], ...]:
        """Every fact condition level `level` needs of its own (not of the levels below)."""
        return self._conditions_by_level.get(level, ())

    def majority_holds(self, level: int, facts: Mapping[str, int]) -> bool:
        """More than half of level `level`'s own conditions hold on `facts`."""
        bounds = self.bounds_by_level[level]
        return 2 * sum(lo <= facts.get(fact, -1) <= hi for fact, lo, hi in bounds) > len(bounds)


def _conditions(r: Reader, items: object, key: str, kb: Knowledge) -> tuple[Condition, ...]:
    example = f"'{next(iter(kb.facts), 'fact')} >= {kb.high - 1}'"
    if not isinstance(items, list):
        raise r.fail(key, f"must be a list of conditions like {example}")
    result = []
    for i, text in enumerate(items):
        m = _CONDITION.match(text) if isinstance(text, str) else None
        if not m or not kb.low <= int(m.group(3)) <= kb.high:
            raise r.fail(f"{key}[{i}]", f"{text!r} is not 'fact >= N' or 'fact <= N' with N on the scale "
                                        f"{kb.low}-{kb.high}")
        if m.group(1) not in kb.facts:
            raise r.fail(f"{key}[{i}]", f"unknown fact {m.group(1)!r}")
        result.append(Condition(m.group(1), m.group(2), int(m.group(3)), kb.low, kb.high))
    return tuple(result)


def _step_rules(indicators: tuple[IndicatorRule, ...], cites: Text, top: int, step_by_step: bool
                ) -> tuple[StepRule, ...]:
    """The ladder's rules: level 1 is the floor; a level's criteria are all its indicators; reach; conclude."""
    steps = [StepRule("level_1_floor", "floor", 1, (), cites)]
    for n in range(2, top + 1):
        own = tuple(r.concludes for r in indicators if r.level == n)
        below = (f"reached:{n - 1}",) if step_by_step else ()
        steps.append(StepRule(f"criteria_level_{n}", "criteria", n, own, cites))
        steps.append(StepRule(f"reach_level_{n}", "reach", n, (f"criteria:{n}", *below), cites))
    for n in range(1, top + 1):
        steps.append(StepRule(f"conclude_level_{n}", "conclude", n, (f"reached:{n}",), cites))
    return tuple(steps)


def load_rulebase(path: Path, kb: Knowledge, problems: list[KnowledgeError] | None = None) -> RuleBase:
    """Read and validate a rules.yaml against the model's facts, levels, scale and diagnostic codes."""
    r = Reader(path, kb.languages, problems, path.parent)
    top = r.mapping(r.data, "(top)", {"indicators", "ladder", "diagnostics"})
    levels, names = kb.top, []

    def indicator(i: int, item: object) -> IndicatorRule:
        item = r.mapping(item, f"indicators[{i}]", {"rule", "level", "when", "title", "cites", "threshold"})
        name = item["rule"]
        if not isinstance(name, str) or not name.startswith("ind_") or not name.isidentifier():
            raise r.fail(f"indicators[{i}].rule", "indicator rule names are identifiers starting with 'ind_'")
        names.append(name)
        level = r.level_number(item["level"], f"{name}.level", levels, lowest=2)
        when = _conditions(r, item["when"], f"{name}.when", kb)
        if not when:
            raise r.fail(f"{name}.when", "an indicator needs at least one condition")
        return IndicatorRule(name, level, when, r.text(item["title"], f"{name}.title"),
                             r.text(item["cites"], f"{name}.cites"), r.text(item["threshold"], f"{name}.threshold"))

    indicators = tuple(r.each(r.items(top["indicators"], "indicators"), indicator))
    for n in range(2, levels + 1):
        if not any(ind.level == n for ind in indicators):
            r.attempt(lambda n=n: _raise(r.fail("indicators", f"level {n} has no indicator")))
    ladder = r.mapping(top["ladder"], "ladder", {"cites", "step_by_step"})
    if not isinstance(ladder["step_by_step"], bool):
        raise r.fail("ladder.step_by_step", "must be true (a level counts only when the one below it is reached) "
                                            "or false")
    steps = _step_rules(indicators, r.text(ladder["cites"], "ladder.cites"), levels, ladder["step_by_step"])

    def diagnostic(i: int, item: object) -> DiagnosticRule:
        item = r.mapping(item, f"diagnostics[{i}]", {"rule", "code", "at_levels", "cites", "threshold"},
                         frozenset({"when", "majority_of_level"}))
        name = item["rule"]
        names.append(name)
        if item["code"] not in kb.diagnostics:
            raise r.fail(f"{name}.code", f"unknown diagnostic code {item['code']!r}")
        at = item["at_levels"]
        if not isinstance(at, list) or not at:
            raise r.fail(f"{name}.at_levels", f"must be a non-empty list of levels 1-{levels}")
        for j, n in enumerate(at):
            r.level_number(n, f"{name}.at_levels[{j}]", levels)
        majority = item.get("majority_of_level")
        if majority is not None:
            r.level_number(majority, f"{name}.majority_of_level", levels, lowest=2)
        return DiagnosticRule(name, item["code"], frozenset(at), _conditions(r, item.get("when", []),
                                                                           f"{name}.when", kb),
                              majority, r.text(item["cites"], f"{name}.cites"),
                              r.text(item["threshold"], f"{name}.threshold"))

    diagnostics = tuple(r.each(r.items(top["diagnostics"], "diagnostics"), diagnostic))
    r.attempt(lambda: r.unique(names, "rules"))
    return RuleBase(indicators, steps, diagnostics, levels, kb.low, kb.high, ladder["step_by_step"])


def _raise(error: KnowledgeError) -> None:
    raise error


def per_rulebase(build: Callable[[RuleBase], T]) -> Callable[[RuleBase], T]:
    """`build(rules)` made once per rule base and then reused (an engine compiled from it, say)."""
    made: dict[int, tuple[RuleBase, T]] = {}

    def get(rules: RuleBase) -> T:
        found = made.get(id(rules))
        if found is None or found[0] is not rules:
            found = made[id(rules)] = (rules, build(rules))
        return found[1]

    return get


__all__ = ["Condition", "DiagnosticRule", "IndicatorRule", "KnowledgeError", "RuleBase", "StepRule",
           "load_rulebase"]
