"""Batch CSV files: one streaming pass that checks each row as it is read, and CSV output a spreadsheet reads safely.

A batch file has a header row `organisation,<fact names…>` (any subset of the facts, in any order) and one
organisation a row; an empty cell is an unknown fact. Problems name the file, the file line (the header is
line 1; a spreadsheet shows the same number as its row number), the data row, the column and the value.

The input is read exactly once, front to back, so a pipe, a FIFO or `/dev/stdin` works as a file does, and a
file edited while it is read is judged by what was read. Output cells that a spreadsheet would run as a
formula get a `'` in front, and a cell holding a carriage return is quoted on every Python.
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from branda.expert.atomic import check_writable
from branda.expert.errors import InputError, shown
from branda.expert.profile import UNKNOWN_WORDS, allowed_value, check_fact_name
from branda.knowledge.model import Model

ORGANISATION = "organisation"
OUT_FORMATS = {".csv": "csv", ".json": "json"}
FORMULA_LEAD = frozenset("=+-@\t\r")  # OWASP's list of first characters that make a spreadsheet cell a formula


def cells_of(model: Model) -> dict[str, int | None]:
    """The common cells and their values, for a fast look-up: '' (unknown) and each answer on the scale."""
    return {"": None, **{str(v): v for v in model.scale}}


def cell_value(cells: dict[str, int | None], cell: str) -> int | None:
    """A cell as an answer on the scale or None (empty, '?', 'null'), as `--set` reads one; else ValueError."""
    if cell in cells:
        return cells[cell]
    text = cell.strip()
    if text.lower() in UNKNOWN_WORDS:
        return None
    if text in cells:
        return cells[text]
    raise ValueError(cell)


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


@dataclass
class BatchInput:
    """A batch file read once: `read()` checks each row as it streams; afterwards `columns` and `rows` describe it."""

    path: Path
    model: Model
    columns: tuple[str, ...] = ()  # the fact columns, in file order (after `organisation`)
    rows: int = 0  # data rows read so far
    size: int | None = None  # bytes, when the input is a regular file (not a pipe or FIFO)
    _fd: int | None = field(default=None, repr=False)

    @property
    def source(self) -> str:
        return str(self.path)

    def position(self) -> int:
        """How many bytes of a regular file have been read so far (0 for a pipe)."""
        if self._fd is None or self.size is None:
            return 0
        try:
            return os.lseek(self._fd, 0, os.SEEK_CUR)
        except OSError:
            return 0

    def read(self) -> Iterator[list[str] | InputError]:
        """The problems of the header, if any (and nothing more); else each data row's cells, or its problem.

        Blank lines are skipped. A file that cannot be read on (not UTF-8, not CSV, an I/O error) ends with
        the problem where it was found.
        """
        self.rows, line = 0, 1
        try:
            with open_csv(self.path) as f:
                self._fd = f.fileno()
                info = os.fstat(self._fd)
                self.size = info.st_size if stat.S_ISREG(info.st_mode) else None
                reader = csv.reader(f)
                header = next((cells for cells in reader if cells), None)
                if header is None:
                    yield InputError(self.source, "the file is empty; expected a header row "
                                                  "'organisation,<fact names…>' and one organisation a row")
                    return
                header_problems = list(self._header(header, reader.line_num))
                yield from header_problems
                if header_problems:
                    return
                width = len(header)
                cells_known = cells_of(self.model)
                valid = frozenset(cells_known).issuperset
                line = reader.line_num + 1
                for cells in reader:
                    if cells:  # a blank line is skipped
                        self.rows += 1
                        if len(cells) == width and valid(cells[1:]):
                            yield cells
                        elif problem := self._row_problem(cells, width):
                            yield InputError(f"{self.source}: line {line} (row {self.rows})", problem)
                        else:
                            yield cells
                    line = reader.line_num + 1
        except InputError as exc:
            yield exc
        except UnicodeDecodeError as exc:
            yield InputError(self.source, f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                                          "save it as UTF-8 CSV")
        except csv.Error as exc:
            yield InputError(f"{self.source}: line {line}", f"not valid CSV: {exc}")
        except OSError as exc:
            yield InputError(f"{self.source}: line {line}", f"cannot read the file: {exc.strerror or exc}")
        finally:
            self._fd = None

    def _header(self, header: list[str], line: int) -> Iterator[InputError]:
        names = [cell.strip() for cell in header]
        if names[0] != ORGANISATION:
            first = shown(header[0]) if header[0].strip() else "empty"
            yield InputError(f"{self.source}: line {line} (header), column 1",
                             f"the first column is {first}; the header must start with 'organisation', "
                             "then fact names ('branda facts' lists them)")
            return
        seen: dict[str, int] = {}
        for number, name in enumerate(names[1:], start=2):
            where = f"{self.source}: line {line} (header), column {number}"
            if name in seen:
                yield InputError(where, f"{shown(name)} is given twice (also column {seen[name]})")
                continue
            try:
                check_fact_name(self.model, where, name)
            except InputError as exc:
                yield exc
                continue
            seen[name] = number
        self.columns = tuple(names[1:])

    def _row_problem(self, cells: list[str], width: int) -> str:
        if len(cells) != width:
            more = "more" if len(cells) > width else "fewer"
            return f"{len(cells)} cell{'s' * (len(cells) != 1)}, {more} than the header's {width} columns"
        bad = []
        known = cells_of(self.model)
        for name, cell in zip(self.columns, cells[1:], strict=True):
            try:
                cell_value(known, cell)
            except ValueError:
                bad.append(f"column '{name}' has value {shown(cell)}")
        return f"{', '.join(bad)}; allowed: {allowed_value(self.model)}" if bad else ""


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
