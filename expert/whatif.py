"""What-if scenarios: assess a profile before and after a set of fact changes and compare the conclusions.

The baseline file is only read, never written. Scenario files are validated as strictly as profiles.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branda.expert import summary, words
from branda.expert.assess import Assessment, assess
from branda.expert.errors import InputError, closest
from branda.expert.profile import Profile, check_fact_name, check_value, parse_set, read_data, text_field
from branda.expert.compare import conclusions_changed
from branda.expert.serialize import assessment_json
from branda.knowledge.model import Model
from branda.rules.model import IndicatorRule

SCENARIO_KEYS = ("name", "changes")
SET_SCENARIO = "--set"
CELL_WIDTH = 32  # a table cell wider than this wraps


@dataclass(frozen=True)
class Scenario:
    """A named set of fact changes (None makes a fact unknown)."""

    name: str
    changes: Mapping[str, int | None]
    source: str


@dataclass(frozen=True)
class Comparison:
    """One scenario against the baseline: both assessments, the changes, the conclusions gained and lost."""

    scenario: Scenario
    before: Assessment
    after: Assessment
    changes: dict[str, tuple[int | None, int | None]]
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    rules_gained: tuple[str, ...]
    rules_lost: tuple[str, ...]


def scenario_from_sets(model: Model, options: Iterable[str]) -> Scenario:
    """The --set NAME=VALUE options as one scenario."""
    return Scenario(SET_SCENARIO, dict(parse_set(model, o) for o in options), SET_SCENARIO)


def load_scenario(model: Model, path: str | Path) -> Scenario:
    """Read one scenario file (`name:` and `changes:` {fact: value}), refusing anything malformed."""
    source = str(path)
    data = read_data(source, "scenario", "'name:' and 'changes:' with fact names and values 1-5")
    if not isinstance(data, dict):
        raise InputError(source, "a scenario must be a mapping with 'changes:' (and optional 'name:')")
    for key in data:
        if key not in SCENARIO_KEYS:
            hint = closest(str(key), SCENARIO_KEYS)
            raise InputError(source, f"unknown top-level key '{key}'{hint}; allowed: {', '.join(SCENARIO_KEYS)}")
    raw = data.get("changes")
    if not isinstance(raw, dict) or not raw:
        raise InputError(source, "'changes' must be a non-empty mapping of fact names to values 1-5 (empty = unknown)")
    name = text_field(source, "name", data.get("name", Path(source).stem))
    if not name or not name.strip():
        raise InputError(source, "'name' must be text")
    changes = {check_fact_name(model, source, fact): check_value(model, source, fact, value)
               for fact, value in raw.items()}
    return Scenario(name.strip(), changes, source)


def _difference(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    other = set(second)
    return tuple(x for x in first if x not in other)


def compare(model: Model, profile: Profile, scenario: Scenario, before: Assessment | None = None) -> Comparison:
    """Assess `profile` and `profile` with the scenario's changes (experta); the profile itself is left as it is."""
    before = before or assess(model, profile)
    after = assess(model, profile.with_facts(scenario.changes))
    changes = {name: (profile.facts.get(name), value) for name, value in scenario.changes.items()}
    gained, lost = conclusions_changed(before, after)
    rules_then, rules_now = [f.rule for f in before.firings], [f.rule for f in after.firings]
    return Comparison(scenario, before, after, changes, gained, lost,
                      _difference(rules_now, rules_then), _difference(rules_then, rules_now))


def compare_all(model: Model, profile: Profile, scenarios: Sequence[Scenario]) -> tuple[Comparison, ...]:
    """Every scenario against the same baseline assessment."""
    before = assess(model, profile)
    return tuple(compare(model, profile, s, before) for s in scenarios)


def comparison_json(c: Comparison, lang: str = "en") -> dict[str, Any]:
    """The whatif object of interface.md, with the scenario's name and the rules that started or stopped firing."""
    return {
        "scenario": c.scenario.name,
        "before": assessment_json(c.before, lang),
        "after": assessment_json(c.after, lang),
        "changes": {name: [old, new] for name, (old, new) in c.changes.items()},
        "conclusions": {"gained": list(c.gained), "lost": list(c.lost)},
        "rules": {"gained": list(c.rules_gained), "lost": list(c.rules_lost)},
    }


def whatif_json(comparisons: Sequence[Comparison], lang: str = "en") -> Any:
    """One scenario: the whatif object; several: a list of them, in the order given."""
    items = [comparison_json(c, lang) for c in comparisons]
    return items[0] if len(items) == 1 else items


def _level_name(kb: Model, level: int, lang: str) -> str:
    return kb.text("whatif_level_value", lang, level=level, name=kb.level(level).name(lang))


def change_line(kb: Model, conclusion: str, lang: str) -> str:
    """A conclusion id in words: 'indicator:x' by its rule's title, 'reached:3' as 'level 3 "…" reached', ..."""
    kind, _, key = conclusion.partition(":")
    if kind == "indicator":
        rule = next(r for r in kb.rules.indicators if r.concludes == conclusion)
        assert isinstance(rule, IndicatorRule)
        return rule.title(lang)
    if kind == "diagnostic":
        return kb.text("whatif_diagnostic", lang, title=kb.diagnostics[key].title(lang))
    return kb.text(f"whatif_{kind}", lang, level=key, name=_level_name(kb, int(key), lang))


def _said_once(conclusions: Sequence[str], level: int) -> list[str]:
    """The conclusions the table does not show already: its rows hold the level and the diagnostics, so only
    the criteria, and "every criterion of level N" where N is above `level` (held but not reached)."""
    return [c for c in conclusions if c.startswith("indicator:")
            or (c.startswith("criteria:") and int(c.partition(":")[2]) > level)]


def _diagnostic_cells(a: Assessment, lang: str) -> list[str]:
    kb = a.model
    shown = kb.readiness.not_ready if kb.readiness and a.ready is not None else None  # its own row says it
    titles = [kb.diagnostics[code].title(lang) for code in a.codes if code != shown]
    return titles or [kb.text("whatif_none", lang)]


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, CELL_WIDTH, break_on_hyphens=False) or [""]


def _cells(a: Assessment, lang: str) -> list[list[str]]:
    kb = a.model
    cells = [[_level_name(kb, a.level, lang)], _diagnostic_cells(a, lang)]
    if a.ready is not None:
        cells.append([kb.text("answer_yes" if a.ready else "answer_no", lang)])
    return [[line for text in cell for line in _wrapped(text)] for cell in cells]


def _table(comparisons: Sequence[Comparison], lang: str) -> list[str]:
    kb = comparisons[0].before.model
    labels = [kb.text("whatif_row_level", lang), kb.text("whatif_row_diagnostics", lang)]
    labels += [kb.text("whatif_row_ready", lang)] if comparisons[0].before.ready is not None else []
    label_lines = [_wrapped(label) for label in labels]
    heads = [kb.text("whatif_before", lang)] + [_column_name(c, len(comparisons), lang) for c in comparisons]
    columns = [_cells(comparisons[0].before, lang)] + [_cells(c.after, lang) for c in comparisons]
    first = max(len(line) for lines in label_lines for line in lines)
    widths = [max(len(line) for cell in [[head], *col] for line in cell)
              for head, col in zip(heads, columns, strict=True)]
    gap = "   "
    lines = [" " * first + gap + gap.join(h.ljust(w) for h, w in zip(heads, widths, strict=True)).rstrip()]
    for row, label in enumerate(label_lines):
        height = max(len(label), *(len(col[row]) for col in columns))
        for i in range(height):
            cells = [(col[row][i] if i < len(col[row]) else "").ljust(w)
                     for col, w in zip(columns, widths, strict=True)]
            lines.append(((label[i] if i < len(label) else "").ljust(first) + gap + gap.join(cells)).rstrip())
    return lines


def _column_name(c: Comparison, count: int, lang: str) -> str:
    kb = c.before.model
    if c.scenario.name == SET_SCENARIO:
        return kb.text("whatif_after" if count == 1 else "whatif_after_set", lang)
    return c.scenario.name


def _changes_text(c: Comparison, lang: str) -> list[str]:
    """The scenario in words: one change as a question, several as a list (label, code once, values in words);
    a setting that gives a fact the answer it already has is said apart, as changing nothing."""
    kb = c.before.model
    moved = [(name, old, new) for name, (old, new) in c.changes.items() if old != new]
    lines = []
    if len(moved) == 1 and None not in moved[0][1:]:
        name, old, new = moved[0]
        lines.append(kb.text("whatif_one", lang, fact=summary.inline(words.with_code(kb, name, lang)),
                             label=words.label(kb, name, lang), code=name,
                             old=words.value_words(kb, old, lang), new=words.value_words(kb, new, lang)))
    elif moved:
        lines.append(kb.text("whatif_changes", lang))
        lines += ["  - " + kb.text("whatif_change", lang, fact=words.with_code(kb, name, lang),
                                   old=words.value_words(kb, old, lang), new=words.value_words(kb, new, lang))
                  for name, old, new in moved]
    for name, (old, new) in c.changes.items():
        if old == new:
            key = "whatif_same_unknown" if old is None else "whatif_same"
            lines.append(kb.text(key, lang, fact=words.with_code(kb, name, lang),
                                 value=words.value_words(kb, old, lang)))
    return lines


def _titles(kb: Model, codes: Sequence[str], lang: str) -> str:
    return summary.joined(kb, (kb.text("whatif_title", lang, title=kb.diagnostics[c].title(lang)) for c in codes), lang)


def _diagnostics_changed(c: Comparison, lang: str) -> str:
    """The diagnostics a scenario raises and drops, each by its title: "the diagnostic “A” would be raised"."""
    kb = c.before.model
    raised = [code for code in c.after.codes if code not in c.before.codes]
    dropped = [code for code in c.before.codes if code not in c.after.codes]
    parts = [kb.text(key + ("_one" if len(codes) == 1 else "_many"), lang, titles=_titles(kb, codes, lang))
             for key, codes in (("whatif_raised", raised), ("whatif_dropped", dropped)) if codes]
    return summary.joined(kb, parts, lang)


def _details(c: Comparison, count: int, lang: str) -> list[str]:
    kb = c.before.model
    lines = [""]
    if c.scenario.name != SET_SCENARIO:
        lines.append(kb.text("whatif_scenario", lang, name=c.scenario.name, source=c.scenario.source))
    elif count > 1:
        lines.append(kb.text("whatif_set_scenario", lang, column=_column_name(c, count, lang)))
    lines += _changes_text(c, lang)
    if all(old == new for old, new in c.changes.values()):
        return lines  # each setting said that it changes nothing
    gained, lost = _said_once(c.gained, c.after.level), _said_once(c.lost, c.before.level)
    if not gained and not lost:  # the level stays: what may still change is a diagnostic, so say it
        diagnostics = _diagnostics_changed(c, lang)
        lines.append(kb.text("whatif_only_diagnostics", lang, level=c.after.level, diagnostics=diagnostics)
                     if diagnostics else kb.text("whatif_nothing_changed", lang))
    if gained:
        lines.append(kb.text("whatif_gained", lang))
        lines += [f"  + {change_line(kb, x, lang)}" for x in gained]
    if lost:
        lines.append(kb.text("whatif_lost", lang))
        lines += [f"  - {change_line(kb, x, lang)}" for x in lost]
    return lines


def whatif_text(comparisons: Sequence[Comparison], lang: str = "en") -> str:
    """Before and after side by side (level, diagnostics, readiness), then each scenario's changes and the
    criteria it makes hold or lapse (the level and the diagnostics are the table's rows, said there once; where
    no criterion changes, the diagnostics raised or dropped are said in words, as the one consequence)."""
    base, kb = comparisons[0].before.profile, comparisons[0].before.model
    name = base.organisation or kb.text("unnamed_organisation", lang)
    key = "whatif_heading" if len(comparisons) == 1 else "whatif_heading_many"
    lines = [kb.text(key, lang, organisation=name, source=base.source), ""]
    lines += _table(comparisons, lang)
    for c in comparisons:
        lines += _details(c, len(comparisons), lang)
    return "\n".join(lines)
