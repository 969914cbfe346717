"""A Table Schema for a file that comes without one, inferred the way Frictionless does."""

from __future__ import annotations

import itertools
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
        resource.infer()
        descriptor = resource.schema.to_descriptor()
    except Exception as exc:  # Frictionless raises its own exception types for unreadable files
        error = getattr(exc, "error", None)
        kind = getattr(error, "type", "source-error")
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
    """What ``Resource(data=head).infer()`` infers, by the steps it takes up to the schema:
    the check of the header that follows, which makes an error per blank label, each with a
    copy of all labels, took 9 of 10 s for a sheet 2,000 columns wide."""
    from frictionless import Detector, Resource, system

    if not head:  # Frictionless says there is no data, in its words
        resource = Resource(data=head, dialect=frictionless_dialect(dialect, None))
        resource.infer()
        return resource.schema.to_descriptor()
    detector = Detector()
    sample = head[: detector.sample_size]
    read = detector.detect_dialect(sample, dialect=frictionless_dialect(dialect, None))
    schema = detector.detect_schema(
        read.read_fragment(sample),
        labels=read.read_labels(sample),
        field_candidates=system.detect_field_candidates(),
        header_case=read.header_case,
    )
    return schema.to_descriptor()
