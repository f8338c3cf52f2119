"""The one fast evaluator: the rule data compiled to bit masks, giving what experta gives, in plain Python.

Each distinct condition is one bit; a profile is the int of the bits of every condition it satisfies (an
unknown fact satisfies none). From that one mask the same semantics as the compiled experta rules gives the
level, the diagnostic codes (`outcome`, remembered per mask, which the unknown-fact analysis asks thousands of
times) and the full firing record in experta's order (`run`). experta stays the engine of record; the
differential tests prove the two agree, firing for firing, on every model the tests load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from operator import getitem

from branda.rules.model import Condition, DiagnosticRule, RuleBase, per_rulebase
from branda.rules.trace import Firing, Run

Step = tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # a firing: rule, facts named, given, concludes
MEMO_LIMIT = 16_384  # outcomes remembered before the memo starts afresh (bounds a worker's memory)


@dataclass(frozen=True)
class _Diagnostic:
    rule: DiagnosticRule
    code_bit: int
    when: int
    majority: tuple[int, ...]  # one bit per condition of the counted level (empty: no majority test)
    majority_mask: int  # the same bits as one mask when they are all distinct (counting is then a popcount)
    names: tuple[str, ...]  # the facts of its own conditions, in order, once each
    counted: tuple[tuple[str, int], ...]  # each condition of the counted level: its fact and its bit


class FastEngine:
    """The rule base as masks: `mask` a profile, `outcome` of a mask, `evaluate` and `run` a profile."""

    def __init__(self, rules: RuleBase) -> None:
        self.rules = rules
        bit: dict[tuple[str, int, int], int] = {}
        for c in [c for r in rules.indicators for c in r.when] + [c for d in rules.diagnostics for c in d.when]:
            bit.setdefault((c.fact, *c.bounds), 1 << len(bit))
        self._bit = bit
        self.value_bits: dict[str, dict[int, int]] = {}  # fact -> answer -> the bits it sets
        for (fact, lo, hi), b in bit.items():
            bits = self.value_bits.setdefault(fact, dict.fromkeys(rules.scale, 0))
            for v in range(lo, hi + 1):
                bits[v] |= b
        self.fact_bits = {fact: _union(bits.values()) for fact, bits in self.value_bits.items()}
        self._bits_of = self.value_bits.__getitem__
        self.indicators = tuple((r, self._of(r.when)) for r in rules.indicators)
        self.level_masks = {n: self._of(c for _, c in rules.conditions_of(n)) for n in rules.levels}
        self.level_bits = rules.top.bit_length()
        self.codes = tuple(dict.fromkeys(d.code for d in rules.diagnostics))
        diagnostics = []
        for d in rules.diagnostics:
            counted = tuple((c.fact, self._bit[(c.fact, *c.bounds)])
                            for _, c in rules.conditions_of(d.majority_of_level)) if d.majority_of_level else ()
            majority = tuple(b for _, b in counted)
            together = _union(majority)
            diagnostics.append(_Diagnostic(d, 1 << (self.level_bits + self.codes.index(d.code)), self._of(d.when),
                                           majority, together if together.bit_count() == len(majority) else 0,
                                           tuple(dict.fromkeys(c.fact for c in d.when)), counted))
        self._diagnostics = tuple(diagnostics)
        # the same data as plain tuples, for `outcome`, which the unknown-fact analysis calls thousands of times
        self._levels = tuple((n, self.level_masks[n]) for n in range(2, rules.top + 1))
        self._diagnostic_tests = {n: tuple((d.when, d.code_bit, d.majority, d.majority_mask, len(d.majority) // 2)
                                           for d in diagnostics if n in d.rule.at_levels) for n in rules.levels}
        self._memo: dict[int, int] = {}
        self._indicator_steps = tuple((need, r.level, (r.name, tuple(dict.fromkeys(c.fact for c in r.when)), (),
                                                       (r.concludes,))) for r, need in self.indicators)
        self._criteria = tuple((n, len(rules.indicators_of(n))) for n in range(2, rules.top + 1))
        self._diagnostics_at = {n: tuple(d for d in diagnostics if n in d.rule.at_levels) for n in rules.levels}
        self._ladder: dict[object, Step] = {"floor": ("level_1_floor", (), (), ("reached:1",))}
        for n in rules.levels:
            own = tuple(r.concludes for r in rules.indicators_of(n))
            self._ladder["criteria", n] = (f"criteria_level_{n}", (), own, (f"criteria:{n}",))
            self._ladder["reach", n] = (f"reach_level_{n}", (), (f"reached:{n - 1}", f"criteria:{n}")
                                        if rules.step_by_step else (f"criteria:{n}",), (f"reached:{n}",))
            self._ladder["conclude", n] = (f"conclude_level_{n}", (), (f"reached:{n}",), (f"level:{n}",))
        self._decoded: dict[int, tuple[int, frozenset[str]]] = {}  # outcome -> (level, codes): few distinct ones

    def _of(self, conditions: object) -> int:
        mask = 0
        for c in conditions:  # type: ignore[attr-defined]
            mask |= self._bit[(c.fact, *c.bounds)]
        return mask

    def mask(self, facts: Mapping[str, int]) -> int:
        """The bits of every condition `facts` satisfy (an unknown fact satisfies none)."""
        try:  # each bit is one condition on one fact, so the facts' bits never overlap: their sum is their union
            return sum(map(getitem, map(self._bits_of, facts), facts.values()))
        except KeyError:  # a fact no rule tests (or an answer off the scale, which raises below as well)
            mask = 0
            for fact, value in facts.items():
                bits = self.value_bits.get(fact)
                if bits is not None:
                    mask |= bits[value]
            return mask

    def level(self, mask: int) -> int:
        """The concluded level: the highest whose own conditions hold (and, step by step, every one below)."""
        level = 1
        for n in range(2, self.rules.top + 1):
            if mask & self.level_masks[n] == self.level_masks[n]:
                level = n
            elif self.rules.step_by_step:
                break
        return level

    def outcome(self, mask: int) -> int:
        """The level (the low bits) and the diagnostic codes (one bit each above them) the rules conclude."""
        found = self._memo.get(mask)
        if found is not None:
            return found
        result = self.compute(mask)
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[mask] = result
        return result

    def compute(self, mask: int) -> int:
        """`outcome(mask)` worked out, not remembered (for masks seldom asked twice)."""
        level = 1
        if self.rules.step_by_step:
            for n, need in self._levels:  # as `level` does, inlined
                if mask & need != need:
                    break
                level = n
        else:
            for n, need in self._levels:
                if mask & need == need:
                    level = n
        result = level
        for when, code_bit, majority, together, half in self._diagnostic_tests[level]:  # `diagnosed`, inlined
            if mask & when == when:
                if majority and ((mask & together).bit_count() if together
                                 else sum(1 for b in majority if mask & b)) <= half:
                    continue
                result |= code_bit
        return result

    def decode(self, outcome: int) -> tuple[int, frozenset[str]]:
        """(level, codes) from an outcome (remembered: a model has only a few hundred distinct outcomes)."""
        found = self._decoded.get(outcome)
        if found is None:
            found = (outcome & ((1 << self.level_bits) - 1),
                     frozenset(code for i, code in enumerate(self.codes) if outcome >> (self.level_bits + i) & 1))
            if len(self._decoded) < MEMO_LIMIT:
                self._decoded[outcome] = found
        return found

    def evaluate(self, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
        """(level, diagnostic codes) exactly as the compiled experta rules conclude them."""
        return self.decode(self.outcome(self.mask(facts)))

    def skeleton(self, mask: int) -> tuple[int, tuple[Step, ...], tuple[tuple[str, str], ...]]:
        """The firing record of every profile whose mask is `mask`, its values left out: (level, each firing as
        (rule, the facts its `because` names, given, concludes), the diagnoses as (code, rule)).

        A fact a firing names is known (its condition holds), so `run` fills in the values from the profile.
        """
        steps: list[Step] = []
        held = dict.fromkeys(self.rules.levels, 0)
        for need, level, step in self._indicator_steps:
            if mask & need == need:
                steps.append(step)
                held[level] += 1
        level, ladder = self.ladder(sum(1 << n for n, count in self._criteria if held[n] == count))
        steps += ladder
        diagnoses = []
        for rule, names in self.diagnosed(mask, level):
            steps.append((rule.name, names, (f"level:{level}",), (rule.concludes,)))
            diagnoses.append((rule.code, rule.name))
        return level, tuple(steps), tuple(diagnoses)

    def ladder(self, complete: int) -> tuple[int, tuple[Step, ...]]:
        """The level, and the ladder's firings (floor, criteria, reach, conclude), when the levels n with the bit
        1 << n in `complete` are those whose criteria all hold."""
        rules = self.rules
        steps = [self._ladder["floor"]]
        level = 1
        for n in range(2, rules.top + 1):
            if not complete >> n & 1:
                continue
            steps.append(self._ladder["criteria", n])
            if not rules.step_by_step or level == n - 1:
                steps.append(self._ladder["reach", n])
                level = n
        steps.append(self._ladder["conclude", level])
        return level, tuple(steps)

    def diagnosed(self, mask: int, level: int) -> list[tuple[DiagnosticRule, tuple[str, ...]]]:
        """Each diagnostic rule that fires on `mask` at `level`, in experta's order, with the facts its firing
        names: those of its own conditions, then those of the counted level's conditions that hold."""
        found = []
        for d in self._diagnostics_at[level]:
            if mask & d.when != d.when:
                continue
            if d.majority:
                met = (mask & d.majority_mask).bit_count() if d.majority_mask \
                    else sum(1 for b in d.majority if mask & b)
                if 2 * met <= len(d.majority):
                    continue
                found.append((d.rule, tuple(dict.fromkeys(d.names + tuple(n for n, b in d.counted if mask & b)))))
            else:
                found.append((d.rule, d.names))
        return found

    def run(self, facts: Mapping[str, int]) -> Run:
        """The full firing record the experta engine produces for `facts`, in its order."""
        level, steps, diagnoses = self.skeleton(self.mask(facts))
        firings = tuple(Firing(rule, {name: facts[name] for name in names}, given, concludes)
                        for rule, names, given, concludes in steps)
        return Run(level, firings, diagnoses)


def _union(bits: object) -> int:
    mask = 0
    for b in bits:  # type: ignore[attr-defined]
        mask |= b
    return mask


fast_engine = per_rulebase(FastEngine)  # the fast evaluator of a rule base, compiled once


def evaluate(rules: RuleBase, facts: Mapping[str, int]) -> tuple[int, frozenset[str]]:
    """(level, diagnostic codes) of `facts` on the fast evaluator."""
    return fast_engine(rules).evaluate(facts)


def trace(rules: RuleBase, facts: Mapping[str, int]) -> Run:
    """The firing record of `facts` on the fast evaluator (experta's, exactly)."""
    return fast_engine(rules).run(facts)


__all__ = ["Condition", "FastEngine", "evaluate", "fast_engine", "trace"]
