"""Workbooks, read as Frictionless reads them: .xlsx with openpyxl in read-only mode
(every row as wide as the sheet's used range), old .xls with xlrd, cells with their native
values; OpenDocument .ods with python-calamine (Frictionless's reader, ezodf, is no longer
maintained), its values as Frictionless's reader gives them.

The engine checks text, so a native value becomes the text its field parses back to the
same value (a date in the field's ``format``, a number with its ``decimalChar``, a boolean
as the first of its ``trueValues``). A native value that Frictionless's field refuses (a
number in a string field, a date with a time in a date field, a number in a boolean
field) is written after :data:`NATIVE_MARK`, which the engine reads as a type error.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from cdo_toolkit.i18n import _
from cdo_toolkit.validation.reader import (
    HEADER_SAMPLE_ROWS,
    Dialect,
    RaggedRow,
    TableText,
    column_names,
    header_of,
)
from cdo_toolkit.validation.source import Opened, SourceProblem

if TYPE_CHECKING:
    import polars as pl

    from cdo_toolkit.validation.fields import FieldSpec

BATCH_ROWS = 50_000

SHEETS_READ_HERE = ("ods", "xlsx")
"""Workbook formats whose schema is inferred from the rows as read here, not by
Frictionless opening the file: it needs an unmaintained reader for .ods, and for .xlsx
openpyxl loads the workbook's whole string table (4 s for 100,000 rows) for a sample."""

NATIVE_MARK = "\x00"
"""Starts the text of a workbook cell whose native value its field refuses, such as an
IČO held as a number (it has lost its leading zeros) in a string field. XML forbids the
character in an .xlsx cell; the engine fails the parse of any cell that starts with it."""

Render = Callable[[Any], str]


def open_workbook(
    opened: Opened,
    sheet: Sheet,
    dialect: Dialect,
    width_hint: int,
    fields: list[FieldSpec] | None = None,
    *,
    sheet_rows: bool = True,
) -> TableText:
    """Read ``sheet`` (of :func:`open_sheet`, or a JSON table's rows) as text cells;
    ``fields`` (by position) decide how native values are written. ``sheet_rows``: rows
    are as wide as the sheet's used range, so empty cells beyond the header are no extra
    cells and a row ending early is padded; a JSON table's rows are as written."""
    rows = sheet.rows
    sample = [row for _, row in zip(range(HEADER_SAMPLE_ROWS), rows, strict=False)]
    if not sample:
        sheet.close()
        raise SourceProblem("source-error", _("the source is empty"))
    head = [[excel_text(v) for v in row] for row in sample]
    labels, header_records, has_header = header_of(head, dialect)
    width = len(labels) if has_header else width_hint
    table = TableText(labels, has_header, max(width, 1), header_records + 1, None, None, iter(()))
    table.marks_native = bool(fields)
    table.head = head
    renders = [native_render(spec) for spec in fields or []]

    def batches() -> Iterator[pl.DataFrame]:
        buffer: list[list[str]] = []
        row_number = header_records
        for row in itertools.chain(sample[header_records:], rows):
            row_number += 1
            if dialect.skips_rows and dialect.passes_over(row_number, row):
                table.passed_over.append(row_number)
                continue
            # Text and empty cells, most of a sheet, are taken as they are without a call.
            cells = [
                value if value.__class__ is str else "" if value is None else render(value)
                for value, render in zip(row, itertools.chain(renders, _EXCEL_TEXT), strict=False)
            ]
            if sheet_rows:
                while len(cells) > table.width and cells[-1] == "":
                    cells.pop()
                if len(cells) < table.width and any(cells):
                    cells += [""] * (table.width - len(cells))
            if len(cells) != table.width:
                if not any(cells):
                    cells = [""] * table.width
                else:
                    table.ragged.append(
                        RaggedRow(row_number, [c.removeprefix(NATIVE_MARK) for c in cells])
                    )
                    continue
            buffer.append(cells)
            if len(buffer) >= BATCH_ROWS:
                if sheet.height:
                    # Progress: the share of the sheet's rows read, as a share of its bytes.
                    table.bytes_read = min(opened.size, opened.size * row_number // sheet.height)
                yield _frame(buffer, table.width)
                buffer = []
        table.bytes_read = opened.size
        if buffer:
            yield _frame(buffer, table.width)
        sheet.close()

    table.batches = batches()
    return table


Rows = Iterator[Sequence[Any]]


@dataclass
class Sheet:
    """A workbook's sheet being read."""

    rows: Rows
    """Its rows, with native values."""
    close: Callable[[], None]
    height: int | None
    """How many rows it has, where the workbook records it."""
    names: tuple[str, ...] = ()
    """The names of the workbook's sheets."""


def open_sheet(opened: Opened, dialect: Dialect) -> Sheet:
    """The sheet the dialect names (the first one by default); from memory when
    :func:`remembered_sheets` keeps it."""
    key = None
    if _REMEMBERED is not None and not opened.compression:
        stat = opened.path.stat()
        key = (str(opened.path.resolve()), stat.st_mtime_ns, stat.st_size, dialect.sheet)
        if key in _REMEMBERED:
            rows, height, names = _REMEMBERED[key]
            return Sheet(iter(rows), lambda: None, height, names)
    read = {"xls": _xls_sheet, "ods": _ods_sheet}.get(opened.format, _xlsx_sheet)
    sheet = read(opened, dialect)
    sheet.rows = _guarded(sheet.rows)
    if key is None:
        return sheet
    recording = _Recording(key, sheet)
    return Sheet(recording, recording.close, sheet.height, sheet.names)


def _guarded(rows: Rows) -> Rows:
    """The rows, a workbook damaged past its opening (a sheet's XML that stops making
    sense midway) a format-error rather than the reader's own exception."""
    try:
        yield from rows
    except SourceProblem:
        raise
    except Exception as exc:  # each reader raises its own types (XML, zip, xlrd)
        raise SourceProblem(
            "format-error", _("the workbook is damaged past its start: {reason}").format(reason=exc)
        ) from None


REMEMBERED_CELLS = 3_000_000
"""Cells of a sheet kept in memory at most (some 250 MB of Python values)."""
_REMEMBERED: dict[Any, tuple[list[Sequence[Any]], int | None, tuple[str, ...]]] | None = None


@contextmanager
def remembered_sheets() -> Iterator[None]:
    """Keep the sheets read whole while inside, up to :data:`REMEMBERED_CELLS` cells each,
    for the next reading of the same file: ``cdo registry add`` reads a workbook four or
    five times (sampling, fitting the schema, proposing a key), and openpyxl parses some
    10,000 rows a second."""
    global _REMEMBERED
    _REMEMBERED = {}
    try:
        yield
    finally:
        _REMEMBERED = None


class _Recording:
    """The rows of a sheet as they are read, kept for the next reading of the same file."""

    def __init__(self, key: Any, sheet: Sheet) -> None:
        self._key = key
        self._sheet = sheet
        self._kept: list[Sequence[Any]] | None = []
        self._cells = 0

    def __iter__(self) -> _Recording:
        return self

    def __next__(self) -> Sequence[Any]:
        try:
            row = next(self._sheet.rows)
        except StopIteration:
            self._keep()
            raise
        self._add(row)
        return row

    def _add(self, row: Sequence[Any]) -> None:
        if self._kept is not None:
            self._cells += len(row)
            self._kept.append(row)
            if self._cells > REMEMBERED_CELLS:
                self._kept = None  # too large to keep: the next reading parses it again

    def _keep(self) -> None:
        if self._kept is not None and _REMEMBERED is not None:
            _REMEMBERED[self._key] = (self._kept, self._sheet.height, self._sheet.names)
        self._kept = None

    def close(self) -> None:
        # A reading that stopped early (a sample) reads the rest now, for the next ones,
        # when the sheet's recorded size says it can be kept: else that would be parsing
        # for nothing.
        if self._kept is not None and self._fits():
            for row in self._sheet.rows:
                self._add(row)
                if self._kept is None:
                    break
            else:
                self._keep()
        self._sheet.close()

    def _fits(self) -> bool:
        height = self._sheet.height
        width = max((len(row) for row in self._kept or ()), default=0)
        return height is not None and height * width <= REMEMBERED_CELLS


def open_sheet_named(opened: Opened, sheet: str) -> tuple[Sheet, str | int]:
    """The sheet ``sheet`` names, and how a dialect says it: by its name, or, for digits
    no sheet is named, by its number (from 1).

    Raises:
        SourceProblem: no such sheet (the error names the sheets there are).
    """
    try:
        return open_sheet(opened, Dialect(sheet=sheet)), sheet
    except SourceProblem:
        if not sheet.isdigit():
            raise
    return open_sheet(opened, Dialect(sheet=int(sheet))), int(sheet)


def _unreadable(exc: Exception) -> SourceProblem:
    return SourceProblem(
        "format-error", _("the workbook cannot be opened: {reason}").format(reason=exc)
    )


def _far_apart(rows: int, columns: int) -> SourceProblem:
    return SourceProblem(
        "source-error",
        _(
            "the sheet spans {rows} rows by {columns} columns, as it records its size, and "
            "holds values in under a hundredth of them: something lies far from the table "
            "(in Excel, Ctrl+End goes to the last cell); delete the rows and columns beyond "
            "the table and save the workbook, or save the table as CSV (UTF-8)"
        ).format(rows=rows, columns=columns),
    )


def _no_sheet(sheet: str | int | None, names: Sequence[str]) -> SourceProblem:
    return SourceProblem(
        "source-error",
        _("the workbook has no sheet {sheet!r} (its sheets: {names})").format(
            sheet=sheet, names=", ".join(names)
        ),
    )


@functools.cache
def quick_dimensions() -> None:
    """Make openpyxl find a read-only sheet's recorded size without reading its rows.

    openpyxl (3.1) looks for the ``dimension`` element until the *end* of ``sheetData``,
    which, when a workbook records no size (openpyxl's write-only mode and some exporters
    write none), is the whole sheet, parsed once more at every opening of the workbook,
    for each sheet: 5.5 s of 14 for a sheet of 100,000 rows. The schema puts
    ``dimension`` before ``sheetData``, so stopping at the start of the data finds the same
    size. Installed once, for Frictionless's readers in this process too; left as it is if
    openpyxl's internals are not what this expects."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.worksheet import _reader
    from openpyxl.worksheet.dimensions import SheetDimension

    data_tag = getattr(_reader, "DATA_TAG", None)
    dimension_tag = getattr(_reader, "DIMENSION_TAG", None)
    parser: Any = getattr(_reader, "WorkSheetParser", None)
    if not (data_tag and dimension_tag and hasattr(parser, "parse_dimensions")):
        return

    def parse_dimensions(self: Any) -> tuple[int, int, int, int] | None:
        for _event, element in iterparse(self.source, events=("start",)):
            if element.tag == dimension_tag:
                return SheetDimension.from_tree(element).boundaries  # type: ignore[no-any-return]
            if element.tag == data_tag:
                return None
        return None

    parser.parse_dimensions = parse_dimensions


def _xlsx_sheet(opened: Opened, dialect: Dialect) -> Sheet:
    """The rows of an .xlsx sheet as openpyxl reads them, in read-only mode (as the sheet's
    used range is wide, with None for empty cells): by calamine where it reads the sheet
    alike (``validation/xlsx.py``), else by openpyxl itself."""
    from concurrent.futures import ThreadPoolExecutor

    from cdo_toolkit.validation.xlsx import sheet_padding, sheet_part, sheet_size, sheet_within

    part = sheet_part(opened.path, dialect.sheet)
    if part is None:
        return _openpyxl_sheet(opened, dialect)
    with ThreadPoolExecutor(1) as pool:
        within = pool.submit(sheet_within, opened.path, part)
        book = _calamine_book(opened)
        if book is None or not within.result():
            if book is not None:
                book.close()
            padding = sheet_padding(opened.path, part)
            if padding is not None:
                raise _far_apart(*padding)
            return _openpyxl_sheet(opened, dialect)
        # The sheet's XML is scanned while calamine parses it, outside Python's lock: the
        # two take 0.8 s together on a sheet of 100,000 rows, 1.5 s one after the other.
        size = pool.submit(sheet_size, opened.path, part)
        sheet = _calamine_xlsx_range(book, part.index)
        found = size.result()
    if sheet is None or found is None:
        book.close()
        return _openpyxl_sheet(opened, dialect)
    return _calamine_xlsx_sheet(book, sheet, *found)


def _calamine_book(opened: Opened) -> Any:
    """The workbook opened by python-calamine; None if it cannot read it (openpyxl then
    says why)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with opened.path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    except (CalamineError, OSError):
        return None


def _calamine_xlsx_range(book: Any, index: int) -> Any:
    """The ``index``-th sheet of ``book`` (opened by python-calamine), its cells read; None
    if calamine cannot read it."""
    from python_calamine import CalamineError

    try:
        return book.get_sheet_by_index(index)
    except (CalamineError, IndexError):
        return None


def _calamine_xlsx_sheet(book: Any, sheet: Any, width: int, height: int) -> Sheet:
    """The rows of ``sheet`` of ``book`` (read by python-calamine) as openpyxl gives them:
    from the first row and column, ``width`` wide and ``height`` high, whole numbers as
    ints, dates as datetimes."""
    left = [None] * (sheet.start[1] if sheet.start else 0)

    def value(cell: Any) -> Any:
        if cell == "":
            return None
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)  # written as digits (the scan saw no other): an int to openpyxl
        if type(cell) is date:  # openpyxl gives a date cell as a datetime at midnight
            return datetime(cell.year, cell.month, cell.day)
        return cell

    def rows() -> Rows:
        read = 0
        for row in itertools.islice(sheet.iter_rows(), height):
            # Text, most of a sheet, is taken as it is without a call.
            cells = left + [c if c.__class__ is str and c else value(c) for c in row]
            del cells[width:]
            yield cells + [None] * (width - len(cells))
            read += 1
        # Rows under the values holding only formatting: blank rows, as openpyxl gives them.
        yield from ([None] * width for _row in range(height - read))

    return Sheet(rows(), book.close, height, tuple(book.sheet_names))


def _openpyxl_sheet(opened: Opened, dialect: Dialect) -> Sheet:
    """The rows of an .xlsx sheet as openpyxl reads them, in read-only mode."""
    from openpyxl import load_workbook

    quick_dimensions()

    # Given a file rather than a name, openpyxl does not refuse a workbook named .xls.
    handle = opened.path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        handle.close()
        raise _unreadable(exc) from None

    def close() -> None:
        workbook.close()
        handle.close()

    sheet_name = dialect.sheet
    try:
        if isinstance(sheet_name, int):
            if sheet_name < 1:  # sheets are numbered from 1; -1 would be the last one
                raise IndexError(sheet_name)
            sheet = workbook.worksheets[sheet_name - 1]
        elif sheet_name:
            sheet = workbook[sheet_name]
        else:
            sheet = workbook.worksheets[0]
    except (KeyError, IndexError):
        names = workbook.sheetnames
        close()
        raise _no_sheet(sheet_name, names) from None
    rows = sheet.iter_rows(values_only=True)
    return Sheet(rows, close, sheet.max_row, tuple(workbook.sheetnames))


def _xls_sheet(opened: Opened, dialect: Dialect) -> Sheet:
    """The rows of an old Excel (.xls) sheet as Frictionless reads them with xlrd: booleans,
    whole numbers as ints, dates as datetimes, empty cells as empty text."""
    try:
        import xlrd

        book = xlrd.open_workbook(str(opened.path), on_demand=True, logfile=_Silent())
    except Exception as exc:  # xlrd raises many types for a damaged workbook
        raise _unreadable(exc) from None
    sheet_name = dialect.sheet
    try:
        if isinstance(sheet_name, int) and sheet_name < 1:
            raise IndexError(sheet_name)
        if isinstance(sheet_name, str) and sheet_name:
            sheet = book.sheet_by_name(sheet_name)
        else:
            sheet = book.sheet_by_index((sheet_name or 1) - 1)
    except (xlrd.XLRDError, IndexError):
        names = book.sheet_names()
        book.release_resources()
        raise _no_sheet(sheet_name, names) from None

    def value(cell: Any) -> Any:
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype == xlrd.XL_CELL_NUMBER and cell.value == cell.value // 1:
            return int(cell.value)
        if cell.ctype == xlrd.XL_CELL_DATE:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        return cell.value

    rows = ([value(cell) for cell in sheet.row(x)] for x in range(sheet.nrows))
    return Sheet(rows, book.release_resources, sheet.nrows, tuple(book.sheet_names()))


def _ods_sheet(opened: Opened, dialect: Dialect) -> Sheet:
    """The rows of an OpenDocument (.ods) sheet as python-calamine reads them, from the
    sheet's first row and column, as wide as its used range: numbers as Frictionless reads
    them (whole ones as ints), dates, times and booleans as such, empty cells as None."""
    from python_calamine import CalamineError, CalamineWorkbook

    from cdo_toolkit.validation.ods import error_cells, refuse_oversized

    refuse_oversized(opened.path)
    try:
        # From the bytes, not the path: calamine would take a spreadsheet saved under an
        # Excel name for the Excel workbook its name says.
        with opened.path.open("rb") as handle:
            book = CalamineWorkbook.from_filelike(handle)
    except (CalamineError, OSError) as exc:
        raise _unreadable(exc) from None
    names = tuple(book.sheet_names)
    sheet_name = dialect.sheet
    try:
        if isinstance(sheet_name, str) and sheet_name:
            sheet = book.get_sheet_by_name(sheet_name)
        elif isinstance(sheet_name, int) and not 1 <= sheet_name <= len(names):
            raise IndexError(sheet_name)
        else:
            sheet = book.get_sheet_by_index((sheet_name or 1) - 1)
    except (CalamineError, IndexError):
        book.close()
        raise _no_sheet(sheet_name, names) from None
    index = names.index(sheet.name) if sheet.name in names else 0
    height = sheet.end[0] + 1 if sheet.end else 0
    failed = error_cells(opened.path, index, height)
    # Rows before the used range are given as empty; columns before it are not.
    left = [None] * (sheet.start[1] if sheet.start else 0)

    def value(cell: Any) -> Any:
        if cell == "":
            return None
        if isinstance(cell, float) and cell.is_integer():
            return int(cell)
        return cell

    def rows() -> Rows:
        for y, row in enumerate(sheet.iter_rows()):
            # Text, most of a sheet, is taken as it is without a call.
            cells = left + [c if c.__class__ is str and c else value(c) for c in row]
            # A formula's error reads as an empty cell; its text, as Frictionless reads it.
            for x, text in failed.get(y, {}).items():
                if x < len(cells):
                    cells[x] = text
            yield cells

    return Sheet(rows(), book.close, height, names)


class _Silent:
    """Where xlrd writes its warnings: nowhere (a report says what is wrong)."""

    def write(self, text: str) -> int:
        return len(text)


def native_render(spec: FieldSpec) -> Render:
    """How a native (non-text) cell value of ``spec``'s column is written, as Frictionless's
    field of that type reads it."""
    kind, fmt = spec.type, spec.format
    custom = fmt not in ("default", "any", "")

    def refused(value: Any) -> str:
        return NATIVE_MARK + excel_text(value)

    if kind == "string":
        return refused
    if kind == "date":

        def as_date(value: Any) -> str:
            if isinstance(value, datetime):
                if value.time() != time():
                    return refused(value)
                value = value.date()
            if not isinstance(value, date):
                return refused(value)
            return value.strftime(fmt) if custom else value.isoformat()

        return as_date
    if kind in ("datetime", "time"):
        wanted = datetime if kind == "datetime" else time

        def as_moment(value: Any) -> str:
            if not isinstance(value, wanted):
                return refused(value)
            return value.strftime(fmt) if custom else value.isoformat()

        return as_moment
    if kind == "integer":

        def as_integer(value: Any) -> str:
            if value.__class__ is int:  # the common case first: a bool is an int too
                return str(value)
            if isinstance(value, bool) or not isinstance(value, _NUMBERS):
                return refused(value)
            if isinstance(value, float) and not value.is_integer():
                return refused(value)
            return str(int(value))

        return as_integer
    if kind == "number":
        decimal = spec.decimal_char

        def as_number(value: Any) -> str:
            if value.__class__ is not float and (
                isinstance(value, bool) or not isinstance(value, _NUMBERS)
            ):
                return refused(value)
            text = repr(value)
            return text if decimal == "." else text.replace(".", decimal)

        return as_number
    if kind == "boolean":

        def as_boolean(value: Any) -> str:
            if not isinstance(value, bool):
                return refused(value)
            return spec.true_values[0] if value else spec.false_values[0]

        return as_boolean
    if kind == "year":

        def as_year(value: Any) -> str:
            # Frictionless takes any int from 0 to 9999 (True, an int, too).
            if not isinstance(value, int):
                return refused(value)
            return f"{int(value):04d}" if 0 <= value <= 9999 else str(value)

        return as_year
    return excel_text


def excel_text(value: Any) -> str:
    """A cell as a CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):  # a JSON table's object or array cell
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


_EXCEL_TEXT = itertools.repeat(excel_text)
"""How a cell past the schema's fields is written (zipped with each row's cells)."""
_NUMBERS = (int, float)


def _frame(rows: list[list[str]], width: int) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(rows, schema=dict.fromkeys(column_names(width), pl.String), orient="row")
