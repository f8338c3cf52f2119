"""`branda facts`: the vocabulary a consultant reads the questions from, in both languages."""

from __future__ import annotations

import json

import pytest
from conftest import MODEL

from branda.cli import cli


@pytest.mark.parametrize("lang", MODEL.languages)
def test_every_fact_is_listed_label_first_with_its_code_polarity_and_question(runner, lang):
    result = runner.invoke(cli, ["facts", "--lang", lang])
    assert result.exit_code == 0
    for name, fact in MODEL.facts.items():
        polarity = MODEL.text("polarity_plus" if fact.positive else "polarity_minus", lang)
        assert f"\n{fact.label(lang)} ({name}): {polarity}\n" in result.output
        assert result.output.count(f"({name})") == 1  # the code once, in brackets after the label
        assert fact.question(lang) in result.output
        assert fact.source(lang) in result.output


def test_the_english_vocabulary_reads_label_first():
    from branda.expert.render import facts_text

    text = facts_text(MODEL, "en")
    label = MODEL.facts["quick_wins_focus"].label("en")
    assert f"\n{label} (quick_wins_focus): higher is less mature (a symptom or risk)\n" in text
    assert text.startswith("The facts a consultant rates, each on the 1–5 agreement scale")


def test_lithuanian_quotes_the_article_in_lithuanian_quotation_marks(runner):
    output = runner.invoke(cli, ["facts", "--lang", "lt"]).output
    assert f"Straipsnis: „{MODEL.facts['customer_focus'].source.by_lang['lt']}“" in output
    assert "Skalė: 1 = visiškai netiesa; 2 = greičiau netiesa" in output


def test_json_holds_the_vocabulary_in_both_languages(runner):
    data = json.loads(runner.invoke(cli, ["facts", "--format", "json"]).output)
    assert [f["name"] for f in data["facts"]] == list(MODEL.facts)
    assert set(data["scale"]) == {str(v) for v in MODEL.rules.scale}
    for item in data["facts"]:
        fact = MODEL.facts[item["name"]]
        assert item["polarity"] == fact.polarity
        assert item["questions"] == {lang: fact.question.by_lang[lang] for lang in MODEL.languages}
