"""The same rule data evaluated as plain Python: the fast path for batch and hypotheticals.

experta stays the engine of record (assess, why, whatif); `trace` reproduces its firing record
exactly — the same rules, in the same order, with the same facts — which the differential tests prove.
"""

from __future__ import annotations

from collections.abc import Mapping

from rules.model import RuleBase
from rules.trace import Firing, Run


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


def evaluate(rules: RuleBase, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
    """(level, diagnostic codes) exactly as the compiled experta rules conclude them."""
    level = level_of(rules, facts)
    return level, diagnostic_codes(rules, facts, level)


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
