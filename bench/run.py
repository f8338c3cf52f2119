"""The benchmark of issue 6: whole commands, one assessment in-process, batches, and the CLIPS peer.

    python bench/run.py [--quick] [--reps N] [--batch-reps N] [--big-rows N] [--big-reps N] [--out bench/RESULTS.md]

Prints a table of medians and ratios, every ratio measured in the same invocation (compared commands run
interleaved), and writes it with the machine description and a profile of where the time goes to RESULTS.md.
`--quick` skips (e), the 100,000- and 1,000,000-row batches. No timing here is a test: goals are reported.

The model is loaded once (`MODEL`, the bundled one) and passed to everything that needs it; the commands run
on the bundled model too (no --model, no BRANDA_MODEL: see `process.run_timed`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the bench modules

import machine  # noqa: E402
import make_survey  # noqa: E402
import where  # noqa: E402
from branda.knowledge.model import load_model  # noqa: E402
from process import Sample, TreeSampler, interleaved, run_timed  # noqa: E402

MODEL = load_model()  # the bundled model, loaded once
ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/retailer_stuck_level2.yaml"
BRANDA = str(Path(sys.executable).parent / "branda")
PYTHON = sys.executable
FLOOR = [PYTHON, "-c", "import branda.rules.experta_compat, networkx, click"]
LEAK_RUNS = 2000


@dataclass(frozen=True)
class Row:
    """One line of the results table; `met` is None where there is no goal."""

    measurement: str
    median: str
    baseline: str = "—"
    ratio: str = "—"
    goal: str = "—"
    met: bool | None = None


def _s(samples: Sequence[Sample]) -> float:
    return statistics.median(s.elapsed for s in samples)


def _rss_mb(samples: Sequence[Sample]) -> float:
    return statistics.median(s.max_rss_kb for s in samples) / 1024


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms" if seconds < 0.01 else f"{seconds * 1e3:.1f} ms"


def _us_or_ms(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else _ms(seconds)


def say(text: str) -> None:
    print(text, flush=True)


# --- (a) and (c): whole commands ---------------------------------------------------------------------------

def commands(reps: int, rows: list[Row], notes: dict[str, Any]) -> None:
    say(f"(a)(c) whole processes, interleaved, {reps} repetitions each …")
    found = interleaved({"python": [PYTHON, "-c", "pass"], "floor": FLOOR, "assess": [BRANDA, "assess", EXAMPLE],
                         "plan": [BRANDA, "plan", EXAMPLE]}, reps)
    python, floor, assess, plan = (_s(found[k]) for k in ("python", "floor", "assess", "plan"))
    rows.append(Row(f"(a) `branda assess {EXAMPLE}`, whole process", f"{assess:.3f} s", f"{floor:.3f} s (import floor)",
                    f"{assess / floor:.2f}", "≤ 0.8", assess / floor <= 0.8))
    rows.append(Row("(c) `branda plan` (same profile), whole process", f"{plan:.3f} s", f"{assess:.3f} s (assess)",
                    f"{plan / assess:.2f}", "≤ 1.5", plan / assess <= 1.5))
    notes["processes"] = {label: (_s(found[key]), _rss_mb(found[key])) for label, key in (
        ("python -c pass", "python"), ("import floor", "floor"), ("branda assess", "assess"), ("branda plan", "plan"))}
    notes["reps"] = reps


# --- (b) and (f): one assessment in-process, experta vs CLIPS vs the fast evaluator -------------------------

def in_process(rows: list[Row], notes: dict[str, Any], generated: int = 300, extra: int = 1000,
               rounds: int = 5) -> None:
    import clips_peer
    import inprocess
    from branda.expert.assess import assess
    from branda.expert.engine import session
    from branda.rules.fast import FastEngine, fast_engine, trace

    say("(f) the clipspy Fact.__del__ leak, unpatched then patched …")
    notes["leak"] = leak(clips_peer, inprocess.profiles(MODEL, 0), LEAK_RUNS)
    notes["leak_n"] = LEAK_RUNS
    clips_peer.patch_fact_release()

    rules = MODEL.rules
    profiles = inprocess.profiles(MODEL, generated)
    facts = [dict(p.facts) for p in profiles]
    engine = session(rules)
    peer = clips_peer.ClipsSession(MODEL)
    fast = fast_engine(rules)  # the cached engine batch and the unknowns analysis use
    cold = FastEngine(rules)  # its own engine: its memo is emptied before each call, sharing nothing with `fast`

    def evaluate_cold(f: dict[str, int]) -> tuple[int, frozenset[str]]:
        cold._memo.clear()  # noqa: SLF001 - a miss each time: the outcome computed from the mask, then decoded
        return cold.evaluate(f)

    def outcome(run: Any) -> tuple[int, frozenset[str]]:
        return run.level, frozenset(code for code, _ in run.diagnoses)

    checked_facts = facts + [dict(p.facts) for p in inprocess.profiles(MODEL, extra, seed=2, examples=False)]
    say(f"(f) checking experta, CLIPS, fast trace and fast evaluate agree on {len(checked_facts)} profiles …")
    checked = inprocess.check_agreement(checked_facts, {
        "experta session(rules).run": lambda f: outcome(engine.run(f)),
        "CLIPS (clipspy)": peer.run,
        "rules.fast.trace": lambda f: outcome(trace(rules, f)),
        "FastEngine.evaluate": fast.evaluate,
        "FastEngine.evaluate (memo empty)": evaluate_cold,
        "assess(model, profile, engine='experta')": lambda f: _assessed(assess, f, "experta"),
        "assess(model, profile, engine='fast')": lambda f: _assessed(assess, f, "fast"),
    })
    recording = clips_peer.ClipsSession(MODEL, record=True)
    inprocess.check_firing_order(checked_facts, lambda f: [x.rule for x in engine.run(f).firings],
                                 recording.firing_order)
    inprocess.check_firing_order(checked_facts, lambda f: [x.rule for x in trace(rules, f).firings],
                                 recording.firing_order)
    notes["agreement"] = (checked, len(facts), extra)

    say(f"(b)(f) timing {len(facts)} profiles × {rounds} rounds, the paths interleaved profile by profile …")
    paths: dict[str, tuple[Callable[[Any], Any], Sequence[Any], int]] = {
        "experta": (engine.run, facts, 1),
        "assess": (lambda p: assess(MODEL, p), profiles, 1),
        "assess_fast": (lambda p: assess(MODEL, p, engine="fast"), profiles, 5),
        "clips": (peer.run, facts, 1),
        "trace": (lambda f: trace(rules, f), facts, 20),
        "evaluate": (fast.evaluate, facts, 200),
        "evaluate_cold": (evaluate_cold, facts, 200),
    }
    found = inprocess.interleaved_samples(paths, rounds)
    t = {name: inprocess.Timing(name, tuple(s)) for name, s in found.items()}
    e = t["experta"].median
    rows.append(Row("(b) one experta run, engine reused: `session(rules).run(facts)`", _ms(e), goal="≤ 2 ms",
                    met=e <= 2e-3))
    a = t["assess"].median
    rows.append(Row("(b) one full `assess(model, profile)` through experta", _ms(a), goal="≤ 2 ms", met=a <= 2e-3))
    f = t["assess_fast"].median
    rows.append(Row("(b) one full `assess(model, profile, engine=\"fast\")` (for reference)", _us_or_ms(f),
                    _ms(a) + " (experta assess)", f"{f / a:.3f}"))
    for key, label in (("clips", "(f) CLIPS via clipspy 1.0.6 (leak patched), engine reused"),
                       ("trace", "(f) `rules.fast.trace` (`FastEngine.run`: the same firing record)"),
                       ("evaluate", "(f) `FastEngine.evaluate` (level, codes), the outcome memoised"),
                       ("evaluate_cold", "(f) `FastEngine.evaluate`, the memo empty (mask, outcome, decode)")):
        m = t[key].median
        ratio = f"{m / e:.4f}" if m / e < 0.01 else f"{m / e:.3f}"
        rows.append(Row(label, _us_or_ms(m), _ms(e) + " (experta run)", ratio))
    rows.append(Row("(f) experta, CLIPS, fast trace, fast evaluate agree (level, codes, firing order)",
                    f"all {checked} profiles", goal="all agree", met=True))
    notes["timings"] = {k: (v.median, v.p90, len(v.samples)) for k, v in t.items()}
    notes["profiles"] = (len(profiles), generated)
    notes["rounds"] = rounds

    say("(b) where the time goes: cProfile over assess(model, profile) …")
    total, found_rows = where.profile_calls(lambda p: assess(MODEL, p), profiles)
    notes["profile_b"] = (total, found_rows, len(profiles))


def _assessed(assess: Callable[..., Any], facts: dict[str, int], engine: str) -> tuple[int, frozenset[str]]:
    from branda.expert.profile import Profile

    a = assess(MODEL, Profile(facts), engine)
    return a.level, frozenset(c for c in a.codes if c != MODEL.incomplete)


def leak(clips_peer: Any, profiles: list[Any], n: int) -> dict[str, tuple[float, float, int, int]]:
    """n assessments in one environment, the examples in turn: median ms of the first and the last 100, and CLIPS's
    `(mem-used)` after the first 100 and at the end — with clipspy's own Fact.__del__ and with the patched one, the
    conclusions read back as Python Fact objects (env.facts()); then the bench's own reader, patched."""
    facts = [dict(p.facts) for p in profiles]

    def naive(session: Any, f: dict[str, int]) -> int:
        env = session.env
        env.reset()
        env.assert_string("(org " + " ".join(f"({k} {v})" for k, v in f.items()) + ")")
        env.run()
        return [x["level"] for x in env.facts() if x.template.name == "concluded"][0]

    def measure(session: Any, run: Callable[[Any, dict[str, int]], Any]) -> tuple[float, float, int, int]:
        times, memory = [], 0
        for i in range(n):
            start = time.perf_counter()
            run(session, facts[i % len(facts)])
            times.append(time.perf_counter() - start)
            if i == 99:
                memory = int(session.env.eval("(mem-used)"))
        return (statistics.median(times[:100]) * 1e3, statistics.median(times[-100:]) * 1e3, memory,
                int(session.env.eval("(mem-used)")))

    result = {}
    clips_peer.unpatch_fact_release()
    result["clipspy 1.0.6 as released, conclusions read via env.facts()"] = measure(
        clips_peer.ClipsSession(MODEL), naive)
    clips_peer.patch_fact_release()
    result["Fact.__del__ patched, conclusions read via env.facts()"] = measure(
        clips_peer.ClipsSession(MODEL), naive)
    result["Fact.__del__ patched, the bench's reader (one deffunction call)"] = measure(
        clips_peer.ClipsSession(MODEL), lambda session, f: session.run(f))
    return result


# --- (d) and (e): batches -------------------------------------------------------------------------------------

def survey(rows: int, directory: Path) -> Path:
    path = directory / f"survey_{rows}.csv"
    if not path.exists():
        make_survey.main([str(rows), str(path), "--seed", "0"])
    return path


def batches(reps: int, big_rows: int | None, big_reps: int, rows: list[Row], notes: dict[str, Any],
            tmp: Path) -> None:
    out, out_json = tmp / "results.csv", tmp / "results.json"
    small = survey(10_000, tmp)
    say(f"(d) batch of 10,000 rows (CSV out, JSON out) vs the import floor, interleaved, {reps} repetitions …")
    found = interleaved({"floor": FLOOR, "batch": [BRANDA, "batch", str(small), "--out", str(out)],
                         "batch_json": [BRANDA, "batch", str(small), "--out", str(out_json)]}, reps)
    batch, batch_json, floor = _s(found["batch"]), _s(found["batch_json"]), _s(found["floor"])
    rows.append(Row("(d) `branda batch` 10,000 rows (--out CSV), whole process", f"{batch:.3f} s",
                    f"{floor:.3f} s (import floor)", f"{batch / floor:.2f}", "≤ 2", batch / floor <= 2))
    rows.append(Row("(d) `branda batch` 10,000 rows (--out JSON: each row's text from the fast evaluator), whole "
                    "process", f"{batch_json:.3f} s", f"{floor:.3f} s (import floor)", f"{batch_json / floor:.2f}",
                    "≤ 2", batch_json / floor <= 2))
    rows.append(Row("(d) --out JSON against --out CSV, whole process", f"{batch_json:.3f} s", f"{batch:.3f} s (CSV)",
                    f"{batch_json / batch:.2f}"))
    notes["batch_10k"] = (batch, _rss_mb(found["batch"]))
    notes["batch_10k_json"] = (batch_json, _rss_mb(found["batch_json"]))
    notes["batch_profile"] = where.command_profile([BRANDA, "batch", str(small), "--out", str(out), "--jobs", "1"])
    notes["batch_profile_json"] = where.command_profile([BRANDA, "batch", str(small), "--out", str(out_json),
                                                         "--jobs", "1"])
    say("(d) where the time goes: RowAssessor.row over the 10,000 rows in this process, timed and cProfiled …")
    notes["batch_rows"] = batch_rows(small)
    if not big_rows:
        return
    mid_rows = big_rows // 10
    say(f"(e) generating {mid_rows:,} and {big_rows:,} rows …")
    started = time.perf_counter()
    mid, big = survey(mid_rows, tmp), survey(big_rows, tmp)
    notes["generate"] = time.perf_counter() - started
    say(f"(e) batches of {mid_rows:,} and {big_rows:,} rows, interleaved: small, then (big, small, small) "
        f"× {big_reps} …")
    mids = [run_timed([BRANDA, "batch", str(mid), "--out", str(out)])]
    bigs: list[Sample] = []
    sampler = TreeSampler()
    for _ in range(big_reps):
        bigs.append(run_timed([BRANDA, "batch", str(big), "--out", str(out)], sampler))
        mids += [run_timed([BRANDA, "batch", str(mid), "--out", str(out)]) for _ in range(2)]
    say("(e) the same with --out JSON: small, then (big, small, small) × 1 …")
    mids_json = [run_timed([BRANDA, "batch", str(mid), "--out", str(out_json)])]
    bigs_json = [run_timed([BRANDA, "batch", str(big), "--out", str(out_json)], sampler)]
    mids_json += [run_timed([BRANDA, "batch", str(mid), "--out", str(out_json)]) for _ in range(2)]
    out_json.unlink(missing_ok=True)  # a 1,000,000-row JSON list is some 3 GB
    peak = max(s.max_rss_kb for s in bigs) / 1024
    rows.append(Row(f"(e) `branda batch` {big_rows:,} rows: peak RSS (%M, the highest of {big_reps} runs)",
                    f"{peak:.1f} MB", f"{_rss_mb(mids):.1f} MB ({mid_rows:,} rows)", f"{peak / _rss_mb(mids):.2f}",
                    "≤ 150 MB", peak <= 150))
    per_mid, per_big = _s(mids) / mid_rows, _s(bigs) / big_rows
    rows.append(Row(f"(e) seconds per row, {big_rows:,} rows vs {mid_rows:,} rows", f"{per_big * 1e6:.2f} µs/row",
                    f"{per_mid * 1e6:.2f} µs/row", f"{per_big / per_mid:.2f}", "≤ 1.2 (linear)",
                    per_big / per_mid <= 1.2))
    cpu_mid = statistics.median(s.cpu for s in mids) / mid_rows
    cpu_big = statistics.median(s.cpu for s in bigs) / big_rows
    rows.append(Row(f"(e) CPU seconds per row (user + system, workers included), {big_rows:,} vs {mid_rows:,} rows",
                    f"{cpu_big * 1e6:.2f} µs/row", f"{cpu_mid * 1e6:.2f} µs/row", f"{cpu_big / cpu_mid:.2f}",
                    "≤ 1.2 (linear)", cpu_big / cpu_mid <= 1.2))
    peak_json = max(s.max_rss_kb for s in bigs_json) / 1024
    rows.append(Row(f"(e) `branda batch` {big_rows:,} rows, --out JSON: peak RSS (%M)", f"{peak_json:.1f} MB",
                    f"{_rss_mb(mids_json):.1f} MB ({mid_rows:,} rows)", f"{peak_json / _rss_mb(mids_json):.2f}",
                    "≤ 150 MB", peak_json <= 150))
    cpu_mid_json = statistics.median(s.cpu for s in mids_json) / mid_rows
    cpu_big_json = statistics.median(s.cpu for s in bigs_json) / big_rows
    rows.append(Row(f"(e) --out JSON, CPU seconds per row, {big_rows:,} vs {mid_rows:,} rows",
                    f"{cpu_big_json * 1e6:.2f} µs/row", f"{cpu_mid_json * 1e6:.2f} µs/row",
                    f"{cpu_big_json / cpu_mid_json:.2f}", "≤ 1.2 (linear)", cpu_big_json / cpu_mid_json <= 1.2))
    notes["big_json"] = {"big samples": [s.elapsed for s in bigs_json], "mid samples": [s.elapsed for s in mids_json],
                         "big cpu": [s.cpu for s in bigs_json], "mid cpu": [s.cpu for s in mids_json]}
    notes["big"] = {"big": big_rows, "mid": mid_rows, "big samples": [s.elapsed for s in bigs],
                    "mid samples": [s.elapsed for s in mids], "tree pss": sampler.peak_mb,
                    "big cpu": [s.cpu for s in bigs], "mid cpu": [s.cpu for s in mids]}


def batch_rows(path: Path, passes: int = 5) -> dict[str, Any]:
    """`expert.batch.RowAssessor.row` (the CSV fast path) on every row of `path`, in this process: seconds per row
    (median of `passes` passes, the garbage collector off), its parts timed in the same row order (the fast
    evaluator, the unknown-fact analysis), and a cProfile of one more pass. The fast evaluator's outcome memo is
    emptied before every pass, so each starts as a batch process does (a second pass over the same rows would
    otherwise find most of their outcomes remembered)."""
    import csv
    import gc

    from branda.expert.batch import RowAssessor, Settings
    from branda.expert.unknowns import analysis, any_decisive_unknown
    from branda.rules.fast import fast_engine

    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        columns = tuple(next(reader)[1:])
        cells = list(reader)
    assessor = RowAssessor(Settings(MODEL, columns, "csv", "en", "fast"))
    profiles = [assessor.profile(c) for c in cells]
    facts = [dict(p.facts) for p in profiles]
    fast = fast_engine(MODEL.rules)
    for p in profiles:
        assessor.row(p)  # warm-up
    clock = time.perf_counter
    per_row: list[float] = []
    parts: dict[str, list[float]] = {"evaluate": [], "unknowns": []}
    enabled = gc.isenabled()
    try:
        for _ in range(passes):
            gc.collect()
            gc.disable()
            fast._memo.clear()  # noqa: SLF001 - as a fresh process
            start = clock()
            for p in profiles:
                assessor.row(p)
            per_row.append((clock() - start) / len(profiles))
            spent = {"evaluate": 0.0, "unknowns": 0.0}
            fast._memo.clear()  # noqa: SLF001
            for x in facts:  # the same calls row() makes, in the same order, each timed
                t0 = clock()
                fast.evaluate(x)
                t1 = clock()
                any_decisive_unknown(MODEL, x)
                spent["evaluate"] += t1 - t0
                spent["unknowns"] += clock() - t1
            for key, value in spent.items():
                parts[key].append(value / len(facts))
            gc.enable()
    finally:
        if enabled:
            gc.enable()
    fast._memo.clear()  # noqa: SLF001
    total, found = where.profile_calls(assessor.row, profiles)
    json_row: list[float] = []
    for _ in range(passes):  # the JSON chunk of every row, all caches emptied first (as a fresh process)
        fast._memo.clear()  # noqa: SLF001
        as_json = RowAssessor(Settings(MODEL, columns, "json", "en", "fast"))  # its texts made afresh
        analysis(MODEL)._results.clear()  # noqa: SLF001
        rows_ = [list(c) for c in cells]
        gc.collect()
        gc.disable()
        start = clock()
        as_json.chunk(rows_)
        json_row.append((clock() - start) / len(rows_))
        gc.enable()
    if enabled:
        gc.enable()
    return {"rows": len(profiles), "row": statistics.median(per_row), "json row": statistics.median(json_row),
            **{key: statistics.median(v) for key, v in parts.items()}, "profile": (total, found)}


# --- the report -----------------------------------------------------------------------------------------------

def table(rows: list[Row]) -> str:
    head = "| measurement | median | baseline median | ratio | goal | met? |\n|---|---|---|---|---|---|\n"
    return head + "\n".join(
        f"| {r.measurement} | {r.median} | {r.baseline} | {r.ratio} | {r.goal} | "
        f"{'—' if r.met is None else ('yes' if r.met else '**no**')} |" for r in rows)


def plain(rows: list[Row]) -> str:
    cells = [("measurement", "median", "baseline", "ratio", "goal", "met?")] + [
        (r.measurement.replace("`", ""), r.median, r.baseline, r.ratio, r.goal,
         "—" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(6)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells)


def compile_package() -> str:
    """branda's modules compiled to bytecode first, as a wheel install leaves them (pip compiles what it installs,
    and the floor's experta, networkx and click were compiled so): a checkout installed editable has none, and
    with PYTHONDONTWRITEBYTECODE set (as on this machine) every measured process would compile ~50 modules anew."""
    import compileall

    folders = [ROOT / name for name in ("expert", "knowledge", "rules")]
    ok = all(compileall.compile_dir(folder, quiet=1) for folder in folders)
    ok = all(compileall.compile_file(ROOT / name, quiet=1) for name in ("__init__.py", "cli.py")) and ok
    return "branda's modules compiled before measuring" if ok else "compiling branda's modules failed (see stderr)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip (e), the 100k and 1M-row batches")
    parser.add_argument("--big-rows", type=int, default=1_000_000,
                        help="rows of (e)'s big batch; the small one has a tenth (default 1,000,000)")
    parser.add_argument("--big-reps", type=int, default=2, help="runs of (e)'s big batch (default 2)")
    parser.add_argument("--reps", type=int, default=20, help="repetitions of each small command (default 20)")
    parser.add_argument("--batch-reps", type=int, default=10, help="repetitions of the 10k batch (default 10)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "RESULTS.md")
    args = parser.parse_args(argv)
    if not Path(BRANDA).exists():
        parser.error(f"{BRANDA} not found: run from the project's virtualenv (make bench)")
    import report

    compiled = compile_package()
    info = machine.describe()
    info["bytecode"] = compiled
    started = time.perf_counter()
    rows: list[Row] = []
    notes: dict[str, Any] = {}
    commands(args.reps, rows, notes)
    in_process(rows, notes)
    with tempfile.TemporaryDirectory(prefix="branda-bench-") as tmp:
        batches(args.batch_reps, None if args.quick else args.big_rows, args.big_reps, rows, notes, Path(tmp))
    say("where the time goes: -X importtime and cProfile of the whole assess command …")
    notes["imports_assess"] = where.import_times([BRANDA, "assess", EXAMPLE])
    notes["imports_floor"] = where.import_times(FLOOR[1:])
    notes["command_profile"] = where.command_profile([BRANDA, "assess", EXAMPLE])
    notes["command_profile_plan"] = where.command_profile([BRANDA, "plan", EXAMPLE])
    info["load at end"] = machine.load()
    took = f"{time.perf_counter() - started:.0f} s"
    info["benchmark took"] = took + (" (--quick: (e) skipped)" if args.quick else "")
    if not args.quick and args.big_rows != 1_000_000:
        info["benchmark took"] += f" (--big-rows {args.big_rows:,})"
    say("")
    say(plain(rows))
    args.out.write_text(report.markdown(info, table(rows), notes, quick=args.quick), encoding="utf-8")
    say(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
