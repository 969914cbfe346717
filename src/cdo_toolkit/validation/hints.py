"""Notes naming the one cause behind many failing cells, with what to do.

Frictionless reports each cell; when the failures share a cause a guarantor can fix in a
minute, a note says it once: types guessed from the first rows (no schema was given); the
file's delimiter is not the declared one; a report's layout (a title, a header over
rows) read as a table; a column left out, added or moved; dates in
another format than the schema's, or a schema format naming no part of a date; numbers
with another decimal or group character, or with a unit; a Czech yes/no in a boolean
field; numbers where a workbook or a JSON table should hold text (codes that lost their
leading zeros). Only the header and the cells the report lists are looked at, so a valid file
costs nothing. The date formats serve ``cdo registry add`` too.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from cdo_toolkit.i18n import _, ngettext

if TYPE_CHECKING:
    from cdo_toolkit.validation.fields import FieldSpec, SchemaSpec
    from cdo_toolkit.validation.reader import Dialect, TableText
    from cdo_toolkit.validation.report import Task

# Orders matter: the first reading that fits every failing value is named, European first.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d. %m. %Y", "%d/%m/%Y", "%m/%d/%Y", "%Y%m%d", "%d.%m.%y")
DATETIME_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d. %m. %Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",  # US exports (Excel, Power BI): 3/5/2021 12:00:00 AM
)
# (decimalChar, groupChar) as Czech and other exports write numbers.
NUMBER_STYLES = ((".", ""), (",", ""), (",", " "), (",", "\u00a0"), (".", ","), (",", "."))
BOOLEAN_PAIRS = (
    ("ano", "ne"),
    ("a", "n"),
    ("yes", "no"),
    ("y", "n"),
    ("1", "0"),
    ("pravda", "nepravda"),
)
MIN_FAILURES = 3
"""A field needs this many failing values listed before a shared cause is named."""


def guessed_types(task: Task, schema: SchemaSpec) -> None:
    """Without a schema, types are guessed from the first rows, as Frictionless guesses
    them: a column of whole numbers there and decimals further down gives a type error on
    every later row. Said, with what to do, so that a guarantor does not correct good data."""
    from frictionless import settings  # loaded already: it guessed the schema

    guessed = {f.name: f.type for f in schema.fields}
    fields = sorted({name for kind, name in task.summary if kind == "type-error" and name})
    if not fields:
        return
    task.notes.append(
        _(
            "no schema was given, so the types were guessed from the first {rows} rows, as "
            "Frictionless guesses them ({fields}); if the values are right, describe the file "
            "with cdo registry add, which fits the types to the whole file, or give a Table "
            "Schema (--schema)"
        ).format(
            rows=settings.DEFAULT_SAMPLE_SIZE,
            fields=", ".join(f"{name}: {guessed.get(name, '?')}" for name in fields),
        )
    )


def report_layout(task: Task, text: TableText, dialect: Dialect) -> bool:
    """Blank labels from a report's layout (a title, a header over rows, a row numbering
    the columns): say where the header and the data are, and what reads such a file."""
    if dialect.header is False or dialect.header_rows or dialect.comment_rows:
        return False
    blank_header = not any(label.strip() for label in text.labels)  # blank lines above it
    if not blank_header and not any(kind == "blank-label" for kind, _name in task.summary):
        return False
    from cdo_toolkit.validation.layout import report_layout as found_layout

    layout = found_layout(text.head)
    if layout is None:
        return False
    first, last = layout.header_rows[0], layout.header_rows[-1]
    if layout.names_fields:
        said = _(
            "the file is laid out as a report, not as a table: its header takes rows {first} "
            "to {last} and the data start in row {data}; describe it with cdo registry add, "
            "which reads such a layout, or declare in the dialect the rows above the data "
            "(header: false and comment_rows 1 to {above}); rows under the data (a total, "
            "notes) must go"
        )
    else:
        said = _(
            "the file has rows above its header (a title, blank lines): its header is row "
            "{first} and the data start in row {data}; declare the header's row in the dialect "
            "(header_rows: [{first}], in a Data Package headerRows), or describe the file with "
            "cdo registry add, which finds it"
        )
    task.notes.append(
        said.format(
            first=first, last=last, data=layout.first_data_row, above=layout.first_data_row - 1
        )
    )
    return True


def blank_last_columns(task: Task, text: TableText) -> None:
    """Labels blank at the end of the header, over columns without values in the first
    rows: a delimiter ending every line of a CSV export, or a spreadsheet's columns that
    once held something. Said once, instead of a blank or extra label to puzzle over."""
    labels = text.labels
    named = len(labels)
    while named and not labels[named - 1].strip():
        named -= 1
    if not text.has_header or named in (0, len(labels)):
        return
    rows = text.head[text.first_row - 1 :]
    if any(cell.strip() for row in rows for cell in row[named:]):
        return  # values without a label: the column is to be named, as the error says
    count = len(labels) - named
    note = _trailing_blank_note(count, text.delimiter)
    task.trailing_blank = (count, note)
    task.notes.append(note)


def _trailing_blank_note(count: int, delimiter: str | None) -> str:
    if delimiter and count == 1:
        return _(
            "the lines of the file end with the delimiter {delimiter!r}, which makes an "
            "empty last column without a label: remove the delimiter at the end of the "
            "lines (or the empty column, in the program that exports the file)"
        ).format(delimiter=_named(delimiter))
    return ngettext(
        "the header ends in {count} column without a label or values, as a spreadsheet "
        "exports a column that once held something: delete it",
        "the header ends in {count} columns without a label or values, as a spreadsheet "
        "exports columns that once held something: delete them",
        count,
    ).format(count=count)


FOOTER_ROWS = 20
"""Rows under a table that a note takes for its totals and notes, at most."""


def rows_under_the_table(task: Task, text: TableText) -> None:
    """Errors only in a block of rows that closes the file, one of them blank: a report's
    total and notes under its data (the RUD projection's ten rows), which no schema
    fits. Said once, with what to do, instead of leaving the errors to be puzzled over."""
    if not task.errors or task.error_count != len(task.errors):
        return  # not every error listed: the block cannot be told
    if any(e.row_number is None for e in task.errors):
        return
    if not any(e.type == "blank-row" for e in task.errors):
        return
    rows = sorted({e.row_number for e in task.errors if e.row_number is not None})
    skipped = {n for n in text.passed_over if n >= text.first_row}
    last = text.first_row - 1 + task.rows + len(skipped)
    if last - rows[0] + 1 > FOOTER_ROWS + len(skipped):
        return  # the first failing row is far from the end: no block to build
    block = [n for n in range(rows[0], last + 1) if n not in skipped]
    if rows != block or not 2 <= len(block) <= FOOTER_ROWS or len(block) >= task.rows:
        return
    if all(e.type == "blank-row" for e in task.errors):
        # Empty lines an export left at the end: nothing to puzzle over but where they are.
        task.notes.append(
            _(
                "rows {first} to {last}, closing the file, are empty: delete them (an export "
                "left empty lines at the end)"
            ).format(first=block[0], last=block[-1])
        )
        return
    task.notes.append(
        _(
            "rows {first} to {last} close the file and are the only ones that fail, one of "
            "them blank: if they are a total or notes under the table, delete them before "
            "submitting, since they are no rows of the data"
        ).format(first=block[0], last=block[-1])
    )


MOSTLY_BLANK = 1000
"""Blank rows, more than half the table's, that a note takes for a sheet's rows down to a
cell far below the table."""


def mostly_blank(task: Task) -> None:
    """More blank rows than rows of data: a spreadsheet gives the rows down to its last
    cell, and a cell far below the table (a value or a format left there) makes a million
    blank rows. Said once, with how to find the cell."""
    blank = task.summary.get(("blank-row", ""), 0)
    if blank < MOSTLY_BLANK or blank * 2 < task.rows:
        return
    task.notes.append(
        _(
            "{blank} of the {rows} rows are blank: the sheet reaches far below its table, to "
            "a cell that holds something (in Excel, Ctrl+End goes to it); delete the rows "
            "below the table and save the file again"
        ).format(blank=blank, rows=task.rows)
    )


def end_of_file_mark(task: Task) -> None:
    """The last row is a lone Ctrl+Z: the end-of-file mark of DOS programs (and of some
    exports for them), which a CSV reader reads as one more row, missing its cells."""
    last = [e for e in task.errors if e.row_number is not None and e.cells == ["\x1a"]]
    if not last or max(e.row_number or 0 for e in task.errors) != last[0].row_number:
        return
    task.notes.append(
        _(
            "row {row} is the end-of-file mark of DOS programs (Ctrl+Z), not data: have the "
            "export leave it out, or delete it (the file's last character)"
        ).format(row=last[0].row_number)
    )


def repeated_header(task: Task) -> None:
    """Rows whose failing cells are the labels of their columns: the header again, where
    exports were joined one after another (a month's file under the last). Said once."""
    if not task.labels:
        return
    cells: dict[int, list[bool]] = {}
    for error in task.errors:
        if error.row_number is None or not error.field_number or error.cell is None:
            continue
        label = (
            task.labels[error.field_number - 1] if error.field_number <= len(task.labels) else ""
        )
        # A blank label matches nothing: an empty required cell under it is no header.
        cells.setdefault(error.row_number, []).append(
            bool(label.strip()) and error.cell.strip() == label.strip()
        )
    rows = sorted(row for row, labelled in cells.items() if all(labelled))
    if not rows:
        return
    task.notes.append(
        ngettext(
            "row {rows} repeats the header (files joined one after another?): delete it",
            "rows {rows} repeat the header (files joined one after another?): delete them",
            len(rows),
        ).format(rows=", ".join(map(str, rows[:10])) + (", …" if len(rows) > 10 else ""))
    )


def labels_written_otherwise(task: Task, schema: SchemaSpec) -> bool:
    """Labels that are the schema's names with accents, capitals or spaces (``Kód obce``
    for ``kod_obce``): every such column is an incorrect label, though its data are read
    right, since columns are matched by position. Said once, with the pairs."""
    names = {e.field_name: e.label for e in task.errors if e.type == "incorrect-label"}
    if not names or any(label is None for label in names.values()):
        return False
    if any(_plain(str(label)) != _plain(str(name)) for name, label in names.items()):
        return False
    pairs = ", ".join(f"{label} → {name}" for name, label in list(names.items())[:5])
    task.notes.append(
        _(
            "the labels are the schema's field names written otherwise ({pairs}); the columns "
            "are matched by position, so their values were checked as the right fields: "
            "rename the columns as the schema names them, or the fields as the file labels them"
        ).format(pairs=pairs + (", …" if len(names) > 5 else ""))
    )
    return True


def _plain(text: str) -> str:
    """``Počet obyvatel`` and ``pocet_obyvatel`` alike: no accents, capitals or spaces."""
    import unicodedata

    letters = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in letters if not unicodedata.combining(c)).lower()
    return re.sub(r"[^0-9a-z]+", "_", bare).strip("_")


def wrong_delimiter(task: Task, schema: SchemaSpec, text: TableText) -> bool:
    """A file written with another delimiter than the declared one has one long label and
    a missing label for every other field, and every row fails. When another delimiter
    splits the header into the schema's field names, say so."""
    from cdo_toolkit.validation.sniff import DELIMITERS

    used = text.delimiter
    names = [f.name for f in schema.fields]
    if used is None or not text.has_header or len(names) < 2 or len(text.labels) >= len(names):
        return False
    header = used.join(text.labels)
    for candidate in DELIMITERS.replace(used, ""):
        labels = [label.strip().strip('"') for label in header.split(candidate)]
        if labels == names:
            task.notes.append(
                _(
                    "the header splits into the schema's fields by {found!r}, not by the "
                    "declared delimiter {used!r}: save the file with {used!r}, or declare "
                    "the delimiter {found!r} (the registry entry's dialect, or --delimiter)"
                ).format(found=_named(candidate), used=_named(used))
            )
            return True
    return False


def shifted_columns(task: Task, schema: SchemaSpec, text: TableText) -> bool:
    """Fields are matched to columns by position, as Frictionless matches them: a column
    left out, added or moved makes every column after it fail as the wrong field. When the
    header is the schema's fields with columns left out, added or reordered, say which."""
    labels = [label.strip() for label in text.labels]
    names = [f.name for f in schema.fields]
    if not text.has_header or len(labels) < 2 or labels == names:
        return False
    missing = [name for name in names if name not in labels]
    extra = [label for label in labels if label not in names]
    if sorted(labels) == sorted(names):
        note = _(
            "the header has the schema's columns in another order; columns are matched to "
            "fields by position, so put them in the schema's order: {names}"
        )
    elif missing and not extra and [n for n in names if n in labels] == labels:
        if labels == names[: len(labels)]:
            return False  # the last columns missing: nothing is shifted, the errors say it
        note = _(
            "the header lacks the column(s) {missing}, so the columns after it are checked "
            "as the wrong fields: add the column(s) where the schema has them (empty, if "
            "there are no values)"
        )
    elif extra and not missing and [label for label in labels if label in names] == names:
        if labels[: len(names)] == names:
            # Named columns after the schema's: the errors say it; blank ones at the end:
            # blank_last_columns says it.
            return False
        note = _(
            "the header has the column(s) {extra}, which the schema does not have, so "
            "the columns after it are checked as the wrong fields: remove the column(s), "
            "or add them to the schema"
        )
    else:
        return False
    unnamed = _("(column {number}, no label)")
    extra = [
        label or unnamed.format(number=number)
        for number, label in enumerate(labels, start=1)
        if label not in names
    ]
    task.notes.append(
        note.format(
            names=", ".join(names),
            missing=", ".join(missing),
            extra=", ".join(extra),
            count=len(labels) - len(names),
        )
    )
    return True


def _named(delimiter: str) -> str:
    return "tab" if delimiter == "\t" else delimiter


def field_formats(task: Task, schema: SchemaSpec) -> None:
    """For each field whose listed type errors all read as one other format, say which."""
    failing = _failing_cells(task)
    for spec in schema.fields:
        minus = _typographic_minus(spec, failing.get(spec.name, []))
        if minus:
            task.notes.append(minus)
            continue
        if len(failing.get(spec.name, [])) < MIN_FAILURES:
            continue
        cells = list(dict.fromkeys(failing[spec.name]))[:200]
        note = _cause(spec, cells)
        if note:
            task.notes.append(note)


def _cause(spec: FieldSpec, cells: list[str]) -> str | None:
    said = {"field": spec.name, "example": cells[0]}
    if spec.type in ("date", "datetime", "time") and no_directive(spec.format):
        proposed = as_strptime(spec.format, spec.type)
        return _(
            "{field}: the schema's format {format!r} names no part of a date or time "
            "(strptime writes them as %d, %m, %Y, %H, %M), so no value can match it: write "
            "it as {proposed}"
        ).format(format=spec.format, proposed=repr(proposed) if proposed else "'%d.%m.%Y'", **said)
    if spec.type in ("date", "datetime"):
        formats = DATE_FORMATS if spec.type == "date" else DATETIME_FORMATS
        found = next((f for f in formats if f != spec.format and _all_dates(cells, f)), None)
        if found is None:
            return None
        declare = (
            '"format": "default"'
            if found in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S")
            else (f'"format": "{found}"')
        )
        return _(
            '{field}: the failing values are written as "{example}", where the schema\'s '
            'format {format} wants "{wanted}": correct them, or, if the source writes them '
            "so, declare {declare} for the field"
        ).format(
            format="ISO 8601" if spec.format in ("default", "any", "") else spec.format,
            wanted=_rewritten(cells[0], found, spec),
            declare=declare,
            **said,
        )
    if spec.type in ("number", "integer"):
        return _number_cause(spec, cells, said)
    if spec.type == "boolean":
        seen = {c.lower() for c in cells}
        pair = next((p for p in BOOLEAN_PAIRS if seen <= set(p)), None)
        if pair is None:
            return None
        values = {c.lower(): c for c in cells}
        true, false = values.get(pair[0], pair[0]), values.get(pair[1], pair[1])
        return _(
            '{field}: the failing values are yes and no written as "{true}" and "{false}": '
            'declare "trueValues": ["{true}"] and "falseValues": ["{false}"] for the field'
        ).format(true=true, false=false, **said)
    return None


MINUS_SIGNS = "\u2212\u2013"
"""The minus sign and the en dash, which typesetting and statistical exports write for
a hyphen-minus; no number reads them."""


def _typographic_minus(spec: FieldSpec, cells: list[str]) -> str | None:
    """Numbers that fail only for a typographic minus: one is enough to name the cause."""
    if spec.type not in ("number", "integer"):
        return None
    signed = [c for c in cells if c[:1] in MINUS_SIGNS]
    fixed = ["-" + c[1:] for c in signed]
    if not signed or not all(
        _number(v, spec.decimal_char, spec.group_char)
        and (spec.type == "number" or v[1:].isdigit())
        for v in fixed
    ):
        return None
    return ngettext(
        '{field}: {count} failing value starts with the sign "{sign}" (e.g. "{example}") '
        'for a minus, which no number reads: write a hyphen-minus "-" instead',
        '{field}: {count} failing values start with the sign "{sign}" (e.g. "{example}") '
        'for a minus, which no number reads: write a hyphen-minus "-" instead',
        len(signed),
    ).format(field=spec.name, count=len(signed), sign=signed[0][0], example=signed[0])


# What Excel and LibreOffice show in a cell whose formula failed (LibreOffice's own codes
# are Err:502 and the like).
_FORMULA_ERROR = re.compile(
    r"#(DIV/0!|N/A|REF!|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!)|Err:\d{3}"
)


def formula_errors(task: Task) -> None:
    """For each field whose listed type errors include a failed formula's text
    (``#DIV/0!``, ``Err:502``), say so: it is not a value written wrong, but a formula to
    correct in the spreadsheet the file came from. One such cell is enough."""
    for field, cells in _failing_cells(task).items():
        failed = [cell for cell in cells if _FORMULA_ERROR.fullmatch(cell)]
        if failed:
            task.notes.append(
                ngettext(
                    "{field}: {count} listed cell holds a formula's error ({example}), not a "
                    "value: correct the formula in the spreadsheet (or put its value in its "
                    "place) and save the file again",
                    "{field}: {count} listed cells hold a formula's error ({example}), not a "
                    "value: correct the formulas in the spreadsheet (or put their values in "
                    "their place) and save the file again",
                    len(failed),
                ).format(field=field, count=len(failed), example=failed[0])
            )


def _failing_cells(task: Task) -> dict[str, list[str]]:
    """The listed type errors' cells (stripped, blank ones left out), by field."""
    failing: dict[str, list[str]] = {}
    for error in task.errors:
        if error.type == "type-error" and error.field_name and error.cell and error.cell.strip():
            failing.setdefault(error.field_name, []).append(error.cell.strip())
    return failing


def native_numbers(task: Task, schema: SchemaSpec, file_format: str) -> None:
    """For each text field of a workbook or JSON table whose failing cells are numbers
    (an IČO or a code that lost its leading zeros there), say how to write them as text.
    One such cell is enough: the zeros it lost cannot be told from the file."""
    # Here, not at the top: registry lint reads this module's date formats, and source.py
    # (zipfile and more) has no place on its start-up path.
    from cdo_toolkit.validation.source import JSON_FORMATS

    failing = _failing_cells(task)
    for spec in schema.fields:
        cells = failing.get(spec.name, [])
        if spec.type != "string" or spec.format not in ("default", "") or not cells:
            continue
        numbers = [c for c in cells if _number(c, ".", "")]
        if not numbers:
            continue
        said = {"field": spec.name, "example": numbers[0]}
        task.notes.append(
            _(
                "{field}: JSON numbers (as {example}) where the schema wants text: write the "
                'values as strings, in quotes and with any leading zeros ("00262978", not '
                "262978)"
            ).format(**said)
            if file_format in JSON_FORMATS
            else _(
                "{field}: numbers in the workbook (as {example}) where the schema wants "
                "text: format the column as Text in Excel and type the values again (a "
                "number loses its leading zeros), or export the sheet as CSV"
            ).format(**said)
        )


def no_directive(written: Any) -> bool:
    """A date or time format that names no part of a date: ``d.m.Y`` rather than
    ``%d.%m.%Y``. It is a valid pattern, matching only its own letters, so every cell fails."""
    return isinstance(written, str) and written not in ("default", "any", "") and "%" not in written


# How people write date formats elsewhere (Excel, other languages), as strptime writes them.
# Before the hours the letters are a date's; from them on, a time's (MM is then minutes).
_DATE_TOKENS = {
    "YYYY": "%Y",
    "RRRR": "%Y",
    "Y": "%Y",
    "YY": "%y",
    "MM": "%m",
    "M": "%m",
    "DD": "%d",
    "D": "%d",
}
_TIME_TOKENS = {"HH": "%H", "H": "%H", "MM": "%M", "M": "%M", "MI": "%M", "SS": "%S", "S": "%S"}


def as_strptime(written: str, kind: str = "date") -> str | None:
    """``dd.mm.yyyy`` → ``%d.%m.%Y``; None when a letter group is no known date part."""
    # The time starts at the space before its hours: "d. m. yyyy HH:MM"; a time is all time.
    if kind == "time":
        date_part, rest = "", [written]
    else:
        date_part, *rest = re.split(r"(?=\s+[Hh])", written, maxsplit=1)
    out = []
    for part, tokens in ((date_part, _DATE_TOKENS), ("".join(rest), _TIME_TOKENS)):
        for piece in re.split(r"([A-Za-z]+)", part):
            if piece.isalpha():
                directive = tokens.get(piece.upper())
                if directive is None:
                    return None
                out.append(directive)
            else:
                out.append(piece)
    proposed = "".join(out)
    return proposed if "%" in proposed else None


def _number_cause(spec: FieldSpec, cells: list[str], said: dict[str, str]) -> str | None:
    """Numbers written with another decimal or group character than declared, or with a
    unit around them (``15 %``, ``1 234,50 Kč``), which ``bareNumber: false`` strips."""
    if spec.type == "integer" and spec.bare_number:
        for group in (" ", "\u00a0"):
            if all(group in c and c.replace(group, "").lstrip("+-").isdigit() for c in cells):
                # Table Schema's integer has no groupChar: a number field reads them.
                written = "\\u00A0" if group == "\u00a0" else group
                return _(
                    "{field}: the failing values are whole numbers whose thousands a space "
                    'groups (e.g. "{example}"), which an integer field does not read (it has '
                    "no groupChar): write them without the spaces, or, if the source writes "
                    'them so, declare "type": "number", "groupChar": "{group}" for the field'
                ).format(group=written, **said)
    own = (spec.decimal_char, spec.group_char)
    styles = NUMBER_STYLES if spec.type == "number" else ((".", ""),)  # integers: no options
    bare = [_BARE.sub("", c) for c in cells] if spec.bare_number else cells
    for values, unit in ((cells, False), (bare, True)):
        if unit and values == cells:
            continue
        for decimal, group in styles:
            if (decimal, group) == own and not unit:
                continue
            if all(
                _number(v, decimal, group) and (spec.type == "number" or v.lstrip("+-").isdigit())
                for v in values
            ):
                parts = []
                if spec.type == "number" and (decimal, group) != own:
                    parts.append(f'"decimalChar": "{decimal}"')
                    if group:
                        parts.append(
                            '"groupChar": "{}"'.format("\\u00A0" if group == "\u00a0" else group)
                        )
                if not unit:
                    return _(
                        "{field}: the failing values are numbers written with {declare} (e.g. "
                        '"{example}"), which the schema does not declare: correct them, or, if '
                        "the source writes numbers so, declare {declare} for the field"
                    ).format(declare=", ".join(parts), **said)
                parts.append('"bareNumber": false')
                return _(
                    "{field}: the failing values are numbers with a unit or text around them (e.g. "
                    '"{example}"): remove it, or, if the source writes numbers so, declare '
                    "{declare} for the field, which strips it"
                ).format(declare=", ".join(parts), **said)
    return None


# What bareNumber: false strips, as Frictionless strips it: the characters before the first
# digit or minus, and the non-digits at the end.
_BARE = re.compile(r"((^[^-\d]*)|(\D*$))")


def _rewritten(cell: str, found: str, spec: FieldSpec) -> str:
    """``cell`` (read with ``found``) as the schema's format writes it: an example of what
    the schema wants, clearer to most readers than the format's % codes."""
    value = datetime.strptime(cell, found)
    if spec.format not in ("default", "any", ""):
        return value.strftime(spec.format)
    return value.date().isoformat() if spec.type == "date" else value.isoformat()


def _all_dates(cells: list[str], pattern: str) -> bool:
    try:
        for cell in cells:
            datetime.strptime(cell, pattern)
    except ValueError:
        return False
    return True


def _number(cell: str, decimal: str, group: str) -> bool:
    text = cell.replace(group, "") if group else cell
    if decimal != ".":
        if "." in text:
            return False
        text = text.replace(decimal, ".")
    elif "," in text:
        return False
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False
