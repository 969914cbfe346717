"""Excel workbooks (.xlsx and old .xls): read as Frictionless reads them (openpyxl, the
sheet's full width, native cell values; xlrd), checked for parity with Frictionless itself."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from cdo_toolkit.validation.api import Options
from tests.conftest import SHARED, notes_and_data
from tests.parity import engine_errors, frictionless_errors

REAL = SHARED / "data" / "real"

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "ico", "type": "string", "constraints": {"pattern": "[0-9]{8}"}},
        {"name": "nazev", "type": "string", "constraints": {"required": True}},
        {"name": "kapacita", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "prumer", "type": "number"},
        {"name": "zahajeni", "type": "date"},
        {"name": "bezbarierovy", "type": "boolean"},
    ],
    "primaryKey": ["ico"],
}


def _workbook(path: Path, rows: list[list[Any]], *, title: str = "skoly") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def unsized_workbook(path: Path, rows: list[list[Any]], title: str) -> Path:
    """A workbook whose sheet records no size, as openpyxl's write-only mode and some
    exporters write one."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def both_engines(
    path: Path, schema: dict[str, Any] | None = None, sheet: str | None = None
) -> set[Any]:
    """Our errors, asserted equal to Frictionless's on the same workbook (of an .xlsx, .xls
    or .ods file), schema and sheet."""
    schema_path = None
    if schema is not None:
        schema_path = path.with_suffix(".schema.json")
        schema_path.write_text(json.dumps(schema), "utf-8")
    ours = engine_errors(path, Options(schema=schema_path, sheet=sheet))
    control = "ods" if path.suffix == ".ods" else "excel"
    dialect = {control: {"sheet": sheet}} if sheet else None
    theirs = frictionless_errors(path, schema=schema, dialect=dialect)
    assert ours == theirs, sorted(ours ^ theirs, key=str)[:10]
    return ours


TYPED_ROWS: list[list[Any]] = [
    ["ico", "nazev", "kapacita", "prumer", "zahajeni", "bezbarierovy"],
    ["00241121", "ZŠ Liberec", 120, 1.5, datetime(2015, 9, 1), True],
    ["70891508", "MŠ Turnov", "120", "2,5", date(2001, 9, 1), False],
    ["7089150", None, 0, 1, "1.9.2001", "ano"],
    [None, None, None, None, None, None],
    ["00241121", "ZŠ Semily", 80, 2.25, datetime(2010, 9, 1, 8, 30), None],
]
"""Typed cells, right and wrong, as a workbook of any kind holds them."""
TYPED_ERRORS = {
    ("type-error", 3, "prumer"),
    ("constraint-error", 4, "ico"),
    ("constraint-error", 4, "nazev"),
    ("constraint-error", 4, "kapacita"),
    ("type-error", 4, "zahajeni"),
    ("type-error", 4, "bezbarierovy"),
    ("blank-row", 5, None),
    ("primary-key", 5, None),  # Frictionless: a key of null cells
    ("type-error", 6, "zahajeni"),
    ("primary-key", 6, None),
}
"""The errors of :data:`TYPED_ROWS` against :data:`SCHEMA`."""


def test_typed_cells_against_a_schema(tmp_path: Path) -> None:
    """Native numbers, dates and booleans are values of their fields; text codes keep
    their leading zeros; wrong values are found where Frictionless finds them."""
    book = _workbook(tmp_path / "skoly.xlsx", TYPED_ROWS)
    assert both_engines(book, SCHEMA) == TYPED_ERRORS


def test_typed_cells_without_a_schema_are_inferred_as_frictionless_infers(
    tmp_path: Path,
) -> None:
    """The schema inferred from the sheet's rows as read here, as Frictionless infers it
    opening the workbook itself: the same errors of the same fields."""
    rows = [*TYPED_ROWS, *([f"0{n:07d}", f"Škola {n}", n, n / 4, datetime(2020, 1, n % 28 + 1), n % 2 == 0] for n in range(1, 60))]  # fmt: skip
    errors = both_engines(_workbook(tmp_path / "skoly.xlsx", rows))
    assert ("type-error", 3, "prumer") in errors  # "2,5", text in a column of numbers


def test_blank_header_cells_of_the_sheet_width_are_blank_labels(tmp_path: Path) -> None:
    """A sheet whose used range is wider than its header: the empty header cells are
    blank labels, as in Frictionless, and not extra cells in every row."""
    book = _workbook(
        tmp_path / "siroky.xlsx",
        [["kod", "nazev", None, None], ["1", "Liberec", None, None], ["2", "Jablonec", None, "x"]],
    )
    errors = both_engines(book)
    assert ("blank-label", None, "field3") in errors
    assert ("blank-label", None, "field4") in errors
    assert not any(kind == "extra-cell" for kind, _row, _field in errors)


def test_a_workbook_without_a_header_row_takes_the_schema_width(tmp_path: Path) -> None:
    book = _workbook(tmp_path / "data.xlsx", [["a", 1], ["b", 2], ["c", 3]])
    schema = {"fields": [{"name": "kod", "type": "string"}, {"name": "n", "type": "integer"}]}
    errors = both_engines(book, schema)
    # The first row is the header, as Frictionless reads it: labels a and 1 differ from
    # the schema's names.
    assert errors == {("incorrect-label", None, "kod"), ("incorrect-label", None, "n")}


@pytest.mark.parametrize(
    "name",
    [
        "nehody-pcr-praha-2020/polozky-formulare-hlavicky-souboru.xlsx",
        # Column numbers typed as numbers in text columns: type errors, as in Frictionless.
        "rud-mf-2026/projekce_RUD_2026.xlsx",
    ],
)
def test_real_workbooks_without_a_schema(name: str, shared: Path) -> None:
    errors = both_engines(REAL / name)
    assert errors, "the README lists this workbook's header defects"


def test_a_code_typed_as_a_number_is_a_type_error_in_a_text_field(tmp_path: Path) -> None:
    """An IČO the workbook holds as a number has lost its leading zeros: in a string field
    it is a type error (as in Frictionless), shown as the workbook shows it; no constraint
    is checked on it, and as a key it counts as missing (Frictionless's primary-key error)."""
    from cdo_toolkit.validation.api import validate

    book = _workbook(
        tmp_path / "ico.xlsx",
        [["ico", "nazev"], [241121, "ZŠ Liberec"], ["00241121", "ZŠ Semily"], [True, "MŠ"]],
    )
    schema = {
        "fields": [
            {"name": "ico", "type": "string", "constraints": {"pattern": "[0-9]{8}"}},
            {"name": "nazev", "type": "string"},
        ],
        "primaryKey": ["ico"],
    }
    assert both_engines(book, schema) == {
        ("type-error", 2, "ico"),
        ("primary-key", 2, None),
        ("type-error", 4, "ico"),
        ("primary-key", 4, None),
    }
    schema_path = tmp_path / "ico.schema.json"
    report = validate(str(book), Options(schema=schema_path))
    cells = [
        (e.row_number, e.cell, e.cells) for e in report.tasks[0].errors if e.type == "type-error"
    ]
    assert cells == [(2, "241121", ["241121", "ZŠ Liberec"]), (4, "true", ["true", "MŠ"])]
    assert any(
        note.startswith("ico: numbers in the workbook (as 241121) where the schema wants text")
        and "format the column as Text in Excel" in note
        for note in report.tasks[0].notes
    ), report.tasks[0].notes


def test_native_values_meet_czech_field_options(tmp_path: Path) -> None:
    """Native dates, numbers and booleans are values of fields that read text in Czech
    forms (dates as 1.9.2001, decimal commas, ano/ne); a native value a field refuses (a
    date with a time in a date field, a fraction in an integer field, a number in a
    boolean field) is a type error, as in Frictionless."""
    from datetime import time as clock

    schema = {
        "fields": [
            {"name": "zahajeni", "type": "date", "format": "%d.%m.%Y"},
            {"name": "cas", "type": "time", "format": "%H.%M"},
            {"name": "prumer", "type": "number", "decimalChar": ",", "groupChar": " "},
            {"name": "kapacita", "type": "integer", "bareNumber": False},
            {
                "name": "bezbarierova",
                "type": "boolean",
                "trueValues": ["ano"],
                "falseValues": ["ne"],
            },
            {"name": "rok", "type": "year"},
            {"name": "aktualizace", "type": "datetime", "format": "%d.%m.%Y %H:%M"},
        ]
    }
    book = _workbook(
        tmp_path / "ceske.xlsx",
        [
            [f["name"] for f in schema["fields"]],
            [datetime(2001, 9, 1), clock(8, 30), 1.25, 120, True, 2024, datetime(2024, 2, 1, 7, 5)],
            ["1.9.2001", "8.30", "1 001,5", "120 míst", "ne", "2024", "1.2.2024 07:05"],
            [datetime(2001, 9, 1, 8), 830, 3, 120.5, 1, 20245, date(2024, 2, 1)],
        ],
    )
    assert both_engines(book, schema) == {
        ("type-error", 4, "zahajeni"),
        ("type-error", 4, "cas"),
        ("type-error", 4, "kapacita"),
        ("type-error", 4, "bezbarierova"),
        ("type-error", 4, "rok"),
    }


def test_an_empty_sheet_is_a_source_error_and_a_header_alone_is_valid(tmp_path: Path) -> None:
    assert both_engines(_workbook(tmp_path / "empty.xlsx", [])) == {("source-error", None, None)}
    assert both_engines(_workbook(tmp_path / "header.xlsx", [["kod", "nazev"]])) == set()


def test_the_dialect_names_the_sheet(tmp_path: Path) -> None:
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.fields import schema_spec
    from cdo_toolkit.validation.reader import Dialect

    path = notes_and_data(
        tmp_path / "listy.xlsx", [["kod", "pocet"], ["563889", 3], ["563510", "tři"]]
    )
    schema = {"fields": [{"name": "kod", "type": "string"}, {"name": "pocet", "type": "integer"}]}

    def errors(sheet: str | int) -> list[Any]:
        table = TableInput(
            path, "listy", "listy.xlsx", schema_spec(schema), Dialect(sheet=sheet), None
        )
        return validate_table(table, Limits()).errors

    ours = {(e.type, e.row_number, e.field_name) for e in errors("data")}
    theirs = frictionless_errors(
        tmp_path / "listy.xlsx", schema=schema, dialect={"excel": {"sheet": "data"}}
    )
    assert ours == theirs == {("type-error", 3, "pocet")}
    # Sheets are numbered from 1: sheet 0 is none (not the last one), and the error names
    # the sheets there are.
    for wrong in (0, 3, "listy"):
        assert [(e.type, e.note) for e in errors(wrong)] == [
            ("source-error", f"the workbook has no sheet {wrong!r} (its sheets: poznamky, data)")
        ]


def test_a_file_named_xlsx_that_is_no_workbook(tmp_path: Path) -> None:
    text = tmp_path / "text.xlsx"
    text.write_text("kod,nazev\n1,Liberec\n", "utf-8")
    errors = engine_errors(text)
    assert {kind for kind, _row, _field in errors} == {"format-error"}
    import zipfile

    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("data.csv", "kod\n1\n")
    errors = engine_errors(archive)
    assert {kind for kind, _row, _field in errors} == {"format-error"}


def test_cli_reports_a_workbook_row_and_column(tmp_path: Path, cdo) -> None:  # type: ignore[no-untyped-def]
    book = _workbook(tmp_path / "skoly.xlsx", [["ico", "nazev"], ["0024112", "ZŠ Liberec"]])
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "fields": [
                    {"name": "ico", "type": "string", "constraints": {"pattern": "[0-9]{8}"}},
                    {"name": "nazev", "type": "string"},
                ]
            }
        ),
        "utf-8",
    )
    result = cdo("validate", str(book), "--schema", str(schema), "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    (error,) = report["tasks"][0]["errors"]
    assert (error["type"], error["rowNumber"], error["fieldName"], error["cell"]) == (
        "constraint-error",
        2,
        "ico",
        "0024112",
    )


def _old_workbook(path: Path, rows: list[list[Any]]) -> Path:
    """An old Excel (.xls) file, written by xlwt."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("skoly")
    dates = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def test_old_excel_files_are_read_as_frictionless_reads_them(tmp_path: Path) -> None:
    """.xls through xlrd: whole numbers as integers, dates as dates, text codes kept, a
    code held as a number a type error in a string field."""
    book = _old_workbook(
        tmp_path / "skoly.xls",
        [
            ["ico", "nazev", "kapacita", "prumer", "zahajeni", "bezbarierovy"],
            ["00241121", "ZŠ Liberec", 120, 1.5, datetime(2015, 9, 1), True],
            [70891508, "MŠ Turnov", 80.5, "2,5", datetime(2001, 9, 1, 8, 0), False],
            ["70891509", None, 0, 1, "1.9.2001", "ano"],
        ],
    )
    assert both_engines(book) == set()  # the inferred schema: text columns where types mix
    errors = both_engines(book, SCHEMA)
    assert errors == {
        ("type-error", 3, "ico"),
        ("primary-key", 3, None),
        ("type-error", 3, "kapacita"),
        ("type-error", 3, "prumer"),
        ("type-error", 3, "zahajeni"),
        ("constraint-error", 4, "nazev"),
        ("constraint-error", 4, "kapacita"),
        ("type-error", 4, "zahajeni"),
        ("type-error", 4, "bezbarierovy"),
    }


def test_an_old_office_file_not_named_xls_and_a_damaged_xls(tmp_path: Path) -> None:
    book = _old_workbook(tmp_path / "data.xls", [["kod"], ["1"]])
    # Renamed .xlsx, as Excel still opens it: read as the old workbook it is, with a note.
    as_new = tmp_path / "data.xlsx"
    as_new.write_bytes(book.read_bytes())
    assert engine_errors(as_new) == engine_errors(book) == set()
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.reader import Dialect

    task = validate_table(TableInput(as_new, "data", "data.xlsx", None, Dialect()), Limits())
    assert task.rows == 1 and task.notes == [
        "data.xlsx is an Excel workbook of the .xls kind under another name: read as one"
    ]
    renamed = tmp_path / "data.csv"
    renamed.write_bytes(book.read_bytes())
    assert {kind for kind, _row, _field in engine_errors(renamed)} == {"format-error"}
    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(book.read_bytes()[:600])
    assert {kind for kind, _row, _field in engine_errors(damaged)} == {"format-error"}


def test_progress_of_a_workbook_follows_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The progress bar of a large workbook advances with the rows read (it stood at 100 %
    from the first batch), where the workbook records how many rows it has."""
    from cdo_toolkit.validation import workbook
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.reader import Dialect

    monkeypatch.setattr(workbook, "BATCH_ROWS", 2)
    book = _workbook(tmp_path / "rady.xlsx", [["kod"], *[[str(n)] for n in range(9)]])
    seen: list[tuple[int, int]] = []
    task = validate_table(
        TableInput(book, "rady", "rady.xlsx", None, Dialect(), None),
        Limits(),
        lambda done, total: seen.append((done, total)),
    )
    assert task.rows == 9
    size = book.stat().st_size
    assert [total for _done, total in seen] == [size] * len(seen)
    done = [d for d, _total in seen]
    assert done == sorted(done) and done[0] < size and done[-1] == size, done


def test_a_csv_given_for_a_source_of_workbooks(tmp_path: Path) -> None:
    """The registry says the source's files are .xlsx; a CSV is given: the error says so
    (it spoke of a file named .xlsx)."""
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.reader import Dialect

    data = tmp_path / "skoly.csv"
    data.write_text("kod\n1\n", "utf-8")
    task = validate_table(
        TableInput(data, "skoly", "skoly.csv", None, Dialect(), None, "xlsx"), Limits()
    )
    (error,) = task.errors
    assert error.type == "format-error"
    assert "source's files are Excel workbooks" in error.note and "named" not in error.note


@pytest.mark.parametrize("declared", ["csv", "json"])
def test_a_workbook_given_for_a_source_of_text_files(tmp_path: Path, declared: str) -> None:
    """The registry says the source's files are CSV (or JSON); an Excel workbook is given:
    read as one (the same rows typed natively load as the CSV does), and said, since the
    wrong file's thousands of errors said nothing of why."""
    from cdo_toolkit.validation.engine import Limits, TableInput, validate_table
    from cdo_toolkit.validation.reader import Dialect

    book = _workbook(tmp_path / "skoly.xlsx", [["kod"], [1]])
    task = validate_table(
        TableInput(book, "skoly", "skoly.xlsx", None, Dialect(), None, declared), Limits()
    )
    assert task.valid
    assert task.notes == [
        f"the declared format is {declared.upper()}, and this file is an Excel workbook "
        "(.xlsx): read as one; is it the right file?"
    ]
    # Without a declared format (no source), the workbook is read as what it is, unsaid.
    assert not validate_table(
        TableInput(book, "skoly", "skoly.xlsx", None, Dialect(), None, None), Limits()
    ).notes


def test_a_workbook_under_another_name(workdir: Path, cdo) -> None:  # type: ignore[no-untyped-def]
    """Excel opens an .xlsx workbook renamed .xls (a common export), and so do we, with a
    note; one named .csv is refused as the workbook it is."""
    import shutil

    book = _workbook(
        workdir / "skoly.xlsx",
        [["ico", "nazev", "kapacita"], ["00241121", "ZŠ Liberec", 120], ["7089150", "MŠ", 0]],
    )
    expected = engine_errors(book)
    renamed = shutil.copy(book, workdir / "skoly.xls")
    assert engine_errors(renamed) == expected
    result = cdo("validate", str(renamed), "--format", "json")
    (task,) = json.loads(result.output)["tasks"]
    assert task["stats"]["rows"] == 2 and task["stats"]["fields"] == 3
    assert task["notes"] == [
        "skoly.xls is an Excel workbook of the .xlsx kind under another name: read as one"
    ]
    as_csv = shutil.copy(book, workdir / "skoly.csv")
    result = cdo("validate", str(as_csv), "--format", "json")
    assert result.exit_code == 1
    (error,) = json.loads(result.output)["tasks"][0]["errors"]
    assert error["type"] == "format-error"
    assert "an Excel workbook (.xlsx) named skoly.csv: name it .xlsx" in error["note"]


def _rewritten_sheet(source: Path, target: Path, change: Any) -> None:
    """``source`` with its first sheet's XML changed by ``change``."""
    import zipfile

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            copy.writestr(item, data)


def test_a_sheet_without_a_recorded_size_is_sized_without_reading_its_rows(
    tmp_path: Path,
) -> None:
    """A workbook may record no size for a sheet (openpyxl's write-only mode writes none):
    its size is then looked for only before the rows, which are not parsed for it (a
    sheet's rows broken after the start of its data show that), and the sheet is read
    whole all the same."""
    from openpyxl import load_workbook

    from cdo_toolkit.validation.workbook import quick_dimensions

    quick_dimensions()
    rows = [[f"{n:08d}", f"Škola {n}", n, 1.5, date(2020, 1, 1), True] for n in range(1, 301)]
    header = ["ico", "nazev", "kapacita", "prumer", "zahajeni", "bezbarierovy"]
    unsized = unsized_workbook(tmp_path / "unsized.xlsx", [header, *rows], "skoly")
    opened = load_workbook(unsized, read_only=True)
    assert opened.worksheets[0].max_row is None  # no size recorded, none made up
    opened.close()
    assert both_engines(unsized, SCHEMA) == set()  # as Frictionless reads it
    from cdo_toolkit.validation.api import validate

    assert (
        validate(str(unsized), Options(schema=unsized.with_suffix(".schema.json"))).tasks[0].rows
        == 300
    )

    broken = tmp_path / "broken.xlsx"
    _rewritten_sheet(unsized, broken, lambda xml: xml.replace(b"</sheetData>", b"<oops>"))
    opened = load_workbook(broken, read_only=True)  # the rows are not parsed to size it
    assert opened.worksheets[0].max_row is None
    opened.close()

    # A recorded size is found as before.
    sized = _workbook(tmp_path / "sized.xlsx", [["a", "b"], [1, 2], [3, 4]])
    opened = load_workbook(sized, read_only=True)
    assert (opened.worksheets[0].max_row, opened.worksheets[0].max_column) == (3, 2)
    opened.close()


def test_registry_add_parses_a_workbook_once_for_its_readings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside ``remembered_sheets`` a sheet read whole, or sampled and closed, is kept, and
    the next reading of the same file gets the same rows without parsing it again; a sheet
    larger than the limit is parsed again; outside, nothing is kept."""
    from cdo_toolkit.validation import workbook
    from cdo_toolkit.validation.reader import Dialect
    from cdo_toolkit.validation.source import detect

    rows = [["ico", "nazev"]] + [[f"{n:08d}", f"Škola {n}"] for n in range(1, 51)]
    path = _workbook(tmp_path / "skoly.xlsx", rows)
    parsed: list[Path] = []
    real = workbook._xlsx_sheet

    def counting(opened: Any, dialect: Any) -> Any:
        parsed.append(opened.path)
        return real(opened, dialect)

    monkeypatch.setattr(workbook, "_xlsx_sheet", counting)

    def read(*, sample: int | None = None) -> list[list[Any]]:
        sheet = workbook.open_sheet(detect(path), Dialect())
        try:
            got = [list(row) for _, row in zip(range(sample or 10**6), sheet.rows, strict=False)]
        finally:
            sheet.close()
        return got

    with workbook.remembered_sheets():
        assert read(sample=3) == rows[:3]  # a sample: the rest is read at close
        assert read() == rows and read() == rows
        assert len(parsed) == 1
        monkeypatch.setattr(workbook, "REMEMBERED_CELLS", 10)
        other = _workbook(tmp_path / "jine.xlsx", rows)
        path = other
        assert read() == rows and read() == rows
        assert len(parsed) == 3  # too large to keep: parsed at each reading
    path = tmp_path / "skoly.xlsx"
    assert read() == rows and len(parsed) == 4  # outside: nothing kept
    # A sheet that records no size is not read to its end after a sample (it might be too
    # large to keep); read whole, it is kept.
    path = unsized_workbook(tmp_path / "bez-rozmeru.xlsx", rows, "skoly")
    monkeypatch.setattr(workbook, "REMEMBERED_CELLS", 1000)
    with workbook.remembered_sheets():
        assert read(sample=3) == rows[:3] and len(parsed) == 5
        assert read() == rows and len(parsed) == 6
        assert read() == rows and len(parsed) == 6


def test_a_macro_enabled_workbook_is_read_as_the_xlsx_it_is(
    tmp_path: Path, base_registry: Path, cdo
) -> None:  # type: ignore[no-untyped-def]
    """.xlsm is an .xlsx whose macros are not run: read, by both engines alike (Frictionless
    told its format, as it would take it for a plain file), and onboarded as format xlsx."""
    import shutil

    from tests.conftest import registry_add

    book = _workbook(tmp_path / "skoly.xlsx", TYPED_ROWS)
    macro = tmp_path / "skoly.xlsm"
    shutil.copy(book, macro)
    schema = tmp_path / "skoly.schema.json"
    schema.write_text(json.dumps(SCHEMA), "utf-8")
    found = {}
    for engine in ("fast", "frictionless"):
        result = cdo("--lang", "en", "validate", str(macro), "--schema", str(schema), "--engine", engine, "--format", "json")  # fmt: skip
        task = json.loads(result.output)["tasks"][0]
        assert not any("another name" in note for note in task.get("notes", []))
        found[engine] = {
            (e["type"], e.get("rowNumber"), e.get("fieldName")) for e in task["errors"]
        }
    assert found["fast"] == found["frictionless"] == TYPED_ERRORS
    _result, entry = registry_add(cdo, "makra", macro, "education")
    assert entry["format"] == "xlsx"
    assert "dialect" not in entry  # its first sheet, from its first row: nothing to say


@pytest.mark.parametrize("seed", range(4))
def test_a_sheet_s_schema_is_inferred_as_frictionless_infers_it(seed: int) -> None:
    """The steps of Frictionless's inference, taken without the header check after them,
    give the schema ``Resource.infer()`` gives: random heads of native values, ragged
    rows, blank labels, and each of the dialect's header and comment options."""
    import random
    from datetime import time

    from frictionless import Resource

    from cdo_toolkit.validation.infer import _inferred, frictionless_dialect
    from cdo_toolkit.validation.reader import Dialect

    values: list[Any] = [None, "", " ", "a", "x y", "1", "01", "2.5", "ano", "2024-01-01"]
    values += [0, 1, 2.5, True, date(2020, 1, 1), datetime(2020, 1, 1, 5), time(5, 6)]
    dialects = [
        Dialect(),
        Dialect(header=False),
        Dialect(header_rows=(1, 2)),
        Dialect(header_rows=(2,)),
        Dialect(comment_rows=(1,)),
        Dialect(skip_blank_rows=True),
    ]
    pick = random.Random(seed)
    for _case in range(60):
        width = pick.randint(1, 7)
        head = [
            [
                pick.choice(values)
                for _cell in range(pick.choice([width, width, width - 1, width + 1]))
            ]
            for _row in range(pick.randint(1, 130))
        ]
        dialect = pick.choice(dialects)
        resource = Resource(data=head, dialect=frictionless_dialect(dialect, None))
        resource.infer()
        assert _inferred(head, dialect) == resource.schema.to_descriptor(), (head, dialect)


def test_a_sheet_formatted_far_right_of_its_table_agrees_with_frictionless(
    tmp_path: Path,
) -> None:
    """A cell formatted in column 400 widens every row of the sheet to 400 cells, as openpyxl
    reads it: the same blank labels as Frictionless reports, without a schema and with one,
    and the many empty columns read at once (a sheet of 4,000 took 30 s, now 6)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["kod", "nazev", "datum"], [1, "Liberec", date(2024, 2, 1)], [2, "Turnov", None]):
        sheet.append(row)
    sheet.cell(row=1, column=400).font = Font(bold=True)
    path = tmp_path / "siroky.xlsx"
    book.save(path)
    ours = engine_errors(path)
    assert ours == frictionless_errors(path)
    assert len(ours) == 397 and {kind for kind, _row, _field in ours} == {"blank-label"}
    schema = {"fields": [{"name": "kod", "type": "integer"}, {"name": "nazev", "type": "string"}]}
    # Types read natively and by Frictionless's reader, with constraints: empty columns
    # of each give no value to check.
    kinds: list[dict[str, Any]] = [
        {"type": "date"},
        {"type": "any"},
        {"type": "yearmonth", "constraints": {"minimum": "2020-01"}},
        {"type": "geopoint", "constraints": {"required": True}},
    ]
    schema["fields"] += [{"name": f"f{n}", **kinds[n % 4]} for n in range(3, 401)]
    described = tmp_path / "siroky.schema.json"
    described.write_text(json.dumps(schema), "utf-8")
    with_schema = engine_errors(path, Options(schema=described))
    assert with_schema == frictionless_errors(path, schema=schema)
    assert ("incorrect-label", None, "f3") in with_schema
