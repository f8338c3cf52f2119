"""Text for people: assessments and the vocabulary, written for a consultant to read aloud."""

from __future__ import annotations

from collections.abc import Iterable

from branda.expert.assess import Assessment, Gap
from branda.knowledge.model import Model


def quoted(model: Model, text: str, lang: str, key: str = "why_quote") -> str:
    """A sentence of the source in the language's quotation marks (text `key`), its own outer marks dropped."""
    return model.text(key, lang, text=text.strip().strip("„“”\"").strip())


def answers_text(model: Model, values: Iterable[int], lang: str) -> str:
    """Answers as a reader says them: "4", "4 or 5", "1, 2 or 3"."""
    shown = [str(v) for v in values]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {model.text('or', lang)} {shown[-1]}"


def facts_inline(facts: dict[str, int | None]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in facts.items())


def gap_line(model: Model, gap: Gap, lang: str) -> str:
    _t = model.text
    value = _t("unknown_value", lang) if gap.value is None else gap.value
    title = model.rules.rule(gap.rule).title(lang)  # type: ignore[union-attr]
    return _t("gap", lang, fact=gap.fact, value=value, needed=gap.needed, title=title)


def _reasoning(a: Assessment, lang: str) -> list[str]:
    kb, _t = a.model, a.model.text
    lines = ["", _t("how_decided", lang), "  " + _t("floor", lang)]
    fired = {f.rule: f for f in a.firings}
    rules = kb.rules
    for n in range(2, a.level + 1):
        criteria = fired[f"criteria_level_{n}"]
        name = kb.level(n).name(lang)
        lines.append("  " + _t("level_met", lang, level=n, name=name, count=len(criteria.given)))
        for ind in rules.indicators_of(n):
            lines.append(f"    - {ind.title(lang)} ({facts_inline(dict(fired[ind.name].because))})")
    return lines


def assessment_text(a: Assessment, lang: str = "en") -> str:
    """The assess report: level, how it was reached, what blocks the next one, diagnostics, unknowns."""
    kb, _t = a.model, a.model.text
    level = kb.level(a.level)
    name = a.profile.organisation or _t("unnamed_organisation", lang)
    lines = [_t("headline", lang, organisation=name, level=a.level, top=kb.top, name=level.name(lang)),
             level.description(lang)]
    if a.respondents:
        lines.append(_t("respondents", lang, count=len(a.respondents), files=", ".join(a.respondents)))
    lines += _reasoning(a, lang)
    lines.append("")
    if a.level == kb.top:
        lines.append(_t("top_level", lang))
    else:
        lines.append(_t("next_level", lang, level=a.level + 1, name=kb.level(a.level + 1).name(lang)))
        lines += [f"  - {gap_line(kb, g, lang)}" for g in a.why_not_next]
    lines += ["", _t("diagnostics", lang)]
    if not a.diagnostics:
        lines.append("  " + _t("no_diagnostics", lang))
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        lines.append(f"  - {info.title(lang)} [{d.code}]: {info.message(lang)}")
        if d.code == kb.incomplete:
            lines += [f"      {_t('could_change', lang, fact=f, values=answers_text(kb, v, lang))}"
                      for f, v in a.decisive_unknowns.items()]
        elif d.code == kb.disagree:
            for name, values in a.answers.items():
                shown = ", ".join("?" if v is None else str(v) for v in values)
                median = f"{_t('median', lang)} {d.facts[name]}"
                lines.append(f"      {name}: {_t('answers', lang)} {shown} -> {median}")
        elif d.facts:
            lines.append(f"      {_t('based_on', lang)}: {facts_inline(d.facts)}")
        lines.append(f"      {_t('advice', lang)}: {info.advice(lang)}")
    if a.ready is not None:
        lines += ["", _t("cx_ready", lang, answer=_t("answer_yes" if a.ready else "answer_no", lang))]
    if a.unknown_facts:
        lines.append(_t("unknown_facts", lang, count=len(a.unknown_facts), facts=", ".join(a.unknown_facts)))
    return "\n".join(lines)


def facts_text(model: Model, lang: str = "en") -> str:
    """The vocabulary: every fact with its polarity, question and article source, and the scale."""
    kb, _t = model, model.text
    lines = [_t("facts_heading", lang), "", _t("scale_heading", lang) + ": " + kb.scale_words(lang), ""]
    for f in kb.facts.values():
        polarity = _t("polarity_plus" if f.positive else "polarity_minus", lang)
        lines.append(f"{f.name} ({f.polarity}, {polarity})")
        lines.append(f"  {f.statement(lang)}")
        lines.append(f"  {_t('question', lang)}: {f.question(lang)}")
        source = f"„{f.source(lang)}“" if lang == "lt" else f"\"{f.source(lang)}\""
        lines.append(f"  {_t('article', lang)}: {source}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def facts_json(model: Model, lang: str = "en") -> dict:
    """The vocabulary as data, texts in every language of the model (and `lang`'s in `question`)."""
    return {
        "scale": {str(v): dict(label.by_lang) for v, label in model.scale.items()},
        "facts": [{"name": f.name, "label": f.label(lang), "polarity": f.polarity, "article_level": f.article_level,
                   "statement": f.statement(lang), "question": f.question(lang),
                   "questions": dict(f.question.by_lang), "source": dict(f.source.by_lang)}
                  for f in model.facts.values()],
    }
