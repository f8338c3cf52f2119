"""Which unknown facts matter: exact for a few unknowns, and the bit-mask form agrees with the experta rules."""

from __future__ import annotations

import itertools

from branda.expert.engine import session
from branda.expert.unknowns import EXHAUSTIVE_UP_TO, analysis, any_decisive_unknown, decisive_unknowns
from branda.rules.fast import evaluate, fast_engine
from conftest import MODEL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fastpath import generated

FACTS = list(MODEL.facts)
RULES = MODEL.rules
VALUES = st.integers(MODEL.low, MODEL.high)  # the model's scale
profiles = st.dictionaries(st.sampled_from(FACTS), VALUES)


def _brute_force(facts: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Every answer on the scale to every unknown fact, against every way (unknown included) to answer the others."""
    unknown = [n for n in FACTS if n not in facts]
    result = {}
    for name in unknown:
        others = [u for u in unknown if u != name]
        values = set()
        for combo in itertools.product([None, *RULES.scale], repeat=len(others)):
            context = {**facts, **{o: v for o, v in zip(others, combo, strict=True) if v is not None}}
            outcome = evaluate(RULES, context)
            values |= {v for v in RULES.scale if evaluate(RULES, {**context, name: v}) != outcome}
        if values:
            result[name] = tuple(sorted(values))
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_with_a_few_unknown_facts_the_answer_is_exact(data):
    unknown = data.draw(st.lists(st.sampled_from(FACTS), min_size=1, max_size=3, unique=True))
    facts = {n: data.draw(VALUES) for n in FACTS if n not in unknown}
    assert len(unknown) <= EXHAUSTIVE_UP_TO
    assert decisive_unknowns(MODEL, facts) == _brute_force(facts)


def _over_the_same_completions(facts: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """The plain search the analysis makes fast, with many unknown facts: for each of its completions (as masks)
    and each unknown fact, every answer on the scale against the completion with that fact taken out."""
    search, m = analysis(MODEL), fast_engine(RULES)
    unknown = [n for n in FACTS if n not in facts]
    result: dict[str, set[int]] = {}
    for context in search.contexts(facts, unknown, m.mask(facts)):
        for name in unknown:
            without = context & ~m.fact_bits.get(name, 0)
            outcome = m.compute(without)
            for v in RULES.scale:
                if m.compute(without | m.value_bits.get(name, {}).get(v, 0)) != outcome:
                    result.setdefault(name, set()).add(v)
    return {name: tuple(sorted(result[name])) for name in unknown if name in result}


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_with_many_unknown_facts_the_answer_is_the_plain_search_over_the_same_completions(data):
    unknown = data.draw(st.lists(st.sampled_from(FACTS), min_size=EXHAUSTIVE_UP_TO + 1, unique=True))
    facts = {n: data.draw(VALUES) for n in FACTS if n not in unknown}
    assert decisive_unknowns(MODEL, facts) == _over_the_same_completions(facts)


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_an_answer_that_alone_changes_the_outcome_is_always_listed(facts):
    listed = decisive_unknowns(MODEL, facts)
    outcome = evaluate(RULES, facts)
    for name in FACTS:
        if name not in facts:
            changing = {v for v in RULES.scale if evaluate(RULES, {**facts, name: v}) != outcome}
            assert changing <= set(listed.get(name, ()))


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_the_quick_yes_or_no_agrees_with_the_full_answer(facts):
    assert any_decisive_unknown(MODEL, facts) == bool(decisive_unknowns(MODEL, facts))


def _every_way(facts: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """`_brute_force` on the bit masks (the same outcomes, FastEngine.compute being the rules' own semantics)."""
    m = fast_engine(RULES)
    unknown = [n for n in FACTS if n not in facts]
    known = m.mask(facts)
    options = {n: [0, *(m.value_bits.get(n, {}).get(v, 0) for v in RULES.scale)] for n in unknown}
    result = {}
    for name in unknown:
        others = [options[o] for o in unknown if o != name]
        values = set()
        for combo in itertools.product(*others):
            context = known | sum(combo)
            outcome = m.compute(context)
            values |= {v for v, bits in zip(RULES.scale, options[name][1:], strict=True)
                       if m.compute(context | bits) != outcome}
        if values:
            result[name] = tuple(sorted(values))
    return result


def test_on_profiles_near_every_threshold_the_search_is_exact_or_the_plain_one():
    """Generated profiles (every level and diagnostic, answers next to each threshold), many unknown facts or
    few: exact with EXHAUSTIVE_UP_TO unknowns or fewer, else the plain search over the same completions."""
    checked = {"exact": 0, "plain": 0}
    for facts in generated(MODEL, 1500, seed=23):
        few = len(FACTS) - len(facts) <= EXHAUSTIVE_UP_TO
        expected = _every_way(facts) if few else _over_the_same_completions(facts)
        assert decisive_unknowns(MODEL, facts) == expected, facts
        checked["exact" if few else "plain"] += 1
    assert min(checked.values()) > 200


def test_a_complete_profile_has_no_decisive_unknowns():
    for value in RULES.scale:
        assert decisive_unknowns(MODEL, dict.fromkeys(FACTS, value)) == {}


@settings(max_examples=500, deadline=None)
@given(profiles)
def test_the_bit_masks_conclude_what_the_rules_conclude(facts):
    m = fast_engine(RULES)
    run = session(RULES).run(facts)  # the engine of record
    assert m.decode(m.outcome(m.mask(facts))) == (run.level, frozenset(code for code, _ in run.diagnoses))
