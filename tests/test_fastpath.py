"""The plain-Python fast path and the experta engine of record agree, firing for firing."""

from __future__ import annotations

import random

import pytest
from conftest import EXAMPLES

from expert.engine import session
from expert.profile import load_profile
from knowledge.loader import knowledge
from rules.evaluate import evaluate, trace
from rules.model import rulebase

FACTS = list(knowledge().facts)
GENERATED = 10_000


def _profiles(count: int, seed: int) -> list[dict[str, int]]:
    """`count` profiles, each fact unknown or 1..5, biased towards the thresholds 3 and 4."""
    rnd = random.Random(seed)
    choices = [None, 1, 2, 3, 3, 4, 4, 5, 5]
    result = []
    for _ in range(count):
        known = rnd.random()  # some profiles nearly complete, some sparse
        result.append({n: v for n in FACTS if rnd.random() < known and (v := rnd.choice(choices)) is not None})
    return result


def _neighbours() -> list[dict[str, int]]:
    """Every example, and every profile one fact away from one (each fact set to each value or unknown)."""
    result = []
    for path in sorted(EXAMPLES.glob("*.*")):
        base = dict(load_profile(path).facts)
        result.append(base)
        for name in FACTS:
            for value in (None, 1, 2, 3, 4, 5):
                changed = {k: v for k, v in base.items() if k != name}
                if value is not None:
                    changed[name] = value
                result.append(changed)
    return result


def _assert_same(facts: dict[str, int]) -> None:
    recorded = session().run(facts)
    fast = trace(rulebase(), facts)
    assert fast == recorded, facts
    assert evaluate(rulebase(), facts) == (recorded.level, frozenset(code for code, _ in recorded.diagnoses))


@pytest.mark.parametrize("chunk", range(10))
def test_fast_path_agrees_with_experta_on_generated_profiles(chunk):
    for facts in _profiles(GENERATED // 10, seed=chunk):
        _assert_same(facts)


def test_fast_path_agrees_with_experta_next_to_every_example():
    neighbours = _neighbours()
    assert len(neighbours) > 100  # the examples are there
    for facts in neighbours:
        _assert_same(facts)
