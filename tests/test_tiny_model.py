"""A consultancy's own model: every command runs on tests/models/tiny, which looks nothing like the article's.

Three levels, a 0-4 scale, one language, other fact names, one diagnostic and no readiness: whatever branda
says about it comes from that folder's data, never from the bundled model.
"""

from __future__ import annotations

import json

import pytest
from conftest import MODEL, ROOT

from branda.cli import cli
from branda.knowledge.model import load_model

TINY_DIR = ROOT / "tests" / "models" / "tiny"
TINY = load_model(TINY_DIR)
EXAMPLE = TINY_DIR / "example.yaml"


def run(runner, *args: str, input: str | None = None):
    result = runner.invoke(cli, ["--model", str(TINY_DIR), *args], input=input)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_the_tiny_model_is_what_its_files_say():
    assert [lv.name("en") for lv in TINY.levels] == ["Ad hoc", "Repeatable", "Measured"]
    assert (TINY.low, TINY.high, TINY.top, TINY.languages) == (0, 4, 3, ("en",))
    assert list(TINY.facts) == ["written_practices", "regular_reviews", "metrics_used", "firefighting"]
    assert list(TINY.diagnostics) == ["slipping"]
    assert TINY.readiness is None and TINY.incomplete is None and TINY.disagree is None
    assert not set(TINY.facts) & set(MODEL.facts)


def test_model_check_and_show(runner):
    result = runner.invoke(cli, ["model", "check", str(TINY_DIR)])
    assert result.exit_code == 0
    assert result.output == (f"{TINY_DIR}: a sound model: 3 levels, 4 facts on a 0-4 scale, 12 rules, "
                             "1 diagnostics, languages en\n")
    data = json.loads(run(runner, "model", "show", "--format", "json").output)
    assert data["directory"] == str(TINY_DIR) and [lv["level"] for lv in data["levels"]] == [1, 2, 3]
    assert data["scale"] == {"0": "never", "1": "rarely", "2": "sometimes", "3": "often", "4": "always"}


def test_assess_reads_the_model_and_its_own_texts(runner):
    out = run(runner, "assess", str(EXAMPLE)).output
    assert out.startswith('Team Alpha: team-practice level 2 of 3, "Repeatable"\n')  # the model's texts.yaml
    assert "Metrics used (metrics_used): “rarely” now, needs at least “often”" in out  # the model's scale words
    assert "CX" not in out and "customer" not in out.lower()  # nothing of the article's model
    data = json.loads(run(runner, "assess", str(EXAMPLE), "--format", "json").output)
    assert data["level"] == 2 and data["level_name"] == "Repeatable"
    assert "cx_system_ready" not in data  # the model has no readiness
    assert [g["fact"] for g in data["why_not_next"]] == ["metrics_used", "firefighting"]


def test_a_value_on_the_scale_of_the_model(runner, tmp_path):
    profile = tmp_path / "zero.yaml"
    profile.write_text("facts:\n  written_practices: 0\n", encoding="utf-8")
    assert json.loads(run(runner, "assess", str(profile), "--format", "json").output)["level"] == 1
    profile.write_text("facts:\n  written_practices: 5\n", encoding="utf-8")
    result = runner.invoke(cli, ["--model", str(TINY_DIR), "assess", str(profile)])
    assert result.exit_code == 2
    assert "allowed: a whole number 0-4, or empty, null or ? for unknown" in result.stderr
    result = runner.invoke(cli, ["--model", str(TINY_DIR), "assess", str(EXAMPLE), "--set", "customer_focus=3"])
    assert result.exit_code == 2 and "is not a known fact" in result.stderr


def test_the_top_level_and_its_diagnostic(runner, tmp_path):
    profile = tmp_path / "top.yaml"
    profile.write_text("facts: {written_practices: 4, regular_reviews: 4, metrics_used: 4, firefighting: 2}\n",
                       encoding="utf-8")
    data = json.loads(run(runner, "assess", str(profile), "--format", "json").output)
    assert data["level"] == 3 and [d["code"] for d in data["diagnostics"]] == ["slipping"]
    assert data["why_not_next"] == []


@pytest.mark.parametrize("args", [["why"], ["why", "--level", "3"], ["why", "--level", "2"],
                                  ["why", "--format", "json"], ["why", "--format", "dot"],
                                  ["why", "--format", "graph-json"],
                                  ["plan"], ["plan", "--format", "json"],
                                  ["whatif", "--set", "metrics_used=4", "--set", "firefighting=0"]])
def test_every_profile_command_runs_on_the_tiny_model(runner, args):
    out = run(runner, args[0], str(EXAMPLE), *args[1:]).output
    assert out.strip()


def test_why_not_and_the_plan_name_the_models_conditions(runner):
    why_not = json.loads(run(runner, "why", str(EXAMPLE), "--level", "3", "--format", "json").output)["why_not"]
    assert [(g["fact"], g["value"], g["needed"], g["level"]) for g in why_not] == [
        ("metrics_used", 1, ">= 3", 3), ("firefighting", 3, "<= 2", 3)]
    plan = json.loads(run(runner, "plan", str(EXAMPLE), "--format", "json").output)
    assert plan["path"] == [2, 3] and plan["minimal_changes"] == [{"metrics_used": 3, "firefighting": 2}]
    result = runner.invoke(cli, ["--model", str(TINY_DIR), "plan", str(EXAMPLE), "--target", "4"])
    assert result.exit_code == 2 and "a level is a whole number 1-3" in result.stderr


def test_whatif_reaches_the_top(runner):
    data = json.loads(run(runner, "whatif", str(EXAMPLE), "--set", "metrics_used=4", "--set", "firefighting=0",
                          "--format", "json").output)
    assert (data["before"]["level"], data["after"]["level"]) == (2, 3)


@pytest.mark.parametrize("fmt", ["text", "dot", "mermaid", "json", "graphml"])
def test_the_graph_has_the_models_levels(runner, fmt):
    out = run(runner, "graph", "--format", fmt).output
    assert "Measured" in out
    if fmt == "json":
        data = json.loads(out)
        assert sorted(n["level"] for n in data["nodes"]) == [1, 2, 3]
        assert sorted((e["source"], e["target"]) for e in data["edges"]) == [(1, 2), (2, 1), (2, 3), (3, 2)]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_facts_lists_the_models_vocabulary_and_scale(runner, fmt):
    out = run(runner, "facts", "--format", fmt).output
    assert "firefighting" in out and "customer_focus" not in out
    if fmt == "json":
        assert json.loads(out)["scale"]["0"] == {"en": "never"}


def test_lang_offers_the_models_languages_only(runner):
    result = runner.invoke(cli, ["--model", str(TINY_DIR), "assess", str(EXAMPLE), "--lang", "lt"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "'lt' is not one of 'en'" in result.stderr


def test_interview_asks_the_models_questions(runner, tmp_path):
    out = tmp_path / "team.yaml"
    result = run(runner, "interview", "--out", str(out), input="Team Beta\n3\n2\n4\n1\n")
    assert f"[written_practices] {TINY.facts['written_practices'].question('en')} (0-4, ? = don't know" \
        in result.output
    assert "0 = never" in result.output
    data = json.loads(run(runner, "assess", str(out), "--format", "json").output)
    assert data["organisation"] == "Team Beta" and data["level"] == 3


def test_batch_on_the_tiny_model(runner, tmp_path):
    survey = tmp_path / "teams.csv"
    survey.write_text("organisation,written_practices,regular_reviews,metrics_used,firefighting\n"
                      "A,3,2,1,3\nB,4,4,4,0\nC,0,0,0,4\n", encoding="utf-8")
    out = tmp_path / "teams.json"
    summary = json.loads(run(runner, "batch", str(survey), "--out", str(out), "--format", "json").output)
    assert [(lv["level"], lv["organisations"]) for lv in summary["levels"]] == [(1, 1), (2, 1), (3, 1)]
    assert [a["level"] for a in json.loads(out.read_text(encoding="utf-8"))] == [2, 3, 1]
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,written_practices\nA,5\n", encoding="utf-8")
    result = runner.invoke(cli, ["--model", str(TINY_DIR), "batch", str(bad)])
    assert result.exit_code == 2 and "allowed: a whole number 0-4" in result.stderr


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_report_on_the_tiny_model(runner, tmp_path, suffix):
    out = tmp_path / f"team{suffix}"
    run(runner, "report", str(EXAMPLE), "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert "Repeatable" in text and "Measured" in text and "customer_focus" not in text


def test_branda_model_env_var_chooses_the_model(runner, monkeypatch):
    monkeypatch.setenv("BRANDA_MODEL", str(TINY_DIR))
    result = runner.invoke(cli, ["assess", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["level_name"] == "Repeatable"


def test_a_folder_that_is_no_model_is_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["--model", str(tmp_path), "assess", str(EXAMPLE)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "model.yaml: (file): is missing" in result.stderr


