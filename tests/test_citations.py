"""Every citation is the article's own sentence, and the sentence that supports *that* criterion (issue 10 item 10).

The Lithuanian article is authoritative; the English working translation beside it is what the English texts quote.
Both are read from the suite's copies in tests/domain (test_domain_copies checks them against shared/).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from conftest import MODEL

from branda.expert import words

DOMAIN = Path(__file__).resolve().parent / "domain"
QUOTES = str.maketrans({c: '"' for c in "„“”«»"} | {"’": "'"})


def _normal(text: str) -> str:
    """Whitespace collapsed, every kind of quotation mark one mark, the cite's own outer marks dropped."""
    text = re.sub(r"\s+", " ", text.translate(QUOTES)).strip()
    return re.sub(r' ([.,;:])', r"\1", text)


def _lt_article() -> str:
    return _normal((DOMAIN / "source-article.lt.txt").read_text(encoding="utf-8"))


def _en_article() -> str:
    """The English translation as running text: no headings' marks, bullets or [lt: …] glosses."""
    text = (DOMAIN / "source-article.en.md").read_text(encoding="utf-8")
    text = re.sub(r"\s*\[lt:[^\]]*\]", "", text)
    text = re.sub(r"^#+ |^- ", "", text, flags=re.M)
    return _normal(text)


ARTICLE = {"lt": _lt_article(), "en": _en_article()}


def _cite(text: str) -> str:
    return _normal(text).strip('"')


def citations() -> Iterator[tuple[str, object]]:
    """(where, Text) for every citation of the model: rules, ladder, actions, fall-backs, milestones, sources."""
    rules, moves = MODEL.rules, MODEL.transitions
    for rule in (*rules.indicators, *rules.diagnostics):
        yield f"rules.yaml {rule.name}", rule.cites
    yield "rules.yaml ladder", rules.steps[0].cites
    for action in moves.actions:
        yield f"transitions.yaml actions {action.id}", action.cites
    yield "transitions.yaml fallbacks risk", moves.risk.cites
    yield "transitions.yaml fallbacks lapse", moves.lapse.cites
    for level, milestone in moves.milestones.items():
        yield f"transitions.yaml milestones {level}", milestone.cites
    for level in MODEL.levels:
        yield f"levels.yaml level {level.number} source", level.source
    for code, info in MODEL.diagnostics.items():
        yield f"diagnostics.yaml {code} source", info.source


def fact_sources() -> Iterator[tuple[str, object]]:
    """The facts' sources, word for word in both articles."""
    for name, fact in MODEL.facts.items():
        yield f"facts.yaml {name} source", fact.source


CITATIONS = [(where, text, lang) for where, text in citations() for lang in sorted(ARTICLE)]
CITATIONS += [(where, text, lang) for where, text in fact_sources() for lang in sorted(ARTICLE)]


@pytest.mark.parametrize(("where", "text", "lang"), CITATIONS, ids=[f"{w} {lang}" for w, _, lang in CITATIONS])
def test_every_citation_is_verbatim_in_the_article(where, text, lang):
    cite = _cite(text(lang))
    # a quoted part of a sentence may start with a small letter, a whole sentence with a capital
    assert any(c in ARTICLE[lang] for c in (cite, cite[:1].upper() + cite[1:], cite[:1].lower() + cite[1:])), (
        f"{where} ({lang}) is not a sentence of the article")


# Indicators of different facts that rest on one sentence, on purpose: the article says it once for both.
SHARED = {
    # Level 2 speaks of resistance only through what replaces it: work "often follows prepared processes and
    # standards". That sentence supports both the standards being followed and their no longer being resisted.
    frozenset({"ind_standards_followed", "ind_standardisation_accepted"}),
    # Level 3 describes service that no longer hinges on particular people only as clearly defined and understood
    # processes; the level-1 sentence about particular people would read a holding criterion as a symptom.
    frozenset({"ind_processes_defined", "ind_service_beyond_individuals"}),
}


def _facts(rule) -> frozenset[str]:
    return frozenset(c.fact for c in rule.when)


@pytest.mark.parametrize("lang", MODEL.languages)
def test_indicators_of_different_facts_do_not_share_a_citation_unless_intended(lang):
    shared = set()
    for a, b in combinations(MODEL.rules.indicators, 2):
        x, y = _cite(a.cites(lang)), _cite(b.cites(lang))
        if _facts(a) != _facts(b) and (x in y or y in x):
            shared.add(frozenset({a.name, b.name}))
    assert shared == SHARED


# Where the article describes a higher level's criterion only by its absence at level 1, that sentence stays.
LEVEL_1_ONLY = {
    "ind_staff_cooperate": "the article names cooperation only where it is missing (level 1)",
}


def _level_1_section() -> str:
    text = ARTICLE["lt"]
    return text[text.index("Pirmas lygis."):text.index("Antra lygis.")]


@pytest.mark.parametrize("rule", [r for r in MODEL.rules.indicators if r.level > 1], ids=lambda r: r.name)
def test_a_criterion_cites_its_own_level_not_a_level_1_symptom(rule):
    from_level_1 = _cite(rule.cites("lt")) in _level_1_section()
    assert from_level_1 == (rule.name in LEVEL_1_ONLY)


def test_internal_alignment_cites_the_stuck_paragraph_not_the_super_strategy():
    rule = MODEL.rules.rule("ind_divisions_aligned")
    assert _cite(rule.cites("lt")) == (
        "Pritrūksta ne tik rinkos situacijos vertinimo, tačiau ir suderinamumo pačioje bendrovėje.")
    assert _cite(rule.cites("en")) == (
        "What is lacking is not only an assessment of the market situation but also alignment within the company "
        "itself.")
    super_strategy = MODEL.rules.rule("ind_super_strategy")
    assert "strategijos nesutapimų" not in rule.cites("lt")
    assert rule.cites("lt") != super_strategy.cites("lt")


def test_long_term_focus_says_what_partly_true_means():
    """It holds while chasing quick results is "partly true" (3), so it may not claim they are never chased."""
    rule = MODEL.rules.rule("ind_long_term_focus")
    (condition,) = rule.when
    partly = (MODEL.low + MODEL.high) // 2
    assert condition.holds(partly) and not condition.holds(partly + 1)
    for lang in MODEL.languages:
        assert words.scale_label(MODEL, partly, lang).strip("“”„") in rule.threshold(lang)
    assert "not traded" not in rule.title("en") and "neaukojami" not in rule.title("lt")
    assert "crowd out" in rule.title("en") and "nenustelbia" in rule.title("lt")  # true at “partly true”
