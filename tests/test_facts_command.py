"""`branda facts`: the vocabulary a consultant reads the questions from, in both languages."""

from __future__ import annotations

import json

import pytest

from cli import cli
from knowledge.loader import knowledge


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_every_fact_is_listed_with_its_polarity_and_question(runner, lang):
    result = runner.invoke(cli, ["facts", "--lang", lang])
    assert result.exit_code == 0
    for name, fact in knowledge().facts.items():
        assert f"\n{name} ({fact.polarity}, " in result.output
        assert fact.question(lang) in result.output
        assert fact.source(lang) in result.output


def test_lithuanian_quotes_the_article_in_lithuanian_quotation_marks(runner):
    output = runner.invoke(cli, ["facts", "--lang", "lt"]).output
    assert f"Straipsnis: „{knowledge().facts['customer_focus'].source.lt}“" in output
    assert "Skalė: 1 = visiškai netiesa; 2 = greičiau netiesa" in output


def test_json_holds_the_vocabulary_in_both_languages(runner):
    data = json.loads(runner.invoke(cli, ["facts", "--format", "json"]).output)
    assert [f["name"] for f in data["facts"]] == list(knowledge().facts)
    assert set(data["scale"]) == {"1", "2", "3", "4", "5"}
    for item in data["facts"]:
        fact = knowledge().facts[item["name"]]
        assert item["polarity"] == fact.polarity
        assert item["questions"] == {"en": fact.question.en, "lt": fact.question.lt}
