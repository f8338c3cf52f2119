"""One reusable experta session that records the reasoning chain as rules fire."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from branda.rules.compiled import Concluded, Diagnosis, Org, compile_engine
from branda.rules.experta_compat import experta
from branda.rules.model import DiagnosticRule, IndicatorRule, RuleBase, per_rulebase
from branda.rules.trace import Firing, Run

# experta.agenda and experta.abstract are loaded by experta itself (through rules.experta_compat);
# importing them here directly would run before the compatibility fix once imports are sorted.


@dataclass
class _Pending:
    activation: Any
    declared: list = field(default_factory=list)


class _RecordingAgenda(experta.agenda.Agenda):
    """experta's agenda, noting every activation as the engine takes it to fire."""

    def __init__(self, log: list[_Pending]) -> None:
        super().__init__()
        self.log = log

    def get_next(self) -> Any:
        activation = super().get_next()
        if activation is not None:
            self.log.append(_Pending(activation))
        return activation


def _fact_ids(activation: Any) -> list[int]:
    return sorted((f["__factid__"] for f in activation.facts), reverse=True)


class SalienceStrategy(experta.abstract.Strategy):
    """experta's depth strategy (salience, then newest facts first) without its costly activation hashing.

    Every compiled rule has its own salience, so the firing order is total and never depends on hashing.
    """

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        if removed:
            gone = {(id(a.rule), tuple(_fact_ids(a))) for a in removed}
            agenda.activations = [a for a in agenda.activations if (id(a.rule), tuple(_fact_ids(a))) not in gone]
        for activation in added:
            activation.key = (activation.rule.salience, _fact_ids(activation))
            bisect.insort(agenda.activations, activation)


def _conclusion_id(fact: Any) -> str | None:
    kind = type(fact).__name__
    if kind == "Indicator":
        return str(fact["id"])
    if kind in ("Criteria", "Reached", "Concluded"):
        return {"Criteria": "criteria", "Reached": "reached", "Concluded": "level"}[kind] + f":{fact['level']}"
    if kind == "Diagnosis":
        return f"diagnostic:{fact['code']}"
    return None


class Session:
    """A compiled engine reused across assessments (reset, not rebuilt)."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        self._specs = {r.name: r for r in self.rules.rules}
        log: list[_Pending] = []
        self._log = log

        class RecordingEngine(compile_engine(self.rules)):  # type: ignore[misc]
            __strategy__ = SalienceStrategy

            def reset(self, **kwargs: Any) -> None:
                super().reset(**kwargs)
                agenda = _RecordingAgenda(log)
                agenda.activations = self.agenda.activations  # the floor rule's activation on InitialFact
                self.agenda: _RecordingAgenda = agenda

            def declare(self, *facts: Any) -> Any:
                if self.running and log:
                    log[-1].declared.extend(facts)
                return super().declare(*facts)

        self.engine = RecordingEngine()

    def run(self, facts: dict[str, int]) -> Run:
        """Assess one organisation's known facts; the chain is recorded in firing order."""
        self._log.clear()
        self.engine.reset()
        self.engine.declare(Org(**facts))
        self.engine.run()
        firings = tuple(self._firing(p) for p in self._log)
        levels = [f["level"] for f in self.engine.facts.values() if isinstance(f, Concluded)]
        if len(levels) != 1:
            raise RuntimeError(f"the engine concluded {len(levels)} levels, expected exactly one")
        diagnoses = tuple((f["code"], f["rule"]) for p in self._log for f in p.declared if isinstance(f, Diagnosis))
        return Run(levels[0], firings, diagnoses)

    def _firing(self, pending: _Pending) -> Firing:
        activation = pending.activation
        name = activation.rule.__name__
        spec = self._specs[name]
        matched = sorted(activation.facts, key=lambda f: f["__factid__"])
        because: dict[str, int] = {}
        for fact in matched:
            if isinstance(fact, Org):
                because.update(_matched_values(spec, fact, self.rules))
        given = tuple(c for c in map(_conclusion_id, matched) if c)
        concludes = tuple(c for c in map(_conclusion_id, pending.declared) if c)
        return Firing(name, because, given, concludes)


def _matched_values(spec: Any, org: Any, rules: RuleBase) -> dict[str, int]:
    """The values in the matched Org fact of the facts this rule tests (for a majority test: those that hold)."""
    tested: list[str] = []
    if isinstance(spec, (IndicatorRule, DiagnosticRule)):
        tested.extend(c.fact for c in spec.when)
    if isinstance(spec, DiagnosticRule) and spec.majority_of_level:
        tested.extend(c.fact for _, c in rules.conditions_of(spec.majority_of_level) if c.holds(org.get(c.fact)))
    return {name: org[name] for name in dict.fromkeys(tested) if name in org}


session = per_rulebase(Session)  # the engine session of a rule base, compiled on first use, then reused
