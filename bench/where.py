"""Where the time goes: `python -X importtime` for a whole command, cProfile for in-process assessments."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from process import ENV

ROOT = Path(__file__).resolve().parent.parent
OURS = ("cli", "expert", "rules", "knowledge")


def _group(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "branda":  # the one import package: grouped by its folders (branda.expert.assess -> expert)
        return f"{parts[1]} (branda)" if len(parts) > 1 and parts[1] in OURS else "branda (package)"
    top = parts[0]
    if top in OURS:
        return f"{top} (branda)"
    if top in sys.stdlib_module_names or top.startswith("_") or top in ("site", "sitecustomize"):
        return "stdlib"
    return top


def _attributed(stderr: str) -> dict[str, float]:
    """Import self-times summed per group, a standard-library module counted for the package that imported it.

    `-X importtime` lists a module after the modules it imported, indented one level deeper (post-order).
    """
    nodes: list[tuple[int, str, float, list]] = []  # (depth, name, seconds, children), awaiting their parent
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        children = []
        while nodes and nodes[-1][0] > depth:
            children.insert(0, nodes.pop())
        nodes.append((depth, name.strip(), int(self_us) / 1e6, children))
    totals: dict[str, float] = defaultdict(float)

    def walk(node: tuple[int, str, float, list], inherited: str) -> None:
        _, name, seconds, children = node
        group = _group(name)
        group = inherited if group == "stdlib" and inherited else group
        totals[group] += seconds
        for child in children:
            walk(child, group if group != "stdlib" else inherited)

    for node in nodes:
        walk(node, "")
    return totals


def import_times(command: Sequence[str], runs: int = 5) -> dict[str, float]:
    """Median seconds of import time per group over `runs` runs of `command` (see `_attributed`)."""
    per_run = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", *command], cwd=ROOT, env=ENV, capture_output=True,
                              text=True, check=True)
        per_run.append(_attributed(done.stderr))
    groups = {g for run in per_run for g in run}
    medians = {g: statistics.median(run.get(g, 0.0) for run in per_run) for g in groups}
    medians["(all imports)"] = statistics.median(sum(run.values()) for run in per_run)
    return dict(sorted(medians.items(), key=lambda item: -item[1]))


def profile_calls(fn: Callable[[Any], Any], inputs: Iterable[Any]) -> tuple[float, list[tuple[str, int, float, float]]]:
    """cProfile over fn(x) for every input: the profiled total, and every function as (function, calls, tottime,
    cumtime), most own time first."""
    profiler = cProfile.Profile()
    profiler.enable()
    for x in inputs:
        fn(x)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = [(_where(filename, line, name), calls, tottime, cumtime)
            for (filename, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items()]  # type: ignore
    rows.sort(key=lambda r: -r[2])
    return stats.total_tt, rows  # type: ignore[attr-defined]


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name  # a builtin
    path = Path(filename)
    if "site-packages" in path.parts:
        return f"{'/'.join(path.parts[path.parts.index('site-packages') + 1:])}:{line}({name})"
    try:
        return f"{path.relative_to(ROOT)}:{line}({name})"
    except ValueError:
        return f"{'/'.join(path.parts[-2:])}:{line}({name})"  # the standard library: logging/__init__.py


def command_profile(command: Sequence[str]) -> list[tuple[str, int, float]]:
    """cProfile of one whole command (`python -m cProfile` around the console script): every function as
    (function, calls, cumtime), most cumulative time first; "(all imports)" is the import machinery's total."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "command.prof"
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), *command], cwd=ROOT, env=ENV, check=True,
                       stdout=subprocess.DEVNULL)
        stats = pstats.Stats(str(out), stream=io.StringIO())
    rows = []
    for (filename, line, name), (_, calls, _, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name == "_find_and_load":
            rows.append(("(all imports)", calls, cumtime))
        else:
            rows.append((_where(filename, line, name), calls, cumtime))
    rows.sort(key=lambda r: -r[2])
    return rows
