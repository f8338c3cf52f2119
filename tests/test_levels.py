"""Profiles the article describes -> the level and diagnostics the assessment concludes."""

from __future__ import annotations

import pytest
from branda.expert.assess import assess
from branda.expert.profile import Profile
from conftest import MODEL

NOT_READY = "not_ready_for_cx_system"
STUCK = "stuck_at_level_2"
REGRESSION = "regression_risk"
UNEVEN = "uneven_profile"
INCOMPLETE = "incomplete_profile"

# Each level's typical organisation, as the article describes it; every level adds to the one below it
# (an organisation "passes through all the levels step by step").
LEVEL_1 = {
    "customer_focus": 2,            # "only rhetoric"; serving customers is not interesting
    "individual_dependence": 5,     # satisfaction depends on particular people's direct contact
    "resistance": 5,                # employees strongly resist standardising processes
    "collaboration": 1,             # communication stalls; employees do not cooperate
    "process_standardisation": 1,   # customer-oriented processes are not organised
    "cx_ownership": 1,
    "cx_strategy": 1,
    "directive_management": 4,
    "quick_wins_focus": 3,
    "internal_alignment": 2,
    "strategy_alignment": 1,
    "information_access": 2,
    "empowerment": 2,
    "function_integration": 1,
    "quantitative_goals": 1,
    "analytics_use": 1,
    "it_systems": 1,
    "complacency": 3,
    "touchpoint_data": 1,
    "continuous_improvement": 1,
    "people_development": 2,
    "expectations_exceeded": 1,
}
LEVEL_2 = LEVEL_1 | {
    "cx_ownership": 4,              # a responsible person or project groups are appointed
    "process_standardisation": 3,   # work "often" follows prepared processes and standards
    "cx_strategy": 3,               # division heads form a strategy, work plans, quality monitoring
    "customer_focus": 4,            # serving customers feels "fun"
    "resistance": 3,
    "collaboration": 3,
    "individual_dependence": 4,     # still in one pair of hands
    "internal_alignment": 3,
    "information_access": 3,
}
LEVEL_3 = LEVEL_2 | {
    "process_standardisation": 4,   # clearly defined and understood, best practice
    "individual_dependence": 3,
    "strategy_alignment": 4,        # the customer strategy is the "super-strategy"
    "internal_alignment": 4,        # no mismatch between business and customer strategy
    "information_access": 4,        # leaders and key employees have the information
    "empowerment": 4,               # employees decide for themselves
    "directive_management": 2,
    "quick_wins_focus": 2,
    "function_integration": 3,      # levels 3-5 integrate the CX model into HR, finance, ...
}
LEVEL_4 = LEVEL_3 | {
    "quantitative_goals": 4,        # a balanced scorecard
    "analytics_use": 4,             # planning, analysing and forecasting
    "it_systems": 4,                # much attention to IT systems
    "collaboration": 4,             # everyone communicates openly and sincerely
    "complacency": 2,
}
LEVEL_5 = LEVEL_4 | {
    "expectations_exceeded": 4,     # expectations usually exceeded
    "touchpoint_data": 4,           # multi-dimensional data from every touchpoint
    "continuous_improvement": 4,    # the whole organisation improves continuously
    "people_development": 4,        # members care about each other's growth
    "function_integration": 4,      # the CX model integrated across the organisation
    "individual_dependence": 1,
}


def without(facts: dict[str, int], *names: str) -> dict[str, int]:
    """The profile with `names` unknown."""
    return {k: v for k, v in facts.items() if k not in names}


TABLE = [
    # --- each level as the article describes it --------------------------------------------------
    pytest.param(LEVEL_1, 1, {NOT_READY}, id="level 1: rhetoric, unorganised processes, strong resistance"),
    pytest.param(LEVEL_2, 2, {NOT_READY}, id="level 2: a responsible person, prepared standards, a strategy forming"),
    pytest.param(LEVEL_3, 3, set(), id="level 3: super-strategy, defined processes, informed and empowered staff"),
    pytest.param(LEVEL_4, 4, set(), id="level 4: scorecard, analytics, IT, open communication"),
    pytest.param(LEVEL_5, 5, set(), id="level 5: touchpoint data, continuous improvement, expectations exceeded"),
    # --- leaving level 1 --------------------------------------------------------------------------
    pytest.param(LEVEL_2 | {"customer_focus": 3, "cx_ownership": 4, "process_standardisation": 3,
                            "resistance": 3, "cx_strategy": 3, "collaboration": 3},
                 2, {NOT_READY}, id="level 2 with every level-2 condition just met"),
    pytest.param(LEVEL_2 | {"resistance": 4}, 1, {NOT_READY},
                 id="level-2 practices but employees strongly resist standards (4) is level 1"),
    pytest.param(LEVEL_2 | {"customer_focus": 2}, 1, {NOT_READY},
                 id="customer focus that is only rhetoric (2) is level 1"),
    pytest.param(LEVEL_2 | {"collaboration": 2}, 1, {NOT_READY},
                 id="employees who do not cooperate (2) keep it at level 1"),
    pytest.param(LEVEL_2 | {"cx_ownership": 3}, 1, {NOT_READY},
                 id="nobody clearly owns customer orientation (3): not yet in one pair of hands"),
    pytest.param(LEVEL_2 | {"process_standardisation": 2}, 1, {NOT_READY},
                 id="work rarely follows prepared standards (2) is level 1"),
    pytest.param(LEVEL_2 | {"cx_strategy": 2}, 1, {NOT_READY},
                 id="no customer strategy taking shape (2) is level 1"),
    # --- stuck at level 2 ---------------------------------------------------------------------------
    pytest.param(LEVEL_2 | {"quick_wins_focus": 4}, 2, {STUCK, NOT_READY},
                 id="level 2 chasing quick results (4) is stuck"),
    pytest.param(LEVEL_2 | {"quick_wins_focus": 3}, 2, {NOT_READY},
                 id="level 2 chasing quick results only partly (3) is not stuck"),
    pytest.param(LEVEL_2 | {"internal_alignment": 2}, 2, {STUCK, NOT_READY},
                 id="level 2 without internal alignment or market assessment (2) is stuck"),
    pytest.param(LEVEL_2 | {"internal_alignment": 3}, 2, {NOT_READY},
                 id="level 2 partly aligned (3) is not stuck"),
    pytest.param(LEVEL_1 | {"quick_wins_focus": 5, "internal_alignment": 1}, 1, {NOT_READY},
                 id="the stuck symptoms at level 1 are not stuck at level 2"),
    pytest.param(LEVEL_3 | {"quick_wins_focus": 4}, 2, {STUCK, NOT_READY},
                 id="level-3 practices while chasing quick wins (4) is level 2, stuck"),
    pytest.param(LEVEL_3 | {"internal_alignment": 3}, 2, {NOT_READY},
                 id="divisions only partly aligned (3) is level 2, not stuck"),
    # --- reaching level 3 ---------------------------------------------------------------------------
    pytest.param(LEVEL_3 | {"process_standardisation": 4, "individual_dependence": 3, "strategy_alignment": 4,
                            "internal_alignment": 4, "information_access": 4, "empowerment": 4,
                            "directive_management": 3, "quick_wins_focus": 3, "function_integration": 3},
                 3, set(), id="level 3 with every level-3 condition just met"),
    pytest.param(LEVEL_3 | {"directive_management": 4}, 2, {NOT_READY},
                 id="directive managers (4), level 2's biggest problem, keep it at level 2"),
    pytest.param(LEVEL_3 | {"empowerment": 3}, 2, {NOT_READY},
                 id="employees only partly free to decide (3) is level 2"),
    pytest.param(LEVEL_3 | {"strategy_alignment": 3}, 2, {NOT_READY},
                 id="customer strategy not yet the super-strategy (3) is level 2"),
    pytest.param(LEVEL_3 | {"process_standardisation": 3}, 2, {NOT_READY},
                 id="standards followed often (3) but not clearly defined is level 2"),
    pytest.param(LEVEL_3 | {"individual_dependence": 4}, 2, {NOT_READY},
                 id="satisfaction still resting on particular people (4) is level 2"),
    pytest.param(LEVEL_3 | {"information_access": 3}, 2, {NOT_READY},
                 id="leaders lacking customer information (3) is level 2"),
    pytest.param(LEVEL_3 | {"function_integration": 2}, 2, {NOT_READY},
                 id="CX model not yet being integrated into HR, finance, marketing, quality (2) is level 2"),
    # --- reaching level 4 ---------------------------------------------------------------------------
    pytest.param(LEVEL_4 | {"collaboration": 3}, 3, set(),
                 id="scorecard and analytics without everyone communicating openly (3) is level 3"),
    pytest.param(LEVEL_4 | {"analytics_use": 3}, 3, set(), id="no forecasting analytics (3) is level 3"),
    pytest.param(LEVEL_4 | {"it_systems": 3}, 3, set(), id="little attention to IT systems (3) is level 3"),
    pytest.param(LEVEL_4 | {"quantitative_goals": 3}, 3, set(), id="no balanced scorecard (3) is level 3"),
    # --- the risk of falling back --------------------------------------------------------------------
    pytest.param(LEVEL_4 | {"complacency": 4}, 4, {REGRESSION},
                 id="level 4 resting on its laurels (4) risks falling back"),
    pytest.param(LEVEL_4 | {"complacency": 3}, 4, set(), id="level 4 partly complacent (3) is no risk yet"),
    pytest.param(LEVEL_3 | {"complacency": 5}, 3, {REGRESSION}, id="a complacent level 3 (5) risks falling back"),
    pytest.param(LEVEL_5 | {"complacency": 4}, 5, {REGRESSION}, id="a complacent level 5 (4) risks falling back"),
    pytest.param(LEVEL_2 | {"complacency": 5}, 2, {NOT_READY},
                 id="complacency below level 3 (5) is no fall-back risk"),
    # --- reaching level 5 ---------------------------------------------------------------------------
    pytest.param(LEVEL_5 | {"function_integration": 3}, 4, set(),
                 id="CX model only partly integrated (3) stops at level 4"),
    pytest.param(LEVEL_5 | {"expectations_exceeded": 3}, 4, set(),
                 id="expectations met but not usually exceeded (3) is level 4"),
    pytest.param(LEVEL_5 | {"touchpoint_data": 3}, 4, set(), id="touchpoint data not joined up (3) is level 4"),
    pytest.param(LEVEL_5 | {"continuous_improvement": 3}, 4, set(),
                 id="improvement not organisation-wide (3) is level 4"),
    pytest.param(LEVEL_5 | {"people_development": 3}, 4, set(),
                 id="members not caring for each other's growth (3) is level 4"),
    pytest.param(LEVEL_4 | {"expectations_exceeded": 5}, 4, set(),
                 id="one level-5 sign alone is still level 4"),
    # --- step by step: advanced practices on missing foundations -------------------------------------
    pytest.param(LEVEL_1 | {"quantitative_goals": 4, "analytics_use": 5, "it_systems": 5}, 1, {UNEVEN, NOT_READY},
                 id="level-4 analytics on unorganised processes is level 1 + uneven"),
    pytest.param(LEVEL_1 | {"quantitative_goals": 4, "analytics_use": 5}, 1, {NOT_READY},
                 id="half of level 4 (2 of 4 conditions) on level 1 is not most of it: not uneven"),
    pytest.param(LEVEL_5 | {"process_standardisation": 1}, 1, {UNEVEN, NOT_READY},
                 id="level-5 practices on unorganised processes are level 1 + uneven"),
    pytest.param(LEVEL_1 | {"strategy_alignment": 4, "internal_alignment": 4, "information_access": 4,
                            "empowerment": 4, "directive_management": 2, "quick_wins_focus": 2},
                 1, {UNEVEN, NOT_READY}, id="a super-strategy without level-2 foundations is level 1 + uneven"),
    pytest.param(LEVEL_2 | {"quantitative_goals": 4, "analytics_use": 4, "it_systems": 4, "collaboration": 4},
                 2, {UNEVEN, NOT_READY}, id="level-4 analytics skipping level 3 is level 2 + uneven"),
    pytest.param(LEVEL_3 | {"quantitative_goals": 4, "analytics_use": 4, "it_systems": 4}, 3, set(),
                 id="level-4 tools one level up are ordinary progress, not uneven"),
    pytest.param(LEVEL_3 | {"expectations_exceeded": 4, "touchpoint_data": 4, "continuous_improvement": 4},
                 3, {UNEVEN}, id="most of level 5 on level 3 without level 4 is uneven"),
    pytest.param(LEVEL_4 | {"expectations_exceeded": 4, "touchpoint_data": 4, "continuous_improvement": 4,
                            "people_development": 4}, 4, set(),
                 id="most of level 5 on level 4 is ordinary progress, not uneven"),
    # --- unknown facts --------------------------------------------------------------------------------
    pytest.param({}, 1, {NOT_READY, INCOMPLETE}, id="nothing known yet: level 1, and any answer could change it"),
    pytest.param(without(LEVEL_3, "strategy_alignment"), 2, {NOT_READY, INCOMPLETE},
                 id="level 3 with the super-strategy unknown is level 2 so far, incomplete"),
    pytest.param(without(LEVEL_2, "internal_alignment"), 2, {NOT_READY, INCOMPLETE},
                 id="level 2 with alignment unknown: stuck cannot be ruled out, incomplete"),
    pytest.param(without(LEVEL_5, "complacency"), 5, {INCOMPLETE},
                 id="level 5 with complacency unknown: a fall-back risk cannot be ruled out, incomplete"),
    pytest.param(without(LEVEL_1, "complacency"), 1, {NOT_READY},
                 id="an unknown that cannot change anything leaves the profile complete"),
]


@pytest.mark.parametrize("facts, level, codes", TABLE)
def test_profile_gets_the_level_and_diagnostics_the_article_describes(
        facts: dict[str, int], level: int, codes: set[str]) -> None:
    result = assess(MODEL, Profile(facts))
    assert (result.level, set(result.codes)) == (level, codes)


@pytest.mark.parametrize("profile", [LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4, LEVEL_5],
                         ids=["level 1", "level 2", "level 3", "level 4", "level 5"])
def test_typical_profiles_rate_every_fact_of_the_vocabulary(profile: dict[str, int]) -> None:
    assert sorted(profile) == sorted(MODEL.facts)
    assert all(MODEL.low <= v <= MODEL.high for v in profile.values())


def test_each_level_is_ready_for_a_cx_system_from_level_3() -> None:
    readiness = [assess(MODEL, Profile(p)).ready for p in (LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4, LEVEL_5)]
    assert readiness == [False, False, True, True, True]


def test_the_table_reaches_every_level_of_the_model_and_raises_every_code() -> None:
    levels = {param.values[1] for param in TABLE}
    codes = set().union(*(param.values[2] for param in TABLE))
    assert levels == set(MODEL.rules.levels)
    assert codes == set(MODEL.diagnostics) - {MODEL.disagree}  # respondents_disagree needs several respondents
