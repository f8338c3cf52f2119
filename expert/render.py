"""Text for people: assessments and the vocabulary, written for a consultant to read aloud.

Facts are said by their labels and answers by their scale labels; a fact's code shows once per text, in
brackets, where a consultant may want to type it (`--set`). `assess` and `why` share the pieces below.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence

from branda.expert import summary, words
from branda.expert.assess import Assessment, Diagnostic, Gap
from branda.expert.consensus import middle
from branda.expert.profile import Profile
from branda.knowledge.model import Model
from branda.rules.model import IndicatorRule


_OPENER = {"”": "“", "“": "„", '"': '"'}


def _unquoted(text: str) -> str:
    """`text` without its own outer quotation marks, keeping a closing mark that ends an inner quote
    ("…becomes the “super-strategy”", "…tampa „super-strategija“")."""
    t = text.strip()
    if t[:1] in "„“\"":
        t = t[1:].lstrip()
    end = t[-1:]
    if end in _OPENER:
        opener = _OPENER[end]
        unmatched = t.count(end) % 2 == 1 if end == opener else t.count(end) > t.count(opener)
        if unmatched:
            t = t[:-1].rstrip()
    return t


# a quotation inside a quoted sentence, in any of the marks the sources use
_INNER = re.compile(r'„([^„“”"]*)“|“([^„“”"]*)”|"([^„“”"]*)"')


def _inner_single(text: str, lang: str) -> str:
    """Quotation marks inside a quote made single (‚…‘ in Lithuanian, ‘…’ otherwise), so no quote holds a
    quote in the same marks (lt-style 4.6)."""
    opening, closing = ("‚", "‘") if lang == "lt" else ("‘", "’")
    return _INNER.sub(lambda m: opening + next(g for g in m.groups() if g is not None) + closing, text)


def quoted(model: Model, text: str, lang: str, key: str = "why_quote", inner: bool = True) -> str:
    """A sentence of the source in the language's quotation marks (text `key`), its own outer marks dropped
    and the marks of a quotation inside it made single.

    >>> _unquoted("„Ne tik klientai aptarnaujami atmestinai“"), _unquoted("It becomes the “super-strategy”")
    ('Ne tik klientai aptarnaujami atmestinai', 'It becomes the “super-strategy”')
    >>> _inner_single("Strategija tampa „super-strategija“.", "lt"), _inner_single('It becomes the "x"', "en")
    ('Strategija tampa ‚super-strategija‘.', 'It becomes the ‘x’')
    """
    text = _unquoted(text)
    return model.text(key, lang, text=_inner_single(text, lang) if inner else text)


def _runs(values: Iterable[int]) -> list[tuple[int, int]]:
    runs: list[list[int]] = []
    for v in sorted(set(values)):
        if runs and runs[-1][1] == v - 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return [(low, high) for low, high in runs]


def answers_words(model: Model, values: Iterable[int], lang: str, after_of: bool = True) -> str:
    """Answers said on the scale: at least “partly true”, at most “mostly not true”, from “x” to “y”, or “x”.

    The words say a run of answers at once, so "3, 4 or 5" is at least “partly true”. Several runs, after
    "an answer of" (`after_of`), read "at most “x”, or of at least “y”,"; otherwise they are joined with "or".
    Every answer of the scale is the caller's to say ("whatever the answer").
    """
    parts = [words.range_words(model, low, high, lang) for low, high in _runs(values)]
    if after_of and len(parts) > 1:
        return model.text("answers_runs", lang, first=parts[0], rest=f" {model.text('or', lang)} ".join(parts[1:]))
    return f" {model.text('or', lang)} ".join(parts)


def every_answer(model: Model, values: Iterable[int]) -> bool:
    """Whether `values` is the whole scale (then any answer matters, and the text says so plainly)."""
    return set(values) >= set(model.scale)


class Said:
    """What one text has said so far: a fact's code is shown once, in brackets after its label."""

    def __init__(self, model: Model, lang: str) -> None:
        self.model, self.lang = model, lang
        self.codes: set[str] = set()
        self.quotes: set[str] = set()
        self.evidence: set[str] = set()

    def notes(self, profile: Profile, facts: Iterable[str]) -> list[str]:
        """The evidence behind `facts` (each fact's once in this text), one line per note."""
        lines = []
        for name in facts:
            if name in self.evidence:
                continue
            self.evidence.add(name)
            lines += [words.evidence_said(self.model, note, self.lang, profile.panel is not None)
                      for note in profile.evidence.get(name, ())]
        return lines

    def quote(self, sentence: str) -> list[str]:
        """The line "Article: “…”" the first time this text quotes `sentence`, else nothing (at most once).
        A part of a sentence already quoted, or a sentence holding a part already quoted, is the same quote."""
        plain = _plain(sentence)
        if not plain or any(plain in q or q in plain for q in self.quotes):
            return []
        self.quotes.add(plain)
        return [self.model.text("article_line", self.lang, quote=quoted(self.model, sentence, self.lang))]

    def fact(self, name: str) -> str:
        """The fact's label, with its code in brackets the first time this text names it."""
        if name in self.codes:
            return words.label(self.model, name, self.lang)
        self.codes.add(name)
        return words.with_code(self.model, name, self.lang)


def gap_line(model: Model, gap: Gap, lang: str, title: bool = True, said: Said | None = None) -> str:
    """An unmet condition, label first: "Chasing quick results (quick_wins_focus): “fully true” now, needs at
    most “partly true”", with the criterion's title in brackets unless `title` is False."""
    _t = model.text
    now = _t("not_answered", lang) if gap.value is None else _t("gap_now", lang, value=words.scale_label(
        model, gap.value, lang))
    name = (said or Said(model, lang)).fact(gap.fact)
    criterion = f" ({model.rules.rule(gap.rule).title(lang)})" if title else ""  # type: ignore[union-attr]
    return _t("gap", lang, fact=name, now=now, needed=words.needs_words(model, gap.needed, lang), title=criterion)


def level_name(model: Model, level: int, lang: str) -> str:
    return model.text("level_named", lang, level=level, name=model.level(level).name(lang))


def criteria_count(model: Model, level: int, held: int, lang: str) -> str:
    """"Level 3 “Super-strategy”: 1 of 8 criteria holds" (or that all of them hold)."""
    count = len(model.rules.indicators_of(level))
    name = model.level(level).name(lang)
    if held == count:
        return model.text("level_met", lang, level=level, name=name, count=count)
    return model.text("level_not_met", lang, level=level, name=name, met=held, count=count,
                      total=words.counted(model, count, "noun_criterion", lang),
                      hold=words.noun(model, held, "verb_hold", lang))


def held_line(model: Model, rule: IndicatorRule, facts: Mapping[str, int], lang: str, needs: bool = False) -> str:
    """A criterion that holds, one line: its title and the client's answers in words (and what it needs)."""
    said = []
    for c in rule.when:
        label = summary.inline(words.label(model, c.fact, lang))
        value = words.value_words(model, facts.get(c.fact), lang)
        if needs:
            said.append(model.text("fact_said_needs", lang, label=label, value=value,
                                   needed=words.needs_words(model, c.needed, lang)))
        else:
            said.append(model.text("fact_said", lang, label=label, value=value))
    return model.text("criterion_line", lang, title=rule.title(lang), facts=summary.answers_joined(model, said, lang))


def reached_lines(a: Assessment, lang: str, upto: int | None = None, needs: bool = False,
                  said: Said | None = None) -> list[str]:
    """Each level reached up to `upto` (default: the concluded one), with its criteria that hold, one line each;
    with `said`, the article's sentence that describes the level (and a criterion's own, where it adds one),
    each sentence once in the text. At level 1 the opening has said already that every organisation starts
    there, so the floor's line is left out (its article sentence stays)."""
    kb = a.model
    top = a.level if upto is None else upto
    lines = [] if a.level == 1 else ["  " + kb.text("floor", lang, name=kb.level(1).name(lang))]
    indent = "    " if lines else "  "
    if said is not None:
        floor = next((r for r in kb.rules.steps if r.kind == "floor"), None)
        lines += [indent + q for q in (said.quote(floor.cites(lang)) if floor is not None else [])]
    for n in range(2, top + 1):
        rules, _ = summary.criteria_of(kb, a.profile.facts, n)
        lines.append("  " + criteria_count(kb, n, len(rules), lang))
        if said is not None:
            lines += ["    " + q for q in said.quote(kb.level(n).source(lang))]
        for rule in rules:
            lines.append("    - " + held_line(kb, rule, a.profile.facts, lang, needs))
            if said is not None:
                lines += ["        " + note for note in said.notes(a.profile, [c.fact for c in rule.when])]
            own = criterion_cite(kb, rule, lang)
            if said is not None and own is not None:
                lines += ["        " + q for q in said.quote(own)]
    return lines


def _levels_of(article_level: str) -> set[int]:
    """The levels a fact's `article_level` names: "1", "1, 4", "2–3", "2→3", "3–5"."""
    found: set[int] = set()
    for part in article_level.replace("→", "–").replace("-", "–").split(","):
        bounds = [int(x) for x in part.split("–") if x.strip().isdigit()]
        if bounds:
            found.update(range(min(bounds), max(bounds) + 1))
    return found


def criterion_cite(model: Model, rule: IndicatorRule, lang: str) -> str | None:
    """The rule's own article sentence where it describes what holds at the rule's level, or None where it
    speaks of what is missing: a lower level's sentence (a level-1 symptom such as "…it is only rhetoric"), a
    diagnostic's sign (getting stuck), or a sentence about facts the article describes only at other levels.
    A criterion that holds is never read out with such a sentence; the level's own sentence is said instead.
    Nor is a sentence that only restates the criterion's title ("Work often follows prepared processes…")."""
    cite = rule.cites(lang)
    if _restates(cite, rule.title(lang)):
        return None
    symptoms = {model.level(n).source(lang) for n in model.rules.levels if n < rule.level}
    symptoms |= {d.cites(lang) for d in model.rules.diagnostics}
    symptoms |= {d.source(lang) for d in model.diagnostics.values()}
    if _plain(cite) in {_plain(s) for s in symptoms}:
        return None
    described = [_levels_of(model.facts[c.fact].article_level) for c in rule.when if c.fact in model.facts]
    if described and all(levels and rule.level not in levels for levels in described):
        return None
    return cite


def _plain(sentence: str) -> str:
    return sentence.strip().strip("„“”\"").strip().rstrip(".").casefold()


def _restates(cite: str, title: str) -> bool:
    """Whether an article sentence says no more than a title: one contains the other, or they read nearly the
    same (difflib's ratio at least 0.8 on the plain, lower-case words)."""
    x, y = (" ".join(re.findall(r"\w+", t.casefold())) for t in (cite, title))
    return bool(x and y) and (x in y or y in x or difflib.SequenceMatcher(None, x, y).ratio() >= 0.8)


def missing_lines(a: Assessment, level: int, gaps: Sequence[Gap], lang: str, said: Said) -> list[str]:
    """A level's criteria that do not hold: each criterion's title, then its unmet conditions label first."""
    kb = a.model
    lines = []
    by_rule: dict[str, list[Gap]] = {}
    for g in gaps:
        if g.level == level:
            by_rule.setdefault(g.rule, []).append(g)
    for rule, unmet in by_rule.items():
        lines.append("    - " + kb.rules.rule(rule).title(lang))  # type: ignore[union-attr]
        for g in unmet:
            lines.append("        " + gap_line(kb, g, lang, title=False, said=said))
            lines += ["          " + note for note in said.notes(a.profile, [g.fact])]
    return lines


# --- several respondents ----------------------------------------------------------------------------------

def respondents_line(a: Assessment, lang: str) -> list[str]:
    """Who answered, and how their answers are combined (several respondents only)."""
    if not a.respondents:
        return []
    kb = a.model
    return [kb.text("respondents", lang, count=len(a.respondents), names=", ".join(a.respondents))]


def disputed_lines(a: Assessment, d: Diagnostic, lang: str, said: Said) -> list[str]:
    """Each disputed fact: every respondent's answer, and the combined value called what it is."""
    kb = a.model
    lines = []
    for name, values in a.answers.items():
        answers = ", ".join(kb.text("answer_by", lang, name=who, value=kb.text("not_answered", lang)
                                    if v is None else str(v))
                            for who, v in zip(a.respondents, values, strict=False))
        known = [v for v in values if v is not None]
        fact = kb.facts.get(name)
        combined, cautious = middle(known, fact.positive if fact is not None else True)
        listed = summary.joined(kb, (str(v) for v in sorted(known)), lang)
        key = "consensus_cautious" if cautious else "consensus_middle"
        said_combined = kb.text(key, lang, values=listed, value=words.value_words(kb, combined, lang, numbers=True))
        used = d.facts.get(name, combined)
        if used != combined:
            said_combined += kb.text("consensus_set", lang, value=words.value_words(kb, used, lang, numbers=True))
        lines.append(kb.text("consensus_line", lang, fact=said.fact(name), answers=answers, combined=said_combined))
    return lines


# --- the assessment ---------------------------------------------------------------------------------------

def opening(a: Assessment, lang: str) -> list[str]:
    """The headline, what the level means for this client, 'provisional' when it is, and who answered."""
    kb = a.model
    name = a.profile.organisation or kb.text("unnamed_organisation", lang)
    lines = [kb.text("headline", lang, organisation=name, level=a.level, top=kb.top, name=kb.level(a.level).name(lang)),
             summary.meaning(a, lang)]
    provisional = summary.provisional(a, lang)
    if provisional is not None:
        lines.append(_without_labels(a, provisional, list(a.decisive_unknowns), lang))
    return lines + respondents_line(a, lang)


def _without_labels(a: Assessment, sentence: str, names: list[str], lang: str) -> str:
    """A summary sentence without its bracketed list of labels, for a text that lists those facts itself."""
    return sentence.replace(f" ({summary.labels_said(a.model, names, lang)})", "") if names else sentence


def diagnostic_sentence(a: Assessment, d: Diagnostic, lang: str) -> str:
    """The diagnostic's plain sentence; facts the text lists below it are not named in it as well."""
    listed = list(a.answers) if d.code == a.model.disagree else []
    return _without_labels(a, summary.diagnostic_sentence(a, d, lang), listed, lang)


def shown_diagnostics(a: Assessment) -> list[Diagnostic]:
    """The diagnostics a text lists: all but the incomplete profile, which the opening says as 'provisional'."""
    return [d for d in a.diagnostics if d.code != a.model.incomplete]


def advice_line(model: Model, code: str, lang: str) -> str:
    return model.text("advice_line", lang, advice=model.diagnostics[code].advice(lang))


def unknown_lines(a: Assessment, lang: str, said: Said, shown: Iterable[str] = (),
                  detail: Mapping[str, list[str]] | None = None, together: bool = False) -> list[str]:
    """The unanswered questions, each once: those that could change the result (with the answers that would),
    then the rest in one line. Facts in `shown` (an unmet condition above) are not said again. `together`:
    no answer changes the result on its own (why knows), so the heading says they could together and each
    line which answers matter."""
    kb = a.model
    skip = set(shown)
    decisive = {n: v for n, v in a.decisive_unknowns.items() if n not in skip}
    rest = [n for n in a.unknown_facts if n not in a.decisive_unknowns and n not in skip]
    lines: list[str] = []
    if decisive:
        key = "unknowns_heading_together" if together else "unknowns_heading"
        heading = kb.text(key + "_more" if skip & set(a.decisive_unknowns) else key, lang)
        if kb.incomplete is not None:
            heading = kb.text("titled_heading", lang, title=kb.diagnostics[kb.incomplete].title(lang), heading=heading)
        lines += ["", heading]
        for name, values in decisive.items():
            fact = said.fact(name)
            if every_answer(kb, values):
                lines.append("  - " + kb.text("matters_any" if together else "could_change_any", lang, fact=fact))
            elif together:
                lines.append("  - " + kb.text("matters_if", lang, fact=fact,
                                              values=answers_words(kb, values, lang, after_of=False)))
            else:
                lines.append("  - " + kb.text("could_change", lang, fact=fact, values=answers_words(kb, values, lang)))
            lines += ["      " + extra for extra in (detail or {}).get(name, [])]
        if kb.incomplete is not None:
            lines.append("  " + advice_line(kb, kb.incomplete, lang))
    if rest:
        lines += ["", kb.text("unknown_facts", lang, count=len(rest), facts=", ".join(said.fact(n) for n in rest))]
    return lines


def assessment_text(a: Assessment, lang: str = "en") -> str:
    """The assess report: what the level means, how it was reached, what stands before the next one, the
    diagnostics with their advice, readiness and the unanswered questions, each said once."""
    kb, _t = a.model, a.model.text
    said = Said(kb, lang)
    lines = opening(a, lang)
    if a.level > 1:
        lines += ["", _t("how_decided", lang), *reached_lines(a, lang)]
    if a.level < kb.top:  # at the top, the opening's meaning says what matters now
        lines += ["", _t("next_level", lang, level=a.level + 1, name=kb.level(a.level + 1).name(lang))]
        lines += [f"  - {gap_line(kb, g, lang, title=False, said=said)}" for g in _one_per_fact(a.why_not_next)]
    diagnostics = shown_diagnostics(a)
    lines += ["", _t("diagnostics", lang)]
    if not diagnostics:
        lines.append("  " + _t("no_diagnostics", lang))
    for d in diagnostics:
        lines += [f"  - {kb.diagnostics[d.code].title(lang)}", f"      {diagnostic_sentence(a, d, lang)}"]
        if d.code == kb.disagree:
            lines += ["      " + line for line in disputed_lines(a, d, lang, said)]
        lines.append("      " + advice_line(kb, d.code, lang))
    if a.ready:
        lines += ["", _t("cx_ready", lang, answer=_t("answer_yes", lang))]
    lines += unknown_lines(a, lang, said, shown=[g.fact for g in a.why_not_next if g.value is None])
    return "\n".join(lines)


def _one_per_fact(gaps: Iterable[Gap]) -> list[Gap]:
    """Unmet conditions with each fact once (a fact two criteria of one level test is said once)."""
    seen: dict[str, Gap] = {}
    for g in gaps:
        seen.setdefault(g.fact, g)
    return list(seen.values())


# --- the vocabulary ---------------------------------------------------------------------------------------

def facts_text(model: Model, lang: str = "en") -> str:
    """The vocabulary: every fact by its label (its code in brackets), polarity, question and article source."""
    kb, _t = model, model.text
    lines = [_t("facts_heading", lang), "", _t("scale_heading", lang) + ": " + kb.scale_words(lang), ""]
    for f in kb.facts.values():
        polarity = _t("polarity_plus" if f.positive else "polarity_minus", lang)
        lines.append(_t("facts_fact", lang, fact=words.with_code(kb, f.name, lang), polarity=polarity))
        lines.append(f"  {f.statement(lang)}")
        lines.append(f"  {_t('question', lang)}: {f.question(lang)}")
        # the vocabulary shows each source exactly as the model holds it (tests/test_facts_command.py)
        lines.append("  " + _t("article_line", lang, quote=quoted(kb, f.source(lang), lang, inner=False)))
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
