"""What-if: a consultant tries changes on a profile and sees before and after side by side; the file stays as it was.

Golden files: tests/golden/whatif_<case>_<lang>.txt. After a deliberate change to the rules or the texts,
regenerate them and read the diff:

    BRANDA_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_whatif.py -q -k golden
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLES, MODEL, ROOT, assert_golden
from conftest import STUCK_AT_LEVEL_2 as LEVEL_2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branda.cli import cli
from branda.expert import summary, words
from branda.expert.assess import assess
from branda.expert.profile import Profile, load_profile
from branda.expert.serialize import assessment_json
from branda.expert.whatif import Scenario, compare
from branda.rules.fast import evaluate

RETAILER = EXAMPLES / "retailer_stuck_level2.yaml"
FACTS = list(MODEL.facts)


SCENARIO = """\
name: Long-term focus
changes:
  quick_wins_focus: 2
  internal_alignment: 4
"""


def whatif_json(runner, *args: str):
    result = runner.invoke(cli, ["whatif", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- the baseline is only read -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--set", "quick_wins_focus=2"], ["--set", "cx_ownership="],
                                  ["--scenario", "SCENARIO"], ["--format", "json", "--set", "empowerment=5"]])
def test_whatif_never_changes_the_baseline_file(runner, write_profile, args):
    baseline = write_profile(LEVEL_2)
    scenario = write_profile(SCENARIO, "scenario.yaml")
    before = baseline.read_bytes(), baseline.stat().st_mtime_ns
    result = runner.invoke(cli, ["whatif", str(baseline), *[str(scenario) if a == "SCENARIO" else a for a in args]])
    assert result.exit_code == 0, result.output
    assert (baseline.read_bytes(), baseline.stat().st_mtime_ns) == before


def test_after_is_exactly_the_assessment_of_the_changed_profile(runner, write_profile):
    baseline = write_profile(LEVEL_2)
    data = whatif_json(runner, str(baseline), "--set", "quick_wins_focus=2", "--set", "internal_alignment=4")
    profile = load_profile(MODEL, baseline)
    changed = profile.with_facts({"quick_wins_focus": 2, "internal_alignment": 4})
    assert data["before"] == assessment_json(assess(MODEL, profile))
    assert data["after"] == assessment_json(assess(MODEL, changed))
    assert data["changes"] == {"quick_wins_focus": [5, 2], "internal_alignment": [2, 4]}


def test_the_conclusions_gained_and_lost_are_the_difference_of_the_firings(runner, write_profile):
    data = whatif_json(runner, str(write_profile(LEVEL_2)), "--set", "quick_wins_focus=2",
                       "--set", "internal_alignment=4")

    def concluded(side: str) -> set[str]:
        found = set()
        for firing in data[side]["explanation"]:
            c = firing["concludes"]
            found.update(c if isinstance(c, list) else [c])
        return found

    assert set(data["conclusions"]["gained"]) == concluded("after") - concluded("before")
    assert set(data["conclusions"]["lost"]) == concluded("before") - concluded("after")
    assert "diagnostic:stuck_at_level_2" in data["conclusions"]["lost"]
    assert "indicator:long_term_focus" in data["conclusions"]["gained"]


def test_making_a_fact_unknown_is_a_change_too(runner, write_profile):
    data = whatif_json(runner, str(write_profile(LEVEL_2)), "--set", "cx_ownership=?")
    assert data["changes"] == {"cx_ownership": [5, None]}
    assert (data["before"]["level"], data["after"]["level"]) == (2, 1)
    assert "reached:2" in data["conclusions"]["lost"]


profiles = st.dictionaries(st.sampled_from(FACTS), st.integers(MODEL.low, MODEL.high), max_size=len(FACTS))
changes = st.dictionaries(st.sampled_from(FACTS), st.none() | st.integers(MODEL.low, MODEL.high), min_size=1,
                          max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=profiles, change=changes)
def test_whatif_leaves_the_profile_alone_and_after_matches_the_rules(facts, change):
    profile = Profile(facts=dict(facts), organisation="X")
    snapshot = dict(profile.facts)
    result = compare(MODEL, profile, Scenario("s", change, "s"))
    changed = {k: v for k, v in {**facts, **change}.items() if v is not None}
    assert dict(profile.facts) == snapshot
    assert result.before.level == evaluate(MODEL.rules, facts)[0]
    assert result.after.level == evaluate(MODEL.rules, changed)[0]
    assert set(result.gained).isdisjoint(result.lost)
    assert result.changes == {k: (facts.get(k), v) for k, v in change.items()}


# --- scenario files ----------------------------------------------------------------------------------


def test_a_scenario_file_is_named_in_the_json(runner, write_profile):
    data = whatif_json(runner, str(write_profile(LEVEL_2)), "--scenario", str(write_profile(SCENARIO, "s.yaml")))
    assert data["scenario"] == "Long-term focus"
    assert data["changes"] == {"quick_wins_focus": [5, 2], "internal_alignment": [2, 4]}


def test_several_scenarios_give_a_list_with_the_same_before(runner, write_profile):
    one = write_profile(SCENARIO, "one.yaml")
    two = write_profile("changes:\n  cx_ownership: 2\n", "ownership_lost.yaml")
    data = whatif_json(runner, str(write_profile(LEVEL_2)), "--scenario", str(one), "--scenario", str(two))
    assert [item["scenario"] for item in data] == ["Long-term focus", "ownership_lost"]
    assert data[0]["before"] == data[1]["before"]
    assert [item["after"]["level"] for item in data] == [2, 1]


def test_set_and_scenarios_compare_as_columns(runner, write_profile, tmp_path):
    result = runner.invoke(cli, ["whatif", str(write_profile(LEVEL_2)), "--set", "cx_ownership=1",
                                 "--scenario", str(write_profile(SCENARIO, "s.yaml"))])
    lines = result.output.splitlines()
    assert lines[2].split() == ["before", "with", "your", "changes", "Long-term", "focus"]
    assert "The column “with your changes”" in lines
    assert "Scenario “Long-term focus” (file " + str(tmp_path / "s.yaml") + ")" in lines
    assert '"--set"' not in result.output


@pytest.mark.parametrize("name,text,problem", [
    ("s.yaml", "name: x\nchange:\n  cx_ownership: 4\n",
     "unknown top-level key 'change' (did you mean 'changes'?); allowed: name, changes"),
    ("s.yaml", "changes:\n  cx_ownersip: 4\n", "'cx_ownersip' is not a known fact (did you mean 'cx_ownership'?)"),
    ("s.yaml", "changes:\n  cx_ownership: 7\n", "fact 'cx_ownership' has value 7"),
    ("s.yaml", "changes:\n  cx_ownership: high\n", "fact 'cx_ownership' has value 'high'"),
    ("s.yaml", "name: x\n", "'changes' must be a non-empty mapping"),
    ("s.yaml", "changes: {}\n", "'changes' must be a non-empty mapping"),
    ("s.yaml", "- cx_ownership: 4\n", "a scenario must be a mapping"),
    ("s.yaml", "", "the file is empty"),
    ("s.yaml", "changes:\n  cx_ownership: 4\n  cx_ownership: 5\n", "not valid YAML"),
    ("s.yaml", "name: [1]\nchanges:\n  cx_ownership: 4\n", "'name' has value a list; allowed: text"),
    ("s.txt", "changes:\n  cx_ownership: 4\n", "unsupported file type '.txt'"),
])
def test_a_bad_scenario_file_exits_2_with_one_line_naming_the_file(runner, write_profile, name, text, problem):
    baseline = write_profile(LEVEL_2)
    scenario = write_profile(text, name)
    result = runner.invoke(cli, ["whatif", str(baseline), "--scenario", str(scenario)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"branda: error: {scenario}: ")
    assert problem in lines[0]


@pytest.mark.parametrize("args,problem", [
    ([], "whatif needs the changes to try: --set NAME=VALUE (repeatable) or --scenario FILE"),
    (["--set", "cx_ownership"], "--set cx_ownership: expected NAME=VALUE"),
    (["--set", "ownership=4"], "'ownership' is not a known fact (did you mean 'cx_ownership'?)"),
    (["--set", "cx_ownership=9"], "fact 'cx_ownership' has value 9"),
    (["--scenario", "missing.yaml"], "missing.yaml: cannot read the file"),
])
def test_bad_changes_exit_2_with_one_line(runner, write_profile, args, problem):
    result = runner.invoke(cli, ["whatif", str(write_profile(LEVEL_2)), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and problem in result.stderr


def test_a_bad_baseline_profile_exits_2(runner, write_profile):
    result = runner.invoke(cli, ["whatif", str(write_profile("facts:\n  cx_ownership: 6\n")), "--set",
                                 "cx_ownership=4"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "fact 'cx_ownership' has value 6" in result.stderr


# --- what the consultant reads -----------------------------------------------------------------------


def test_the_text_shows_before_and_after_side_by_side(runner, write_profile):
    result = runner.invoke(cli, ["whatif", str(write_profile(LEVEL_2)), "--set", "quick_wins_focus=2",
                                 "--set", "internal_alignment=4"])
    lines = result.output.splitlines()
    assert lines[2].split() == ["before", "after"]
    assert lines[3].split() == ["Level", "2", "“In", "one", "pair", "of", "hands”", "2", "“In", "one", "pair", "of",
                                "hands”"]
    stuck = MODEL.diagnostics["stuck_at_level_2"].title("en")
    incomplete = MODEL.diagnostics["incomplete_profile"].title("en")
    assert lines[4].split() == ["Diagnostics", *stuck.split(), *incomplete.split()]  # by title
    assert lines[5].split() == incomplete.split()  # the readiness diagnostic is left to its own row
    assert lines[6].split() == ["Ready", "for", "a", "customer-experience", "not", "yet", "not", "yet"]
    assert lines[7].split() == ["management", "system"]  # a long row label wraps
    said = {v: words.scale_label(MODEL, v, "en") for v in MODEL.scale}
    assert "What if these answers changed:" in lines
    assert f"  - Chasing quick results (quick_wins_focus): {said[5]} → {said[2]}" in lines
    assert f"  + {MODEL.rules.rule('ind_long_term_focus').title('en')}" in lines
    assert not any("stuck_at_level_2" in line or stuck in line for line in lines[6:])  # said once, in the table


def scenario_said(lang: str, fact: str, old: int, new: int) -> str:
    label = summary.inline(words.with_code(MODEL, fact, lang))
    old_said, new_said = words.scale_label(MODEL, old, lang), words.scale_label(MODEL, new, lang)
    if lang == "lt":
        return (f"Kas būtų, jei teiginys „{words.label(MODEL, fact, lang)}“ ({fact}) būtų įvertintas {new_said} "
                f"(dabar – {old_said})?")
    return f"What if {label} were rated {new_said} (now {old_said})?"


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_a_set_names_the_scenario_in_words(runner, lang):
    result = runner.invoke(cli, ["whatif", str(RETAILER), "--set", "complacency=5", "--lang", lang])
    lines = result.output.splitlines()
    assert scenario_said(lang, "complacency", 2, 5) in lines
    assert "--set" not in result.output


BANK = EXAMPLES / "bank_level3.toml"
ECOMMERCE = EXAMPLES / "ecommerce_level4_fallback_risk.yaml"


@pytest.mark.parametrize("lang,said", [
    ("en", "No criterion of any level would change, so the level would stay 3, but the diagnostic “Risk of falling "
           "back” would be raised."),
    ("lt", "Nė vienas lygio kriterijus nepasikeistų, todėl lygis liktų 3, tačiau būtų nustatyta diagnozė „Rizika "
           "sugrįžti į žemesnį lygį“.")])
def test_a_change_that_only_raises_a_diagnostic_says_so_in_words(runner, lang, said):
    lines = runner.invoke(cli, ["whatif", str(BANK), "--set", "complacency=5", "--lang", lang]).output.splitlines()
    assert lines[-1] == said
    assert lines[0].startswith("Scenario for " if lang == "en" else "Scenarijus: ")  # one scenario


@pytest.mark.parametrize("lang,said", [
    ("en", "The diagnostic “Risk of falling back” would no longer be raised"),
    ("lt", "nebebūtų nustatyta diagnozė „Rizika sugrįžti į žemesnį lygį“")])
def test_a_change_that_only_drops_a_diagnostic_says_so_in_words(runner, lang, said):
    out = runner.invoke(cli, ["whatif", str(ECOMMERCE), "--set", "complacency=2", "--lang", lang]).output
    assert said.casefold() in out.casefold() and ("lygis liktų 4" in out or "level would stay 4" in out)


@pytest.mark.parametrize("lang,said", [
    ("en", "Resting on laurels (complacency) is already “fully true”: this setting changes nothing."),
    ("lt", "Užmigimas ant laurų (complacency) jau dabar – „visiškai tiesa“, todėl šis pakeitimas nieko nekeičia.")])
def test_a_setting_that_changes_nothing_is_not_said_as_a_change(runner, lang, said):
    lines = runner.invoke(cli, ["whatif", str(ECOMMERCE), "--set", "complacency=5", "--lang", lang]).output.splitlines()
    assert lines[-1] == said  # and nothing after it: no "no criterion would change" for a change that is none
    assert not any("→" in line or line.startswith(("What if", "Kas būtų")) for line in lines)


def test_a_setting_that_changes_nothing_is_said_apart_from_the_real_changes(runner):
    lines = runner.invoke(cli, ["whatif", str(ECOMMERCE), "--set", "complacency=5",
                                "--set", "touchpoint_data=4"]).output.splitlines()
    details = lines[lines.index("") + 1:]
    details = details[details.index("") + 1:]
    assert details[:2] == [scenario_said("en", "touchpoint_data", 3, 4),
                           "Resting on laurels (complacency) is already “fully true”: this setting changes nothing."]


def test_a_change_with_no_consequence_says_that_nothing_changes(runner):
    lines = runner.invoke(cli, ["whatif", str(BANK), "--set", "complacency=1"]).output.splitlines()
    assert lines[-1] == "No criterion of any level and no diagnostic would change."


def test_several_scenarios_are_headed_in_the_plural(runner):
    scenarios = [str(EXAMPLES / "scenarios" / n) for n in ("analytics.yaml", "scorecard.yaml")]
    result = runner.invoke(cli, ["whatif", str(BANK), "--scenario", scenarios[0], "--scenario", scenarios[1],
                                 "--lang", "lt"])
    assert result.output.startswith("Scenarijai: AB Baltijos taupomasis bankas")


@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("args", [["--set", "complacency=5"], ["--set", "cx_ownership=?", "--set", "empowerment=5"],
                                  ["--set", "quick_wins_focus=2", "--set", "internal_alignment=4"],
                                  [f"--set={k}=4" for k in FACTS[:12]],
                                  ["--scenario", str(EXAMPLES / "scenarios" / "analytics.yaml"),
                                   "--scenario", str(EXAMPLES / "scenarios" / "scorecard.yaml")]])
@pytest.mark.parametrize("example", [RETAILER, EXAMPLES / "bank_level3.toml", EXAMPLES / "startup_partial.yaml"],
                         ids=lambda p: p.stem)
def test_whatif_text_shows_no_operator_and_no_code_but_a_fact_in_brackets_once(runner, example, args, lang):
    result = runner.invoke(cli, ["whatif", str(example), *args, "--lang", lang])
    assert result.exit_code == 0, result.output
    out = result.output.replace(str(example), "")  # the file's name may be anything
    for args_file in (a for a in args if a.endswith(".yaml")):
        out = out.replace(args_file, "")
    assert ">=" not in out and "<=" not in out
    assert re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", re.sub(r"\([a-z_0-9]+\)", "", out)) == []
    for fact in FACTS:
        assert out.count(f"({fact})") <= 1, fact
    if lang == "lt":
        assert "KPV" not in out and "Pasirengta klientų patirties" in out


def test_each_conclusion_gained_or_lost_is_said_once(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = ["whatif", str(RETAILER.relative_to(ROOT)), *GOLDEN_CASES["retailer_super_strategy"]]
    lines = runner.invoke(cli, args).output.splitlines()
    details = lines[lines.index("What if these answers changed:"):]
    listed = [line for line in details if line.startswith(("  + ", "  - ")) and "→" not in line]
    assert len(listed) == len(set(listed))
    level_3 = MODEL.level(3).name("en")
    assert not any(level_3 in line for line in details)  # the level is the table's row, said there
    assert not any(MODEL.diagnostics[code].title("en") in line for code in MODEL.diagnostics for line in details)


GOLDEN_CASES = {
    "retailer_long_term": ["--set", "quick_wins_focus=2", "--set", "internal_alignment=4"],
    "retailer_super_strategy": ["--set", "process_standardisation=4", "--set", "individual_dependence=3",
                                "--set", "strategy_alignment=4", "--set", "internal_alignment=4",
                                "--set", "information_access=4", "--set", "empowerment=4",
                                "--set", "directive_management=3", "--set", "quick_wins_focus=3",
                                "--set", "function_integration=3", "--set", "complacency=4"],
}


@pytest.mark.skipif(not RETAILER.exists(), reason="the bundled retailer example")
@pytest.mark.parametrize("lang", ["en", "lt"])
@pytest.mark.parametrize("case", sorted(GOLDEN_CASES))
def test_whatif_text_matches_its_golden_file(runner, monkeypatch, case, lang):
    monkeypatch.chdir(ROOT)
    args = ["whatif", str(RETAILER.relative_to(ROOT)), *GOLDEN_CASES[case], "--lang", lang]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert_golden(f"whatif_{case}_{lang}.txt", result.output)
