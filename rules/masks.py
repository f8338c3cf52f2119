"""The rule data as bit masks: each distinct condition one bit, a profile one int, an outcome one int.

The fast form for questions asked thousands of times (which unknown facts matter): a profile's mask has
the bit of every condition it satisfies, so the level and the diagnostic codes are a function of the mask,
computed once per mask and remembered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rules.model import Condition, RuleBase

MEMO_LIMIT = 16_384  # outcomes remembered before the memo starts afresh (bounds a worker's memory)


@dataclass(frozen=True)
class _Diagnostic:
    code_bit: int
    levels: frozenset[int]
    when: int
    majority: tuple[int, ...]  # one bit per condition of the counted level (empty: no majority test)

    @property
    def majority_mask(self) -> int:
        """The counted level's bits, when each condition has its own bit (so counting is a popcount)."""
        mask = 0
        for b in self.majority:
            mask |= b
        return mask if mask.bit_count() == len(self.majority) else 0


class Masks:
    """The compiled masks of one rule base."""

    def __init__(self, rules: RuleBase) -> None:
        conditions: list[Condition] = [c for r in rules.indicators for c in r.when]
        conditions += [c for d in rules.diagnostics for c in d.when]
        bit: dict[tuple[str, int, int], int] = {}
        for c in conditions:
            bit.setdefault((c.fact, *c.bounds), 1 << len(bit))
        self._bit = bit
        self.value_bits: dict[str, tuple[int, ...]] = {}  # fact -> bits of answers 0 (unknown), 1..5
        for (fact, lo, hi), b in bit.items():
            bits = list(self.value_bits.get(fact, (0,) * 6))
            for v in range(lo, hi + 1):
                bits[v] |= b
            self.value_bits[fact] = tuple(bits)
        self.fact_bits = {fact: bits[1] | bits[2] | bits[3] | bits[4] | bits[5]
                          for fact, bits in self.value_bits.items()}
        cumulative = [0, 0]
        for n in range(2, 6):
            cumulative.append(cumulative[-1] | self._of(c for _, c in rules.conditions_of(n)))
        self.cumulative = tuple(cumulative)
        self.codes = tuple(dict.fromkeys(d.code for d in rules.diagnostics))
        self._diagnostics = tuple(
            _Diagnostic(1 << (3 + self.codes.index(d.code)), d.at_levels, self._of(d.when),
                        tuple(self._bit[(c.fact, *c.bounds)] for _, c in rules.conditions_of(d.majority_of_level))
                        if d.majority_of_level else ())
            for d in rules.diagnostics)
        self._diagnostic_masks = tuple((d, d.majority_mask) for d in self._diagnostics)
        self._memo: dict[int, int] = {}

    def _of(self, conditions: object) -> int:
        mask = 0
        for c in conditions:  # type: ignore[attr-defined]
            mask |= self._bit[(c.fact, *c.bounds)]
        return mask

    def mask(self, facts: Mapping[str, int]) -> int:
        """The bits of every condition `facts` satisfy (an unknown fact satisfies none)."""
        mask = 0
        for fact, value in facts.items():
            bits = self.value_bits.get(fact)
            if bits is not None:
                mask |= bits[value]
        return mask

    def outcome(self, mask: int) -> int:
        """The level (low 3 bits) and the diagnostic codes (one bit each above) the rules conclude."""
        found = self._memo.get(mask)
        if found is not None:
            return found
        level = 1
        cumulative = self.cumulative
        for n in range(2, 6):
            if mask & cumulative[n] != cumulative[n]:
                break
            level = n
        result = level
        for d, majority_mask in self._diagnostic_masks:
            if level in d.levels and mask & d.when == d.when:
                if d.majority:
                    met = ((mask & majority_mask).bit_count() if majority_mask
                           else sum(1 for b in d.majority if mask & b))
                    if 2 * met <= len(d.majority):
                        continue
                result |= d.code_bit
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[mask] = result
        return result

    def decode(self, outcome: int) -> tuple[int, frozenset[str]]:
        """(level, codes) from an outcome."""
        return outcome & 7, frozenset(code for i, code in enumerate(self.codes) if outcome >> (3 + i) & 1)


_CACHE: dict[int, tuple[RuleBase, Masks]] = {}


def masks_of(rules: RuleBase) -> Masks:
    """The masks of `rules`, built once per rule base."""
    cached = _CACHE.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    built = Masks(rules)
    _CACHE[id(rules)] = (rules, built)
    return built
