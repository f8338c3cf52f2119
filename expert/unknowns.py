"""Which unknown facts could change the concluded level or a diagnostic, and with which values."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

from knowledge.loader import knowledge
from rules.evaluate import compiled_evaluator
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
    level 3-5, just the answers that meet that level's own conditions; for each level a majority test
    counts, the answers that meet 0, 1, 2, ... of its open conditions; and, for each level the known
    facts still allow, just the answers that reach it (the rest left unknown).
    """
    positive = {name: f.positive for name, f in knowledge().facts.items()}
    contexts = [dict(facts),
                {**facts, **{n: (5 if positive[n] else 1) for n in unknown}},
                {**facts, **{n: (1 if positive[n] else 5) for n in unknown}}]
    for n in range(3, 6):  # one level's own conditions met alone: what an uneven profile looks like
        own = {c.fact: c.nearest(None) for _, c in rules.conditions_of(n) if c.fact not in facts}
        contexts.append({**facts, **own})
    for level in sorted({d.majority_of_level for d in rules.diagnostics if d.majority_of_level}):
        open_ = [c for _, c in rules.conditions_of(level) if c.fact not in facts]
        for k in range(len(open_) + 1):  # every count of met conditions: where one more answer tips a majority
            contexts.append({**facts, **{c.fact: c.nearest(None) for c in open_[:k]}})
    reaching = dict(facts)
    for n in range(2, _reachable_levels(rules, facts) + 1):
        for _, c in rules.conditions_of(n):
            if c.fact not in facts:
                reaching[c.fact] = c.nearest(reaching.get(c.fact))
        contexts.append(dict(reaching))
    return contexts


EXHAUSTIVE_UP_TO = 4  # unknown facts; beyond this the completions tried are the representative ones above


def _options(rules: RuleBase, name: str) -> list[int | None]:
    """Unknown, and one answer from each group of answers the rules cannot tell apart."""
    return [None, *(answers[0] for answers in rules.answer_classes.get(name, ()))]


def _completions_without(rules: RuleBase, name: str, unknown: list[str],
                         facts: Mapping[str, int]) -> Iterator[dict[str, int]]:
    """Every way to answer the unknown facts other than `name` (which stays unknown)."""
    others = [u for u in unknown if u != name]
    for combo in itertools.product(*(_options(rules, o) for o in others)):
        yield {**facts, **{n: v for n, v in zip(others, combo, strict=True) if v is not None}}


def _distinct(contexts: Iterable[dict[str, int]]) -> Iterator[dict[str, int]]:
    """Each context once."""
    seen: set[frozenset] = set()
    for context in contexts:
        key = frozenset(context.items())
        if key not in seen:
            seen.add(key)
            yield context


def _changes(rules: RuleBase, name: str, contexts: Iterable[dict[str, int]]) -> set[int]:
    """The answers to `name` that change the outcome in at least one of `contexts` (where it is unknown)."""
    run = compiled_evaluator(rules)
    classes = rules.answer_classes.get(name, ())
    found: set[int] = set()
    for context in contexts:
        outcome = run(context)
        for answers in classes:
            if answers[0] not in found and run({**context, name: answers[0]}) != outcome:
                found.update(answers)
        if len(found) == 5:
            break
    return found


def decisive_unknowns(rules: RuleBase, facts: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """Each unknown fact whose answer could change the level or the diagnostics, with the answers that would.

    Exact when at most EXHAUSTIVE_UP_TO facts are unknown (every completion of the others is tried);
    with more, the representative completions of `_contexts` are tried.
    """
    unknown = [name for name in knowledge().facts if name not in facts]
    tested = [name for name in unknown if name in rules.answer_classes]  # a fact no rule tests changes nothing
    result: dict[str, tuple[int, ...]] = {}
    representative = None if len(unknown) <= EXHAUSTIVE_UP_TO else _contexts(rules, unknown, facts)
    for name in tested:
        if representative is None:
            contexts: Iterable[dict[str, int]] = _completions_without(rules, name, unknown, facts)
        else:
            contexts = _distinct({k: v for k, v in base.items() if k != name} for base in representative)
        found = _changes(rules, name, contexts)
        if found:
            result[name] = tuple(sorted(found))
    return result
