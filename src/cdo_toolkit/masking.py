"""Masking of personal data: values of columns the registry marks as personal never leave.

Validation reports list cells, foreign-key and repeated primary-key notes quote key
values, and a database error may quote the row it failed on. Everything printed, written
or sent as lineage for a source with personal-data columns passes through here first.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdo_toolkit.validation.report import Report, ReportError

MASK = "•••"

_FOREIGN_KEY_NOTE = re.compile(r'^for "(?P<fields>[^"]*)": values "(?P<values>.*)" not found')
# A repeated primary key's note names its values: (rok "2024", rodne_cislo "800101/1111").
_PRIMARY_KEY_NOTE = re.compile(
    r"^(?P<head>the same as in the row at position \d+ )\((?P<key>.*)\)$", re.S
)
# Quoted text, and the "Key (col)=(value)" of PostgreSQL's DETAIL, are where drivers put values.
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|=\([^)\n]*\)")


def mask_cells(cells: list[str], labels: list[str], personal: Collection[str]) -> list[str]:
    """The row's cells with those under a personal-data label replaced by the mask."""
    return [
        MASK if i < len(labels) and labels[i] in personal and value else value
        for i, value in enumerate(cells)
    ]


def mask_note(kind: str, note: str, personal: Collection[str]) -> str:
    """The note of an error with the key values it quotes masked: a foreign key's, and a
    repeated primary key's of the personal columns in it."""
    match = _FOREIGN_KEY_NOTE.match(note) if kind == "foreign-key" else None
    if match and any(name.strip() in personal for name in match["fields"].split(",")):
        start, end = match.span("values")
        return note[:start] + MASK + note[end:]
    match = _PRIMARY_KEY_NOTE.match(note) if kind == "primary-key" else None
    if match and personal:
        key = match["key"]
        for name in personal:
            # The value runs to the quote before the next 'name "' or the end.
            value = re.escape(name) + r' "(.*?)"(?=$|, [^"]* ")'
            key = re.sub(value, lambda _m, name=name: f'{name} "{MASK}"', key, flags=re.S)
        return f"{match['head']}({key})"
    return note


def _mask_error(error: ReportError, labels: list[str], personal: Collection[str]) -> None:
    if error.field_name in personal and error.cell:
        error.cell = MASK
    if error.cells:
        error.cells = mask_cells(error.cells, labels, personal)
    error.note = mask_note(error.type, error.note, personal)


def mask_report(report: Report, personal: Collection[str]) -> Report:
    """The report with every personal-data value masked, in place; returned for chaining."""
    if not personal:
        return report
    for task in report.tasks:
        for error in [*task.errors, *task.warnings]:
            _mask_error(error, task.labels, personal)
    return report


def redact_message(message: str) -> str:
    """A database or driver error without the values it may quote: the first line, unquoted.

    Used for runs of sources with personal data, where an error such as ``invalid input
    syntax for type integer: "Jan Novák"`` or ``Key (rodne_cislo)=(…) already exists``
    would otherwise carry a value into the lineage log and to the lineage endpoint.
    """
    first = message.strip().splitlines()[0] if message.strip() else message
    return _QUOTED.sub(MASK, first)
