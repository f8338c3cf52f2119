"""Assessments as the JSON objects of interface.md."""

from __future__ import annotations

import json
import operator
from typing import Any

from branda.expert.assess import Assessment, Gap
from branda.expert.unknowns import decisive_of_mask
from branda.knowledge.model import Model
from branda.rules.fast import fast_engine

TEXTS_KEPT = 4_096  # masks whose templates AssessmentText keeps (each a few kB; the dict starts afresh when full)
from branda.rules.trace import Firing


def gap_json(gap: Gap, with_rule: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"fact": gap.fact, "value": gap.value, "needed": gap.needed}
    if with_rule:
        item.update(rule=gap.rule, level=gap.level)
    return item


def firing_json(firing: Firing) -> dict[str, Any]:
    return {"rule": firing.rule, "because": dict(firing.because), "given": list(firing.given),
            "concludes": firing.concludes[0] if len(firing.concludes) == 1 else list(firing.concludes)}


def assessment_json(a: Assessment, lang: str = "en") -> dict[str, Any]:
    """The assess object: organisation, level, level_name, cx_system_ready, diagnostics, explanation, ..."""
    kb = a.model
    diagnostics = []
    for d in a.diagnostics:
        info = kb.diagnostics[d.code]
        item: dict[str, Any] = {"code": d.code, "title": info.title(lang), "message": info.message(lang),
                                "facts": dict(d.facts), "rules": list(d.rules)}
        if d.code == kb.incomplete:
            item["values"] = {name: list(values) for name, values in a.decisive_unknowns.items()}
        if d.code == kb.disagree:
            item["answers"] = {name: list(values) for name, values in a.answers.items()}
        diagnostics.append(item)
    result: dict[str, Any] = {
        "organisation": a.profile.organisation,
        "level": a.level,
        "level_name": kb.level(a.level).name(lang),
    }
    if kb.readiness is not None:
        result[kb.readiness.key] = a.ready
    result.update({
        "diagnostics": diagnostics,
        "explanation": [firing_json(f) for f in a.firings],
        "why_not_next": [gap_json(g) for g in a.why_not_next],
        "unknown_facts": list(a.unknown_facts),
    })
    if a.respondents:
        result["respondents"] = list(a.respondents)
    return result



def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


_string = json.encoder.encode_basestring  # a str as json.dumps(…, ensure_ascii=False) writes it (the C encoder)


def _literal(text: str) -> str:
    """`text` as a part of a %-template (whose holes are the facts' values)."""
    return text.replace("%", "%%")


Summary = tuple[int, tuple[str, ...], tuple[str, ...]]  # level, diagnostic codes, facts blocking the next level
_Template = tuple[int, str, str, Any, tuple[str, ...], tuple[str, ...]]  # see AssessmentText._template


class AssessmentText:
    """The JSON text of `assessment_json(assess(model, profile, engine="fast"), lang)`, written straight from the
    fast evaluator's masks (`text`): what `batch --out X.json` writes for each row.

    The diagnostics the rules raise and the firing record depend only on the profile's mask (which conditions
    hold) and the values of the facts they name, so each mask's part is a %-template, kept per mask (up to
    TEXTS_KEPT of them), with a hole for each value; why_not_next depends on the level and the answers to its
    conditions, unknown_facts on which facts are answered, incomplete_profile on the decisive unknowns. The
    characters are those `json.dumps` writes (tests/test_batch_json.py compares them row by row).
    """

    def __init__(self, model: Model, lang: str) -> None:
        self.model, self.lang = model, lang
        rules = model.rules
        self.engine = m = fast_engine(rules)
        self._limit = TEXTS_KEPT
        self._order = {code: i for i, code in enumerate(model.diagnostics)}  # the order diagnostics are listed in
        self._templates: dict[int, _Template] = {}
        self._steps: dict[object, tuple[str, tuple[str, ...]]] = {}  # a firing's template, the facts it names
        self._unknown: dict[tuple[str, ...], str] = {}
        self._quoted = {name: _dumps(name) for name in model.facts}
        self._holes = {name: f"{_literal(q)}: %s" for name, q in self._quoted.items()}
        self._heads: dict[tuple[object, ...], str] = {}
        self._ends: dict[tuple[str, ...], str] = {}
        self._code_start = {code: _literal(f'{{"code": {_dumps(code)}, "title": {_dumps(info.title(lang))}, '
                                           f'"message": {_dumps(info.message(lang))}, "facts": {{')
                            for code, info in model.diagnostics.items()}
        # the firings that are the same objects in every skeleton (indicators, the ladder), by identity
        self._static = {id(step): self._step(step) for step in m.static_steps()}
        self._values = {v: str(v) for v in rules.scale} | {None: "null"}
        self._gaps: dict[int, tuple[tuple[int, str, str, str], ...]] = {}  # each condition of the next level:
        for level in rules.levels:  # its bit, its fact, the item's text before and after the value
            self._gaps[level] = tuple(
                (_bit(m, c), c.fact,
                 f'{{"fact": {_dumps(c.fact)}, "value": ', f', "needed": {_dumps(c.needed)}}}')
                for _, c in rules.conditions_of(level + 1)) if level < model.top else ()
        incomplete = model.incomplete
        self._incomplete_at = self._order.get(incomplete, len(self._order)) if incomplete else 0
        self._incomplete_head = ""
        if incomplete is not None:
            info = model.diagnostics[incomplete]
            self._incomplete_head = (f'{{"code": {_dumps(incomplete)}, "title": {_dumps(info.title(lang))}, '
                                     f'"message": {_dumps(info.message(lang))}, "facts": {{')

    def text(self, facts: dict[str, int], organisation: str | None, panel: Any = None) -> tuple[str, Summary]:
        """The row's JSON text, and (level, diagnostic codes, facts blocking the next level) for the summary.

        `panel` is a consensus profile's panel (expert.profile.Panel: the respondents, the disputed answers).
        """
        mask = self.engine.mask(facts)
        found = self._templates.get(mask)
        if found is None:
            if len(self._templates) >= self._limit:
                self._templates.clear()
            found = self._templates[mask] = self._template(mask)
        level, head, template, values, before_codes, after_codes = found
        before, after, explanation = (template % values(facts) if values else template % ()).split("\0")
        items = [before] if before else []
        codes = before_codes
        decisive = decisive_of_mask(self.model, facts, mask) if self.model.incomplete else {}
        if decisive:
            q = self._quoted
            items.append(self._incomplete_head + ", ".join(f"{q[n]}: null" for n in decisive)
                         + '}, "rules": [], "values": {'
                         + ", ".join(f"{q[n]}: [{', '.join(map(str, v))}]" for n, v in decisive.items()) + "}}")
            codes += (self.model.incomplete,)
        if after:
            items.append(after)
        codes += after_codes
        respondents = ""
        if panel is not None:  # as expert.consensus.with_disagreement adds them
            disagree = self.model.disagree
            if panel.disputed and disagree is not None:
                info = self.model.diagnostics[disagree]
                items.append(_dumps({"code": disagree, "title": info.title(self.lang),
                                     "message": info.message(self.lang),
                                     "facts": {name: facts.get(name) for name in panel.disputed}, "rules": [],
                                     "answers": {name: list(v) for name, v in panel.disputed.items()}}))
                codes += (disagree,)
            if panel.respondents:
                respondents = ', "respondents": ' + _dumps(list(panel.respondents))
        gaps, blockers = [], []
        value_text = self._values
        for bit, fact, start, end in self._gaps[level]:
            if not mask & bit:
                gaps.append(start + value_text[facts.get(fact)] + end)
                blockers.append(fact)
        key = tuple(facts)
        unknown = self._unknown.get(key)
        if unknown is None:
            if len(self._unknown) >= self._limit:
                self._unknown.clear()
            unknown = self._unknown[key] = ", ".join(q for name, q in self._quoted.items() if name not in facts)
        org = "null" if organisation is None else _string(organisation)
        return (f'{{"organisation": {org}{head}{", ".join(items)}{explanation}{", ".join(gaps)}], '
                f'"unknown_facts": [{unknown}]{respondents}}}'), (level, codes, tuple(dict.fromkeys(blockers)))

    def _template(self, mask: int) -> _Template:
        """What `text` keeps per mask: the level; the text from "level" to the diagnostics' opening bracket; one
        %-template of the rules' diagnostics listed before incomplete_profile, those after it and the firing
        record up to why_not_next's opening bracket (the three parts separated by NUL, which JSON text never
        holds); the function giving its holes' values from the facts; the codes before and after."""
        level, steps, diagnoses = self.engine.skeleton(mask)
        rules_of: dict[str, list[str]] = {}
        for code, rule in diagnoses:
            rules_of.setdefault(code, []).append(rule)
        codes = sorted(rules_of, key=self._order.__getitem__)
        head = self._heads.get((level, *codes))
        if head is None:
            head = self._heads[(level, *codes)] = self._head(level, codes)
        firings, names = [], []
        steps_named = {}
        static, steps_seen = self._static, self._steps
        for step in steps:
            found = static.get(id(step))
            if found is None:
                found = steps_seen.get(step)
                if found is None:
                    if len(steps_seen) >= self._limit:
                        steps_seen.clear()
                    found = steps_seen[step] = self._step(step)
                steps_named[step[0]] = step[1]
            firings.append(found[0])
            names += found[1]
        parts: tuple[list[str], list[str]] = ([], [])  # the diagnostics before incomplete_profile, after it
        shown_names: list[str] = []
        for code in codes:
            rules = rules_of[code]
            shown = tuple(dict.fromkeys(name for rule in rules for name in steps_named[rule]))
            parts[self._order[code] >= self._incomplete_at].append(
                self._code_start[code] + ", ".join([self._holes[n] for n in shown]) + self._code_end(rules))
            shown_names += shown
        template = (", ".join(parts[0]) + "\0" + ", ".join(parts[1]) + '\0], "explanation": ['
                    + ", ".join(firings) + '], "why_not_next": [')
        names = shown_names + names
        values = (lambda facts, name=names[0]: (facts[name],)) if len(names) == 1 else \
            operator.itemgetter(*names) if names else None
        before = tuple(c for c in codes if self._order[c] < self._incomplete_at)
        return level, head, template, values, before, tuple(codes[len(before):])

    def _head(self, level: int, codes: list[str]) -> str:
        """From "level" to the diagnostics' opening bracket."""
        kb = self.model
        head = f', "level": {level}, "level_name": {_dumps(kb.level(level).name(self.lang))}'
        if kb.readiness is not None:
            head += f", {_dumps(kb.readiness.key)}: {_dumps(kb.readiness.not_ready not in codes)}"
        return head + ', "diagnostics": ['

    def _code_end(self, rules: list[str]) -> str:
        key = tuple(rules)
        found = self._ends.get(key)
        if found is None:
            found = self._ends[key] = _literal(f'}}, "rules": {_dumps(rules)}}}')
        return found

    def _step(self, step: tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]) -> tuple[str, tuple[str, ...]]:
        """A firing's %-template (as firing_json writes it) and the facts whose values fill its holes."""
        rule, names, given, concludes = step
        text = (_literal(f'{{"rule": {_dumps(rule)}, "because": {{')
                + ", ".join(f"{_literal(_dumps(n))}: %s" for n in names)
                + _literal(f'}}, "given": {_dumps(list(given))}, "concludes": '
                           f'{_dumps(concludes[0] if len(concludes) == 1 else list(concludes))}}}'))
        return text, names


def _bit(m: Any, c: Any) -> int:
    return m._bit[(c.fact, *c.bounds)]  # noqa: SLF001 - the condition's own bit
