"""OpenDocument spreadsheets (.ods), as Czech offices save them from LibreOffice: read
with python-calamine, held to Frictionless's own reading (its ods extra) on the same files."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdo_toolkit.validation.api import Options
from tests.conftest import registry_add
from tests.parity import engine_errors, frictionless_errors
from tests.test_validation_workbooks import SCHEMA, TYPED_ERRORS, TYPED_ROWS, both_engines

ezodf = pytest.importorskip("ezodf", reason="ezodf (the dev extra) writes the test spreadsheets")


def _spreadsheet(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .ods file as ezodf (Frictionless's ods reader and writer) writes one: numbers,
    dates and booleans as typed cells, text as text."""
    document = ezodf.newdoc(doctype="ods", filename=str(path))
    for name, rows in sheets.items():
        sheet = ezodf.Sheet(name, size=(len(rows), max(len(row) for row in rows)))
        document.sheets += sheet
        for y, row in enumerate(rows):
            for x, value in enumerate(row):
                if isinstance(value, date):  # datetimes too
                    sheet[(y, x)].set_value(value.isoformat(), value_type="date")
                elif value is not None:
                    sheet[(y, x)].set_value(value)
    document.save()
    return path


def test_typed_cells_against_a_schema(tmp_path: Path) -> None:
    """Numbers (stored as floats), dates and booleans are values of their fields; text
    codes keep their leading zeros; wrong values are found where Frictionless finds them,
    as in an Excel workbook."""
    book = _spreadsheet(tmp_path / "skoly.ods", {"skoly": TYPED_ROWS})
    assert both_engines(book, SCHEMA) == TYPED_ERRORS


def test_without_a_schema_the_types_are_inferred_as_frictionless_infers_them(
    workdir: Path, cdo
) -> None:  # type: ignore[no-untyped-def]
    rows = [["kod", "pocet", "podil", "den"]] + [
        [f"{563000 + i}", i, i / 4, date(2024, 1, 1 + i % 28)] for i in range(150)
    ]
    rows[120][1] = "mnoho"  # row 121, past the rows types are inferred from
    book = _spreadsheet(workdir / "obce.ods", {"obce": rows})
    assert both_engines(book) == {("type-error", 121, "pocet")}
    result = cdo("validate", str(book), "--format", "json")
    (task,) = json.loads(result.output)["tasks"]
    assert result.exit_code == 1 and task["stats"]["rows"] == 150
    assert task["errors"][0]["cell"] == "mnoho"


def test_the_dialect_names_the_sheet(workdir: Path, cdo) -> None:  # type: ignore[no-untyped-def]
    notes = [["Počty žáků podle škol, 2024"]]
    data = [["kod", "pocet"], ["563889", 3], ["563510", "tři"]]
    book = _spreadsheet(workdir / "listy.ods", {"poznamky": notes, "data": data})
    schema = {"fields": [{"name": "kod", "type": "string"}, {"name": "pocet", "type": "integer"}]}
    assert both_engines(book, schema, sheet="data") == {("type-error", 3, "pocet")}
    schema_path = workdir / "listy.schema.json"
    for wrong in ("0", "3", "listy"):
        result = cdo("validate", str(book), "--schema", str(schema_path), "--sheet", wrong)
        message = " ".join(result.output.split())
        assert result.exit_code == 1, result.output
        expected = repr(int(wrong)) if wrong.isdigit() else repr(wrong)
        assert f"the workbook has no sheet {expected} (its sheets: poznamky, data)" in message


def test_a_spreadsheet_under_another_name_and_files_that_are_none(workdir: Path, cdo) -> None:  # type: ignore[no-untyped-def]
    """LibreOffice saves .ods; one renamed .xlsx is read as what it is, with a note; one
    named .csv is refused as the spreadsheet it is; a file named .ods that is none, a
    damaged one and a flat .fods file are each a format-error saying what to do."""
    book = _spreadsheet(workdir / "skoly.ods", {"skoly": TYPED_ROWS[:3]})
    renamed = shutil.copy(book, workdir / "skoly.xlsx")
    result = cdo("validate", str(renamed), "--format", "json")
    (task,) = json.loads(result.output)["tasks"]
    assert result.exit_code == 0 and task["stats"]["rows"] == 2
    assert task["notes"] == [
        "skoly.xlsx is an OpenDocument spreadsheet under another name: read as one"
    ]

    def only_error(path: Path) -> dict[str, Any]:
        result = cdo("validate", str(path), "--format", "json")
        assert result.exit_code == 1, result.output
        (error,) = json.loads(result.output)["tasks"][0]["errors"]
        return dict(error)

    error = only_error(Path(shutil.copy(book, workdir / "skoly.csv")))
    assert error["type"] == "format-error"
    assert "an OpenDocument spreadsheet (.ods) named skoly.csv: name it .ods" in error["note"]
    text = workdir / "text.ods"
    text.write_text("kod;nazev\n1;a\n", "utf-8")
    assert (
        only_error(text)["note"] == "the file is named .ods but is not an OpenDocument spreadsheet"
    )
    damaged = workdir / "damaged.ods"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content")
    error = only_error(damaged)
    assert error["type"] == "format-error"
    assert error["note"].startswith("the workbook cannot be opened: ")
    flat = workdir / "skoly.fods"
    flat.write_text('<?xml version="1.0"?><office:document/>', "utf-8")
    assert (
        "flat OpenDocument spreadsheet (.fods), which is not read: save it as .ods"
        in (only_error(flat)["note"])
    )


def test_onboard_and_submit_a_spreadsheet(cdo, base_registry: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole path of a source kept in .ods: described by registry add (codes with
    leading zeros as text), validated by its entry, loaded into the warehouse."""
    rows = [
        ["ico", "nazev", "kapacita", "zahajeni"],
        ["00241121", "ZŠ Liberec", 120, date(2015, 9, 1)],
        ["70891508", "MŠ Turnov", 45, date(2001, 9, 1)],
        ["00012345", "ZUŠ Jilemnice", 300, date(1990, 1, 2)],
    ]
    book = _spreadsheet(Path("skoly.ods"), {"skoly": rows})
    _result, entry = registry_add(cdo, "skoly-ods", book, "education")
    assert entry["format"] == "ods"
    types = {f["name"]: f["type"] for f in entry["schema"]["fields"]}
    assert types == {"ico": "string", "nazev": "string", "kapacita": "integer", "zahajeni": "date"}
    assert cdo("validate", str(book), "--source", "skoly-ods").exit_code == 0
    result = cdo("submit", "skoly-ods", str(book))
    assert result.exit_code == 0, result.output
    from cdo_toolkit.warehouse.connection import Warehouse
    from cdo_toolkit.warehouse.url import parse_url

    with Warehouse(parse_url("duckdb:///warehouse/cdo.duckdb", Path.cwd())) as warehouse:
        loaded = warehouse.execute("SELECT ico, kapacita, zahajeni FROM raw.skoly_ods ORDER BY 1")
    assert loaded == [
        ("00012345", 300, date(1990, 1, 2)),
        ("00241121", 120, date(2015, 9, 1)),
        ("70891508", 45, date(2001, 9, 1)),
    ]
    lint = cdo("registry", "lint")
    assert lint.exit_code == 0, lint.output
    catalogue = yaml.safe_load(Path("registry/sources/skoly-ods.yaml").read_text("utf-8"))
    assert catalogue["format"] == "ods"


def test_the_frictionless_engine_without_its_ods_reader_says_so(
    workdir: Path, cdo, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import importlib.util

    book = _spreadsheet(workdir / "skoly.ods", {"skoly": TYPED_ROWS[:3]})
    assert cdo("validate", str(book), "--engine", "frictionless").exit_code == 0
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "ezodf" else real_find_spec(name, *args),
    )
    result = cdo("validate", str(book), "--engine", "frictionless")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "--engine frictionless reads .ods files only with its ods extra" in message
    assert "Traceback" not in result.output
    assert cdo("validate", str(book)).exit_code == 0


class Failed(str):
    """A formula's error, as LibreOffice shows it in the cell (``#DIV/0!``)."""


def _cell(value: Any, repeated: int = 1) -> str:
    attributes = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, Failed):  # ODF has no error type: LibreOffice marks an empty string
        kind = (
            'table:formula="of:=1/0" office:value-type="string" office:string-value="" '
            'calcext:value-type="error"'
        )
    elif isinstance(value, time):
        duration = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        kind = f'office:value-type="time" office:time-value="{duration}"'
    elif isinstance(value, int | float):
        kind = f'office:value-type="float" office:value="{value}" calcext:value-type="float"'
    else:
        kind = 'office:value-type="string" calcext:value-type="string"'
    return f"<table:table-cell{attributes} {kind}><text:p>{value}</text:p></table:table-cell>"


def _as_libreoffice_saves(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    """An .ods file as LibreOffice saves one: each sheet padded to 1,024 columns and
    1,048,576 rows by repeated empty cells, a row repeated where it repeats the one
    before, and a failed formula an empty string marked as an error."""
    tables = []
    for name, rows in sheets.items():
        xml = ['<table:table-column table:number-columns-repeated="1024"/>']
        for index, row in enumerate(rows):
            if index and row == rows[index - 1]:
                continue
            repeats = 1
            while index + repeats < len(rows) and rows[index + repeats] == row:
                repeats += 1
            attribute = f' table:number-rows-repeated="{repeats}"' if repeats > 1 else ""
            cells = "".join(_cell(value) for value in row) + _cell(None, 1024 - len(row))
            xml.append(f"<table:table-row{attribute}>{cells}</table:table-row>")
        xml.append(
            f'<table:table-row table:number-rows-repeated="{1048576 - len(rows)}">'
            f"{_cell(None, 1024)}</table:table-row>"
        )
        tables.append(f'<table:table table:name="{name}">{"".join(xml)}</table:table>')
    return _ods_file(path, "".join(tables))


def _ods_file(path: Path, tables: str) -> Path:
    """An .ods file of the sheets ``tables`` (their XML), as LibreOffice writes one."""
    namespaces = " ".join(
        f'xmlns:{prefix}="{uri}"'
        for prefix, uri in (
            ("office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
            ("table", "urn:oasis:names:tc:opendocument:xmlns:table:1.0"),
            ("text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
            ("calcext", "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"),
        )
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} '
        'office:version="1.3"><office:body><office:spreadsheet>'
        + tables
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)
    return path


def test_a_sheet_saved_by_libreoffice_is_read_to_its_used_range(workdir: Path) -> None:
    """Where Frictionless (ezodf) keeps one padding column and one padding row of a
    LibreOffice file, and so calls every such file invalid (a blank label, a blank row),
    the sheet is read as far as it holds values, as an .xlsx sheet is read to its used
    range: a known difference from Frictionless (the other: times, below)."""
    rows = [
        ["kod", "nazev", "pocet"],
        ["0563889", "Liberec", 104261],
        ["0563510", "Jablonec", 45830],
    ]
    book = _as_libreoffice_saves(workdir / "obce.ods", {"List1": rows})
    assert engine_errors(book) == set()
    assert frictionless_errors(book) == {("blank-label", None, "field4"), ("blank-row", 4, None)}
    schema = {
        "fields": [
            {"name": "kod", "type": "string", "constraints": {"pattern": "0[0-9]{6}"}},
            {"name": "nazev", "type": "string"},
            {"name": "pocet", "type": "integer"},
        ]
    }
    assert engine_errors(book, Options(schema=_schema_file(workdir, schema))) == set()


def _schema_file(folder: Path, schema: dict[str, Any]) -> Path:
    path = folder / "schema.json"
    path.write_text(json.dumps(schema), "utf-8")
    return path


def test_onboard_another_sheet_of_a_spreadsheet(cdo, base_registry: Path) -> None:  # type: ignore[no-untyped-def]
    notes = [["Počty žáků podle škol, 2024"], ["Zdroj: odbor školství"]]
    data = [["kod", "pocet", "podil"], ["0563889", 3, 0.5], ["0563510", 12, 1.25]]
    book = _spreadsheet(Path("listy.ods"), {"poznamky": notes, "data": data})
    _result, entry = registry_add(cdo, "zaci", book, "education", "--sheet", "data")
    assert entry["dialect"]["sheet"] == "data"
    types = {f["name"]: f["type"] for f in entry["schema"]["fields"]}
    assert types == {"kod": "string", "pocet": "integer", "podil": "number"}
    assert cdo("validate", str(book), "--source", "zaci").exit_code == 0


def test_a_failed_formula_is_its_error_text_as_frictionless_reads_it(workdir: Path) -> None:
    """calamine reads a cell holding a formula's error as empty (its issue 720), so a column
    of #DIV/0! would pass as empty cells; the error's text is read instead, as Frictionless
    reads it: a type error in a number field, in the sheet asked for, also in a repeated
    row."""
    schema = {"fields": [{"name": "kod", "type": "string"}, {"name": "podil", "type": "number"}]}
    data = [
        ["kod", "podil"],
        ["1", 0.25],
        ["2", Failed("#DIV/0!")],
        ["3", Failed("#DIV/0!")],
        ["3", Failed("#DIV/0!")],
        ["4", Failed("Err:502")],
    ]
    other = [["kod", "podil"], ["9", Failed("#N/A")]]
    book = _as_libreoffice_saves(workdir / "podily.ods", {"jine": other, "data": data})
    ours = engine_errors(book, Options(schema=_schema_file(workdir, schema), sheet="data"))
    expected = {("type-error", row, "podil") for row in (3, 4, 5, 6)}
    assert ours == expected
    theirs = frictionless_errors(book, schema=schema, dialect={"ods": {"sheet": "data"}})
    # Frictionless's padding row and column of a LibreOffice file aside, the same errors.
    assert theirs - {("blank-row", 7, None), ("extra-label", None, None)} == expected, theirs


def test_a_time_cell_is_a_time(workdir: Path) -> None:
    """ODF stores a time of day as a duration (``PT12H30M00S``); Frictionless's reader
    passes that text on, which its own time type does not read, so it calls every time
    cell of an .ods file a type error. Read as the time it is, it passes: the other known
    difference from Frictionless."""
    schema = {"fields": [{"name": "linka", "type": "string"}, {"name": "odjezd", "type": "time"}]}
    rows = [["linka", "odjezd"], ["540110", time(12, 30)], ["540111", time(7, 5, 30)]]
    book = _as_libreoffice_saves(workdir / "odjezdy.ods", {"List1": rows})
    assert engine_errors(book, Options(schema=_schema_file(workdir, schema))) == set()
    assert {("type-error", 2, "odjezd"), ("type-error", 3, "odjezd")} <= frictionless_errors(
        book, schema=schema
    )


def test_a_spreadsheet_too_large_for_memory_or_a_bomb_is_refused_before_reading(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, cdo
) -> None:  # type: ignore[no-untyped-def]
    """calamine holds a workbook in memory: an .ods expanding as a decompression bomb, or
    beyond what is read in memory, is refused from its zip directory, before it is read."""
    from cdo_toolkit.validation import ods

    bomb = workdir / "bomb.ods"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        with archive.open("content.xml", "w") as content:
            for _ in range(70):
                content.write(b" " * 1024**2)
    ((kind, _row, _field),) = engine_errors(bomb)
    assert kind == "compression-error"
    rows = [["kod", "pocet"]] + [[f"{i:06d}", i] for i in range(6000)]
    book = _spreadsheet(workdir / "velky.ods", {"data": rows})
    monkeypatch.setattr(ods, "MAX_CONTENT", 1024**2)
    result = cdo("validate", str(book), "--format", "json")
    assert result.exit_code == 1
    (error,) = json.loads(result.output)["tasks"][0]["errors"]
    assert error["type"] == "source-error"
    assert (
        "more than the 1 MB an .ods file is read in memory up to: save its sheet as CSV"
        in (error["note"])
    )


HEADER = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>kod</text:p>'
    "</table:table-cell></table:table-row>"
)
VALUE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
ACROSS = VALUE.replace(  # XML's other quotes, and spaces around "=", hide nothing
    "<table:table-cell ", "<table:table-cell table:number-columns-repeated = '100' ", 1
)
EMPTY_TAIL = (  # LibreOffice closes a sheet with its unused rows and columns, repeated
    '<table:table-row table:number-rows-repeated="1048573">'
    '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
)


@pytest.mark.parametrize(
    ("rows", "grid"),
    [
        # The unused rows and columns closing a sheet are no part of it.
        (HEADER + f'<table:table-row>{VALUE}<table:table-cell table:number-columns-repeated="1023"/></table:table-row>' + EMPTY_TAIL, (2, 1)),
        # A value repeated down a million rows and across a hundred columns: a kilobyte.
        (HEADER + f'<table:table-row table:number-rows-repeated="1000000">{ACROSS}</table:table-row>', (1_000_001, 100)),
        # One value far from the table: below a million empty rows, right of 200 empty cells.
        (HEADER + '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>'
         + f'<table:table-row><table:table-cell table:number-columns-repeated="200"/>{VALUE}</table:table-row>' + EMPTY_TAIL, (1_000_002, 201)),
    ],
)  # fmt: skip
def test_the_grid_calamine_lays_a_sheet_out_in(
    workdir: Path, rows: str, grid: tuple[int, int]
) -> None:
    """calamine lays a sheet's cells out in a grid to the last holding a value, repeated
    cells counted as often: from a kilobyte, a grid of a hundred million cells, which the
    process cannot hold. Such a sheet is refused before calamine reads it."""
    from cdo_toolkit.validation.ods import MAX_CELLS, grids

    path = _ods_file(workdir / "list.ods", f'<table:table table:name="List1">{rows}</table:table>')
    with zipfile.ZipFile(path) as archive:
        assert list(grids(archive.read("content.xml"))) == [grid]
    report = engine_errors(path)
    if grid[0] * grid[1] <= MAX_CELLS:
        assert report == set()
    else:
        assert report == {("source-error", None, None)}
