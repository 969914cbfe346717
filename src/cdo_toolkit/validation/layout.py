"""A report's layout: a table laid out to be read, not loaded.

Offices publish tables as they print them: a title, blank rows, a header whose labels
are split over several rows (``Počet`` / ``obyvatel`` / ``k 1. 1. 2025``), often a row
numbering the columns (``1, 2, 3, …, 9a``), then the data. A header of one row under a
title is read where it is (``headerRows``); in a workbook, whose rows are all as wide as
the sheet, Frictionless would take the title for it. A header over several rows
Frictionless reads too, but joins the rows' blank cells into labels with stray spaces
(`` Kód obce ``), which would become the fields' names and the warehouse's columns; so an
entry for such a report leaves every row above the data out (``header: false``,
``commentRows``) and names its fields from the header's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_COUNTED = 3
"""A row numbering the columns counts at least this many."""


@dataclass(frozen=True)
class Layout:
    header_rows: tuple[int, ...]
    """The rows of the header, by number (the first row is 1)."""
    numbering_row: int | None
    """The row that numbers the columns, if there is one."""
    first_data_row: int
    labels: list[str]
    """Each column's label: its words in the header rows, top to bottom."""

    @property
    def rows_above(self) -> list[int]:
        """Every row above the data."""
        return list(range(1, self.first_data_row))

    @property
    def names_fields(self) -> bool:
        """Whether the entry names the fields: a header over several rows is left out,
        as Frictionless would join its blank cells into the labels as spaces. A header of
        one row is read as it is, and so checked."""
        return len(self.header_rows) > 1

    def dialect(self) -> dict[str, Any]:
        """The entry's dialect (registry names): the header's row and the numbering row,
        or every row above the data left out."""
        if self.names_fields:
            return {"header": False, "comment_rows": self.rows_above}
        found: dict[str, Any] = {"header_rows": list(self.header_rows)}
        if self.numbering_row is not None:
            found["comment_rows"] = [self.numbering_row]
        return found


def report_layout(head: Sequence[Sequence[str]]) -> Layout | None:
    """The layout of a table whose first rows are ``head`` (cells as text), if it is a
    report: its first row is no header (blank or repeated labels, or a title narrower
    than the table), and its data start after a row numbering the columns, or after three
    rows of mostly numbers under a row of words, under a header that is not the first row."""
    width = max((len(row) for row in head), default=0)
    if not head or _is_header(head[0], width):
        return None
    numbering = next((n for n, row in enumerate(head, start=1) if _numbers_columns(row)), None)
    if numbering is not None and numbering < len(head):
        first_data = numbering + 1
        header = _header_above(head, numbering - 1, width)
    else:
        numbering = None
        found = _first_data_row(head)
        if found is None:
            return None
        first_data = found
        header = _header_above(head, first_data - 1, width)
    if not header or header == [1]:
        return None  # the header is the first row, as Frictionless reads it
    return Layout(tuple(header), numbering, first_data, _labels(head, header, width))


def _filled(row: Sequence[str]) -> list[str]:
    return [c.strip() for c in row if c.strip()]


def _is_header(row: Sequence[str], width: int) -> bool:
    """A row of labels: every cell filled and distinct, as wide as the table (a CSV
    report's title is often one cell, without the delimiters that would pad it)."""
    cells = [c.strip() for c in row]
    return len(cells) * 2 > width and all(cells) and len(set(cells)) == len(cells)


def _numbers_columns(row: Sequence[str]) -> bool:
    """Whether a row counts the columns: 1, 2, 3, … left to right, any other filled cell a
    derived column's number (``9a``, ``9a + 11a``)."""
    filled = _filled(row)
    counted = [int(c) for c in filled if c.isdigit()]
    return (
        len(counted) >= MIN_COUNTED
        and counted == list(range(1, len(counted) + 1))
        and all(any(ch.isdigit() for ch in c) for c in filled)
    )


_NUMBER = re.compile(r"[-+]?\d[\d\s.,]*")


def _data_like(row: Sequence[str]) -> bool:
    filled = _filled(row)
    numbers = sum(bool(_NUMBER.fullmatch(c)) for c in filled)
    return len(filled) >= 2 and numbers * 2 >= len(filled)


def _first_data_row(head: Sequence[Sequence[str]]) -> int | None:
    """The first of three rows in a row (or the rows to the end of a shorter table) that
    are mostly numbers, below a row of words."""
    for number in range(2, len(head) + 1):
        run = head[number - 1 : number + 2]
        if all(_data_like(row) for row in run) and _filled(head[number - 2]):
            return number
    return None


def _header_above(head: Sequence[Sequence[str]], last: int, width: int) -> list[int]:
    """The header's rows, going up from row ``last``: rows with words, up to a blank row
    or a title (a row whose only filled cell is its first, over a wider table)."""
    rows: list[int] = []
    number = last
    while number >= 1:
        row = head[number - 1]
        cells = [c.strip() for c in row]
        filled = [i for i, c in enumerate(cells) if c]
        if not filled or (filled == [0] and width > 1):
            break
        rows.append(number)
        number -= 1
    return sorted(rows)


def _labels(head: Sequence[Sequence[str]], header: list[int], width: int) -> list[str]:
    labels: list[str] = []
    seen: dict[str, int] = {}
    for index in range(width):
        words: list[str] = []
        for number in header:
            row = head[number - 1]
            cell = " ".join(row[index].split()) if index < len(row) else ""
            if cell and (not words or words[-1] != cell):  # a merged cell's words once
                words.append(cell)
        label = " ".join(words) or f"field{index + 1}"
        seen[label] = seen.get(label, 0) + 1
        labels.append(f"{label} ({seen[label]})" if seen[label] > 1 else label)
    return labels
