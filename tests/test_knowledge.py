"""The bundled knowledge is the article's and facts.md's; a corrupted knowledge or rule file is named, key and all."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from knowledge.loader import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from rules.model import RULES_FILE, load_rulebase

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "domain"
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
    levels = load_knowledge().levels
    assert [level.number for level in levels] == [1, 2, 3, 4, 5]
    headings = re.findall(r"^\w+ lygis\. (.+?)\s*$", domain_text("source-article.lt.txt"), flags=re.M)
    headings = [h.strip("„“\" ") for h in headings]
    assert headings == ARTICLE_HEADINGS
    assert [level.name.lt for level in levels] == headings
    english = [level.name.en for level in levels]
    assert all(english) and len(set(english)) == 5


def test_every_fact_of_facts_md_is_known_with_its_polarity():
    table = facts_md_table()
    assert len(table) == 22  # the vocabulary table of facts.md
    facts = load_knowledge().facts
    assert {name: facts[name].polarity for name in table if name in facts} == table
    for name, polarity in table.items():
        assert facts[name].positive == (polarity == "+")
        assert facts[name].question.en and facts[name].question.lt


def test_the_scale_is_facts_md_s_agreement_scale():
    scale = load_knowledge().scale
    assert {v: (t.en, t.lt) for v, t in scale.items()} == facts_md_scale()


def test_every_diagnostic_code_of_facts_md_has_its_texts_and_rules():
    kb = load_knowledge()
    codes = facts_md_codes()
    assert "incomplete_profile" in codes and len(codes) == 5
    assert codes <= set(kb.diagnostics)  # the knowledge base may add codes of its own
    ruled = {rule.code for rule in load_rulebase(RULES_FILE, kb).diagnostics}
    assert codes - {"incomplete_profile"} <= ruled  # incomplete_profile is computed (expert/unknowns.py), not a rule


# --- the loader refuses a corrupted copy ----------------------------------------------------------------------

def _copy_knowledge(tmp_path: Path) -> Path:
    for path in KNOWLEDGE_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


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


def _first_text(tmp: Path) -> str:
    return next(iter(yaml.safe_load((tmp / "texts.yaml").read_text(encoding="utf-8"))["texts"]))


# (file, corruption, the key the message must name (may use {fact}/{text}), the problem)
KNOWLEDGE_CORRUPTIONS = [
    ("levels.yaml", lambda d: _set(d, "levels", 0, "colour", "red"), "levels[0].colour", "unknown key"),
    ("levels.yaml", lambda d: d["levels"], "(top)", "must be a mapping"),
    ("levels.yaml", lambda d: _set(d, "levels", d["levels"][:4]), "levels", "five levels"),
    ("levels.yaml", lambda d: _set(d, "levels", 1, "level", 3), "levels[1].level", "1..5"),
    ("levels.yaml", lambda d: _drop(d, "levels", 2, "name", "lt"), "levels[2].name.lt", "missing translation"),
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "question", "lt"), "{fact}.question.lt", "missing translation"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "statement", "de", "Aussage"), "{fact}.statement.de",
     "unknown language"),
    ("facts.yaml", lambda d: _set(d, "facts", 1, "name", d["facts"][0]["name"]), "facts[1]", "duplicate"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "polarity", "±"), "{fact}.polarity", "'+' or '-'"),
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "source"), "facts[0].source", "missing key"),
    ("facts.yaml", lambda d: _drop(d, "scale", 5), "scale.5", "missing key"),
    ("facts.yaml", lambda d: _set(d, "facts", "customer_focus"), "facts", "non-empty list"),
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 0, "stuck"), "diagnostics[0]", "must be a mapping"),
    ("diagnostics.yaml", lambda d: _drop(d, "diagnostics", 0, "advice"), "diagnostics[0].advice", "missing key"),
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 1, "code", d["diagnostics"][0]["code"]),
     "diagnostics[1]", "duplicate"),
    ("texts.yaml", lambda d: _drop(d, "texts", next(iter(d["texts"])), "en"), "texts.{text}.en", "missing translation"),
    ("texts.yaml", lambda d: _set(d, "texts", [1, 2]), "texts", "must be a mapping"),
]


@pytest.mark.parametrize(("file", "corrupt", "key", "problem"), KNOWLEDGE_CORRUPTIONS,
                         ids=[f"{c[0]}:{c[2]}" for c in KNOWLEDGE_CORRUPTIONS])
def test_a_corrupted_knowledge_file_is_named_with_its_key(tmp_path, file, corrupt, key, problem):
    tmp = _copy_knowledge(tmp_path)
    key = key.format(fact=_first_fact(tmp), text=_first_text(tmp))
    _rewrite(tmp / file, corrupt)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp)
    err = caught.value
    assert err.file.endswith("/" + file) and file in str(err)
    assert err.key == key and key in str(err)
    assert problem in err.problem


def test_an_untouched_copy_loads_like_the_bundled_knowledge(tmp_path):
    tmp = _copy_knowledge(tmp_path)
    for file in ("levels.yaml", "facts.yaml", "diagnostics.yaml", "texts.yaml"):
        _rewrite(tmp / file, lambda d: None)  # the same round trip the corruptions take
    assert load_knowledge(tmp) == load_knowledge()


def test_a_text_key_may_be_defined_only_once_across_texts_files(tmp_path):
    tmp = _copy_knowledge(tmp_path)
    key = _first_text(tmp)
    (tmp / "texts_x.yaml").write_text(yaml.safe_dump({"texts": {key: {"en": "again", "lt": "vėl"}}},
                                                     allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp)
    assert caught.value.file.endswith("/texts_x.yaml")
    assert f"texts.{key}" in str(caught.value) and "defined twice" in str(caught.value)


def test_a_knowledge_file_that_is_not_yaml_is_named(tmp_path):
    tmp = _copy_knowledge(tmp_path)
    (tmp / "levels.yaml").write_text("levels:\n  - level: 1\n   name: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(tmp)
    assert caught.value.file.endswith("/levels.yaml") and caught.value.key == "(file)"


# --- the rule loader refuses a corrupted copy of rules.yaml -----------------------------------------------------

def _when(index: int, condition: str):
    return lambda d: _set(d, "indicators", index, "when", [condition])


RULE_CORRUPTIONS = [
    (_when(0, "cx_ownershp >= 4"), "{ind0}.when[0]", "unknown fact 'cx_ownershp'"),
    (_when(0, "cx_ownership > 4"), "{ind0}.when[0]", "'fact >= N'"),
    (_when(0, "cx_ownership == 4"), "{ind0}.when[0]", "'fact >= N'"),
    (_when(0, "cx_ownership >= 6"), "{ind0}.when[0]", "N in 1-5"),
    (_when(0, "cx_ownership >= 0"), "{ind0}.when[0]", "N in 1-5"),
    (lambda d: _set(d, "indicators", 0, "when", "cx_ownership >= 4"), "{ind0}.when", "must be a list"),
    (lambda d: _set(d, "indicators", 0, "level", 1), "{ind0}.level", "2-5"),
    (lambda d: _set(d, "indicators", 0, "weight", 2), "indicators[0].weight", "unknown key"),
    (lambda d: _drop(d, "indicators", 0, "cites", "lt"), "{ind0}.cites.lt", "missing translation"),
    (lambda d: _set(d, "diagnostics", 0, "code", "stuck_at_level_9"), "{diag0}.code", "unknown diagnostic code"),
    (lambda d: _set(d, "diagnostics", 0, "at_levels", [0, 2]), "{diag0}.at_levels", "levels 1-5"),
    (lambda d: _set(d, "indicators", 1, "rule", d["indicators"][0]["rule"]), "rules[1]", "duplicate"),
    (lambda d: _set(d, "diagnostics", 0, "rule", d["indicators"][0]["rule"]), "rules[{n_ind}]", "duplicate"),
    (lambda d: _set(d, "indicators", [i for i in d["indicators"] if i["level"] != 5]), "indicators",
     "level 5 has no indicator"),
]


@pytest.mark.parametrize(("corrupt", "key", "problem"), RULE_CORRUPTIONS,
                         ids=[f"{c[1]}:{c[2]}" for c in RULE_CORRUPTIONS])
def test_a_corrupted_rule_file_is_named_with_its_key(tmp_path, corrupt, key, problem):
    path = tmp_path / "rules.yaml"
    shutil.copy(RULES_FILE, path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = key.format(ind0=data["indicators"][0]["rule"], diag0=data["diagnostics"][0]["rule"],
                     n_ind=len(data["indicators"]))
    _rewrite(path, corrupt)
    with pytest.raises(KnowledgeError) as caught:
        load_rulebase(path, load_knowledge())
    err = caught.value
    assert err.file.endswith("/rules.yaml") and "rules.yaml" in str(err)
    assert err.key == key and key in str(err)
    assert problem in err.problem


def test_an_untouched_copy_of_the_rules_loads(tmp_path):
    path = tmp_path / "rules.yaml"
    shutil.copy(RULES_FILE, path)
    _rewrite(path, lambda d: None)
    kb = load_knowledge()
    assert load_rulebase(path, kb) == load_rulebase(RULES_FILE, kb)
