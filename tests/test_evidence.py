"""Evidence on a fact ({value, evidence, source}): read everywhere a profile is read, kept by the interview,
shown in why and in the report beside the fact; JSON `because` keeps the plain value."""

import json

import pytest
from click.testing import CliRunner

from branda.cli import cli
from branda.expert.interview import load_answers
from branda.expert.profile import load_profile
from tests.conftest import MODEL

PROFILE = """\
organisation: UAB Įrodymai
facts:
  customer_focus: {value: 4, evidence: "Weekly customer-problem reviews since May", source: "Head of service interview"}
  cx_ownership: {value: 2, evidence: "No one appointed yet"}
  process_standardisation: 3
  resistance: 2
  cx_strategy: 3
  collaboration: 3
"""


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "irodymai.yaml"
    path.write_text(PROFILE, encoding="utf-8")
    return path


def test_a_fact_with_evidence_counts_as_its_value(profile):
    p = load_profile(MODEL, profile)
    assert p.facts["customer_focus"] == 4 and p.facts["cx_ownership"] == 2
    (note,) = p.evidence["customer_focus"]
    assert (note.evidence, note.source) == ("Weekly customer-problem reviews since May", "Head of service interview")


@pytest.mark.parametrize("fmt, text", [
    ("json", '{"facts": {"customer_focus": {"value": 4, "evidence": "seen it"}}}'),
    ("toml", '[facts.customer_focus]\nvalue = 4\nevidence = "seen it"\n'),
])
def test_evidence_is_read_from_every_profile_format(tmp_path, fmt, text):
    path = tmp_path / f"p.{fmt}"
    path.write_text(text, encoding="utf-8")
    p = load_profile(MODEL, path)
    assert p.facts == {"customer_focus": 4} and p.evidence["customer_focus"][0].evidence == "seen it"


def test_json_because_holds_the_plain_value(runner, profile):
    data = json.loads(runner.invoke(cli, ["assess", str(profile), "--format", "json"]).output)
    because = {k: v for f in data["explanation"] for k, v in f["because"].items()}
    assert because["customer_focus"] == 4


@pytest.mark.parametrize("fact, says", [
    ("{value: 4, proof: x}", "unknown key 'proof'"),
    ("{evidence: x}", "without 'value'"),
    ("{value: 9, evidence: x}", "has value 9"),
    ("{value: 4, evidence: [a, b]}", "'customer_focus.evidence'"),
])
def test_a_bad_evidence_mapping_is_one_line_naming_the_file_and_the_fact(runner, tmp_path, fact, says):
    path = tmp_path / "bad.yaml"
    path.write_text(f"facts:\n  customer_focus: {fact}\n", encoding="utf-8")
    result = runner.invoke(cli, ["assess", str(path)])
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert str(path) in line and "customer_focus" in line and says in line


@pytest.mark.parametrize("lang, word", [("en", "Evidence: "), ("lt", "Pagrindimas: ")])
def test_why_shows_the_evidence_beside_its_fact(runner, profile, lang, word):
    lines = runner.invoke(cli, ["why", str(profile), "--lang", lang]).output.splitlines()
    notes = [i for i, line in enumerate(lines) if line.strip().startswith(word)]
    assert len(notes) == 2
    assert "Weekly customer-problem reviews since May" in lines[notes[0]] + lines[notes[1]]
    assert any("(cx_ownership)" in lines[i - 1] and "No one appointed yet" in lines[i] for i in notes)


@pytest.mark.parametrize("suffix", ["md", "html"])
def test_the_report_shows_the_evidence_and_its_source(runner, profile, tmp_path, suffix):
    out = tmp_path / f"r.{suffix}"
    assert runner.invoke(cli, ["report", str(profile), "--out", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Head of service interview" in text and "No one appointed yet" in text


def test_a_changed_answer_loses_the_evidence_written_for_the_old_one(runner, profile):
    output = runner.invoke(cli, ["why", str(profile), "--set", "cx_ownership=4"]).output
    assert "No one appointed yet" not in output and "Weekly customer-problem reviews" in output


def test_several_respondents_each_note_is_kept_with_who_gave_it(runner, tmp_path):
    ceo, cfo = tmp_path / "ceo.yaml", tmp_path / "cfo.yaml"
    ceo.write_text("respondent: CEO\nfacts:\n  cx_ownership: {value: 5, evidence: Head of CX since March}\n",
                   encoding="utf-8")
    cfo.write_text("respondent: CFO\nfacts:\n  cx_ownership: {value: 4, evidence: the budget is approved}\n",
                   encoding="utf-8")
    output = runner.invoke(cli, ["why", str(ceo), str(cfo)]).output
    assert "Head of CX since March (given by CEO)" in output and "the budget is approved (given by CFO)" in output


def test_the_interview_keeps_evidence_typed_after_two_slashes(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    typed = ["UAB Acme", "4 // appointed in March", "? //  no data yet ", "q"]
    result = runner.invoke(cli, ["interview", "--out", "acme.yaml"], input="".join(f"{t}\n" for t in typed))
    assert result.exit_code == 0, result.output
    answers = load_answers(MODEL, tmp_path / "acme.yaml")
    (first, second) = list(answers.facts)
    assert answers.facts[first] == 4 and answers.facts[second] is None
    assert answers.notes == {first: "appointed in March", second: "no data yet"}
    p = load_profile(MODEL, tmp_path / "acme.yaml")  # the file is a profile every command reads
    assert p.facts[first] == 4 and p.evidence[first][0].evidence == "appointed in March"
