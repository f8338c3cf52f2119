"""The plan to a target level: the path, the smallest sets of fact changes (exact, engine-verified), the steps.

The change sets are computed from the rule conditions, not by searching through the engine: level N holds when
every condition of levels 2..N holds, so each fact that fails one must move to the nearest value meeting all of
its conditions. Each set is then checked by one experta run before it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from branda.expert import summary, words
from branda.expert.assess import Assessment, Gap, assess, gaps
from branda.expert.engine import Session, session
from branda.expert.errors import BrandaError
from branda.expert.profile import Profile
from branda.expert.render import quoted
from branda.expert.serialize import gap_json
from branda.expert.transitions import Trigger, action_waves, complacency_triggers
from branda.knowledge.model import Model
from branda.knowledge.transitions import Action, Milestone
from branda.rules.model import Condition, RuleBase

MAX_ALTERNATIVES = 5


class PlanError(BrandaError, RuntimeError):
    """An internal inconsistency: a change set the conditions promise does not reach its level in the engine."""


@dataclass(frozen=True)
class Change:
    """One fact moved: from its value (None = unknown) to `new`."""

    fact: str
    old: int | None
    new: int
    needed: str = ""  # what all the fact's conditions up to the target need, e.g. ">= 4"

    @property
    def movement(self) -> int:
        """Steps on the scale; finding out an unknown fact's value moves nothing."""
        return 0 if self.old is None else abs(self.new - self.old)


@dataclass(frozen=True)
class ChangeSet:
    """One alternative: the facts to change together, in rule order."""

    changes: tuple[Change, ...]

    @property
    def movement(self) -> int:
        return sum(c.movement for c in self.changes)

    def as_facts(self) -> dict[str, int]:
        return {c.fact: c.new for c in self.changes}

    def sort_key(self) -> tuple:
        return len(self.changes), self.movement, tuple((c.fact, c.new) for c in self.changes)


@dataclass(frozen=True)
class Step:
    """One move along the path: what it requires (unmet now), the actions in waves, the risks on arrival."""

    start: int
    end: int
    requires: tuple[Gap, ...]
    waves: tuple[tuple[Action, ...], ...]
    risks: tuple[tuple[Trigger, int | None], ...]  # (trigger, the fact's value now)
    milestone: Milestone | None


@dataclass(frozen=True)
class Plan:
    """A roadmap from the assessed level to `target`."""

    baseline: Assessment
    target: int
    path: tuple[int, ...]
    minimal_changes: tuple[ChangeSet, ...]
    steps: tuple[Step, ...]
    current_risks: tuple[tuple[Trigger, int | None], ...] = ()  # fall-back triggers that already hold
    verified: tuple[int, ...] = ()  # the level the engine concluded for each change set

    @property
    def start(self) -> int:
        return self.baseline.level

    @property
    def already(self) -> bool:
        """The target is at or below the level already reached."""
        return self.target <= self.start


def alternatives_of(rules: RuleBase, level: int) -> tuple[tuple[Condition, ...], ...]:
    """The ways level `level`'s own criteria can hold, each a conjunction of conditions.

    In the rule data a level's criteria are all of its indicators and an indicator all of its conditions, so
    there is exactly one way; a future rule base with alternative indicators would list each here.
    """
    return (tuple(c for _, c in rules.conditions_of(level)),)


def candidate_values(conditions: list[Condition], value: int | None) -> tuple[int, ...]:
    """The values nearest to `value` that meet every condition: one when it is known, the bounds when unknown."""
    low = max((c.threshold for c in conditions if c.op == ">="), default=conditions[0].low)
    high = min((c.threshold for c in conditions if c.op == "<="), default=conditions[0].high)
    if low > high:
        return ()
    if value is None:
        return tuple(sorted({c.threshold for c in conditions if low <= c.threshold <= high}))
    return (min(max(value, low), high),)


def needed_of(conditions: list[Condition]) -> str:
    """The combined need of several conditions on one fact: '>= 4', '<= 3' or '>= 2 and <= 4'."""
    low = max((c.threshold for c in conditions if c.op == ">="), default=None)
    high = min((c.threshold for c in conditions if c.op == "<="), default=None)
    return " and ".join(part for part in (low and f">= {low}", high and f"<= {high}") if part)


def minimal_change_sets(rules: RuleBase, facts: Mapping[str, int], target: int) -> tuple[ChangeSet, ...]:
    """The smallest sets of fact changes after which every condition of levels 2..target holds.

    Fewest facts first, then least movement on the scale; a set that contains another is left out.
    """
    found: set[ChangeSet] = set()
    for combo in product(*(alternatives_of(rules, n) for n in range(2, target + 1))):
        by_fact: dict[str, list[Condition]] = {}
        first_failing: dict[str, int] = {}  # where a fact first fails, so changes read lowest level first
        for i, cond in enumerate(c for conjunction in combo for c in conjunction):
            by_fact.setdefault(cond.fact, []).append(cond)
            if not cond.holds(facts.get(cond.fact)):
                first_failing.setdefault(cond.fact, i)
        choices = []
        for fact in sorted(first_failing, key=first_failing.__getitem__):
            conds, value = by_fact[fact], facts.get(fact)
            choices.append([Change(fact, value, new, needed_of(conds)) for new in candidate_values(conds, value)])
        found.update(ChangeSet(tuple(pick)) for pick in product(*choices))
    kept = [s for s in found if not any(set(o.changes) < set(s.changes) for o in found)]
    return tuple(sorted(kept, key=ChangeSet.sort_key)[:MAX_ALTERNATIVES])


def verify(sess: Session, facts: Mapping[str, int], change_set: ChangeSet, target: int) -> int:
    """Run the experta engine on the changed facts: the level it concludes; short of `target` is an internal error."""
    level = sess.run({**facts, **change_set.as_facts()}).level
    if level < target:
        shown = ", ".join(f"{c.fact}={c.new}" for c in change_set.changes)
        raise PlanError(f"the change set {{{shown}}} should reach level {target}, the engine concluded {level}")
    return level


def _step(model: Model, sess: Session, facts: Mapping[str, int], start: int) -> Step:
    end = start + 1
    requires = gaps(sess.rules, dict(facts), start, end)
    unmet = {g.fact for g in requires}
    tr = model.transitions
    actions = [a for a in tr.actions_to(end) if unmet & set(tr.capabilities[a.capability].facts)]
    risks = tuple((t, facts.get(t.condition.fact)) for t in complacency_triggers(model, end))
    return Step(start, end, requires, action_waves(tr, actions), risks, tr.milestones.get(end))


def make_plan(model: Model, profile: Profile, target: int | None = None) -> Plan:
    """The roadmap from the profile's level to `target` (default: the next level; the top stays at the top)."""
    sess = session(model.rules)
    baseline = assess(model, profile)
    target = min(baseline.level + 1, model.top) if target is None else target
    if not 1 <= target <= model.top:
        raise ValueError(f"a target level is 1-{model.top}, not {target}")
    facts = dict(profile.facts)
    held = tuple((t, facts.get(t.condition.fact)) for t in complacency_triggers(model, baseline.level)
                 if t.condition.holds(facts.get(t.condition.fact)))
    if target <= baseline.level:
        return Plan(baseline, target, (baseline.level,), (ChangeSet(()),), (), held)
    sets = minimal_change_sets(sess.rules, facts, target)
    if not sets:
        raise PlanError(f"the rule conditions of levels 2-{target} cannot all hold together")
    verified = tuple(verify(sess, facts, change_set, target) for change_set in sets)
    path = tuple(range(baseline.level, target + 1))
    return Plan(baseline, target, path, sets, tuple(_step(model, sess, facts, n) for n in path[:-1]), held, verified)


def _level(kb: Model, n: int, lang: str) -> str:
    return kb.text("plan_level", lang, level=n, name=kb.level(n).name(lang))


def _level_is(kb: Model, n: int, lang: str) -> str:
    return kb.text("plan_level_is", lang, level=n, name=kb.level(n).name(lang))


def _quote(kb: Model, text: str, lang: str) -> str:
    return quoted(kb, text, lang, "plan_quote")


def change_json(c: Change) -> dict[str, Any]:
    return {"fact": c.fact, "from": c.old, "to": c.new, "needed": c.needed}


def _risk_json(kb: Model, trigger: Trigger, value: int | None, lang: str) -> dict[str, Any]:
    fallback = kb.transitions.risk
    return {"level": trigger.level, "kind": trigger.kind, "fact": trigger.condition.fact, "when": trigger.when,
            "rule": trigger.rule, "value": value, "active": trigger.condition.holds(value),
            "stressed": trigger.level == fallback.stressed_at, "advice": fallback.advice(lang),
            "cites": fallback.cites(lang)}


def step_json(kb: Model, step: Step, lang: str) -> dict[str, Any]:
    return {
        "from": step.start, "to": step.end, "name": kb.level(step.end).name(lang),
        "requires": [gap_json(g, with_rule=True) for g in step.requires],
        "actions": [{"id": a.id, "capability": a.capability, "wave": i, "text": a.text(lang), "cites": a.cites(lang)}
                    for i, wave in enumerate(step.waves, 1) for a in wave],
        "risks": [_risk_json(kb, t, v, lang) for t, v in step.risks],
        "milestone": step.milestone.text(lang) if step.milestone else None,
    }


def plan_json(plan: Plan, lang: str = "en") -> dict[str, Any]:
    """The plan object of interface.md: from, to, path, minimal_changes, steps (and a few siblings)."""
    kb = plan.baseline.model
    lapse = kb.transitions.lapse
    return {
        "organisation": plan.baseline.profile.organisation,
        "from": plan.start, "to": plan.target, "path": list(plan.path),
        "already_reached": plan.already,
        "minimal_changes": [s.as_facts() for s in plan.minimal_changes],
        "change_details": [[change_json(c) for c in s.changes] for s in plan.minimal_changes],
        "steps": [step_json(kb, s, lang) for s in plan.steps],
        "current_risks": [_risk_json(kb, t, v, lang) for t, v in plan.current_risks],
        "keep": {"advice": lapse.advice(lang), "cites": lapse.cites(lang)},
    }


class _Roadmap:
    """What a plan text has said so far, so that each fact, risk and article sentence is said once."""

    def __init__(self, plan: Plan, lang: str) -> None:
        self.plan, self.lang, self.kb = plan, lang, plan.baseline.model
        self.quotes: set[str] = set()
        self.facts: dict[str, int] = {}  # fact -> the step whose list says it (0: the alternatives above)
        self.risks: dict[tuple[str, str], int] = {}  # (fact, need) -> the level where the risk was said
        self.advised = False

    def t(self, key: str, **values: Any) -> str:
        return self.kb.text(key, self.lang, **values)

    def article(self, text: str) -> str:
        """" Article: “…”" the first time a sentence of the article is quoted in this plan, else nothing."""
        if not text or text in self.quotes:
            return ""
        self.quotes.add(text)
        return " " + self.t("plan_article", quote=_quote(self.kb, text, self.lang))

    def fact(self, name: str) -> str:
        return words.with_code(self.kb, name, self.lang)

    def now(self, value: int | None) -> str:
        said = words.value_words(self.kb, value, self.lang)
        return said if value is None else self.t("plan_now_value", value=said)

    def needs(self, needed: str) -> str:
        return words.needs_words(self.kb, needed, self.lang)

    def change(self, fact: str, value: int | None, needed: str, later: str = "") -> str:
        key = "plan_change_unknown" if value is None else "plan_change"
        return self.t(key, fact=self.fact(fact), old=self.now(value), needed=self.needs(needed), later=later)


def _change_sets_text(r: _Roadmap) -> list[str]:
    """The smallest change: one line saying how many answers must change and how many questions be answered
    first (each is listed under its step), or, where the alternatives change different facts, every
    alternative in full."""
    plan, kb, lang = r.plan, r.kb, r.lang
    sets = plan.minimal_changes
    if len({frozenset(c.fact for c in s.changes) for s in sets}) == 1:
        unknown = sum(c.old is None for c in sets[0].changes)
        known = len(sets[0].changes) - unknown
        parts = [r.t(key, count=words.counted(kb, n, noun, lang)) for key, noun, n in (
            ("plan_answers_to_change", "plan_noun_answer_acc", known),
            ("plan_questions_to_answer", "noun_question_acc", unknown)) if n]
        return [r.t("plan_changes", level=plan.target, what=summary.joined(kb, parts, lang))]
    lines = [r.t("plan_changes_many", level=plan.target, count=len(sets))]
    for i, s in enumerate(sets, 1):
        lines.append("  " + r.t("plan_alternative", number=i, count=len(s.changes), movement=s.movement))
        lines += [f"    - {r.change(c.fact, c.old, c.needed)}" for c in s.changes]
    r.facts.update(dict.fromkeys((c.fact for s in sets for c in s.changes), 0))
    return lines


def _later_needs(r: _Roadmap, gap: Gap) -> str:
    """What the same fact needs at the plan's higher levels, when that is more: " (and at least … for level 4)"."""
    later = [g for s in r.plan.steps for g in s.requires
             if g.fact == gap.fact and g.level > gap.level and g.needed != gap.needed]
    return "".join(r.t("plan_later_need", level=g.level, needed=r.needs(g.needed)) for g in later)


def _requires_text(r: _Roadmap, step: Step, number: int) -> list[str]:
    """What the step needs: each unmet criterion by its title, and under it its facts (each said once a plan)."""
    lines = ["  " + r.t("plan_requires", count=len(step.requires))]
    by_rule: dict[str, list[Gap]] = {}
    for g in step.requires:
        by_rule.setdefault(g.rule, []).append(g)
    for rule, found in by_rule.items():
        lines.append("    - " + r.kb.rules.rule(rule).title(r.lang))  # type: ignore[union-attr]
        said_before = sorted({r.facts[g.fact] for g in found if g.fact in r.facts})
        for g in found:
            if g.fact not in r.facts:
                lines.append("        " + r.change(g.fact, g.value, g.needed, _later_needs(r, g)))
                r.facts[g.fact] = number
        for where in said_before:
            key = {0: "plan_said_alternatives", number: "plan_said_above"}.get(where, "plan_said_in_step")
            lines.append("        " + r.t(key, step=where))
    return lines


def _actions_text(r: _Roadmap, step: Step) -> list[str]:
    caps = r.kb.transitions.capabilities
    lines = ["  " + r.t("plan_actions")]
    for i, wave in enumerate(step.waves, 1):
        lines.append("    " + r.t("plan_wave_first" if i == 1 else "plan_wave_next", wave=i))
        for a in wave:
            lines.append(f"      - {a.text(r.lang)}")
            lines.append("        " + r.t("plan_builds", capability=caps[a.capability].name(r.lang))
                         + r.article(a.cites(r.lang)))
    return lines


def _advice(r: _Roadmap, indent: str) -> list[str]:
    """The article's advice on the fall-back risk, once a plan, after the first risk said in full."""
    if r.advised:
        return []
    r.advised = True
    risk = r.kb.transitions.risk
    return [indent + risk.advice(r.lang) + r.article(risk.cites(r.lang))]


def _risk_key(trigger: Trigger) -> tuple[str, str]:
    return trigger.condition.fact, trigger.condition.needed


def _risk_text(r: _Roadmap, trigger: Trigger, value: int | None) -> list[str]:
    """Watch on arrival: the risk in full the first time, "the same risk as at level N" after that."""
    risk = r.kb.transitions.risk
    stressed = " " + r.t("plan_risk_stressed") if trigger.level == risk.stressed_at else ""
    fact = trigger.condition.fact
    if _risk_key(trigger) in r.risks:
        return ["  " + r.t("plan_risk_again", level=trigger.level, first=r.risks[_risk_key(trigger)]) + stressed]
    r.risks[_risk_key(trigger)] = trigger.level
    title = risk.title(r.lang)
    alone = title.casefold() == words.label(r.kb, fact, r.lang).casefold()  # the fact is the risk: say it once
    said = fact in r.facts  # a fact a level needs too (not the article's): its code once, in that list
    line = r.t("plan_risk_self" if alone else "plan_risk", level=trigger.level, title=title,
               title_inline=summary.inline(title), code="" if said else f" ({fact})",
               fact=words.label(r.kb, fact, r.lang) if said else r.fact(fact),
               needed=r.needs(trigger.condition.needed), now=r.now(value))
    lines = ["  " + line + stressed]
    if trigger.condition.holds(value):
        lines.append("    " + r.t("plan_risk_active"))
    return lines + _advice(r, "    ")


def _step_text(r: _Roadmap, step: Step, number: int) -> list[str]:
    total = len(r.plan.steps)
    lines = ["", r.t("plan_step", number=number, total=total, start=step.start,
                     end=_level(r.kb, step.end, r.lang))]
    if not step.requires:
        lines.append("  " + r.t("plan_nothing_required", level=step.end))
    else:
        lines += _requires_text(r, step, number) + _actions_text(r, step)
    for trigger, value in step.risks:
        lines += _risk_text(r, trigger, value)
    if step.milestone:  # its sentence says the level itself ("Once level 3 is reached, …")
        text = step.milestone.text(r.lang)
        cites = step.milestone.cites(r.lang)
        lines.append("  " + text + ("" if _echoes(text, cites) else r.article(cites)))
    return lines


def _echoes(text: str, quote: str) -> bool:
    """Our sentence says what the quoted one says, nearly word for word (then the quote adds nothing)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, text.casefold(), quote.strip("„“”\" .").casefold()).ratio() >= 0.75


def _now_text(r: _Roadmap) -> list[str]:
    """Where the organisation stands: its level, its diagnostics by title (quoted, so that a title after the
    colon keeps its capital), "provisional", a risk already held."""
    a, kb = r.plan.baseline, r.kb
    titles = [r.t("plan_title", title=kb.diagnostics[d.code].title(r.lang))
              for d in a.diagnostics if d.code != kb.incomplete]
    lines = [r.t("plan_where", current=_level_is(kb, r.plan.start, r.lang),
                 diagnostics=", ".join(titles) if titles else r.t("plan_no_diagnostics"))]
    provisional = summary.provisional(a, r.lang)
    if provisional:
        lines.append(provisional)
    for trigger, value in r.plan.current_risks:
        r.risks[_risk_key(trigger)] = trigger.level
        lines.append(r.t("plan_hold_first", level=r.plan.start, fact=r.fact(trigger.condition.fact),
                         now=r.now(value), needed=r.needs(trigger.condition.needed)))
        lines += _advice(r, "  ")
    return lines


def plan_text(plan: Plan, lang: str = "en") -> str:
    """The plan as a consultant's roadmap: where it stands, the smallest change, then step by step."""
    kb = plan.baseline.model
    name = plan.baseline.profile.organisation or kb.text("unnamed_organisation", lang)
    if plan.already:
        key = "plan_top" if plan.start == kb.top else "plan_already"
        return kb.text(key, lang, organisation=name, current=_level_is(kb, plan.start, lang), target=plan.target)
    r = _Roadmap(plan, lang)
    lines = [r.t("plan_heading", organisation=name, start=_level(kb, plan.start, lang),
                 end=_level(kb, plan.target, lang))]
    lines += _now_text(r)
    lines.append(r.t("plan_path", path=" → ".join(map(str, plan.path))))
    lines.append("")
    lines += _change_sets_text(r)
    exact = set(plan.verified) <= {plan.target}  # no set reaches beyond the target (never beyond the top)
    lines.append(r.t("plan_verified" if exact else "plan_verified_above", level=plan.target))
    for i, step in enumerate(plan.steps, 1):
        lines += _step_text(r, step, i)
    lapse = kb.transitions.lapse
    quote = "" if r.advised else r.article(lapse.cites(lang))  # the risk's advice above says it already
    lines += ["", r.t("plan_keep"), "  " + lapse.advice(lang) + quote]
    return "\n".join(lines)
