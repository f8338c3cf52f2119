"""The transition graph a consultant reads: the levels, moves between neighbours, fall-backs, the risk, actions in order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from conftest import EXAMPLES, MODEL, ROOT

from branda.cli import cli
from branda.expert import words
from branda.expert.transitions import action_waves, crossing_words, prerequisite_dag, transition_graph
from branda.knowledge.loader import KnowledgeError
from branda.knowledge.model import BUNDLED
from branda.knowledge.transitions import load_transitions

TRANSITIONS_FILE = BUNDLED / "transitions.yaml"

ARTICLE = ROOT / "tests" / "domain" / "source-article.lt.txt"
LEVELS = list(MODEL.rules.levels)  # 1..top
ABOVE_ONE = LEVELS[1:]  # every level a move reaches, and every level that can fall back
FORWARD = [(n, n + 1) for n in LEVELS[:-1]]
FALLBACK = [(n, n - 1) for n in ABOVE_ONE]
RISK_RULE = next(d for d in MODEL.rules.diagnostics if d.code == MODEL.transitions.risk.diagnostic)
RISK_FACTS = {c.fact for c in RISK_RULE.when}


def edges_of(g: nx.DiGraph, kind: str) -> list[tuple[int, int]]:
    return sorted((u, v) for u, v, d in g.edges(data=True) if d["kind"] == kind)


# --- the graph ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_the_graph_has_the_five_levels_with_their_names(lang):
    g = transition_graph(MODEL, lang)
    kb = MODEL
    assert sorted(g.nodes) == LEVELS
    for n, data in g.nodes(data=True):
        assert data["level"] == n and isinstance(data["level"], int)
        assert (data["name"], data["name_en"], data["name_lt"]) == (
            kb.level(n).name(lang), kb.level(n).name.by_lang["en"], kb.level(n).name.by_lang["lt"])


def test_forward_edges_join_only_neighbours_and_every_level_above_one_can_fall_back():
    g = transition_graph(MODEL)
    assert edges_of(g, "forward") == FORWARD
    assert edges_of(g, "fallback") == FALLBACK
    assert g.number_of_edges() == len(FORWARD) + len(FALLBACK)


@pytest.mark.parametrize("start,end", FORWARD)
def test_a_forward_move_requires_exactly_the_rule_conditions_of_the_level_it_reaches(start, end):
    requires = transition_graph(MODEL).edges[start, end]["requires"]
    from_rules = [(c.fact, c.needed, r.name) for r, c in MODEL.rules.conditions_of(end)]
    assert [(x["fact"], x["needed"], x["rule"]) for x in requires] == from_rules


@pytest.mark.parametrize("start,end", FORWARD)
def test_a_forward_move_carries_the_articles_actions_for_it_in_both_languages(start, end):
    actions = transition_graph(MODEL, "lt").edges[start, end]["actions"]
    expected = MODEL.transitions.actions_to(end)
    assert sorted(a["id"] for a in actions) == sorted(a.id for a in expected)
    for item in actions:
        action = next(a for a in expected if a.id == item["id"])
        assert (item["text"], item["text_en"], item["cites_lt"]) == (
            action.text.by_lang["lt"], action.text.by_lang["en"], action.cites.by_lang["lt"])


@pytest.mark.parametrize("level", ABOVE_ONE)
def test_a_fall_back_is_triggered_when_any_condition_of_the_level_lapses(level):
    triggers = transition_graph(MODEL).edges[level, level - 1]["triggers"]
    assert [(t["kind"], t["condition"], t["rule"]) for t in triggers] == [
        ("lapse", str(c), r.name) for r, c in MODEL.rules.conditions_of(level)]


@pytest.mark.parametrize("level", ABOVE_ONE)
def test_a_fall_back_edge_carries_no_complacency_condition(level):
    """The engine keeps the level and only warns of the risk (regression_risk): no edge may say otherwise."""
    triggers = transition_graph(MODEL).edges[level, level - 1]["triggers"]
    assert all(t["kind"] == "lapse" for t in triggers)
    own = {c.fact for _, c in MODEL.rules.conditions_of(level)}
    assert {t["fact"] for t in triggers} & (RISK_FACTS - own) == set()


@pytest.mark.parametrize("level", LEVELS)
def test_the_risk_is_marked_on_the_levels_of_the_risk_rule_and_stressed_where_the_article_says(level):
    risks = transition_graph(MODEL, "lt").nodes[level]["risks"]
    if level in RISK_RULE.at_levels:
        assert [(t["condition"], t["rule"], t["diagnostic"]) for t in risks] == [
            (str(c), RISK_RULE.name, RISK_RULE.code) for c in RISK_RULE.when]
        assert [t["stressed"] for t in risks] == [level == MODEL.transitions.risk.stressed_at] * len(risks)
        assert risks[0]["title"] == MODEL.diagnostics[RISK_RULE.code].title("lt")
    else:
        assert risks == []
    assert (sorted(RISK_RULE.at_levels), MODEL.transitions.risk.stressed_at) == ([3, 4, 5], 4)  # the article


CONDITIONS = [(n, c) for n in ABOVE_ONE for _, c in MODEL.rules.conditions_of(n)]


@pytest.mark.parametrize("level,condition", CONDITIONS, ids=[f"{n}-{c}" for n, c in CONDITIONS])
def test_a_lapse_names_in_words_the_first_answer_that_breaks_the_condition(level, condition):
    said = crossing_words(MODEL, condition, "en")
    broken = [v for v in MODEL.rules.scale if not condition.holds(v)]
    first = max(broken) if condition.op == ">=" else min(broken)
    verb = "falls" if condition.op == ">=" else "rises"
    assert said == f"{words.label(MODEL, condition.fact, 'en')}: the answer {verb} to " \
                   f"{words.scale_label(MODEL, first, 'en')}"
    assert not condition.holds(first) and condition.holds(first + (1 if condition.op == ">=" else -1))


def test_a_lapse_is_the_opposite_of_the_condition_on_the_scale():
    triggers = transition_graph(MODEL).edges[2, 1]["triggers"]
    for t in triggers:
        fact, op, threshold = re.match(r"(\w+) (>=|<=) (\d)", t["when"]).groups()
        condition = next(c for _, c in MODEL.rules.conditions_of(2) if str(c) == t["condition"])
        for value in MODEL.rules.scale:
            pulled = value <= int(threshold) if op == "<=" else value >= int(threshold)
            assert pulled == (not condition.holds(value))


# --- the capability DAG and the actions --------------------------------------------------------------


def test_the_capability_prerequisites_form_a_dag():
    dag = prerequisite_dag(MODEL)
    assert nx.is_directed_acyclic_graph(dag)
    assert set(dag.nodes) == set(MODEL.transitions.capabilities)


@pytest.mark.parametrize("level", ABOVE_ONE)
def test_every_condition_of_a_level_is_addressed_by_an_action_of_the_move_into_it(level):
    caps = MODEL.transitions.capabilities
    addressed = {f for a in MODEL.transitions.actions_to(level) for f in caps[a.capability].facts}
    assert {c.fact for _, c in MODEL.rules.conditions_of(level)} <= addressed


@pytest.mark.parametrize("level", ABOVE_ONE)
def test_the_waves_are_networkx_topological_generations_of_the_prerequisites(level):
    actions = MODEL.transitions.actions_to(level)
    present = {a.capability for a in actions}
    closure = nx.transitive_closure_dag(prerequisite_dag(MODEL))
    generations = [set(g) for g in nx.topological_generations(closure.subgraph(present))]
    assert [{a.capability for a in wave} for wave in action_waves(MODEL.transitions, actions)] == generations


@pytest.mark.parametrize("level", ABOVE_ONE)
def test_no_action_comes_before_an_action_it_needs(level):
    ancestors = {c: nx.ancestors(prerequisite_dag(MODEL), c) for c in MODEL.transitions.capabilities}
    waves = action_waves(MODEL.transitions, MODEL.transitions.actions_to(level))
    assert sum(map(len, waves)) == len(MODEL.transitions.actions_to(level))
    for i, wave in enumerate(waves):
        later = {a.capability for w in waves[i:] for a in w}
        for action in wave:
            assert not ancestors[action.capability] & later, action.id
        if i:  # each later wave has a reason to wait: something it needs is in an earlier wave
            earlier = {a.capability for w in waves[:i] for a in w}
            assert all(ancestors[a.capability] & earlier for a in wave)


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[„“”\"]", "", text).split())


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is in shared/domain beside the checkout")
def test_every_citation_is_verbatim_from_the_lithuanian_article():
    article = normalise(ARTICLE.read_text(encoding="utf-8"))
    tr = MODEL.transitions
    cited = [a.cites.by_lang["lt"] for a in tr.actions] + [tr.risk.cites.by_lang["lt"], tr.lapse.cites.by_lang["lt"]]
    cited += [m.cites.by_lang["lt"] for m in tr.milestones.values()]
    for text in cited:
        assert normalise(text).rstrip(".") in article, text


# --- load-time validation ----------------------------------------------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = TRANSITIONS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "transitions.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


CYCLE = ("  ownership:\n    name: {en: \"ownership of customer orientation\", "
         "lt: \"atsakomybė už orientaciją į klientą\"}\n    facts: [cx_ownership]\n    requires: []")


@pytest.mark.parametrize("old,new,key,problem", [
    (CYCLE, CYCLE.replace("requires: []", "requires: [super_strategy]"), "capabilities.ownership.requires",
     "prerequisite cycle: ownership requires super_strategy"),
    ("requires: [ownership]", "requires: [owner_ship]", "capabilities.customer_orientation.requires[0]",
     "unknown capability 'owner_ship'"),
    ("capability: cooperation", "capability: coop", "actions.unblock_communication.capability",
     "unknown capability 'coop'"),
    ("facts: [touchpoint_data]", "facts: [touchpoints]", "capabilities.touchpoint_data.facts[0]",
     "unknown fact 'touchpoints'"),
    ("    name: {en: \"cooperation\", lt: \"bendradarbiavimas\"}", "    name: {en: \"cooperation\"}",
     "capabilities.cooperation.name.lt", "missing translation"),
    ("  - id: grow_people\n    to: 5", "  - id: grow_people\n    level: 5\n    to: 5",
     f"actions[{[a.id for a in MODEL.transitions.actions].index('grow_people')}].level",
     "unknown key"),
    ("diagnostic: regression_risk", "diagnostic: regresion_risk", "fallbacks.risk.diagnostic",
     "unknown diagnostic code 'regresion_risk'"),
    ("  - id: exceed_expectations\n    to: 5", "  - id: exceed_expectations\n    to: 6",
     "actions.exceed_expectations.to", f"must be a level 2-{MODEL.top}, found 6"),
])
def test_a_broken_transitions_file_is_refused_at_load_naming_the_file_and_key(tmp_path, old, new, key, problem):
    with pytest.raises(KnowledgeError) as caught:
        load_transitions(broken(tmp_path, old, new), MODEL.knowledge)
    assert caught.value.file == "transitions.yaml"  # relative to the model folder
    assert caught.value.key == key
    assert caught.value.problem.startswith(problem)


def test_a_longer_cycle_is_named_in_full(tmp_path):
    path = broken(tmp_path, "requires: [touchpoint_data, continuous_improvement, people_development]",
                  "requires: [touchpoint_data, continuous_improvement, people_development]\n"
                  "  loop:\n    name: {en: a, lt: a}\n    facts: [complacency]\n    requires: [exceeding_expectations]")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    facts: [cx_ownership]\n    requires: []", "    facts: [cx_ownership]\n    requires: [loop]"),
        encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_transitions(path, MODEL.knowledge)
    message = str(caught.value)
    assert "transitions.yaml: capabilities." in message and "prerequisite cycle" in message
    chain = message.split("prerequisite cycle: ")[1].split(" requires ")
    assert chain[0] == chain[-1] and {"ownership", "loop", "exceeding_expectations"} <= set(chain)


# --- the command -------------------------------------------------------------------------------------


def test_graph_prints_a_summary_for_people_by_default(runner):
    result = runner.invoke(cli, ["graph"])
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("The model “Five levels of customer-service maturity”: its levels and the moves between "
                          "them\n")
    assert "graph" not in out.lower()  # a maths word: the client reads levels and moves
    assert "\n5 levels\n  1 Low organisational maturity\n  2 In one pair of hands\n  3 Super-strategy · risk\n" \
           "  4 Towards analysis · risk, above all at this level\n  5 Better than customers expect · risk\n" in out
    assert "Risk of falling back at levels 3, 4 and 5 (the assessment gives a warning, but the level is kept), if:\n" \
           "  - Resting on laurels: the answer rises to “mostly true”\nIt matters most at level 4." in out
    assert '  3 → 4 “Towards analysis” needs:\n    - Quantitative goals (quantitative_goals): at least “mostly true”\n' in out
    assert ("  4 → 3 “Super-strategy”, if any condition of level 4 lapses:\n"
            "    - Quantitative goals: the answer falls to “partly true”\n") in out
    assert "    - Chasing quick results: the answer rises to “mostly true”\n" in out


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_the_graph_text_says_conditions_in_words_and_each_code_once(runner, lang):
    out = runner.invoke(cli, ["graph", "--lang", lang]).output
    assert ">=" not in out and "<=" not in out
    for fact in MODEL.facts:
        assert out.count(f"({fact})") <= 1, fact
    fallbacks = out.split(MODEL.text("graph_fallbacks", lang))[1]
    assert not any(words.label(MODEL, f, lang) in fallbacks for f in RISK_FACTS)  # the risk is no fall-back


def test_graph_speaks_lithuanian(runner):
    out = runner.invoke(cli, ["graph", "--lang", "lt"]).output
    assert out.startswith("Modelis „Penki klientų aptarnavimo brandos lygiai“: lygiai ir perėjimai tarp jų\n")
    assert "  1 → 2 „Vienose rankose“. Ko reikia:\n" in out
    assert "  3 → 2 „Vienose rankose“, jei nustoja galioti bet kuri 3 lygio sąlyga:\n" in out
    assert "    - Greitų rezultatų siekimas: atsakymas pakyla iki „greičiau tiesa“\n" in out
    assert "      1 etapas:\n" in out and "banga" not in out
    assert "\nGebėjimų eilė visame modelyje (tai, kuo gebėjimas remiasi, eina prieš jį)\n  1. " in out
    assert "prielaid" not in out and "grafas" not in out


@pytest.mark.parametrize("lang,heading,wave", [("en", "Order of capabilities across the model", "Wave "),
                                               ("lt", "Gebėjimų eilė visame modelyje", " etapas")])
def test_a_wave_numbers_the_actions_of_one_move_and_the_models_order_is_numbered_apart(runner, lang, heading, wave):
    out = runner.invoke(cli, ["graph", "--lang", lang]).output
    moves, order = out.split("\n" + heading)
    generations = list(nx.topological_generations(prerequisite_dag(MODEL)))
    numbered = [line for line in order.splitlines()[1:] if line]
    assert [line.split(".")[0].strip() for line in numbered] == [str(i) for i in range(1, len(generations) + 1)]
    assert wave not in order  # waves (etapai) are said only inside a move
    assert f"      1{wave}:" in moves or f"      {wave.strip()} 1:" in moves


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
@pytest.mark.parametrize("lang,said", [
    ("en", "If any condition of level 5 lapses, the organisation falls back to level 4:"),
    ("lt", "Jei nustoja galioti bet kuri 5 lygio sąlyga, grįžtama į 4 lygį:")])
def test_a_fall_back_arrow_says_that_any_lapsed_condition_is_enough(runner, fmt, lang, said):
    out = runner.invoke(cli, ["graph", "--format", fmt, "--lang", lang]).output
    edge = next(line for line in out.splitlines() if re.search(r"\bL5 -\.->|\b5 -> 4", line))
    assert said in re.sub(r"\\l {4}|<br/>", " ", edge), edge  # the label's lines joined


def test_graph_json_is_networkx_node_link_data_with_integer_levels(runner):
    result = runner.invoke(cli, ["graph", "--format", "json"])
    data = json.loads(result.output)
    g = nx.node_link_graph(data, edges="edges")
    assert sorted(g.nodes) == LEVELS
    assert all(type(d["level"]) is int for _, d in g.nodes(data=True))
    assert edges_of(g, "forward") == FORWARD and edges_of(g, "fallback") == FALLBACK


def test_graph_json_keeps_codes_beside_the_words(runner):
    data = json.loads(runner.invoke(cli, ["graph", "--format", "json"]).output)
    g = nx.node_link_graph(data, edges="edges")
    need = next(r for r in g.edges[1, 2]["requires"] if r["fact"] == "cx_ownership")
    assert (need["needed"], need["words"], need["label"]) == (">= 4", "at least “mostly true”",
                                                              "Responsibility for customer orientation")
    lapse = next(t for t in g.edges[3, 2]["triggers"] if t["fact"] == "quick_wins_focus")
    assert (lapse["condition"], lapse["when"]) == ("quick_wins_focus <= 3", "quick_wins_focus >= 4")
    assert lapse["words"] == "Chasing quick results: the answer rises to “mostly true”"
    assert [(t["fact"], t["needed"], t["stressed"]) for t in g.nodes[4]["risks"]] == [("complacency", ">= 4", True)]


def test_graph_graphml_parses_back_with_scalar_attributes(runner):
    result = runner.invoke(cli, ["graph", "--format", "graphml", "--lang", "lt"])
    assert result.exit_code == 0
    g = nx.parse_graphml(result.output)
    assert sorted(g.nodes) == sorted(str(n) for n in LEVELS)
    assert [g.nodes[str(n)]["level"] for n in LEVELS] == LEVELS
    assert g.nodes["2"]["name"] == "Vienose rankose"
    assert "cx_ownership >= 4" in g.edges["1", "2"]["requires"]
    assert "complacency" not in g.edges["4", "3"]["triggers"]
    assert g.nodes["4"]["risks"].startswith("complacency >= 4") and g.nodes["4"]["risk_stressed"] is True
    assert g.nodes["2"]["risks"] == "" and g.nodes["3"]["risk_stressed"] is False


DOT_EDGE = re.compile(r'^  (\d+) -> (\d+) \[label="(.*)", style=(\w+)')
MERMAID_EDGE = re.compile(r'^  L(\d+) (-->|-\.->)\|"(.*)"\| L(\d+)$')


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_graph_pictures_draw_the_moves_in_words_and_no_risk_on_a_fall_back(runner, fmt, lang):
    out = runner.invoke(cli, ["graph", "--format", fmt, "--lang", lang]).output
    lines = out.splitlines()
    assert lines[0] == {"dot": "digraph transitions {", "mermaid": "flowchart TB"}[fmt]
    assert ">=" not in out and "<=" not in out and "cx_ownership" not in out
    if fmt == "dot":
        edges = [(int(m[1]), int(m[2]), m[3], m[4] == "dashed") for m in map(DOT_EDGE.match, lines) if m]
    else:
        edges = [(int(m[1]), int(m[4]), m[3], m[2] == "-.->") for m in map(MERMAID_EDGE.match, lines) if m]
    assert sorted((u, v) for u, v, _, back in edges if not back) == FORWARD
    assert sorted((u, v) for u, v, _, back in edges if back) == FALLBACK
    risk_words = {words.label(MODEL, f, lang) for f in RISK_FACTS} | RISK_FACTS | {"complacency"}
    for u, _, label, back in edges:
        assert not back or not any(w in label for w in risk_words), (u, label)
    assert words.label(MODEL, "quantitative_goals", lang) + ":" in out  # short enough to stay on one line


def test_the_dot_picture_marks_the_risk_on_its_levels_and_stresses_level_4(runner):
    lines = runner.invoke(cli, ["graph", "--format", "dot"]).output.splitlines()
    nodes = {int(line.split()[0]): line for line in lines if re.match(r"^  \d+ \[", line)}
    title = MODEL.diagnostics[RISK_RULE.code].title("en")
    for n, line in nodes.items():
        assert (title in line) == (n in RISK_RULE.at_levels), n
        assert ("penwidth=3" in line) == (n == MODEL.transitions.risk.stressed_at), n
    assert "above all" in nodes[4] and "above all" not in nodes[3] + nodes[5]
    assert "rankdir=TB" in lines[1]


def test_graph_refuses_an_unknown_format(runner):
    result = runner.invoke(cli, ["graph", "--format", "png"])
    assert result.exit_code == 2
    assert result.stdout == ""


def test_assessing_never_imports_networkx():
    example = sorted(EXAMPLES.glob("*.y*ml"))[0]
    code = ("import sys; from click.testing import CliRunner; import cli; "
            f"r = CliRunner().invoke(cli.cli, ['assess', {str(example)!r}]); "
            "assert r.exit_code == 0, r.output; print('networkx' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
