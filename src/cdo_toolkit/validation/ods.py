"""What an OpenDocument spreadsheet's zip says before and beside calamine's reading: how
far its content expands, and which cells hold a formula's error (``#DIV/0!``).

python-calamine reads such a cell as an empty string (calamine issue 720): a column of
failed formulas would pass as empty cells, where Frictionless reads the error's text and
reports a type error. ODF has no error type: LibreOffice writes the cell as an empty
string marked ``calcext:value-type="error"``, its text the error. Only a sheet of a file
holding that mark is parsed, once, for where the marked cells are; a file without one
costs a scan of its bytes.
"""

from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_MARK = b'value-type="error"'
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")

MAX_CONTENT = 256 * 1024**2
"""The most XML an .ods sheet may expand to: calamine holds a workbook's cells in memory,
about 1.6 times the size of its XML (a peak of some 550 MiB at this limit)."""

MAX_CELLS = 1 << 23
"""The most cells an .ods sheet may span, from its first cell to its last holding a value
(its empty cells among them): calamine lays them out in a grid, and each is then a Python
value in the rows read (30 million cells took 3.5 GiB and 25 s). As many as a file within
``MAX_CONTENT`` holds, with room to spare."""


def refuse_oversized(path: Path) -> None:
    """Refuse an .ods whose content would not fit the memory it is read in, or expands as
    a decompression bomb does, or whose cells, repeated (a kilobyte of XML may repeat a
    cell a billion times) or far apart, span a grid too large for calamine, which lays
    them out in one (as for ``.xlsx``: ``validation/xlsx.py``), all before calamine
    unpacks it (an archive that cannot be read is left to calamine, which says what is
    wrong).

    Raises:
        SourceProblem: ``compression-error`` or ``source-error``.
    """
    from cdo_toolkit.i18n import _
    from cdo_toolkit.validation.source import SourceProblem, check_expansion

    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.getinfo("content.xml")
            check_expansion(content.file_size, content.compress_size or 1)
            if content.file_size > MAX_CONTENT:
                raise SourceProblem(
                    "source-error",
                    _(
                        "the spreadsheet holds {size} MB of cells, more than the {limit} MB an "
                        ".ods file is read in memory up to: save its sheet as CSV (UTF-8)"
                    ).format(size=content.file_size // 1024**2, limit=MAX_CONTENT // 1024**2),
                )
            xml = archive.read(content)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
        return
    for number, (rows, columns) in enumerate(grids(xml), start=1):
        if rows * columns > MAX_CELLS:
            raise SourceProblem(
                "source-error",
                _(
                    "sheet {number} of the spreadsheet spans {rows} rows by {columns} columns "
                    "from its first cell to its last holding a value, more than the {limit} "
                    "cells an .ods file is read up to: delete what lies far from the table "
                    "(or cells repeated down or across the sheet), or save the table as CSV "
                    "(UTF-8)"
                ).format(number=number, rows=rows, columns=columns, limit=MAX_CELLS),
            )


_SHEET = re.compile(rb"<table:table[\s>]")
_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*)>")
_ROWS_REPEATED = re.compile(rb"number-rows-repeated\s*=\s*[\"'](\d+)")
_COLUMNS_REPEATED = re.compile(rb"number-columns-repeated\s*=\s*[\"'](\d+)")


def grids(xml: bytes) -> Iterator[tuple[int, int]]:
    """Per sheet, the rows and columns of the grid calamine lays its cells out in: from the
    first row and column to the last row and column holding a value, rows and cells
    repeated (``number-rows-repeated``) counted as often. A file written with other
    prefixes than ``table:`` gives no grid (calamine's reading is then not bounded here)."""
    starts = [match.start() for match in _SHEET.finditer(xml)] + [len(xml)]
    for start, end in itertools.pairwise(starts):
        row = last_row = width = 0
        rows = list(_ROW.finditer(xml, start, end))
        # A row's cells lie before the next row: no search for where each row closes.
        bounds = [match.start() for match in rows[1:]] + [end]
        for match, bound in zip(rows, bounds, strict=True):
            attributes, closed = match.groups()
            repeated = _repeats(_ROWS_REPEATED, attributes)
            if not closed:
                inside = match.end()
                value = max(
                    xml.rfind(b"value-type=", inside, bound), xml.rfind(b"<text:p", inside, bound)
                )
                if value >= 0:
                    width = max(width, _columns_to(xml, inside, xml.find(b">", value) + 1))
                    last_row = row + repeated
            row += repeated
        yield last_row, width


def _columns_to(xml: bytes, start: int, end: int) -> int:
    """Columns of a row's cells between ``start`` and ``end``, repeated ones as often (at
    least: any other element of the table's namespace there counts as one too)."""
    if xml.find(b"repeated", start, end) < 0:  # most rows: one column a cell
        return xml.count(b"<table:", start, end)
    return sum(
        _repeats(_COLUMNS_REPEATED, match.group(1)) for match in _CELL.finditer(xml, start, end)
    )


def _repeats(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    if b"repeated" not in attributes:
        return 1
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


ErrorCells = dict[int, dict[int, str]]
"""The text of each error cell, by row, then column, from 0 at the sheet's first cell."""


def error_cells(path: Path, sheet: int, height: int) -> ErrorCells:
    """The error cells of the ``sheet``-th sheet (from 0) of the spreadsheet at ``path``,
    in its first ``height`` rows; empty where the file marks none, or cannot be read
    (calamine says what is wrong)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if not _marked(archive):
                return {}
            with archive.open("content.xml") as content:
                return _cells_of(content, sheet, height)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, SyntaxError, ValueError):
        return {}


def _marked(archive: zipfile.ZipFile) -> bool:
    with archive.open("content.xml") as content:
        tail = b""
        while chunk := content.read(1 << 20):
            if _MARK in tail + chunk:
                return True
            tail = chunk[-len(_MARK) :]
    return False


def _cells_of(content: IO[bytes], wanted: int, height: int) -> ErrorCells:
    from xml.etree.ElementTree import iterparse

    found: ErrorCells = {}
    tables = -1
    depth = 0  # of tables: a table inside a cell is not the sheet's
    row = column = 0
    in_row: dict[int, str] = {}
    for event, element in iterparse(content, events=("start", "end")):
        tag = element.tag
        if tag == f"{_TABLE}table":
            if event == "start":
                depth += 1
                if depth == 1:
                    tables += 1
                    row = 0
            else:
                depth -= 1
                if depth == 0 and tables == wanted:
                    break
            continue
        if depth != 1 or tables != wanted or event != "end":
            if event == "end" and (tag in _CELLS or tag == f"{_TABLE}table-row"):
                element.clear()  # another sheet's, kept from piling up in memory
            continue
        if tag in _CELLS:
            repeated = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            if element.get(f"{_CALCEXT}value-type") == "error":
                text = "\n".join("".join(p.itertext()) for p in element.iter(f"{_TEXT}p"))
                for offset in range(repeated):
                    in_row[column + offset] = text
            column += repeated
            element.clear()
        elif tag == f"{_TABLE}table-row":
            repeated = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
            if in_row:
                for copy in range(min(repeated, max(height - row, 0))):
                    found[row + copy] = in_row
            row += repeated
            in_row, column = {}, 0
            element.clear()
    return found
