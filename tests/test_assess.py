"""`branda assess` as a consultant uses it: exact text and JSON, both languages, several respondents."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE_FILES, ROOT, assert_golden

from branda.cli import cli

LEVEL_2 = """\
organisation: UAB Bandymas
facts:
  customer_focus: 4
  cx_ownership: 5
  process_standardisation: 3
  cx_strategy: 3
  resistance: 2
  collaboration: 3
  individual_dependence: 3
  strategy_alignment: 2
  internal_alignment: 3
  information_access: 4
  empowerment: 4
  directive_management: 2
  quick_wins_focus: 3
  function_integration: 3
  quantitative_goals: 2
  analytics_use: 2
  it_systems: 3
  complacency: 2
  touchpoint_data: 1
  continuous_improvement: 2
  people_development: 3
  expectations_exceeded: 2
"""

EXPECTED_EN = """\
UAB Bandymas: customer-service maturity level 2 of 5, "In one pair of hands"
A responsible person or project groups drive customer orientation; work follows prepared processes and \
standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape.

How this level was reached
  Level 1 is where every organisation starts.
  Level 2 "In one pair of hands": all 6 criteria hold
    - Customer orientation is practised, not only talked about (customer_focus = 4)
    - A responsible person or project groups drive customer orientation (cx_ownership = 5)
    - Work often follows prepared processes and standards (process_standardisation = 3)
    - Employees no longer strongly resist standardised customer processes (resistance = 2)
    - A customer-oriented strategy with work plans and quality monitoring is taking shape (cx_strategy = 3)
    - Employees cooperate and communication no longer stalls (collaboration = 3)

What stands between this and level 3, "Super-strategy"
  - process_standardisation is 3; needs >= 4 (Processes are clearly defined and understood; best practice is in place)
  - strategy_alignment is 2; needs >= 4 (The customer strategy is the super-strategy every other strategy derives from)
  - internal_alignment is 3; needs >= 4 (Divisions are aligned on customers and the market is assessed)

Diagnostics
  - Not yet ready for a CX management system [not_ready_for_cx_system]: The organisation is below level 3; \
the article says an integrated customer-experience management system fits from level 3, and starting one too \
early disappoints managers and employees alike.
      Advice: Reach level 3 before introducing an integrated CX management system.

Ready for an integrated CX management system: not yet
"""


def test_assess_text_reads_aloud_exactly(runner, write_profile):
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2))])
    assert result.exit_code == 0
    assert result.output == EXPECTED_EN


def test_assess_text_in_lithuanian_uses_the_articles_headings(runner, write_profile):
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2)), "--lang", "lt"])
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert first == "UAB Bandymas: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“"
    assert "Kas skiria nuo 3 lygio „Super strategija“" in result.output
    assert "strategy_alignment yra 2; reikia >= 4" in result.output


def test_assess_json_has_the_interface_keys(runner, write_profile):
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2)), "--format", "json"])
    data = json.loads(result.output)
    assert list(data)[:8] == ["organisation", "level", "level_name", "cx_system_ready", "diagnostics",
                              "explanation", "why_not_next", "unknown_facts"]
    assert data["level"] == 2 and data["level_name"] == "In one pair of hands"
    assert data["cx_system_ready"] is False
    assert [d["code"] for d in data["diagnostics"]] == ["not_ready_for_cx_system"]
    assert data["why_not_next"] == [
        {"fact": "process_standardisation", "value": 3, "needed": ">= 4"},
        {"fact": "strategy_alignment", "value": 2, "needed": ">= 4"},
        {"fact": "internal_alignment", "value": 3, "needed": ">= 4"},
    ]
    assert data["unknown_facts"] == []
    assert data["explanation"][-2]["rule"] == "conclude_level_2"
    assert data["explanation"][-2]["concludes"] == "level:2"


def test_set_changes_the_level_without_touching_the_file(runner, write_profile):
    path = write_profile(LEVEL_2)
    before = path.read_bytes()
    result = runner.invoke(cli, ["assess", str(path), "--format", "json", "--set", "process_standardisation=4",
                                 "--set", "strategy_alignment=4", "--set", "internal_alignment=4"])
    assert json.loads(result.output)["level"] == 3
    assert path.read_bytes() == before


def test_several_respondents_are_combined_by_median_and_disagreement_reported(runner, write_profile):
    a = write_profile(LEVEL_2, "ceo.yaml")
    b = write_profile(LEVEL_2.replace("strategy_alignment: 2", "strategy_alignment: 5")
                      .replace("quick_wins_focus: 3", "quick_wins_focus: 4"), "cfo.yaml")
    c = write_profile(LEVEL_2.replace("strategy_alignment: 2", "strategy_alignment: 4"), "service.yaml")
    result = runner.invoke(cli, ["assess", str(a), str(b), str(c), "--format", "json"])
    data = json.loads(result.output)
    disagree = [d for d in data["diagnostics"] if d["code"] == "respondents_disagree"]
    assert disagree == [{"code": "respondents_disagree", "title": "Respondents disagree", "message": disagree[0]["message"],
                         "facts": {"strategy_alignment": 4}, "rules": [],
                         "answers": {"strategy_alignment": [2, 5, 4]}}]
    assert data["respondents"] == [str(a), str(b), str(c)]
    # quick_wins_focus 3, 4, 3: one point apart is not a disagreement; the median is 3
    assert "quick_wins_focus" not in disagree[0]["answers"]


def test_two_respondents_between_answers_take_the_more_cautious_one(runner, write_profile):
    a = write_profile("facts: {cx_ownership: 5, resistance: 1}", "a.yaml")
    b = write_profile("facts: {cx_ownership: 2, resistance: 4}", "b.yaml")
    data = json.loads(runner.invoke(cli, ["assess", str(a), str(b), "--format", "json"]).output)
    answers = next(d for d in data["diagnostics"] if d["code"] == "respondents_disagree")
    assert answers["facts"] == {"cx_ownership": 2, "resistance": 4}


@pytest.mark.parametrize("engine", ["experta", "fast"])
def test_both_engines_give_the_same_assessment(runner, write_profile, engine):
    reference = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2)), "--format", "json"]).output
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2)), "--format", "json", "--engine", engine])
    assert result.output == reference


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_assess_output_on_every_example_matches_its_golden_file(runner, monkeypatch, example, lang, fmt):
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, ["assess", str(example.relative_to(ROOT)), "--lang", lang, "--format", fmt])
    assert result.exit_code == 0
    assert_golden(f"assess_{example.stem}_{lang}.{'txt' if fmt == 'text' else 'json'}", result.output)
