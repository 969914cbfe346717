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

import zipfile
import zlib
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


def refuse_oversized(path: Path) -> None:
    """Refuse an .ods whose content would not fit the memory it is read in, or expands as
    a decompression bomb does, before calamine unpacks it (an archive that cannot be read
    is left to calamine, which says what is wrong).

    Raises:
        SourceProblem: ``compression-error`` or ``source-error``.
    """
    from cdo_toolkit.i18n import _
    from cdo_toolkit.validation.source import SourceProblem, check_expansion

    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.getinfo("content.xml")
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError):
        return
    check_expansion(content.file_size, content.compress_size or 1)
    if content.file_size > MAX_CONTENT:
        raise SourceProblem(
            "source-error",
            _(
                "the spreadsheet holds {size} MB of cells, more than the {limit} MB an .ods "
                "file is read in memory up to: save its sheet as CSV (UTF-8)"
            ).format(size=content.file_size // 1024**2, limit=MAX_CONTENT // 1024**2),
        )


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
