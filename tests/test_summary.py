"""The client's own sentences: what the level means for this organisation and each diagnostic in one sentence."""

import pytest

from branda.expert import summary
from branda.expert.assess import assess
from branda.expert.profile import Profile
from tests.conftest import MODEL

# every answer at its least mature, but processes and customer focus "mostly true": two level-2 criteria hold
LEVEL_1_WITH_STANDARDS = Profile({name: MODEL.low if f.positive else MODEL.high for name, f in MODEL.facts.items()}
                                 | {"process_standardisation": 4, "customer_focus": 4})


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_level_1_meaning_counts_what_already_holds_and_never_says_processes_are_missing(lang):
    a = assess(MODEL, LEVEL_1_WITH_STANDARDS)
    assert a.level == 1
    text = summary.meaning(a, lang)
    assert MODEL.level(1).description(lang) not in text
    held, total = summary.next_progress(a)
    assert (held, total) == (2, len(MODEL.rules.indicators_of(2)))
    assert f"{held} " in text and str(total) in text


@pytest.mark.parametrize("lang, word", [("en", "provisional"), ("lt", "preliminarus")])
def test_an_incomplete_profile_is_called_provisional_with_the_count_of_questions(lang, word):
    a = assess(MODEL, Profile({"customer_focus": 4, "cx_ownership": 4}))
    sentence = summary.provisional(a, lang)
    assert word in sentence and str(len(a.decisive_unknowns)) in sentence


def test_a_complete_profile_is_not_provisional():
    assert summary.provisional(assess(MODEL, LEVEL_1_WITH_STANDARDS), "en") is None


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_every_diagnostic_sentence_names_no_code_and_no_operator(lang):
    profile = Profile({name: 5 if MODEL.facts[name].positive else 1 for name in MODEL.facts} | {"complacency": 5})
    a = assess(MODEL, profile)
    assert "regression_risk" in a.codes
    for d in a.diagnostics:
        sentence = summary.diagnostic_sentence(a, d, lang)
        assert not any(code in sentence for code in (*MODEL.facts, *MODEL.diagnostics, ">=", "<="))
        assert "{" not in sentence


def test_the_uneven_sentence_names_the_level_whose_criteria_mostly_hold():
    profile = Profile({name: 5 if MODEL.facts[name].positive else 1 for name in MODEL.facts} | {"customer_focus": 1})
    a = assess(MODEL, profile)
    uneven = next(d for d in a.diagnostics if d.code == "uneven_profile")
    assert f"level {MODEL.top}" in summary.diagnostic_sentence(a, uneven, "en")


@pytest.mark.parametrize("lang, word", [("en", ", while"), ("lt", ", o")])
def test_two_facts_are_joined_so_that_each_keeps_its_own_answer(lang, word):
    """Not "a – “x” and b and c – “y”": the second fact's label may hold an "and" of its own."""
    facts = {"quick_wins_focus": 5, "internal_alignment": 2}
    quick, aligned = (summary.inline(MODEL.facts[name].label(lang)) for name in facts)
    full, mostly_not = (MODEL.text("scale_quote", lang, text=MODEL.scale[v](lang)) for v in (5, 2))
    assert summary.facts_said(MODEL, facts, lang) == f"{quick} – {full}{word} {aligned} – {mostly_not}"


@pytest.mark.parametrize("lang, one, two", [("en", "level 2", "levels 2 and 3"), ("lt", "2 lygio", "2 ir 3 lygio")])
def test_missing_levels_are_named_in_a_sentence(lang, one, two):
    assert summary.levels_said(MODEL, [2], lang) == one
    assert summary.levels_said(MODEL, [2, 3], lang) == two


def test_the_uneven_sentence_counts_the_criteria_and_names_the_levels_below():
    # level 4's criteria all hold; nothing of level 2 or 3 does
    profile = Profile({name: MODEL.low if f.positive else MODEL.high for name, f in MODEL.facts.items()}
                      | {"quantitative_goals": 5, "analytics_use": 5, "it_systems": 5, "collaboration": 5})
    a = assess(MODEL, profile)
    uneven = next(d for d in a.diagnostics if d.code == "uneven_profile")
    sentence = summary.diagnostic_sentence(a, uneven, "en")
    assert sentence.startswith("4 of the 4 criteria of level 4 “Towards analysis” already hold")
    # collaboration 5 holds level 2's cooperation criterion, yet level 2 is still missing foundations
    assert sentence.endswith("while the foundations of levels 2 and 3 are missing.")
