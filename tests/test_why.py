"""`branda why`: the chain to the level, why not a level, the diagnostics and unknowns explained, in en and lt.

Golden files: tests/golden/why_<example>_<lang>.txt hold `branda why` on every bundled example. After a
deliberate change to the rules or the texts, regenerate them and read the diff:

    BRANDA_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_why.py -q -k golden
"""

# ruff: noqa: E501 - the expected outputs below are the program's own long lines

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import networkx as nx
import pytest
from conftest import EXAMPLES, MODEL, ROOT, assert_golden
from hypothesis import given, settings
from hypothesis import strategies as st

from branda.cli import cli
from branda.expert.engine import session
from branda.expert.explain import explain, why_json, why_text
from branda.expert.profile import FORMATS, Profile
from branda.rules.fast import evaluate
from branda.rules.model import Condition

FACTS = list(MODEL.facts)
LEVELS = list(MODEL.rules.levels)  # 1..top


# --- generated profiles ------------------------------------------------------------------------------

@cache
def meeting(level: int) -> dict[str, int]:
    """The least demanding values that meet every condition of levels 2..level (read from the rules)."""
    values: dict[str, int] = {}
    for n in range(2, level + 1):
        for _, c in MODEL.rules.conditions_of(n):
            values[c.fact] = c.nearest(values.get(c.fact))
    return values


def _fact_value(name: str, level: int) -> st.SearchStrategy[int | None]:
    choices: list[st.SearchStrategy[int | None]] = [st.none(), st.integers(MODEL.low, MODEL.high)]
    if name in meeting(level):
        choices.append(st.just(meeting(level)[name]))
    return st.one_of(choices)


# Each fact unknown or on the scale; drawn around some level's thresholds so that every level turns up.
profiles = st.integers(1, MODEL.top).flatmap(lambda level: st.fixed_dictionaries(
    {name: _fact_value(name, level) for name in FACTS})).map(
    lambda drawn: Profile({k: v for k, v in drawn.items() if v is not None}, organisation="Generated"))
laws = settings(max_examples=50, deadline=None)


def condition(gap: dict) -> Condition:
    op, threshold = gap["needed"].split()
    return Condition(gap["fact"], op, int(threshold))


@laws
@given(profiles)
def test_every_fact_cited_in_the_explanation_is_in_the_profile_with_that_value(profile: Profile) -> None:
    for item in why_json(explain(MODEL, profile))["explanation"]:
        for fact, value in item["because"].items():
            assert profile.facts[fact] == value, item["rule"]
            assert condition({"fact": fact, "needed": item["needs"][fact]}).holds(value), item["rule"]


@laws
@given(profiles, st.integers(1, MODEL.top))
def test_why_not_lists_only_failing_conditions_and_meeting_them_reaches_the_level(profile: Profile,
                                                                                 target: int) -> None:
    data = why_json(explain(MODEL, profile, target))
    assert data["target_level"] == target
    if target <= data["level"]:
        assert data["why_not"] == []
        assert data["established_by"][-1] in (f"reach_level_{target}", f"conclude_level_{target}", "level_1_floor")
        return
    assert data["why_not"], "a level above the concluded one has at least one unmet condition"
    assert [g["level"] for g in data["why_not"]] == sorted(g["level"] for g in data["why_not"])
    fixed = dict(profile.facts)
    for gap in data["why_not"]:
        assert set(gap) == {"fact", "value", "needed", "rule", "level"}
        assert gap["value"] == profile.facts.get(gap["fact"])
        assert not condition(gap).holds(profile.facts.get(gap["fact"]))
        assert condition(gap) in MODEL.rules.rule(gap["rule"]).when  # type: ignore[union-attr]
        need = condition(gap)
        fixed[need.fact] = need.nearest(fixed.get(need.fact))  # the threshold, unless an earlier gap set more
    assert all(condition(g).holds(fixed[g["fact"]]) for g in data["why_not"])
    assert evaluate(MODEL.rules, fixed)[0] >= target
    assert session(MODEL.rules).run(fixed).level >= target


@laws
@given(profiles, profiles)
def test_explanations_are_the_same_on_every_run(profile: Profile, other: Profile) -> None:
    first = explain(MODEL, profile)
    explain(MODEL, other)  # the engine session is reused: nothing may carry over from one run to the next
    again = explain(MODEL, profile)
    for lang in MODEL.languages:
        assert why_text(first, lang) == why_text(again, lang)
        assert why_json(first, lang) == why_json(again, lang)


@laws
@given(profiles, st.sampled_from([None, *LEVELS]))
def test_the_provenance_graph_runs_from_facts_through_rules_to_conclusions(profile: Profile,
                                                                          target: int | None) -> None:
    from branda.expert.provenance import provenance_graph

    graph = provenance_graph(explain(MODEL, profile, target))
    assert nx.is_directed_acyclic_graph(graph)
    kinds = nx.get_node_attributes(graph, "kind")
    for source, sink in graph.edges:
        assert (kinds[source], kinds[sink]) in {("fact", "rule"), ("rule", "conclusion"), ("conclusion", "rule")}
    for node, value in nx.get_node_attributes(graph, "value").items():
        assert profile.facts.get(graph.nodes[node]["fact"]) == value


# --- the command, on a small profile -----------------------------------------------------------------

PROFILE = """\
organisation: UAB Pavyzdys
facts:
  {customer_focus: 4, individual_dependence: 4, resistance: 2, collaboration: 3, process_standardisation: 3,
   cx_ownership: 5, cx_strategy: 3, directive_management: 4, quick_wins_focus: 3, internal_alignment: 2,
   strategy_alignment: 2, information_access: 3, empowerment: 2, function_integration: 2, quantitative_goals: 4,
   it_systems: 4, complacency: 2, touchpoint_data: 2, continuous_improvement: 2, people_development: 3,
   expectations_exceeded: 3}
"""

WHY_EN = """\
UAB Pavyzdys: customer-service maturity level 2 of 5, "In one pair of hands"
A responsible person or project groups drive customer orientation; work follows prepared processes and standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape.

Why level 2: the rules that established it, in the order they fired
   1. Customer orientation is practised, not only talked about [ind_customer_focus_practised]
        Facts: customer_focus = 4 (needs >= 3)
        Concludes: a level 2 criterion holds
        Article: "If representatives of such a company say they are customer-focused, it is only rhetoric."
   2. A responsible person or project groups drive customer orientation [ind_ownership_assigned]
        Facts: cx_ownership = 5 (needs >= 4)
        Concludes: a level 2 criterion holds
        Article: "In somewhat more mature organisations project groups are formed or one responsible person is appointed to build a more customer-oriented company."
   3. Work often follows prepared processes and standards [ind_standards_followed]
        Facts: process_standardisation = 3 (needs >= 3)
        Concludes: a level 2 criterion holds
        Article: "In such a company work often follows prepared processes and standards."
   4. Employees no longer strongly resist standardised customer processes [ind_standardisation_accepted]
        Facts: resistance = 2 (needs <= 3)
        Concludes: a level 2 criterion holds
        Article: "When the company tries to standardise customer-oriented processes, employees strongly resist."
   5. A customer-oriented strategy with work plans and quality monitoring is taking shape [ind_strategy_in_place]
        Facts: cx_strategy = 3 (needs >= 3)
        Concludes: a level 2 criterion holds
        Article: "Heads of divisions or project-team leaders form a customer-oriented strategy, create work plans, supervise and control results, and monitor how service quality changes."
   6. Employees cooperate and communication no longer stalls [ind_staff_cooperate]
        Facts: collaboration = 3 (needs >= 3)
        Concludes: a level 2 criterion holds
        Article: "Not only are customers served carelessly, employees do not cooperate either."
   7. Level 1 is where every organisation starts [level_1_floor]
        Concludes: level 1 is reached
        Article: "An organisation passes through all the levels step by step in order to mature into managing customer experiences professionally."
   8. Level 2 criteria met [criteria_level_2]
        From steps: 1-6
        Concludes: all level 2 criteria hold
        Article: as in step 7
   9. Level 2 reached (level 1 reached and level 2's criteria met) [reach_level_2]
        From steps: 7, 8
        Concludes: level 2 is reached
        Article: as in step 7
  10. Concluded: level 2 [conclude_level_2]
        From steps: 9
        Concludes: the organisation is at level 2, "In one pair of hands" (level 3 is not reached)
        Article: as in step 7

Also holds, on the way to higher levels (a level counts only when all its criteria, and every lower level's, hold)
  Level 3 "Super-strategy": 1 of 8 criteria hold
    - Long-term solutions are not traded for quick, visible results [ind_long_term_focus]: quick_wins_focus = 3 (needs <= 3)
  Level 4 "Towards analysis": 2 of 4 criteria hold
    - Quantitative goals are set in a balanced scorecard [ind_balanced_scorecard]: quantitative_goals = 4 (needs >= 4)
    - Customer-management IT systems get serious attention [ind_it_investment]: it_systems = 4 (needs >= 4)

Diagnostics, and what raised them
  - Stuck at level 2 [stuck_at_level_2]: The organisation is at level 2 and shows the signs the article names for getting stuck there: chasing quick results, or too little internal alignment and market assessment.
      Raised by diag_stuck_without_alignment at level 2
        Facts: internal_alignment = 2 (needs <= 2)
        Article: "What is lacking is not only an assessment of the market situation but also alignment within the company itself."
      Advice: Assess the market situation, align the divisions with each other around the customer, and favour long-term solutions over quick, visible wins.
        Article: "Recognise when the company is stuck. Most often this happens at level 2."
  - Not yet ready for a CX management system [not_ready_for_cx_system]: The organisation is below level 3; the article says an integrated customer-experience management system fits from level 3, and starting one too early disappoints managers and employees alike.
      Raised by diag_not_ready_for_cx_system at level 2
        Article: "From level 3 on, an organisation is ready to introduce an integrated customer-experience management system."
      Advice: Reach level 3 before introducing an integrated CX management system.
        Article: "Starting too early disappoints everyone, managers and employees alike."
  - Incomplete profile [incomplete_profile]: Some facts are unknown, and answering them could change the concluded level or a diagnostic.
      Raised because unknown facts could change the result (listed below)
      Advice: Answer the facts listed before presenting the result as final.
        Article: "Assess how mature the organisation is and how ready it is for this step."

Unknown facts that could change the result
  - analytics_use: an answer of 4 or 5 could change the result
      on its own, 4 or 5 would give: raises "Uneven profile"
Unknown facts (1): analytics_use
"""

WHY_LT = """\
UAB Pavyzdys: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“
Į klientą orientuotą veiklą veda atsakingas asmuo ar projektų grupės; dirbama pagal parengtus procesus ir standartus, formuojama į klientus orientuota strategija su darbo planais ir kokybės stebėsena.

Kodėl 2 lygis: jį nustačiusios taisyklės ta tvarka, kuria suveikė
   1. Orientacija į klientą praktikuojama, ne tik deklaruojama [ind_customer_focus_practised]
        Faktai: customer_focus = 4 (reikia >= 3)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Jei tokios bendrovės atstovai ir sako, kad jie susitelkę į klientus, tai tėra retorika.“
   2. Orientaciją į klientą veda atsakingas asmuo ar projektų grupės [ind_ownership_assigned]
        Faktai: cx_ownership = 5 (reikia >= 4)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Kiek brandesnėse organizacijose yra suburtos projektų grupės ar paskirtas vienas atsakingas asmuo, kuris siekia kurti labiau į klientų poreikius orientuotą bendrovę.“
   3. Dažnai dirbama pagal parengtus procesus ir standartus [ind_standards_followed]
        Faktai: process_standardisation = 3 (reikia >= 3)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Tokioje įmonėje dažnai dirbama pagal parengtus procesus ir standartus“
   4. Darbuotojai nebesipriešina stipriai standartizuojamiems procesams [ind_standardisation_accepted]
        Faktai: resistance = 2 (reikia <= 3)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Svarbu žinoti, kad jei įmonėje mėginama standartizuoti į klientą orientuotus procesus, darbuotojai stipriai priešinasi“
   5. Formuojama į klientus orientuota strategija su darbo planais ir kokybės stebėsena [ind_strategy_in_place]
        Faktai: cx_strategy = 3 (reikia >= 3)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Padalinių vadovai ar projektų komandos lyderiai formuoja į klientus orientuotą strategiją, kuria darbo planus, prižiūri bei kontroliuoja veiklos rezultatus, stebi, kaip keičiasi klientų aptarnavimo kokybė.“
   6. Darbuotojai bendradarbiauja, komunikacija nebestringa [ind_staff_cooperate]
        Faktai: collaboration = 3 (reikia >= 3)
        Išvada: tenkinamas 2 lygio kriterijus
        Straipsnis: „Ne tik klientai aptarnaujami atmestinai, tačiau ir darbuotojai nebendradarbiauja“
   7. Pirmasis lygis – nuo jo pradeda kiekviena organizacija [level_1_floor]
        Išvada: pasiektas 1 lygis
        Straipsnis: „Organizacija žingsnis po žingsnio pereina visus brandos lygius tam, kad subręstų profesionaliai valdyti klientų patirtis.“
   8. Tenkinami 2 lygio kriterijai [criteria_level_2]
        Remiasi žingsniais: 1-6
        Išvada: tenkinami visi 2 lygio kriterijai
        Straipsnis: kaip 7 žingsnyje
   9. Pasiektas 2 lygis (pasiektas 1 lygis ir tenkinami 2 lygio kriterijai) [reach_level_2]
        Remiasi žingsniais: 7, 8
        Išvada: pasiektas 2 lygis
        Straipsnis: kaip 7 žingsnyje
  10. Nustatytas lygis: 2 [conclude_level_2]
        Remiasi žingsniais: 9
        Išvada: organizacija yra 2 lygyje „Vienose rankose“ (3 lygis nepasiektas)
        Straipsnis: kaip 7 žingsnyje

Taip pat tenkinama pakeliui į aukštesnius lygius (lygis įskaitomas tik tada, kai tenkinami visi jo ir visų žemesnių lygių kriterijai)
  3 lygis „Super strategija“: tenkinama 1 iš 8 kriterijų
    - Ilgalaikiai sprendimai neaukojami dėl greitų, matomų rezultatų [ind_long_term_focus]: quick_wins_focus = 3 (reikia <= 3)
  4 lygis „Analizės link“: tenkinama 2 iš 4 kriterijų
    - Kiekybiniai tikslai nustatomi subalansuotų rodiklių sistemoje [ind_balanced_scorecard]: quantitative_goals = 4 (reikia >= 4)
    - Klientų valdymo IT sistemoms skiriama daug dėmesio [ind_it_investment]: it_systems = 4 (reikia >= 4)

Diagnozės ir kas jas nulėmė
  - Užstrigta antrame lygyje [stuck_at_level_2]: Organizacija yra antrame lygyje ir turi požymių, kuriuos straipsnis sieja su užstrigimu: siekiama greitų rezultatų arba trūksta suderinamumo bendrovės viduje ir rinkos situacijos vertinimo.
      Nustatė taisyklė diag_stuck_without_alignment, esant 2 lygiui
        Faktai: internal_alignment = 2 (reikia <= 2)
        Straipsnis: „Pritrūksta ne tik rinkos situacijos vertinimo, tačiau ir suderinamumo pačioje bendrovėje.“
      Patarimas: Įvertinkite rinkos situaciją, suderinkite padalinius tarpusavyje dėl klientų ir teikite pirmenybę ilgalaikiams sprendimams, o ne greitiems, matomiems rezultatams.
        Straipsnis: „Atpažinti, jei bendrovė užstrigo. Dažniausiai tai įvyksta antrame lygyje.“
  - Dar nepasirengta klientų patirties valdymo sistemai [not_ready_for_cx_system]: Organizacija yra žemiau trečio lygio; straipsnis teigia, kad vientisa klientų patirties valdymo sistema tinka nuo trečio lygio, o per anksti startavus nusivilia ir vadovai, ir darbuotojai.
      Nustatė taisyklė diag_not_ready_for_cx_system, esant 2 lygiui
        Straipsnis: „Pasak p. Juodkūnės, nuo trečio brandos lygio organizacija yra pasiruošusi diegtis vientisą klientų patirties valdymo sistemą“
      Patarimas: Prieš diegdami vientisą klientų patirties valdymo sistemą, pasiekite trečią lygį.
        Straipsnis: „Per anksti startavus, nusivilia visi – ir vadovai, ir darbuotojai.“
  - Neišsamus profilis [incomplete_profile]: Kai kurie faktai nežinomi, o atsakymai į juos galėtų pakeisti nustatytą lygį ar diagnozę.
      Nustatyta, nes nežinomi faktai galėtų pakeisti rezultatą (išvardyti žemiau)
      Patarimas: Prieš pateikdami rezultatą kaip galutinį, atsakykite į išvardytus faktus.
        Straipsnis: „Įvertinti, kiek organizacija yra brandi ir pasirengusi šiam žingsniui.“

Nežinomi faktai, galintys pakeisti rezultatą
  - analytics_use: atsakymas 4 arba 5 galėtų pakeisti rezultatą
      vien atsakymas 4 arba 5 duotų: atsiranda „Netolygus profilis“
Nežinomi faktai (1): analytics_use
"""

WHY_NOT_4_EN = """\
UAB Pavyzdys: customer-service maturity level 2 of 5, "In one pair of hands"
A responsible person or project groups drive customer orientation; work follows prepared processes and standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape.

Why not level 4, "Towards analysis"
  Levels are reached step by step: level 4 needs every level below it first.
  Level 3 "Super-strategy": 1 of 8 criteria hold
    - process_standardisation is 3; needs >= 4 (Processes are clearly defined and understood; best practice is in place) [ind_processes_defined]
    - individual_dependence is 4; needs <= 3 (Customer satisfaction no longer hinges on particular people) [ind_service_beyond_individuals]
    - strategy_alignment is 2; needs >= 4 (The customer strategy is the super-strategy every other strategy derives from) [ind_super_strategy]
    - internal_alignment is 2; needs >= 4 (Divisions are aligned on customers and the market is assessed) [ind_divisions_aligned]
    - information_access is 3; needs >= 4 (Leaders and key employees have the customer and business information they need) [ind_decision_information]
    - empowerment is 2; needs >= 4 (Employees decide for themselves and management is no longer directive) [ind_staff_empowered]
    - directive_management is 4; needs <= 3 (Employees decide for themselves and management is no longer directive) [ind_staff_empowered]
    - function_integration is 2; needs >= 3 (The CX management model is being integrated into HR, finance, marketing and quality) [ind_cx_model_integrating]
  Level 4 "Towards analysis": 2 of 4 criteria hold
    - analytics_use is unknown; needs >= 4 (Customer experiences are analysed, planned and forecast) [ind_experience_analytics]
    - collaboration is 3; needs >= 4 (Everyone communicates openly and sincerely) [ind_open_communication]
  10 unmet conditions in all.
"""

LEVEL_1_LT = """\
UAB Pavyzdys: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“
Į klientą orientuotą veiklą veda atsakingas asmuo ar projektų grupės; dirbama pagal parengtus procesus ir standartus, formuojama į klientus orientuota strategija su darbo planais ir kokybės stebėsena.

Kaip nustatytas 1 lygis „Žema organizacijos branda“: taisyklės ta tvarka, kuria suveikė
  1. Pirmasis lygis – nuo jo pradeda kiekviena organizacija [level_1_floor]
       Išvada: pasiektas 1 lygis
       Straipsnis: „Organizacija žingsnis po žingsnio pereina visus brandos lygius tam, kad subręstų profesionaliai valdyti klientų patirtis.“
"""


@pytest.fixture
def profile(write_profile) -> str:
    return str(write_profile(PROFILE))


@pytest.mark.parametrize(("args", "expected"), [
    ([], WHY_EN),
    (["--lang", "lt"], WHY_LT),
    (["--level", "4"], WHY_NOT_4_EN),
    (["--level", "1", "--lang", "lt"], LEVEL_1_LT),
])
def test_why_reads_aloud(runner, profile: str, args: list[str], expected: str) -> None:
    result = runner.invoke(cli, ["why", profile, *args])
    assert result.exit_code == 0, result.output
    assert result.output == expected


def test_why_at_the_concluded_level_is_the_whole_chain(runner, profile: str) -> None:
    whole = runner.invoke(cli, ["why", profile]).output
    at_level = runner.invoke(cli, ["why", profile, "--level", "2"]).output
    chain = whole.split("\n\n")[1].split("\n", 1)[1]
    assert at_level.split("\n\n")[1].split("\n", 1)[1] == chain + "\n"


def test_why_not_in_json_names_each_unmet_condition_with_its_rule_and_level(runner, profile: str) -> None:
    data = json.loads(runner.invoke(cli, ["why", profile, "--level", "4", "--format", "json"]).output)
    assert data["level"] == 2
    unknown = [g for g in data["why_not"] if g["fact"] == "analytics_use"]
    assert unknown == [{"fact": "analytics_use", "value": None, "needed": ">= 4",
                        "rule": "ind_experience_analytics", "level": 4}]
    assert {g["level"] for g in data["why_not"]} == {3, 4}


def test_why_json_is_the_assess_object_with_the_full_chain(runner, profile: str) -> None:
    assessed = json.loads(runner.invoke(cli, ["assess", profile, "--format", "json"]).output)
    data = json.loads(runner.invoke(cli, ["why", profile, "--format", "json", "--lang", "lt"]).output)
    assert set(assessed) <= set(data)
    assert [{k: item[k] for k in ("rule", "because", "concludes")} for item in data["explanation"]] == [
        {k: item[k] for k in ("rule", "because", "concludes")} for item in assessed["explanation"]]
    first = data["explanation"][0]
    rule = MODEL.rules.rule(first["rule"])
    assert (first["title"], first["cites"]) == (rule.title.by_lang["lt"], rule.cites.by_lang["lt"])  # type: ignore[union-attr]
    stuck = next(d for d in data["diagnostics"] if d["code"] == "stuck_at_level_2")
    assert stuck["facts"] == {"internal_alignment": 2}
    assert stuck["advice"] == MODEL.diagnostics["stuck_at_level_2"].advice.by_lang["lt"]
    assert data["decisive_unknowns"] == {"analytics_use": [4, 5]}


@pytest.mark.parametrize("level", ["0", str(MODEL.top + 1), "-1", "x", "3.5", "", "٣"])
def test_a_level_outside_1_to_5_is_one_line_and_exit_2(runner, profile: str, level: str) -> None:
    result = runner.invoke(cli, ["why", profile, "--level", level])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"branda: error: --level {level}: a level is a whole number 1-{MODEL.top}\n"


QUOTED = r'"(?:[^"\\]|\\.)*"'
DOT_NODE = re.compile(rf"^  ({QUOTED}) \[.*\];$")
DOT_EDGE = re.compile(rf"^  ({QUOTED}) -> ({QUOTED})(?: \[.*\])?;$")


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_dot_is_a_digraph_of_the_chain(runner, profile: str, lang: str) -> None:
    result = runner.invoke(cli, ["why", profile, "--format", "dot", "--lang", lang])
    lines = result.output.rstrip("\n").split("\n")
    assert lines[0] == "digraph provenance {" and lines[-1] == "}"
    body = [line for line in lines[1:-1] if not re.match(r"^  (rankdir|node|edge)\b", line)]
    edges = [DOT_EDGE.match(line) for line in body]
    nodes = [DOT_NODE.match(line) for line, edge in zip(body, edges, strict=True) if not edge]
    assert all(nodes), [line for line in body if not DOT_NODE.match(line) and not DOT_EDGE.match(line)]
    declared = {node.group(1) for node in nodes if node}
    assert {end for edge in edges if edge for end in edge.groups()} <= declared
    assert '  "fact:internal_alignment" -> "rule:diag_stuck_without_alignment" [label="<= 2"];' in lines


def test_graph_json_round_trips_through_networkx(runner, profile: str) -> None:
    result = runner.invoke(cli, ["why", profile, "--format", "graph-json", "--level", "3"])
    graph = nx.node_link_graph(json.loads(result.output), edges="edges")
    assert graph.is_directed() and graph.graph["level"] == 2 and graph.graph["target_level"] == 3
    assert nx.has_path(graph, "fact:cx_ownership", "level:2")
    assert graph.nodes["fact:internal_alignment"]["value"] == 2
    unmet = {(s, t) for s, t, unmet in graph.edges(data="unmet") if unmet}
    assert ("fact:strategy_alignment", "rule:ind_super_strategy") in unmet
    assert graph.nodes["rule:ind_super_strategy"]["fired"] is False


def test_why_loads_networkx_only_for_the_graph(profile: str) -> None:
    code = ("import sys; from click.testing import CliRunner; from branda.cli import cli; r = CliRunner(); "
            f"r.invoke(cli, ['assess', {profile!r}]); r.invoke(cli, ['why', {profile!r}]); "
            "assert 'networkx' not in sys.modules, 'networkx was imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --- golden files: every bundled example, both languages ---------------------------------------------

def examples() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*") if p.suffix in FORMATS)


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("example", examples(), ids=lambda p: p.name)
def test_why_on_every_example_matches_its_golden_file(runner, example: Path, lang: str) -> None:
    result = runner.invoke(cli, ["why", str(example), "--lang", lang])
    assert result.exit_code == 0, result.output
    assert_golden(f"why_{example.stem}_{lang}.txt", result.output)
