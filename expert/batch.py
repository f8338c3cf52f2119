"""Assess every row of a batch CSV file: read once, streamed in row order, on up to two cores, with a summary.

The input is read exactly once and never held in memory (`csvio.BatchInput`): each row is checked as it is
read, assessed in chunks (in this process, or by worker processes from POOL_THRESHOLD rows) and written to
the temporary output; the summary keeps counters only. A bad row stops the assessing, the scan goes on to
name every bad row, and nothing is written.

However the run ends, nothing is left behind: SIGTERM, SIGHUP and Ctrl-C become exceptions here (`Interrupted`,
KeyboardInterrupt), so the workers are killed and the temporary output removed before the process exits;
the workers are forked from the main thread and ask the kernel to kill them when it dies, even by SIGKILL.
"""

from __future__ import annotations

import gc
import io
import json
import multiprocessing
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing.connection import wait
from pathlib import Path
from typing import IO, Any

from branda.expert import words
from branda.expert.assess import assess
from branda.expert.atomic import atomic_output
from branda.expert.csvio import (
    FORMULA_LEAD,
    ORGANISATION,
    BatchInput,
    CsvLines,
    Group,
    cell_value,
    cells_of,
    neutralised,
)
from branda.expert.errors import InputError
from branda.expert.profile import Profile
from branda.expert.survey import SurveyMap, answer_values
from branda.expert.unknowns import any_decisive_unknown
from branda.knowledge.model import Model
from branda.rules.fast import fast_engine

POOL_THRESHOLD = 2_000  # rows; a smaller file is assessed in this process
CHUNK_ROWS = 500  # rows sent to a worker at a time
BLOCKERS_SHOWN = 10  # in the text summary; the JSON summary lists them all
OUT_COLUMNS = ("level", "level_name", "diagnostics")
RESPONDENTS = "respondents"  # the CSV column of a survey's results: the respondents' names, joined by "; "
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name))
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_WRITE_BACK = getattr(os, "POSIX_FADV_DONTNEED", None) if hasattr(os, "posix_fadvise") else None

Row = tuple[int, tuple[str, ...], tuple[str, ...]]  # level, diagnostic codes, facts blocking the next level


@dataclass(frozen=True)
class Tally:
    """What the summary counts of a chunk's rows: how many, and per level, diagnostic and blocking fact."""

    rows: int
    levels: Counter[int]
    codes: Counter[str]
    blockers: Counter[str]

    @classmethod
    def of(cls, results: list[Row]) -> Tally:
        return cls(len(results), Counter(r[0] for r in results), Counter(chain.from_iterable(r[1] for r in results)),
                   Counter(chain.from_iterable(r[2] for r in results)))


class Interrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a batch: the run was cleaned up; exit with `status` (128 + the signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"stopped by signal {signum}")
        self.signum, self.status = signum, 128 + signum


class Refused(Exception):
    """The batch has bad input and nothing was written: `problems` (empty when on_problem was given each), `count`."""

    def __init__(self, problems: list[InputError], count: int) -> None:
        super().__init__(f"{count} problem{'s' * (count != 1)}: {problems[0]}" if problems else f"{count} problems")
        self.problems, self.count = problems, count


@dataclass(frozen=True)
class Settings:
    """What every row's assessment needs to know: the columns, the output (csv, json or None), language, engine,
    and whether the items are rows (one organisation a row) or `Group`s (an organisation's respondents)."""

    model: Model
    columns: tuple[str, ...]
    kind: str | None
    lang: str
    engine: str
    grouped: bool = False


class RowAssessor:
    """Assesses rows of cells; built once per process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        kb = self.model = settings.model
        self.rules = kb.rules
        self._fast = fast_engine(kb.rules)
        self._cell = cells_of(kb).__getitem__
        self._answers = answer_values(kb)
        self._level_names = {n: kb.level(n).name(settings.lang) for n in kb.rules.levels}
        self._codes = tuple(kb.diagnostics)
        if settings.kind == "json":
            from branda.expert.serialize import AssessmentText, assessment_json

            self._json = assessment_json
            self._text = AssessmentText(kb, settings.lang) if settings.engine == "fast" else None

    def profile(self, cells: list[str]) -> Profile:
        """The row as a profile: the organisation (None when empty) and the known facts."""
        return Profile(self.facts(cells), organisation=cells[0] or None)

    def facts(self, cells: list[str]) -> dict[str, int]:
        """The row's known facts."""
        try:  # the common case: every cell empty or 1-5
            return {name: value for name, value in zip(self.settings.columns, map(self._cell, cells[1:]), strict=True)
                    if value is not None}
        except KeyError:
            columns = zip(self.settings.columns, cells[1:], strict=True)
            return {name: value for name, cell in columns if (value := cell_value(self._answers, cell)) is not None}

    def consensus(self, group: Group) -> Any:
        """The group's respondents combined as `assess A B C` combines files (expert.consensus)."""
        from branda.expert.consensus import consensus

        named = _respondent_field()
        profiles = [Profile({name: v for name, v in zip(self.settings.columns, values, strict=True) if v is not None},
                            organisation=group.organisation, source=respondent,
                            **({"respondent": respondent} if named else {}))
                    for respondent, values in zip(group.respondents, group.answers, strict=True)]
        return consensus(self.model, profiles)

    def row(self, profile: Profile) -> Row:
        """What `assess(profile, engine)` concludes that the summary and CSV need: level, codes, blockers.

        The fast path skips the firing record: `evaluate` gives the level and the rules' codes (the fast-path
        tests prove it agrees with experta), and the rest is computed as `assess` computes it.
        """
        if self.settings.engine != "fast":
            a = assess(self.model, profile, self.settings.engine)
            return a.level, a.codes, tuple(dict.fromkeys(g.fact for g in a.why_not_next))
        facts = dict(profile.facts)
        level, codes = self._fast.evaluate(facts)
        if self.model.incomplete and any_decisive_unknown(self.model, facts):
            codes = codes | {self.model.incomplete}
        blockers = dict.fromkeys(fact for fact, lo, hi in self.rules.bounds_by_level[level + 1]
                                 if not lo <= facts.get(fact, -1) <= hi) if level < self.rules.top else {}
        ordered = tuple(code for code in self._codes if code in codes)
        if profile.panel is not None and profile.panel.disputed and self.model.disagree:
            ordered += (self.model.disagree,)  # several respondents 2 or more apart, last, as assess adds it
        return level, ordered, tuple(blockers)

    def chunk(self, rows: list[Any]) -> tuple[str, Tally]:
        """The output text for `rows` (JSON items joined by commas, or CSV lines) and what the summary counts."""
        text, results = self.assessed(rows)
        return text, Tally.of(results)

    def assessed(self, rows: list[Any]) -> tuple[str, list[Row]]:
        """The output text for `rows` (JSON items joined by commas, or CSV lines) and each row's summary.

        In CSV the organisation gets a `'` in front when a spreadsheet would run it as a formula; the fact
        cells are checked values (1-5, ?, null, blank, with spaces) and cannot be one. JSON keeps it verbatim.
        """
        if self.settings.grouped:
            return self._groups(rows)
        results: list[Row] = []
        kind = self.settings.kind
        if kind == "json" and self._text is not None:  # the fast path: each row's text written from its masks
            text = self._text.text
            items = []
            facts_of = self.facts
            for cells in rows:
                item, result = text(facts_of(cells), cells[0] or None)
                items.append(item)
                results.append(result)
            return ",\n".join(items), results
        if kind == "json":
            return self._json_items(self.profile(cells) for cells in rows)
        buffer = io.StringIO()
        lines = CsvLines(buffer)
        names = self._level_names
        for cells in rows:
            result = self.row(self.profile(cells))
            results.append(result)
            if kind == "csv":
                if cells[0][:1] in FORMULA_LEAD:
                    cells[0] = "'" + cells[0]
                lines.write(cells, result[0], names[result[0]], ";".join(result[1]))
        return buffer.getvalue(), results

    def _json_items(self, profiles: Iterable[Profile]) -> tuple[str, list[Row]]:
        """Each profile's full assess object (through the engine chosen) as JSON text, and its counts."""
        items, results = [], []
        for profile in profiles:
            a = assess(self.model, profile, self.settings.engine)
            items.append(json.dumps(self._json(a, self.settings.lang), ensure_ascii=False))
            results.append((a.level, a.codes, tuple(dict.fromkeys(g.fact for g in a.why_not_next))))
        return ",\n".join(items), results

    def _groups(self, groups: list[Group]) -> tuple[str, list[Row]]:
        """`chunk` for organisations of respondents: each combined, then assessed as `assess A B C` assesses.

        A CSV line is the organisation, the respondents' names, each fact's combined answer and the result.
        """
        results: list[Row] = []
        kind = self.settings.kind
        if kind == "json" and self._text is not None:
            items = []
            for group in groups:
                profile = self.consensus(group).profile
                item, result = self._text.text(dict(profile.facts), profile.organisation, profile.panel)
                items.append(item)
                results.append(result)
            return ",\n".join(items), results
        if kind == "json":  # the consensus profile carries its respondents: assess reports their disagreement
            return self._json_items(self.consensus(group).profile for group in groups)
        buffer = io.StringIO()
        lines = CsvLines(buffer)
        names = self._level_names
        for group in groups:
            combined = self.consensus(group)
            result = self.row(combined.profile)
            results.append(result)
            if kind == "csv":
                facts = combined.profile.facts
                texts = [neutralised(group.organisation or ""), neutralised("; ".join(group.respondents)),
                         *(str(facts.get(name, "")) for name in self.settings.columns)]
                lines.write(texts, result[0], names[result[0]], ";".join(result[1]))
        return buffer.getvalue(), results


def _respondent_field() -> bool:
    """Whether profiles carry a `respondent` name of their own (then the consensus names respondents by it)."""
    from dataclasses import fields

    return any(f.name == "respondent" for f in fields(Profile))


# --- worker processes ----------------------------------------------------------------------------------------

def pool_context() -> Any:
    """fork where it is safe and fast (Linux); spawn elsewhere."""
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when the thread that forked it ends, then close the race with it."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_main(conn: Any, settings: Settings, parent: int, inherited: list[Any]) -> None:
    """A worker: assess each chunk received on `conn` and send back (True, result) or (False, exception)."""
    _die_with_parent(parent)
    for other in inherited:  # the parent's ends of the pipes, forked along: closed, so EOF means the parent is gone
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    for signum in STOP_SIGNALS:
        if signum != signal.SIGINT:
            signal.signal(signum, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    assessor = RowAssessor(settings)
    while True:
        try:
            rows = conn.recv()
        except (EOFError, OSError):
            return
        if rows is None:
            return
        data = b""
        try:
            text, tally = assessor.chunk(rows)
            data = text.encode("utf-8")  # the parent writes these bytes as they are
            reply: tuple[bool, Any] = (True, (len(data), tally))
        except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
            reply = (False, exc)
        try:
            try:
                conn.send(reply)
            except Exception:  # noqa: BLE001 - pragma: no cover - an exception that cannot be pickled
                conn.send((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
            if reply[0]:
                _write_all(conn.fileno(), data)
        except OSError:
            return


def _write_all(fd: int, data: bytes) -> None:
    """All of `data` to `fd`, unframed: the reply before it gave its length."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


@contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGTERM, SIGHUP and SIGINT held back while workers are forked (they unblock them once ready)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Workers:
    """`jobs` worker processes forked from the calling (main) thread, each given one chunk at a time.

    With one chunk outstanding per worker neither side can block the other on a full pipe. A worker that is
    done gets the next chunk at once (it was read while the workers worked); results that come early wait,
    at most one per worker, for the earlier ones.
    """

    def __init__(self, jobs: int, settings: Settings, context: Any = None) -> None:
        context = context or pool_context()
        forked = context.get_start_method() == "fork"
        self.processes: list[Any] = []
        self.conns: list[Any] = []
        self._buffers = [bytearray() for _ in range(jobs)]  # each worker's last result, read into place
        if forked:  # what the workers inherit stays out of their collector's sight: its pages are not copied
            gc.freeze()
        try:
            with _signals_blocked():
                for _ in range(jobs):
                    here, there = context.Pipe()
                    self.conns.append(here)
                    process = context.Process(target=_worker_main, daemon=True,
                                              args=(there, settings, os.getpid(), list(self.conns) if forked else []))
                    process.start()
                    self.processes.append(process)
                    there.close()
        except BaseException:
            self.close(ok=False)
            raise
        finally:
            if forked:
                gc.unfreeze()

    def results(self, chunks: Iterator[list[list[str]]]) -> Iterator[tuple[bytes | memoryview, Tally]]:
        """Each chunk's result, in chunk order; a worker that is done gets the next chunk at once.

        A result's text is read into its worker's own buffer (no new 3 MB object a chunk for the allocator to
        fault in); what is yielded is valid until the generator is resumed, and a result that must wait for an
        earlier one is copied out of the buffer first.
        """
        outstanding: dict[int, int] = {}  # worker -> the number of the chunk it works on
        finished: dict[int, tuple[bytes | memoryview, Tally]] = {}  # results that came before an earlier chunk's
        sent = shown = 0
        following = next(chunks, None)

        def give(i: int) -> None:
            nonlocal following, sent
            if following is not None:
                self.conns[i].send(following)
                outstanding[i], sent = sent, sent + 1
                following = next(chunks, None)  # read and checked while the workers work

        for i in range(len(self.conns)):
            give(i)
        by_conn = {conn: i for i, conn in enumerate(self.conns)}
        while outstanding:
            for conn in wait([self.conns[i] for i in outstanding]):
                i = by_conn[conn]
                finished[outstanding.pop(i)] = self._receive(i)
                give(i)
            while shown in finished:
                yield finished.pop(shown)
                shown += 1
            for n, (text, tally) in finished.items():  # waiting: its worker's buffer is filled again meanwhile
                if isinstance(text, memoryview):
                    finished[n] = (bytes(text), tally)

    def _receive(self, i: int) -> tuple[memoryview, Tally]:
        conn = self.conns[i]
        try:
            ok, value = conn.recv()
        except (EOFError, OSError):
            raise self._ended(i) from None
        if not ok:
            raise value
        size, tally = value
        try:
            if len(self._buffers[i]) < size:
                self._buffers[i] = bytearray(size + size // 4)
            view = memoryview(self._buffers[i])[:size]
            got = 0
            while got < size:
                n = os.readv(conn.fileno(), [view[got:]])
                if not n:
                    raise EOFError
                got += n
        except (EOFError, OSError):
            raise self._ended(i) from None
        return view, tally

    def _ended(self, i: int) -> RuntimeError:
        process = self.processes[i]
        process.join(1)
        return RuntimeError(f"worker process {process.pid} ended unexpectedly (exit status {process.exitcode})")

    def close(self, ok: bool) -> None:
        """After the last result, let the workers end; after an error or a signal, kill them at once."""
        for conn in self.conns:
            if ok:
                try:
                    conn.send(None)
                except OSError:
                    pass
            conn.close()
        for process in self.processes:
            if not ok:
                process.kill()
        for process in self.processes:
            process.join(5 if ok else 1)
            if process.is_alive():  # pragma: no cover - a worker that would not end
                process.kill()


def _chunks(rows: Iterable[list[str]], size: int) -> Iterator[list[list[str]]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def default_jobs(rows: int) -> int:
    """Two cores (or one, if this process may use only one) from POOL_THRESHOLD rows; below it, this process."""
    return 1 if rows < POOL_THRESHOLD else min(2, available_cpus())


def _assessed(rows: Iterator[list[str]], settings: Settings, jobs: int | None,
              context: Any = None) -> Iterator[tuple[str | bytes | memoryview, Tally]]:
    """Each chunk's results in row order; without `jobs`, a pool only once POOL_THRESHOLD rows have been read."""
    if jobs is None:
        head = list(islice(rows, POOL_THRESHOLD))
        jobs = default_jobs(len(head))
        rows = chain(head, rows)
    jobs = min(jobs, available_cpus())
    chunks = _chunks(rows, CHUNK_ROWS)
    if jobs > 1:  # workers only for two chunks or more
        head = list(islice(chunks, 2))
        jobs = jobs if len(head) == 2 else 1
        chunks = chain(head, chunks)
    if jobs <= 1:
        yield from map(RowAssessor(settings).chunk, chunks)
        return
    workers = Workers(jobs, settings, context)
    ok = False
    try:
        yield from workers.results(chunks)
        ok = True
    finally:  # after an error, a signal or Ctrl-C the workers are killed, not waited for
        workers.close(ok)


# --- signals --------------------------------------------------------------------------------------------------

@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block SIGTERM and SIGHUP raise Interrupted and SIGINT KeyboardInterrupt, once; later ones wait.

    Only in the main thread, and only for signals not ignored (`nohup` keeps SIGHUP ignored). The first
    signal's exception unwinds the block (killing workers, removing the temporary file); a second one
    during that clean-up is ignored so that the clean-up finishes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def raise_for(signum: int, frame: object) -> None:
        if fired:
            return
        fired.append(signum)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Interrupted(signum)

    previous = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, raise_for)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --- the run --------------------------------------------------------------------------------------------------

class _Sink:
    """Writes the chunks' texts: a JSON list (`[`, items separated by commas, `]`) or CSV lines after a header."""

    def __init__(self, f: IO[str], kind: str, header: list[str]) -> None:
        self.f, self.kind, self.empty = f, kind, True
        if kind == "json":
            f.write("[")
        else:
            CsvLines(f).write(header)

    def write(self, text: str | bytes | memoryview) -> None:
        """Write a chunk's text (bytes, UTF-8, from a worker: straight to the file under the text layer)."""
        if text and self.kind == "json":
            self.f.write("\n" if self.empty else ",\n")
        if isinstance(text, (bytes, memoryview)):
            self.f.flush()
            self.f.buffer.write(text)  # type: ignore[attr-defined]
        else:
            self.f.write(text)
        self.empty = self.empty and not text
        if _WRITE_BACK is not None:  # the kernel starts writing it to disk now: the closing fsync has little left
            self.f.flush()
            try:
                os.posix_fadvise(self.f.fileno(), 0, 0, _WRITE_BACK)
            except OSError:  # a file system that takes no advice
                pass

    def close(self) -> None:
        if self.kind == "json":
            self.f.write("]\n" if self.empty else "\n]\n")


class _Problems:
    """The bad rows found: handed to `report` as found (or kept, without one), and counted."""

    def __init__(self, report: Callable[[InputError], None] | None) -> None:
        self.report, self.kept, self.count = report, [], 0

    def add(self, problem: InputError) -> None:
        self.count += 1
        if self.report:
            self.report(problem)
        else:
            self.kept.append(problem)

    def valid(self, items: Iterator[list[str] | InputError]) -> Iterator[list[str]]:
        """The rows of `items` up to the first problem; the rest is read to the end for its problems."""
        for item in items:
            if isinstance(item, InputError):
                self.add(item)
            elif not self.count:
                yield item


@dataclass(frozen=True)
class Summary:
    """Counts over a batch: organisations per level, per diagnostic, and per fact blocking the next level."""

    model: Model
    source: str
    organisations: int
    levels: dict[int, int]
    diagnostics: dict[str, int]
    blockers: tuple[tuple[str, int], ...]  # most common first
    out: str | None = None
    respondents: int | None = None  # a survey layout's rows (one respondent a row); None: one organisation a row
    ignored: tuple[str, ...] = ()  # the headers of the columns that map to nothing


def run_batch(model: Model, source: str | Path, out: Path | None = None, kind: str | None = None, lang: str = "en",
              engine: str = "fast", jobs: int | None = None, on_progress: Callable[[int, int], None] | None = None,
              on_problem: Callable[[InputError], None] | None = None, context: Any = None, *,
              survey_map: SurveyMap | None = None, by: str | None = None,
              on_ignored: Callable[[tuple[str, ...]], None] | None = None) -> Summary:
    """Read `source` once, assessing each valid row (or organisation of respondents) and writing the results to
    `out` (atomically); count them.

    A bad row is handed to `on_problem` as found and the run ends with `Refused` (nothing written, an existing
    `out` untouched). `on_progress(rows, bytes)` follows each chunk: rows assessed, bytes of the input read
    (0 when it is not a regular file). `jobs` is capped at the CPUs this process may use. `on_ignored(headers)`
    is called once, when the header is read, with the columns that map to nothing (if any). `survey_map` and
    `by` are `--map` and `--by` (expert/survey.py).
    """
    batch = BatchInput(Path(source), model, survey_map=survey_map, by=by)
    problems = _Problems(on_problem)
    levels: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    blockers: Counter[str] = Counter()
    count = 0
    with stop_signals_raise():
        items = batch.read()
        first = next(items, None)  # the header, checked, and the first row
        if on_ignored and batch.layout is not None and batch.layout.ignored:
            on_ignored(batch.layout.ignored)
        rows = problems.valid(chain([first] if first is not None else [], items))
        if problems.count:
            for _ in rows:  # a bad header or first row: the rest is read for its problems only
                pass
            raise Refused(problems.kept, problems.count)
        grouped = batch.grouped
        settings = Settings(model, batch.columns, kind if out else None, lang, engine, grouped)
        header = [ORGANISATION, *([RESPONDENTS] if grouped else []), *batch.columns, *OUT_COLUMNS]
        with atomic_output(out) if out else nullcontext() as f, \
                closing(_assessed(rows, settings, jobs, context)) as assessed:
            sink = _Sink(f, kind or "", header) if f else None
            for text_, tally in assessed:
                if problems.count:
                    continue  # the chunks already under way; nothing more is written
                if sink:
                    sink.write(text_)
                levels.update(tally.levels)
                codes.update(tally.codes)
                blockers.update(tally.blockers)
                count += tally.rows
                if on_progress:
                    on_progress(count, batch.position())
            if problems.count:
                raise Refused(problems.kept, problems.count)
            if sink:
                sink.close()
    kb = model
    order = {name: i for i, name in enumerate(kb.facts)}
    return Summary(kb, batch.source, count, {n: levels[n] for n in kb.rules.levels},
                   {code: codes[code] for code in kb.diagnostics if grouped or code != kb.disagree},
                   tuple(sorted(blockers.items(), key=lambda item: (-item[1], order[item[0]]))),
                   None if out is None else str(out), batch.rows if grouped else None,
                   batch.layout.ignored if batch.layout else ())


def summary_json(s: Summary, lang: str = "en") -> dict[str, Any]:
    """The summary for scripts: every level with its count and share of the organisations (the peer distribution,
    4 decimals), every diagnostic with its count, and every blocking fact, commonest first."""
    kb = s.model
    return {
        "file": s.source,
        "organisations": s.organisations,
        "levels": [{"level": n, "level_name": kb.level(n).name(lang), "organisations": c,
                    "share": round(c / s.organisations, 4) if s.organisations else 0.0} for n, c in s.levels.items()],
        "diagnostics": [{"code": code, "title": kb.diagnostics[code].title(lang), "organisations": c}
                        for code, c in s.diagnostics.items()],
        "blockers": [{"fact": fact, "organisations": c} for fact, c in s.blockers],
        "out": s.out,
    } | ({"respondents": s.respondents, "ignored_columns": list(s.ignored)} if s.respondents is not None else {})


def summary_text(s: Summary, lang: str = "en") -> str:
    """The summary for people: counts per level and diagnostic, and the BLOCKERS_SHOWN commonest blockers."""
    kb = s.model

    def t(key: str, **values: object) -> str:
        return kb.text(key, lang, **values)

    lines = [t("batch_assessed", count=s.organisations, file=s.source)]
    if s.respondents is not None:
        lines.append(t("survey_respondents", count=s.respondents))
    lines += ["", t("batch_by_level")]
    lines += ["  " + t("batch_level", level=n, name=kb.level(n).name(lang), count=c) for n, c in s.levels.items()]
    lines += ["", t("batch_diagnostics")]
    lines += ["  " + t("batch_diagnostic", title=kb.diagnostics[code].title(lang), code=code, count=c)
              for code, c in s.diagnostics.items()]
    lines += ["", t("batch_blockers")]
    lines += ["  " + t("batch_blocker", fact=words.with_code(kb, fact, lang), count=c)
              for fact, c in s.blockers[:BLOCKERS_SHOWN]]
    if not s.blockers:
        lines.append("  " + t("batch_no_blockers"))
    if s.out:
        lines += ["", t("batch_written", path=s.out)]
    return "\n".join(lines)
