"""Why this level, and why not another: the recorded chain told in the rules' and the article's words (en, lt)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from branda.expert.assess import Assessment, Gap, assess, gaps
from branda.expert.errors import InputError
from branda.expert.profile import Profile
from branda.expert import render, summary, words
from branda.expert.render import Said, answers_words, quoted
from branda.expert.serialize import assessment_json, firing_json, gap_json
from branda.knowledge.model import Model
from branda.rules.fast import evaluate
from branda.rules.model import DiagnosticRule, IndicatorRule, StepRule
from branda.rules.trace import Firing

__all__ = ["Explanation", "concludes_text", "established_by", "explain", "headline", "parse_level", "rule_needs",
           "rule_title", "why_json", "why_text"]


@dataclass(frozen=True)
class Explanation:
    """An assessment with its chain split as a consultant reads it, and the answer about one `target` level."""

    assessment: Assessment
    chain: tuple[Firing, ...]  # the firings that established the concluded level, in firing order
    towards: tuple[Firing, ...]  # what also holds above the concluded level but does not count yet
    target: int | None = None  # the level asked about with --level
    target_chain: tuple[Firing, ...] = ()  # target <= level: the firings that established it
    why_not: tuple[Gap, ...] = ()  # target > level: every unmet condition on the way, lowest level first


def parse_level(model: Model, value: str, option: str = "--level") -> int:
    """A level option's value as a level of the model, or an InputError naming what is allowed."""
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= model.top):
        raise InputError(f"{option} {value}", f"a level is a whole number 1-{model.top}")
    return int(text)


def established_by(firings: tuple[Firing, ...], conclusion: str) -> tuple[Firing, ...]:
    """The firings `conclusion` rests on (the one that made it and, transitively, those it used), in order."""
    producer: dict[str, int] = {}
    for i, f in enumerate(firings):
        for c in f.concludes:
            producer.setdefault(c, i)
    keep: set[int] = set()
    wanted = [conclusion]
    while wanted:
        i = producer.get(wanted.pop(), -1)
        if i >= 0 and i not in keep:
            keep.add(i)
            wanted.extend(firings[i].given)
    return tuple(f for i, f in enumerate(firings) if i in keep)


def explain(model: Model, profile: Profile, target: int | None = None, engine: str = "experta") -> Explanation:
    """Assess `profile` and explain it; with `target`, also why not that level (or how it was established)."""
    a = assess(model, profile, engine)
    chain = established_by(a.firings, f"level:{a.level}")
    used = {id(f) for f in chain}
    towards = tuple(f for f in a.firings
                    if id(f) not in used and not isinstance(model.rules.rule(f.rule), DiagnosticRule))
    if target is None:
        return Explanation(a, chain, towards)
    if target not in model.rules.levels:
        raise InputError(f"--level {target}", f"a level is a whole number 1-{model.top}")
    if target <= a.level:
        mark = f"level:{target}" if target == a.level else f"reached:{target}"
        return Explanation(a, chain, towards, target, target_chain=established_by(a.firings, mark))
    return Explanation(a, chain, towards, target, why_not=gaps(model.rules, dict(profile.facts), a.level, target))


# --- the words for rules and conclusions ---------------------------------------------------------------

def rule_title(kb: Model, name: str, lang: str) -> str:
    """A rule's human title: its own for indicator rules, built from the texts for the ladder and diagnostics."""
    rule = kb.rules.rule(name)
    if isinstance(rule, IndicatorRule):
        return rule.title(lang)
    if isinstance(rule, DiagnosticRule):
        return kb.text("why_title_diagnostic", lang, title=kb.diagnostics[rule.code].title(lang))
    if rule.kind == "floor":
        return kb.text("why_title_floor", lang)
    return kb.text(f"why_title_{rule.kind}", lang, level=rule.level, below=rule.level - 1)


def concludes_text(kb: Model, conclusion: str, lang: str) -> str:
    """What a conclusion id ('indicator:…', 'criteria:3', 'reached:3', 'level:3', 'diagnostic:…') says."""
    kind, _, key = conclusion.partition(":")
    if kind == "indicator":
        return kb.text("why_concludes_indicator", lang, level=kb.rules.rule(f"ind_{key}").level)  # type: ignore[union-attr]
    if kind == "diagnostic":
        return kb.text("why_concludes_diagnostic", lang, title=kb.diagnostics[key].title(lang), code=key)
    level = int(key)
    if kind == "level":
        name = kb.level(level).name(lang)
        if level == kb.top:
            return kb.text("why_concludes_level", lang, level=level, name=name)
        return kb.text("why_concludes_level_not_next", lang, level=level, name=name, next=level + 1)
    return kb.text(f"why_concludes_{kind}", lang, level=level)


def rule_needs(kb: Model, name: str, fact: str) -> str:
    """What rule `name` asks of `fact`, like '>= 4' (for a majority test: what the level's conditions ask)."""
    return _needs(kb, kb.rules.rule(name), fact)


def _needs(kb: Model, rule: Any, fact: str) -> str:
    conditions = list(getattr(rule, "when", ()))
    if isinstance(rule, DiagnosticRule) and rule.majority_of_level:
        conditions += [c for _, c in kb.rules.conditions_of(rule.majority_of_level)]
    return ", ".join(dict.fromkeys(c.needed for c in conditions if c.fact == fact))


def _rule_level(rule: Any, firing: Firing) -> int | None:
    if isinstance(rule, (IndicatorRule, StepRule)):
        return rule.level
    concluded = [int(g.partition(":")[2]) for g in firing.given if g.startswith("level:")]
    return concluded[0] if concluded else None


# --- JSON ----------------------------------------------------------------------------------------------

def explanation_item(kb: Model, firing: Firing, lang: str) -> dict[str, Any]:
    """One firing as in assess's `explanation`, plus title, level, what each fact needed and the article."""
    rule = kb.rules.rule(firing.rule)
    return {**firing_json(firing), "title": rule_title(kb, firing.rule, lang), "level": _rule_level(rule, firing),
            "needs": {k: _needs(kb, rule, k) for k in firing.because}, "cites": rule.cites(lang)}


def why_json(e: Explanation, lang: str = "en") -> dict[str, Any]:
    """The assess object with the full chain in `explanation`; with --level, `why_not` and `established_by`."""
    a = e.assessment
    kb = a.model
    data = assessment_json(a, lang)
    data["explanation"] = [explanation_item(kb, f, lang) for f in a.firings]
    for item in data["diagnostics"]:
        info = kb.diagnostics[item["code"]]
        item.update(advice=info.advice(lang), source=info.source(lang))
    data["decisive_unknowns"] = {name: list(values) for name, values in a.decisive_unknowns.items()}
    if e.target is not None:
        data["target_level"] = e.target
        data["why_not"] = [gap_json(g, with_rule=True) for g in e.why_not]
        data["established_by"] = [f.rule for f in e.target_chain]
    return data


# --- text ---------------------------------------------------------------------------------------------

def headline(a: Assessment, lang: str) -> list[str]:
    """The first lines of `branda assess` (the level, what it means for this client, 'provisional' when it
    is), so `why` opens the same way."""
    return render.opening(a, lang)


def _effect(kb: Model, before: tuple[int, frozenset[str]], after: tuple[int, frozenset[str]], lang: str) -> str:
    parts = []
    if after[0] != before[0]:
        parts.append(kb.text("why_effect_level", lang, level=after[0], name=kb.level(after[0]).name(lang)))
    order = list(kb.diagnostics)
    parts += [kb.text("why_effect_raises", lang, title=kb.diagnostics[c].title(lang))
              for c in sorted(after[1] - before[1], key=order.index)]
    parts += [kb.text("why_effect_clears", lang, title=kb.diagnostics[c].title(lang))
              for c in sorted(before[1] - after[1], key=order.index)]
    return summary.joined(kb, parts, lang)


def _alone(a: Assessment, lang: str) -> dict[str, list[str]]:
    """For each decisive unknown, what an answer alone would change (or that it needs other answers too)."""
    kb = a.model
    facts = dict(a.profile.facts)
    before = evaluate(kb.rules, facts)
    said: dict[str, list[str]] = {}
    for name, values in a.decisive_unknowns.items():
        alone: dict[tuple[int, frozenset[str]], list[int]] = {}
        for v in values:
            after = evaluate(kb.rules, {**facts, name: v})
            if after != before:
                alone.setdefault(after, []).append(v)
        said[name] = [kb.text("why_alone", lang, values=answers_words(kb, vs, lang),
                              effect=_effect(kb, before, after, lang)) for after, vs in alone.items()]
    if any(said.values()):  # the others are marked; when none changes it alone, one line says so for all
        said = {name: lines or [kb.text("why_together", lang)] for name, lines in said.items()}
    return said


def _next_lines(e: Explanation, lang: str, said: Said) -> list[str]:
    """Towards the next level: what already holds and what is missing (the unmet conditions, label first)."""
    a = e.assessment
    kb = a.model
    if a.level >= kb.top:
        return []  # the opening's meaning says it is the highest level
    n = a.level + 1
    held, missing = summary.criteria_of(kb, a.profile.facts, n)
    lines = ["", kb.text("why_next_heading", lang, level=n, name=kb.level(n).name(lang))]  # the count: in the opening
    if held:
        lines.append("  " + kb.text("why_already_holds", lang))
        for r in held:
            lines.append("    - " + render.held_line(kb, r, a.profile.facts, lang, needs=True))
            lines += ["        " + note for note in said.notes(a.profile, [c.fact for c in r.when])]
    if missing:
        lines.append("  " + kb.text("why_missing", lang))
        lines += render.missing_lines(a, n, a.why_not_next, lang, said)
    return lines


def _towards_lines(e: Explanation, lang: str) -> list[str]:
    """Criteria that hold two or more levels above the concluded one (they count once the levels below do)."""
    a = e.assessment
    kb = a.model
    lines: list[str] = []
    for n in range(a.level + 2, kb.top + 1):
        held, _ = summary.criteria_of(kb, a.profile.facts, n)
        if held:
            lines.append("  " + render.criteria_count(kb, n, len(held), lang))
            lines += ["    - " + render.held_line(kb, r, a.profile.facts, lang, needs=True) for r in held]
    return ["", kb.text("why_towards_heading", lang), *lines] if lines else []


def _raised_when(a: Assessment, rule: DiagnosticRule, lang: str) -> str | None:
    kb = a.model
    if rule.majority_of_level:
        level = rule.majority_of_level
        bounds = kb.rules.bounds_by_level[level]
        held = sum(lo <= a.profile.facts.get(fact, -1) <= hi for fact, lo, hi in bounds)
        return kb.text("why_majority", lang, level=level, name=kb.level(level).name(lang), held=held,
                       count=len(bounds))
    if not rule.when:
        return None
    conditions = summary.joined(kb, (kb.text("fact_needs", lang, label=summary.inline(words.label(kb, c.fact, lang)),
                                             needed=words.needs_words(kb, c.needed, lang)) for c in rule.when), lang)
    return kb.text("why_raised_when", lang, conditions=conditions)


def _diagnostic_lines(a: Assessment, lang: str, said: Said) -> list[str]:
    kb = a.model
    shown = render.shown_diagnostics(a)
    lines = ["", kb.text("why_diagnostics_heading", lang)]
    if not shown:
        lines.append("  " + kb.text("no_diagnostics", lang))
    fired = {f.rule for f in a.firings}
    for d in shown:
        info = kb.diagnostics[d.code]
        lines += [f"  - {info.title(lang)}", f"      {render.diagnostic_sentence(a, d, lang)}"]
        if d.code == kb.disagree:
            lines += ["      " + line for line in render.disputed_lines(a, d, lang, said)]
        for name in d.rules:
            rule = kb.rules.rule(name)
            assert isinstance(rule, DiagnosticRule) and name in fired
            when = _raised_when(a, rule, lang)
            if when is not None:
                lines.append(f"      {when}")
            lines += ["        " + q for q in said.quote(rule.cites(lang))]
        lines.append("      " + render.advice_line(kb, d.code, lang))
        lines += ["        " + q for q in said.quote(info.source(lang))]
    if a.ready:
        lines += ["", kb.text("cx_ready", lang, answer=kb.text("answer_yes", lang))]
    return lines


def _unknown_lines(a: Assessment, lang: str, said: Said, shown: list[str]) -> list[str]:
    kb = a.model
    if not a.unknown_facts:
        return ["", kb.text("why_all_known", lang)]
    alone = _alone(a, lang)
    together = bool(a.decisive_unknowns) and not any(alone.values())  # none alone: the heading says so once
    lines = render.unknown_lines(a, lang, said, shown=shown, detail=alone, together=together)
    if not a.decisive_unknowns:
        lines.append(kb.text("why_no_decisive", lang))
    return lines


def _why_not_lines(e: Explanation, lang: str) -> list[str]:
    a, target = e.assessment, e.target
    kb = a.model
    assert target is not None
    said = Said(kb, lang)
    lines = ["", kb.text("why_not_heading", lang, level=target, name=kb.level(target).name(lang))]
    if target > a.level + 1 and kb.rules.step_by_step:
        lines.append("  " + kb.text("why_not_step_by_step", lang, level=target))
    for level in range(a.level + 1, target + 1):
        unmet = [g for g in e.why_not if g.level == level]
        met = len(kb.rules.indicators_of(level)) - len({g.rule for g in unmet})
        lines.append("  " + render.criteria_count(kb, level, met, lang))
        lines += render.missing_lines(a, level, unmet, lang, said)
    lines.append("  " + kb.text("why_not_count", lang, count=len(e.why_not)))
    unknown = [g.fact for g in e.why_not if g.value is None]
    if unknown:
        lines.append("  " + kb.text("why_not_unknown", lang))
    return lines


def why_text(e: Explanation, lang: str = "en") -> str:
    """`branda why` for people: the opening of assess, then each level reached with its criteria that hold,
    what the next level still needs, the diagnostics and what raised them, and the unanswered questions; or,
    with --level, how that level was established or what stands before it."""
    a = e.assessment
    kb = a.model
    lines = headline(a, lang)
    if e.target is None:
        said = Said(kb, lang)
        lines += ["", kb.text("why_chain_heading", lang, level=a.level, name=kb.level(a.level).name(lang)),
                  *render.reached_lines(a, lang, needs=True, said=said)]
        lines += _next_lines(e, lang, said) + _towards_lines(e, lang) + _diagnostic_lines(a, lang, said)
        lines += _unknown_lines(a, lang, said, shown=[g.fact for g in a.why_not_next if g.value is None])
    elif e.target <= a.level:
        name = kb.level(e.target).name(lang)
        lines += ["", kb.text("why_established_heading", lang, level=e.target, name=name),
                  *render.reached_lines(a, lang, upto=e.target, needs=True, said=Said(kb, lang))]
    else:
        lines += _why_not_lines(e, lang)
    return "\n".join(lines)
