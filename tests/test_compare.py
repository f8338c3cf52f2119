"""`branda compare`: one client's assessments over time, and the laws of the comparison (issue 11 item 4)."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from conftest import EXAMPLES, MODEL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branda.cli import cli
from branda.expert import summary, words
from branda.expert.assess import assess
from branda.expert.compare import (Moment, compare, comparison_json, comparison_text, fact_changes, load_history,
                                   timeline, trend)
from branda.expert.profile import Profile, load_profile

HISTORY = EXAMPLES / "history"
FILES = [str(HISTORY / n) for n in ("acme_2024.yaml", "acme_2025_ceo.yaml", "acme_2025_cfo.yaml", "acme_2026.yaml")]
Y2024, CEO, CFO, Y2026 = FILES
CEO_NAME, CFO_NAME = (load_profile(MODEL, f).respondent for f in (CEO, CFO))  # the texts name respondents
# one example profile per level, 1 to 5: sequences of them have known levels
BY_LEVEL = {level: load_profile(MODEL, EXAMPLES / name) for level, name in
            [(1, "logistics_level1.yaml"), (2, "hotel_chain_level2.yaml"), (3, "bank_level3.toml"),
             (4, "telecom_level4.yaml"), (5, "utility_level5.yaml")]}
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(runner, *args):
    return runner.invoke(cli, ["compare", *args])


def dated(profile: Profile, day: int, source: str | None = None) -> Profile:
    """The profile as one assessment of one organisation on day `day` of 2020."""
    return Profile(dict(profile.facts), "UAB Acme", f"2020-01-{day:02d}", source or f"day{day}.yaml")


# --- the story of examples/history ----------------------------------------------------------------------------

def test_the_client_who_fell_back_from_level_4_to_3(runner):
    result = run(runner, *FILES, "--format", "json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["organisation"] == "UAB Acme" and got["fell_back"] is True
    assert [(t["assessed_on"], t["files"], t["level"]) for t in got["timeline"]] == [
        ("2024-11-20", [Y2024], 3), ("2025-11-20", [CEO, CFO], 4), ("2026-11-20", [Y2026], 3)]
    assert [t["diagnostics"] for t in got["timeline"]] == [[], ["respondents_disagree"], ["regression_risk"]]
    last = got["steps"][1]
    assert (last["from"], last["to"], last["level"]) == ("2025-11-20", "2026-11-20", [4, 3])
    assert last["changes"] == {"analytics_use": [4, 3], "complacency": [3, 5], "continuous_improvement": [3, 2],
                               "people_development": [2, 3]}
    assert last["lapsed"] == [{"fact": "analytics_use", "value": [4, 3], "needed": ">= 4", "level": 4,
                               "rule": "ind_experience_analytics"}]
    assert {"indicator:experience_analytics", "criteria:4", "reached:4", "level:4"} <= set(last["conclusions"]["lost"])
    assert {"level:3", "diagnostic:regression_risk"} <= set(last["conclusions"]["gained"])


def test_the_text_says_when_and_why_level_4_was_lost(runner):
    result = run(runner, *FILES)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Assessments over time: UAB Acme (3 assessments)"
    assert ("Level 4 “Towards analysis” was lost between 2025-11-20 and 2026-11-20: analysis of customer "
            "experiences fell from “mostly true” to “partly true”.") in lines
    advice = MODEL.transitions.risk.advice("en")
    # the engine names analytics as the cause: the risk is said apart, as no cause of the loss
    assert ("Separately, resting on laurels rose from “partly true” to “fully true”: the risk the article warns "
            f"about. {advice}") in lines
    assert ("Level 4 “Towards analysis” was reached between 2024-11-20 and 2025-11-20: quantitative goals rose "
            "from “partly true” to “mostly true”; analysis of customer experiences rose from “partly true” to "
            "“mostly true”.") in lines
    assert f"2025-11-20   level 4 “Towards analysis”   Respondents: 2 ({CEO_NAME}, {CFO_NAME})" in lines
    assert "  - Continuous improvement (continuous_improvement): “partly true” → “mostly not true”" in lines


def test_the_lithuanian_text(runner):
    result = run(runner, *FILES, "--lang", "lt")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Vertinimų palyginimas: UAB Acme (3 vertinimai)"
    # a past step says "rose from … to", never "now"
    assert ("Nuo 2025-11-20 iki 2026-11-20 prarastas 4 lygis „Analizės link“: klientų patirčių analizė nukrito nuo "
            "„greičiau tiesa“ iki „iš dalies tiesa“.") in lines
    assert ("Nuo 2024-11-20 iki 2025-11-20 pasiektas 4 lygis „Analizės link“: kiekybiniai tikslai pakilo nuo „iš "
            "dalies tiesa“ iki „greičiau tiesa“; klientų patirčių analizė pakilo nuo „iš dalies tiesa“ iki „greičiau "
            "tiesa“.") in lines
    assert any(line.startswith("Be to, užmigimas ant laurų pakilo nuo „iš dalies tiesa“ iki „visiškai tiesa“ – dėl "
                               "šios rizikos straipsnis įspėja. Nuolat vertinkite") for line in lines)
    assert "dabar" not in "\n".join(lines[6:])  # the steps lie in the past
    assert f"2025-11-20   4 lygis „Analizės link“      Respondentų: 2 ({CEO_NAME}, {CFO_NAME})" in lines
    assert "Kiti pokyčiai:" in lines


@pytest.mark.parametrize("lang", MODEL.languages)
def test_the_text_is_for_people(runner, lang):
    text = run(runner, *FILES, "--lang", lang).output
    assert not re.search(r">=|<=|\bind_\w+|regression_risk|respondents_disagree|[\"«»]", text)
    assert not re.search(r": [A-ZĄČĘĖĮŠŲŪŽ]", text.split("\n", 1)[1])  # no capital after a colon (but a name)
    if lang == "lt":
        assert text.count("„") == text.count("“") > 0 and "”" not in text
    for block in text.split("\n\n")[2:]:  # each step says each fact's code at most once
        codes = re.findall(r"\(([a-z_]+)\)", block)
        assert len(codes) == len(set(codes)), block


def test_a_client_that_never_fell_back_is_told_so(runner, write_profile):
    old = write_profile(f"organisation: UAB Acme\nassessed_on: 2020-01-01\nfacts: {dict(BY_LEVEL[2].facts)}\n", "a.yaml")
    new = write_profile(f"organisation: UAB Acme\nassessed_on: 2021-01-01\nfacts: {dict(BY_LEVEL[3].facts)}\n", "b.yaml")
    result = run(runner, str(new), str(old))
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("The level did not fall back between any two of these assessments.")
    assert "Level 3 “Super-strategy” was reached between 2020-01-01 and 2021-01-01" in result.output


@pytest.mark.parametrize(("lang", "went", "came"), [
    ("en", "{label} was {value}, then not answered", "{label} was not answered, then {value}"),
    ("lt", "{label} – iš pradžių {value}, vėliau atsakymo nebuvo", "{label} – iš pradžių atsakymo nebuvo, vėliau {value}")])
def test_an_answer_that_went_missing_or_came_back_is_said_in_the_past(lang, went, came):
    (_, cond), *_ = MODEL.rules.conditions_of(4)
    value = next(v for v in MODEL.rules.scale if cond.holds(v))
    facts = {**BY_LEVEL[4].facts, cond.fact: value}
    without = Profile({k: v for k, v in facts.items() if k != cond.fact}, "UAB Acme", "2020-01-02", "b.yaml")
    moments = [Profile(facts, "UAB Acme", "2020-01-01", "a.yaml"), without,
               Profile(facts, "UAB Acme", "2020-01-03", "c.yaml")]
    text = comparison_text(compare(MODEL, timeline(MODEL, moments)), lang)
    said = {"label": summary.inline(MODEL.facts[cond.fact].label(lang)), "value": words.value_words(MODEL, value, lang)}
    assert went.format(**said) in text and came.format(**said) in text
    assert not re.search(r"\b(now|dabar)\b", text.split("\n\n", 1)[1])


def test_a_fall_of_two_levels_names_the_conditions_of_both():
    c = compare(MODEL, timeline(MODEL, [dated(BY_LEVEL[4], 1), dated(BY_LEVEL[2], 2)]))
    (step,) = c.steps
    assert {s.level for s in step.lapsed} == {3, 4} and c.fell_back
    for s in step.lapsed:
        (cond,) = [c for r, c in MODEL.rules.conditions_of(s.level) if (r.name, c.fact) == (s.rule, s.fact)]
        assert cond.holds(s.before) and not cond.holds(s.after)
    text = comparison_text(c)
    assert ("Level 4 “Towards analysis” was lost between 2020-01-01 and 2020-01-02, down to level 2, because these "
            "answers changed:") in text.splitlines()
    lapsed = list(dict.fromkeys(x.fact for x in step.lapsed))
    assert len(lapsed) > 4 and all(text.count(f"({fact})") == 1 for fact in step.changes)


# --- files and dates ------------------------------------------------------------------------------------------

def test_files_without_a_date_keep_the_order_given(runner, write_profile):
    low = write_profile(f"organisation: UAB Acme\nfacts: {dict(BY_LEVEL[1].facts)}\n", "low.yaml")
    high = write_profile(f"organisation: UAB Acme\nfacts: {dict(BY_LEVEL[3].facts)}\n", "high.yaml")
    got = json.loads(run(runner, str(high), str(low), "--format", "json").output)
    assert [(t["assessed_on"], t["level"]) for t in got["timeline"]] == [(None, 3), (None, 1)]
    assert got["fell_back"] is True and (got["steps"][0]["from"], got["steps"][0]["to"]) == (None, None)
    text = run(runner, str(high), str(low)).output
    assert f"between the assessment in {high} and the assessment in {low}" in text
    assert "(no date)   level 3" in text


def test_an_undated_file_keeps_its_place_among_dated_ones():
    undated = Profile(dict(BY_LEVEL[5].facts), "UAB Acme", None, "undated.yaml")
    moments = timeline(MODEL, [dated(BY_LEVEL[3], 9), undated, dated(BY_LEVEL[1], 2)])
    assert [(m.assessed_on, m.level) for m in moments] == [("2020-01-02", 1), (None, 5), ("2020-01-09", 3)]


def test_a_date_with_a_time_is_that_date():
    moments = timeline(MODEL, [Profile(dict(BY_LEVEL[2].facts), None, "2020-01-01T09:30:00", "a.yaml"),
                               Profile(dict(BY_LEVEL[2].facts), None, "2020-01-01", "b.yaml"),
                               dated(BY_LEVEL[3], 5)])
    assert [(m.assessed_on, m.files) for m in moments] == [("2020-01-01", ("a.yaml", "b.yaml")),
                                                           ("2020-01-05", ("day5.yaml",))]


def _sorted_files(output: str) -> dict:
    got = json.loads(output)
    for t in got["timeline"]:  # one date's respondents are listed in the order given
        t["files"].sort()
    return got


@pytest.mark.parametrize("order", [(3, 2, 1, 0), (1, 3, 0, 2), (2, 0, 3, 1)])
def test_the_order_of_the_files_given_does_not_matter_when_dates_are_set(runner, order):
    want = _sorted_files(run(runner, *FILES, "--format", "json").output)
    assert _sorted_files(run(runner, *[FILES[i] for i in order], "--format", "json").output) == want
    assert run(runner, *[FILES[i] for i in order]).output.replace(CFO_NAME + ", " + CEO_NAME, CEO_NAME + ", " + CFO_NAME) == \
        run(runner, *FILES).output


@SLOW
@given(st.permutations(FILES))
def test_the_order_of_dated_files_does_not_change_the_timeline_or_the_steps(files):
    got = json.dumps(comparison_json(load_history(MODEL, files)))
    assert _sorted_files(got) == _sorted_files(json.dumps(comparison_json(load_history(MODEL, FILES))))


def test_same_date_files_are_combined_as_respondents_as_assess_does(runner):
    combined = json.loads(runner.invoke(cli, ["assess", CEO, CFO, "--format", "json"]).output)
    entry = json.loads(run(runner, *FILES, "--format", "json").output)["timeline"][1]
    assert entry["files"] == [CEO, CFO]
    assert (entry["level"], entry["diagnostics"]) == (combined["level"], [d["code"] for d in combined["diagnostics"]])


# --- the laws -------------------------------------------------------------------------------------------------

answers = st.one_of(st.none(), st.integers(MODEL.low, MODEL.high))
fact_maps = st.fixed_dictionaries({name: answers for name in MODEL.facts}).map(
    lambda d: {k: v for k, v in d.items() if v is not None})


@SLOW
@given(fact_maps, fact_maps)
def test_a_steps_changes_are_exactly_the_facts_that_differ(old, new):
    c = compare(MODEL, timeline(MODEL, [Profile(old, None, "2020-01-02", "a.yaml"),
                                        Profile(new, None, "2020-01-01", "b.yaml")]))
    (step,) = c.steps
    assert step.before.files == ("b.yaml",)  # the earlier date first
    differ = {n: (new.get(n), old.get(n)) for n in MODEL.facts if new.get(n) != old.get(n)}
    assert step.changes == differ == fact_changes(MODEL, new, old)
    assert all(a is not None or b is not None for a, b in step.changes.values())  # unknown to unknown is none


@SLOW
@given(st.lists(st.sampled_from(sorted(BY_LEVEL)), min_size=2, max_size=5))
def test_fell_back_exactly_when_a_later_level_is_lower_than_an_earlier_one(levels):
    c = compare(MODEL, timeline(MODEL, [dated(BY_LEVEL[lv], day) for day, lv in enumerate(levels, 1)]))
    assert [m.level for m in c.timeline] == levels
    assert c.fell_back == any(a > b for a, b in itertools.combinations(levels, 2))
    assert trend(c).levels == tuple((f"2020-01-{d:02d}", lv) for d, lv in enumerate(levels, 1))
    for s in c.steps:  # a level moves only with the conditions that moved it
        assert bool(s.lapsed) == (s.after.level < s.before.level)
        assert bool(s.met) == (s.after.level > s.before.level)
        assert {x.fact for x in (*s.lapsed, *s.met)} <= set(s.changes)


def test_conclusions_gained_and_lost_are_those_whatif_finds(runner):
    from branda.expert.whatif import Scenario
    from branda.expert.whatif import compare as whatif

    old, new = dated(BY_LEVEL[4], 1), dated(BY_LEVEL[3], 2)
    (step,) = compare(MODEL, timeline(MODEL, [old, new])).steps
    changes = dict(fact_changes(MODEL, old.facts, new.facts))
    w = whatif(MODEL, old, Scenario("s", {k: v for k, (_, v) in changes.items()}, "s"))
    assert (step.gained, step.lost) == (w.gained, w.lost)


def test_trend_gives_the_level_per_date_and_the_facts_each_step_changed():
    t = trend(load_history(MODEL, FILES))
    assert t.levels == (("2024-11-20", 3), ("2025-11-20", 4), ("2026-11-20", 3))
    assert t.changed[1] == ("analytics_use", "complacency", "continuous_improvement", "people_development")


def test_compare_is_pure_over_the_moments_it_is_given():
    moments = (Moment("2020-01-01", ("a",), assess(MODEL, dated(BY_LEVEL[2], 1))),
               Moment("2020-01-02", ("b",), assess(MODEL, dated(BY_LEVEL[2], 2))))
    c = compare(MODEL, moments)
    assert c.timeline == moments and c.steps[0].changes == {} and not c.fell_back
    assert comparison_json(c) == comparison_json(compare(MODEL, moments))


# --- bad input: exit 2, one line, nothing on stdout -----------------------------------------------------------

def bad(runner, *args):
    result = runner.invoke(cli, ["compare", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr.strip()


def test_different_organisations_are_refused_naming_the_files(runner):
    other = str(EXAMPLES / "bank_level3.toml")
    line = bad(runner, Y2024, Y2026, other)
    assert line == (f"branda: error: compare: the files name different organisations ('UAB Acme' in {Y2024}, "
                    f"{Y2026}; 'AB Baltijos taupomasis bankas' in {other}); compare takes the assessments of one "
                    "organisation")


def test_the_same_name_written_differently_is_one_organisation(runner, write_profile):
    a = write_profile(f"organisation: '  uab  ACME '\nassessed_on: 2020-01-01\nfacts: {dict(BY_LEVEL[2].facts)}\n",
                      "a.yaml")
    result = run(runner, str(a), Y2026, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.output)["organisation"] == "uab  ACME"


@pytest.mark.parametrize(("files", "says"), [
    ([Y2026], f"only {Y2026} was given"),
    ([CEO, CFO], f"{CEO}, {CFO} are one assessment (the same 'assessed_on', 2025-11-20: 2 respondents)"),
])
def test_fewer_than_two_assessments_are_refused(runner, files, says):
    assert bad(runner, *files) == (f"branda: error: compare: {says}; compare needs at least two assessments "
                                   "(files with different 'assessed_on' dates, or files without one)")


def test_a_file_given_twice_is_refused(runner):
    assert bad(runner, Y2024, Y2024) == f"branda: error: {Y2024}: is given twice; give each assessment's file once"


def test_an_assessed_on_that_is_no_date_is_refused(runner, write_profile):
    a = write_profile(f"organisation: UAB Acme\nassessed_on: last autumn\nfacts: {dict(BY_LEVEL[2].facts)}\n")
    assert bad(runner, str(a), Y2026).startswith(f"branda: error: {a}: 'assessed_on' is 'last autumn'; compare "
                                                 "orders the assessments by it")


def test_a_bad_profile_is_refused_as_everywhere(runner, write_profile):
    a = write_profile("organisation: UAB Acme\nfacts:\n  complacency: 9\n")
    assert "fact 'complacency' has value 9" in bad(runner, str(a), Y2026)
