"""Which unknown facts could change the concluded level or a diagnostic, and with which answers.

An unknown fact is decisive when some answer to it changes the level or the set of diagnostics for some
way of answering the other unknown facts. With at most EXHAUSTIVE_UP_TO unknown facts every way is tried
(answers the rules cannot tell apart are tried once); with more, the representative completions of
`_Analysis.contexts` are. Profiles and outcomes are bit masks (rules.fast), and what depends only on the model
(each fact's answer groups and their bits, the bits each kind of completion sets, what each level's outcome
depends on) is worked out once per model (`_Analysis`), so a profile costs a few dozen integer operations per
completion, however many facts are unknown. Before the search, the answers that cannot change the outcome of
any completion are set aside (`_Analysis.relevant`); the search stops once every other answer is settled.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping

from branda.knowledge.model import Model
from branda.rules.fast import fast_engine

EXHAUSTIVE_UP_TO = 4  # unknown facts
RESULTS_KEPT = 4_096  # decisive_unknowns results remembered (the dict starts afresh when full)

Bits = tuple[tuple[str, int], ...]  # (fact, the bits an answer to it sets), in the rules' order
Group = tuple[int, tuple[int, ...]]  # the bits an answer sets, and the answers that set them
_Rule = tuple[int, int, tuple[int, ...]]  # a diagnostic rule as FastEngine tests it: when, together, majority


def _holds(mask: int, rule: _Rule) -> bool:
    """Whether a diagnostic rule's conditions hold on `mask` (its level aside), as FastEngine.outcome tests them."""
    when, together, majority = rule
    if mask & when != when:
        return False
    if not majority:
        return True
    met = (mask & together).bit_count() if together else sum(1 for b in majority if mask & b)
    return 2 * met > len(majority)


def _union(bits: Iterable[int]) -> int:
    mask = 0
    for b in bits:
        mask |= b
    return mask


class _Analysis:
    """The model's data the analysis needs, as bits; `decisive` answers for one profile."""

    def __init__(self, model: Model) -> None:
        rules = self.rules = model.rules
        m = self.engine = fast_engine(rules)
        self.facts = tuple(model.facts)
        self.fact_bits = m.fact_bits
        value_bits = m.value_bits
        self.owner = {1 << i: name for name, bits in m.fact_bits.items() for i in range(bits.bit_length())
                      if bits >> i & 1}  # each bit is one condition, on one fact
        self.groups: dict[str, tuple[Group, ...]] = {  # the answers the rules tell apart from unknown
            name: tuple((value_bits[name][a[0]], a) for a in classes if value_bits[name][a[0]])
            for name, classes in rules.answer_classes.items()}
        self.options = {name: (*(bits for bits, _ in groups), 0) for name, groups in self.groups.items()}
        # each answer group as one bit of its own, for the search's bookkeeping: per fact, (its bit, the bits
        # its answers set, its answers); the bits of a fact's groups; the fact of each; and the answers (in
        # order) of each set of a fact's groups
        self.gsets: dict[str, tuple[tuple[int, int, tuple[int, ...]], ...]] = {}
        self.gmask_of: dict[str, int] = {}
        self.gname: dict[int, str] = {}
        self.answers_of: dict[str, dict[int, tuple[int, ...]]] = {}
        for name, groups in self.groups.items():
            entries = []
            for bits, answers in groups:
                gbit = 1 << len(self.gname)
                self.gname[gbit] = name
                entries.append((gbit, bits, answers))
            self.gsets[name] = tuple(entries)
            self.gmask_of[name] = _union(g for g, _, _ in entries)
            self.answers_of[name] = {
                _union(g for g, _, _ in chosen): tuple(sorted(v for _, _, answers in chosen for v in answers))
                for k in range(1, len(entries) + 1) for chosen in itertools.combinations(entries, k)}
        self.several = {name for name, groups in self.groups.items() if len(groups) > 1}
        self.best: dict[str, int] = {}
        self.worst: dict[str, int] = {}
        for name, bits in value_bits.items():
            most, least = bits[model.high], bits[model.low]
            self.best[name], self.worst[name] = (most, least) if model.facts[name].positive else (least, most)
        self.best_bits = self.worst_bits = 0
        for name in value_bits:
            self.best_bits |= self.best[name]
            self.worst_bits |= self.worst[name]
        self.levels = tuple((n, m.level_masks[n]) for n in range(2, rules.top + 1))
        self.thresholds: tuple[Bits, ...] = tuple(  # levels 3..top: each open condition at its threshold
            tuple({c.fact: value_bits[c.fact][c.threshold] for _, c in rules.conditions_of(n)}.items())
            for n in range(3, rules.top + 1))
        self.majorities: tuple[Bits, ...] = tuple(  # each level a majority test counts: its conditions in order
            tuple((c.fact, value_bits[c.fact][c.threshold]) for _, c in rules.conditions_of(level))
            for level in sorted({d.majority_of_level for d in rules.diagnostics if d.majority_of_level}))
        reaching: dict[str, int] = {}
        self.reaching: list[Bits] = []  # levels 2..top: the answers that reach it, each fact's nearest
        for n in range(2, rules.top + 1):
            for _, c in rules.conditions_of(n):
                reaching[c.fact] = c.nearest(reaching.get(c.fact))
            self.reaching.append(tuple((name, value_bits[name][v]) for name, v in reaching.items()))
        self.reaching_bits = [_union(bits for _, bits in table) for table in self.reaching]
        self.threshold_bits = [_union(bits for _, bits in table) for table in self.thresholds]
        # For an outcome at level l: `rises`, the higher levels one answer could complete (the next one, step by
        # step); `lower`, the bits it cannot lose and stay at l; `codes`, each code that can be raised at l with
        # its outcome bit, the bits its rules test, and its rules.
        self.low = (1 << m.level_bits) - 1
        self._holding: dict[int, tuple[int, int]] = {}  # see _held
        self._unraised: dict[int, tuple[tuple[object, ...], ...]] = {}  # see _added
        self._results: dict[tuple[int, tuple[str, ...]], dict[str, tuple[int, ...]]] = {}  # see `decisive_unknowns`
        self.rises: dict[int, tuple[int, ...]] = {}
        self.lower: dict[int, int] = {}
        self.codes: dict[int, tuple[tuple[int, int, tuple[_Rule, ...]], ...]] = {}
        self.open_rules: dict[int, tuple[tuple[int, tuple[tuple[_Rule, int, int, int], ...]], ...]] = {}
        for level in rules.levels:
            higher = [m.level_masks[n] for n in range(level + 1, rules.top + 1)]
            self.rises[level] = tuple(higher[:1] if rules.step_by_step else higher)
            self.lower[level] = 0
            for n in range(2 if rules.step_by_step else level, level + 1):
                self.lower[level] |= m.level_masks[n]
            by_code: dict[str, list[_Rule]] = {}
            bit_of: dict[str, int] = {}
            for d in m._diagnostics:  # noqa: SLF001 - the engine's own compiled form of the diagnostics
                if level in d.rule.at_levels:
                    by_code.setdefault(d.rule.code, []).append((d.when, d.majority_mask, d.majority))
                    bit_of[d.rule.code] = d.code_bit
            codes = []
            for code, rules_ in by_code.items():
                touched = 0
                for when, _, majority in rules_:
                    touched |= when
                    for b in majority:
                        touched |= b
                codes.append((bit_of[code], touched, tuple(rules_)))
            self.codes[level] = tuple(codes)
            self.open_rules[level] = tuple((code_bit, tuple(
                (rule, _union(rule[2]), len(rule[2]) // 2 + 1,
                 max((bits & rule[1]).bit_count() for groups in self.groups.values() for bits, _ in groups)
                 if rule[1] else 0) for rule in rules_)) for code_bit, _, rules_ in codes)
        # see `relevant`: each code's rules at each level, with the bits they test and the count a majority needs
        self.tested: dict[int, tuple[tuple[tuple[int, int, tuple[int, ...], int, int], ...], ...]] = {
            level: tuple(tuple((when, together, majority, when | _union(majority), len(majority) // 2 + 1)
                               for when, together, majority in rules_) for _, _, rules_ in self.codes[level])
            for level in rules.levels}

    def reachable_level(self, known: int, unknown_bits: int) -> int:
        """The highest level the known facts allow if every unknown fact were answered favourably: no condition
        of it or below on a known fact fails (a condition's bit is clear though its fact is known)."""
        top = 1
        for n, need in self.levels:
            if need & ~known & ~unknown_bits:
                break
            top = n
        return top

    def highest_possible(self, known: int, unknown_bits: int) -> int:
        """The highest level some completion can reach when levels are not climbed step by step: the highest
        whose conditions on known facts all hold."""
        top = 1
        for n, need in self.levels:
            if not need & ~known & ~unknown_bits:
                top = n
        return top

    def relevant(self, known: int, unknown_bits: int, low: int, high: int) -> int:
        """The bits some answer must touch to change the outcome of some completion of the profile.

        Every completion sets the known bits and some of `unknown_bits`, and the level only grows with bits,
        so its level lies between the known facts' own level (`low`) and the highest it can reach (`high`:
        `reachable_level`, or `highest_possible` when levels are not climbed step by step). An answer
        that changes a completion's outcome either completes a higher level (a bit of that level's conditions)
        or changes a code at the completion's level (a bit one of that level's rules tests, of a rule that can
        hold with these known facts: its bits are all possible, and its majority reachable; and not of a code
        one of whose rules holds on the known facts alone, which every completion at that level raises).
        """
        possible = known | unknown_bits
        found = 0
        for n, need in self.levels:
            if low < n <= high:
                found |= need
        for level in range(low, high + 1):
            for code in self.tested[level]:
                touched = 0
                for when, together, majority, bits, needed in code:
                    if when & ~possible:
                        continue  # a condition of it fails on a known fact
                    if majority:
                        if ((possible & together).bit_count() if together
                                else sum(1 for b in majority if possible & b)) < needed:
                            continue  # too few of its counted conditions can hold
                        held = (known & together).bit_count() if together else sum(1 for b in majority if known & b)
                    else:
                        held = needed = 0
                    if when & ~known == 0 and held >= needed:
                        break  # it holds on the known facts alone: at this level the code is always raised
                    touched |= bits
                else:
                    found |= touched
        return found

    def contexts(self, facts: Mapping[str, int], unknown: list[str], known: int) -> list[int]:
        """Completions of the profile (as masks) to test each unknown fact against, without repeats.

        For each level the known facts still allow, highest first, just the answers that reach it (the rest
        left unknown); for each level a majority test counts, highest first, the answers that meet 1, 2, ...
        of its open conditions; for each level 3-5, highest first, just the answers that meet that level's
        own conditions; all at their most mature; all at their least mature; the other unknowns left unknown.
        The order changes only how soon the search stops, so those likeliest to show a fact decisive come
        first (on the bench's survey this order takes 17% fewer instructions than the one before it).
        """
        unknown_bits = _union(self.fact_bits.get(name, 0) for name in unknown)
        return list(self._contexts(facts, known, unknown_bits, self.reachable_level(known, unknown_bits)))

    def _contexts(self, facts: Mapping[str, int], known: int, unknown_bits: int, high: int) -> Iterator[int]:
        """`contexts`, made as the search asks for them (it often stops after the first few)."""
        seen = set()
        # a table's bits for the unknown facts alone: each fact's bits are its own, so one AND picks them
        for bits in self.reaching_bits[:high - 1][::-1]:
            mask = known | (bits & unknown_bits)
            if mask not in seen:
                seen.add(mask)
                yield mask
        for table in self.majorities[::-1]:
            assigned: dict[str, int] = {}
            mask = known
            for name, bits in table:
                if name not in facts:
                    if name in assigned:  # the fact counted twice: its later threshold replaces the earlier
                        assigned[name] = bits
                        mask = known
                        for b in assigned.values():
                            mask |= b
                    else:
                        assigned[name] = bits
                        mask |= bits
                    if mask not in seen:
                        seen.add(mask)
                        yield mask
        for mask in (*(known | (bits & unknown_bits) for bits in self.threshold_bits[::-1]),
                     known | (self.best_bits & unknown_bits), known | (self.worst_bits & unknown_bits), known):
            if mask not in seen:
                seen.add(mask)
                yield mask

    def completions(self, unknown: list[str], known: int) -> Iterable[int]:
        """Every way to answer `unknown` (unknown included), one answer per group the rules cannot tell apart;
        answered before unknown (the search stops sooner)."""
        options = [self.options.get(o, (0,)) for o in unknown]
        return (known | sum(combo) for combo in itertools.product(*options))

    def decisive(self, facts: Mapping[str, int], first_only: bool, known: int | None = None
                 ) -> dict[str, tuple[int, ...]]:
        """Each decisive unknown fact of `facts` with its answers that change the outcome (with `first_only`,
        one decisive fact at most: whether there is one).

        The contexts of a fact are the completions with it left unknown; its answer is decisive when adding it
        to one of them changes the outcome. Taken completion by completion, this finds the same pairs: for a
        fact the completion answers, its context is the completion without that answer (the answer it had is
        tested by taking it away, `lower` and the raised codes saying when that can matter; another answer by
        computing both outcomes); for a fact it leaves unknown, the completion itself is the context, and
        `_added` finds the answers that change its outcome from what the outcome depends on. With
        EXHAUSTIVE_UP_TO unknowns or fewer, the completions are every way to answer all of them, so taking
        each answer away yields every pair of a way to answer the others and an answer.
        """
        unknown = [name for name in self.facts if name not in facts]
        if not unknown:
            return {}
        gsets, gmask_of, fact_bits, owner = self.gsets, self.gmask_of, self.fact_bits, self.owner
        m = self.engine
        compute = m.compute  # not remembered: a completion is seldom asked twice
        low, held_of = self.low, self._holding
        known = m.mask(facts) if known is None else known
        unknown_bits = 0
        for name in unknown:
            unknown_bits |= fact_bits.get(name, 0)
        high = self.reachable_level(known, unknown_bits)
        relevant = self.relevant(known, unknown_bits, compute(known) & low,
                                 high if self.rules.step_by_step else self.highest_possible(known, unknown_bits))
        exhaustive = len(unknown) <= EXHAUSTIVE_UP_TO
        # the answer groups still to test, one bit each (see `gsets`), and the bits of their facts' conditions
        pending = open_bits = several_bits = 0
        for name in unknown:
            for gbit, bits, _ in gsets.get(name, ()):
                if bits & relevant:
                    pending |= gbit
                    open_bits |= fact_bits[name]
                    if not exhaustive and name in self.several:
                        several_bits |= fact_bits[name]
        if not pending:  # no answer to an unknown fact touches what the outcome could depend on
            return {}
        found = 0
        contexts = self.completions(unknown, known) if exhaustive else self._contexts(facts, known, unknown_bits, high)

        def done(gbits: int) -> None:
            """The answer groups `gbits` (pending ones) are decisive: a fact with none left is no longer open."""
            nonlocal pending, found, open_bits, several_bits
            found |= gbits
            pending &= ~gbits
            while gbits:
                name = self.gname[gbits & -gbits]
                gbits &= ~gmask_of[name]
                if not pending & gmask_of[name]:
                    open_bits &= ~fact_bits[name]
                    several_bits &= ~fact_bits[name]

        for context in contexts:
            answered = context & open_bits
            if exhaustive and not answered:
                continue  # it answers no pending fact: it tests nothing new
            result = compute(context)  # an outcome is never 0: its level is at least 1
            level = result & low
            held = held_of.get(result) or self._held(result)
            lower, raised = held  # the bits that hold the level; the bits the raised codes test
            holding = None  # the raised codes' rules that hold on the context, with their slack (see `_lasting`)
            # the facts this completion answers whose answer may matter, or which have other answers to try
            x = answered & (lower | raised | several_bits)
            while x:
                name = owner[x & -x]
                own = fact_bits[name]
                x &= ~own
                answer = context & own
                groups = gsets[name]
                if answer & lower:  # without it the level is lower: its answer is decisive
                    for gbit, bits, _ in groups:
                        if bits == answer:
                            if pending & gbit:
                                done(gbit)
                            break
                    if exhaustive or not pending & gmask_of[name]:
                        continue  # (another completion gives it each other answer)
                without = context & ~own
                # without the answer: the same outcome unless the answer holds the level or a raised code
                before = result if not answer & (lower | raised) else 0
                for gbit, bits, _ in groups:
                    if not pending & gbit:
                        continue
                    if bits == answer:  # without it: a lower level (it held one), or fewer codes
                        if answer & lower:
                            changed = True
                        elif before:
                            changed = before != result
                        else:  # it touches a raised code: whether the code still holds without it
                            if holding is None:
                                holding = self._holding_rules(context, result)
                            changed = not self._lasting(holding, answer)
                    elif exhaustive:
                        continue  # another completion gives it this answer
                    else:
                        before = before or compute(without)
                        changed = compute(without | bits) != before
                    if changed:
                        done(gbit)
            if not exhaustive:
                candidates = open_bits & ~answered
                if candidates:
                    added = self._added(context, level, result, candidates) & pending
                    if added:
                        done(added)
            if found and first_only:
                break
            if not pending:
                break
        answers_of = self.answers_of
        return {name: answers_of[name][fm] for name in unknown if (fm := found & gmask_of.get(name, 0))}

    def remembered(self, facts: Mapping[str, int], known: int, names: tuple[str, ...] | None = None
                   ) -> dict[str, tuple[int, ...]]:
        """`decisive(facts)` (`known` is the mask of `facts`, `names` the tuple of its keys if made already),
        remembered per (mask, the facts known) for the last RESULTS_KEPT profiles: the answer depends on nothing
        else, and a batch's rows repeat. The dict returned is the one kept: not to be changed."""
        key = (known, tuple(facts) if names is None else names)
        found = self._results.get(key)
        if found is None:
            if len(self._results) >= RESULTS_KEPT:
                self._results.clear()
            found = self._results[key] = self.decisive(facts, first_only=False, known=known)
        return found

    def _held(self, result: int) -> tuple[int, int]:
        """For an outcome: the bits that hold its level, and the bits its raised codes' rules test (remembered:
        a model has a few hundred outcomes at most)."""
        level, raised = result & self.low, 0
        for code_bit, touched, _ in self.codes[level]:
            if result & code_bit:
                raised |= touched
        self._holding[result] = found = (self.lower[level], raised)
        return found

    def _holding_rules(self, context: int, result: int) -> tuple[tuple[int, tuple[tuple[int, int, tuple[int, ...],
                                                                                  int], ...]], ...]:
        """For each code `result` raises: the bits its rules test, and each of its rules that holds on `context`
        with its slack (how many of its counted bits it can lose and still hold; -1 without a majority test)."""
        found = []
        for code_bit, touched, rules in self.codes[result & self.low]:
            if result & code_bit:
                held = []
                for when, together, majority in rules:
                    if context & when != when:
                        continue
                    if not majority:
                        held.append((when, 0, (), -1))
                        continue
                    met = (context & together).bit_count() if together else sum(1 for b in majority if context & b)
                    if 2 * met > len(majority):
                        held.append((when, together, majority, met - len(majority) // 2 - 1))
                found.append((touched, tuple(held)))
        return tuple(found)

    @staticmethod
    def _lasting(holding: tuple[tuple[int, tuple[tuple[int, int, tuple[int, ...], int], ...]], ...],
                 answer: int) -> bool:
        """Whether every raised code still holds when the bits `answer` are taken away (`_holding_rules`): the
        level stays (the answer holds none of it), so the outcome changes exactly when a code loses every rule."""
        for touched, rules in holding:
            if not touched & answer:
                continue
            for when, together, majority, slack in rules:
                if when & answer:
                    continue
                if slack < 0 or ((answer & together).bit_count() if together
                                 else sum(1 for b in majority if answer & b)) <= slack:
                    break  # this rule still holds
            else:
                return False
        return True

    def _added(self, context: int, level: int, result: int, candidates: int) -> int:
        """The answer groups (as `gsets` bits) of facts `context` leaves unknown (with a bit in `candidates`)
        that change its outcome.

        The outcome only grows with bits while the level stays (a rule needs bits, never their absence), so an
        answer changes it when it completes a higher level, or raises a code not raised yet: every bit the
        level or rule still misses is then the answer's, and (a majority test) the answer adds enough of the
        counted bits. Only the owners of those bits are tried.
        """
        fact_bits, owner, gsets = self.fact_bits, self.owner, self.gsets
        found = 0
        for need in self.rises[level]:
            miss = need & ~context
            name = owner.get(miss & -miss)
            if name is not None and miss & candidates == miss and not miss & ~fact_bits[name] \
                    and not context & fact_bits[name]:
                for gbit, bits, _ in gsets[name]:
                    if not miss & ~bits:
                        found |= gbit
        unraised = self._unraised.get(result)
        if unraised is None:  # the rules of the codes the outcome does not raise, as one list (per outcome)
            unraised = self._unraised[result] = tuple(
                (rule, *rule, counted, needed, gain) for code_bit, rules in self.open_rules[level]
                if not result & code_bit for rule, counted, needed, gain in rules)
        if unraised:
            for rule, when, together, majority, counted, needed, gain in unraised:
                miss = when & ~context
                deficit = 0
                if together:
                    deficit = needed - (context & together).bit_count()
                    if deficit > gain:
                        continue  # no one answer adds enough of the counted bits
                if miss:
                    name = owner.get(miss & -miss)
                    if name is None or miss & candidates != miss or miss & ~fact_bits[name] \
                            or context & fact_bits[name]:
                        continue
                    names = [name]
                elif majority:  # the majority falls short: the owners of the counted bits not set yet
                    names, x = [], counted & candidates
                    while x:
                        name = owner[x & -x]
                        x &= ~fact_bits[name]
                        if not context & fact_bits[name]:
                            names.append(name)
                else:
                    continue  # it holds already (its code would be raised)
                for name in names:
                    for gbit, bits, _ in gsets[name]:
                        if miss & ~bits:
                            continue
                        if (bits & together).bit_count() >= deficit if together or not majority \
                                else _holds(context | bits, rule):
                            found |= gbit
        return found


_analyses: dict[int, tuple[Model, _Analysis]] = {}


def analysis(model: Model) -> _Analysis:
    """The model's `_Analysis`, made once per model (and again if its rule base is another one)."""
    found = _analyses.get(id(model))
    if found is None or found[0] is not model or found[1].rules is not model.rules:
        found = _analyses[id(model)] = (model, _Analysis(model))
    return found[1]


def decisive_unknowns(model: Model, facts: Mapping[str, int]) -> dict[str, tuple[int, ...]]:
    """Each unknown fact whose answer could change the level or the diagnostics, with the answers that would.

    Remembered (`_Analysis.remembered`).
    """
    search = analysis(model)
    return dict(search.remembered(facts, search.engine.mask(facts)))


def any_decisive_unknown(model: Model, facts: Mapping[str, int]) -> bool:
    """Whether some unknown fact could change the level or a diagnostic (incomplete_profile): stops at the first."""
    return bool(analysis(model).decisive(facts, first_only=True))
