"""XLSX workbooks through openpyxl: a survey export's first sheet read row by row as text, and a workbook written.

Reading uses openpyxl's read-only mode, which streams the sheet's XML; cells become the text a CSV export
of the same sheet would hold (a whole number as `4`, even when it is stored as 4.0; a date as ISO 8601).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from branda.expert.errors import InputError

__all__ = ["cell_text", "column_letter", "sheet_rows", "workbook_bytes"]


def cell_text(value: Any) -> str:
    """A cell's value as text: None is empty, a whole float a whole number, a date ISO 8601.

    >>> [cell_text(v) for v in (None, 4, 4.0, 4.5, "Mostly true")]
    ['', '4', '4', '4.5', 'Mostly true']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """The spreadsheet's name of column `index` (0-based): A … Z, AA …"""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _opened(path: Path) -> Any:
    """The file to hand openpyxl: the path itself, or its bytes when it is a pipe (openpyxl needs to seek)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(str(path), "is a directory, not an XLSX file")
    if stat.S_ISREG(info.st_mode):
        return path
    try:
        with path.open("rb") as f:
            return io.BytesIO(f.read())
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file: {exc.strerror or exc}") from None


def sheet_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each row of the workbook's first sheet as (row number, cells as text), the empty ones included."""
    import zipfile

    import openpyxl

    source = str(path)
    try:
        workbook = openpyxl.load_workbook(_opened(path), read_only=True, data_only=True)
    except InputError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InputError(source, f"not an XLSX workbook that can be read ({type(exc).__name__}: {exc}); "
                                 "save it from the spreadsheet as .xlsx, or export it as CSV") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl's own errors (InvalidFileException, …) have no common base
        raise InputError(source, f"not an XLSX workbook that can be read ({type(exc).__name__}: {exc})") from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [cell_text(v) for v in values]
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InputError(source, f"the first sheet cannot be read ({type(exc).__name__}: {exc})") from None
    finally:
        workbook.close()


def workbook_bytes(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    """An XLSX workbook of `sheets` (title, rows), the first row of each bold, as bytes to write atomically."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])  # Excel's limit on a sheet's name
        for row in rows:
            sheet.append(row)
        for cell in sheet[1] if rows else ():
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
