"""Finding a report's layout (a title, a header over rows, a row numbering the columns)
in the first rows of a table, and finding none in the tables that have none."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from cdo_toolkit.validation.layout import report_layout
from tests.conftest import SHARED


def _rows(text: str) -> list[list[str]]:
    return [line.split(";") for line in text.strip("\n").split("\n")]


def test_a_numbering_row_ends_the_header() -> None:
    head = _rows(
        """
Daňové příjmy obcí 2026;;;
;;;
;Počet;;Předpokládaný
Kód;obyvatel;;objem
obce;k  1. 1. 2025;Poznámka;celkem
1;2;3;9a + 11a
563889;104802;;12,5
"""
    )
    layout = report_layout(head)
    assert layout is not None
    assert (layout.header_rows, layout.numbering_row, layout.first_data_row) == ((3, 4, 5), 6, 7)
    assert layout.labels == [
        "Kód obce",
        "Počet obyvatel k 1. 1. 2025",
        "Poznámka",
        "Předpokládaný objem celkem",
    ]
    assert layout.rows_above == [1, 2, 3, 4, 5, 6]


def test_a_title_of_one_cell_over_a_header_of_two_rows() -> None:
    """A CSV report's title is often written without the delimiters that would pad it."""
    head = _rows(
        "Obce Libereckého kraje\nKód;Název;Počet\nobce;obce;obyvatel\n1;2;3\n563889;Liberec;104802\n"
    )
    layout = report_layout(head)
    assert layout is not None
    assert (layout.header_rows, layout.numbering_row, layout.first_data_row) == ((2, 3), 4, 5)
    assert layout.labels == ["Kód obce", "Název obce", "Počet obyvatel"]


def test_without_a_numbering_row_the_data_start_where_numbers_do() -> None:
    head = _rows(
        """
;;
Kód;Název;Kód
obce;obce;obce
563889;Liberec;563889
563510;Jablonec;563510
577626;Semily;577626
"""
    )
    layout = report_layout(head)
    assert layout is not None
    assert (layout.header_rows, layout.numbering_row, layout.first_data_row) == ((2, 3), None, 4)
    assert layout.labels == ["Kód obce", "Název obce", "Kód obce (2)"]


def test_a_title_over_a_one_row_header_places_the_header() -> None:
    """A title as wide as the table (a workbook's rows all are) hides the header from
    Frictionless's guess: the header's row is named, and its labels are read as they are."""
    layout = report_layout(
        _rows("Kurzy k 1. 12. 2026;\n;\nzeme;kurz\nEMU;24,5\nUSA;20,8\nUK;27,9\n")
    )
    assert layout is not None and not layout.names_fields
    assert layout.dialect() == {"header_rows": [3]}
    numbered = report_layout(_rows("Kurzy;;\nzeme;kod;kurz\n1;2;3\nEMU;978;24,5\n"))
    assert numbered is not None
    assert numbered.dialect() == {"header_rows": [2], "comment_rows": [3]}


@pytest.mark.parametrize(
    "text",
    [
        "kod;nazev\n563889;Liberec\n",  # a header in the first row
        ";;\n;;\n;;\n",  # nothing but blank rows
        "kod;;nazev\n1;2;3\n",  # a numbering row with no data under it
    ],
)
def test_no_layout_where_there_is_none(text: str) -> None:
    assert report_layout(_rows(text)) is None


def _real_tables() -> list[Path]:
    real = SHARED / "data" / "real"
    return sorted(
        p
        for p in real.rglob("*")
        if p.suffix in (".csv", ".txt") and "frictionless-fixtures" not in p.parts
    )


@pytest.mark.parametrize("path", _real_tables(), ids=lambda p: p.name)
def test_the_real_csv_files_are_no_reports(path: Path, shared: Path) -> None:
    """The police's headerless export, the ČNB's rates after a preamble line, the budget
    code lists… none is taken for a report."""
    from cdo_toolkit.registry.infer import _csv_rows
    from cdo_toolkit.validation.sniff import sniff

    sniffed = sniff(path)
    with path.open(encoding=sniffed.encoding, errors="replace", newline="") as handle:
        head = list(itertools.islice(_csv_rows(handle, sniffed.delimiter), 100))
    assert report_layout(head) is None
