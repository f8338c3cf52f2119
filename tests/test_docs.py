"""The documentation a consultant reads matches the product: commands, vocabulary and the rules themselves."""

from __future__ import annotations

import json
import re

import pytest
from conftest import EXAMPLE_FILES, EXAMPLES, MODEL, ROOT

from branda.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"branda {command}" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    assert f"`branda {command}" in README


def test_the_readme_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert [c.split("#")[0].strip() for c in commands] == ["make demo", "make test"]


def test_every_fact_of_the_vocabulary_is_in_the_readme():
    for name, fact in MODEL.facts.items():
        assert f"| `{name}` | {fact.polarity} |" in README


def test_the_readme_level_tables_are_the_rules_the_engine_runs():
    documented = dict(re.findall(r"^\| `(ind_\w+)` \| (.+?) \|", README, re.M))
    running = {r.name: ", ".join(f"`{c}`" for c in r.when) for r in MODEL.rules.indicators}
    assert documented == running


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("branda, version ")


def _examples_table() -> dict[str, tuple[int, list[str]]]:
    section = README.split("`examples/` holds a realistic profile", 1)[1].split("\n\n", 2)[1]
    table = {}
    for names, level, codes in re.findall(r"^\| (`.+?`) \| (\d) \| (.+?) \|$", section, re.M):
        for name in re.findall(r"`([^`]+)`", names):
            table[name] = (int(level), [] if codes == "—" else codes.split(", "))
    return table


def test_the_readme_examples_table_is_every_example_profile_with_its_level_and_diagnostics(runner):
    table = _examples_table()
    assert sorted(table) == [p.name for p in EXAMPLE_FILES]
    for path in EXAMPLE_FILES:
        got = json.loads(runner.invoke(cli, ["assess", str(path), "--format", "json"]).output)
        level, codes = table[path.name]
        assert (got["level"], sorted(d["code"] for d in got["diagnostics"])) == (level, sorted(codes)), path.name


def test_the_readme_names_every_examples_subfolder_and_what_it_claims_holds(runner):
    folders = sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir())
    assert folders == ["history", "respondents", "scenarios", "surveys"]
    beside = README.split("Beside them, the README's other examples:", 1)[1].split("\n\n", 1)[0]
    assert all(f"`{name}/" in beside for name in folders)
    # "one client assessed in 2024, 2025 (two respondents) and 2026, falling back from level 4 to 3"
    history = sorted(str(p) for p in (EXAMPLES / "history").iterdir())
    got = json.loads(runner.invoke(cli, ["compare", *history, "--format", "json"]).output)
    assert [t["assessed_on"][:4] for t in got["timeline"]] == ["2024", "2025", "2026"]
    assert [len(t["files"]) for t in got["timeline"]] == [1, 2, 1] and got["fell_back"]
    assert [t["level"] for t in got["timeline"]][-2:] == [4, 3]
    assert "falling back from level 4 to 3" in " ".join(README.split())
    # "three of one hotel group who disagree on four facts"
    respondents = sorted(str(p) for p in (EXAMPLES / "respondents").iterdir())
    got = json.loads(runner.invoke(cli, ["assess", *respondents, "--format", "json"]).output)
    (disagree,) = [d for d in got["diagnostics"] if d["code"] == "respondents_disagree"]
    assert len(respondents) == 3 and len(disagree["facts"]) == 4
    assert "hotel group who disagree on four facts" in " ".join(README.split())
    # "eight organisations from level 1 to level 5, two of them stuck at level 2, one at risk of falling back
    # and one answered only in part"
    result = runner.invoke(cli, ["batch", str(EXAMPLES / "surveys" / "survey.csv"), "--format", "json"])
    summary = json.loads(result.output)
    assert result.exit_code == 0 and summary["organisations"] == 8, summary
    assert {x["level"] for x in summary["levels"] if x["organisations"]} == {1, 2, 3, 4, 5}
    count = {x["code"]: x["organisations"] for x in summary["diagnostics"]}
    assert (count["stuck_at_level_2"], count["regression_risk"], count["incomplete_profile"]) == (2, 1, 1)


def test_the_readme_rules_tables_are_the_rules_as_the_model_holds_them():
    rows = re.findall(r"^\| `(ind_[a-z_0-9]+)` \| ([^|]+) \| ([^|]+) \|$", README, re.M)
    indicators = {r.name: r for n in MODEL.rules.levels for r in MODEL.rules.indicators_of(n)}
    assert sorted(name for name, _, _ in rows) == sorted(indicators)
    for name, conditions, title in rows:
        rule = indicators[name]
        assert conditions.strip() == ", ".join(f"`{c}`" for c in rule.when), name
        assert title.strip() == rule.title("en"), name
