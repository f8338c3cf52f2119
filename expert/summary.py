"""The client's own sentences: what the level means for this organisation (from its answers) and each diagnostic.

assess, why and the report's first page say these; none of them may contradict the client's answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from branda.expert import words
from branda.expert.assess import Assessment, Diagnostic
from branda.knowledge.model import Model
from branda.rules.model import DiagnosticRule, IndicatorRule


def inline(text: str) -> str:
    """A label or title set inside a sentence: its first letter small unless it starts an abbreviation (IT, CX)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def joined(model: Model, items: Iterable[str], lang: str) -> str:
    """Items as a reader lists them: "a", "a and b", "a, b and c"."""
    shown = list(items)
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + f" {model.text('and', lang)} {shown[-1]}"


def facts_said(model: Model, facts: Mapping[str, int | None], lang: str) -> str:
    """Facts with their answers in words: "chasing quick results – “fully true”"; two of them joined with
    "while" ("a – “x”, while b – “y”"), as "and" between two facts that each contain one would be ambiguous."""
    return answers_joined(model, [model.text("fact_said", lang, label=inline(words.label(model, name, lang)),
                                             value=words.value_words(model, value, lang))
                                  for name, value in facts.items()], lang)


def answers_joined(model: Model, said: list[str], lang: str) -> str:
    """Facts said with their answers, listed: two of them joined with "while" (", o"), more as `joined`."""
    if len(said) == 2:
        return f"{said[0]}{model.text('while', lang)} {said[1]}"
    return joined(model, said, lang)


def levels_said(model: Model, levels: list[int], lang: str) -> str:
    """Levels as a sentence names them: "level 2", "levels 2 and 3" ("2 lygio", "2 ir 3 lygio")."""
    return model.text("levels_one" if len(levels) == 1 else "levels_many", lang,
                      levels=joined(model, (str(n) for n in levels), lang))


def labels_said(model: Model, names: Iterable[str], lang: str) -> str:
    return joined(model, (inline(words.label(model, name, lang)) for name in names), lang)


def criteria_of(model: Model, facts: Mapping[str, int], level: int) -> tuple[list[IndicatorRule], list[IndicatorRule]]:
    """A level's criteria split into those that hold on `facts` and those that do not."""
    held, missing = [], []
    for rule in model.rules.indicators_of(level):
        (held if all(c.holds(facts.get(c.fact)) for c in rule.when) else missing).append(rule)
    return held, missing


def next_progress(a: Assessment) -> tuple[int, int] | None:
    """How many of the next level's criteria already hold, of how many (None at the top level)."""
    if a.level >= a.model.top:
        return None
    held, missing = criteria_of(a.model, a.profile.facts, a.level + 1)
    return len(held), len(held) + len(missing)


def meaning(a: Assessment, lang: str) -> str:
    """What the level means for this client: the level's description where its criteria all hold (never at
    level 1, whose description speaks of what is missing), and how far the next level already is."""
    kb = a.model
    parts = [kb.text("meaning_start", lang) if a.level == 1 else kb.level(a.level).description(lang)]
    progress = next_progress(a)
    if progress is None:
        parts.append(kb.text("meaning_top", lang))
    else:
        held, total = progress
        n = a.level + 1
        noun = "noun_criterion"
        key = "meaning_next_some" if held else "meaning_next_one" if total == 1 else "meaning_next_none"
        parts.append(kb.text(key, lang, level=n, name=kb.level(n).name(lang), held=held,
                             total=words.counted(kb, total, noun, lang), total_n=total,
                             hold=words.noun(kb, held, "verb_hold", lang)))
    return " ".join(parts)


def provisional(a: Assessment, lang: str) -> str | None:
    """The incomplete-profile sentence ("The result is provisional: …") when unanswered questions could change
    the result; a text that shows it does not repeat that diagnostic."""
    kb = a.model
    for d in a.diagnostics:
        if d.code == kb.incomplete:
            return diagnostic_sentence(a, d, lang)
    return None


def _uneven(a: Assessment, level: int) -> tuple[int, int, list[int]]:
    """For an uneven profile: how many of `level`'s criteria hold, of how many, and the levels between the
    concluded one and `level` whose criteria do not all hold (the missing foundations)."""
    held, missing = criteria_of(a.model, a.profile.facts, level)
    lower = [n for n in range(a.level + 1, level) if criteria_of(a.model, a.profile.facts, n)[1]]
    return len(held), len(held) + len(missing), lower


def _level_of(a: Assessment, d: Diagnostic) -> int:
    rules = [a.model.rules.rule(name) for name in d.rules]
    concerned = [r.majority_of_level for r in rules if isinstance(r, DiagnosticRule) and r.majority_of_level]
    return max(concerned) if concerned else a.level


def diagnostic_sentence(a: Assessment, d: Diagnostic, lang: str) -> str:
    """One plain sentence for the client: the diagnostic with its level and the facts behind it, in words."""
    kb = a.model
    info = kb.diagnostics[d.code]
    if info.summary is None:
        return info.message(lang)
    level = _level_of(a, d)
    names = list(a.decisive_unknowns) if d.code == kb.incomplete else list(d.facts)
    noun = "noun_question_acc" if lang == "lt" else "noun_question"
    # a few facts are named in the sentence ({labels}: " (a, b and c)"); more are left to the detail
    labels = f" ({labels_said(kb, names, lang)})" if 0 < len(names) <= 4 else ""
    count = words.counted(kb, len(names), noun, lang)
    unanswered = len(a.unknown_facts)
    if d.code == kb.incomplete and unanswered > len(names):  # say both counts, so they agree with the lists
        return kb.text("provisional_some", lang, unanswered=words.counted(kb, unanswered, noun, lang),
                       count=len(names), labels=labels)
    # the only fact of a sentence that names it already (resting on laurels) is said by its answer alone
    rated = (kb.text("rated", lang, value=words.value_words(kb, next(iter(d.facts.values())), lang))
             if len(d.facts) == 1 else facts_said(kb, d.facts, lang))
    held, total, lower = _uneven(a, level) if level > a.level else (0, 0, [])
    return info.summary(lang).format(
        facts=facts_said(kb, d.facts, lang), labels=labels, level=level, rated=rated,
        name=kb.level(level).name(lang), count=count, held=held, total=total,
        hold=words.noun(kb, held, "verb_hold", lang), missing=levels_said(kb, lower, lang))
