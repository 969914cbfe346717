"""JSON tables, read as Frictionless reads them (``format: json``, a table resource), and
JSON lines (``format: jsonl``, a row per line).

A JSON table is an array of rows: objects, one per row, whose first object's keys are the
header (a key a later object lacks is an empty cell, a key the first one lacks is left
out), or arrays, the first holding the labels. The array is streamed with ijson, the
parser Frictionless uses for JSON: the document is never held in memory whole.

Values keep their JSON types and go through the workbook's rendering of native values
(:func:`cdo_toolkit.validation.workbook.native_render`): a number in a string field is a
type error, as it is in Frictionless, and ``"1,5"`` is text for the field to parse.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from cdo_toolkit.i18n import _
from cdo_toolkit.validation.source import Opened, SourceProblem, open_binary
from cdo_toolkit.validation.workbook import Sheet

if TYPE_CHECKING:
    from cdo_toolkit.validation.fields import SchemaSpec


def open_json_table(opened: Opened) -> Sheet:
    """The rows of the JSON table or JSON lines ``opened``, the header first, as a sheet
    of native values."""
    import ijson

    handle = open_binary(opened)
    if handle.peek(3)[:3] == b"\xef\xbb\xbf":  # type: ignore[attr-defined]
        # Windows tools write UTF-8's byte order mark before JSON too; JSON parsers
        # (Frictionless's among them) refuse it, and nothing is lost by passing it.
        handle.read(3)
    if opened.format == "jsonl":
        return Sheet(_rows(_lines(handle)), handle.close, None)
    items = ijson.items(handle, "item", use_float=True)
    count = [0]

    def counted() -> Iterator[Any]:
        for item in items:
            yield item
            count[0] += 1

    def rows() -> Iterator[list[Any]]:
        try:
            yield from _rows(counted())
        except ijson.JSONError as exc:
            raise SourceProblem("source-error", _unreadable(exc, count[0])) from None

    return Sheet(rows(), handle.close, None)


def infer_json_schema(sheet: Sheet) -> tuple[Sheet, SchemaSpec]:
    """A Table Schema for a JSON table without one, from its first rows, as Frictionless's
    detector infers it; and the sheet, its rows still all to read."""
    from frictionless import Detector

    from cdo_toolkit.validation.fields import schema_spec
    from cdo_toolkit.validation.infer import cell_readers_kept

    try:
        head = list(itertools.islice(sheet.rows, SAMPLE_ROWS + 1))
    except BaseException:
        sheet.close()
        raise
    if not head:  # _rows has refused an empty array already; a guard for the types
        sheet.close()
        raise SourceProblem("source-error", _("the JSON array holds no rows"))
    labels = [str(label) for label in head[0]]
    with cell_readers_kept():
        detected = Detector().detect_schema([list(row) for row in head[1:]], labels=labels)
    rest = Sheet(itertools.chain(head, sheet.rows), sheet.close, sheet.height)
    return rest, schema_spec(detected.to_descriptor())


SAMPLE_ROWS = 100
"""Rows Frictionless's detector reads by default."""


def _unreadable(exc: Exception, rows: int) -> str:
    reason = exc.args[0] if exc.args else type(exc).__name__
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", errors="replace")
    first = str(reason).strip().splitlines()[0].rstrip(".") if str(reason).strip() else ""
    where = (
        _("after item {count} of the array").format(count=rows)
        if rows
        else _("before its first row")
    )
    if "UTF8" in first:
        return _(
            "the JSON cannot be read {where}: it is not UTF-8 ({reason}); JSON files are "
            "UTF-8: save it as UTF-8"
        ).format(where=where, reason=first)
    return _("the JSON cannot be read {where}: {reason}; the file is cut off or not JSON").format(
        where=where, reason=first
    )


def _lines(handle: IO[bytes]) -> Iterator[Any]:
    """The values of JSON lines, one per line; a line that is empty or not JSON is a
    source error, as in Frictionless."""
    import json

    for number, line in enumerate(handle, start=1):
        try:
            yield json.loads(line)
        except ValueError as exc:  # JSONDecodeError, or bytes that are no UTF-8
            reason = str(exc) if line.strip() else _("the line is empty")
            raise SourceProblem(
                "source-error",
                _("line {line} of the JSON lines cannot be read: {reason}").format(
                    line=number, reason=reason
                ),
            ) from None


def _rows(items: Iterator[Any]) -> Iterator[list[Any]]:
    first = next(items, None)
    if first is None:
        raise SourceProblem("source-error", _("the JSON array holds no rows"))
    if isinstance(first, dict):
        keys = list(first)
        yield keys
        yield [first.get(key) for key in keys]
        for number, item in enumerate(items, start=2):
            if not isinstance(item, dict):
                raise _not_a_row(number, _("an object, as the first row is"))
            yield [item.get(key) for key in keys]
    elif isinstance(first, list):
        yield first
        for number, item in enumerate(items, start=2):
            if not isinstance(item, list):
                raise _not_a_row(number, _("an array, as the first row is"))
            yield item
    else:
        raise SourceProblem(
            "format-error",
            _(
                "the JSON array holds single values, not rows: a JSON table is an array of "
                "objects (one per row) or of arrays (the labels first)"
            ),
        )


def _not_a_row(number: int, wanted: str) -> SourceProblem:
    return SourceProblem(
        "source-error",
        _("item {number} of the JSON array is not {wanted}").format(number=number, wanted=wanted),
    )
