"""A consultant's own model, as issue 12 tells it: export the bundled one, edit it as data, check it, run on it.

Each story is an edit with no code change (tests/model_variants.py makes them): rename a fact, change a
threshold, add a level, add a language, add a fact. After each, `branda model check DIR` accepts the folder with
a one-line summary and `branda --model DIR assess` gives the level the edited model means. A broken folder gets
every problem on its own line; export never overwrites anything.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from branda.cli import cli
from branda.expert.unknowns import decisive_unknowns
from branda.knowledge.model import BUNDLED, MODEL_FILES, Model, check_model, load_model
from conftest import EXAMPLE_FILES, EXAMPLES, MODEL
from model_variants import (
    NEW_FACT,
    RENAMED,
    SIXTH_LEVEL,
    SIXTH_LEVEL_CONDITION,
    THRESHOLD,
    UI_MARK,
    VARIANTS,
    add_language_texts,
    add_ui_texts,
    build,
    export,
    product_texts,
    read_yaml,
    rewrite,
)

STEPS_PER_LEVEL = 3  # a level above 1 adds the ladder's criteria, reach and conclude rules


def summary(model: Model, *, levels: int, facts: int, rules: int, languages: tuple[str, ...],
            low: int = MODEL.low, high: int = MODEL.high) -> str:
    """`branda model check`'s one line for a sound model, counted from what the test expects of it."""
    assert (len(model.levels), len(model.facts), len(model.rules.rules), model.languages) == (
        levels, facts, rules, languages)
    return (f"{model.directory}: a sound model: {levels} levels, {facts} facts on a {low}-{high} scale, "
            f"{rules} rules, {len(model.diagnostics)} diagnostics, languages {', '.join(languages)}\n")


def checked(runner, folder: Path) -> str:
    """`branda model check FOLDER` accepts it: exit 0, one line on stdout, nothing on stderr."""
    result = runner.invoke(cli, ["model", "check", str(folder)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert result.stderr == "" and result.stdout.count("\n") == 1 and result.stdout.endswith("\n")
    return result.stdout


def one_error_line(result) -> str:
    """A refused command: exit 2, nothing on stdout, one line on stderr."""
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith("branda: error: ")
    return result.stderr


def run(runner, folder: Path | None, *args: str) -> str:
    result = runner.invoke(cli, [*(["--model", str(folder)] if folder else []), *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def assessed(runner, folder: Path | None, profile: Path, *args: str) -> dict:
    return json.loads(run(runner, folder, "assess", str(profile), "--format", "json", *args))


def profile_file(tmp_path: Path, example: str, rename: tuple[str, str] | None = None) -> Path:
    """A copy of examples/`example` (a YAML profile), one fact renamed if asked."""
    data = read_yaml(EXAMPLES / example)
    if rename:
        old, new = rename
        data["facts"] = {new if k == old else k: v for k, v in data["facts"].items()}
    path = tmp_path / f"profile-{Path(example).stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def variant(tmp_path):
    """`variant("sixth level")`: that variant, freshly exported and edited in this test's folder."""
    return lambda name: build(name, tmp_path / name.replace(" ", "-"))


def test_every_variant_is_a_story_here():
    stories = {"renamed fact", "changed threshold", "sixth level", "language de", "added fact"}
    assert stories <= set(VARIANTS)


# --- export ---------------------------------------------------------------------------------------------------

def test_export_writes_the_bundled_model_that_checks_and_assesses_as_the_bundled_one(runner, tmp_path):
    folder = tmp_path / "ours"
    result = runner.invoke(cli, ["model", "export", str(folder)])
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == (f"{folder}: {len(MODEL_FILES)} files written; edit them, then "
                             f"`branda model check {folder}`\n")
    assert sorted(p.name for p in folder.iterdir()) == sorted(MODEL_FILES)
    assert all((folder / name).read_bytes() == (BUNDLED / name).read_bytes() for name in MODEL_FILES)
    model = load_model(folder)
    assert checked(runner, folder) == summary(model, levels=MODEL.top, facts=len(MODEL.facts),
                                              rules=len(MODEL.rules.rules), languages=MODEL.languages)
    for example in EXAMPLE_FILES:
        assert assessed(runner, folder, example) == assessed(runner, None, example), example.name


def test_export_into_a_folder_that_holds_anything_is_refused_and_nothing_is_overwritten(runner, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "levels.yaml").write_text("levels: my own, not the article's\n", encoding="utf-8")
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    line = one_error_line(runner.invoke(cli, ["model", "export", str(folder)]))
    assert "is not empty" in line and str(folder) in line
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_export_onto_a_file_is_refused(runner, tmp_path):
    target = tmp_path / "model.yaml"
    target.write_text("mine", encoding="utf-8")
    assert "is a file" in one_error_line(runner.invoke(cli, ["model", "export", str(target)]))
    assert target.read_text(encoding="utf-8") == "mine"


# --- the stories ----------------------------------------------------------------------------------------------

def test_rename_a_fact(runner, tmp_path, variant):
    old, new = RENAMED
    folder = variant("renamed fact")
    model = load_model(folder)
    assert checked(runner, folder) == summary(model, levels=MODEL.top, facts=len(MODEL.facts),
                                              rules=len(MODEL.rules.rules), languages=MODEL.languages)
    assert list(model.facts) == [new if name == old else name for name in MODEL.facts]
    assert any(c.fact == new for r in model.rules.indicators for c in r.when)
    assert any(new in c.facts for c in model.transitions.capabilities.values())
    example = "hotel_chain_level2.yaml"
    expected = assessed(runner, None, EXAMPLES / example)["level"]
    ours = assessed(runner, folder, profile_file(tmp_path, example, RENAMED))
    assert ours["level"] == expected == 2
    assert assessed(runner, folder, profile_file(tmp_path, example, RENAMED), "--set", f"{new}=3")["level"] == 1
    line = one_error_line(runner.invoke(cli, ["--model", str(folder), "assess", str(EXAMPLES / example)]))
    assert f"{old!r} is not a known fact (did you mean {new!r}?)" in line
    assert new in [f["name"] for f in json.loads(run(runner, folder, "facts", "--format", "json"))["facts"]]


def test_change_a_threshold(runner, tmp_path, variant):
    old, new = THRESHOLD
    fact, _, value = new.split()
    folder = variant("changed threshold")
    model = load_model(folder)
    assert checked(runner, folder) == summary(model, levels=MODEL.top, facts=len(MODEL.facts),
                                              rules=len(MODEL.rules.rules), languages=MODEL.languages)
    example = EXAMPLES / "hotel_chain_level2.yaml"
    lowered = ("--set", f"{fact}={value}")  # meets the new threshold, not the article's
    assert assessed(runner, None, example, *lowered)["level"] == 1
    assert assessed(runner, folder, example, *lowered)["level"] == 2
    assert assessed(runner, folder, example)["level"] == assessed(runner, None, example)["level"] == 2
    conditions = [str(c) for r in model.rules.indicators for c in r.when]
    assert new in conditions and old not in conditions


def test_add_a_level(runner, tmp_path, variant):
    folder = variant("sixth level")
    model = load_model(folder)
    top = MODEL.top + 1
    assert checked(runner, folder) == summary(model, levels=top, facts=len(MODEL.facts),
                                              rules=len(MODEL.rules.rules) + 1 + STEPS_PER_LEVEL,
                                              languages=MODEL.languages)
    insurer, utility = EXAMPLES / "insurer_level5.json", EXAMPLES / "utility_level5.yaml"
    assert assessed(runner, None, insurer)["level"] == assessed(runner, None, utility)["level"] == MODEL.top
    ours = assessed(runner, folder, insurer)  # it rates expectations_exceeded 5: the new level's condition
    assert (ours["level"], ours["level_name"]) == (top, SIXTH_LEVEL["en"])
    assert assessed(runner, folder, insurer, "--lang", "lt")["level_name"] == SIXTH_LEVEL["lt"]
    assert run(runner, folder, "assess", str(insurer)).startswith(f'Baltic Mutual Insurance SE: customer-service '
                                                                   f'maturity level {top} of {top}, ')
    below = assessed(runner, folder, utility)  # expectations_exceeded 4: still the article's top level
    assert below["level"] == MODEL.top
    fact, op, value = SIXTH_LEVEL_CONDITION.split()
    assert [(g["fact"], g["needed"]) for g in below["why_not_next"]] == [(fact, f"{op} {value}")]
    plan = json.loads(run(runner, folder, "plan", str(utility), "--format", "json"))
    assert plan["path"] == [MODEL.top, top]
    for command in (["graph"], ["why", str(utility), "--level", str(top)], ["model", "show"]):
        run(runner, folder, *command)


def test_add_a_language(runner, tmp_path, variant):
    folder = variant("language de")
    model = load_model(folder)
    languages = (*MODEL.languages, "de")
    assert checked(runner, folder) == summary(model, levels=MODEL.top, facts=len(MODEL.facts),
                                              rules=len(MODEL.rules.rules), languages=languages)
    example = EXAMPLES / "bank_level3.toml"
    german = assessed(runner, folder, example, "--lang", "de")
    english = assessed(runner, None, example)
    assert (german["level"], german["level_name"]) == (english["level"], english["level_name"])
    text = run(runner, folder, "assess", str(example), "--lang", "de")
    assert text.startswith(UI_MARK)  # the headline is the model's own German text
    assert text.replace(UI_MARK, "") == run(runner, None, "assess", str(example))  # German here = English, marked
    for command in (["facts"], ["why", str(example)], ["plan", str(example)], ["graph"]):
        run(runner, folder, *command, "--lang", "de")
    assert model.level(1).name("de") == MODEL.level(1).name("en")
    assert model.scale[MODEL.high]("de") == MODEL.scale[MODEL.high]("en")


def test_a_new_language_needs_every_text_of_branda_in_it(runner, tmp_path):
    folder = export(tmp_path / "de")
    add_language_texts(folder)
    result = runner.invoke(cli, ["model", "check", str(folder)])
    assert result.exit_code == 2 and result.stdout == ""
    keys = [re.fullmatch(r"branda: error: texts\.yaml\b[^:]*: texts\.(\w+)\.de: missing translation", line)
            for line in result.stderr.splitlines()]
    assert all(keys) and [k.group(1) for k in keys if k] == list(product_texts())
    add_ui_texts(folder, leave_out=("headline",))
    line = one_error_line(runner.invoke(cli, ["model", "check", str(folder)]))
    assert re.fullmatch(r"branda: error: texts\.yaml\b[^:]*: texts\.headline\.de: missing translation\n", line)
    add_ui_texts(folder)
    checked(runner, folder)


def test_a_language_the_model_does_not_have_is_one_line_and_exit_2(runner):
    line = one_error_line(runner.invoke(cli, ["assess", str(EXAMPLES / "bank_level3.toml"), "--lang", "de"]))
    languages = ", ".join(repr(lang) for lang in MODEL.languages)
    assert f"'de' is not one of {languages} (the languages of the model)" in line


def test_add_a_fact(runner, tmp_path, variant):
    folder = variant("added fact")
    model = load_model(folder)
    count = len(MODEL.facts) + 1
    assert checked(runner, folder) == summary(model, levels=MODEL.top, facts=count,
                                              rules=len(MODEL.rules.rules), languages=MODEL.languages)
    listed = json.loads(run(runner, folder, "facts", "--format", "json"))["facts"]
    assert len(listed) == count and listed[-1]["name"] == NEW_FACT
    assert len(json.loads(run(runner, folder, "model", "show", "--format", "json"))["facts"]) == count
    example = EXAMPLES / "bank_level3.toml"
    with_it = assessed(runner, folder, example, "--set", f"{NEW_FACT}={MODEL.high}")
    without = assessed(runner, None, example)
    assert (with_it["level"], with_it["diagnostics"]) == (without["level"], without["diagnostics"])
    assert NEW_FACT not in decisive_unknowns(model, {})  # no rule tests it yet: its answer changes nothing
    line = one_error_line(runner.invoke(cli, ["assess", str(example), "--set", f"{NEW_FACT}=3"]))
    assert f"{NEW_FACT!r} is not a known fact" in line  # the bundled model does not have it


# --- a broken model folder ------------------------------------------------------------------------------------

def test_model_check_lists_every_problem_one_line_each(runner, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(BUNDLED, folder)
    rewrite(folder / "levels.yaml", lambda d: {**d, "levels": [*d["levels"][:2], {
        **d["levels"][2], "name": {"en": d["levels"][2]["name"]["en"]}}, *d["levels"][3:]]})
    rewrite(folder / "diagnostics.yaml", lambda d: {"diagnostics": [
        {k: v for k, v in d["diagnostics"][0].items() if k != "advice"}, *d["diagnostics"][1:]]})
    rewrite(folder / "transitions.yaml", lambda d: d["fallbacks"]["risk"].update(diagnostic="nope"))
    problems = [str(p) for p in check_model(folder)]
    for expected in ["levels.yaml: levels[2].name.lt: missing translation",
                     "diagnostics.yaml: diagnostics[0].advice: missing key",
                     "transitions.yaml: fallbacks.risk.diagnostic: unknown diagnostic code 'nope'"]:
        assert expected in problems
    result = runner.invoke(cli, ["model", "check", str(folder)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"branda: error: {p}" for p in problems]
    assert all(re.fullmatch(r"branda: error: [\w./]+\.yaml: \S+: .+", line) for line in result.stderr.splitlines())
    line = one_error_line(runner.invoke(cli, ["--model", str(folder), "assess", str(EXAMPLES / "bank_level3.toml")]))
    assert problems[0] in line and f"(and {len(problems) - 1} more: 'branda model check {folder}' lists them)" in line


def test_model_check_on_a_folder_that_is_not_a_model(runner, tmp_path):
    line = one_error_line(runner.invoke(cli, ["model", "check", str(tmp_path / "nowhere")]))
    assert "is not a folder holding a model" in line
    empty = tmp_path / "empty"
    empty.mkdir()
    assert one_error_line(runner.invoke(cli, ["model", "check", str(empty)])) == \
        "branda: error: model.yaml: (file): is missing\n"
