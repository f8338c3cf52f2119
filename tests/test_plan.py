"""The plan: a consultant asks how to get to the next level (or level N) and gets the smallest changes and a roadmap.

Golden files: tests/golden/plan_<example>_<lang>.txt hold `branda plan` on every bundled example. After a
deliberate change to the rules, the transitions or the texts, regenerate them and read the diff:

    BRANDA_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_plan.py -q -k golden
"""

from __future__ import annotations

import json
import re
from itertools import combinations, product

import networkx as nx
import pytest
from conftest import EXAMPLE_FILES, EXAMPLES, MODEL, ROOT, assert_golden
from conftest import STUCK_AT_LEVEL_2 as LEVEL_2
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import branda.expert.plan as plan_module
from branda.cli import cli
from branda.expert import words
from branda.expert.engine import Session, session
from branda.expert.plan import Change, ChangeSet, PlanError, candidate_values, make_plan, minimal_change_sets
from branda.expert.profile import Profile, load_profile
from branda.expert.render import quoted
from branda.expert.transitions import prerequisite_dag
from branda.rules.fast import evaluate
from branda.rules.model import Condition

RULES = MODEL.rules
TOP = MODEL.top  # the highest level of the model



def conditions_up_to(target: int) -> dict[str, list[Condition]]:
    found: dict[str, list[Condition]] = {}
    for n in range(2, target + 1):
        for _, c in RULES.conditions_of(n):
            found.setdefault(c.fact, []).append(c)
    return found


def applied(facts: dict[str, int], changes: dict[str, int | None]) -> dict[str, int]:
    return {k: v for k, v in {**facts, **changes}.items() if v is not None}


def plan_json(runner, *args: str) -> dict:
    result = runner.invoke(cli, ["plan", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- the smallest change sets are exact -------------------------------------------------------------


@pytest.mark.parametrize("conditions,value,expected", [
    ([">= 3"], 2, (3,)),            # up to the threshold, no further
    ([">= 3"], None, (3,)),         # unknown: the value the condition names
    ([">= 3", ">= 4"], 1, (4,)),    # every condition of the fact up to the target
    (["<= 3"], 5, (3,)),            # a symptom comes down
    ([">= 2", "<= 4"], 5, (4,)),
    ([">= 2", "<= 4"], None, (2, 4)),  # unknown between two bounds: both are alternatives
    ([">= 4", "<= 3"], 3, ()),      # contradictory conditions: no value
])
def test_a_fact_moves_to_the_nearest_value_meeting_all_its_conditions(conditions, value, expected):
    conds = [Condition("x", text[:2], int(text[3])) for text in conditions]
    assert candidate_values(conds, value) == expected


@st.composite
def near_target(draw):
    """A profile that misses `target` by one to three facts, and the target."""
    target = draw(st.integers(2, TOP))
    needed = conditions_up_to(target)
    facts: dict[str, int | None] = {}
    for fact, conds in needed.items():
        low = max((c.threshold for c in conds if c.op == ">="), default=MODEL.low)
        high = min((c.threshold for c in conds if c.op == "<="), default=MODEL.high)
        facts[fact] = draw(st.integers(low, high))
    for fact in MODEL.facts:
        if fact not in needed:
            facts[fact] = draw(st.none() | st.integers(MODEL.low, MODEL.high))
    broken = draw(st.lists(st.sampled_from(sorted(needed)), min_size=1, max_size=3, unique=True))
    for fact in broken:
        facts[fact] = draw(st.none() | st.integers(MODEL.low, MODEL.high))
    known = {k: v for k, v in facts.items() if v is not None}
    assume(evaluate(RULES, known)[0] < target)
    return known, target


def movement(facts: dict[str, int], changes: dict[str, int]) -> int:
    return sum(Change(k, facts.get(k), v).movement for k, v in changes.items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(case=near_target())
def test_every_change_set_reaches_the_target_and_no_smaller_one_does(case):
    facts, target = case
    plan = make_plan(MODEL, Profile(facts=facts), target)
    sets = plan.minimal_changes
    assert sets and [len(s.changes) for s in sets] == sorted(len(s.changes) for s in sets)
    for change_set in sets:  # each reaches the target in experta, the engine of record
        assert session(RULES).run({**facts, **change_set.as_facts()}).level >= target
    smallest = len(sets[0].changes)
    candidates = sorted(conditions_up_to(target))  # no other fact can change the level
    for size in range(smallest + (1 if smallest <= 2 else 0)):
        for chosen in combinations(candidates, size):
            for values in product(RULES.scale, repeat=size):
                changes = dict(zip(chosen, values, strict=True))
                if any(facts.get(k) == v for k, v in changes.items()):
                    continue  # not a change
                if evaluate(RULES, {**facts, **changes})[0] >= target:
                    assert size == smallest, f"{changes} reaches {target} with fewer changes than {sets[0]}"
                    assert movement(facts, changes) >= sets[0].movement


def test_the_engine_runs_only_to_assess_and_to_verify(monkeypatch, write_profile):
    calls = []
    original = Session.run
    monkeypatch.setattr(Session, "run", lambda self, facts: calls.append(facts) or original(self, facts))
    plan = make_plan(MODEL, load_profile(MODEL, write_profile(LEVEL_2)), TOP)
    assert len(calls) == 1 + len(plan.minimal_changes)


def test_alternative_ways_to_a_level_are_enumerated_fewest_facts_first(monkeypatch):
    own = tuple(c for _, c in RULES.conditions_of(2))
    lighter = (Condition("cx_ownership", ">=", 4), Condition("collaboration", ">=", 5))
    heavier = (*own, Condition("it_systems", ">=", 4))  # contains the rule set's change: left out
    monkeypatch.setattr(plan_module, "alternatives_of",
                        lambda rules, level: (own, lighter, heavier) if level == 2 else (own,))
    facts = {"customer_focus": 2, "cx_ownership": 1, "process_standardisation": 3, "resistance": 2,
             "cx_strategy": 3, "collaboration": 3}
    sets = minimal_change_sets(RULES, facts, 2)
    # both change two facts; the rule set's moves 1 + 3 steps on the scale, the lighter one 3 + 2
    assert [s.as_facts() for s in sets] == [{"customer_focus": 3, "cx_ownership": 4},
                                           {"cx_ownership": 4, "collaboration": 5}]
    assert [s.movement for s in sets] == [4, 5]


def test_a_change_set_the_engine_does_not_confirm_is_an_internal_error_never_shown(monkeypatch, runner,
                                                                                    write_profile):
    lighter = (Condition("cx_ownership", ">=", 4),)  # the engine still needs all of level 2
    def alternatives(rules, level):
        return (lighter,) if level == 2 else (tuple(c for _, c in rules.conditions_of(level)),)

    monkeypatch.setattr(plan_module, "alternatives_of", alternatives)
    profile = write_profile("facts:\n  cx_ownership: 1\n")
    with pytest.raises(PlanError, match="should reach level 2, the engine concluded 1"):
        make_plan(MODEL, load_profile(MODEL, profile))
    result = runner.invoke(cli, ["plan", str(profile)])
    assert result.exit_code == 1 and isinstance(result.exception, PlanError)
    assert result.stdout == ""


# --- the roadmap -------------------------------------------------------------------------------------


def test_the_default_target_is_the_next_level(runner, write_profile):
    data = plan_json(runner, str(write_profile(LEVEL_2)))
    assert (data["from"], data["to"], data["path"]) == (2, 3, [2, 3])
    assert [(s["from"], s["to"]) for s in data["steps"]] == [(2, 3)]


def test_a_plan_over_several_levels_has_one_step_per_move(runner, write_profile):
    data = plan_json(runner, str(write_profile(LEVEL_2)), "--target", str(TOP))
    assert data["path"] == list(range(2, TOP + 1))
    assert [(s["from"], s["to"]) for s in data["steps"]] == [(n, n + 1) for n in range(2, TOP)]
    facts = load_profile(MODEL, write_profile(LEVEL_2)).facts
    for step in data["steps"]:
        unmet = [(c.fact, facts.get(c.fact), c.needed, r.name) for r, c in RULES.conditions_of(step["to"])
                 if not c.holds(facts.get(c.fact))]
        assert [(g["fact"], g["value"], g["needed"], g["rule"]) for g in step["requires"]] == unmet


def test_each_steps_actions_come_in_prerequisite_waves_and_address_what_is_unmet(runner, write_profile):
    data = plan_json(runner, str(write_profile(LEVEL_2)), "--target", str(TOP))
    caps = MODEL.transitions.capabilities
    dag = prerequisite_dag(MODEL)
    for step in data["steps"]:
        wave_of = {a["capability"]: a["wave"] for a in step["actions"]}
        for cap, wave in wave_of.items():
            for before in nx.ancestors(dag, cap) & set(wave_of):
                assert wave_of[before] < wave
        addressed = {f for a in step["actions"] for f in caps[a["capability"]].facts}
        assert {g["fact"] for g in step["requires"]} <= addressed
        assert [a["wave"] for a in step["actions"]] == sorted(a["wave"] for a in step["actions"])


def test_the_fall_back_risk_is_flagged_on_the_way_especially_at_level_4(runner, write_profile):
    data = plan_json(runner, str(write_profile(LEVEL_2 + "  complacency: 4\n")), "--target", str(TOP))
    risks = {s["to"]: s["risks"] for s in data["steps"]}
    regression = next(d for d in RULES.diagnostics if d.code == "regression_risk")
    for level, found in risks.items():
        assert bool(found) == (level in regression.at_levels)
        for risk in found:
            assert (risk["fact"], risk["value"], risk["active"], risk["stressed"]) == ("complacency", 4, True,
                                                                                        level == 4)


def test_plan_minimal_changes_reach_the_target_through_whatif(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    for example in EXAMPLE_FILES:
        current = plan_json(runner, str(example.relative_to(ROOT)))["from"]
        for target in range(current + 1, TOP + 1):
            data = plan_json(runner, str(example.relative_to(ROOT)), "--target", str(target))
            for changes in data["minimal_changes"]:
                sets = [f"--set={k}={v}" for k, v in changes.items()]
                result = runner.invoke(cli, ["whatif", str(example.relative_to(ROOT)), *sets, "--format", "json"])
                assert json.loads(result.output)["after"]["level"] >= target, (example.name, target)


def test_a_target_already_reached_says_so_and_exits_0(runner, write_profile):
    result = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2)), "--target", "2"])
    assert result.exit_code == 0
    assert result.output == ("UAB Bandymas is at level 2 “In one pair of hands”, so the target, level 2, is "
                             "already reached: there is nothing to plan. Without --target, branda plan shows the way "
                             "to the next level.\n")
    data = plan_json(runner, str(write_profile(LEVEL_2)), "--target", "1")
    assert (data["from"], data["to"], data["path"], data["steps"], data["already_reached"]) == (2, 1, [2], [], True)
    assert data["minimal_changes"] == [{}]


def test_at_level_5_there_is_nothing_above_to_plan_for(runner, write_profile):
    facts = {}
    for fact, conds in conditions_up_to(TOP).items():
        facts[fact] = candidate_values(conds, None)[0]
    profile = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items()))
    result = runner.invoke(cli, ["plan", str(profile), "--lang", "lt"])
    assert result.exit_code == 0
    assert "– aukščiausias modelio lygis, todėl aukštesnio lygio planuoti nėra ko." in result.output


@pytest.mark.parametrize("target", [str(TOP + 1), "0", "-1", "three", "2.5", "٣"])
def test_a_target_outside_1_to_5_exits_2_with_one_line(runner, write_profile, target):
    result = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2)), f"--target={target}"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"branda: error: --target {target}: a level is a whole number 1-{TOP}\n"


def test_plan_takes_set_overrides_without_touching_the_file(runner, write_profile):
    path = write_profile(LEVEL_2)
    before = path.read_bytes()
    data = plan_json(runner, str(path), "--set", "cx_ownership=1")
    assert (data["from"], data["to"]) == (1, 2)
    assert data["minimal_changes"] == [{"cx_ownership": 4}]
    assert path.read_bytes() == before


def test_plan_reports_bad_input_in_one_line(runner, write_profile):
    result = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2)), "--set", "cx_ownership=9"])
    assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1


def test_the_roadmap_reads_in_english(runner, write_profile):
    out = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2))]).output
    lines = out.splitlines()
    assert lines[0] == "Roadmap for UAB Bandymas: from level 2 “In one pair of hands” to level 3 “Super-strategy”"
    assert lines[2].startswith("The result is provisional: ")  # unanswered questions, counted (summary.provisional)
    assert lines[3] == "Path: 2 → 3"
    assert ("        Chasing quick results (quick_wins_focus): now “fully true”, needs at most “partly true”"
            in lines)
    assert ("        Employees decide for themselves (empowerment): not answered yet; needs at least “mostly true” "
            "(answer the question first, it may already hold)") in lines
    assert "    Wave 1 — start here:" in lines
    assert "    Wave 2 — builds on the earlier ones:" in lines
    keep = lines.index("How to keep the level reached")  # a heading on its own line, the advice below it
    assert lines[keep + 1].startswith("  ") and ":" not in lines[keep][:-1]


def test_the_roadmap_reads_in_lithuanian(runner, write_profile):
    out = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2 + "  complacency: 2\n")), "--lang", "lt"]).output
    lines = out.splitlines()
    assert lines[0] == "Veiksmų planas: UAB Bandymas, nuo 2 lygio „Vienose rankose“ iki 3 lygio „Super strategija“"
    assert ("        Greitų rezultatų siekimas (quick_wins_focus): dabar „visiškai tiesa“, turi būti ne daugiau kaip "
            "„iš dalies tiesa“") in lines
    assert "    1 etapas – pradėkite nuo jo:" in lines
    assert "    2 etapas – remiasi ankstesniais:" in lines
    assert "  Ko reikia (sąlygų pagal taisykles: 9):" in lines
    assert "Kaip išlaikyti pasiektą lygį" in lines
    # the milestone says the level itself, with no heading of its own (lt-style.md: "Pasiekus {level} lygį, …")
    assert "  Pasiekus 3 lygį, organizacija pasirengusi diegti vientisą klientų patirties valdymo sistemą." in lines
    assert "  Ką daryti ir kokia eile:" in lines
    assert ("  Pasiekę 3 lygį, stebėkite rizikos veiksnį „Užmigimas ant laurų“ (complacency): jei įvertinimas būtų "
            "bent „greičiau tiesa“, išaugtų rizika smuktelėti žemyn (dabar „greičiau netiesa“).") in lines
    for wrong in ("banga", "Kas turi tapti tiesa", "Tai jau tiesa", "taisyklių varikliu", "Pasiekus:",
                  "Kelio žemėlapis"):
        assert wrong not in out


@pytest.mark.parametrize("count,expected", [(1, "reikia pakeisti 1 atsakymą"), (3, "reikia pakeisti 3 atsakymus"),
                                            (9, "reikia pakeisti 9 atsakymus"), (10, "reikia pakeisti 10 atsakymų")])
def test_the_count_of_answers_to_change_agrees_in_lithuanian(runner, write_profile, count, expected):
    facts = {fact: candidate_values(conds, None)[0] for fact, conds in conditions_up_to(TOP - 1).items()}
    for fact in list(facts)[:count]:  # these fall one step short of what level TOP - 1 needs
        cond = conditions_up_to(TOP - 1)[fact][0]
        facts[fact] = cond.threshold - 1 if cond.op == ">=" else cond.threshold + 1
    profile = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items()))
    lines = runner.invoke(cli, ["plan", str(profile), "--target", str(TOP - 1), "--lang", "lt"]).output.splitlines()
    assert f"Mažiausias pokytis, kurio pakanka {TOP - 1} lygiui pasiekti: {expected} (žr. toliau)." in lines


@pytest.mark.parametrize("lang,said", [
    ("en", "The smallest change that reaches level 2: 1 answer to change and 2 questions to answer (see the steps "
           "below)."),
    ("lt", "Mažiausias pokytis, kurio pakanka 2 lygiui pasiekti: reikia pakeisti 1 atsakymą ir atsakyti į 2 "
           "klausimus (žr. toliau).")])
def test_unanswered_facts_are_questions_to_answer_not_answers_to_change(runner, write_profile, lang, said):
    profile = write_profile("facts:\n  customer_focus: 2\n  cx_ownership: 4\n  process_standardisation: 3\n"
                            "  collaboration: 3\n")
    assert said in runner.invoke(cli, ["plan", str(profile), "--lang", lang]).output.splitlines()


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("example", ["ecommerce_level4_fallback_risk.yaml", "telecom_level4.yaml"])
def test_a_plan_to_the_top_level_says_it_concludes_that_level_not_one_above(runner, example, lang):
    out = runner.invoke(cli, ["plan", str(EXAMPLES / example), "--lang", lang]).output
    said = {"en": "with these changes the assessment concludes level 5.",
            "lt": "pritaikius šiuos pokyčius, nustatomas 5 lygis."}[lang]
    assert said in out and "or above" not in out and "aukštesnis" not in out


def test_a_plan_whose_change_reaches_beyond_its_target_says_or_above(runner, write_profile):
    # level 3's own criteria already hold, so the changes that reach level 2 reach level 3 as well
    facts = {fact: candidate_values(conds, None)[0] for fact, conds in conditions_up_to(3).items()}
    facts["cx_ownership"] = 1
    profile = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items()))
    out = runner.invoke(cli, ["plan", str(profile), "--target", "2"]).output
    assert "with these changes the assessment concludes level 2 or above." in out


@pytest.mark.parametrize("lang,said", [
    ("en", "Where it stands: level 2 “In one pair of hands”. Diagnostics: “Stuck at level 2”, “Not yet ready for a "
           "customer-experience management system”."),
    ("lt", "Dabartinė padėtis: 2 lygis „Vienose rankose“. Diagnozės: „Užstrigta antrame lygyje“, „Dar nepasirengta "
           "klientų patirties valdymo sistemai“.")])
def test_the_diagnostics_after_the_colon_are_quoted_titles(runner, lang, said):
    lines = runner.invoke(cli, ["plan", str(EXAMPLES / "retailer_stuck_level2.yaml"), "--lang", lang]).output
    assert said in lines.splitlines()


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_the_risk_advised_above_is_not_quoted_again_in_the_closing_section(runner, lang):
    lines = runner.invoke(cli, ["plan", str(EXAMPLES / "ecommerce_level4_fallback_risk.yaml"), "--lang", lang]
                          ).output.splitlines()
    lapse = MODEL.transitions.lapse
    assert lines[-1] == "  " + lapse.advice(lang)  # only the advice: the risk was advised at the top
    assert sum(MODEL.transitions.risk.advice(lang) in line for line in lines) == 1


def test_a_plan_with_no_risk_on_the_way_quotes_the_article_on_keeping_the_level(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    lines = runner.invoke(cli, ["plan", "examples/logistics_level1.yaml"]).output.splitlines()
    lapse = MODEL.transitions.lapse
    assert lines[-1] == f"  {lapse.advice('en')} Article: “{lapse.cites('en')}”"


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_plan_on_every_example_matches_its_golden_file(runner, example, lang):
    result = runner.invoke(cli, ["plan", str(example), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert_golden(f"plan_{example.stem}_{lang}.txt", result.output)


def test_every_change_set_in_a_plan_is_a_change(write_profile):
    plan = make_plan(MODEL, load_profile(MODEL, write_profile(LEVEL_2)), TOP)
    for change_set in plan.minimal_changes:
        assert isinstance(change_set, ChangeSet)
        assert all(c.old != c.new for c in change_set.changes)


def test_a_level_already_at_risk_is_flagged_before_the_climb(runner, write_profile):
    facts = {fact: candidate_values(conds, None)[0] for fact, conds in conditions_up_to(4).items()}
    profile = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in {**facts, "complacency": 5}.items()))
    data = plan_json(runner, str(profile))
    assert (data["from"], data["to"]) == (4, 5)
    assert [(r["level"], r["fact"], r["value"], r["stressed"]) for r in data["current_risks"]] == [
        (4, "complacency", 5, True)]
    lines = runner.invoke(cli, ["plan", str(profile)]).output.splitlines()
    assert lines[2] == ("Before climbing, hold on to level 4. Resting on laurels (complacency): now “fully true”, "
                        "and a rating of at least “mostly true” already puts the level at risk of falling back.")
    assert "  Watch on arrival at level 5: the same risk as at level 4." in lines  # said in full once, above
    calm = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in {**facts, "complacency": 3}.items()),
                         "calm.yaml")
    assert plan_json(runner, str(calm))["current_risks"] == []


# --- what the client reads: each fact once, in words, each article sentence once --------------------


def _plans_of_every_example():
    """(example, target) for every bundled example and every level above it."""
    for example in EXAMPLE_FILES:
        start = evaluate(RULES, load_profile(MODEL, example).facts)[0]
        for target in range(start + 1, TOP + 1):
            yield example, target


PLANS = list(_plans_of_every_example())
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")  # a code as the engine writes it: words joined by "_"


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("example,target", PLANS, ids=lambda v: getattr(v, "stem", v))
def test_a_plan_says_each_fact_once_in_words_and_each_article_sentence_once(runner, example, target, lang):
    result = runner.invoke(cli, ["plan", str(example), "--target", str(target), "--lang", lang])
    assert result.exit_code == 0, result.output
    out = result.output
    assert ">=" not in out and "<=" not in out
    data = plan_json(runner, str(example), "--target", str(target), "--lang", lang)
    for fact in {c["fact"] for changes in data["change_details"] for c in changes}:
        label = MODEL.facts[fact].label(lang)
        assert out.count(f"{label} ({fact})") == 1, fact  # the label with its code, once
    for fact in MODEL.facts:
        assert out.count(f"({fact})") <= 1, fact
    # no code but in those brackets: not a diagnostic code, not a rule name, not a bare fact name
    assert CODE.findall(re.sub(r"\([a-z_0-9]+\)", "", out)) == []
    cites = [a["cites"] for s in data["steps"] for a in s["actions"]]
    cites += [r["cites"] for s in data["steps"] for r in s["risks"]] + [data["keep"]["cites"]]
    for cite in set(cites):
        assert out.count(quoted(MODEL, cite, lang, "plan_quote")) <= 1, cite


def test_a_fact_two_levels_need_is_said_at_the_first_with_what_the_later_one_needs(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = runner.invoke(cli, ["plan", "examples/logistics_level1.yaml", "--target", "3"]).output
    lines = out.splitlines()
    label = MODEL.facts["process_standardisation"].label("en")
    said = [line for line in lines if f"({'process_standardisation'})" in line]
    assert len(said) == 1 and said[0].endswith("needs at least “partly true” (and at least “mostly true” for level 3)")
    assert label in said[0]
    step_2 = lines.index("Step 2 of 2: from level 2 to level 3 “Super-strategy”")
    criterion = RULES.rule("ind_processes_defined").title("en")
    at = lines.index(f"    - {criterion}", step_2)
    assert lines[at + 1] == "        the change it needs is set out in step 1"


def test_the_fall_back_risk_is_said_in_full_once_and_in_words(runner, write_profile):
    out = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2 + "  complacency: 2\n")), "--target", str(TOP)]).output
    lines = out.splitlines()
    risk = MODEL.transitions.risk
    assert lines.count("  Watch on arrival at level 3: resting on laurels (complacency). If it were rated at least "
                       f"{words.scale_label(MODEL, 4, 'en')}, the risk of falling back would rise (now "
                       f"{words.scale_label(MODEL, 2, 'en')}).") == 1
    assert "  Watch on arrival at level 4: the same risk as at level 3. The article warns about this level above all." \
        in lines
    assert "  Watch on arrival at level 5: the same risk as at level 3." in lines
    assert sum(risk.advice("en") in line for line in lines) == 1


def test_a_risk_that_already_holds_is_said_so_before_arrival(runner, write_profile):
    lines = runner.invoke(cli, ["plan", str(write_profile(LEVEL_2 + "  complacency: 4\n")), "--lang", "lt"]
                          ).output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  Pasiekę 3 lygį, stebėkite rizikos veiksnį"))
    assert lines[at + 1] == "    Taip jau yra dabar, todėl imkitės priemonių dar prieš pasiekdami lygį."


def test_a_provisional_plan_says_so_once_instead_of_naming_the_diagnostic(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = runner.invoke(cli, ["plan", "examples/startup_partial.yaml"]).output
    assert out.count("provisional") == 1
    assert MODEL.diagnostics["incomplete_profile"].title("en") not in out


def test_alternatives_that_change_different_facts_are_each_listed_and_the_steps_point_to_them(monkeypatch, runner,
                                                                                              write_profile):
    # a rule base with two ways to level 2 (one of them with a second fact) gives two change sets
    monkeypatch.setattr(plan_module, "minimal_change_sets", lambda rules, facts, target: (
        ChangeSet((Change("cx_ownership", 1, 4, ">= 4"),)),
        ChangeSet((Change("cx_ownership", 1, 4, ">= 4"), Change("it_systems", 2, 4, ">= 4")))))
    facts = {fact: candidate_values(conds, None)[0] for fact, conds in conditions_up_to(2).items()}
    facts.update(cx_ownership=1, it_systems=2)
    profile = write_profile("facts:\n" + "".join(f"  {k}: {v}\n" for k, v in facts.items()))
    out = runner.invoke(cli, ["plan", str(profile)]).output
    assert "(alternatives: 2; any one is enough):" in out
    assert "  Alternative 2 (answers: 2, steps on the scale: 5):" in out
    assert "        the alternatives above set out the change it needs" in out
