"""Which unknown facts could change the concluded level or a diagnostic, and with which values."""

from __future__ import annotations

from collections.abc import Mapping

from knowledge.loader import knowledge
from rules.evaluate import evaluate
from rules.model import RuleBase


def _reachable_levels(rules: RuleBase, facts: Mapping[str, int]) -> int:
    """The highest level the known facts allow if every unknown fact were answered favourably."""
    top = 1
    for n in range(2, 6):
        if any(c.fact in facts and not c.holds(facts[c.fact]) for _, c in rules.conditions_of(n)):
            break
        top = n
    return top


def _contexts(rules: RuleBase, unknown: list[str], facts: Mapping[str, int]) -> list[dict[str, int]]:
    """Completions of the profile to test each unknown fact against.

    The other unknowns left unknown; all at their most mature; all at their least mature; and, for each
    level the known facts still allow, just the answers that reach it (the rest left unknown).
    """
    positive = {name: f.positive for name, f in knowledge().facts.items()}
    contexts = [dict(facts),
                {**facts, **{n: (5 if positive[n] else 1) for n in unknown}},
                {**facts, **{n: (1 if positive[n] else 5) for n in unknown}}]
    reaching = dict(facts)
    for n in range(2, _reachable_levels(rules, facts) + 1):
        for _, c in rules.conditions_of(n):
            if c.fact not in facts:
                reaching[c.fact] = c.nearest(reaching.get(c.fact))
        contexts.append(dict(reaching))
    return contexts


def decisive_unknowns(rules: RuleBase, facts: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """Each unknown fact whose answer could change the level or the diagnostics, with the values that would."""
    unknown = [name for name in knowledge().facts if name not in facts]
    found: dict[str, set[int]] = {}
    for base in _contexts(rules, unknown, facts):
        for name in unknown:
            context = {k: v for k, v in base.items() if k != name}
            outcome = evaluate(rules, context)
            values = {v for v in range(1, 6) if evaluate(rules, {**context, name: v}) != outcome}
            if values:
                found.setdefault(name, set()).update(values)
    return {name: tuple(sorted(found[name])) for name in unknown if name in found}
