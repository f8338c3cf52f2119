"""Batch CSV files: a streaming check of every row, the rows as profiles, and outputs replaced atomically.

A batch file has a header row `organisation,<fact names…>` (any subset of the facts, in any order) and one
organisation a row; an empty cell is an unknown fact. Problems name the file, the file line (the header is
line 1; a spreadsheet shows the same number as its row number), the data row, the column and the value.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from expert.errors import InputError, shown
from expert.profile import ALLOWED_VALUE, UNKNOWN_WORDS, check_fact_name

ORGANISATION = "organisation"
OUT_FORMATS = {".csv": "csv", ".json": "json"}
CELLS: dict[str, int | None] = {"": None, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}  # the common cells, fast
_VALID_CELLS = frozenset(CELLS)


def cell_value(cell: str) -> int | None:
    """A cell as 1..5 or None (empty, '?', 'null'), as `--set` reads a value; ValueError for anything else."""
    if cell in CELLS:
        return CELLS[cell]
    text = cell.strip()
    if text.lower() in UNKNOWN_WORDS:
        return None
    if text in CELLS:
        return CELLS[text]
    raise ValueError(cell)


@dataclass
class Scan:
    """One pass over a batch file that checks everything; afterwards `columns` and `rows` describe it."""

    path: Path
    columns: tuple[str, ...] = ()  # the fact columns, in file order (after `organisation`)
    rows: int = 0

    @property
    def source(self) -> str:
        return str(self.path)

    def problems(self) -> Iterator[InputError]:
        """Every problem of the file, one per bad row (or header cell), as found; none means it is valid."""
        self.rows, line = 0, 1
        try:
            with open_csv(self.path) as f:
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
                line = reader.line_num + 1
                for cells in reader:
                    if cells:  # a blank line is skipped
                        self.rows += 1
                        if len(cells) != width or not _VALID_CELLS.issuperset(cells[1:]):
                            problem = self._row_problem(cells, width)
                            if problem:
                                yield InputError(f"{self.source}: line {line} (row {self.rows})", problem)
                    line = reader.line_num + 1
        except InputError as exc:
            yield exc
        except UnicodeDecodeError as exc:
            yield InputError(self.source, f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); "
                                          "save it as UTF-8 CSV")
        except csv.Error as exc:
            yield InputError(f"{self.source}: line {line}", f"not valid CSV: {exc}")

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
                check_fact_name(where, name)
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
        for name, cell in zip(self.columns, cells[1:], strict=True):
            try:
                cell_value(cell)
            except ValueError:
                bad.append(f"column '{name}' has value {shown(cell)}")
        return f"{', '.join(bad)}; allowed: {ALLOWED_VALUE}" if bad else ""


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


def data_rows(path: Path) -> Iterator[list[str]]:
    """The data rows of a file `Scan` found valid, as lists of cells (blank lines skipped)."""
    with open_csv(path) as f:
        reader = csv.reader(f)
        next((cells for cells in reader if cells), None)  # the header
        for cells in reader:
            if cells:
                yield cells


def out_format(out: Path, source: Path) -> str:
    """'csv' or 'json' for an --out path that can be written, else an InputError (nothing is created)."""
    kind = OUT_FORMATS.get(out.suffix.lower())
    where = f"--out {out}"
    if kind is None:
        raise InputError(where, f"unsupported file type {shown(out.suffix or '(none)')}; use .csv or .json")
    if out.is_dir():
        raise InputError(where, "is a directory; give a file name ending in .csv or .json")
    folder = out.parent
    if not folder.is_dir():
        raise InputError(where, f"the folder {str(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(where, f"cannot write to the folder {str(folder)!r}")
    if out.exists() and source.exists() and os.path.samefile(out, source):
        raise InputError(where, "is the input file; write the results to another file")
    return kind


@contextmanager
def atomic_output(out: Path) -> Iterator[IO[str]]:
    """A temporary file next to `out` that replaces it only when the block ends without an error."""
    fd, temp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            yield f
        os.chmod(temp, _mode_for(out))
        os.replace(temp, out)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mode_for(out: Path) -> int:
    """The existing file's permissions, or what a newly created file would get."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
