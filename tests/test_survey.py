"""A consultant sends a questionnaire to several people per client and assesses the form tool's export at once:
`branda survey template`, then `branda batch export.csv|export.xlsx` with no hand editing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from conftest import EXAMPLES, MODEL

from branda.cli import cli
from branda.expert.profile import load_profile

FACTS = list(MODEL.facts)
LANGS = MODEL.languages
METADATA = ["ID", "Start time", "Completion time", "Email"]  # what Microsoft Forms puts before the questions
NAME = "Name"  # Microsoft Forms' own column: the respondent's name, which branda does not take without --map
CLIENTS = ["retailer_stuck_level2.yaml", "bank_level3.toml", "ecommerce_level4_fallback_risk.yaml",
           "insurer_level5.json"]
NOTE = MODEL.text("survey_ignored", "en", columns="")
LABELS = ", ".join(repr(label(lang)) for lang in LANGS for label in MODEL.scale.values())
ALLOWED = (f"allowed: a whole number {MODEL.low}-{MODEL.high}, a label of the scale ({LABELS}), "
           "or empty, null or ? for unknown")


def respondents() -> list[tuple[str, str, dict[str, int]]]:
    """(organisation, respondent, answers) for 3-4 people per client, in the order the answers came in (the
    clients' respondents interleaved, as a form tool exports them). Each person's answers scatter around the
    client's profile, some leave a question out, and one in each client is two points off on one fact."""
    people = []
    for c, name in enumerate(CLIENTS):
        profile = load_profile(MODEL, EXAMPLES / name)
        count = 3 + c % 2
        for r in range(count):
            answers = {}
            for i, fact in enumerate(FACTS):
                if fact not in profile.facts or (i + r) % 7 == 0:
                    continue  # unknown to this respondent
                shift = (0, 1, -1, 0)[(i + r + c) % 4] if r else 0
                if r == 1 and i == c:
                    shift = 2  # a disagreement
                answers[fact] = min(MODEL.high, max(MODEL.low, profile.facts[fact] + shift))
            people.append((r, profile.organisation or name, f"Respondent {c + 1}.{r + 1}", answers))
    people.sort(key=lambda p: p[0])  # first everyone's first respondent, then the second ones…
    return [(org, who, answers) for _, org, who, answers in people]


PEOPLE = respondents()
ORGANISATIONS = list(dict.fromkeys(org for org, _, _ in PEOPLE))


def export_rows(lang: str, labels: bool = True) -> tuple[list[str], list[list[object]]]:
    """A Microsoft-Forms-like export: metadata, the respondent's name, the questionnaire's columns, labels."""
    header = [*METADATA, NAME, MODEL.text("survey_organisation", lang), MODEL.text("survey_respondent", lang),
              *(MODEL.facts[f].question(lang) for f in FACTS)]
    rows = []
    for n, (org, who, answers) in enumerate(PEOPLE, start=1):
        cells: list[object] = [n, f"2026-03-{n:02d} 09:{n:02d}:00", f"2026-03-{n:02d} 09:{n + 5:02d}:00",
                               f"person{n}@example.com", who, org, who]
        for f in FACTS:
            value = answers.get(f)
            cells.append("" if value is None else MODEL.scale[value](lang).capitalize() if labels else value)
        rows.append(cells)
    return header, rows


def write_export(path: Path, lang: str = "en", delimiter: str = ",", bom: bool = False, labels: bool = True) -> Path:
    header, rows = export_rows(lang, labels)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Form1"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Notes").append(["not read"])
    workbook.save(path)
    return path


def respondent_files(tmp_path: Path) -> dict[str, list[Path]]:
    """Each respondent's answers as the YAML profile the consultant would otherwise have written by hand."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    files: dict[str, list[Path]] = {}
    for n, (org, who, answers) in enumerate(PEOPLE):
        path = folder / f"{n:02d}.yaml"
        path.write_text(yaml.safe_dump({"organisation": org, "facts": answers}, allow_unicode=True), encoding="utf-8")
        files.setdefault(org, []).append(path)
    return files


def assessed_by_assess(runner, files: dict[str, list[Path]], lang: str = "en") -> list[dict]:
    """`branda assess A B C --format json` for each client, in the order the clients first appear."""
    results = []
    for org in ORGANISATIONS:
        done = runner.invoke(cli, ["assess", *map(str, files[org]), "--format", "json", "--lang", lang])
        assert done.exit_code == 0, done.output
        results.append(json.loads(done.stdout))
    return results


def without_respondents(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in item.items() if k != "respondents"} for item in items]


def refused(result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith(NOTE)]
    assert lines and all(line.startswith("branda: error: ") for line in lines), result.stderr
    return [line.removeprefix("branda: error: ") for line in lines]


# --- the export gives what assess gives on the respondents' files ---------------------------------------------

@pytest.mark.parametrize(("lang", "delimiter", "bom"), [("en", ",", False), ("lt", ";", True), ("en", ";", True),
                                                        ("lt", ",", False)])
def test_a_forms_export_is_assessed_as_assess_assesses_each_clients_respondents(runner, tmp_path, lang, delimiter,
                                                                               bom):
    export = write_export(tmp_path / "export.csv", lang, delimiter, bom)
    out = tmp_path / "results.json"
    done = runner.invoke(cli, ["batch", str(export), "--out", str(out), "--lang", lang])
    assert done.exit_code == 0, done.output
    results = json.loads(out.read_text(encoding="utf-8"))
    expected = assessed_by_assess(runner, respondent_files(tmp_path), lang)
    assert without_respondents(results) == without_respondents(expected)
    assert [item["respondents"] for item in results] == [
        [who for org2, who, _ in PEOPLE if org2 == org] for org in ORGANISATIONS]
    assert len({item["level"] for item in results}) > 1
    assert all(MODEL.disagree in [d["code"] for d in item["diagnostics"]] for item in results)


def test_an_xlsx_export_gives_what_the_csv_export_gives(runner, tmp_path):
    header, rows = export_rows("lt")
    workbook = write_xlsx(tmp_path / "export.xlsx", header, rows)
    from_csv, from_xlsx = tmp_path / "csv.json", tmp_path / "xlsx.json"
    assert runner.invoke(cli, ["batch", str(write_export(tmp_path / "e.csv", "lt")), "--out", str(from_csv)]).exit_code == 0
    done = runner.invoke(cli, ["batch", str(workbook), "--out", str(from_xlsx)])
    assert done.exit_code == 0, done.output
    assert from_xlsx.read_text(encoding="utf-8") == from_csv.read_text(encoding="utf-8")
    expected = assessed_by_assess(runner, respondent_files(tmp_path))
    assert without_respondents(json.loads(from_xlsx.read_text(encoding="utf-8"))) == without_respondents(expected)


def test_numbers_in_xlsx_cells_are_answers_too(runner, tmp_path):
    header, rows = export_rows("en", labels=False)
    workbook = write_xlsx(tmp_path / "export.xlsx", header, [[float(c) if isinstance(c, int) and i > 6 else c
                                                              for i, c in enumerate(row)] for row in rows])
    out = tmp_path / "r.json"
    assert runner.invoke(cli, ["batch", str(workbook), "--out", str(out)]).exit_code == 0
    expected = assessed_by_assess(runner, respondent_files(tmp_path))
    assert [item["level"] for item in json.loads(out.read_text(encoding="utf-8"))] == [e["level"] for e in expected]


def test_the_csv_results_are_one_line_per_client_with_its_respondents_and_combined_answers(runner, tmp_path):
    export = write_export(tmp_path / "export.csv")
    out = tmp_path / "results.csv"
    assert runner.invoke(cli, ["batch", str(export), "--out", str(out)]).exit_code == 0
    with out.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["organisation", "respondents", *FACTS, "level", "level_name", "diagnostics"]
    expected = assessed_by_assess(runner, respondent_files(tmp_path))
    assert [row[0] for row in rows] == ORGANISATIONS
    assert [row[1] for row in rows] == ["; ".join(who for o, who, _ in PEOPLE if o == org) for org in ORGANISATIONS]
    assert [row[-3:] for row in rows] == [[str(e["level"]), e["level_name"], ";".join(d["code"] for d in e["diagnostics"])]
                                          for e in expected]


def test_the_summary_counts_clients_and_respondents_and_their_disagreements(runner, tmp_path):
    done = runner.invoke(cli, ["batch", str(write_export(tmp_path / "export.csv")), "--format", "json"])
    assert done.exit_code == 0
    summary = json.loads(done.stdout)
    assert summary["organisations"] == len(ORGANISATIONS) and summary["respondents"] == len(PEOPLE)
    assert {d["code"]: d["organisations"] for d in summary["diagnostics"]}[MODEL.disagree] == len(ORGANISATIONS)
    assert summary["ignored_columns"] == [*METADATA, NAME]
    text = runner.invoke(cli, ["batch", str(tmp_path / "export.csv"), "--lang", "lt"]).stdout.splitlines()
    assert text[:2] == [MODEL.text("batch_assessed", "lt", count=len(ORGANISATIONS), file=tmp_path / "export.csv"),
                        MODEL.text("survey_respondents", "lt", count=len(PEOPLE))]


def test_metadata_columns_are_named_once_on_stderr(runner, tmp_path):
    done = runner.invoke(cli, ["batch", str(write_export(tmp_path / "export.csv"))])
    assert done.exit_code == 0
    assert done.stderr == 'branda: columns ignored (they match no fact, organisation or respondent): "ID", "Start time", ' \
                          '"Completion time", "Email", "Name"\n'
    lt = runner.invoke(cli, ["batch", str(tmp_path / "export.csv"), "--lang", "lt"])
    assert lt.stderr.count("„ID“") == 1 and len(lt.stderr.splitlines()) == 1


# --- headers ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["cx_ownership", " [cx_ownership] Who owns it? ", "CX_OWNERSHIP",
                                    MODEL.facts["cx_ownership"].question("en").upper().rstrip("?") + " *",
                                    "  " + MODEL.facts["cx_ownership"].question("lt").replace(" ", "   ") + "  "])
def test_a_column_is_a_fact_by_its_name_its_code_in_brackets_or_its_question(runner, tmp_path, header):
    export = tmp_path / "e.csv"
    export.write_text(f"organisation,respondent,\"{header}\"\nUAB A,Ona,Mostly true\nUAB A,,visiškai tiesa\n"
                      "UAB B,Rita,2\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    done = runner.invoke(cli, ["batch", str(export), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stderr == ""
    with out.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["organisation", "respondents", "cx_ownership"]
    assert [row[:3] for row in rows[1:]] == [["UAB A", "Ona; line 3", "4"], ["UAB B", "Rita", "2"]]


def test_a_header_that_is_two_facts_is_refused_naming_file_and_header(runner, tmp_path):
    header = "[cx_ownership] " + MODEL.facts["resistance"].question("en")
    export = tmp_path / "e.csv"
    export.write_text(f"organisation,ID,\"{header}\"\nUAB A,1,4\n", encoding="utf-8")
    out = tmp_path / "r.json"
    assert refused(runner.invoke(cli, ["batch", str(export), "--out", str(out)])) == [
        f"{export}: line 1 (header), column 3: {header[:60] + '…'!r} is 2 facts at once (cx_ownership, resistance); "
        "name one in --map 'columns:'"]
    assert not out.exists()


def test_two_headers_that_are_one_fact_are_refused(runner, tmp_path):
    en, lt = (MODEL.facts["empowerment"].question(lang) for lang in ("en", "lt"))
    export = tmp_path / "e.xlsx"
    write_xlsx(export, ["Organisation", en, "ID", lt], [["UAB A", 4, 1, 4]])
    assert refused(runner.invoke(cli, ["batch", str(export)])) == [
        f"{export}: row 1 (header), column D: {lt[:60] + '…'!r} is the fact 'empowerment', as column 2 is; "
        "a fact may have one column"]


def test_an_export_without_an_organisation_column_is_refused_with_what_to_do(runner, tmp_path):
    export = write_csv_text(tmp_path / "e.csv", "ID,Email,cx_ownership\n1,a@b.c,4\n")
    assert refused(runner.invoke(cli, ["batch", str(export)])) == [
        f"{export}: line 1 (header): no column is the organisation: head one 'organisation' (or 'Organisation' or "
        "'Organizacija', as 'branda survey template' writes it), or give --by COLUMN or 'organisation:' in --map"]


def write_csv_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- bad cells ----------------------------------------------------------------------------------------------

def test_bad_cells_are_named_by_file_line_column_and_value_and_nothing_is_written(runner, tmp_path):
    header, rows = export_rows("en")
    rows[2][9] = "Sometimes"
    rows[5][12] = "4.5"
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    out = tmp_path / "results.json"
    out.write_text("[]\n", encoding="utf-8")
    q9, q12 = header[9].strip(), header[12].strip()
    assert refused(runner.invoke(cli, ["batch", str(export), "--out", str(out)])) == [
        f"{export}: line 4 (row 3): column {q9[:60] + '…'!r} has value 'Sometimes'; {ALLOWED}",
        f"{export}: line 7 (row 6): column {q12[:60] + '…'!r} has value '4.5'; {ALLOWED}"]
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "results.json"]


def test_a_bad_cell_in_a_workbook_is_named_by_its_row(runner, tmp_path):
    header, rows = export_rows("en")
    rows[1][8] = "maybe"
    export = write_xlsx(tmp_path / "export.xlsx", header, rows)
    assert refused(runner.invoke(cli, ["batch", str(export), "--out", str(tmp_path / "r.csv")])) == [
        f"{export}: row 3: column {header[8][:60] + '…'!r} has value 'maybe'; {ALLOWED}"]
    assert not (tmp_path / "r.csv").exists()


def test_a_file_that_is_no_workbook_is_one_line(runner, tmp_path):
    export = write_csv_text(tmp_path / "export.xlsx", "organisation,cx_ownership\n")
    (line,) = refused(runner.invoke(cli, ["batch", str(export)]))
    assert line.startswith(f"{export}: not an XLSX workbook that can be read")


# --- --map and --by -------------------------------------------------------------------------------------------

def test_a_map_names_columns_answers_and_the_roles(runner, tmp_path):
    export = write_csv_text(tmp_path / "e.csv", "Company,Who,Q1,Q2,Started\n"
                                                "UAB A,Ona,Agree,Strongly agree,9:00\n"
                                                "UAB A,Jonas,Disagree,Agree,9:05\n"
                                                "UAB B,Rita,Agree,n/a,9:10\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns: {Q1: cx_ownership, q2: resistance, Started: null}\n"
                       "answers: {Agree: 4, Strongly agree: 5, Disagree: 2, n/a: null}\n"
                       "organisation: Company\nrespondent: Who\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    done = runner.invoke(cli, ["batch", str(export), "--map", str(mapping), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stderr == 'branda: columns ignored (they match no fact, organisation or respondent): "Started"\n'
    with out.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert [row[:4] for row in rows] == [["organisation", "respondents", "cx_ownership", "resistance"],
                                         ["UAB A", "Ona; Jonas", "2", "5"], ["UAB B", "Rita", "4", ""]]


@pytest.mark.parametrize(("text", "problem"), [
    ("colums: {}\n", "unknown key 'colums' (did you mean 'columns'?); allowed: columns, answers, organisation, "
                     "respondent"),
    ("columns: {Q1: cx_ownershp}\n", "columns: 'Q1': 'cx_ownershp' is not a known fact (did you mean "
                                     f"'cx_ownership'?); 'branda facts' lists all {len(FACTS)} (null ignores the "
                                     "column)"),
    ("answers: {Agree: 7}\n", f"answers: 'Agree': has value '7'; allowed: a whole number {MODEL.low}-{MODEL.high}, "
                              "or null for unknown"),
])
def test_a_bad_map_is_one_line_naming_the_key(runner, tmp_path, text, problem):
    mapping = write_csv_text(tmp_path / "map.yaml", text)
    export = write_csv_text(tmp_path / "e.csv", "organisation,cx_ownership\nA,4\n")
    assert refused(runner.invoke(cli, ["batch", str(export), "--map", str(mapping)])) == [f"{mapping}: {problem}"]


def test_by_groups_the_rows_of_any_column(runner, tmp_path):
    export = write_csv_text(tmp_path / "e.csv", "organisation,Unit,cx_ownership\n"
                                                "UAB A,Sales,5\nUAB A,Service,1\nUAB A,sales ,3\n")
    done = runner.invoke(cli, ["batch", str(export), "--by", "unit", "--out", str(tmp_path / "r.json")])
    assert done.exit_code == 0 and done.stderr == ""
    results = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(r["organisation"], r["respondents"]) for r in results] == [("Sales", ["line 2", "line 4"]),
                                                                        ("Service", ["line 3"])]
    assert refused(runner.invoke(cli, ["batch", str(export), "--by", "Team"])) == [
        "--by Team: no column has this header"]


def test_the_first_rounds_layout_stays_one_organisation_a_row(runner, tmp_path):
    export = write_csv_text(tmp_path / "e.csv", "organisation,cx_ownership\nUAB A,5\nUAB A,1\n")
    out = tmp_path / "r.json"
    assert runner.invoke(cli, ["batch", str(export), "--out", str(out)]).exit_code == 0
    assert [r.get("respondents") for r in json.loads(out.read_text(encoding="utf-8"))] == [None, None]
    assert runner.invoke(cli, ["batch", str(export), "--by", "organisation", "--out", str(out)]).exit_code == 0
    assert [r["respondents"] for r in json.loads(out.read_text(encoding="utf-8"))] == [["line 2", "line 3"]]


# --- the questionnaire ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_template_is_the_organisation_the_respondent_and_each_question(runner, lang):
    done = runner.invoke(cli, ["survey", "template", "--lang", lang])
    assert done.exit_code == 0 and done.stderr == ""
    (header,) = list(csv.reader(done.stdout.splitlines()))
    assert header == [MODEL.text("survey_organisation", lang), MODEL.text("survey_respondent", lang),
                      *(MODEL.facts[f].question(lang) for f in FACTS)]


@pytest.mark.parametrize(("lang", "kind"), [("en", "csv"), ("lt", "csv"), ("lt", "xlsx"), ("en", "xlsx")])
def test_an_export_of_the_template_maps_with_no_map(runner, tmp_path, lang, kind):
    template = tmp_path / f"questionnaire.{kind}"
    done = runner.invoke(cli, ["survey", "template", "--lang", lang, "--out", str(template)])
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(MODEL.text("survey_template_written", lang, path=template, scale="", questions="")
                                  .split(":")[0])
    if kind == "csv":  # the form tool's export: its metadata, then the questionnaire's columns as they were
        with template.open(encoding="utf-8", newline="") as f:
            (header,) = list(csv.reader(f))
    else:
        book = openpyxl.load_workbook(template)
        header = [c.value for c in book.worksheets[0][1]]
        assert [c.value for c in book.worksheets[1][2]] == [MODEL.low, MODEL.scale[MODEL.low](lang)]
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ID", "Start time", *header])
        for n, (org, who, answers) in enumerate(PEOPLE):
            writer.writerow([n, "9:00", org, who,
                             *(MODEL.scale[answers[f]](lang) if f in answers else "" for f in FACTS)])
    out = tmp_path / "results.json"
    done = runner.invoke(cli, ["batch", str(export), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.stderr == 'branda: columns ignored (they match no fact, organisation or respondent): "ID", "Start time"\n'
    assert without_respondents(json.loads(out.read_text(encoding="utf-8"))) == without_respondents(
        assessed_by_assess(runner, respondent_files(tmp_path)))


@pytest.mark.parametrize(("args", "problem"), [
    (["--format", "xlsx"], "--format xlsx: needs --out FILE.xlsx (a workbook is not text for the terminal)"),
    (["--format", "csv", "--out", "{dir}/q.xlsx"], "--out {dir}/q.xlsx: is a .xlsx file, but --format is csv; give "
                                                   "the file a .csv name"),
    (["--out", "{dir}/missing/q.csv"], "--out {dir}/missing/q.csv: the folder '{dir}/missing' does not exist"),
])
def test_a_template_that_cannot_be_written_is_one_line(runner, tmp_path, args, problem):
    done = runner.invoke(cli, ["survey", "template", *(a.format(dir=tmp_path) for a in args)])
    assert done.exit_code == 2 and done.stdout == ""
    assert done.stderr == f"branda: error: {problem.format(dir=tmp_path)}\n"


@pytest.mark.parametrize("name", ["forms_export.csv", "forms_export_lt.xlsx"])
def test_the_bundled_form_exports_map_every_question_with_no_map(runner, name):
    """The examples stay exports of today's questionnaire: only the form tool's own columns are ignored."""
    result = runner.invoke(cli, ["batch", str(EXAMPLES / "surveys" / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ignored_columns"] == ["ID", "Start time", "Completion time", "Email", "Name"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_survey_gives_the_same_results_with_either_engine(runner, tmp_path, fmt):
    """Each organisation's respondents disagree once, whichever engine assesses their consensus."""
    source = str(EXAMPLES / "surveys" / "forms_export.csv")
    outs = {}
    for engine in ("fast", "experta"):
        outs[engine] = tmp_path / f"{engine}.{fmt}"
        result = runner.invoke(cli, ["batch", source, "--engine", engine, "--out", str(outs[engine]),
                                     "--format", "json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
        disagree = {d["code"]: d["organisations"] for d in summary["diagnostics"]}["respondents_disagree"]
        assert disagree <= summary["organisations"]
    assert outs["fast"].read_text(encoding="utf-8") == outs["experta"].read_text(encoding="utf-8")
