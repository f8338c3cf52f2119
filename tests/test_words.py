"""The words a person reads instead of codes: labels, scale words, conditions said on the scale, counted nouns."""

import json

import pytest
from click.testing import CliRunner

from branda.cli import cli
from branda.expert import words
from branda.knowledge.model import load_model
from tests.conftest import MODEL, ROOT


@pytest.mark.parametrize("needed, lang, said", [
    (">= 4", "en", "at least “mostly true”"),
    ("<= 3", "en", "at most “partly true”"),
    (">= 2 and <= 4", "en", "from “mostly not true” to “mostly true”"),
    (">= 5", "en", "“fully true”"),
    ("<= 1", "en", "“not true at all”"),
    (">= 4", "lt", "bent „greičiau tiesa“"),
    ("<= 3", "lt", "ne daugiau kaip „iš dalies tiesa“"),
    (">= 2 and <= 4", "lt", "nuo „greičiau netiesa“ iki „greičiau tiesa“"),
])
def test_a_condition_is_said_on_the_scale_without_operators(needed, lang, said):
    assert words.needs_words(MODEL, needed, lang) == said


def test_numbers_follow_the_words_when_asked():
    assert words.needs_words(MODEL, ">= 4", "en", numbers=True) == "at least “mostly true” (4)"
    assert words.value_words(MODEL, None, "lt") == "atsakymo dar nėra"


@pytest.mark.parametrize("n, form", [(1, "klausimą"), (2, "klausimus"), (9, "klausimus"), (10, "klausimų"),
                                     (11, "klausimų"), (12, "klausimų"), (21, "klausimą"), (22, "klausimus"),
                                     (0, "klausimų"), (111, "klausimų")])
def test_lithuanian_counts_take_the_form_the_number_needs(n, form):
    assert words.counted(MODEL, n, "noun_question_acc", "lt") == f"{n} {form}"


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_every_fact_has_a_short_label_in_every_language(lang):
    labels = [f.label(lang) for f in MODEL.facts.values()]
    assert all(label and label != name for label, name in zip(labels, MODEL.facts))
    assert len(set(labels)) == len(labels)
    assert all(len(label) <= 64 for label in labels)


def test_a_model_without_labels_reads_its_fact_names_as_words():
    tiny = load_model(ROOT / "tests" / "models" / "tiny")
    assert words.label(tiny, "written_practices", "en") == "Written practices"


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_json_diagnostics_carry_their_title_in_the_language_asked(lang):
    result = CliRunner().invoke(cli, ["assess", "examples/retailer_stuck_level2.yaml", "--format", "json",
                                      "--lang", lang])
    diagnostics = json.loads(result.output)["diagnostics"]
    assert diagnostics and all(d["title"] == MODEL.diagnostics[d["code"]].title(lang) for d in diagnostics)
