"""A Table Schema for a file that comes without one, inferred the way Frictionless does."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cdo_toolkit.validation.fields import SchemaSpec, schema_spec
from cdo_toolkit.validation.reader import Dialect
from cdo_toolkit.validation.source import Opened, SourceProblem

if TYPE_CHECKING:
    from cdo_toolkit.validation.workbook import Sheet


def frictionless_dialect(dialect: Dialect, delimiter: str | None) -> Any:
    """The dialect as Frictionless takes it: every option ours knows, so that its
    inference and its engine read the file as ours does."""
    from frictionless import Dialect as FDialect
    from frictionless import formats

    csv: dict[str, Any] = {
        "quote_char": dialect.quote_char or '"',
        "double_quote": dialect.double_quote,
        "skip_initial_space": dialect.skip_initial_space,
    }
    if delimiter:
        csv["delimiter"] = delimiter
    if dialect.escape_char:
        csv["escape_char"] = dialect.escape_char
    controls: list[Any] = [formats.CsvControl(**csv)]
    if dialect.sheet is not None:
        controls.append(formats.ExcelControl(sheet=dialect.sheet))
        controls.append(formats.OdsControl(sheet=dialect.sheet))
    options: dict[str, Any] = {
        "header_join": dialect.header_join,
        "comment_char": dialect.comment_char,
        "comment_rows": list(dialect.comment_rows),
        "skip_blank_rows": dialect.skip_blank_rows,
    }
    if dialect.header is not None:
        options["header"] = dialect.header
    if dialect.header_rows is not None:
        options["header_rows"] = list(dialect.header_rows)
    return FDialect(controls=controls, **options)


def without_bom(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``fields`` as Frictionless inferred them, the first field's name without the byte
    order mark a file saved with one twice still holds after decoding: no part of the
    first label, as the reader reads it (else the label and the name differ)."""
    if fields and str(fields[0].get("name", "")).startswith("\ufeff"):
        fields[0]["name"] = fields[0]["name"].removeprefix("\ufeff")
    return fields


@contextmanager
def cell_readers_kept() -> Iterator[None]:
    """Frictionless's inference reads every sampled cell with every candidate type through
    ``Field.read_cell``, which builds the field's cell reader anew at each call: 80 % of
    the inference of a 10,000-column file (28 s). While this is entered, each field keeps
    the reader it built (the candidates do not change while they are tried)."""
    from frictionless import Field

    built: dict[int, tuple[Any, Any]] = {}  # the field kept too: its id is not reused
    original = Field.read_cell

    def read_cell(self: Any, cell: Any) -> Any:
        kept = built.get(id(self))
        if kept is None:
            kept = built[id(self)] = (self, self.create_cell_reader())
        return kept[1](cell)

    Field.read_cell = read_cell  # type: ignore[method-assign]
    try:
        yield
    finally:
        Field.read_cell = original  # type: ignore[method-assign]


def infer_schema(
    path: Path,
    encoding: str | None,
    dialect: Dialect,
    delimiter: str | None,
    opened: Opened | None = None,
) -> SchemaSpec:
    """Frictionless's ``describe`` on a sample of the file."""
    from frictionless import Resource

    options: dict[str, Any] = {"dialect": frictionless_dialect(dialect, delimiter)}
    if encoding:
        options["encoding"] = "utf-8" if encoding == "utf-8-sig" else encoding
    if opened is not None and opened.compression == "zip":
        options["innerpath"] = opened.member
    if opened is not None:
        # Read as what detection found: Frictionless takes a .txt or .dat file for text,
        # not a table, and infers a schema with no fields; a workbook by its name's kind.
        options["format"] = "csv" if opened.format == "tsv" else opened.format
        if opened.format == "json":
            options["datatype"] = "table"  # Frictionless takes a .json file for data, not rows
    try:
        base = path.parent
        if opened is not None and opened.parts:
            import os

            files = [path, *opened.parts]
            base = Path(os.path.commonpath([f.parent for f in files]))
            options["extrapaths"] = [str(f.relative_to(base)) for f in opened.parts]
        resource = Resource(path=str(path.relative_to(base)), basepath=str(base), **options)
        descriptor = _described(resource)
        without_bom(descriptor.get("fields") or [])
    except Exception as exc:  # Frictionless raises its own exception types for unreadable files
        error = getattr(exc, "error", None)
        kind = getattr(error, "type", "source-error")
        if isinstance(exc.__cause__ or exc, UnicodeError):
            # A decoder's own error (UTF-16 without its byte order mark), which
            # Frictionless calls a source error.
            kind = "encoding-error"
        from cdo_toolkit.validation.catalogue import CATALOGUE

        note = getattr(error, "note", None) or str(exc)
        raise SourceProblem(kind if kind in CATALOGUE else "source-error", note) from None
    return schema_spec(descriptor)


INFER_ROWS = 1_000
"""Rows of a sheet given to Frictionless's inference: more than it samples (100) after
any header and comment rows."""


def infer_sheet_schema(sheet: Sheet, dialect: Dialect) -> tuple[Sheet, SchemaSpec]:
    """A Table Schema for a sheet read here (``SHEETS_READ_HERE``), and the sheet, its
    rows still all to read (see :func:`describe_sheet`)."""
    rest, descriptor = describe_sheet(sheet, dialect)
    return rest, schema_spec(descriptor)


def describe_sheet(sheet: Sheet, dialect: Dialect) -> tuple[Sheet, dict[str, Any]]:
    """The Table Schema descriptor Frictionless infers for a sheet from its first rows as
    read here, with their native values (those Frictionless's own reader gives) and the
    dialect: an .ods workbook, whose reader Frictionless needs is unmaintained, or an
    .xlsx, whose whole string table openpyxl would load for a sample; and the sheet, its
    rows still all to read. The sheet is closed on failure."""
    from cdo_toolkit.validation.workbook import Sheet

    try:
        head = [list(row) for row in itertools.islice(sheet.rows, INFER_ROWS)]
        descriptor = _inferred(head, dialect)
    except SourceProblem:
        sheet.close()
        raise
    except Exception as exc:  # Frictionless raises its own exception types
        sheet.close()
        error = getattr(exc, "error", None)
        raise SourceProblem("source-error", getattr(error, "note", None) or str(exc)) from None
    rest = Sheet(itertools.chain(head, sheet.rows), sheet.close, sheet.height, sheet.names)
    return rest, descriptor


def _inferred(head: list[list[Any]], dialect: Dialect) -> dict[str, Any]:
    """What ``Resource(data=head).infer()`` infers from a sheet's first rows."""
    from frictionless import Resource

    return _described(Resource(data=head, dialect=frictionless_dialect(dialect, None)))


def _described(resource: Any) -> dict[str, Any]:
    """The Table Schema descriptor ``resource.infer()`` infers, by the steps it takes up to
    the schema (``TableResource.open``): the checks of the header and the row stream it
    sets up after them cost, for 10,000 columns, 14 of 34 s (an error per blank label,
    each copying every label, where a spreadsheet's formatted columns have none)."""
    from frictionless import system

    parser = system.create_parser(resource)
    parser.open()  # type: ignore[no-untyped-call]
    try:
        sample = parser.sample
        dialect = resource.detector.detect_dialect(sample, dialect=resource.dialect)
        with cell_readers_kept():
            schema = resource.detector.detect_schema(
                dialect.read_fragment(sample),
                labels=dialect.read_labels(sample),
                schema=resource.schema,
                field_candidates=system.detect_field_candidates(),
                header_case=dialect.header_case,
            )
    finally:
        parser.close()
    return schema.to_descriptor()  # type: ignore[no-any-return]
