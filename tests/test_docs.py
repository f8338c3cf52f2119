"""The documentation a consultant reads matches the product: commands, vocabulary and the rules themselves."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from cli import cli
from knowledge.loader import knowledge
from rules.model import rulebase

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
    for name, fact in knowledge().facts.items():
        assert f"| `{name}` | {fact.polarity} |" in README


def test_the_readme_level_tables_are_the_rules_the_engine_runs():
    documented = dict(re.findall(r"^\| `(ind_\w+)` \| (.+?) \|", README, re.M))
    running = {r.name: ", ".join(f"`{c}`" for c in r.when) for r in rulebase().indicators}
    assert documented == running


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("branda, version ")
