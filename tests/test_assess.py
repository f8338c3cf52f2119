"""`branda assess` as a consultant uses it: exact text and JSON, both languages, several respondents."""

# ruff: noqa: E501 - the expected outputs below are the program's own long lines

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE_FILES, MODEL, ROOT, assert_golden

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
UAB Bandymas: customer-service maturity level 2 of 5, “In one pair of hands”
A responsible person or project groups answer for customer orientation; work follows prepared processes and standards, and a customer-oriented strategy with work plans and quality monitoring is taking shape. Towards level 3 “Super-strategy”, 5 of 8 criteria already hold.

How this level was reached
  Level 1 “Low organisational maturity” is where every organisation starts.
  Level 2 “In one pair of hands”: all its criteria hold (6)
    - Customer orientation is practised, not only talked about: customer orientation in practice – “mostly true”
    - A responsible person or project groups answer for customer orientation: responsibility for customer orientation – “fully true”
    - Work often follows prepared processes and standards: prepared processes and standards – “partly true”
    - Standardising customer processes no longer meets strong resistance: resistance to standardised processes – “mostly not true”
    - A customer-oriented strategy with work plans and quality monitoring is taking shape: customer-oriented strategy – “partly true”
    - Employees cooperate and communication no longer stalls: cooperation and open communication – “partly true”

What stands between this and level 3, “Super-strategy”
  - Prepared processes and standards (process_standardisation): “partly true” now, needs at least “mostly true”
  - Customer strategy as the super-strategy (strategy_alignment): “mostly not true” now, needs at least “mostly true”
  - Internal alignment and market assessment (internal_alignment): “partly true” now, needs at least “mostly true”

Diagnostics
  - Not yet ready for a customer-experience management system
      It is too early for an integrated customer-experience management system: the article places it from level 3.
      Advice: Reach level 3 before introducing an integrated customer-experience management system.
"""


def test_assess_text_reads_aloud_exactly(runner, write_profile):
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2))])
    assert result.exit_code == 0
    assert result.output == EXPECTED_EN


def test_assess_text_in_lithuanian_says_conditions_in_words(runner, write_profile):
    result = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2)), "--lang", "lt"])
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert first == "UAB Bandymas: klientų aptarnavimo brandos lygis 2 iš 5, „Vienose rankose“"
    assert "\nKo trūksta iki 3 lygio („Super strategija“)\n" in result.output
    label = MODEL.facts["strategy_alignment"].label("lt")
    assert f"  - {label} (strategy_alignment): dabar „greičiau netiesa“, turi būti bent „greičiau tiesa“\n" in result.output
    assert "Patarimas. " in result.output  # no capital after a colon (lt-style 4.5)


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
    assert data["respondents"] == ["ceo.yaml", "cfo.yaml", "service.yaml"]  # named by their files
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


# --- what a consultant reads aloud: words, not codes or operators; each thing said once ------------------

def _texts(runner, *args: str):
    """`assess` text for every bundled example in every language of the model, with its assessment."""
    from branda.expert.assess import assess
    from branda.expert.profile import load_profile

    for example in EXAMPLE_FILES:
        a = assess(MODEL, load_profile(MODEL, example), "fast")
        for lang in MODEL.languages:
            result = runner.invoke(cli, ["assess", str(example), "--lang", lang, *args])
            assert result.exit_code == 0, result.output
            yield example.name, lang, a, result.output


def test_no_assess_text_shows_an_operator(runner):
    for name, lang, _, text in _texts(runner):
        assert ">=" not in text and "<=" not in text, (name, lang)


def test_each_diagnostic_title_and_each_unanswered_question_is_said_once(runner):
    seen = set()
    for name, lang, a, text in _texts(runner):
        for d in a.diagnostics:
            assert text.count(MODEL.diagnostics[d.code].title(lang)) == 1, (name, lang, d.code)
            seen.add(d.code)
        for fact in a.unknown_facts:
            assert text.count(f"({fact})") == 1, (name, lang, fact)  # the code once, after its label
            assert text.count(MODEL.facts[fact].label(lang)) == 1, (name, lang, fact)
    assert MODEL.incomplete in seen  # the examples include an incomplete profile


def test_an_incomplete_profile_is_called_provisional_up_front(runner):
    example = next(p for p in EXAMPLE_FILES if p.stem == "startup_partial")
    lines = runner.invoke(cli, ["assess", str(example)]).output.splitlines()
    assert lines[2].startswith("The result is provisional: the answers to ")
    assert "whatever the answer, it could change the result" in "\n".join(lines)  # not "1, 2, 3, 4 or 5"
    assert not any("an answer of 1" in line for line in lines)


def test_readiness_is_said_once(runner):
    """Not ready: the diagnostic says it (no second 'ready: not yet' line); ready: one line says so."""
    for name, lang, a, text in _texts(runner):
        ready_line = MODEL.text("cx_ready", lang, answer=MODEL.text("answer_yes", lang))
        assert text.count(ready_line) == (1 if a.ready else 0), (name, lang)
        assert MODEL.text("cx_ready", lang, answer=MODEL.text("answer_no", lang)) not in text


LEVEL_1_GOOD_PROCESSES = """\
organisation: UAB Procesai
facts:
  customer_focus: 2
  cx_ownership: 2
  process_standardisation: 4
  resistance: 2
  cx_strategy: 3
  collaboration: 3
"""


@pytest.mark.parametrize("lang", MODEL.languages)
def test_a_level_1_client_with_good_processes_is_not_told_its_processes_are_missing(runner, write_profile, lang):
    text = runner.invoke(cli, ["assess", str(write_profile(LEVEL_1_GOOD_PROCESSES)), "--lang", lang]).output
    assert text.splitlines()[0].endswith(MODEL.level(1).name(lang) + ("“" if lang == "lt" else "”"))
    assert MODEL.level(1).description(lang) not in text
    assert MODEL.level(1).source(lang) not in text
    assert "(process_standardisation)" not in text  # it holds for level 2: not a gap
    assert MODEL.text("meaning_start", lang) in text


def said(text: str, fact: str, lang: str, rest: str) -> bool:
    """Whether `text` says `fact` by its label (with its code when this is the first mention), then `rest`."""
    label = MODEL.facts[fact].label(lang)
    return f"{label}: {rest}" in text or f"{label} ({fact}): {rest}" in text


def test_several_respondents_are_named_with_each_answer_and_the_cautious_middle(runner, write_profile):
    a = write_profile("respondent: Rasa Petraitienė, CEO\nfacts: {cx_ownership: 5, quick_wins_focus: 5}\n", "ceo.yaml")
    b = write_profile("facts: {cx_ownership: 2, quick_wins_focus: 2}\n", "cfo.yaml")
    result = runner.invoke(cli, ["assess", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "Respondents (2): Rasa Petraitienė, CEO, cfo.yaml. " in result.output
    # a positive fact: the less mature of 5 and 2 is 2; a symptom: the less mature is 5 (chasing quick results)
    assert said(result.output, "cx_ownership", "en",
                "Rasa Petraitienė, CEO – 5, cfo.yaml – 2; the cautious middle of 2 and 5 is “mostly not true” (2)")
    assert said(result.output, "quick_wins_focus", "en",
                "Rasa Petraitienė, CEO – 5, cfo.yaml – 2; the cautious middle of 2 and 5 is “fully true” (5)")
    assert "median" not in result.output
    data = json.loads(runner.invoke(cli, ["assess", str(a), str(b), "--format", "json"]).output)
    assert data["respondents"] == ["Rasa Petraitienė, CEO", "cfo.yaml"]
    assert next(d for d in data["diagnostics"] if d["code"] == "respondents_disagree")["answers"] == {
        "cx_ownership": [5, 2], "quick_wins_focus": [5, 2]}


def test_three_respondents_take_the_middle_answer_in_lithuanian(runner, write_profile):
    paths = [str(write_profile(f"facts: {{strategy_alignment: {v}}}\n", f"r{i}.yaml")) for i, v in enumerate((2, 5, 4))]
    text = runner.invoke(cli, ["assess", *paths, "--lang", "lt"]).output
    assert said(text, "strategy_alignment", "lt",
                "r0.yaml – 2, r1.yaml – 5, r2.yaml – 4; iš atsakymų 2, 4 ir 5 imamas vidurinis – „greičiau tiesa“ (4)")
    assert "Respondentų: 3 (r0.yaml, r1.yaml, r2.yaml). " in text


def test_two_files_of_one_name_are_told_apart_by_their_paths(runner, tmp_path):
    for folder, value in (("a", 5), ("b", 2)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "answers.yaml").write_text(f"facts: {{cx_ownership: {value}}}\n", encoding="utf-8")
    paths = [str(tmp_path / f / "answers.yaml") for f in "ab"]
    data = json.loads(runner.invoke(cli, ["assess", *paths, "--format", "json"]).output)
    assert data["respondents"] == paths


def test_a_set_on_a_disputed_fact_is_said_beside_the_middle_answer(runner, write_profile):
    a = write_profile("facts: {cx_ownership: 5}\n", "a.yaml")
    b = write_profile("facts: {cx_ownership: 2}\n", "b.yaml")
    text = runner.invoke(cli, ["assess", str(a), str(b), "--set", "cx_ownership=4"]).output
    assert said(text, "cx_ownership", "en", "a.yaml – 5, b.yaml – 2; the cautious middle of 2 and 5 is "
                                            "“mostly not true” (2), but --set makes it “mostly true” (4)")


# --- what the reviewer heard read aloud (issue 10, second reading) -------------------------------------------

# Three answers: level 2 is out of reach (cooperation), so two of the unanswered level-2 questions change nothing.
FEW_ANSWERS = "organisation: UAB Trys\nfacts: {customer_focus: 4, resistance: 3, collaboration: 2}\n"


@pytest.mark.parametrize(("lang", "sentence"), [
    ("en", "The result is provisional: 19 questions are unanswered, and the answers to 16 of them could still change it."),
    ("lt", "Rezultatas preliminarus: neatsakyta į 19 klausimų, o atsakymai į 16 iš jų dar galėtų jį pakeisti."),
])
def test_the_provisional_counts_agree_with_the_questions_listed(runner, write_profile, lang, sentence):
    from branda.expert.assess import assess
    from branda.expert.profile import load_profile

    path = write_profile(FEW_ANSWERS)
    a = assess(MODEL, load_profile(MODEL, path))
    assert (len(a.unknown_facts), len(a.decisive_unknowns)) == (19, 16)
    text = runner.invoke(cli, ["assess", str(path), "--lang", lang]).output
    assert text.splitlines()[2] == sentence
    # every unanswered question is on screen once: the 19 the sentence counts
    assert sum(text.count(f"({fact})") for fact in a.unknown_facts) == 19


def test_a_profile_whose_every_unanswered_question_matters_keeps_one_count(runner):
    example = next(p for p in EXAMPLE_FILES if p.stem == "startup_partial")
    lines = runner.invoke(cli, ["assess", str(example)]).output.splitlines()
    assert lines[2] == "The result is provisional: the answers to 16 questions could still change it."


def test_two_runs_of_answers_read_as_at_most_or_at_least(runner):
    example = next(p for p in EXAMPLE_FILES if p.stem == "startup_partial")
    text = runner.invoke(cli, ["assess", str(example)]).output
    assert ("(internal_alignment): an answer of at most “mostly not true”, or of at least “mostly true”, could change "
            "the result\n") in text
    assert "or more" not in text and "or less" not in text
    lt = runner.invoke(cli, ["assess", str(example), "--lang", "lt"]).output
    assert ("(internal_alignment): rezultatą galėtų pakeisti atsakymas ne daugiau kaip „greičiau netiesa“ arba bent "
            "„greičiau tiesa“\n") in lt


@pytest.mark.parametrize(("lang", "sentence", "advice"), [
    ("en", "3 of the 4 criteria of level 4 “Towards analysis” already hold, while the foundations of levels 2 and 3 "
           "are missing.",
     "Advice: Build the missing lower levels first, one after another: the roadmap shows where to start."),
    ("lt", "4 lygio („Analizės link“) kriterijų jau tenkinama 3 iš 4, tačiau trūksta 2 ir 3 lygio pagrindų.",
     "Patarimas. Pirmiausia, žingsnis po žingsnio, sukurkite trūkstamų žemesnių lygių pagrindus – nuo ko pradėti, "
     "rodo veiksmų planas."),
])
def test_an_uneven_profile_names_what_holds_and_the_missing_levels(runner, lang, sentence, advice):
    example = next(p for p in EXAMPLE_FILES if p.stem == "manufacturer_uneven")
    text = runner.invoke(cli, ["assess", str(example), "--lang", lang]).output
    assert f"      {sentence}\n      {advice}\n" in text


@pytest.mark.parametrize(("lang", "said"), [("en", "(rated “fully true”)"), ("lt", "(įvertinta „visiškai tiesa“)")])
def test_the_fall_back_risk_does_not_repeat_its_own_term(runner, lang, said):
    example = next(p for p in EXAMPLE_FILES if p.stem == "ecommerce_level4_fallback_risk")
    text = runner.invoke(cli, ["assess", str(example), "--lang", lang]).output
    sentence = next(line for line in text.splitlines() if "laur" in line)
    assert said in sentence
    assert MODEL.facts["complacency"].label(lang).lower() not in sentence.lower()


@pytest.mark.parametrize(("lang", "joined"), [
    ("en", "chasing quick results – “fully true”, while internal alignment and market assessment – “mostly not true”."),
    ("lt", "greitų rezultatų siekimas – „visiškai tiesa“, o suderinamumas pačioje bendrovėje ir rinkos situacijos "
           "vertinimas – „greičiau netiesa“."),
])
def test_two_signs_of_being_stuck_are_told_apart(runner, lang, joined):
    example = next(p for p in EXAMPLE_FILES if p.stem == "retailer_stuck_level2")
    text = runner.invoke(cli, ["assess", str(example), "--lang", lang]).output
    assert joined in text


def test_english_labels_take_a_dash_and_verbs_agree_with_their_counts(runner, write_profile):
    text = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2))]).output
    assert "prepared processes and standards – “partly true”" in text
    assert " is “" not in text  # no "standards is “partly true”"
    one = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2.replace("information_access: 4", "information_access: 3")
                                                          .replace("empowerment: 4", "empowerment: 2")
                                                          .replace("function_integration: 3", "function_integration: 2")
                                                          .replace("individual_dependence: 3",
                                                                   "individual_dependence: 4")))]).output
    assert "Towards level 3 “Super-strategy”, 1 of 8 criteria already holds." in one


def test_the_consensus_rule_is_said_once(runner, write_profile):
    a = write_profile("facts: {cx_ownership: 5, quick_wins_focus: 5}\n", "ceo.yaml")
    b = write_profile("facts: {cx_ownership: 2, quick_wins_focus: 2}\n", "cfo.yaml")
    for lang, rule in (("en", "the more cautious one"), ("lt", "kai vidurinių atsakymų du")):
        text = runner.invoke(cli, ["assess", str(a), str(b), "--lang", lang]).output
        assert text.count(rule) == 1, lang  # in the respondents' line, not again in the diagnostic


def test_the_headline_quotes_the_level_name_in_curly_marks(runner, write_profile):
    first = runner.invoke(cli, ["assess", str(write_profile(LEVEL_2))]).output.splitlines()[0]
    assert first.endswith("level 2 of 5, “In one pair of hands”") and '"' not in first
