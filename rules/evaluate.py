"""The same rule data evaluated as plain Python: the fast path for hypotheticals (experta stays the record)."""

from __future__ import annotations

from collections.abc import Mapping

from rules.model import RuleBase


def level_of(rules: RuleBase, facts: Mapping[str, int]) -> int:
    """The concluded level: the highest N whose own criteria, and every level's below it, hold."""
    level = 1
    for n in range(2, 6):
        if not all(c.holds(facts.get(c.fact)) for _, c in rules.conditions_of(n)):
            break
        level = n
    return level


def diagnostic_codes(rules: RuleBase, facts: Mapping[str, int], level: int) -> frozenset[str]:
    """The codes the diagnostic rules raise at `level` on `facts`."""
    return frozenset(
        d.code for d in rules.diagnostics
        if level in d.at_levels
        and all(c.holds(facts.get(c.fact)) for c in d.when)
        and (d.majority_of_level is None or rules.majority_holds(d.majority_of_level, facts))
    )


def evaluate(rules: RuleBase, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
    """(level, diagnostic codes) exactly as the compiled experta rules conclude them."""
    level = level_of(rules, facts)
    return level, diagnostic_codes(rules, facts, level)
