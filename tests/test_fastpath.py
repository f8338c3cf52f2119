"""The plain-Python fast path and the experta engine of record agree, firing for firing."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES, MODEL, ROOT

from branda.expert.engine import session
from branda.expert.profile import load_profile
from branda.knowledge.model import BUNDLED, load_model
from branda.rules.fast import evaluate, trace

FACTS = list(MODEL.facts)
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
        base = dict(load_profile(MODEL, path).facts)
        result.append(base)
        for name in FACTS:
            for value in (None, 1, 2, 3, 4, 5):
                changed = {k: v for k, v in base.items() if k != name}
                if value is not None:
                    changed[name] = value
                result.append(changed)
    return result


def _assert_same(facts: dict[str, int]) -> None:
    recorded = session(MODEL.rules).run(facts)
    fast = trace(MODEL.rules, facts)
    assert fast == recorded, facts
    assert evaluate(MODEL.rules, facts) == (recorded.level, frozenset(code for code, _ in recorded.diagnoses))


@pytest.mark.parametrize("chunk", range(10))
def test_fast_path_agrees_with_experta_on_generated_profiles(chunk):
    for facts in _profiles(GENERATED // 10, seed=chunk):
        _assert_same(facts)


def test_fast_path_agrees_with_experta_next_to_every_example():
    neighbours = _neighbours()
    assert len(neighbours) > 100  # the examples are there
    for facts in neighbours:
        _assert_same(facts)


# --- every model the tests load: the bundled one, the tiny one, and variants made from the bundled one ------

def _model_dirs() -> list[Path]:
    """The bundled model, every model under tests/models, and a variant without the step-by-step ladder."""
    return [BUNDLED, *sorted(p.parent for p in (ROOT / "tests" / "models").glob("*/model.yaml"))]


def _not_step_by_step(tmp: Path) -> Path:
    """The bundled model with `ladder.step_by_step: false` (a level counts on its own criteria alone)."""
    folder = tmp / "loose"
    shutil.copytree(BUNDLED, folder)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("step_by_step: true", "step_by_step: false"),
                     encoding="utf-8")
    return folder


def _random_profiles(model, count: int, seed: int) -> list[dict[str, int]]:
    rnd = random.Random(seed)
    choices = [None, *model.scale, *model.scale]
    facts = list(model.facts)
    return [{n: v for n in facts if (v := rnd.choice(choices)) is not None} for _ in range(count)]


@pytest.mark.parametrize("folder", _model_dirs(), ids=lambda p: p.name)
def test_fast_path_agrees_with_experta_on_every_model_the_tests_load(folder):
    model = load_model(folder)
    for facts in _random_profiles(model, 1500, seed=7):
        recorded = session(model.rules).run(facts)
        assert trace(model.rules, facts) == recorded, facts
        assert evaluate(model.rules, facts) == (recorded.level, frozenset(c for c, _ in recorded.diagnoses))


def test_fast_path_agrees_with_experta_when_levels_do_not_build_on_each_other(tmp_path):
    model = load_model(_not_step_by_step(tmp_path))
    assert not model.rules.step_by_step
    seen = set()
    for facts in _random_profiles(model, 1500, seed=11):
        recorded = session(model.rules).run(facts)
        assert trace(model.rules, facts) == recorded, facts
        seen.add(recorded.level)
    assert len(seen) >= 3  # the generated profiles reach several levels
