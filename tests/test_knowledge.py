"""The bundled knowledge is the article's and facts.md's; a corrupted knowledge or rule file is named, key and all."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import MODEL

from branda.knowledge.model import BUNDLED, ModelError, check_model, load_model

DOMAIN = Path(__file__).resolve().parent / "domain"  # copies of ../shared/domain (test_domain_copies checks them)
# The article's own level headings ("Pirmas lygis. Žema organizacijos branda", ...), quotes dropped.
ARTICLE_HEADINGS = ["Žema organizacijos branda", "Vienose rankose", "Super strategija", "Analizės link",
                    "Geriau, nei tikisi klientai"]


def domain_text(name: str) -> str:
    path = DOMAIN / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return path.read_text(encoding="utf-8")


def facts_md_table() -> dict[str, str]:
    """facts.md's vocabulary: name -> polarity ('+' or '-')."""
    rows = re.findall(r"^\| `([a-z_]+)` \| ([+\-−]) \|", domain_text("facts.md"), flags=re.M)
    return {name: "-" if pol in "-−" else "+" for name, pol in rows}


def facts_md_codes() -> set[str]:
    diagnostics = domain_text("facts.md").split("## Diagnostics", 1)[1]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", diagnostics, flags=re.M))


def facts_md_scale() -> dict[int, tuple[str, str]]:
    rows = re.findall(r"^\| ([1-5]) \| (.+?) \| (.+?) \|$", domain_text("facts.md"), flags=re.M)
    return {int(v): (en, lt) for v, en, lt in rows}


# --- the bundled knowledge ------------------------------------------------------------------------------------

def test_the_five_levels_carry_the_articles_lithuanian_headings():
    levels = MODEL.levels
    assert [level.number for level in levels] == [1, 2, 3, 4, 5]
    headings = re.findall(r"^\w+ lygis\. (.+?)\s*$", domain_text("source-article.lt.txt"), flags=re.M)
    headings = [h.strip("„“\" ") for h in headings]
    assert headings == ARTICLE_HEADINGS
    assert [level.name("lt") for level in levels] == headings
    english = [level.name("en") for level in levels]
    assert all(english) and len(set(english)) == 5


def test_every_fact_of_facts_md_is_known_with_its_polarity():
    table = facts_md_table()
    assert len(table) == 22  # facts.md's vocabulary table itself (the model may add facts of its own)
    facts = MODEL.facts
    assert {name: facts[name].polarity for name in table if name in facts} == table
    for name, polarity in table.items():
        assert facts[name].positive == (polarity == "+")
        assert facts[name].question("en") and facts[name].question("lt")


def test_the_scale_is_facts_md_s_agreement_scale():
    scale = MODEL.scale
    assert {v: (t("en"), t("lt")) for v, t in scale.items()} == facts_md_scale()


def test_every_diagnostic_code_of_facts_md_has_its_texts_and_rules():
    kb = MODEL
    codes = facts_md_codes()
    assert "incomplete_profile" in codes and len(codes) == 5
    assert codes <= set(kb.diagnostics)  # the knowledge base may add codes of its own
    ruled = {rule.code for rule in kb.rules.diagnostics}
    assert codes - {"incomplete_profile"} <= ruled  # incomplete_profile is computed (expert/unknowns.py), not a rule


# --- the loader refuses a corrupted copy of the model, naming file and key --------------------------------------

def _copy_model(tmp_path: Path) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(BUNDLED, folder)
    return folder


def _rewrite(path: Path, change: Callable[[object], object]) -> None:
    """Apply `change` to the parsed file (in place, or by returning a new top level) and write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    changed = change(data)
    path.write_text(yaml.safe_dump(data if changed is None else changed, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def _set(data, *path_and_value):
    *path, key, value = path_and_value
    for step in path:
        data = data[step]
    data[key] = value


def _drop(data, *path):
    *path, key = path
    for step in path:
        data = data[step]
    del data[key]


def _first_fact(tmp: Path) -> str:
    return yaml.safe_load((tmp / "facts.yaml").read_text(encoding="utf-8"))["facts"][0]["name"]


def _problem(folder: Path, file: str, key: str, problem: str) -> None:
    """The model in `folder` is refused, and one of its problems is exactly `file: key: …problem…`."""
    with pytest.raises(ModelError) as caught:
        load_model(folder)
    found = [p for p in caught.value.problems if p.file == file and p.key == key]
    assert found, [str(p) for p in caught.value.problems]
    assert problem in found[0].problem and str(found[0]).startswith(f"{file}: {key}: ")


# (file, corruption, the key the message must name (may use {fact}), the problem)
KNOWLEDGE_CORRUPTIONS = [
    ("levels.yaml", lambda d: _set(d, "levels", 0, "colour", "red"), "levels[0].colour", "unknown key"),
    ("levels.yaml", lambda d: d["levels"], "(top)", "must be a mapping"),
    ("levels.yaml", lambda d: _set(d, "levels", d["levels"][:1]), "levels", "2 to 9 levels"),
    ("levels.yaml", lambda d: _set(d, "levels", 1, "level", 3), "levels[1].level", "1..5"),
    ("levels.yaml", lambda d: _drop(d, "levels", 2, "name", "lt"), "levels[2].name.lt", "missing translation"),
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "question", "lt"), "{fact}.question.lt", "missing translation"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "statement", "de", "Aussage"), "{fact}.statement.de",
     "a language the model does not have"),
    ("facts.yaml", lambda d: _set(d, "facts", 1, "name", d["facts"][0]["name"]), "facts[1]", "duplicate"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "polarity", "±"), "{fact}.polarity", "'+' or '-'"),
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "source"), "facts[0].source", "missing key"),
    ("facts.yaml", lambda d: _set(d, "facts", "customer_focus"), "facts", "non-empty list"),
    ("model.yaml", lambda d: _set(d, "scale", 7, {"en": "x", "lt": "x"}), "scale", "whole numbers in a row"),
    ("model.yaml", lambda d: _set(d, "languages", "en"), "languages", "list of language codes"),
    ("model.yaml", lambda d: _set(d, "reasoning", "incomplete", "nope"), "reasoning.incomplete",
     "unknown diagnostic"),
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 0, "stuck"), "diagnostics[0]", "must be a mapping"),
    ("diagnostics.yaml", lambda d: _drop(d, "diagnostics", 0, "advice"), "diagnostics[0].advice", "missing key"),
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 1, "code", d["diagnostics"][0]["code"]),
     "diagnostics[1]", "duplicate"),
]


@pytest.mark.parametrize(("file", "corrupt", "key", "problem"), KNOWLEDGE_CORRUPTIONS,
                         ids=[f"{c[0]}:{c[2]}" for c in KNOWLEDGE_CORRUPTIONS])
def test_a_corrupted_model_file_is_named_with_its_key(tmp_path, file, corrupt, key, problem):
    folder = _copy_model(tmp_path)
    key = key.format(fact=_first_fact(folder))
    _rewrite(folder / file, corrupt)
    _problem(folder, file, key, problem)


def test_an_untouched_copy_loads_like_the_bundled_model(tmp_path):
    folder = _copy_model(tmp_path)
    for file in ("model.yaml", "levels.yaml", "facts.yaml", "diagnostics.yaml", "rules.yaml", "transitions.yaml"):
        _rewrite(folder / file, lambda d: None)  # the same round trip the corruptions take
    model = load_model(folder)
    assert (model.knowledge, model.rules, model.transitions) == (MODEL.knowledge, MODEL.rules, MODEL.transitions)


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    folder = _copy_model(tmp_path)
    _rewrite(folder / "levels.yaml", lambda d: _drop(d, "levels", 2, "name", "lt"))
    _rewrite(folder / "facts.yaml", lambda d: _set(d, "facts", 0, "polarity", "±"))
    _rewrite(folder / "rules.yaml", lambda d: _set(d, "indicators", 0, "when", ["cx_ownershp >= 4"]))
    problems = [str(p) for p in check_model(folder)]
    assert any(p.startswith("levels.yaml: levels[2].name.lt: missing translation") for p in problems), problems
    assert any(p.startswith("facts.yaml: ") and "polarity" in p for p in problems), problems
    assert any(p.startswith("rules.yaml: ") and "unknown fact 'cx_ownershp'" in p for p in problems), problems


def test_a_model_text_that_branda_does_not_use_is_named(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "texts.yaml").write_text(yaml.safe_dump({"texts": {"no_such_text": {"en": "x"}}}), encoding="utf-8")
    _problem(folder, "texts.yaml", "texts.no_such_text", "not a text branda uses")


def test_a_model_file_that_is_not_yaml_is_named(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "levels.yaml").write_text("levels:\n  - level: 1\n   name: [\n", encoding="utf-8")
    _problem(folder, "levels.yaml", "(file)", "cannot be parsed")


# --- the rule loader refuses a corrupted rules.yaml -------------------------------------------------------------

def _when(index: int, condition: str):
    return lambda d: _set(d, "indicators", index, "when", [condition])


RULE_CORRUPTIONS = [
    (_when(0, "cx_ownershp >= 4"), "{ind0}.when[0]", "unknown fact 'cx_ownershp'"),
    (_when(0, "cx_ownership > 4"), "{ind0}.when[0]", "'fact >= N'"),
    (_when(0, "cx_ownership == 4"), "{ind0}.when[0]", "'fact >= N'"),
    (_when(0, "cx_ownership >= 6"), "{ind0}.when[0]", "on the scale 1-5"),
    (_when(0, "cx_ownership >= 0"), "{ind0}.when[0]", "on the scale 1-5"),
    (lambda d: _set(d, "indicators", 0, "when", "cx_ownership >= 4"), "{ind0}.when", "must be a list"),
    (lambda d: _set(d, "indicators", 0, "level", 1), "{ind0}.level", "a level 2-5"),
    (lambda d: _set(d, "indicators", 0, "weight", 2), "indicators[0].weight", "unknown key"),
    (lambda d: _drop(d, "indicators", 0, "cites", "lt"), "{ind0}.cites.lt", "missing translation"),
    (lambda d: _set(d, "diagnostics", 0, "code", "stuck_at_level_9"), "{diag0}.code", "unknown diagnostic code"),
    (lambda d: _set(d, "diagnostics", 0, "at_levels", [0, 2]), "{diag0}.at_levels[0]", "a level 1-5"),
    (lambda d: _set(d, "ladder", "step_by_step", "yes please"), "ladder.step_by_step", "true"),
    (lambda d: _set(d, "indicators", 1, "rule", d["indicators"][0]["rule"]), "rules[1]", "duplicate"),
    (lambda d: _set(d, "indicators", [i for i in d["indicators"] if i["level"] != 5]), "indicators",
     "level 5 has no indicator"),
]


@pytest.mark.parametrize(("corrupt", "key", "problem"), RULE_CORRUPTIONS,
                         ids=[f"{c[1]}:{c[2]}" for c in RULE_CORRUPTIONS])
def test_a_corrupted_rule_file_is_named_with_its_key(tmp_path, corrupt, key, problem):
    folder = _copy_model(tmp_path)
    data = yaml.safe_load((folder / "rules.yaml").read_text(encoding="utf-8"))
    key = key.format(ind0=data["indicators"][0]["rule"], diag0=data["diagnostics"][0]["rule"])
    _rewrite(folder / "rules.yaml", corrupt)
    _problem(folder, "rules.yaml", key, problem)
