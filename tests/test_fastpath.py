"""The plain-Python fast path and the experta engine of record agree, firing for firing, on every model the tests load.

The models: the bundled one, every folder under tests/models with a model.yaml, and the variants a consultant
makes from the bundled one (tests/model_variants.py). Each gets profiles generated from its own facts, scale and
rules; the bundled one also every profile one fact away from an example.
"""

from __future__ import annotations

import itertools
import random
import zlib
from pathlib import Path

import pytest
from branda.expert.engine import session
from branda.expert.profile import load_profile
from branda.knowledge.model import BUNDLED, MODEL_FILES, Model, load_model
from branda.expert.unknowns import EXHAUSTIVE_UP_TO, any_decisive_unknown, decisive_unknowns
from branda.rules.fast import evaluate, fast_engine, trace
from conftest import EXAMPLE_FILES, MODEL, ROOT
from model_variants import VARIANTS, variant_models  # noqa: F401 - variant_models is a fixture

PER_MODEL = 400  # generated profiles per model
MODELS_DIR = ROOT / "tests" / "models"

Facts = dict[str, int]


def discovered_models() -> list[Path]:
    """Every model folder under tests/models (one with a model.yaml)."""
    return sorted(p.parent for p in MODELS_DIR.glob("*/model.yaml"))


MODEL_CASES = [pytest.param(("folder", BUNDLED), id="bundled"),
               *[pytest.param(("folder", p), id=f"tests/models/{p.name}") for p in discovered_models()],
               *[pytest.param(("variant", name), id=f"variant: {name}") for name in VARIANTS]]


@pytest.fixture(params=MODEL_CASES)
def model(request, variant_models) -> Model:  # noqa: F811 - the fixture imported above
    kind, where = request.param
    return load_model(variant_models[where] if kind == "variant" else where)


def generated(model: Model, count: int, seed: int) -> list[Facts]:
    """`count` profiles of `model`: each aims at a level (its conditions just met), then some facts are redrawn.

    A redrawn fact is unknown, or a value next to one of the rules' thresholds for it, or any value on the
    scale; how many facts are redrawn and how many are known varies, so every level, its boundaries and the
    diagnostics (which test facts above and below the concluded level) all turn up.
    """
    rnd = random.Random(seed)
    rules, scale = model.rules, list(model.rules.scale)
    tested = [c for r in rules.indicators for c in r.when] + [c for d in rules.diagnostics for c in d.when]
    near: dict[str, list[int]] = {}
    for c in tested:
        near.setdefault(c.fact, [])
        near[c.fact] += [v for v in (c.threshold - 1, c.threshold, c.threshold + 1) if v in scale]
    result = []
    for _ in range(count):
        aim: Facts = {}
        for n in range(2, rnd.choice(list(rules.levels)) + 1):
            for _, c in rules.conditions_of(n):
                aim[c.fact] = c.nearest(aim.get(c.fact))
        redrawn, known = rnd.random() * 0.6, rnd.random()
        facts: Facts = {}
        for name in model.facts:
            if name in aim and rnd.random() >= redrawn:
                facts[name] = aim[name]
            elif rnd.random() < known:
                facts[name] = rnd.choice(near.get(name) or scale) if rnd.random() < 0.7 else rnd.choice(scale)
        result.append(facts)
    return result


def neighbours(model: Model, base: Facts) -> list[Facts]:
    """`base`, and every profile one fact away from it (each fact unknown or each value on the scale)."""
    result = [base]
    for name in model.facts:
        for value in (None, *model.rules.scale):
            changed = {k: v for k, v in base.items() if k != name}
            if value is not None:
                changed[name] = value
            result.append(changed)
    return result


def own_examples(model: Model) -> list[Path]:
    """The example profiles that come with a model folder (any file besides the model's own)."""
    return sorted(p for p in model.directory.iterdir() if p.suffix in {".yaml", ".yml", ".json", ".toml"}
                  and p.name not in MODEL_FILES and not p.name.startswith("texts"))


def assert_same(model: Model, facts: Facts) -> tuple[int, frozenset[str]]:
    """experta's whole Run and the fast evaluator's are equal, and so are the level and codes; returns them."""
    recorded = session(model.rules).run(facts)
    assert trace(model.rules, facts) == recorded, facts
    outcome = (recorded.level, frozenset(code for code, _ in recorded.diagnoses))
    assert evaluate(model.rules, facts) == outcome, facts
    return outcome


def test_fast_path_agrees_with_experta_on_every_model_the_tests_load(model: Model) -> None:
    seed = zlib.crc32(str(model.directory.name).encode())
    profiles = generated(model, PER_MODEL, seed)
    for example in own_examples(model):
        profiles += neighbours(model, dict(load_profile(model, example).facts))
    levels, codes = set(), set()
    for facts in profiles:
        level, raised = assert_same(model, facts)
        levels.add(level)
        codes |= raised
    assert levels == set(model.rules.levels)  # the generated profiles reach every level of the model
    assert codes == {d.code for d in model.rules.diagnostics}  # and raise every diagnostic a rule can


def test_every_model_folder_under_tests_models_is_in_the_differential_test() -> None:
    ids = {p.id for p in MODEL_CASES}
    assert {f"tests/models/{p.name}" for p in MODELS_DIR.iterdir() if (p / "model.yaml").is_file()} <= ids
    assert "bundled" in ids and {f"variant: {name}" for name in VARIANTS} <= ids


def test_fast_path_agrees_with_experta_next_to_every_example() -> None:
    profiles = [p for path in EXAMPLE_FILES for p in neighbours(MODEL, dict(load_profile(MODEL, path).facts))]
    assert len(profiles) > 100  # the examples are there
    for facts in profiles:
        assert_same(MODEL, facts)


def test_the_variants_are_what_their_names_say(variant_models) -> None:  # noqa: F811 - the fixture imported above
    loaded = {name: load_model(folder) for name, folder in variant_models.items()}
    assert not loaded["not step by step"].rules.step_by_step and MODEL.rules.step_by_step
    assert (loaded["wider scale"].low, loaded["wider scale"].high) == (MODEL.low - 1, MODEL.high + 1)
    assert loaded["sixth level"].top == MODEL.top + 1
    assert len(loaded["added fact"].facts) == len(MODEL.facts) + 1
    assert loaded["language de"].languages == (*MODEL.languages, "de")
    assert "cx_owner" in loaded["renamed fact"].facts and "cx_ownership" not in loaded["renamed fact"].facts
    assert loaded["changed threshold"].rules != MODEL.rules


def _plain_decisive(model: Model, facts: Facts) -> dict[str, tuple[int, ...]]:
    """The decisive-unknowns analysis as first written (expert/unknowns.py before it went completion by completion):
    for each unknown fact a rule tests, each context (every way to answer the others, with at most
    EXHAUSTIVE_UP_TO unknowns; else the representative completions), each of its answer groups, two outcomes."""
    rules, m = model.rules, fast_engine(model.rules)
    unknown = [name for name in model.facts if name not in facts]
    known = m.mask(facts)

    def groups(name: str) -> list[tuple[int, tuple[int, ...]]]:
        return [(m.value_bits[name][a[0]], a) for a in rules.answer_classes.get(name, ())]

    def reachable() -> int:
        top = 1
        for n in range(2, rules.top + 1):
            if any(c.fact in facts and not c.holds(facts[c.fact]) for _, c in rules.conditions_of(n)):
                break
            top = n
        return top

    def representative() -> set[int]:
        best = worst = known
        for name in unknown:
            if name in m.value_bits:
                most, least = m.value_bits[name][model.high], m.value_bits[name][model.low]
                high, low = (most, least) if model.facts[name].positive else (least, most)
                best, worst = best | high, worst | low
        found = {known, best, worst}
        for n in range(3, rules.top + 1):
            found.add(known | m.mask({c.fact: c.threshold for _, c in rules.conditions_of(n) if c.fact not in facts}))
        for level in sorted({d.majority_of_level for d in rules.diagnostics if d.majority_of_level}):
            assigned: dict[str, int] = {}
            for _, c in rules.conditions_of(level):
                if c.fact not in facts:
                    assigned[c.fact] = c.threshold
                    found.add(known | m.mask(assigned))
        reaching = dict(facts)
        for n in range(2, reachable() + 1):
            for _, c in rules.conditions_of(n):
                if c.fact not in facts:
                    reaching[c.fact] = c.nearest(reaching.get(c.fact))
            found.add(m.mask(reaching))
        return found

    shared = None if len(unknown) <= EXHAUSTIVE_UP_TO else representative()
    result = {}
    for name in (n for n in unknown if n in rules.answer_classes):
        if shared is None:
            options = [[0, *(b for b, _ in groups(o) if b)] for o in unknown if o != name]
            contexts = {known | sum(combo) for combo in itertools.product(*options)}
        else:
            contexts = {c & ~m.fact_bits[name] for c in shared}
        found = {v for c in contexts for bits, answers in groups(name)
                 if bits and m.outcome(c | bits) != m.outcome(c) for v in answers}
        if found:
            result[name] = tuple(sorted(found))
    return result


def test_the_decisive_unknowns_are_those_of_the_plain_analysis(model: Model) -> None:
    """The analysis assess and batch use finds, on every model the tests load, exactly what the plain one finds."""
    seed = zlib.crc32(str(model.directory.name).encode()) + 1
    profiles = generated(model, PER_MODEL, seed)
    for example in own_examples(model):
        profiles += neighbours(model, dict(load_profile(model, example).facts))
    some = 0
    for facts in profiles:
        expected = _plain_decisive(model, facts)
        assert decisive_unknowns(model, facts) == expected, facts
        assert any_decisive_unknown(model, facts) == bool(expected), facts
        some += bool(expected)
    assert 0 < some < len(profiles)
