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
from branda.expert.render import quoted
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
UAB Pavyzdys: customer-service maturity level 2 of 5, “In one pair of hands”
A responsible person or project groups answer for customer orientation; work follows prepared processes and standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape. Towards level 3 “Super-strategy”, 1 of 8 criteria already holds.
The result is provisional: the answers to 1 question could still change it.

Why level 2 “In one pair of hands”
  Level 1 “Low organisational maturity” is where every organisation starts.
    Article: “An organisation passes through all the levels step by step in order to mature into managing customer experiences professionally.”
  Level 2 “In one pair of hands”: all its criteria hold (6)
    Article: “Project groups are formed, or one responsible person is appointed, to build a more customer-oriented company.”
    - Customer orientation is practised, not only talked about: customer orientation in practice – “mostly true” (needs at least “partly true”)
    - A responsible person or project groups answer for customer orientation: responsibility for customer orientation – “fully true” (needs at least “mostly true”)
    - Work often follows prepared processes and standards: prepared processes and standards – “partly true” (needs at least “partly true”)
    - Standardising customer processes no longer meets strong resistance: resistance to standardised processes – “mostly not true” (needs at most “partly true”)
    - A customer-oriented strategy with work plans and quality monitoring is taking shape: customer-oriented strategy – “partly true” (needs at least “partly true”)
        Article: “Heads of divisions or project-team leaders form a customer-oriented strategy, create work plans, supervise and control results, and monitor how service quality changes.”
    - Employees cooperate and communication no longer stalls: cooperation and open communication – “partly true” (needs at least “partly true”)

Towards level 3 “Super-strategy”
  Already holds:
    - Quick results do not crowd out long-term solutions: chasing quick results – “partly true” (needs at most “partly true”)
  Still missing:
    - Processes are clearly defined and understood; best practice is in place
        Prepared processes and standards (process_standardisation): “partly true” now, needs at least “mostly true”
    - Customer satisfaction no longer hinges on particular people
        Dependence on particular people (individual_dependence): “mostly true” now, needs at most “partly true”
    - The customer strategy is the super-strategy every other strategy derives from
        Customer strategy as the super-strategy (strategy_alignment): “mostly not true” now, needs at least “mostly true”
    - The company is aligned within itself and assesses the market situation
        Internal alignment and market assessment (internal_alignment): “mostly not true” now, needs at least “mostly true”
    - Leaders and key employees have the customer and business information they need
        Information for decisions (information_access): “partly true” now, needs at least “mostly true”
    - Employees decide for themselves and management is mostly no longer directive
        Employees decide for themselves (empowerment): “mostly not true” now, needs at least “mostly true”
        Directive management (directive_management): “mostly true” now, needs at most “partly true”
    - The CX management model is being integrated into HR, finance, marketing and quality
        CX model across the functions (function_integration): “mostly not true” now, needs at least “partly true”

Criteria of higher levels that already hold (a level counts only once every level below it is reached too)
  Level 4 “Towards analysis”: 2 of 4 criteria hold
    - Quantitative goals are set in a balanced scorecard: quantitative goals – “mostly true” (needs at least “mostly true”)
    - IT systems for customer service get serious attention: investment in IT systems – “mostly true” (needs at least “mostly true”)

Diagnostics, and what raised them
  - Stuck at level 2
      The organisation is at level 2 and shows the signs of being stuck there: internal alignment and market assessment – “mostly not true”.
      Raised when the answer is at most “mostly not true” for internal alignment and market assessment.
        Article: “What is lacking is not only an assessment of the market situation but also alignment within the company itself.”
      Advice: Assess the market situation, align the divisions' work with each other around the customer, and put long-term solutions before quick, visible results.
        Article: “Recognise when the company is stuck. Most often this happens at level 2.”
  - Not yet ready for a customer-experience management system
      It is too early for an integrated customer-experience management system: the article places it from level 3.
        Article: “From level 3 on, an organisation is ready to introduce an integrated customer-experience (CX) management system”
      Advice: Reach level 3 before introducing an integrated customer-experience management system.
        Article: “Starting too early disappoints everyone — managers and employees alike.”

Incomplete profile: the questions whose answers could change the result
  - Analysis of customer experiences (analytics_use): an answer of at least “mostly true” could change the result
      on its own, an answer of at least “mostly true” would mean: “Uneven profile” is raised
  Advice: Answer the questions listed before presenting the result as final.
"""


WHY_LT = """\
UAB Pavyzdys: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“
Už orientaciją į klientą atsako paskirtas asmuo ar projektų grupės; dirbama pagal parengtus procesus ir standartus, formuojama į klientą orientuota strategija su darbo planais ir kokybės stebėsena. 3 lygio („Super strategija“) kriterijų jau tenkinama: 1 iš 8.
Rezultatas preliminarus: jį dar gali pakeisti atsakymai į 1 klausimą.

Kodėl 2 lygis („Vienose rankose“)
  1 lygis („Žema organizacijos branda“) – nuo jo pradeda kiekviena organizacija.
    Straipsnis: „Organizacija žingsnis po žingsnio pereina visus brandos lygius tam, kad subręstų profesionaliai valdyti klientų patirtis.“
  2 lygis („Vienose rankose“): tenkinami visi jo kriterijai (6)
    Straipsnis: „Kiek brandesnėse organizacijose yra suburtos projektų grupės ar paskirtas vienas atsakingas asmuo, kuris siekia kurti labiau į klientų poreikius orientuotą bendrovę.“
    - Orientacija į klientą praktikuojama, ne tik deklaruojama: orientacija į klientą praktikoje – „greičiau tiesa“ (turi būti bent „iš dalies tiesa“)
    - Už orientaciją į klientą atsako paskirtas asmuo ar projektų grupės: atsakomybė už orientaciją į klientą – „visiškai tiesa“ (turi būti bent „greičiau tiesa“)
    - Dažnai dirbama pagal parengtus procesus ir standartus: parengti procesai ir standartai – „iš dalies tiesa“ (turi būti bent „iš dalies tiesa“)
    - Procesų standartizavimas nebekelia stipraus darbuotojų pasipriešinimo: pasipriešinimas procesų standartizavimui – „greičiau netiesa“ (turi būti ne daugiau kaip „iš dalies tiesa“)
    - Formuojama į klientą orientuota strategija su darbo planais ir kokybės stebėsena: į klientą orientuota strategija – „iš dalies tiesa“ (turi būti bent „iš dalies tiesa“)
        Straipsnis: „Padalinių vadovai ar projektų komandos lyderiai formuoja į klientus orientuotą strategiją, kuria darbo planus, prižiūri bei kontroliuoja veiklos rezultatus, stebi, kaip keičiasi klientų aptarnavimo kokybė.“
    - Darbuotojai bendradarbiauja, komunikacija nebestringa: bendradarbiavimas ir atvira komunikacija – „iš dalies tiesa“ (turi būti bent „iš dalies tiesa“)

Ko trūksta iki 3 lygio („Super strategija“)
  Taip jau yra dabar:
    - Greiti rezultatai nenustelbia ilgalaikių sprendimų: greitų rezultatų siekimas – „iš dalies tiesa“ (turi būti ne daugiau kaip „iš dalies tiesa“)
  Dar trūksta:
    - Procesai aiškiai apibrėžti ir suprantami, įdiegta geriausia praktika
        Parengti procesai ir standartai (process_standardisation): dabar „iš dalies tiesa“, turi būti bent „greičiau tiesa“
    - Klientų pasitenkinimas nebepriklauso nuo konkrečių žmonių
        Priklausomybė nuo konkrečių žmonių (individual_dependence): dabar „greičiau tiesa“, turi būti ne daugiau kaip „iš dalies tiesa“
    - Į klientą orientuota strategija yra „super-strategija“, iš kurios kyla visos kitos
        Klientų strategija kaip „super-strategija“ (strategy_alignment): dabar „greičiau netiesa“, turi būti bent „greičiau tiesa“
    - Pačioje bendrovėje veikla suderinta, vertinama rinkos situacija
        Suderinamumas pačioje bendrovėje ir rinkos situacijos vertinimas (internal_alignment): dabar „greičiau netiesa“, turi būti bent „greičiau tiesa“
    - Lyderiai ir pagrindiniai darbuotojai turi reikiamą klientų ir verslo veiklos informaciją
        Informacija sprendimams priimti (information_access): dabar „iš dalies tiesa“, turi būti bent „greičiau tiesa“
    - Darbuotojai sprendžia patys, vadovavimas daugiausia nebėra direktyvus
        Darbuotojai sprendžia patys (empowerment): dabar „greičiau netiesa“, turi būti bent „greičiau tiesa“
        Direktyvus vadovavimas (directive_management): dabar „greičiau tiesa“, turi būti ne daugiau kaip „iš dalies tiesa“
    - Klientų patirties valdymo modelis integruojamas į personalo, finansų, marketingo ir kokybės sritis
        Klientų patirties valdymo modelis visose srityse (function_integration): dabar „greičiau netiesa“, turi būti bent „iš dalies tiesa“

Aukštesnių lygių kriterijai, kurie jau tenkinami (lygis įskaitomas tik tada, kai pasiekti ir visi žemesni lygiai)
  4 lygio („Analizės link“) kriterijų tenkinama: 2 iš 4
    - Kiekybiniai tikslai nustatomi subalansuotų rodiklių sistemoje: kiekybiniai tikslai – „greičiau tiesa“ (turi būti bent „greičiau tiesa“)
    - Klientų aptarnavimą palaikančioms IT sistemoms skiriama daug dėmesio: dėmesys ir investicijos į IT sistemas – „greičiau tiesa“ (turi būti bent „greičiau tiesa“)

Diagnozės ir kas jas nulėmė
  - Užstrigta antrame lygyje
      Organizacija yra antrame lygyje ir turi užstrigimo požymių: suderinamumas pačioje bendrovėje ir rinkos situacijos vertinimas – „greičiau netiesa“.
      Nustatoma, kai suderinamumas pačioje bendrovėje ir rinkos situacijos vertinimas – ne daugiau kaip „greičiau netiesa“.
        Straipsnis: „Pritrūksta ne tik rinkos situacijos vertinimo, tačiau ir suderinamumo pačioje bendrovėje.“
      Patarimas. Įvertinkite rinkos situaciją, suderinkite padalinių veiklą tarpusavyje ir teikite pirmenybę ilgalaikiams sprendimams, o ne greitiems ir matomiems rezultatams.
        Straipsnis: „Atpažinti, jei bendrovė užstrigo. Dažniausiai tai įvyksta antrame lygyje.“
  - Dar nepasirengta klientų patirties valdymo sistemai
      Vientisai klientų patirties valdymo sistemai dar per anksti: straipsnis nurodo, kad ji tinka nuo trečio lygio.
        Straipsnis: „nuo trečio brandos lygio organizacija yra pasiruošusi diegtis vientisą klientų patirties valdymo sistemą“
      Patarimas. Prieš diegdami vientisą klientų patirties valdymo sistemą, pasiekite trečią lygį.
        Straipsnis: „Per anksti startavus, nusivilia visi – ir vadovai, ir darbuotojai.“

Neišsamus profilis: neatsakyti klausimai, kurių atsakymai galėtų pakeisti rezultatą
  - Klientų patirčių analizė (analytics_use): rezultatą galėtų pakeisti atsakymas bent „greičiau tiesa“
      vien atsakymas bent „greičiau tiesa“ lemtų: atsiranda diagnozė „Netolygus profilis“
  Patarimas. Prieš pateikdami rezultatą kaip galutinį, atsakykite į išvardytus klausimus.
"""


WHY_NOT_4_EN = """\
UAB Pavyzdys: customer-service maturity level 2 of 5, “In one pair of hands”
A responsible person or project groups answer for customer orientation; work follows prepared processes and standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape. Towards level 3 “Super-strategy”, 1 of 8 criteria already holds.
The result is provisional: the answers to 1 question could still change it.

Why not level 4 “Towards analysis”
  Levels are reached step by step: level 4 needs every level below it first.
  Level 3 “Super-strategy”: 1 of 8 criteria holds
    - Processes are clearly defined and understood; best practice is in place
        Prepared processes and standards (process_standardisation): “partly true” now, needs at least “mostly true”
    - Customer satisfaction no longer hinges on particular people
        Dependence on particular people (individual_dependence): “mostly true” now, needs at most “partly true”
    - The customer strategy is the super-strategy every other strategy derives from
        Customer strategy as the super-strategy (strategy_alignment): “mostly not true” now, needs at least “mostly true”
    - The company is aligned within itself and assesses the market situation
        Internal alignment and market assessment (internal_alignment): “mostly not true” now, needs at least “mostly true”
    - Leaders and key employees have the customer and business information they need
        Information for decisions (information_access): “partly true” now, needs at least “mostly true”
    - Employees decide for themselves and management is mostly no longer directive
        Employees decide for themselves (empowerment): “mostly not true” now, needs at least “mostly true”
        Directive management (directive_management): “mostly true” now, needs at most “partly true”
    - The CX management model is being integrated into HR, finance, marketing and quality
        CX model across the functions (function_integration): “mostly not true” now, needs at least “partly true”
  Level 4 “Towards analysis”: 2 of 4 criteria hold
    - Customer experiences are analysed with planning, analysing and forecasting capabilities
        Analysis of customer experiences (analytics_use): not answered yet, needs at least “mostly true”
    - Everyone communicates openly and sincerely
        Cooperation and open communication (collaboration): “partly true” now, needs at least “mostly true”
  Unmet conditions in all: 10.
  A question not answered yet counts as unmet until it is answered.
"""


LEVEL_1_LT = """\
UAB Pavyzdys: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“
Už orientaciją į klientą atsako paskirtas asmuo ar projektų grupės; dirbama pagal parengtus procesus ir standartus, formuojama į klientą orientuota strategija su darbo planais ir kokybės stebėsena. 3 lygio („Super strategija“) kriterijų jau tenkinama: 1 iš 8.
Rezultatas preliminarus: jį dar gali pakeisti atsakymai į 1 klausimą.

Kaip nustatytas 1 lygis („Žema organizacijos branda“)
  1 lygis („Žema organizacijos branda“) – nuo jo pradeda kiekviena organizacija.
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


def test_why_at_the_concluded_level_tells_the_same_levels(runner, profile: str) -> None:
    whole = runner.invoke(cli, ["why", profile]).output
    at_level = runner.invoke(cli, ["why", profile, "--level", "2"]).output
    levels = whole.split("\n\n")[1].split("\n", 1)[1]
    assert at_level.split("\n\n")[1].split("\n", 1)[1] == levels + "\n"


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
    assert any(edge and edge.group(2) == '"diagnostic:stuck_at_level_2"' for edge in edges)


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


# --- what a consultant reads aloud -------------------------------------------------------------------

def _why_texts(runner):
    """`why` text (and `why --level N` for every level) on every example, in every language."""
    for example in examples():
        for lang in MODEL.languages:
            for extra in ([], *(["--level", str(n)] for n in LEVELS)):
                result = runner.invoke(cli, ["why", str(example), "--lang", lang, *extra])
                assert result.exit_code == 0, result.output
                yield example.name, lang, extra, result.output


def test_no_why_text_shows_an_operator_or_a_rule_name(runner) -> None:
    rule_names = [r.name for r in MODEL.rules.rules]
    for name, lang, extra, text in _why_texts(runner):
        assert ">=" not in text and "<=" not in text, (name, lang, extra)
        assert not [r for r in rule_names if r in text], (name, lang, extra)
        assert "Article: as in step" not in text and "criteria_level_" not in text


# The article's sentences about what is missing at level 1 or at a stuck level 2: a criterion that holds is
# never read out with them (as if "…it is only rhetoric" were said of a client whose orientation is practised).
def level_1_sentences(lang: str) -> list[str]:
    said = [MODEL.level(1).source(lang), MODEL.level(1).description(lang),
            MODEL.rules.rule("ind_staff_cooperate").cites(lang)]  # the article tells cooperation by its absence
    said += [f.source(lang) for f in MODEL.facts.values() if f.article_level == "1"]
    return [s.strip().strip("„“\"").rstrip(".") for s in said]


def test_a_criterion_that_holds_is_never_read_out_with_a_level_1_sentence(runner) -> None:
    for lang in MODEL.languages:
        for example in examples():
            text = runner.invoke(cli, ["why", str(example), "--lang", lang]).output
            for sentence in level_1_sentences(lang):
                assert sentence not in text, (example.name, lang, sentence)
            assert "rhetoric" not in text and "retorika" not in text
    # every level reached is told with the sentence that describes it
    text = runner.invoke(cli, ["why", str(EXAMPLES / "insurer_level5.json")]).output
    for n in LEVELS[1:]:
        assert quoted(MODEL, MODEL.level(n).source("en"), "en") in text


def test_each_article_sentence_and_each_unanswered_question_is_said_once(runner) -> None:
    from branda.expert.profile import load_profile

    for example in examples():
        unknown = [f for f in MODEL.facts if f not in load_profile(MODEL, example).facts]
        for lang in MODEL.languages:
            text = runner.invoke(cli, ["why", str(example), "--lang", lang]).output
            quotes = [line.strip() for line in text.splitlines() if line.strip().startswith(MODEL.text("article", lang))]
            assert len(quotes) == len(set(quotes)), (example.name, lang)
            for fact in unknown:
                assert text.count(MODEL.facts[fact].label(lang)) == 1, (example.name, lang, fact)


def test_why_at_level_1_says_what_already_holds_and_what_is_missing(runner) -> None:
    text = runner.invoke(cli, ["why", str(EXAMPLES / "startup_partial.yaml")]).output
    towards = text.split("\nTowards level 2 ")[1].split("\n\n")[0]
    assert "  Already holds:\n" in towards and "  Still missing:\n" in towards
    assert MODEL.rules.rule("ind_customer_focus_practised").title("en") + ": " in towards
    label = MODEL.facts["process_standardisation"].label("en")
    assert f"{label} (process_standardisation): not answered yet, needs at least “partly true”" in towards


def test_why_not_names_each_failing_condition_label_first_in_lithuanian(runner, profile: str) -> None:
    text = runner.invoke(cli, ["why", profile, "--level", "3", "--lang", "lt"]).output
    label = MODEL.facts["strategy_alignment"].label("lt")
    assert f"        {label} (strategy_alignment): dabar „greičiau netiesa“, turi būti bent „greičiau tiesa“\n" in text
    assert "Kodėl ne 3 lygis („Super strategija“)" in text


def test_an_answer_that_could_change_the_result_is_said_in_words(runner, profile: str) -> None:
    text = runner.invoke(cli, ["why", profile]).output
    assert "(analytics_use): an answer of at least “mostly true” could change the result\n" in text
    assert "      on its own, an answer of at least “mostly true” would mean: “Uneven profile” is raised\n" in text
    assert not re.search(r"an answer of \d", text)


# --- what the reviewer heard read aloud (issue 10, second reading) -------------------------------------------

@pytest.mark.parametrize(("lang", "heading", "line"), [
    ("en", "Incomplete profile: other unanswered questions that, together, could change the result",
     "  - Information for decisions (information_access): matters if the answer is at least “mostly true”"),
    ("lt", "Neišsamus profilis: kiti neatsakyti klausimai, kurių atsakymai kartu galėtų pakeisti rezultatą",
     "  - Informacija sprendimams priimti (information_access): reikšmingas atsakymas bent „greičiau tiesa“"),
])
def test_questions_that_change_the_result_only_together_say_so_once(runner, lang, heading, line) -> None:
    text = runner.invoke(cli, ["why", str(EXAMPLES / "startup_partial.yaml"), "--lang", lang]).output
    unknowns = text.split(f"\n{heading}\n")[1]
    assert unknowns.startswith("  - ")
    assert f"\n{line}\n" in f"\n{unknowns}"
    assert "could change the result" not in unknowns and "galėtų pakeisti rezultatą" not in unknowns
    assert "None of these" not in text and "Nė vienas iš šių" not in text


@pytest.mark.parametrize("lang", MODEL.languages)
def test_level_1_is_introduced_once(runner, lang) -> None:
    start = {"en": "where every organisation starts", "lt": "pradeda kiekviena organizacija"}[lang]
    for example in ("startup_partial.yaml", "logistics_level1.yaml", "manufacturer_uneven.yaml"):
        for extra in ([], ["--level", "1"]):
            text = runner.invoke(cli, ["why", str(EXAMPLES / example), "--lang", lang, *extra]).output
            assert text.count(start) == 1, (example, extra)
    # above level 1 the opening says what the level means, and the chain starts at the floor
    text = runner.invoke(cli, ["why", str(EXAMPLES / "bank_level3.toml"), "--lang", lang]).output
    assert text.count(start) == 1


def _quotes(text: str, lang: str) -> list[str]:
    marks = "„“" if lang == "lt" else "“”"
    article = MODEL.text("article", lang) + ": "
    return [line.strip()[len(article):].strip(marks).rstrip(".").casefold()
            for line in text.splitlines() if line.strip().startswith(article)]


@pytest.mark.parametrize("lang", MODEL.languages)
def test_no_article_quote_repeats_part_of_another(runner, lang) -> None:
    for example in examples():
        quotes = _quotes(runner.invoke(cli, ["why", str(example), "--lang", lang]).output, lang)
        for i, q in enumerate(quotes):
            assert not [o for o in quotes[:i] if q in o or o in q], (example.name, lang, q)
    # the level-4 sentence holds the IT criterion's: it is quoted once, as the level's
    text = runner.invoke(cli, ["why", str(EXAMPLES / "telecom_level4.yaml"), "--lang", lang]).output
    assert quoted(MODEL, MODEL.level(4).source(lang), lang) in text
    assert quoted(MODEL, MODEL.rules.rule("ind_it_investment").cites(lang), lang) not in text


@pytest.mark.parametrize("lang", MODEL.languages)
def test_a_criterion_is_not_read_out_with_a_quote_that_only_restates_it(runner, profile: str, lang) -> None:
    text = runner.invoke(cli, ["why", profile, "--lang", lang]).output
    title = MODEL.rules.rule("ind_standards_followed").title(lang)
    block = text.split(f"    - {title}: ")[1].split("\n    - ")[0]
    assert MODEL.text("article", lang) not in block
    # a citation that adds something stays beside its criterion
    strategy = text.split("    - " + MODEL.rules.rule("ind_strategy_in_place").title(lang) + ": ")[1].split("\n    - ")[0]
    assert quoted(MODEL, MODEL.rules.rule("ind_strategy_in_place").cites(lang), lang) in strategy


@pytest.mark.parametrize(("lang", "inner"), [("en", "‘super-strategy’"), ("lt", "‚super-strategija‘")])
def test_a_quote_inside_a_quote_takes_single_marks(runner, lang, inner) -> None:
    text = runner.invoke(cli, ["why", str(EXAMPLES / "bank_level3.toml"), "--lang", lang]).output
    assert inner in text
    article = MODEL.text("article", lang) + ": "
    for line in text.splitlines():
        if line.strip().startswith(article):
            body = line.strip()[len(article) + 1:-1]
            assert not set(body) & set("„“”\""), line


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "Criteria of higher levels that already hold (a level counts only once every level below it is reached too)"),
    ("lt", "Aukštesnių lygių kriterijai, kurie jau tenkinami (lygis įskaitomas tik tada, kai pasiekti ir visi žemesni "
           "lygiai)"),
])
def test_criteria_above_the_next_level_are_not_called_levels_that_hold(runner, profile: str, lang, heading) -> None:
    text = runner.invoke(cli, ["why", profile, "--lang", lang]).output
    assert f"\n{heading}\n" in text


def test_the_level_5_quote_names_no_one_the_client_does_not_know(runner) -> None:
    text = runner.invoke(cli, ["why", str(EXAMPLES / "insurer_level5.json"), "--lang", "lt"]).output
    assert "Straipsnis: „paprastai klientų lūkesčiai viršijami“" in text
    assert "Pocien" not in text
