"""`batch --out X.json` writes each row's assess object straight from the fast evaluator's masks: exactly the text
`json.dumps` writes of `assessment_json(assess(model, profile, engine="fast"), lang)`, row for row, in every
language of the model, on the bundled model and on the tiny one, for one organisation a row and for a survey's
respondents; and the summary counts what those assessments say."""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from conftest import EXAMPLE_FILES, MODEL, ROOT
from test_fastpath import generated, neighbours, own_examples

from branda.expert.assess import assess
from branda.expert.batch import RowAssessor, Settings, run_batch, summary_json
from branda.expert.csvio import BatchInput, Group
from branda.expert.profile import Profile, load_profile
from branda.expert.serialize import assessment_json
from branda.knowledge.model import Model, load_model

TINY = load_model(ROOT / "tests" / "models" / "tiny")
CASES = [pytest.param(MODEL, lang, id=f"bundled-{lang}") for lang in MODEL.languages] + [
    pytest.param(TINY, lang, id=f"tiny-{lang}") for lang in TINY.languages]


def rows_of(model: Model) -> list[dict[str, int]]:
    """Generated profiles (every level and diagnostic turns up), and each example with its one-fact neighbours."""
    examples = EXAMPLE_FILES if model is MODEL else own_examples(model)
    found = generated(model, 600, seed=11)
    for path in examples:
        found += neighbours(model, dict(load_profile(model, path).facts))
    return found


def write_batch(path: Path, model: Model, rows: list[dict[str, int]]) -> Path:
    columns = list(model.facts)
    random.Random(3).shuffle(columns)  # the file's column order is not the model's
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["organisation", *columns])
        for i, facts in enumerate(rows):
            name = "" if i % 7 == 0 else f'Org "{i}" – ąčę, 100%'  # no name, quotes, Lithuanian letters, a %
            w.writerow([name, *(str(facts.get(c, "")) for c in columns)])
    return path


def written_rows(path: Path) -> list[str]:
    """The JSON list's items, one a line, as text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    return [line.removesuffix(",") for line in lines[1:-1]]


def expected_counts(model: Model, assessments: list) -> dict:
    levels = Counter(a.level for a in assessments)
    codes = Counter(code for a in assessments for code in a.codes)
    blockers = Counter(f for a in assessments for f in dict.fromkeys(g.fact for g in a.why_not_next))
    return {"levels": {n: levels[n] for n in model.rules.levels}, "codes": codes, "blockers": blockers}


@pytest.mark.parametrize(("model", "lang"), CASES)
def test_each_json_row_is_the_text_of_its_assess_object(tmp_path, model, lang):
    rows = rows_of(model)
    source = write_batch(tmp_path / "batch.csv", model, rows)
    out = tmp_path / "results.json"
    summary = run_batch(model, source, out, "json", lang, jobs=1)
    with source.open(encoding="utf-8", newline="") as f:
        header, *cells = list(csv.reader(f))
    assessor = RowAssessor(Settings(model, tuple(header[1:]), "csv", lang, "fast"))
    assessments = [assess(model, assessor.profile(row), engine="fast") for row in cells]
    written = written_rows(out)
    assert len(written) == len(rows) > 600
    for text, a in zip(written, assessments, strict=True):
        expected = json.dumps(assessment_json(a, lang), ensure_ascii=False)
        assert json.loads(text) == json.loads(expected), dict(a.profile.facts)
        assert text == expected
    counts = expected_counts(model, assessments)
    assert summary.levels == counts["levels"]
    assert {c: n for c, n in summary.diagnostics.items() if n} == {c: n for c, n in counts["codes"].items() if n}
    assert dict(summary.blockers) == dict(counts["blockers"])
    assert len({a.level for a in assessments}) == len(model.rules.levels)  # every level turns up


def test_with_workers_the_json_is_the_same_text(tmp_path):
    source = write_batch(tmp_path / "batch.csv", MODEL, rows_of(MODEL)[:3000])
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    run_batch(MODEL, source, one, "json", "lt", jobs=1)
    run_batch(MODEL, source, two, "json", "lt", jobs=2)
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def survey_rows(count: int, seed: int) -> list[list[str]]:
    """Respondents of `count` organisations (1-4 each, answers close to one another or not), rows shuffled."""
    rnd = random.Random(seed)
    result = []
    for org, base in enumerate(generated(MODEL, count, seed)):
        for who in range(rnd.randint(1, 4)):
            answers = {name: min(MODEL.high, max(MODEL.low, v + rnd.choice((-2, -1, 0, 0, 1)))) for name, v in
                       base.items() if rnd.random() < 0.9}
            result.append([f"Klientas {org}", f"Respondentas {who}",
                           *(str(answers.get(name, "")) for name in MODEL.facts)])
    rnd.shuffle(result)
    return result


@pytest.mark.parametrize("lang", MODEL.languages)
def test_a_survey_layout_row_is_the_text_of_its_respondents_consensus(tmp_path, lang):
    source = tmp_path / "export.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([["organisation", "respondent", *MODEL.facts],
                                                      *survey_rows(300, seed=5)])
    out = tmp_path / "results.json"
    run_batch(MODEL, source, out, "json", lang, jobs=1, by="organisation")
    batch = BatchInput(source, MODEL, by="organisation")
    groups = [g for g in batch.read() if isinstance(g, Group)]
    assessor = RowAssessor(Settings(MODEL, batch.columns, "json", lang, "fast", grouped=True))
    written = written_rows(out)
    assert len(written) == len(groups) == 300
    disputed = 0
    for text, group in zip(written, groups, strict=True):
        a = assess(MODEL, assessor.consensus(group).profile, engine="fast")
        disputed += MODEL.disagree in a.codes
        assert text == json.dumps(assessment_json(a, lang), ensure_ascii=False)
    assert 0 < disputed < 300  # some clients' respondents disagree, some do not


def test_the_summary_gives_each_levels_share_of_the_organisations(tmp_path):
    source = write_batch(tmp_path / "batch.csv", MODEL, rows_of(MODEL)[:700])
    summary = summary_json(run_batch(MODEL, source))
    total = summary["organisations"]
    assert [item["share"] for item in summary["levels"]] == [round(item["organisations"] / total, 4)
                                                            for item in summary["levels"]]
    assert abs(sum(item["share"] for item in summary["levels"]) - 1) < 1e-3
    assert {"level", "level_name", "organisations", "share"} == set(summary["levels"][0])


def test_an_empty_batch_has_a_share_of_nothing(tmp_path):
    source = write_batch(tmp_path / "batch.csv", MODEL, [])
    summary = summary_json(run_batch(MODEL, source))
    assert summary["organisations"] == 0
    assert [item["share"] for item in summary["levels"]] == [0.0] * len(MODEL.rules.levels)
