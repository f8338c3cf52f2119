"""A consultant's own model, with no code change: export the bundled one, edit it, check it, run on it.

Each story edits the exported files as a consultant would (rename a fact, change a threshold, add a level,
add a language), then `branda model check` accepts the folder and every command reads the change.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from branda.cli import cli
from branda.knowledge.loader import KNOWLEDGE_DIR
from branda.knowledge.model import MODEL_FILES, load_model
from conftest import EXAMPLES, MODEL


def export(runner, tmp_path: Path) -> Path:
    folder = tmp_path / "ours"
    result = runner.invoke(cli, ["model", "export", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(MODEL_FILES)
    return folder


def checked(runner, folder: Path) -> str:
    result = runner.invoke(cli, ["model", "check", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


def assess(runner, folder: Path, profile: Path, *args: str) -> dict:
    result = runner.invoke(cli, ["--model", str(folder), "assess", str(profile), "--format", "json", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.output)


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_export_refuses_a_folder_that_holds_anything(runner, tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(cli, ["model", "export", str(tmp_path)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "is not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_an_exported_model_is_the_bundled_one(runner, tmp_path):
    folder = export(runner, tmp_path)
    assert checked(runner, folder).startswith(f"{folder}: a sound model: 5 levels, {len(MODEL.facts)} facts")
    example = EXAMPLES / "bank_level3.toml"
    assert assess(runner, folder, example) == assess(runner, MODEL.directory, example)


def test_rename_a_fact(runner, tmp_path):
    folder = export(runner, tmp_path)
    for name in MODEL_FILES:
        path = folder / name
        path.write_text(re.sub(r"\bcx_ownership\b", "cx_owner", path.read_text(encoding="utf-8")), encoding="utf-8")
    checked(runner, folder)
    assert "cx_owner" in load_model(folder).facts and "cx_ownership" not in load_model(folder).facts
    profile = tmp_path / "p.yaml"
    profile.write_text("facts:\n  cx_owner: 5\n  customer_focus: 4\n  process_standardisation: 3\n  resistance: 2\n"
                       "  cx_strategy: 3\n  collaboration: 3\n", encoding="utf-8")
    assert assess(runner, folder, profile)["level"] == 2
    old_name = tmp_path / "old.yaml"
    old_name.write_text("facts:\n  cx_ownership: 5\n", encoding="utf-8")
    result = runner.invoke(cli, ["--model", str(folder), "assess", str(old_name)])
    assert result.exit_code == 2 and "'cx_ownership' is not a known fact (did you mean 'cx_owner'?)" in result.stderr


def test_change_a_threshold(runner, tmp_path):
    folder = export(runner, tmp_path)
    profile = tmp_path / "p.yaml"
    profile.write_text("facts:\n  cx_ownership: 3\n  customer_focus: 4\n  process_standardisation: 3\n"
                       "  resistance: 2\n  cx_strategy: 3\n  collaboration: 3\n", encoding="utf-8")
    assert assess(runner, folder, profile)["level"] == 1
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace('"cx_ownership >= 4"', '"cx_ownership >= 3"'),
                     encoding="utf-8")
    checked(runner, folder)
    assert assess(runner, folder, profile)["level"] == 2


def test_add_a_level(runner, tmp_path):
    folder = export(runner, tmp_path)
    text = {"en": "Beyond", "lt": "Toliau"}
    _edit(folder / "levels.yaml", lambda d: d["levels"].append(
        {"level": 6, "name": text, "description": text, "source": text}))
    _edit(folder / "rules.yaml", lambda d: d["indicators"].append(
        {"rule": "ind_beyond", "level": 6, "when": ["expectations_exceeded >= 5"], "title": text, "cites": text,
         "threshold": text}))
    assert "6 levels" in checked(runner, folder)
    top = assess(runner, MODEL.directory, EXAMPLES / "insurer_level5.json")
    assert top["level"] == 5
    ours = assess(runner, folder, EXAMPLES / "insurer_level5.json", "--set", "expectations_exceeded=5")
    assert (ours["level"], ours["level_name"]) == (6, "Beyond")
    plan = runner.invoke(cli, ["--model", str(folder), "plan", str(EXAMPLES / "insurer_level5.json"),
                               "--set", "expectations_exceeded=4", "--format", "json"])
    assert plan.exit_code == 0 and json.loads(plan.output)["path"] == [5, 6]


def _with_language(data, lang: str):
    """Every {en: …, lt: …} text of a parsed model file given `lang` too (the English text, as a stand-in)."""
    if isinstance(data, dict):
        if "en" in data and "lt" in data and all(isinstance(v, str) for v in data.values()):
            data[lang] = data["en"]
        for value in data.values():
            _with_language(value, lang)
    elif isinstance(data, list):
        for value in data:
            _with_language(value, lang)


def test_add_a_language(runner, tmp_path):
    folder = export(runner, tmp_path)
    for name in MODEL_FILES:
        _edit(folder / name, lambda d: _with_language(d, "de"))
    _edit(folder / "model.yaml", lambda d: d.update(languages=["en", "lt", "de"]))
    result = runner.invoke(cli, ["model", "check", str(folder)])
    assert result.exit_code == 2 and "texts.yaml of the model: texts." in result.stderr  # branda's texts in de
    keys = {}
    for path in [KNOWLEDGE_DIR / "texts.yaml", *sorted(KNOWLEDGE_DIR.glob("texts_*.yaml"))]:
        keys.update(yaml.safe_load(path.read_text(encoding="utf-8"))["texts"])
    (folder / "texts.yaml").write_text(yaml.safe_dump({"texts": {k: {"de": v["en"]} for k, v in keys.items()}},
                                                      allow_unicode=True), encoding="utf-8")
    assert "languages en, lt, de" in checked(runner, folder)
    german = assess(runner, folder, EXAMPLES / "bank_level3.toml", "--lang", "de")
    assert german["level"] == 3
    result = runner.invoke(cli, ["assess", str(EXAMPLES / "bank_level3.toml"), "--lang", "de"])
    assert result.exit_code == 2 and "'de' is not one of 'en', 'lt'" in result.stderr
