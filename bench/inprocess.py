"""In-process measurements: one assessment through experta, CLIPS and the fast path on the same profiles.

Per-assessment times are time.perf_counter() samples, one per profile and path per round after a warm-up pass;
the microsecond-scale paths are timed `inner` calls at a time (divided back), so the clock's own cost is negligible.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branda.expert.profile import Profile, load_profile
from branda.knowledge.model import Model
from make_survey import rows as survey_rows

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def profiles(model: Model, generated: int, seed: int = 1, examples: bool = True) -> list[Profile]:
    """Every bundled example (profiles of the bundled model), then `generated` survey-like profiles of `model`
    (half of them with unknown facts)."""
    found = [load_profile(model, str(p)) for p in sorted(EXAMPLES.iterdir())
             if examples and p.suffix in (".yaml", ".json", ".toml")]
    names = list(model.facts)
    for cells in survey_rows(model, generated, seed):
        found.append(Profile({n: int(c) for n, c in zip(names, cells[1:], strict=True) if c},
                             organisation=cells[0]))
    return found


TimedPath = tuple[Callable[[Any], Any], Sequence[Any], int]  # function, inputs (one per profile), calls a sample


def interleaved_samples(paths: Mapping[str, TimedPath], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each path: for every profile in turn, one sample of each path (A B C …, so a burst of
    background load hits every path alike; the order rotates from profile to profile), `rounds` times over, after
    one untimed pass. Each sample is preceded by an untimed call on the previous profile: a reused engine's run
    pays for clearing what the run before it left, so every sample is an assessment following another profile's.

    The cyclic garbage collector is off while a profile's samples are taken and runs, untimed, between profiles.
    """
    count = min(len(inputs) for _, inputs, _ in paths.values())
    for fn, inputs, _ in paths.values():
        for x in inputs:
            fn(x)
    clock = time.perf_counter
    found: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    enabled = gc.isenabled()
    try:
        for _ in range(rounds):
            for i in range(count):
                gc.collect()  # untimed, so no path pays for the garbage of another (as timeit does)
                gc.disable()
                for name in names[i % len(names):] + names[:i % len(names)]:
                    fn, inputs, inner = paths[name]
                    x = inputs[i]
                    fn(inputs[i - 1])  # untimed: every sample follows a run on another profile, as in real use
                    start = clock()
                    for _ in range(inner):
                        fn(x)
                    found[name].append((clock() - start) / inner)
                gc.enable()
    finally:
        if enabled:
            gc.enable()
    return found


@dataclass(frozen=True)
class Timing:
    """Samples of one code path, in seconds."""

    name: str
    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p90(self) -> float:
        return statistics.quantiles(self.samples, n=10)[-1]


Outcome = tuple[int, frozenset[str]]


class Disagreement(AssertionError):
    """The engines concluded different levels or diagnostic codes for a profile."""


def check_agreement(facts_list: Sequence[Mapping[str, int]], engines: Mapping[str, Callable[[Any], Outcome]]) -> int:
    """Every engine's (level, codes) for every profile must be equal; returns how many profiles were checked."""
    for i, facts in enumerate(facts_list):
        outcomes = {name: engine(facts) for name, engine in engines.items()}
        if len(set(outcomes.values())) != 1:
            shown = "\n".join(f"  {name}: level {lv}, codes {sorted(codes)}" for name, (lv, codes) in outcomes.items())
            raise Disagreement(f"profile #{i} {dict(facts)}: the engines disagree\n{shown}")
    return len(facts_list)


def check_firing_order(facts_list: Sequence[Mapping[str, int]], experta_rules: Callable[[Any], list[str]],
                       clips_rules: Callable[[Any], list[str]]) -> None:
    """The CLIPS rules fire in the same order as the experta rules (same names) on every profile."""
    for i, facts in enumerate(facts_list):
        a, b = experta_rules(facts), clips_rules(facts)
        if a != b:
            raise Disagreement(f"profile #{i} {dict(facts)}: firing order differs\n  experta: {a}\n  CLIPS:   {b}")
