"""``cdo registry add``: onboard a source from one of its files.

Frictionless ``describe`` proposes the Table Schema; we then correct what it gets wrong
for Czech data, looking at the sampled values themselves:

* codes with leading zeros (IČO ``00241121``, RÚIAN codes) stay strings, with a pattern
  of their length, instead of integers that would lose the zeros; a column named as an
  IČO (``ico``, ``ic``, ``…_ico``) of up to eight digits is a string of eight digits even
  when this file's IČOs have no leading zero;
* decimal commas (``12,5``, ``1 234,50``, ``1.234,50``) become numbers with
  ``decimalChar``/``groupChar``, also where Frictionless took ``7,25`` for a geopoint;
* dates like ``1.2.2024`` become dates with ``format: "%d.%m.%Y"``, and dates or
  datetimes written otherwise (``3/5/2021 12:00:00 AM``) get the one format that reads
  them all, unless two formats read them differently;
* times like ``8:30`` become times with ``format: "%H:%M"``;
* numbers with one unit in every value (``12,5 %``, ``1 234 Kč``) become numbers with
  ``bareNumber: false``, which strips it;
* a column of numbers written with a typographic minus (``−1 234,5``) stays text, and the
  guarantor is told why;
* ``ano``/``ne`` become booleans;
* a workbook's date column (datetimes at midnight) becomes a date.
"""

from __future__ import annotations

import csv
import dataclasses
import itertools
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import yaml

from cdo_toolkit.errors import CdoError
from cdo_toolkit.files import require_file
from cdo_toolkit.findings import display_path
from cdo_toolkit.i18n import _, ngettext
from cdo_toolkit.registry.keys import Key, propose_key
from cdo_toolkit.registry.loader import load
from cdo_toolkit.registry.models import ID_PATTERN, Frequency, Theme
from cdo_toolkit.registry.registry import Registry
from cdo_toolkit.validation.layout import Layout, report_layout
from cdo_toolkit.validation.source import WORKBOOK_SUFFIXES

if TYPE_CHECKING:
    from cdo_toolkit.validation.report import Task

SAMPLE_ROWS = 5000
SCAN_ROWS = 1_000_000
_LEADING_ZERO = re.compile(r"^0\d+$")
_ICO_NAME = re.compile(r"ico|ic|.*_ico", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"^[-+]?\d{1,3}([ \u00a0]\d{3})*(,\d+)?$|^[-+]?\d+(,\d+)?$")
_CZECH_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CZECH_DATETIME = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}$")
_BOOLEANS = ({"ano", "Ano", "ANO"}, {"ne", "Ne", "NE"})
_DOT_GROUPED = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$")
_PLAIN_COMMA = re.compile(r"^[-+]?\d+(,\d+)?$")
_TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
_POINT_DECIMAL = re.compile(r"^[-+]?\d+(\.\d+)?$")
# A number followed by a unit (12,5 %, 1 234 Kč, 3 ks): what bareNumber: false strips.
_WITH_UNIT = re.compile(r"^(?P<number>[-+]?\d[\d \u00a0]*(?:[,.]\d+)?)\s*(?P<unit>[^\d\s][^\d]*)$")


def refine_field(field: dict[str, Any], values: list[str]) -> dict[str, Any]:
    """Correct one inferred field from its sampled raw values (see the module docstring)."""
    present = [v for v in values if v.strip() != ""]
    if not present:
        # No value to type it by: any, whatever Frictionless made of blank rows (from a
        # header and a blank line it infers yearmonth).
        return {k: v for k, v in field.items() if k not in _TYPE_KEYS} | {"type": "any"}
    refined = {k: v for k, v in field.items() if k not in ("type", "format")}
    kind = field.get("type", "string")
    if kind == "any":
        # Frictionless saw the column empty in its first rows; its values come later.
        kind = _detected_type(field["name"], present)
        field = {**field, "type": kind}
    all_digits = all(v.isdigit() for v in present)
    if all_digits and _ICO_NAME.fullmatch(field["name"]) and all(len(v) <= 8 for v in present):
        # An IČO has eight digits, leading zeros included (00241121): held as an integer it
        # would lose them in the warehouse, even where this file's IČOs have none.
        refined["type"] = "string"
        refined["constraints"] = {**refined.get("constraints", {}), "pattern": r"\d{8}"}
        return refined
    if all_digits and any(_LEADING_ZERO.match(v) for v in present):
        lengths = {len(v) for v in present}
        refined["type"] = "string"
        if len(lengths) == 1:
            refined["constraints"] = {"pattern": rf"\d{{{lengths.pop()}}}"}
        return refined
    if kind == "datetime" and all(_ISO_DATE.match(v) for v in present):
        # A workbook's date cells are datetimes at midnight: the column holds dates.
        refined["type"] = "date"
        return refined
    if kind in ("string", "geopoint"):
        # Frictionless takes "7,25" for a point (longitude 7, latitude 25): a column of
        # small decimal-comma numbers, in Czech data, comes back as a geopoint.
        numbers = _comma_numbers(present) or _grouped_whole_numbers(field["name"], present)
        if numbers is not None:
            refined.update(numbers)
            return refined
    if kind == "string":
        if all(_CZECH_DATE.match(v) for v in present) and _parses(present, "%d.%m.%Y"):
            refined.update(type="date", format="%d.%m.%Y")
            return refined
        if all(_CZECH_DATETIME.match(v) for v in present) and _parses(present, "%d.%m.%Y %H:%M"):
            refined.update(type="datetime", format="%d.%m.%Y %H:%M")
            return refined
        written = _date_format(present)
        if written is not None:
            refined.update(type=written[0], format=written[1])
            return refined
        if all(_TIME.match(v) for v in present):
            seconds = {v.count(":") == 2 for v in present}
            pattern = "%H:%M:%S" if seconds == {True} else "%H:%M"
            if len(seconds) == 1 and _parses(present, pattern):
                refined.update(type="time", format=pattern)
                return refined
        numbers = _unit_numbers(present)
        if numbers is not None:
            refined.update(numbers)
            return refined
        if set(present) <= _BOOLEANS[0] | _BOOLEANS[1]:
            truthy = sorted(set(present) & _BOOLEANS[0]) or ["ano"]
            falsy = sorted(set(present) & _BOOLEANS[1]) or ["ne"]
            refined.update(type="boolean", trueValues=truthy, falseValues=falsy)
            return refined
    return field


def _comma_numbers(values: list[str]) -> dict[str, Any] | None:
    """The options of a column of numbers written with a decimal comma (``12,5``,
    ``1 234,50``, ``1.234,50``), or None."""
    if not any("," in v for v in values):
        return None
    if all(_DECIMAL_COMMA.match(v) for v in values):
        options: dict[str, Any] = {"type": "number", "decimalChar": ","}
        group = _space_group(values)
        return options | {"groupChar": group} if group else options
    if all(_DOT_GROUPED.match(v) or _PLAIN_COMMA.match(v) for v in values):
        return {"type": "number", "decimalChar": ",", "groupChar": "."}
    return None


_SPACE_GROUPED = re.compile(r"^[-+]?\d{1,3}([ \u00a0]\d{3})+$")
_UNGROUPED = re.compile(r"^[-+]?\d{1,4}$")  # Czech leaves four digits ungrouped (1234)
# A word of the name, not its letters: "obyvatel" (inhabitants) holds "tel".
_PHONE_NAME = re.compile(
    r"(?:^|[^a-z])(?:telefon|mobil|phone|fax(?![a-z])|tel(?![a-z]))", re.IGNORECASE
)


def _grouped_whole_numbers(name: str, values: list[str]) -> dict[str, Any] | None:
    """The options of a column of whole numbers whose thousands a space groups (``104
    261``, as Czech exports and Excel write counts), or None. Typed ``number``, since
    Table Schema's ``integer`` has no ``groupChar``. Not a column of phone numbers
    (``485 226 111``, by its name) nor of codes all as long (seven digits or more)."""
    if not any(_SPACE_GROUPED.match(v) for v in values):
        return None
    if not all(_SPACE_GROUPED.match(v) or _UNGROUPED.match(v) for v in values):
        return None
    digits = {sum(c.isdigit() for c in v) for v in values}
    if _PHONE_NAME.search(name) or (len(digits) == 1 and digits.pop() >= 7):
        return None
    return {"type": "number", "decimalChar": ",", "groupChar": _space_group(values)}


def _unit_numbers(values: list[str]) -> dict[str, Any] | None:
    """The type and options of a column of numbers that all carry one unit (``12,5 %``,
    ``1 234 Kč``): Frictionless reads them with ``bareNumber: false``, which strips it."""
    units = set()
    numbers = []
    for value in values:
        match = _WITH_UNIT.match(value.strip())
        if match is None:
            return None
        units.add(match["unit"].strip())
        numbers.append(match["number"].strip())
    if len(units) != 1:
        return None
    if all(_POINT_DECIMAL.match(n) for n in numbers):
        kind = "integer" if all("." not in n for n in numbers) else "number"
        return {"type": kind, "bareNumber": False}
    if not all(_DECIMAL_COMMA.match(n) for n in numbers):
        return None
    options: dict[str, Any] = {"type": "number", "bareNumber": False}
    if any("," in n for n in numbers):
        options["decimalChar"] = ","
    group = _space_group(numbers)
    if group:
        options["groupChar"] = group
    elif "decimalChar" not in options:
        return {"type": "integer", "bareNumber": False}
    return options


def _space_group(numbers: list[str]) -> str | None:
    """The space that groups the thousands of ``numbers``, if one does."""
    spaces = {c for n in numbers for c in (" ", "\u00a0") if c in n}
    if not spaces:
        return None
    # Czech Excel groups thousands with a no-break space; typed exports with a space. A
    # column mixing both fits neither, and stays text after fitting.
    return "\u00a0" if spaces == {"\u00a0"} else " "


def typographic_minus_note(name: str, values: list[str]) -> str | None:
    """A column of numbers some of which start with a typographic minus (``−1 234,5``):
    no Table Schema option reads them, so it stays text; the guarantor is told why."""
    from cdo_toolkit.validation.hints import MINUS_SIGNS

    present = [v.strip() for v in values if v.strip()]
    signed = [v for v in present if v[:1] in MINUS_SIGNS]
    if not signed:
        return None
    fixed = ["-" + v[1:] if v[:1] in MINUS_SIGNS else v for v in present]
    if not all(_DECIMAL_COMMA.match(v) or _POINT_DECIMAL.match(v) for v in fixed):
        return None
    return _(
        'column {column} holds numbers written with the sign "{sign}" for a minus (e.g. '
        '"{example}"), which no number reads, so the entry types it as text: have the '
        'export write a hyphen-minus "-", then describe the file again'
    ).format(column=name, sign=signed[0][0], example=signed[0])


def _detected_type(name: str, values: list[str]) -> str:
    """The Table Schema type Frictionless infers from ``values`` of one column."""
    from frictionless import Detector

    from cdo_toolkit.validation.infer import cell_readers_kept

    with cell_readers_kept():
        schema = Detector().detect_schema([[v] for v in values], labels=[name])
    return str(schema.fields[0].type)


def _date_format(values: list[str]) -> tuple[str, str] | None:
    """(type, format) of a column of dates or datetimes in another format than Czech or
    ISO ones, e.g. US exports' ``3/5/2021 12:00:00 AM``; None when no format reads them
    all, or when two read them differently (``3/5/2021`` with no day over 12 is 3 May or
    5 March: the guarantor decides). Times all at midnight make a date."""
    from datetime import datetime, time

    from cdo_toolkit.validation.hints import DATE_FORMATS, DATETIME_FORMATS

    readings: dict[tuple[datetime, ...], str] = {}
    for pattern in (*DATE_FORMATS, *DATETIME_FORMATS):
        if pattern == "%Y%m%d":  # eight digits are codes, not dates
            continue
        try:
            read = tuple(datetime.strptime(v, pattern) for v in values[:200])
        except ValueError:
            continue
        readings.setdefault(read, pattern)
    if len(readings) != 1:
        return None
    ((read, pattern),) = readings.items()
    midnight = all(value.time() == time(0) for value in read)
    return ("date" if midnight else "datetime"), pattern


def _parses(values: list[str], pattern: str) -> bool:
    from datetime import datetime

    try:
        for value in values[:200]:
            datetime.strptime(value, pattern)
    except ValueError:
        return False
    return True


def infer_csv(path: Path, *, types: bool = True) -> dict[str, Any]:
    """Encoding, dialect and Table Schema of a CSV/TSV file (without ``types``, no fields:
    a schema is given)."""
    from frictionless import describe

    from cdo_toolkit.validation.infer import frictionless_dialect
    from cdo_toolkit.validation.sniff import sniff
    from cdo_toolkit.validation.source import SourceProblem, detect

    try:
        detect(path, declared_format="csv")  # an HTML page, a PDF, an empty file: not a table
    except SourceProblem as problem:
        raise CdoError(f"{display_path(path)}: {problem.note}") from None
    sniffed = sniff(path)
    # newline="": the csv module reads the line ends itself, old Mac "\r" ones too.
    with path.open(encoding=sniffed.encoding, errors="replace", newline="") as handle:
        rows = _csv_rows(handle, sniffed.delimiter)
        first = next(rows, [])
        dialect: dict[str, Any] = {"delimiter": sniffed.delimiter}
        layout, rows = _layout(first, rows)
        if layout is not None:
            dialect.update(layout.dialect())
        elif headerless(first):
            dialect["header"] = False
        refined: list[dict[str, Any]] = []
        notes: list[str] = []
        if types:
            # Only a header known to be absent or placed is said: Frictionless looks for
            # the header row (after a preamble line) only where the dialect leaves it open.
            described = frictionless_dialect(_reader_dialect(dialect), sniffed.delimiter)
            try:
                fields = _described_fields(
                    describe(
                        str(path),
                        type="resource",
                        format="csv",  # a .txt table too (Frictionless takes .txt for text)
                        encoding=sniffed.encoding,
                        dialect=described,
                    )
                )
            except Exception as exc:  # Frictionless raises its own exception types
                raise _cannot_describe(path, exc) from None
            rows = _data_rows(first, rows, layout)
            refined, notes = _refined_fields(
                path, fields, rows, header=_sampled_header(dialect, layout)
            )
    return {
        "encoding": sniffed.encoding,
        "dialect": dialect,
        "schema": {"fields": _named(refined, layout)},
        "layout": layout,
        "column_notes": notes,
    }


LAYOUT_ROWS = 100
"""Rows looked at for a report's layout (a title, a header over rows) above the data."""


def _layout(
    first: list[str], rows: Iterator[list[str]]
) -> tuple[Layout | None, Iterator[list[str]]]:
    """The report layout the first rows show, if any, and the rows after ``first``."""
    head = list(itertools.islice(rows, LAYOUT_ROWS - 1))
    return report_layout([first, *head]), itertools.chain(head, rows)


def _data_rows(
    first: list[str], rows: Iterator[list[str]], layout: Layout | None
) -> Iterator[list[str]]:
    """The rows from ``first`` on, less those above a report's data."""
    every = itertools.chain([first], rows)
    return every if layout is None else itertools.islice(every, layout.first_data_row - 1, None)


def _sampled_header(dialect: dict[str, Any], layout: Layout | None) -> bool | None:
    """Whether the rows sampled for the types start with a header: a report's are sampled
    from its first data row on."""
    return False if layout is not None else dialect.get("header")


def _named(fields: list[dict[str, Any]], layout: Layout | None) -> list[dict[str, Any]]:
    """A report's fields named by the words of its header, where it spans rows."""
    if layout is None or not layout.names_fields:
        return fields
    return [{**field, "name": label} for field, label in zip(fields, layout.labels, strict=False)]


_DATA_LIKE = re.compile(r"[-+]?\d[\d ,.:/-]*")


def headerless(first: list[str]) -> bool:
    """Whether a file's first record is data, not a header: it has blank or repeated
    labels, which no header of a table can pass, and most of its cells are numbers,
    codes or dates (``"002100200001";5;;"2020-01-01"``), which labels rarely are. A report
    with a title row or a header spanning rows has blank labels too, but words."""
    cells = [c.strip() for c in first]
    filled = [c for c in cells if c]
    if not filled or (len(filled) == len(cells) and len(set(filled)) == len(filled)):
        return False
    return sum(bool(_DATA_LIKE.fullmatch(c)) for c in filled) * 2 > len(filled)


def infer_native(path: Path, sheet: str | None = None, *, types: bool = True) -> dict[str, Any]:
    """Format and Table Schema of a sheet of an .xlsx, .xls or .ods workbook (``sheet``, a name
    or a number, or the first), or of a JSON table: files whose cells carry their own
    types (without ``types``, no fields: a schema is given). ``sheets`` names the
    workbook's sheets."""
    from frictionless import describe

    from cdo_toolkit.validation.infer import INFER_ROWS, frictionless_dialect
    from cdo_toolkit.validation.jsontable import open_json_table
    from cdo_toolkit.validation.reader import Dialect as TableDialect
    from cdo_toolkit.validation.source import SourceProblem, detect
    from cdo_toolkit.validation.workbook import (
        SHEETS_READ_HERE,
        excel_text,
        open_sheet,
        open_sheet_named,
    )

    dialect: dict[str, Any] = {}
    try:
        opened = detect(path)
        json_table = opened.format in ("json", "jsonl")
        if json_table:
            table = open_json_table(opened)
        elif sheet is not None:
            table, dialect["sheet"] = open_sheet_named(opened, sheet)
        else:
            table = open_sheet(opened, TableDialect())
        try:
            # The first rows with their native values, for Frictionless to infer types from
            # where the sheet is read here: not read (or parsed) a second time.
            head = list(itertools.islice(table.rows, INFER_ROWS))
            rows: Iterator[list[str]] = (
                [excel_text(v) for v in row] for row in itertools.chain(head, table.rows)
            )
            first = next(rows, [])
            layout = None
            if not json_table:  # a JSON table's first row is its keys
                layout, rows = _layout(first, rows)
            if layout is not None:
                dialect.update(layout.dialect())
            elif not json_table and headerless(first):  # a sheet of data from its first row
                dialect["header"] = False
            options: dict[str, Any] = {
                "format": opened.format,
                "dialect": frictionless_dialect(_reader_dialect(dialect), None),
            }
            if json_table:  # Frictionless takes a .json file for data, not rows, unless told
                options["datatype"] = "table"
            refined: list[dict[str, Any]] = []
            notes: list[str] = []
            if types:
                fields = (
                    _described_rows(head, dialect)
                    if opened.format in SHEETS_READ_HERE
                    else _described_fields(describe(str(path), type="resource", **options))
                )
                rows = _data_rows(first, rows, layout)
                sampled, notes = _refined_fields(
                    path, fields, rows, header=_sampled_header(dialect, layout)
                )
                refined = _named(sampled, layout)
        finally:
            table.close()
    except SourceProblem as problem:
        raise CdoError(f"{display_path(path)}: {problem.note}") from None
    except CdoError:
        raise
    except Exception as exc:  # Frictionless and openpyxl raise their own types for a bad file
        raise _cannot_describe(path, exc) from None
    # JSON lines are a source of format json: validation reads a .jsonl file of it by lines.
    file_format = "json" if opened.format == "jsonl" else opened.format
    names = getattr(table, "names", ())
    return {
        "format": file_format,
        "dialect": dialect,
        "schema": {"fields": refined},
        "sheets": list(names),
        "layout": layout,
        "column_notes": notes,
    }


def _described_fields(resource: Any) -> list[dict[str, Any]]:
    """The fields of the Table Schema Frictionless described ``resource`` with."""
    from cdo_toolkit.validation.infer import without_bom

    return without_bom(list(resource.schema.to_descriptor().get("fields", [])))


def _described_rows(head: list[Any], dialect: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields Frictionless infers for a sheet of .ods or .xlsx (``SHEETS_READ_HERE``)
    from its first rows as read here, with their native values."""
    from cdo_toolkit.validation.infer import describe_sheet
    from cdo_toolkit.validation.workbook import Sheet

    _rest, descriptor = describe_sheet(
        Sheet(iter(head), lambda: None, None), _reader_dialect(dialect)
    )
    return list(descriptor.get("fields", []))


# Keys that belong to a field's type, dropped when the field falls back to another type.
_TYPE_KEYS = ("format", "decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues")
# How exports mark a value that is missing; a column failing only on these keeps its type.
MISSING_MARKERS = frozenset({"NA", "N/A", "n/a", "NULL", "null", "-", "–", "—", "?"})
_LOOSER = {"integer": "number", "string": "any"}


def fit_schema(path: Path, inferred: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The proposed schema, loosened until the whole file meets it.

    Types are inferred from the first rows; a later row may not fit (an altitude of
    ``223.6`` after 300 whole ones, or ``NA``). A column failing only on missing-value
    markers (``NA``, ``-``) keeps its type and the schema lists the markers as
    ``missingValues``; any other column whose cells fail its type is loosened (an integer
    to a number, a string holding a workbook's numbers to any, the rest to a string), and
    a failing constraint is dropped, until the file it was described from validates.

    Also returns warnings on what no schema can fix: blank or repeated labels in the row
    taken for the header (a report whose header is lower down, or spans rows).
    """
    from cdo_toolkit.validation.engine import Limits, validate_table

    schema: dict[str, Any] = {"fields": [dict(f) for f in inferred["schema"]["fields"]]}
    unreadable = frozenset({"format-error", "encoding-error", "source-error", "compression-error"})
    labels = frozenset({"blank-label", "duplicate-label"})
    limits = Limits(
        errors=100_000, pick=frozenset({"type-error", "constraint-error"}) | unreadable | labels
    )
    warnings: list[str] = []
    for _round in range(4):
        task = validate_table(_table_input(path, inferred, schema), limits)
        for error in task.errors:
            if error.type in unreadable:  # a NUL byte deep inside: no schema fits the file
                raise CdoError(f"{display_path(path)}: {error.note}")
        warnings = _header_warnings(task, len(schema["fields"]))
        cells: dict[tuple[str, str], set[str]] = {}
        for error in task.errors:
            if error.type in labels:
                continue
            cells.setdefault((error.type, error.field_name or ""), set()).add(error.cell or "")
        if not any(name for _kind, name in cells):
            break
        for field in schema["fields"]:
            failed = cells.get(("type-error", field["name"]))
            if failed and failed <= MISSING_MARKERS:
                missing = schema.setdefault("missingValues", [""])
                missing += sorted(failed - set(missing))
            elif failed:
                kind = field.get("type", "string")
                for key in _TYPE_KEYS:
                    field.pop(key, None)
                field["type"] = _LOOSER.get(kind, "string")
                field.pop("constraints", None)
            elif ("constraint-error", field["name"]) in cells:
                field.pop("constraints", None)
    return schema, warnings


def _take_given(
    inferred: dict[str, Any],
    given: tuple[dict[str, Any], Any],
    data_file: Path,
    name: str,
    source_id: str,
) -> list[str]:
    """Put the given schema (and a CSVW description's dialect and encoding) in place of
    the inferred ones; a warning when the file does not meet it."""
    import copy

    from cdo_toolkit.validation.engine import Limits, validate_table

    descriptor, described = given
    inferred["schema"] = copy.deepcopy(descriptor)
    if described is not None:
        inferred["encoding"] = described.encoding
        inferred["dialect"] = entry_dialect(described.dialect)
        inferred["layout"] = None
    task = validate_table(_table_input(data_file, inferred, inferred["schema"]), Limits(errors=0))
    if not task.error_count:
        return []
    return [
        ngettext(
            "{file} does not meet the given schema: {count} error, which 'cdo validate {file} "
            "--source {id}' lists; the entry keeps the schema as given",
            "{file} does not meet the given schema: {count} errors, which 'cdo validate {file} "
            "--source {id}' lists; the entry keeps the schema as given",
            task.error_count,
        ).format(file=name, count=task.error_count, id=source_id)
    ]


def entry_dialect(dialect: Any) -> dict[str, Any]:
    """A reader's dialect as a registry entry says it: only what differs from the defaults."""
    said: dict[str, Any] = {}
    if dialect.delimiter:
        said["delimiter"] = dialect.delimiter
    if dialect.quote_char != '"':
        said["quote_char"] = dialect.quote_char
    if not dialect.double_quote:
        said["double_quote"] = False
    if dialect.skip_initial_space:
        said["skip_initial_space"] = True
    if dialect.header is False:
        said["header"] = False
    if dialect.header_rows and tuple(dialect.header_rows) != (1,):
        said["header_rows"] = list(dialect.header_rows)
    if dialect.comment_char:
        said["comment_char"] = dialect.comment_char
    if dialect.comment_rows:
        said["comment_rows"] = list(dialect.comment_rows)
    if dialect.skip_blank_rows:
        said["skip_blank_rows"] = True
    return said


def _table_input(path: Path, inferred: dict[str, Any], schema: dict[str, Any]) -> Any:
    """What validating ``path`` with ``schema`` and the inferred dialect takes."""
    from cdo_toolkit.validation.engine import TableInput
    from cdo_toolkit.validation.fields import schema_spec

    return TableInput(
        path,
        path.stem,
        path.name,
        schema_spec(schema),
        _reader_dialect(inferred.get("dialect", {})),
        inferred.get("encoding"),
        inferred.get("format"),
    )


def _reader_dialect(dialect: dict[str, Any]) -> Any:
    """The dialect of an entry being written (registry names) as the reader takes it."""
    from cdo_toolkit.registry.models import Dialect as RegistryDialect
    from cdo_toolkit.validation.api import reader_dialect

    return reader_dialect(RegistryDialect.model_validate(dialect))


def _header_warnings(task: Task, width: int) -> list[str]:
    """What no schema fixes: blank or repeated labels in the row taken for the header."""
    blank = sum(n for (kind, _f), n in task.summary.items() if kind == "blank-label")
    repeated = sum(n for (kind, _f), n in task.summary.items() if kind == "duplicate-label")
    if not blank and not repeated:
        return []
    if not repeated and task.trailing_blank and task.trailing_blank[0] == blank:
        # Every blank label closes the header over empty columns: a spreadsheet's, or a
        # delimiter ending every line, as the note says.
        return [task.trailing_blank[1] + _(", and describe the file again")]
    return [
        _(
            "the row taken for the header has {blank} blank and {repeated} repeated labels of "
            "{width}, which no file of this source can pass: if every line ends with the "
            "delimiter (an empty last column), remove it from the export; if the file has no "
            "header row, set dialect: {{header: false}} in the entry and name its fields; if "
            "the header is "
            "lower down or spans rows (a report layout), save the table alone (one header "
            "row, then the data) and describe it again"
        ).format(blank=blank, repeated=repeated, width=width)
    ]


def _csv_rows(handle: IO[str], delimiter: str) -> Iterator[list[str]]:
    """The records of a CSV file, its BOM left out; they end at a record the csv module
    cannot read (a NUL byte, a cell beyond its size limit), which validating the whole
    file reports after."""
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        for number, row in enumerate(reader):
            if number == 0 and row:
                row[0] = row[0].lstrip("\ufeff")
            yield row
    except csv.Error:
        return


def _column_samples(
    rows: Iterator[list[str]], width: int, header: bool | None = None
) -> list[list[str]]:
    """Up to ``SAMPLE_ROWS`` values of each column that are not blank, from the rows
    after the header validation finds (a preamble line may come first). Reading goes on
    while a column has fewer, up to ``SCAN_ROWS`` rows: a column of city districts or of
    a later year's figures is empty in the first thousands of rows, and typing it from
    those alone would leave it ``any``."""
    from cdo_toolkit.validation.reader import HEADER_SAMPLE_ROWS, header_of
    from cdo_toolkit.validation.reader import Dialect as TableDialect

    head = list(itertools.islice(rows, HEADER_SAMPLE_ROWS))
    _labels, header_records, _has_header = header_of(head, TableDialect(header=header))
    samples: list[list[str]] = [[] for _ in range(width)]
    wanting = list(range(width))
    for row in itertools.islice(itertools.chain(head[header_records:], rows), SCAN_ROWS):
        full = False
        for index in wanting:
            if index < len(row) and row[index].strip():
                samples[index].append(row[index])
                full = full or len(samples[index]) == SAMPLE_ROWS
        if full:
            wanting = [i for i in wanting if len(samples[i]) < SAMPLE_ROWS]
            if not wanting:
                break
    return samples


def _cannot_describe(path: Path, exc: Exception) -> CdoError:
    return CdoError(
        _("cannot describe {file}: {reason}").format(file=display_path(path), reason=exc)
    )


def _refined_fields(
    path: Path,
    fields: list[dict[str, Any]],
    rows: Iterator[list[str]],
    *,
    header: bool | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The fields Frictionless described, each corrected from its sampled values, and
    notes on columns whose values no option of their type reads."""
    if not fields:
        raise CdoError(_("{file}: no columns found").format(file=display_path(path)))
    samples = _column_samples(rows, len(fields), header)
    refined = [refine_field(field, samples[index]) for index, field in enumerate(fields)]
    notes = [
        note
        for field, values in zip(refined, samples, strict=True)
        if field.get("type") == "string" and (note := typographic_minus_note(field["name"], values))
    ]
    return refined, notes


def _pick(registry: Registry, option: str | None, default: str | None, what: str) -> str:
    known: dict[str, Any] = getattr(registry, what + "s")
    file = registry.root / f"{what}s.yaml"
    value = option or default
    if value is None and len(known) == 1:
        value = next(iter(known))
    if not known:
        # A file that does not read is not a registry without any: its first error says why.
        broken = [f for f in registry.errors if Path(f.location.file).resolve() == file.resolve()]
        if broken and file.exists():
            raise CdoError(
                _("no {what} could be read: {first}").format(what=what, first=broken[0].render()),
                hint=_("run 'cdo registry lint' to see them all"),
            )
        raise CdoError(
            _("the registry has no {what} yet").format(what=what),
            hint=_("add one to {file} first, as docs/registry.md shows").format(
                file=display_path(file)
            ),
        )
    if value is None:
        raise CdoError(
            _("no {what} given and the registry has no default").format(what=what),
            hint=_("pass --{what} with one of: {ids}").format(
                what=what, ids=", ".join(sorted(known))
            ),
        )
    if value not in known:
        raise CdoError(
            _("unknown {what} {id!r}").format(what=what, id=value),
            hint=_("one of: {ids}").format(ids=", ".join(sorted(known))),
        )
    return value


@dataclass(frozen=True)
class Choices:
    """What the options and the registry's defaults say of a new source, checked before its
    file is read (a wrong --theme should not cost the read of a large workbook)."""

    guarantor: str
    standard: str
    theme: str
    title: str | None
    schema: Path | None = None
    """A Table Schema or CSVW description to take as it is, rather than infer one."""


def resolve_choices(
    registry: Registry,
    *,
    guarantor: str | None,
    standard: str | None,
    title: str | None,
    theme: str | None,
) -> Choices:
    """The new source's guarantor, standard and theme from the options or the registry's
    defaults.

    Raises:
        CdoError: a value the registry does not know, or no theme at all.
    """
    defaults = registry.info.defaults if registry.info else None
    guarantor_id = _pick(registry, guarantor, defaults.guarantor if defaults else None, "guarantor")
    standard_id = _pick(registry, standard, defaults.standard if defaults else None, "standard")
    theme_value = theme or (defaults.theme.value if defaults and defaults.theme else None)
    themes = [t.value for t in Theme]
    if theme_value not in themes:
        raise CdoError(
            _("no {what} given and the registry has no default").format(what="theme")
            if theme_value is None
            else _("unknown theme {theme!r}").format(theme=theme_value),
            hint=_("pass --theme with one of: {themes}").format(themes=", ".join(themes)),
        )
    return Choices(guarantor_id, standard_id, theme_value, title)


def build_entry(
    registry: Registry,
    source_id: str,
    inferred: dict[str, Any],
    choices: Choices,
    *,
    file_name: str,
) -> dict[str, Any]:
    """The registry entry of a new source, from inferred facts, options and registry defaults."""
    defaults = registry.info.defaults if registry.info else None
    publisher = (defaults.publisher if defaults else None) or registry.guarantors[
        choices.guarantor
    ].organisation
    frequency = (
        defaults.update_frequency if defaults and defaults.update_frequency else Frequency.UNKNOWN
    )
    today = date.today()
    table = re.sub(r"[^a-z0-9_]", "_", source_id)
    if not table[0].isalpha():
        table = f"t_{table}"
    entry: dict[str, Any] = {
        "id": source_id,
        "title": choices.title or source_id.replace("-", " ").capitalize(),
        "description": (
            f"Zdroj založený ze souboru {file_name} dne {today.day}. {today.month}. {today.year}; "
            "popis doplní garant."
        ),
        "theme": choices.theme,
        "keywords": [],
        "guarantor": choices.guarantor,
        "publisher": publisher,
        "standard": choices.standard,
        "update_frequency": frequency.value,
        "licence": (defaults.licence if defaults else None) or "CC-BY-4.0",
        "access": "internal",
        "personal_data": _personal_data(inferred["schema"]),
        "format": inferred.get("format", "csv"),
        **({"encoding": inferred["encoding"]} if "encoding" in inferred else {}),
        # A workbook read from its first sheet and row says nothing: no empty dialect.
        **({"dialect": inferred["dialect"]} if inferred["dialect"] else {}),
        "schema": (schema := typed_as_code_lists(registry, inferred["schema"])),
        **({"checks": checks} if (checks := proposed_checks(registry, schema)) else {}),
        "warehouse": {"table": table, "load_mode": "replace"},
    }
    return entry


# Columns about people, by their usual Czech and English names: a name, a birth number or
# date, a contact. (A company's name or an office's e-mail is not personal; the guarantor
# says so by setting contains: false.)
_PERSONAL_NAME = re.compile(
    r"(.*_)?(jmeno|jméno|prijmeni|příjmení|rodne_cislo|rodné_číslo|rc|datum_narozeni|"
    r"datum_narození|narozen[aií]?|email|e_mail|telefon|tel|mobil|bydliste|bydliště|"
    r"first_name|last_name|surname|birth_date|phone)(_.*)?",
    re.IGNORECASE,
)


def personal_columns(schema: dict[str, Any]) -> list[str]:
    """The columns whose names say they hold personal data."""
    return [f["name"] for f in schema.get("fields", []) if _PERSONAL_NAME.fullmatch(f["name"])]


def _personal_data(schema: dict[str, Any]) -> bool | dict[str, Any]:
    """``false``, or, where column names say the file is about people, ``contains: true``
    with those columns, so that they are masked in every output from the first run; the
    legal basis and retention are left for the guarantor (the personal-data policy asks
    for them)."""
    columns = personal_columns(schema)
    return {"contains": True, "columns": columns} if columns else False


def proposed_checks(registry: Registry, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Registry checks the new source's columns call for, as warnings: an ``ico`` check for
    an IČO column, and a ``code-list`` check for a column named as the registry's other
    sources name a column they refer to a code list by (``kod_obce`` → ``obce.kod_obce``
    wherever an entry has that foreign key or code list). Warnings report without rejecting
    a file that was never checked so; the entry's header says to raise them once the data
    pass."""
    keys = _code_list_columns(registry)
    checks: list[dict[str, Any]] = []
    for field in schema.get("fields", []):
        name = field["name"]
        if field.get("type", "string") == "string" and _ICO_NAME.fullmatch(name):
            checks.append({"type": "ico", "field": name, "severity": "warning"})
        if name in keys and field.get("type", "string") in ("string", "integer"):
            source, source_field = keys[name]
            checks.append(
                {
                    "type": "code-list",
                    "field": name,
                    "source": source,
                    "source_field": source_field,
                    "severity": "warning",
                }
            )
    return checks


def typed_as_code_lists(registry: Registry, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with each column named as a code list's (``kod_obce`` → ``obce.kod_obce``,
    see :func:`proposed_checks`) that this file's digits made integers typed as text where
    the code list's column is text: one code, one type in every table of the warehouse, so
    that a build's join needs no cast (PostgreSQL refuses ``integer = text``) and a later
    file's leading zeros stay."""
    keys = _code_list_columns(registry)
    fields = [
        _as_text(field)
        if field["name"] in keys
        and field.get("type") == "integer"
        and _field_type(registry, *keys[field["name"]]) == "string"
        else field
        for field in schema.get("fields", [])
    ]
    return {**schema, "fields": fields}


def _field_type(registry: Registry, source: str, name: str) -> str | None:
    fields = (registry.sources[source].schema or {}).get("fields", [])
    return next((f.get("type", "string") for f in fields if f.get("name") == name), None)


def _as_text(field: dict[str, Any]) -> dict[str, Any]:
    """An integer field as a text one, with the constraints text can have."""
    kept = {k: v for k, v in field.get("constraints", {}).items() if k in ("required", "unique")}
    plain = {k: v for k, v in field.items() if k not in ("constraints", "bareNumber", "groupChar")}
    return {**plain, "type": "string", **({"constraints": kept} if kept else {})}


def _code_list_columns(registry: Registry) -> dict[str, tuple[str, str]]:
    """Column name → (source, field) it refers to in the registry's entries, by a foreign
    key into another source or a code-list check; the first, by source id, where several."""
    found: dict[str, tuple[str, str]] = {}
    for entry in (registry.sources[i] for i in registry.source_ids()):
        for field, source, source_field in entry.code_references(single=True):
            if source in registry.sources:
                found.setdefault(field, (source, source_field))
    return found


def _comment(text: str) -> str:
    """``text`` as YAML comment lines of the entry's header."""
    # A `code span` stays on one line: its spaces are held until the text is wrapped.
    held = re.sub(r"`[^`]*`", lambda m: m[0].replace(" ", "\x00"), text)
    lines = textwrap.wrap(held, 90, break_on_hyphens=False)
    return "".join(f"# {line}\n".replace("\x00", " ") for line in lines)


def _header(file_name: str) -> str:
    """The entry's first comment: where it came from and what to review."""
    return _comment(
        _(
            "Onboarded by `cdo registry add` from {file}. Review before use: title, "
            "description, keywords, update_frequency, licence, access, personal_data (set "
            "from the column names: confirm it!) and the inferred Table Schema. Proposed "
            "checks are warnings: make them errors (delete `severity: warning`) once the "
            "data pass."
        ).format(file=file_name)
    )


class _EntryDumper(yaml.SafeDumper):
    """Writes a list of numbers on one line (``comment_rows: [1, 2, 3]``)."""


def _list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(item, int) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow or None)


_EntryDumper.add_representer(list, _list)


def _layout_said(layout: Layout, *, schema_given: bool) -> str:
    """What the entry makes of a report's layout, and what the guarantor is to do."""
    header = layout.header_rows
    if layout.names_fields:
        text = (
            _(
                "The file is laid out as a report: its header takes rows {first} to {last}, "
                "above the data in row {data}. The entry leaves out every row above the data "
                "(`header: false` and `comment_rows`); its fields are those of the given "
                "schema."
            )
            if schema_given
            else _(
                "The file is laid out as a report: its header takes rows {first} to {last}, "
                "above the data in row {data}. The entry leaves out every row above the data "
                "(`header: false` and `comment_rows`) and names the fields from the header's "
                "words."
            )
        )
        moved = _("If a later file's header takes other rows, change comment_rows to match.")
    else:
        text = _(
            "The file has rows above its header (a title): its header is row {first}, "
            "above the data in row {data}, and the entry says so (`header_rows`)."
        )
        moved = _("If a later file's header is in another row, change header_rows to match.")
    said = [text.format(first=header[0], last=header[-1], data=layout.first_data_row)]
    if layout.numbering_row is not None:
        said.append(
            _("Row {row} numbers the columns and is left out.").format(row=layout.numbering_row)
        )
    if layout.names_fields:  # a report's totals and notes, under its table
        said.append(
            _(
                "Rows under the table that are no data (a total, notes) fail validation: "
                "delete them before submitting."
            )
        )
    said.append(moved)
    return " ".join(said)


def _key_header(key: Key, file_name: str) -> str:
    """The entry's comment on why its primary key was proposed."""
    columns = ", ".join(key.columns)
    if key.of_names:
        text = _(
            "The primary key ({key}) is proposed because these names are filled and unique "
            "together in every row of {file}, which has no codes: names change and are "
            "spelt differently, so key the source by codes (e.g. the municipality's RÚIAN "
            "code) once its files have them."
        )
    elif key.failing:
        text = _(
            "The primary key ({key}) is proposed because it identifies every row of {file} "
            "but {rows} ({defects}): fix those rows in the data, or choose another key."
        )
    else:
        text = _(
            "The primary key ({key}) is proposed because it is filled and unique in every "
            "row of {file}: confirm that it identifies a row in every file of the source."
        )
    text = text.format(key=columns, file=file_name, rows=key.failing, defects=_key_defects(key))
    if key.ragged:
        text += " " + _ragged(key)
    return _comment(text)


def _ragged(key: Key) -> str:
    return ngettext(
        "{rows} row with missing or extra cells was not looked at (validation reports it): "
        "check the key on it once it is mended.",
        "{rows} rows with missing or extra cells were not looked at (validation reports "
        "them): check the key on them once they are mended.",
        key.ragged,
    ).format(rows=key.ragged)


def _key_defects(key: Key) -> str:
    """How many rows fail a proposed key, and why: "1 with a cell of it empty, 1
    repeating an earlier row's key"."""
    parts = []
    if key.empty:
        parts.append(_("{rows} with a cell of it empty").format(rows=key.empty))
    if key.repeated:
        parts.append(_("{rows} repeating an earlier row's key").format(rows=key.repeated))
    return ", ".join(parts)


def _key_warnings(key: Key, file_name: str) -> list[str]:
    """What the guarantor must do about a proposed key the file fails in some rows, one
    made of names, or one not looked at on the rows with missing or extra cells."""
    columns = ", ".join(key.columns)
    said = []
    if key.of_names:
        said.append(
            _(
                "the proposed primary key ({key}) is made of names, the only columns filled "
                "and unique together in {file}: names change and are spelt differently, so "
                "key the source by codes once its files have them"
            ).format(key=columns, file=file_name)
        )
    elif key.failing:
        said.append(
            ngettext(
                "the proposed primary key ({key}) identifies every row of {file} but {rows} "
                "({defects}): 'cdo validate' lists it; fix it in the data, or choose another "
                "key under schema: primaryKey",
                "the proposed primary key ({key}) identifies every row of {file} but {rows} "
                "({defects}): 'cdo validate' lists them; fix them in the data, or choose "
                "another key under schema: primaryKey",
                key.failing,
            ).format(key=columns, file=file_name, rows=key.failing, defects=_key_defects(key))
        )
    if key.ragged:
        said.append(
            _("the proposed primary key ({key}): {ragged}").format(key=columns, ragged=_ragged(key))
        )
    return said


def add_source(
    root: Path,
    source_id: str,
    data_file: Path,
    *,
    guarantor: str | None = None,
    standard: str | None = None,
    title: str | None = None,
    theme: str | None = None,
    sheet: str | None = None,
    schema: Path | None = None,
) -> tuple[Path, list[str]]:
    """Write ``sources/<id>.yaml`` for a new source inferred from ``data_file`` (of a
    workbook, its ``sheet``; with ``schema``, a Table Schema or CSVW description taken as
    given); returns its path, and warnings on what the entry cannot make right by itself.

    Raises:
        CdoError: invalid id, existing source, unreadable file, or a reference the registry lacks.
    """
    if not re.match(ID_PATTERN, source_id) or len(source_id) > 64:
        raise CdoError(
            _("invalid id {id!r}").format(id=source_id),
            hint=_("use lower-case letters, digits and '-', e.g. 'skoly-2024'"),
        )
    registry = load(root)
    target = root / "sources" / f"{source_id}.yaml"
    if source_id in registry.sources or target.exists():
        raise CdoError(
            _("source {id!r} already exists ({file})").format(
                id=source_id, file=display_path(target)
            ),
            hint=_("choose another id, or edit the existing file"),
        )
    require_file(data_file)
    suffix = data_file.suffix.lower()
    if suffix not in (*DESCRIBED, *PACKED):
        raise CdoError(
            _("{file}: only CSV, TSV, Excel, OpenDocument and JSON files can be described").format(
                file=display_path(data_file)
            ),
            hint=_("save the data as CSV (UTF-8) and try again"),
        )
    choices = resolve_choices(
        registry, guarantor=guarantor, standard=standard, title=title, theme=theme
    )
    if schema is not None:
        if not schema.is_file():
            raise CdoError(_("schema file {file} not found").format(file=display_path(schema)))
        choices = dataclasses.replace(choices, schema=schema)
    if suffix not in PACKED:
        return _describe(registry, target, data_file, data_file.name, choices, sheet)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cdo-add-") as folder:
        inner = _unpacked(data_file, Path(folder))
        try:
            return _describe(registry, target, inner, data_file.name, choices, sheet)
        except CdoError as exc:  # name the file the guarantor gave, not our scratch copy
            exc.message = exc.message.replace(display_path(inner), display_path(data_file))
            raise


WORKBOOKS = WORKBOOK_SUFFIXES
DESCRIBED = (".csv", ".tsv", ".txt", *WORKBOOKS, ".json", ".jsonl", ".ndjson")
NATIVE = (*WORKBOOKS, ".json", ".jsonl", ".ndjson")
"""Files whose cells carry their own types."""
PACKED = (".gz", ".zip")


def _unpacked(packed: Path, folder: Path) -> Path:
    """The table inside ``packed`` (a .gz, or a .zip of one file), written to ``folder``
    under its own name, within the limits validation reads archives by (no zip bomb, no
    member leading out of the archive).

    Raises:
        CdoError: no readable archive, several files, or a file that is no table.
    """
    import shutil

    from cdo_toolkit.validation.source import SourceProblem, detect, open_binary

    try:
        opened = detect(packed)
        inner = Path(opened.member or packed.name[: -len(packed.suffix)]).name
        if Path(inner).suffix.lower() not in DESCRIBED:
            raise CdoError(
                _(
                    "{file} holds {inner}: only CSV, TSV, Excel, OpenDocument and JSON files can be described"
                ).format(file=display_path(packed), inner=inner),
                hint=_("save the data as CSV (UTF-8) and try again"),
            )
        target = folder / inner
        with open_binary(opened) as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)
    except SourceProblem as exc:
        raise CdoError(f"{display_path(packed)}: {exc.note}") from None
    except OSError as exc:  # no room for the unpacked copy, or a file that vanished
        raise CdoError(
            _("{file}: the archive cannot be unpacked: {reason}").format(
                file=display_path(packed), reason=exc
            )
        ) from None
    return target


def _describe(
    registry: Registry,
    target: Path,
    data_file: Path,
    name: str,
    choices: Choices,
    sheet: str | None = None,
) -> tuple[Path, list[str]]:
    """Infer the entry of a new source from ``data_file`` (named ``name`` to the guarantor)
    and write it to ``target``; returns its path and the warnings. A workbook is parsed
    once for the several readings (openpyxl is slow)."""
    from cdo_toolkit.validation.workbook import remembered_sheets

    if sheet is not None and data_file.suffix.lower() not in WORKBOOKS:
        raise CdoError(
            _("--sheet names a sheet of a workbook, and {file} is none").format(file=name)
        )
    with remembered_sheets():
        return _describe_read(registry, target, data_file, name, choices, sheet)


def _describe_read(
    registry: Registry,
    target: Path,
    data_file: Path,
    name: str,
    choices: Choices,
    sheet: str | None,
) -> tuple[Path, list[str]]:
    from cdo_toolkit.validation.api import judged_schema

    source_id = target.stem
    given = judged_schema(choices.schema) if choices.schema is not None else None
    if given is not None and given[1] is not None and data_file.suffix.lower() in NATIVE:
        raise CdoError(
            _(
                "{schema} is a CSVW description, which describes CSV files, and {file} is none"
            ).format(schema=display_path(choices.schema or Path()), file=name)
        )
    # With a schema given, the file is read for its dialect and sheets only.
    inferred = (
        infer_native(data_file, sheet, types=given is None)
        if data_file.suffix.lower() in NATIVE
        else infer_csv(data_file, types=given is None)
    )
    # A field is any only when no value of it was seen: all of them, and there is no data.
    empty = given is None and all(f.get("type") == "any" for f in inferred["schema"]["fields"])
    if given is None:
        inferred["schema"], warnings = fit_schema(data_file, inferred)
    else:
        warnings = _take_given(inferred, given, data_file, name, source_id)
    if empty:
        warnings.append(
            _(
                "{file} has no data, only its header, so no field's type could be inferred: "
                "each is any (every value passes); give each field its type in the entry, or "
                "onboard the source from a file with data"
            ).format(file=name)
        )
    warnings += inferred.pop("column_notes", [])
    sheets = inferred.pop("sheets", [])
    layout: Layout | None = inferred.pop("layout", None)
    if sheet is None and len(sheets) > 1:
        warnings.append(
            _(
                "the workbook has {count} sheets ({names}): the first, {first}, is described; "
                "to describe another, pass --sheet with its name"
            ).format(count=len(sheets), names=", ".join(sheets), first=sheets[0])
        )
    layout_said = None if layout is None else _layout_said(layout, schema_given=given is not None)
    if layout_said is not None:
        warnings.append(layout_said[0].lower() + layout_said[1:])
    elif inferred["dialect"].get("header") is False:
        fields = inferred["schema"]["fields"]
        warnings.append(
            _(
                "the file has no header row (its first record is data), so the entry says "
                "dialect: {{header: false}} and names the fields {first} to {last}: rename "
                "them in the entry after what they hold (the source's codebook says)"
            ).format(first=fields[0]["name"], last=fields[-1]["name"])
        )
    foreign = frozenset(_code_list_columns(registry))
    key = (
        None
        if "primaryKey" in inferred["schema"]
        else propose_key(_table_input(data_file, inferred, inferred["schema"]), foreign)
    )
    if key is not None:
        inferred["schema"]["primaryKey"] = key.columns
        # A key's cells must be filled (Table Schema says so), but Frictionless reports an
        # empty one only when the whole key is: required reports each.
        for field in inferred["schema"]["fields"]:
            if field["name"] in key.columns:
                field.setdefault("constraints", {})["required"] = True
        warnings.extend(_key_warnings(key, name))
    elif "primaryKey" not in inferred["schema"] and not empty:
        warnings.append(
            _(
                "no column, nor two or three together (an identifier with dates or with "
                "what a row is of, such as a measured element), is filled and unique in "
                "every row, so the entry has no primary key and its uniqueness "
                "will not be scored: list the columns that identify a row under schema: "
                "primaryKey"
            )
        )
    entry = build_entry(registry, source_id, inferred, choices, file_name=name)
    header = _header(name)
    personal = personal_columns(inferred["schema"])
    if personal:
        warnings.append(
            _(
                "the columns {columns} look like personal data: the entry marks them so "
                "(masked in every output); add its legal_basis and retention, or set "
                "personal_data: false if they are not about people"
            ).format(columns=", ".join(personal))
        )
    if choices.schema is not None:
        header += _comment(
            _("The Table Schema is {schema}'s, as given, not inferred from the data.").format(
                schema=choices.schema.name
            )
        )
    if layout_said is not None:
        header += _comment(layout_said)
    if key is not None:
        header += _key_header(key, name)
    text = header + yaml.dump(
        entry, Dumper=_EntryDumper, allow_unicode=True, sort_keys=False, width=100
    )
    # PyYAML writes a no-break space as it is, which no one reading the entry could see.
    text = text.replace("groupChar: \u00a0\n", 'groupChar: "\\u00A0"  # a no-break space\n')
    from cdo_toolkit.files import write_atomic

    # Whole or not at all (a full disk leaves no half entry that lint would trip on), and
    # never over a file that appeared since the check above.
    write_atomic(target, text, new=True)
    return target, warnings
