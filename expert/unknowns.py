"""Which unknown facts could change the concluded level or a diagnostic, and with which values."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

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

    The other unknowns left unknown; all at their most mature; all at their least mature; for each
    level 3-5, just the answers that meet that level's own conditions; and, for each level the known
    facts still allow, just the answers that reach it (the rest left unknown).
    """
    positive = {name: f.positive for name, f in knowledge().facts.items()}
    contexts = [dict(facts),
                {**facts, **{n: (5 if positive[n] else 1) for n in unknown}},
                {**facts, **{n: (1 if positive[n] else 5) for n in unknown}}]
    for n in range(3, 6):  # one level's own conditions met alone: what an uneven profile looks like
        own = {c.fact: c.nearest(None) for _, c in rules.conditions_of(n) if c.fact not in facts}
        contexts.append({**facts, **own})
    reaching = dict(facts)
    for n in range(2, _reachable_levels(rules, facts) + 1):
        for _, c in rules.conditions_of(n):
            if c.fact not in facts:
                reaching[c.fact] = c.nearest(reaching.get(c.fact))
        contexts.append(dict(reaching))
    return contexts


EXHAUSTIVE_UP_TO = 4  # unknown facts; beyond this the completions tried are the representative ones above


def _every_completion(rules: RuleBase, unknown: list[str], facts: Mapping[str, int]) -> Iterator[dict[str, int]]:
    """Every way to answer the unknown facts, one answer per group of answers the rules cannot tell apart."""
    options = [[None, *(answers[0] for answers in rules.answer_classes.get(name, ()))] for name in unknown]
    for combo in itertools.product(*options):
        yield {**facts, **{n: v for n, v in zip(unknown, combo, strict=True) if v is not None}}


def decisive_unknowns(rules: RuleBase, facts: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """Each unknown fact whose answer could change the level or the diagnostics, with the answers that would.

    Exact when at most EXHAUSTIVE_UP_TO facts are unknown (every completion of the others is tried);
    with more, the representative completions of `_contexts` are tried.
    """
    unknown = [name for name in knowledge().facts if name not in facts]
    classes = rules.answer_classes
    found: dict[str, set[int]] = {}
    seen: set[tuple] = set()
    exhaustive = len(unknown) <= EXHAUSTIVE_UP_TO
    completions = _every_completion(rules, unknown, facts) if exhaustive else _contexts(rules, unknown, facts)
    for base in completions:
        for name in unknown:
            context = {k: v for k, v in base.items() if k != name}
            key = (name, tuple(sorted(context.items())))
            if name not in classes or key in seen:  # a fact no rule tests changes nothing
                continue
            seen.add(key)
            outcome = evaluate(rules, context)
            for answers in classes[name]:
                if evaluate(rules, {**context, name: answers[0]}) != outcome:
                    found.setdefault(name, set()).update(answers)
    return {name: tuple(sorted(found[name])) for name in unknown if name in found}
