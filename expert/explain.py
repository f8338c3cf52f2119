"""Why this level, and why not another: the recorded chain told in the rules' and the article's words (en, lt)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from branda.expert.assess import Assessment, Gap, assess, gaps
from branda.expert.errors import InputError
from branda.expert.profile import Profile
from branda.expert.render import answers_text, assessment_text, facts_inline, gap_line, quoted
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


def _facts_line(kb: Model, rule: Any, because: dict[str, int], lang: str) -> str:
    return ", ".join(kb.text("why_fact_needs", lang, fact=k, value=v, needed=_needs(kb, rule, k))
                     for k, v in because.items())


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


# --- text ----------------------------------------------------------------------------------------------

def headline(a: Assessment, lang: str) -> list[str]:
    """The first lines of `branda assess` (the level and its description), so `why` opens the same way."""
    return assessment_text(a, lang).split("\n")[:2]


def _steps(numbers: Iterable[int]) -> str:
    """1, 2, 3, 4, 7, 8 -> '1-4, 7, 8'."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _chain_lines(kb: Model, firings: tuple[Firing, ...], lang: str) -> list[str]:
    width = len(str(len(firings)))
    pad = " " * (width + 6)
    made: dict[str, int] = {}
    cited: dict[str, int] = {}
    lines = []
    for n, f in enumerate(firings, 1):
        rule = kb.rules.rule(f.rule)
        lines.append(f"  {n:>{width}}. {rule_title(kb, f.rule, lang)} [{f.rule}]")
        if f.because:
            lines.append(f"{pad}{kb.text('why_facts', lang)}: {_facts_line(kb, rule, f.because, lang)}")
        sources = {made[c] for c in f.given if c in made}
        if sources:
            lines.append(f"{pad}{kb.text('why_from_steps', lang)}: {_steps(sources)}")
        lines.append(f"{pad}{kb.text('why_concludes', lang)}: "
                     + "; ".join(concludes_text(kb, c, lang) for c in f.concludes))
        cite = rule.cites(lang)
        shown = kb.text("why_as_in_step", lang, step=cited[cite]) if cite in cited else quoted(kb, cite, lang)
        lines.append(f"{pad}{kb.text('article', lang)}: {shown}")
        cited.setdefault(cite, n)
        made.update((c, n) for c in f.concludes)
    return lines


def _level_count(kb: Model, level: int, met: int, lang: str) -> str:
    count = len(kb.rules.indicators_of(level))
    name = kb.level(level).name(lang)
    if met == count:
        return kb.text("level_met", lang, level=level, name=name, count=count)
    return kb.text("level_not_met", lang, level=level, name=name, met=met, count=count)


def _towards_lines(e: Explanation, kb: Model, lang: str) -> list[str]:
    if not e.towards:
        return []
    lines = ["", kb.text("why_towards_heading", lang)]
    indicators = [f for f in e.towards if isinstance(kb.rules.rule(f.rule), IndicatorRule)]
    for level in sorted({kb.rules.rule(f.rule).level for f in indicators}):  # type: ignore[union-attr]
        held = [f for f in indicators if kb.rules.rule(f.rule).level == level]  # type: ignore[union-attr]
        lines.append("  " + _level_count(kb, level, len(held), lang))
        for f in held:
            rule = kb.rules.rule(f.rule)
            lines.append(f"    - {rule_title(kb, f.rule, lang)} [{f.rule}]: {_facts_line(kb, rule, f.because, lang)}")
    return lines


def _diagnostic_lines(a: Assessment, kb: Model, lang: str) -> list[str]:
    lines = ["", kb.text("why_diagnostics_heading", lang)]
    if not a.diagnostics:
        lines.append("  " + kb.text("no_diagnostics", lang))
    fired = {f.rule: f for f in a.firings}
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        lines.append(f"  - {info.title(lang)} [{d.code}]: {info.message(lang)}")
        if d.code == kb.incomplete:
            lines.append("      " + kb.text("why_incomplete_raised", lang))
        elif not d.rules and d.facts:
            lines.append(f"      {kb.text('why_facts', lang)}: {facts_inline(d.facts)}")
        for name in d.rules:
            rule, firing = kb.rules.rule(name), fired[name]
            assert isinstance(rule, DiagnosticRule)
            said = kb.text("why_raised_by", lang, rule=name, level=a.level)
            if rule.majority_of_level:
                count = len(kb.rules.conditions_of(rule.majority_of_level))
                said += ": " + kb.text("why_majority", lang, level=rule.majority_of_level, count=count)
            lines.append(f"      {said}")
            if firing.because:
                lines.append(f"        {kb.text('why_facts', lang)}: {_facts_line(kb, rule, firing.because, lang)}")
            lines.append(f"        {kb.text('article', lang)}: {quoted(kb, rule.cites(lang), lang)}")
        lines += [f"      {kb.text('advice', lang)}: {info.advice(lang)}",
                  f"        {kb.text('article', lang)}: {quoted(kb, info.source(lang), lang)}"]
    return lines



def _effect(kb: Model, before: tuple[int, frozenset[str]], after: tuple[int, frozenset[str]],
            lang: str) -> str:
    parts = []
    if after[0] != before[0]:
        parts.append(kb.text("why_effect_level", lang, level=after[0], name=kb.level(after[0]).name(lang)))
    order = list(kb.diagnostics)
    parts += [kb.text("why_effect_raises", lang, title=kb.diagnostics[c].title(lang))
              for c in sorted(after[1] - before[1], key=order.index)]
    parts += [kb.text("why_effect_clears", lang, title=kb.diagnostics[c].title(lang))
              for c in sorted(before[1] - after[1], key=order.index)]
    return "; ".join(parts)


def _unknown_lines(a: Assessment, kb: Model, lang: str) -> list[str]:
    lines = ["", kb.text("why_unknowns_heading", lang)]
    if not a.unknown_facts:
        return lines + ["  " + kb.text("why_all_known", lang)]
    if not a.decisive_unknowns:
        lines.append("  " + kb.text("why_no_decisive", lang))
    facts = dict(a.profile.facts)
    before = evaluate(kb.rules, facts)
    for name, values in a.decisive_unknowns.items():
        line = kb.text("could_change", lang, fact=name, values=answers_text(kb, values, lang))
        alone: dict[tuple[int, frozenset[str]], list[int]] = {}
        for v in values:
            after = evaluate(kb.rules, {**facts, name: v})
            if after != before:
                alone.setdefault(after, []).append(v)
        lines.append("  - " + (line if alone else kb.text("why_together", lang, line=line)))
        lines += ["      " + kb.text("why_alone", lang, values=answers_text(kb, vs, lang),
                                 effect=_effect(kb, before, after, lang)) for after, vs in alone.items()]
    return lines + [kb.text("unknown_facts", lang, count=len(a.unknown_facts), facts=", ".join(a.unknown_facts))]


def _why_not_lines(e: Explanation, kb: Model, lang: str) -> list[str]:
    a, target = e.assessment, e.target
    assert target is not None
    lines = ["", kb.text("why_not_heading", lang, level=target, name=kb.level(target).name(lang))]
    if target > a.level + 1:
        lines.append("  " + kb.text("why_not_step_by_step", lang, level=target))
    for level in range(a.level + 1, target + 1):
        unmet = [g for g in e.why_not if g.level == level]
        met = len(kb.rules.indicators_of(level)) - len({g.rule for g in unmet})
        lines.append("  " + _level_count(kb, level, met, lang))
        lines += [f"    - {gap_line(kb, g, lang)} [{g.rule}]" for g in unmet]
    return lines + ["  " + kb.text("why_not_count", lang, count=len(e.why_not))]


def why_text(e: Explanation, lang: str = "en") -> str:
    """`branda why` for people: the assess headline, then the chain, or the answer about --level."""
    a = e.assessment
    kb = a.model
    lines = headline(a, lang)
    if e.target is None:
        lines += ["", kb.text("why_chain_heading", lang, level=a.level), *_chain_lines(kb, e.chain, lang)]
        lines += _towards_lines(e, kb, lang) + _diagnostic_lines(a, kb, lang) + _unknown_lines(a, kb, lang)
    elif e.target <= a.level:
        name = kb.level(e.target).name(lang)
        lines += ["", kb.text("why_established_heading", lang, level=e.target, name=name),
                  *_chain_lines(kb, e.target_chain, lang)]
    else:
        lines += _why_not_lines(e, kb, lang)
    return "\n".join(lines)
