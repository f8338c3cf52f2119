"""Assessments as the JSON objects of interface.md."""

from __future__ import annotations

import json
from typing import Any

from branda.expert.assess import Assessment, Gap
from branda.expert.unknowns import analysis
from branda.knowledge.model import Model
from branda.rules.fast import fast_engine
from branda.rules.trace import Firing

TEXTS_KEPT = 4_096  # sets of unknown facts whose text AssessmentText keeps (the dict starts afresh when full)


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


Summary = tuple[int, tuple[str, ...], tuple[str, ...]]  # level, diagnostic codes, facts blocking the next level


class AssessmentText:
    """The JSON text of `assessment_json(assess(model, profile, engine="fast"), lang)`, written straight from the
    fast evaluator's mask of the profile (`text`): what `batch --out X.json` writes for each row.

    Every part is text made once per model and put together per row: each indicator's firing for each answer
    it fires on, the ladder's firings for each set of levels whose conditions all hold, each diagnostic rule's
    and code's opening and closing, each gap's; a row adds only the facts' values a diagnostic names, its
    decisive unknowns (expert.unknowns), its gaps and its unknown facts. The characters are those
    `json.dumps` writes (tests/test_batch_json.py compares them row by row).
    """

    def __init__(self, model: Model, lang: str) -> None:
        self.model, self.lang = model, lang
        rules = model.rules
        self.engine = m = fast_engine(rules)
        self._order = {code: i for i, code in enumerate(model.diagnostics)}  # the order diagnostics are listed in
        self._quoted = {name: _dumps(name) for name in model.facts}
        self._values = {v: str(v) for v in rules.scale} | {None: "null"}
        self._named = {name: {v: f"{q}: {v}" for v in rules.scale} for name, q in self._quoted.items()}
        # each indicator in experta's order: the bits it needs, the fact it names (one) or the facts (several),
        # and its firing's text per answer (per tuple of answers, filled as they come, for several)
        self._indicators: list[tuple[int, str | None, Any]] = []
        for need, _, (rule, names, given, concludes) in m._indicator_steps:  # noqa: SLF001 - the engine's own
            start = f'{{"rule": {_dumps(rule)}, "because": {{'
            end = f'}}, "given": {_dumps(list(given))}, "concludes": {_dumps(concludes[0])}}}'
            if len(names) == 1:
                self._indicators.append((need, names[0], {v: start + self._named[names[0]][v] + end
                                                          for v in rules.scale}))
            else:
                self._indicators.append((need, None, (names, start, end, {})))
        self._level_masks = tuple((1 << n, m.level_masks[n]) for n in range(2, rules.top + 1))
        self._ladders: dict[int, tuple[int, str]] = {}  # the levels whose conditions all hold -> level, firings
        # each diagnostic rule's firing at each level it fires at: its text before and after the facts it names
        self._firing_ends = {(level, d.name): (f'{{"rule": {_dumps(d.name)}, "because": {{',
                                               f'}}, "given": {_dumps([f"level:{level}"])}, '
                                               f'"concludes": {_dumps(d.concludes)}}}')
                             for d in rules.diagnostics for level in d.at_levels}
        self._unknown: dict[tuple[str, ...], str] = {}
        self._analysis = analysis(model) if model.incomplete else None
        self._nulls = {name: f"{q}: null" for name, q in self._quoted.items()}
        self._answers: dict[tuple[str, tuple[int, ...]], str] = {}  # a decisive fact, its answers -> their text
        self._heads: dict[tuple[object, ...], str] = {}
        self._ends: dict[tuple[str, ...], str] = {}
        self._code_start = {code: f'{{"code": {_dumps(code)}, "title": {_dumps(info.title(lang))}, '
                                  f'"message": {_dumps(info.message(lang))}, "facts": {{'
                            for code, info in model.diagnostics.items()}
        self._gaps: dict[int, tuple[tuple[int, str, str, str], ...]] = {}  # each condition of the next level:
        for level in rules.levels:  # its bit, its fact, the item's text before and after the value
            self._gaps[level] = tuple(
                (_bit(m, c), c.fact,
                 f'{{"fact": {_dumps(c.fact)}, "value": ', f', "needed": {_dumps(c.needed)}}}')
                for _, c in rules.conditions_of(level + 1)) if level < model.top else ()
        incomplete = model.incomplete
        self._incomplete_at = self._order.get(incomplete, len(self._order)) if incomplete else 0
        self._incomplete_head = self._code_start.get(incomplete, "") if incomplete else ""

    def text(self, facts: dict[str, int], organisation: str | None, panel: Any = None) -> tuple[str, Summary]:
        """The row's JSON text, and (level, diagnostic codes, facts blocking the next level) for the summary.

        `panel` is a consensus profile's panel (expert.profile.Panel: the respondents, the disputed answers).
        """
        mask = self.engine.mask(facts)
        firings = []
        for need, name, texts in self._indicators:
            if mask & need == need:
                if name is not None:
                    firings.append(texts[facts[name]])
                else:  # an indicator on several facts: its text per tuple of answers, made as they come
                    names, start, end, made = texts
                    key = tuple(facts[n] for n in names)
                    found = made.get(key)
                    if found is None:
                        found = made[key] = start + ", ".join(self._named[n][facts[n]] for n in names) + end
                    firings.append(found)
        complete = 0  # the levels whose criteria all hold: those whose conditions all hold
        for bit, need in self._level_masks:
            if mask & need == need:
                complete |= bit
        ladder = self._ladders.get(complete) or self._ladder(complete)
        level = ladder[0]
        firings.append(ladder[1])
        named = self._named
        shown: dict[str, list[str]] = {}  # each code the rules raise: its facts' texts (in order, once each)
        fired: dict[str, list[str]] = {}  # and its rules
        for rule, names in self.engine.diagnosed(mask, level):
            start, end = self._firing_ends[level, rule.name]
            because = [named[n][facts[n]] for n in names]
            firings.append(start + ", ".join(because) + end)
            fired.setdefault(rule.code, []).append(rule.name)
            shown.setdefault(rule.code, []).extend(because)
        codes = tuple(sorted(fired, key=self._order.__getitem__)) if len(fired) > 1 else tuple(fired)
        head = self._heads.get((level, *codes))
        if head is None:
            head = self._heads[(level, *codes)] = self._head(level, codes)
        items = []
        summary_codes: tuple[str, ...] = ()
        incomplete_at, placed = self._incomplete_at, False
        key = tuple(facts)
        decisive = self._analysis.remembered(facts, mask, key) if self._analysis is not None else {}
        for code in codes:
            if decisive and not placed and self._order[code] >= incomplete_at:
                items.append(self._incomplete(decisive))
                summary_codes += (self.model.incomplete,)
                placed = True
            items.append(self._code_start[code] + ", ".join(dict.fromkeys(shown[code])) + self._code_end(fired[code]))
            summary_codes += (code,)
        if decisive and not placed:
            items.append(self._incomplete(decisive))
            summary_codes += (self.model.incomplete,)
        respondents = ""
        if panel is not None:  # as expert.consensus.with_disagreement adds them
            disagree = self.model.disagree
            if panel.disputed and disagree is not None:
                info = self.model.diagnostics[disagree]
                items.append(_dumps({"code": disagree, "title": info.title(self.lang),
                                     "message": info.message(self.lang),
                                     "facts": {name: facts.get(name) for name in panel.disputed}, "rules": [],
                                     "answers": {name: list(v) for name, v in panel.disputed.items()}}))
                summary_codes += (disagree,)
            if panel.respondents:
                respondents = ', "respondents": ' + _dumps(list(panel.respondents))
        gaps, blockers = [], []
        value_text = self._values
        for bit, fact, start, end in self._gaps[level]:
            if not mask & bit:
                gaps.append(start + value_text[facts.get(fact)] + end)
                blockers.append(fact)
        unknown = self._unknown.get(key)
        if unknown is None:
            if len(self._unknown) >= TEXTS_KEPT:
                self._unknown.clear()
            unknown = self._unknown[key] = ", ".join(q for name, q in self._quoted.items() if name not in facts)
        org = "null" if organisation is None else _string(organisation)
        return (f'{{"organisation": {org}{head}{", ".join(items)}], "explanation": [{", ".join(firings)}], '
                f'"why_not_next": [{", ".join(gaps)}], "unknown_facts": [{unknown}]{respondents}}}'), \
            (level, summary_codes, tuple(dict.fromkeys(blockers)))

    def _incomplete(self, decisive: dict[str, tuple[int, ...]]) -> str:
        """The incomplete_profile item: the decisive unknowns, and the answers of each that would matter."""
        nulls, answers = self._nulls, self._answers
        texts = []
        for item in decisive.items():
            found = answers.get(item)
            if found is None:  # a fact's answers that matter: a few runs of the scale, each met again and again
                found = answers[item] = f"{self._quoted[item[0]]}: [{', '.join(map(str, item[1]))}]"
            texts.append(found)
        return (self._incomplete_head + ", ".join([nulls[n] for n in decisive]) + '}, "rules": [], "values": {'
                + ", ".join(texts) + "}}")

    def _ladder(self, complete: int) -> tuple[int, str]:
        """The level and the text of the ladder's firings (FastEngine.ladder) for the levels in `complete`."""
        level, steps = self.engine.ladder(complete)
        text = ", ".join(f'{{"rule": {_dumps(rule)}, "because": {{}}, "given": {_dumps(list(given))}, '
                         f'"concludes": {_dumps(concludes[0])}}}' for rule, _, given, concludes in steps)
        self._ladders[complete] = found = (level, text)
        return found

    def _head(self, level: int, codes: tuple[str, ...]) -> str:
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
            found = self._ends[key] = f'}}, "rules": {_dumps(rules)}}}'
        return found


def _bit(m: Any, c: Any) -> int:
    return m._bit[(c.fact, *c.bounds)]  # noqa: SLF001 - the condition's own bit
