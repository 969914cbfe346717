"""What an .xlsx sheet's XML says beside python-calamine's reading of its cells, so that
calamine (ten times openpyxl's speed) reads the sheet as Frictionless does with openpyxl.

openpyxl's read-only rows, which Frictionless reads, run from the first row and column to
the size the sheet records (``<dimension ref="A1:L25"/>``), every row as wide as it, and
end at the sheet's last ``<row>`` element, also one holding only formatting (a blank row
to Frictionless). calamine knows only the cells holding values. One pass over the sheet's
XML, without parsing it, finds the recorded size and the last row, and whether anything
is there that calamine reads otherwise:

* a formula's error (``t="e"``), which calamine reads as an empty cell (python-calamine
  issue 105), or a date written as text (``t="d"``);
* a number openpyxl types by how it is written: a whole one written ``3.0`` or ``1E+20``
  (a float to it, an int to us), or of 16 digits or more (an int to it, a float to
  calamine);
* in a cell shown as a date, a number before 1900 (negative: a time to calamine), past
  the year 4637, or a hair short of a day (which openpyxl rounds to 1 January 1900);
* a row without its number, or out of order; tags with a namespace prefix.

A sheet with any of those, or with no recorded size, or too large to hold in memory, is
left to openpyxl, as are workbooks with chart sheets (openpyxl does not count them among
the sheets) or dates counted from 1904.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree.ElementTree import fromstring

MAX_SHEET = 256 * 1024**2
"""The most XML an .xlsx sheet read by calamine may expand to: calamine holds its cells in
memory, about 1.7 times the size of their XML. Larger sheets are streamed by openpyxl."""

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

# Patterns start with a literal ("<v>", "<row") for re's fast search: a sheet written with
# a namespace prefix (<x:row>) is left to openpyxl.
_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_DATA = re.compile(rb"<(\w+:)?sheetData[\s>/]")
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
# A cell calamine reads otherwise: a formula's error, or a date written as ISO text.
_TYPES_OTHERWISE = (b' t="e"', b' t="d"')
# A number of more digits than a float holds (an int to openpyxl), or whole and written
# with a decimal point or a positive exponent (a float to openpyxl: 3.0, 1E+20; a negative
# exponent, 9.1E-005, is a fraction as writers normalise it).
_NUMBER_OTHERWISE = re.compile(rb"<v>-?(?:\d{16}|\d*\.0*<|[\d.]*[eE]\+?\d)")
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
"""What a damaged archive raises as it is read: openpyxl then reads it, and says what is
wrong in its words."""
_MOST_HEAD = 1 << 24
"""Bytes of a sheet's properties before its data looked through for its size."""


@dataclass(frozen=True)
class Part:
    """A sheet of a workbook: its position among the sheets (as calamine numbers them) and
    its XML's name in the archive."""

    index: int
    member: str


def sheet_part(path: Path, sheet: str | int | None) -> Part | None:
    """The sheet ``sheet`` names, from the workbook's directory alone; None where openpyxl
    is to read it: a workbook of chart sheets or of dates from 1904, a sheet too large to
    hold in memory, or one that is not there (openpyxl says so in its words).

    Raises:
        SourceProblem: ``compression-error``, the sheet or the workbook's strings (which
            either reader holds in memory) expanding as a decompression bomb does.
    """
    from cdo_toolkit.validation.source import check_expansion

    try:
        with zipfile.ZipFile(path) as archive:
            listed = {info.filename: info for info in archive.infolist()}
            sheets = _worksheets(archive)
    except (*_DAMAGED, KeyError, SyntaxError, ValueError):
        return None
    index = None if sheets is None else _chosen(list(sheets), sheet)
    member = None if sheets is None or index is None else list(sheets.values())[index]
    for name in (member, "xl/sharedStrings.xml"):
        if name in listed:
            check_expansion(listed[name].file_size, listed[name].compress_size or 1)
    if index is None or member not in listed or listed[member].file_size > MAX_SHEET:
        return None
    return Part(index, member)


def sheet_size(path: Path, part: Part) -> tuple[int, int] | None:
    """The width and height of the sheet's rows as openpyxl gives them, from one pass over
    its XML; None where there is something calamine reads otherwise (see the module)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.member) as xml:
            return _scan(xml, _date_styles(archive))
    except (*_DAMAGED, KeyError, SyntaxError, ValueError):
        return None


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """The workbook's sheets by name, in order, each with its XML's path; None for a
    workbook calamine would read otherwise (a chart sheet, dates from 1904)."""
    book = fromstring(archive.read("xl/workbook.xml"))
    properties = book.find(f"{_MAIN}workbookPr")
    if properties is not None and properties.get("date1904", "0").lower() in ("1", "true"):
        return None
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel for rel in rels.iter(f"{_RELS}Relationship")}
    sheets: dict[str, str] = {}
    for element in book.iter(f"{_MAIN}sheet"):
        rel = targets.get(element.get(_REL_ID))
        if rel is None or rel.get("Type") != _WORKSHEET:
            return None  # a chart sheet: openpyxl's numbering of sheets leaves it out
        target = rel.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheets[element.get("name", "")] = str(PurePosixPath(member))
    return sheets or None


def _chosen(names: list[str], sheet: str | int | None) -> int | None:
    if isinstance(sheet, str) and sheet:
        return names.index(sheet) if sheet in names else None
    number = 1 if sheet is None or sheet == "" else sheet
    return number - 1 if isinstance(number, int) and 1 <= number <= len(names) else None


def _date_styles(archive: zipfile.ZipFile) -> frozenset[bytes]:
    """The styles (``s="3"``) of the workbook's cells that show a date, as openpyxl tells
    them (a number shown as a date is a datetime to it)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    try:
        styles = fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return frozenset()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    for element in styles.iter(f"{_MAIN}numFmt"):
        formats[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
    cell_styles = styles.find(f"{_MAIN}cellXfs")
    return frozenset(
        str(index).encode()
        for index, xf in enumerate([] if cell_styles is None else cell_styles)
        if is_date_format(formats.get(int(xf.get("numFmtId", "0")), ""))
    )


def _odd_dates(styles: frozenset[bytes]) -> re.Pattern[bytes] | None:
    """What finds a cell shown as a date whose number is negative (a date before 1900,
    which calamine reads as a time), of seven digits (after the year 4637: openpyxl reads
    one past 9999 as an error), or a hair short of a day (a time that openpyxl rounds up to
    1 January 1900), after its formula if it has one."""
    if not styles:
        return None
    style = b"|".join(sorted(styles))
    return re.compile(
        rb'<c\s[^>]*\bs="(?:' + style + rb')"[^>]*>'
        rb"(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?"
        rb"<v>(?:-|\d{7}|0\.9999999)"
    )


def _scan(xml: IO[bytes], dates: frozenset[bytes]) -> tuple[int, int] | None:
    odd_dates = _odd_dates(dates)
    size: tuple[int, int] | None = None
    last = 0
    pending = b""
    while chunk := xml.read(1 << 22):
        # Whole tags only: what follows the chunk's last ">" waits for the next chunk.
        text = pending + chunk
        cut = text.rfind(b">") + 1
        text, pending = text[:cut], text[cut:]
        if size is None:
            data = _DATA.search(text)
            if data is None:
                pending = text + pending  # the sheet's properties, before its data
                if len(pending) > _MOST_HEAD:
                    return None
                continue
            dimension = _DIMENSION.search(text, 0, data.start())
            if data.group(1) or dimension is None:
                return None  # prefixed tags; or no size recorded: openpyxl counts the cells
            size = (
                _column(dimension.group(3) or dimension.group(1)),
                int(dimension.group(4) or dimension.group(2)),
            )
        if (
            any(kind in text for kind in _TYPES_OTHERWISE)
            or _NUMBER_OTHERWISE.search(text)
            or (odd_dates is not None and odd_dates.search(text))
        ):
            return None
        # Every row numbered, the number first, in order: openpyxl counts rows without a
        # number by their order, and skips one numbered below the row before.
        numbers = [*map(int, _ROW_NUMBER.findall(text))]
        if len(numbers) != text.count(b"<row") - text.count(b"<rowBreaks"):
            return None
        if numbers:
            if numbers[0] <= last or numbers != sorted(set(numbers)):
                return None
            last = numbers[-1]
    if size is None:
        return None
    width, max_row = size
    return width, min(last, max_row)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
