"""The rules as inspectable data: conditions, indicator, step and diagnostic rules, loaded from rules.yaml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from knowledge.loader import Knowledge, KnowledgeError, Reader, Text, knowledge

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"
_CONDITION = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|<=)\s*([1-5])\s*$")


@dataclass(frozen=True)
class Condition:
    """One test on one fact: `fact op threshold`; an unknown fact satisfies no condition."""

    fact: str
    op: str  # ">=" or "<="
    threshold: int

    def holds(self, value: int | None) -> bool:
        if value is None:
            return False
        return value >= self.threshold if self.op == ">=" else value <= self.threshold

    @property
    def bounds(self) -> tuple[int, int]:
        """The values 1..5 that satisfy the condition, as (lowest, highest)."""
        return (self.threshold, 5) if self.op == ">=" else (1, self.threshold)

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
        return {n: tuple(r for r in self.indicators if r.level == n) for n in range(1, 6)}

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
            for v in range(1, 6):
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
        return 2 * sum(lo <= facts.get(fact, 0) <= hi for fact, lo, hi in bounds) > len(bounds)


def _conditions(r: Reader, items: object, key: str, kb: Knowledge) -> tuple[Condition, ...]:
    if not isinstance(items, list):
        raise r.fail(key, "must be a list of conditions like 'cx_ownership >= 4'")
    result = []
    for i, text in enumerate(items):
        m = _CONDITION.match(text) if isinstance(text, str) else None
        if not m:
            raise r.fail(f"{key}[{i}]", f"{text!r} is not 'fact >= N' or 'fact <= N' with N in 1-5")
        if m.group(1) not in kb.facts:
            raise r.fail(f"{key}[{i}]", f"unknown fact {m.group(1)!r}")
        result.append(Condition(m.group(1), m.group(2), int(m.group(3))))
    return tuple(result)


def _step_rules(indicators: tuple[IndicatorRule, ...], cites: Text) -> tuple[StepRule, ...]:
    steps = [StepRule("level_1_floor", "floor", 1, (), cites)]
    for n in range(2, 6):
        own = tuple(r.concludes for r in indicators if r.level == n)
        steps.append(StepRule(f"criteria_level_{n}", "criteria", n, own, cites))
        steps.append(StepRule(f"reach_level_{n}", "reach", n, (f"criteria:{n}", f"reached:{n - 1}"), cites))
    for n in range(1, 6):
        steps.append(StepRule(f"conclude_level_{n}", "conclude", n, (f"reached:{n}",), cites))
    return tuple(steps)


def load_rulebase(path: Path = RULES_FILE, kb: Knowledge | None = None) -> RuleBase:
    """Read and validate rules.yaml against the knowledge base's facts and diagnostic codes."""
    kb = kb or knowledge()
    r = Reader(path)
    top = r.mapping(r.data, "(top)", {"indicators", "steps", "diagnostics"})
    items = r.items(top["indicators"], "indicators")
    names = [i.get("rule") if isinstance(i, dict) else None for i in items]
    indicators = []
    for i, item in enumerate(items):
        item = r.mapping(item, f"indicators[{i}]", {"rule", "level", "when", "title", "cites", "threshold"})
        name = item["rule"]
        if not isinstance(name, str) or not name.startswith("ind_"):
            raise r.fail(f"indicators[{i}].rule", "indicator rule names start with 'ind_'")
        if item["level"] not in (2, 3, 4, 5):
            raise r.fail(f"{name}.level", "must be 2-5 (level 1 is the floor)")
        indicators.append(IndicatorRule(name, item["level"], _conditions(r, item["when"], f"{name}.when", kb),
                                        r.text(item["title"], f"{name}.title"),
                                        r.text(item["cites"], f"{name}.cites"),
                                        r.text(item["threshold"], f"{name}.threshold")))
    for n in range(2, 6):
        if not any(ind.level == n for ind in indicators):
            raise r.fail("indicators", f"level {n} has no indicator")
    steps_data = r.mapping(top["steps"], "steps", {"cites"})
    steps = _step_rules(tuple(indicators), r.text(steps_data["cites"], "steps.cites"))
    diagnostics = []
    for i, item in enumerate(r.items(top["diagnostics"], "diagnostics")):
        item = r.mapping(item, f"diagnostics[{i}]", {"rule", "code", "at_levels", "cites", "threshold"},
                         frozenset({"when", "majority_of_level"}))
        name = item["rule"]
        names.append(name)
        if item["code"] not in kb.diagnostics:
            raise r.fail(f"{name}.code", f"unknown diagnostic code {item['code']!r}")
        levels = item["at_levels"]
        if not isinstance(levels, list) or not levels or not set(levels) <= {1, 2, 3, 4, 5}:
            raise r.fail(f"{name}.at_levels", "must be a non-empty list of levels 1-5")
        majority = item.get("majority_of_level")
        if majority is not None and majority not in (2, 3, 4, 5):
            raise r.fail(f"{name}.majority_of_level", "must be a level 2-5")
        diagnostics.append(DiagnosticRule(name, item["code"], frozenset(levels),
                                          _conditions(r, item.get("when", []), f"{name}.when", kb),
                                          majority, r.text(item["cites"], f"{name}.cites"),
                                          r.text(item["threshold"], f"{name}.threshold")))
    r.unique(names, "rules")
    return RuleBase(tuple(indicators), steps, tuple(diagnostics))


@lru_cache(maxsize=1)
def rulebase() -> RuleBase:
    """The bundled rule base, loaded once per process."""
    return load_rulebase()


__all__ = ["Condition", "DiagnosticRule", "IndicatorRule", "KnowledgeError", "RuleBase", "StepRule",
           "load_rulebase", "rulebase"]
