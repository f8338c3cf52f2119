"""Assess every row of a batch CSV file: streamed in row order, on up to two cores, with a summary of the levels.

The file is read twice and never held in memory: `csvio.Scan` checks every row first, then the rows are
assessed in chunks (in this process for a small file, by a pool of worker processes for a large one) and
each chunk's results are written as they come; the summary keeps counters only.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import sys
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

from expert.assess import INCOMPLETE, assess
from expert.consensus import DISAGREE
from expert.csvio import CELLS, ORGANISATION, Scan, atomic_output, cell_value, data_rows
from expert.profile import Profile
from expert.unknowns import any_decisive_unknown
from knowledge.loader import knowledge, text
from rules.evaluate import evaluate
from rules.model import rulebase

POOL_THRESHOLD = 2_000  # rows; a smaller file is assessed in this process
CHUNK_ROWS = 500  # rows sent to a worker at a time
BLOCKERS_SHOWN = 10  # in the text summary; the JSON summary lists them all
OUT_COLUMNS = ("level", "level_name", "diagnostics")

Row = tuple[int, tuple[str, ...], tuple[str, ...]]  # level, diagnostic codes, facts blocking the next level


@dataclass(frozen=True)
class Settings:
    """What every row's assessment needs to know: the columns, the output (csv, json or None), language, engine."""

    columns: tuple[str, ...]
    kind: str | None
    lang: str
    engine: str


class RowAssessor:
    """Assesses rows of cells; built once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.rules = rulebase()
        kb = knowledge()
        self._level_names = {n: kb.level(n).name(settings.lang) for n in range(1, 6)}
        self._codes = tuple(kb.diagnostics)
        if settings.kind == "json":
            from expert.serialize import assessment_json

            self._json = assessment_json

    def profile(self, cells: list[str]) -> Profile:
        """The row as a profile: the organisation (None when empty) and the known facts."""
        columns = zip(self.settings.columns, cells[1:], strict=True)
        try:  # the common case: every cell empty or 1-5
            facts = {name: value for name, cell in columns if (value := CELLS[cell]) is not None}
        except KeyError:
            columns = zip(self.settings.columns, cells[1:], strict=True)
            facts = {name: value for name, cell in columns if (value := cell_value(cell)) is not None}
        return Profile(facts, organisation=cells[0] or None)

    def row(self, profile: Profile) -> Row:
        """What `assess(profile, engine)` concludes that the summary and CSV need: level, codes, blockers.

        The fast path skips the firing record: `evaluate` gives the level and the rules' codes (the fast-path
        tests prove it agrees with experta), and the rest is computed as `assess` computes it.
        """
        if self.settings.engine != "fast":
            a = assess(profile, self.settings.engine)
            return a.level, a.codes, tuple(dict.fromkeys(g.fact for g in a.why_not_next))
        facts = dict(profile.facts)
        level, codes = evaluate(self.rules, facts)
        if any_decisive_unknown(self.rules, facts):
            codes = codes | {INCOMPLETE}
        blockers = dict.fromkeys(fact for fact, lo, hi in self.rules.bounds_by_level[level + 1]
                                 if not lo <= facts.get(fact, 0) <= hi) if level < 5 else {}
        return level, tuple(code for code in self._codes if code in codes), tuple(blockers)

    def chunk(self, rows: list[list[str]]) -> tuple[str, list[Row]]:
        """The output text for `rows` (JSON items joined by commas, or CSV lines) and each row's summary."""
        results: list[Row] = []
        kind, lang, engine = self.settings.kind, self.settings.lang, self.settings.engine
        if kind == "json":
            items = []
            for cells in rows:
                a = assess(self.profile(cells), engine)
                items.append(json.dumps(self._json(a, lang), ensure_ascii=False))
                results.append((a.level, a.codes, tuple(dict.fromkeys(g.fact for g in a.why_not_next))))
            return ",\n".join(items), results
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for cells in rows:
            result = self.row(self.profile(cells))
            results.append(result)
            if kind == "csv":
                writer.writerow([*cells, result[0], self._level_names[result[0]], ";".join(result[1])])
        return buffer.getvalue(), results


_worker: RowAssessor | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = RowAssessor(settings)


def _work(rows: list[list[str]]) -> tuple[str, list[Row]]:
    assert _worker is not None
    return _worker.chunk(rows)


def _chunks(rows: Iterable[list[str]], size: int) -> Iterator[list[list[str]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def pool_context() -> Any:
    """fork where it is safe and fast (Linux); spawn elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _assessed(path: Path, settings: Settings, jobs: int, context: Any = None) -> Iterator[tuple[str, list[Row]]]:
    """Each chunk's results in row order; with jobs > 1 at most 2 x jobs chunks are read ahead."""
    chunks = _chunks(data_rows(path), CHUNK_ROWS)
    if jobs <= 1:
        yield from map(RowAssessor(settings).chunk, chunks)
        return
    rulebase()  # loaded once here, inherited by forked workers
    pool = ProcessPoolExecutor(jobs, mp_context=context or pool_context(), initializer=_start_worker,
                               initargs=(settings,))
    try:
        pending: deque = deque()
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk))
            if len(pending) > 2 * jobs:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # after an error or Ctrl-C, the chunks not yet started are dropped
        pool.shutdown(wait=True, cancel_futures=True)


class _Sink:
    """Writes the chunks' texts: a JSON list (`[`, items separated by commas, `]`) or CSV lines after a header."""

    def __init__(self, f: IO[str], kind: str, header: list[str]) -> None:
        self.f, self.kind, self.empty = f, kind, True
        if kind == "json":
            f.write("[")
        else:
            csv.writer(f, lineterminator="\n").writerow(header)

    def write(self, text: str) -> None:
        if text and self.kind == "json":
            self.f.write("\n" if self.empty else ",\n")
        self.f.write(text)
        self.empty = self.empty and not text

    def close(self) -> None:
        if self.kind == "json":
            self.f.write("]\n" if self.empty else "\n]\n")


@dataclass(frozen=True)
class Summary:
    """Counts over a batch: organisations per level, per diagnostic, and per fact blocking the next level."""

    source: str
    organisations: int
    levels: dict[int, int]
    diagnostics: dict[str, int]
    blockers: tuple[tuple[str, int], ...]  # most common first
    out: str | None = None


def default_jobs(rows: int) -> int:
    """Two cores (or one, if this process may use only one) from POOL_THRESHOLD rows; below it, this process."""
    if rows < POOL_THRESHOLD:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(2, cores)


def run_batch(scan: Scan, out: Path | None = None, kind: str | None = None, lang: str = "en",
              engine: str = "fast", jobs: int | None = None, on_progress: Callable[[int], None] | None = None,
              context: Any = None) -> Summary:
    """Assess every row of a file `scan` found valid; write the results to `out` (atomically) and count them."""
    settings = Settings(scan.columns, kind if out else None, lang, engine)
    levels: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    blockers: Counter[str] = Counter()
    count = 0
    with atomic_output(out) if out else nullcontext() as f:
        sink = _Sink(f, kind or "", [ORGANISATION, *scan.columns, *OUT_COLUMNS]) if f else None
        for text, rows in _assessed(scan.path, settings, jobs or default_jobs(scan.rows), context):
            if sink:
                sink.write(text)
            for level, row_codes, row_blockers in rows:
                levels[level] += 1
                codes.update(row_codes)
                blockers.update(row_blockers)
            count += len(rows)
            if on_progress:
                on_progress(len(rows))
        if sink:
            sink.close()
    kb = knowledge()
    order = {name: i for i, name in enumerate(kb.facts)}
    return Summary(scan.source, count, {n: levels[n] for n in range(1, 6)},
                   {code: codes[code] for code in kb.diagnostics if code != DISAGREE},  # one respondent a row
                   tuple(sorted(blockers.items(), key=lambda item: (-item[1], order[item[0]]))),
                   None if out is None else str(out))


def summary_json(s: Summary, lang: str = "en") -> dict[str, Any]:
    """The summary for scripts: every level and diagnostic with its count, and every blocking fact, commonest first."""
    kb = knowledge()
    return {
        "file": s.source,
        "organisations": s.organisations,
        "levels": [{"level": n, "level_name": kb.level(n).name(lang), "organisations": c} for n, c in s.levels.items()],
        "diagnostics": [{"code": code, "title": kb.diagnostics[code].title(lang), "organisations": c}
                        for code, c in s.diagnostics.items()],
        "blockers": [{"fact": fact, "organisations": c} for fact, c in s.blockers],
        "out": s.out,
    }


def summary_text(s: Summary, lang: str = "en") -> str:
    """The summary for people: counts per level and diagnostic, and the BLOCKERS_SHOWN commonest blockers."""
    kb = knowledge()

    def t(key: str, **values: object) -> str:
        return text(key, lang, **values)

    lines = [t("batch_assessed", count=s.organisations, file=s.source), "", t("batch_by_level")]
    lines += ["  " + t("batch_level", level=n, name=kb.level(n).name(lang), count=c) for n, c in s.levels.items()]
    lines += ["", t("batch_diagnostics")]
    lines += ["  " + t("batch_diagnostic", title=kb.diagnostics[code].title(lang), code=code, count=c)
              for code, c in s.diagnostics.items()]
    lines += ["", t("batch_blockers")]
    lines += ["  " + t("batch_blocker", fact=fact, count=c) for fact, c in s.blockers[:BLOCKERS_SHOWN]]
    if not s.blockers:
        lines.append("  " + t("batch_no_blockers"))
    if s.out:
        lines += ["", t("batch_written", path=s.out)]
    return "\n".join(lines)
