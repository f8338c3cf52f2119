"""The bundled model is the article's and facts.md's; a corrupted copy of it is refused with every problem named.

Each problem reads `FILE: KEY: problem`, FILE relative to the model folder (levels.yaml, rules.yaml, ...).
The article and facts.md are read from the suite's copies in tests/domain (test_domain_copies checks them).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from branda.knowledge.model import BUNDLED, MODEL_FILES, ModelError, check_model, load_model
from conftest import MODEL
from model_variants import read_yaml, rewrite

DOMAIN = Path(__file__).resolve().parent / "domain"  # copies of ../shared/domain
# The article's own level headings ("Pirmas lygis. Žema organizacijos branda", ...), quotes dropped.
ARTICLE_HEADINGS = ["Žema organizacijos branda", "Vienose rankose", "Super strategija", "Analizės link",
                    "Geriau, nei tikisi klientai"]
LANGUAGES = ", ".join(MODEL.languages)
SCALE = f"{MODEL.low}-{MODEL.high}"
TOP = MODEL.top


def domain_text(name: str) -> str:
    return (DOMAIN / name).read_text(encoding="utf-8")


def facts_md_section(heading: str) -> str:
    """The text of facts.md from the line `heading` (a prefix of it) to the next heading of its level."""
    text = domain_text("facts.md")
    level = heading.split(" ", 1)[0]
    start = text.index(heading)
    rest = text[start + len(heading):]
    end = re.search(rf"^{re.escape(level)} ", rest, flags=re.M)
    return rest if end is None else rest[:end.start()]


def rows(text: str) -> list[str]:
    """The body rows of the Markdown tables in `text` (no header or rule lines)."""
    return [line for line in text.splitlines() if line.startswith("| `")]


def facts_md_table() -> dict[str, str]:
    """facts.md's vocabulary: name -> polarity ('+' or '-')."""
    found = re.findall(r"^\| `([a-z_]+)` \| ([+\-−]) \|", domain_text("facts.md"), flags=re.M)
    return {name: "-" if pol in "-−" else "+" for name, pol in found}


def facts_md_codes() -> set[str]:
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", facts_md_section("## Diagnostics"), flags=re.M))


def facts_md_scale() -> dict[int, tuple[str, str]]:
    found = re.findall(r"^\| (\d+) \| (.+?) \| (.+?) \|$", domain_text("facts.md"), flags=re.M)
    return {int(v): (en, lt) for v, en, lt in found}


# --- the bundled model ----------------------------------------------------------------------------------------

def test_the_levels_carry_the_articles_lithuanian_headings():
    headings = re.findall(r"^\w+ lygis\. (.+?)\s*$", domain_text("source-article.lt.txt"), flags=re.M)
    headings = [h.strip("„“\" ") for h in headings]
    assert headings == ARTICLE_HEADINGS
    levels = MODEL.levels
    assert [level.number for level in levels] == list(range(1, len(headings) + 1)) == list(MODEL.rules.levels)
    assert [level.name("lt") for level in levels] == headings
    english = [level.name("en") for level in levels]
    assert all(english) and len(set(english)) == len(levels)


def test_every_fact_of_facts_md_is_known_with_its_polarity():
    table = facts_md_table()
    vocabulary = domain_text("facts.md").split("## Diagnostics", 1)[0]
    assert table and len(table) == len(rows(vocabulary))  # every row of the vocabulary table, read
    facts = MODEL.facts  # the model may add facts of its own (facts.md: "the knowledge base may add facts")
    assert {name: facts[name].polarity for name in table if name in facts} == table
    for name, polarity in table.items():
        assert facts[name].positive == (polarity == "+")
        assert all(facts[name].question(lang) for lang in MODEL.languages)
        assert set(facts[name].question.by_lang) == set(MODEL.languages)


def test_the_scale_is_facts_md_s_agreement_scale():
    assert {v: (t("en"), t("lt")) for v, t in MODEL.scale.items()} == facts_md_scale()
    assert list(MODEL.scale) == list(MODEL.rules.scale)


def test_every_diagnostic_code_of_facts_md_has_its_texts_and_rules():
    codes = facts_md_codes()
    assert MODEL.incomplete in codes and len(codes) == len(rows(facts_md_section("## Diagnostics")))
    assert codes <= set(MODEL.diagnostics)  # the model may add codes of its own
    ruled = {rule.code for rule in MODEL.rules.diagnostics}
    assert codes - {MODEL.incomplete} <= ruled  # incomplete_profile is computed (expert/unknowns.py), not a rule
    assert MODEL.readiness is not None and MODEL.readiness.not_ready in ruled


# --- a corrupted copy of the model is refused, naming file, key and problem -----------------------------------

def _copy_model(tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    shutil.copytree(BUNDLED, folder)
    return folder


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


def _refused(folder: Path) -> list[str]:
    """load_model refuses `folder`: every problem, as `FILE: KEY: problem` (and check_model lists the same)."""
    with pytest.raises(ModelError) as caught:
        load_model(folder)
    problems = [str(p) for p in caught.value.problems]
    assert problems == [str(p) for p in check_model(folder)]
    assert str(caught.value).startswith(problems[0])
    return problems


def _names(folder: Path) -> dict[str, str]:
    """What a corruption's message may name: the first fact, indicator and diagnostic rule, the first code."""
    rules = read_yaml(folder / "rules.yaml")
    return {"fact": read_yaml(folder / "facts.yaml")["facts"][0]["name"],
            "ind0": rules["indicators"][0]["rule"], "diag0": rules["diagnostics"][0]["rule"],
            "code0": read_yaml(folder / "diagnostics.yaml")["diagnostics"][0]["code"]}


Corruption = Callable[[object], object]

# (file, corruption, the exact `FILE: KEY: problem` (may name {fact}, {ind0}, {diag0}, {code0}))
CORRUPTIONS: list[tuple[str, Corruption, str]] = [
    # model.yaml
    ("model.yaml", lambda d: _set(d, "scale", 7, {"en": "x", "lt": "x"}),
     "model.yaml: scale: the answers must be whole numbers in a row (like 1, 2, 3, 4, 5), found "
     f"{[*MODEL.scale, 7]}"),
    ("model.yaml", lambda d: _drop(d, "scale", MODEL.high, "lt"),
     f"model.yaml: scale.{MODEL.high}.lt: missing translation"),
    ("model.yaml", lambda d: _set(d, "languages", "en"),
     "model.yaml: languages: must be a non-empty list of language codes like [en, lt]"),
    ("model.yaml", lambda d: _set(d, "reasoning", "incomplete", "nope"),
     "model.yaml: reasoning.incomplete: unknown diagnostic 'nope' (not in diagnostics.yaml)"),
    ("model.yaml", lambda d: _set(d, "readiness", "not_ready", "nope"),
     "model.yaml: readiness.not_ready: unknown diagnostic 'nope'"),
    # levels.yaml
    ("levels.yaml", lambda d: _set(d, "levels", 0, "colour", "red"), "levels.yaml: levels[0].colour: unknown key"),
    ("levels.yaml", lambda d: d["levels"], "levels.yaml: (top): must be a mapping"),
    ("levels.yaml", lambda d: _set(d, "levels", d["levels"][:1]),
     "levels.yaml: levels: a model has 2 to 9 levels, found 1"),
    ("levels.yaml", lambda d: _set(d, "levels", 1, "level", 3),
     f"levels.yaml: levels[1].level: levels are numbered 1..{TOP} in order, found 3"),
    ("levels.yaml", lambda d: _drop(d, "levels", 2, "name", "lt"),
     "levels.yaml: levels[2].name.lt: missing translation"),
    # facts.yaml
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "question", "lt"),
     "facts.yaml: {fact}.question.lt: missing translation"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "statement", "de", "Aussage"),
     f"facts.yaml: {{fact}}.statement.de: a language the model does not have (model.yaml languages: {LANGUAGES})"),
    ("facts.yaml", lambda d: _set(d, "facts", 1, "name", d["facts"][0]["name"]),
     "facts.yaml: facts[1]: duplicate '{fact}'"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "polarity", "±"), "facts.yaml: {fact}.polarity: must be '+' or '-'"),
    ("facts.yaml", lambda d: _drop(d, "facts", 0, "source"), "facts.yaml: facts[0].source: missing key"),
    ("facts.yaml", lambda d: _set(d, "facts", 0, "name", "Customer Focus"),
     "facts.yaml: facts[0].name: must be a lower-case identifier"),
    ("facts.yaml", lambda d: _set(d, "facts", "customer_focus"), "facts.yaml: facts: must be a non-empty list"),
    # diagnostics.yaml
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 0, "stuck"),
     "diagnostics.yaml: diagnostics[0]: must be a mapping"),
    ("diagnostics.yaml", lambda d: _drop(d, "diagnostics", 0, "advice"),
     "diagnostics.yaml: diagnostics[0].advice: missing key"),
    ("diagnostics.yaml", lambda d: _set(d, "diagnostics", 1, "code", d["diagnostics"][0]["code"]),
     "diagnostics.yaml: diagnostics[1]: duplicate '{code0}'"),
    # rules.yaml
    ("rules.yaml", lambda d: _set(d, "indicators", 0, "when", ["cx_ownershp >= 4"]),
     "rules.yaml: {ind0}.when[0]: unknown fact 'cx_ownershp'"),
    *[("rules.yaml", (lambda c: lambda d: _set(d, "indicators", 0, "when", [c]))(condition),
       f"rules.yaml: {{ind0}}.when[0]: {condition!r} is not 'fact >= N' or 'fact <= N' with N on the scale {SCALE}")
      for condition in ["cx_ownership > 4", "cx_ownership == 4", f"cx_ownership >= {MODEL.high + 1}",
                        f"cx_ownership >= {MODEL.low - 1}"]],
    ("rules.yaml", lambda d: _set(d, "indicators", 0, "when", "cx_ownership >= 4"),
     f"rules.yaml: {{ind0}}.when: must be a list of conditions like '{{fact}} >= {MODEL.high - 1}'"),
    ("rules.yaml", lambda d: _set(d, "indicators", 0, "level", 1),
     f"rules.yaml: {{ind0}}.level: must be a level 2-{TOP}, found 1"),
    ("rules.yaml", lambda d: _set(d, "indicators", 0, "weight", 2), "rules.yaml: indicators[0].weight: unknown key"),
    ("rules.yaml", lambda d: _drop(d, "indicators", 0, "cites", "lt"),
     "rules.yaml: {ind0}.cites.lt: missing translation"),
    ("rules.yaml", lambda d: _set(d, "diagnostics", 0, "code", "stuck_at_level_9"),
     "rules.yaml: {diag0}.code: unknown diagnostic code 'stuck_at_level_9'"),
    ("rules.yaml", lambda d: _set(d, "diagnostics", 0, "at_levels", [0, 2]),
     f"rules.yaml: {{diag0}}.at_levels[0]: must be a level 1-{TOP}, found 0"),
    ("rules.yaml", lambda d: _set(d, "ladder", "step_by_step", "yes please"),
     "rules.yaml: ladder.step_by_step: must be true (a level counts only when the one below it is reached) or false"),
    ("rules.yaml", lambda d: _set(d, "indicators", 1, "rule", d["indicators"][0]["rule"]),
     "rules.yaml: rules[1]: duplicate '{ind0}'"),
    ("rules.yaml", lambda d: _set(d, "indicators", [i for i in d["indicators"] if i["level"] != TOP]),
     f"rules.yaml: indicators: level {TOP} has no indicator"),
    # transitions.yaml
    ("transitions.yaml", lambda d: _set(d, "capabilities", "ownership", "facts", ["cx_ownershp"]),
     "transitions.yaml: capabilities.ownership.facts[0]: unknown fact 'cx_ownershp'"),
    ("transitions.yaml", lambda d: _set(d, "capabilities", "ownership", "requires", ["customer_orientation"]),
     "transitions.yaml: capabilities.ownership.requires: prerequisite cycle: "
     "ownership requires customer_orientation requires ownership"),
    ("transitions.yaml", lambda d: _set(d, "actions", 0, "to", TOP + 1),
     f"transitions.yaml: actions.appoint_owner.to: must be a level 2-{TOP}, found {TOP + 1}"),
    ("transitions.yaml", lambda d: _set(d, "fallbacks", "risk", "diagnostic", "nope"),
     "transitions.yaml: fallbacks.risk.diagnostic: unknown diagnostic code 'nope'"),
]


@pytest.mark.parametrize(("file", "corrupt", "expected"), CORRUPTIONS,
                         ids=[c[2].split(": ", 2)[0] + ": " + c[2].split(": ", 2)[1] for c in CORRUPTIONS])
def test_a_corrupted_model_file_is_named_with_its_key_and_problem(tmp_path, file, corrupt, expected):
    folder = _copy_model(tmp_path)
    expected = expected.format(**_names(folder))
    rewrite(folder / file, corrupt)
    problems = _refused(folder)
    assert expected in problems
    assert problems[0] == expected  # the first line is the corruption itself, whatever follows from it


def test_an_untouched_copy_loads_like_the_bundled_model(tmp_path):
    folder = _copy_model(tmp_path)
    for file in MODEL_FILES:
        rewrite(folder / file, lambda d: None)  # the same round trip the corruptions take
    model = load_model(folder)
    assert (model.knowledge, model.rules, model.transitions) == (MODEL.knowledge, MODEL.rules, MODEL.transitions)
    assert check_model(folder) == []


@pytest.mark.parametrize("file", MODEL_FILES)
def test_a_missing_model_file_is_named(tmp_path, file):
    folder = _copy_model(tmp_path)
    (folder / file).unlink()
    assert f"{file}: (file): is missing" in _refused(folder)


def test_a_model_file_that_is_not_yaml_is_named(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "levels.yaml").write_text("levels:\n  - level: 1\n   name: [\n", encoding="utf-8")
    (problem,) = [p for p in _refused(folder) if p.startswith("levels.yaml: ")]
    assert problem.startswith("levels.yaml: (file): cannot be parsed: ")


# --- every problem, not only the first ------------------------------------------------------------------------

def test_two_corruptions_in_two_files_are_both_reported(tmp_path):
    folder = _copy_model(tmp_path)
    rewrite(folder / "diagnostics.yaml", lambda d: _drop(d, "diagnostics", 0, "advice"))
    rewrite(folder / "transitions.yaml", lambda d: _set(d, "fallbacks", "risk", "diagnostic", "nope"))
    problems = _refused(folder)
    assert "diagnostics.yaml: diagnostics[0].advice: missing key" in problems
    assert "transitions.yaml: fallbacks.risk.diagnostic: unknown diagnostic code 'nope'" in problems
    with pytest.raises(ModelError) as caught:
        load_model(folder)
    assert str(caught.value) == (f"{problems[0]} (and {len(problems) - 1} more: "
                                 f"'branda model check {folder}' lists them)")


def test_every_problem_of_several_files_is_listed(tmp_path):
    folder = _copy_model(tmp_path)
    names = _names(folder)
    rewrite(folder / "levels.yaml", lambda d: _drop(d, "levels", 2, "name", "lt"))
    rewrite(folder / "facts.yaml", lambda d: _set(d, "facts", 0, "polarity", "±"))
    rewrite(folder / "rules.yaml", lambda d: _set(d, "indicators", 0, "when", ["cx_ownershp >= 4"]))
    rewrite(folder / "transitions.yaml", lambda d: _set(d, "capabilities", "ownership", "facts", ["cx_ownershp"]))
    problems = _refused(folder)
    for expected in ["levels.yaml: levels[2].name.lt: missing translation",
                     f"facts.yaml: {names['fact']}.polarity: must be '+' or '-'",
                     f"rules.yaml: {names['ind0']}.when[0]: unknown fact 'cx_ownershp'",
                     "transitions.yaml: capabilities.ownership.facts[0]: unknown fact 'cx_ownershp'"]:
        assert expected in problems, problems


def test_several_problems_in_one_file_are_each_listed(tmp_path):
    folder = _copy_model(tmp_path)
    rewrite(folder / "facts.yaml", lambda d: _set(d, "facts", 3, "polarity", "±"))
    rewrite(folder / "facts.yaml", lambda d: _drop(d, "facts", 5, "source"))
    rewrite(folder / "transitions.yaml", lambda d: _set(d, "capabilities", "ownership", "facts", ["cx_ownershp"]))
    rewrite(folder / "transitions.yaml", lambda d: _set(d, "actions", 1, "to", 1))
    rewrite(folder / "transitions.yaml", lambda d: _set(d, "fallbacks", "risk", "diagnostic", "nope"))
    facts = read_yaml(BUNDLED / "facts.yaml")["facts"]
    action = read_yaml(BUNDLED / "transitions.yaml")["actions"][1]["id"]
    problems = _refused(folder)
    for expected in [f"facts.yaml: {facts[3]['name']}.polarity: must be '+' or '-'",
                     "facts.yaml: facts[5].source: missing key",
                     "transitions.yaml: capabilities.ownership.facts[0]: unknown fact 'cx_ownershp'",
                     f"transitions.yaml: actions.{action}.to: must be a level 2-{TOP}, found 1",
                     "transitions.yaml: fallbacks.risk.diagnostic: unknown diagnostic code 'nope'"]:
        assert expected in problems, problems


# --- a model's own texts.yaml ---------------------------------------------------------------------------------

def test_a_model_text_that_branda_does_not_use_is_named(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "texts.yaml").write_text(yaml.safe_dump({"texts": {"no_such_text": {"en": "x"}}}), encoding="utf-8")
    assert _refused(folder) == ["texts.yaml: texts.no_such_text: not a text branda uses (a misspelt key?)"]


def test_a_model_texts_file_that_is_not_a_mapping_is_named(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "texts.yaml").write_text("texts: [1, 2]\n", encoding="utf-8")
    assert _refused(folder) == ["texts.yaml: texts: must be a mapping"]


def test_a_model_may_reword_a_text_of_branda(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / "texts.yaml").write_text(yaml.safe_dump({"texts": {"headline": {"en": "{organisation}: {level}"}}}),
                                       encoding="utf-8")
    model = load_model(folder)
    assert model.text("headline", "en", organisation="X", level=3, top=TOP, name="n") == "X: 3"
    assert model.texts["headline"]("lt") == MODEL.texts["headline"]("lt")  # the other language kept
