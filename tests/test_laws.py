"""Laws every assessment obeys, checked on generated profiles (each fact unknown or rated on the model's scale)."""

from __future__ import annotations

from branda.expert.assess import assess
from branda.expert.engine import session
from branda.expert.profile import Profile
from branda.expert.serialize import assessment_json
from branda.rules.fast import evaluate
from conftest import MODEL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

RULES = MODEL.rules
FACTS = list(MODEL.facts)
POSITIVE = {name: fact.positive for name, fact in MODEL.facts.items()}
VALUE = st.one_of(st.none(), st.integers(MODEL.low, MODEL.high))

LAW = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Facts = dict[str, int]


def known(raw: dict[str, int | None]) -> Facts:
    return {k: v for k, v in raw.items() if v is not None}


@st.composite
def profiles(draw: st.DrawFn) -> Facts:
    """A profile: each fact independently unknown or on the scale, or one just reaching a level, a few facts redrawn.

    Independent draws rarely pass level 2; the second kind keeps every level and its boundaries in play.
    (A drawn 0 picks the first kind: hypothesis's booleans and one_of lean heavily to one side.)
    """
    start = draw(st.sampled_from([0, *RULES.levels]))
    if start == 0:
        return known(draw(st.fixed_dictionaries({name: VALUE for name in FACTS})))
    facts: dict[str, int | None] = {}
    for n in range(2, start + 1):
        for _, c in RULES.conditions_of(n):
            facts[c.fact] = c.nearest(facts.get(c.fact))
    facts.update(draw(st.dictionaries(st.sampled_from(FACTS), VALUE, max_size=2)))
    return known(facts)


PROFILES = profiles()


def level(facts: Facts) -> int:
    return session(MODEL.rules).run(facts).level


@LAW
@given(PROFILES)
def test_exactly_one_level_of_the_model_is_concluded(facts: Facts) -> None:
    run = session(MODEL.rules).run(facts)
    concluded = [c for f in run.firings for c in f.concludes if c.startswith("level:")]
    assert concluded == [f"level:{run.level}"] and run.level in RULES.levels


@LAW
@given(PROFILES)
def test_the_same_profile_gets_the_same_result_twice(facts: Facts) -> None:
    first, second = assess(MODEL, Profile(facts)), assess(MODEL, Profile(dict(facts)))
    assert (first.level, first.codes, first.firings) == (second.level, second.codes, second.firings)


@st.composite
def an_improvement(draw: st.DrawFn) -> tuple[Facts, Facts]:
    """A profile and the same profile with one fact made more mature (a "+" raised, a "-" lowered, or answered)."""
    facts = draw(PROFILES)
    name = draw(st.sampled_from(FACTS))
    old = facts.get(name)
    if old is None:
        better = draw(st.integers(MODEL.low, MODEL.high))
    elif POSITIVE[name]:
        better = draw(st.integers(min(old + 1, MODEL.high), MODEL.high))
    else:
        better = draw(st.integers(MODEL.low, max(old - 1, MODEL.low)))
    return facts, facts | {name: better}


@LAW
@given(an_improvement())
def test_a_more_mature_fact_never_lowers_the_level(pair: tuple[Facts, Facts]) -> None:
    before, after = pair
    assert level(after) >= level(before)


@LAW
@given(PROFILES)
def test_level_n_means_every_condition_of_levels_up_to_n_holds_and_n_plus_1_fails(facts: Facts) -> None:
    n = level(facts)
    for m in range(2, n + 1):
        assert all(c.holds(facts.get(c.fact)) for _, c in RULES.conditions_of(m)), f"level {m} unmet"
    if n < RULES.top:
        assert not all(c.holds(facts.get(c.fact)) for _, c in RULES.conditions_of(n + 1))


@LAW
@given(PROFILES)
def test_experta_and_plain_evaluation_agree(facts: Facts) -> None:
    run = session(MODEL.rules).run(facts)
    assert (run.level, frozenset(code for code, _ in run.diagnoses)) == evaluate(RULES, facts)
    assessed = assess(MODEL, Profile(facts))
    assert set(assessed.codes) - {MODEL.incomplete} == set(evaluate(RULES, facts)[1])


@LAW
@given(PROFILES)
def test_every_fact_in_the_explanation_has_the_profiles_value(facts: Facts) -> None:
    explanation = assessment_json(assess(MODEL, Profile(facts)))["explanation"]
    assert explanation
    for step in explanation:
        assert {name: facts.get(name) for name in step["because"]} == step["because"], step["rule"]
