"""Several respondents in every command that reads a profile (interface.md, "Several respondents everywhere"):
why, whatif, plan and report combine them as assess does and report where they disagree."""

import json

import pytest
from click.testing import CliRunner

from branda.cli import cli
from tests.conftest import EXAMPLES

RESPONDENTS = sorted(str(p) for p in (EXAMPLES / "respondents").iterdir())


@pytest.fixture
def runner():
    return CliRunner()


def _json(runner, *args):
    result = runner.invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_why_whatif_and_plan_conclude_what_assess_concludes_on_the_same_respondents(runner):
    assessed = _json(runner, "assess", *RESPONDENTS)
    codes = [d["code"] for d in assessed["diagnostics"]]
    assert "respondents_disagree" in codes
    why = _json(runner, "why", *RESPONDENTS)
    assert (why["level"], [d["code"] for d in why["diagnostics"]]) == (assessed["level"], codes)
    assert why["respondents"] == assessed["respondents"]
    whatif = _json(runner, "whatif", *RESPONDENTS, "--set", "complacency=5")
    assert whatif["before"]["level"] == assessed["level"]
    assert [d["code"] for d in whatif["before"]["diagnostics"]] == codes
    plan = _json(runner, "plan", *RESPONDENTS)
    assert plan["from"] == assessed["level"] and plan["path"][0] == assessed["level"]


def test_why_names_the_respondents_and_plan_and_whatif_say_they_disagree(runner):
    why = runner.invoke(cli, ["why", *RESPONDENTS]).output
    assert all(name in why for name in ("Generalinis direktorius", "Finansų direktorė", "Klientų aptarnavimo vadovė"))
    for command in (["plan"], ["whatif", "--set", "complacency=5"]):
        assert "Respondents disagree" in runner.invoke(cli, [command[0], *RESPONDENTS, *command[1:]]).output


def test_the_report_on_several_respondents_shows_who_answered_what(runner, tmp_path):
    out = tmp_path / "board.html"
    assert runner.invoke(cli, ["report", *RESPONDENTS, "--out", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Generalinis direktorius" in text and "median" not in text.lower()


def test_one_bad_respondent_is_named_in_every_command(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("facts:\n  cx_ownership: 9\n", encoding="utf-8")
    for command in (["why"], ["plan"], ["whatif", "--set", "complacency=5"]):
        result = runner.invoke(cli, [command[0], RESPONDENTS[0], str(bad), *command[1:]])
        assert result.exit_code == 2 and str(bad) in result.stderr and RESPONDENTS[0] not in result.stderr
