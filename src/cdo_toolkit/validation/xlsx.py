"""What an .xlsx sheet's XML says beside python-calamine's reading of its cells, so that
calamine (ten times openpyxl's speed) reads the sheet as Frictionless does with openpyxl.

openpyxl's read-only rows, which Frictionless reads, run from the first row and column to
the size the sheet records (``<dimension ref="A1:L25"/>``), every row as wide as it, and
end at the sheet's last ``<row>`` element, also one holding only formatting (a blank row
to Frictionless). calamine knows only the cells holding values, which it lays out in a
grid from the first to the last, wherever they are. Two passes over the sheet's XML,
without parsing it, find first whether every cell lies where the recorded size says, in a
grid calamine can hold (else openpyxl reads the sheet, as it streams: a stray cell far away
is no reason to end the process), then, while calamine reads it, the last row, and whether
anything is there that calamine reads otherwise:

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

import itertools
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree.ElementTree import fromstring

MAX_SHEET = 256 * 1024**2
"""The most XML an .xlsx sheet read by calamine may expand to: calamine holds its cells in
memory, about 1.7 times the size of their XML. Larger sheets are streamed by openpyxl."""

MAX_GRID = 1 << 25
"""The most cells an .xlsx sheet read by calamine may span: calamine lays the cells out in
a grid from the first to the last holding a value, 32 bytes a cell (1 GiB here), and a
grid too large for memory ends the process, past any error handling (calamine issue 693:
a cell in A1 and one in XFD1048576 ask for 550 GB)."""

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


def sheet_within(path: Path, part: Part) -> bool:
    """Whether calamine may read the sheet: every cell where the sheet's recorded size says,
    and that size at most ``MAX_GRID`` cells. To be known before calamine reads it."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.member) as xml:
            return _within(xml)
    except (*_DAMAGED, KeyError):
        return False


MOST_PADDING = 1 << 26
"""The most cells an .xlsx sheet read by openpyxl may span where it writes almost none
(under 1 %): openpyxl gives every row as wide as the recorded size, and the rows between
the written ones, so a stray cell in ``XFD1048576`` makes 17 billion cells to read."""


def sheet_padding(path: Path, part: Part) -> tuple[int, int] | None:
    """The rows and columns openpyxl would give of the sheet (its recorded size, to its
    last row), where they are more than ``MOST_PADDING`` cells and the sheet writes under
    1 % of them; None otherwise, or if the XML cannot be read (openpyxl then says why)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.member) as xml:
            found = _data(xml)
            if found is None:
                return None
            (width, max_row), chunks = found
            if width * max_row <= MOST_PADDING:
                return None
            written = last = 0
            for text in chunks:
                written += text.count(b"<c ") + text.count(b"<c>")
                numbers = _ROW_NUMBER.findall(text)
                last = max(last, *map(int, numbers)) if numbers else last
    except (*_DAMAGED, KeyError, ValueError):
        return None
    rows = min(last, max_row)
    cells = width * rows
    return (rows, width) if cells > MOST_PADDING and written * 100 < cells else None


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


def _whole_tags(xml: IO[bytes]) -> Iterator[bytes]:
    """The XML in chunks of whole tags: what follows a chunk's last ">" waits for the next."""
    pending = b""
    while chunk := xml.read(1 << 22):
        text = pending + chunk
        cut = text.rfind(b">") + 1
        text, pending = text[:cut], text[cut:]
        if text:
            yield text


def _data(xml: IO[bytes]) -> tuple[tuple[int, int], Iterator[bytes]] | None:
    """The size the sheet records (columns, rows), and its XML from the start of its data;
    None for a sheet recording no size (openpyxl counts its cells) or with prefixed tags."""
    chunks = _whole_tags(xml)
    head = b""
    for text in chunks:
        head += text
        data = _DATA.search(head)
        if data is None:
            if len(head) > _MOST_HEAD:
                return None
            continue  # the sheet's properties, before its data
        dimension = _DIMENSION.search(head, 0, data.start())
        if data.group(1) or dimension is None:
            return None
        size = (
            _column(dimension.group(3) or dimension.group(1)),
            int(dimension.group(4) or dimension.group(2)),
        )
        return size, itertools.chain([head[data.start() :]], chunks)
    return None


def _within(xml: IO[bytes]) -> bool:
    """Whether calamine can hold the sheet: every cell inside the size the sheet records,
    which is at most ``MAX_GRID`` cells."""
    found = _data(xml)
    if found is None:
        return False
    (width, rows), chunks = found
    if width * rows > MAX_GRID:
        return False
    # A cell without its reference first, or out of the recorded size (which openpyxl,
    # reading up to that size, leaves out).
    outside = re.compile(
        rb'<c(?:>|\s(?!r="' + _letters_up_to(width) + _numbers_up_to(rows) + rb'"))'
    )
    return not any(outside.search(text) for text in chunks)


def _scan(xml: IO[bytes], dates: frozenset[bytes]) -> tuple[int, int] | None:
    odd_dates = _odd_dates(dates)
    found = _data(xml)
    if found is None:
        return None
    (width, max_row), chunks = found
    last = 0
    for text in chunks:
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
    return width, min(last, max_row)


def _numbers_up_to(most: int) -> bytes:
    """A pattern of the numbers 1 to ``most``, written without leading zeros."""
    digits = str(most)
    choices = [rb"[1-9]\d{0,%d}" % (len(digits) - 2)] if len(digits) > 1 else []
    for at, digit in enumerate(digits):
        low = 0 if at else 1
        if int(digit) > low:
            rest = len(digits) - at - 1
            choices.append(b"%s[%d-%d]\\d{%d}" % (digits[:at].encode(), low, int(digit) - 1, rest))
    choices.append(digits.encode())
    return b"(?:" + b"|".join(choices) + b")"


def _letters_up_to(most: int) -> bytes:
    """A pattern of the columns A to the ``most``-th, as letters."""
    letters = _letters(most)
    choices = [rb"[A-Z]{1,%d}" % (len(letters) - 1)] if len(letters) > 1 else []
    for at, letter in enumerate(letters):
        if letter > "A":
            rest = len(letters) - at - 1
            choices.append(
                b"%s[A-%s][A-Z]{%d}" % (letters[:at].encode(), chr(ord(letter) - 1).encode(), rest)
            )
    choices.append(letters.encode())
    return b"(?:" + b"|".join(choices) + b")"


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number
