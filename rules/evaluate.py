"""The same rule data evaluated as plain Python: the fast path for batch and hypotheticals.

experta stays the engine of record (assess, why, whatif); `trace` reproduces its firing record
exactly — the same rules, in the same order, with the same facts — which the differential tests prove.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rules.model import Condition, RuleBase
from rules.trace import Firing, Run

Evaluator = Callable[[Mapping[str, int]], tuple[int, frozenset[str]]]
_COMPILED: dict[int, tuple[RuleBase, Evaluator]] = {}


def level_of(rules: RuleBase, facts: Mapping[str, int]) -> int:
    """The concluded level: the highest N whose own criteria, and every level's below it, hold."""
    level = 1
    bounds = rules.bounds_by_level
    for n in range(2, 6):
        for fact, lo, hi in bounds[n]:
            if not lo <= facts.get(fact, 0) <= hi:  # an unknown fact (0) satisfies no condition
                return level
        level = n
    return level


def _diagnostic_fires(rules: RuleBase, d: object, facts: Mapping[str, int], level: int) -> bool:
    return (level in d.at_levels  # type: ignore[attr-defined]
            and all(c.holds(facts.get(c.fact)) for c in d.when)  # type: ignore[attr-defined]
            and (d.majority_of_level is None  # type: ignore[attr-defined]
                 or rules.majority_holds(d.majority_of_level, facts)))  # type: ignore[attr-defined]


def diagnostic_codes(rules: RuleBase, facts: Mapping[str, int], level: int) -> frozenset[str]:
    """The codes the diagnostic rules raise at `level` on `facts`."""
    return frozenset(d.code for d in rules.diagnostics if _diagnostic_fires(rules, d, facts, level))


def _test(c: Condition, names: dict[str, str]) -> str:
    lo, hi = c.bounds
    return f"{lo} <= {names[c.fact]} <= {hi}"  # an unknown fact reads as 0 and satisfies no condition


def evaluator_source(rules: RuleBase) -> str:
    """Python source of one function computing (level, codes) from the rule data, with every test inlined."""
    facts = sorted({c.fact for r in rules.indicators for c in r.when} | {c.fact for d in rules.diagnostics
                                                                         for c in d.when})
    names = {fact: f"v{i}" for i, fact in enumerate(facts)}
    lines = ["def evaluate(facts):", "    get = facts.get"]
    lines += [f"    {names[f]} = get({f!r}, 0)" for f in facts]
    lines.append("    level = 1")
    indent = "    "
    for n in range(2, 6):
        level_tests = " and ".join(_test(c, names) for _, c in rules.conditions_of(n)) or "True"
        lines += [f"{indent}if {level_tests}:", f"{indent}    level = {n}"]
        indent += "    "
    lines.append("    codes = set()")
    for d in rules.diagnostics:
        tests = [f"level in {tuple(sorted(d.at_levels))!r}"] + [_test(c, names) for c in d.when]
        if d.majority_of_level:
            conds = rules.conditions_of(d.majority_of_level)
            count = " + ".join(f"({_test(c, names)})" for _, c in conds)
            tests.append(f"2 * ({count}) > {len(conds)}")
        lines += [f"    if {' and '.join(tests)}:", f"        codes.add({d.code!r})"]
    lines.append("    return level, frozenset(codes)")
    return "\n".join(lines) + "\n"


def compiled_evaluator(rules: RuleBase) -> Evaluator:
    """The rule base compiled once into a plain Python function (cached per rule base)."""
    cached = _COMPILED.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    namespace: dict[str, Any] = {}
    exec(compile(evaluator_source(rules), "<branda rules>", "exec"), namespace)  # noqa: S102 - our own source
    function: Evaluator = namespace["evaluate"]
    _COMPILED[id(rules)] = (rules, function)
    return function


def evaluate(rules: RuleBase, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
    """(level, diagnostic codes) exactly as the compiled experta rules conclude them."""
    return compiled_evaluator(rules)(facts)


def trace(rules: RuleBase, facts: Mapping[str, int]) -> Run:
    """The full firing record the experta engine produces for `facts`, computed directly."""
    firings: list[Firing] = []
    held: dict[int, list[str]] = {n: [] for n in range(2, 6)}
    for r in rules.indicators:
        if all(c.holds(facts.get(c.fact)) for c in r.when):
            because = {c.fact: facts[c.fact] for c in r.when}
            firings.append(Firing(r.name, because, (), (r.concludes,)))
            held[r.level].append(r.concludes)
    firings.append(Firing("level_1_floor", {}, (), ("reached:1",)))
    level = 1
    for n in range(2, 6):
        if len(held[n]) != len(rules.indicators_of(n)):
            continue
        firings.append(Firing(f"criteria_level_{n}", {}, tuple(held[n]), (f"criteria:{n}",)))
        if level == n - 1:
            firings.append(Firing(f"reach_level_{n}", {}, (f"reached:{n - 1}", f"criteria:{n}"), (f"reached:{n}",)))
            level = n
    firings.append(Firing(f"conclude_level_{level}", {}, (f"reached:{level}",), (f"level:{level}",)))
    diagnoses = []
    for d in rules.diagnostics:
        if _diagnostic_fires(rules, d, facts, level):
            tested = [c.fact for c in d.when]
            if d.majority_of_level:
                tested += [c.fact for _, c in rules.conditions_of(d.majority_of_level) if c.holds(facts.get(c.fact))]
            because = {name: facts[name] for name in dict.fromkeys(tested) if name in facts}
            firings.append(Firing(d.name, because, (f"level:{level}",), (d.concludes,)))
            diagnoses.append((d.code, d.name))
    return Run(level, tuple(firings), tuple(diagnoses))
