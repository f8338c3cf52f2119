"""Text for people: assessments and the vocabulary, written for a consultant to read aloud."""

from __future__ import annotations

from collections.abc import Iterable

from expert.assess import Assessment, Gap
from knowledge.loader import Knowledge, knowledge, text
from rules.model import rulebase

_t = text


def answers_text(values: Iterable[int], lang: str) -> str:
    """Answers as a reader says them: "4", "4 or 5", "1, 2 or 3"."""
    shown = [str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {_t('or', lang)} {shown[-1]}"


def facts_inline(facts: dict[str, int | None]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in facts.items())


def gap_line(gap: Gap, lang: str) -> str:
    value = _t("unknown_value", lang) if gap.value is None else gap.value
    title = rulebase().rule(gap.rule).title(lang)  # type: ignore[union-attr]
    return _t("gap", lang, fact=gap.fact, value=value, needed=gap.needed, title=title)


def _reasoning(a: Assessment, kb: Knowledge, lang: str) -> list[str]:
    lines = ["", _t("how_decided", lang), "  " + _t("floor", lang)]
    fired = {f.rule: f for f in a.firings}
    rules = rulebase()
    for n in range(2, a.level + 1):
        criteria = fired[f"criteria_level_{n}"]
        name = kb.level(n).name(lang)
        lines.append("  " + _t("level_met", lang, level=n, name=name, count=len(criteria.given)))
        for ind in rules.indicators_of(n):
            lines.append(f"    - {ind.title(lang)} ({facts_inline(dict(fired[ind.name].because))})")
    return lines


def assessment_text(a: Assessment, lang: str = "en") -> str:
    """The assess report: level, how it was reached, what blocks the next one, diagnostics, unknowns."""
    kb = knowledge()
    level = kb.level(a.level)
    name = a.profile.organisation or _t("unnamed_organisation", lang)
    lines = [_t("headline", lang, organisation=name, level=a.level, name=level.name(lang)),
             level.description(lang)]
    if a.respondents:
        lines.append(_t("respondents", lang, count=len(a.respondents), files=", ".join(a.respondents)))
    lines += _reasoning(a, kb, lang)
    lines.append("")
    if a.level == 5:
        lines.append(_t("top_level", lang))
    else:
        lines.append(_t("next_level", lang, level=a.level + 1, name=kb.level(a.level + 1).name(lang)))
        lines += [f"  - {gap_line(g, lang)}" for g in a.why_not_next]
    lines += ["", _t("diagnostics", lang)]
    if not a.diagnostics:
        lines.append("  " + _t("no_diagnostics", lang))
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        lines.append(f"  - {info.title(lang)} [{d.code}]: {info.message(lang)}")
        if d.code == "incomplete_profile":
            lines += [f"      {_t('could_change', lang, fact=f, values=answers_text(v, lang))}"
                      for f, v in a.decisive_unknowns.items()]
        elif d.code == "respondents_disagree":
            for name, values in a.answers.items():
                shown = ", ".join("?" if v is None else str(v) for v in values)
                median = f"{_t('median', lang)} {d.facts[name]}"
                lines.append(f"      {name}: {_t('answers', lang)} {shown} -> {median}")
        elif d.facts:
            lines.append(f"      {_t('based_on', lang)}: {facts_inline(d.facts)}")
        lines.append(f"      {_t('advice', lang)}: {info.advice(lang)}")
    lines += ["", _t("cx_ready", lang, answer=_t("answer_yes" if a.cx_system_ready else "answer_no", lang))]
    if a.unknown_facts:
        lines.append(_t("unknown_facts", lang, count=len(a.unknown_facts), facts=", ".join(a.unknown_facts)))
    return "\n".join(lines)


def facts_text(lang: str = "en") -> str:
    """The vocabulary: every fact with its polarity, question and article source, and the scale."""
    kb = knowledge()
    lines = [_t("facts_heading", lang), "",
             _t("scale_heading", lang) + ": " + "; ".join(f"{v} = {kb.scale[v](lang)}" for v in range(1, 6)), ""]
    for f in kb.facts.values():
        polarity = _t("polarity_plus" if f.positive else "polarity_minus", lang)
        lines.append(f"{f.name} ({f.polarity}, {polarity})")
        lines.append(f"  {f.statement(lang)}")
        lines.append(f"  {_t('question', lang)}: {f.question(lang)}")
        source = f"„{f.source(lang)}“" if lang == "lt" else f"\"{f.source(lang)}\""
        lines.append(f"  {_t('article', lang)}: {source}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def facts_json(lang: str = "en") -> dict:
    """The vocabulary as data, texts in both languages (and `lang`'s in `question`)."""
    kb = knowledge()
    return {
        "scale": {str(v): {"en": kb.scale[v].en, "lt": kb.scale[v].lt} for v in range(1, 6)},
        "facts": [{"name": f.name, "polarity": f.polarity, "article_level": f.article_level,
                   "statement": f.statement(lang), "question": f.question(lang),
                   "questions": {"en": f.question.en, "lt": f.question.lt},
                   "source": {"en": f.source.en, "lt": f.source.lt}} for f in kb.facts.values()],
    }
