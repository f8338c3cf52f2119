"""The peer engine: the same compiled rule base rendered as CLIPS constructs and run through clipspy.

`clips_source(rules, facts)` writes CLIPS text from a model's rule base (`model.rules`) — the same Condition and
StepRule objects the experta engine compiles (rules/compiled.py) and the fast evaluator turns into masks
(rules/fast.py): one `org` deftemplate with a slot per fact of the model (defaulting to one below the scale: an
unknown fact, which satisfies no condition), one defrule per indicator, ladder and diagnostic rule, with the same
salience scheme. `ClipsSession(model)` reuses one CLIPS environment (reset, not rebuilt) like
`expert.engine.Session`.

clipspy 1.0.6's `Fact.__del__` calls `lib.ReleaseFact(env, fact)`, but the C function takes one argument; the
TypeError is swallowed, so every fact the Python side ever touched stays retained in CLIPS, and a reused
environment accumulates garbage and slows down. `patch_fact_release()` replaces `__del__` with the correct call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from branda.knowledge.model import Model
from branda.rules.compiled import CONCLUDE_SALIENCE, DIAGNOSTIC_SALIENCE, INDICATOR_SALIENCE, STEP_SALIENCE
from branda.rules.model import Condition, DiagnosticRule, IndicatorRule, RuleBase, StepRule

_ORIGINAL_DEL: Any = None


def patch_fact_release() -> bool:
    """Make clipspy's Fact.__del__ release the fact with the right arity; True if it was patched now."""
    global _ORIGINAL_DEL
    import clips.facts
    from clips._clips import lib

    if _ORIGINAL_DEL is not None:
        return False
    _ORIGINAL_DEL = clips.facts.Fact.__del__

    def __del__(self: Any) -> None:
        try:
            lib.ReleaseFact(self._fact)
        except (AttributeError, TypeError):
            pass  # interpreter shutdown, as in the original

    clips.facts.Fact.__del__ = __del__
    return True


def unpatch_fact_release() -> None:
    """Restore clipspy's own (leaking) Fact.__del__ — only to measure the leak."""
    global _ORIGINAL_DEL
    import clips.facts

    if _ORIGINAL_DEL is not None:
        clips.facts.Fact.__del__ = _ORIGINAL_DEL
        _ORIGINAL_DEL = None


def _var(fact: str) -> str:
    return f"?{fact}"


def _test(c: Condition) -> str:
    lo, hi = c.bounds
    return f"(and (>= {_var(c.fact)} {lo}) (<= {_var(c.fact)} {hi}))"


def _org_pattern(conditions: tuple[Condition, ...], bind: tuple[str, ...] = ()) -> str:
    """One `org` pattern constraining each tested fact's slot (several conditions on one fact: all must hold)."""
    by_fact: dict[str, list[Condition]] = {}
    for c in conditions:
        by_fact.setdefault(c.fact, []).append(c)
    slots = []
    for fact, conds in by_fact.items():
        tests = " ".join(_test(c) for c in conds)
        slots.append(f"({fact} {_var(fact)}&:{tests if len(conds) == 1 else f'(and {tests})'})")
    slots += [f"({fact} {_var(fact)})" for fact in bind if fact not in by_fact]
    return f"(org {' '.join(slots)})"


def _rule(name: str, salience: int, lhs: list[str], rhs: str) -> str:
    body = "\n   ".join(lhs)
    return f"(defrule {name}\n   (declare (salience {salience}))\n   {body}\n   =>\n   {rhs})"


def _recording(defrule: str) -> str:
    """The same defrule, its action also appending the rule's name to ?*fired*."""
    name = defrule.split(None, 2)[1]
    return defrule[:-1] + f"\n   (bind ?*fired* (create$ ?*fired* {name})))"


def _indicator(r: IndicatorRule, salience: int) -> str:
    return _rule(r.name, salience, [_org_pattern(r.when)], f"(assert (indicator (level {r.level}) (id {r.concludes})))")


def _requirement(conclusion: str, level: int) -> str:
    """The pattern matching a conclusion a ladder rule requires, as rules/compiled.py matches it."""
    kind, _, key = conclusion.partition(":")
    if kind == "indicator":
        return f"(indicator (level {level}) (id {conclusion}))"
    if kind not in ("criteria", "reached"):
        raise ValueError(f"a ladder rule cannot require {conclusion!r}")
    return f"({kind} (level {int(key)}))"  # the deftemplates are named as the conclusions' kinds


def _step(s: StepRule, salience: int, rules: RuleBase) -> str:
    n = s.level
    if s.kind == "floor":  # CLIPS 6.4 has no initial-fact: a rule without patterns fires once after (reset)
        return _rule(s.name, salience, [], "(assert (reached (level 1)))")
    if s.kind == "conclude":
        higher = range(n + 1, min(n + 1, rules.top) + 1) if rules.step_by_step else range(n + 1, rules.top + 1)
        lhs = [f"(reached (level {n}))"] + [f"(not (reached (level {m})))" for m in higher]
        return _rule(s.name, CONCLUDE_SALIENCE, lhs, f"(assert (concluded (level {n})))")
    made = {"criteria": "criteria", "reach": "reached"}[s.kind]
    return _rule(s.name, salience, [_requirement(c, n) for c in s.requires], f"(assert ({made} (level {n})))")


def _diagnostic(d: DiagnosticRule, rules: RuleBase, salience: int) -> str:
    levels = "|".join(str(n) for n in sorted(d.at_levels))
    lhs = [f"(concluded (level {levels}))"]
    majority = [c for _, c in rules.conditions_of(d.majority_of_level)] if d.majority_of_level else []
    if d.when or majority:
        lhs.append(_org_pattern(d.when, tuple(dict.fromkeys(c.fact for c in majority))))
    if majority:
        count = " ".join(f"(if {_test(c)} then 1 else 0)" for c in majority)
        lhs.append(f"(test (> (* 2 (+ 0 {count})) {len(majority)}))")
    elif d.majority_of_level:  # a majority of no conditions never holds (rules.model.RuleBase.majority_holds)
        lhs.append("(test FALSE)")
    return _rule(d.name, salience, lhs, f"(assert (diagnosis (code {d.code}) (rule {d.name})))")


def clips_source(rules: RuleBase, facts: Iterable[str], record: bool = False) -> str:
    """CLIPS deftemplates, defrules and a query function for the rule base, in the engine's rule order; `facts`
    are the model's fact names (the `org` slots: a profile may answer a fact no rule tests).

    With `record`, each rule also appends its name to the global ?*fired* (to check the firing order).
    """
    unknown = rules.low - 1  # below the scale: satisfies no condition, as an unknown fact
    slots = "\n   ".join(f"(slot {fact} (type INTEGER) (default {unknown}))" for fact in facts)
    parts = [
        f"(deftemplate org\n   {slots})",
        "(deftemplate indicator (slot level (type INTEGER)) (slot id (type SYMBOL)))",
        "(deftemplate criteria (slot level (type INTEGER)))",
        "(deftemplate reached (slot level (type INTEGER)))",
        "(deftemplate concluded (slot level (type INTEGER)))",
        "(deftemplate diagnosis (slot code (type SYMBOL)) (slot rule (type SYMBOL)))",
    ]
    parts += [_indicator(r, INDICATOR_SALIENCE - i) for i, r in enumerate(rules.indicators)]
    parts += [_step(s, STEP_SALIENCE - i, rules) for i, s in enumerate(rules.steps)]
    parts += [_diagnostic(d, rules, DIAGNOSTIC_SALIENCE - i) for i, d in enumerate(rules.diagnostics)]
    parts.append("(deffunction outcome ()\n"
                 "   (bind ?result (create$))\n"
                 "   (do-for-all-facts ((?c concluded)) TRUE (bind ?result (create$ ?result ?c:level)))\n"
                 "   (do-for-all-facts ((?d diagnosis)) TRUE (bind ?result (create$ ?result ?d:code)))\n"
                 "   ?result)")
    if record:
        parts = ["(defglobal ?*fired* = (create$))"] + [_recording(p) if p.startswith("(defrule") else p
                                                         for p in parts]
    return "\n\n".join(parts) + "\n"


class ClipsSession:
    """One CLIPS environment holding the model's rules (`model.rules`), reused across assessments (reset, not
    rebuilt)."""

    def __init__(self, model: Model, record: bool = False) -> None:
        import clips

        self.model, self.rules = model, model.rules
        self.env = clips.Environment()
        for construct in clips_source(model.rules, model.facts, record).split("\n\n"):
            self.env.build(construct)

    def run(self, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
        """(level, diagnostic codes) the CLIPS rules conclude for the known facts."""
        env = self.env
        env.reset()
        env.assert_string("(org " + " ".join(f"({name} {value})" for name, value in facts.items()) + ")")
        env.run()
        result = env.eval("(outcome)")
        levels = [v for v in result if isinstance(v, int)]
        if len(levels) != 1:
            raise RuntimeError(f"CLIPS concluded {len(levels)} levels, expected exactly one")
        return levels[0], frozenset(str(v) for v in result if not isinstance(v, int))

    def firing_order(self, facts: Mapping[str, int]) -> list[str]:
        """The rules that fired for `facts`, in order (a session built with record=True)."""
        self.run(facts)
        return [str(name) for name in self.env.eval("?*fired*")]
