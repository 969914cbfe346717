"""Notes that name the one cause of many failing cells of a field, with what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdo_toolkit.validation.api import Options, validate


def _notes(workdir: Path, field: dict[str, object], values: list[str]) -> list[str]:
    Path("schema.json").write_text(json.dumps({"fields": [field]}), "utf-8")
    Path("t.csv").write_text(f"{field['name']}\n" + "\n".join(values) + "\n", "utf-8")
    report = validate("t.csv", Options(schema=Path("schema.json"), delimiter=";"))
    assert not report.valid
    return report.tasks[0].notes


@pytest.mark.parametrize(
    ("field", "values", "expected"),
    [
        (
            {"name": "datum", "type": "date", "format": "%d.%m.%Y"},
            ["2024-02-01", "2024-03-15", "2023-12-31"],
            'datum: the failing values are written as "2024-02-01", where the schema\'s '
            'format %d.%m.%Y wants "01.02.2024": correct them, or, if the source writes them '
            'so, declare "format": "default" for the field',
        ),
        (
            {"name": "datum", "type": "date"},
            ["1.2.2024", "15.3.2024", "31.12.2023"],
            'format ISO 8601 wants "2024-02-01": correct them, or, if the source writes them so, '
            'declare "format": "%d.%m.%Y" for the field',
        ),
        (
            {"name": "cas", "type": "datetime"},
            ["1.2.2024 08:30", "15.3.2024 17:05", "31.12.2023 23:59"],
            'wants "2024-02-01T08:30:00": correct them, or, if the source writes them so, '
            'declare "format": "%d.%m.%Y %H:%M" for the field',
        ),
        (
            {"name": "pm10", "type": "number", "decimalChar": ","},
            ["7.9", "12.25", "0.5"],
            'pm10: the failing values are numbers written with "decimalChar": "." (e.g. "7.9")',
        ),
        (
            {"name": "castka", "type": "number"},
            ["1 234,50", "12 000,00", "7,5"],
            'declare "decimalChar": ",", "groupChar": " " for the field',
        ),
        (
            {"name": "castka", "type": "number"},
            ["1\u00a0234,50", "12\u00a0000", "7,5"],
            'declare "decimalChar": ",", "groupChar": "\\u00A0" for the field',
        ),
        (
            {"name": "bezbarierova", "type": "boolean"},
            ["Ano", "ne", "Ano", "ne"],
            'declare "trueValues": ["Ano"] and "falseValues": ["ne"] for the field',
        ),
        (
            {"name": "datum", "type": "date", "format": "dd.mm.yyyy"},
            ["1.2.2024", "15.3.2024", "31.12.2023"],
            "datum: the schema's format 'dd.mm.yyyy' names no part of a date or time (strptime "
            "writes them as %d, %m, %Y, %H, %M), so no value can match it: write it as '%d.%m.%Y'",
        ),
        (
            {"name": "podil", "type": "integer"},
            ["15 %", "7 %", "100 %"],
            'podil: the failing values are numbers with a unit or text around them (e.g. "15 %"): '
            'remove it, or, if the source writes numbers so, declare "bareNumber": false for '
            "the field, which strips it",
        ),
        (
            {"name": "castka", "type": "number"},
            ["1 234,50 Kč", "12 000 Kč", "7,5 Kč"],
            'declare "decimalChar": ",", "groupChar": " ", "bareNumber": false for the field',
        ),
        (
            {"name": "obyvatel", "type": "integer"},
            ["104 261", "45 830", "1 000 000"],
            "obyvatel: the failing values are whole numbers whose thousands a space groups (e.g. "
            '"104 261"), which an integer field does not read (it has no groupChar): write them '
            'without the spaces, or, if the source writes them so, declare "type": "number", '
            '"groupChar": " " for the field',
        ),
    ],
    ids=[
        "iso-date",
        "czech-date",
        "czech-datetime",
        "point",
        "czech-grouped",
        "nbsp",
        "ano-ne",
        "no-directive",
        "percent",
        "czech-crowns",
        "grouped-integers",
    ],
)
def test_the_shared_cause_is_named(
    workdir: Path, field: dict[str, object], values: list[str], expected: str
) -> None:
    (note,) = _notes(workdir, field, values)
    assert expected in note


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ({"name": "datum", "type": "date"}, ["včera", "2024-13-45", "nevím"]),
        ({"name": "pocet", "type": "number"}, ["cca 5", "12 ks", "?"]),
        ({"name": "ok", "type": "boolean"}, ["ano", "ne", "možná"]),
        # Two failures are too few to call a cause.
        ({"name": "datum", "type": "date"}, ["2024-01-01", "1.2.2024", "2.2.2024"]),
    ],
    ids=["no-date", "no-number", "three-values", "two-failures"],
)
def test_no_note_without_a_shared_cause(
    workdir: Path, field: dict[str, object], values: list[str]
) -> None:
    assert _notes(workdir, field, values) == []


def test_a_formula_error_exported_from_a_spreadsheet_is_named(workdir: Path) -> None:
    """Excel exports a failed formula as its error's text: not a value written wrong, but a
    formula to correct; one cell is enough to say so (Excel's and LibreOffice's forms)."""
    notes = _notes(workdir, {"name": "podil", "type": "number"}, ["0.25", "#DIV/0!", "Err:502"])
    assert notes == [
        "podil: 2 listed cells hold a formula's error (#DIV/0!), not a value: correct the "
        "formulas in the spreadsheet (or put their values in their place) and save the file "
        "again"
    ]
    assert _notes(workdir, {"name": "kod", "type": "integer"}, ["#N/A"]) == [
        "kod: 1 listed cell holds a formula's error (#N/A), not a value: correct the formula "
        "in the spreadsheet (or put its value in its place) and save the file again"
    ]


SCHEMA = {
    "fields": [
        {"name": "kod", "type": "string"},
        {"name": "nazev", "type": "string"},
        {"name": "obyvatel", "type": "integer"},
        {"name": "zalozeno", "type": "date", "format": "%d.%m.%Y"},
    ]
}


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            "nazev;kod;obyvatel;zalozeno",
            "Liberec;563889;104261;1.1.1352",
            "the header has the schema's columns in another order; columns are matched to "
            "fields by position, so put them in the schema's order: kod, nazev, obyvatel, "
            "zalozeno",
        ),
        (
            "kod;obyvatel;zalozeno",
            "563889;104261;1.1.1352",
            "the header lacks the column(s) nazev, so the columns after it are checked",
        ),
        (
            "kod;nazev;okres;obyvatel;zalozeno",
            "563889;Liberec;LI;104261;1.1.1352",
            "the header has the column(s) okres, which the schema does not have",
        ),
        (
            "kod;nazev;obyvatel;zalozeno;;",
            "563889;Liberec;104261;1.1.1352;;",
            "the header ends in 2 columns without a label or values, as a spreadsheet exports "
            "columns that once held something: delete them",
        ),
        (
            "kod;;nazev;obyvatel;zalozeno",
            "563889;;Liberec;104261;1.1.1352",
            "the header has the column(s) (column 2, no label), which the schema does not have",
        ),
    ],
    ids=["reordered", "left-out", "added", "trailing-empty", "empty-inside"],
)
def test_a_column_left_out_added_or_moved_is_named(
    workdir: Path, header: str, row: str, expected: str
) -> None:
    Path("schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    Path("t.csv").write_text(f"{header}\n{row}\n{row}\n{row}\n", "utf-8")
    report = validate("t.csv", Options(schema=Path("schema.json")))
    assert not report.valid
    (note,) = report.tasks[0].notes  # and no format note for cells of the wrong fields
    assert note.startswith(expected)


@pytest.mark.parametrize("schema", [None, SCHEMA], ids=["no-schema", "schema"])
def test_a_delimiter_ending_every_line_is_named(workdir: Path, schema: object) -> None:
    """Czech exports often end every line with the delimiter: one empty column without a
    label, a blank label without a schema and an extra one with it. Said once, with or
    without a schema; no note when the unlabelled column holds values."""
    options = Options()
    if schema is not None:
        Path("schema.json").write_text(json.dumps(schema), "utf-8")
        options = Options(schema=Path("schema.json"))
    row = "563889;Liberec;104261;1.1.1352;"
    Path("t.csv").write_text(f"kod;nazev;obyvatel;zalozeno;\n{row}\n{row}\n", "utf-8")
    report = validate("t.csv", options)
    (task,) = report.tasks
    assert [e.type for e in task.errors] == ["extra-label" if schema else "blank-label"]
    assert task.notes == [
        "the lines of the file end with the delimiter ';', which makes an empty last column "
        "without a label: remove the delimiter at the end of the lines (or the empty column, "
        "in the program that exports the file)"
    ]
    Path("t.csv").write_text(f"kod;nazev;obyvatel;zalozeno;\n{row}\n{row}LI\n", "utf-8")
    assert validate("t.csv", options).tasks[0].notes == []


def test_blank_columns_at_the_end_of_a_sheet_are_named(workdir: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kod", "nazev", None])
    sheet.append(["563889", "Liberec"])
    sheet["C5"] = ""  # touched once: the sheet is three columns wide
    book.save("obce.xlsx")
    (task,) = validate("obce.xlsx").tasks
    assert ("blank-label", "field3") in task.summary
    assert task.notes == [
        "the header ends in 1 column without a label or values, as a spreadsheet exports a "
        "column that once held something: delete it"
    ]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("kod;nazev;obyvatel", "563889;Liberec;104261"),  # the last column left out
        ("kod;nazev;obyvatel;zalozeno;okres", "563889;Liberec;104261;1.1.1352;LI"),  # one added
    ],
    ids=["last-missing", "named-after"],
)
def test_columns_at_the_end_shift_nothing_and_get_no_note(
    workdir: Path, header: str, row: str
) -> None:
    Path("schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    Path("t.csv").write_text(f"{header}\n{row}\n", "utf-8")
    report = validate("t.csv", Options(schema=Path("schema.json")))
    assert not report.valid and report.tasks[0].notes == []


def test_a_renamed_column_gets_only_frictionless_errors(workdir: Path) -> None:
    Path("schema.json").write_text(json.dumps(SCHEMA), "utf-8")
    Path("t.csv").write_text("kod;jmeno;obyvatel;zalozeno\n563889;Liberec;1;1.1.1352\n", "utf-8")
    report = validate("t.csv", Options(schema=Path("schema.json")))
    assert [e.type for e in report.tasks[0].errors] == ["incorrect-label"]
    assert report.tasks[0].notes == []


@pytest.mark.parametrize(
    ("field", "values"),
    [
        (
            {"name": "d", "type": "date", "format": "%d.%m.%Y"},
            ["2024-02-01", "2023-12-31", "2024-03-15"],
        ),
        ({"name": "d", "type": "date"}, ["1. 2. 2024", "15. 3. 2024", "31. 12. 2023"]),
        (
            {"name": "t", "type": "datetime"},
            ["3/5/2021 2:15:00 PM", "3/6/2021 12:00:00 AM", "12/31/2021 11:59:59 PM"],
        ),
        ({"name": "n", "type": "number", "decimalChar": ","}, ["7.9", "12.25", "0.5"]),
        ({"name": "n", "type": "number"}, ["1\u00a0234,50", "12\u00a0000", "7,5"]),
        ({"name": "n", "type": "number"}, ["1 234,50 Kč", "12 000 Kč", "7,5 Kč"]),
        ({"name": "i", "type": "integer"}, ["15 %", "7 %", "100 %"]),
        ({"name": "i", "type": "integer"}, ["104 261", "45 830", "999", "12 000"]),
        ({"name": "i", "type": "integer"}, ["104\u00a0261", "45\u00a0830", "12\u00a0000"]),
        ({"name": "b", "type": "boolean"}, ["Ano", "ne", "Ano"]),
    ],
)
def test_what_a_note_says_to_declare_makes_the_file_valid(
    workdir: Path, field: dict[str, object], values: list[str]
) -> None:
    """The declaration a note proposes is taken as it is written and must make the same
    file valid, for the fast engine and for Frictionless itself."""
    import re

    (note,) = _notes(workdir, field, values)
    declared = re.search(r"declare (.+) for the field", note)
    assert declared is not None, note
    fragment = declared.group(1).replace(" and ", ", ")
    field = field | json.loads("{" + fragment + "}")
    Path("schema.json").write_text(json.dumps({"fields": [field]}), "utf-8")
    for engine in ("fast", "frictionless"):
        report = validate(
            "t.csv", Options(schema=Path("schema.json"), delimiter=";", engine=engine)
        )
        assert report.valid, (engine, fragment, report.flatten())


def test_a_report_layout_is_named_where_its_blank_labels_are(workdir: Path, shared: Path) -> None:
    """A report validated as a table gets blank labels and type errors from its title and
    header rows: a note says where its header and data are, and what reads it. A header
    with a blank label over plain data gets no such note."""
    rud = shared / "data" / "real" / "rud-mf-2026" / "projekce_RUD_2026.xlsx"
    (task,) = validate(str(rud), Options()).tasks
    assert task.notes == [
        "the file is laid out as a report, not as a table: its header takes rows 7 to 13 and "
        "the data start in row 15; describe it with cdo registry add, which reads such a "
        "layout, or declare in the dialect the rows above the data (header: false and "
        "comment_rows 1 to 14); rows under the data (a total, notes) must go"
    ]
    Path("vykaz.csv").write_text(
        "Obce kraje;\n;\nKód;Název\nobce;obce\n563889;Liberec\n563510;Jablonec\n577626;Semily\n",
        "utf-8",
    )
    (task,) = validate("vykaz.csv", Options()).tasks
    assert any("its header takes rows 3 to 4 and the data start in row 5" in n for n in task.notes)
    Path("titul.csv").write_text(
        "Obce kraje;;\n;;\nkod;nazev;pocet\n563889;Liberec;1\n563510;Jablonec;2\n", "utf-8"
    )
    (task,) = validate("titul.csv", Options()).tasks
    assert any("its header is row 3 and the data start in row 4" in n for n in task.notes)
    assert any("header_rows: [3]" in n for n in task.notes)
    Path("tabulka.csv").write_text("kod;\n563889;Liberec\n563510;Jablonec\n", "utf-8")
    (task,) = validate("tabulka.csv", Options()).tasks
    assert any(kind == "blank-label" for kind, _name in task.summary)
    assert not any("laid out as a report" in n for n in task.notes)


def test_a_typographic_minus_is_named_at_its_first_value(workdir: Path) -> None:
    """Statistical exports write a minus sign (U+2212) or an en dash for a minus: no number
    reads it, and one failing value is enough to say so."""
    field = {"name": "saldo", "type": "number", "decimalChar": ",", "groupChar": " "}
    assert _notes(workdir, field, ["1 234,5", "\u22121 234,5"]) == [
        'saldo: 1 failing value starts with the sign "\u2212" (e.g. "\u22121 234,5") for a '
        'minus, which no number reads: write a hyphen-minus "-" instead'
    ]
    field = {"name": "zmena", "type": "integer"}
    assert _notes(workdir, field, ["\u20135", "\u201312", "7"])[0].startswith(
        'zmena: 2 failing values start with the sign "\u2013" (e.g. "\u20135")'
    )
    assert _notes(workdir, field, ["\u2013", "\u2013x"]) == []


MUNICIPALITIES: dict[str, object] = {
    "fields": [
        {"name": "kod", "type": "integer", "constraints": {"required": True}},
        {"name": "nazev", "type": "string"},
        {"name": "pocet", "type": "integer"},
    ]
}


@pytest.mark.parametrize(
    ("tail", "said"),
    [
        (";;\nCelkem;;150170\nZdroj: ČSÚ;;\n", True),  # a blank row, the total, a note
        ("Celkem;;150170\nZdroj: ČSÚ;;\n", False),  # no blank row: perhaps data gone bad
    ],
    ids=["footer", "no-blank-row"],
)
def test_rows_under_the_table_are_named(workdir: Path, tail: str, said: bool) -> None:
    """A report's total and notes under its data fail every field; when the only failing
    rows close the file and one is blank, a note says what they likely are."""
    Path("schema.json").write_text(json.dumps(MUNICIPALITIES), "utf-8")
    data = "kod;nazev;pocet\n563889;Liberec;104802\n563510;Jablonec;45368\n"
    Path("t.csv").write_text(data + tail, "utf-8")
    notes = validate("t.csv", Options(schema=Path("schema.json"))).tasks[0].notes
    expected = (
        "rows 4 to 6 close the file and are the only ones that fail, one of them blank: if "
        "they are a total or notes under the table, delete them before submitting, since "
        "they are no rows of the data"
    )
    assert notes == ([expected] if said else [])
    # A bad row among the data as well: the failing rows are no block under the table.
    Path("t.csv").write_text(data.replace("104802", "x") + tail, "utf-8")
    assert validate("t.csv", Options(schema=Path("schema.json"))).tasks[0].notes == []


def test_empty_lines_closing_the_file_are_named_as_such(workdir: Path) -> None:
    """Blank rows alone at the end (an export's empty lines) are no total or notes: the
    note says they are empty lines to delete."""
    Path("schema.json").write_text(json.dumps(MUNICIPALITIES), "utf-8")
    data = "kod;nazev;pocet\n563889;Liberec;104802\n563510;Jablonec;45368\n"
    for tail in ("\n\n", ";;\r\n;;\r\n;;\r\n"):
        Path("t.csv").write_text(data + tail, "utf-8")
        task = validate("t.csv", Options(schema=Path("schema.json"))).tasks[0]
        last = 3 + tail.count("\n")
        assert task.notes == [
            f"rows 4 to {last}, closing the file, are empty: delete them (an export left empty "
            "lines at the end)"
        ], tail


def test_a_repeated_header_is_named(workdir: Path) -> None:
    """Monthly exports joined one under another repeat the header: its failing cells are
    the labels of their columns."""
    Path("schema.json").write_text(json.dumps(MUNICIPALITIES), "utf-8")
    rows = ["kod;nazev;pocet", "563889;Liberec;104802", "kod;nazev;pocet", "563510;Jablonec;x"]
    Path("t.csv").write_text("\n".join(rows) + "\n", "utf-8")
    (task,) = validate("t.csv", Options(schema=Path("schema.json"))).tasks
    assert {(e.row_number, e.field_name) for e in task.errors} == {
        (3, "kod"),
        (3, "pocet"),
        (4, "pocet"),
    }
    assert task.notes == ["row 3 repeats the header (files joined one after another?): delete it"]


def test_labels_written_otherwise_than_the_names_are_paired(workdir: Path) -> None:
    """An export labels its columns for people (Kód, Počet obyvatel) where the schema names
    them for machines (kod, pocet): incorrect labels all, the data read right. Said once,
    with the pairs; a label that is another word gets no note."""
    Path("schema.json").write_text(json.dumps(MUNICIPALITIES), "utf-8")
    Path("t.csv").write_text("Kód;Název;Počet\n563889;Liberec;104802\n", "utf-8")
    (task,) = validate("t.csv", Options(schema=Path("schema.json"))).tasks
    assert [e.type for e in task.errors] == ["incorrect-label"] * 3
    assert task.notes == [
        "the labels are the schema's field names written otherwise (Kód → kod, Název → nazev, "
        "Počet → pocet); the columns are matched by position, so their values were checked "
        "as the right fields: rename the columns as the schema names them, or the fields as "
        "the file labels them"
    ]
    Path("t.csv").write_text("Kód;Obec;Počet\n563889;Liberec;104802\n", "utf-8")
    assert validate("t.csv", Options(schema=Path("schema.json"))).tasks[0].notes == []
