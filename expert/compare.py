"""One organisation's assessments over time: the timeline, what changed between each two, and whether it fell back.

`compare` is a pure function over assessments already in time order (`timeline` puts profiles in that order,
combining the respondents of one date); `comparison_json` and `comparison_text` present the result, and `trend`
gives a picture its data (the level per assessment, the facts that changed per step).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from branda.expert import words
from branda.expert.assess import Assessment, assess
from branda.expert.consensus import consensus
from branda.expert.errors import InputError, shown
from branda.expert.profile import Profile, load_profile
from branda.expert.summary import inline
from branda.knowledge.model import Model
from branda.rules.trace import Firing

__all__ = ["Moment", "Shift", "Step", "Comparison", "Trend", "timeline", "compare", "compare_profiles", "load_history",
           "with_current", "one_organisation", "conclusions_changed", "fact_changes", "trend", "step_sentence",
           "risk_moved", "comparison_json", "comparison_text"]

SOURCE = "compare"
SENTENCE_FACTS = 4  # the facts that moved a level are said in one sentence up to this many, else listed


@dataclass(frozen=True)
class Moment:
    """One assessment on the timeline: its date (None when its file has none), its files and its result."""

    assessed_on: str | None
    files: tuple[str, ...]
    assessment: Assessment

    @property
    def level(self) -> int:
        return self.assessment.level


@dataclass(frozen=True)
class Shift:
    """A condition of a level that stopped holding (or started to) between two assessments."""

    fact: str
    level: int
    needed: str
    rule: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Step:
    """From one assessment to the next: the facts that differ, the conclusions gained and lost, what moved the level.

    `lapsed`: the conditions of the levels lost that held before and hold no more; `met`: those of the levels
    reached that did not hold before and hold now; `risk`: the facts of the fall-back risk (the article's
    complacency) that changed and now raise it.
    """

    before: Moment
    after: Moment
    changes: dict[str, tuple[int | None, int | None]]
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    lapsed: tuple[Shift, ...]
    met: tuple[Shift, ...]
    risk: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """Every assessment in time order and each step between two of them."""

    model: Model
    organisation: str | None
    timeline: tuple[Moment, ...]
    steps: tuple[Step, ...]

    @property
    def fell_back(self) -> bool:
        """True when a later assessment has a lower level than an earlier one."""
        return any(s.after.level < s.before.level for s in self.steps)


@dataclass(frozen=True)
class Trend:
    """A trend picture's data: per assessment its date (None: undated) and level; per step the facts changed."""

    levels: tuple[tuple[str | None, int], ...]
    changed: tuple[tuple[str, ...], ...]


def _date(profile: Profile) -> str | None:
    """The profile's assessed_on as an ISO date, or an InputError when it is not a date."""
    if profile.assessed_on is None:
        return None
    try:
        return dt.datetime.fromisoformat(profile.assessed_on.strip()).date().isoformat()
    except ValueError:
        raise InputError(profile.source, f"'assessed_on' is {shown(profile.assessed_on)}; compare orders the "
                                         "assessments by it, so write it as a date such as 2026-11-20 (or leave it "
                                         "out to keep the order the files are given in)") from None


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def one_organisation(profiles: Sequence[Profile], source: str = SOURCE,
                     takes: str = "compare takes the assessments of one organisation") -> str | None:
    """The organisation all the profiles are of (a profile without a name fits any), or an InputError from
    `source` naming each name with its files, then what the command `takes`."""
    names: dict[str, tuple[str, list[str]]] = {}
    for p in profiles:
        if p.organisation and p.organisation.strip():
            names.setdefault(_same_name(p.organisation), (p.organisation.strip(), []))[1].append(p.source)
    if len(names) > 1:
        said = "; ".join(f"{shown(name)} in {', '.join(files)}" for name, files in names.values())
        raise InputError(source, f"the files name different organisations ({said}); {takes}")
    return next((name for name, _ in names.values()), None)


def _assessed(model: Model, group: Sequence[Profile], engine: str) -> Assessment:
    if len(group) == 1:
        return assess(model, group[0], engine)
    return assess(model, consensus(model, group).profile, engine)  # it carries its panel: the disagreement


def timeline(model: Model, profiles: Sequence[Profile], engine: str = "experta") -> tuple[Moment, ...]:
    """The profiles as assessments in time order: one per `assessed_on` date (its profiles combined as
    respondents, as `assess A B C` does); a profile without a date is its own assessment and keeps its place
    in the order given, the dated ones filling the other places in date order."""
    units: list[str | int] = []  # a date (its group's first place) or the index of an undated profile
    groups: dict[str, list[Profile]] = {}
    for i, p in enumerate(profiles):
        date = _date(p)
        if date is None:
            units.append(i)
            continue
        if date not in groups:
            units.append(date)
            groups[date] = []
        groups[date].append(replace(p, assessed_on=date))
    dates = iter(sorted(groups))
    moments = []
    for unit in units:
        if isinstance(unit, int):
            p = profiles[unit]
            moments.append(Moment(None, (p.source,), assess(model, p, engine)))
        else:
            group = groups[next(dates)]
            moments.append(Moment(group[0].assessed_on, tuple(p.source for p in group), _assessed(model, group, engine)))
    return tuple(moments)


def _concluded(firings: Iterable[Firing]) -> dict[str, None]:
    return dict.fromkeys(c for f in firings for c in f.concludes)


def conclusions_changed(before: Assessment, after: Assessment) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The engine's conclusions (gained, lost) from `before` to `after`, each in firing order (as whatif)."""
    then, now = _concluded(before.firings), _concluded(after.firings)
    return tuple(c for c in now if c not in then), tuple(c for c in then if c not in now)


def fact_changes(model: Model, before: Mapping[str, int], after: Mapping[str, int]
                 ) -> dict[str, tuple[int | None, int | None]]:
    """Every fact whose answer differs (an unknown one is None; unknown to known is a change), in model order."""
    return {name: (before.get(name), after.get(name)) for name in model.facts
            if before.get(name) != after.get(name)}


def _shifts(model: Model, levels: range, old: Mapping[str, int], new: Mapping[str, int], lapsing: bool
            ) -> tuple[Shift, ...]:
    """The conditions of `levels` that held on `old` and no longer do on `new` (lapsing), or the other way round."""
    return tuple(Shift(c.fact, level, c.needed, rule.name, old.get(c.fact), new.get(c.fact))
                 for level in levels for rule, c in model.rules.conditions_of(level)
                 if c.holds(old.get(c.fact)) == lapsing != c.holds(new.get(c.fact)))


def _risk(model: Model, after: Assessment, changes: Mapping[str, tuple[int | None, int | None]]) -> tuple[str, ...]:
    code = model.transitions.risk.diagnostic
    if code is None or code not in after.codes:
        return ()
    conditions = [c for r in model.rules.diagnostics if r.code == code for c in r.when]
    found = [c.fact for c in conditions if c.fact in changes and c.holds(after.profile.facts.get(c.fact))]
    return tuple(dict.fromkeys(found))


def _step(model: Model, before: Moment, after: Moment) -> Step:
    old, new = before.assessment.profile.facts, after.assessment.profile.facts
    changes = fact_changes(model, old, new)
    gained, lost = conclusions_changed(before.assessment, after.assessment)
    lapsed = _shifts(model, range(after.level + 1, before.level + 1), old, new, lapsing=True)
    met = _shifts(model, range(before.level + 1, after.level + 1), old, new, lapsing=False)
    return Step(before, after, changes, gained, lost, lapsed, met, _risk(model, after.assessment, changes))


def compare(model: Model, moments: Sequence[Moment], organisation: str | None = None) -> Comparison:
    """Each step between consecutive assessments (given in time order); at least two are needed."""
    if len(moments) < 2:
        files = [f for m in moments for f in m.files]
        if len(files) > 1:
            problem = (f"{', '.join(files)} are one assessment (the same 'assessed_on', "
                       f"{moments[0].assessed_on}: {len(files)} respondents)")
        else:
            problem = f"only {files[0]} was given" if files else "no assessment was given"
        raise InputError(SOURCE, f"{problem}; compare needs at least two assessments (files with different "
                                 "'assessed_on' dates, or files without one)")
    if organisation is None:
        organisation = next((m.assessment.profile.organisation for m in moments
                             if m.assessment.profile.organisation), None)
    steps = tuple(_step(model, a, b) for a, b in zip(moments, moments[1:]))
    return Comparison(model, organisation, tuple(moments), steps)


def compare_profiles(model: Model, profiles: Sequence[Profile], engine: str = "experta") -> Comparison:
    """One organisation's profiles (several dates, maybe several respondents a date) compared over time."""
    organisation = one_organisation(profiles)
    return compare(model, timeline(model, profiles, engine), organisation)


def with_current(model: Model, previous: Sequence[Profile], current: Assessment, files: Sequence[str],
                 engine: str = "experta") -> Comparison:
    """The report's history: the `previous` profiles as a timeline (respondents of one date combined), then the
    `current` assessment (from `files`) last. The previous must be of the same organisation and older than the
    current one when both have dates; a previous on the current's own date is one of its respondents, not an
    earlier assessment, and is refused."""
    where = "--previous"
    organisation = one_organisation([*previous, replace(current.profile, source=", ".join(files))], where,
                                    "--previous takes earlier assessments of the organisation the report is on")
    for p in previous:
        if p.source in files:
            raise InputError(p.source, "is the assessment the report is on; give --previous an earlier one")
    seen: set[str] = set()
    for p in previous:
        if p.source in seen:
            raise InputError(p.source, "is given twice to --previous; give each earlier assessment once")
        seen.add(p.source)
    date = _date(current.profile)
    moments = timeline(model, previous, engine)
    for m in moments:
        if date is not None and m.assessed_on is not None and m.assessed_on >= date:
            same = m.assessed_on == date
            raise InputError(m.files[0], f"is assessed on {m.assessed_on}, "
                             + ("the date of the assessment the report is on: give it as one more PROFILE (a "
                                "respondent of that assessment), not as --previous" if same else
                                f"after the assessment the report is on ({date}); --previous takes earlier "
                                "assessments"))
    now = Moment(date, tuple(files), current)
    return compare(model, (*moments, now), organisation)


def load_history(model: Model, paths: Sequence[str | Path], engine: str = "experta") -> Comparison:
    """Read the profile files of one organisation and compare its assessments over time."""
    seen: set[str] = set()
    for path in map(str, paths):
        if path in seen:
            raise InputError(path, "is given twice; give each assessment's file once")
        seen.add(path)
    return compare_profiles(model, [load_profile(model, p) for p in paths], engine)


def trend(c: Comparison) -> Trend:
    """The data of a trend picture: the level of each assessment (with its date) and the facts each step changed."""
    return Trend(tuple((m.assessed_on, m.level) for m in c.timeline), tuple(tuple(s.changes) for s in c.steps))


# --- JSON ------------------------------------------------------------------------------------------------------

def _shift_json(s: Shift) -> dict[str, Any]:
    return {"fact": s.fact, "value": [s.before, s.after], "needed": s.needed, "level": s.level, "rule": s.rule}


def comparison_json(c: Comparison, lang: str = "en") -> dict[str, Any]:
    """The compare object of interface.md; each step also names the conditions that lapsed (`lapsed`) or came
    to hold (`met`) and so moved the level."""
    kb = c.model
    return {
        "organisation": c.organisation,
        "timeline": [{"assessed_on": m.assessed_on, "files": list(m.files), "level": m.level,
                      "level_name": kb.level(m.level).name(lang), "diagnostics": list(m.assessment.codes)}
                     for m in c.timeline],
        "steps": [{"from": s.before.assessed_on, "to": s.after.assessed_on, "level": [s.before.level, s.after.level],
                   "changes": {name: [old, new] for name, (old, new) in s.changes.items()},
                   "conclusions": {"gained": list(s.gained), "lost": list(s.lost)},
                   "lapsed": [_shift_json(x) for x in s.lapsed], "met": [_shift_json(x) for x in s.met]}
                  for s in c.steps],
        "fell_back": c.fell_back,
    }


# --- text ------------------------------------------------------------------------------------------------------

def _when(kb: Model, m: Moment, lang: str) -> str:
    return m.assessed_on or kb.text("compare_when_file", lang, file=m.files[0])


def _level(kb: Model, level: int, lang: str) -> str:
    return kb.text("compare_level", lang, level=level, name=kb.level(level).name(lang))


def _moved(kb: Model, name: str, old: int | None, new: int | None, lang: str) -> str:
    """One fact's change said in words: "analysis of customer experiences fell from “mostly true” to …"."""
    label = inline(words.label(kb, name, lang))
    said = {"old": words.value_words(kb, old, lang), "new": words.value_words(kb, new, lang)}
    if new is None:
        return kb.text("compare_now_unknown", lang, label=label, **said)
    if old is None:
        return kb.text("compare_now_known", lang, label=label, **said)
    return kb.text("compare_rose" if new > old else "compare_fell", lang, label=label, **said)


def _timeline_lines(c: Comparison, lang: str) -> list[str]:
    kb = c.model
    whens = [m.assessed_on or kb.text("compare_undated", lang) for m in c.timeline]
    levels = [_level(kb, m.level, lang) for m in c.timeline]
    first, second = max(map(len, whens)), max(map(len, levels))
    lines = []
    for when, level, m in zip(whens, levels, c.timeline, strict=True):
        names = m.assessment.respondents or m.files  # the respondents' names (the file's name where none is given)
        files = (m.files[0] if len(m.files) == 1 else
                 kb.text("compare_respondents", lang, count=len(m.files), files=", ".join(names)))
        lines.append(f"{when.ljust(first)}   {level.ljust(second)}   {files}")
        if m.assessment.codes:
            titles = ", ".join(kb.text("compare_title", lang, title=kb.diagnostics[code].title(lang))
                               for code in m.assessment.codes)
            lines.append(" " * (first + 3) + kb.text("compare_diagnostics", lang, titles=titles))
    return lines


def _change_line(kb: Model, fact: str, change: tuple[int | None, int | None], lang: str) -> str:
    old, new = (words.value_words(kb, v, lang) for v in change)
    return "  - " + kb.text("compare_change_line", lang, fact=words.with_code(kb, fact, lang), old=old, new=new)


def step_sentence(kb: Model, s: Step, lang: str) -> tuple[str, tuple[str, ...]]:
    """What moved the level in step `s`, as compare's text says it ("Level 4 … was lost between … and …:
    analysis of customer experiences fell from “mostly true” to “partly true”."), and the facts it names. With more than
    SENTENCE_FACTS of them the sentence ends in a colon and the facts are to be listed under it; a level that
    stayed is said so and names none."""
    start, end = _when(kb, s.before, lang), _when(kb, s.after, lang)
    old, new = s.before.level, s.after.level
    if old == new:
        return kb.text("compare_kept", lang, start=start, end=end, level=new, name=kb.level(new).name(lang)), ()
    shifts = s.met if new > old else s.lapsed
    said = tuple(dict.fromkeys(x.fact for x in shifts))
    if new > old:
        key = "compare_reached" if new == old + 1 else "compare_reached_many"
        head = kb.text(key, lang, start=start, end=end, level=new, name=kb.level(new).name(lang), old=old)
    else:
        key = "compare_lost" if new == old - 1 else "compare_lost_many"
        head = kb.text(key, lang, start=start, end=end, level=old, name=kb.level(old).name(lang), new=new)
    if len(said) > SENTENCE_FACTS:  # too many for one sentence: a list under it
        return head + kb.text("compare_because_list", lang), said
    facts = "; ".join(_moved(kb, f, *s.changes[f], lang) for f in said)
    return head + (kb.text("compare_because", lang, facts=facts) if said else "."), said


def risk_moved(kb: Model, s: Step, said: Sequence[str], lang: str) -> tuple[str, tuple[str, ...]]:
    """The changed facts of the fall-back risk not in `said`, in words for the middle of a sentence ("resting on
    laurels rose from … to …"; "" when there are none), and those facts. The engine names them as no cause of the
    step's level: a text says them apart ("Separately, …")."""
    risk = tuple(f for f in s.risk if f not in said)
    return "; ".join(_moved(kb, f, *s.changes[f], lang) for f in risk), risk


def _step_lines(kb: Model, s: Step, lang: str) -> list[str]:
    sentence, named = step_sentence(kb, s, lang)
    said = list(named)  # the facts already told in a sentence, each said once
    lines = [sentence]
    if len(named) > SENTENCE_FACTS:
        lines += [_change_line(kb, f, s.changes[f], lang) for f in named]
    moved, risk = risk_moved(kb, s, said, lang)
    if risk:
        lines.append(kb.text("compare_risk", lang, moved=moved, advice=kb.transitions.risk.advice(lang)))
        said += risk
    rest = [f for f in s.changes if f not in said]
    if not s.changes:
        lines.append(kb.text("compare_no_change", lang))
    elif rest:
        lines.append(kb.text("compare_other_changes" if said else "compare_changes", lang))
        lines += [_change_line(kb, f, s.changes[f], lang) for f in rest]
    return lines


def comparison_text(c: Comparison, lang: str = "en") -> str:
    """The timeline, then each step: what moved the level (the conditions lost or met, the fall-back risk in the
    article's words) and the other facts that changed."""
    kb = c.model
    name = c.organisation or kb.text("unnamed_organisation", lang)
    count = words.counted(kb, len(c.timeline), "noun_assessment", lang)
    lines = [kb.text("compare_heading", lang, organisation=name, count=count), ""]
    lines += _timeline_lines(c, lang)
    for s in c.steps:
        lines += ["", *_step_lines(kb, s, lang)]
    if not c.fell_back:
        lines += ["", kb.text("compare_never_fell", lang)]
    return "\n".join(lines)
