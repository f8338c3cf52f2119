"""Which unknown facts could change the concluded level or a diagnostic, and with which answers.

An unknown fact is decisive when some answer to it changes the level or the set of diagnostics for some
way of answering the other unknown facts. With at most EXHAUSTIVE_UP_TO unknown facts every way is tried
(answers the rules cannot tell apart are tried once); with more, the representative completions of
`_contexts` are. Profiles and outcomes are bit masks (rules.fast), so each question is a few integer
operations.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

from branda.knowledge.model import Model
from branda.rules.fast import FastEngine, fast_engine
from branda.rules.model import Condition, RuleBase

EXHAUSTIVE_UP_TO = 4  # unknown facts


def _reachable_level(rules: RuleBase, facts: Mapping[str, int]) -> int:
    """The highest level the known facts allow if every unknown fact were answered favourably."""
    top = 1
    for n in range(2, rules.top + 1):
        if any(c.fact in facts and not c.holds(facts[c.fact]) for _, c in rules.conditions_of(n)):
            break
        top = n
    return top


def _contexts(model: Model, m: FastEngine, unknown: list[str], facts: Mapping[str, int]) -> set[int]:
    """Completions of the profile (as masks) to test each unknown fact against.

    The other unknowns left unknown; all at their most mature; all at their least mature; for each
    level 3-5, just the answers that meet that level's own conditions; for each level a majority test
    counts, the answers that meet 0, 1, 2, ... of its open conditions; and, for each level the known
    facts still allow, just the answers that reach it (the rest left unknown).
    """
    known = m.mask(facts)
    best = worst = known
    rules, vocabulary = model.rules, model.facts
    for name in unknown:
        bits = m.value_bits.get(name)
        if bits is not None:
            most, least = bits[model.high], bits[model.low]
            high, low = (most, least) if vocabulary[name].positive else (least, most)
            best, worst = best | high, worst | low
    contexts = {known, best, worst}
    for n in range(3, rules.top + 1):
        contexts.add(known | _threshold_bits(m, (c for _, c in rules.conditions_of(n) if c.fact not in facts)))
    for level in sorted({d.majority_of_level for d in rules.diagnostics if d.majority_of_level}):
        contexts.add(known)
        assigned: dict[str, int] = {}
        for _, c in rules.conditions_of(level):
            if c.fact not in facts:
                assigned[c.fact] = c.threshold
                contexts.add(known | m.mask(assigned))
    reaching = dict(facts)
    for n in range(2, _reachable_level(rules, facts) + 1):
        for _, c in rules.conditions_of(n):
            if c.fact not in facts:
                reaching[c.fact] = c.nearest(reaching.get(c.fact))
        contexts.add(m.mask(reaching))
    return contexts


def _threshold_bits(m: FastEngine, conditions: Iterable[Condition]) -> int:
    """The bits set by answering each condition's fact with its threshold (the last, for a fact tested twice)."""
    return m.mask({c.fact: c.threshold for c in conditions})


def _answer_bits(rules: RuleBase, m: FastEngine, name: str) -> list[tuple[int, tuple[int, ...]]]:
    """Each group of answers the rules cannot tell apart, as (the bits it sets, the answers)."""
    return [(m.value_bits[name][answers[0]], answers) for answers in rules.answer_classes.get(name, ())]


def _every_completion(rules: RuleBase, m: FastEngine, others: list[str], known: int) -> Iterator[int]:
    """Every way to answer `others` (unknown included), one answer per group the rules cannot tell apart."""
    options = [[0, *(bits for bits, _ in _answer_bits(rules, m, o) if bits)] for o in others]
    for combo in itertools.product(*options):
        yield known | sum(combo)


def _decisive(model: Model, facts: Mapping[str, int], first_only: bool) -> dict[str, tuple[int, ...]]:
    rules = model.rules
    m = fast_engine(rules)
    unknown = [name for name in model.facts if name not in facts]
    tested = [name for name in unknown if name in rules.answer_classes]  # a fact no rule tests changes nothing
    representative = None if len(unknown) <= EXHAUSTIVE_UP_TO else _contexts(model, m, unknown, facts)
    known = m.mask(facts)
    result: dict[str, tuple[int, ...]] = {}
    for name in tested:
        clear = ~m.fact_bits[name]
        contexts: Iterable[int] = (
            _every_completion(rules, m, [u for u in unknown if u != name], known) if representative is None
            else {c & clear for c in representative})
        found: set[int] = set()
        groups = [(bits, answers) for bits, answers in _answer_bits(rules, m, name) if bits]
        for context in contexts:
            outcome = m.outcome(context)
            for bits, answers in groups:
                if answers[0] not in found and m.outcome(context | bits) != outcome:
                    found.update(answers)
            if len(found) == sum(len(a) for _, a in groups):
                break
        if found:
            result[name] = tuple(sorted(found))
            if first_only:
                break
    return result


def decisive_unknowns(model: Model, facts: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """Each unknown fact whose answer could change the level or the diagnostics, with the answers that would."""
    return _decisive(model, facts, first_only=False)


def _changes_the_level(rules: RuleBase, facts: Mapping[str, int]) -> bool:
    """A quick witness: answering the profile up to some reachable level, one unknown fact's answer matters."""
    m = fast_engine(rules)
    known = m.mask(facts)
    assigned: dict[str, int] = {}
    for n in range(2, _reachable_level(rules, facts) + 1):
        open_ = [c for _, c in rules.conditions_of(n) if c.fact not in facts]
        for c in open_:
            assigned[c.fact] = c.nearest(assigned.get(c.fact))
        context = known | m.mask(assigned)
        outcome = m.outcome(context)
        if any(m.outcome(context & ~m.fact_bits[c.fact]) != outcome for c in open_):
            return True
    return False


def any_decisive_unknown(model: Model, facts: Mapping[str, int]) -> bool:
    """Whether some unknown fact could change the level or a diagnostic (incomplete_profile): stops at the first."""
    rules = model.rules
    if all(name in facts for name in rules.answer_classes):
        return False  # every fact a rule tests is known
    return _changes_the_level(rules, facts) or bool(_decisive(model, facts, first_only=True))
