"""Batch files: one streaming pass that checks each row as it is read, and CSV output a spreadsheet reads safely.

A batch file is CSV (UTF-8, a BOM allowed, comma or semicolon delimited) or XLSX (the first sheet). In the
first round's layout its header row is `organisation,<fact names…>` (any subset of the facts, in any order),
one organisation a row; any other header is a survey export, one respondent a row (expert/survey.py says
which column is what). An empty cell is an unknown fact. Problems name the file, the file line (the header is
line 1; a spreadsheet shows the same number as its row number; in XLSX the row number), the data row, the
column and the value.

The input is read exactly once, front to back, so a pipe, a FIFO or `/dev/stdin` works as a file does, and a
file edited while it is read is judged by what was read. Output cells that a spreadsheet would run as a
formula get a `'` in front, and a cell holding a carriage return is quoted on every Python.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from branda.expert.atomic import check_writable
from branda.expert.errors import InputError, shown
from branda.expert.survey import (
    Layout,
    SurveyMap,
    allowed_answers,
    answer_key,
    answer_values,
    layout_of,
    recognised,
)
from branda.expert.xlsxio import column_letter, sheet_rows
from branda.knowledge.model import Model

ORGANISATION = "organisation"
OUT_FORMATS = {".csv": "csv", ".json": "json"}
FORMULA_LEAD = frozenset("=+-@\t\r")
_MISSING = object()
_SPACES = re.compile(r"\s+")  # OWASP's list of first characters that make a spreadsheet cell a formula


def cells_of(model: Model) -> dict[str, int | None]:
    """The common cells and their values, for a fast look-up: '' (unknown) and each answer on the scale."""
    return {"": None, **{str(v): v for v in model.scale}}


def cell_value(answers: Mapping[str, int | None], cell: str) -> int | None:
    """A cell as an answer on the scale or None (empty, '?', 'null'), from `answers` (survey.answer_values: the
    numbers, the scale's labels in every language, any case, spaces around); else ValueError."""
    if cell in answers:
        return answers[cell]
    value = answers.get(answer_key(cell), _MISSING)
    if value is _MISSING:
        raise ValueError(cell)
    return value  # type: ignore[return-value]


def neutralised(cell: str) -> str:
    """`cell` with a `'` in front when a spreadsheet would run it as a formula (it begins with = + - @ tab or CR)."""
    return "'" + cell if cell[:1] in FORMULA_LEAD else cell


class CsvLines:
    """Writes rows as CSV lines ending in a newline, the same bytes on every Python.

    A row with a carriage return in a cell is written with every cell quoted: QUOTE_MINIMAL quotes only
    the characters of the line terminator ("\\n") before Python 3.13, which would leave "\\r" bare and a
    reader would end the row there.
    """

    def __init__(self, f: IO[str]) -> None:
        self._minimal = csv.writer(f, lineterminator="\n")
        self._quoted = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(self, texts: list[str], *more: Any) -> None:
        """Write the text cells `texts` (checked for CR) followed by the cells `more` (numbers, branda's own text)."""
        writer = self._quoted if "\r" in "".join(texts) else self._minimal
        writer.writerow([*texts, *more] if more else texts)


@dataclass(frozen=True)
class Group:
    """One organisation's respondents, as read: its name, each respondent's name and answers (aligned with the
    fact columns; None = unknown)."""

    organisation: str | None
    respondents: tuple[str, ...]
    answers: tuple[tuple[int | None, ...], ...]


@dataclass
class _Open:
    organisation: str | None
    respondents: list[str] = field(default_factory=list)
    answers: list[tuple[int | None, ...]] = field(default_factory=list)


def delimiter_of(model: Model, line: str) -> str:
    """The header line's delimiter: the one of ',' and ';' that makes more of its cells facts or roles; between
    equals, the one found more often outside quotes (a question may hold commas unquoted in a ';' file); ','."""
    quoted, counts = False, {",": 0, ";": 0}
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    scores = {d: (recognised(model, next(csv.reader([line], delimiter=d), [])), counts[d]) for d in counts}
    return ";" if scores[";"] > scores[","] else ","


@dataclass
class BatchInput:
    """A batch file read once: `read()` checks each row as it streams; afterwards `columns` and `rows` describe it.

    The first round's layout (`organisation`, then fact names) is one organisation a row, each yielded as its
    cells as soon as it is read. Any other layout (a survey export: questions as headers, labels as answers,
    metadata and respondent columns, or a --map or --by) is one respondent a row: the rows are held, grouped
    by the --by column (by default the organisation's), and each organisation is yielded as a `Group` once the
    whole file has been read, in the order each first appears.
    """

    path: Path
    model: Model
    columns: tuple[str, ...] = ()  # the fact columns, in file order (after `organisation`)
    rows: int = 0  # data rows read so far
    size: int | None = None  # bytes, when the input is a regular file (not a pipe or FIFO)
    survey_map: SurveyMap | None = None
    by: str | None = None
    layout: Layout | None = None  # once the header is read
    _fd: int | None = field(default=None, repr=False)
    _line: int = field(default=1, repr=False)

    @property
    def source(self) -> str:
        return str(self.path)

    @property
    def xlsx(self) -> bool:
        return self.path.suffix.lower() == ".xlsx"

    @property
    def grouped(self) -> bool:
        """Whether the rows are respondents (a survey layout), known once the header is read."""
        return self.layout is not None and not self.layout.plain

    def position(self) -> int:
        """How many bytes of a regular file have been read so far (0 for a pipe)."""
        if self._fd is None or self.size is None:
            return 0
        try:
            return os.lseek(self._fd, 0, os.SEEK_CUR)
        except OSError:
            return 0

    def read(self) -> Iterator[list[str] | Group | InputError]:
        """The problems of the header, if any (and nothing more); else each data row's cells (or its problem),
        or, for a survey layout, each row's problem as found and every organisation's `Group` at the end.

        Blank lines are skipped. A file that cannot be read on (not UTF-8, not CSV, an I/O error) ends with
        the problem where it was found.
        """
        self.rows, self._line = 0, 1
        try:
            rows = self._xlsx_rows() if self.xlsx else self._csv_rows()
            first = next(rows, None)
            if first is None:
                yield InputError(self.source, "the file is empty; expected a header row "
                                              "'organisation,<fact names…>' and one organisation a row")
                return
            line, header = first
            layout, header_problems = layout_of(self.model, header, self._header_where(line), self.survey_map,
                                                self.by)
            yield from header_problems
            if header_problems:
                return
            self.layout, self.columns = layout, layout.columns
            yield from self._plain(rows, len(header)) if layout.plain else self._survey(rows, layout)
        except InputError as exc:
            yield exc
        except UnicodeDecodeError as exc:
            yield InputError(self.source, f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                                          "save it as UTF-8 CSV")
        except csv.Error as exc:
            yield InputError(f"{self.source}: line {self._line}", f"not valid CSV: {exc}")
        except OSError as exc:
            yield InputError(f"{self.source}: line {self._line}", f"cannot read the file: {exc.strerror or exc}")
        finally:
            self._fd = None

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        """(file line, cells) of each non-blank line; the delimiter (comma or semicolon) read off the first."""
        with open_csv(self.path) as f:
            self._fd = f.fileno()
            info = os.fstat(self._fd)
            self.size = info.st_size if stat.S_ISREG(info.st_mode) else None
            first = f.readline()
            offset = 0
            if first.strip().lower() in ("sep=,", "sep=;"):  # Excel's hint on the first line
                delimiter, offset, first = first.strip()[-1], 1, ""
            else:
                delimiter = delimiter_of(self.model, first)
            reader = csv.reader(chain([first], f) if first else f, delimiter=delimiter)
            self._line = 1 + offset
            for cells in reader:
                if cells:  # a blank line is skipped
                    yield self._line, cells
                self._line = reader.line_num + 1 + offset

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of each non-empty row of the first sheet, the empty cells at its end dropped."""
        self.size = None
        for number, cells in sheet_rows(self.path):
            self._line = number
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                yield number, cells

    def _header_where(self, line: int) -> Callable[[int | None], str]:
        def where(i: int | None) -> str:
            at = f"{self.source}: row {line} (header)" if self.xlsx else f"{self.source}: line {line} (header)"
            if i is None:
                return at
            return at + (f", column {column_letter(i)}" if self.xlsx else f", column {i + 1}")
        return where

    def _row_where(self, line: int) -> str:
        return f"{self.source}: row {line}" if self.xlsx else f"{self.source}: line {line} (row {self.rows})"

    def _plain(self, rows: Iterator[tuple[int, list[str]]], width: int) -> Iterator[list[str] | InputError]:
        """The first round's layout: each row's cells as read (or its problem)."""
        cells_known = cells_of(self.model)
        valid = frozenset(cells_known).issuperset
        for line, cells in rows:
            self.rows += 1
            if len(cells) == width and valid(cells[1:]):
                yield cells
            elif problem := self._row_problem(cells, width):
                yield InputError(self._row_where(line), problem)
            else:
                yield cells

    def _survey(self, rows: Iterator[tuple[int, list[str]]], layout: Layout) -> Iterator[Group | InputError]:
        """A survey layout: each row checked as read; every organisation's Group once the file is read."""
        answers = answer_values(self.model, self.survey_map)
        headers, width = layout.headers, len(layout.headers)
        groups: dict[object, _Open] = {}
        bad = False
        for line, cells in rows:
            self.rows += 1
            if len(cells) > width and (self.xlsx and not any(c.strip() for c in cells[width:])):
                cells = cells[:width]
            if len(cells) != width and not (self.xlsx and len(cells) < width):
                bad = True
                yield InputError(self._row_where(line), _width_problem(cells, width))
                continue
            cells = cells + [""] * (width - len(cells))
            values: list[int | None] = []
            wrong = []
            for i, _ in layout.facts:
                cell = cells[i]
                value = answers.get(cell, _MISSING) if cell in answers else answers.get(answer_key(cell), _MISSING)
                if value is _MISSING:
                    wrong.append(f"column {shown(headers[i].strip())} has value {shown(cell)}")
                values.append(value)  # type: ignore[arg-type]
            if wrong:
                bad = True
                yield InputError(self._row_where(line),
                                 f"{', '.join(wrong)}; allowed: {allowed_answers(self.model, self.survey_map)}")
                continue
            if bad:
                continue
            value = _SPACES.sub(" ", cells[layout.by]).strip() if layout.by is not None else ""
            key: object = value.casefold() or ("row", line)  # a row without one is an organisation of its own
            group = groups.get(key)
            if group is None:
                name = value if layout.by != layout.organisation or layout.organisation is None else \
                    _SPACES.sub(" ", cells[layout.organisation]).strip()
                group = groups[key] = _Open(name or None)
            respondent = cells[layout.respondent].strip() if layout.respondent is not None else ""
            group.respondents.append(respondent or (f"row {line}" if self.xlsx else f"line {line}"))
            group.answers.append(tuple(values))
        if not bad:
            for group in groups.values():
                yield Group(group.organisation, tuple(group.respondents), tuple(group.answers))

    def _row_problem(self, cells: list[str], width: int) -> str:
        if len(cells) != width:
            return _width_problem(cells, width)
        bad = []
        known = answer_values(self.model)
        for name, cell in zip(self.columns, cells[1:], strict=True):
            try:
                cell_value(known, cell)
            except ValueError:
                bad.append(f"column '{name}' has value {shown(cell)}")
        return f"{', '.join(bad)}; allowed: {allowed_answers(self.model)}" if bad else ""


def _width_problem(cells: list[str], width: int) -> str:
    more = "more" if len(cells) > width else "fewer"
    return f"{len(cells)} cell{'s' * (len(cells) != 1)}, {more} than the header's {width} columns"


@contextmanager
def open_csv(path: Path) -> Iterator[IO[str]]:
    """The file opened for csv.reader (UTF-8, a byte-order mark skipped); an unreadable file is an InputError."""
    try:
        f = path.open(encoding="utf-8-sig", newline="")
    except IsADirectoryError:
        raise InputError(str(path), "is a directory, not a CSV file") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    with f:
        yield f


def out_format(out: Path, source: Path) -> str:
    """'csv' or 'json' for an --out path that can be written, else an InputError (nothing is created)."""
    kind = OUT_FORMATS.get(out.suffix.lower())
    where = f"--out {out}"
    if kind is None:
        raise InputError(where, f"unsupported file type {shown(out.suffix or '(none)')}; use .csv or .json")
    try:
        check_writable(out)
    except InputError as exc:
        raise InputError(where, exc.problem) from None
    try:
        if out.exists() and source.exists() and os.path.samefile(out, source):
            raise InputError(where, "is the input file; write the results to another file")
    except OSError:
        pass
    return kind
