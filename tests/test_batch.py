"""A consultant assesses a whole survey at once: `branda batch survey.csv [--out results.json|.csv]`."""

from __future__ import annotations

import csv
import errno
import importlib.util
import json
import multiprocessing
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL, ROOT

from branda.cli import cli
from branda.expert import batch as batch_module
from branda.expert.assess import assess
from branda.expert.batch import run_batch, summary_text
from branda.expert.csvio import BatchInput
from branda.expert.profile import Profile, load_profile
from branda.expert.serialize import assessment_json

FACTS = list(MODEL.facts)
LABELS = ", ".join(repr(label(lang)) for lang in MODEL.languages for label in MODEL.scale.values())
ALLOWED = (f"allowed: a whole number {MODEL.low}-{MODEL.high}, a label of the scale ({LABELS}), "
           "or empty, null or ? for unknown")


def _make_survey():
    spec = importlib.util.spec_from_file_location("make_survey", ROOT / "bench" / "make_survey.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_survey = _make_survey()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    return path


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def survey(path: Path, count: int, seed: int = 1) -> Path:
    """A generated survey of `count` organisations (bench/make_survey.py)."""
    make_survey.main([str(count), str(path), "--seed", str(seed)])
    return path


def profiles_of(path: Path) -> list[Profile]:
    """Each row read independently as a profile, the way a consultant would write it by hand."""
    header, *rows = read_csv(path)
    return [Profile({name: int(cell) for name, cell in zip(header[1:], row[1:], strict=True) if cell},
                    organisation=row[0] or None) for row in rows]


def examples_csv(path: Path) -> Path:
    """The bundled example profiles as one batch file, facts in a shuffled column order, one without a name."""
    profiles = [load_profile(MODEL, p) for p in sorted(EXAMPLES.glob("*.*"))]
    columns = sorted(FACTS, key=lambda name: name[::-1])
    rows = [[p.organisation if i else "", *(str(p.facts.get(name, "")) for name in columns)]
            for i, p in enumerate(profiles)]
    return write_csv(path, ["organisation", *columns], rows)


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def refused(result) -> list[str]:
    """The stderr lines of a refused batch, after checking the error contract around them."""
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("branda: error: ") for line in lines), result.stderr
    return [line.removeprefix("branda: error: ") for line in lines]


# --- results -----------------------------------------------------------------------------------------------

def test_json_out_is_each_row_assessed_by_the_engine_of_record(runner, tmp_path):
    source = survey(tmp_path / "survey.csv", 300)
    out = tmp_path / "results.json"
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(out)]))
    expected = [assessment_json(assess(MODEL, p, engine="experta")) for p in profiles_of(source)]
    assert json.loads(out.read_text(encoding="utf-8")) == expected
    assert len({item["level"] for item in expected}) == len(MODEL.levels)  # the survey reaches every level


def test_the_json_list_has_one_item_a_line(runner, tmp_path):
    source = survey(tmp_path / "survey.csv", 3)
    out = tmp_path / "results.json"
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(out)]))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 5
    assert [json.loads(line.rstrip(","))["organisation"] for line in lines[1:-1]] == [
        p.organisation for p in profiles_of(source)]


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_experta_and_the_fast_path_give_the_same_results_and_summary(runner, tmp_path, kind):
    source = survey(tmp_path / "survey.csv", 120, seed=2)
    fast, slow = tmp_path / f"fast.{kind}", tmp_path / f"experta.{kind}"
    args = ["batch", str(source), "--lang", "lt", "--format", "json", "--out"]
    fast_summary = json.loads(ok(runner.invoke(cli, [*args, str(fast)])))
    slow_summary = json.loads(ok(runner.invoke(cli, [*args, str(slow), "--engine", "experta"])))
    assert fast.read_text(encoding="utf-8") == slow.read_text(encoding="utf-8")
    assert fast_summary == {**slow_summary, "out": str(fast)}


def test_csv_out_keeps_the_input_columns_and_rows_and_adds_the_level_and_diagnostics(runner, tmp_path):
    source = examples_csv(tmp_path / "examples.csv")
    out = tmp_path / "results.csv"
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(out), "--lang", "lt"]))
    given, written = read_csv(source), read_csv(out)
    assert written[0] == [*given[0], "level", "level_name", "diagnostics"]
    assert [row[: len(given[0])] for row in written[1:]] == given[1:]
    for row, profile in zip(written[1:], profiles_of(source), strict=True):
        a = assess(MODEL, profile)
        assert row[-3:] == [str(a.level), MODEL.level(a.level).name("lt"), ";".join(a.codes)]


def test_cells_may_say_unknown_in_words_and_keep_them_in_csv_out(runner, tmp_path):
    source = write_csv(tmp_path / "s.csv", ["organisation", "cx_ownership", "resistance", "customer_focus"],
                       [["UAB A", "?", " 4 ", "null"], ["UAB B", "", "4", ""]])
    out = tmp_path / "r.csv"
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(out)]))
    first, second = read_csv(out)[1:]
    assert first[:4] == ["UAB A", "?", " 4 ", "null"]
    assert first[4:] == second[4:]  # the same facts: resistance 4, the others unknown


@pytest.fixture
def small_chunks(monkeypatch):
    """Rows go to the workers seven at a time, so a small file makes many chunks."""
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 7)


def test_a_worker_pool_keeps_the_rows_in_order(runner, tmp_path, small_chunks):
    source = survey(tmp_path / "survey.csv", 100, seed=3)
    alone, pooled = tmp_path / "alone.csv", tmp_path / "pooled.csv"
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(alone), "--jobs", "1"]))
    ok(runner.invoke(cli, ["batch", str(source), "--out", str(pooled), "--jobs", "2"]))
    assert pooled.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8")
    names = [row[0] for row in read_csv(pooled)][1:]
    assert names == [p.organisation for p in profiles_of(source)]


def test_workers_started_with_spawn_give_the_same_results(tmp_path, small_chunks):
    source = survey(tmp_path / "survey.csv", 60, seed=4)
    forked, spawned = tmp_path / "fork.json", tmp_path / "spawn.json"
    a = run_batch(MODEL, source, forked, "json", jobs=1)
    b = run_batch(MODEL, source, spawned, "json", jobs=2, context=multiprocessing.get_context("spawn"))
    assert a == replace(b, out=a.out)
    assert spawned.read_text(encoding="utf-8") == forked.read_text(encoding="utf-8")


@pytest.mark.parametrize("out", [None, "r.csv", "r.json"])
def test_the_fast_path_needs_neither_experta_nor_networkx(tmp_path, out):
    source = survey(tmp_path / "survey.csv", 20)
    args = ["batch", str(source), *(["--out", str(tmp_path / out)] if out else [])]
    code = ("import sys\nfrom cli import cli\n"
            f"try:\n    cli.main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('experta', 'networkx') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


# --- the summary -------------------------------------------------------------------------------------------

def test_the_summary_counts_levels_diagnostics_and_blockers(runner, tmp_path):
    source = examples_csv(tmp_path / "examples.csv")
    summary = json.loads(ok(runner.invoke(cli, ["batch", str(source), "--format", "json"])))
    assessed = [assess(MODEL, p) for p in profiles_of(source)]
    levels = Counter(a.level for a in assessed)
    codes = Counter(code for a in assessed for code in a.codes)
    blockers = Counter(fact for a in assessed for fact in {g.fact for g in a.why_not_next})
    assert summary["organisations"] == len(assessed)
    assert {item["level"]: item["organisations"] for item in summary["levels"]} == {
        n: levels[n] for n in MODEL.rules.levels}
    assert {item["code"]: item["organisations"] for item in summary["diagnostics"]} == {
        code: codes[code] for code in MODEL.diagnostics if code != MODEL.disagree}
    assert {item["fact"]: item["organisations"] for item in summary["blockers"]} == dict(blockers)
    counts = [item["organisations"] for item in summary["blockers"]]
    assert counts == sorted(counts, reverse=True)
    assert summary["out"] is None


def test_the_text_summary_reads_as_counts_per_level_diagnostic_and_blocker(runner, tmp_path):
    source = examples_csv(tmp_path / "examples.csv")
    text = ok(runner.invoke(cli, ["batch", str(source)]))
    assert text == summary_text(run_batch(MODEL, source), "en") + "\n"
    lines = text.splitlines()
    assert lines[0] == f"Organisations assessed: {len(profiles_of(source))} ({source})"
    levels = Counter(assess(MODEL, p).level for p in profiles_of(source))
    for n in MODEL.rules.levels:
        assert f'  Level {n} “{MODEL.level(n).name("en")}”: {levels[n]}' in lines


def test_the_summary_speaks_lithuanian_and_names_the_results_file(runner, tmp_path):
    source = examples_csv(tmp_path / "examples.csv")
    out = tmp_path / "rezultatai.json"
    text = ok(runner.invoke(cli, ["batch", str(source), "--out", str(out), "--lang", "lt"]))
    assert text.startswith(MODEL.texts["batch_assessed"]("lt").format(count=len(profiles_of(source)), file=source))
    assert text.rstrip().endswith(MODEL.texts["batch_written"]("lt").format(path=out))
    assert json.loads(out.read_text(encoding="utf-8"))[1]["level_name"] in {lv.name("lt") for lv in MODEL.levels}


def test_a_header_only_file_assesses_nobody(runner, tmp_path):
    source = write_csv(tmp_path / "s.csv", ["organisation", "cx_ownership"], [])
    out = tmp_path / "r.json"
    summary = json.loads(ok(runner.invoke(cli, ["batch", str(source), "--out", str(out), "--format", "json"])))
    assert summary["organisations"] == 0 and summary["blockers"] == []
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_no_progress_bar_when_stderr_is_not_a_terminal(runner, tmp_path):
    result = runner.invoke(cli, ["batch", str(survey(tmp_path / "s.csv", 30))])
    assert "\r" not in ok(result) and result.stderr == ""


# --- bad input: every bad row on its own line, nothing written ---------------------------------------------

def test_every_bad_row_is_reported_and_nothing_is_written(runner, tmp_path):
    source = tmp_path / "survey.csv"
    source.write_text("organisation,cx_ownership,resistance\n"
                      "UAB A,4,3\n"
                      "UAB B,4.0,x\n"
                      "\n"
                      "UAB C,6,1,9\n"
                      '"UAB\nD",?,null\n'
                      "UAB E,2\n"
                      "UAB F,0,5\n", encoding="utf-8")
    out = tmp_path / "results.json"
    assert refused(runner.invoke(cli, ["batch", str(source), "--out", str(out)])) == [
        f"{source}: line 3 (row 2): column 'cx_ownership' has value '4.0', column 'resistance' has value 'x'; "
        + ALLOWED,
        f"{source}: line 5 (row 3): 4 cells, more than the header's 3 columns",
        f"{source}: line 8 (row 5): 2 cells, fewer than the header's 3 columns",
        f"{source}: line 9 (row 6): column 'cx_ownership' has value '0'; " + ALLOWED,
    ]
    assert list(tmp_path.iterdir()) == [source]


def test_an_existing_out_file_is_untouched_by_a_refused_batch(runner, tmp_path):
    source = write_csv(tmp_path / "s.csv", ["organisation", "cx_ownership"], [["UAB A", "5"], ["UAB B", "high"]])
    out = tmp_path / "results.csv"
    out.write_text("last week's results\n", encoding="utf-8")
    assert len(refused(runner.invoke(cli, ["batch", str(source), "--out", str(out)]))) == 1
    assert out.read_text(encoding="utf-8") == "last week's results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.csv", "s.csv"]


@pytest.mark.parametrize(("text", "problem"), [
    ("", "the file is empty; expected a header row 'organisation,<fact names…>' and one organisation a row"),
    ("\n\n", "the file is empty; expected a header row 'organisation,<fact names…>' and one organisation a row"),
    ("organisation,cx_strategie\nA,3\n", "line 1 (header), column 2: 'cx_strategie' is not a known fact "
                                         "(did you mean 'cx_strategy'?); 'branda facts' lists all "
                                         f"{len(FACTS)}"),
    ("organisation,cx_strategy,resistance,cx_strategy\n", "line 1 (header), column 4: 'cx_strategy' is given twice "
                                                          "(also column 2)"),
    ("name,cx_strategy\n", "line 1 (header), column 1: the first column is 'name'; the header must start with "
                           "'organisation', then fact names ('branda facts' lists them)"),
    ("organisation,resistance\nA,1,2\n", "line 2 (row 1): 3 cells, more than the header's 2 columns"),
    ("organisation,resistance\nA,\xe9\n".encode("latin-1"), "the file is not UTF-8 text (byte 0xe9); "
                                                             "save it as UTF-8 CSV"),
])
def test_a_malformed_file_is_refused_with_one_line(runner, tmp_path, text, problem):
    source = tmp_path / "s.csv"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    assert refused(runner.invoke(cli, ["batch", str(source), "--out", str(tmp_path / "r.csv")])) == [
        f"{source}: {problem}"]
    assert list(tmp_path.iterdir()) == [source]


def test_each_unknown_column_gets_its_own_line(runner, tmp_path):
    source = write_csv(tmp_path / "s.csv", ["organisation", "resistence", "cx_ownership", "colaboration"], [])
    lines = refused(runner.invoke(cli, ["batch", str(source)]))
    assert [line.split(": ", 2)[1] for line in lines] == ["line 1 (header), column 2", "line 1 (header), column 4"]
    assert "(did you mean 'resistance'?)" in lines[0] and "(did you mean 'collaboration'?)" in lines[1]


@pytest.mark.parametrize(("out", "problem"), [
    ("r.txt", "--out {dir}/r.txt: unsupported file type '.txt'; use .csv or .json"),
    ("missing/r.csv", "--out {dir}/missing/r.csv: the folder '{dir}/missing' does not exist"),
    ("s.csv", "--out {dir}/s.csv: is the input file; write the results to another file"),
])
def test_a_bad_out_option_is_refused_before_anything_is_read(runner, tmp_path, out, problem):
    source = write_csv(tmp_path / "s.csv", ["organisation", "cx_ownership"], [["UAB A", "5"]])
    assert refused(runner.invoke(cli, ["batch", str(source), "--out", str(tmp_path / out)])) == [
        problem.format(dir=tmp_path)]


def test_a_missing_file_is_refused(runner, tmp_path):
    assert refused(runner.invoke(cli, ["batch", str(tmp_path / "nope.csv")])) == [
        f"{tmp_path / 'nope.csv'}: cannot read the file: No such file or directory"]


def test_a_full_disk_is_one_line_naming_the_file_and_leaves_the_old_results(runner, tmp_path, monkeypatch,
                                                                            small_chunks):
    source = survey(tmp_path / "survey.csv", 30)
    out = tmp_path / "results.json"
    out.write_text("[]\n", encoding="utf-8")
    write = batch_module._Sink.write
    calls = []

    def failing(self, text):
        calls.append(text)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(self, text)

    monkeypatch.setattr(batch_module._Sink, "write", failing)
    assert refused(runner.invoke(cli, ["batch", str(source), "--out", str(out), "--jobs", "1"])) == [
        f"{out}: cannot write the file: no space left on the device; nothing was written"]
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "survey.csv"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_internal_failure_leaves_the_old_results_and_no_temporary_file(runner, tmp_path, monkeypatch,
                                                                          small_chunks, jobs):
    source = survey(tmp_path / "survey.csv", 30)
    out = tmp_path / "results.json"
    out.write_text("[]\n", encoding="utf-8")
    chunk = batch_module.RowAssessor.chunk

    def failing(self, rows):
        if rows[0][0].endswith("15"):
            raise RuntimeError("a bug")
        return chunk(self, rows)

    monkeypatch.setattr(batch_module.RowAssessor, "chunk", failing)
    result = runner.invoke(cli, ["batch", str(source), "--out", str(out), "--jobs", jobs])
    assert isinstance(result.exception, RuntimeError) and str(result.exception) == "a bug"
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json", "survey.csv"]


def test_the_survey_generator_is_deterministic(tmp_path):
    a, b, c = (survey(tmp_path / f"{n}.csv", 50, seed=s) for n, s in (("a", 5), ("b", 5), ("c", 6)))
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    assert all(isinstance(item, list) for item in BatchInput(a, MODEL).read())
